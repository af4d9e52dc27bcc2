"""Les documents d'une campagne : un dossier par salarié, les fiches des conducteurs.

Les chemins et le manifeste viennent de `campagne.py`, les contextes de `contexte.py`,
le rendu de `rendu.py` et `rendu_parallele.py` (modèles compilés une fois, processus
parallèles), l'écriture de `fichiers.py` (jamais d'écrasement). Ici on ne fait
qu'assembler : quels documents pour qui, s'il faut les (re)faire d'après leur empreinte,
et le bilan de ce qui a été produit.
Les contextes et les tâches sont produits au fil de l'eau ; ne restent en mémoire, pour
toute la campagne, que les tables (registre, échéances, planning) et une ligne compacte
de manifeste par document.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from pipeline.campagne import (
    COLONNES_MANIFESTE,
    DOSSIER_MANAGERS,
    DOSSIER_SALARIES,
    ECHEANCES,
    PERIME,
    PLANNING,
    Campagne,
    ecrire_manifeste,
    lire_manifeste,
)
from pipeline.config import Parametres
from pipeline.contexte import ContextesSalaries, contexte_conducteur
from pipeline.fichiers import (
    CONSERVE,
    CREE,
    REMPLACE,
    deja_ecrit,
    est_ancienne_version,
    garder_ancienne_version,
    nom_dossier_salarie,
    nom_fiche_conducteur,
    sha256_fichier,
    sha256_octets,
)
from pipeline.modeles import DOSSIER_MODELES
from pipeline.planning import Planning, ecrire_planning
from pipeline.tableurs import ecrire_echeances

if TYPE_CHECKING:  # ni le lecteur (calamine) ni le rendu ne sont chargés pour une annotation
    from pipeline.registre import Registre
    from pipeline.rendu_parallele import Resultat, Tache

DOCUMENTS_SALARIE = ("convocation", "support_preparation", "compte_rendu")
ETAT_DES_LIEUX = "etat_des_lieux"
FICHE_CONDUCTEUR = "fiche_conducteur"
# Document régénéré parce que ses données ont changé (planning, registre, modèle) et
# que personne ne l'avait retouché : compté à part des « remplacés » (--remplacer).
MIS_A_JOUR = "mis_a_jour"
# La date et le lieu de la lettre (« Fait à …, le … ») suivent la date de référence de
# l'exécution : une relance un autre jour ne rend pas une convocation périmée.
_CLES_HORS_EMPREINTE = ("fait_a", "date_lettre_longue", "date_lettre_courte")


class DocumentSignale(NamedTuple):
    """Un document que le bilan signale (périmé, ou mis à jour et donc à renvoyer)."""

    matricule: str
    type_document: str
    chemin: str  # relatif au dossier de campagne


@dataclass
class BilanCampagne:
    dossier: Path
    statuts: dict[str, int] = field(
        default_factory=lambda: {CREE: 0, CONSERVE: 0, REMPLACE: 0, MIS_A_JOUR: 0}
    )
    # Périmés mais modifiés à la main : conservés tels quels (comptés dans « conservés »)
    # et marqués `perime = oui` dans le manifeste.
    perimes: list[DocumentSignale] = field(default_factory=list)
    # Régénérés parce que leurs données ont changé : les convocations sont à renvoyer.
    mises_a_jour: list[DocumentSignale] = field(default_factory=list)
    # Dossiers de salariés qui ne sont plus au planning (conservés, jamais supprimés).
    orphelins: list[str] = field(default_factory=list)
    # Fiches de conducteurs qui ne conduisent plus rien dans la campagne : (chemin, nom
    # de l'ancienne version ; vide si le fichier, ouvert, n'a pas pu être déplacé).
    fiches_hors_campagne: list[tuple[str, str]] = field(default_factory=list)

    @property
    def crees(self) -> int:
        return self.statuts[CREE]

    @property
    def conserves(self) -> int:
        return self.statuts[CONSERVE]

    @property
    def remplaces(self) -> int:
        return self.statuts[REMPLACE]

    @property
    def mis_a_jour(self) -> int:
        """Régénérés car leurs données ont changé (ancienne version gardée à part)."""
        return self.statuts[MIS_A_JOUR]


def compter_documents(planning: Planning) -> int:
    """Nombre de documents Word d'une campagne (pour la barre de progression)."""
    entretiens = planning.entretiens
    etats = entretiens["types"].str.contains(ETAT_DES_LIEUX, regex=False).sum()
    return (
        len(entretiens) * len(DOCUMENTS_SALARIE)
        + int(etats)
        + len(_cles_conducteurs(entretiens).drop_duplicates())
    )


def generer_campagne(
    registre: Registre,
    echeances: pd.DataFrame,
    planning: Planning,
    parametres: Parametres,
    au: date,
    dossier: Path,
    remplacer: bool = False,
    jobs: int = 1,
    progression: Callable[[int], None] | None = None,
    modeles: Path = DOSSIER_MODELES,
) -> BilanCampagne:
    """Écrit tout le dossier de campagne ; un fichier existant est conservé sauf `remplacer`.

    Relance : chaque document porte dans le manifeste l'empreinte de ses données (contexte
    de rendu et modèle). Si elle n'a pas changé, le document est conservé sans être relu.
    Si elle a changé (entretien déplacé, registre corrigé, modèle modifié), le document
    est régénéré — l'ancienne version gardée — s'il est resté tel que généré ; s'il a
    été modifié à la main, il est conservé et signalé périmé (`BilanCampagne.perimes`).
    Quand rien n'a changé depuis la génération précédente (`_documents_inchanges`), la
    décision est prise pour tous d'un coup, sans construire un seul contexte, et le
    manifeste, inchangé, n'est pas réécrit.
    """
    campagne = Campagne.du_dossier(dossier)
    campagne.dossier.mkdir(parents=True, exist_ok=True)
    # Lu avant toute écriture : c'est l'état de la génération précédente.
    precedent = {} if remplacer else lire_manifeste(campagne.dossier)
    inventaire = _Inventaire(campagne, precedent, progression)
    empreinte_echeances = _empreinte_table(echeances)
    classeurs = _classeurs_a_ecrire(
        campagne, echeances, empreinte_echeances, planning, precedent, remplacer
    )
    # Chaque modèle haché une fois, pour l'empreinte de la génération et celle des documents.
    empreintes_modeles = _empreintes_modeles(modeles)
    # Le planning porte l'empreinte de toute la génération (voir `_documents_inchanges`).
    generation = _empreinte_generation(
        registre, empreinte_echeances, planning, parametres, au, modeles, empreintes_modeles
    )
    inchanges = None if remplacer else _documents_inchanges(precedent, generation, campagne)
    if inchanges is None or classeurs:
        # Chargé seulement s'il y a quelque chose à écrire : docxtpl, python-docx et lxml
        # coûtent ≈ 0,1 s à une relance sans changement.
        from pipeline.rendu_parallele import rendre_en_parallele
    if inchanges is None:
        preparation = _Preparation.de_la_campagne(
            ContextesSalaries(echeances, planning.entretiens, registre, parametres, au),
            planning.entretiens,
            campagne,
            modeles,
            precedent,
            remplacer,
            empreintes_modeles,
        )
        elements: Iterable[Any] = _elements(planning.entretiens, registre)
    else:
        inventaire.conserver_tous(inchanges)
        preparation, elements = None, ()
    if inchanges is None or classeurs:
        for resultat in rendre_en_parallele(
            elements,
            jobs=jobs,
            progression=progression,
            annexes=classeurs,
            preparer=preparation,
            modeles=preparation.modeles if preparation else (),
        ):
            inventaire.noter(resultat)
    return inventaire.terminer(
        {campagne.echeances: empreinte_echeances, campagne.planning: generation}
    )


def _classeurs_a_ecrire(
    campagne: Campagne,
    echeances: pd.DataFrame,
    empreinte_echeances: str,
    planning: Planning,
    precedent: dict[str, dict[str, str]],
    remplacer: bool,
) -> list[Callable[[], object]]:
    """L'écriture d'echeances.xlsx et de planning.xlsx, s'il faut les écrire.

    Décidé avant de construire les classeurs : à la relance, ils existent presque toujours
    et les construire pour rien coûtait près d'un tiers d'une relance sans changement.
    La liste des échéances est dérivée (aucune saisie) : réécrite quand son contenu
    change, l'ancienne gardée. Le planning, lui, peut avoir été corrigé à la main : seule
    la reprise du planning décide de le réécrire (voir campagne.produire_convocations).
    Ces écritures sont confiées à un processus de rendu (`rendre_en_parallele`, annexes).
    """
    classeurs: list[Callable[[], object]] = []
    avant = (precedent.get(ECHEANCES) or {}).get("empreinte_contexte")
    if remplacer or avant not in (None, empreinte_echeances) or not deja_ecrit(campagne.echeances):
        classeurs.append(functools.partial(ecrire_echeances, echeances, campagne.echeances, True))
    if remplacer or not deja_ecrit(campagne.planning):
        classeurs.append(functools.partial(ecrire_planning, planning, campagne.planning, remplacer))
    return classeurs


@dataclass
class _Inventaire:
    """Le bilan et le manifeste d'une génération, tenus au fil des documents.

    Une ligne de manifeste par fichier, en tuple (colonnes du manifeste) : compacte, pour
    que la mémoire grandisse le moins possible avec l'effectif.
    """

    campagne: Campagne
    precedent: dict[str, dict[str, str]]
    progression: Callable[[int], None] | None
    manifeste: list[tuple[Any, ...]] = field(default_factory=list)
    # Les premières lignes du manifeste, recopiées telles quelles du précédent.
    recopiees: int = 0

    def __post_init__(self) -> None:
        self.bilan = BilanCampagne(self.campagne.dossier)

    def conserver(self, ligne: dict[str, Any]) -> None:
        """Un document laissé tel quel sans passer par le rendu."""
        self.bilan.statuts[CONSERVE] += 1
        self.manifeste.append(_rangee(ligne))

    def conserver_tous(self, lignes: list[dict[str, Any]]) -> None:
        """Les documents d'une relance sans changement, lignes du manifeste précédent."""
        if not self.manifeste:
            self.recopiees = len(lignes)
        self.bilan.statuts[CONSERVE] += len(lignes)
        self.manifeste.extend(map(_rangee, lignes))
        if self.progression:
            self.progression(len(lignes))

    def noter(self, resultat: Resultat) -> None:
        """Un document décidé (`_Preparation`) : conservé, périmé, ou rendu (créé, remplacé,
        mis à jour, ou conservé s'il est apparu entre-temps)."""
        matricule, type_document, empreinte, decision, ligne = resultat.etiquette
        if decision == _GARDE:
            self.conserver({**self.precedent[ligne], "perime": ""})
            return
        if decision == _PERIME:
            self.conserver({**self.precedent[ligne], "perime": PERIME})
            self.bilan.perimes.append(DocumentSignale(matricule, type_document, ligne))
            return
        if decision == _RECONNU:
            self.conserver(ligne)
            return
        mise_a_jour = decision == _MISE_A_JOUR and resultat.statut == REMPLACE
        statut = MIS_A_JOUR if mise_a_jour else resultat.statut
        self.bilan.statuts[statut] += 1
        ligne = _ligne_manifeste(
            self.campagne.dossier, resultat.destination, resultat, matricule, type_document
        )
        if statut == MIS_A_JOUR:
            signale = DocumentSignale(matricule, type_document, ligne["chemin"])
            self.bilan.mises_a_jour.append(signale)
        ligne["empreinte_contexte"] = empreinte
        self.manifeste.append(_rangee(ligne))

    def terminer(self, empreintes: dict[Path, str]) -> BilanCampagne:
        """Classeurs (avec leur empreinte) et sources inventoriés, manifeste écrit s'il a
        changé, dossiers et fiches hors campagne relevés."""
        dossier = self.campagne.dossier
        for chemin, empreinte in empreintes.items():
            ligne = _ligne_manifeste(dossier, chemin, None, "", chemin.name.split(".")[0])
            ligne["empreinte_contexte"] = empreinte
            self.manifeste.append(_rangee(ligne))
        # Le registre et les paramètres figés par `campagne.figer_sources` : ils font partie
        # de l'inventaire de la campagne (quelles données ont produit ces documents).
        for source in sorted(p for p in self.campagne.sources.glob("*") if p.is_file()):
            self.manifeste.append(_rangee(_ligne_manifeste(dossier, source, None, "", "source")))
        if not self._manifeste_inchange():
            ecrire_manifeste(dossier, self.manifeste)
        chemins = {rangee[0] for rangee in self.manifeste}
        self.bilan.orphelins = _orphelins(self.campagne, chemins)
        self.bilan.fiches_hors_campagne = _fiches_hors_campagne(self.campagne, chemins)
        return self.bilan

    def _manifeste_inchange(self) -> bool:
        """Chaque ligne est celle, relue, du manifeste actuel (relance sans changement)."""
        if len(self.manifeste) != len(self.precedent):
            return False
        for rangee in self.manifeste[self.recopiees :]:
            avant = self.precedent.get(rangee[0])
            if avant is None or any(
                str(valeur) != avant.get(colonne)
                for valeur, colonne in zip(rangee, COLONNES_MANIFESTE, strict=True)
            ):
                return False
        return True


def _rangee(ligne: dict[str, Any]) -> tuple[Any, ...]:
    return tuple([ligne.get(colonne, "") for colonne in COLONNES_MANIFESTE])


def _fiches_hors_campagne(campagne: Campagne, actuelles: set[str]) -> list[tuple[str, str]]:
    """Range en ancienne version les fiches de ceux qui ne conduisent plus rien ici.

    Après un planning refait (nouveaux managers…), la fiche d'un conducteur sans entretien
    annoncerait des rendez-vous qui ne sont plus les siens, et l'archive la prendrait
    pour une fiche actuelle. Déplacée dans `managers/anciennes_versions/` (son PDF aussi),
    elle est gardée, mais comme une version passée.
    """
    try:
        # scandir : le type de chaque entrée vient avec son nom, sans un stat par fiche.
        with os.scandir(campagne.managers) as entrees:
            fichiers = sorted(e.name for e in entrees if e.is_file())
    except (FileNotFoundError, NotADirectoryError):
        fichiers = []
    resultat: list[tuple[str, str]] = []
    for nom in fichiers:
        chemin = campagne.managers / nom
        if (
            chemin.suffix.lower() not in (".docx", ".pdf")
            or est_ancienne_version(nom)
            or nom.startswith(("~$", "."))
            or f"{DOSSIER_MANAGERS}/{chemin.stem}.docx" in actuelles
        ):
            continue
        relatif = f"{DOSSIER_MANAGERS}/{nom}"
        try:
            resultat.append((relatif, garder_ancienne_version(chemin).name))
        except OSError:  # ouverte dans Word (Windows refuse de la déplacer)
            resultat.append((relatif, ""))
    return resultat


def _orphelins(campagne: Campagne, actuels: set[str]) -> list[str]:
    """Dossiers de salariés absents du manifeste qu'on vient d'écrire : hors planning.

    Un salarié retiré du planning (départ, ligne supprimée) garde son dossier : on ne
    supprime jamais rien, mais on le signale pour qu'aucune convocation caduque ne parte.
    """
    convoques = {
        chemin.split("/")[1] for chemin in actuels if chemin.startswith(f"{DOSSIER_SALARIES}/")
    }
    try:
        # scandir : le type de chaque entrée vient avec son nom, sans un stat par dossier.
        with os.scandir(campagne.salaries) as entrees:
            return sorted(e.name for e in entrees if e.is_dir() and e.name not in convoques)
    except (FileNotFoundError, NotADirectoryError):
        return []


@dataclass(frozen=True)
class _Document:
    modele: Path
    contexte: dict[str, Any]
    destination: Path
    matricule: str
    type_document: str


# La décision prise pour un document, rendue dans son résultat (`Resultat.etiquette` :
# matricule, type, empreinte, décision, ligne). GARDE et PERIME : ligne = son chemin
# dans le manifeste précédent ; RECONNU : ligne = la ligne du manifeste.
_RENDU, _MISE_A_JOUR, _GARDE, _PERIME, _RECONNU = (
    "rendu", "mis_a_jour", "garde", "perime", "reconnu"
)  # fmt: skip


def _elements(entretiens: pd.DataFrame, registre: Registre) -> Iterator[tuple[Any, ...]]:
    """Ce que `_Preparation` change en documents : chaque entretien planifié (sa position
    dans le planning), puis chaque conducteur (sa fiche, les positions de ses entretiens)."""
    for position in range(len(entretiens)):
        yield (position,)
    yield from _conducteurs(entretiens, registre)


@dataclass
class _Preparation:
    """Les documents d'un salarié ou d'un conducteur : contexte, empreinte et décision.

    Faite dans le processus de rendu qui traite l'élément (`rendre_en_parallele`,
    `preparer`) : le processus principal ne construit aucun contexte et ne fait que
    distribuer les éléments et noter les résultats. Pour chaque document : le rendre
    (absent, ou `remplacer`), le garder (même empreinte qu'à la génération précédente :
    le fichier n'est même pas relu), le mettre à jour (données changées, document tel
    que généré : l'ancienne version est gardée à côté), ou le signaler périmé (données
    changées, document complété ou signé depuis : jamais écrasé).
    """

    contextes: ContextesSalaries
    entretiens: pd.DataFrame
    campagne: Campagne
    dossier_modeles: Path
    precedent: dict[str, dict[str, str]]
    remplacer: bool
    # Les dossiers des salariés présents avant ce rendu : un salarié sans dossier
    # (première génération) n'a aucun document, sans un appel système de plus.
    presents: set[str]
    empreintes_modeles: dict[Path, str]

    @classmethod
    def de_la_campagne(
        cls,
        contextes: ContextesSalaries,
        entretiens: pd.DataFrame,
        campagne: Campagne,
        dossier_modeles: Path,
        precedent: dict[str, dict[str, str]],
        remplacer: bool,
        empreintes_modeles: dict[Path, str],
    ) -> _Preparation:
        try:
            with os.scandir(campagne.salaries) as entrees:
                presents = {entree.name for entree in entrees if entree.is_dir()}
        except (FileNotFoundError, NotADirectoryError):
            presents = set()
        return cls(
            contextes, entretiens, campagne, dossier_modeles, precedent, remplacer, presents,
            dict(empreintes_modeles),
        )  # fmt: skip

    @property
    def modeles(self) -> list[Path]:
        return list(self.empreintes_modeles)

    def __call__(self, element: tuple[Any, ...]) -> list[Tache | Resultat]:
        return [self._decider(document) for document in self._documents(element)]

    def _documents(self, element: tuple[Any, ...]) -> list[_Document]:
        modeles = self.dossier_modeles
        if len(element) == 1:
            matricule, contexte = self.contextes.contexte(element[0])
            salarie = contexte["salarie"]
            destination = self.campagne.salaries / nom_dossier_salarie(
                matricule, salarie["nom"], salarie["prenom"]
            )
            types = [*DOCUMENTS_SALARIE, *([ETAT_DES_LIEUX] * contexte["est_etat_des_lieux"])]
            return [
                _Document(modeles / f"{t}.docx", contexte, destination / f"{t}.docx", matricule, t)
                for t in types
            ]
        conducteur, matricule, nom_fiche, positions = element
        contexte = contexte_conducteur(
            conducteur,
            self.entretiens.iloc[positions],
            self.contextes.parametres,
            self.contextes.au,
        )
        return [
            _Document(
                modeles / f"{FICHE_CONDUCTEUR}.docx",
                contexte,
                self.campagne.managers / f"{nom_fiche}.docx",
                matricule,
                FICHE_CONDUCTEUR,
            )
        ]

    def _deja_la(self, destination: Path) -> bool:
        parent = destination.parent
        if parent.parent == self.campagne.salaries and parent.name not in self.presents:
            return False
        return deja_ecrit(destination)

    def _decider(self, doc: _Document) -> Tache | Resultat:
        from pipeline.rendu_parallele import Resultat, Tache

        if doc.modele not in self.empreintes_modeles:
            # Modèle absent : le premier document de ce modèle à rendre (ou à reconnaître)
            # arrête la génération sur « modele-absent » (rendu.modele_compile).
            self.empreintes_modeles[doc.modele] = ""
        empreinte = empreinte_contexte(doc.contexte, self.empreintes_modeles[doc.modele])
        chemin = doc.destination.relative_to(self.campagne.dossier).as_posix()
        avant = self.precedent.get(chemin) or {}
        connue = avant.get("empreinte_contexte") or ""
        if self.remplacer or not self._deja_la(doc.destination):
            return Tache(
                doc.modele,
                doc.contexte,
                doc.destination,
                self.remplacer,
                (doc.matricule, doc.type_document, empreinte, _RENDU, None),
            )
        if not connue:
            # Interruption avant l'écriture du manifeste, ou campagne plus ancienne.
            decision, ligne = _RECONNU, _reconnaitre(doc, self.campagne.dossier, empreinte)
        elif connue == empreinte:
            # Rien n'a changé : on ne relit même pas le fichier (relance rapide).
            decision, ligne = _GARDE, chemin
        elif sha256_fichier(doc.destination) != avant.get("sha256"):
            # Données changées, mais le document a été complété ou signé depuis : on ne
            # l'écrase jamais ; il reste signalé (ancienne empreinte gardée) tant qu'il
            # n'est pas régénéré par --remplacer.
            decision, ligne = _PERIME, chemin
        else:
            # Données changées, document tel que généré : on le met à jour (l'ancienne
            # version est gardée à côté, comme pour --remplacer).
            return Tache(
                doc.modele,
                doc.contexte,
                doc.destination,
                True,
                (doc.matricule, doc.type_document, empreinte, _MISE_A_JOUR, None),
            )
        etiquette = (doc.matricule, doc.type_document, empreinte, decision, ligne)
        return Resultat(doc.destination, CONSERVE, "", 0, etiquette)


def _reconnaitre(doc: _Document, dossier: Path, empreinte: str) -> dict[str, Any]:
    """Ligne du manifeste d'un document présent dont on ignore les données.

    Cas d'une exécution interrompue (pas encore de manifeste) ou d'une campagne produite
    avant les empreintes. Le rendu est déterministe : si le document est identique à
    celui que produiraient les données actuelles, on adopte leur empreinte ; sinon
    (retouché ou périmé, impossible de savoir) il reste conservé sans empreinte, et
    seul `--remplacer` le régénérera. Un rendu sans écriture, une seule fois par document.
    """
    from pipeline.rendu import modele_compile

    contenu = modele_compile(doc.modele).rendre(doc.contexte)
    ligne = _ligne_manifeste(dossier, doc.destination, None, doc.matricule, doc.type_document)
    if ligne["sha256"] == sha256_octets(contenu):
        ligne["empreinte_contexte"] = empreinte
    return ligne


def _empreinte_table(table: pd.DataFrame) -> str:
    return hashlib.sha256(table.to_csv(index=False).encode()).hexdigest()


def _documents_inchanges(
    precedent: dict[str, dict[str, str]], generation: str, campagne: Campagne
) -> list[dict[str, Any]] | None:
    """Les lignes des documents d'une relance où rien n'a changé ; None s'il faut décider
    document par document.

    Même registre, mêmes échéances, même planning, mêmes paramètres, même date, mêmes
    modèles et même programme que la génération précédente (`_empreinte_generation`) :
    chaque document aurait la même empreinte qu'alors. Si de plus tous sont encore là,
    sans périmé ni document d'empreinte inconnue, la décision de `_Preparation` serait
    « conservé » pour chacun : elle est prise sans construire un seul contexte.
    """
    if not generation or (precedent.get(PLANNING) or {}).get("empreinte_contexte") != generation:
        return None
    lignes = [ligne for ligne in precedent.values() if ligne.get("type_document") in _TYPES]
    racine = os.fspath(campagne.dossier)
    for ligne in lignes:
        if (
            ligne.get("perime")
            or not ligne.get("empreinte_contexte")
            or not deja_ecrit(os.path.join(racine, ligne["chemin"]))
        ):
            return None
    return lignes  # « perime » y est déjà vide


_TYPES = frozenset((*DOCUMENTS_SALARIE, ETAT_DES_LIEUX, FICHE_CONDUCTEUR))


def _empreintes_modeles(modeles: Path) -> dict[Path, str]:
    """SHA-256 de chaque modèle présent d'une campagne, par chemin."""
    chemins = [modeles / f"{nom}.docx" for nom in sorted(_TYPES)]
    return {chemin: sha256_fichier(chemin) for chemin in chemins if chemin.is_file()}


def _empreinte_generation(
    registre: Registre,
    empreinte_echeances: str,
    planning: Planning,
    parametres: Parametres,
    au: date,
    modeles: Path,
    empreintes_modeles: dict[Path, str],
) -> str:
    """SHA-256 de tout ce dont dépendent les documents d'une génération ; vide si une
    table ne se laisse pas résumer (la décision se prend alors document par document)."""
    empreinte = hashlib.sha256()
    for texte in (empreinte_echeances, repr(parametres), au.isoformat(), _empreinte_programme()):
        empreinte.update(texte.encode() + b"\0")
    for nom in sorted(_TYPES):
        empreinte.update(empreintes_modeles.get(modeles / f"{nom}.docx", "-").encode())
    tables = [getattr(registre, nom, None) for nom in _TABLES_REGISTRE]
    try:
        for table in [*tables, planning.entretiens, planning.non_planifies]:
            if table is None:
                empreinte.update(b"-")
                continue
            empreinte.update(repr((list(table.columns), list(table.dtypes))).encode())
            empreinte.update(_resume_table(table))
    except (TypeError, ValueError):
        return ""
    return empreinte.hexdigest()


def _resume_table(table: pd.DataFrame) -> bytes:
    try:
        return pd.util.hash_pandas_object(table).to_numpy().tobytes()
    except TypeError:
        # Une colonne de dictionnaires (les colonnes libres du registre) : résumée par
        # son texte, dont l'ordre des clés est celui du registre.
        return pd.util.hash_pandas_object(table.astype(str)).to_numpy().tobytes()


_TABLES_REGISTRE = ("salaries", "entretiens", "absences", "formations", "evolutions")


@functools.cache
def _empreinte_programme() -> str:
    """Le code qui construit contextes et documents : une nouvelle version du programme
    (ou de docxtpl, Jinja, lxml) n'est jamais prise pour « rien n'a changé »."""
    empreinte = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        empreinte.update(source.read_bytes())
    for paquet in ("docxtpl", "jinja2", "lxml", "python_docx"):
        try:
            empreinte.update(importlib.metadata.version(paquet).encode())
        except importlib.metadata.PackageNotFoundError:
            empreinte.update(b"?")
    return empreinte.hexdigest()


def empreinte_contexte(contexte: dict[str, Any], empreinte_modele: str) -> str:
    """SHA-256 des données d'un document : son contexte de rendu et son modèle Word.

    Celle de « modèle, saut de ligne, contexte en JSON » : la formule ne change jamais
    (les empreintes des campagnes déjà produites doivent rester comparables).
    """
    empreinte = _debut_empreinte(empreinte_modele).copy()
    empreinte.update(_texte_contexte(contexte))
    return empreinte.hexdigest()


@functools.lru_cache(maxsize=64)
def _debut_empreinte(empreinte_modele: str) -> Any:
    return hashlib.sha256(f"{empreinte_modele}\n".encode())


def _texte_contexte(contexte: dict[str, Any]) -> bytes:
    # Les 3 ou 4 documents d'un salarié partagent le même contexte : on ne le sérialise
    # qu'une fois (le dernier est gardé, les documents arrivent groupés par salarié).
    if _DERNIER_CONTEXTE and _DERNIER_CONTEXTE[0] is contexte:
        return _DERNIER_CONTEXTE[1]
    donnees = {k: v for k, v in contexte.items() if k not in _CLES_HORS_EMPREINTE}
    texte = json.dumps(donnees, sort_keys=True, default=str, ensure_ascii=False).encode()
    _DERNIER_CONTEXTE[:] = [contexte, texte]
    return texte


_DERNIER_CONTEXTE: list[Any] = []


def _cles_conducteurs(entretiens: pd.DataFrame) -> pd.DataFrame:
    """Un conducteur = son matricule ; sans matricule (signataire RH), son nom."""
    matricules = entretiens["matricule_conducteur"].fillna("").astype(str).str.strip()
    noms = entretiens["conducteur"].fillna("").astype(str)
    # (matricule, "") ou ("", nom) : une clé de nom ne peut pas coïncider avec un matricule.
    return pd.DataFrame({"matricule": matricules, "nom": noms.where(matricules == "", "")})


def _conducteurs(
    entretiens: pd.DataFrame, registre: Registre
) -> list[tuple[str, str, str, np.ndarray]]:
    """(nom affiché, matricule, nom de la fiche, positions de ses entretiens) par conducteur.

    La fiche s'appelle `<NOM>_<Prénom>` (commandes.md). Des homonymes — au sens de Windows
    et macOS, qui ignorent la casse — sont départagés par le jeton de leur matricule
    (`DUPONT_Jean_00012`), unique par construction ; un conducteur sans matricule (le
    signataire RH) garde `<NOM>_<Prénom>`, sauf face à une autre graphie sans matricule :
    une empreinte de son nom les départage. Deux personnes n'ont donc jamais la même fiche.
    """
    if not len(entretiens):
        return []
    salaries = getattr(registre, "salaries", None)
    identites: dict[str, tuple[str, str]] = {}
    if salaries is not None and len(salaries):
        identites = {
            str(m): (str(n), str(p))
            for m, n, p in zip(
                salaries["matricule"], salaries["nom"], salaries["prenom"], strict=True
            )
        }
    cles = _cles_conducteurs(entretiens)
    groupes = []
    # Les positions des entretiens de chacun, pas leurs lignes : ses entretiens ne sont
    # extraits du planning qu'au moment de faire sa fiche.
    for positions in cles.groupby(["matricule", "nom"], sort=False).indices.values():
        conducteur = str(entretiens["conducteur"].iloc[positions[0]])
        matricule = str(cles["matricule"].iloc[positions[0]])
        nom, prenom = identites.get(matricule, ("", ""))
        groupes.append((conducteur, matricule, nom, prenom, positions))
    bases = [nom_fiche_conducteur(c, n, p) for c, _, n, p, _ in groupes]
    frequences = Counter(base.casefold() for base in bases)
    # Sans matricule, seul un autre conducteur sans matricule peut garder le même nom.
    sans_matricule = Counter(b.casefold() for b, g in zip(bases, groupes, strict=True) if not g[1])
    resultat = []
    for (conducteur, matricule, nom, prenom, positions), fiche in zip(groupes, bases, strict=True):
        if matricule and frequences[fiche.casefold()] > 1:
            fiche = nom_fiche_conducteur(conducteur, nom, prenom, matricule)
        elif not matricule and sans_matricule[fiche.casefold()] > 1:
            fiche = nom_fiche_conducteur(conducteur, nom, prenom, f"nom:{conducteur}")
        resultat.append((conducteur, matricule, fiche, positions))
    return sorted(resultat, key=lambda groupe: (groupe[0], groupe[1]))


def _ligne_manifeste(
    dossier: Path, chemin: Path, resultat: Resultat | None, matricule: str, type_document: str
) -> dict[str, Any]:
    # Pour les documents rendus, l'empreinte vient du rendu (déjà en mémoire) ; sinon on
    # relit le fichier.
    if resultat is not None:
        sha, taille, instant = resultat.sha256, resultat.taille, resultat.modifie
    else:
        etat = chemin.stat()
        sha, taille, instant = sha256_fichier(chemin), etat.st_size, etat.st_mtime
    modifie = datetime.fromtimestamp(instant).isoformat(timespec="seconds")
    return {
        "chemin": chemin.relative_to(dossier).as_posix(),
        "sha256": sha,
        "taille": taille,
        "date": modifie,
        "matricule": matricule,
        "type_document": type_document,
        "empreinte_contexte": "",
        "perime": "",
    }
