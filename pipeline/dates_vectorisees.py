"""Pur : les dates du moteur de règles en tableaux de jours (`datetime64[D]`) et l'index des
événements datés de chaque salarié.

mois(d, n) de regles.md (`ajouter_mois`, sémantique de `pandas.DateOffset(months=n)`), le
calendrier grégorien, la fin du trimestre civil, le rang d'un anniversaire, les dates en
JJ/MM/AAAA ; `Evenements` répond à « le salarié i a-t-il un événement daté dans [a, b) ? »
par des `searchsorted` sur une clé triée (salarié, jour), sans boucle Python par salarié.
Pas d'entrée-sortie, pas d'horloge.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

UN_JOUR = np.timedelta64(1, "D")
DECALAGE = np.int64(2**31)  # rend le jour positif dans la clé (salarié, jour)


# ---------------------------------------------------------------------------
# Dates : mois(d, n), calendrier, formats


def ajouter_mois(jours: np.ndarray, n: Any) -> np.ndarray:
    """mois(d, n) vectorisé : même quantième, ramené à la fin du mois (= DateOffset).

    Deux lectures dans des tables du calendrier 1700-2299 ; hors de cette plage,
    arithmétique entière (« days from civil » de H. Hinnant). Les conversions numpy
    datetime64[D] <-> [M] seraient dix fois plus lentes sur 100 000 dates.
    """
    jours = np.asarray(jours, dtype="datetime64[D]")
    manquant = np.isnat(jours)
    z = np.where(manquant, _JOUR_REPLI, jours.astype(np.int64))
    position = z - _TABLE_DEBUT
    if position.size and (position.min() < 0 or position.max() >= len(_T_MOIS)):
        return _ajouter_mois_calcule(z, n, manquant)
    cible = _T_MOIS[position] + np.asarray(n, dtype=np.int64)
    if cible.size and (cible.min() < 0 or cible.max() >= len(_T_DUREE)):
        return _ajouter_mois_calcule(z, n, manquant)
    resultat = _T_DEBUT_MOIS[cible] + np.minimum(_T_QUANTIEME[position], _T_DUREE[cible]) - 1
    resultat = resultat.astype("datetime64[D]")
    resultat[manquant] = np.datetime64("NaT")
    return resultat


# Les documents d'une campagne demandent les mêmes dates des milliers de fois : chaque
# calcul sur une seule date (un tableau numpy d'un élément) n'est fait qu'une fois.
@functools.lru_cache(maxsize=8192)
def ajouter_mois_date(jour: date, n: int) -> date:
    """mois(d, n) pour une seule date (documents) : la même implémentation que le moteur,
    donc la sémantique de `pandas.DateOffset(months=n)`."""
    resultat = ajouter_mois(np.array([jour], dtype="datetime64[D]"), n)[0]
    return resultat.astype(object)


def _ajouter_mois_calcule(z: np.ndarray, n: Any, manquant: np.ndarray) -> np.ndarray:
    annee, mois, quantieme = _civil(z)
    total = annee * 12 + (mois - 1) + np.asarray(n, dtype=np.int64)
    annee, mois = total // 12, total % 12 + 1
    quantieme = np.minimum(quantieme, _jours_dans_mois(annee, mois))
    resultat = _depuis_civil(annee, mois, quantieme).astype("datetime64[D]")
    resultat[manquant] = np.datetime64("NaT")
    return resultat


def _civil(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jours depuis 1970-01-01 -> (année, mois 1-12, jour 1-31), calendrier grégorien."""
    z = z + 719468
    ere = z // 146097
    jour_ere = z - ere * 146097
    annee_ere = (jour_ere - jour_ere // 1460 + jour_ere // 36524 - jour_ere // 146096) // 365
    jour_annee = jour_ere - (365 * annee_ere + annee_ere // 4 - annee_ere // 100)
    mois_mars = (5 * jour_annee + 2) // 153  # mars = 0
    quantieme = jour_annee - (153 * mois_mars + 2) // 5 + 1
    mois = np.where(mois_mars < 10, mois_mars + 3, mois_mars - 9)
    annee = annee_ere + ere * 400 + (mois <= 2)
    return annee, mois, quantieme


def _depuis_civil(annee: np.ndarray, mois: np.ndarray, quantieme: np.ndarray) -> np.ndarray:
    annee = annee - (mois <= 2)
    ere = annee // 400
    annee_ere = annee - ere * 400
    jour_annee = (153 * ((mois + 9) % 12) + 2) // 5 + quantieme - 1
    jour_ere = annee_ere * 365 + annee_ere // 4 - annee_ere // 100 + jour_annee
    return ere * 146097 + jour_ere - 719468


_DUREES_MOIS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _jours_dans_mois(annee: np.ndarray, mois: np.ndarray) -> np.ndarray:
    bissextile = (annee % 4 == 0) & ((annee % 100 != 0) | (annee % 400 == 0))
    return _DUREES_MOIS[mois] + ((mois == 2) & bissextile)


# Tables du calendrier : jour -> (mois absolu, quantième) et mois -> (premier jour, durée).
# Mois absolu = (année - 1700) × 12 + mois - 1.
_ANNEE_TABLE = 1700
_TABLE_DEBUT = int(_depuis_civil(np.int64(_ANNEE_TABLE), np.int64(1), np.int64(1)))
_TABLE_FIN = int(_depuis_civil(np.int64(2300), np.int64(1), np.int64(1)))
_JOUR_REPLI = 10957  # 01/01/2000, pour les NaT (le résultat est remis à NaT)


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    annee, mois, quantieme = _civil(np.arange(_TABLE_DEBUT, _TABLE_FIN, dtype=np.int64))
    t_mois = (annee - _ANNEE_TABLE) * 12 + mois - 1
    absolus = np.arange((2300 - _ANNEE_TABLE) * 12 + 1, dtype=np.int64)
    debuts = _depuis_civil(absolus // 12 + _ANNEE_TABLE, absolus % 12 + 1, np.ones_like(absolus))
    return t_mois, quantieme, debuts[:-1], np.diff(debuts)


_T_MOIS, _T_QUANTIEME, _T_DEBUT_MOIS, _T_DUREE = _tables()


def en_jours(serie: pd.Series) -> np.ndarray:
    """Une colonne de dates en jours (`datetime64[D]`) ; ce qui n'est pas une date : NaT."""
    if not pd.api.types.is_datetime64_any_dtype(serie):
        serie = pd.to_datetime(serie, errors="coerce")
    return serie.to_numpy(dtype="datetime64[D]")


def _mois_absolu(jours: np.ndarray) -> np.ndarray:
    """Numéro de mois (année × 12 + mois - 1) ; NaT donne un nombre sans signification."""
    z = np.where(np.isnat(jours), _JOUR_REPLI, jours.astype(np.int64))
    position = z - _TABLE_DEBUT
    if position.size and (position.min() < 0 or position.max() >= len(_T_MOIS)):
        annee, mois, _ = _civil(z)
        return annee * 12 + mois - 1
    return _T_MOIS[position] + _ANNEE_TABLE * 12


def annees(jours: np.ndarray) -> np.ndarray:
    """L'année de chaque date (NaT : un nombre sans signification)."""
    return _mois_absolu(jours) // 12


def dates_civiles(annee: np.ndarray, mois: int, quantieme: int) -> np.ndarray:
    """Le jour `quantieme` du mois `mois` de chaque année."""
    return _depuis_civil(annee, mois, quantieme).astype("datetime64[D]")


def fin_trimestre_suivant(jours: np.ndarray) -> np.ndarray:
    """Dernier jour du trimestre civil qui suit celui de la date (R6323-3)."""
    rang = _mois_absolu(jours)
    debut_suivant = rang - rang % 3 + 6  # premier mois du trimestre d'après le suivant
    premier = dates_civiles(debut_suivant // 12, debut_suivant % 12 + 1, 1)
    return np.where(np.isnat(jours), np.datetime64("NaT"), premier - UN_JOUR)


@functools.lru_cache(maxsize=8192)
def fin_trimestre_suivant_date(jour: date) -> date:
    """`fin_trimestre_suivant` pour une seule date (documents) : la même implémentation."""
    return fin_trimestre_suivant(np.array([jour], dtype="datetime64[D]"))[0].astype(object)


def formater_dates(jours: np.ndarray) -> np.ndarray:
    """JJ/MM/AAAA pour chaque date ; on ne formate que les dates distinctes (rapide)."""
    if len(jours) == 0:
        return np.array([], dtype=object)
    # Factorisation par hachage (O(n)) plutôt que np.unique, qui trie.
    inverse, uniques = pd.factorize(jours.astype(np.int64))
    iso = np.datetime_as_string(uniques.astype("datetime64[D]"), unit="D")
    textes = np.array([f"{s[8:10]}/{s[5:7]}/{s[:4]}" if s != "NaT" else "" for s in iso], object)
    return textes[inverse]


def rang_anniversaire(
    depart: np.ndarray, cycle: int, borne: np.ndarray, inclus: bool
) -> np.ndarray:
    """k ≥ 0 maximal tel que mois(depart, k·cycle) ≤ borne (inclus) ou < borne (exclu)."""
    ecart = _mois_absolu(borne) - _mois_absolu(depart)
    k = np.maximum(ecart // cycle, 0)
    A = ajouter_mois(depart, k * cycle)
    trop = A > borne if inclus else A >= borne
    return np.where((k > 0) & trop, k - 1, k)


def cle_jour(jours: np.ndarray) -> np.ndarray:
    """Jour en entier positif sur 22 bits, pour composer des clés (NaT : 0)."""
    entiers = jours.astype(np.int64) + (1 << 21)
    return np.where(np.isnat(jours), 0, entiers)


# ---------------------------------------------------------------------------
# Événements datés d'un salarié : entretiens, formations, évolutions


class Evenements:
    """Dates d'événements par salarié, triées, pour compter « combien dans [a, b) »."""

    def __init__(self, salarie: np.ndarray, jours: np.ndarray, masque: np.ndarray | None = None):
        garde = (salarie >= 0) & ~np.isnat(jours)
        if masque is not None:
            garde &= masque
        self.cles = np.sort(_cle(salarie[garde], jours[garde]))

    def compter(self, salarie: np.ndarray, debut: np.ndarray, fin: np.ndarray | None) -> np.ndarray:
        """Nombre d'événements dans [debut, fin) ; `fin` None = sans borne."""
        haut = (salarie.astype(np.int64) + 1) << 32 if fin is None else _cle(salarie, fin)
        return np.searchsorted(self.cles, haut) - np.searchsorted(self.cles, _cle(salarie, debut))

    def existe(
        self, salarie: np.ndarray, debut: np.ndarray, fin: np.ndarray | None = None
    ) -> np.ndarray:
        return self.compter(salarie, debut, fin) > 0

    def premier(self, salarie: np.ndarray, debut: np.ndarray, fin: np.ndarray) -> np.ndarray:
        """Date du premier événement de chaque salarié dans [debut, fin) (NaT sinon)."""
        bas = np.searchsorted(self.cles, _cle(salarie, debut))
        haut = np.searchsorted(self.cles, _cle(salarie, fin))
        resultat = np.full(len(salarie), np.datetime64("NaT"), dtype="datetime64[D]")
        if len(self.cles):
            cle = self.cles[np.minimum(bas, len(self.cles) - 1)]
            jours = ((cle & 0xFFFFFFFF) - DECALAGE).astype("datetime64[D]")
            resultat[bas < haut] = jours[bas < haut]
        return resultat

    def dernier(self, salarie: np.ndarray) -> np.ndarray:
        """Date du dernier événement de chaque salarié (NaT s'il n'en a aucun)."""
        haut = np.searchsorted(self.cles, (salarie.astype(np.int64) + 1) << 32) - 1
        resultat = np.full(len(salarie), np.datetime64("NaT"), dtype="datetime64[D]")
        if len(self.cles):
            cle = self.cles[np.clip(haut, 0, None)]
            trouve = (haut >= 0) & ((cle >> 32) == salarie)
            jours = ((cle & 0xFFFFFFFF) - DECALAGE).astype("datetime64[D]")
            resultat[trouve] = jours[trouve]
        return resultat


def _cle(salarie: np.ndarray, jours: np.ndarray) -> np.ndarray:
    return (salarie.astype(np.int64) << 32) | (jours.astype(np.int64) + DECALAGE)
