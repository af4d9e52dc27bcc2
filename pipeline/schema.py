"""Le vocabulaire du registre : feuilles, colonnes et leurs synonymes, motifs, types, valeurs.

Tout ce que le programme sait *reconnaître* dans un classeur saisi à la main est déclaré
ici, une fois, sous forme de données ; `pipeline.registre` lit et valide le classeur en
suivant ces tables. Reconnaître un nouveau nom de feuille ou de colonne (« Personnel »,
« N+1 »…), un nouveau libellé de motif ou de type, c'est ajouter un texte à l'`alias` de
la `Feuille` ou de la `Colonne`, ou aux `synonymes` du `Motif` ou du `TypeEntretien` :
`feuille_nommee`, `Feuille.colonne_nommee`, `code_motif` et `code_type` le comprennent
aussitôt, comme la recherche de la ligne d'en-tête (`pipeline.lecture_feuilles`).

Un motif d'absence est déclaré une seule fois dans `MOTIFS` : son libellé dans le
registre, sa forme au fil d'une phrase (`libelles.LIBELLES_ABSENCES`) et, s'il déclenche
l'entretien de retour (regles.md §3.3), le début de phrase du motif de l'obligation et les
régimes où il le déclenche (`motifs_retour`, qu'utilise `pipeline.regles`).

`cle(texte)` est la forme de comparaison tolérante des noms (casse, accents, apostrophes,
espaces, « de/d'/du » ignorés), réutilisable pour d'autres classeurs saisis à la main.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

# --------------------------------------------------------------------------------------
# Comparaison tolérante des noms
# --------------------------------------------------------------------------------------

# Mots ignorés dans les noms de feuilles, de colonnes et les libellés : « Date d'entrée »,
# « Date entrée » et « Date de l’entrée » désignent la même colonne.
_MOTS_VIDES = frozenset({"de", "d", "du", "des", "la", "le", "l", "les"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})


def cle(texte: object) -> str:
    """Forme de comparaison tolérante : sans casse, accents, ponctuation ni mots vides."""
    brut = unicodedata.normalize("NFKD", str(texte).translate(_APOSTROPHES))
    sans_accents = "".join(c for c in brut if not unicodedata.combining(c)).lower()
    mots = re.sub(r"[^a-z0-9]+", " ", sans_accents).split()
    return " ".join(m for m in mots if m not in _MOTS_VIDES)


def _index_ecritures(vocabulaire: Iterable[Motif | TypeEntretien]) -> dict[str, str]:
    """`cle` de chaque écriture reconnue (code, « _ » lu comme une espace, libellé,
    synonymes) -> code ; tests/test_registre.py vérifie que chacune désigne bien le sien.

    Un libellé ou un synonyme l'emporte sur un code lu avec des espaces : « Congé de
    naissance » est le congé de 3 jours, bien que `conge_naissance` se lise « conge
    naissance » (le code exact reste reconnu : `code_motif` le cherche d'abord).
    """
    vocabulaire = tuple(vocabulaire)
    index = {cle(e.code.replace("_", " ")): e.code for e in vocabulaire}
    index.update({cle(ecrit): e.code for e in vocabulaire for ecrit in (e.libelle, *e.synonymes)})
    return index


# --------------------------------------------------------------------------------------
# Motifs d'absence
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Motif:
    """Un motif d'absence, tout ce que le programme en sait."""

    code: str
    libelle: str  # tel qu'on l'écrit dans le registre, et tel que registre.md le documente
    phrase: str  # au fil d'une phrase : documents Word, échéances.xlsx
    synonymes: tuple[str, ...] = ()  # autres libellés acceptés dans le registre
    # Début du motif de l'obligation de retour (regles.md §3.3) ; vide : ne la déclenche pas.
    retour: str = ""
    regimes: tuple[str, ...] = ()  # régimes où il la déclenche ; vide : tous
    # Donnée de santé sans effet : une chaîne d'absences (regles.md §3.3) ne la nomme pas.
    sante: bool = False


MOTIFS: tuple[Motif, ...] = (
    Motif(
        "maternite",
        "Congé de maternité",
        "congé de maternité",
        retour="Retour de congé de maternité",
    ),
    Motif(
        "adoption",
        "Congé d'adoption",
        "congé d'adoption",
        retour="Retour de congé d'adoption",
    ),
    Motif(
        "conge_parental",
        "Congé parental d'éducation",
        "congé parental d'éducation",
        synonymes=("Temps partiel parental", "Congé parental"),
        retour="Retour de congé parental d'éducation (ou temps partiel parental)",
    ),
    Motif(
        "proche_aidant",
        "Congé de proche aidant",
        "congé de proche aidant",
        synonymes=("Congé de soutien familial",),
        retour="Retour de congé de proche aidant",
    ),
    Motif(
        "sabbatique",
        "Congé sabbatique",
        "congé sabbatique",
        retour="Retour de congé sabbatique",
    ),
    Motif(
        "mobilite_volontaire",
        "Mobilité volontaire sécurisée",
        "période de mobilité volontaire sécurisée",
        synonymes=("Mobilité volontaire",),
        retour="Retour de mobilité volontaire sécurisée (art. L1222-12)",
    ),
    Motif(
        "longue_maladie",
        "Arrêt longue maladie",
        "arrêt de longue maladie",
        synonymes=("Affection de longue durée", "ALD", "Longue maladie"),
        retour="Retour d'arrêt longue maladie (art. L324-1 CSS)",
    ),
    Motif(
        "mandat_syndical",
        "Mandat syndical",
        "mandat syndical",
        retour="Fin de mandat syndical",
    ),
    # Ajouté à L6315-1 par la loi n° 2025-1403 (art. 99) : déclenche le retour en régime 2025
    # seulement ; en régime 2014 c'est une absence comme une autre (elle prolonge une chaîne).
    Motif(
        "conge_naissance",
        "Congé supplémentaire de naissance",
        "congé supplémentaire de naissance",
        synonymes=("Congé de naissance supplémentaire",),
        retour="Retour de congé supplémentaire de naissance (art. L1225-46-2)",
        regimes=("2025",),
    ),
    Motif("maladie", "Maladie", "arrêt maladie", synonymes=("Arrêt maladie",), sante=True),
    Motif("paternite", "Congé de paternité", "congé de paternité"),
    # Les 3 jours de l'art. L3142-4, à ne pas confondre avec le précédent : « Congé de
    # naissance » tout court est lu ainsi, avec un avertissement (`naissance_ambigue`).
    Motif(
        "naissance",
        "Congé de naissance (3 jours)",
        "congé de naissance (3 jours)",
        synonymes=("Congé de naissance", "Congé de naissance de 3 jours"),
    ),
    Motif("conges_payes", "Congés payés", "congés payés", synonymes=("CP",)),
    Motif("sans_solde", "Congé sans solde", "congé sans solde"),
    Motif(
        "accident_travail",
        "Accident du travail",
        "accident du travail",
        synonymes=("Accident de travail",),
        sante=True,
    ),
    Motif("autre", "Autre", "absence"),
)

MOTIFS_ABSENCE: dict[str, str] = {m.code: m.libelle for m in MOTIFS}
# Les motifs qui déclenchent l'entretien de retour dans au moins un régime.
MOTIFS_RETOUR = frozenset(m.code for m in MOTIFS if m.retour)


def motifs_retour(regime: str) -> dict[str, str]:
    """Motifs qui déclenchent l'entretien de retour dans ce régime -> début de son motif."""
    return {m.code: m.retour for m in MOTIFS if m.retour and (not m.regimes or regime in m.regimes)}


_INDEX_MOTIFS = _index_ecritures(MOTIFS)
_CODES_MOTIFS = frozenset(MOTIFS_ABSENCE)


def _sans_conge(k: str) -> str:
    """La clé `k` d'un motif sans « congé(s) » en tête : « Congé maternité », « Congés
    sabbatique », « Conges naissance » : le mot est facultatif."""
    for prefixe in ("conge ", "conges "):
        if k.startswith(prefixe):
            return k[len(prefixe) :]
    return k


# Écritures qui ne disent pas de quel congé de naissance il s'agit (regles.md §3.3) :
# « Naissance », « Congé de naissance », « Congés naissance »…
_NAISSANCE_AMBIGUE = _sans_conge(cle("Congé de naissance"))


def code_motif(texte: str) -> str | None:
    """Code du motif d'absence écrit `texte` (code, libellé ou synonyme), None si inconnu."""
    if str(texte).strip().lower() in _CODES_MOTIFS:
        return str(texte).strip().lower()
    k = cle(texte)
    if k in _INDEX_MOTIFS:
        return _INDEX_MOTIFS[k]
    return _INDEX_MOTIFS.get(_sans_conge(k))


def naissance_ambigue(texte: str) -> bool:
    """« Congé de naissance » sans plus de précision : lu comme le congé de 3 jours
    (L3142-4, sans effet), que la lecture du registre signale pour qu'on ne le confonde pas
    avec le congé supplémentaire de naissance (L1225-46-2), qui appelle un entretien."""
    return code_motif(texte) == "naissance" and _sans_conge(cle(texte)) == _NAISSANCE_AMBIGUE


# --------------------------------------------------------------------------------------
# Types d'entretien (feuille « Entretiens »)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeEntretien:
    code: str
    libelle: str  # tel qu'on l'écrit dans le registre
    synonymes: tuple[str, ...] = ()  # autres libellés acceptés dans le registre


TYPES: tuple[TypeEntretien, ...] = (
    TypeEntretien("periodique", "Périodique", ("Entretien professionnel",)),
    TypeEntretien("premier", "Premier entretien"),
    TypeEntretien("retour", "Retour de congé", ("Retour d'absence",)),
    TypeEntretien(
        "etat_des_lieux",
        "État des lieux",
        ("État des lieux récapitulatif", "Bilan 6 ans", "Bilan 8 ans", "Bilan"),
    ),
    TypeEntretien("mi_carriere", "Mi-carrière"),
    TypeEntretien("avant_60", "Avant 60 ans", ("Fin de carrière",)),
)
TYPES_ENTRETIEN: dict[str, str] = {t.code: t.libelle for t in TYPES}
TYPE_PAR_DEFAUT = "periodique"  # cellule « Type » vide

_INDEX_TYPES = _index_ecritures(TYPES)


def code_type(texte: str) -> str | None:
    """Code du type d'entretien écrit `texte`, None si inconnu."""
    k = cle(texte)
    if k in _INDEX_TYPES:
        return _INDEX_TYPES[k]
    # « Entretien de mi-carrière », « Entretien périodique » : « entretien » est facultatif.
    if k.startswith("entretien ") and k[len("entretien ") :] in _INDEX_TYPES:
        return _INDEX_TYPES[k[len("entretien ") :]]
    return None


# --------------------------------------------------------------------------------------
# Natures d'évolution, civilités, oui/non
# --------------------------------------------------------------------------------------


def code_nature(texte: str) -> str | None:
    """« Évolution salariale », « Salaire », « Promotion »… -> nature ; None si inconnue."""
    k = cle(texte).removeprefix("evolution ")
    if k.startswith("salari"):
        return "salariale"
    if k.startswith("profession") or k == "promotion":
        return "professionnelle"
    return None


CIVILITES: dict[str, str] = {
    "m": "M.",
    "mr": "M.",
    "monsieur": "M.",
    "mme": "Mme",
    "madame": "Mme",
    "mlle": "Mme",
    "mademoiselle": "Mme",
}


def code_civilite(texte: str) -> str | None:
    """« Madame », « mme », « Mlle »… -> « Mme » ; None si non reconnue."""
    return CIVILITES.get(cle(texte))


# Valeurs d'une colonne oui/non, sous leur forme `cle`.
_OUI = frozenset({"oui", "o", "x", "vrai", "true", "1", "yes", "y"})
_NON = frozenset({"non", "n", "faux", "false", "0", "no"})


def oui_non(texte: str) -> bool | None:
    """« Oui », « x », « VRAI »… -> True ; « non », « 0 »… ou vide -> False ; None sinon."""
    k = cle(texte)
    if k == "":
        return False  # vide = défaut « non »
    if k in _OUI:
        return True
    if k in _NON:
        return False
    return None


# --------------------------------------------------------------------------------------
# Feuilles et colonnes : la table qui pilote lecture et validation
# --------------------------------------------------------------------------------------

# Natures de colonnes : la conversion et le contrôle qu'applique `pipeline.controles_registre`.
TEXTE = "texte"
DATE = "date"
BOOLEEN = "booleen"
EMAIL = "email"
CIVILITE = "civilite"
TYPE = "type"
MOTIF = "motif"
NATURE = "nature"


@dataclass(frozen=True)
class Colonne:
    nom: str  # titre canonique, tel que documenté dans registre.md
    cle: str  # nom de la colonne du DataFrame
    obligatoire: bool = False
    nature: str = TEXTE
    alias: tuple[str, ...] = ()  # autres titres reconnus
    # Un retour à la ligne tapé dans la cellule devient ce texte (formats.nettoyer_texte) :
    # une espace, sauf dans une adresse postale, qui garde ses lignes séparées par « , ».
    saut_de_ligne: str = " "

    def est_son_nom(self, titre: str) -> bool:
        """`titre` est le nom documenté de la colonne (pas un synonyme)."""
        return cle(titre) == cle(self.nom)


@dataclass(frozen=True)
class Feuille:
    nom: str
    table: str  # attribut de Registre
    obligatoire: bool
    colonnes: tuple[Colonne, ...]
    alias: tuple[str, ...] = ()  # autres noms de feuille reconnus

    def colonne(self, cle_df: str) -> Colonne:
        return next(c for c in self.colonnes if c.cle == cle_df)

    @cached_property
    def index_colonnes(self) -> dict[str, Colonne]:
        """`cle` de chaque titre reconnu (nom et alias) -> colonne."""
        return {cle(nom): c for c in self.colonnes for nom in (c.nom, *c.alias)}

    def colonne_nommee(self, titre: str) -> Colonne | None:
        """La colonne dont `titre` (un en-tête tel qu'écrit) est le nom ou un alias."""
        return self.index_colonnes.get(cle(titre))

    def est_son_nom(self, titre: str) -> bool:
        """`titre` est le nom documenté de la feuille (au pluriel près), pas un synonyme."""
        return cle(titre).rstrip("s") == cle(self.nom).rstrip("s")


# Synonymes : les noms que les registres tenus à la main emploient vraiment (relevés sur
# des classeurs de services RH). Choix là où un nom est ambigu :
# - « Responsable », « Manager », « N+1 » dans « Salariés » désignent le matricule du
#   manager ; si la colonne ne contient aucun matricule de la feuille (des noms, « oui »…),
#   elle n'est pas lue comme telle et un avertissement le dit (pipeline.lecture_feuilles) ;
# - dans « Entretiens », « Manager » et « Responsable » sont la personne qui a conduit
#   l'entretien (texte libre) ;
# - deux colonnes qui désignent la même (« E-mail » et « Courriel ») : le nom documenté
#   l'emporte, sinon la première à gauche ; l'autre est signalée et reste offerte aux modèles.
_MATRICULE = Colonne(
    "Matricule",
    "matricule",
    True,
    alias=(
        "N° matricule",
        "Numéro de matricule",
        "Matricule salarié",
        "Mat.",
    ),
)

FEUILLES: tuple[Feuille, ...] = (
    Feuille(
        "Salariés",
        "salaries",
        True,
        (
            _MATRICULE,
            Colonne("Civilité", "civilite", nature=CIVILITE, alias=("Civ.", "Titre de civilité")),
            Colonne("Nom", "nom", True, alias=("Nom de famille", "Nom d'usage", "Nom usuel")),
            Colonne("Prénom", "prenom", True, alias=("Prénom usuel",)),
            Colonne(
                "Email",
                "email",
                nature=EMAIL,
                alias=(
                    "E-mail",
                    "Courriel",
                    "Mail",
                    "Adresse email",
                    "Adresse e-mail",
                    "Adresse mail",
                    "Adresse électronique",
                    "Email professionnel",
                    "E-mail professionnel",
                    "Mail professionnel",
                    "Courriel professionnel",
                    "Email pro",
                    "Mail pro",
                ),
            ),
            Colonne(
                "Date de naissance",
                "date_naissance",
                nature=DATE,
                alias=("Né(e) le", "Né le", "Née le", "Naissance"),
            ),
            Colonne(
                "Date d'entrée",
                "date_entree",
                True,
                DATE,
                alias=(
                    "Date d'embauche",
                    "Embauche",
                    "Embauché(e) le",
                    "Entré(e) le",
                    "Entrée",
                    "Date d'arrivée",
                    "Date d'entrée dans l'entreprise",
                ),
            ),
            Colonne(
                "Date de sortie",
                "date_sortie",
                nature=DATE,
                alias=(
                    "Date de départ",
                    "Départ",
                    "Sortie",
                    "Sorti(e) le",
                    "Date de fin de contrat",
                    "Fin de contrat",
                ),
            ),
            Colonne(
                "Poste",
                "poste",
                alias=("Emploi", "Fonction", "Intitulé du poste", "Poste occupé", "Métier"),
            ),
            Colonne("Service", "service", alias=("Département", "Pôle", "Équipe", "Unité")),
            Colonne(
                "Établissement",
                "etablissement",
                alias=("Site", "Lieu de travail", "Agence", "Implantation"),
            ),
            Colonne(
                "Matricule manager",
                "matricule_manager",
                alias=(
                    "Matricule du manager",
                    "Manager",
                    "Responsable",
                    "N+1",
                    "Matricule responsable",
                    "Matricule N+1",
                    "Responsable hiérarchique",
                    "Supérieur hiérarchique",
                ),
            ),
            Colonne(
                "Date visite mi-carrière",
                "date_visite_mi_carriere",
                nature=DATE,
                alias=("Visite de mi-carrière", "Visite médicale de mi-carrière"),
            ),
            Colonne(
                "Adresse",
                "adresse",
                alias=("Adresse postale", "Adresse personnelle", "Rue"),
                saut_de_ligne=", ",
            ),
            Colonne("Code postal", "code_postal", alias=("CP", "C.P.")),
            Colonne("Ville", "ville", alias=("Commune", "Localité")),
        ),
        alias=(
            "Personnel",
            "Effectif",
            "Collaborateurs",
            "Employés",
            "Liste du personnel",
            "Liste des salariés",
            "Registre du personnel",
            "Registre unique du personnel",
            "Registre",
        ),
    ),
    Feuille(
        "Entretiens",
        "entretiens",
        False,
        (
            _MATRICULE,
            Colonne(
                "Date",
                "date",
                True,
                DATE,
                alias=("Date de l'entretien", "Réalisé le"),
            ),
            Colonne(
                "Type",
                "type",
                nature=TYPE,
                alias=("Type d'entretien", "Nature de l'entretien", "Nature"),
            ),
            Colonne(
                "Conduit par",
                "conduit_par",
                alias=("Réalisé par", "Mené par", "Manager", "Responsable", "Évaluateur"),
            ),
            Colonne(
                "Commentaire",
                "commentaire",
                alias=("Commentaires", "Observations", "Remarques", "Notes"),
            ),
        ),
        alias=(
            "Entretiens professionnels",
            "Entretiens réalisés",
            "Historique des entretiens",
            "Suivi des entretiens",
        ),
    ),
    Feuille(
        "Absences",
        "absences",
        False,
        (
            _MATRICULE,
            Colonne(
                "Motif",
                "motif",
                True,
                MOTIF,
                alias=("Motif d'absence", "Type d'absence", "Nature de l'absence", "Type"),
            ),
            Colonne(
                "Date de début",
                "date_debut",
                True,
                DATE,
                alias=("Début", "Début de l'absence", "Date de début d'absence"),
            ),
            Colonne(
                "Date de fin",
                "date_fin",
                nature=DATE,
                alias=("Fin", "Fin de l'absence", "Date de fin d'absence", "Dernier jour"),
            ),
            Colonne(
                "Date de reprise",
                "date_reprise",
                nature=DATE,
                alias=("Reprise", "Date de retour", "Retour"),
            ),
        ),
        alias=("Suivi des absences", "Absences longues", "Congés et absences"),
    ),
    Feuille(
        "Formations",
        "formations",
        False,
        (
            _MATRICULE,
            Colonne(
                "Intitulé",
                "intitule",
                True,
                alias=("Formation", "Intitulé de la formation", "Libellé", "Action de formation"),
            ),
            Colonne(
                "Date",
                "date",
                True,
                DATE,
                alias=("Date de la formation", "Réalisée le"),
            ),
            Colonne(
                "Obligatoire",
                "obligatoire",
                nature=BOOLEEN,
                alias=("Formation obligatoire",),
            ),
            Colonne(
                "Certifiante",
                "certifiante",
                nature=BOOLEEN,
                alias=("Formation certifiante", "Certification", "Diplômante"),
            ),
        ),
        alias=("Formations suivies", "Historique des formations", "Suivi des formations"),
    ),
    Feuille(
        "Évolutions",
        "evolutions",
        False,
        (
            _MATRICULE,
            Colonne("Date", "date", True, DATE, alias=("Date d'effet", "Date de l'évolution")),
            Colonne(
                "Nature",
                "nature",
                nature=NATURE,
                alias=("Type", "Type d'évolution", "Nature de l'évolution"),
            ),
            Colonne(
                "Commentaire",
                "commentaire",
                alias=("Commentaires", "Détail", "Description", "Observations"),
            ),
        ),
        alias=("Évolutions professionnelles", "Évolutions salariales", "Promotions"),
    ),
)
FEUILLES_PAR_TABLE: dict[str, Feuille] = {f.table: f for f in FEUILLES}

_INDEX_FEUILLES: dict[str, Feuille] = {}
for _feuille in FEUILLES:
    for _nom in (_feuille.nom, *_feuille.alias):
        _INDEX_FEUILLES[cle(_nom)] = _feuille
        _INDEX_FEUILLES[cle(_nom).rstrip("s")] = _feuille  # « Salarié », « Entretien »…


def feuille_nommee(titre: str) -> Feuille | None:
    """La feuille dont `titre` (un nom de feuille tel qu'écrit) est le nom ou un alias."""
    return _INDEX_FEUILLES.get(cle(titre))


# --------------------------------------------------------------------------------------
# Colonnes des tables produites (contrat de `Registre`)
# --------------------------------------------------------------------------------------


def colonnes_table(feuille: Feuille) -> list[str]:
    """Colonnes du DataFrame d'une feuille : les siennes, plus celles que la lecture ajoute."""
    noms = [c.cle for c in feuille.colonnes]
    if feuille.table == "absences":
        noms.insert(noms.index("motif") + 1, "libelle_motif")  # le motif tel qu'écrit
    noms.append("ligne")  # numéro de ligne Excel
    if feuille.table == "salaries":
        noms.append("autres")  # colonnes inconnues, offertes aux modèles Word
    return noms


def table_vide(table: str) -> pd.DataFrame:
    """Table sans ligne, avec les colonnes et types du contrat (feuille facultative absente)."""
    feuille = FEUILLES_PAR_TABLE[table]
    colonnes: dict[str, Any] = {}
    for nom in colonnes_table(feuille):
        nature = next((c.nature for c in feuille.colonnes if c.cle == nom), TEXTE)
        if nature == DATE:
            colonnes[nom] = pd.Series([], dtype="datetime64[ns]")
        elif nature == BOOLEEN:
            colonnes[nom] = pd.Series([], dtype=bool)
        elif nom == "ligne":
            colonnes[nom] = pd.Series([], dtype="int64")
        elif nom == "autres":
            colonnes[nom] = pd.Series([], dtype=object)
        else:
            colonnes[nom] = pd.Series([], dtype="str")
    return pd.DataFrame(colonnes)
