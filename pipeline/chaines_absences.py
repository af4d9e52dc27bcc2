"""Pur : les absences d'un registre regroupées en chaînes (regles.md §3.3), vectorisé.

Une chaîne réunit les absences qui s'enchaînent ; l'entretien de retour se compte à la
reprise de la dernière (`regles._Contexte.retours`, qui dit quels motifs le déclenchent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.dates_vectorisees import DECALAGE, UN_JOUR, en_jours

_EN_COURS = np.int64(0xFFFFFFFF)  # reprise inconnue : plus tardive que toute date


def _jusqu_au_lundi(jours: np.ndarray) -> np.ndarray:
    """Un jour (entier depuis 1970) ; un samedi ou un dimanche devient le lundi suivant."""
    semaine = (jours + 3) % 7  # lundi = 0 : le 01/01/1970 est un jeudi
    return jours + np.where(semaine == 5, 2, np.where(semaine == 6, 1, 0))


class Chaines:
    """Les absences commencées au plus tard D, regroupées en chaînes (regles.md §3.3).

    Une absence prolonge la chaîne si elle commence au plus tard à la reprise la plus
    tardive des absences déjà enchaînées ; choix (README) : un samedi ou un dimanche entre
    cette reprise et son début ne coupe pas la chaîne. La plus tardive reprise depuis le
    début du salarié est un maximum cumulé sur la clé (salarié, reprise) : les chaînes
    précédentes du même salarié ont toutes fini avant, elles ne la changent pas.

    Attributs par absence (triées par salarié, début, code du motif) : `rang` (position du
    motif dans `motifs`, -1 s'il est inconnu) ; par chaîne : `departs` (sa première
    absence), `salarie`, `debut`, `reprise` (NaT si `en_cours`), `composition` (un bit par
    motif présent, les données de santé comptées comme « autre »).
    """

    def __init__(self, absences: pd.DataFrame, salarie: np.ndarray, D: np.datetime64, motifs):
        codes = [m.code for m in motifs]
        if len(absences):
            rang = pd.Index(codes).get_indexer(absences["motif"].astype(str))
        else:
            rang = np.array([], dtype=np.int64)
        debut = en_jours(absences["date_debut"])
        R = np.where(
            np.isnat(en_jours(absences["date_reprise"])),
            en_jours(absences["date_fin"]) + UN_JOUR,
            en_jours(absences["date_reprise"]),
        )
        # Choix : une absence qui n'a pas commencé au `au` est ignorée, avant les chaînes.
        garde = (salarie >= 0) & ~np.isnat(debut) & (debut <= D)
        alphabetique = np.append(np.argsort(np.argsort(codes)), len(codes))
        ordre = np.lexsort(
            (alphabetique[rang[garde]], debut[garde].astype(np.int64), salarie[garde])
        )
        s = salarie[garde][ordre]
        debut = debut[garde][ordre].astype(np.int64)
        R = R[garde][ordre]
        self.rang = rang[garde][ordre]
        reprise = np.where(np.isnat(R), _EN_COURS, R.astype(np.int64) + DECALAGE)
        nouvelle = np.ones(len(s), dtype=bool)
        if len(s) > 1:
            tardive = (np.maximum.accumulate((s << 32) | reprise) & 0xFFFFFFFF)[:-1]
            prolonge = (tardive == _EN_COURS) | (debut[1:] <= _jusqu_au_lundi(tardive - DECALAGE))
            nouvelle[1:] = (s[1:] != s[:-1]) | ~prolonge
        self.departs = np.flatnonzero(nouvelle)
        self.salarie = s[self.departs]
        self.debut = debut[self.departs].astype("datetime64[D]")
        fin = par_chaine(np.maximum, reprise, self.departs)
        self.en_cours = fin == _EN_COURS
        self.reprise = np.where(
            self.en_cours, np.datetime64("NaT"), (fin - DECALAGE).astype("datetime64[D]")
        )
        autre = codes.index("autre") if "autre" in codes else 0
        discret = np.array([m.sante for m in motifs] + [True])[self.rang]
        bits = np.left_shift(1, np.where(discret, autre, self.rang)).astype(np.int64)
        self.composition = par_chaine(np.bitwise_or, bits, self.departs)


def par_chaine(operation: np.ufunc, valeurs: np.ndarray, departs: np.ndarray) -> np.ndarray:
    """`operation` réduite sur chaque chaîne (valeurs triées, chaînes commençant à `departs`)."""
    return operation.reduceat(valeurs, departs) if len(departs) else valeurs[:0]
