"""Le dossier de campagne : ses chemins, la décision sur le planning, les séquences du cœur."""

from __future__ import annotations

import ast
import csv
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline import campagne as module_campagne
from pipeline.campagne import (
    ETAPE_DOCUMENTS,
    Campagne,
    Rappels,
    planifier_campagne,
    produire_convocations,
)
from pipeline.config import charger_parametres
from pipeline.documents import compter_documents
from pipeline.erreurs import ErreurEntretiens
from pipeline.registre import lire_registre

RACINE = Path(__file__).resolve().parent.parent
REGISTRE = RACINE / "donnees" / "registre_exemple.xlsx"
PARAMETRES = RACINE / "donnees" / "parametres.toml"
AU = date(2026, 11, 27)


@pytest.fixture(scope="module")
def donnees():
    return lire_registre(REGISTRE), charger_parametres(PARAMETRES)


class Journal:
    """Des rappels qui notent ce que la séquence signale, dans l'ordre."""

    def __init__(self) -> None:
        self.evenements: list[tuple] = []

    @contextmanager
    def etape(self, nom: str, total: int):
        avance = []
        yield avance.append
        self.evenements.append(("etape", nom, total, sum(avance)))

    def rappels(self) -> Rappels:
        return Rappels(
            avertissement=lambda texte: self.evenements.append(("avertissement", texte)),
            planning_reutilise=lambda chemin: self.evenements.append(("reutilise", chemin)),
            planning_repris=lambda repris: self.evenements.append(
                ("repris", repris.ajoutes, repris.sans_creneau)
            ),
            etape=self.etape,
        )


def _manifeste(dossier: Path) -> dict[str, dict[str, str]]:
    with open(dossier / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
        return {ligne["chemin"]: ligne for ligne in csv.DictReader(f, delimiter=";")}


def test_chemins_de_la_campagne(tmp_path: Path) -> None:
    c = Campagne(tmp_path / "sorties", "2026-11-27")
    assert c == Campagne.du_dossier(tmp_path / "sorties" / "2026-11-27")
    relatifs = {
        nom: getattr(c, nom).relative_to(tmp_path).as_posix()
        for nom in ("dossier", "planning", "echeances", "manifeste", "salaries", "managers")
    }
    assert relatifs == {
        "dossier": "sorties/2026-11-27",
        "planning": "sorties/2026-11-27/planning.xlsx",
        "echeances": "sorties/2026-11-27/echeances.xlsx",
        "manifeste": "sorties/2026-11-27/manifeste.csv",
        "salaries": "sorties/2026-11-27/salaries",
        "managers": "sorties/2026-11-27/managers",
    }
    assert c.sources.relative_to(c.dossier).as_posix() == "_sources"
    assert c.index_archives.relative_to(tmp_path).as_posix() == "sorties/archives/index.csv"


@pytest.mark.parametrize(
    ("planning_existe", "option", "designe", "reutilise"),
    [
        (False, False, False, False),  # première fois : planning calculé
        (True, False, False, True),  # relance : celui de la campagne, peut-être corrigé
        (False, True, True, True),  # --planning autre.xlsx
        (True, True, True, True),  # --planning prime sur celui de la campagne
    ],
    ids=["premiere-fois", "relance", "option", "option-et-campagne"],
)
def test_choisir_planning(tmp_path, planning_existe, option, designe, reutilise) -> None:
    c = Campagne(tmp_path, "c")
    if planning_existe:
        c.dossier.mkdir()
        c.planning.write_bytes(b"PK")
    autre = tmp_path / "autre.xlsx"
    autre.write_bytes(b"PK")
    choix = c.choisir_planning(autre if option else None)
    assert choix.chemin == (autre if option else c.planning)
    assert (choix.designe, choix.reutilise) == (designe, reutilise)


def test_produire_convocations_puis_relancer(tmp_path: Path, donnees) -> None:
    registre, parametres = donnees
    c = Campagne(tmp_path / "sorties", "essai")
    journal = Journal()
    resultat = produire_convocations(
        c, registre, parametres, AU, REGISTRE, PARAMETRES, jobs=1, rappels=journal.rappels()
    )
    total = compter_documents(resultat.planning)
    assert journal.evenements == [("etape", ETAPE_DOCUMENTS, total, total)]
    assert resultat.bilan.crees == total
    manifeste = _manifeste(c.dossier)
    docx = [p for p in manifeste if p.endswith(".docx")]
    assert len(docx) == total
    assert {"planning.xlsx", "echeances.xlsx", "_sources/parametres.toml"} <= set(manifeste)
    assert (c.sources / "registre.xlsx").read_bytes() == REGISTRE.read_bytes()
    lignes = list(openpyxl.load_workbook(c.planning)["Planning"].values)[1:]
    assert [ligne[0] for ligne in lignes] == list(resultat.planning.entretiens["matricule"])

    # Relance : le planning de la campagne est relu, rien n'est refait.
    journal = Journal()
    resultat = produire_convocations(
        c, registre, parametres, AU, REGISTRE, PARAMETRES, jobs=1, rappels=journal.rappels()
    )
    assert journal.evenements == [
        ("reutilise", c.planning),
        ("repris", 0, 0),
        ("etape", ETAPE_DOCUMENTS, total, total),
    ]
    assert (resultat.bilan.crees, resultat.bilan.conserves) == (0, total)
    assert _manifeste(c.dossier).keys() == manifeste.keys()


def test_planning_errone_rien_n_est_produit(tmp_path: Path, donnees) -> None:
    registre, parametres = donnees
    c = Campagne(tmp_path / "sorties", "essai")
    planifier_campagne(c, registre, parametres, AU)
    classeur = openpyxl.load_workbook(c.planning)
    feuille = classeur["Planning"]
    feuille.cell(row=2, column=[x.value for x in feuille[1]].index("Date") + 1).value = "25/12/2026"
    classeur.save(c.planning)
    with pytest.raises(ErreurEntretiens) as exc:
        produire_convocations(c, registre, parametres, AU, REGISTRE, PARAMETRES, jobs=1)
    assert [a.code for a in exc.value.anomalies] == ["jour-non-ouvre"]
    assert sorted(p.name for p in c.dossier.iterdir()) == ["planning.xlsx"]


def test_planifier_campagne_ne_reecrit_jamais_un_planning(tmp_path: Path, donnees) -> None:
    registre, parametres = donnees
    c = Campagne(tmp_path / "sorties", "essai")
    premier = planifier_campagne(c, registre, parametres, AU)
    assert (premier.choix.chemin, premier.ecrit) == (c.planning, True)
    ecrit = c.planning.read_bytes()
    second = planifier_campagne(c, registre, parametres, AU)
    assert not second.ecrit and c.planning.read_bytes() == ecrit
    autre = planifier_campagne(c, registre, parametres, AU, sortie=tmp_path / "autre.xlsx")
    assert (autre.choix.chemin, autre.ecrit) == (tmp_path / "autre.xlsx", True)
    assert (tmp_path / "autre.xlsx").exists()


def test_planifier_et_convocations_lisent_le_meme_planning_corrige(tmp_path: Path, donnees) -> None:
    # Un planning corrigé à la main : `planifier` le relit (il ne l'ignore plus pour en
    # afficher un autre) et `convocations` produit exactement ces rendez-vous.
    registre, parametres = donnees
    c = Campagne(tmp_path / "sorties", "essai")
    planifier_campagne(c, registre, parametres, AU)
    classeur = openpyxl.load_workbook(c.planning)
    feuille = classeur["Planning"]
    colonnes = [x.value for x in feuille[1]]
    feuille.cell(row=2, column=colonnes.index("Heure") + 1).value = "17:30"
    classeur.save(c.planning)
    matricule = feuille.cell(row=2, column=colonnes.index("Matricule") + 1).value
    journal = Journal()
    relu = planifier_campagne(c, registre, parametres, AU, rappels=journal.rappels())
    assert ("reutilise", c.planning) in journal.evenements and not relu.ecrit
    heures = relu.planning.entretiens.set_index("matricule")["heure"]
    assert heures[matricule] == "17:30"
    produit = produire_convocations(c, registre, parametres, AU, REGISTRE, PARAMETRES, jobs=1)
    assert produit.planning.entretiens.equals(relu.planning.entretiens)


# Les noms de fichiers du dossier de campagne ; `parametres.toml` est exclu : ailleurs, il
# désigne le fichier de paramètres de l'utilisateur, pas sa copie dans `_sources/`.
NOMS_DU_DOSSIER = {
    module_campagne.PLANNING,
    module_campagne.ECHEANCES,
    module_campagne.MANIFESTE,
    module_campagne.PUBLIPOSTAGE_XLSX,
    module_campagne.PUBLIPOSTAGE_CSV,
    module_campagne.COURRIERS_PAPIER,
    module_campagne.JOURNAL_ENVOIS,
    module_campagne.INDEX_ARCHIVES,
    module_campagne.TABLEAU_DE_BORD,
    module_campagne.ENTRETIENS_TENUS,
    module_campagne.COMPTE_RENDU_SIGNE,
}
# Le manifeste de l'archive est à la racine du zip, hors du dossier de campagne.
PERMIS = {("archive.py", "MANIFESTE_CSV")}


def _litteraux(arbre: ast.AST) -> list[tuple[str, str]]:
    """(constante nommée ou « ? », texte) de chaque chaîne du code qui n'est pas un docstring."""
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(arbre)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    noms = {
        id(n.value): n.targets[0].id
        for n in ast.walk(arbre)
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
    }
    return [
        (noms.get(id(n), "?"), n.value)
        for n in ast.walk(arbre)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_aucun_nom_de_fichier_du_dossier_de_campagne_hors_de_campagne_py() -> None:
    fautes = []
    for module in sorted((RACINE / "pipeline").glob("*.py")):
        if module.name == "campagne.py":
            continue
        for constante, texte in _litteraux(ast.parse(module.read_text(encoding="utf-8"))):
            chemin = texte.strip("/").rsplit("/", 1)[-1]
            if chemin in NOMS_DU_DOSSIER and (module.name, constante) not in PERMIS:
                fautes.append(f"{module.name} : « {texte} »")
    assert not fautes, "nom écrit en dur : prenez la constante de campagne.py"
