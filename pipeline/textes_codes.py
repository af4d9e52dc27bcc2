"""Pur : les colonnes de textes du moteur de règles, sans coût par ligne.

`Textes` garde les textes distincts et un code par ligne ; `textes_par_cle` ne fabrique
chaque texte (un motif d'obligation) qu'une fois par valeur distincte d'une clé entière ;
`rangs_lexicographiques` et `tableau_textes` trient et comparent des colonnes de textes
sans passer par des objets Python ligne par ligne.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Textes:
    """Colonne de textes codée : textes distincts + un code par ligne (-1 : manquant).

    Valider 300 000 chaînes pour le type « str » de pandas coûte ; on ne valide que les
    textes distincts puis on fait un `take`.
    """

    textes: list[str]
    codes: np.ndarray

    @classmethod
    def vides(cls, taille: int) -> Textes:
        return cls([], np.full(taille, -1, dtype=np.int64))

    @classmethod
    def concatener(cls, morceaux: list[Textes]) -> Textes:
        textes: list[str] = []
        codes = []
        for m in morceaux:
            codes.append(np.where(m.codes >= 0, m.codes + len(textes), -1))
            textes += m.textes
        return cls(textes, np.concatenate(codes) if codes else np.array([], dtype=np.int64))

    def tableau(self) -> pd.api.extensions.ExtensionArray:
        return pd.array(self.textes, dtype="str").take(self.codes, allow_fill=True)


def textes_par_cle(cle: np.ndarray, fabrique: Callable[[np.ndarray], list[str]]) -> Textes:
    """Un texte par ligne, fabriqué une seule fois par valeur distincte de `cle`.

    Les motifs ne dépendent que de quelques dates : 100 000 salariés n'ont que quelques
    milliers de dates d'entrée ou de dernier entretien distinctes. `fabrique` reçoit, pour
    chaque valeur distincte, la position d'une ligne qui la porte (n'importe laquelle : elles
    donnent le même texte).
    """
    if len(cle) == 0:
        return Textes([], np.array([], dtype=np.int64))
    codes, uniques = pd.factorize(cle)
    representants = np.empty(len(uniques), dtype=np.int64)
    representants[codes] = np.arange(len(cle))
    return Textes(fabrique(representants), codes)


def tableau_textes(serie: pd.Series) -> pd.api.extensions.ExtensionArray:
    """Le tableau de textes d'une colonne (sans copie si elle est déjà de type « str »)."""
    if not isinstance(serie.dtype, pd.StringDtype):
        serie = serie.astype(str)
    return serie.array


def rangs_lexicographiques(textes: np.ndarray) -> np.ndarray:
    """Rang de chaque texte dans l'ordre lexicographique.

    Trier des chaînes numpy de longueur fixe est 5 fois plus rapide que des objets Python.
    """
    if len(textes) == 0:
        return np.array([], dtype=np.int64)
    return np.unique(np.asarray(textes, dtype=str), return_inverse=True)[1]
