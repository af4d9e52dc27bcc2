"""Relecture d'un planning.xlsx corrigé à la main : lecture, chaque contrôle, reprise.

Le RH peut changer dans Excel la date, l'heure, la salle ou le conducteur d'un entretien
proposé par `planning.planifier`. `lire_planning` relit le classeur et le valide comme le
registre : toutes les anomalies sont collectées avec feuille, ligne Excel et colonne avant
d'arrêter (une fonction par contrôle : `_verifier_matricule`, `_verifier_date`…).
`reprendre_planning` enchaîne relecture, `planning.completer_planning` (salariés devenus
dus depuis) et mise à jour du planning de la campagne.

Les lecteurs de cellules (`lire_date`, `lire_heure`, `lire_types`…) servent aussi à
`autres_campagnes.lire_rendez_vous`, qui relit, plus tolérant, les plannings des autres
campagnes : passés ici (`autres_rendez_vous`), leurs rendez-vous font refuser un entretien
déplacé à la main qui les chevauche.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl.utils import get_column_letter

from pipeline.classeur_brut import FeuilleTropGrande
from pipeline.config import Parametres
from pipeline.erreurs import Anomalie, ErreurEntretiens, Rapport
from pipeline.formats import (
    MOTIFS_DATE_TOLERES,
    date_longue,
    de,
    en_date,
    en_texte,
    heure_fr,
)
from pipeline.formats import lire_heure as lire_heure_cellule
from pipeline.lecture_feuilles import lignes_brutes
from pipeline.libelles import LIBELLES_STATUTS
from pipeline.planning import (
    COLONNES_ENTRETIENS,
    COLONNES_NON_PLANIFIES,
    EN_TETES_PLANNING,
    FEUILLE_NON_PLANIFIES,
    FEUILLE_PLANNING,
    STATUTS_A_PLANIFIER,
    Annuaire,
    Planning,
    completer_planning,
    construire_annuaire,
    ecrire_planning,
    entretiens_vides,
    index_noms,
    matricule_signataire,
    nom_affiche,
    normaliser,
    raison_non_ouvre,
    table_non_planifies,
    texte_hhmm,
)
from pipeline.schema import code_type
from pipeline.suggestions import conseil_zeros

if TYPE_CHECKING:  # le lecteur (calamine) n'est pas chargé pour une annotation
    from pipeline.registre import Registre

_ALIAS_COLONNES = {
    "matricule": ("matricule", "matricule salarie"),
    "nom": ("nom",),
    "prenom": ("prenom",),
    "service": ("service",),
    "conducteur": ("conducteur", "conduit par"),
    "matricule_conducteur": ("matricule conducteur",),
    "email_conducteur": ("courriel conducteur", "email conducteur", "e mail conducteur"),
    "date": ("date", "date entretien", "date de l entretien"),
    "heure": ("heure", "heure de debut", "debut"),
    "fin": ("fin", "heure de fin"),
    "duree_minutes": ("duree min", "duree", "duree minutes"),
    "lieu": ("lieu", "salle"),
    "types": ("types", "type"),
    "motifs": ("motifs", "motif"),
    "statut": ("statut",),
    "cause": ("cause",),
    "raison": ("raison",),
}
_OBLIGATOIRES_PLANNING = ("matricule", "date", "heure", "lieu", "conducteur")


def lire_planning(
    chemin: Path,
    registre: Registre,
    parametres: Parametres,
    au: date | None = None,
    autres_rendez_vous: pd.DataFrame | None = None,
    retenir: Callable[[str, date | None], bool] | None = None,
    annuaire: Annuaire | None = None,
) -> Planning:
    """Relit un planning.xlsx (éventuellement corrigé à la main) et le valide.

    Nom, prénom et service viennent du registre (la source de vérité) ; la fin est
    recalculée depuis l'heure et la durée. Toute anomalie est collectée, puis
    `ErreurEntretiens` est levée avec toutes.

    `au` (date d'envoi des convocations) : un entretien daté d'avant est une erreur
    (`date-passee`) ; daté de moins de `planning.delai_min_jours` après, un avertissement
    (`delai-court`), rendu dans `Planning.avertissements` sans bloquer.
    `autres_rendez_vous` (format de `lire_rendez_vous`, campagne en cours exclue) : un
    entretien qui chevauche, pour son conducteur, son salarié ou sa salle, un rendez-vous
    d'une autre campagne est une erreur (`double-reservation`).
    `retenir(matricule, date)` : seules les lignes qu'il retient sont relues et contrôlées
    (`--replanifier` garde les rendez-vous déjà envoyés ou passés et refait les autres) ;
    les « Non planifiés » ne sont alors pas relus.
    `annuaire` : celui du registre (`planning.construire_annuaire`), s'il est déjà fait.
    """
    chemin = Path(chemin)
    lignes_planning, lignes_np, egarees = _lire_classeur(chemin)
    rapport = Rapport(anomalies=egarees)
    if annuaire is None:
        annuaire = construire_annuaire(registre)
    non_planifies = _lire_non_planifies([] if retenir else lignes_np)
    types_connus = dict(zip(non_planifies["matricule"], non_planifies["types"], strict=True))
    entretiens = _lire_entretiens(
        lignes_planning,
        annuaire,
        parametres,
        types_connus,
        rapport,
        au,
        autres_rendez_vous,
        retenir,
    )
    rapport.lever_si_erreurs(
        f"Le planning « {chemin.name} » contient des erreurs : corrigez-les puis relancez."
    )
    # Un salarié que le RH a ajouté à la main dans « Planning » n'est plus non planifié.
    non_planifies = non_planifies[~non_planifies["matricule"].isin(set(entretiens["matricule"]))]
    return Planning(
        entretiens=entretiens,
        non_planifies=non_planifies.reset_index(drop=True),
        avertissements=rapport.avertissements,
    )


def _lire_classeur(
    chemin: Path,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[Anomalie]]:
    """(lignes de « Planning », lignes de « Non planifiés », cellules égarées) d'un planning.

    Lu par calamine avec les garde-fous du registre (`lecture_feuilles.lignes_brutes`) :
    une valeur isolée loin du tableau est signalée au lieu de faire allouer des gigaoctets.
    """
    try:
        contenu = chemin.read_bytes()
    except FileNotFoundError as exc:
        raise ErreurEntretiens.simple(
            "fichier-introuvable",
            f"Le planning « {chemin} » n'existe pas : lancez d'abord « entretiens planifier ».",
        ) from exc
    except OSError as exc:
        raise _illisible(chemin) from exc
    try:
        lues, brutes = lignes_brutes(contenu, (FEUILLE_PLANNING, FEUILLE_NON_PLANIFIES))
    except FeuilleTropGrande as exc:
        raise ErreurEntretiens.simple(
            "fichier-illisible", exc.phrase(f"planning « {chemin.name} »"), feuille=exc.titre
        ) from exc
    except Exception as exc:  # calamine lève des exceptions variées sur un fichier abîmé
        raise _illisible(chemin) from exc
    if FEUILLE_PLANNING not in lues:
        raise ErreurEntretiens.simple(
            "feuille-manquante",
            f"Le classeur « {chemin.name} » n'a pas de feuille « {FEUILLE_PLANNING} » : "
            "ne renommez pas les feuilles du planning.",
            feuille=FEUILLE_PLANNING,
        )
    egarees = [
        Anomalie("cellule-egaree", phrase, titre, ligne, get_column_letter(j), valeur)
        for titre, brute in brutes.items()
        for ligne, j, valeur, phrase in brute.egarees_signalees()
    ]
    return lues[FEUILLE_PLANNING], lues.get(FEUILLE_NON_PLANIFIES, []), egarees


def _illisible(chemin: Path) -> ErreurEntretiens:
    return ErreurEntretiens.simple(
        "fichier-illisible",
        f"Le planning « {chemin} » est illisible ou n'est pas un classeur Excel : "
        "enregistrez-le au format .xlsx (Classeur Excel).",
    )


def colonnes_planning(en_tete: tuple[Any, ...]) -> dict[str, int]:
    """Colonne -> position, d'après les titres de la ligne 1 (synonymes acceptés)."""
    index = {}
    for position, titre in enumerate(en_tete):
        cle = normaliser(titre)
        for colonne, alias in _ALIAS_COLONNES.items():
            if cle in alias and colonne not in index:
                index[colonne] = position
    return index


def _lire_non_planifies(lignes: list[tuple[Any, ...]]) -> pd.DataFrame:
    if not lignes:
        return table_non_planifies([])
    index = colonnes_planning(lignes[0])
    sortie = []
    for valeurs in lignes[1:]:
        if all(en_texte(v) == "" for v in valeurs):
            continue
        ligne = {
            c: en_texte(valeurs[index[c]]) if c in index and index[c] < len(valeurs) else ""
            for c in COLONNES_NON_PLANIFIES
        }
        # Lue telle quelle ; seuls les libellés de types redeviennent des codes.
        ligne["types"] = lire_types(ligne["types"]) or ligne["types"]
        sortie.append(ligne)
    return table_non_planifies(sortie)


def _lire_entretiens(
    lignes: list[tuple[Any, ...]],
    annuaire: dict[str, dict[str, Any]],
    parametres: Parametres,
    types_connus: dict[str, str],
    rapport: Rapport,
    au: date | None = None,
    autres_rendez_vous: pd.DataFrame | None = None,
    retenir: Callable[[str, date | None], bool] | None = None,
) -> pd.DataFrame:
    """Valide la feuille « Planning » : en-tête, chaque ligne, puis conflits entre lignes."""
    index = _verifier_en_tete(lignes, rapport)
    if index is None:
        return entretiens_vides()
    relecture = _Relecture(
        index=index,
        annuaire=annuaire,
        noms_annuaire=index_noms(annuaire),
        signataire=matricule_signataire(parametres.entreprise, annuaire),
        parametres=parametres,
        types_connus=types_connus,
        rapport=rapport,
        au=au,
    )
    sortie: list[dict[str, Any]] = []
    for numero, valeurs in enumerate(lignes[1:], start=2):
        if all(en_texte(v) == "" for v in valeurs):
            continue
        ligne = _LignePlanning(relecture, numero, valeurs)
        if retenir is not None and not retenir(
            en_texte(ligne.cellule("matricule")), lire_date(ligne.cellule("date"))
        ):
            continue
        entretien = _lire_ligne(ligne)
        if entretien is not None:
            sortie.append(entretien)
    _verifier_chevauchements(sortie, rapport)
    if autres_rendez_vous is not None and not autres_rendez_vous.empty:
        _verifier_autres_campagnes(
            sortie,
            autres_rendez_vous,
            relecture.noms_annuaire,
            parametres.planning.duree_minutes,
            rapport,
        )
        _signaler_deja_convoques(sortie, autres_rendez_vous, rapport)
    return _table_relue(sortie)


@dataclass
class _Relecture:
    """Ce que partagent les vérifications des lignes : colonnes, registre, réglages, rapport."""

    index: dict[str, int]
    annuaire: dict[str, dict[str, Any]]
    noms_annuaire: dict[str, list[str]]
    signataire: str  # matricule du signataire RH au registre, "" s'il n'y est pas
    parametres: Parametres
    types_connus: dict[str, str]
    rapport: Rapport
    au: date | None
    # Matricule -> ligne Excel de son premier entretien (doublons).
    vus: dict[str, int] = field(default_factory=dict)


@dataclass
class _LignePlanning:
    """Une ligne de la feuille « Planning » en cours de vérification."""

    relecture: _Relecture
    numero: int
    valeurs: tuple[Any, ...]
    valide: bool = True

    def cellule(self, colonne: str) -> Any:
        """Valeur brute de la colonne ; None si la colonne manque ou la ligne est courte."""
        position = self.relecture.index.get(colonne)
        if position is None or position >= len(self.valeurs):
            return None
        return self.valeurs[position]

    def erreur(
        self, code: str, colonne: str, message: str, valeur: Any = None, ecarte: bool = True
    ) -> None:
        """Signale une erreur sur cette ligne ; sauf `ecarte=False`, la ligne est écartée."""
        self.relecture.rapport.erreur(
            code,
            message,
            ligne=self.numero,
            colonne=EN_TETES_PLANNING.get(colonne, colonne),
            valeur=None if valeur is None else en_texte(valeur),
            feuille=FEUILLE_PLANNING,
        )
        if ecarte:
            self.valide = False


def _verifier_en_tete(lignes: list[tuple[Any, ...]], rapport: Rapport) -> dict[str, int] | None:
    """Colonne -> position d'après la ligne 1 ; None (erreurs signalées) s'il en manque."""
    if not lignes:
        rapport.erreur(
            "colonne-manquante",
            "La feuille « Planning » est vide : il manque la ligne d'en-tête.",
            feuille=FEUILLE_PLANNING,
        )
        return None
    index = colonnes_planning(lignes[0])
    manquantes = [c for c in _OBLIGATOIRES_PLANNING if c not in index]
    for colonne in manquantes:
        rapport.erreur(
            "colonne-manquante",
            f"La colonne « {EN_TETES_PLANNING[colonne]} » est absente de la feuille "
            "« Planning » : rétablissez-la (ligne 1).",
            ligne=1,
            colonne=EN_TETES_PLANNING[colonne],
            feuille=FEUILLE_PLANNING,
        )
    return None if manquantes else index


def _lire_ligne(ligne: _LignePlanning) -> dict[str, Any] | None:
    """Vérifie une ligne colonne par colonne ; l'entretien lu, ou None si elle est écartée."""
    relecture = ligne.relecture
    matricule, fiche = _verifier_matricule(ligne)
    jour = _verifier_date(ligne, fiche)
    debut, duree = _verifier_horaire(ligne)
    lieu = en_texte(ligne.cellule("lieu"))
    if not lieu:
        ligne.erreur("valeur-obligatoire", "lieu", "Le lieu est vide : indiquez la salle.")
    conducteur, matricule_conducteur, email = _verifier_conducteur(ligne, jour)
    types, statut = _verifier_types_statut(ligne, matricule)
    if not ligne.valide:
        return None
    return {
        "matricule": matricule,
        "nom": fiche["nom"],
        "prenom": fiche["prenom"],
        "service": fiche["service"],
        "conducteur": conducteur,
        "matricule_conducteur": matricule_conducteur,
        "email_conducteur": email,
        "date": pd.Timestamp(jour),
        "heure": texte_hhmm(debut),
        "fin": texte_hhmm(debut + duree),
        "duree_minutes": duree,
        "lieu": lieu,
        "types": types,
        "motifs": en_texte(ligne.cellule("motifs")),
        "statut": statut,
        "_ligne": ligne.numero,
        "_debut": debut,
        # Clé d'agenda : le matricule du conducteur, retrouvé par son nom s'il n'en a pas
        # (signataire RH présent au registre), sinon son nom.
        "_cle_conducteur": _cle_personne(matricule_conducteur, conducteur, relecture.noms_annuaire),
    }


def _verifier_matricule(ligne: _LignePlanning) -> tuple[str, dict[str, Any] | None]:
    """(matricule, fiche du registre) ; vide, inconnu ou en double écarte la ligne."""
    relecture = ligne.relecture
    matricule = en_texte(ligne.cellule("matricule"))
    fiche = relecture.annuaire.get(matricule)
    if not matricule:
        ligne.erreur("valeur-obligatoire", "matricule", "Le matricule est vide : renseignez-le.")
    elif fiche is None:
        ligne.erreur(
            "matricule-inconnu",
            "matricule",
            f"Le matricule « {matricule} » n'existe pas dans la feuille « Salariés » du "
            f"registre{conseil_zeros(matricule, relecture.annuaire)} : corrigez-le ou "
            "supprimez la ligne.",
            matricule,
        )
    elif matricule in relecture.vus:
        ligne.erreur(
            "matricule-duplique",
            "matricule",
            f"Le matricule « {matricule} » a déjà un entretien ligne {relecture.vus[matricule]} : "
            "un seul entretien par salarié, supprimez l'une des deux lignes.",
            matricule,
        )
    else:
        relecture.vus[matricule] = ligne.numero
    return matricule, fiche


def _verifier_date(ligne: _LignePlanning, fiche: dict[str, Any] | None) -> date | None:
    """Date lisible, jour ouvré, au plus tard la sortie du salarié, délai depuis l'envoi."""
    relecture = ligne.relecture
    reglage = relecture.parametres.planning
    brute_date = ligne.cellule("date")
    jour = lire_date(brute_date)
    if jour is None:
        ligne.erreur(
            "date-invalide",
            "date",
            f"Date « {en_texte(brute_date)} » illisible : écrivez-la au format JJ/MM/AAAA "
            "(ex. 08/12/2026).",
            brute_date,
        )
        return None
    pourquoi = raison_non_ouvre(jour, reglage.zone_feries)
    if pourquoi is not None:
        ligne.erreur(
            "jour-non-ouvre",
            "date",
            f"Le {jour:%d/%m/%Y} est {pourquoi} : choisissez un jour ouvré.",
            f"{jour:%d/%m/%Y}",
        )
    sortie_salarie = en_date(fiche["date_sortie"]) if fiche else None
    if sortie_salarie is not None and jour > sortie_salarie:
        ligne.erreur(
            "apres-sortie",
            "date",
            f"Le {jour:%d/%m/%Y} est après la sortie de "
            f"{nom_affiche(fiche['prenom'], fiche['nom'])} (dernier jour le "
            f"{sortie_salarie:%d/%m/%Y}) : choisissez une date au plus tard le "
            f"{sortie_salarie:%d/%m/%Y}.",
            f"{jour:%d/%m/%Y}",
        )
    if relecture.au is not None:
        _verifier_delai(
            jour, relecture.au, reglage.delai_min_jours, ligne.numero, relecture.rapport
        )
    # Rendue même écartée : la vérification du conducteur en a besoin.
    return jour


def _verifier_horaire(ligne: _LignePlanning) -> tuple[int | None, int | None]:
    """(début en minutes, durée) : heure lisible, durée de 15 à 480 min, fin avant minuit."""
    brute_heure = ligne.cellule("heure")
    debut = lire_heure(brute_heure)
    if debut is None:
        ligne.erreur(
            "heure-invalide",
            "heure",
            f"Heure « {en_texte(brute_heure)} » illisible : écrivez-la au format HH:MM "
            "(ex. 14:00).",
            brute_heure,
        )
    brute_duree = ligne.cellule("duree_minutes")
    duree = lire_duree(brute_duree, ligne.relecture.parametres.planning.duree_minutes)
    if duree is None:
        ligne.erreur(
            "duree-invalide",
            "duree_minutes",
            f"Durée « {en_texte(brute_duree)} » invalide : un nombre de minutes entre 15 et "
            "480 (ex. 90).",
            brute_duree,
        )
    elif debut is not None and debut + duree > 24 * 60:
        ligne.erreur(
            "heure-invalide",
            "heure",
            f"L'entretien commencé à {texte_hhmm(debut)} finirait après minuit : "
            "avancez l'heure ou réduisez la durée.",
            brute_heure,
        )
    return debut, duree


def _verifier_conducteur(ligne: _LignePlanning, jour: date | None) -> tuple[str, str, str]:
    """(nom, matricule, courriel) du conducteur, cohérent avec le registre et encore présent."""
    relecture = ligne.relecture
    conducteur = en_texte(ligne.cellule("conducteur"))
    matricule_conducteur = en_texte(ligne.cellule("matricule_conducteur"))
    email = en_texte(ligne.cellule("email_conducteur"))
    resolu = _resoudre_conducteur(
        conducteur,
        matricule_conducteur,
        email,
        relecture.annuaire,
        relecture.noms_annuaire,
        relecture.parametres.entreprise,
    )
    if isinstance(resolu, str):
        ligne.erreur(
            "conducteur-incoherent" if conducteur else "valeur-obligatoire",
            "conducteur",
            resolu,
            conducteur,
        )
        return conducteur, matricule_conducteur, email
    conducteur, matricule_conducteur, email = _un_seul_signataire(
        resolu, relecture.signataire, relecture.parametres.entreprise
    )
    fiche_conducteur = (
        relecture.annuaire.get(matricule_conducteur) if matricule_conducteur else None
    )
    sortie_conducteur = en_date(fiche_conducteur["date_sortie"]) if fiche_conducteur else None
    # Un planning réutilisé peut garder un manager parti depuis : sa date de sortie
    # est son dernier jour, il peut encore conduire ce jour-là.
    if jour is not None and sortie_conducteur is not None and jour > sortie_conducteur:
        # Ligne gardée : ses chevauchements avec les autres lignes restent signalés.
        ligne.erreur(
            "conducteur-sorti",
            "conducteur",
            f"{conducteur} quitte l'entreprise le {sortie_conducteur:%d/%m/%Y} (dernier "
            f"jour au contrat) : il ne peut pas conduire l'entretien du {jour:%d/%m/%Y}. "
            "Confiez-le à un autre conducteur ou avancez-le au plus tard au "
            f"{sortie_conducteur:%d/%m/%Y}.",
            conducteur,
            ecarte=False,
        )
    return conducteur, matricule_conducteur, email


def _verifier_types_statut(ligne: _LignePlanning, matricule: str) -> tuple[str | None, str | None]:
    """(codes de types, code de statut) ; types vides repris de « Non planifiés »."""
    types_bruts = en_texte(ligne.cellule("types")) or ligne.relecture.types_connus.get(
        matricule, ""
    )
    types = lire_types(types_bruts)
    if types is None:
        ligne.erreur(
            "type-inconnu",
            "types",
            f"Types « {types_bruts} » non reconnus : utilisez periodique, premier, retour, "
            "etat_des_lieux, mi_carriere ou avant_60, séparés par des virgules.",
            types_bruts,
        )
    statut_brut = en_texte(ligne.cellule("statut"))
    statut = lire_statut(statut_brut)
    if statut is None:
        ligne.erreur(
            "statut-inconnu",
            "statut",
            f"Statut « {statut_brut} » non reconnu : « En retard » ou « À planifier ».",
            statut_brut,
        )
    return types, statut


def _table_relue(entretiens: list[dict[str, Any]]) -> pd.DataFrame:
    """Entretiens relus -> table au format `Planning.entretiens`, sans colonnes de travail."""
    if not entretiens:
        return entretiens_vides()
    table = pd.DataFrame(entretiens).drop(columns=["_ligne", "_debut", "_cle_conducteur"])
    table["date"] = table["date"].astype("datetime64[ns]")
    table["duree_minutes"] = table["duree_minutes"].astype(int)
    return table[COLONNES_ENTRETIENS].reset_index(drop=True)


def _resoudre_conducteur(
    conducteur: str,
    matricule: str,
    email: str,
    annuaire: dict[str, dict[str, Any]],
    noms_annuaire: dict[str, list[str]],
    entreprise: Any,
) -> tuple[str, str, str] | str:
    """(nom, matricule, courriel) du conducteur, ou le message d'erreur.

    Le RH change le plus souvent le *nom* du conducteur et oublie le matricule : le nom
    écrit prime donc, et il est retrouvé dans le registre pour reprendre son courriel.
    Le signataire RH est ensuite reconnu par `_un_seul_signataire`.
    """
    nom_norme = normaliser(conducteur)
    if not nom_norme:
        return "Le conducteur est vide : indiquez qui conduit l'entretien (« Prénom NOM »)."
    fiche = annuaire.get(matricule) if matricule else None
    if fiche is not None and nom_norme in (
        normaliser(f"{fiche['prenom']} {fiche['nom']}"),
        normaliser(f"{fiche['nom']} {fiche['prenom']}"),
    ):
        return conducteur, matricule, fiche["email"] or email
    # Le signataire RH sans matricule écrit : reconnu par `_un_seul_signataire`.
    if nom_norme == normaliser(entreprise.signataire) and not matricule:
        return conducteur, "", email or entreprise.email_rh
    candidats = noms_annuaire.get(nom_norme, [])
    if len(candidats) == 1:
        trouve = annuaire[candidats[0]]
        return conducteur, candidats[0], trouve["email"] or email
    if nom_norme == normaliser(entreprise.signataire):
        return conducteur, "", email or entreprise.email_rh
    if matricule and fiche is None:
        return (
            f"Le matricule conducteur « {matricule} » n'existe pas dans le registre : "
            "corrigez-le, ou videz-le pour un conducteur extérieur."
        )
    if matricule:
        return (
            f"Le conducteur « {conducteur} » ne correspond pas au matricule conducteur "
            f"« {matricule} » ({nom_affiche(fiche['prenom'], fiche['nom'])}) : corrigez l'un "
            "ou l'autre, ou videz le matricule pour un conducteur extérieur."
        )
    # Conducteur extérieur au registre (ou homonymes) : accepté tel quel, sans matricule.
    return conducteur, "", email


def _un_seul_signataire(
    resolu: tuple[str, str, str], signataire: str, entreprise: Any
) -> tuple[str, str, str]:
    """Le signataire RH (`signataire` : son matricule s'il est au registre) est une seule
    personne, qu'il conduise comme RH ou comme manager : son matricule et l'adresse RH."""
    nom, matricule, courriel = resolu
    if (signataire and matricule == signataire) or (
        not matricule and normaliser(nom) == normaliser(entreprise.signataire)
    ):
        return nom, signataire, entreprise.email_rh or courriel
    return resolu


def _verifier_chevauchements(entretiens: list[dict[str, Any]], rapport: Rapport) -> None:
    """Signale chaque paire d'entretiens qui se chevauchent pour un conducteur ou un lieu.

    Un salarié qui conduit aussi des entretiens partage un même agenda : son propre
    entretien ne peut pas tomber pendant qu'il en conduit un autre.
    """
    agendas: dict[tuple[str, str, date], list[dict[str, Any]]] = {}
    for e in entretiens:
        jour = e["date"].date()
        cles = {("personne", e["_cle_conducteur"], jour), ("personne", e["matricule"], jour)}
        cles.add(("lieu", normaliser(e["lieu"]), jour))
        for cle in cles:
            agendas.setdefault(cle, []).append(e)
    signales: set[tuple[int, int, str]] = set()
    for (genre, _, _), liste in agendas.items():
        liste.sort(key=lambda e: (e["_debut"], e["_ligne"]))
        for a_pos, a in enumerate(liste):
            for b in liste[a_pos + 1 :]:
                if b["_debut"] >= a["_debut"] + a["duree_minutes"]:
                    break
                premiere, seconde = sorted((a, b), key=lambda e: e["_ligne"])
                cle = (premiere["_ligne"], seconde["_ligne"], genre)
                if cle in signales:
                    continue
                signales.add(cle)
                if genre == "lieu":
                    qui = f"le lieu « {seconde['lieu']} »"
                    colonne = "lieu"
                else:
                    qui = _personne_commune(premiere, seconde)
                    colonne = "conducteur"
                remede = "la salle" if genre == "lieu" else "le conducteur"
                rapport.erreur(
                    "double-reservation",
                    f"Lignes {premiere['_ligne']} et {seconde['_ligne']} : {qui} est réservé "
                    f"deux fois le {seconde['date']:%d/%m/%Y} ({premiere['heure']}–"
                    f"{premiere['fin']} et {seconde['heure']}–{seconde['fin']}) : "
                    f"changez l'heure, la date ou {remede}.",
                    feuille=FEUILLE_PLANNING,
                    ligne=seconde["_ligne"],
                    colonne=EN_TETES_PLANNING[colonne],
                )


def _verifier_delai(jour: date, au: date, delai_min: int, numero: int, rapport: Rapport) -> None:
    """Date d'entretien comparée à la date d'envoi de la convocation (`au`)."""
    if jour < au:
        rapport.erreur(
            "date-passee",
            f"Le {jour:%d/%m/%Y} est avant le {au:%d/%m/%Y}, date d'envoi de la convocation : "
            f"l'entretien doit avoir lieu après l'envoi, au mieux à partir du "
            f"{au + timedelta(days=delai_min):%d/%m/%Y}.",
            feuille=FEUILLE_PLANNING,
            ligne=numero,
            colonne=EN_TETES_PLANNING["date"],
            valeur=f"{jour:%d/%m/%Y}",
        )
    elif jour < au + timedelta(days=delai_min):
        # Le document source demande de convoquer 1 à 3 semaines avant, pour laisser au
        # salarié le temps de se préparer ; le RH peut avoir un accord : pas bloquant.
        rapport.avertissement(
            "delai-court",
            f"Le {jour:%d/%m/%Y} n'est qu'à {(jour - au).days} jour(s) de l'envoi de la "
            f"convocation ({au:%d/%m/%Y}) : le salarié doit la recevoir 1 à 3 semaines avant "
            "l'entretien pour le préparer (délai minimal réglé à "
            f"{delai_min} jour(s) : planning.delai_min_jours dans parametres.toml).",
            feuille=FEUILLE_PLANNING,
            ligne=numero,
            colonne=EN_TETES_PLANNING["date"],
            valeur=f"{jour:%d/%m/%Y}",
        )


def _signaler_deja_convoques(
    entretiens: list[dict[str, Any]], autres: pd.DataFrame, rapport: Rapport
) -> None:
    """Avertit quand une ligne convoquerait une seconde fois un salarié déjà convoqué.

    Sans chevauchement ce n'est pas une erreur (le RH peut vouloir avancer l'entretien),
    mais deux convocations pour la même obligation sèmeraient le doute chez le salarié.
    """
    premiers = autres.sort_values(["date", "heure"]).drop_duplicates("matricule")
    deja = {
        en_texte(m): ligne
        for m, ligne in zip(premiers["matricule"], premiers.to_dict("records"), strict=True)
    }
    for e in entretiens:
        autre = deja.get(e["matricule"])
        if autre is None:
            continue
        campagne = en_texte(autre.get("campagne"))
        rapport.avertissement(
            "deja-convoque",
            f"{nom_affiche(e['prenom'], e['nom'])} a déjà un entretien fixé le "
            f"{date_longue(autre['date'])} à {heure_fr(autre['heure'])}"
            + (f" (campagne {campagne})" if campagne else "")
            + " : cette ligne lui enverrait une seconde convocation. Supprimez-la si "
            "l'entretien prévu est maintenu.",
            feuille=FEUILLE_PLANNING,
            ligne=e["_ligne"],
            colonne=EN_TETES_PLANNING["matricule"],
            valeur=e["matricule"],
        )


def _cle_personne(
    matricule_conducteur: str, conducteur: str, noms_annuaire: dict[str, list[str]]
) -> str:
    """Clé d'agenda d'un conducteur : matricule, sinon retrouvé par son nom, sinon le nom."""
    if matricule_conducteur:
        return matricule_conducteur
    homonymes = noms_annuaire.get(normaliser(conducteur), [])
    return homonymes[0] if len(homonymes) == 1 else "nom:" + normaliser(conducteur)


def _verifier_autres_campagnes(
    entretiens: list[dict[str, Any]],
    autres: pd.DataFrame,
    noms_annuaire: dict[str, list[str]],
    duree_defaut: int,
    rapport: Rapport,
) -> None:
    """Signale chaque entretien qui chevauche un rendez-vous d'une autre campagne.

    `_verifier_chevauchements` ne voit que ce fichier : un entretien déplacé à la main
    pourrait, sinon, tomber sur un rendez-vous déjà envoyé par la campagne précédente.
    Personnes comparées comme dans `_Agenda` (conducteur et salarié partagent un agenda),
    salles par leur nom normalisé (« rhone » = « Rhône »).
    """
    index: dict[tuple[str, str, date], list[dict[str, Any]]] = {}
    for ligne in autres.to_dict("records"):
        jour = en_date(ligne.get("date"))
        debut = lire_heure(ligne.get("heure"))
        if jour is None or debut is None:
            continue
        duree = ligne.get("duree_minutes")
        autre = {
            "debut": debut,
            "fin": debut + (duree_defaut if duree is None or pd.isna(duree) else int(duree)),
            "ligne": ligne,
        }
        conducteur = _cle_personne(
            en_texte(ligne.get("matricule_conducteur")),
            en_texte(ligne.get("conducteur")),
            noms_annuaire,
        )
        for cle in {
            ("personne", conducteur, jour),
            ("personne", en_texte(ligne.get("matricule")), jour),
            ("lieu", normaliser(ligne.get("lieu")), jour),
        }:
            index.setdefault(cle, []).append(autre)
    for e in entretiens:
        jour = e["date"].date()
        fin = e["_debut"] + e["duree_minutes"]
        signales: set[tuple[str, int]] = set()
        for genre, qui_cle, qui in (
            ("personne", e["_cle_conducteur"], e["conducteur"]),
            ("personne", e["matricule"], nom_affiche(e["prenom"], e["nom"])),
            ("lieu", normaliser(e["lieu"]), f"le lieu « {e['lieu']} »"),
        ):
            for autre in index.get((genre, qui_cle, jour), ()):
                if not (autre["debut"] < fin and e["_debut"] < autre["fin"]):
                    continue
                if (genre, id(autre)) in signales:
                    continue
                signales.add((genre, id(autre)))
                ligne = autre["ligne"]
                campagne = en_texte(ligne.get("campagne")) or "précédente"
                convoque = nom_affiche(
                    en_texte(ligne.get("prenom")), en_texte(ligne.get("nom"))
                ) or en_texte(ligne.get("matricule"))
                remede = "la salle" if genre == "lieu" else "le conducteur"
                rapport.erreur(
                    "double-reservation",
                    f"{qui[:1].upper()}{qui[1:]} est déjà réservé le {jour:%d/%m/%Y} de "
                    f"{texte_hhmm(autre['debut'])} à {texte_hhmm(autre['fin'])} par la campagne "
                    f"{campagne} (entretien {de(convoque)}), ce qui chevauche "
                    f"{e['heure']}–{e['fin']} : changez l'heure, la date ou {remede}.",
                    feuille=FEUILLE_PLANNING,
                    ligne=e["_ligne"],
                    colonne=EN_TETES_PLANNING["lieu" if genre == "lieu" else "conducteur"],
                )


def _personne_commune(a: dict[str, Any], b: dict[str, Any]) -> str:
    def cles(e: dict[str, Any]) -> dict[str, str]:
        return {
            e["_cle_conducteur"]: e["conducteur"],
            e["matricule"]: nom_affiche(e["prenom"], e["nom"]),
        }

    ca, cb = cles(a), cles(b)
    commune = next(k for k in ca if k in cb)
    return ca[commune]


def lire_date(valeur: Any) -> date | None:
    """Date d'une cellule du planning, None si vide ou illisible.

    Les formats sont ceux du registre (`formats.MOTIFS_DATE`) plus « 08-12-2026 » et
    « 08.12.2026 » : un planning se corrige vite, à la main, sans relire la spécification.
    """
    try:
        return en_date(valeur, MOTIFS_DATE_TOLERES)
    except ValueError:
        return None


def lire_heure(valeur: Any) -> int | None:
    """Minutes depuis minuit ; « 14:00 », « 9h30 », « 14h », une heure Excel ; None sinon."""
    try:
        heure = lire_heure_cellule(valeur)
    except ValueError:
        return None
    return None if heure is None else heure.hour * 60 + heure.minute


def lire_duree(valeur: Any, defaut: int) -> int | None:
    """Minutes entières de 15 à 480 ; `defaut` si la cellule est vide, None si invalide."""
    texte = en_texte(valeur)
    if not texte:
        return defaut
    try:
        duree = float(texte.replace(",", "."))
    except ValueError:
        return None
    if not duree.is_integer() or not 15 <= duree <= 480:
        return None
    return int(duree)


# Les mêmes libellés reviennent à chaque ligne d'un planning : chacun est lu une fois.
@functools.lru_cache(maxsize=1024)
def lire_types(texte: str) -> str | None:
    """Libellés ou codes de types -> « code, code » ; None si l'un est inconnu."""
    if not texte:
        return ""
    codes = []
    for morceau in re.split(r"[,;]", texte):
        if not normaliser(morceau):
            continue
        code = code_type(morceau)
        if code is None:
            return None
        codes.append(code)
    return ", ".join(dict.fromkeys(codes))


@functools.lru_cache(maxsize=256)
def lire_statut(texte: str) -> str | None:
    """Libellé ou code de statut -> code (vide : à planifier) ; None s'il est inconnu."""
    cle = normaliser(texte)
    if not cle:
        return "a_planifier"
    for code in STATUTS_A_PLANIFIER:
        if cle in (normaliser(code), normaliser(LIBELLES_STATUTS[code])):
            return code
    return None


# ---------------------------------------------------------------------------- reprise


@dataclass
class PlanningRepris:
    """Un planning relu, complété, et ce qui a changé (pour le résumé de la CLI)."""

    planning: Planning
    ajoutes: int  # salariés devenus dus, planifiés dans les créneaux libres
    sans_creneau: int  # salariés devenus dus sans créneau (dans non_planifies)


def reprendre_planning(
    chemin: Path,
    planning_campagne: Path,
    echeances: pd.DataFrame,
    registre: Registre,
    parametres: Parametres,
    au: date,
    autres_rendez_vous: pd.DataFrame | None = None,
) -> PlanningRepris:
    """Relit un planning (peut-être corrigé à la main), le complète, et tient à jour celui de
    la campagne.

    Le `planning.xlsx` de la campagne est réécrit (l'ancien gardé) quand il ne
    reflète plus le planning qui sert : salariés ajoutés, ou autre fichier donné
    (`--planning`) au contenu différent. Absent, il sera écrit avec les documents.
    """
    annuaire = construire_annuaire(registre)
    lu = lire_planning(
        chemin, registre, parametres, au, autres_rendez_vous=autres_rendez_vous, annuaire=annuaire
    )
    planning = completer_planning(
        lu, echeances, registre, parametres, au, autres_rendez_vous, annuaire=annuaire
    )
    ajoutes = len(planning.entretiens) - len(lu.entretiens)
    sans_creneau = len(planning.non_planifies) - len(lu.non_planifies)
    planning_campagne = Path(planning_campagne)
    if planning_campagne.exists():
        perime = bool(ajoutes or sans_creneau)
        if not perime and Path(chemin).resolve() != planning_campagne.resolve():
            actuel = lire_planning(planning_campagne, registre, parametres, annuaire=annuaire)
            perime = not (
                actuel.entretiens.equals(planning.entretiens)
                and actuel.non_planifies.equals(planning.non_planifies)
            )
        if perime:
            ecrire_planning(planning, planning_campagne, remplacer=True)
    return PlanningRepris(planning, ajoutes, sans_creneau)
