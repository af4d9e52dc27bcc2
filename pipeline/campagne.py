"""Le dossier de campagne : ses chemins, son manifeste, ses sources, et les séquences
`planifier`, `convocations` et `publipostage`.

```
<sorties>/
  <campagne>/                               Campagne(sorties, nom)
    echeances.xlsx  planning.xlsx  manifeste.csv
    salaries/<MATRICULE>_<NOM>_<Prénom>/    convocation.docx, compte_rendu.docx…
    managers/<NOM>_<Prénom>.docx
    publipostage/                           publipostage.xlsx, publipostage.csv,
                                            courriers_papier.csv, envois.csv, brouillons/
    _sources/                               registre.xlsx, parametres.toml, origine.toml
    entretiens_tenus.xlsx  relances/        après « recolter »
  archives/<campagne>.zip  archives/index.csv
  tableau_de_bord.xlsx
```

Chaque dossier où un fichier a été remplacé (dossier d'un salarié, managers/, la campagne
elle-même pour planning.xlsx, brouillons/, archives/…) range les anciennes versions dans
son sous-dossier `anciennes_versions/` (`fichiers.garder_ancienne_version`).

Ce module est le seul à connaître ces noms : les autres demandent un chemin à `Campagne`
ou prennent les constantes ci-dessous. Les fonctions qui travaillent sur une campagne
déjà choisie prennent son dossier (`dossier`), comme `documents`, `publipostage` et
`archive`.

Deux voisins l'épaulent : `origine.py` (le registre qui a produit une campagne, l'exemple
livré et le préfixe de ses campagnes ; un autre registre y est refusé) et
`autres_campagnes.py` (les rendez-vous déjà fixés par les autres campagnes et les
archives, que les séquences ci-dessous ne reconvoquent ni ne chevauchent).

`produire_convocations` et `planifier_campagne` sont le cœur des commandes
`convocations` et `planifier` : la ligne de commande ne fait qu'afficher ce qu'elles
signalent en chemin (`Rappels`) et le résultat. Toutes deux passent par la même décision,
`Campagne.choisir_planning` : quel planning.xlsx, et s'il existe déjà.
`preparer_publipostage_campagne` est celui de `publipostage` (brouillons, invitations).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.autres_campagnes import (
    COLONNES_RENDEZ_VOUS,
    lignes_de_feuille,
    lire_rendez_vous,
    rendez_vous_feuille,
)
from pipeline.config import Parametres, est_valeur_d_exemple
from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import (
    CONSERVE,
    anciennes_versions,
    ecrire_fichier,
    nom_fichier_sur,
)
from pipeline.formats import en_texte
from pipeline.origine import PREFIXE_EXEMPLE, adopter_registre, controler_origine, vient_du_registre
from pipeline.pdf import convertir_pdf
from pipeline.planning import (
    FEUILLE_NON_PLANIFIES,
    Planning,
    completer_planning,
    construire_annuaire,
    ecrire_planning,
    normaliser,
    planifier,
    table_non_planifies,
)
from pipeline.regles import calculer_obligations, lister_echeances
from pipeline.relecture_planning import (
    PlanningRepris,
    colonnes_planning,
    lire_planning,
    reprendre_planning,
)
from pipeline.verrou import verrouiller

if TYPE_CHECKING:
    from pipeline.documents import BilanCampagne, DocumentSignale
    from pipeline.envoi import Remise
    from pipeline.publipostage import BilanPublipostage
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
ORIGINE = "origine.toml"  # le chemin du registre qui a produit la campagne
DATE_DES_LETTRES = "date_des_lettres.txt"  # la date --au de la dernière génération
# Après les entretiens (« recolter ») : ce qui a été relu, et les relances des conducteurs.
ENTRETIENS_TENUS = "entretiens_tenus.xlsx"
DOSSIER_RELANCES = "relances"
COMPTE_RENDU_SIGNE = "compte_rendu_signe.pdf"  # scan déposé dans le dossier du salarié
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
EXTENSION_VERROU = ".verrou"  # <sorties>/<campagne>.verrou, hors du dossier archivé

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
    def origine(self) -> Path:
        return self.sources / ORIGINE

    @property
    def verrou(self) -> Path:
        return Path(self.sorties) / f"{self.nom}{EXTENSION_VERROU}"

    def verrouiller(
        self, commande: str, signaler: Callable[[str], None] | None = None
    ) -> AbstractContextManager[None]:
        """Le verrou que prend toute commande qui écrit dans la campagne (voir verrou.py)."""
        return verrouiller(self.verrou, f"la campagne « {self.nom} »", commande, signaler)

    @property
    def entretiens_tenus(self) -> Path:
        return self.dossier / ENTRETIENS_TENUS

    @property
    def relances(self) -> Path:
        return self.dossier / DOSSIER_RELANCES

    @property
    def archives(self) -> Path:
        return Path(self.sorties) / DOSSIER_ARCHIVES

    @property
    def index_archives(self) -> Path:
        return self.archives / INDEX_ARCHIVES

    def contient(self, chemin: Path) -> bool:
        """`chemin` est dans le dossier de la campagne (un fichier que son verrou protège)."""
        return self.dossier.resolve() in Path(chemin).resolve().parents

    def choisir_planning(self, chemin: Path | None = None) -> ChoixPlanning:
        """La décision commune à `planifier` et `convocations` : le fichier et s'il existe."""
        cible = Path(chemin) if chemin is not None else self.planning
        return ChoixPlanning(cible, designe=chemin is not None, existe=cible.exists())


def nom_campagne(nom: str | None, au: date, exemple: bool = False) -> str:
    """Le nom donné (rendu sûr pour un nom de dossier), sinon la date de référence.

    Le registre d'exemple a ses propres campagnes (`exemple-AAAA-MM-JJ`) : l'essayer puis
    lancer son propre registre le même jour ne mélange rien.
    """
    if nom:
        return nom_fichier_sur(nom)
    return f"{PREFIXE_EXEMPLE if exemple else ''}{au.isoformat()}"


def chemin_archive(dossier_archives: Path, nom: str) -> Path:
    return Path(dossier_archives) / f"{nom}.zip"


def chemin_tableau_de_bord(sorties: Path) -> Path:
    return Path(sorties) / TABLEAU_DE_BORD


def trouver_campagne(
    racine: Path, nom: str, explicite: bool = False, registre: Path | None = None
) -> Path:
    """Le dossier de la campagne `nom` ; à défaut (nom non imposé), la plus récente.

    Le nom par défaut est la date du jour : le publipostage ou l'archive d'une campagne
    générée la veille doit la retrouver sans qu'on ait à la nommer. Avec `registre`,
    seules comptent les campagnes produites avec ce registre (jamais celles de l'exemple
    livré pour un vrai registre, ni l'inverse), et une campagne nommée qui vient d'un
    autre registre est refusée (`controler_origine`).
    """
    racine = Path(racine)
    dossier = racine / nom
    if explicite:
        if not dossier.is_dir():
            raise ErreurEntretiens.simple(
                "campagne-introuvable",
                f"La campagne « {dossier} » n'existe pas. Lancez d'abord "
                "« entretiens convocations » (ou « make convocations »).",
            )
        if registre is not None:
            controler_origine(Campagne(racine, nom), registre)
        return dossier

    def du_registre(candidate: Path) -> bool:
        return registre is None or vient_du_registre(Campagne.du_dossier(candidate), registre)

    if dossier.is_dir() and du_registre(dossier):
        return dossier
    campagnes = [d for d in racine.glob("*") if d.is_dir() and (d / PLANNING).exists()]
    # La plus récente est la dernière planifiée (planning.xlsx écrit ou corrigé), pas celle
    # dont le dossier a bougé en dernier : un publipostage, une récolte, une relance qui
    # ajoute un fichier à la campagne de novembre n'en font pas celle de décembre.
    candidates = sorted(
        (d for d in campagnes if du_registre(d)), key=lambda d: (d / PLANNING).stat().st_mtime
    )
    if candidates:
        return candidates[-1]
    de = f" du registre « {registre} »" if registre is not None else ""
    autres = (
        f" (celles qui s'y trouvent viennent d'un autre registre : "
        f"{', '.join(sorted(d.name for d in campagnes))})"
        if campagnes
        else ""
    )
    raise ErreurEntretiens.simple(
        "campagne-introuvable",
        f"Aucune campagne{de} dans « {racine} »{autres}. Lancez d'abord « entretiens "
        "convocations » (ou « make convocations »), ou nommez la campagne avec --campagne NOM.",
    )


# ---------------------------------------------------------------------------- manifeste


def lire_manifeste(dossier: Path) -> dict[str, dict[str, str]]:
    """Le manifeste d'une campagne, par chemin ; vide s'il n'existe pas encore."""
    chemin = Campagne.du_dossier(dossier).manifeste
    try:
        with open(chemin, encoding="utf-8-sig", newline="") as entree:
            lignes = csv.reader(entree, delimiter=";")
            en_tete = next(lignes, [])
            # Comme csv.DictReader (champ manquant : None ; en trop : ignoré), deux fois
            # plus vite : une relance relit une ligne par document.
            manquants = [None] * len(en_tete)
            manifeste = {}
            for valeurs in lignes:
                ligne = dict(zip(en_tete, [*valeurs, *manquants], strict=False))
                if ligne.get("chemin"):
                    manifeste[ligne["chemin"]] = ligne
            return manifeste
    except FileNotFoundError:
        return {}


def ecrire_manifeste(dossier: Path, lignes: Iterable[Mapping[str, Any] | tuple[Any, ...]]) -> None:
    """Réécrit le manifeste (colonnes `COLONNES_MANIFESTE`, lignes triées par chemin).

    Une ligne est un dictionnaire, ou un tuple de ses valeurs dans l'ordre des colonnes.
    """
    # Le manifeste est un inventaire recalculé à chaque exécution (aucune saisie humaine) :
    # il est réécrit atomiquement, sans garder d'ancienne version. Comme tout tableur, il
    # passe par tableurs.py (un matricule « =1+1 » n'y devient pas une formule), importé
    # ici comme dans planning.ecrire_planning : openpyxl n'est chargé que pour écrire.
    from pipeline.tableurs import ecrire_lignes_csv

    rangees = [
        ligne
        if isinstance(ligne, tuple)
        else tuple(ligne.get(colonne, "") for colonne in COLONNES_MANIFESTE)
        for ligne in lignes
    ]
    rangees.sort(key=lambda rangee: rangee[0])
    ecrire_lignes_csv(
        Campagne.du_dossier(dossier).manifeste,
        COLONNES_MANIFESTE,
        rangees,
        remplacer=True,
        garder_ancien=False,
    )


def documents_word(dossier: Path) -> list[Path]:
    """Les documents Word actuels de la campagne, d'après son manifeste.

    Ni anciennes versions (`anciennes_versions/`), ni dossiers orphelins : c'est la liste à
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
            # json.dumps écrit des chaînes, nombres et listes de chaînes valides en TOML ;
            # une table (planning.lieux par établissement) s'écrit en table en ligne.
            valeur = getattr(valeurs, cle.name)
            if isinstance(valeur, dict):
                texte = ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in valeur.items())
                lignes.append(f"{cle.name} = {{ {texte} }}")
            else:
                lignes.append(f"{cle.name} = {json.dumps(valeur)}")
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
    (`_sources/anciennes_versions/`) : on sait toujours quelles données ont produit quel
    document.
    """
    dossier = Campagne.du_dossier(dossier_campagne).sources
    ecrits = []
    for nom, contenu in (
        (nom_registre_fige(chemin_registre), Path(chemin_registre).read_bytes()),
        (PARAMETRES_FIGES, contenu_parametres(chemin_parametres, parametres)),
    ):
        cible = dossier / nom
        identique = cible.is_file() and cible.read_bytes() == contenu
        if not identique:
            ecrire_fichier(cible, contenu, remplacer=True)
        ecrits.append(cible)
    return ecrits


def noter_date_des_lettres(campagne: Campagne, au: date) -> None:
    """Note la date `--au` de la génération : celle des raisons écrites dans les lettres."""
    cible = campagne.sources / DATE_DES_LETTRES
    contenu = f"{au.isoformat()}\n".encode()
    if not (cible.is_file() and cible.read_bytes() == contenu):
        ecrire_fichier(cible, contenu, remplacer=True, garder_ancien=False)


def date_des_lettres(campagne: Campagne) -> date | None:
    """La date `--au` de la dernière génération ; None pour une campagne d'avant cette note."""
    try:
        return date.fromisoformat((campagne.sources / DATE_DES_LETTRES).read_text().strip())
    except (OSError, ValueError):
        return None


def sources_figees(dossier_campagne: Path) -> tuple[Path, Path] | None:
    """(registre, paramètres) copiés dans la campagne à sa génération, s'ils existent."""
    dossier = Campagne.du_dossier(dossier_campagne).sources
    registres = sorted(p for p in dossier.glob(f"{REGISTRE_FIGE}.*") if ".ancien" not in p.name)
    parametres = dossier / PARAMETRES_FIGES
    if registres and parametres.is_file():
        return registres[0], parametres
    return None


# ---------------------------------------------------------------------------- séquences

ETAPE_DOCUMENTS = "documents"
ETAPE_PDF = "pdf"
ETAPE_BROUILLONS = "brouillons"


def _sans_effet(*_arguments: Any) -> None:
    """Rappel par défaut : rien à signaler."""


@contextmanager
def _sans_barre(_etape: str, _total: int) -> Iterator[Callable[[int], None]]:
    yield _sans_effet


@dataclass
class Rappels:
    """Ce que les séquences signalent en chemin, dans l'ordre où cela arrive.

    La ligne de commande l'affiche ; par défaut, rien. `etape(nom, total)` ouvre une étape
    longue (`ETAPE_DOCUMENTS`, `ETAPE_PDF`, `ETAPE_BROUILLONS`) et rend la fonction qui la
    fait avancer.
    """

    # Fichier ou ligne d'une autre campagne ignoré à la lecture de ses rendez-vous.
    avertissement: Callable[[str], None] = _sans_effet
    # Le planning de la campagne existe : il est relu au lieu d'être recalculé.
    planning_reutilise: Callable[[Path], None] = _sans_effet
    # Ce planning relu et complété : ses avertissements, les salariés ajoutés.
    planning_repris: Callable[[PlanningRepris], None] = _sans_effet
    etape: Callable[[str, int], AbstractContextManager[Callable[[int], None]]] = _sans_barre


@dataclass
class Replanification:
    """Ce que `--replanifier` a gardé, refait et retiré, pour le résumé (matricules)."""

    gardes_partis: list[str]  # convocation déjà partie (courriel ou papier) : gardés tels quels
    gardes_passes: list[str]  # rendez-vous déjà passés : gardés tels quels
    deplaces: list[str]  # date, heure, salle ou conducteur changés
    ajoutes: list[str]  # n'étaient pas au planning
    retires: list[str]  # n'y sont plus (plus dus, partis, ou sans créneau)
    ancien: Path | None  # l'ancien planning, gardé (anciennes_versions/) ; None si inchangé


@dataclass
class ResultatPlanifier:
    """Ce qu'a fait `planifier_campagne`, pour le message de la ligne de commande."""

    planning: Planning
    choix: ChoixPlanning
    ecrit: bool  # le fichier a été écrit ou réécrit (l'ancien gardé)
    replanification: Replanification | None = None


@dataclass
class ResultatConvocations:
    """Ce qu'a fait `produire_convocations`, pour le résumé de la ligne de commande."""

    campagne: Campagne
    planning: Planning
    bilan: BilanCampagne
    # Convocations refaites alors que la précédente était partie : à renvoyer.
    a_renvoyer: list[tuple[DocumentSignale, Remise]] = field(default_factory=list)
    replanification: Replanification | None = None


def _echeances_dues(registre: Registre, parametres: Parametres, au: date) -> pd.DataFrame:
    """Les obligations en retard ou à planifier au `au` (format de `regles.lister_echeances`)."""
    obligations = calculer_obligations(
        registre, au, parametres.regles, parametres.entreprise.effectif
    )
    return lister_echeances(obligations, registre)


def raisons_des_convocations(
    registre: Registre, parametres: Parametres, au: date, entretiens: pd.DataFrame
) -> dict[str, list[str]]:
    """Matricule -> pourquoi il est convoqué, en langage simple : les phrases mêmes de sa
    convocation (`contexte.motifs[].raison`), pour le courriel et l'invitation."""
    from pipeline.contexte import iterer_contextes_salaries

    echeances = _echeances_dues(registre, parametres, au)
    return {
        matricule: [motif["raison"] for motif in contexte["motifs"]]
        for matricule, contexte in iterer_contextes_salaries(
            echeances, entretiens, registre, parametres, au
        )
    }


def preparer_publipostage_campagne(
    campagne: Campagne,
    registre: Registre,
    parametres: Parametres,
    au: date,
    *,
    pdf: bool = False,
    remplacer: bool = False,
    rappels: Rappels | None = None,
) -> BilanPublipostage:
    """Le cœur de la commande `publipostage` : brouillons, invitations et tableurs de la
    campagne, d'après son planning relu et contrôlé, chaque courriel disant pourquoi le
    salarié est convoqué (`raisons_des_convocations`)."""
    # Import local : `publipostage` importe ce module (chemins) ; en tête, ce serait un cycle.
    from pipeline.publipostage import preparer_publipostage

    rappels = rappels or Rappels()
    planning = lire_planning(campagne.planning, registre, parametres)
    with rappels.etape(ETAPE_BROUILLONS, len(planning.entretiens)) as avancer:
        return preparer_publipostage(
            campagne.dossier,
            planning.entretiens,
            registre.salaries,
            parametres,
            pdf=pdf,
            remplacer=remplacer,
            progression=avancer,
            # À la date des lettres, pas à celle du jour : un entretien tenu et saisi depuis
            # ne change pas après coup le courriel qui accompagne sa convocation (refait, il
            # partirait une seconde fois).
            raisons=raisons_des_convocations(
                registre, parametres, date_des_lettres(campagne) or au, planning.entretiens
            ),
        )


def planifier_campagne(
    campagne: Campagne,
    registre: Registre,
    parametres: Parametres,
    au: date,
    sortie: Path | None = None,
    rappels: Rappels | None = None,
    *,
    chemin_registre: Path | None = None,
    replanifier: bool = False,
) -> ResultatPlanifier:
    """Le planning de la campagne (ou `sortie`) : relu s'il existe, sinon calculé et écrit.

    Même décision que `produire_convocations` (`Campagne.choisir_planning`) : un planning
    déjà présent a pu être corrigé à la main ; il est relu et complété des salariés
    devenus dus, jamais recalculé. `replanifier` refait ses rendez-vous pas encore partis
    (`Replanification`). `chemin_registre` : le registre, noté comme origine de la
    campagne quand le planning s'écrit dans son dossier.
    """
    rappels = rappels or Rappels()
    choix = campagne.choisir_planning(sortie)
    dans_la_campagne = campagne.contient(choix.chemin)
    if dans_la_campagne and chemin_registre is not None:
        controler_origine(campagne, chemin_registre)
    # `sortie` est ici le fichier à écrire : relu s'il existe, et tenu à jour lui-même.
    planning, ecrit, replanification = _etablir_planning(
        campagne,
        choix,
        choix.existe,
        choix.chemin,
        _echeances_dues(registre, parametres, au),
        registre,
        parametres,
        au,
        rappels,
        replanifier,
    )
    if not choix.existe:
        ecrit = ecrire_planning(planning, choix.chemin) != CONSERVE
    if dans_la_campagne and chemin_registre is not None:
        adopter_registre(campagne, chemin_registre)
    return ResultatPlanifier(planning, choix, ecrit, replanification)


def produire_convocations(
    campagne: Campagne,
    registre: Registre,
    parametres: Parametres,
    au: date,
    chemin_registre: Path,
    chemin_parametres: Path | None,
    *,
    chemin_planning: Path | None = None,
    replanifier: bool = False,
    remplacer: bool = False,
    pdf: bool = False,
    jobs: int = 1,
    rappels: Rappels | None = None,
) -> ResultatConvocations:
    """Toute la campagne : planning, sources figées, documents, et leurs PDF si `pdf`.

    Le planning est relu s'il existe (`ChoixPlanning.reutilise`), complété des salariés
    devenus dus, sinon calculé ; `replanifier` refait ses rendez-vous qui ne sont ni
    partis ni passés. Il est établi avant toute autre écriture : un planning corrigé à la
    main qui contient une erreur arrête tout, sans rien produire. Une campagne produite
    avec un autre registre est refusée (`controler_origine`).
    """
    # Imports locaux : `documents` et `envoi` importent ce module (chemins, manifeste) ;
    # les importer en tête formerait un cycle.
    from pipeline.documents import compter_documents, generer_campagne
    from pipeline.envoi import convocations_parties

    rappels = rappels or Rappels()
    controler_origine(campagne, chemin_registre)
    echeances = _echeances_dues(registre, parametres, au)
    choix = campagne.choisir_planning(chemin_planning)
    # `chemin_planning` est ici un planning à lire ; celui de la campagne est tenu à jour.
    planning, _ecrit, replanification = _etablir_planning(
        campagne,
        choix,
        choix.reutilise,
        campagne.planning,
        echeances,
        registre,
        parametres,
        au,
        rappels,
        replanifier,
    )
    adopter_registre(campagne, chemin_registre)
    figer_sources(campagne.dossier, chemin_registre, chemin_parametres, parametres)
    noter_date_des_lettres(campagne, au)
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
    parties = convocations_parties(campagne.dossier)
    a_renvoyer = [
        (document, parties[document.matricule])
        for document in bilan.mises_a_jour
        if document.type_document == "convocation" and document.matricule in parties
    ]
    return ResultatConvocations(campagne, planning, bilan, a_renvoyer, replanification)


def _etablir_planning(
    campagne: Campagne,
    choix: ChoixPlanning,
    relire: bool,
    a_tenir_a_jour: Path,
    echeances: pd.DataFrame,
    registre: Registre,
    parametres: Parametres,
    au: date,
    rappels: Rappels,
    replanifier: bool,
) -> tuple[Planning, bool, Replanification | None]:
    """La décision commune à `planifier` et `convocations` : (planning, réécrit, replanification).

    Refait (`replanifier`, si le fichier existe), sinon relu et complété des salariés
    devenus dus (`relire` ; `a_tenir_a_jour` est réécrit s'il ne le reflète plus), sinon
    calculé, sans être écrit : c'est à l'appelant de le faire.
    """
    replanification = None
    if replanifier and choix.existe:
        planning, replanification = _replanifier(
            campagne, choix.chemin, echeances, registre, parametres, au, rappels
        )
        ecrit = replanification.ancien is not None
    elif relire:
        if not choix.designe:
            rappels.planning_reutilise(choix.chemin)
        repris = reprendre_planning(
            choix.chemin,
            a_tenir_a_jour,
            echeances,
            registre,
            parametres,
            au,
            autres_rendez_vous=_autres_rendez_vous(campagne, registre, au, rappels),
        )
        rappels.planning_repris(repris)
        planning, ecrit = repris.planning, bool(repris.ajoutes or repris.sans_creneau)
    else:
        planning = _calculer_planning(campagne, echeances, registre, parametres, au, rappels)
        ecrit = False
    _signaler_signataire_d_exemple(planning, parametres, rappels)
    return planning, ecrit, replanification


def _signaler_signataire_d_exemple(
    planning: Planning, parametres: Parametres, rappels: Rappels
) -> None:
    """Un planning fait avant la correction des paramètres garde le signataire de l'exemple.

    Relu tel quel (il a pu être corrigé à la main), il confierait encore des entretiens à
    « Claire Martin » : le remède est de refaire ce qui n'est pas encore parti.
    """
    exemple = Parametres().entreprise.signataire
    if est_valeur_d_exemple("entreprise.signataire", parametres.entreprise.signataire):
        return  # les paramètres eux-mêmes sont signalés par la ligne de commande
    entretiens = planning.entretiens
    sans_matricule = entretiens["matricule_conducteur"].map(en_texte) == ""
    nombre = int(
        (sans_matricule & (entretiens["conducteur"].map(normaliser) == normaliser(exemple))).sum()
    )
    if nombre:
        rappels.avertissement(
            f"{nombre} entretien(s) du planning restent confiés à « {exemple} », signataire de "
            "l'exemple livré : ce planning a été fait avant la correction de vos paramètres. "
            "Refaites les rendez-vous qui ne sont pas encore partis : entretiens convocations "
            "--replanifier ; pour une convocation déjà partie, changez le conducteur dans "
            "planning.xlsx, relancez « entretiens convocations » et renvoyez-la."
        )


def _replanifier(
    campagne: Campagne,
    chemin: Path,
    echeances: pd.DataFrame,
    registre: Registre,
    parametres: Parametres,
    au: date,
    rappels: Rappels,
) -> tuple[Planning, Replanification]:
    """Refait les rendez-vous du planning `chemin` qui ne sont ni partis ni passés.

    Gardés tels quels : ceux dont la convocation est partie (journal des envois :
    courriel envoyé ou papier remis) et ceux d'avant `au`. Tous les autres salariés dus
    sont planifiés de nouveau autour d'eux, d'après le registre et les paramètres du
    jour (nouveaux managers, nouvelles salles…) ; les lignes refaites, retouchées ou non
    à la main, sont recalculées. Le planning est réécrit s'il change, l'ancien gardé
    dans `anciennes_versions/`.
    """
    from pipeline.envoi import convocations_parties

    parties = convocations_parties(campagne.dossier)
    autres = _autres_rendez_vous(campagne, registre, au, rappels)
    annuaire = construire_annuaire(registre)
    gardes = lire_planning(
        chemin,
        registre,
        parametres,
        autres_rendez_vous=autres,
        retenir=lambda matricule, jour: matricule in parties or (jour is not None and jour < au),
        annuaire=annuaire,
    )
    # Relu sans contrôle après `lire_planning`, qui a dit en français si le fichier est
    # illisible.
    avant = _rendez_vous_ecrits(chemin)
    planning = completer_planning(
        Planning(gardes.entretiens, table_non_planifies([]), gardes.avertissements),
        echeances,
        registre,
        parametres,
        au,
        autres_rendez_vous=autres,
        annuaire=annuaire,
    )
    apres = _rendez_vous_table(planning.entretiens)
    gardes_partis = sorted(m for m in gardes.entretiens["matricule"] if m in parties)
    replanification = Replanification(
        gardes_partis=gardes_partis,
        gardes_passes=sorted(set(gardes.entretiens["matricule"]) - set(gardes_partis)),
        deplaces=sorted(m for m in apres if m in avant and apres[m] != avant[m]),
        ajoutes=sorted(set(apres) - set(avant)),
        retires=sorted(set(avant) - set(apres)),
        ancien=None,
    )
    non_planifies = set(planning.non_planifies["matricule"].map(en_texte))
    if apres != avant or non_planifies != _non_planifies_ecrits(chemin):
        ecrire_planning(planning, chemin, remplacer=True)
        replanification.ancien = next(reversed(anciennes_versions(chemin)), None)
    return planning, replanification


def _rendez_vous_table(entretiens: pd.DataFrame) -> dict[str, tuple[Any, ...]]:
    """Matricule -> (date, heure, salle, conducteur) : ce qu'annonce une convocation."""
    return {
        en_texte(ligne["matricule"]): (
            pd.Timestamp(ligne["date"]).date(),
            en_texte(ligne["heure"]),
            normaliser(ligne["lieu"]),
            normaliser(ligne["conducteur"]),
        )
        for ligne in entretiens.to_dict("records")
    }


def _rendez_vous_ecrits(chemin: Path) -> dict[str, tuple[Any, ...]]:
    """Les rendez-vous d'un planning.xlsx, relus sans contrôle (ils vont être refaits)."""
    feuille = lignes_de_feuille(chemin) or []
    lues, _illisibles = rendez_vous_feuille(feuille, "", date.min)
    return _rendez_vous_table(pd.DataFrame(lues or [], columns=COLONNES_RENDEZ_VOUS))


def _non_planifies_ecrits(chemin: Path) -> set[str]:
    lignes = lignes_de_feuille(chemin, FEUILLE_NON_PLANIFIES) or []
    position = colonnes_planning(lignes[0]).get("matricule") if lignes else None
    if position is None:
        return set()
    return {en_texte(v[position]) for v in lignes[1:] if len(v) > position} - {""}


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
        autres_rendez_vous=_autres_rendez_vous(campagne, registre, au, rappels),
    )


def _autres_rendez_vous(
    campagne: Campagne, registre: Registre, au: date, rappels: Rappels
) -> pd.DataFrame:
    """Entretiens à venir fixés par d'autres campagnes (du même monde : exemple livré ou
    vrai registre) : ni reconvoqués ni chevauchés."""
    rendez_vous, avertissements = lire_rendez_vous(
        campagne.sorties, campagne.nom, au, registre.chemin
    )
    for avertissement in avertissements:
        rappels.avertissement(avertissement)
    return rendez_vous
