"""Formulaires remplis comme dans Word, relus même après LibreOffice.

Les formulaires sont remplis comme le fait Word (contrôles de contenu réglés avec
python-docx et lxml), et certains passent par un vrai aller-retour LibreOffice
(`soffice --convert-to docx`), qui perd les étiquettes des champs.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

# « soffice_installe » : LibreOffice, sinon le test est sauté (en CI, il échoue).
from test_pdf import soffice as soffice_installe  # noqa: F401

from pipeline.erreurs import ErreurEntretiens
from pipeline.exemples import exemple_contexte_salarie
from pipeline.modeles import DOSSIER_MODELES
from pipeline.recolte import (
    CASE,
    CHAMPS,
    CHAMPS_FORMULAIRES,
    COMPTE_RENDU,
    DATE,
    ETAT_DES_LIEUX,
    lire_formulaire,
)
from pipeline.rendu import ModeleCompile, rendre_docxtpl

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
TOUTES_LES_INFORMATIONS = {
    "information_cpf": True,
    "information_abondement": True,
    "information_cep": True,
    "information_vae": True,
}


# --- remplir un formulaire comme Word ---------------------------------------------------


def _controles(document: docx.document.Document) -> list:
    return list(document.element.body.iter(qn("w:sdt")))


def _etiquette(sdt) -> str:
    tag = sdt.find(qn("w:sdtPr")).find(qn("w:tag"))
    return "" if tag is None else tag.get(qn("w:val"))


def remplir(chemin: Path, valeurs: dict[str, date | bool]) -> None:
    """Règle les contrôles comme Word le fait quand on choisit une date ou coche une case."""
    document = docx.Document(str(chemin))
    for sdt in _controles(document):
        tag = _etiquette(sdt)
        if tag not in valeurs:
            continue
        proprietes = sdt.find(qn("w:sdtPr"))
        textes = list(sdt.find(qn("w:sdtContent")).iter(qn("w:t")))
        for texte in textes[1:]:
            texte.getparent().remove(texte)
        valeur = valeurs[tag]
        if isinstance(valeur, bool):
            etat = proprietes.find(f"{W14}checkbox/{W14}checked")
            etat.set(f"{W14}val", "1" if valeur else "0")
            textes[0].text = "☒" if valeur else "☐"
        else:
            invite = proprietes.find(qn("w:showingPlcHdr"))
            if invite is not None:
                proprietes.remove(invite)
            proprietes.find(qn("w:date")).set(qn("w:fullDate"), f"{valeur}T00:00:00Z")
            textes[0].text = valeur.strftime("%d/%m/%Y")
    document.save(str(chemin))


def retoucher(chemin: Path, retouche) -> None:
    """Applique `retouche(document)` au document (étiquettes retirées, champ supprimé…)."""
    document = docx.Document(str(chemin))
    retouche(document)
    document.save(str(chemin))


def sans_etiquettes(document) -> None:
    for sdt in _controles(document):
        tag = sdt.find(qn("w:sdtPr")).find(qn("w:tag"))
        if tag is not None:
            tag.getparent().remove(tag)


def rendre(nom: str, dossier: Path, rapide: bool = True) -> Path:
    modele = DOSSIER_MODELES / f"{nom}.docx"
    contexte = exemple_contexte_salarie()
    contenu = ModeleCompile(modele).rendre(contexte) if rapide else rendre_docxtpl(modele, contexte)
    chemin = dossier / f"{nom}{'' if rapide else '_docxtpl'}.docx"
    chemin.write_bytes(contenu)
    return chemin


def aller_retour_libreoffice(soffice: str, fichiers: list[Path], travail: Path) -> None:
    """Ouvre et réenregistre chaque .docx avec LibreOffice, à sa place."""
    entree, sortie = travail / "lo_entree", travail / "lo_sortie"
    entree.mkdir(parents=True)
    copies = []
    for rang, fichier in enumerate(fichiers):
        copie = entree / f"{rang:03d}.docx"
        shutil.copyfile(fichier, copie)
        copies.append(copie)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(travail / 'lo_profil').as_uri()}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(sortie),
            *map(str, copies),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    for copie, fichier in zip(copies, fichiers, strict=True):
        shutil.copyfile(sortie / copie.name, fichier)


# --- les modèles livrés et leur rendu ---------------------------------------------------


@pytest.mark.parametrize("nom", [COMPTE_RENDU, ETAT_DES_LIEUX])
def test_modeles_livres_portent_les_champs_dans_l_ordre(nom: str) -> None:
    document = docx.Document(str(DOSSIER_MODELES / f"{nom}.docx"))
    controles = _controles(document)
    assert [_etiquette(s) for s in controles] == list(CHAMPS_FORMULAIRES[nom])
    for sdt in controles:
        proprietes = sdt.find(qn("w:sdtPr"))
        nature = DATE if proprietes.find(qn("w:date")) is not None else CASE
        assert nature == CHAMPS[_etiquette(sdt)].nature
        if nature == CASE:
            assert proprietes.find(f"{W14}checkbox") is not None
    # Imprimés vides, les champs sont des lignes de formulaire ordinaires.
    textes = ["".join(t.text for t in sdt.iter(qn("w:t"))) for sdt in controles]
    assert all(t in ("☐", "____ / ____ / ________") for t in textes), textes


@pytest.mark.parametrize("rapide", [True, False], ids=["rendu rapide", "docxtpl"])
@pytest.mark.parametrize("nom", [COMPTE_RENDU, ETAT_DES_LIEUX])
def test_le_rendu_garde_les_champs_vides(tmp_path: Path, nom: str, rapide: bool) -> None:
    chemin = rendre(nom, tmp_path, rapide)
    assert [_etiquette(s) for s in _controles(docx.Document(str(chemin)))] == list(
        CHAMPS_FORMULAIRES[nom]
    )
    formulaire = lire_formulaire(chemin, nom)
    assert formulaire.introuvables == [] and formulaire.illisibles == {}
    attendu = {
        tag: None if CHAMPS[tag].nature == DATE else False for tag in CHAMPS_FORMULAIRES[nom]
    }
    assert formulaire.valeurs == attendu


def _sans_libelles(document) -> None:
    """Chaque texte hors des champs remplacé : plus aucun libellé reconnaissable."""
    for texte in document.element.body.iter(qn("w:t")):
        if not any(a.tag == qn("w:sdt") for a in texte.iterancestors()):
            texte.text = "texte"


@pytest.mark.parametrize(
    ("nom", "valeurs", "retouche"),
    [
        pytest.param(
            COMPTE_RENDU,
            {
                "date_entretien": date(2026, 12, 8),
                **TOUTES_LES_INFORMATIONS,
                "information_cep": False,
                "copie_remise_le": date(2026, 12, 9),
            },
            lambda d: None,
            id="par étiquette",
        ),
        pytest.param(
            ETAT_DES_LIEUX,
            {
                "date_entretien": date(2026, 12, 8),
                "formation_suivie": False,
                "certification": True,
                "progression": False,
                "copie_remise_le": date(2026, 12, 10),
            },
            sans_etiquettes,
            id="sans étiquette : par libellé",
        ),
        pytest.param(
            COMPTE_RENDU,
            {
                "date_entretien": date(2026, 12, 8),
                **TOUTES_LES_INFORMATIONS,
                "information_abondement": False,
                "copie_remise_le": date(2026, 12, 9),
            },
            lambda d: (sans_etiquettes(d), _sans_libelles(d)),
            id="sans étiquette ni libellé : par rang",
        ),
    ],
)
def test_formulaire_rempli_comme_dans_word(tmp_path: Path, nom, valeurs, retouche) -> None:
    chemin = rendre(nom, tmp_path)
    remplir(chemin, valeurs)
    retoucher(chemin, retouche)
    assert lire_formulaire(chemin, nom).valeurs == valeurs


def _supprimer(tag: str):
    def retouche(document) -> None:
        for sdt in _controles(document):
            if _etiquette(sdt) == tag:
                sdt.getparent().remove(sdt)

    return retouche


def test_un_champ_supprime_est_introuvable_les_autres_sont_lus(tmp_path: Path) -> None:
    chemin = rendre(COMPTE_RENDU, tmp_path)
    remplir(chemin, {"date_entretien": date(2026, 12, 8), **TOUTES_LES_INFORMATIONS})
    retoucher(chemin, lambda d: (_supprimer("copie_remise_le")(d), sans_etiquettes(d)))
    formulaire = lire_formulaire(chemin, COMPTE_RENDU)
    assert formulaire.introuvables == ["copie_remise_le"]
    assert formulaire.valeurs == {"date_entretien": date(2026, 12, 8), **TOUTES_LES_INFORMATIONS}


def test_le_rang_ne_devine_pas_quand_il_manque_un_champ(tmp_path: Path) -> None:
    # Trois cases pour quatre informations, sans étiquette ni libellé : laquelle manque ?
    # Aucune n'est attribuée au hasard.
    chemin = rendre(COMPTE_RENDU, tmp_path)
    remplir(chemin, {"date_entretien": date(2026, 12, 8), **TOUTES_LES_INFORMATIONS})
    retoucher(
        chemin,
        lambda d: (_supprimer("information_cep")(d), sans_etiquettes(d), _sans_libelles(d)),
    )
    formulaire = lire_formulaire(chemin, COMPTE_RENDU)
    assert sorted(formulaire.introuvables) == sorted(TOUTES_LES_INFORMATIONS)
    assert formulaire.valeurs["date_entretien"] == date(2026, 12, 8)


def test_date_illisible_signalee_pas_devinee(tmp_path: Path) -> None:
    chemin = rendre(COMPTE_RENDU, tmp_path)

    def ecrire_a_la_main(document) -> None:
        for sdt in _controles(document):
            if _etiquette(sdt) == "date_entretien":
                proprietes = sdt.find(qn("w:sdtPr"))
                proprietes.remove(proprietes.find(qn("w:showingPlcHdr")))
                next(sdt.iter(qn("w:t"))).text = "mardi dernier"

    retoucher(chemin, ecrire_a_la_main)
    formulaire = lire_formulaire(chemin, COMPTE_RENDU)
    assert formulaire.illisibles == {"date_entretien": "mardi dernier"}
    assert "date_entretien" not in formulaire.valeurs


def test_fichier_qui_n_est_pas_un_docx(tmp_path: Path) -> None:
    chemin = tmp_path / "compte_rendu.docx"
    chemin.write_text("pas un document Word")
    with pytest.raises(ErreurEntretiens) as erreur:
        lire_formulaire(chemin, COMPTE_RENDU)
    assert erreur.value.anomalies[0].code == "fichier-illisible"


def test_aller_retour_libreoffice(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    soffice = request.getfixturevalue("soffice_installe")
    compte_rendu = rendre(COMPTE_RENDU, tmp_path)
    etat = rendre(ETAT_DES_LIEUX, tmp_path)
    valeurs_cr = {
        "date_entretien": date(2026, 12, 8),
        **TOUTES_LES_INFORMATIONS,
        "information_vae": False,
        "copie_remise_le": date(2026, 12, 9),
    }
    valeurs_edl = {
        "date_entretien": date(2026, 12, 8),
        "formation_suivie": True,
        "certification": False,
        "progression": True,
        "copie_remise_le": date(2026, 12, 9),
    }
    remplir(compte_rendu, valeurs_cr)
    remplir(etat, valeurs_edl)
    vide = rendre(COMPTE_RENDU, tmp_path, rapide=False)
    aller_retour_libreoffice(soffice, [compte_rendu, etat, vide], tmp_path)
    # Ce que fait LibreOffice 7.4 : les champs et leurs valeurs restent, pas les étiquettes.
    assert len(_controles(docx.Document(str(compte_rendu)))) >= 6
    assert lire_formulaire(compte_rendu, COMPTE_RENDU).valeurs == valeurs_cr
    assert lire_formulaire(etat, ETAT_DES_LIEUX).valeurs == valeurs_edl
    relu_vide = lire_formulaire(vide, COMPTE_RENDU)
    assert relu_vide.introuvables == [] and relu_vide.valeurs["date_entretien"] is None


def test_chaque_champ_est_documente_pour_qui_restyle_les_modeles() -> None:
    readme = (DOSSIER_MODELES / "README.md").read_text(encoding="utf-8")
    for tag in CHAMPS:
        assert f"| `{tag}` |" in readme, tag
