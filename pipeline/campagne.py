"""Le dossier de campagne : ses chemins, son manifeste, ses sources, et les séquences
`planifier` et `convocations`.

```
<sorties>/
  <campagne>/                               Campagne(sorties, nom)
    echeances.xlsx  planning.xlsx  manifeste.csv
    salaries/<MATRICULE>_<NOM>_<Prénom>/    convocation.docx, compte_rendu.docx…
    managers/<NOM>_<Prénom>.docx
    publipostage/                           publipostage.xlsx, publipostage.csv,
                                            courriers_papier.csv, envois.csv, brouillons/
    _sources/                               registre.xlsx, parametres.toml
  archives/<campagne>.zip  archives/index.csv
  tableau_de_bord.xlsx
```

Ce module est le seul à connaître ces noms : les autres demandent un chemin à `Campagne`
ou prennent les constantes ci-dessous. Les fonctions qui travaillent sur une campagne
déjà choisie prennent son dossier (`dossier`), comme `documents`, `publipostage` et
`archive`.

`produire_convocations` et `planifier_campagne` sont le cœur des commandes
`convocations` et `planifier` : la ligne de commande ne fait qu'afficher ce qu'elles
signalent en chemin (`Rappels`) et le résultat. Toutes deux passent par la même décision,
`Campagne.choisir_planning` : quel planning.xlsx, et s'il existe déjà.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.config import Parametres
from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import CONSERVE, ecrire_fichier, nom_fichier_sur, sha256_octets
from pipeline.formats import en_texte
from pipeline.pdf import convertir_pdf
from pipeline.planning import (
    COLONNES_ENTRETIENS,
    FEUILLE_PLANNING,
    Planning,
    ecrire_planning,
    entretiens_vides,
    normaliser,
    planifier,
    texte_hhmm,
)
from pipeline.regles import calculer_obligations, lister_echeances
from pipeline.relecture_planning import (
    PlanningRepris,
    colonnes_planning,
    lire_date,
    lire_duree,
    lire_heure,
    lire_statut,
    lire_types,
    reprendre_planning,
)

if TYPE_CHECKING:
    from pipeline.documents import BilanCampagne
    from pipeline.registre import Registre

# Dans le dossier de campagne.
PLANNING = "planning.xlsx"
ECHEANCES = "echeances.xlsx"
MANIFESTE = "manifeste.csv"
DOSSIER_SALARIES = "salaries"
DOSSIER_MANAGERS = "managers"
DOSSIER_SOURCES = "_sources"
REGISTRE_FIGE = "registre"  # suivi de l'extension du registre d'origine
PARAMETRES_FIGES = "parametres.toml"
# Dans <campagne>/publipostage/.
DOSSIER_PUBLIPOSTAGE = "publipostage"
DOSSIER_BROUILLONS = "brouillons"
PUBLIPOSTAGE_XLSX = "publipostage.xlsx"
PUBLIPOSTAGE_CSV = "publipostage.csv"
COURRIERS_PAPIER = "courriers_papier.csv"
JOURNAL_ENVOIS = "envois.csv"
# Dans le dossier des sorties, à côté des campagnes.
DOSSIER_ARCHIVES = "archives"
INDEX_ARCHIVES = "index.csv"
TABLEAU_DE_BORD = "tableau_de_bord.xlsx"

COLONNES_MANIFESTE = [
    "chemin",
    "sha256",
    "taille",
    "date",
    "matricule",
    "type_document",
    "empreinte_contexte",
    "perime",
]
PERIME = "oui"  # colonne `perime` du manifeste
COLONNES_RENDEZ_VOUS = [*COLONNES_ENTRETIENS, "campagne"]


# ---------------------------------------------------------------------------- chemins


@dataclass(frozen=True)
class ChoixPlanning:
    """Quel planning.xlsx une commande prend, et s'il existe déjà."""

    chemin: Path  # le fichier désigné (--planning, --sortie), sinon celui de la campagne
    designe: bool  # désigné par l'utilisateur
    existe: bool

    @property
    def reutilise(self) -> bool:
        """Le planning sert tel qu'il est écrit (peut-être corrigé à la main) : il est relu."""
        return self.designe or self.existe


@dataclass(frozen=True)
class Campagne:
    """Le dossier `<sorties>/<nom>` d'une campagne et chacun de ses chemins."""

    sorties: Path
    nom: str

    @classmethod
    def du_dossier(cls, dossier: Path) -> Campagne:
        dossier = Path(dossier)
        return cls(dossier.parent, dossier.name)

    @property
    def dossier(self) -> Path:
        return Path(self.sorties) / self.nom

    @property
    def planning(self) -> Path:
        return self.dossier / PLANNING

    @property
    def echeances(self) -> Path:
        return self.dossier / ECHEANCES

    @property
    def manifeste(self) -> Path:
        return self.dossier / MANIFESTE

    @property
    def salaries(self) -> Path:
        return self.dossier / DOSSIER_SALARIES

    @property
    def managers(self) -> Path:
        return self.dossier / DOSSIER_MANAGERS

    @property
    def sources(self) -> Path:
        return self.dossier / DOSSIER_SOURCES

    @property
    def archives(self) -> Path:
        return Path(self.sorties) / DOSSIER_ARCHIVES

    @property
    def index_archives(self) -> Path:
        return self.archives / INDEX_ARCHIVES

    def choisir_planning(self, chemin: Path | None = None) -> ChoixPlanning:
        """La décision commune à `planifier` et `convocations` : le fichier et s'il existe."""
        cible = Path(chemin) if chemin is not None else self.planning
        return ChoixPlanning(cible, designe=chemin is not None, existe=cible.exists())


def nom_campagne(nom: str | None, au: date) -> str:
    """Le nom donné (rendu sûr pour un nom de dossier), sinon la date de référence."""
    return nom_fichier_sur(nom) if nom else au.isoformat()


def chemin_archive(dossier_archives: Path, nom: str) -> Path:
    return Path(dossier_archives) / f"{nom}.zip"


def chemin_tableau_de_bord(sorties: Path) -> Path:
    return Path(sorties) / TABLEAU_DE_BORD


def trouver_campagne(racine: Path, nom: str, explicite: bool = False) -> Path:
    """Le dossier de la campagne `nom` ; à défaut (nom non imposé), la plus récente.

    Le nom par défaut est la date du jour : le publipostage ou l'archive d'une campagne
    générée la veille doit la retrouver sans qu'on ait à la nommer.
    """
    racine = Path(racine)
    dossier = racine / nom
    if dossier.is_dir():
        return dossier
    if explicite:
        raise ErreurEntretiens.simple(
            "campagne-introuvable",
            f"La campagne « {dossier} » n'existe pas. Lancez d'abord "
            "« entretiens convocations » (ou « make convocations »).",
        )
    candidates = sorted(
        (d for d in racine.glob("*") if d.is_dir() and (d / PLANNING).exists()),
        key=lambda d: d.stat().st_mtime,
    )
    if not candidates:
        raise ErreurEntretiens.simple(
            "campagne-introuvable",
            f"Aucune campagne dans « {racine} ». Lancez d'abord « entretiens convocations » "
            "(ou « make convocations »).",
        )
    return candidates[-1]


# ---------------------------------------------------------------------------- manifeste


def lire_manifeste(dossier: Path) -> dict[str, dict[str, str]]:
    """Le manifeste d'une campagne, par chemin ; vide s'il n'existe pas encore."""
    chemin = Campagne.du_dossier(dossier).manifeste
    try:
        with open(chemin, encoding="utf-8-sig", newline="") as entree:
            return {
                ligne["chemin"]: ligne
                for ligne in csv.DictReader(entree, delimiter=";")
                if ligne.get("chemin")
            }
    except FileNotFoundError:
        return {}


def ecrire_manifeste(dossier: Path, lignes: list[dict[str, Any]]) -> None:
    """Réécrit le manifeste (colonnes `COLONNES_MANIFESTE`, lignes triées par chemin)."""
    # Le manifeste est un inventaire recalculé à chaque exécution (aucune saisie humaine) :
    # il est réécrit atomiquement, sans garder d'ancienne version. Comme tout tableur, il
    # passe par tableurs.py (un matricule « =1+1 » n'y devient pas une formule), importé
    # ici comme dans planning.ecrire_planning : openpyxl n'est chargé que pour écrire.
    from pipeline.tableurs import ecrire_lignes_csv

    ecrire_lignes_csv(
        Campagne.du_dossier(dossier).manifeste,
        COLONNES_MANIFESTE,
        (
            [ligne.get(colonne, "") for colonne in COLONNES_MANIFESTE]
            for ligne in sorted(lignes, key=lambda ligne: ligne["chemin"])
        ),
        remplacer=True,
        garder_ancien=False,
    )


def documents_word(dossier: Path) -> list[Path]:
    """Les documents Word actuels de la campagne, d'après son manifeste.

    Ni anciennes versions (`.ancien.docx`), ni dossiers orphelins : c'est la liste à
    convertir en PDF ou à envoyer.
    """
    return [Path(dossier) / c for c in sorted(lire_manifeste(dossier)) if c.endswith(".docx")]


# ---------------------------------------------------------------------------- sources


def nom_registre_fige(chemin_registre: Path) -> str:
    """Nom de la copie du registre dans `_sources/` : « registre » et son extension."""
    return REGISTRE_FIGE + (Path(chemin_registre).suffix.lower() or ".xlsx")


def contenu_parametres(chemin_parametres: Path | None, parametres: Parametres) -> bytes:
    """Le fichier de paramètres tel quel ; sans fichier, les valeurs par défaut en TOML."""
    if chemin_parametres is not None:
        return Path(chemin_parametres).read_bytes()
    return _parametres_en_toml(parametres).encode("utf-8")


def _parametres_en_toml(parametres: Parametres) -> str:
    """Les valeurs par défaut écrites en TOML, pour que l'archive soit rejouable."""
    lignes = ["# Aucun fichier de paramètres n'a été donné : voici les valeurs par défaut."]
    for section in fields(Parametres):
        if section.name == "source":
            continue
        lignes.append(f"\n[{section.name}]")
        valeurs = getattr(parametres, section.name)
        for cle in fields(valeurs):
            # json.dumps écrit des chaînes, nombres et listes de chaînes valides en TOML.
            lignes.append(f"{cle.name} = {json.dumps(getattr(valeurs, cle.name))}")
    return "\n".join(lignes) + "\n"


def figer_sources(
    dossier_campagne: Path,
    chemin_registre: Path,
    chemin_parametres: Path | None,
    parametres: Parametres,
) -> list[Path]:
    """Garde dans la campagne le registre et les paramètres qui produisent ses documents.

    Appelé à chaque génération : une copie identique n'est pas réécrite ; une copie qui a
    changé (registre complété, documents régénérés) est remplacée, l'ancienne étant gardée
    à côté : on sait toujours quelles données ont produit quel document.
    """
    dossier = Campagne.du_dossier(dossier_campagne).sources
    ecrits = []
    for nom, contenu in (
        (nom_registre_fige(chemin_registre), Path(chemin_registre).read_bytes()),
        (PARAMETRES_FIGES, contenu_parametres(chemin_parametres, parametres)),
    ):
        cible = dossier / nom
        identique = cible.is_file() and sha256_octets(cible.read_bytes()) == sha256_octets(contenu)
        if not identique:
            ecrire_fichier(cible, contenu, remplacer=True)
        ecrits.append(cible)
    return ecrits


def sources_figees(dossier_campagne: Path) -> tuple[Path, Path] | None:
    """(registre, paramètres) copiés dans la campagne à sa génération, s'ils existent."""
    dossier = Campagne.du_dossier(dossier_campagne).sources
    registres = sorted(p for p in dossier.glob(f"{REGISTRE_FIGE}.*") if ".ancien" not in p.name)
    parametres = dossier / PARAMETRES_FIGES
    if registres and parametres.is_file():
        return registres[0], parametres
    return None


# ---------------------------------------------------------------------------- autres campagnes


def lire_rendez_vous(
    dossier_sorties: Path, campagne: str, au: date
) -> tuple[pd.DataFrame, list[str]]:
    """Entretiens à venir (datés d'au moins `au`) des plannings des autres campagnes.

    Lit la feuille « Planning » de chaque `dossier_sorties/*/planning.xlsx` et de chaque
    archive `dossier_sorties/archives/<campagne>.zip` (membre `<campagne>/planning.xlsx`,
    lu en mémoire) : `archiver --supprimer-originaux` efface le dossier d'une campagne
    dont les entretiens peuvent être encore à venir. Une campagne présente en dossier et
    en archive est lue une fois (le dossier, peut-être corrigé depuis) ; la campagne
    `campagne` et les anciennes archives (`*.ancien.zip`, remplacées) sont ignorées.
    Lecture tolérante, sans le registre : une ancienne campagne peut citer des salariés
    partis depuis, et une ligne ou un fichier abîmé ne doit pas bloquer la campagne du
    mois. Rend (table au format `Planning.entretiens` plus une colonne `campagne`,
    avertissements en français pour les fichiers ou lignes ignorés).
    """
    lignes: list[dict[str, Any]] = []
    avertissements: list[str] = []
    dossier_sorties = Path(dossier_sorties)
    sources: dict[str, tuple[str, Callable[[], list[tuple[Any, ...]] | None]]] = {}
    if dossier_sorties.is_dir():
        for chemin in sorted(dossier_sorties.glob(f"*/{PLANNING}")):
            nom_campagne = chemin.parent.name
            if nom_campagne not in (campagne, DOSSIER_ARCHIVES):
                sources[nom_campagne] = (str(chemin), _lecteur_fichier(chemin))
        for archive in sorted((dossier_sorties / DOSSIER_ARCHIVES).glob("*.zip")):
            nom_campagne = archive.name.removesuffix(".zip")
            if archive.name.endswith(".ancien.zip") or nom_campagne in (campagne, *sources):
                continue
            sources[nom_campagne] = (
                f"{archive} ({nom_campagne}/{PLANNING})",
                _lecteur_archive(archive, nom_campagne),
            )
    for nom_campagne in sorted(sources):
        nom_source, lire = sources[nom_campagne]
        try:
            feuille = lire()
        except _SansPlanning:
            avertissements.append(
                f"archive sans planning, ignorée : {nom_source} (membre absent) ; ses salariés "
                "pourraient être convoqués une seconde fois"
            )
            continue
        except Exception:  # zipfile et openpyxl lèvent des exceptions variées (et en anglais)
            avertissements.append(
                f"planning illisible, ignoré : {nom_source} (fichier illisible ou qui n'est "
                "pas un classeur Excel)"
            )
            continue
        lues, illisibles = (
            (None, []) if feuille is None else _rendez_vous_feuille(feuille, nom_campagne, au)
        )
        if lues is None:
            avertissements.append(
                f"planning illisible, ignoré : {nom_source} (feuille « Planning » ou colonnes "
                "« Matricule », « Date » et « Heure » introuvables en ligne 1)"
            )
            continue
        lignes.extend(lues)
        if illisibles:
            avertissements.append(
                f"planning {nom_source} : ligne(s) {', '.join(map(str, illisibles))} "
                "ignorée(s) (matricule, date ou heure illisible) ; ces salariés pourraient "
                "être convoqués une seconde fois"
            )
    if not lignes:
        return entretiens_vides().assign(campagne=pd.Series(dtype=object)), avertissements
    table = pd.DataFrame(lignes, columns=COLONNES_RENDEZ_VOUS)
    table["date"] = table["date"].astype("datetime64[ns]")
    table["duree_minutes"] = table["duree_minutes"].astype(int)
    table = table.sort_values(["date", "heure", "campagne", "matricule"], kind="stable")
    return table.reset_index(drop=True), avertissements


class _SansPlanning(Exception):
    """Archive lisible mais sans `<campagne>/planning.xlsx`."""


def _lecteur_fichier(chemin: Path) -> Callable[[], list[tuple[Any, ...]] | None]:
    return lambda: _feuille_planning_brute(chemin)


def _lecteur_archive(archive: Path, campagne: str) -> Callable[[], list[tuple[Any, ...]] | None]:
    def lire() -> list[tuple[Any, ...]] | None:
        with zipfile.ZipFile(archive) as zf:
            membre = f"{campagne}/{PLANNING}"
            if membre not in zf.namelist():
                raise _SansPlanning(membre)
            contenu = zf.read(membre)
        return _feuille_planning_brute(io.BytesIO(contenu))

    return lire


def _feuille_planning_brute(source: Path | io.BytesIO) -> list[tuple[Any, ...]] | None:
    """Lignes brutes de la feuille « Planning » ; None si le classeur n'en a pas."""
    from openpyxl import load_workbook

    classeur = load_workbook(source, read_only=True, data_only=True)
    try:
        noms = {normaliser(nom): nom for nom in classeur.sheetnames}
        nom = noms.get(normaliser(FEUILLE_PLANNING))
        if nom is None:
            return None
        return list(classeur[nom].iter_rows(values_only=True))
    finally:
        classeur.close()


def _rendez_vous_feuille(
    lignes: list[tuple[Any, ...]], campagne: str, au: date
) -> tuple[list[dict[str, Any]] | None, list[int]]:
    """(rendez-vous datés d'au moins `au`, lignes Excel illisibles) ; None sans en-tête."""
    index = colonnes_planning(lignes[0]) if lignes else {}
    if any(c not in index for c in ("matricule", "date", "heure")):
        return None, []
    duree_defaut = Parametres().planning.duree_minutes
    sortie: list[dict[str, Any]] = []
    illisibles: list[int] = []
    for numero, valeurs in enumerate(lignes[1:], start=2):
        if all(en_texte(v) == "" for v in valeurs):
            continue

        def cellule(colonne: str, valeurs: tuple[Any, ...] = valeurs) -> Any:
            position = index.get(colonne)
            return None if position is None or position >= len(valeurs) else valeurs[position]

        matricule = en_texte(cellule("matricule"))
        jour = lire_date(cellule("date"))
        debut = lire_heure(cellule("heure"))
        if not matricule or jour is None or debut is None:
            illisibles.append(numero)
            continue
        if jour < au:
            continue
        # Durée écrite, sinon déduite de la fin, sinon celle par défaut.
        duree = lire_duree(cellule("duree_minutes"), 0)
        if not duree:
            fin = lire_heure(cellule("fin"))
            duree = fin - debut if fin is not None and fin > debut else duree_defaut
        textes = {c: en_texte(cellule(c)) for c in COLONNES_ENTRETIENS}
        sortie.append(
            textes
            | {
                "matricule": matricule,
                "date": pd.Timestamp(jour),
                "heure": texte_hhmm(debut),
                "fin": texte_hhmm(debut + duree),
                "duree_minutes": duree,
                "types": lire_types(textes["types"]) or textes["types"],
                "statut": lire_statut(textes["statut"]) or textes["statut"],
                "campagne": campagne,
            }
        )
    return sortie, illisibles


# ---------------------------------------------------------------------------- séquences

ETAPE_DOCUMENTS = "documents"
ETAPE_PDF = "pdf"


def _sans_effet(*_arguments: Any) -> None:
    """Rappel par défaut : rien à signaler."""


@contextmanager
def _sans_barre(_etape: str, _total: int) -> Iterator[Callable[[int], None]]:
    yield _sans_effet


@dataclass
class Rappels:
    """Ce que les séquences signalent en chemin, dans l'ordre où cela arrive.

    La ligne de commande l'affiche ; par défaut, rien. `etape(nom, total)` ouvre une étape
    longue (`ETAPE_DOCUMENTS`, `ETAPE_PDF`) et rend la fonction qui la fait avancer.
    """

    # Fichier ou ligne d'une autre campagne ignoré à la lecture de ses rendez-vous.
    avertissement: Callable[[str], None] = _sans_effet
    # Le planning de la campagne existe : il est relu au lieu d'être recalculé.
    planning_reutilise: Callable[[Path], None] = _sans_effet
    # Ce planning relu et complété : ses avertissements, les salariés ajoutés.
    planning_repris: Callable[[PlanningRepris], None] = _sans_effet
    etape: Callable[[str, int], AbstractContextManager[Callable[[int], None]]] = _sans_barre


@dataclass
class ResultatPlanifier:
    """Ce qu'a fait `planifier_campagne`, pour le message de la ligne de commande."""

    planning: Planning
    choix: ChoixPlanning
    conserve: bool  # le fichier existait déjà (peut-être corrigé à la main) : pas réécrit


@dataclass
class ResultatConvocations:
    """Ce qu'a fait `produire_convocations`, pour le résumé de la ligne de commande."""

    campagne: Campagne
    planning: Planning
    bilan: BilanCampagne


def _echeances_dues(registre: Registre, parametres: Parametres, au: date) -> pd.DataFrame:
    """Les obligations en retard ou à planifier au `au` (format de `regles.lister_echeances`)."""
    obligations = calculer_obligations(
        registre, au, parametres.regles, parametres.entreprise.effectif
    )
    return lister_echeances(obligations, registre)


def planifier_campagne(
    campagne: Campagne,
    registre: Registre,
    parametres: Parametres,
    au: date,
    sortie: Path | None = None,
    rappels: Rappels | None = None,
) -> ResultatPlanifier:
    """Calcule un planning et l'écrit (`sortie`, sinon celui de la campagne).

    Un fichier déjà présent a pu être corrigé à la main : il est conservé, jamais écrasé.
    """
    rappels = rappels or Rappels()
    # Même décision que `produire_convocations`. Mais ici le planning est recalculé même
    # quand `choix.existe` : la commande affiche alors un planning qui n'est pas celui du
    # fichier conservé. Comportement d'origine, gardé tel quel ; à corriger à part.
    choix = campagne.choisir_planning(sortie)
    planning = _calculer_planning(
        campagne, _echeances_dues(registre, parametres, au), registre, parametres, au, rappels
    )
    conserve = ecrire_planning(planning, choix.chemin) == CONSERVE
    return ResultatPlanifier(planning, choix, conserve)


def produire_convocations(
    campagne: Campagne,
    registre: Registre,
    parametres: Parametres,
    au: date,
    chemin_registre: Path,
    chemin_parametres: Path | None,
    *,
    chemin_planning: Path | None = None,
    remplacer: bool = False,
    pdf: bool = False,
    jobs: int = 1,
    rappels: Rappels | None = None,
) -> ResultatConvocations:
    """Toute la campagne : planning, sources figées, documents, et leurs PDF si `pdf`.

    Le planning est relu s'il existe (`ChoixPlanning.reutilise`), complété des salariés
    devenus dus, sinon calculé. Il est établi avant toute autre écriture : un planning
    corrigé à la main qui contient une erreur arrête tout, sans rien produire.
    """
    # Import local : `documents` importe ce module (chemins, manifeste) ; l'importer en
    # tête formerait un cycle.
    from pipeline.documents import compter_documents, generer_campagne

    rappels = rappels or Rappels()
    echeances = _echeances_dues(registre, parametres, au)
    choix = campagne.choisir_planning(chemin_planning)
    if choix.reutilise:
        if not choix.designe:
            rappels.planning_reutilise(choix.chemin)
        repris = reprendre_planning(
            choix.chemin,
            campagne.planning,
            echeances,
            registre,
            parametres,
            au,
            autres_rendez_vous=_autres_rendez_vous(campagne, au, rappels),
        )
        rappels.planning_repris(repris)
        planning = repris.planning
    else:
        planning = _calculer_planning(campagne, echeances, registre, parametres, au, rappels)

    figer_sources(campagne.dossier, chemin_registre, chemin_parametres, parametres)
    with rappels.etape(ETAPE_DOCUMENTS, compter_documents(planning)) as avancer:
        bilan = generer_campagne(
            registre,
            echeances,
            planning,
            parametres,
            au,
            campagne.dossier,
            remplacer=remplacer,
            jobs=jobs,
            progression=avancer,
        )
    if pdf:
        documents = documents_word(campagne.dossier)
        with rappels.etape(ETAPE_PDF, len(documents)) as avancer:
            convertir_pdf(documents, jobs=jobs, progression=avancer)
    return ResultatConvocations(campagne, planning, bilan)


def _calculer_planning(
    campagne: Campagne,
    echeances: pd.DataFrame,
    registre: Registre,
    parametres: Parametres,
    au: date,
    rappels: Rappels,
) -> Planning:
    return planifier(
        echeances,
        registre,
        parametres,
        au,
        autres_rendez_vous=_autres_rendez_vous(campagne, au, rappels),
    )


def _autres_rendez_vous(campagne: Campagne, au: date, rappels: Rappels) -> pd.DataFrame:
    """Entretiens à venir fixés par d'autres campagnes : ni reconvoqués ni chevauchés."""
    rendez_vous, avertissements = lire_rendez_vous(campagne.sorties, campagne.nom, au)
    for avertissement in avertissements:
        rappels.avertissement(avertissement)
    return rendez_vous
