"""Archivage d'une campagne : zip, manifestes, index, vérification, suppression prudente."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import tomllib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from pipeline import archive
from pipeline.archive import archiver, verifier_archive
from pipeline.campagne import figer_sources
from pipeline.config import depuis_dict
from pipeline.erreurs import ErreurEntretiens

HORODATAGE = datetime(2026, 12, 1, 10, 30, 0)
RACINE = Path(__file__).resolve().parents[1]

# chemin relatif dans la campagne -> contenu ; noms accentués comme ceux de nom_dossier_salarie.
FICHIERS = {
    "echeances.xlsx": b"PK faux classeur des echeances",
    "planning.xlsx": b"PK faux planning",
    "manifeste.csv": "chemin;sha256\r\nsalaries/…;x\r\n".encode("utf-8-sig"),
    "salaries/00042_DUPONT_Amélie/convocation.docx": b"convocation Amelie " * 50,
    "salaries/00042_DUPONT_Amélie/compte_rendu.docx": b"compte rendu signe",
    "salaries/00042_DUPONT_Amélie/etat_des_lieux.docx": b"etat des lieux",
    "salaries/00107_LÉVÊQUE_Éloïse/convocation.docx": "convocation Éloïse".encode(),
    "salaries/00107_LÉVÊQUE_Éloïse/support_preparation.docx": bytes(range(256)) * 40,
    "managers/MARTIN_Hélène.docx": b"fiche du conducteur",
}
DOCUMENTS_SALARIES = [c for c in FICHIERS if c.startswith("salaries/")]


@pytest.fixture
def lieux(tmp_path: Path) -> dict[str, Path]:
    sorties = tmp_path / "sorties"
    campagne = sorties / "2026-12-01"
    for relatif, contenu in FICHIERS.items():
        chemin = campagne / relatif
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_bytes(contenu)
    # Reste d'une écriture interrompue : ni archivé ni compté.
    (campagne / "salaries/00042_DUPONT_Amélie/.convocation.docx.x1y2.tmp").write_bytes(b"demi")
    registre = tmp_path / "Registre du personnel.xlsx"
    registre.write_bytes(b"PK contenu du registre \x00\x01\x02")
    parametres = tmp_path / "parametres.toml"
    parametres.write_text(
        '[entreprise]\neffectif = 45\n\n[regles]\nregime = "2025"\nperiodicite_mois = 24\n',
        encoding="utf-8",
    )
    return {
        "campagne": campagne,
        "registre": registre,
        "parametres": parametres,
        "archives": sorties / "archives",
    }


def _archiver(lieux: dict[str, Path], **options) -> archive.BilanArchive:
    options.setdefault("horodatage", HORODATAGE)
    return archiver(
        lieux["campagne"], lieux["registre"], lieux["parametres"], lieux["archives"], **options
    )


def _lire_csv(contenu: bytes) -> list[list[str]]:
    assert contenu.startswith(b"\xef\xbb\xbf"), "UTF-8 avec BOM attendu (Excel français)"
    return list(csv.reader(contenu.decode("utf-8-sig").splitlines(), delimiter=";"))


def _manifeste(zf: zipfile.ZipFile) -> dict[str, str]:
    lignes = zf.read("MANIFESTE-SHA256.txt").decode("utf-8").splitlines()
    sortie = {}
    for ligne in lignes:
        empreinte, nom = ligne.split("  ", 1)
        sortie[nom] = empreinte
    return sortie


def test_archive_complete_et_verifiable(lieux):
    appels: list[int] = []
    bilan = _archiver(lieux, progression=appels.append)

    zip_ = lieux["archives"] / "2026-12-01.zip"
    assert bilan.chemin_zip == zip_ and zip_.is_file()
    assert bilan.nb_fichiers == len(FICHIERS) and sum(appels) == len(FICHIERS)
    assert bilan.taille_octets == sum(len(c) for c in FICHIERS.values())
    assert bilan.ignores == ["salaries/00042_DUPONT_Amélie/.convocation.docx.x1y2.tmp"]
    assert not bilan.originaux_supprimes and lieux["campagne"].is_dir()
    assert [p.name for p in lieux["archives"].iterdir() if p.suffix == ".tmp"] == []

    with zipfile.ZipFile(zip_) as zf:
        noms = set(zf.namelist())
        manifeste = _manifeste(zf)
        for relatif, contenu in FICHIERS.items():
            nom = f"2026-12-01/{relatif}"
            assert zf.read(nom) == contenu
            # Empreinte du manifeste = hashlib sur le fichier original.
            original = (lieux["campagne"] / relatif).read_bytes()
            assert manifeste[nom] == hashlib.sha256(original).hexdigest()
            assert zf.getinfo(nom).compress_type == zipfile.ZIP_DEFLATED
        sources = {
            "2026-12-01/_sources/registre.xlsx",
            "2026-12-01/_sources/parametres.toml",
            "2026-12-01/_sources/LISEZMOI.txt",
        }
        assert noms == {f"2026-12-01/{r}" for r in FICHIERS} | sources | {
            "manifeste.csv",
            "MANIFESTE-SHA256.txt",
        }
        # Tout est couvert par le manifeste, sauf le manifeste lui-même.
        assert set(manifeste) == noms - {"MANIFESTE-SHA256.txt"}
        assert zf.read("2026-12-01/_sources/registre.xlsx") == lieux["registre"].read_bytes()
        assert zf.read("2026-12-01/_sources/parametres.toml") == lieux["parametres"].read_bytes()
        lisezmoi = zf.read("2026-12-01/_sources/LISEZMOI.txt").decode("utf-8")
        csv_manifeste = _lire_csv(zf.read("manifeste.csv"))

    assert "régime : 2025" in lisezmoi and "24 mois (accord collectif)" in lisezmoi
    assert "effectif déclaré : 45 salariés (abondement correctif non applicable)" in lisezmoi
    assert "01/12/2026 à 10:30:00" in lisezmoi and "Registre du personnel.xlsx" in lisezmoi
    assert hashlib.sha256(lieux["registre"].read_bytes()).hexdigest() in lisezmoi

    en_tete, *lignes = csv_manifeste
    assert en_tete[:3] == ["Chemin", "SHA-256", "Taille (octets)"]
    par_chemin = {ligne[0]: dict(zip(en_tete, ligne, strict=True)) for ligne in lignes}
    ligne = par_chemin["2026-12-01/salaries/00107_LÉVÊQUE_Éloïse/support_preparation.docx"]
    assert ligne["Matricule"] == "00107"
    assert ligne["Type de document"] == "support_preparation"
    assert ligne["Taille (octets)"] == str(256 * 40)
    assert ligne["SHA-256"] == hashlib.sha256(bytes(range(256)) * 40).hexdigest()
    assert par_chemin["2026-12-01/managers/MARTIN_Hélène.docx"]["Type de document"] == (
        "fiche_conducteur"
    )
    assert par_chemin["2026-12-01/_sources/registre.xlsx"]["Type de document"] == "registre"

    rapport = verifier_archive(zip_)
    assert rapport.ok, rapport.lignes()
    assert rapport.nb_verifies == len(noms) - 1


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum absent")
def test_manifeste_compatible_sha256sum(lieux, tmp_path):
    bilan = _archiver(lieux)
    extrait = tmp_path / "extrait"
    with zipfile.ZipFile(bilan.chemin_zip) as zf:
        zf.extractall(extrait)
    resultat = subprocess.run(
        ["sha256sum", "-c", "--strict", "MANIFESTE-SHA256.txt"],
        cwd=extrait,
        capture_output=True,
        text=True,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert resultat.stdout.count(": OK") == len(FICHIERS) + 4  # + 3 sources + manifeste.csv


def _reecrire(source: Path, cible: Path, modifier: str, supprimer: str, ajouter: str) -> None:
    with zipfile.ZipFile(source) as entree, zipfile.ZipFile(cible, "w") as sortie:
        for info in entree.infolist():
            if info.filename == supprimer:
                continue
            contenu = entree.read(info)
            if info.filename == modifier:
                contenu += b" signature ajoutee apres coup"
            sortie.writestr(info, contenu)
        sortie.writestr(ajouter, b"document glisse dans l'archive")


def test_verifier_signale_modifie_manquant_en_trop(lieux, tmp_path):
    bilan = _archiver(lieux)
    copie = tmp_path / "copie.zip"
    modifie = "2026-12-01/salaries/00042_DUPONT_Amélie/compte_rendu.docx"
    supprime = "2026-12-01/salaries/00107_LÉVÊQUE_Éloïse/convocation.docx"
    ajoute = "2026-12-01/salaries/00042_DUPONT_Amélie/avenant.docx"
    _reecrire(bilan.chemin_zip, copie, modifie, supprime, ajoute)

    rapport = verifier_archive(copie)
    assert not rapport.ok
    assert rapport.modifies == [modifie]
    assert rapport.manquants == [supprime]
    assert rapport.en_trop == [ajoute]
    texte = "\n".join(rapport.lignes())
    assert f"Modifié (empreinte différente) : {modifie}" in texte
    assert f"Manquant (dans le manifeste, absent du zip) : {supprime}" in texte
    # L'original, lui, est intact.
    assert verifier_archive(bilan.chemin_zip).ok


def test_manifeste_csv_modifie_est_detecte(lieux, tmp_path):
    bilan = _archiver(lieux)
    copie = tmp_path / "copie.zip"
    _reecrire(bilan.chemin_zip, copie, "manifeste.csv", "-", "-")
    rapport = verifier_archive(copie)
    assert rapport.modifies == ["manifeste.csv"] and rapport.en_trop == ["-"]


def _falsifier(archive_: Path, cible: str, recalculer_csv: bool) -> None:
    """L'attaque : un document retouché dans le zip, sa ligne de MANIFESTE-SHA256.txt
    recalculée ; avec `recalculer_csv`, manifeste.csv aussi (et sa propre ligne)."""
    with zipfile.ZipFile(archive_) as zf:
        membres = {info.filename: zf.read(info) for info in zf.infolist()}
    ancien = hashlib.sha256(membres[cible]).hexdigest()
    membres[cible] += b" signature ajoutee apres coup"
    nouveau = hashlib.sha256(membres[cible]).hexdigest()
    if recalculer_csv:
        membres["manifeste.csv"] = membres["manifeste.csv"].replace(
            ancien.encode(), nouveau.encode()
        )
    sha = membres["MANIFESTE-SHA256.txt"].decode("utf-8").replace(ancien, nouveau)
    lignes = [
        f"{hashlib.sha256(membres['manifeste.csv']).hexdigest()}  manifeste.csv"
        if ligne.endswith("  manifeste.csv")
        else ligne
        for ligne in sha.splitlines()
    ]
    membres["MANIFESTE-SHA256.txt"] = ("\n".join(lignes) + "\n").encode("utf-8")
    with zipfile.ZipFile(archive_, "w", zipfile.ZIP_DEFLATED) as zf:
        for nom, contenu in membres.items():
            zf.writestr(nom, contenu)


def test_sceau_document_retouche_et_manifestes_recalcules(lieux):
    """Retoucher un document et recalculer les deux manifestes passe le contrôle
    d'intégrité : seul le sceau, noté hors du zip, le révèle."""
    bilan = _archiver(lieux)
    assert verifier_archive(bilan.chemin_zip).scellee
    cible = "2026-12-01/salaries/00042_DUPONT_Amélie/compte_rendu.docx"
    _falsifier(bilan.chemin_zip, cible, recalculer_csv=True)

    rapport = verifier_archive(bilan.chemin_zip)
    assert rapport.modifies == rapport.manquants == rapport.incoherents == []
    assert not rapport.ok and not rapport.scellee
    assert rapport.sha256_note == bilan.sha256
    (ligne,) = rapport.lignes()
    assert ligne.startswith("Sceau rompu : l'archive a été modifiée ou refaite depuis l'archivage")
    assert bilan.sha256 in ligne and "index.csv" in ligne


def test_manifestes_en_desaccord_meme_sans_sceau(lieux):
    """L'attaque décrite (une ligne de MANIFESTE-SHA256.txt recalculée) laisse manifeste.csv
    contredire MANIFESTE-SHA256.txt : signalé même loin de l'index (archive copiée)."""
    bilan = _archiver(lieux)
    copie = lieux["archives"].parent / "ailleurs" / bilan.chemin_zip.name
    copie.parent.mkdir()
    shutil.copy(bilan.chemin_zip, copie)
    cible = "2026-12-01/salaries/00107_LÉVÊQUE_Éloïse/convocation.docx"
    _falsifier(copie, cible, recalculer_csv=False)

    rapport = verifier_archive(copie)
    assert rapport.modifies == [] and rapport.sha256_note is None
    assert rapport.incoherents == [f"{cible} (empreintes différentes)"]
    assert not rapport.ok
    assert rapport.lignes() == [
        f"Manifestes en désaccord (manifeste.csv et MANIFESTE-SHA256.txt) : {cible} "
        "(empreintes différentes)"
    ]


def test_archive_sans_empreinte_notee_le_dit(lieux):
    bilan = _archiver(lieux)
    (lieux["archives"] / "index.csv").unlink()
    rapport = verifier_archive(bilan.chemin_zip)
    assert rapport.ok and not rapport.scellee
    assert rapport.lignes()[-1].startswith("Attention : aucune empreinte de cette archive")
    assert bilan.sha256 in rapport.lignes()[-1]


@pytest.mark.parametrize(
    "contenu, code",
    [
        (b"ceci n'est pas un zip", "archive-illisible"),
        (b"", "archive-illisible"),
        (None, "archive-sans-manifeste"),
    ],
    ids=["texte", "vide", "zip-sans-manifeste"],
)
def test_archive_illisible_message_clair(tmp_path, contenu, code):
    chemin = tmp_path / "abimee.zip"
    if contenu is None:
        with zipfile.ZipFile(chemin, "w") as zf:
            zf.writestr("a.txt", "a")
    else:
        chemin.write_bytes(contenu)
    with pytest.raises(ErreurEntretiens) as exc:
        verifier_archive(chemin)
    assert exc.value.anomalies[0].code == code
    assert str(chemin) in exc.value.message


def test_zip_tronque_est_illisible(lieux, tmp_path):
    bilan = _archiver(lieux)
    tronque = tmp_path / "tronque.zip"
    tronque.write_bytes(bilan.chemin_zip.read_bytes()[:-200])
    with pytest.raises(ErreurEntretiens) as exc:
        verifier_archive(tronque)
    assert exc.value.anomalies[0].code == "archive-illisible"
    assert "corrompu" in exc.value.message


def test_index_une_ligne_par_document_salarie(lieux):
    bilan = _archiver(lieux)
    index = lieux["archives"] / "index.csv"
    en_tete, *lignes = _lire_csv(index.read_bytes())
    # Plus une ligne « archive » : le sceau, l'empreinte du zip entier notée hors de lui.
    sceaux = [ligne for ligne in lignes if ligne[2] == "archive"]
    lignes = [ligne for ligne in lignes if ligne[2] != "archive"]
    empreinte = hashlib.sha256(bilan.chemin_zip.read_bytes()).hexdigest()
    assert bilan.sha256 == empreinte
    assert sceaux == [["", "2026-12-01", "archive", "2026-12-01.zip", empreinte,
                       "2026-12-01 10:30:00"]]  # fmt: skip
    assert en_tete == [
        "Matricule",
        "Campagne",
        "Document",
        "Chemin dans l'archive",
        "Empreinte SHA-256",
        "Date d'archivage",
    ]
    attendu = sorted(
        [
            relatif.split("/")[1].split("_")[0],
            "2026-12-01",
            Path(relatif).stem,
            f"2026-12-01/{relatif}",
            hashlib.sha256(FICHIERS[relatif]).hexdigest(),
            "2026-12-01 10:30:00",
        ]
        for relatif in DOCUMENTS_SALARIES
    )
    assert sorted(lignes) == attendu
    assert {ligne[0] for ligne in lignes} == {"00042", "00107"}  # zéros de tête gardés


def test_jamais_d_ecrasement_et_remplacer_garde_l_ancienne(lieux):
    bilan = _archiver(lieux)
    avant = bilan.chemin_zip.read_bytes()
    with pytest.raises(ErreurEntretiens) as exc:
        _archiver(lieux)
    assert exc.value.anomalies[0].code == "archive-existante"
    assert "--remplacer" in exc.value.message and "autre nom de campagne" in exc.value.message
    assert bilan.chemin_zip.read_bytes() == avant

    # Un document a été signé depuis : on réarchive en remplaçant.
    signe = lieux["campagne"] / "salaries/00042_DUPONT_Amélie/compte_rendu.docx"
    signe.write_bytes(b"compte rendu signe par les deux parties")
    second = _archiver(lieux, remplacer=True)
    assert second.ancienne_archive is not None
    assert second.ancienne_archive.parent == lieux["archives"] / "anciennes_versions"
    assert second.ancienne_archive.read_bytes() == avant
    assert verifier_archive(second.chemin_zip).ok

    _, *lignes = _lire_csv((lieux["archives"] / "index.csv").read_bytes())
    # Pas de doublon ; les deux archives gardent chacune leur sceau.
    assert len(lignes) == len(DOCUMENTS_SALARIES) + 2
    empreintes = {ligne[3]: ligne[4] for ligne in lignes}
    rangee = f"anciennes_versions/{second.ancienne_archive.name}"
    assert empreintes[rangee] == hashlib.sha256(avant).hexdigest()
    assert empreintes["2026-12-01.zip"] == second.sha256
    assert verifier_archive(second.ancienne_archive).scellee
    assert empreintes[f"2026-12-01/{signe.relative_to(lieux['campagne']).as_posix()}"] == (
        hashlib.sha256(signe.read_bytes()).hexdigest()
    )


def test_index_cumule_les_campagnes(lieux):
    _archiver(lieux)
    autre = lieux["campagne"].with_name("2027-06-01")
    shutil.copytree(lieux["campagne"], autre)
    archiver(autre, lieux["registre"], None, lieux["archives"], horodatage=HORODATAGE)
    _, *lignes = _lire_csv((lieux["archives"] / "index.csv").read_bytes())
    campagnes = [ligne[1] for ligne in lignes]
    assert campagnes.count("2026-12-01") == campagnes.count("2027-06-01") == 5 + 1  # + sceau


def test_parametres_par_defaut_ecrits_en_toml_valide(lieux):
    bilan = archiver(
        lieux["campagne"], lieux["registre"], None, lieux["archives"], horodatage=HORODATAGE
    )
    with zipfile.ZipFile(bilan.chemin_zip) as zf:
        toml = zf.read("2026-12-01/_sources/parametres.toml").decode("utf-8")
        lisezmoi = zf.read("2026-12-01/_sources/LISEZMOI.txt").decode("utf-8")
    parametres = depuis_dict(tomllib.loads(toml))
    assert parametres.regles.regime == "2025" and parametres.entreprise.effectif == 120
    assert "valeurs par défaut" in lisezmoi and "48 mois (périodicité légale)" in lisezmoi


def test_originaux_conserves_sans_demande_explicite(lieux):
    _archiver(lieux)
    assert all((lieux["campagne"] / r).read_bytes() == c for r, c in FICHIERS.items())


def test_supprimer_originaux_apres_verification(lieux, monkeypatch):
    verifications: list[Path] = []
    vraie = archive.verifier_archive

    def espion(chemin, progression=None):
        # La suppression n'a lieu qu'après une relecture complète du zip écrit.
        assert lieux["campagne"].exists()
        verifications.append(chemin)
        return vraie(chemin, progression)

    monkeypatch.setattr(archive, "verifier_archive", espion)
    bilan = _archiver(lieux, supprimer_originaux=True)
    assert verifications == [bilan.chemin_zip]
    assert bilan.originaux_supprimes and not lieux["campagne"].exists()
    assert vraie(bilan.chemin_zip).ok


def test_pas_de_suppression_si_la_verification_echoue(lieux, monkeypatch):
    def echec(chemin, progression=None):
        return archive.RapportVerification(chemin, modifies=["2026-12-01/planning.xlsx"])

    monkeypatch.setattr(archive, "verifier_archive", echec)
    with pytest.raises(ErreurEntretiens) as exc:
        _archiver(lieux, supprimer_originaux=True)
    assert exc.value.anomalies[0].code == "suppression-refusee"
    assert "PAS été supprimés" in exc.value.message
    assert all((lieux["campagne"] / r).exists() for r in FICHIERS)


def test_pas_de_suppression_si_un_document_est_ouvert(lieux):
    (lieux["campagne"] / "salaries/00042_DUPONT_Amélie/~$mpte_rendu.docx").write_bytes(b"x")
    with pytest.raises(ErreurEntretiens) as exc:
        _archiver(lieux, supprimer_originaux=True)
    assert "ouvert dans Word" in exc.value.message
    assert all((lieux["campagne"] / r).exists() for r in FICHIERS)
    assert verifier_archive(lieux["archives"] / "2026-12-01.zip").ok


def test_campagne_introuvable(lieux):
    with pytest.raises(ErreurEntretiens) as exc:
        archiver(
            lieux["campagne"].with_name("inconnue"), lieux["registre"], None, lieux["archives"]
        )
    assert exc.value.anomalies[0].code == "campagne-introuvable"
    assert not lieux["archives"].exists()


def test_fichier_illisible_aucune_archive(lieux, monkeypatch):
    vrai_open = open

    def open_refuse(chemin, *args, **kwargs):
        if str(chemin).endswith("compte_rendu.docx"):
            raise PermissionError(13, "Permission non accordée")
        return vrai_open(chemin, *args, **kwargs)

    monkeypatch.setattr("builtins.open", open_refuse)
    with pytest.raises(ErreurEntretiens) as exc:
        _archiver(lieux)
    assert exc.value.anomalies[0].code == "fichier-illisible"
    assert "compte_rendu.docx" in exc.value.message
    assert list(lieux["archives"].iterdir()) == []  # ni zip ni fichier temporaire


def test_sources_figees_a_la_generation_font_foi(lieux):
    """Le registre complété après la campagne ne remplace pas celui qui l'a produite."""
    parametres = depuis_dict({})
    figes = figer_sources(lieux["campagne"], lieux["registre"], lieux["parametres"], parametres)
    assert [p.relative_to(lieux["campagne"]).as_posix() for p in figes] == [
        "_sources/registre.xlsx",
        "_sources/parametres.toml",
    ]
    # Relance identique : rien n'est réécrit, pas d'ancienne version.
    figer_sources(lieux["campagne"], lieux["registre"], lieux["parametres"], parametres)
    assert len(list((lieux["campagne"] / "_sources").iterdir())) == 2

    lieux["registre"].write_bytes(b"PK registre complete apres les entretiens")
    bilan = _archiver(lieux)
    assert any("a changé depuis la génération" in a for a in bilan.avertissements)
    with zipfile.ZipFile(bilan.chemin_zip) as zf:
        assert (
            zf.read("2026-12-01/_sources/registre.xlsx") == b"PK contenu du registre \x00\x01\x02"
        )
        notice = zf.read("2026-12-01/_sources/LISEZMOI.txt").decode("utf-8")
    assert "copié à la génération des documents" in notice
    assert verifier_archive(bilan.chemin_zip).ok


def test_sources_modifiees_gardent_l_ancienne_copie(lieux):
    parametres = depuis_dict({})
    figer_sources(lieux["campagne"], lieux["registre"], lieux["parametres"], parametres)
    lieux["registre"].write_bytes(b"PK nouveau registre")
    figer_sources(lieux["campagne"], lieux["registre"], lieux["parametres"], parametres)
    sources = lieux["campagne"] / "_sources"
    assert (sources / "registre.xlsx").read_bytes() == b"PK nouveau registre"
    anciens = list((sources / "anciennes_versions").glob("registre.*.xlsx"))
    assert [a.read_bytes() for a in anciens] == [b"PK contenu du registre \x00\x01\x02"]


def test_suppression_avec_sources_figees(lieux):
    figer_sources(lieux["campagne"], lieux["registre"], lieux["parametres"], depuis_dict({}))
    bilan = _archiver(lieux, supprimer_originaux=True)
    assert bilan.originaux_supprimes
    assert not lieux["campagne"].exists()
    assert verifier_archive(bilan.chemin_zip).ok
