"""Le verrou de campagne, éprouvé avec de vrais processus : une seconde commande est refusée
avec une phrase claire, un verrou laissé par un processus tué se reprend, et deux
`convocations` lancées ensemble ne corrompent jamais le manifeste."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ecrire_classeur

from pipeline.campagne import Campagne
from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import sha256_fichier

RACINE = Path(__file__).resolve().parent.parent
AU = "2026-11-27"
PARAMETRES = """
[entreprise]
raison_sociale = "Menuiserie Lefèvre"
signataire = "Sophie Bernard"
email_rh = "rh@menuiserie-lefevre.fr"

[publipostage]
expediteur = "rh@menuiserie-lefevre.fr"
"""

pytestmark = pytest.mark.skipif(os.name == "nt", reason="processus tués par SIGKILL")


@pytest.fixture
def projet(tmp_path: Path) -> Path:
    (tmp_path / "donnees").mkdir()
    (tmp_path / "donnees" / "parametres.toml").write_text(PARAMETRES, encoding="utf-8")
    en_tetes = ["Matricule", "Nom", "Prénom", "Date d'entrée", "Matricule manager"]
    lignes = [[f"S{i:02d}", f"Nom{i}", f"Prénom{i}", "2015-03-02", ""] for i in range(12)]
    ecrire_classeur(tmp_path, {"Salariés": [en_tetes, *lignes]})
    return tmp_path


def entretiens(projet: Path, *args: str) -> subprocess.Popen:
    """`entretiens …` dans un vrai processus, depuis le dossier du projet."""
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args, "--registre", "registre.xlsx", "--au", AU],
        cwd=projet,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def terminer(processus: subprocess.Popen) -> tuple[int, str]:
    sortie, _ = processus.communicate(timeout=120)
    return processus.returncode, sortie


def tenir_le_verrou(projet: Path, campagne: str) -> subprocess.Popen:
    """Un autre processus prend le verrou de la campagne et le garde jusqu'à son arrêt."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from pipeline.campagne import Campagne

        with Campagne(Path("sorties"), {campagne!r}).verrouiller("entretiens convocations"):
            print("pris", flush=True)
            sys.stdin.readline()
        """
    )
    processus = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=projet,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert processus.stdout.readline().strip() == "pris"
    return processus


def test_seconde_commande_refusee_puis_verrou_perime_repris(projet: Path) -> None:
    detenteur = tenir_le_verrou(projet, AU)
    verrou = projet / "sorties" / f"{AU}.verrou"
    try:
        for commande in (["convocations", "--jobs", "1"], ["planifier"]):
            code, sortie = terminer(entretiens(projet, *commande))
            assert code == 1, sortie
            assert f"La campagne « {AU} » est utilisée en ce moment par « entretiens " in sortie
            assert f"(processus {detenteur.pid})" in sortie
            assert "Attendez qu'elle se termine, puis relancez." in sortie
            assert "Traceback" not in sortie
        assert not (projet / "sorties" / AU).exists(), "rien n'est écrit sans le verrou"
    finally:
        # Tué net : il ne rend pas le verrou, le fichier reste avec son nom dedans.
        detenteur.send_signal(signal.SIGKILL)
        detenteur.wait(timeout=30)
    assert str(detenteur.pid) in verrou.read_text(encoding="utf-8")

    code, sortie = terminer(entretiens(projet, "convocations", "--jobs", "1"))
    assert code == 0, sortie
    assert f"(processus {detenteur.pid})" in sortie
    assert f"a été interrompue sans rendre le verrou de la campagne « {AU} »" in sortie
    assert (projet / "sorties" / AU / "manifeste.csv").exists()
    assert not verrou.exists(), "le verrou est rendu en fin de commande"


def test_deux_convocations_en_meme_temps_manifeste_intact(projet: Path) -> None:
    premiere = entretiens(projet, "convocations", "--jobs", "1")
    seconde = entretiens(projet, "convocations", "--jobs", "1")
    resultats = [terminer(premiere), terminer(seconde)]
    assert any(code == 0 for code, _ in resultats), resultats
    for code, sortie in resultats:
        assert code == 0 or "est utilisée en ce moment par" in sortie, sortie
    dossier = projet / "sorties" / AU
    with open(dossier / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
        manifeste = {ligne["chemin"]: ligne["sha256"] for ligne in csv.DictReader(f, delimiter=";")}
    documents = {p.relative_to(dossier).as_posix() for p in dossier.rglob("*.docx")}
    assert documents == {c for c in manifeste if c.endswith(".docx")}
    assert all(sha256_fichier(dossier / c) == e for c, e in manifeste.items())
    # Relancée, la campagne ne voit aucun document « modifié à la main ».
    code, sortie = terminer(entretiens(projet, "convocations", "--jobs", "1"))
    assert code == 0, sortie
    assert "Documents créés       : 0" in sortie and "périmés" not in sortie


def test_verrou_dans_le_meme_processus(tmp_path: Path) -> None:
    campagne = Campagne(tmp_path, "c")
    with campagne.verrouiller("entretiens archiver"):
        with pytest.raises(ErreurEntretiens) as erreur:
            with campagne.verrouiller("entretiens publipostage"):
                pass  # pragma: no cover
        assert erreur.value.anomalies[0].code == "campagne-verrouillee"
        assert "« entretiens archiver », lancée par" in erreur.value.message
    # Rendu : on le reprend sans rien signaler.
    avis: list[str] = []
    with campagne.verrouiller("entretiens publipostage", signaler=avis.append):
        assert campagne.verrou.exists()
    assert avis == [] and not campagne.verrou.exists()
