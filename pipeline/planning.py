"""Échéances dues -> entretiens planifiés (date, heure, lieu, conducteur) ; planning.xlsx.

Un entretien par salarié ayant une obligation `en_retard` ou `a_planifier` : il honore
toutes ses obligations à la fois. Les créneaux sont attribués de façon gloutonne (les plus
urgents d'abord, au plus tôt, jamais après la date de sortie du salarié), avec une
comptabilité par ensembles : chaque réservation bloque, pour le conducteur, le salarié et
le lieu, les créneaux qui la chevauchent. Le coût reste O(salariés × créneaux) même pour
10 000 salariés.

Le planning écrit peut être corrigé à la main par le RH (date, heure, lieu, conducteur) ;
`lire_planning` le relit et le valide comme le registre : toutes les anomalies sont
collectées avec feuille, ligne Excel et colonne avant d'arrêter.
`completer_planning` y ajoute ensuite les salariés devenus dus depuis, autour des lignes
existantes, avec le même cœur d'attribution (`_Agenda`, `_allouer`) que `planifier`.

Chaque campagne mensuelle a son dossier `sorties/<AAAA-MM-JJ>/` : un salarié convoqué par
la campagne précédente pour un entretien pas encore tenu reste « dû » au registre.
`lire_rendez_vous` relit ces rendez-vous à venir, dans les dossiers de campagne comme dans
leurs archives zip ; passés à `planifier` / `completer_planning` (`autres_rendez_vous`), ils
occupent les agendas et leurs salariés ne sont pas convoqués une seconde fois ; passés à
`lire_planning`, ils font refuser un entretien déplacé à la main qui les chevauche.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
import pandas as pd

from pipeline.config import Parametres
from pipeline.erreurs import Anomalie, ErreurEntretiens, Rapport
from pipeline.formats import date_longue, en_date, en_texte, heure_fr
from pipeline.libelles import LIBELLES_STATUTS, LIBELLES_TYPES

FEUILLE_PLANNING = "Planning"
FEUILLE_NON_PLANIFIES = "Non planifiés"
STATUTS_A_PLANIFIER = ("en_retard", "a_planifier")

COLONNES_ENTRETIENS = [
    "matricule",
    "nom",
    "prenom",
    "service",
    "conducteur",
    "matricule_conducteur",
    "email_conducteur",
    "date",
    "heure",
    "fin",
    "duree_minutes",
    "lieu",
    "types",
    "motifs",
    "statut",
]
COLONNES_NON_PLANIFIES = ["matricule", "nom", "prenom", "types", "raison"]
COLONNES_RENDEZ_VOUS = [*COLONNES_ENTRETIENS, "campagne"]
DOSSIER_ARCHIVES = "archives"

EN_TETES_PLANNING = {
    "matricule": "Matricule",
    "nom": "Nom",
    "prenom": "Prénom",
    "service": "Service",
    "conducteur": "Conducteur",
    "matricule_conducteur": "Matricule conducteur",
    "email_conducteur": "Courriel conducteur",
    "date": "Date",
    "heure": "Heure",
    "fin": "Fin",
    "duree_minutes": "Durée (min)",
    "lieu": "Lieu",
    "types": "Types",
    "motifs": "Motifs",
    "statut": "Statut",
}
EN_TETES_NON_PLANIFIES = {
    "matricule": "Matricule",
    "nom": "Nom",
    "prenom": "Prénom",
    "types": "Types",
    "raison": "Raison",
}

_REGLE_SUBDIVISION = {"metropole": None, "alsace-moselle": "57"}


@dataclass
class Planning:
    """Entretiens planifiés et salariés restés sans créneau (jamais omis).

    `avertissements` : anomalies non bloquantes trouvées à la relecture (`lire_planning`),
    par exemple un délai de convocation trop court, que la CLI affiche.
    """

    entretiens: pd.DataFrame
    non_planifies: pd.DataFrame
    avertissements: list[Anomalie] = field(default_factory=list)


# ---------------------------------------------------------------------------- jours fériés


@lru_cache(maxsize=32)
def _feries(annees: tuple[int, ...], zone: str) -> dict[date, str]:
    if zone not in _REGLE_SUBDIVISION:
        raise ErreurEntretiens.simple(
            "parametre-hors-bornes",
            f"Zone de jours fériés « {zone} » inconnue : choisissez « metropole » "
            "ou « alsace-moselle ».",
            colonne="planning.zone_feries",
        )
    # Alsace-Moselle (subdivision 57 de `holidays`, identique à 67/68) ajoute le Vendredi
    # saint et la Saint-Étienne (26 décembre) au calendrier national.
    calendrier = holidays.France(years=list(annees), subdiv=_REGLE_SUBDIVISION[zone], language="fr")
    return dict(calendrier.items())


def jours_feries(annees: Iterable[int], zone: str) -> set[date]:
    """Jours fériés français de la zone (« metropole » ou « alsace-moselle »)."""
    return set(_feries(tuple(sorted(set(annees))), zone))


def est_jour_ouvre(d: date, zone: str) -> bool:
    """Ni samedi, ni dimanche, ni jour férié de la zone."""
    return d.weekday() < 5 and d not in _feries((d.year,), zone)


def raison_non_ouvre(d: date, zone: str) -> str | None:
    """Pourquoi `d` n'est pas ouvré (« un dimanche », « un jour férié (Noël) »), sinon None."""
    if d.weekday() == 5:
        return "un samedi"
    if d.weekday() == 6:
        return "un dimanche"
    nom = _feries((d.year,), zone).get(d)
    return f"un jour férié ({nom})" if nom else None


# ---------------------------------------------------------------------------- planification


def planifier(
    echeances: pd.DataFrame,
    registre: Any,
    parametres: Parametres,
    au: date,
    progression: Callable[[int], None] | None = None,
    autres_rendez_vous: pd.DataFrame | None = None,
) -> Planning:
    """Propose un entretien à chaque salarié ayant une obligation en retard ou à planifier.

    `autres_rendez_vous` (format de `lire_rendez_vous`) : entretiens d'autres campagnes.
    Ceux datés d'au moins `au` occupent conducteur, salarié et lieu, et leurs salariés
    rejoignent les non planifiés (« déjà convoqué(e) le … ») au lieu d'être reconvoqués.
    """
    agenda = _Agenda.ouvrir(parametres, au)
    annuaire = _annuaire(registre)
    demandes = _demandes(echeances, annuaire, parametres, agenda.debut, agenda.fin)
    a_venir = _rendez_vous_a_venir(autres_rendez_vous, au)
    _occuper_lignes(agenda, a_venir, annuaire, parametres)
    lignes, refus = _allouer(demandes, agenda, progression, _deja_convoques(a_venir))
    return Planning(entretiens=_table_entretiens(lignes), non_planifies=_table_non_planifies(refus))


def completer_planning(
    planning: Planning,
    echeances: pd.DataFrame,
    registre: Any,
    parametres: Parametres,
    au: date,
    autres_rendez_vous: pd.DataFrame | None = None,
) -> Planning:
    """Ajoute à un planning existant (peut-être corrigé à la main) les salariés dus depuis.

    Un salarié dû (obligation en retard ou à planifier) absent des deux tables — embauché
    ou revenu de congé depuis le calcul du planning — est planifié dans les créneaux
    restés libres, avec les règles de `planifier` ; les lignes existantes, telles que le
    RH les a laissées, comptent comme réservations. Sans créneau, il rejoint les non
    planifiés avec la raison : jamais d'omission silencieuse. Les lignes existantes ne
    bougent pas, même pour un salarié qui n'est plus dû (le RH a pu le vouloir).
    `autres_rendez_vous` : comme pour `planifier`.
    """
    deja = set(planning.entretiens["matricule"].map(en_texte))
    deja |= set(planning.non_planifies["matricule"].map(en_texte))
    agenda = _Agenda.ouvrir(parametres, au)
    annuaire = _annuaire(registre)
    demandes = [
        d
        for d in _demandes(echeances, annuaire, parametres, agenda.debut, agenda.fin)
        if d["matricule"] not in deja
    ]
    if not demandes:
        return Planning(
            entretiens=planning.entretiens.copy(),
            non_planifies=planning.non_planifies.copy(),
            avertissements=list(planning.avertissements),
        )
    a_venir = _rendez_vous_a_venir(autres_rendez_vous, au)
    for table in (planning.entretiens, a_venir):
        _occuper_lignes(agenda, table, annuaire, parametres)
    lignes, refus = _allouer(demandes, agenda, None, _deja_convoques(a_venir))
    entretiens = [t for t in (planning.entretiens, _table_entretiens(lignes)) if not t.empty]
    non_planifies = [
        t for t in (planning.non_planifies, _table_non_planifies(refus)) if not t.empty
    ]
    return Planning(
        entretiens=(
            pd.concat(entretiens, ignore_index=True)[COLONNES_ENTRETIENS]
            if entretiens
            else _entretiens_vides()
        ),
        non_planifies=(
            pd.concat(non_planifies, ignore_index=True)[COLONNES_NON_PLANIFIES]
            if non_planifies
            else _table_non_planifies([])
        ),
        avertissements=list(planning.avertissements),
    )


def _rendez_vous_a_venir(autres: pd.DataFrame | None, au: date) -> pd.DataFrame:
    """Rendez-vous d'autres campagnes datés d'au moins `au` : les passés ne bloquent rien."""
    if autres is None or autres.empty:
        return _entretiens_vides()
    dates = pd.to_datetime(autres["date"], errors="coerce")
    return autres[dates >= pd.Timestamp(au)]


def _deja_convoques(a_venir: pd.DataFrame) -> dict[str, str]:
    """Matricule -> raison « déjà convoqué(e) le … », d'après son prochain rendez-vous."""
    raisons: dict[str, str] = {}
    tries = a_venir.assign(_date=pd.to_datetime(a_venir["date"], errors="coerce"))
    for ligne in tries.sort_values(["_date", "heure"], kind="stable").to_dict("records"):
        matricule = en_texte(ligne["matricule"])
        if matricule in raisons:
            continue
        campagne = en_texte(ligne.get("campagne"))
        raisons[matricule] = (
            f"déjà convoqué(e) le {date_longue(ligne['_date'])} à {heure_fr(ligne['heure'])}"
            + (f" (campagne {campagne})" if campagne else "")
        )
    return raisons


def _occuper_lignes(
    agenda: _Agenda,
    entretiens: pd.DataFrame,
    annuaire: dict[str, dict[str, Any]],
    parametres: Parametres,
) -> None:
    """Réserve dans l'agenda des entretiens déjà fixés (planning existant, autres campagnes).

    Le conducteur est retrouvé comme à la relecture : son matricule, sinon le signataire
    RH, sinon son nom dans le registre, sinon une clé par nom (conducteur extérieur).
    """
    if entretiens.empty:
        return
    cle_rh = _cle_signataire(parametres.entreprise.signataire, annuaire)
    noms = _index_noms(annuaire)
    signataire = _normaliser(parametres.entreprise.signataire)
    for ligne in entretiens.to_dict("records"):
        if pd.isna(ligne["date"]) or not en_texte(ligne["heure"]):
            continue
        conducteur = _normaliser(ligne.get("conducteur"))
        cle = en_texte(ligne.get("matricule_conducteur"))
        if not cle and conducteur == signataire:
            cle = cle_rh
        elif not cle:
            homonymes = noms.get(conducteur, [])
            cle = homonymes[0] if len(homonymes) == 1 else "nom:" + conducteur
        duree = ligne.get("duree_minutes")
        agenda.occuper(
            (cle, en_texte(ligne["matricule"])),
            en_texte(ligne.get("lieu")),
            pd.Timestamp(ligne["date"]).date(),
            _minutes(en_texte(ligne["heure"])),
            agenda.duree if duree is None or pd.isna(duree) else int(duree),
        )


@dataclass
class _Agenda:
    """Créneaux de la fenêtre et réservations, tenus par ensembles.

    `bloque[personne]` : indices des créneaux qu'elle ne peut plus prendre (elle conduit ou
    passe déjà un entretien qui les chevauche) ; `lieux_pris[i]` : lieux pris au créneau i.
    Un créneau dont tous les lieux sont pris le reste : `premier_libre` avance et ne revient
    jamais en arrière, d'où un coût O(salariés × créneaux) même pour 10 000 salariés.
    """

    creneaux: list[tuple[date, int]]
    conflits: list[list[int]]
    par_jour: dict[date, list[int]]
    lieux: list[str]
    duree: int
    debut: date
    fin: date
    bloque: dict[str, set[int]] = field(default_factory=dict)
    lieux_pris: list[set[str]] = field(default_factory=list)
    premier_libre: int = 0

    @classmethod
    def ouvrir(cls, parametres: Parametres, au: date) -> _Agenda:
        reglage = parametres.planning
        debut = au + timedelta(days=reglage.delai_min_jours)
        fin = au + timedelta(days=reglage.delai_max_jours)
        creneaux = _creneaux(debut, fin, reglage.creneaux, reglage.zone_feries)
        par_jour: dict[date, list[int]] = {}
        for i, (jour, _) in enumerate(creneaux):
            par_jour.setdefault(jour, []).append(i)
        return cls(
            creneaux=creneaux,
            conflits=_conflits(creneaux, reglage.duree_minutes),
            par_jour=par_jour,
            lieux=list(dict.fromkeys(reglage.lieux)),
            duree=reglage.duree_minutes,
            debut=debut,
            fin=fin,
            lieux_pris=[set() for _ in creneaux],
        )

    @property
    def fenetre(self) -> str:
        return f"entre le {self.debut:%d/%m/%Y} et le {self.fin:%d/%m/%Y}"

    def occuper(
        self, personnes: Iterable[str], lieu: str, jour: date, minute: int, duree: int
    ) -> None:
        """Réservation déjà faite (heure et durée quelconques, corrigées à la main)."""
        # Un lieu écrit autrement (« rhone ») reste le lieu configuré ; un lieu hors
        # paramètres ne prive aucun créneau d'une salle configurée.
        lieu_configure = next((x for x in self.lieux if _normaliser(x) == _normaliser(lieu)), None)
        for i in self.par_jour.get(jour, ()):
            debut_creneau = self.creneaux[i][1]
            if debut_creneau < minute + duree and minute < debut_creneau + self.duree:
                for personne in personnes:
                    self.bloque.setdefault(personne, set()).add(i)
                if lieu_configure is not None:
                    self.lieux_pris[i].add(lieu_configure)

    def chercher(
        self, personnes: tuple[str, ...], dernier_jour: date | None
    ) -> tuple[int, str] | None:
        """Premier créneau (au plus tard `dernier_jour`) libre pour tous, avec un lieu libre."""
        nb_lieux = len(self.lieux)
        while (
            self.premier_libre < len(self.creneaux)
            and len(self.lieux_pris[self.premier_libre]) >= nb_lieux
        ):
            self.premier_libre += 1
        agendas = [self.bloque.get(p, set()) for p in personnes]
        for i in range(self.premier_libre, len(self.creneaux)):
            if dernier_jour is not None and self.creneaux[i][0] > dernier_jour:
                break
            if any(i in a for a in agendas):
                continue
            pris = self.lieux_pris[i]
            if len(pris) < nb_lieux:
                return i, next(x for x in self.lieux if x not in pris)
        return None

    def reserver(self, i: int, lieu: str, personnes: Iterable[str]) -> None:
        for personne in personnes:
            self.bloque.setdefault(personne, set()).update(self.conflits[i])
        for j in self.conflits[i]:
            self.lieux_pris[j].add(lieu)


def _allouer(
    demandes: list[dict[str, Any]],
    agenda: _Agenda,
    progression: Callable[[int], None] | None,
    deja_convoques: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cœur glouton commun à `planifier` et `completer_planning` : (entretiens, refus).

    `deja_convoques` : matricule -> raison, pour les salariés qui ont déjà un rendez-vous
    dans une autre campagne ; ils sont refusés avec cette raison, à leur rang de priorité.
    """
    deja_convoques = deja_convoques or {}
    lignes: list[dict[str, Any]] = []
    refus: list[dict[str, Any]] = []
    faits = 0
    for n, demande in enumerate(demandes, start=1):
        choisi = None
        deja = deja_convoques.get(demande["matricule"])
        # Déjà convoqué ailleurs : aucun créneau cherché. Un manager qui part pendant la
        # fenêtre ne conduit qu'avant son départ ; à défaut de créneau, le signataire RH
        # le remplace.
        for essai in () if deja else (demande, demande["_repli"]):
            if essai is None:
                continue
            personnes = (essai["cle_conducteur"], essai["matricule"])
            limites = [d for d in (essai["_sortie"], essai["_sortie_conducteur"]) if d]
            choisi = agenda.chercher(personnes, min(limites, default=None))
            demande = essai
            if choisi is not None:
                break
        if deja:
            refus.append(
                {k: demande[k] for k in ("matricule", "nom", "prenom", "types")} | {"raison": deja}
            )
        elif choisi is None:
            refus.append(_refus(demande, agenda))
        else:
            i, lieu = choisi
            agenda.reserver(i, lieu, (demande["cle_conducteur"], demande["matricule"]))
            jour, minute = agenda.creneaux[i]
            lignes.append(
                {
                    **{k: demande[k] for k in ("matricule", "nom", "prenom", "service")},
                    "conducteur": demande["conducteur"],
                    "matricule_conducteur": demande["matricule_conducteur"],
                    "email_conducteur": demande["email_conducteur"],
                    "date": pd.Timestamp(jour),
                    "heure": _hhmm(minute),
                    "fin": _hhmm(minute + agenda.duree),
                    "duree_minutes": agenda.duree,
                    "lieu": lieu,
                    "types": demande["types"],
                    "motifs": demande["motifs"],
                    "statut": demande["statut"],
                    "_ordre": n,
                }
            )
        if progression is not None and (n % 500 == 0 or n == len(demandes)):
            progression(n - faits)
            faits = n
    return lignes, refus


def _creneaux(debut: date, fin: date, heures: Iterable[str], zone: str) -> list[tuple[date, int]]:
    """Créneaux (jour, minute de début) des jours ouvrés de la fenêtre, dans l'ordre."""
    minutes = sorted({_minutes(h) for h in heures})
    sortie = []
    jour = debut
    while jour <= fin:
        if est_jour_ouvre(jour, zone):
            sortie.extend((jour, m) for m in minutes)
        jour += timedelta(days=1)
    return sortie


def _conflits(creneaux: list[tuple[date, int]], duree: int) -> list[list[int]]:
    """Pour chaque créneau, les créneaux (lui compris) qu'il chevauche : |Δ début| < durée."""
    par_jour: dict[date, list[int]] = {}
    for i, (jour, _) in enumerate(creneaux):
        par_jour.setdefault(jour, []).append(i)
    return [
        [j for j in par_jour[jour] if abs(creneaux[j][1] - minute) < duree]
        for jour, minute in creneaux
    ]


def _annuaire(registre: Any) -> dict[str, dict[str, Any]]:
    salaries = registre.salaries
    colonnes = set(salaries.columns)
    annuaire = {}
    for ligne in salaries.to_dict("records"):
        matricule = en_texte(ligne.get("matricule"))
        annuaire[matricule] = {
            "nom": en_texte(ligne.get("nom")),
            "prenom": en_texte(ligne.get("prenom")),
            "email": en_texte(ligne.get("email")),
            "service": en_texte(ligne.get("service")),
            "matricule_manager": en_texte(ligne.get("matricule_manager")),
            "date_sortie": ligne.get("date_sortie") if "date_sortie" in colonnes else None,
        }
    return annuaire


def nom_affiche(prenom: str, nom: str) -> str:
    """« Prénom NOM », la forme des convocations."""
    return f"{prenom} {nom.upper()}".strip()


def _demandes(
    echeances: pd.DataFrame,
    annuaire: dict[str, dict[str, Any]],
    parametres: Parametres,
    debut: date,
    fin: date | None = None,
) -> list[dict[str, Any]]:
    """Un dossier par salarié dû, triés par priorité.

    D'abord ceux qui quittent l'entreprise pendant la fenêtre [debut, fin], le départ le
    plus proche d'abord : ils ont le moins de créneaux possibles, et servis après les
    autres ils trouveraient leurs derniers jours pris. Puis l'ordre habituel : en retard,
    échéance la plus proche, matricule.
    """
    dues = echeances[echeances["statut"].isin(STATUTS_A_PLANIFIER)]
    if dues.empty:
        return []
    # Parcours par dictionnaires plutôt que groupby : 10 000 groupes pandas coûtent cher.
    groupes: dict[str, list[dict[str, Any]]] = {}
    for ligne in dues.to_dict("records"):
        echeance = ligne.get("echeance")
        ligne["_echeance"] = pd.Timestamp.max if pd.isna(echeance) else pd.Timestamp(echeance)
        groupes.setdefault(en_texte(ligne["matricule"]), []).append(ligne)
    entreprise = parametres.entreprise
    rh = {
        "conducteur": entreprise.signataire,
        "matricule_conducteur": "",
        "email_conducteur": entreprise.email_rh,
        "cle_conducteur": _cle_signataire(entreprise.signataire, annuaire),
        "_sortie_conducteur": None,
        "_repli": None,
    }
    demandes = []
    for matricule, groupe in groupes.items():
        groupe.sort(key=lambda ligne: ligne["_echeance"])
        premiere = groupe[0]
        fiche = annuaire.get(matricule, {})
        en_retard = any(ligne["statut"] == "en_retard" for ligne in groupe)
        manager = en_texte(premiere.get("matricule_manager")) or fiche.get("matricule_manager", "")
        conducteur = annuaire.get(manager) if manager and manager != matricule else None
        sortie_manager = None if conducteur is None else en_date(conducteur["date_sortie"])
        if sortie_manager is not None and sortie_manager < debut:
            # Un manager sorti avant la fenêtre ne peut pas conduire : le RH le remplace.
            conducteur = None
        motifs = dict.fromkeys(en_texte(ligne.get("motif")) for ligne in groupe)
        sortie = en_date(fiche.get("date_sortie"))
        part = sortie is not None and debut <= sortie and (fin is None or sortie < fin)
        demande = {
            "matricule": matricule,
            "nom": en_texte(premiere.get("nom")) or fiche.get("nom", ""),
            "prenom": en_texte(premiere.get("prenom")) or fiche.get("prenom", ""),
            "service": en_texte(premiere.get("service")) or fiche.get("service", ""),
            **rh,
            "types": ", ".join(dict.fromkeys(en_texte(ligne["type"]) for ligne in groupe)),
            "motifs": " ; ".join(m for m in motifs if m),
            "statut": "en_retard" if en_retard else "a_planifier",
            # « Date de sortie » = dernier jour au contrat : l'entretien peut avoir lieu ce jour.
            "_sortie": sortie,
            "_cle": (
                (0, sortie) if part else (1, date.max),
                0 if en_retard else 1,
                premiere["_echeance"],
                matricule,
            ),
        }
        if conducteur is not None:
            repli = demande | {"_repli": None} if sortie_manager is not None else None
            demande |= {
                "conducteur": nom_affiche(conducteur["prenom"], conducteur["nom"]),
                "matricule_conducteur": manager,
                "email_conducteur": conducteur["email"],
                "cle_conducteur": manager,
                "_sortie_conducteur": sortie_manager,
                "_repli": repli,
            }
        demandes.append(demande)
    demandes.sort(key=lambda d: d["_cle"])
    return demandes


def _index_noms(annuaire: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Nom normalisé (« prenom nom » et « nom prenom ») -> matricules qui le portent."""
    noms: dict[str, list[str]] = {}
    for matricule, fiche in annuaire.items():
        for forme in (
            _normaliser(f"{fiche['prenom']} {fiche['nom']}"),
            _normaliser(f"{fiche['nom']} {fiche['prenom']}"),
        ):
            noms.setdefault(forme, []).append(matricule)
    return noms


def _cle_signataire(signataire: str, annuaire: dict[str, dict[str, Any]]) -> str:
    """Clé d'agenda du signataire RH : son matricule s'il est lui-même dans le registre.

    Ainsi son propre entretien ne tombe pas pendant qu'il en conduit un autre ; sinon une
    clé qui ne peut pas être un matricule.
    """
    cible = _normaliser(signataire)
    trouves = [
        m
        for m, f in annuaire.items()
        if cible
        in (_normaliser(f"{f['prenom']} {f['nom']}"), _normaliser(f"{f['nom']} {f['prenom']}"))
    ]
    return trouves[0] if len(trouves) == 1 else "\x00rh"


def _refus(demande: dict[str, Any], agenda: _Agenda) -> dict[str, Any]:
    """Ligne « non planifié » avec la vraie cause : jours, départ, conducteur, salarié, lieux."""
    creneaux, fenetre = agenda.creneaux, agenda.fenetre
    agenda_conducteur = agenda.bloque.get(demande["cle_conducteur"], set())
    agenda_salarie = agenda.bloque.get(demande["matricule"], set())
    conducteur_libre = [i for i in range(len(creneaux)) if i not in agenda_conducteur]
    salarie = nom_affiche(demande["prenom"], demande["nom"])
    sortie = demande["_sortie"]
    if not creneaux:
        raison = (
            f"Aucun jour ouvré {fenetre} : élargir planning.delai_max_jours "
            "ou vérifier planning.creneaux"
        )
    elif sortie is not None and sortie < agenda.fin and creneaux[0][0] > sortie:
        raison = (
            f"{salarie} quitte l'entreprise le {sortie:%d/%m/%Y} avant tout créneau "
            f"disponible {fenetre} : planifier l'entretien à la main avant son départ "
            "ou réduire planning.delai_min_jours"
        )
    elif sortie is not None and sortie < agenda.fin:
        # Des créneaux existaient avant le départ, mais tous sont pris (autres salariés
        # partants, rendez-vous d'autres campagnes, lignes déjà au planning).
        raison = (
            f"{salarie} : aucun créneau libre avant son départ le {sortie:%d/%m/%Y} "
            f"(créneaux du {agenda.debut:%d/%m/%Y} au {sortie:%d/%m/%Y} tous pris) : "
            "planifier l'entretien à la main avant son départ, ajouter des créneaux ou "
            "des lieux, ou réduire planning.delai_min_jours"
        )
    elif any(i not in agenda_salarie for i in conducteur_libre):
        raison = (
            f"Aucun lieu libre aux créneaux où {demande['conducteur']} est disponible {fenetre} : "
            "élargir planning.delai_max_jours, ajouter des créneaux ou des lieux"
        )
    elif conducteur_libre:
        raison = (
            f"Aucun créneau libre pour {salarie}, qui conduit lui-même des entretiens à "
            f"chaque créneau où {demande['conducteur']} est disponible {fenetre} : "
            "élargir planning.delai_max_jours, ajouter des créneaux "
            "ou confier l'entretien à un autre conducteur"
        )
    else:
        raison = (
            f"Aucun créneau libre pour {demande['conducteur']} {fenetre} : "
            "élargir planning.delai_max_jours, ajouter des créneaux ou des lieux, "
            "ou confier l'entretien à un autre conducteur"
        )
    return {k: demande[k] for k in ("matricule", "nom", "prenom", "types")} | {"raison": raison}


def _table_entretiens(lignes: list[dict[str, Any]]) -> pd.DataFrame:
    if not lignes:
        return _entretiens_vides()
    table = pd.DataFrame(lignes)
    table = table.sort_values(["date", "heure", "_ordre"], kind="stable").drop(columns="_ordre")
    table["date"] = table["date"].astype("datetime64[ns]")
    table["duree_minutes"] = table["duree_minutes"].astype(int)
    return table[COLONNES_ENTRETIENS].reset_index(drop=True)


def _entretiens_vides() -> pd.DataFrame:
    table = pd.DataFrame({c: pd.Series(dtype=object) for c in COLONNES_ENTRETIENS})
    table["date"] = table["date"].astype("datetime64[ns]")
    table["duree_minutes"] = table["duree_minutes"].astype(int)
    return table


def _table_non_planifies(lignes: list[dict[str, Any]]) -> pd.DataFrame:
    if not lignes:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLONNES_NON_PLANIFIES})
    return pd.DataFrame(lignes, columns=COLONNES_NON_PLANIFIES)


def _minutes(hhmm: str) -> int:
    heures, minutes = hhmm.split(":")
    return int(heures) * 60 + int(minutes)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# ---------------------------------------------------------------------------- écriture


def ecrire_planning(planning: Planning, chemin: Path, remplacer: bool = False) -> str:
    """Écrit planning.xlsx (« Planning » et « Non planifiés ») ; statut de `ecrire_fichier`.

    Un planning déjà présent a pu être corrigé à la main : il est conservé, sauf
    `remplacer` (qui garde alors l'ancienne version à côté). Types et statuts sont écrits
    en libellés français ; `lire_planning` les retraduit en codes.
    """
    from pipeline.tableurs import Feuille, ecrire_xlsx

    entretiens = planning.entretiens.copy()
    entretiens["statut"] = entretiens["statut"].map(lambda s: LIBELLES_STATUTS.get(s, s))
    entretiens["types"] = entretiens["types"].map(_libelles_types)
    non_planifies = planning.non_planifies.copy()
    non_planifies["types"] = non_planifies["types"].map(_libelles_types)
    feuilles = {
        FEUILLE_PLANNING: Feuille(
            entretiens,
            en_tetes=EN_TETES_PLANNING,
            en_rouge=(planning.entretiens["statut"] == "en_retard").to_numpy(),
            texte_long=("motifs",),
        ),
        FEUILLE_NON_PLANIFIES: Feuille(
            non_planifies, en_tetes=EN_TETES_NON_PLANIFIES, texte_long=("raison",)
        ),
    }
    return ecrire_xlsx(Path(chemin), feuilles, remplacer=remplacer)


def _libelles_types(codes: str) -> str:
    return ", ".join(
        LIBELLES_TYPES.get(c.strip(), c.strip()) for c in codes.split(",") if c.strip()
    )


# ---------------------------------------------------------------------------- relecture


# Pas `registre.cle` : ses mots vides (d, l, le…) confondraient « Salle D » et « Salle L ».
def _normaliser(texte: Any) -> str:
    """« Durée (min) » -> « duree min » : casse, accents, ponctuation et espaces ignorés."""
    sans_accents = unicodedata.normalize("NFKD", en_texte(texte))
    sans_accents = "".join(c for c in sans_accents if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", sans_accents.lower()))


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
    "raison": ("raison",),
}
_OBLIGATOIRES_PLANNING = ("matricule", "date", "heure", "lieu", "conducteur")


def lire_planning(
    chemin: Path,
    registre: Any,
    parametres: Parametres,
    au: date | None = None,
    autres_rendez_vous: pd.DataFrame | None = None,
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
    """
    from openpyxl import load_workbook

    chemin = Path(chemin)
    try:
        classeur = load_workbook(chemin, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise ErreurEntretiens.simple(
            "fichier-introuvable",
            f"Le planning « {chemin} » n'existe pas : lancez d'abord « entretiens planifier ».",
        ) from exc
    except Exception as exc:  # openpyxl lève des exceptions variées sur un fichier abîmé
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"Le planning « {chemin} » est illisible ou n'est pas un classeur Excel : "
            "enregistrez-le au format .xlsx (Classeur Excel).",
        ) from exc
    try:
        feuilles = {_normaliser(nom): nom for nom in classeur.sheetnames}
        nom_planning = feuilles.get(_normaliser(FEUILLE_PLANNING))
        if nom_planning is None:
            raise ErreurEntretiens.simple(
                "feuille-manquante",
                f"Le classeur « {chemin.name} » n'a pas de feuille « {FEUILLE_PLANNING} » : "
                "ne renommez pas les feuilles du planning.",
                feuille=FEUILLE_PLANNING,
            )
        lignes_planning = list(classeur[nom_planning].iter_rows(values_only=True))
        nom_np = feuilles.get(_normaliser(FEUILLE_NON_PLANIFIES))
        lignes_np = list(classeur[nom_np].iter_rows(values_only=True)) if nom_np else []
    finally:
        classeur.close()

    rapport = Rapport()
    annuaire = _annuaire(registre)
    non_planifies = _lire_non_planifies(lignes_np)
    types_connus = dict(zip(non_planifies["matricule"], non_planifies["types"], strict=True))
    entretiens = _lire_entretiens(
        lignes_planning, annuaire, parametres, types_connus, rapport, au, autres_rendez_vous
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


def _colonnes(en_tete: tuple[Any, ...]) -> dict[str, int]:
    index = {}
    for position, titre in enumerate(en_tete):
        cle = _normaliser(titre)
        for colonne, alias in _ALIAS_COLONNES.items():
            if cle in alias and colonne not in index:
                index[colonne] = position
    return index


def _lire_non_planifies(lignes: list[tuple[Any, ...]]) -> pd.DataFrame:
    if not lignes:
        return _table_non_planifies([])
    index = _colonnes(lignes[0])
    sortie = []
    for valeurs in lignes[1:]:
        if all(en_texte(v) == "" for v in valeurs):
            continue
        ligne = {
            c: en_texte(valeurs[index[c]]) if c in index and index[c] < len(valeurs) else ""
            for c in COLONNES_NON_PLANIFIES
        }
        # Lue telle quelle ; seuls les libellés de types redeviennent des codes.
        ligne["types"] = _lire_types(ligne["types"]) or ligne["types"]
        sortie.append(ligne)
    return _table_non_planifies(sortie)


def _lire_entretiens(
    lignes: list[tuple[Any, ...]],
    annuaire: dict[str, dict[str, Any]],
    parametres: Parametres,
    types_connus: dict[str, str],
    rapport: Rapport,
    au: date | None = None,
    autres_rendez_vous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Valide la feuille « Planning » : en-tête, chaque ligne, puis conflits entre lignes."""
    index = _verifier_en_tete(lignes, rapport)
    if index is None:
        return _entretiens_vides()
    relecture = _Relecture(
        index=index,
        annuaire=annuaire,
        noms_annuaire=_index_noms(annuaire),
        parametres=parametres,
        types_connus=types_connus,
        rapport=rapport,
        au=au,
    )
    sortie: list[dict[str, Any]] = []
    for numero, valeurs in enumerate(lignes[1:], start=2):
        if all(en_texte(v) == "" for v in valeurs):
            continue
        entretien = _lire_ligne(_LignePlanning(relecture, numero, valeurs))
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
    index = _colonnes(lignes[0])
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
        "heure": _hhmm(debut),
        "fin": _hhmm(debut + duree),
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
            "registre : corrigez-le ou supprimez la ligne."
            + _indice_zeros(matricule, relecture.annuaire),
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
    jour = _lire_date(brute_date)
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
    debut = _lire_heure(brute_heure)
    if debut is None:
        ligne.erreur(
            "heure-invalide",
            "heure",
            f"Heure « {en_texte(brute_heure)} » illisible : écrivez-la au format HH:MM "
            "(ex. 14:00).",
            brute_heure,
        )
    brute_duree = ligne.cellule("duree_minutes")
    duree = _lire_duree(brute_duree, ligne.relecture.parametres.planning.duree_minutes)
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
            f"L'entretien commencé à {_hhmm(debut)} finirait après minuit : "
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
    conducteur, matricule_conducteur, email = resolu
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
    types = _lire_types(types_bruts)
    if types is None:
        ligne.erreur(
            "type-inconnu",
            "types",
            f"Types « {types_bruts} » non reconnus : utilisez periodique, premier, retour, "
            "etat_des_lieux, mi_carriere ou avant_60, séparés par des virgules.",
            types_bruts,
        )
    statut_brut = en_texte(ligne.cellule("statut"))
    statut = _lire_statut(statut_brut)
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
        return _entretiens_vides()
    table = pd.DataFrame(entretiens).drop(columns=["_ligne", "_debut", "_cle_conducteur"])
    table["date"] = table["date"].astype("datetime64[ns]")
    table["duree_minutes"] = table["duree_minutes"].astype(int)
    return table[COLONNES_ENTRETIENS].reset_index(drop=True)


def _indice_zeros(matricule: str, annuaire: dict[str, dict[str, Any]]) -> str:
    # Excel transforme « 00042 » saisi au clavier en nombre 42 : le cas le plus fréquent.
    if not matricule.isdigit():
        return ""
    for connu in annuaire:
        if connu.isdigit() and connu != matricule and connu.lstrip("0") == matricule.lstrip("0"):
            return (
                f" Vouliez-vous dire « {connu} » ? Excel supprime les zéros de tête d'un "
                "nombre : saisissez le matricule comme texte (précédé d'une apostrophe)."
            )
    return ""


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
    """
    nom_norme = _normaliser(conducteur)
    if not nom_norme:
        return "Le conducteur est vide : indiquez qui conduit l'entretien (« Prénom NOM »)."
    fiche = annuaire.get(matricule) if matricule else None
    if fiche is not None and nom_norme in (
        _normaliser(f"{fiche['prenom']} {fiche['nom']}"),
        _normaliser(f"{fiche['nom']} {fiche['prenom']}"),
    ):
        return conducteur, matricule, fiche["email"] or email
    # Le signataire RH conduit sans matricule, même s'il figure lui-même au registre.
    if nom_norme == _normaliser(entreprise.signataire) and not matricule:
        return conducteur, "", email or entreprise.email_rh
    candidats = noms_annuaire.get(nom_norme, [])
    if len(candidats) == 1:
        trouve = annuaire[candidats[0]]
        return conducteur, candidats[0], trouve["email"] or email
    if nom_norme == _normaliser(entreprise.signataire):
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


def _verifier_chevauchements(entretiens: list[dict[str, Any]], rapport: Rapport) -> None:
    """Signale chaque paire d'entretiens qui se chevauchent pour un conducteur ou un lieu.

    Un salarié qui conduit aussi des entretiens partage un même agenda : son propre
    entretien ne peut pas tomber pendant qu'il en conduit un autre.
    """
    agendas: dict[tuple[str, str, date], list[dict[str, Any]]] = {}
    for e in entretiens:
        jour = e["date"].date()
        cles = {("personne", e["_cle_conducteur"], jour), ("personne", e["matricule"], jour)}
        cles.add(("lieu", _normaliser(e["lieu"]), jour))
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
            f"l'entretien (planning.delai_min_jours = {delai_min}) pour le préparer.",
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
            f"{nom_affiche(e['prenom'], e['nom'])} est déjà convoqué(e) le "
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
    homonymes = noms_annuaire.get(_normaliser(conducteur), [])
    return homonymes[0] if len(homonymes) == 1 else "nom:" + _normaliser(conducteur)


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
        debut = _lire_heure(ligne.get("heure"))
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
            ("lieu", _normaliser(ligne.get("lieu")), jour),
        }:
            index.setdefault(cle, []).append(autre)
    for e in entretiens:
        jour = e["date"].date()
        fin = e["_debut"] + e["duree_minutes"]
        signales: set[tuple[str, int]] = set()
        for genre, qui_cle, qui in (
            ("personne", e["_cle_conducteur"], e["conducteur"]),
            ("personne", e["matricule"], nom_affiche(e["prenom"], e["nom"])),
            ("lieu", _normaliser(e["lieu"]), f"le lieu « {e['lieu']} »"),
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
                    f"{_hhmm(autre['debut'])} à {_hhmm(autre['fin'])} par la campagne {campagne} "
                    f"(entretien de {convoque}), ce qui chevauche "
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


def _lire_date(valeur: Any) -> date | None:
    if isinstance(valeur, datetime):
        return valeur.date()
    if isinstance(valeur, date):
        return valeur
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        # Numéro de série Excel (1900) : un nombre collé à la place d'une date.
        if 1 <= valeur < 2958466:
            return (datetime(1899, 12, 30) + timedelta(days=int(valeur))).date()
        return None
    texte = en_texte(valeur)
    for motif in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(texte, motif).date()
        except ValueError:
            continue
    return None


def _lire_heure(valeur: Any) -> int | None:
    """Minutes depuis minuit ; accepte « 14:00 », « 9h30 », « 14h », une heure Excel."""
    if isinstance(valeur, datetime):
        valeur = valeur.time()
    if isinstance(valeur, time):
        return valeur.hour * 60 + valeur.minute
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        # Fraction de jour d'Excel (0,5833 = 14:00).
        if 0 <= valeur < 1:
            return round(valeur * 24 * 60)
        return None
    texte = en_texte(valeur).lower().replace(" ", "")
    correspondance = re.fullmatch(r"(\d{1,2})(?:[:h](\d{2})?)?(?::\d{2})?", texte)
    if not correspondance or (":" not in texte and "h" not in texte):
        return None
    heures, minutes = int(correspondance.group(1)), int(correspondance.group(2) or 0)
    if heures > 23 or minutes > 59:
        return None
    return heures * 60 + minutes


def _lire_duree(valeur: Any, defaut: int) -> int | None:
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


_TYPES = {
    **{_normaliser(code): code for code in LIBELLES_TYPES},
    **{_normaliser(libelle): code for code, libelle in LIBELLES_TYPES.items()},
    "periodique": "periodique",
    "premier": "premier",
    "premier entretien": "premier",
    "retour": "retour",
    "retour de conge": "retour",
    "etat des lieux": "etat_des_lieux",
    "bilan 6 ans": "etat_des_lieux",
    "bilan 8 ans": "etat_des_lieux",
    "mi carriere": "mi_carriere",
    "avant 60": "avant_60",
    "avant 60 ans": "avant_60",
    "fin de carriere": "avant_60",
}


def _lire_types(texte: str) -> str | None:
    if not texte:
        return ""
    codes = []
    for morceau in re.split(r"[,;]", texte):
        cle = _normaliser(morceau)
        if not cle:
            continue
        code = _TYPES.get(cle)
        if code is None:
            return None
        codes.append(code)
    return ", ".join(dict.fromkeys(codes))


def _lire_statut(texte: str) -> str | None:
    cle = _normaliser(texte)
    if not cle:
        return "a_planifier"
    for code in STATUTS_A_PLANIFIER:
        if cle in (_normaliser(code), _normaliser(LIBELLES_STATUTS[code])):
            return code
    return None


# ---------------------------------------------------------------------------- autres campagnes


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
    registre: Any,
    parametres: Parametres,
    au: date,
    autres_rendez_vous: pd.DataFrame | None = None,
) -> PlanningRepris:
    """Relit un planning (peut-être corrigé à la main), le complète, et tient à jour celui de
    la campagne.

    Le `planning.xlsx` de la campagne est réécrit (l'ancien gardé à côté) quand il ne
    reflète plus le planning qui sert : salariés ajoutés, ou autre fichier donné
    (`--planning`) au contenu différent. Absent, il sera écrit avec les documents.
    """
    lu = lire_planning(chemin, registre, parametres, au=au, autres_rendez_vous=autres_rendez_vous)
    planning = completer_planning(
        lu, echeances, registre, parametres, au, autres_rendez_vous=autres_rendez_vous
    )
    ajoutes = len(planning.entretiens) - len(lu.entretiens)
    sans_creneau = len(planning.non_planifies) - len(lu.non_planifies)
    planning_campagne = Path(planning_campagne)
    if planning_campagne.exists():
        perime = bool(ajoutes or sans_creneau)
        if not perime and Path(chemin).resolve() != planning_campagne.resolve():
            actuel = lire_planning(planning_campagne, registre, parametres)
            perime = not (
                actuel.entretiens.equals(planning.entretiens)
                and actuel.non_planifies.equals(planning.non_planifies)
            )
        if perime:
            ecrire_planning(planning, planning_campagne, remplacer=True)
    return PlanningRepris(planning, ajoutes, sans_creneau)


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
        for chemin in sorted(dossier_sorties.glob("*/planning.xlsx")):
            nom_campagne = chemin.parent.name
            if nom_campagne not in (campagne, DOSSIER_ARCHIVES):
                sources[nom_campagne] = (str(chemin), _lecteur_fichier(chemin))
        for archive in sorted((dossier_sorties / DOSSIER_ARCHIVES).glob("*.zip")):
            nom_campagne = archive.name.removesuffix(".zip")
            if archive.name.endswith(".ancien.zip") or nom_campagne in (campagne, *sources):
                continue
            sources[nom_campagne] = (
                f"{archive} ({nom_campagne}/planning.xlsx)",
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
        return _entretiens_vides().assign(campagne=pd.Series(dtype=object)), avertissements
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
            membre = f"{campagne}/planning.xlsx"
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
        noms = {_normaliser(nom): nom for nom in classeur.sheetnames}
        nom = noms.get(_normaliser(FEUILLE_PLANNING))
        if nom is None:
            return None
        return list(classeur[nom].iter_rows(values_only=True))
    finally:
        classeur.close()


def _rendez_vous_feuille(
    lignes: list[tuple[Any, ...]], campagne: str, au: date
) -> tuple[list[dict[str, Any]] | None, list[int]]:
    """(rendez-vous datés d'au moins `au`, lignes Excel illisibles) ; None sans en-tête."""
    index = _colonnes(lignes[0]) if lignes else {}
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
        jour = _lire_date(cellule("date"))
        debut = _lire_heure(cellule("heure"))
        if not matricule or jour is None or debut is None:
            illisibles.append(numero)
            continue
        if jour < au:
            continue
        # Durée écrite, sinon déduite de la fin, sinon celle par défaut.
        duree = _lire_duree(cellule("duree_minutes"), 0)
        if not duree:
            fin = _lire_heure(cellule("fin"))
            duree = fin - debut if fin is not None and fin > debut else duree_defaut
        textes = {c: en_texte(cellule(c)) for c in COLONNES_ENTRETIENS}
        sortie.append(
            textes
            | {
                "matricule": matricule,
                "date": pd.Timestamp(jour),
                "heure": _hhmm(debut),
                "fin": _hhmm(debut + duree),
                "duree_minutes": duree,
                "types": _lire_types(textes["types"]) or textes["types"],
                "statut": _lire_statut(textes["statut"]) or textes["statut"],
                "campagne": campagne,
            }
        )
    return sortie, illisibles
