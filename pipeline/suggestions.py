"""« Vouliez-vous dire … » : la valeur connue la plus proche d'une valeur fautive du
registre (nom de feuille ou de colonne, motif, type d'entretien, matricule, nom de salarié).

Fonctions pures, appelées quand une valeur est fautive (ou douteuse : une colonne
« Responsable » qui contient des noms) : la lecture d'un registre sans faute ne les paie pas.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import pandas as pd

from pipeline.formats import textes_cellules
from pipeline.schema import Motif, TypeEntretien, cle


def nom_proche(mot: str, candidats: Iterable[str]) -> str | None:
    """Le candidat qui ressemble le plus à `mot` (forme `cle`, 0,6 au moins), s'il y en a."""
    candidats = list(candidats)
    cles = [cle(c) for c in candidats]
    trouve = difflib.get_close_matches(cle(mot), cles, n=1, cutoff=0.6)
    return candidats[cles.index(trouve[0])] if trouve else None


# Mots qui ne distinguent rien : « Entretien annuel » ne ressemble pas à « Entretien
# professionnel » (un entretien annuel d'évaluation n'est pas un entretien professionnel).
_GENERIQUES = frozenset({"entretien", "conge", "conges", "arret"})


def _sans_generiques(texte: str) -> str:
    return " ".join(m for m in cle(texte).split() if m not in _GENERIQUES)


def libelle_proche(texte: str, vocabulaire: Iterable[Motif | TypeEntretien]) -> str | None:
    """Le libellé de l'entrée du vocabulaire qui ressemble le plus à `texte`, s'il y en a.

    Mots en commun (« Maladie longue durée » -> « Arrêt longue maladie ») ou faute de
    frappe (« Congé maternitée ») : le meilleur des deux scores, 0,6 au moins.
    """
    k = _sans_generiques(texte)
    mots = set(k.split())
    meilleur, score_max = None, 0.6
    for entree in vocabulaire:
        for ecrit in (entree.libelle, *entree.synonymes, entree.code.replace("_", " ")):
            autre = _sans_generiques(ecrit)
            if not autre or not k:
                continue
            communs = len(mots & set(autre.split())) / len(mots | set(autre.split()))
            score = max(communs, difflib.SequenceMatcher(None, k, autre).ratio())
            if score > score_max:
                meilleur, score_max = entree.libelle, score
    return meilleur


def index_noms_salaries(
    matricules: Iterable[Any], noms: Iterable[Any], prenoms: Iterable[Any]
) -> dict[str, list[str]]:
    """« prenom nom » et « nom prenom » (forme `cle`) -> matricules des salariés qui les portent."""
    index: dict[str, list[str]] = {}
    for m, nom, prenom in zip(
        textes_cellules(list(matricules)),
        textes_cellules(list(noms)),
        textes_cellules(list(prenoms)),
        strict=True,
    ):
        for forme in {cle(f"{prenom} {nom}"), cle(f"{nom} {prenom}")}:
            if m and forme:
                index.setdefault(forme, []).append(m)
    return index


def matricule_par_nom(texte: str, noms: dict[str, list[str]]) -> str | None:
    """Le matricule du seul salarié qui porte ce nom (« Stéphane Roux », « ROUX Stéphane »)."""
    trouves = noms.get(cle(texte), [])
    return trouves[0] if len(set(trouves)) == 1 else None


def noms_par_matricule(salaries: pd.DataFrame) -> dict[str, str]:
    """Matricule -> « Prénom NOM » (les messages qui proposent un matricule nomment qui c'est)."""
    personnes: dict[str, list[str]] = {}
    for m, prenom, nom in salaries[["matricule", "prenom", "nom"]].itertuples(index=False):
        if m:
            personnes.setdefault(m, []).append(f"{prenom} {nom.upper()}".strip())
    return {m: " ou ".join(noms) for m, noms in personnes.items()}


def matricule_voisin(valeur: str, personnes: dict[str, str], parmi: Iterable[str] = ()) -> str:
    """« 2044 » pour « 1044 » : un seul chiffre changé ou deux voisins inversés, chez un seul
    salarié du registre (ou des seuls `parmi`, s'ils sont donnés)."""

    def voisins(a: str, b: str) -> bool:
        if len(a) != len(b) or a == b:
            return False
        ecarts = [k for k in range(len(a)) if a[k] != b[k]]
        return len(ecarts) == 1 or (
            len(ecarts) == 2
            and ecarts[1] == ecarts[0] + 1
            and a[ecarts[0]] == b[ecarts[1]]
            and a[ecarts[1]] == b[ecarts[0]]
        )

    candidats = [m for m in (list(parmi) or personnes) if voisins(valeur, m)]
    if len(candidats) != 1:
        return ""
    return f" (vouliez-vous dire « {candidats[0]} », {personnes[candidats[0]]} ?)"


def conseil_zeros(valeur: str, connus: Iterable[str]) -> str:
    """« 42 » au lieu de « 00042 » : la cause la plus fréquente (cellule au format Nombre)."""
    nu = valeur.lstrip("0")
    semblables = [m for m in connus if m.lstrip("0") == nu and m != valeur][:1] if nu else []
    if semblables:
        return (
            f" (le registre contient « {semblables[0]} » : vérifiez les zéros de tête, "
            "la cellule doit être au format Texte)"
        )
    return ""
