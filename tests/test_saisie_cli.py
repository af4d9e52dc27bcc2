"""Le contenu que les utilisatrices d'Excel produisent vraiment, de `verifier` au courriel.

Chaque commande passe par la même lecture : ce qui est nettoyé ou compris est dit une
fois, et rien de ce qu'une cellule contient ne fait planter une commande en aval.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import resource
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import ecrire_classeur
from docx import Document
from test_cli import AU, RACINE, invoquer

ENTETES = ["Matricule", "Civilité", "Nom", "Prénom", "Date d'entrée", "Email", "Adresse", "Service"]


@pytest.fixture
def projet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Un dossier de travail avec les paramètres livrés (comme celui de tests/test_cli.py)."""
    shutil.copytree(RACINE / "donnees", tmp_path / "donnees")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _textes_docx(chemin: Path) -> str:
    document = Document(str(chemin))
    paragraphes = [*document.paragraphs]
    for section in document.sections:
        paragraphes += [*section.header.paragraphs, *section.footer.paragraphs]
    cellules = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([*(p.text for p in paragraphes), *cellules])


def test_textes_sales_nettoyes_de_verifier_au_courriel(projet: Path) -> None:
    # Alt+Entrée, saut de ligne collé de Word (stocké « _x000B_ »), \x00 et \x1b : dans un
    # nom, une adresse, un service, et dans la raison sociale de parametres.toml.
    registre = ecrire_classeur(
        projet,
        {
            "Salariés": [
                ENTETES,
                ["1", "M.", "Du_x0000_pont", "Jean_x000B_Pierre", date(2020, 1, 6),
                 "jp.dupont@exemple.fr", "3 rue Neuve\nBât. B", "Atelier_x001B_ bois"],
                ["2", "Mme", "Roux\nMartin", "Anne", date(2019, 3, 4), "anne.roux@exemple.fr",
                 "1 place X", "Bureau"],
            ]
        },
    )  # fmt: skip
    parametres = projet / "donnees" / "parametres.toml"
    texte = parametres.read_text(encoding="utf-8").replace(
        'raison_sociale = "Exemple SAS"', 'raison_sociale = "Dupont & Fils\\nMenuiserie\\u001b"'
    )
    parametres.write_text(texte, encoding="utf-8")
    options = ["--registre", str(registre), "--au", AU]

    code, sortie = invoquer("verifier", *options, "--json")
    assert code == 0, sortie
    nettoyes = [a for a in json.loads(sortie)["anomalies"] if a["code"] == "texte-nettoye"]
    assert [(a["feuille"].rsplit("/", 1)[-1], a["ligne"], a["colonne"]) for a in nettoyes] == [
        ("parametres.toml", None, "entreprise.raison_sociale"),
        ("Salariés", 2, "Nom"),
        ("Salariés", 2, "Prénom"),
        ("Salariés", 2, "Adresse"),
        ("Salariés", 2, "Service"),
        ("Salariés", 3, "Nom"),
    ]

    code, sortie = invoquer("planifier", *options)
    assert code == 0, sortie
    planning = openpyxl.load_workbook(projet / "sorties" / AU / "planning.xlsx")
    valeurs = {str(c.value) for ligne in planning.worksheets[0].iter_rows() for c in ligne}
    assert "Jean Pierre" in valeurs and "Roux Martin" in valeurs

    code, sortie = invoquer("convocations", *options, "--jobs", "1")
    assert code == 0, sortie
    convocations = sorted((projet / "sorties" / AU / "salaries").glob("*/convocation.docx"))
    assert len(convocations) == 2
    lettres = "\n".join(_textes_docx(c) for c in convocations)
    assert "Jean Pierre" in lettres and "3 rue Neuve, Bât. B" in lettres
    assert "Dupont & Fils Menuiserie" in lettres

    code, sortie = invoquer("publipostage", *options)
    assert code == 0, sortie
    brouillons = sorted((projet / "sorties" / AU / "publipostage" / "brouillons").glob("*.eml"))
    assert len(brouillons) == 2
    for brouillon in brouillons:
        message = email.message_from_bytes(brouillon.read_bytes(), policy=email.policy.default)
        assert not message.defects
        assert message["From"].addresses[0].display_name.startswith("Dupont & Fils Menuiserie")
    destinataires = {
        email.message_from_bytes(b.read_bytes(), policy=email.policy.default)["To"]
        .addresses[0]
        .display_name
        for b in brouillons
    }
    assert destinataires == {"Jean Pierre DUPONT", "Anne ROUX MARTIN"}


def test_domaine_accentue_part_en_idna_dans_le_brouillon(projet: Path) -> None:
    registre = ecrire_classeur(
        projet,
        {
            "Salariés": [
                ENTETES,
                ["1", "M.", "Dupont", "Jean", date(2020, 1, 6), "jean@société.fr", "", ""],
            ]
        },
    )
    options = ["--registre", str(registre), "--au", AU]
    assert invoquer("convocations", *options, "--jobs", "1")[0] == 0
    code, sortie = invoquer("publipostage", *options)
    assert code == 0, sortie
    (brouillon,) = (projet / "sorties" / AU / "publipostage" / "brouillons").glob("*.eml")
    message = email.message_from_bytes(brouillon.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "jean@xn--socit-esab.fr"
    assert not message.defects


def _limiter_memoire() -> None:
    # Sans la garde, calamine demande 512 Gio : qu'il échoue vite, sans gêner la machine.
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def test_valeur_isolee_en_xfd1048576(tmp_path: Path) -> None:
    registre = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ["Matricule", "Nom", "Prénom", "Date d'entrée"],
                ["1", "Roux", "Paul", date(2020, 1, 6)],
                ["2", "Petit", "Anne", "hier"],
            ]
        },
    )
    classeur = openpyxl.load_workbook(registre)
    classeur["Salariés"]["XFD1048576"] = "x"
    classeur.save(registre)
    resultat = subprocess.run(
        [sys.executable, "-m", "pipeline", "verifier", "--registre", str(registre)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(RACINE)},
        preexec_fn=_limiter_memoire,
        timeout=120,
    )
    sortie = resultat.stdout + resultat.stderr
    assert resultat.returncode == 1, sortie
    assert "panicked" not in sortie and "Traceback" not in sortie and "backtrace" not in sortie
    assert "cellule-egaree" in sortie and "date-invalide" in sortie  # le reste est lu
    assert "Valeur « x » isolée en XFD1048576, loin du tableau (A1:D3)" in sortie


def test_verifier_liste_une_fois_ce_qu_il_a_compris(projet: Path) -> None:
    registre = ecrire_classeur(
        projet,
        {
            "Personnel": [
                ["Registre du personnel — Exemple SAS"],
                [],
                ["MATRICULE", "NOM", "Prénom", "Date d’entrée", "Responsable", "CP",
                 "Type de contrat", "Téléphone", "Date de Naissance"],
                *(
                    [f"S00{i}", "Nom", "Prénom", date(2020, 1, 6), "", "69003", "CDI", "", None]
                    for i in range(1, 5)
                ),
            ]
        },
    )  # fmt: skip
    code, sortie = invoquer("verifier", "--registre", str(registre), "--au", AU)
    assert code == 0, sortie
    lignes = sortie.splitlines()

    def une_seule(texte: str) -> str:
        trouvees = [ligne for ligne in lignes if texte in ligne]
        assert len(trouvees) == 1, (texte, sortie)
        return trouvees[0]

    assert "Information : En-têtes trouvés en ligne 3" in une_seule("ligne-entete")
    assert "« Responsable » = Matricule manager" in une_seule("noms-reconnus")
    assert "« CP » = Code postal" in une_seule("noms-reconnus")
    assert "« Type de contrat », « Téléphone »" in une_seule("colonnes-non-reconnues")
    assert "4 salariés sans date de naissance" in une_seule("naissance-manquante")
    assert "S001, S002, S003, S004" in une_seule("naissance-manquante")
    assert "4 avertissement(s), 3 information(s)" in sortie
    assert "Messages répétés regroupés : le détail, ligne par ligne, avec --json." in sortie

    # --json garde le détail, ligne par ligne.
    code, sortie = invoquer("verifier", "--registre", str(registre), "--au", AU, "--json")
    detail = [a for a in json.loads(sortie)["anomalies"] if a["code"] == "naissance-manquante"]
    assert [(a["ligne"], a["matricule"]) for a in detail] == [
        (4, "S001"), (5, "S002"), (6, "S003"), (7, "S004"),
    ]  # fmt: skip

    # Chaque commande le dit aussi, une fois.
    code, sortie = invoquer("echeances", "--registre", str(registre), "--au", AU)
    assert code == 0, sortie
    assert sum("Colonnes non reconnues" in ligne for ligne in sortie.splitlines()) == 1
    assert sum("sans date de naissance" in ligne for ligne in sortie.splitlines()) == 1


def test_parametres_enregistres_par_le_bloc_notes_avec_bom(projet: Path) -> None:
    parametres = projet / "donnees" / "parametres.toml"
    parametres.write_bytes(b"\xef\xbb\xbf" + parametres.read_bytes())
    code, sortie = invoquer("verifier", "--au", AU)
    assert code == 0, sortie
    assert "Registre et paramètres valides" in sortie
