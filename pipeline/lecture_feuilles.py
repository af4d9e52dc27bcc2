"""Les feuilles du registre telles qu'écrites : classeur ouvert, feuilles reconnues, ligne
d'en-tête trouvée, colonnes rangées, cellules nettoyées.

`lire_feuilles` rend, pour chaque feuille reconnue, une `FeuilleLue` : les valeurs brutes
des lignes non vides, colonne par colonne, avec leur numéro de ligne Excel. Rien n'y est
encore converti ni validé (c'est `pipeline.controles_registre`) ; ce que la lecture a
compris ou n'a pas pu lire (ligne d'en-tête, synonymes, colonnes libres ou ignorées,
textes nettoyés, formules sans valeur, cellules égarées) est déjà dans la `Collecte`.

La ligne d'en-tête est cherchée parmi les premières lignes (`_ligne_entete`), les feuilles
et colonnes sont reconnues sous leurs synonymes (`pipeline.schema`), le texte de chaque
cellule est nettoyé une fois (`formats.nettoyer_texte`), et `pipeline.classeur_brut` borne
l'étendue lue et repère formules sans valeur et valeurs d'erreur avant que calamine ne
charge une feuille.

Lecture : python-calamine (moteur Rust, aussi proposé par `pandas.read_excel`) plutôt
qu'openpyxl : ~10 fois plus rapide sur un registre de 100 000 salariés. Les cellules
texte restent du texte (« 00042 »), les cellules date Excel arrivent en dates.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from pipeline.classeur_brut import FeuilleBrute, FeuilleTropGrande, inspecter
from pipeline.erreurs import AVERTISSEMENT, ERREUR, INFORMATION, Anomalie, ErreurEntretiens
from pipeline.fichiers import ZIP_ABIME
from pipeline.formats import (
    contient_invisibles,
    nettoyer_texte,
    normaliser,
    texte_cellule,
    textes_cellules,
)
from pipeline.schema import (
    FEUILLES,
    FEUILLES_PAR_TABLE,
    Colonne,
    Feuille,
    cle,
    feuille_nommee,
)
from pipeline.suggestions import index_noms_salaries, matricule_par_nom, nom_proche

# --------------------------------------------------------------------------------------
# Collecte des anomalies
# --------------------------------------------------------------------------------------


@dataclass
class Collecte:
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
class FeuilleLue:
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

    def nom_colonne(self, cle_df: str) -> str:
        return self.entetes.get(cle_df) or self.feuille.colonne(cle_df).nom

    def matricule(self, i: int) -> str | None:
        return texte_cellule(self.brut["matricule"][i]) or None

    def signaler(
        self,
        collecte: Collecte,
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


# --------------------------------------------------------------------------------------
# Une feuille : nom, ligne d'en-tête, colonnes, cellules
# --------------------------------------------------------------------------------------

# Lignes parcourues pour trouver les en-têtes : un titre, une date, une ligne vide au-dessus
# du tableau sont courants ; au-delà, ce ne sont plus des en-têtes.
LIGNES_ENTETE = 20


def _reconnaitre_feuilles(
    classeur: CalamineWorkbook, collecte: Collecte
) -> dict[str, tuple[str, int]]:
    """Feuille -> (titre réel, ordre) ; signale doublons et feuilles presque bien nommées.

    Le nom documenté l'emporte sur un synonyme : un classeur qui a une feuille « Salariés »
    et une feuille « Effectif » (un tableau de synthèse) lit « Salariés ».
    """
    candidates: dict[str, list[str]] = {}
    for titre in classeur.sheet_names:
        feuille = feuille_nommee(titre)
        if feuille is None:
            proche = nom_proche(titre, [f.nom for f in FEUILLES])
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
    collecte: Collecte,
) -> FeuilleLue:
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
    lue = FeuilleLue(
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

    def lire(self, titres: list[str], grille: np.ndarray, collecte: Collecte) -> None:
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

    def _choisir(self, colonne: Colonne, liste: list[tuple[int, str]], collecte: Collecte) -> None:
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

    def _inconnue(self, j: int, titre_col: str, collecte: Collecte) -> None:
        if self.feuille.table == "salaries":
            self.autres[titre_col] = j  # offertes aux modèles Word ; listées par _informer
            return
        absentes = [c.nom for c in self.feuille.colonnes if c.cle not in self.positions]
        proche = nom_proche(titre_col, absentes)
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


def _est_sale(valeur: Any) -> bool:
    return valeur.__class__ is str and not valeur.isprintable()


_sales = np.frompyfunc(_est_sale, 1, 1)


def _nettoyer_cellules(
    grille: np.ndarray, en_tete: _EnTete, lignes: np.ndarray, collecte: Collecte
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


def _signaler_entetes_nettoyes(en_tete: _EnTete, entete: list[Any], collecte: Collecte) -> None:
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
    en_tete: _EnTete, colonnes: list[np.ndarray], collecte: Collecte
) -> None:
    """Une colonne « Responsable » sans aucun matricule ni nom de salarié n'est pas le manager."""
    j = en_tete.positions.get("matricule_manager")
    if j is None or "matricule" in cle(en_tete.entetes["matricule_manager"]).split():
        return
    valeurs = {v for v in textes_cellules(colonnes[j]) if v}
    if not valeurs or "matricule" not in en_tete.positions:
        return
    positions = en_tete.positions
    if valeurs & set(textes_cellules(colonnes[positions["matricule"]])):
        return  # le cas courant : des matricules ; l'index des noms n'est pas construit
    if {"nom", "prenom"} <= set(positions):
        noms = index_noms_salaries(
            *(colonnes[positions[k]] for k in ("matricule", "nom", "prenom"))
        )
        if any(matricule_par_nom(v, noms) for v in valeurs):
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


def _informer(
    lue: FeuilleLue, en_tete: _EnTete, au_dessus: list[list[Any]], collecte: Collecte
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


def _signaler_manquantes(lue: FeuilleLue, en_tete: _EnTete, collecte: Collecte) -> None:
    """Une erreur par colonne obligatoire absente, avec l'en-tête inconnu qui lui ressemble."""
    inconnus = [t for t, _ in en_tete.vus.values() if lue.feuille.colonne_nommee(t) is None]
    for j, c in enumerate(lue.feuille.colonnes):
        if c.obligatoire and c.cle not in en_tete.positions:
            proche = nom_proche(c.nom, inconnus)
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
    lue: FeuilleLue,
    en_tete: _EnTete,
    brute: FeuilleBrute,
    collecte: Collecte,
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


def _signaler_egarees(lue: FeuilleLue, brute: FeuilleBrute, collecte: Collecte) -> None:
    for ligne, colonne, valeur, phrase in brute.egarees_signalees():
        collecte.ajouter(
            ERREUR,
            "cellule-egaree",
            phrase,
            tri=(lue.ordre, ligne, colonne),
            feuille=lue.titre,
            ligne=ligne,
            colonne=get_column_letter(colonne),
            valeur=valeur,
        )


# --------------------------------------------------------------------------------------
# Lignes brutes d'un classeur écrit par le programme (planning.xlsx relu)
# --------------------------------------------------------------------------------------


def lignes_brutes(
    contenu: bytes, feuilles: Sequence[str]
) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, FeuilleBrute]]:
    """Nom attendu -> lignes, pour chaque feuille de `feuilles` présente (nom reconnu sans
    accents ni casse), et ce que `classeur_brut` a appris de chacune.

    ≈ 10 × plus rapide qu'openpyxl, et avec les mêmes garde-fous que le registre : les
    cellules égarées sont retirées (`FeuilleBrute.egarees`), une valeur d'erreur reprend son
    texte (« #N/A », que calamine rend vide). Les cellules arrivent comme openpyxl
    (`data_only`) les donnait, pour que les contrôles et leurs messages n'en dépendent pas :
    vide = None, nombre entier = int, date = datetime à minuit. FeuilleTropGrande si une
    feuille reste démesurée ; calamine lève ses propres erreurs sur un fichier abîmé.
    """
    classeur = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
    presentes = {normaliser(nom): nom for nom in classeur.sheet_names}
    titres = {f: presentes[normaliser(f)] for f in feuilles if normaliser(f) in presentes}
    inspection = inspecter(contenu, titres.values())
    if inspection.contenu is not contenu:
        classeur = CalamineWorkbook.from_filelike(io.BytesIO(inspection.contenu))
    lues, brutes = {}, {}
    for feuille, titre in titres.items():
        brutes[feuille] = brute = inspection.feuilles.get(titre, FeuilleBrute())
        lignes = classeur.get_sheet_by_name(titre).to_python(skip_empty_area=False)
        for (r, j), texte in brute.erreurs.items():
            lignes.extend([] for _ in range(r + 1 - len(lignes)))
            lignes[r].extend([""] * (j + 1 - len(lignes[r])))
            lignes[r][j] = texte
        lues[feuille] = [tuple(map(_valeur_openpyxl, ligne)) for ligne in lignes]
    return lues, brutes


def _valeur_openpyxl(valeur: Any) -> Any:
    classe = valeur.__class__
    if classe is str:
        return valeur or None
    if classe is float:
        return int(valeur) if valeur.is_integer() else valeur
    if classe is date:
        return datetime(valeur.year, valeur.month, valeur.day)
    return valeur


# --------------------------------------------------------------------------------------
# Toutes les feuilles
# --------------------------------------------------------------------------------------


def lire_feuilles(chemin: Path, collecte: Collecte) -> dict[str, FeuilleLue]:
    """Table -> feuille lue, pour chaque feuille reconnue ; une feuille « Salariés » absente
    est signalée. Un fichier absent, qui n'est pas un classeur Excel, endommagé, verrouillé
    ou démesuré donne `ErreurEntretiens.simple` (une seule phrase, jamais de trace)."""
    classeur, contenu = _ouvrir(chemin)
    noms_feuilles = classeur.sheet_names
    try:
        trouvees = _reconnaitre_feuilles(classeur, collecte)
        # Avant que calamine ne charge une feuille : étendue bornée (cellules égarées
        # retirées d'une copie en mémoire), formules sans valeur et valeurs d'erreur.
        inspection = inspecter(contenu, [titre for titre, _ in trouvees.values()])
        if inspection.contenu is not contenu:
            # Le nouveau ouvert avant de fermer l'ancien : s'il échoue, `finally` ne ferme
            # qu'un classeur encore ouvert (fermé deux fois, calamine lèverait WorkbookClosed).
            allege = _calamine(chemin, inspection.contenu)
            classeur.close()
            classeur = allege
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
        raise ErreurEntretiens.simple(
            "fichier-illisible", exc.phrase(f"registre « {chemin.name} »"), feuille=exc.titre
        ) from exc
    except (CalamineError, ValueError, OverflowError, *ZIP_ABIME) as exc:
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
    return lues
