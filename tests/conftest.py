"""Outils partagés des tests : petits classeurs Excel construits dans tmp_path."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openpyxl import Workbook

Feuilles = dict[str, Sequence[Sequence[Any]]]


def ecrire_classeur(dossier: Path, feuilles: Feuilles, nom: str = "registre.xlsx") -> Path:
    """Écrit un classeur : {"Salariés": [[en-têtes…], [ligne…], …], …} -> chemin.

    Chaque valeur est écrite telle quelle par openpyxl : un texte "00042" reste une cellule
    texte, un `date` devient une vraie date Excel, un nombre reste un nombre. `None` laisse
    la cellule vide. L'ordre des feuilles est celui du dictionnaire.
    """
    classeur = Workbook()
    classeur.remove(classeur.active)
    for titre, lignes in feuilles.items():
        feuille = classeur.create_sheet(titre)
        for ligne in lignes:
            feuille.append(list(ligne))
    chemin = Path(dossier) / nom
    classeur.save(chemin)
    return chemin


@pytest.fixture
def classeur(tmp_path: Path) -> Callable[..., Path]:
    """Fixture : `classeur({"Salariés": [...]})` écrit le classeur dans tmp_path."""

    def fabriquer(feuilles: Feuilles, nom: str = "registre.xlsx") -> Path:
        return ecrire_classeur(tmp_path, feuilles, nom)

    return fabriquer


def charger_generateur() -> ModuleType:
    """Le script autonome donnees/generer_exemple.py, chargé comme un module."""
    if "generer_exemple" in sys.modules:
        return sys.modules["generer_exemple"]
    script = Path(__file__).resolve().parent.parent / "donnees" / "generer_exemple.py"
    spec = importlib.util.spec_from_file_location("generer_exemple", script)
    module = importlib.util.module_from_spec(spec)
    # dataclasses a besoin du module dans sys.modules pour résoudre les annotations.
    sys.modules["generer_exemple"] = module
    spec.loader.exec_module(module)
    return module
