"""Classeur Excel du registre -> tables pandas validées. Seul module qui lit le registre.

Ce qu'il sait reconnaître (feuilles, colonnes et leurs synonymes, motifs, types, oui/non)
est déclaré dans `pipeline.schema` ; ce module lit le classeur et valide chaque valeur en
suivant ces tables.

Contrat de sortie (les autres modules ne dépendent que de ceci) :

`Registre.salaries` — une ligne par salarié, colonnes :
    matricule (str, zéros de tête conservés), civilite ("M." / "Mme" / ""), nom, prenom,
    email, poste, service, etablissement, matricule_manager, adresse, code_postal, ville (str,
    "" si vide), date_naissance, date_entree, date_sortie, date_visite_mi_carriere
    (datetime64[ns], NaT si vide), ligne (int : ligne Excel), autres (dict colonne -> valeur
    texte des colonnes inconnues, offertes aux modèles Word).
`Registre.entretiens` — matricule, date, type (code : periodique, premier, retour,
    etat_des_lieux, mi_carriere, avant_60), conduit_par, commentaire, ligne.
`Registre.absences` — matricule, motif (code, voir schema.MOTIFS), libelle_motif (tel
    qu'écrit), date_debut, date_fin, date_reprise, ligne.
`Registre.formations` — matricule, intitule, date, obligatoire (bool), certifiante (bool), ligne.
`Registre.evolutions` — matricule, date, nature ("salariale" / "professionnelle"),
    commentaire, ligne.

Les feuilles facultatives absentes donnent des tables vides avec ces colonnes.

Utilisation :
    `lire_registre(chemin: Path) -> Registre` lit et valide tout le classeur. Elle *collecte*
    toutes les anomalies puis, s'il y a au moins une erreur, lève `ErreurEntretiens`
    (« Le registre contient N erreur(s) … ») dont `anomalies` contient erreurs ET
    avertissements, triés par feuille, ligne, colonne. Sans erreur, les avertissements
    (ex. `naissance-manquante`) sont dans `Registre.avertissements`. Un fichier absent,
    qui n'est pas un classeur Excel, endommagé ou verrouillé donne `ErreurEntretiens.simple`
    (codes `fichier-introuvable`, `fichier-illisible`) : une seule phrase, jamais de trace.
    `erreurs.formater_anomalies(anomalies) -> str` : tableau texte « Ligne | Colonne | Code |
    Message » groupé par feuille, pour `entretiens verifier`.
    `Registre(...)` accepte n'importe quel sous-ensemble de tables (les autres sont vides
    avec les bonnes colonnes, cf. `schema.table_vide(nom_table)`) : pratique pour les tests
    des autres modules.

Codes d'anomalie : chacun est déclaré, avec son titre et la correction qu'il suggère, dans
`erreurs.CATALOGUE` ; ceux que produit la lecture du registre sont listés dans le README
(tests/test_catalogue.py y veille).

Lecture : python-calamine (moteur Rust, aussi proposé par `pandas.read_excel`) plutôt
qu'openpyxl : ~10 fois plus rapide sur un registre de 100 000 salariés. Les cellules
texte restent du texte (« 00042 »), les cellules date Excel arrivent en dates.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from pipeline.erreurs import AVERTISSEMENT, ERREUR, Anomalie, ErreurEntretiens
from pipeline.formats import (
    MOTIFS_DATE,
    date_courte,
    dates_cellules,
    texte_cellule,
    textes_cellules,
)
from pipeline.schema import (
    BOOLEEN,
    CIVILITE,
    DATE,
    EMAIL,
    FEUILLES,
    FEUILLES_PAR_TABLE,
    MOTIF,
    MOTIFS_ABSENCE,
    NATURE,
    TYPE,
    TYPE_PAR_DEFAUT,
    TYPES_ENTRETIEN,
    Colonne,
    Feuille,
    cle,
    code_civilite,
    code_motif,
    code_nature,
    code_type,
    colonnes_table,
    feuille_nommee,
    oui_non,
    table_vide,
)


@dataclass
class Registre:
    salaries: pd.DataFrame = field(default_factory=lambda: table_vide("salaries"))
    entretiens: pd.DataFrame = field(default_factory=lambda: table_vide("entretiens"))
    absences: pd.DataFrame = field(default_factory=lambda: table_vide("absences"))
    formations: pd.DataFrame = field(default_factory=lambda: table_vide("formations"))
    evolutions: pd.DataFrame = field(default_factory=lambda: table_vide("evolutions"))
    avertissements: list[Anomalie] = field(default_factory=list)
    chemin: Path = field(default_factory=Path)


# --------------------------------------------------------------------------------------
# Conversion des valeurs
# --------------------------------------------------------------------------------------

# Les espaces autour des valeurs tapées sont retirés (registre.md) ; les autres cellules
# (nombres, dates) passent telles quelles.
_retirer_espaces = np.frompyfunc(lambda v: v.strip() if v.__class__ is str else v, 1, 1)
_RE_EMAIL = r"[^@\s;,<>()]+@[^@\s;,<>()]+\.[A-Za-z]{2,}"


def _traduire(textes: list[str], fonction: Any) -> tuple[list[str], np.ndarray]:
    """Libellés -> codes via `fonction` (appelée une fois par valeur distincte)."""
    cache: dict[str, str | None] = {"": ""}
    codes = []
    for t in textes:
        if t not in cache:
            cache[t] = fonction(t)
        codes.append(cache[t])
    inconnu = np.array([c is None for c in codes], dtype=bool)
    return ["" if c is None else c for c in codes], inconnu


def _booleens(valeurs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cache: dict[Any, bool | None] = {}

    def lire(v: Any) -> bool | None:
        return v if isinstance(v, bool) else oui_non(texte_cellule(v))

    resultats = []
    for v in valeurs:
        try:
            r = cache[v]
        except (KeyError, TypeError):
            r = lire(v)
            cache[v] = r
        resultats.append(r)
    inconnu = np.array([r is None for r in resultats], dtype=bool)
    return np.array([bool(r) for r in resultats], dtype=bool), inconnu


# --------------------------------------------------------------------------------------
# Collecte des anomalies
# --------------------------------------------------------------------------------------


@dataclass
class _Collecte:
    """Anomalies avec leur clé de tri (ordre des feuilles, ligne, position de colonne)."""

    items: list[tuple[tuple[int, int, int], Anomalie]] = field(default_factory=list)

    def ajouter(
        self,
        gravite: str,
        code: str,
        message: str,
        *,
        tri: tuple[int, int, int] = (0, 0, 0),
        feuille: str | None = None,
        ligne: int | None = None,
        colonne: str | None = None,
        valeur: str | None = None,
    ) -> None:
        anomalie = Anomalie(code, message, feuille, ligne, colonne, valeur, gravite)
        self.items.append((tri, anomalie))

    def anomalies(self) -> list[Anomalie]:
        return [a for _, a in sorted(self.items, key=lambda item: item[0])]

    @property
    def nb_erreurs(self) -> int:
        return sum(1 for _, a in self.items if a.est_erreur)


@dataclass
class _FeuilleLue:
    """Une feuille reconnue : valeurs brutes des lignes non vides, par colonne."""

    feuille: Feuille
    ordre: int
    titre: str  # nom de la feuille tel qu'écrit dans le classeur
    entetes: dict[str, str]  # clé DataFrame -> en-tête tel qu'écrit (colonnes présentes)
    positions: dict[str, int]  # clé DataFrame -> index de colonne (0 = A)
    brut: dict[str, np.ndarray]  # clé DataFrame -> valeurs
    autres: dict[str, np.ndarray]  # en-tête tel qu'écrit -> valeurs (colonnes inconnues)
    lignes: np.ndarray  # numéros de ligne Excel
    manquantes: set[str] = field(default_factory=set)  # colonnes obligatoires absentes

    def nom_colonne(self, cle_df: str) -> str:
        return self.entetes.get(cle_df) or self.feuille.colonne(cle_df).nom

    def signaler(
        self,
        collecte: _Collecte,
        gravite: str,
        code: str,
        cle_df: str,
        positions: Iterable[int],
        message: Any,
        valeurs: Any = None,
    ) -> None:
        """Une anomalie par ligne repérée ; `message(valeur_texte, i)` construit le texte."""
        col = self.positions.get(cle_df, 10_000)
        for i in positions:
            i = int(i)
            brut = valeurs[i] if valeurs is not None else self.brut[cle_df][i]
            valeur = texte_cellule(brut)
            ligne = int(self.lignes[i])
            collecte.ajouter(
                gravite,
                code,
                message(valeur, i),
                tri=(self.ordre, ligne, col),
                feuille=self.titre,
                ligne=ligne,
                colonne=self.nom_colonne(cle_df),
                valeur=valeur,
            )


def _proche(mot: str, candidats: Iterable[str]) -> str | None:
    candidats = list(candidats)
    cles = [cle(c) for c in candidats]
    trouve = difflib.get_close_matches(cle(mot), cles, n=1, cutoff=0.6)
    return candidats[cles.index(trouve[0])] if trouve else None


# --------------------------------------------------------------------------------------
# Ouverture du fichier
# --------------------------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, ou .xlsx chiffré par un mot de passe


def _ouvrir(chemin: Path) -> CalamineWorkbook:
    nom = f"« {chemin} »"
    if not chemin.exists():
        raise ErreurEntretiens.simple(
            "fichier-introuvable",
            f"Le registre {nom} est introuvable : vérifiez le chemin indiqué "
            "(option --registre ou clé [fichiers] registre de parametres.toml).",
        )
    if not chemin.is_file():
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"{nom} est un dossier, pas un classeur Excel : indiquez le fichier .xlsx du registre.",
        )
    try:
        contenu = chemin.read_bytes()
    except OSError as exc:
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"Le registre {nom} ne peut pas être lu (fichier verrouillé ou accès refusé) : "
            "fermez-le s'il est ouvert dans Excel et vérifiez vos droits, puis relancez.",
        ) from exc
    if contenu.startswith(_OLE):
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"Le registre {nom} est protégé par un mot de passe ou enregistré dans l'ancien "
            "format .xls : enregistrez-le sans mot de passe au format « Classeur Excel "
            "(.xlsx) », puis relancez.",
        )
    if not contenu.startswith(_ZIP):
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"{nom} n'est pas un classeur Excel (.xlsx) : ouvrez-le dans Excel ou LibreOffice "
            "et enregistrez-le au format « Classeur Excel (.xlsx) », puis relancez.",
        )
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(contenu))
    except CalamineError as exc:
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"Le registre {nom} est endommagé ou n'est pas un classeur Excel valide : "
            "ouvrez-le dans Excel et enregistrez-le de nouveau au format .xlsx, puis relancez.",
        ) from exc


def _illisible(chemin: Path, exc: Exception) -> ErreurEntretiens:
    erreur = ErreurEntretiens.simple(
        "fichier-illisible",
        f"Le registre « {chemin} » est endommagé (contenu illisible) : ouvrez-le dans Excel "
        "et enregistrez-le de nouveau au format .xlsx, puis relancez.",
    )
    erreur.__cause__ = exc
    return erreur


# --------------------------------------------------------------------------------------
# Lecture des feuilles : en-têtes et lignes
# --------------------------------------------------------------------------------------


def _reconnaitre_feuilles(
    classeur: CalamineWorkbook, collecte: _Collecte
) -> dict[str, tuple[str, int]]:
    """Feuille -> (titre réel, ordre) ; signale doublons et feuilles presque bien nommées."""
    trouvees: dict[str, tuple[str, int]] = {}
    for titre in classeur.sheet_names:
        feuille = feuille_nommee(titre)
        if feuille is None:
            proche = _proche(titre, [f.nom for f in FEUILLES])
            if proche:
                collecte.ajouter(
                    AVERTISSEMENT,
                    "feuille-ignoree",
                    f"La feuille « {titre} » n'est pas reconnue et n'est pas lue : s'il s'agit "
                    f"de la feuille « {proche} », renommez-la « {proche} ».",
                    tri=(len(FEUILLES), 0, 0),
                    feuille=titre,
                )
            continue
        ordre = FEUILLES.index(feuille)
        if feuille.table in trouvees:
            premiere = trouvees[feuille.table][0]
            collecte.ajouter(
                ERREUR,
                "feuille-dupliquee",
                f"Les feuilles « {premiere} » et « {titre} » désignent toutes deux la feuille "
                f"« {feuille.nom} » : fusionnez-les ou renommez l'une d'elles.",
                tri=(ordre, 0, 0),
                feuille=titre,
            )
            continue
        trouvees[feuille.table] = (titre, ordre)
    return trouvees


def _lire_feuille(
    classeur: CalamineWorkbook, feuille: Feuille, titre: str, ordre: int, collecte: _Collecte
) -> _FeuilleLue:
    lignes_brutes = classeur.get_sheet_by_name(titre).to_python(skip_empty_area=False)
    entete = lignes_brutes[0] if lignes_brutes else []
    donnees = lignes_brutes[1:]
    # Un tableau 2D d'objets puis des opérations par colonne : pas de boucle Python par
    # cellule, c'est ce qui tient un registre de 100 000 salariés.
    largeur = len(entete)
    if donnees:
        grille = _retirer_espaces(np.array(donnees, dtype=object).reshape(len(donnees), largeur))
    else:
        grille = np.empty((0, largeur), dtype=object)
    garder = np.flatnonzero((grille != "").any(axis=1))
    grille = grille[garder]
    colonnes = [grille[:, j] for j in range(largeur)]
    lignes = garder + 2  # ligne Excel : l'en-tête est la ligne 1

    en_tete = _EnTete(feuille, titre, ordre)
    for j in range(largeur):
        en_tete.reconnaitre(j, " ".join(texte_cellule(entete[j]).split()), colonnes[j], collecte)

    vide = np.full(len(garder), "", dtype=object)
    brut = {
        c.cle: (colonnes[en_tete.positions[c.cle]] if c.cle in en_tete.positions else vide)
        for c in feuille.colonnes
    }
    lue = _FeuilleLue(
        feuille=feuille,
        ordre=ordre,
        titre=titre,
        entetes=en_tete.entetes,
        positions=en_tete.positions,
        brut=brut,
        autres={nom: colonnes[j] for nom, j in en_tete.autres.items()},
        lignes=lignes,
    )
    if not feuille.obligatoire and not en_tete.vus and not len(garder):
        return lue  # feuille facultative laissée vide : comme si elle n'existait pas
    _signaler_manquantes(lue, en_tete, collecte)
    return lue


@dataclass
class _EnTete:
    """La ligne d'en-tête d'une feuille, lue titre par titre : quelle colonne est où."""

    feuille: Feuille
    titre: str  # nom de la feuille tel qu'écrit dans le classeur
    ordre: int
    entetes: dict[str, str] = field(default_factory=dict)  # clé DataFrame -> en-tête écrit
    positions: dict[str, int] = field(default_factory=dict)  # clé DataFrame -> index (0 = A)
    autres: dict[str, int] = field(default_factory=dict)  # en-tête écrit -> index (inconnues)
    vus: dict[str, tuple[str, int]] = field(default_factory=dict)  # clé -> (en-tête, index)

    def reconnaitre(self, j: int, titre_col: str, valeurs: np.ndarray, collecte: _Collecte) -> None:
        """Range la colonne j d'en-tête `titre_col`, ou signale pourquoi elle n'est pas lue."""
        lettre = get_column_letter(1 + j)
        lieu: dict[str, Any] = {"tri": (self.ordre, 1, j), "feuille": self.titre, "ligne": 1}
        if not titre_col:
            if (valeurs != "").any():
                collecte.ajouter(
                    AVERTISSEMENT,
                    "colonne-sans-titre",
                    f"La colonne {lettre} contient des valeurs mais pas de titre en ligne 1 : "
                    "elle est ignorée ; donnez-lui un titre pour qu'elle soit lue.",
                    colonne=lettre,
                    **lieu,
                )
            return
        k = cle(titre_col)
        if k in self.vus:
            premier, pos = self.vus[k]
            collecte.ajouter(
                ERREUR,
                "colonne-dupliquee",
                f"La colonne « {titre_col} » (colonne {lettre}) fait double emploi avec "
                f"« {premier} » (colonne {get_column_letter(1 + pos)}) : supprimez ou renommez "
                "l'une des deux.",
                colonne=titre_col,
                valeur=titre_col,
                **lieu,
            )
            return
        self.vus[k] = (titre_col, j)
        colonne = self.feuille.index_colonnes.get(k)
        if colonne is not None:
            self.entetes[colonne.cle] = titre_col
            self.positions[colonne.cle] = j
        elif self.feuille.table == "salaries":
            self.autres[titre_col] = j  # offertes aux modèles Word
        else:
            connues = [c.nom for c in self.feuille.colonnes if c.cle not in self.positions]
            proche = _proche(titre_col, connues)
            conseil = f" ; s'il s'agit de « {proche} », renommez-la ainsi" if proche else ""
            collecte.ajouter(
                AVERTISSEMENT,
                "colonne-ignoree",
                f"La colonne « {titre_col} » n'est pas une colonne de la feuille "
                f"« {self.feuille.nom} » et n'est pas lue{conseil}.",
                colonne=titre_col,
                **lieu,
            )


def _signaler_manquantes(lue: _FeuilleLue, en_tete: _EnTete, collecte: _Collecte) -> None:
    """Une erreur par colonne obligatoire absente, avec l'en-tête inconnu qui lui ressemble."""
    inconnus = [t for t, _ in en_tete.vus.values() if lue.feuille.colonne_nommee(t) is None]
    for j, c in enumerate(lue.feuille.colonnes):
        if c.obligatoire and c.cle not in en_tete.positions:
            lue.manquantes.add(c.cle)
            proche = _proche(c.nom, inconnus)
            conseil = (
                f" (la colonne « {proche} » est-elle la bonne ? renommez-la « {c.nom} »)"
                if proche
                else ""
            )
            collecte.ajouter(
                ERREUR,
                "colonne-manquante",
                f"La colonne obligatoire « {c.nom} » est absente de la ligne d'en-tête (ligne 1) "
                f"de la feuille « {lue.titre} » : ajoutez-la{conseil}.",
                tri=(lue.ordre, 1, 10_000 + j),
                feuille=lue.titre,
                ligne=1,
                colonne=c.nom,
            )


# --------------------------------------------------------------------------------------
# Validation d'une feuille : conversion et contrôles colonne par colonne
# --------------------------------------------------------------------------------------


def _message_date(valeur: str, _i: int) -> str:
    if any(re.fullmatch(motif, valeur) for motif in MOTIFS_DATE):
        return (
            f"« {valeur} » n'est pas une date valide (jour ou mois impossible, ou année hors de "
            "1900–2261) : corrigez-la, ou laissez la cellule vide si la date n'est pas connue."
        )
    return (
        f"« {valeur} » n'est pas une date reconnue : saisissez une date Excel ou un texte "
        "JJ/MM/AAAA (ex. 15/03/2024) ou AAAA-MM-JJ (ex. 2024-03-15)."
    )


_LISTE_MOTIFS = ", ".join(MOTIFS_ABSENCE.values())
_LISTE_TYPES = ", ".join(f"« {lib} »" for lib in TYPES_ENTRETIEN.values())


def _signaler_si(
    lue: _FeuilleLue,
    collecte: _Collecte,
    colonne: Colonne,
    code: str,
    masque: np.ndarray,
    message: Any,
    gravite: str = ERREUR,
) -> None:
    # Une colonne facultative absente n'a pas de valeurs fautives ; une colonne
    # obligatoire absente est déjà signalée une fois (colonne-manquante), pas à chaque ligne.
    if colonne.cle in lue.positions and masque.any():
        lue.signaler(collecte, gravite, code, colonne.cle, np.flatnonzero(masque), message)


def _message_booleen(v: str, _i: int) -> str:
    return (
        f"« {v} » n'est pas une valeur oui/non : écrivez oui ou non (acceptés aussi : "
        "o, n, x, vrai, faux, 1, 0), ou laissez vide pour non."
    )


def _message_email(v: str, _i: int) -> str:
    return (
        f"« {v} » n'est pas une adresse électronique valide : corrigez-la "
        "(forme prenom.nom@domaine.fr) ou videz la cellule."
    )


def _message_civilite(v: str, _i: int) -> str:
    return (
        f"Civilité « {v} » non reconnue : écrivez M. ou Mme ; en attendant, les "
        "documents s'adresseront à « Madame, Monsieur »."
    )


def _message_type(v: str, _i: int) -> str:
    return (
        f"Type d'entretien « {v} » inconnu : écrivez l'un de {_LISTE_TYPES} (ou son code, "
        "ex. etat_des_lieux), ou laissez vide pour un entretien périodique."
    )


def _message_motif(v: str, _i: int) -> str:
    return f"Motif d'absence « {v} » inconnu : écrivez l'un des motifs reconnus ({_LISTE_MOTIFS})."


def _message_nature(v: str, _i: int) -> str:
    return f"Nature d'évolution « {v} » inconnue : écrivez « salariale » ou « professionnelle »."


# nature -> (traduction libellé -> code, code d'anomalie, message, gravité)
_TRADUCTIONS: dict[str, tuple[Any, str, Any, str]] = {
    CIVILITE: (
        code_civilite,
        "civilite-inconnue",
        _message_civilite,
        AVERTISSEMENT,
    ),
    TYPE: (code_type, "type-inconnu", _message_type, ERREUR),
    MOTIF: (code_motif, "motif-inconnu", _message_motif, ERREUR),
    NATURE: (code_nature, "nature-inconnue", _message_nature, ERREUR),
}


def _valider_feuille(lue: _FeuilleLue, collecte: _Collecte) -> pd.DataFrame:
    """Convertit chaque colonne selon sa nature et signale les valeurs fautives."""
    table: dict[str, Any] = {}
    for c in lue.feuille.colonnes:
        valeurs = lue.brut[c.cle]
        if c.nature == DATE:
            dates, invalide = dates_cellules(valeurs)
            _signaler_si(lue, collecte, c, "date-invalide", invalide, _message_date)
            table[c.cle] = dates
            vide = np.isnat(dates) & ~invalide
        elif c.nature == BOOLEEN:
            booleens, invalide = _booleens(valeurs)
            _signaler_si(lue, collecte, c, "booleen-invalide", invalide, _message_booleen)
            table[c.cle] = booleens
            vide = np.zeros(len(valeurs), dtype=bool)
        else:
            textes = textes_cellules(valeurs)
            vide = valeurs == ""
            if c.nature == EMAIL:
                ok = pd.Series(textes, dtype=object).str.fullmatch(_RE_EMAIL).to_numpy(bool)
                _signaler_si(lue, collecte, c, "email-invalide", ~ok & ~vide, _message_email)
            elif c.nature in _TRADUCTIONS:
                traduire, code, message, gravite = _TRADUCTIONS[c.nature]
                if c.nature == MOTIF:
                    table["libelle_motif"] = textes
                textes, inconnu = _traduire(textes, traduire)
                _signaler_si(lue, collecte, c, code, inconnu, message, gravite)
                if c.nature == TYPE:
                    textes = [t or TYPE_PAR_DEFAUT for t in textes]
            table[c.cle] = textes
        if c.obligatoire:
            nom = lue.nom_colonne(c.cle)
            _signaler_si(
                lue,
                collecte,
                c,
                "valeur-obligatoire",
                vide,
                lambda _v, _i, nom=nom: (
                    f"La colonne « {nom} » est obligatoire : renseignez-la, ou supprimez la "
                    "ligne si elle est en trop."
                ),
            )
    table["ligne"] = lue.lignes.astype("int64")
    df = pd.DataFrame({n: table[n] for n in colonnes_table(lue.feuille) if n in table})
    if lue.feuille.table == "salaries":
        noms = list(lue.autres)
        colonnes_autres = [textes_cellules(v) for v in lue.autres.values()]
        if noms:
            df["autres"] = [
                dict(zip(noms, vals, strict=True)) for vals in zip(*colonnes_autres, strict=True)
            ]
        else:
            df["autres"] = [{} for _ in range(len(df))]
    return df


def _controler_ordre(
    lue: _FeuilleLue,
    df: pd.DataFrame,
    collecte: _Collecte,
    avant: str,
    apres: str,
    strict: bool,
    phrase: str,
) -> None:
    """Signale les lignes où la date `apres` précède la date `avant` (sur la colonne `apres`)."""
    a, b = df[avant].to_numpy(), df[apres].to_numpy()
    fautif = (b < a) if strict else (b <= a)
    fautif &= ~np.isnat(a) & ~np.isnat(b)
    if apres not in lue.positions or not fautif.any():
        return
    lue.signaler(
        collecte,
        ERREUR,
        "dates-incoherentes",
        apres,
        np.flatnonzero(fautif),
        lambda v, i: phrase.format(
            b=v, a=date_courte(a[i]), col_a=lue.nom_colonne(avant), col_b=lue.nom_colonne(apres)
        ),
        valeurs=b,
    )


def _controles_salaries(lue: _FeuilleLue, df: pd.DataFrame, collecte: _Collecte) -> set[str]:
    """Unicité des matricules, managers, cohérence des dates ; renvoie les matricules."""
    matricules = df["matricule"].to_numpy(dtype=object)
    renseigne = matricules != ""
    doublon = pd.Series(matricules).duplicated(keep="first").to_numpy() & renseigne
    if doublon.any() and "matricule" in lue.positions:
        premiere = {}
        for m, ligne in zip(matricules, lue.lignes, strict=True):
            premiere.setdefault(m, int(ligne))
        lue.signaler(
            collecte,
            ERREUR,
            "matricule-duplique",
            "matricule",
            np.flatnonzero(doublon),
            lambda v, _i: (
                f"Le matricule « {v} » est déjà celui du salarié de la ligne {premiere[v]} : "
                "chaque salarié doit avoir un matricule unique ; corrigez l'un des deux."
            ),
        )
    connus = set(matricules[renseigne].tolist())

    managers = df["matricule_manager"].to_numpy(dtype=object)
    inconnu = (managers != "") & ~pd.Series(managers).isin(connus).to_numpy()
    if inconnu.any() and "matricule_manager" in lue.positions:
        lue.signaler(
            collecte,
            ERREUR,
            "manager-inconnu",
            "matricule_manager",
            np.flatnonzero(inconnu),
            lambda v, _i: (
                f"Le matricule manager « {v} » ne correspond à aucun salarié de la feuille "
                f"« {lue.titre} »{_conseil_zeros(v, connus)} : corrigez-le, ajoutez le manager, "
                "ou videz la cellule (l'entretien sera alors conduit par le service RH)."
            ),
        )

    _controler_ordre(
        lue,
        df,
        collecte,
        "date_entree",
        "date_sortie",
        strict=True,
        phrase="La date de sortie ({b}) est antérieure à la date d'entrée ({a}) : "
        "corrigez l'une des deux.",
    )
    _controler_naissances(lue, df, collecte)
    return connus


def _controler_naissances(lue: _FeuilleLue, df: pd.DataFrame, collecte: _Collecte) -> None:
    """Naissance après l'entrée (erreur) ; naissance absente (avertissement)."""
    matricules = df["matricule"].to_numpy(dtype=object)
    naissance, entree = df["date_naissance"].to_numpy(), df["date_entree"].to_numpy()
    apres = ~np.isnat(naissance) & ~np.isnat(entree) & (naissance >= entree)
    if apres.any() and "date_naissance" in lue.positions:
        lue.signaler(
            collecte,
            ERREUR,
            "dates-incoherentes",
            "date_naissance",
            np.flatnonzero(apres),
            lambda v, i: (
                f"La date de naissance ({v}) n'est pas antérieure à la date d'entrée "
                f"({date_courte(entree[i])}) : corrigez l'une des deux."
            ),
            valeurs=naissance,
        )

    if "date_naissance" not in lue.positions:
        collecte.ajouter(
            AVERTISSEMENT,
            "naissance-manquante",
            "La colonne « Date de naissance » est absente : les obligations de mi-carrière et "
            "d'avant 60 ans ne peuvent pas être calculées ; ajoutez-la pour les obtenir.",
            tri=(lue.ordre, 1, 10_000),
            feuille=lue.titre,
            ligne=1,
            colonne="Date de naissance",
        )
    else:
        manque = np.isnat(naissance) & (lue.brut["date_naissance"] == "") & (matricules != "")
        lue.signaler(
            collecte,
            AVERTISSEMENT,
            "naissance-manquante",
            "date_naissance",
            np.flatnonzero(manque),
            lambda _v, i: (
                f"Date de naissance absente pour le matricule « {matricules[i]} » : les "
                "obligations de mi-carrière et d'avant 60 ans ne peuvent pas être calculées "
                "pour ce salarié ; renseignez-la."
            ),
        )


def _conseil_zeros(valeur: str, connus: set[str]) -> str:
    """« 42 » au lieu de « 00042 » : la cause la plus fréquente (cellule au format Nombre)."""
    nu = valeur.lstrip("0")
    semblables = [m for m in connus if m.lstrip("0") == nu and m != valeur][:1] if nu else []
    if semblables:
        return (
            f" (le registre contient « {semblables[0]} » : vérifiez les zéros de tête, "
            "la cellule doit être au format Texte)"
        )
    return ""


def _controles_matricules(
    lue: _FeuilleLue, df: pd.DataFrame, collecte: _Collecte, connus: set[str], salaries: str
) -> None:
    matricules = df["matricule"].to_numpy(dtype=object)
    inconnu = (matricules != "") & ~pd.Series(matricules).isin(connus).to_numpy()
    if inconnu.any() and "matricule" in lue.positions:
        lue.signaler(
            collecte,
            ERREUR,
            "matricule-inconnu",
            "matricule",
            np.flatnonzero(inconnu),
            lambda v, _i: (
                f"Le matricule « {v} » n'existe pas dans la feuille « {salaries} »"
                f"{_conseil_zeros(v, connus)} : corrigez-le, ou ajoutez le salarié."
            ),
        )


# --------------------------------------------------------------------------------------
# Point d'entrée
# --------------------------------------------------------------------------------------


def lire_registre(chemin: Path) -> Registre:
    """Lit et valide le registre ; lève ErreurEntretiens avec toutes les anomalies s'il en a."""
    chemin = Path(chemin)
    classeur = _ouvrir(chemin)
    collecte = _Collecte()
    try:
        trouvees = _reconnaitre_feuilles(classeur, collecte)
        lues = {
            table: _lire_feuille(classeur, FEUILLES_PAR_TABLE[table], titre, ordre, collecte)
            for table, (titre, ordre) in trouvees.items()
        }
    except (CalamineError, ValueError, OverflowError) as exc:
        raise _illisible(chemin, exc) from exc
    finally:
        classeur.close()

    if "salaries" not in lues:
        noms = ", ".join(f"« {n} »" for n in classeur.sheet_names) or "aucune"
        collecte.ajouter(
            ERREUR,
            "feuille-manquante",
            "Le classeur n'a pas de feuille « Salariés » (feuilles présentes : "
            f"{noms}) : ajoutez-la, ou renommez la feuille qui liste le personnel, avec au "
            "moins les colonnes Matricule, Nom, Prénom et Date d'entrée.",
            feuille="Salariés",
        )

    tables: dict[str, pd.DataFrame] = {}
    for table, lue in lues.items():
        tables[table] = _valider_feuille(lue, collecte)

    connus: set[str] | None = None
    if "salaries" in lues:
        connus = _controles_salaries(lues["salaries"], tables["salaries"], collecte)
        if "matricule" in lues["salaries"].manquantes:
            connus = None  # sans matricules, tout serait « inconnu » : bruit inutile
    for table, lue in lues.items():
        if table == "salaries":
            continue
        if connus is not None:
            titre_salaries = lues["salaries"].titre
            _controles_matricules(lue, tables[table], collecte, connus, titre_salaries)
        if table == "absences":
            for apres, phrase in (
                ("date_fin", "La date de fin ({b}) est antérieure à la date de début ({a})"),
                (
                    "date_reprise",
                    "La date de reprise ({b}) est antérieure à la date de début ({a})",
                ),
            ):
                _controler_ordre(
                    lue,
                    tables[table],
                    collecte,
                    "date_debut",
                    apres,
                    strict=True,
                    phrase=phrase + " : corrigez l'une des deux.",
                )

    anomalies = collecte.anomalies()
    if collecte.nb_erreurs:
        raise ErreurEntretiens(
            f"Le registre contient {collecte.nb_erreurs} erreur(s) : corrigez le classeur "
            f"« {chemin.name} » puis relancez.",
            anomalies=anomalies,
        )
    registre = Registre(avertissements=anomalies, chemin=chemin)
    for table, df in tables.items():
        setattr(registre, table, df)
    return registre


__all__ = ["Registre", "lire_registre"]
