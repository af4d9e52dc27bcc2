"""Les deux implémentations (vectorisée et naïve) donnent exactement les mêmes obligations.

Un générateur aléatoire *seedé* fabrique des milliers de salariés truffés de cas limites
(fins de mois, 29 février, dates pile sur les seuils de regles.md v2 — 07/03/2016,
26/10/2025, anniversaires des 6 ans autour de la réforme —, embauches depuis 1990,
entretiens après la date de référence, absences sans fin, chaînes d'absences qui se
touchent, se chevauchent ou sont séparées d'un week-end, sorties le jour même...) ; on
compare sur plusieurs dates de référence, les deux régimes et plusieurs périodicités
d'accord (dont une plus courte que l'ancien délai de deux ans).
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from reference_regles import obligations_reference, registre_de_test

from pipeline.config import Regles
from pipeline.regles import calculer_obligations

TYPES_ENTRETIEN = ["periodique", "premier", "retour", "etat_des_lieux", "mi_carriere", "avant_60"]
MOTIFS = [
    "maternite", "adoption", "conge_parental", "proche_aidant", "sabbatique",
    "mobilite_volontaire", "longue_maladie", "mandat_syndical", "maladie", "paternite",
    "conges_payes", "sans_solde", "accident_travail", "autre", "conge_naissance", "naissance",
]  # fmt: skip
INTITULES = ["Excel avancé", "Habilitation électrique", "Parcours VAE", "Anglais",
             "Validation des acquis de l'expérience", "CACES"]  # fmt: skip
T = date(2025, 10, 26)
# Les seuils de regles.md v2 : entrée en vigueur, premier entretien au plus tôt, un an
# après T (premier entretien des embauchés d'avant la réforme).
SEUILS = [date(2016, 3, 7), date(2024, 10, 26), T, date(2026, 10, 26)]
# Embauches dont l'ancienne échéance (24 mois), le premier entretien au plus tôt ou un
# anniversaire des 6 ou 12 ans tombe sur un seuil.
ANCRES_ENTREE = [date(2014, 3, 7), date(2023, 10, 26), date(2019, 10, 26), date(2013, 10, 26),
                 date(2007, 10, 26), date(2024, 10, 26), date(2018, 11, 15), date(2020, 1, 10),
                 date(2024, 11, 1)]  # fmt: skip
# Derniers entretiens dont l'ancien délai (12, 24 ou 36 mois) expire autour de T.
ANCRES_ENTRETIEN = [date(2023, 10, 26), date(2024, 10, 26), date(2022, 10, 26),
                    date(2022, 12, 15)]  # fmt: skip


class Hasard:
    """Des dates au hasard, avec une forte proportion de cas limites."""

    def __init__(self, graine: int, references: list[date]):
        self.rng = np.random.default_rng(graine)
        self.references = references

    def entier(self, a: int, b: int) -> int:
        return int(self.rng.integers(a, b + 1))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def choix(self, valeurs):
        return valeurs[self.entier(0, len(valeurs) - 1)]

    def date_entre(self, debut: date, fin: date) -> date:
        return debut + timedelta(days=self.entier(0, (fin - debut).days))

    def fin_de_mois(self, annee: int, mois: int) -> date:
        return date(annee, mois, calendar.monthrange(annee, mois)[1])

    def date(self, debut: date, fin: date, ancres: list[date] = ()) -> date:
        fin = max(fin, debut)
        bissextiles = [y for y in range(debut.year, fin.year + 1) if calendar.isleap(y)]
        tirage = self.rng.random()
        if tirage < 0.12:
            d = self.date_entre(debut, fin)
            return self.fin_de_mois(d.year, d.month)
        if tirage < 0.17 and bissextiles:
            return date(self.choix(bissextiles), 2, 29)
        if tirage < 0.45 and ancres:
            return self.choix(list(ancres)) + timedelta(days=self.entier(-3, 3))
        return self.date_entre(debut, fin)


def salaries_aleatoires(h: Hasard, n: int) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {
        "salaries": [], "entretiens": [], "absences": [], "formations": [], "evolutions": []
    }  # fmt: skip
    refs = h.references
    for i in range(n):
        m = f"{i:05d}"
        # Entrées dont un anniversaire de 6, 8 ou 16 ans tombe sur l'entrée en vigueur.
        ancres_entree = [date(2025 - a, 10, 26 + j) for a in (6, 8, 16) for j in (-1, 0, 1)]
        ancres_entree += ANCRES_ENTREE
        if h.chance(0.15):  # embauches antérieures à la loi de 2014
            H = h.date(date(1985, 1, 1), date(2014, 3, 31), [date(2014, 3, 7), date(2012, 1, 1)])
        else:
            H = h.date(date(1990, 1, 1), date(2027, 12, 31), SEUILS + refs + ancres_entree)
        # Des anniversaires (6, 8, 14 ans…, ± 1 an) qui tombent près des dates de référence.
        ans = (1, 2, 4, 5, 6, 7, 8, 12, 14, 16)
        ancres_h = [H + timedelta(days=round(365.25 * a)) for a in ans]
        ancres = SEUILS + refs + ancres_h + ANCRES_ENTRETIEN
        B = None if h.chance(0.1) else h.date(date(1955, 1, 1), date(2005, 12, 31))
        if B is not None and h.chance(0.2):
            # 60 ans ou 45 ans autour des dates de référence.
            cible = h.choix(refs) - timedelta(days=round(365.25 * h.choix([45, 58, 59, 60])))
            B = cible + timedelta(days=h.entier(-40, 40))
        if h.chance(0.03):
            B = date(1965, 10, h.entier(26, 28))  # veille des 60 ans autour du 26/10/2025
        V = h.date(date(2024, 1, 1), date(2028, 12, 31), ancres) if h.chance(0.3) else None
        S = None
        if h.chance(0.15):
            S = h.choix(refs) if h.chance(0.5) else h.date(H, date(2030, 12, 31), refs)
        tables["salaries"].append(
            dict(matricule=m, nom=f"Nom{i}", prenom="Prénom", date_entree=H,
                 date_naissance=B, date_visite_mi_carriere=V, date_sortie=S)
        )  # fmt: skip
        for _ in range(h.choix([0, 0, 1, 1, 2, 3, 4, 6])):
            tables["entretiens"].append(
                dict(matricule=m, date=h.date(H - timedelta(days=400), date(2032, 12, 31), ancres),
                     type=h.choix(TYPES_ENTRETIEN[:1] * 4 + TYPES_ENTRETIEN))
            )  # fmt: skip
        if h.chance(0.2):
            # Un état des lieux tenu dans l'année qui précède un anniversaire (6, 8, 14 ans) :
            # la date limite de versement de l'abondement suit alors cet entretien.
            anniversaire = H + timedelta(days=round(365.25 * h.choix([6, 8, 12, 14])))
            tables["entretiens"].append(
                dict(matricule=m, date=anniversaire - timedelta(days=h.entier(-30, 360)),
                     type="etat_des_lieux")
            )  # fmt: skip
        for _ in range(h.choix([0, 0, 0, 1, 1, 2])):
            debut = h.date(H, date(2031, 12, 31), ancres)
            fin = debut + timedelta(days=h.entier(0, 500))
            # Un registre validé n'a jamais de reprise antérieure au début.
            reprise = max(debut, fin + timedelta(days=h.entier(-2, 5)))
            if h.chance(0.25):
                # Reprise pile autour d'un seuil ou d'une date de référence.
                reprise = h.choix(SEUILS + refs) + timedelta(days=h.entier(-1, 1))
                debut = reprise - timedelta(days=h.entier(1, 600))
                fin = reprise - timedelta(days=1)
            tables["absences"].append(absence(h, m, h.choix(MOTIFS), debut, fin, reprise))
        if h.chance(0.3):
            tables["absences"] += chaine_d_absences(h, m, h.date(H, date(2030, 12, 31), ancres))
        if h.chance(0.05):
            # Deux congés déclenchants saisis le même jour : le motif retenu est le premier
            # dans l'ordre (début, code), quel que soit l'ordre des lignes.
            debut = h.date(H, date(2029, 12, 31), ancres)
            for motif in (h.choix(MOTIFS[:9]), h.choix(MOTIFS[:9])):
                fin = debut + timedelta(days=h.entier(0, 200))
                tables["absences"].append(absence(h, m, motif, debut, fin, fin))
        for _ in range(h.choix([0, 0, 1, 2, 3])):
            tables["formations"].append(
                dict(matricule=m, intitule=h.choix(INTITULES),
                     date=h.date(H - timedelta(days=100), date(2032, 12, 31), ancres),
                     obligatoire=h.chance(0.5), certifiante=h.chance(0.2))
            )  # fmt: skip
        for _ in range(h.choix([0, 0, 1, 2])):
            tables["evolutions"].append(
                dict(matricule=m, date=h.date(H, date(2032, 12, 31), ancres),
                     nature=h.choix(["salariale", "professionnelle"]))
            )  # fmt: skip
    # Des matricules inconnus dans les feuilles secondaires ne doivent rien produire.
    tables["entretiens"].append(dict(matricule="INCONNU", date=date(2025, 1, 1), type="premier"))
    return tables


def absence(h: Hasard, m: str, motif: str, debut: date, fin: date, reprise: date) -> dict:
    """Une ligne d'absence : fin seule, reprise seule, les deux ou aucune (en cours)."""
    forme = h.entier(0, 3)
    return dict(matricule=m, motif=motif, date_debut=debut,
                date_fin=fin if forme in (1, 3) else None,
                date_reprise=reprise if forme in (2, 3) else None)  # fmt: skip


def chaine_d_absences(h: Hasard, m: str, debut: date) -> list[dict]:
    """Des absences qui se suivent : l'une commence le jour de la reprise de la précédente,
    pendant, le lendemain, ou le lundi (ou le mardi) qui suit un week-end."""
    lignes = []
    for _ in range(h.entier(2, 4)):
        fin = debut + timedelta(days=h.entier(0, 300))
        reprise = fin + timedelta(days=h.choix([1, 1, 1, 2, 3]))
        ligne = absence(h, m, h.choix(MOTIFS[:9] + MOTIFS[:9] + MOTIFS), debut, fin, reprise)
        lignes.append(ligne)
        R = ligne["date_reprise"] or (ligne["date_fin"] and ligne["date_fin"] + timedelta(1))
        R = R or fin + timedelta(days=1)
        tirage = h.entier(0, 5)
        if tirage == 0:
            debut = R - timedelta(days=h.entier(1, 20))  # chevauchement
        elif tirage == 1:
            debut = R + timedelta(days=h.entier(0, 1))
        else:  # lundi ou mardi qui suit : le week-end éventuel ne coupe pas
            debut = R + timedelta(days=(7 - R.weekday()) % 7 + h.choix([0, 0, 1]))
        debut = max(debut, ligne["date_debut"])
    return lignes


def _normaliser_vectorise(df: pd.DataFrame) -> Counter:
    lignes = []
    for r in df.to_dict("records"):
        lignes.append(_cle(r))
    return Counter(lignes)


def _d(valeur):
    if valeur is None or pd.isna(valeur):
        return None
    return valeur.date() if hasattr(valeur, "date") else valeur


def _ou_none(valeur, conversion):
    return None if valeur is None or pd.isna(valeur) else conversion(valeur)


def _cle(r: dict) -> tuple:
    base = (r["matricule"], r["type"], _d(r["echeance"]), r["statut"], bool(r["honoree"]))
    if r["type"] == "etat_des_lieux":
        base += (_d(r["edl_debut"]), _d(r["edl_fin"]), int(r["entretiens_prevus"]))
        base += tuple(
            _ou_none(r.get(c), int) for c in ("entretiens_realises", "montant_abondement")
        )
        base += tuple(
            _ou_none(r.get(c), bool)
            for c in ("formation_non_obligatoire", "critere_formation", "critere_certification",
                      "critere_progression", "abondement_correctif")
        )  # fmt: skip
        base += (_d(r.get("date_limite_versement")),)
    if r["type"] == "retour":
        base += (_d(r["reprise"]), r["motif_absence"], _d(r["debut_absence"]))
    return base


REFERENCES = [
    date(2024, 2, 29),
    date(2025, 10, 25),
    date(2025, 10, 26),
    date(2026, 2, 28),
    date(2026, 12, 31),
    date(2029, 3, 1),
]
CONFIGURATIONS = [
    # (régime, périodicité d'accord, effectif, horizon)
    ("2025", 0, 120, 60),
    ("2025", 24, 49, 60),
    ("2025", 36, 50, 0),
    ("2014", 0, 120, 60),
    ("2014", 36, 50, 400),
    ("2025", 48, 300, 400),
    ("2025", 12, 120, 60),  # accord plus court que l'ancien délai de deux ans
]


@pytest.fixture(scope="module")
def registre():
    tables = salaries_aleatoires(Hasard(20260126, REFERENCES), 2000)
    return registre_de_test(**tables)


@pytest.mark.parametrize("au", REFERENCES, ids=str)
@pytest.mark.parametrize("regime,periodicite,effectif,horizon", CONFIGURATIONS)
def test_les_deux_implementations_concordent(registre, au, regime, periodicite, effectif, horizon):
    regles = Regles(regime=regime, periodicite_mois=periodicite, horizon_jours=horizon)
    vectorise = calculer_obligations(registre, au, regles, effectif)
    reference = obligations_reference(
        registre, au, regime, periodicite, effectif, horizon=horizon, delai_retour=30
    )
    attendu = Counter(_cle(r) for r in reference)
    obtenu = _normaliser_vectorise(vectorise)
    manquants = attendu - obtenu
    en_trop = obtenu - attendu
    assert not manquants and not en_trop, (
        f"manquants (référence seule) : {sorted(manquants)[:5]}\n"
        f"en trop (vectorisé seul) : {sorted(en_trop)[:5]}"
    )
    # Le jeu doit réellement exercer chaque type et chaque statut (sinon le test ne prouve rien).
    assert set(vectorise["type"]) >= (
        {"periodique", "etat_des_lieux", "retour"}
        | ({"premier", "mi_carriere", "avant_60"} if regime == "2025" else set())
    )
    assert {"en_retard", "a_venir", "honoree"} <= set(vectorise["statut"])
    assert len(vectorise) > 2000


def test_le_jeu_exerce_les_situations_de_la_version_2(registre):
    """Sans ces situations en nombre, la concordance ne prouverait rien sur la version 2."""
    from reference_regles import _date, chaines_d_absences

    motifs = pd.concat(
        calculer_obligations(registre, au, Regles(), 120)["motif"]
        for au in (date(2026, 2, 28), date(2029, 3, 1))
    )
    for morceau, minimum in (
        ("au terme d'absences enchaînées", 100),  # chaînes déclenchantes
        ("sous l'ancien régime (", 100),  # premier entretien échu avant la réforme
        ("au plus tôt le 07/03/2016", 100),
        ("sans dépasser les deux ans", 50),  # premier entretien, transition
        ("(ancien délai de ", 100),  # périodique échu avant la réforme
        ("après celui des 6 ans", 500),  # état des lieux qui repart de A0
        ("Retour de congé supplémentaire de naissance", 50),
        ("ne peut plus être tenu", 100),  # avant 60 ans manqué
        ("trimestre qui suit l'état des lieux tenu", 1),
    ):
        assert motifs.str.contains(morceau, regex=False).sum() >= minimum, morceau
    # Des chaînes que seul un week-end entre reprise et absence suivante n'a pas coupées.
    par_salarie: dict[str, list] = {}
    for a in registre.absences.to_dict("records"):
        par_salarie.setdefault(a["matricule"], []).append(
            (a["motif"], _date(a["date_debut"]), _date(a["date_fin"]), _date(a["date_reprise"]))
        )
    week_ends = 0
    for absences in par_salarie.values():
        for chaine in chaines_d_absences(absences, date(2031, 1, 1)):
            for i in range(1, len(chaine)):
                reprises = [x[4] for x in chaine[:i]]
                week_ends += None not in reprises and chaine[i][1] > max(reprises)
    assert week_ends >= 30, week_ends
