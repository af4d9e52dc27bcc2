"""Écriture des tableurs (xlsx, csv) : une seule mise en forme, une seule protection.

Tout tableur que l'outil écrit passe par ici (un test l'impose) : échéances, planning,
publipostage, courriers papier, journal des envois, manifestes, index des archives et
tableau de bord. Mise en forme commune : en-têtes lisibles en gras, ligne d'en-tête
figée, filtres, largeurs de colonnes, vraies dates Excel (JJ/MM/AAAA), lignes en retard
en rouge. Protection commune : un texte venu du registre qui commence par `=`, `+`, `-`
ou `@` (« =HYPERLINK(…) » dans un nom de service) reste un texte, jamais une formule
exécutée par Excel — typé texte dans un xlsx, précédé d'une apostrophe dans un csv.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.fichiers import ecrire_fichier
from pipeline.formats import FORMAT_DATE_EXCEL, FORMAT_DATE_ISO, oui_non

_DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
_GRAS_BLANC = Font(bold=True, color="FFFFFF")
_FOND_EN_TETE = PatternFill("solid", start_color="1F4E79")
_ROUGE = Font(color="9C0006")
_FOND_ROUGE = PatternFill("solid", start_color="FFC7CE")
_RETOUR_LIGNE = Alignment(wrap_text=True, vertical="top")
_LARGEUR_MAX = 60


@dataclass
class Feuille:
    """Une feuille à écrire : les données et comment les montrer."""

    donnees: pd.DataFrame
    # colonne -> en-tête lisible ; si fourni, seules ces colonnes sont écrites, dans cet ordre.
    en_tetes: Mapping[str, str] | None = None
    # lignes à mettre en évidence (en retard), alignée sur `donnees`.
    en_rouge: pd.Series | None = None
    # colonnes de texte long : retour à la ligne automatique.
    texte_long: Iterable[str] = ()


def neutraliser(valeur: Any) -> Any:
    """Empêche qu'un texte soit interprété comme une formule (injection CSV/Excel)."""
    if isinstance(valeur, str) and valeur.startswith(_DEBUTS_DANGEREUX):
        return "'" + valeur
    return valeur


def texte_d_origine(valeur: str) -> str:
    """Le texte d'une cellule de CSV relue, sans l'apostrophe ajoutée par `neutraliser`."""
    if valeur.startswith("'") and valeur[1:].startswith(_DEBUTS_DANGEREUX):
        return valeur[1:]
    return valeur


def ecrire_xlsx(
    chemin: Path,
    feuilles: Mapping[str, Feuille | pd.DataFrame],
    remplacer: bool = True,
    garder_ancien: bool = True,
) -> str:
    """Écrit un classeur (écriture atomique) ; renvoie le statut de `ecrire_fichier`."""
    classeur = nouveau_classeur()
    for nom, feuille in feuilles.items():
        ajouter_feuille(classeur, nom, feuille)
    return enregistrer_classeur(classeur, chemin, remplacer=remplacer, garder_ancien=garder_ancien)


def nouveau_classeur() -> Workbook:
    """Un classeur vide en mode « write_only » : la mémoire reste plate même pour 100 000
    lignes. Ses feuilles s'écrivent par `ajouter_feuille`, ou cellule par cellule avec
    `cellule` (feuille composée à la main : la synthèse du tableau de bord)."""
    return Workbook(write_only=True)


def enregistrer_classeur(
    classeur: Workbook, chemin: Path, remplacer: bool = True, garder_ancien: bool = True
) -> str:
    """Enregistre un classeur (écriture atomique) ; renvoie le statut de `ecrire_fichier`."""
    tampon = io.BytesIO()
    classeur.save(tampon)
    return ecrire_fichier(
        Path(chemin), tampon.getvalue(), remplacer=remplacer, garder_ancien=garder_ancien
    )


def ajouter_feuille(classeur: Workbook, nom: str, feuille: Feuille | pd.DataFrame) -> None:
    """Ajoute une feuille de données, mise en forme comme les autres, à un classeur ouvert."""
    _ecrire_feuille(classeur, nom, feuille if isinstance(feuille, Feuille) else Feuille(feuille))


def cellule(ws: Any, valeur: Any, **styles: Any) -> WriteOnlyCell:
    """Une cellule d'une feuille « write_only » : un texte n'y devient jamais une formule.

    openpyxl fait une formule de tout texte qui commence par « = » : on garde le texte
    exact (un nom « =Dupont » doit s'imprimer tel quel au publipostage) mais on force le
    type texte et le préfixe « ' » d'Excel, pour qu'il le reste même si l'utilisateur
    valide la cellule.
    """
    cellule_ = WriteOnlyCell(ws, value=valeur)
    for attribut, style in styles.items():
        if style is not None:
            setattr(cellule_, attribut, style)
    if isinstance(valeur, str) and valeur.startswith(_DEBUTS_DANGEREUX):
        cellule_.data_type = "s"
        cellule_.quotePrefix = True
    return cellule_


def _ecrire_feuille(classeur: Workbook, nom: str, feuille: Feuille) -> None:
    ws = classeur.create_sheet(title=nom[:31])
    donnees = feuille.donnees
    colonnes = list(feuille.en_tetes) if feuille.en_tetes else list(donnees.columns)
    en_tetes = [feuille.en_tetes[c] if feuille.en_tetes else str(c) for c in colonnes]
    longues = set(feuille.texte_long)
    valeurs = [_valeurs_colonne(donnees[c]) for c in colonnes]
    est_date = [pd.api.types.is_datetime64_any_dtype(donnees[c]) for c in colonnes]

    for i, titre in enumerate(en_tetes, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _largeur(
            titre, valeurs[i - 1], longues, colonnes[i - 1]
        )
    ws.freeze_panes = "A2"
    if len(donnees):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(colonnes))}{len(donnees) + 1}"

    ws.append([cellule(ws, titre, font=_GRAS_BLANC, fill=_FOND_EN_TETE) for titre in en_tetes])
    en_rouge = None if feuille.en_rouge is None else np.asarray(feuille.en_rouge, dtype=bool)
    for r in range(len(donnees)):
        rouge = en_rouge is not None and en_rouge[r]
        ligne = []
        for j, colonne in enumerate(valeurs):
            v = colonne[r]
            # Une valeur ordinaire est ajoutée telle quelle (rapide pour 100 000 lignes) ;
            # un texte dangereux, une date ou une cellule mise en forme passe par `cellule`.
            if (
                est_date[j]
                or rouge
                or colonnes[j] in longues
                or (isinstance(v, str) and v.startswith(_DEBUTS_DANGEREUX))
            ):
                v = cellule(
                    ws,
                    v,
                    number_format=FORMAT_DATE_EXCEL if est_date[j] else None,
                    font=_ROUGE if rouge else None,
                    fill=_FOND_ROUGE if rouge else None,
                    alignment=_RETOUR_LIGNE if colonnes[j] in longues else None,
                )
            ligne.append(v)
        ws.append(ligne)


def _valeurs_colonne(serie: pd.Series) -> list[Any]:
    """Valeurs Python prêtes pour openpyxl ou csv : dates sans heure, vides = None.

    Les textes sont laissés tels quels : typés texte à l'écriture du xlsx (`cellule`),
    neutralisés par une apostrophe à celle du csv (`EcrivainCsv`).
    """
    if pd.api.types.is_datetime64_any_dtype(serie):
        return [None if pd.isna(v) else v.date() for v in serie]
    if pd.api.types.is_bool_dtype(serie):
        return [None if pd.isna(v) else oui_non(v) for v in serie]
    sortie = []
    for v in serie.tolist():
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
            sortie.append(None)
        elif isinstance(v, bool):
            sortie.append(oui_non(v))
        elif isinstance(v, pd.Timestamp | datetime):
            sortie.append(v.date())
        elif isinstance(v, list | tuple):
            sortie.append(", ".join(map(str, v)))
        else:
            sortie.append(v)
    return sortie


def _largeur(titre: str, valeurs: list[Any], longues: set[str], colonne: str) -> float:
    if colonne in longues:
        return _LARGEUR_MAX
    echantillon = valeurs[:500]
    plus_long = max((len(_texte(v)) for v in echantillon), default=0)
    return min(_LARGEUR_MAX, max(len(titre) + 4, plus_long + 2, 8))


def _texte(v: Any) -> str:
    if isinstance(v, date):
        return "00/00/0000"
    return "" if v is None else str(v)


def ecrire_csv(
    chemin: Path,
    donnees: pd.DataFrame,
    en_tetes: Mapping[str, str] | None = None,
    remplacer: bool = True,
    format_date: str = FORMAT_DATE_ISO,
    garder_ancien: bool = True,
) -> str:
    """CSV pour Excel français : UTF-8 avec BOM, séparateur `;`, textes neutralisés."""
    colonnes = list(en_tetes) if en_tetes else list(donnees.columns)
    colonnes_valeurs = []
    for c in colonnes:
        serie = donnees[c]
        if pd.api.types.is_datetime64_any_dtype(serie):
            colonnes_valeurs.append(["" if pd.isna(v) else v.strftime(format_date) for v in serie])
        else:
            colonnes_valeurs.append(["" if v is None else v for v in _valeurs_colonne(serie)])
    return ecrire_lignes_csv(
        chemin,
        [en_tetes[c] if en_tetes else c for c in colonnes],
        zip(*colonnes_valeurs, strict=True) if colonnes_valeurs else [],
        remplacer=remplacer,
        garder_ancien=garder_ancien,
    )


def ecrire_lignes_csv(
    chemin: Path,
    en_tetes: Iterable[Any],
    lignes: Iterable[Iterable[Any]],
    remplacer: bool = True,
    garder_ancien: bool = True,
) -> str:
    """Un CSV de lignes déjà prêtes (manifeste, index) ; renvoie le statut de `ecrire_fichier`."""
    return ecrire_fichier(
        Path(chemin), texte_csv(en_tetes, lignes), remplacer=remplacer, garder_ancien=garder_ancien
    )


def texte_csv(en_tetes: Iterable[Any], lignes: Iterable[Iterable[Any]]) -> bytes:
    """Le contenu d'un CSV pour Excel français (UTF-8 avec BOM, `;`), textes neutralisés.

    Pour un CSV qui n'est pas un fichier à part (le manifeste rangé dans une archive).
    """
    tampon = io.StringIO()
    ecrivain = EcrivainCsv(tampon)
    ecrivain.writerow(en_tetes)
    ecrivain.writerows(lignes)
    return tampon.getvalue().encode("utf-8-sig")


class EcrivainCsv:
    """`csv.writer` au format de l'outil (`;`, fin de ligne Windows), textes neutralisés.

    Pour un CSV complété ligne à ligne (le journal des envois, écrit sur le disque après
    chaque message) ; le fichier est ouvert par l'appelant.
    """

    def __init__(self, flux: TextIO) -> None:
        self._ecrivain = csv.writer(flux, delimiter=";", lineterminator="\r\n")

    def writerow(self, valeurs: Iterable[Any]) -> None:
        self._ecrivain.writerow([neutraliser(v) for v in valeurs])

    def writerows(self, lignes: Iterable[Iterable[Any]]) -> None:
        for valeurs in lignes:
            self.writerow(valeurs)


def ecrire_echeances(liste: pd.DataFrame, chemin: Path, remplacer: bool = True) -> str:
    """La liste des échéances en .csv (contrat exact de regles.md §4) ou en .xlsx lisible."""
    from pipeline.libelles import (
        EN_TETES_ECHEANCES,
        LIBELLES_ABSENCES,
        LIBELLES_STATUTS,
        LIBELLES_TYPES,
    )

    chemin = Path(chemin)
    if chemin.suffix.lower() == ".csv":
        # Le CSV est un contrat pour les machines : codes bruts, dates AAAA-MM-JJ.
        return ecrire_csv(chemin, liste, remplacer=remplacer)
    lisible = liste.copy()
    lisible["type"] = lisible["type"].map(LIBELLES_TYPES).fillna(lisible["type"])
    lisible["statut"] = lisible["statut"].map(LIBELLES_STATUTS).fillna(lisible["statut"])
    if "motif_absence" in lisible:
        lisible["motif_absence"] = lisible["motif_absence"].map(LIBELLES_ABSENCES)
    en_tetes = {c: EN_TETES_ECHEANCES.get(c, c) for c in liste.columns}
    return ecrire_xlsx(
        chemin,
        {"Échéances": Feuille(lisible, en_tetes, liste["statut"] == "en_retard", ["motif"])},
        remplacer=remplacer,
    )
