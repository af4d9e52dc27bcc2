"""Échéances dues -> entretiens planifiés (date, heure, lieu, conducteur) ; planning.xlsx.

Un entretien par salarié ayant une obligation `en_retard` ou `a_planifier` : il honore
toutes ses obligations à la fois. Les créneaux sont attribués de façon gloutonne (les plus
urgents d'abord, au plus tôt, jamais après la date de sortie du salarié), avec une
comptabilité par ensembles : chaque réservation bloque, pour le conducteur, le salarié et
le lieu, les créneaux qui la chevauchent. Le coût reste O(salariés × créneaux) même pour
10 000 salariés.

Le planning écrit peut être corrigé à la main par le RH (date, heure, lieu, conducteur) ;
`relecture_planning.lire_planning` le relit et le valide. `completer_planning` y ajoute
ensuite les salariés devenus dus depuis, autour des lignes existantes, avec le même cœur
d'attribution (`_Agenda`, `_allouer`) que `planifier`.

Un salarié convoqué par une campagne précédente pour un entretien pas encore tenu reste
« dû » au registre : `autres_campagnes.lire_rendez_vous` relit ces rendez-vous à venir ;
passés à `planifier` / `completer_planning` (`autres_rendez_vous`), ils occupent les agendas et
leurs salariés ne sont pas convoqués une seconde fois.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import holidays
import pandas as pd

from pipeline.config import Parametres
from pipeline.erreurs import AVERTISSEMENT, Anomalie, ErreurEntretiens

# `normaliser` reste importable d'ici (relecture, récolte) : il est né avec le planning.
from pipeline.formats import date_longue, en_date, en_texte, heure_fr, normaliser
from pipeline.libelles import LIBELLES_STATUTS, LIBELLES_TYPES

if TYPE_CHECKING:  # le lecteur (calamine) n'est pas chargé pour une annotation
    from pipeline.registre import Registre

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
COLONNES_NON_PLANIFIES = ["matricule", "nom", "prenom", "types", "cause", "raison"]

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
    "cause": "Cause",
    "raison": "Raison",
}

_REGLE_SUBDIVISION = {"metropole": None, "alsace-moselle": "57"}


# ---------------------------------------------------------------------------- non planifiés


@dataclass(frozen=True)
class Cause:
    """Pourquoi un salarié n'a pas de créneau, et ce qu'il faut faire, dans ses mots.

    `libelle` (colonne « Cause » de planning.xlsx) regroupe les salariés dans les
    résumés ; la phrase détaillée de chacun (colonne « Raison ») finit par `conseil`.
    """

    libelle: str
    conseil: str


# Les réglages de parametres.toml, nommés comme l'assistante RH les pense.
_PERIODE = "élargissez la période de convocation (planning.delai_max_jours dans parametres.toml)"
_HEURES = "ajoutez des heures d'entretien (planning.creneaux)"
_SALLES = "des salles (planning.lieux)"
_DELAI_MIN = (
    "raccourcissez le délai minimal de convocation (planning.delai_min_jours dans parametres.toml)"
)
_A_LA_MAIN = "fixez l'entretien à la main dans planning.xlsx avant son départ"
_AUTRE_CONDUCTEUR = (
    "confiez l'entretien à un autre conducteur (colonne « Conducteur » de planning.xlsx)"
)

SANS_JOUR_OUVRE = Cause(
    "aucun jour ouvré dans la période de convocation",
    f"{_PERIODE}, ou vérifiez les heures d'entretien (planning.creneaux)",
)
DEPART_AVANT_CRENEAU = Cause(
    "départ de l'entreprise avant le premier créneau possible", f"{_A_LA_MAIN}, ou {_DELAI_MIN}"
)
DEPART_CRENEAUX_PRIS = Cause(
    "plus aucun créneau libre avant le départ de l'entreprise",
    f"{_A_LA_MAIN}, {_HEURES} ou {_SALLES}, ou {_DELAI_MIN}",
)
SALLES_PRISES = Cause(
    "aucune salle libre quand le conducteur est disponible",
    f"{_PERIODE}, ou {_HEURES} ou {_SALLES}",
)
CONDUIT_LUI_MEME = Cause(
    "le salarié conduit lui-même des entretiens à chaque créneau libre",
    f"{_PERIODE}, {_HEURES}, ou {_AUTRE_CONDUCTEUR}",
)
CONDUCTEUR_COMPLET = Cause(
    "agenda du conducteur complet",
    f"{_PERIODE}, {_HEURES} ou {_SALLES}, ou {_AUTRE_CONDUCTEUR}",
)
# Sans accord à faire (« convoqué(e) ») : la phrase vaut pour chacun.
DEJA_CONVOQUE = Cause(
    "entretien déjà fixé dans une autre campagne",
    "rien à faire : l'entretien déjà fixé est maintenu",
)
SANS_SALLE = Cause(
    "aucune salle pour son établissement",
    'ajoutez les salles de cet établissement à planning.lieux (ou une liste "*" pour les '
    "autres établissements) dans parametres.toml",
)
CAUSES = {
    c.libelle: c
    for c in (
        SANS_JOUR_OUVRE,
        DEPART_AVANT_CRENEAU,
        DEPART_CRENEAUX_PRIS,
        SALLES_PRISES,
        CONDUIT_LUI_MEME,
        CONDUCTEUR_COMPLET,
        DEJA_CONVOQUE,
        SANS_SALLE,
    )
}
# Le libellé qu'écrivaient les plannings d'avant, relu comme le même.
CAUSES["déjà convoqué(e) dans une autre campagne"] = DEJA_CONVOQUE


def causes_non_planifies(non_planifies: pd.DataFrame) -> list[tuple[Cause, int]]:
    """(cause, nombre de salariés) des non planifiés, la plus fréquente d'abord.

    Un planning écrit avant la colonne « Cause » (ou dont la cause a été effacée) compte
    ses salariés sous une cause qui renvoie à la colonne « Raison ».
    """
    if non_planifies.empty:
        return []
    libelles = (
        non_planifies["cause"].map(en_texte)
        if "cause" in non_planifies
        else pd.Series([""] * len(non_planifies))
    )
    comptes = libelles.value_counts(sort=False)
    resultat = [
        (
            CAUSES.get(libelle)
            or Cause(libelle or "autre raison", "voir la colonne « Raison » de planning.xlsx"),
            int(nombre),
        )
        for libelle, nombre in comptes.items()
    ]
    return sorted(resultat, key=lambda paire: -paire[1])


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
    registre: Registre,
    parametres: Parametres,
    au: date,
    progression: Callable[[int], None] | None = None,
    autres_rendez_vous: pd.DataFrame | None = None,
    annuaire: Annuaire | None = None,
) -> Planning:
    """Propose un entretien à chaque salarié ayant une obligation en retard ou à planifier.

    `autres_rendez_vous` (format de `autres_campagnes.lire_rendez_vous`) : entretiens
    d'autres campagnes. Ceux datés d'au moins `au` occupent conducteur, salarié et lieu, et leurs
    salariés rejoignent les non planifiés (« entretien déjà fixé le … ») au lieu d'être
    reconvoqués. `annuaire` : celui du registre (`construire_annuaire`), s'il est déjà fait.
    """
    agenda = _Agenda.ouvrir(parametres, au)
    if annuaire is None:
        annuaire = construire_annuaire(registre)
    demandes = _demandes(echeances, annuaire, parametres, agenda.debut, agenda.fin)
    a_venir = _rendez_vous_a_venir(autres_rendez_vous, au)
    _occuper_lignes(agenda, a_venir, annuaire, parametres)
    lignes, refus = _allouer(demandes, agenda, progression, _deja_convoques(a_venir))
    return Planning(entretiens=_table_entretiens(lignes), non_planifies=table_non_planifies(refus))


def completer_planning(
    planning: Planning,
    echeances: pd.DataFrame,
    registre: Registre,
    parametres: Parametres,
    au: date,
    autres_rendez_vous: pd.DataFrame | None = None,
    annuaire: Annuaire | None = None,
) -> Planning:
    """Ajoute à un planning existant (peut-être corrigé à la main) les salariés dus depuis.

    Un salarié dû (obligation en retard ou à planifier) absent des deux tables — embauché
    ou revenu de congé depuis le calcul du planning — est planifié dans les créneaux
    restés libres, avec les règles de `planifier` ; les lignes existantes, telles que le
    RH les a laissées, comptent comme réservations. Sans créneau, il rejoint les non
    planifiés avec la raison : jamais d'omission silencieuse. Les lignes existantes ne
    bougent pas, même pour un salarié qui n'est plus dû (le RH a pu le vouloir).
    `autres_rendez_vous`, `annuaire` : comme pour `planifier`.
    """
    deja = set(planning.entretiens["matricule"].map(en_texte))
    deja |= set(planning.non_planifies["matricule"].map(en_texte))
    agenda = _Agenda.ouvrir(parametres, au)
    if annuaire is None:
        annuaire = construire_annuaire(registre)
    # Les salariés déjà au planning écartés avant de faire leurs demandes : à la relance,
    # ce sont tous les salariés dus, et les demandes d'un salarié ne dépendent que de lui.
    nouvelles = echeances[~echeances["matricule"].map(en_texte).isin(deja)]
    demandes = _demandes(nouvelles, annuaire, parametres, agenda.debut, agenda.fin)
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
    non_planifies = [t for t in (planning.non_planifies, table_non_planifies(refus)) if not t.empty]
    return Planning(
        entretiens=(
            pd.concat(entretiens, ignore_index=True)[COLONNES_ENTRETIENS]
            if entretiens
            else entretiens_vides()
        ),
        non_planifies=(
            pd.concat(non_planifies, ignore_index=True)[COLONNES_NON_PLANIFIES]
            if non_planifies
            else table_non_planifies([])
        ),
        avertissements=list(planning.avertissements),
    )


def _rendez_vous_a_venir(autres: pd.DataFrame | None, au: date) -> pd.DataFrame:
    """Rendez-vous d'autres campagnes datés d'au moins `au` : les passés ne bloquent rien."""
    if autres is None or autres.empty:
        return entretiens_vides()
    dates = pd.to_datetime(autres["date"], errors="coerce")
    return autres[dates >= pd.Timestamp(au)]


def _deja_convoques(a_venir: pd.DataFrame) -> dict[str, str]:
    """Matricule -> raison « entretien déjà fixé le … », d'après son prochain rendez-vous."""
    raisons: dict[str, str] = {}
    tries = a_venir.assign(_date=pd.to_datetime(a_venir["date"], errors="coerce"))
    for ligne in tries.sort_values(["_date", "heure"], kind="stable").to_dict("records"):
        matricule = en_texte(ligne["matricule"])
        if matricule in raisons:
            continue
        campagne = en_texte(ligne.get("campagne"))
        raisons[matricule] = (
            f"entretien déjà fixé le {date_longue(ligne['_date'])} à {heure_fr(ligne['heure'])}"
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
    cle_rh = matricule_signataire(parametres.entreprise, annuaire) or CLE_RH
    noms = index_noms(annuaire)
    signataire = normaliser(parametres.entreprise.signataire)
    for ligne in entretiens.to_dict("records"):
        if pd.isna(ligne["date"]) or not en_texte(ligne["heure"]):
            continue
        conducteur = normaliser(ligne.get("conducteur"))
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
            lieux=reglage.toutes_salles,
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
        lieu_configure = self._lieux_normalises.get(normaliser(lieu))
        for i in self.par_jour.get(jour, ()):
            debut_creneau = self.creneaux[i][1]
            if debut_creneau < minute + duree and minute < debut_creneau + self.duree:
                for personne in personnes:
                    self.bloque.setdefault(personne, set()).add(i)
                if lieu_configure is not None:
                    self.lieux_pris[i].add(lieu_configure)

    @functools.cached_property
    def _lieux_normalises(self) -> dict[str, str]:
        """Nom normalisé -> le premier lieu configuré qui le porte (une fois par agenda,
        pas une fois par salle et par rendez-vous occupé)."""
        index: dict[str, str] = {}
        for lieu in self.lieux:
            index.setdefault(normaliser(lieu), lieu)
        return index

    def chercher(
        self, personnes: tuple[str, ...], dernier_jour: date | None, salles: list[str]
    ) -> tuple[int, str] | None:
        """Premier créneau (au plus tard `dernier_jour`) libre pour tous, avec une des
        `salles` libre (celles de l'établissement du salarié)."""
        nb_lieux = len(self.lieux)
        # Un créneau où toutes les salles de tous les établissements sont prises le reste.
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
            libre = next((x for x in salles if x not in pris), None)
            if libre is not None:
                return i, libre
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
            choisi = agenda.chercher(personnes, min(limites, default=None), essai["_salles"])
            demande = essai
            if choisi is not None:
                break
        if deja:
            refus.append(
                {k: demande[k] for k in ("matricule", "nom", "prenom", "types")}
                | {"cause": DEJA_CONVOQUE.libelle, "raison": deja}
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
                    "heure": texte_hhmm(minute),
                    "fin": texte_hhmm(minute + agenda.duree),
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


class Annuaire(dict[str, dict[str, Any]]):
    """Matricule -> fiche du registre (`construire_annuaire`), et l'index de ses noms.

    L'index (`noms`) est fait une fois par annuaire : la relecture du planning, la
    recherche du signataire RH et l'occupation des agendas s'en servent tous.
    """

    @functools.cached_property
    def noms(self) -> dict[str, list[str]]:
        return _index_noms(self)


def construire_annuaire(registre: Registre) -> Annuaire:
    """Matricule -> nom, prénom, courriel, service, manager, établissement et date de sortie."""
    salaries = registre.salaries
    # Colonne par colonne plutôt que ligne par ligne (to_dict("records")) : deux fois
    # moins de temps pour 10 000 salariés, mêmes valeurs.
    textes = [
        list(map(en_texte, salaries[c].tolist())) if c in salaries else [""] * len(salaries)
        for c in _CHAMPS_ANNUAIRE
    ]
    sorties = (
        salaries["date_sortie"].tolist() if "date_sortie" in salaries else [None] * len(salaries)
    )
    annuaire = Annuaire()
    for matricule, *valeurs, sortie in zip(*textes, sorties, strict=True):
        annuaire[matricule] = dict(zip(_CHAMPS_ANNUAIRE[1:], valeurs, strict=True))
        annuaire[matricule]["date_sortie"] = sortie
    return annuaire


_CHAMPS_ANNUAIRE = (
    "matricule",
    "nom",
    "prenom",
    "email",
    "service",
    "matricule_manager",
    "etablissement",
)


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
    rh = _conducteur_rh(parametres, annuaire)
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
            # Les salles de son établissement : jamais convoqué dans celles d'un autre site.
            "_salles": parametres.planning.salles(fiche.get("etablissement", "")),
            "_etablissement": fiche.get("etablissement", ""),
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
        if conducteur is not None and manager == rh["matricule_conducteur"]:
            # Le signataire RH est aussi ce manager : une seule personne, écrite une fois.
            demande |= rh | {"_sortie_conducteur": sortie_manager}
        elif conducteur is not None:
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


def index_noms(annuaire: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Nom normalisé (« prenom nom » et « nom prenom ») -> matricules qui le portent."""
    return annuaire.noms if isinstance(annuaire, Annuaire) else _index_noms(annuaire)


def _index_noms(annuaire: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    noms: dict[str, list[str]] = {}
    for matricule, fiche in annuaire.items():
        # normaliser(« prénom nom ») = normaliser(prénom) + « » + normaliser(nom) : l'espace
        # sépare les mots dans les deux cas ; chaque prénom n'est ainsi normalisé qu'une fois.
        prenom, nom = normaliser(fiche["prenom"]), normaliser(fiche["nom"])
        for forme in (f"{prenom} {nom}", f"{nom} {prenom}"):
            noms.setdefault(forme.strip(), []).append(matricule)
    return noms


# Clé d'agenda du signataire RH quand il n'est pas lui-même au registre : ne peut pas être
# un matricule.
CLE_RH = "\x00rh"


def matricule_signataire(entreprise: Any, annuaire: dict[str, dict[str, Any]]) -> str:
    """Le matricule du signataire RH s'il est lui-même salarié au registre, sinon "".

    `signataire_matricule` de [entreprise] s'il est donné (une erreur s'il n'est pas au
    registre), sinon le seul salarié qui porte son nom. Le signataire qui est aussi manager
    est ainsi une seule personne : une fiche, un agenda (son propre entretien ne tombe pas
    pendant qu'il en conduit un autre), une seule façon d'écrire son nom et sa fonction.
    """
    if entreprise.signataire_matricule:
        if entreprise.signataire_matricule not in annuaire:
            raise ErreurEntretiens.simple(
                "signataire-inconnu",
                f"« signataire_matricule » de [entreprise] vaut « "
                f"{entreprise.signataire_matricule} », qui n'est pas un matricule de la feuille "
                f"« Salariés » : écrivez celui de {entreprise.signataire} dans parametres.toml, "
                "ou videz-le (le signataire est alors reconnu à son nom).",
                feuille="parametres.toml",
                colonne="entreprise.signataire_matricule",
            )
        return entreprise.signataire_matricule
    trouves = index_noms(annuaire).get(normaliser(entreprise.signataire), [])
    return trouves[0] if len(trouves) == 1 else ""


def controler_parametres(registre: Registre, parametres: Parametres) -> list[Anomalie]:
    """Ce que les paramètres disent du registre, pour `verifier` : un signataire déclaré
    qui n'y est pas (erreur), un établissement sans salle (avertissement : ses salariés ne
    pourraient pas être planifiés)."""
    annuaire = construire_annuaire(registre)
    anomalies: list[Anomalie] = []
    try:
        matricule_signataire(parametres.entreprise, annuaire)
    except ErreurEntretiens as exc:
        anomalies.extend(exc.anomalies)
    reglage = parametres.planning
    if reglage.par_etablissement:
        effectifs: dict[str, int] = {}
        for fiche in annuaire.values():
            if not reglage.salles(fiche["etablissement"]):
                effectifs[fiche["etablissement"]] = effectifs.get(fiche["etablissement"], 0) + 1
        for etablissement, nombre in sorted(effectifs.items()):
            qui = (
                f"de l'établissement « {etablissement} »"
                if etablissement
                else "sans établissement au registre"
            )
            pluriel = nombre > 1
            anomalies.append(
                Anomalie(
                    "etablissement-sans-salle",
                    f"{nombre} salarié{'s' * pluriel} {qui} n'{'ont' if pluriel else 'a'} "
                    "aucune salle dans planning.lieux : "
                    f"{'ils ne pourront' if pluriel else 'il ne pourra'} pas être planifié"
                    f"{'s' * pluriel}. Ajoutez les salles de cet établissement (ou une liste "
                    '"*" pour les autres).',
                    feuille="parametres.toml",
                    colonne="planning.lieux",
                    valeur=etablissement,
                    gravite=AVERTISSEMENT,
                )
            )
    return anomalies


def _conducteur_rh(parametres: Parametres, annuaire: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Le signataire RH en conducteur : celui des salariés sans manager (et de ses propres
    équipes s'il est lui-même manager), écrit comme il signe les lettres."""
    entreprise = parametres.entreprise
    matricule = matricule_signataire(entreprise, annuaire)
    return {
        "conducteur": entreprise.signataire,
        "matricule_conducteur": matricule,
        # L'adresse RH : celle qui envoie les convocations, jamais mise en copie d'elle-même.
        "email_conducteur": entreprise.email_rh or annuaire.get(matricule, {}).get("email", ""),
        "cle_conducteur": matricule or CLE_RH,
        "_sortie_conducteur": None,
        "_repli": None,
    }


def _refus(demande: dict[str, Any], agenda: _Agenda) -> dict[str, Any]:
    """Ligne « non planifié » avec la vraie cause : jours, départ, conducteur, salarié, lieux."""
    creneaux, fenetre = agenda.creneaux, agenda.fenetre
    agenda_conducteur = agenda.bloque.get(demande["cle_conducteur"], set())
    agenda_salarie = agenda.bloque.get(demande["matricule"], set())
    conducteur_libre = [i for i in range(len(creneaux)) if i not in agenda_conducteur]
    salarie = nom_affiche(demande["prenom"], demande["nom"])
    sortie = demande["_sortie"]
    if not creneaux:
        cause, constat = SANS_JOUR_OUVRE, f"Aucun jour ouvré {fenetre}"
    elif not demande["_salles"]:
        cause = SANS_SALLE
        etablissement = demande["_etablissement"]
        constat = (
            f"Aucune salle n'est prévue pour l'établissement « {etablissement} » de {salarie}"
            if etablissement
            else f"Aucune salle n'est prévue pour {salarie}, sans établissement au registre"
        )
    elif sortie is not None and sortie < agenda.fin and creneaux[0][0] > sortie:
        cause = DEPART_AVANT_CRENEAU
        constat = (
            f"{salarie} quitte l'entreprise le {sortie:%d/%m/%Y}, avant tout créneau "
            f"disponible {fenetre}"
        )
    elif sortie is not None and sortie < agenda.fin:
        # Des créneaux existaient avant le départ, mais tous sont pris (autres salariés
        # partants, rendez-vous d'autres campagnes, lignes déjà au planning).
        cause = DEPART_CRENEAUX_PRIS
        constat = (
            f"{salarie} : aucun créneau libre avant son départ le {sortie:%d/%m/%Y} "
            f"(créneaux du {agenda.debut:%d/%m/%Y} au {sortie:%d/%m/%Y} tous pris)"
        )
    elif any(i not in agenda_salarie for i in conducteur_libre):
        cause = SALLES_PRISES
        salles = ", ".join(demande["_salles"])
        constat = (
            f"Aucune salle libre ({salles}) aux créneaux où {demande['conducteur']} est "
            f"disponible {fenetre}"
        )
    elif conducteur_libre:
        cause = CONDUIT_LUI_MEME
        constat = (
            f"Aucun créneau libre pour {salarie}, qui conduit lui-même des entretiens à "
            f"chaque créneau où {demande['conducteur']} est disponible {fenetre}"
        )
    else:
        cause = CONDUCTEUR_COMPLET
        constat = f"Aucun créneau libre pour {demande['conducteur']} {fenetre}"
    return {k: demande[k] for k in ("matricule", "nom", "prenom", "types")} | {
        "cause": cause.libelle,
        "raison": f"{constat} : {cause.conseil}",
    }


def _table_entretiens(lignes: list[dict[str, Any]]) -> pd.DataFrame:
    if not lignes:
        return entretiens_vides()
    table = pd.DataFrame(lignes)
    table = table.sort_values(["date", "heure", "_ordre"], kind="stable").drop(columns="_ordre")
    table["date"] = table["date"].astype("datetime64[ns]")
    table["duree_minutes"] = table["duree_minutes"].astype(int)
    return table[COLONNES_ENTRETIENS].reset_index(drop=True)


def entretiens_vides() -> pd.DataFrame:
    """Table `Planning.entretiens` sans ligne, avec ses types (dates, durées entières)."""
    table = pd.DataFrame({c: pd.Series(dtype=object) for c in COLONNES_ENTRETIENS})
    table["date"] = table["date"].astype("datetime64[ns]")
    table["duree_minutes"] = table["duree_minutes"].astype(int)
    return table


def table_non_planifies(lignes: list[dict[str, Any]]) -> pd.DataFrame:
    """Table `Planning.non_planifies` (colonnes `COLONNES_NON_PLANIFIES`), même vide."""
    if not lignes:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLONNES_NON_PLANIFIES})
    return pd.DataFrame(lignes, columns=COLONNES_NON_PLANIFIES)


def _minutes(hhmm: str) -> int:
    heures, minutes = hhmm.split(":")
    return int(heures) * 60 + int(minutes)


def texte_hhmm(minutes: int) -> str:
    """Minutes depuis minuit -> « HH:MM » (540 -> « 09:00 »)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# ---------------------------------------------------------------------------- écriture


def ecrire_planning(planning: Planning, chemin: Path, remplacer: bool = False) -> str:
    """Écrit planning.xlsx (« Planning » et « Non planifiés ») ; statut de `ecrire_fichier`.

    Un planning déjà présent a pu être corrigé à la main : il est conservé, sauf
    `remplacer` (qui garde alors l'ancienne version). Types et statuts sont écrits
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
            # Tenues à jour par l'outil (ou relues d'après le nom) : repliées, hors impression.
            details=("matricule_conducteur", "email_conducteur", "duree_minutes"),
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
