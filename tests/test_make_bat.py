"""make.bat, le Makefile de Windows : chaque cible du Makefile y a son équivalent, qui lance
la même commande, avec l'environnement `py -3 -m venv .venv`."""

from __future__ import annotations

import re
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
MAKEFILE = (RACINE / "Makefile").read_text(encoding="utf-8")
MAKE_BAT = (RACINE / "make.bat").read_bytes()
BAT = MAKE_BAT.decode("utf-8").replace("\r\n", "\n")


def cibles_makefile() -> dict[str, str]:
    """Cible -> sa recette (lignes indentées qui suivent `cible: …`)."""
    cibles: dict[str, str] = {}
    courante = None
    for ligne in MAKEFILE.splitlines():
        trouve = re.match(r"^([a-z][a-z-]*):(?!=)", ligne)
        if trouve:
            courante = trouve.group(1)
            cibles[courante] = ""
        elif ligne.startswith("\t") and courante:
            cibles[courante] += ligne.strip() + "\n"
        elif not ligne.startswith("\t"):
            courante = None
    return cibles


def bloc_bat(cible: str) -> str:
    """Les lignes de make.bat sous l'étiquette `:cible`, jusqu'au `goto :fin`."""
    trouve = re.search(rf"^:{re.escape(cible)}\n(.*?)^goto :fin$", BAT, re.M | re.S)
    assert trouve, f"make.bat n'a pas d'étiquette :{cible}"
    return trouve.group(1)


def test_chaque_cible_du_makefile_a_son_equivalent() -> None:
    cibles = cibles_makefile()
    phony = set(re.search(r"\.PHONY:(.*?)\n\n", MAKEFILE, re.S).group(1).replace("\\", "").split())
    assert phony <= set(cibles) and "convocations" in phony
    aiguillage = re.search(r"for %%c in \(([^)]*)\) do", BAT).group(1).split()
    for cible in phony:
        assert cible in aiguillage, f"make {cible} : absente de l'aiguillage de make.bat"
        bloc = bloc_bat(cible)
        # Une cible du Makefile qui lance `entretiens X` lance la même commande sous Windows.
        commande = re.search(r"\$\(ENTRETIENS\) ([a-z-]+)", cibles[cible])
        if commande:
            assert bloc.strip().startswith(f"call :lancer {commande.group(1)}"), cible
    assert '"%ENTRETIENS%" %1 %ARGUMENTS%' in BAT


def test_environnement_windows() -> None:
    assert r'set "ENTRETIENS=%VENV%\Scripts\entretiens.exe"' in BAT
    assert 'set "PYTHON_SYSTEME=py -3"' in BAT
    assert '%PYTHON_SYSTEME% -m venv "%VENV%"' in BAT
    assert '-m pip install --quiet -e ".[dev]"' in BAT
    # Les options suivent la cible, ou viennent de la variable OPTIONS comme sous Linux.
    assert 'set "ARGUMENTS=%OPTIONS%"' in BAT


def test_fins_de_ligne_windows() -> None:
    # cmd.exe perd des étiquettes (goto) dans un fichier aux fins de ligne Unix.
    assert MAKE_BAT.count(b"\n") == MAKE_BAT.count(b"\r\n")
    attributs = (RACINE / ".gitattributes").read_text(encoding="utf-8")
    assert "make.bat text eol=crlf" in attributs
