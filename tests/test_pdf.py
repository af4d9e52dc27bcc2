"""Conversion PDF avec le vrai LibreOffice (installé en CI par .ci/run)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from test_rendu import CONTEXTES, DOSSIER_MODELES, fabriquer_modele

from pipeline.erreurs import ErreurEntretiens
from pipeline.pdf import convertir_pdf, soffice_disponible
from pipeline.rendu import ModeleCompile


@pytest.fixture(scope="module")
def soffice() -> str:
    chemin = soffice_disponible()
    if chemin is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) doit être installé en CI : .ci/run l'installe.")
        pytest.skip("LibreOffice (soffice) n'est pas installé sur cette machine")
    return chemin


def nombre_de_pages(pdf: Path) -> int:
    """Les objets « /Type /Page » (LibreOffice n'utilise pas de flux d'objets)."""
    contenu = pdf.read_bytes()
    assert contenu.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", contenu))


def test_conversion_et_pdf_existant_conserve(soffice: str, tmp_path: Path) -> None:
    modele = ModeleCompile(fabriquer_modele(tmp_path / "modele.docx"))
    documents = []
    for nom in ("retour", "texte_long", "listes_vides"):
        # Même nom de fichier dans des dossiers différents, comme une vraie campagne.
        chemin = tmp_path / nom / "convocation.docx"
        chemin.parent.mkdir()
        chemin.write_bytes(modele.rendre(CONTEXTES[nom]))
        documents.append(chemin)
    deja = documents[2].with_suffix(".pdf")
    deja.write_bytes(b"PDF signe a garder")

    avances: list[int] = []
    pdfs = convertir_pdf(documents, jobs=2, progression=avances.append)

    assert pdfs == [d.with_suffix(".pdf") for d in documents]
    assert sum(avances) == 3
    assert nombre_de_pages(pdfs[0]) == 1
    # 400 fois une phrase de 40 caractères : plusieurs pages, mais pas des dizaines.
    assert 2 <= nombre_de_pages(pdfs[1]) <= 8
    assert deja.read_bytes() == b"PDF signe a garder"
    assert not list(tmp_path.rglob("*.tmp"))


def test_modeles_reels_convertis(soffice: str, tmp_path: Path) -> None:
    from pipeline import exemples
    from pipeline.modeles import MODELES

    modeles = sorted(DOSSIER_MODELES.glob("*.docx"))
    assert modeles, "aucun modèle .docx dans modeles_word/"
    documents = []
    for chemin in modeles:
        famille = MODELES.get(chemin.stem, "salarie")
        ctx = (
            exemples.exemple_contexte_conducteur()
            if famille == "conducteur"
            else exemples.exemple_contexte_salarie()
        )
        destination = tmp_path / chemin.name
        destination.write_bytes(ModeleCompile(chemin).rendre(ctx))
        documents.append(destination)
    pages = {pdf.stem: nombre_de_pages(pdf) for pdf in convertir_pdf(documents, jobs=2)}
    # Mesuré avec les modèles livrés : convocation 1, état des lieux 2, fiche 2,
    # support et compte-rendu 4 pages ; les bornes laissent de la marge aux retouches.
    bornes = {"convocation": (1, 2), "etat_des_lieux": (1, 4), "fiche_conducteur": (1, 6)}
    for nom, nombre in pages.items():
        minimum, maximum = bornes.get(nom, (2, 10))
        assert minimum <= nombre <= maximum, (nom, nombre)


def test_libreoffice_absent_message_clair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vide = tmp_path / "bin"
    vide.mkdir()
    monkeypatch.setenv("PATH", str(vide))
    assert soffice_disponible() is None
    document = tmp_path / "convocation.docx"
    document.write_bytes(b"contenu")
    with pytest.raises(ErreurEntretiens) as erreur:
        convertir_pdf([document])
    anomalie = erreur.value.anomalies[0]
    assert anomalie.code == "libreoffice-absent"
    assert "LibreOffice n'est pas installé" in anomalie.message
    assert "sudo apt-get install libreoffice-writer-nogui" in anomalie.message
    assert not document.with_suffix(".pdf").exists()


def test_document_illisible_signale(soffice: str, tmp_path: Path) -> None:
    casse = tmp_path / "casse.docx"
    # Un zip tronqué : LibreOffice refuse de le charger (un fichier vide, lui, passerait
    # pour un document texte vide).
    casse.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00tronque")
    with pytest.raises(ErreurEntretiens) as erreur:
        convertir_pdf([casse])
    assert erreur.value.anomalies[0].code == "pdf-echec"
    assert "casse.docx" in erreur.value.anomalies[0].message
    assert "n'a pas pu ouvrir le fichier" in erreur.value.anomalies[0].message
    assert not casse.with_suffix(".pdf").exists()


def test_rien_a_convertir_n_exige_pas_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    document = tmp_path / "a.docx"
    document.write_bytes(b"x")
    shutil.copyfile(document, document.with_suffix(".pdf"))
    assert convertir_pdf([document]) == [document.with_suffix(".pdf")]


def test_pdf_plus_ancien_que_son_document_refait(soffice: str, tmp_path: Path) -> None:
    """Un document mis à jour (rendez-vous déplacé) ne garde pas un PDF de l'ancienne date."""
    modele = ModeleCompile(fabriquer_modele(tmp_path / "modele.docx"))
    document = tmp_path / "convocation.docx"
    document.write_bytes(modele.rendre(CONTEXTES["retour"]))
    ancien = document.with_suffix(".pdf")
    ancien.write_bytes(b"PDF de l'ancienne date")
    os.utime(ancien, (document.stat().st_mtime - 60, document.stat().st_mtime - 60))

    convertir_pdf([document])

    assert nombre_de_pages(ancien) == 1
    gardes = list((tmp_path / "anciennes_versions").glob("convocation.*.pdf"))
    assert [g.read_bytes() for g in gardes] == [b"PDF de l'ancienne date"]


def test_pdf_vide_laisse_par_une_coupure_refait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Un PDF vide (coupure de courant pendant l'écriture) ne porte rien : il est refait,
    même plus récent que son document, comme un document vide (`fichiers.deja_ecrit`)."""
    from pipeline import pdf as module_pdf

    def conversion_factice(_soffice: str, _profil: Path, entrees: list[Path], sortie: Path) -> str:
        for entree in entrees:
            (sortie / f"{entree.stem}.pdf").write_bytes(b"%PDF-factice " + entree.read_bytes())
        return ""

    monkeypatch.setattr(module_pdf, "_exiger_soffice", lambda: "soffice")
    monkeypatch.setattr(module_pdf, "_lancer", conversion_factice)
    document = tmp_path / "convocation.docx"
    document.write_bytes(b"document")
    vide = document.with_suffix(".pdf")
    vide.write_bytes(b"")
    plus_tard = document.stat().st_mtime + 5
    os.utime(vide, (plus_tard, plus_tard))

    assert convertir_pdf([document]) == [vide]

    assert vide.read_bytes() == b"%PDF-factice document"
    assert not (tmp_path / "anciennes_versions").exists()
