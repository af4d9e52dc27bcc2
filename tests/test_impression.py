"""Chaque feuille de chaque classeur produit s'imprime : relue avec openpyxl.

Les vrais classeurs d'une campagne de l'exemple livré (planning, échéances, publipostage,
tableau de bord, entretiens tenus) : ajustés à la largeur d'une page, en paysage quand le
tableau est large, ligne d'en-tête répétée, largeurs sensées, texte long à la ligne dans
des lignes assez hautes pour lui (LibreOffice ne les agrandit pas de lui-même).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from pipeline.campagne import Campagne, produire_convocations
from pipeline.config import charger_parametres
from pipeline.publipostage import preparer_publipostage
from pipeline.recolte import recolter
from pipeline.registre import lire_registre
from pipeline.regles import calculer_obligations, lister_echeances
from pipeline.relecture_planning import lire_planning
from pipeline.tableau import construire_indicateurs, ecrire_tableau_de_bord

RACINE = Path(__file__).resolve().parent.parent
REGISTRE = RACINE / "donnees" / "registre_exemple.xlsx"
PARAMETRES = RACINE / "donnees" / "parametres.toml"
AU = date(2026, 11, 27)
# Largeur utile d'une page A4 portrait, en caractères (tableurs._LARGEUR_PORTRAIT).
PORTRAIT = 95


@pytest.fixture(scope="module")
def classeurs(tmp_path_factory) -> dict[str, Path]:
    """Tous les classeurs qu'écrit l'outil, produits par ses fonctions de cœur."""
    sorties = tmp_path_factory.mktemp("sorties")
    registre, parametres = lire_registre(REGISTRE), charger_parametres(PARAMETRES)
    campagne = Campagne(sorties, "essai")
    produire_convocations(campagne, registre, parametres, AU, REGISTRE, PARAMETRES, jobs=1)
    planning = lire_planning(campagne.planning, registre, parametres)
    preparer_publipostage(campagne.dossier, planning.entretiens, registre.salaries, parametres)
    obligations = calculer_obligations(registre, AU, parametres.regles, 120)
    tableau = sorties / "tableau_de_bord.xlsx"
    ecrire_tableau_de_bord(
        construire_indicateurs(registre, obligations, AU, parametres),
        lister_echeances(obligations, registre, tout=True),
        tableau,
    )
    # Un mois plus tard, aucun formulaire rempli : « À vérifier » a des phrases longues.
    recolter(campagne, registre, parametres, date(2026, 12, 28), datetime(2026, 12, 28, 9))
    return {
        "planning": campagne.planning,
        "echeances": campagne.echeances,
        "publipostage": campagne.dossier / "publipostage" / "publipostage.xlsx",
        "tableau_de_bord": tableau,
        "entretiens_tenus": campagne.entretiens_tenus,
    }


@pytest.mark.parametrize(
    "nom", ["planning", "echeances", "publipostage", "tableau_de_bord", "entretiens_tenus"]
)
def test_chaque_feuille_s_imprime(classeurs: dict[str, Path], nom: str) -> None:
    classeur = openpyxl.load_workbook(classeurs[nom])
    for ws in classeur.worksheets:
        lieu = f"{nom} / {ws.title}"
        assert ws.sheet_properties.pageSetUpPr.fitToPage, lieu
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), lieu
        assert int(ws.page_setup.paperSize) == 9, lieu  # A4
        largeurs = {lettre: d.width for lettre, d in ws.column_dimensions.items() if not d.hidden}
        total = sum(largeurs.values())
        attendue = "landscape" if total > PORTRAIT else "portrait"
        assert ws.page_setup.orientation == attendue, lieu
        # La ligne d'en-tête (le titre et la date de la synthèse) en haut de chaque page.
        assert ws.print_title_rows in ("$1:$1", "$1:$2"), lieu
        assert ws.oddFooter.right.text == "Page &P sur &N", lieu
        assert all(8 <= largeur <= 50 for largeur in largeurs.values()) or ws.title == (
            "Synthèse"
        ), (lieu, largeurs)
        _texte_long_a_la_ligne(ws, lieu)


def _texte_long_a_la_ligne(ws, lieu: str) -> None:
    """Aucun texte ne déborde sur une cellule remplie ni ne se perd : plus long que sa
    colonne (ou que ses cellules fusionnées), il passe à la ligne, dans une ligne assez
    haute ; ou il s'étend sur des cellules vides, comme un titre."""
    largeurs = {}
    for plage in ws.merged_cells.ranges:
        lettres = [get_column_letter(i) for i in range(plage.min_col, plage.max_col + 1)]
        coin = f"{lettres[0]}{plage.min_row}"
        largeurs[coin] = sum(ws.column_dimensions[x].width or 8.43 for x in lettres)
    for ligne in ws.iter_rows():
        for c in ligne:
            if not isinstance(c.value, str) or isinstance(c, MergedCell):
                continue
            dimension = ws.column_dimensions[c.column_letter]
            if dimension.hidden:
                continue
            largeur = largeurs.get(c.coordinate) or dimension.width or 8.43
            if len(c.value) <= largeur:
                continue
            if not c.alignment.wrap_text:
                assert c.coordinate not in largeurs, f"{lieu} {c.coordinate} : texte coupé"
                voisines = ligne[c.column :]
                assert all(v.value is None for v in voisines), (
                    f"{lieu} {c.coordinate} déborde sur une cellule remplie : {c.value[:40]}…"
                )
                continue
            lignes = -(-len(c.value) // int(largeur * 1.5))  # au moins, pour un texte courant
            hauteur = ws.row_dimensions[c.row].height or 15
            assert hauteur >= 15 * lignes, f"{lieu} {c.coordinate} : ligne trop basse"


def test_planning_les_dates_avec_les_noms(classeurs: dict[str, Path]) -> None:
    """Le planning tient en largeur sur une page paysage : date, heure et lieu à côté du
    nom ; les colonnes tenues par l'outil sont repliées, pas imprimées."""
    ws = openpyxl.load_workbook(classeurs["planning"])["Planning"]
    en_tetes = {c.value: c.column_letter for c in ws[1]}
    for cachee in ("Matricule conducteur", "Courriel conducteur", "Durée (min)"):
        assert ws.column_dimensions[en_tetes[cachee]].hidden, cachee
        assert ws.column_dimensions[en_tetes[cachee]].outline_level == 1
    for visible in ("Nom", "Prénom", "Date", "Heure", "Lieu", "Conducteur"):
        assert not ws.column_dimensions[en_tetes[visible]].hidden, visible
    assert ws.page_setup.orientation == "landscape"
    # Les en-têtes des dates et des nombres sont à droite, au-dessus de leurs valeurs.
    assert ws[f"{en_tetes['Date']}1"].alignment.horizontal == "right"
    assert ws[f"{en_tetes['Nom']}1"].alignment.horizontal != "right"
