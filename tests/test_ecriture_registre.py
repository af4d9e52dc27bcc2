"""`recolter --ajouter-au-registre` : des lignes ajoutées, rien d'autre de changé.

Le registre a des formats, un filtre, une validation de données, une mise en forme
conditionnelle, une ligne de titre au-dessus des en-têtes et des colonnes dans un ordre
inhabituel : tout doit survivre (vérifié avec openpyxl), la sauvegarde doit être identique
à l'original octet pour octet, et les autres parties du classeur ne pas bouger.
"""

from __future__ import annotations

import dataclasses
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from conftest import ecrire_classeur
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

from pipeline.ecriture_registre import ajouter_au_registre
from pipeline.erreurs import ErreurEntretiens
from pipeline.recolte import EntretienTenu
from pipeline.registre import Registre
from pipeline.schema import FEUILLES_PAR_TABLE, Colonne, Feuille

MAINTENANT = datetime(2027, 11, 2, 9, 30, 5)
TYPES_LISTE = '"Périodique,État des lieux,Premier entretien,Retour de congé,Mi-carrière"'
NOUVEAUX = [
    EntretienTenu("00042", "Élodie DUPONT", date(2027, 10, 15), "etat_des_lieux", "F. Benoît", "A"),
    EntretienTenu("00051", "Anh NGUYEN", date(2027, 10, 18), "premier", "", "B ; copie signée"),
]


def _registre_soigne(dossier: Path, **options) -> Path:
    """Un registre tenu avec soin : titre, en-têtes en désordre, formats, filtre, validation."""
    classeur = Workbook()
    if options.get("date1904"):
        classeur.epoch = CALENDAR_MAC_1904
    salaries = classeur.active
    salaries.title = "Salariés"
    salaries.append(["Matricule", "Nom", "Prénom", "Date d'entrée"])
    salaries.append(["00042", "Dupont", "Élodie", date(2018, 11, 15)])
    salaries.append(["00051", "Nguyen", "Anh", date(2026, 11, 2)])
    graphique = BarChart()
    graphique.add_data(Reference(salaries, min_col=1, min_row=1, max_row=3))
    salaries.add_chart(graphique, "F2")

    feuille = classeur.create_sheet("Entretiens")
    feuille.append(["Suivi des entretiens professionnels"])
    feuille.merge_cells("A1:F1")
    feuille["A1"].font = Font(bold=True, size=14)
    en_tetes = ["Date", "Matricule", "Remarque libre", "Commentaire", "Type", "Conduit par"]
    feuille.append(options.get("en_tetes", en_tetes))
    feuille.append([date(2022, 11, 10), "00042", "à voir", "", "Périodique", "F. Benoît"])
    feuille.append([date(2023, 1, 5), "00051", None, "RAS", "Périodique", "F. Benoît"])
    trait = Side(style="thin", color="1F3864")
    for ligne in feuille.iter_rows(min_row=2, max_row=4):
        for cellule in ligne:
            cellule.border = Border(top=trait, bottom=trait, left=trait, right=trait)
    for cellule in feuille[2]:
        cellule.font = Font(bold=True, color="FFFFFF")
        cellule.fill = PatternFill("solid", start_color="1F4E79")
    for ligne in (3, 4):
        feuille.cell(ligne, 1).number_format = "DD/MM/YYYY"
        feuille.cell(ligne, 2).number_format = "@"
        feuille.cell(ligne, 5).fill = PatternFill("solid", start_color="FFF2CC")
    feuille.column_dimensions["A"].width = 14
    feuille.column_dimensions["D"].width = 40
    feuille.freeze_panes = "A3"
    feuille.auto_filter.ref = "A2:F4"
    validation = DataValidation(type="list", formula1=options.get("liste", TYPES_LISTE))
    feuille.add_data_validation(validation)
    validation.add("E3:E200")
    feuille.conditional_formatting.add(
        "A3:A4", CellIsRule(operator="lessThan", formula=["DATE(2024,1,1)"], fill=PatternFill())
    )
    if options.get("tableau"):
        feuille.auto_filter.ref = None
        feuille.add_table(Table(displayName="Entretiens", ref="A2:F4"))
    chemin = dossier / "registre.xlsx"
    classeur.save(chemin)
    return chemin


def _registre_lu(*lignes: tuple[str, date, str]) -> Registre:
    """Ce que `lire_registre` aurait lu de la feuille « Entretiens »."""
    return Registre(
        entretiens=pd.DataFrame(
            {
                "matricule": [m for m, _, _ in lignes],
                "date": pd.to_datetime([d for _, d, _ in lignes]),
                "type": [t for _, _, t in lignes],
                "conduit_par": [""] * len(lignes),
                "commentaire": [""] * len(lignes),
                "ligne": list(range(3, 3 + len(lignes))),
            }
        )
    )


DEJA_LA = (("00042", date(2022, 11, 10), "periodique"), ("00051", date(2023, 1, 5), "periodique"))


def _membres(chemin: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(chemin) as paquet:
        return {nom: paquet.read(nom) for nom in paquet.namelist()}


def test_ajout_garde_formats_filtre_validation_et_sauvegarde_identique(tmp_path: Path) -> None:
    chemin = _registre_soigne(tmp_path)
    original = chemin.read_bytes()
    avant = load_workbook(chemin)

    bilan = ajouter_au_registre(chemin, NOUVEAUX, _registre_lu(*DEJA_LA), MAINTENANT)

    assert bilan.lignes == (5, 6) and bilan.feuille == "Entretiens"
    assert bilan.sauvegarde == tmp_path / "registre.20271102-093005.sauvegarde.xlsx"
    assert bilan.sauvegarde.read_bytes() == original
    classeur = load_workbook(chemin)
    assert classeur.sheetnames == avant.sheetnames
    feuille = classeur["Entretiens"]
    # Les lignes vont dans les colonnes nommées, pas dans des positions supposées.
    assert [c.value for c in feuille[5]] == [
        datetime(2027, 10, 15),
        "00042",
        None,
        "A",
        "État des lieux",
        "F. Benoît",
    ]
    assert [c.value for c in feuille[6]] == [
        datetime(2027, 10, 18),
        "00051",
        None,
        "B ; copie signée",
        "Premier entretien",
        None,
    ]
    # Formats, filtre, validation, mise en forme conditionnelle, volets, largeurs.
    for ligne in (5, 6):
        assert feuille.cell(ligne, 1).number_format == "DD/MM/YYYY"
        assert feuille.cell(ligne, 2).number_format == "@"
        assert feuille.cell(ligne, 5).fill.start_color.rgb == "00FFF2CC"
        assert feuille.cell(ligne, 1).border.top.style == "thin"
    assert feuille["A1"].value == "Suivi des entretiens professionnels"
    assert feuille["A1"].font.bold and feuille["A2"].font.color.rgb == "00FFFFFF"
    assert [str(r) for r in feuille.merged_cells.ranges] == ["A1:F1"]
    assert feuille.auto_filter.ref == "A2:F6"
    (validation,) = feuille.data_validations.dataValidation
    assert str(validation.sqref) == "E3:E200" and validation.formula1 == TYPES_LISTE
    assert {"État des lieux", "Premier entretien"} <= set(TYPES_LISTE.strip('"').split(","))
    assert [str(r.sqref) for r in feuille.conditional_formatting] == ["A3:A6"]
    assert feuille.freeze_panes == "A3"
    assert feuille.column_dimensions["D"].width == 40
    assert [c.value for c in classeur["Salariés"]["A"]] == ["Matricule", "00042", "00051"]
    # Tout le reste du classeur est recopié à l'identique.
    apres, avant_octets = _membres(chemin), _membres(bilan.sauvegarde)
    assert list(apres) == list(avant_octets)
    changes = {nom for nom in apres if apres[nom] != avant_octets[nom]}
    assert changes == {"xl/worksheets/sheet2.xml", "xl/workbook.xml"}, changes
    assert any(nom.startswith("xl/charts/") for nom in apres)
    # Calamine, le lecteur du registre, lit les textes écrits en ligne.
    lues = CalamineWorkbook.from_path(str(chemin)).get_sheet_by_name("Entretiens").to_python()
    assert lues[4][1] == "00042" and lues[5][4] == "Premier entretien"


def test_synonymes_de_colonnes_du_schema(tmp_path: Path, monkeypatch) -> None:
    entretiens = FEUILLES_PAR_TABLE["entretiens"]
    synonymes = {"date": ("Date de l'entretien",), "type": ("Type d'entretien",)}
    colonnes = tuple(
        dataclasses.replace(c, alias=c.alias + synonymes.get(c.cle, ()))
        if c.cle in synonymes
        else c
        for c in entretiens.colonnes
    )
    assert all(isinstance(c, Colonne) for c in colonnes)
    monkeypatch.setitem(
        FEUILLES_PAR_TABLE, "entretiens", Feuille(entretiens.nom, "entretiens", False, colonnes)
    )
    en_tetes = ["Date de l'entretien", "Matricule", "Remarque", "Commentaire", "Type d'entretien"]
    chemin = _registre_soigne(tmp_path, en_tetes=[*en_tetes, "Conduit par"])
    ajouter_au_registre(chemin, NOUVEAUX[:1], _registre_lu(*DEJA_LA), MAINTENANT)
    feuille = load_workbook(chemin)["Entretiens"]
    assert [c.value for c in feuille[5]][:5] == [
        datetime(2027, 10, 15),
        "00042",
        None,
        "A",
        "État des lieux",
    ]


def test_la_liste_deroulante_dicte_l_ecriture_du_type(tmp_path: Path) -> None:
    chemin = _registre_soigne(tmp_path, liste='"periodique,etat_des_lieux,premier"')
    ajouter_au_registre(chemin, NOUVEAUX, _registre_lu(*DEJA_LA), MAINTENANT)
    feuille = load_workbook(chemin)["Entretiens"]
    assert [feuille["E5"].value, feuille["E6"].value] == ["etat_des_lieux", "premier"]


def test_tableau_excel_etendu(tmp_path: Path) -> None:
    chemin = _registre_soigne(tmp_path, tableau=True)
    ajouter_au_registre(chemin, NOUVEAUX, _registre_lu(*DEJA_LA), MAINTENANT)
    feuille = load_workbook(chemin)["Entretiens"]
    assert feuille.tables["Entretiens"].ref == "A2:F6"


def test_dates_du_calendrier_1904(tmp_path: Path) -> None:
    chemin = _registre_soigne(tmp_path, date1904=True)
    ajouter_au_registre(chemin, NOUVEAUX, _registre_lu(*DEJA_LA), MAINTENANT)
    assert load_workbook(chemin)["Entretiens"]["A5"].value == datetime(2027, 10, 15)


def _rien_n_a_bouge(chemin: Path, original: bytes) -> None:
    assert chemin.read_bytes() == original
    assert not list(chemin.parent.glob("*.sauvegarde.xlsx"))


@pytest.mark.parametrize("verrou", ["~$registre.xlsx", "~$gistre.xlsx", ".~lock.registre.xlsx#"])
def test_refuse_quand_le_classeur_est_ouvert(tmp_path: Path, verrou: str) -> None:
    chemin = _registre_soigne(tmp_path)
    original = chemin.read_bytes()
    (tmp_path / verrou).write_bytes(b"")
    with pytest.raises(ErreurEntretiens) as erreur:
        ajouter_au_registre(chemin, NOUVEAUX, _registre_lu(*DEJA_LA), MAINTENANT)
    assert [a.code for a in erreur.value.anomalies] == ["fichier-verrouille"]
    assert f"fichier verrou « {verrou} »" in erreur.value.message
    _rien_n_a_bouge(chemin, original)


def test_refuse_un_entretien_deja_saisi_d_un_autre_type(tmp_path: Path) -> None:
    chemin = _registre_soigne(tmp_path)
    original = chemin.read_bytes()
    saisi_a_la_main = ("00042", date(2027, 10, 15), "periodique")
    with pytest.raises(ErreurEntretiens) as erreur:
        ajouter_au_registre(chemin, NOUVEAUX, _registre_lu(*DEJA_LA, saisi_a_la_main), MAINTENANT)
    (anomalie,) = erreur.value.anomalies
    assert (anomalie.code, anomalie.feuille, anomalie.ligne) == (
        "entretien-deja-saisi",
        "Entretiens",
        5,
    )
    assert "« Périodique »" in anomalie.message and "« État des lieux »" in anomalie.message
    _rien_n_a_bouge(chemin, original)


def test_une_ligne_deja_saisie_a_l_identique_n_est_pas_doublee(tmp_path: Path) -> None:
    chemin = _registre_soigne(tmp_path)
    original = chemin.read_bytes()
    deja = ("00042", date(2027, 10, 15), "etat_des_lieux")
    bilan = ajouter_au_registre(chemin, NOUVEAUX[:1], _registre_lu(*DEJA_LA, deja), MAINTENANT)
    assert bilan.ajoutes == [] and bilan.deja_saisis == NOUVEAUX[:1]
    _rien_n_a_bouge(chemin, original)


def test_sans_feuille_entretiens_ou_sans_colonne_type(tmp_path: Path) -> None:
    chemin = _registre_soigne(tmp_path)
    classeur = load_workbook(chemin)
    del classeur["Entretiens"]
    classeur.save(chemin)
    with pytest.raises(ErreurEntretiens) as erreur:
        ajouter_au_registre(chemin, NOUVEAUX, _registre_lu(), MAINTENANT)
    assert erreur.value.anomalies[0].code == "feuille-manquante"

    sans_type = _registre_soigne(
        tmp_path, en_tetes=["Date", "Matricule", "Remarque", "Commentaire", "Genre", "Conduit par"]
    )
    original = sans_type.read_bytes()
    with pytest.raises(ErreurEntretiens) as erreur:
        ajouter_au_registre(sans_type, NOUVEAUX, _registre_lu(*DEJA_LA), MAINTENANT)
    (anomalie,) = erreur.value.anomalies
    assert (anomalie.code, anomalie.ligne, anomalie.colonne) == ("colonne-manquante", 2, "Type")
    _rien_n_a_bouge(sans_type, original)


def test_feuille_sans_ligne_les_dates_recoivent_un_format_de_date(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path, {"Entretiens": [["Matricule", "Date", "Type", "Conduit par", "Commentaire"]]}
    )
    bilan = ajouter_au_registre(chemin, NOUVEAUX, _registre_lu(), MAINTENANT)
    assert bilan.lignes == (2, 3)
    feuille = load_workbook(chemin)["Entretiens"]
    assert feuille["B2"].value == datetime(2027, 10, 15) and feuille["B2"].is_date
    assert [feuille["A3"].value, feuille["C3"].value] == ["00051", "Premier entretien"]
