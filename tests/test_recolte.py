"""`entretiens recolter` : formulaires remplis comme dans Word, relus même après LibreOffice.

Les formulaires sont remplis comme le fait Word (contrôles de contenu réglés avec
python-docx et lxml), et certains passent par un vrai aller-retour LibreOffice
(`soffice --convert-to docx`), qui perd les étiquettes des champs.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import ecrire_classeur
from docx.oxml.ns import qn
from openpyxl import load_workbook

# « soffice_installe » : LibreOffice, sinon le test est sauté (en CI, il échoue).
from test_pdf import soffice as soffice_installe  # noqa: F401

from pipeline.campagne import Campagne, trouver_campagne
from pipeline.cli import cli
from pipeline.config import Parametres
from pipeline.erreurs import ErreurEntretiens
from pipeline.exemples import exemple_contexte_salarie
from pipeline.formulaires import (
    CASE,
    CHAMPS,
    CHAMPS_FORMULAIRES,
    COMPTE_RENDU,
    DATE,
    ETAT_DES_LIEUX,
    lire_formulaire,
)
from pipeline.modeles import DOSSIER_MODELES
from pipeline.recolte import (
    FEUILLE_A_VERIFIER,
    FEUILLE_COPIES_SIGNEES,
    FEUILLE_ENTRETIENS,
    recolter,
)
from pipeline.registre import lire_registre
from pipeline.rendu import ModeleCompile, rendre_docxtpl
from pipeline.schema import FEUILLES_PAR_TABLE

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


@pytest.mark.parametrize("decalage", range(0, 400, 37))
def test_docx_aux_octets_abimes(tmp_path: Path, decalage: int) -> None:
    # Un octet altéré dans la partie compressée de document.xml (copie interrompue, clé USB
    # défaillante) : zlib ou le contrôle CRC s'en aperçoivent ; toujours une phrase, jamais
    # une trace.
    import zipfile

    chemin = rendre(COMPTE_RENDU, tmp_path)
    octets = bytearray(chemin.read_bytes())
    with zipfile.ZipFile(chemin) as paquet:
        info = paquet.getinfo("word/document.xml")
    debut = info.header_offset + 30 + len(info.filename) + len(info.extra)
    octets[debut + 5 + decalage] ^= 0xFF
    chemin.write_bytes(bytes(octets))
    try:
        lire_formulaire(chemin, COMPTE_RENDU)
    except ErreurEntretiens as erreur:
        assert erreur.anomalies[0].code == "fichier-illisible"


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


# --- une campagne de bout en bout ---------------------------------------------------------

AU_CONVOCATIONS = date(2027, 10, 1)
AU_RECOLTE = date(2027, 11, 2)
TENU_LE = date(2027, 10, 15)
EN_TETES_ENTRETIENS = ["Matricule", "Date", "Type", "Conduit par", "Commentaire"]


def _registre(dossier: Path) -> Path:
    """Un manager et cinq salariés dus à l'automne 2027 : un état des lieux (001), un premier
    entretien (002), trois entretiens périodiques (003, 004, 005)."""
    salaries = [
        ["Matricule", "Nom", "Prénom", "Email", "Date d'entrée", "Matricule manager"],
        ["010", "Benoît", "François", "francois.benoit@exemple.fr", date(2015, 1, 5), None],
        ["001", "Fabre", "Gaël", "gael.fabre@exemple.fr", date(2019, 11, 20), "010"],
        ["002", "Vidal", "Jean-Noël", "jn.vidal@exemple.fr", date(2026, 11, 2), "010"],
        ["003", "Moulin", "Léa", "lea.moulin@exemple.fr", date(2015, 3, 2), "010"],
        ["004", "Roche", "Anaïs", "anais.roche@exemple.fr", date(2015, 3, 2), "010"],
        ["005", "Génin", "Hervé", "herve.genin@exemple.fr", date(2015, 3, 2), "010"],
    ]
    entretiens = [
        ["Matricule", "Date", "Type", "Conduit par", "Commentaire"],
        ["010", date(2027, 3, 1), "Périodique", "Claire Martin", None],
        ["001", date(2023, 11, 25), "Périodique", "François Benoît", None],
        ["003", date(2023, 10, 20), "Périodique", "François Benoît", None],
        ["004", date(2023, 10, 21), "Périodique", "François Benoît", None],
        ["005", date(2023, 10, 22), "Périodique", "François Benoît", None],
    ]
    return ecrire_classeur(dossier, {"Salariés": salaries, "Entretiens": entretiens})


def _parametres(dossier: Path) -> Path:
    chemin = dossier / "parametres.toml"
    chemin.write_text(f'[fichiers]\nsorties = "{(dossier / "sorties").as_posix()}"\n')
    return chemin


def lancer(dossier: Path, *arguments: str) -> object:
    resultat = CliRunner().invoke(
        cli,
        [
            *arguments,
            "--registre",
            str(dossier / "registre.xlsx"),
            "--parametres",
            str(dossier / "parametres.toml"),
        ],
    )
    assert resultat.exception is None or isinstance(resultat.exception, SystemExit), resultat.output
    return resultat


@pytest.fixture(scope="module")
def campagne_generee(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Une campagne convoquée le 01/10/2027, formulaires encore vides (copiée par test)."""
    dossier = tmp_path_factory.mktemp("campagne")
    _registre(dossier)
    _parametres(dossier)
    resultat = lancer(dossier, "convocations", "--au", AU_CONVOCATIONS.isoformat(), "-j", "1")
    assert resultat.exit_code == 0, resultat.output
    return dossier


@pytest.fixture
def dossier(campagne_generee: Path, tmp_path: Path) -> Path:
    copie = tmp_path / "travail"
    shutil.copytree(campagne_generee, copie)
    _parametres(copie)  # les sorties de la copie
    return copie


def _campagne(dossier: Path) -> Campagne:
    return Campagne(dossier / "sorties", AU_CONVOCATIONS.isoformat())


def _formulaire(dossier: Path, matricule: str, nom: str = COMPTE_RENDU) -> Path:
    (salarie,) = (_campagne(dossier).salaries).glob(f"{matricule}_*")
    return salarie / f"{nom}.docx"


def _echeances(dossier: Path) -> set[tuple[str, str]]:
    """(matricule, type) des obligations en retard ou à planifier au jour de la récolte."""
    sortie = dossier / f"echeances_{len(list(dossier.glob('echeances_*')))}.csv"
    resultat = lancer(dossier, "echeances", "--au", AU_RECOLTE.isoformat(), "--sortie", str(sortie))
    assert resultat.exit_code == 0, resultat.output
    lignes = sortie.read_text(encoding="utf-8-sig").splitlines()[1:]
    return {(ligne.split(";")[0], ligne.split(";")[3]) for ligne in lignes}


def _feuille(chemin: Path, nom: str) -> list[tuple]:
    classeur = load_workbook(chemin)
    return [tuple(r) for r in classeur[nom].iter_rows(values_only=True)]


def _remplir_comme_les_conducteurs(dossier: Path, soffice: str) -> None:
    """001 : compte-rendu et état des lieux ; 002 : case VAE et copie oubliées ; 003 : copie
    signée déposée ; 004 : rien (rendez-vous passé) ; 005 : date dans le futur. Trois
    formulaires passent par LibreOffice, qui en retire les étiquettes."""
    remplir(
        _formulaire(dossier, "001"),
        {"date_entretien": TENU_LE, **TOUTES_LES_INFORMATIONS, "copie_remise_le": TENU_LE},
    )
    remplir(
        _formulaire(dossier, "001", ETAT_DES_LIEUX),
        {"date_entretien": TENU_LE, "formation_suivie": True, "copie_remise_le": TENU_LE},
    )
    remplir(
        _formulaire(dossier, "002"),
        {"date_entretien": TENU_LE, **TOUTES_LES_INFORMATIONS, "information_vae": False},
    )
    remplir(
        _formulaire(dossier, "003"),
        {"date_entretien": TENU_LE, **TOUTES_LES_INFORMATIONS, "copie_remise_le": TENU_LE},
    )
    (_formulaire(dossier, "003").parent / "Compte_Rendu_SIGNE.pdf").write_bytes(b"%PDF-1.4")
    remplir(
        _formulaire(dossier, "005"),
        {
            "date_entretien": date(2027, 12, 1),
            **TOUTES_LES_INFORMATIONS,
            "copie_remise_le": TENU_LE,
        },
    )
    aller_retour_libreoffice(
        soffice,
        [
            _formulaire(dossier, "001"),
            _formulaire(dossier, "001", ETAT_DES_LIEUX),
            _formulaire(dossier, "002"),
        ],
        dossier / "libreoffice",
    )


@pytest.fixture(scope="module")
def campagne_remplie(
    campagne_generee: Path,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    dossier = tmp_path_factory.mktemp("remplie") / "travail"
    shutil.copytree(campagne_generee, dossier)
    _parametres(dossier)
    _remplir_comme_les_conducteurs(dossier, request.getfixturevalue("soffice_installe"))
    return dossier


@pytest.fixture
def remplie(campagne_remplie: Path, tmp_path: Path) -> Path:
    copie = tmp_path / "travail"
    shutil.copytree(campagne_remplie, copie)
    # La campagne retient le chemin de son registre : la copie vient du sien.
    for origine in copie.glob("sorties/*/_sources/origine.toml"):
        origine.write_text(f"registre = {str(copie / 'registre.xlsx')!r}\n", encoding="utf-8")
    _parametres(copie)
    return copie


def test_recolter_entretiens_tenus_problemes_relances(remplie: Path) -> None:
    campagne = _campagne(remplie)
    registre = remplie / "registre.xlsx"
    original = registre.read_bytes()

    resultat = lancer(remplie, "recolter", "--au", AU_RECOLTE.isoformat())
    assert resultat.exit_code == 0, resultat.output
    assert "Entretiens tenus         : 3 (dont 1 état(s) des lieux)" in resultat.output
    assert registre.read_bytes() == original  # sans --ajouter-au-registre : jamais touché

    tenus = _feuille(campagne.entretiens_tenus, FEUILLE_ENTRETIENS)
    assert list(tenus[0]) == EN_TETES_ENTRETIENS
    assert list(tenus[0]) == [c.nom for c in FEUILLES_PAR_TABLE["entretiens"].colonnes]
    conducteur = "François BENOÎT"
    assert {r[:4] for r in tenus[1:]} == {
        ("001", datetime(2027, 10, 15), "État des lieux", conducteur),
        ("002", datetime(2027, 10, 15), "Premier entretien", conducteur),
        ("003", datetime(2027, 10, 15), "Périodique", conducteur),
    }
    commentaires = {r[0]: r[4] for r in tenus[1:]}
    assert "formation oui, certification non, progression non" in commentaires["001"]
    assert "Compte_Rendu_SIGNE.pdf" in commentaires["003"]

    a_verifier = _feuille(campagne.entretiens_tenus, FEUILLE_A_VERIFIER)
    assert a_verifier[0][-1] == "Code"
    assert sorted((r[0], r[-1]) for r in a_verifier[1:]) == [
        ("002", "copie-non-remise"),
        ("002", "information-non-cochee"),
        ("004", "formulaire-non-rempli"),
        ("005", "date-future"),
    ]
    copies = _feuille(campagne.entretiens_tenus, FEUILLE_COPIES_SIGNEES)
    assert [r[0] for r in copies[1:]] == ["003"]

    (brouillon,) = campagne.relances.glob("*.eml")
    message = email.message_from_bytes(brouillon.read_bytes())
    assert message["X-Unsent"] == "1"
    assert "francois.benoit@exemple.fr" in message["To"]
    corps = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert "Anaïs ROCHE (matricule 004)" in corps.get_payload(decode=True).decode()
    assert [p.get_filename() for p in message.walk() if p.get_filename()] == [
        "004_compte_rendu.docx"
    ]


def test_ajouter_au_registre_et_echeances_ne_les_liste_plus(remplie: Path) -> None:
    registre = remplie / "registre.xlsx"
    original = registre.read_bytes()
    avant = _echeances(remplie)
    assert {("001", "etat_des_lieux"), ("002", "premier"), ("003", "periodique")} <= avant

    ajout = lancer(remplie, "recolter", "--au", AU_RECOLTE.isoformat(), "--ajouter-au-registre")
    assert ajout.exit_code == 0, ajout.output
    assert "3 entretien(s) ajouté(s) à la feuille « Entretiens » (lignes 7 à 9)" in ajout.output
    (sauvegarde,) = remplie.glob("registre.*.sauvegarde.xlsx")
    assert sauvegarde.read_bytes() == original
    relu = lire_registre(registre).entretiens
    assert set(relu.loc[relu["matricule"] == "001", "type"]) == {"periodique", "etat_des_lieux"}
    apres = _echeances(remplie)
    assert not {m for m, _ in apres} & {"001", "002", "003"}, apres  # état des lieux compris
    assert {("004", "periodique"), ("005", "periodique")} <= apres

    encore = lancer(remplie, "recolter", "--au", AU_RECOLTE.isoformat(), "--ajouter-au-registre")
    assert encore.exit_code == 0, encore.output
    assert "Rien à ajouter au registre : les entretiens tenus y sont déjà." in encore.output
    assert len(list(remplie.glob("registre.*.sauvegarde.xlsx"))) == 1


def test_tableau_de_bord_tenus_non_encore_saisis(remplie: Path) -> None:
    classeur = remplie / "sorties" / "tableau_de_bord.xlsx"

    def tableau_de_bord() -> tuple[str, dict[str, object]]:
        resultat = lancer(remplie, "tableau-de-bord", "--au", AU_RECOLTE.isoformat())
        assert resultat.exit_code == 0, resultat.output
        synthese = {r[0]: r[1] for r in _feuille(classeur, "Synthèse") if r and r[0]}
        return resultat.output, synthese

    assert lancer(remplie, "recolter", "--au", AU_RECOLTE.isoformat()).exit_code == 0
    sortie, synthese = tableau_de_bord()
    assert "Tenus, non encore saisis  : 3" in sortie
    assert synthese["Entretiens tenus, non encore saisis"] == 3
    non_saisis = _feuille(classeur, "Tenus non saisis")
    assert list(non_saisis[0]) == [*EN_TETES_ENTRETIENS, "Campagne"]
    assert sorted(r[0] for r in non_saisis[1:]) == ["001", "002", "003"]

    ajout = lancer(remplie, "recolter", "--au", AU_RECOLTE.isoformat(), "--ajouter-au-registre")
    assert ajout.exit_code == 0, ajout.output
    sortie, synthese = tableau_de_bord()
    assert "Tenus, non encore saisis" not in sortie
    assert synthese["Entretiens tenus, non encore saisis"] == 0
    assert "Tenus non saisis" not in load_workbook(classeur).sheetnames


# --- ce qui est signalé, jamais deviné ------------------------------------------------------


def _recolter(dossier: Path, au: date = AU_RECOLTE):
    return recolter(
        _campagne(dossier),
        lire_registre(dossier / "registre.xlsx"),
        Parametres(),
        au,
        datetime(2027, 11, 2, 9, 30),
    )


def _codes(recolte, matricule: str) -> list[str]:
    return sorted(p.code for p in recolte.problemes if p.matricule == matricule)


def test_etat_des_lieux_du_mais_non_rempli(dossier: Path) -> None:
    remplir(
        _formulaire(dossier, "001"),
        {"date_entretien": TENU_LE, **TOUTES_LES_INFORMATIONS, "copie_remise_le": TENU_LE},
    )
    recolte = _recolter(dossier)
    (tenu,) = [t for t in recolte.tenus if t.matricule == "001"]
    assert tenu.type == "periodique"  # l'état des lieux reste dû
    assert _codes(recolte, "001") == ["etat-des-lieux-non-rempli"]


def test_etat_des_lieux_seul_rempli(dossier: Path) -> None:
    remplir(
        _formulaire(dossier, "001", ETAT_DES_LIEUX),
        {"date_entretien": TENU_LE, "copie_remise_le": TENU_LE},
    )
    recolte = _recolter(dossier)
    assert [(t.matricule, t.type) for t in recolte.tenus] == [("001", "etat_des_lieux")]
    assert _codes(recolte, "001") == ["compte-rendu-non-rempli"]


def test_dates_differentes_rien_n_est_enregistre(dossier: Path) -> None:
    remplir(_formulaire(dossier, "001"), {"date_entretien": TENU_LE})
    remplir(_formulaire(dossier, "001", ETAT_DES_LIEUX), {"date_entretien": date(2027, 10, 16)})
    recolte = _recolter(dossier)
    assert recolte.tenus == []
    assert _codes(recolte, "001") == ["dates-differentes"]


def test_date_avant_la_convocation(dossier: Path) -> None:
    remplir(_formulaire(dossier, "003"), {"date_entretien": date(2027, 9, 15)})
    recolte = _recolter(dossier)
    assert recolte.tenus == []
    assert _codes(recolte, "003") == ["date-avant-convocation"]


def test_copie_signee_sans_date_n_est_pas_relancee(dossier: Path) -> None:
    (_formulaire(dossier, "004").parent / "compte_rendu_signe.pdf").write_bytes(b"%PDF-1.4")
    recolte = _recolter(dossier)
    assert _codes(recolte, "004") == ["signe-sans-date"]
    assert "004" not in {r.matricule for r in recolte.relances}


def test_champ_supprime_signale(dossier: Path) -> None:
    chemin = _formulaire(dossier, "003")
    remplir(chemin, {"date_entretien": TENU_LE, **TOUTES_LES_INFORMATIONS})
    retoucher(chemin, _supprimer("copie_remise_le"))
    recolte = _recolter(dossier)
    assert [t.matricule for t in recolte.tenus] == ["003"]
    assert _codes(recolte, "003") == ["champ-introuvable"]


def test_rendez_vous_a_venir_pas_de_relance(dossier: Path) -> None:
    # Le jour même de la convocation, aucun rendez-vous n'est encore passé.
    recolte = _recolter(dossier, au=AU_CONVOCATIONS)
    assert recolte.relances == [] and recolte.brouillons == []


def test_relance_devenue_inutile_mise_de_cote(dossier: Path) -> None:
    premiere = _recolter(dossier)
    (brouillon,) = [b.chemin for b in premiere.brouillons]
    for matricule in ("001", "002", "003", "004", "005"):
        remplir(_formulaire(dossier, matricule), {"date_entretien": TENU_LE})
    seconde = _recolter(dossier)
    assert seconde.brouillons == []
    assert not brouillon.exists()
    assert not list(brouillon.parent.glob("*.eml"))
    (gardee,) = (brouillon.parent / "anciennes_versions").iterdir()
    assert gardee.name.startswith(brouillon.stem + ".")


def test_la_campagne_relue_ne_devient_pas_la_plus_recente(dossier: Path) -> None:
    # En décembre, l'assistante relève la campagne de novembre : publipostage et archiver
    # sans --campagne doivent toujours prendre celle de décembre, planifiée après.
    campagne = _campagne(dossier)
    decembre = campagne.sorties / "2027-12-01"
    decembre.mkdir()
    shutil.copy2(campagne.planning, decembre / "planning.xlsx")
    os.utime(campagne.planning, (1_700_000_000, 1_700_000_000))
    _recolter(dossier)
    assert campagne.entretiens_tenus.exists()
    assert trouver_campagne(campagne.sorties, "2027-12-15") == decembre
    # Un premier publipostage de novembre (son dossier créé) ne change rien non plus.
    (campagne.dossier / "publipostage_bis").mkdir()
    assert trouver_campagne(campagne.sorties, "2027-12-15") == decembre
