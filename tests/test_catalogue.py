"""Catalogue des codes d'anomalie : le source, le catalogue et la documentation s'accordent."""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ecrire_classeur

from pipeline.cli import cli
from pipeline.erreurs import CATALOGUE, Anomalie, ErreurEntretiens, Rapport

RACINE = Path(__file__).resolve().parent.parent
FORME_CODE = re.compile(r"[a-z]+(?:-[a-z0-9]+)+")
# Textes du source en forme de code qui n'en sont pas (les noms de commandes sont ajoutés
# depuis la CLI elle-même).
PAS_DES_CODES = {"utf-8", "utf-8-sig", "quoted-printable", "alsace-moselle"} | set(cli.commands)


def _litteraux(module: Path) -> set[str]:
    """Les textes en forme de code (« date-invalide ») écrits dans un module Python."""
    arbre = ast.parse(module.read_text(encoding="utf-8"))
    return {
        n.value
        for n in ast.walk(arbre)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and FORME_CODE.fullmatch(n.value)
    }


def _codes_du_source(*noms: str) -> set[str]:
    modules = [RACINE / "pipeline" / n for n in noms] or (RACINE / "pipeline").glob("*.py")
    trouves = set().union(*(_litteraux(m) for m in modules if m.name != "erreurs.py"))
    return trouves - PAS_DES_CODES


def _codes_cites(document: str) -> set[str]:
    """Les codes cités `entre accents graves` dans un document Markdown."""
    texte = (RACINE / document).read_text(encoding="utf-8")
    return set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)`", texte)) - PAS_DES_CODES


def test_chaque_code_du_source_est_au_catalogue() -> None:
    absents = _codes_du_source() - set(CATALOGUE)
    assert not absents, (
        f"Codes utilisés mais non déclarés : {sorted(absents)}. Déclarez-les dans "
        "pipeline/erreurs.py (CATALOGUE) ; si ce ne sont pas des codes, ajoutez-les à "
        "PAS_DES_CODES de ce test."
    )


def test_pas_de_code_mort_au_catalogue() -> None:
    morts = set(CATALOGUE) - _codes_du_source()
    assert not morts, f"Codes déclarés mais jamais signalés : {sorted(morts)}"


def test_les_exceptions_de_ce_test_ne_sont_pas_des_codes() -> None:
    assert not PAS_DES_CODES & set(CATALOGUE)


@pytest.mark.parametrize("document", ["docs/specs/registre.md", "README.md"])
def test_chaque_code_cite_dans_la_documentation_existe(document: str) -> None:
    cites = _codes_cites(document)
    assert cites, f"{document} ne cite plus aucun code : ce test ne vérifierait plus rien"
    assert not cites - set(CATALOGUE), f"{document} cite des codes inconnus"


def test_chaque_code_du_registre_est_documente_dans_le_readme() -> None:
    # Ce que la lecture du registre peut produire, l'assistante RH doit pouvoir le lire.
    produits = _codes_du_source(
        "registre.py", "lecture_feuilles.py", "controles_registre.py", "suggestions.py", "schema.py"
    )
    assert not produits - _codes_cites("README.md")


def test_chaque_definition_a_un_titre_et_une_correction() -> None:
    for code, definition in CATALOGUE.items():
        assert definition.code == code
        assert definition.titre[:1].isupper() and not definition.titre.endswith(".")
        assert definition.correction[:1].isupper() and definition.correction.endswith("."), code


@pytest.mark.parametrize(
    "signaler",
    [
        lambda: Anomalie("code-bidon", "message"),
        lambda: Rapport().erreur("code-bidon", "message"),
        lambda: Rapport().avertissement("code-bidon", "message"),
        lambda: ErreurEntretiens.simple("code-bidon", "message"),
    ],
    ids=["anomalie", "erreur", "avertissement", "simple"],
)
def test_un_code_non_declare_echoue_des_la_construction(signaler) -> None:
    with pytest.raises(LookupError, match="« code-bidon » non déclaré"):
        signaler()


def test_verifier_json_donne_le_titre_de_chaque_anomalie(tmp_path: Path) -> None:
    registre = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ["Matricule", "Nom", "Prénom", "Date d'entrée", "Matricule manager"],
                ["001", "Dupont", "Jean", date(2020, 1, 6), "999"],
            ]
        },
    )
    resultat = CliRunner().invoke(cli, ["verifier", "--registre", str(registre), "--json"])
    assert resultat.exit_code == 1
    anomalies = json.loads(resultat.output)["anomalies"]
    assert [(a["code"], a["titre"]) for a in anomalies if a["gravite"] == "erreur"] == [
        ("manager-inconnu", "Manager inconnu")
    ]
    # Les champs d'avant le catalogue restent, pour les programmes qui les lisent.
    assert {"code", "message", "feuille", "ligne", "colonne", "valeur", "gravite"} <= set(
        anomalies[0]
    )
