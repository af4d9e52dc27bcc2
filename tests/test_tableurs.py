"""Tableurs : vraies dates, en-têtes figés, retards en rouge, formules neutralisées."""

from __future__ import annotations

import ast
import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.exceptions import IllegalCharacterError

from pipeline import tableurs
from pipeline.tableurs import (
    EcrivainCsv,
    Feuille,
    cellule,
    ecrire_csv,
    ecrire_echeances,
    ecrire_xlsx,
    enregistrer_classeur,
    nouveau_classeur,
    texte_d_origine,
)

RACINE = Path(__file__).resolve().parent.parent


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
    for case in (ws["A3"], ws["B3"], ws["C3"], ws["E3"]):
        assert case.data_type == "s", case.coordinate
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


def test_cellule_composee_a_la_main_jamais_formule(tmp_path: Path) -> None:
    """Une feuille composée cellule par cellule (la synthèse du tableau de bord) est
    protégée comme les autres : le texte exact, typé texte, préfixé « ' »."""
    classeur = nouveau_classeur()
    ws = classeur.create_sheet("Synthèse")
    piege = '=HYPERLINK("http://pirate.invalid","RH")'
    ws.append([cellule(ws, piege), cellule(ws, "+33"), cellule(ws, "Achats"), cellule(ws, -4)])
    enregistrer_classeur(classeur, tmp_path / "t.xlsx")
    lue = openpyxl.load_workbook(tmp_path / "t.xlsx")["Synthèse"]
    assert [c.value for c in lue[1]] == [piege, "+33", "Achats", -4]
    assert [c.data_type for c in lue[1]] == ["s", "s", "s", "n"]
    assert [c.quotePrefix for c in lue[1]] == [True, True, False, False]


def test_csv_ligne_a_ligne_neutralise(tmp_path: Path) -> None:
    tampon = io.StringIO()
    EcrivainCsv(tampon).writerows([["=1+1", "-x", "@a", "b", 3], ["'=deja", "", None, "+", "c"]])
    lignes = list(csv.reader(io.StringIO(tampon.getvalue()), delimiter=";"))
    assert lignes == [["'=1+1", "'-x", "'@a", "b", "3"], ["'=deja", "", "", "'+", "c"]]
    assert [texte_d_origine(v) for v in lignes[0][:3]] == ["=1+1", "-x", "@a"]


# Ce qui écrit un tableur : seul tableurs.py a le droit de l'appeler.
_ECRIVAINS = {"writer", "DictWriter", "Workbook", "WriteOnlyCell", "to_excel", "ExcelWriter"}


def test_tout_tableur_passe_par_tableurs_py() -> None:
    """Aucun module n'écrit un .xlsx ou un .csv sans la protection de tableurs.py."""
    fautes = []
    for module in sorted((RACINE / "pipeline").glob("*.py")):
        if module.name == "tableurs.py":
            continue
        for noeud in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(noeud, ast.Call):
                continue
            fonction = noeud.func
            nom = (
                fonction.attr
                if isinstance(fonction, ast.Attribute)
                else getattr(fonction, "id", "")
            )
            # DataFrame.to_csv sans destination rend un texte (une empreinte), n'écrit rien.
            ecrit_csv = nom == "to_csv" and (
                noeud.args or any(k.arg == "path_or_buf" for k in noeud.keywords)
            )
            if nom in _ECRIVAINS or ecrit_csv:
                fautes.append(f"{module.name}:{noeud.lineno} {nom}")
    assert not fautes, "tableur écrit hors de tableurs.py : " + ", ".join(fautes)


def _cellules(chemin: Path) -> list[tuple[list, list[list[tuple]]]]:
    """Par feuille : la hauteur de chaque ligne, et chaque cellule (valeur, type, format,
    police, fond, alignement, préfixe « ' »)."""
    classeur = openpyxl.load_workbook(chemin)
    return [
        (
            [ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)],
            [[_signature(c) for c in ligne] for ligne in ws.iter_rows()],
        )
        for ws in classeur.worksheets
    ]


def _signature(c) -> tuple:
    couleur = c.font.color.rgb if c.font.color else None
    fond = c.fill.fgColor.rgb if c.fill.fill_type else None
    alignement = (c.alignment.wrap_text, c.alignment.vertical)
    return (c.value, c.data_type, c.number_format, c.font.b, couleur, fond, alignement,
            c.quotePrefix)  # fmt: skip


def test_lignes_ecrites_en_xml_comme_par_openpyxl(tmp_path: Path, monkeypatch) -> None:
    """Les lignes de données écrites directement en XML donnent, cellule par cellule, le
    classeur qu'écrit openpyxl : types (texte, nombre, date, erreur), styles (rouge, date,
    retour à la ligne, préfixe « ' »), hauteurs des lignes, textes à échapper."""
    donnees = pd.DataFrame(
        {
            "matricule": ["00042", "=1+1", "-3", "@x", "#N/A", "", None, " espacé ", "a\rb"],
            "nombre": [1, 2.5, 1e20, 0.1, -7, 0, None, 3, 4],
            "date": pd.to_datetime(
                ["2026-12-08", None, "1900-03-01", "2026-01-01", None, None, None, None, None]
            ),
            "motif": ["court", "Dupont & Fils <SARL> " * 20, "x" * 40_000, "", None,
                      "é" * 60, "ligne\nà la ligne", "\tdébut", "fin"],
        }
    )  # fmt: skip
    feuille = Feuille(
        donnees,
        en_tetes={"matricule": "Matricule", "nombre": "Nombre", "date": "Date", "motif": "Motif"},
        en_rouge=pd.Series([True, False, True, False, False, True, False, False, True]),
        texte_long=["motif"],
        details=["nombre"],
    )
    ecrire_xlsx(tmp_path / "direct.xlsx", {"Feuille": feuille, "Seconde": donnees})
    monkeypatch.setattr(tableurs, "_valeurs_ecrites_directement", lambda _valeurs: False)
    ecrire_xlsx(tmp_path / "openpyxl.xlsx", {"Feuille": feuille, "Seconde": donnees})
    direct, reference = _cellules(tmp_path / "direct.xlsx"), _cellules(tmp_path / "openpyxl.xlsx")
    assert direct == reference
    lignes = direct[0][1]
    assert len(lignes[3][3][0]) == 32767  # texte coupé comme par openpyxl
    assert lignes[5][0][1] == "e" and lignes[2][0][:2] == ("=1+1", "s") and lignes[2][0][-1]
    assert direct[0][0][2] > 15  # ligne haute (texte long à la ligne)


def _donnees_feuille(chemin: Path) -> bytes:
    with zipfile.ZipFile(chemin) as classeur:
        xml = classeur.read("xl/worksheets/sheet1.xml")
    return xml[xml.index(b"<sheetData>") : xml.index(b"</sheetData>")]


def test_retour_chariot_en_bord_de_texte_garde_comme_par_openpyxl(
    tmp_path: Path, monkeypatch
) -> None:
    """« xml:space="preserve" » décidé sur le texte avant l'échappement de \\r en &#13; :
    « x\\r » finit par un blanc, comme le voit openpyxl. Mêmes octets que lui."""
    donnees = pd.DataFrame({"texte": ["x\r", "\ry", " z", "a\rb", "ok", "\r"], "n": range(6)})
    ecrire_xlsx(tmp_path / "direct.xlsx", {"F": donnees})
    monkeypatch.setattr(tableurs, "_valeurs_ecrites_directement", lambda _valeurs: False)
    ecrire_xlsx(tmp_path / "openpyxl.xlsx", {"F": donnees})
    direct = _donnees_feuille(tmp_path / "direct.xlsx")
    assert direct == _donnees_feuille(tmp_path / "openpyxl.xlsx")
    assert b'<t xml:space="preserve">x&#13;</t>' in direct
    assert b"<t>a&#13;b</t>" in direct


def test_caractere_interdit_refuse_comme_par_openpyxl(tmp_path: Path) -> None:
    donnees = pd.DataFrame({"nom": ["bien", "mal\x01"]})
    with pytest.raises(IllegalCharacterError):
        ecrire_xlsx(tmp_path / "classeur.xlsx", {"Feuille": donnees})
    assert not (tmp_path / "classeur.xlsx").exists()
