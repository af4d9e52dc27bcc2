"""Conversion des documents Word en PDF par LibreOffice sans interface (`--pdf`).

Chaque processus LibreOffice a son propre profil utilisateur
(`-env:UserInstallation`) : deux instances qui partagent un profil se bloquent ou
échouent en silence. Plusieurs documents sont convertis par appel (le démarrage de
LibreOffice coûte plus que la conversion d'une page), dans un dossier temporaire, puis
chaque PDF est vérifié (présent, non vide) et posé à côté du .docx par l'écriture sûre
du projet : un PDF existant n'est jamais écrasé.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.erreurs import Anomalie, ErreurEntretiens
from pipeline.fichiers import deja_ecrit, ecrire_fichier

# Au-delà, un document bloque LibreOffice (fichier corrompu, boîte de dialogue) : on
# arrête le processus plutôt que d'attendre indéfiniment.
DELAI_DEMARRAGE_S = 90
DELAI_PAR_DOCUMENT_S = 30
TAILLE_LOT_MAX = 25

_EMPLACEMENTS_CONNUS = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


def soffice_disponible() -> str | None:
    """Le chemin de `soffice` (ou `libreoffice`), ou None s'il n'est pas installé."""
    for commande in ("soffice", "libreoffice"):
        chemin = shutil.which(commande)
        if chemin:
            return chemin
    for chemin in _EMPLACEMENTS_CONNUS:
        if os.path.isfile(chemin):
            return chemin
    return None


def _exiger_soffice() -> str:
    soffice = soffice_disponible()
    if soffice is None:
        raise ErreurEntretiens.simple(
            "libreoffice-absent",
            "LibreOffice n'est pas installé (commande « soffice » introuvable) : la "
            "conversion en PDF est impossible. Installez-le (sous Debian/Ubuntu : sudo "
            "apt-get install libreoffice-writer-nogui ; sous Windows ou macOS : "
            "https://fr.libreoffice.org/download/), vérifiez que « soffice » est dans le "
            "PATH, ou relancez la commande sans --pdf.",
        )
    return soffice


def _lancer(soffice: str, profil: Path, entrees: list[Path], sortie: Path) -> str:
    """Un appel de LibreOffice ; renvoie ses messages d'erreur éventuels (vide si rien)."""
    commande = [
        soffice,
        f"-env:UserInstallation={profil.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        "pdf",
        "--outdir",
        str(sortie),
        *map(str, entrees),
    ]
    delai = DELAI_DEMARRAGE_S + DELAI_PAR_DOCUMENT_S * len(entrees)
    # Un groupe de processus à lui : soffice lance soffice.bin, qu'il faut arrêter aussi
    # en cas de dépassement du délai.
    processus = subprocess.Popen(
        commande,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=sys.platform != "win32",
    )
    try:
        sortie_lo, erreur = processus.communicate(timeout=delai)
    except subprocess.TimeoutExpired:
        if sys.platform != "win32":
            os.killpg(processus.pid, signal.SIGKILL)
        else:
            processus.kill()
        processus.communicate()
        return f"LibreOffice n'a pas répondu en {delai} s"
    # LibreOffice répond 0 même quand un document n'a pas pu être chargé : seul le
    # fichier produit fait foi ; ses lignes « Error: » servent à expliquer l'échec.
    journal = (sortie_lo + erreur).decode(errors="replace")
    lignes = [ligne.strip() for ligne in journal.splitlines() if "Error" in ligne]
    if processus.returncode != 0:
        lignes.insert(0, f"LibreOffice a échoué (code {processus.returncode})")
    if any("could not be loaded" in ligne for ligne in lignes):
        return "LibreOffice n'a pas pu ouvrir le fichier"
    return " ; ".join(dict.fromkeys(lignes))[:300]


def _convertir_lot(
    soffice: str, profils: queue.Queue[Path], lot: list[tuple[int, Path]]
) -> list[tuple[int, str]]:
    """Convertit un lot ; renvoie [(rang, erreur)] pour les documents non convertis."""
    profil = profils.get()
    try:
        with tempfile.TemporaryDirectory(prefix="entretiens-pdf-") as temporaire:
            dossier = Path(temporaire)
            entree, sortie = dossier / "entree", dossier / "sortie"
            entree.mkdir()
            sortie.mkdir()
            # Les noms d'origine se répètent (convocation.docx dans chaque dossier) :
            # chaque document prend un nom unique le temps de la conversion.
            copies = {}
            for rang, fichier in lot:
                copie = entree / f"{rang:07d}{fichier.suffix}"
                shutil.copyfile(fichier, copie)
                copies[rang] = copie
            erreur = _lancer(soffice, profil, list(copies.values()), sortie)
            echecs = []
            for rang, fichier in lot:
                pdf = sortie / f"{rang:07d}.pdf"
                if not pdf.is_file() or pdf.stat().st_size == 0:
                    # Un document fautif peut faire échouer tout le lot : on réessaie seul.
                    erreur_seul = _lancer(soffice, profil, [copies[rang]], sortie)
                    if not pdf.is_file() or pdf.stat().st_size == 0:
                        echecs.append((rang, erreur_seul or erreur or "aucun PDF produit"))
                        continue
                # Un PDF plus ancien que son document (document mis à jour) est remplacé,
                # l'ancien gardé dans anciennes_versions/ ; sinon jamais d'écrasement.
                cible = fichier.with_suffix(".pdf")
                ecrire_fichier(cible, pdf.read_bytes(), remplacer=_pdf_perime(fichier, cible))
            return echecs
    finally:
        profils.put(profil)


def _pdf_perime(document: Path, pdf: Path) -> bool:
    """Le PDF existe mais date d'avant son document (régénéré depuis)."""
    return deja_ecrit(pdf) and pdf.stat().st_mtime < document.stat().st_mtime


def convertir_pdf(
    fichiers: list[Path],
    jobs: int = 1,
    progression: Callable[[int], None] | None = None,
) -> list[Path]:
    """Convertit chaque document en PDF à côté de lui ; renvoie les PDF, dans l'ordre.

    Un PDF déjà présent (non vide) est conservé tel quel et n'est pas reconverti, sauf
    s'il est plus ancien que son document (mis à jour depuis) : il est alors refait,
    l'ancien gardé.
    Les échecs sont tous collectés, puis signalés ensemble.
    """
    fichiers = [Path(f) for f in fichiers]
    pdfs = [f.with_suffix(".pdf") for f in fichiers]
    a_faire = [
        (rang, f)
        for rang, f in enumerate(fichiers)
        # Un PDF vide (coupure de courant pendant son écriture) est refait, comme un
        # document vide : il ne porte rien.
        if not deja_ecrit(pdfs[rang]) or _pdf_perime(f, pdfs[rang])
    ]
    if progression and len(a_faire) < len(fichiers):
        progression(len(fichiers) - len(a_faire))
    if not a_faire:
        return pdfs
    soffice = _exiger_soffice()
    jobs = max(1, min(jobs, len(a_faire)))
    taille = max(1, min(TAILLE_LOT_MAX, -(-len(a_faire) // jobs)))
    lots = [a_faire[i : i + taille] for i in range(0, len(a_faire), taille)]

    racine_profils = Path(tempfile.mkdtemp(prefix="entretiens-lo-"))
    profils: queue.Queue[Path] = queue.Queue()
    for numero in range(jobs):
        profils.put(racine_profils / f"profil{numero}")
    echecs: list[tuple[int, str]] = []
    try:
        with ThreadPoolExecutor(max_workers=jobs) as executeur:
            futurs = [executeur.submit(_convertir_lot, soffice, profils, lot) for lot in lots]
            for futur, lot in zip(futurs, lots, strict=True):
                echecs.extend(futur.result())
                if progression:
                    progression(len(lot))
    finally:
        shutil.rmtree(racine_profils, ignore_errors=True)

    if echecs:
        anomalies = [
            Anomalie(
                "pdf-echec",
                f"« {fichiers[rang]} » n'a pas pu être converti en PDF ({raison}). Ouvrez-le "
                "dans Word ou LibreOffice pour vérifier qu'il n'est pas endommagé, puis "
                "relancez : les PDF déjà produits sont conservés.",
            )
            for rang, raison in sorted(echecs)
        ]
        raise ErreurEntretiens(
            f"La conversion en PDF a échoué pour {len(echecs)} document(s).", anomalies=anomalies
        )
    return pdfs
