"""Les deux implémentations (vectorisée et naïve) donnent exactement les mêmes obligations.

Un générateur aléatoire *seedé* fabrique des milliers de salariés truffés de cas limites
(fins de mois, 29 février, dates pile sur les seuils, entretiens après la date de
référence, absences sans fin, sorties le jour même...) ; on compare sur plusieurs dates de
référence, les deux régimes et plusieurs périodicités d'accord.
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
    "conges_payes", "sans_solde", "accident_travail", "autre",
]  # fmt: skip
INTITULES = ["Excel avancé", "Habilitation électrique", "Parcours VAE", "Anglais",
             "Validation des acquis de l'expérience", "CACES"]  # fmt: skip
SEUILS = [date(2024, 10, 26), date(2025, 10, 26)]


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
        H = h.date(date(1990, 1, 1), date(2027, 12, 31), SEUILS + refs + ancres_entree)
        # Des anniversaires (6 et 8 ans, ± 1 an) qui tombent près des dates de référence.
        ancres_h = [H + timedelta(days=round(365.25 * a)) for a in (1, 2, 4, 5, 6, 7, 8, 16)]
        ancres = SEUILS + refs + ancres_h
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
        for _ in range(h.choix([0, 0, 0, 1, 1, 2])):
            debut = h.date(H, date(2031, 12, 31), ancres)
            fin = debut + timedelta(days=h.entier(0, 500))
            reprise = fin + timedelta(days=h.entier(-2, 5))
            if h.chance(0.25):
                # Reprise pile autour d'un seuil ou d'une date de référence.
                reprise = h.choix(SEUILS + refs) + timedelta(days=h.entier(-1, 1))
                debut = reprise - timedelta(days=h.entier(1, 600))
                fin = reprise - timedelta(days=1)
            forme = h.entier(0, 3)
            tables["absences"].append(
                dict(matricule=m, motif=h.choix(MOTIFS), date_debut=debut,
                     date_fin=fin if forme in (1, 3) else None,
                     date_reprise=reprise if forme in (2, 3) else None)
            )  # fmt: skip
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
        base += (_d(r["reprise"]), r["motif_absence"])
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
