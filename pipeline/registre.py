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

Lecture d'un registre tel qu'on le tape : la ligne d'en-tête est cherchée parmi les
premières lignes (`_ligne_entete`), les feuilles et colonnes sont reconnues sous leurs
synonymes (`pipeline.schema`), le texte de chaque cellule est nettoyé une fois
(`formats.nettoyer_texte`), et `pipeline.classeur_brut` borne l'étendue lue et repère
formules sans valeur et valeurs d'erreur avant que calamine ne charge une feuille. Ce que
la lecture a compris (ligne d'en-tête, synonymes, colonnes libres) est rendu en
informations, avec les avertissements.

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
import functools
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from pipeline.classeur_brut import FeuilleBrute, FeuilleTropGrande, inspecter
from pipeline.erreurs import AVERTISSEMENT, ERREUR, INFORMATION, Anomalie, ErreurEntretiens
from pipeline.formats import (
    MOTIFS_DATE,
    contient_invisibles,
    courriels_invalides,
    date_courte,
    dates_cellules,
    nettoyer_texte,
    nombre_fr,
    suggerer_date,
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
    MOTIFS,
    MOTIFS_ABSENCE,
    NATURE,
    TYPE,
    TYPE_PAR_DEFAUT,
    TYPES,
    TYPES_ENTRETIEN,
    Colonne,
    Feuille,
    Motif,
    TypeEntretien,
    cle,
    code_civilite,
    code_motif,
    code_nature,
    code_type,
    colonnes_table,
    feuille_nommee,
    naissance_ambigue,
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


def _est_sale(valeur: Any) -> bool:
    return valeur.__class__ is str and not valeur.isprintable()


_sales = np.frompyfunc(_est_sale, 1, 1)


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
        matricule: str | None = None,
    ) -> None:
        anomalie = Anomalie(code, message, feuille, ligne, colonne, valeur, gravite, matricule)
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
    ligne_entete: int  # numéro de ligne Excel des en-têtes
    entetes: dict[str, str]  # clé DataFrame -> en-tête tel qu'écrit (colonnes présentes)
    positions: dict[str, int]  # clé DataFrame -> index de colonne (0 = A)
    brut: dict[str, np.ndarray]  # clé DataFrame -> valeurs
    autres: dict[str, np.ndarray]  # en-tête tel qu'écrit -> valeurs (colonnes inconnues)
    lignes: np.ndarray  # numéros de ligne Excel
    # Cellules vides pour calamine mais qui ne le sont pas : formule jamais calculée, valeur
    # d'erreur (déjà signalées ; pas de « renseignez-la » en plus). Clé DataFrame -> masque.
    speciales: dict[str, np.ndarray] = field(default_factory=dict)
    manquantes: set[str] = field(default_factory=set)  # colonnes obligatoires absentes

    def nom_colonne(self, cle_df: str) -> str:
        return self.entetes.get(cle_df) or self.feuille.colonne(cle_df).nom

    def matricule(self, i: int) -> str | None:
        return texte_cellule(self.brut["matricule"][i]) or None

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
                matricule=self.matricule(i),
            )


def _proche(mot: str, candidats: Iterable[str]) -> str | None:
    candidats = list(candidats)
    cles = [cle(c) for c in candidats]
    trouve = difflib.get_close_matches(cle(mot), cles, n=1, cutoff=0.6)
    return candidats[cles.index(trouve[0])] if trouve else None


# Mots qui ne distinguent rien : « Entretien annuel » ne ressemble pas à « Entretien
# professionnel » (un entretien annuel d'évaluation n'est pas un entretien professionnel).
_GENERIQUES = frozenset({"entretien", "conge", "conges", "arret"})


def _sans_generiques(texte: str) -> str:
    return " ".join(m for m in cle(texte).split() if m not in _GENERIQUES)


def _proche_dans(texte: str, vocabulaire: Iterable[Motif | TypeEntretien]) -> str | None:
    """Le libellé de l'entrée du vocabulaire qui ressemble le plus à `texte`, s'il y en a.

    Mots en commun (« Maladie longue durée » -> « Arrêt longue maladie ») ou faute de
    frappe (« Congé maternitée ») : le meilleur des deux scores, 0,6 au moins.
    """
    k = _sans_generiques(texte)
    mots = set(k.split())
    meilleur, score_max = None, 0.6
    for entree in vocabulaire:
        for ecrit in (entree.libelle, *entree.synonymes, entree.code.replace("_", " ")):
            autre = _sans_generiques(ecrit)
            if not autre or not k:
                continue
            communs = len(mots & set(autre.split())) / len(mots | set(autre.split()))
            score = max(communs, difflib.SequenceMatcher(None, k, autre).ratio())
            if score > score_max:
                meilleur, score_max = entree.libelle, score
    return meilleur


# --------------------------------------------------------------------------------------
# Ouverture du fichier
# --------------------------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, ou .xlsx chiffré par un mot de passe


def _ouvrir(chemin: Path) -> tuple[CalamineWorkbook, bytes]:
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
    return _calamine(chemin, contenu), contenu


def _calamine(chemin: Path, contenu: bytes) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(contenu))
    except CalamineError as exc:
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"Le registre « {chemin} » est endommagé ou n'est pas un classeur Excel valide : "
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


def _trop_grande(chemin: Path, exc: FeuilleTropGrande) -> ErreurEntretiens:
    return ErreurEntretiens.simple(
        "fichier-illisible",
        f"La feuille « {exc.titre} » du registre « {chemin.name} » s'étend sur "
        f"{nombre_fr(exc.lignes)} lignes et {nombre_fr(exc.colonnes)} colonnes : c'est plus "
        "que ce que le programme lit. Supprimez les lignes et colonnes inutiles (Ctrl+Fin "
        "dans Excel montre la dernière cellule utilisée), enregistrez, puis relancez.",
        feuille=exc.titre,
    )


# --------------------------------------------------------------------------------------
# Lecture des feuilles : nom, ligne d'en-tête, colonnes, cellules
# --------------------------------------------------------------------------------------

# Lignes parcourues pour trouver les en-têtes : un titre, une date, une ligne vide au-dessus
# du tableau sont courants ; au-delà, ce ne sont plus des en-têtes.
LIGNES_ENTETE = 20


def _reconnaitre_feuilles(
    classeur: CalamineWorkbook, collecte: _Collecte
) -> dict[str, tuple[str, int]]:
    """Feuille -> (titre réel, ordre) ; signale doublons et feuilles presque bien nommées.

    Le nom documenté l'emporte sur un synonyme : un classeur qui a une feuille « Salariés »
    et une feuille « Effectif » (un tableau de synthèse) lit « Salariés ».
    """
    candidates: dict[str, list[str]] = {}
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
        candidates.setdefault(feuille.table, []).append(titre)
    trouvees: dict[str, tuple[str, int]] = {}
    for table, titres in candidates.items():
        feuille = FEUILLES_PAR_TABLE[table]
        ordre = FEUILLES.index(feuille)
        documentees = [t for t in titres if feuille.est_son_nom(t)]
        retenue = (documentees or titres)[0]
        trouvees[table] = (retenue, ordre)
        for titre in titres:
            if titre == retenue:
                continue
            if documentees and not feuille.est_son_nom(titre):
                collecte.ajouter(
                    AVERTISSEMENT,
                    "feuille-ignoree",
                    f"La feuille « {titre} » pourrait être la feuille « {feuille.nom} », mais "
                    f"le classeur a déjà la feuille « {retenue} » : elle n'est pas lue.",
                    tri=(len(FEUILLES), 0, 0),
                    feuille=titre,
                )
                continue
            collecte.ajouter(
                ERREUR,
                "feuille-dupliquee",
                f"Les feuilles « {retenue} » et « {titre} » désignent toutes deux la feuille "
                f"« {feuille.nom} » : fusionnez-les ou renommez l'une d'elles.",
                tri=(ordre, 0, 0),
                feuille=titre,
            )
    return trouvees


def _titres(ligne: list[Any]) -> list[str]:
    """Les en-têtes d'une ligne : sur une ligne, sans invisibles, espaces réduites."""
    return [" ".join(nettoyer_texte(texte_cellule(v))[0].split()) for v in ligne]


def _ligne_entete(feuille: Feuille, lignes: list[list[Any]]) -> int:
    """Index de la ligne d'en-tête parmi les premières, d'après les colonnes qu'elle nomme.

    La première qui nomme toutes les colonnes obligatoires ; sinon celle qui en reconnaît
    le plus (au moins deux) ; sinon la première ligne d'au moins deux cellules remplies
    (un titre n'en a qu'une) ; sinon la première ligne non vide.
    """
    obligatoires = {c.cle for c in feuille.colonnes if c.obligatoire}
    meilleure, score_max = None, 1
    premiere_large = premiere = None
    for i, ligne in enumerate(lignes[:LIGNES_ENTETE]):
        titres = [t for t in _titres(ligne) if t]
        if not titres:
            continue
        premiere = i if premiere is None else premiere
        if premiere_large is None and len(titres) >= 2:
            premiere_large = i
        reconnues = {c.cle for t in titres if (c := feuille.colonne_nommee(t)) is not None}
        if obligatoires <= reconnues:
            return i
        if len(reconnues) > score_max:
            meilleure, score_max = i, len(reconnues)
    for choix in (meilleure, premiere_large, premiere):
        if choix is not None:
            return choix
    return 0


def _grille(
    lignes: list[list[Any]], debut: int, largeur: int, hauteur: int
) -> tuple[np.ndarray, bool]:
    """Les lignes de données en tableau 2D d'objets (pas de boucle Python par cellule), et
    s'il y a des textes à nettoyer.

    Les espaces autour des valeurs tapées sont retirés (registre.md) ; un texte à retour à
    la ligne ou à caractère invisible est laissé tel quel pour `_nettoyer_cellules`, qui
    sait dans quelle colonne il est ; nombres et dates passent tels quels.
    """
    donnees = lignes[debut:]
    if len(donnees) < hauteur - debut:  # cellules spéciales au-delà de ce que rend calamine
        donnees = donnees + [[""] * largeur] * (hauteur - debut - len(donnees))
    if not donnees:
        return np.empty((0, largeur), dtype=object), False
    sales = []

    def sans_espaces(v: Any) -> Any:
        if v.__class__ is str:
            if v.isprintable():
                return v.strip()
            sales.append(v)  # rare : un seul passage sur la grille dans le cas courant
        return v

    grille = np.frompyfunc(sans_espaces, 1, 1)(
        np.array(donnees, dtype=object).reshape(len(donnees), largeur)
    )
    return grille, bool(sales)


def _lire_feuille(
    classeur: CalamineWorkbook,
    feuille: Feuille,
    titre: str,
    ordre: int,
    brute: FeuilleBrute,
    collecte: _Collecte,
) -> _FeuilleLue:
    lignes_brutes = classeur.get_sheet_by_name(titre).to_python(skip_empty_area=False)
    h = _ligne_entete(feuille, lignes_brutes)
    entete = lignes_brutes[h] if lignes_brutes else []
    largeur = len(entete)
    speciales = {
        p: c
        for p, c in (*brute.formules_sans_valeur.items(), *brute.erreurs.items())
        if p[1] < largeur
    }
    hauteur = max([len(lignes_brutes), *(r + 1 for r, _ in speciales)])
    grille, a_nettoyer = _grille(lignes_brutes, h + 1, largeur, hauteur)
    en_tete = _EnTete(feuille, titre, ordre, h + 1)
    en_tete.lire(_titres(entete), grille, collecte)
    _signaler_entetes_nettoyes(en_tete, entete, collecte)
    # Nettoyées avant de trier les lignes vides : une cellule qui ne contenait qu'un
    # caractère invisible est vide.
    if a_nettoyer:
        _nettoyer_cellules(grille, en_tete, np.arange(len(grille)) + h + 2, collecte)

    remplie = (grille != "").any(axis=1)
    for r, _ in speciales:
        if r > h:
            remplie[r - h - 1] = True
    garder = np.flatnonzero(remplie)
    grille = grille[garder]
    lignes = garder + h + 2  # numéros de ligne Excel
    colonnes = [grille[:, j] for j in range(largeur)]
    _verifier_colonne_manager(en_tete, colonnes, collecte)

    vide = np.full(len(garder), "", dtype=object)
    brut = {
        c.cle: (colonnes[en_tete.positions[c.cle]] if c.cle in en_tete.positions else vide)
        for c in feuille.colonnes
    }
    lue = _FeuilleLue(
        feuille=feuille,
        ordre=ordre,
        titre=titre,
        ligne_entete=h + 1,
        entetes=en_tete.entetes,
        positions=en_tete.positions,
        brut=brut,
        autres={nom: colonnes[j] for nom, j in en_tete.autres.items()},
        lignes=lignes,
    )
    _signaler_egarees(lue, brute, collecte)
    if not feuille.obligatoire and not en_tete.vus and not len(garder):
        return lue  # feuille facultative laissée vide : comme si elle n'existait pas
    _informer(lue, en_tete, lignes_brutes[:h], collecte)
    _signaler_manquantes(lue, en_tete, collecte)
    _signaler_speciales(lue, en_tete, brute, collecte)
    return lue


@dataclass
class _EnTete:
    """La ligne d'en-tête d'une feuille, lue titre par titre : quelle colonne est où."""

    feuille: Feuille
    titre: str  # nom de la feuille tel qu'écrit dans le classeur
    ordre: int
    ligne: int  # numéro de ligne Excel des en-têtes
    entetes: dict[str, str] = field(default_factory=dict)  # clé DataFrame -> en-tête écrit
    positions: dict[str, int] = field(default_factory=dict)  # clé DataFrame -> index (0 = A)
    autres: dict[str, int] = field(default_factory=dict)  # en-tête écrit -> index (inconnues)
    vus: dict[str, tuple[str, int]] = field(default_factory=dict)  # clé -> (en-tête, index)

    def lieu(self, j: int) -> dict[str, Any]:
        return {"tri": (self.ordre, self.ligne, j), "feuille": self.titre, "ligne": self.ligne}

    def lire(self, titres: list[str], grille: np.ndarray, collecte: _Collecte) -> None:
        """Range chaque colonne, ou signale pourquoi elle n'est pas lue."""
        candidates: dict[str, list[tuple[int, str]]] = {}
        inconnues: list[tuple[int, str]] = []
        for j, titre_col in enumerate(titres):
            lettre = get_column_letter(1 + j)
            if not titre_col:
                if (grille[:, j] != "").any():
                    collecte.ajouter(
                        AVERTISSEMENT,
                        "colonne-sans-titre",
                        f"La colonne {lettre} contient des valeurs mais pas de titre en ligne "
                        f"{self.ligne} (ligne d'en-tête) : elle est ignorée ; donnez-lui un "
                        "titre pour qu'elle soit lue.",
                        colonne=lettre,
                        **self.lieu(j),
                    )
                continue
            k = cle(titre_col)
            if k in self.vus:
                premier, pos = self.vus[k]
                collecte.ajouter(
                    ERREUR,
                    "colonne-dupliquee",
                    f"La colonne « {titre_col} » (colonne {lettre}) fait double emploi avec "
                    f"« {premier} » (colonne {get_column_letter(1 + pos)}) : supprimez ou "
                    "renommez l'une des deux.",
                    colonne=titre_col,
                    valeur=titre_col,
                    **self.lieu(j),
                )
                continue
            self.vus[k] = (titre_col, j)
            colonne = self.feuille.colonne_nommee(titre_col)
            if colonne is not None:
                candidates.setdefault(colonne.cle, []).append((j, titre_col))
            else:
                inconnues.append((j, titre_col))
        for cle_df, liste in candidates.items():
            self._choisir(self.feuille.colonne(cle_df), liste, collecte)
        for j, titre_col in inconnues:
            self._inconnue(j, titre_col, collecte)

    def _choisir(self, colonne: Colonne, liste: list[tuple[int, str]], collecte: _Collecte) -> None:
        """Deux en-têtes pour une colonne (« E-mail », « Courriel ») : le nom documenté,
        sinon le premier à gauche ; l'autre est signalé et offert aux modèles."""
        j, retenu = next(((j, t) for j, t in liste if colonne.est_son_nom(t)), liste[0])
        self.entetes[colonne.cle], self.positions[colonne.cle] = retenu, j
        for j_autre, titre_autre in liste:
            if j_autre == j:
                continue
            if self.feuille.table == "salaries":
                self.autres[titre_autre] = j_autre
            collecte.ajouter(
                AVERTISSEMENT,
                "colonne-ignoree",
                f"Les colonnes « {retenu} » et « {titre_autre} » désignent toutes deux "
                f"« {colonne.nom} » : « {retenu} » est lue, pas « {titre_autre} » ; renommez "
                "celle des deux qui ne doit pas l'être.",
                colonne=titre_autre,
                **self.lieu(j_autre),
            )

    def _inconnue(self, j: int, titre_col: str, collecte: _Collecte) -> None:
        if self.feuille.table == "salaries":
            self.autres[titre_col] = j  # offertes aux modèles Word ; listées par _informer
            return
        absentes = [c.nom for c in self.feuille.colonnes if c.cle not in self.positions]
        proche = _proche(titre_col, absentes)
        conseil = f" ; s'il s'agit de « {proche} », renommez-la ainsi" if proche else ""
        collecte.ajouter(
            AVERTISSEMENT,
            "colonne-ignoree",
            f"La colonne « {titre_col} » n'est pas une colonne de la feuille "
            f"« {self.feuille.nom} » et n'est pas lue{conseil}.",
            colonne=titre_col,
            **self.lieu(j),
        )

    def abandonner(self, cle_df: str) -> None:
        """La colonne n'est finalement pas lue comme `cle_df` : offerte aux modèles."""
        self.autres[self.entetes.pop(cle_df)] = self.positions.pop(cle_df)


def _nettoyer_cellules(
    grille: np.ndarray, en_tete: _EnTete, lignes: np.ndarray, collecte: _Collecte
) -> None:
    """Nettoie les textes à retours à la ligne ou invisibles des colonnes lues, et le dit.

    Une seule décision pour tout le registre (`formats.nettoyer_texte`), appliquée à la
    lecture : les documents, courriels et tableaux produits n'en voient jamais.
    """
    sales = np.argwhere(_sales(grille).astype(bool))
    lues = {j: en_tete.feuille.colonne(cle_df) for cle_df, j in en_tete.positions.items()}
    # Les colonnes lues et les colonnes libres (offertes aux modèles) : nettoyer une colonne
    # ignorée ne change rien, inutile de le dire.
    noms = {j: en_tete.entetes[cle_df] for cle_df, j in en_tete.positions.items()}
    noms.update({j: titre for titre, j in en_tete.autres.items()})
    j_matricule = en_tete.positions.get("matricule")
    for i, j in sales:
        colonne = lues.get(int(j))
        propre, fait = nettoyer_texte(grille[i, j], colonne.saut_de_ligne if colonne else " ")
        grille[i, j] = propre
        if fait and int(j) in noms:
            matricule = texte_cellule(grille[i, j_matricule]) if j_matricule is not None else ""
            collecte.ajouter(
                AVERTISSEMENT,
                "texte-nettoye",
                f"« {propre} » : {fait} (le programme lit le texte sur une ligne, sans "
                "caractère invisible ; rien à faire, ou corrigez la cellule pour ne plus voir "
                "ce message).",
                tri=(en_tete.ordre, int(lignes[i]), int(j)),
                feuille=en_tete.titre,
                ligne=int(lignes[i]),
                colonne=noms[int(j)],
                valeur=propre,
                matricule=matricule or None,
            )


def _signaler_entetes_nettoyes(en_tete: _EnTete, entete: list[Any], collecte: _Collecte) -> None:
    """Un en-tête sur deux lignes est courant et sans conséquence : rien à dire. Un caractère
    invisible dans un en-tête, si : la colonne aurait pu ne pas être reconnue."""
    for j, valeur in enumerate(entete):
        if isinstance(valeur, str) and contient_invisibles(valeur):
            propre, fait = nettoyer_texte(valeur)
            collecte.ajouter(
                AVERTISSEMENT,
                "texte-nettoye",
                f"En-tête « {propre} » : {fait} ; corrigez la cellule pour ne plus voir ce "
                "message.",
                colonne=propre,
                valeur=propre,
                **en_tete.lieu(j),
            )


# Titres du manager qui ne disent pas « matricule » : la colonne peut contenir des noms, ou
# tout autre chose (« Responsable » : oui/non). Voir le choix écrit dans pipeline.schema.
def _verifier_colonne_manager(
    en_tete: _EnTete, colonnes: list[np.ndarray], collecte: _Collecte
) -> None:
    """Une colonne « Responsable » sans aucun matricule ni nom de salarié n'est pas le manager."""
    j = en_tete.positions.get("matricule_manager")
    if j is None or "matricule" in cle(en_tete.entetes["matricule_manager"]).split():
        return
    valeurs = {v for v in textes_cellules(colonnes[j]) if v}
    if not valeurs or "matricule" not in en_tete.positions:
        return
    positions = en_tete.positions
    connus = set(textes_cellules(colonnes[positions["matricule"]]))
    noms = (
        _index_noms(*(colonnes[positions[k]] for k in ("matricule", "nom", "prenom")))
        if {"nom", "prenom"} <= set(positions)
        else {}
    )
    if valeurs & connus or any(_matricule_par_nom(v, noms) for v in valeurs):
        return
    titre = en_tete.entetes["matricule_manager"]
    en_tete.abandonner("matricule_manager")
    collecte.ajouter(
        AVERTISSEMENT,
        "colonne-ignoree",
        f"La colonne « {titre} » ne contient aucun matricule de salarié : elle n'est pas lue "
        "comme le matricule du manager (elle reste offerte aux modèles Word). Si elle désigne "
        "les managers, écrivez-y leurs matricules, ou ajoutez une colonne « Matricule "
        "manager ».",
        colonne=titre,
        **en_tete.lieu(j),
    )


def _index_noms(
    matricules: Iterable[Any], noms: Iterable[Any], prenoms: Iterable[Any]
) -> dict[str, list[str]]:
    """« prenom nom » et « nom prenom » (forme `cle`) -> matricules des salariés qui les portent."""
    index: dict[str, list[str]] = {}
    for m, nom, prenom in zip(
        textes_cellules(list(matricules)),
        textes_cellules(list(noms)),
        textes_cellules(list(prenoms)),
        strict=True,
    ):
        for forme in {cle(f"{prenom} {nom}"), cle(f"{nom} {prenom}")}:
            if m and forme:
                index.setdefault(forme, []).append(m)
    return index


def _matricule_par_nom(texte: str, noms: dict[str, list[str]]) -> str | None:
    """Le matricule du seul salarié qui porte ce nom (« Stéphane Roux », « ROUX Stéphane »)."""
    trouves = noms.get(cle(texte), [])
    return trouves[0] if len(set(trouves)) == 1 else None


def _informer(
    lue: _FeuilleLue, en_tete: _EnTete, au_dessus: list[list[Any]], collecte: _Collecte
) -> None:
    """Ce que la lecture a compris, dit une fois : ligne d'en-tête, synonymes, colonnes libres."""
    lieu = {
        "tri": (lue.ordre, lue.ligne_entete, -1),
        "feuille": lue.titre,
        "ligne": lue.ligne_entete,
    }
    textes = [t for ligne in au_dessus for t in _titres(ligne) if t]
    if lue.ligne_entete > 1:
        ignore = f" ; au-dessus, ignoré : « {' — '.join(textes)[:80]} »" if textes else ""
        collecte.ajouter(
            INFORMATION,
            "ligne-entete",
            f"En-têtes trouvés en ligne {lue.ligne_entete}{ignore}. Les numéros de ligne des "
            "messages sont ceux d'Excel.",
            **lieu,
        )
    lus = []
    if not lue.feuille.est_son_nom(lue.titre):
        lus.append(f"feuille lue comme « {lue.feuille.nom} »")
    synonymes = [
        f"« {titre} » = {lue.feuille.colonne(cle_df).nom}"
        for cle_df, titre in sorted(lue.entetes.items(), key=lambda e: lue.positions[e[0]])
        if not lue.feuille.colonne(cle_df).est_son_nom(titre)
    ]
    if synonymes:
        lus.append("colonnes lues sous un autre nom : " + ", ".join(synonymes))
    if lus:
        phrase = " ; ".join(lus)
        collecte.ajouter(
            INFORMATION,
            "noms-reconnus",
            f"{phrase[0].upper()}{phrase[1:]}. Si l'une est mal interprétée, renommez-la.",
            **lieu,
        )
    if en_tete.autres:
        noms = ", ".join(f"« {n} »" for n in sorted(en_tete.autres, key=en_tete.autres.get))
        collecte.ajouter(
            INFORMATION,
            "colonnes-non-reconnues",
            f"Colonnes non reconnues, offertes telles quelles aux modèles Word "
            f'(salarie.autres["…"]) : {noms}. Si l\'une est une colonne attendue, '
            "renommez-la.",
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
                f"La colonne obligatoire « {c.nom} » est absente de la ligne d'en-tête "
                f"(ligne {lue.ligne_entete}) de la feuille « {lue.titre} » : ajoutez-la"
                f"{conseil}.",
                tri=(lue.ordre, lue.ligne_entete, 10_000 + j),
                feuille=lue.titre,
                ligne=lue.ligne_entete,
                colonne=c.nom,
            )


def _signaler_speciales(
    lue: _FeuilleLue,
    en_tete: _EnTete,
    brute: FeuilleBrute,
    collecte: _Collecte,
) -> None:
    """Formules jamais calculées et valeurs d'erreur : calamine les rend vides."""
    par_position = {j: cle_df for cle_df, j in en_tete.positions.items()}
    libres = {j: titre for titre, j in en_tete.autres.items()}
    for (r, j), detail in (*brute.formules_sans_valeur.items(), *brute.erreurs.items()):
        # L'indice de la ligne Excel r + 1 parmi les lignes gardées (triées), s'il y est.
        i = int(np.searchsorted(lue.lignes, r + 1))
        if i == len(lue.lignes) or lue.lignes[i] != r + 1:
            continue  # ligne d'en-tête ou au-dessus
        if j not in par_position and j not in libres:
            continue  # colonne ignorée
        if (r, j) in brute.erreurs:
            code = "valeur-erreur"
            message = (
                f"Valeur d'erreur {detail} (formule qui ne trouve pas sa valeur, référence "
                "supprimée…) : corrigez la formule ou saisissez la valeur à la main."
            )
        else:
            code = "formule-sans-valeur"
            formule = f" (={detail})" if detail else ""
            message = (
                f"Formule sans valeur calculée{formule} : ouvrez et enregistrez le classeur "
                "dans Excel (ou LibreOffice), qui calculera la valeur, puis relancez."
            )
        if j in par_position:
            lue.speciales.setdefault(par_position[j], np.zeros(len(lue.lignes), dtype=bool))[i] = (
                True
            )
            colonne, gravite = lue.nom_colonne(par_position[j]), ERREUR
        else:
            # Une colonne libre ne sert qu'aux modèles Word : la lettre aura un blanc.
            colonne, gravite = libres[j], AVERTISSEMENT
        collecte.ajouter(
            gravite,
            code,
            message,
            tri=(lue.ordre, int(lue.lignes[i]), j),
            feuille=lue.titre,
            ligne=int(lue.lignes[i]),
            colonne=colonne,
            valeur=detail,
            matricule=lue.matricule(i),
        )


def _signaler_egarees(lue: _FeuilleLue, brute: FeuilleBrute, collecte: _Collecte) -> None:
    for (r, j), valeur in brute.egarees.items():
        cellule = f"{get_column_letter(j + 1)}{r + 1}"
        collecte.ajouter(
            ERREUR,
            "cellule-egaree",
            f"Valeur « {valeur[:40]} » isolée en {cellule}, loin du tableau "
            f"({brute.tableau}) : elle n'est pas lue. Supprimez-la (dans Excel, Ctrl+Fin y "
            "mène) ou ramenez-la dans le tableau, enregistrez, puis relancez.",
            tri=(lue.ordre, r + 1, j),
            feuille=lue.titre,
            ligne=r + 1,
            colonne=get_column_letter(j + 1),
            valeur=valeur,
        )


# --------------------------------------------------------------------------------------
# Validation d'une feuille : conversion et contrôles colonne par colonne
# --------------------------------------------------------------------------------------


def _message_date(valeur: str, _i: int) -> str:
    suggestion = suggerer_date(valeur)
    if any(re.fullmatch(motif, valeur) for motif in MOTIFS_DATE):
        if suggestion:  # « 2019-13-01 » : jour et mois inversés
            return (
                f"« {valeur} » n'est pas une date valide (jour ou mois impossible) : "
                f"vouliez-vous dire {suggestion[0]} ({suggestion[1]}) ? Corrigez la cellule."
            )
        return (
            f"« {valeur} » n'est pas une date valide (jour ou mois impossible, ou année hors de "
            "1900–2261) : corrigez-la, ou laissez la cellule vide si la date n'est pas connue."
        )
    if suggestion:
        pourquoi = f" ({suggestion[1]} ?)" if suggestion[1] else ""
        return (
            f"« {valeur} » n'est pas écrite dans un format de date reconnu : écrivez "
            f"{suggestion[0]}{pourquoi} (JJ/MM/AAAA), ou saisissez une date Excel."
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


def _message_email(v: str, raison: str, domaines: Counter[str]) -> str:
    local, _, domaine = v.rpartition("@")
    # « @menuiserie-lefevre » quand les autres adresses sont en « @menuiserie-lefevre.fr ».
    proches = [d for d, _ in domaines.most_common() if domaine and d.startswith(domaine)]
    proches = proches or difflib.get_close_matches(domaine, list(domaines), n=1, cutoff=0.8)
    conseil = f"vouliez-vous dire « {local}@{proches[0]} » ? Sinon, " if local and proches else ""
    return (
        f"« {v} » n'est pas une adresse électronique valide : {raison} ; {conseil}corrigez "
        "l'adresse (forme prenom.nom@domaine.fr) ou videz la cellule."
    )


def _message_civilite(v: str, _i: int) -> str:
    return (
        f"Civilité « {v} » non reconnue : écrivez M. ou Mme ; en attendant, les "
        "documents s'adresseront à « Madame, Monsieur »."
    )


def _vouliez_vous_dire(v: str, vocabulaire: Iterable[Motif | TypeEntretien]) -> str:
    proche = _proche_dans(v, vocabulaire)
    return f"vouliez-vous dire « {proche} » ? Sinon, " if proche else ""


def _message_type(v: str, _i: int) -> str:
    return (
        f"Type d'entretien « {v} » inconnu : {_vouliez_vous_dire(v, TYPES)}écrivez l'un de "
        f"{_LISTE_TYPES} (ou son code, ex. etat_des_lieux), ou laissez vide pour un entretien "
        "périodique."
    )


def _message_motif(v: str, _i: int) -> str:
    return (
        f"Motif d'absence « {v} » inconnu : {_vouliez_vous_dire(v, MOTIFS)}écrivez l'un des "
        f"motifs reconnus ({_LISTE_MOTIFS})."
    )


def _message_naissance(v: str, _i: int) -> str:
    return (
        f"« {v} » est lu comme le congé de naissance de 3 jours (art. L3142-4), qui n'appelle "
        "pas d'entretien de retour. S'il s'agit du congé supplémentaire de naissance (art. "
        "L1225-46-2), qui l'appelle en régime 2025, écrivez « Congé supplémentaire de "
        "naissance » ; sinon écrivez « Congé de naissance (3 jours) »."
    )


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
                raisons = courriels_invalides(textes)
                invalide = np.zeros(len(textes), dtype=bool)
                invalide[list(raisons)] = True
                domaines = Counter(
                    t.rpartition("@")[2] for i, t in enumerate(textes) if t and i not in raisons
                )
                _signaler_si(
                    lue,
                    collecte,
                    c,
                    "email-invalide",
                    invalide,
                    lambda v, i, r=raisons, d=domaines: _message_email(v, r[i], d),
                )
            elif c.nature in _TRADUCTIONS:
                traduire, code, message, gravite = _TRADUCTIONS[c.nature]
                if c.nature == MOTIF:
                    table["libelle_motif"] = textes
                    distincts = {t: naissance_ambigue(t) for t in set(textes)}
                    ambigu = np.array([distincts[t] for t in textes], dtype=bool)
                    _signaler_si(
                        lue, collecte, c, "conge-naissance-ambigu", ambigu, _message_naissance,
                        AVERTISSEMENT,
                    )  # fmt: skip
                textes, inconnu = _traduire(textes, traduire)
                _signaler_si(lue, collecte, c, code, inconnu, message, gravite)
                if c.nature == TYPE:
                    textes = [t or TYPE_PAR_DEFAUT for t in textes]
            table[c.cle] = textes
        if c.obligatoire:
            nom = lue.nom_colonne(c.cle)
            if c.cle in lue.speciales:  # formule sans valeur, #N/A : déjà dit autrement
                vide = vide & ~lue.speciales[c.cle]
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
        noms = _index_noms(df["matricule"], df["nom"], df["prenom"])
        personnes = functools.cache(lambda: _personnes(df))
        designes = [m for m, _ in Counter(managers[~inconnu & (managers != "")]).most_common()]
        lue.signaler(
            collecte,
            ERREUR,
            "manager-inconnu",
            "matricule_manager",
            np.flatnonzero(inconnu),
            lambda v, _i: _message_manager(v, lue, connus, noms, personnes, designes),
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


def _message_manager(
    v: str,
    lue: _FeuilleLue,
    connus: set[str],
    noms: dict[str, list[str]],
    personnes: Callable[[], dict[str, str]],
    managers: list[str],
) -> str:
    matricule = _matricule_par_nom(v, noms)
    if matricule:  # la colonne « Manager » tenue avec des noms
        return (
            f"« {v} » est le nom d'un salarié, pas un matricule : écrivez son matricule "
            f"« {matricule} » dans la colonne « {lue.nom_colonne('matricule_manager')} »."
        )
    conseil = _conseil_zeros(v, connus) or _matricule_voisin(v, personnes(), managers)
    if not conseil and managers:
        cites = ", ".join(f"{m} ({personnes()[m]})" for m in managers[:8])
        conseil = f" (managers déjà désignés dans le registre : {cites})"
    return (
        f"Le matricule manager « {v} » ne correspond à aucun salarié de la feuille "
        f"« {lue.titre} »{conseil} : corrigez-le, ajoutez le manager, ou videz la cellule "
        "(l'entretien sera alors conduit par le service RH)."
    )


def _personnes(salaries: pd.DataFrame) -> dict[str, str]:
    """Matricule -> « Prénom NOM » (les messages qui proposent un matricule nomment qui c'est)."""
    personnes: dict[str, list[str]] = {}
    for m, prenom, nom in salaries[["matricule", "prenom", "nom"]].itertuples(index=False):
        if m:
            personnes.setdefault(m, []).append(f"{prenom} {nom.upper()}".strip())
    return {m: " ou ".join(noms) for m, noms in personnes.items()}


def _matricule_voisin(valeur: str, personnes: dict[str, str], parmi: Iterable[str] = ()) -> str:
    """« 2044 » pour « 1044 » : un seul chiffre changé ou deux voisins inversés, chez un seul
    salarié du registre (ou des seuls `parmi`, s'ils sont donnés)."""

    def voisins(a: str, b: str) -> bool:
        if len(a) != len(b) or a == b:
            return False
        ecarts = [k for k in range(len(a)) if a[k] != b[k]]
        return len(ecarts) == 1 or (
            len(ecarts) == 2
            and ecarts[1] == ecarts[0] + 1
            and a[ecarts[0]] == b[ecarts[1]]
            and a[ecarts[1]] == b[ecarts[0]]
        )

    candidats = [m for m in (list(parmi) or personnes) if voisins(valeur, m)]
    if len(candidats) != 1:
        return ""
    return f" (vouliez-vous dire « {candidats[0]} », {personnes[candidats[0]]} ?)"


# Âge minimal d'embauche (art. L4153-1 : 14 ans pour un emploi pendant les vacances
# scolaires) : en deçà, la date de naissance ou d'entrée est une faute de frappe.
AGE_MINIMAL_ENTREE = 14


def _age(naissance: np.ndarray, jour: np.ndarray) -> np.ndarray:
    """Âge en années révolues au `jour` (NaT : -1)."""
    n, j = pd.DatetimeIndex(naissance), pd.DatetimeIndex(jour)
    age = j.year - n.year - ((j.month * 100 + j.day) < (n.month * 100 + n.day))
    return np.where(np.isnat(naissance) | np.isnat(jour), -1, np.asarray(age, dtype=float))


def _controler_naissances(lue: _FeuilleLue, df: pd.DataFrame, collecte: _Collecte) -> None:
    """Naissance après l'entrée ou moins de 14 ans à l'entrée (erreurs) ; absente (avert.)."""
    matricules = df["matricule"].to_numpy(dtype=object)
    naissance, entree = df["date_naissance"].to_numpy(), df["date_entree"].to_numpy()
    apres = ~np.isnat(naissance) & ~np.isnat(entree) & (naissance >= entree)
    age = _age(naissance, entree)
    trop_jeune = ~apres & (age >= 0) & (age < AGE_MINIMAL_ENTREE)
    if (apres | trop_jeune).any() and "date_naissance" in lue.positions:
        lue.signaler(
            collecte,
            ERREUR,
            "dates-incoherentes",
            "date_naissance",
            np.flatnonzero(apres | trop_jeune),
            lambda v, i: (
                f"La date de naissance ({v}) n'est pas antérieure à la date d'entrée "
                f"({date_courte(entree[i])}) : corrigez l'une des deux."
                if apres[i]
                else f"Avec cette date de naissance ({v}), le salarié aurait eu {int(age[i])} "
                f"an{'s' * int(age[i] > 1)} à son entrée le {date_courte(entree[i])} (au moins "
                f"{AGE_MINIMAL_ENTREE} ans) : corrigez l'une des deux dates."
            ),
            valeurs=naissance,
        )

    if "date_naissance" not in lue.positions:
        collecte.ajouter(
            AVERTISSEMENT,
            "naissance-manquante",
            "La colonne « Date de naissance » est absente : les obligations de mi-carrière et "
            "d'avant 60 ans ne peuvent pas être calculées ; ajoutez-la pour les obtenir.",
            tri=(lue.ordre, lue.ligne_entete, 10_000),
            feuille=lue.titre,
            ligne=lue.ligne_entete,
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
    lue: _FeuilleLue,
    df: pd.DataFrame,
    collecte: _Collecte,
    connus: set[str],
    salaries: str,
    personnes: Callable[[], dict[str, str]],
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
                f"{_conseil_zeros(v, connus) or _matricule_voisin(v, personnes())} : "
                "corrigez-le, ou ajoutez le salarié."
            ),
        )


def _controler_avant_entree(
    lues: dict[str, _FeuilleLue], tables: dict[str, pd.DataFrame], collecte: _Collecte
) -> None:
    """Événements impossibles avant l'entrée du salarié : absence finie (erreur), entretien
    (avertissement : il ne compte pas ; c'est peut-être celui d'un contrat précédent)."""
    salaries = tables["salaries"]
    entrees = pd.Series(
        salaries["date_entree"].to_numpy(), index=salaries["matricule"].to_numpy(dtype=object)
    )
    entrees = entrees[~entrees.index.duplicated()]
    if "absences" in lues:
        absences = tables["absences"]
        entree = entrees.reindex(absences["matricule"].to_numpy(dtype=object)).to_numpy()
        fin = absences["date_fin"].to_numpy()
        # Sans date de fin, la veille de la reprise est le dernier jour d'absence.
        veille = absences["date_reprise"].to_numpy() - np.timedelta64(1, "D")
        for colonne, jours in (
            ("date_fin", fin),
            ("date_reprise", np.where(np.isnat(fin), veille, np.datetime64("NaT"))),
        ):
            avant = ~np.isnat(jours) & ~np.isnat(entree) & (jours < entree)
            if avant.any() and colonne in lues["absences"].positions:
                lues["absences"].signaler(
                    collecte,
                    ERREUR,
                    "dates-incoherentes",
                    colonne,
                    np.flatnonzero(avant),
                    lambda v, i, entree=entree: (
                        f"L'absence finit ({v}) avant l'entrée du salarié le "
                        f"{date_courte(entree[i])} : corrigez la date, ou supprimez la ligne "
                        "si l'absence date d'un contrat précédent."
                    ),
                )
    if "entretiens" in lues:
        entretiens = tables["entretiens"]
        entree = entrees.reindex(entretiens["matricule"].to_numpy(dtype=object)).to_numpy()
        jours = entretiens["date"].to_numpy()
        avant = ~np.isnat(jours) & ~np.isnat(entree) & (jours < entree)
        if avant.any() and "date" in lues["entretiens"].positions:
            lues["entretiens"].signaler(
                collecte,
                AVERTISSEMENT,
                "entretien-avant-entree",
                "date",
                np.flatnonzero(avant),
                lambda v, i: (
                    f"Entretien du {v} antérieur à l'entrée du salarié le "
                    f"{date_courte(entree[i])} : il ne compte pas dans ses échéances. "
                    "Corrigez la date (ou la date d'entrée) si c'est une faute de frappe."
                ),
                valeurs=jours,
            )


# --------------------------------------------------------------------------------------
# Point d'entrée
# --------------------------------------------------------------------------------------


def lire_registre(chemin: Path) -> Registre:
    """Lit et valide le registre ; lève ErreurEntretiens avec toutes les anomalies s'il en a."""
    chemin = Path(chemin)
    classeur, contenu = _ouvrir(chemin)
    noms_feuilles = classeur.sheet_names
    collecte = _Collecte()
    try:
        trouvees = _reconnaitre_feuilles(classeur, collecte)
        # Avant que calamine ne charge une feuille : étendue bornée (cellules égarées
        # retirées d'une copie en mémoire), formules sans valeur et valeurs d'erreur.
        inspection = inspecter(contenu, [titre for titre, _ in trouvees.values()])
        if inspection.contenu is not contenu:
            classeur.close()
            classeur = _calamine(chemin, inspection.contenu)
        lues = {
            table: _lire_feuille(
                classeur,
                FEUILLES_PAR_TABLE[table],
                titre,
                ordre,
                inspection.feuilles.get(titre, FeuilleBrute()),
                collecte,
            )
            for table, (titre, ordre) in trouvees.items()
        }
    except FeuilleTropGrande as exc:
        raise _trop_grande(chemin, exc) from exc
    except (CalamineError, ValueError, OverflowError) as exc:
        raise _illisible(chemin, exc) from exc
    finally:
        classeur.close()

    if "salaries" not in lues:
        noms = ", ".join(f"« {n} »" for n in noms_feuilles) or "aucune"
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
    # Calculés seulement si un message propose un matricule (registres de 100 000 lignes).
    personnes = functools.cache(lambda: _personnes(tables["salaries"]))
    if "salaries" in lues:
        connus = _controles_salaries(lues["salaries"], tables["salaries"], collecte)
        if "matricule" in lues["salaries"].manquantes:
            connus = None  # sans matricules, tout serait « inconnu » : bruit inutile
    for table, lue in lues.items():
        if table == "salaries":
            continue
        if connus is not None:
            titre_salaries = lues["salaries"].titre
            _controles_matricules(lue, tables[table], collecte, connus, titre_salaries, personnes)
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
    if "salaries" in lues:
        _controler_avant_entree(lues, tables, collecte)

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
