"""Tableurs : vraies dates, en-têtes figés, retards en rouge, formules neutralisées."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd

from pipeline.tableurs import Feuille, ecrire_csv, ecrire_echeances, ecrire_xlsx


def _echeances() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "matricule": ["00042", "=1+1"],
            "nom": ["Béranger", "@Dupont"],
            "prenom": ["Hélène", "-Zoé"],
            "type": ["periodique", "retour"],
            "motif": ["Dernier entretien le 01/03/2022", "+33 retour"],
            "echeance": pd.to_datetime(["2026-03-01", "2026-12-15"]),
            "statut": ["en_retard", "a_planifier"],
            "service": ["Production", "Achats & Logistique"],
            "matricule_manager": ["", "00042"],
        }
    )


def test_xlsx_lisible(tmp_path: Path) -> None:
    cible = tmp_path / "echeances.xlsx"
    ecrire_echeances(_echeances(), cible)
    ws = openpyxl.load_workbook(cible).active
    assert [c.value for c in ws[1]][:7] == [
        "Matricule",
        "Nom",
        "Prénom",
        "Type",
        "Motif",
        "Échéance",
        "Statut",
    ]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:I3"
    assert ws["F2"].value == datetime(2026, 3, 1)
    assert ws["F2"].number_format == "DD/MM/YYYY"
    assert ws["D2"].value == "Entretien périodique"
    assert ws["G2"].value == "En retard"
    # La ligne en retard est en rouge, l'autre non.
    assert ws["A2"].fill.start_color.rgb.endswith("FFC7CE")
    assert ws["A3"].fill.start_color.rgb in (None, "00000000")


def test_formules_neutralisees(tmp_path: Path) -> None:
    cible = tmp_path / "t.xlsx"
    ecrire_echeances(_echeances(), cible)
    ws = openpyxl.load_workbook(cible).active
    for cellule in (ws["A3"], ws["B3"], ws["C3"], ws["E3"]):
        assert cellule.data_type == "s", cellule.coordinate
    assert ws["A3"].value == "=1+1"  # le texte exact, jamais une formule


def test_csv_contrat(tmp_path: Path) -> None:
    cible = tmp_path / "echeances.csv"
    ecrire_echeances(_echeances(), cible)
    brut = cible.read_bytes()
    assert brut.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(brut.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert lignes[0][:7] == ["matricule", "nom", "prenom", "type", "motif", "echeance", "statut"]
    assert lignes[1][:7] == [
        "00042",
        "Béranger",
        "Hélène",
        "periodique",
        "Dernier entretien le 01/03/2022",
        "2026-03-01",
        "en_retard",
    ]
    assert lignes[2][0] == "'=1+1"
    assert lignes[2][1] == "'@Dupont"


def test_grand_tableau_et_feuilles_multiples(tmp_path: Path) -> None:
    n = 5000
    df = pd.DataFrame({"n": range(n), "d": pd.date_range("2020-01-01", periods=n, freq="D")})
    cible = tmp_path / "grand.xlsx"
    ecrire_xlsx(cible, {"Un": df, "Deux": Feuille(df.head(3), {"n": "Numéro"})})
    classeur = openpyxl.load_workbook(cible, read_only=True)
    assert classeur.sheetnames == ["Un", "Deux"]
    assert sum(1 for _ in classeur["Un"].iter_rows()) == n + 1
    assert [c.value for c in next(classeur["Deux"].iter_rows())] == ["Numéro"]


def test_csv_vide(tmp_path: Path) -> None:
    cible = tmp_path / "vide.csv"
    ecrire_csv(cible, _echeances().iloc[0:0])
    assert cible.read_text(encoding="utf-8-sig").startswith("matricule;nom;prenom")


def test_xlsx_en_tetes_et_motifs_en_francais(tmp_path: Path) -> None:
    echeances = _echeances().assign(motif_absence=["", "maternite"], critere_formation=[True, None])
    cible = tmp_path / "e.xlsx"
    ecrire_echeances(echeances, cible)
    ws = openpyxl.load_workbook(cible).active
    en_tetes = [c.value for c in ws[1]]
    assert en_tetes[-2:] == ["Motif d'absence", "Critère : formation suivie"]
    assert ws.cell(row=3, column=len(en_tetes) - 1).value == "congé de maternité"
