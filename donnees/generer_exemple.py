"""Génère le registre fictif `donnees/registre_exemple.xlsx`, relatif à une date.

Toutes les dates sont des décalages par rapport à `--au` : la liste des échéances reste
variée quel que soit le jour où l'on exécute l'outil (nouvelles embauches, retours de
congé, 45 ans, 58-59 ans, anniversaires des 8 ans, retards...). Le résultat ne dépend
que de la date et de la graine : deux exécutions identiques donnent les mêmes cellules.

Chaque « situation » (scénario) déclare à la main les échéances qu'elle doit produire ;
un petit vérificateur interne, écrit d'après `regles.md` (version 2, régime 2025, valeurs par
défaut : 48 mois, 8 ans, retour sous 30 jours, horizon 60 jours), tire au sort dates
d'entrée et de naissance jusqu'à ce que le salarié produise exactement ces échéances,
et garantit que les salariés « ordinaires » sont à jour. Les tests comparent ensuite
ces déclarations au vrai moteur (`pipeline.regles`).

Le script est autonome (openpyxl seulement) : il ne dépend pas du paquet `pipeline`.

Usage : python donnees/generer_exemple.py [--au AAAA-MM-JJ] [--sortie chemin.xlsx] [--graine N]
"""

from __future__ import annotations

import argparse
import calendar
import random
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

SORTIE_DEFAUT = Path(__file__).resolve().parent / "registre_exemple.xlsx"
GRAINE_DEFAUT = 2026

# Régime 2025 avec les valeurs par défaut de parametres.toml (regles.md, version 2).
ENTREE_EN_VIGUEUR_2025 = date(2025, 10, 26)
PREMIER_AU_PLUS_TOT = date(2016, 3, 7)  # deux ans après la loi n° 2014-288
ANCIEN_DELAI_MOIS = 24
ANCIEN_CYCLE_EDL_MOIS = 72
PERIODICITE_MOIS = 48
CYCLE_EDL_MOIS = 96
DELAI_RETOUR_JOURS = 30
HORIZON_JOURS = 60
# Les entretiens professionnels existent depuis la loi du 5 mars 2014 : pas d'historique avant.
DEBUT_HISTORIQUE = date(2014, 9, 1)

MOTIFS_DECLENCHANTS = {
    "maternite",
    "adoption",
    "conge_parental",
    "proche_aidant",
    "sabbatique",
    "mobilite_volontaire",
    "longue_maladie",
    "mandat_syndical",
    "conge_naissance",
}

EN_TETES = {
    "Salariés": [
        "Matricule",
        "Civilité",
        "Nom",
        "Prénom",
        "Email",
        "Date de naissance",
        "Date d'entrée",
        "Date de sortie",
        "Poste",
        "Service",
        "Établissement",
        "Matricule manager",
        "Date visite mi-carrière",
        "Adresse",
        "Code postal",
        "Ville",
    ],
    "Entretiens": ["Matricule", "Date", "Type", "Conduit par", "Commentaire"],
    "Absences": ["Matricule", "Motif", "Date de début", "Date de fin", "Date de reprise"],
    "Formations": ["Matricule", "Intitulé", "Date", "Obligatoire", "Certifiante"],
    "Évolutions": ["Matricule", "Date", "Nature", "Commentaire"],
}
# Colonnes écrites en texte : les zéros de tête des matricules et codes postaux survivent.
COLONNES_TEXTE = {"Matricule", "Matricule manager", "Code postal"}


# --------------------------------------------------------------------------- dates


def mois(d: date, n: int) -> date:
    """Même quantième n mois plus tard, ramené à la fin du mois (= pandas.DateOffset)."""
    annee, m = divmod(d.month - 1 + n, 12)
    annee += d.year
    return date(annee, m + 1, min(d.day, calendar.monthrange(annee, m + 1)[1]))


def jours(d: date, n: int) -> date:
    return d + timedelta(days=n)


def fin_fevrier(annee: int) -> date:
    return date(annee, 2, calendar.monthrange(annee, 2)[1])


# --------------------------------------------------------------------------- modèle


@dataclass
class Entretien:
    date: date
    type: str  # code du moteur de règles
    libelle: str  # tel qu'une assistante RH l'écrirait
    commentaire: str = ""
    conduit_par_rh: bool = False


@dataclass
class Absence:
    motif: str  # code
    libelle: str
    debut: date
    fin: date | None = None
    reprise: date | None = None


@dataclass
class Formation:
    intitule: str
    date: date
    obligatoire: str  # valeur de cellule : "oui", "non", "x", ""
    certifiante: str


@dataclass
class Evolution:
    date: date
    nature: str
    commentaire: str


@dataclass
class Personne:
    situation: str
    sexe: str = "F"
    entree: date = date(2020, 1, 1)
    naissance: date | None = None
    sortie: date | None = None
    visite: date | None = None
    service: str = ""
    poste: str = ""
    responsable: bool = False
    etablissement: str = ""
    formations_libres: bool = True
    manager: Personne | None = None
    prenom: str = ""
    nom: str = ""
    email: str = ""
    adresse: str = ""
    code_postal: str = ""
    ville: str = ""
    matricule: str = ""
    entretiens: list[Entretien] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    formations: list[Formation] = field(default_factory=list)
    evolutions: list[Evolution] = field(default_factory=list)
    attendus: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- vérificateur


def premier_du(entree: date) -> date:
    """Échéance du premier entretien (regles.md §3.1, régime 2025)."""
    if entree >= ENTREE_EN_VIGUEUR_2025:
        return mois(entree, 12)
    ancienne = max(mois(entree, ANCIEN_DELAI_MOIS), PREMIER_AU_PLUS_TOT)
    if ancienne < ENTREE_EN_VIGUEUR_2025:
        return ancienne  # délai échu avant la réforme : le manquement demeure
    return min(ancienne, mois(ENTREE_EN_VIGUEUR_2025, 12))


def periodique_du(dernier: date) -> date:
    """Échéance du périodique après le dernier entretien (regles.md §3.1, régime 2025)."""
    ancienne = mois(dernier, ANCIEN_DELAI_MOIS)
    return ancienne if ancienne < ENTREE_EN_VIGUEUR_2025 else mois(dernier, PERIODICITE_MOIS)


def depart_edl(entree: date) -> date:
    """A_0 de regles.md §3.2 : le dernier état des lieux à 6 ans échu avant la réforme, ou
    l'embauche ; les états des lieux suivants tombent tous les 8 ans à partir de là."""
    depart, j = entree, 1
    while mois(entree, ANCIEN_CYCLE_EDL_MOIS * j) < ENTREE_EN_VIGUEUR_2025:
        depart = mois(entree, ANCIEN_CYCLE_EDL_MOIS * j)
        j += 1
    return depart


def statut(echeance: date, au: date) -> str:
    """« en_retard », « a_planifier », ou "" si l'échéance est au-delà de l'horizon."""
    if echeance > jours(au, HORIZON_JOURS):
        return ""
    return "en_retard" if echeance < au else "a_planifier"


def _lundi(d: date) -> date:
    return d + timedelta(days={5: 2, 6: 1}.get(d.weekday(), 0))


def chaines(absences: list[Absence], au: date) -> list[list[Absence]]:
    """Absences commencées au plus tard `au`, en chaînes (regles.md §3.3 et choix du README :
    un week-end entre la reprise et l'absence suivante ne coupe pas la chaîne)."""
    resultat: list[list[Absence]] = []
    for a in sorted((a for a in absences if a.debut <= au), key=lambda a: (a.debut, a.motif)):
        if resultat:
            reprises = [_reprise(x) for x in resultat[-1]]
            if None in reprises or a.debut <= _lundi(max(reprises)):
                resultat[-1].append(a)
                continue
        resultat.append([a])
    return resultat


def _reprise(a: Absence) -> date | None:
    return a.reprise or (jours(a.fin, 1) if a.fin else None)


def echeances_attendues(p: Personne, au: date) -> dict[str, str]:
    """Obligations dues (type -> statut) selon regles.md v2, régime 2025 par défaut.

    Volontairement naïf, salarié par salarié : il sert à tirer des données qui produisent
    exactement les situations voulues, pas à remplacer `pipeline.regles`.
    """
    if p.entree > au or (p.sortie is not None and p.sortie < au):
        return {}
    limite = jours(au, HORIZON_JOURS)
    faits = sorted((e for e in p.entretiens if e.date <= au), key=lambda e: e.date)
    dues: dict[str, str] = {}

    def noter(type_: str, echeance: date, honoree: bool) -> None:
        if honoree or echeance > limite:
            return
        # Plusieurs retours : on garde le plus urgent (en_retard l'emporte).
        if dues.get(type_) != "en_retard":
            dues[type_] = statut(echeance, au)

    depuis_entree = [e for e in faits if e.date >= p.entree]
    if not depuis_entree:
        noter("premier", premier_du(p.entree), False)
    else:
        noter("periodique", periodique_du(faits[-1].date), False)

    depart = depart_edl(p.entree)
    k = 0
    while mois(depart, CYCLE_EDL_MOIS * (k + 1)) <= limite:
        k += 1
    if k >= 1:
        anniversaire = mois(depart, CYCLE_EDL_MOIS * k)
        debut = mois(anniversaire, -12)
        fin = mois(mois(depart, CYCLE_EDL_MOIS * (k + 1)), -12)
        fait = any(e.type == "etat_des_lieux" and debut <= e.date < fin for e in faits)
        noter("etat_des_lieux", anniversaire, fait)

    for chaine in chaines(p.absences, au):
        reprises = [_reprise(a) for a in chaine]
        if None in reprises or not any(a.motif in MOTIFS_DECLENCHANTS for a in chaine):
            continue
        reprise = max(reprises)
        if reprise >= ENTREE_EN_VIGUEUR_2025:
            fait = any(e.date >= mois(reprise, -12) for e in faits)
        else:
            fait = any(e.date >= chaine[0].debut for e in faits)
        noter("retour", jours(reprise, DELAI_RETOUR_JOURS), fait)

    if p.visite is not None:
        if p.visite >= ENTREE_EN_VIGUEUR_2025:
            noter("mi_carriere", mois(p.visite, 2), any(e.date >= p.visite for e in faits))
    elif p.naissance is not None and p.naissance.year + 45 >= 2026:
        annee45 = p.naissance.year + 45
        fait = any(e.type == "mi_carriere" and e.date >= date(annee45, 1, 1) for e in faits)
        noter("mi_carriere", fin_fevrier(annee45 + 1), fait)

    if p.naissance is not None:
        soixante = mois(p.naissance, 720)
        veille = jours(soixante, -1)
        # À partir du 60e anniversaire il ne peut plus être tenu : plus listé (« manquée »).
        if veille >= ENTREE_EN_VIGUEUR_2025 and au < soixante:
            fait = any(mois(soixante, -24) <= e.date < soixante for e in faits)
            noter("avant_60", veille, fait)
    return dues


# --------------------------------------------------------------------------- historiques

LIBELLES_PERIODIQUE = ["Périodique", "Périodique", "Périodique", "periodique", ""]


def historique(
    p: Personne,
    au: date,
    rng: random.Random,
    *,
    dernier: date | None = None,
    edl_sauf_depuis: date | None = None,
    completer: bool = True,
) -> None:
    """Entretiens d'un salarié suivi sérieusement (tous les deux ans, usage d'avant 2025).

    `dernier` : date du dernier entretien (les suivants sont retirés) ; `edl_sauf_depuis` :
    anniversaires des 8 ans à partir de cette date laissés sans état des lieux ;
    `completer` : ajoute l'état des lieux, la mi-carrière et l'avant-60 ans quand ils sont dus.
    """
    fin = dernier if dernier is not None else jours(au, -7)
    m0 = rng.randint(9, 12)
    entretiens: list[Entretien] = []
    j = 0
    while True:
        t = jours(mois(p.entree, m0 + 24 * j), rng.randint(-12, 12))
        j += 1
        if t > fin:
            break
        if t < DEBUT_HISTORIQUE or t < p.entree:
            continue
        if dernier is not None and t > mois(dernier, -8):
            continue
        if t <= mois(p.entree, 14):
            entretiens.append(Entretien(t, "premier", "Premier entretien"))
        else:
            entretiens.append(Entretien(t, "periodique", rng.choice(LIBELLES_PERIODIQUE)))
    if dernier is not None:
        if dernier <= mois(p.entree, 14):
            entretiens.append(Entretien(dernier, "premier", "Premier entretien"))
        else:
            entretiens.append(Entretien(dernier, "periodique", "Périodique"))
    p.entretiens = entretiens

    if not completer:
        return
    # États des lieux : ceux des 6 ans échus avant la réforme (ancien régime, tenus depuis
    # 2020), puis tous les 8 ans à partir du dernier d'entre eux (regles.md §3.2), échus ou
    # proches ; chacun dans l'année qui précède l'anniversaire.
    anciens = (mois(p.entree, ANCIEN_CYCLE_EDL_MOIS * j) for j in range(1, 8))
    bilans = [
        (a, a, rng.choice(["État des lieux", "Bilan 6 ans"]))
        for a in anciens
        if date(2020, 1, 1) <= a < ENTREE_EN_VIGUEUR_2025
    ]
    depart, k = depart_edl(p.entree), 1
    while (anniv := mois(depart, CYCLE_EDL_MOIS * k)) <= jours(au, HORIZON_JOURS):
        k += 1
        suivant = jours(mois(mois(depart, CYCLE_EDL_MOIS * k), -12), -1)
        bilans.append(
            (anniv, suivant, rng.choice(["État des lieux", "État des lieux", "Bilan 8 ans"]))
        )
    for anniv, suivant, libelle in bilans:
        if edl_sauf_depuis is not None and anniv >= edl_sauf_depuis:
            continue
        bas = mois(anniv, -12)
        haut = min(fin, suivant)
        candidats = [e for e in p.entretiens if bas <= e.date <= min(anniv, haut)]
        if candidats:
            candidats[-1].type, candidats[-1].libelle = "etat_des_lieux", libelle
        elif bas <= haut:
            quand = max(bas, min(jours(anniv, -rng.randint(20, 90)), haut))
            p.entretiens.append(Entretien(quand, "etat_des_lieux", libelle))
    # Mi-carrière : visite médicale dans l'année des 45 ans, puis entretien.
    if p.naissance is not None and p.visite is None:
        annee45 = p.naissance.year + 45
        if 2026 <= annee45 <= au.year:
            visite = jours(mois(p.naissance, 540), rng.randint(0, 60))
            if ENTREE_EN_VIGUEUR_2025 <= visite <= jours(au, -45):
                p.visite = visite
                quand = min(jours(visite, rng.randint(20, 40)), fin)
                if quand >= visite:
                    p.entretiens.append(Entretien(quand, "mi_carriere", "Mi-carrière"))
    # Avant 60 ans : un entretien dans les deux ans qui précèdent.
    if p.naissance is not None:
        soixante = mois(p.naissance, 720)
        bas = mois(soixante, -24)
        if jours(soixante, -1) >= ENTREE_EN_VIGUEUR_2025 and bas <= fin:
            if not any(bas <= e.date < soixante for e in p.entretiens):
                quand = max(bas, min(jours(soixante, -rng.randint(60, 200)), fin))
                libelle = rng.choice(["Avant 60 ans", "Fin de carrière"])
                p.entretiens.append(Entretien(quand, "avant_60", libelle))
    p.entretiens.sort(key=lambda e: e.date)


def naissance_aleatoire(rng: random.Random, entree: date, au: date) -> date:
    anciennete = (au - entree).days // 365
    age = rng.randint(min(max(21, anciennete + 20), 62), 62)
    return date(au.year - age, rng.randint(1, 12), rng.randint(1, 28))


# --------------------------------------------------------------------------- situations


@dataclass
class Situation:
    nom: str
    attendus: dict[str, str] | Callable[[date], dict[str, str]]
    construire: Callable[[Personne, date, random.Random], None]
    sexe: str | None = None
    formations_libres: bool = True  # formations tirées au hasard permises
    applicable: Callable[[date], bool] = lambda au: True


def _entree(p: Personne, au: date, rng: random.Random, ans: tuple[int, int]) -> None:
    p.entree = jours(au, -rng.randint(365 * ans[0], 365 * ans[1]))


def _naissance(p: Personne, au: date, rng: random.Random) -> None:
    p.naissance = naissance_aleatoire(rng, p.entree, au)


def _regulier(ans: tuple[int, int]) -> Callable[[Personne, date, random.Random], None]:
    def construire(p: Personne, au: date, rng: random.Random) -> None:
        _entree(p, au, rng, ans)
        _naissance(p, au, rng)
        historique(p, au, rng)

    return construire


def _nouveau(mois_avant: int, jours_en_plus: int, premier_fait: int | None = None):
    """Embauche `mois_avant` mois avant `au` ; `premier_fait` : entretien à `au` + n jours."""

    def construire(p: Personne, au: date, rng: random.Random) -> None:
        p.entree = jours(mois(au, -mois_avant), jours_en_plus + rng.randint(0, 5))
        _naissance(p, au, rng)
        if premier_fait is not None:
            quand = jours(au, premier_fait)
            p.entretiens = [Entretien(quand, "premier", "Premier entretien")]

    return construire


def _entree_fixe(quand: date):
    def construire(p: Personne, au: date, rng: random.Random) -> None:
        p.entree = quand
        _naissance(p, au, rng)

    return construire


def _premier_absolu(entree: date) -> Callable[[date], dict[str, str]]:
    """Premier entretien d'une embauche à date fixe, sans entretien depuis (regles.md §3.1)."""

    def attendus(au: date) -> dict[str, str]:
        etat = statut(premier_du(entree), au)
        return {"premier": etat} if etat else {}

    return attendus


def _periodique_attendu(dernier: Callable[[date], date]) -> Callable[[date], dict[str, str]]:
    """Le périodique qui suit le dernier entretien `dernier(au)` (regles.md §3.1)."""

    def attendus(au: date) -> dict[str, str]:
        etat = statut(periodique_du(dernier(au)), au)
        return {"periodique": etat} if etat else {}

    return attendus


def _il_y_a(mois_avant: int, jours_en_plus: int = 0) -> Callable[[date], date]:
    return lambda au: jours(mois(au, -mois_avant), jours_en_plus)


def _dernier(quand: Callable[[date], date], ans: tuple[int, int] = (6, 14)):
    """Entretiens réguliers jusqu'au dernier, daté `quand(au)` ; embauche `ans` avant."""

    def construire(p: Personne, au: date, rng: random.Random) -> None:
        dernier = quand(au)
        p.entree = jours(dernier, -rng.randint(365 * ans[0], 365 * ans[1]))
        _naissance(p, au, rng)
        historique(p, au, rng, dernier=dernier)

    return construire


def _edl(
    decalage: int,
    *,
    seul_entretien: int | None,
    fait: int | None,
    ans: int = 8,
    aucun_autre: bool = False,
):
    """Anniversaire des `ans` ans d'ancienneté à `au + decalage` jours.

    `seul_entretien` : un seul entretien (il y a n mois) au lieu d'un suivi régulier ;
    `aucun_autre` : aucun entretien que l'état des lieux tenu il y a `fait` jours.
    """

    def construire(p: Personne, au: date, rng: random.Random) -> None:
        p.entree = jours(mois(au, -12 * ans), decalage)
        _naissance(p, au, rng)
        anniv = mois(p.entree, 12 * ans)
        if aucun_autre:
            p.entretiens = []
        elif seul_entretien is not None:
            # Un seul entretien en huit ans : moins que les deux prévus (96 // 48).
            p.entretiens = [Entretien(mois(au, -seul_entretien), "periodique", "Périodique")]
        else:
            historique(p, au, rng, edl_sauf_depuis=jours(anniv, -400))
        if fait is not None:
            libelle = rng.choice(["État des lieux", "Bilan 8 ans"])
            p.entretiens.append(Entretien(jours(au, -fait), "etat_des_lieux", libelle))

    return construire


def _edl_possible(decalage: int, ans: int = 8) -> Callable[[date], bool]:
    """L'anniversaire des `ans` ans voulu par `_edl` est-il un état des lieux à cette date ?

    Non si un état des lieux des 6 ans a été échu entre-temps sous l'ancien régime : le
    cycle de 8 ans repart de lui (regles.md §3.2) ; aucun n'est dû avant le 26/10/2027.
    """

    def applicable(au: date) -> bool:
        entree = jours(mois(au, -12 * ans), decalage)
        return mois(depart_edl(entree), CYCLE_EDL_MOIS) == mois(entree, 12 * ans)

    return applicable


def _entree_fixe_suivie(quand: date, ans: tuple[int, int] = (4, 8)):
    """Embauche à date fixe, entretiens réguliers (tous les deux ans) jusqu'à `au`."""

    def construire(p: Personne, au: date, rng: random.Random) -> None:
        p.entree = quand
        _naissance(p, au, rng)
        historique(p, au, rng)

    return construire


def _retour(
    motif: str,
    libelle: str,
    debut_mois: int,
    *,
    fin: int | None = None,
    reprise: int | None = None,
    dernier_mois: int,
    apres: tuple[int, str] | None = None,
):
    """Absence commencée il y a `debut_mois` mois ; fin/reprise en jours relatifs à `au`."""

    def construire(p: Personne, au: date, rng: random.Random) -> None:
        _entree(p, au, rng, (5, 15))
        _naissance(p, au, rng)
        historique(p, au, rng, dernier=mois(au, -dernier_mois))
        p.absences.append(
            Absence(
                motif,
                libelle,
                jours(mois(au, -debut_mois), rng.randint(-5, 5)),
                jours(au, fin) if fin is not None else None,
                jours(au, reprise) if reprise is not None else None,
            )
        )
        if apres is not None:
            e = Entretien(jours(au, apres[0]), apres[1], _LIBELLES[apres[1]], conduit_par_rh=True)
            p.entretiens.append(e)

    return construire


def _chaine(
    maillons: list[tuple[str, str, int]], *, en_cours: bool = False, dernier_mois: int = 20
):
    """Absences enchaînées (regles.md §3.3) : (code, libellé, durée en jours) de chacune.

    La dernière finit `fin` jours avant `au` (en cours si `en_cours`) ; chaque absence finit
    un vendredi et la suivante commence le lundi : le week-end ne coupe pas la chaîne.
    """

    def construire(p: Personne, au: date, rng: random.Random) -> None:
        _entree(p, au, rng, (4, 12))
        _naissance(p, au, rng)
        historique(p, au, rng, dernier=mois(au, -dernier_mois))
        fin = jours(au, -rng.randint(8, 20))
        fin = jours(fin, -((fin.weekday() - 4) % 7))  # le vendredi précédent
        absences = []
        for code, libelle, duree in reversed(maillons):
            debut = jours(fin, -duree)
            debut = jours(debut, -debut.weekday())  # le lundi de la semaine
            absences.append(Absence(code, libelle, debut, fin))
            fin = jours(debut, -3)  # le vendredi d'avant
        absences.reverse()
        if en_cours:
            absences[-1].fin = None
        p.absences.extend(absences)

    return construire


_LIBELLES = {
    "periodique": "Périodique",
    "retour": "Retour de congé",
    "mi_carriere": "Mi-carrière",
    "avant_60": "Avant 60 ans",
}


def _mi_carriere(
    annees: int, visite: int | None, entretien: int | None, dernier_mois: int | None = None
):
    def construire(p: Personne, au: date, rng: random.Random) -> None:
        _entree(p, au, rng, (3, 15))
        p.naissance = date(au.year - annees, rng.randint(1, 12), rng.randint(1, 28))
        if visite is not None:
            p.visite = jours(au, visite)
        dernier = mois(au, -dernier_mois) if dernier_mois else None
        historique(p, au, rng, dernier=dernier, completer=False)
        if entretien is not None:
            p.entretiens.append(Entretien(jours(au, entretien), "mi_carriere", "Mi-carrière"))

    return construire


def _avant_60(soixante: int, entretien: tuple[int, str] | None):
    def construire(p: Personne, au: date, rng: random.Random) -> None:
        anniv = jours(au, soixante)
        p.naissance = mois(anniv, -720)
        _entree(p, au, rng, (4, 30))
        fenetre = mois(anniv, -24)
        if fenetre <= au:
            historique(p, au, rng, dernier=jours(fenetre, -rng.randint(10, 40)), completer=False)
        else:
            historique(p, au, rng, completer=False)
        if entretien is not None:
            p.entretiens.append(Entretien(jours(au, entretien[0]), "avant_60", entretien[1]))

    return construire


def _depart(quitte: int, dernier_mois: int):
    def construire(p: Personne, au: date, rng: random.Random) -> None:
        _entree(p, au, rng, (6, 12))
        _naissance(p, au, rng)
        historique(p, au, rng, dernier=mois(au, -dernier_mois))
        p.sortie = jours(au, quitte)

    return construire


def situations() -> list[Situation]:
    """Les cas que le moteur de règles connaît, chacun avec les échéances qu'il doit produire.

    Les situations de la version 2 des règles (regles.md, en tête) sont marquées « (v2) » :
    tests/test_exemple.py vérifie qu'elles figurent dans l'exemple à chaque date où la loi
    les rend possibles.
    """
    r, p = "en_retard", "a_planifier"
    s = Situation
    return [
        # Premier entretien (dans l'année qui suit l'embauche).
        s("embauche il y a 4 mois, sans entretien", {}, _nouveau(4, 0)),
        s("embauche il y a 7 mois, sans entretien", {}, _nouveau(7, 0)),
        s(
            "embauche il y a ~10 mois, premier entretien à planifier",
            {"premier": p},
            _nouveau(12, 35),
        ),
        s(
            "embauche il y a 13 mois, premier entretien en retard",
            {"premier": r},
            _nouveau(13, -10),
        ),
        s("embauche il y a 11 mois, premier entretien fait", {}, _nouveau(11, 0, -30)),
        s(
            "(v2) embauche le 01/11/2024, avant la réforme : premier entretien dû le 26/10/2026",
            _premier_absolu(date(2024, 11, 1)),
            _entree_fixe(date(2024, 11, 1)),
            applicable=lambda au: au >= date(2024, 12, 1),
        ),
        s(
            "(v2) embauche le 01/07/2024 : l'ancien délai de deux ans finit avant (01/07/2026)",
            _premier_absolu(date(2024, 7, 1)),
            _entree_fixe(date(2024, 7, 1)),
            applicable=lambda au: au >= date(2024, 8, 1),
        ),
        s(
            "(v2) embauche en 2012, jamais d'entretien : premier dû le 07/03/2016, pas avant",
            _premier_absolu(date(2012, 9, 3)),
            _entree_fixe(date(2012, 9, 3)),
        ),
        s("embauche dans 15 jours (pas encore pris en compte)", {}, _nouveau(0, 15)),
        # Périodique : l'ancien délai de deux ans s'il était échu le 26/10/2025, sinon 48 mois.
        s(
            "dernier entretien il y a 50 mois",
            _periodique_attendu(_il_y_a(50)),
            _dernier(_il_y_a(50)),
        ),
        s(
            "dernier entretien il y a 55 mois",
            _periodique_attendu(_il_y_a(55)),
            _dernier(_il_y_a(55), ans=(9, 20)),
        ),
        s(
            "dernier entretien il y a 47 mois",
            _periodique_attendu(_il_y_a(47)),
            _dernier(_il_y_a(47)),
        ),
        s(
            "dernier entretien il y a 48 mois moins 45 jours + entretien prévu après --au",
            _periodique_attendu(_il_y_a(48, 45)),
            _dernier(_il_y_a(48, 45)),
        ),
        s(
            "dernier entretien il y a 44 mois",
            _periodique_attendu(_il_y_a(44)),
            _dernier(_il_y_a(44)),
        ),
        s(
            "(v2) dernier entretien le 15/12/2022 : en retard depuis le 15/12/2024 (délai échu "
            "avant la réforme)",
            _periodique_attendu(lambda au: date(2022, 12, 15)),
            _dernier(lambda au: date(2022, 12, 15), ans=(2, 9)),
            applicable=lambda au: au >= date(2024, 12, 16),
        ),
        s(
            "(v2) dernier entretien le 12/01/2024 : délai en cours à la réforme, 4 ans "
            "(12/01/2028)",
            _periodique_attendu(lambda au: date(2024, 1, 12)),
            _dernier(lambda au: date(2024, 1, 12), ans=(2, 9)),
            applicable=lambda au: au >= date(2024, 2, 1),
        ),
        s("sortie à la date --au, entretien en retard", {"periodique": r}, _depart(0, 49)),
        s("sorti il y a 3 mois", {}, _depart(-92, 60)),
        # État des lieux (tous les 8 ans, depuis celui des 6 ans échu avant la réforme s'il y
        # en a un) : aucun n'est dû avant le 26/10/2027.
        s(
            "(v2) embauche le 15/11/2018 : état des lieux des 6 ans échu le 15/11/2024, le "
            "suivant le 15/11/2032 (pas d'abondement en 2026)",
            {},
            _entree_fixe_suivie(date(2018, 11, 15)),
            formations_libres=False,
            applicable=lambda au: date(2025, 10, 26) <= au <= date(2032, 9, 1),
        ),
        s(
            "8 ans dans 30 jours, entretiens réguliers, sans état des lieux",
            {"etat_des_lieux": p},
            _edl(30, seul_entretien=None, fait=None),
            applicable=_edl_possible(30),
        ),
        s(
            "8 ans il y a 20 jours, un seul entretien, aucune formation non obligatoire "
            "(abondement correctif)",
            {"etat_des_lieux": r},
            _edl(-20, seul_entretien=36, fait=None),
            formations_libres=False,
            applicable=_edl_possible(-20),
        ),
        s(
            "8 ans il y a 40 jours, un seul entretien mais une formation non obligatoire",
            {"etat_des_lieux": r},
            _edl(-40, seul_entretien=30, fait=None),
            formations_libres=False,
            applicable=_edl_possible(-40),
        ),
        s(
            "8 ans dans 50 jours, état des lieux fait il y a 2 mois",
            {},
            _edl(50, seul_entretien=None, fait=60),
            applicable=_edl_possible(50),
        ),
        s(
            "(v2) 8 ans il y a 10 jours, état des lieux tenu il y a 3 mois sans autre entretien : "
            "abondement à verser au trimestre qui suit l'entretien",
            {},
            _edl(-10, seul_entretien=None, fait=90, aucun_autre=True),
            formations_libres=False,
            applicable=_edl_possible(-10),
        ),
        s(
            "14 ans dans 15 jours (8 ans après celui des 6 ans), certifié et promu, sans état "
            "des lieux",
            {"etat_des_lieux": p},
            _edl(15, seul_entretien=None, fait=None, ans=14),
            formations_libres=False,
            applicable=_edl_possible(15, ans=14),
        ),
        # Retours de congé (régime 2025 : dispense si entretien dans les 12 mois avant).
        s(
            "retour de congé de maternité il y a 10 jours",
            {"retour": p},
            _retour("maternite", "Congé de maternité", 5, reprise=-10, dernier_mois=20),
            sexe="F",
        ),
        s(
            "retour de congé d'adoption (date de fin seulement)",
            {"retour": r},
            _retour("adoption", "Congé d'adoption", 4, fin=-50, dernier_mois=22),
        ),
        s(
            "retour de congé parental d'éducation il y a 5 jours",
            {"retour": p},
            _retour(
                "conge_parental", "Congé parental d'éducation", 14, reprise=-5, dernier_mois=22
            ),
        ),
        s(
            "fin de temps partiel parental il y a 20 jours",
            {"retour": p},
            _retour("conge_parental", "Temps partiel parental", 13, fin=-20, dernier_mois=22),
        ),
        s(
            "retour de congé de soutien familial, dispensé (entretien 6 mois avant)",
            {},
            _retour("proche_aidant", "Congé de soutien familial", 3, reprise=-61, dernier_mois=6),
        ),
        s(
            "retour de congé de proche aidant il y a 25 jours",
            {"retour": p},
            _retour("proche_aidant", "Congé de proche aidant", 2, reprise=-25, dernier_mois=18),
        ),
        s(
            "retour de congé sabbatique (date de fin seulement)",
            {"retour": r},
            _retour("sabbatique", "Congé sabbatique", 8, fin=-45, dernier_mois=22),
        ),
        s(
            "retour de mobilité volontaire sécurisée, entretien de retour fait",
            {},
            _retour(
                "mobilite_volontaire",
                "Mobilité volontaire sécurisée",
                12,
                reprise=-92,
                dernier_mois=22,
                apres=(-61, "retour"),
            ),
        ),
        s(
            "arrêt longue maladie en cours",
            {},
            _retour("longue_maladie", "Arrêt longue maladie", 9, dernier_mois=20),
        ),
        s(
            "reprise après affection de longue durée il y a 15 jours",
            {"retour": p},
            _retour("longue_maladie", "Affection de longue durée", 7, reprise=-15, dernier_mois=22),
        ),
        s(
            "fin de mandat syndical il y a 40 jours",
            {"retour": r},
            _retour("mandat_syndical", "Mandat syndical", 26, fin=-40, dernier_mois=22),
        ),
        s(
            "(v2) retour de congé supplémentaire de naissance il y a 15 jours",
            {"retour": p},
            _retour(
                "conge_naissance",
                "Congé supplémentaire de naissance",
                2,
                fin=-16,
                dernier_mois=20,
            ),
            applicable=lambda au: au >= date(2026, 3, 1),
        ),
        s(
            "(v2) congé de naissance de 3 jours puis congé de paternité : sans effet",
            {},
            _chaine(
                [
                    ("naissance", "Congé de naissance (3 jours)", 2),
                    ("paternite", "Congé de paternité", 24),
                ]
            ),  # fmt: skip
            sexe="M",
        ),
        s(
            "(v2) congé de maternité, puis congé parental, puis congés payés : un seul retour",
            {"retour": p},
            _chaine(
                [
                    ("maternite", "Congé de maternité", 110),
                    ("conge_parental", "Congé parental d'éducation", 180),
                    ("conges_payes", "Congés payés", 11),
                ]
            ),  # fmt: skip
            sexe="F",
        ),
        s(
            "(v2) congé de maternité puis congé parental en cours : pas de retour en retard",
            {},
            _chaine(
                [
                    ("maternite", "Congé de maternité", 110),
                    ("conge_parental", "Congé parental d'éducation", 60),
                ],
                en_cours=True,
            ),  # fmt: skip
            sexe="F",
        ),
        # Mi-carrière (visite médicale des 45 ans).
        s(
            "45 ans cette année, visite il y a 45 jours",
            {"mi_carriere": p},
            _mi_carriere(45, visite=-45, entretien=None),
        ),
        s(
            "45 ans cette année, visite il y a 70 jours, entretien fait",
            {},
            _mi_carriere(45, visite=-70, entretien=-30),
        ),
        s(
            "45 ans cette année, visite non renseignée",
            _mi_sans_visite(0),
            _mi_carriere(45, visite=None, entretien=None),
        ),
        s(
            "45 ans l'an dernier, visite non renseignée, sans entretien",
            _mi_sans_visite(1),
            _mi_carriere(46, visite=None, entretien=None),
        ),
        s(
            "visite mi-carrière il y a 4 mois, sans entretien",
            {"mi_carriere": r},
            _mi_carriere(45, visite=-122, entretien=None),
        ),
        # Avant 60 ans.
        s(
            "60 ans dans 30 jours, sans entretien depuis 58 ans",
            {"avant_60": p},
            _avant_60(30, None),
        ),
        s(
            "60 ans dans 45 jours, entretien avant 60 ans fait",
            {},
            _avant_60(45, (-180, "Avant 60 ans")),
        ),
        s("58 ans, 60 ans dans 14 mois, pas encore d'entretien", {}, _avant_60(426, None)),
        s(
            "58 ans, entretien de fin de carrière fait",
            {},
            _avant_60(610, (-90, "Fin de carrière")),
        ),
        s(
            "(v2) 60 ans il y a 20 jours, sans entretien dans les deux ans : manqué, plus listé",
            {},
            _avant_60(-20, None),
        ),
    ]


def _mi_sans_visite(ans_ecoules: int) -> Callable[[date], dict[str, str]]:
    def attendus(au: date) -> dict[str, str]:
        annee45 = au.year - ans_ecoules
        echeance = fin_fevrier(annee45 + 1)
        if annee45 < 2026 or echeance > jours(au, HORIZON_JOURS):
            return {}
        return {"mi_carriere": "en_retard" if echeance < au else "a_planifier"}

    return attendus


# --------------------------------------------------------------------------- société

SERVICES = {
    # service : (établissement, poste du responsable (M, F), postes des équipes)
    "Direction": (
        "Siège – Lyon 3e",
        ("Directeur général", "Directrice générale"),
        [("Assistant de direction", "Assistante de direction")],
    ),
    "Production": (
        "Usine de Saint-Priest",
        ("Responsable de production", "Responsable de production"),
        [
            ("Opérateur de production", "Opératrice de production"),
            ("Opérateur de production", "Opératrice de production"),
            ("Conducteur de ligne", "Conductrice de ligne"),
            ("Technicien de maintenance", "Technicienne de maintenance"),
            (
                "Technicien méthodes & industrialisation",
                "Technicienne méthodes & industrialisation",
            ),
            ("Régleur", "Régleuse"),
        ],
    ),
    "Logistique": (
        "Usine de Saint-Priest",
        ("Responsable Achats & Logistique", "Responsable Achats & Logistique"),
        [
            ("Cariste", "Cariste"),
            ("Préparateur de commandes", "Préparatrice de commandes"),
            ("Magasinier", "Magasinière"),
            ("Acheteur", "Acheteuse"),
        ],
    ),
    "Commercial": (
        "Siège – Lyon 3e",
        ("Directeur commercial", "Directrice commerciale"),
        [
            ("Chargé d'affaires", "Chargée d'affaires"),
            ("Technico-commercial", "Technico-commerciale"),
            ("Assistant ADV", "Assistante ADV"),
        ],
    ),
    "Comptabilité": (
        "Siège – Lyon 3e",
        ("Responsable administratif et financier", "Responsable administrative et financière"),
        [
            ("Comptable", "Comptable"),
            ("Assistant comptable", "Assistante comptable"),
            ("Contrôleur de gestion", "Contrôleuse de gestion"),
        ],
    ),
    "Ressources humaines": (
        "Siège – Lyon 3e",
        ("Responsable des ressources humaines", "Responsable des ressources humaines"),
        [
            ("Chargé de recrutement", "Chargée de recrutement"),
            ("Gestionnaire de paie", "Gestionnaire de paie"),
        ],
    ),
    "Informatique": (
        "Siège – Lyon 3e",
        ("Responsable informatique", "Responsable informatique"),
        [
            ("Administrateur systèmes & réseaux", "Administratrice systèmes & réseaux"),
            ("Développeur", "Développeuse"),
            ("Technicien support", "Technicienne support"),
        ],
    ),
    "Qualité": (
        "Usine de Saint-Priest",
        ("Responsable qualité", "Responsable qualité"),
        [
            ("Technicien qualité & méthodes", "Technicienne qualité & méthodes"),
            ("Animateur QSE", "Animatrice QSE"),
            ("Contrôleur qualité", "Contrôleuse qualité"),
        ],
    ),
}
# Membres des équipes hors responsables (≈ 80 salariés au total avec les responsables).
EFFECTIFS = {
    "Direction": 1,
    "Production": 24,
    "Logistique": 12,
    "Commercial": 10,
    "Comptabilité": 6,
    "Ressources humaines": 3,
    "Informatique": 7,
    "Qualité": 6,
}

PRENOMS_F = [
    "Hélène", "Françoise", "Maëlle", "Zoé", "Émilie", "Camille", "Léa", "Chloé", "Inès",
    "Agnès", "Céline", "Sophie", "Nathalie", "Sandrine", "Aurélie", "Mélanie", "Juliette",
    "Manon", "Anaïs", "Noémie", "Josiane", "Brigitte", "Valérie", "Sylvie", "Laëtitia",
    "Gaëlle", "Océane", "Clémence", "Margaux", "Élodie", "Isabelle", "Martine", "Bérénice",
    "Amélie", "Solène", "Maïté", "Ophélie", "Régine", "Lucie", "Cécile", "Estelle",
    "Séverine", "Nadège", "Perrine", "Armelle",
]  # fmt: skip
PRENOMS_M = [
    "Loïc", "Jérôme", "Benoît", "Noël", "François", "Étienne", "Thierry", "Stéphane",
    "Frédéric", "Sébastien", "Raphaël", "Gaël", "Anthony", "Hugo", "Lucas", "Théo", "Jérémy",
    "Cédric", "Rémi", "André", "Hervé", "Joël", "Léon", "Maxime", "Nicolas", "Olivier",
    "Pascal", "Yannick", "Grégoire", "Aurélien", "Mickaël", "Quentin", "Bastien", "Adrien",
    "Valentin", "Jean-Noël", "Anthonin", "Fabien", "Jean-Rémi", "Killian", "Matthieu",
    "Clément", "Arnaud", "Félix",
]  # fmt: skip
NOMS = [
    "Lefèvre", "Béranger", "Château", "D'Artagnan", "Dupré", "Génin", "Fabre", "Mercier",
    "Girard", "Rousseau", "Gauthier", "Perrin", "Morel", "Fournier", "Lambert", "Bonnet",
    "Lemaire", "Roche", "Chevalier", "Barbier", "Marchand", "Boyer", "Garnier", "Faure",
    "Rolland", "Blanchard", "Guérin", "Hébert", "Lacroix", "Rivière", "Lévêque", "Carré",
    "Brûlé", "Crémieux", "Thévenet", "Pagès", "Delaunay", "Ménard", "Jourdan", "Vidal",
    "Masson", "Renaud", "Colin", "Aubert", "Prévost", "Clément", "Lemoine", "Sénéchal",
    "Desjardins", "Bérard", "Ferrière", "Dumas", "Giraud", "Maréchal", "Le Goff", "Mégret",
    "Névé", "Sauvé", "Tréguier", "Vallée", "Écuyer", "Aubry", "Bouchard", "Charrier",
    "Dufour", "Escoffier", "Forestier", "Gaillard", "Joubert", "Laforêt", "Moulin",
    "Pelletier", "Quéré", "Rey", "Samson", "Tessier", "Vasseur", "Zeller", "Baudoin",
    "Cordier", "Delorme", "Fontaine", "Guillot", "Héraud", "Jacquet", "Lenoir",
]  # fmt: skip
RUES = [
    "rue des Acacias", "avenue des Tilleuls", "chemin des Vignes", "rue du Vieux Moulin",
    "impasse des Peupliers", "place des Marronniers", "allée des Cerisiers",
    "boulevard des Platanes", "rue de la Fontaine", "rue des Glycines", "quai des Mariniers",
    "montée des Lavandières", "rue des Canuts imaginaires", "cours des Hirondelles",
    "rue Élise-Fictive", "chemin de la Côte-Rôtie", "rue des Tisserands", "allée des Érables",
]  # fmt: skip
VILLES = [
    ("69001", "Lyon"), ("69003", "Lyon"), ("69004", "Lyon"), ("69006", "Lyon"),
    ("69007", "Lyon"), ("69008", "Lyon"), ("69100", "Villeurbanne"), ("69200", "Vénissieux"),
    ("69300", "Caluire-et-Cuire"), ("69500", "Bron"), ("69600", "Oullins"),
    ("69800", "Saint-Priest"), ("69130", "Écully"), ("69140", "Rillieux-la-Pape"),
    ("69120", "Vaulx-en-Velin"), ("69230", "Saint-Genis-Laval"),
]  # fmt: skip

FORMATIONS_OBLIGATOIRES = {
    "Production": ["Habilitation électrique B1V", "Sauveteur secouriste du travail (SST)"],
    "Logistique": ["CACES R489 catégorie 3", "CACES R489 catégorie 5"],
    "Qualité": ["Habilitation électrique BE Mesure"],
    "*": ["Formation sécurité incendie – équipier de première intervention"],
}
FORMATIONS_CERTIFIANTES = [
    "Titre professionnel Préparateur de commandes",
    "CléA – socle de connaissances et de compétences",
    "CQP Conducteur de ligne",
    "TOEIC (anglais)",
    "VAE – BTS Comptabilité et gestion",
]
FORMATIONS_LIBRES = [
    "Excel perfectionnement",
    "Management d'équipe",
    "Anglais professionnel",
    "Gestion du temps & des priorités",
    "Prise de parole en public",
    "Lean management – initiation",
    "Négociation commerciale",
]


def _ascii(texte: str) -> str:
    sans = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return "".join(c for c in sans.lower() if c.isalnum() or c == "-")


# --------------------------------------------------------------------------- génération


@dataclass
class Exemple:
    au: date
    personnes: list[Personne]
    omises: list[str] = field(default_factory=list)  # situations impossibles à cette date

    @property
    def attendus(self) -> dict[str, dict[str, str]]:
        """Échéances déclarées par matricule (vide : rien à planifier)."""
        return {p.matricule: dict(p.attendus) for p in self.personnes}


def _tirer(
    rng: random.Random,
    au: date,
    construire: Callable[[Personne, date, random.Random], None],
    attendus: dict[str, str],
    situation: str,
) -> Personne:
    for _ in range(400):
        p = Personne(situation=situation)
        construire(p, au, rng)
        if echeances_attendues(p, au) == attendus:
            p.attendus = attendus
            return p
    raise RuntimeError(f"situation impossible à tirer au {au:%d/%m/%Y} : {situation}")


def generer(au: date, graine: int = GRAINE_DEFAUT) -> Exemple:
    """Construit le registre fictif relatif à `au` (déterministe pour `au` et `graine`)."""
    rng = random.Random(graine)
    personnes: list[Personne] = []

    # Les responsables : ordinaires, à jour, anciens.
    responsables: dict[str, Personne] = {}
    for service in SERVICES:
        p = _tirer(rng, au, _regulier((6, 22)), {}, f"responsable {service}")
        p.service, p.responsable = service, True
        p.sexe = rng.choice("FM")
        responsables[service] = p
        personnes.append(p)
    chefs = []
    for _ in range(2):
        p = _tirer(rng, au, _regulier((5, 18)), {}, "chef d'équipe production")
        p.service, p.sexe = "Production", rng.choice("FM")
        chefs.append(p)
        personnes.append(p)

    membres = [s for s, n in EFFECTIFS.items() for _ in range(n)]
    rng.shuffle(membres)
    omises: list[str] = []
    for situation in situations():
        if not situation.applicable(au):
            omises.append(situation.nom)
            continue
        attendus = situation.attendus
        if callable(attendus):
            attendus = attendus(au)
        try:
            p = _tirer(rng, au, situation.construire, attendus, situation.nom)
        except RuntimeError:
            # Date trop ancienne (avant la loi 2025) : la situation n'existe pas encore.
            omises.append(situation.nom)
            continue
        p.sexe = situation.sexe or rng.choice("FM")
        p.service = membres.pop() if membres else "Production"
        p.formations_libres = situation.formations_libres
        personnes.append(p)
    while membres:
        p = _tirer(rng, au, _regulier((0, 25)), {}, "salarié à jour")
        p.service, p.sexe = membres.pop(), rng.choice("FM")
        personnes.append(p)

    _completer_equipes(rng, personnes, responsables, chefs)
    _une_esperluette_parmi_les_convoques(personnes)
    _completer_vie(rng, personnes, au)
    _nommer(rng, personnes)
    _numeroter(rng, personnes)
    return Exemple(au, personnes, omises)


def _completer_equipes(
    rng: random.Random,
    personnes: list[Personne],
    responsables: dict[str, Personne],
    chefs: list[Personne],
) -> None:
    direction = responsables["Direction"]
    responsables["Ressources humaines"].sexe = "F"  # Claire Martin, signataire des paramètres
    for p in personnes:
        etab, poste_resp, postes = SERVICES[p.service]
        if p.responsable:
            p.poste = poste_resp[p.sexe == "F"]
            p.manager = None if p is direction else direction
        elif any(p is chef for chef in chefs):
            p.poste = "Cheffe d'équipe" if p.sexe == "F" else "Chef d'équipe"
            p.manager = responsables["Production"]
        else:
            p.poste = rng.choice(postes)[p.sexe == "F"]
            if p.service == "Production":
                p.manager = rng.choice(chefs)
            else:
                p.manager = responsables[p.service]
        p.etablissement = etab


def _une_esperluette_parmi_les_convoques(personnes: list[Personne]) -> None:
    """Un salarié à convoquer au moins a un « & » dans son poste : les documents doivent
    l'écrire tel quel (échappement), et tests/test_documents.py le vérifie."""
    dus = [p for p in personnes if p.attendus and not p.responsable and p.manager is not None]
    if any("&" in p.poste for p in dus):
        return
    for p in dus:
        postes = [poste for poste in SERVICES[p.service][2] if "&" in poste[0]]
        if postes:
            p.poste = postes[0][p.sexe == "F"]
            return


def _completer_vie(rng: random.Random, personnes: list[Personne], au: date) -> None:
    """Formations, évolutions et absences sans effet : la vie ordinaire d'un registre."""
    for p in personnes:
        debut = max(p.entree, date(2015, 1, 1))
        fin = min(jours(au, -10), p.sortie or au)
        libres = p.formations_libres
        duree = (fin - debut).days
        if duree > 60:
            obligatoires = FORMATIONS_OBLIGATOIRES.get(p.service, FORMATIONS_OBLIGATOIRES["*"])
            for intitule in rng.sample(obligatoires, k=min(len(obligatoires), rng.randint(0, 2))):
                quand = jours(debut, rng.randint(0, duree))
                valeur = rng.choice(["oui", "oui", "Oui", "x"])
                p.formations.append(Formation(intitule, quand, valeur, ""))
            if libres and rng.random() < 0.6:
                intitule = rng.choice(FORMATIONS_LIBRES)
                valeur = rng.choice(["non", "non", ""])
                quand = jours(debut, rng.randint(0, duree))
                p.formations.append(Formation(intitule, quand, valeur, "non"))
            if libres and rng.random() < 0.2:
                intitule = rng.choice(FORMATIONS_CERTIFIANTES)
                quand = jours(debut, rng.randint(0, duree))
                p.formations.append(Formation(intitule, quand, "non", "oui"))
            if libres and duree > 700 and rng.random() < 0.45:
                nature = rng.choice(["salariale", "salariale", "professionnelle"])
                commentaire = (
                    "Augmentation individuelle"
                    if nature == "salariale"
                    else "Passage au coefficient supérieur"
                )
                quand = jours(debut, rng.randint(365, duree))
                p.evolutions.append(Evolution(quand, nature, commentaire))
        if p.situation.startswith("16 ans"):
            # Les trois critères de l'état des lieux sont remplis.
            p.formations.append(
                Formation("Titre professionnel Conducteur d'installations & de machines "
                          "automatisées", mois(au, -30), "non", "oui")
            )  # fmt: skip
            p.formations.append(Formation("CléA numérique", mois(au, -50), "", "oui"))
            p.evolutions.append(Evolution(mois(au, -20), "professionnelle", "Promotion"))
            p.evolutions.append(Evolution(mois(au, -8), "salariale", "Augmentation"))
        if p.situation.startswith("8 ans il y a 20 jours"):
            p.formations.append(
                Formation("Habilitation électrique B1V", mois(au, -40), "oui", "non")
            )
        if p.situation.startswith("8 ans il y a 40 jours"):
            p.formations.append(Formation("Anglais professionnel", mois(au, -25), "non", ""))
        if p.situation.startswith("8 ans dans 30 jours"):
            p.formations.append(Formation("CACES R489 catégorie 3", mois(au, -26), "x", ""))
        # Absences sans effet sur les entretiens, et une ancienne maternité honorée.
        tirage = rng.random()
        if p.absences or p.entree > mois(au, -14) or p.sortie is not None:
            continue
        if tirage < 0.12:
            debut_abs = jours(au, -rng.randint(60, 300))
            fin_abs = jours(debut_abs, rng.randint(3, 20))
            p.absences.append(Absence("maladie", "Maladie", debut_abs, fin_abs, None))
        elif tirage < 0.2:
            debut_abs = jours(au, -rng.randint(30, 200))
            p.absences.append(
                Absence("conges_payes", "Congés payés", debut_abs, jours(debut_abs, 13), None)
            )
        elif tirage < 0.24 and p.sexe == "M":
            debut_abs = jours(au, -rng.randint(60, 400))
            fin_abs = jours(debut_abs, 24)
            p.absences.append(
                Absence("paternite", "Congé de paternité", debut_abs, fin_abs, jours(fin_abs, 1))
            )
        elif tirage < 0.27:
            debut_abs = jours(au, -rng.randint(100, 500))
            p.absences.append(
                Absence("accident_travail", "Accident du travail", debut_abs,
                        jours(debut_abs, 21), None)
            )  # fmt: skip


def _nommer(rng: random.Random, personnes: list[Personne]) -> None:
    # Les noms à accents et apostrophe sont toujours présents (échappement, tri, courriels).
    imposes = ["Lefèvre", "Béranger", "Château", "D'Artagnan"]
    autres = [n for n in NOMS if n not in imposes]
    rng.shuffle(autres)
    noms = imposes + autres[: max(0, len(personnes) - len(imposes))]
    rng.shuffle(noms)
    pris: set[str] = set()
    prenoms = {"F": PRENOMS_F[:], "M": PRENOMS_M[:]}
    for liste in prenoms.values():
        rng.shuffle(liste)
    sans_email = 0
    compte = {"F": 0, "M": 0}
    for i, p in enumerate(personnes):
        if p.service == "Ressources humaines" and p.responsable:
            p.prenom, p.nom = "Claire", "Martin"
        else:
            p.nom = noms[i % len(noms)]
            liste = prenoms[p.sexe]
            p.prenom = liste[compte[p.sexe] % len(liste)]
            compte[p.sexe] += 1
        cle = f"{_ascii(p.prenom)}.{_ascii(p.nom)}"
        while cle in pris:
            cle += "2"
        pris.add(cle)
        # Quelques opérateurs n'ont pas d'adresse électronique : convocation papier.
        sans = (
            p.service in ("Production", "Logistique")
            and not p.responsable
            and p.poste.startswith(("Opérat", "Caris", "Magasin"))
            and sans_email < 6
            and rng.random() < 0.35
        )
        if sans:
            sans_email += 1
            p.email = ""
        else:
            p.email = f"{cle}@exemple.fr"
        cp, ville = rng.choice(VILLES)
        numero = rng.randint(1, 140)
        bis = rng.choice(["", "", "", "", " bis", " ter"])
        p.adresse = f"{numero}{bis} {rng.choice(RUES)}"
        if rng.random() < 0.15:
            p.adresse += f", bât. {rng.choice('ABC')}, appt {rng.randint(1, 40)}"
        p.code_postal, p.ville = cp, ville


def _numeroter(rng: random.Random, personnes: list[Personne]) -> None:
    # Matricules attribués dans l'ordre des embauches, avec des trous (anciens salariés).
    numero = 2
    for p in sorted(personnes, key=lambda q: (q.entree, q.nom, q.prenom)):
        numero += rng.randint(1, 4)
        p.matricule = f"{numero:05d}"


# --------------------------------------------------------------------------- écriture


def lignes(exemple: Exemple) -> dict[str, list[list[object]]]:
    """Les valeurs des cinq feuilles, en-têtes compris, dans l'ordre d'écriture."""
    personnes = sorted(exemple.personnes, key=lambda p: p.matricule)
    feuilles: dict[str, list[list[object]]] = {nom: [en] for nom, en in EN_TETES.items()}
    for p in personnes:
        feuilles["Salariés"].append(
            [
                p.matricule,
                "Mme" if p.sexe == "F" else "M.",
                p.nom,
                p.prenom,
                p.email or None,
                p.naissance,
                p.entree,
                p.sortie,
                p.poste,
                p.service,
                p.etablissement,
                p.manager.matricule if p.manager else None,
                p.visite,
                p.adresse,
                p.code_postal,
                p.ville,
            ]
        )
    entretiens = []
    for p in personnes:
        for e in p.entretiens:
            if e.conduit_par_rh or p.manager is None:
                conduit = "Claire Martin"
            elif p.manager.entree > e.date:
                conduit = None  # le manager actuel n'était pas encore là
            else:
                conduit = f"{p.manager.prenom} {p.manager.nom}"
            commentaire = e.commentaire
            if e.type == "etat_des_lieux":
                commentaire = commentaire or "État des lieux récapitulatif remis au salarié"
            ligne = [p.matricule, e.date, e.libelle or None, conduit, commentaire or None]
            entretiens.append(ligne)
        if p.situation.endswith("entretien prévu après --au"):
            entretiens.append(
                [
                    p.matricule,
                    jours(exemple.au, 20),
                    "Périodique",
                    None,
                    "Prévu, date à confirmer (ignoré tant qu'il n'a pas eu lieu)",
                ]
            )
    entretiens.sort(key=lambda ligne: (ligne[1], ligne[0]))
    feuilles["Entretiens"].extend(entretiens)
    absences = [
        [p.matricule, a.libelle, a.debut, a.fin, a.reprise] for p in personnes for a in p.absences
    ]
    absences.sort(key=lambda ligne: (ligne[2], ligne[0]))
    feuilles["Absences"].extend(absences)
    formations = [
        [p.matricule, f.intitule, f.date, f.obligatoire or None, f.certifiante or None]
        for p in personnes
        for f in p.formations
    ]
    formations.sort(key=lambda ligne: (ligne[2], ligne[0], ligne[1]))
    feuilles["Formations"].extend(formations)
    evolutions = [
        [p.matricule, v.date, v.nature, v.commentaire] for p in personnes for v in p.evolutions
    ]
    evolutions.sort(key=lambda ligne: (ligne[1], ligne[0]))
    feuilles["Évolutions"].extend(evolutions)
    return feuilles


def ecrire_exemple(exemple: Exemple, chemin: Path) -> None:
    """Écrit le classeur : en-tête gras figé, filtres, largeurs, vraies dates Excel."""
    classeur = Workbook()
    classeur.remove(classeur.active)
    gras = Font(bold=True)
    fond = PatternFill("solid", fgColor="DDEBF7")
    for nom, valeurs in lignes(exemple).items():
        feuille = classeur.create_sheet(nom)
        en_tetes = valeurs[0]
        for ligne in valeurs:
            feuille.append(ligne)
        for j, titre in enumerate(en_tetes, start=1):
            cellule = feuille.cell(row=1, column=j)
            cellule.font, cellule.fill = gras, fond
            largeur = len(titre)
            for (cellule,) in feuille.iter_rows(min_row=2, min_col=j, max_col=j):
                if isinstance(cellule.value, date):
                    cellule.number_format = "DD/MM/YYYY"
                    largeur = max(largeur, 10)
                elif cellule.value is not None:
                    if titre in COLONNES_TEXTE:
                        cellule.number_format = "@"
                    largeur = max(largeur, len(str(cellule.value)))
            feuille.column_dimensions[get_column_letter(j)].width = min(largeur + 3, 60)
        feuille.freeze_panes = "A2"
        feuille.auto_filter.ref = feuille.dimensions
    # Dates du fichier fixées : deux générations pour la même date ne diffèrent que par le zip.
    horodatage = datetime(exemple.au.year, exemple.au.month, exemple.au.day)
    classeur.properties.created = classeur.properties.modified = horodatage
    classeur.properties.creator = "Exemple SAS (données fictives)"
    classeur.properties.title = "Registre du personnel fictif"
    chemin.parent.mkdir(parents=True, exist_ok=True)
    classeur.save(chemin)


# --------------------------------------------------------------------------- ligne de commande


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {texte} » : attendu AAAA-MM-JJ, par exemple 2026-11-27"
        ) from None


class _Formateur(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # signature d'argparse
        super().add_usage(usage, actions, groups, prefix or "Utilisation : ")


class _Analyseur(argparse.ArgumentParser):
    # argparse écrit « usage: » et « error: » en anglais : l'outil parle français.
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def analyser(argv: list[str] | None = None) -> argparse.Namespace:
    parser = _Analyseur(
        formatter_class=_Formateur,
        prog="generer_exemple.py",
        description=(
            "Génère un registre du personnel fictif (Exemple SAS, Lyon) relatif à une date : "
            "nouvelles embauches, retours de congé, 45 ans, 58-59 ans, anniversaires des "
            "8 ans, retards... Le résultat est identique pour une même date et une même graine."
        ),
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    parser.add_argument(
        "--au",
        type=_date,
        default=None,
        metavar="AAAA-MM-JJ",
        help="date de référence des situations (défaut : aujourd'hui)",
    )
    parser.add_argument(
        "--sortie",
        type=Path,
        default=SORTIE_DEFAUT,
        metavar="FICHIER.xlsx",
        help="classeur à écrire (défaut : donnees/registre_exemple.xlsx)",
    )
    parser.add_argument(
        "--forcer",
        action="store_true",
        help="remplace un classeur existant autre que l'exemple livré (jamais par défaut : "
        "ce pourrait être un vrai registre)",
    )
    parser.add_argument(
        "--graine",
        type=int,
        default=GRAINE_DEFAUT,
        metavar="N",
        help=f"graine du tirage des noms et des dates (défaut : {GRAINE_DEFAUT})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = analyser(argv)
    au = options.au or date.today()
    try:
        exemple = generer(au, options.graine)
    except RuntimeError as exc:
        print(f"Erreur : {exc}. Essayez une autre --graine.", file=sys.stderr)
        return 1
    # L'exemple livré se régénère librement ; tout autre fichier existant pourrait être
    # un vrai registre : on ne l'écrase que sur demande explicite.
    livre = options.sortie.resolve() == SORTIE_DEFAUT.resolve()
    if options.sortie.exists() and not livre and not options.forcer:
        print(
            f"Erreur : « {options.sortie} » existe déjà et n'est pas l'exemple livré : il "
            "n'est pas remplacé. Choisissez un autre --sortie, ou ajoutez --forcer.",
            file=sys.stderr,
        )
        return 1
    ecrire_exemple(exemple, options.sortie)
    dus = [p for p in exemple.personnes if p.attendus]
    retard = sum("en_retard" in p.attendus.values() for p in dus)
    print(
        f"Registre fictif écrit : {options.sortie} ({len(exemple.personnes)} salariés, "
        f"au {au:%d/%m/%Y}, graine {options.graine})."
    )
    print(
        f"{len(dus)} salariés attendus dans la liste des échéances "
        f"({retard} avec au moins une échéance en retard)."
    )
    if exemple.omises:
        print(
            "Situations absentes à cette date (la loi ne les rend pas encore possibles : aucun "
            "état des lieux à 8 ans avant le 26/10/2027, par exemple) : "
            f"{' ; '.join(exemple.omises)}."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
