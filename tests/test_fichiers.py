"""Écriture sûre : noms valides partout, jamais d'écrasement, jamais de fichier à moitié écrit."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import re
import stat
import unicodedata
from pathlib import Path

import pytest
from pathvalidate import sanitize_filename

from pipeline import fichiers
from pipeline.fichiers import (
    CONSERVE,
    CREE,
    REMPLACE,
    anciennes_versions,
    ecrire_fichier,
    est_ancienne_version,
    expliquer_erreur_systeme,
    jeton_matricule,
    nom_dossier_salarie,
    nom_fiche_conducteur,
    nom_fichier_sur,
    sha256_fichier,
)

INTERDITS = set('/\\:*?"<>|')


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("00042_DUPONT_Hélène", "00042_DUPONT_Hélène"),
        ("../../etc/passwd", "etc_passwd"),
        ("CON", "CON_"),
        ("nul", "nul_"),
        ("...", "sans_nom"),
        ("Dupont & Fils <SARL>", "Dupont_&_Fils__SARL"),
    ],
)
def test_noms_surs(texte: str, attendu: str) -> None:
    assert nom_fichier_sur(texte) == attendu


def test_nom_jamais_dangereux() -> None:
    for texte in ['a:b*c?d"e<f>g|h', "x" * 300, " .. / .. ", "\x00\x1fé"]:
        nom = nom_fichier_sur(texte)
        assert not INTERDITS & set(nom)
        assert ".." not in nom
        assert 0 < len(nom) <= 80


def _nom_sur_reference(texte: str) -> str:
    """`nom_fichier_sur` par pathvalidate seul, sans la voie des noms déjà sûrs."""
    texte = unicodedata.normalize("NFC", str(texte)).strip()
    texte = re.sub(r"\s+", "_", texte)
    texte = sanitize_filename(texte, replacement_text="_", platform="universal")
    texte = re.sub(r"\.{2,}", ".", texte).strip("._ ")[:80].rstrip("._ ")
    return sanitize_filename(texte, platform="universal", replacement_text="_") or "sans_nom"


def test_nom_deja_sur_comme_pathvalidate() -> None:
    """Les noms rendus sans passer par pathvalidate sont ceux qu'il rendrait."""
    hasard = random.Random(14)
    alphabet = "aZ09_-. éÈÿ×÷ŒœĀ漢/:*?<>|\t"
    textes = ["CON", "nul", "COM1", "LPT9_", "CONIN$", "Dupont", "x" * 79, "x" * 81, "é" * 80]
    textes += [f"{m}_{n}_{p}" for m in ("00042", "A-1~3f") for n in ("DUPONT", "LE_GOFF")
               for p in ("Zoé", "Jean-Marc", "Ève")]  # fmt: skip
    textes += ["".join(hasard.choices(alphabet, k=hasard.randint(1, 90))) for _ in range(3000)]
    for texte in textes:
        assert nom_fichier_sur(texte) == _nom_sur_reference(texte), repr(texte)


def test_dossier_salarie_et_fiche_conducteur() -> None:
    assert nom_dossier_salarie("00017", "Lefèvre", "Hélène") == "00017_LEFÈVRE_Hélène"
    assert nom_fiche_conducteur("Jean-Pierre LEFÈVRE") == "LEFÈVRE_Jean-Pierre"
    assert nom_fiche_conducteur("Claire Martin") == "MARTIN_Claire"
    assert nom_fiche_conducteur("CLAIRE MARTIN") == "MARTIN_Claire"
    assert nom_fiche_conducteur("Jean DE LA FONTAINE") == "DE_LA_FONTAINE_Jean"
    assert nom_fiche_conducteur("Jean Dupont", "Dupont", "Jean") == "DUPONT_Jean"


# Des matricules que le nettoyage des noms confondrait : séparateurs, casse, accents,
# caractères interdits sous Windows, longueurs coupées, formes du jeton lui-même.
MATRICULES_PIEGES = [
    "A/1", "A_1", "A-1", "A 1", "A:1", "a/1", "a1", "A1", "a_1", "A~1", "A-1~x", "A.1",
    "É1", "E1", "e1", "CON", "con", "-1", "1-", "", " ", "..", "A" * 40, "A" * 41,
    "A" * 85 + "1", "A" * 85 + "2", "a" * 85 + "1", "=1+1", "1", "01", "001", "00042",
]  # fmt: skip


def test_un_dossier_par_matricule_par_construction() -> None:
    """Deux matricules distincts n'ont jamais le même dossier, ni la même fiche, même sans
    tenir compte de la casse (Windows, macOS), même homonymes aux noms tronqués."""
    nom, prenom = "Dupont-" + "X" * 90, "Jean"
    dossiers = {m: nom_dossier_salarie(m, nom, prenom) for m in MATRICULES_PIEGES}
    fiches = {m: nom_fiche_conducteur("", nom, prenom, m) for m in MATRICULES_PIEGES if m.strip()}
    for noms in (dossiers, fiches):
        assert len({n.casefold() for n in noms.values()}) == len(noms), noms
        for n in noms.values():
            assert n == nom_fichier_sur(n) and 0 < len(n) <= 80, n
    # Un matricule simple reste lisible tel quel ; les autres gardent une forme lisible.
    assert dossiers["00042"].startswith("00042_DUPONT-")
    assert fiches["00042"].endswith("_00042")
    assert dossiers["A/1"].startswith("A-1~") and dossiers["A_1"].startswith("A-1~")


def test_le_dossier_d_un_salarie_ne_depend_que_de_lui() -> None:
    # Même dossier d'une relance à l'autre, quels que soient les autres salariés : il ne
    # dépend que du matricule (aucun départage selon l'ordre ou les présents).
    assert nom_dossier_salarie("A_1", "Dupont", "Jean") == nom_dossier_salarie(
        "A_1", "Dupont", "Jean"
    )
    assert jeton_matricule("A_1") == "A-1~" + hashlib.sha256(b"A_1").hexdigest()[:10]
    assert jeton_matricule("00042") == "00042"
    assert nom_dossier_salarie("A_1", "Dupont", "Jean") == f"{jeton_matricule('A_1')}_DUPONT_Jean"


@pytest.mark.skipif(os.name == "nt", reason="droits POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o027])
def test_droits_suivent_l_umask(tmp_path: Path, umask: int) -> None:
    ancien = os.umask(umask)
    try:
        ecrire_fichier(tmp_path / "doc.docx", b"v1")
        ecrire_fichier(tmp_path / "doc.docx", b"v2", remplacer=True)
    finally:
        os.umask(ancien)
    fichiers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(fichiers) == 2  # le document et son ancienne version, rangée à part
    for chemin in fichiers:
        assert stat.S_IMODE(chemin.stat().st_mode) == 0o666 & ~umask, chemin.name
    # Le sous-dossier des anciennes versions a les droits d'un dossier selon l'umask.
    dossier = tmp_path / "anciennes_versions"
    assert stat.S_IMODE(dossier.stat().st_mode) == 0o777 & ~umask


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full (Linux)")
def test_disque_plein_nomme_le_fichier_et_ne_laisse_rien(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    creer = fichiers._creer_temporaire

    def vers_dev_full(chemin: Path) -> tuple[str, int]:
        # /dev/full répond ENOSPC à toute écriture, comme un disque plein.
        temporaire, descripteur = creer(chemin)
        os.close(descripteur)
        return temporaire, os.open("/dev/full", os.O_WRONLY)

    monkeypatch.setattr(fichiers, "_creer_temporaire", vers_dev_full)
    cible = tmp_path / "convocation.docx"
    with pytest.raises(OSError) as erreur:
        ecrire_fichier(cible, b"contenu")
    assert erreur.value.errno == errno.ENOSPC and erreur.value.filename == str(cible)
    assert os.listdir(tmp_path) == []
    message = expliquer_erreur_systeme(erreur.value)
    assert message.startswith(f"Plus de place sur le disque pour écrire « {cible} » : ")


@pytest.mark.parametrize(
    ("erreur", "debut"),
    [
        (
            OSError(errno.EROFS, "Read-only", "/s/a.docx"),
            "Impossible d'écrire « /s/a.docx », dossier en lecture seule : ",
        ),
        (
            PermissionError(errno.EACCES, "Denied", "/s"),
            "Accès refusé à « /s » (dossier en lecture seule",
        ),
        (
            OSError(errno.EIO, "Input/output error", "/s/a"),
            "Erreur du système sur « /s/a » (Input/output error) : ",
        ),
        (ConnectionResetError(errno.ECONNRESET, "Reset"), "Erreur du système (Reset) : "),
    ],
)
def test_erreurs_systeme_en_francais(erreur: OSError, debut: str) -> None:
    message = expliquer_erreur_systeme(erreur)
    assert message.startswith(debut)
    assert message.endswith("la relance complète ce qui manque.")


def test_jamais_d_ecrasement(tmp_path: Path) -> None:
    cible = tmp_path / "sous" / "doc.docx"
    assert ecrire_fichier(cible, b"v1") == CREE
    cible.write_bytes(b"complete a la main")
    assert ecrire_fichier(cible, b"v2") == CONSERVE
    assert cible.read_bytes() == b"complete a la main"


def test_remplacer_garde_l_ancienne_version(tmp_path: Path) -> None:
    cible = tmp_path / "doc.docx"
    ecrire_fichier(cible, b"v1")
    assert ecrire_fichier(cible, b"v2", remplacer=True) == REMPLACE
    assert ecrire_fichier(cible, b"v3", remplacer=True) == REMPLACE
    assert cible.read_bytes() == b"v3"
    # À part, dans anciennes_versions/ : le dossier ne montre que la version actuelle.
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["doc.docx"]
    anciens = sorted(p.read_bytes() for p in (tmp_path / "anciennes_versions").glob("doc.*.docx"))
    assert anciens == [b"v1", b"v2"]
    assert [p.read_bytes() for p in anciennes_versions(cible)] == [b"v1", b"v2"]
    assert all(est_ancienne_version(p.relative_to(tmp_path)) for p in anciennes_versions(cible))
    assert not est_ancienne_version("salaries/00042_DUPONT_Jean/convocation.docx")


def test_derive_remplace_sans_ancienne_version(tmp_path: Path) -> None:
    cible = tmp_path / "manifeste.csv"
    ecrire_fichier(cible, b"a")
    ecrire_fichier(cible, b"b", remplacer=True, garder_ancien=False)
    assert [p.name for p in tmp_path.iterdir()] == ["manifeste.csv"]


@pytest.mark.parametrize("remplacer", [False, True])
def test_interruption_ne_laisse_rien(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, remplacer: bool
) -> None:
    def coupure(*_args: object) -> None:
        raise KeyboardInterrupt

    # Publié par un lien dur (nouveau fichier) ou par un renommage (remplacer).
    monkeypatch.setattr(fichiers.os, "link", coupure)
    monkeypatch.setattr(fichiers.os, "replace", coupure)
    with pytest.raises(KeyboardInterrupt):
        ecrire_fichier(tmp_path / "doc.docx", b"contenu", remplacer=remplacer)
    assert os.listdir(tmp_path) == []


def test_empreinte(tmp_path: Path) -> None:
    cible = tmp_path / "f.bin"
    cible.write_bytes(b"x" * 3_000_000)
    assert sha256_fichier(cible) == hashlib.sha256(b"x" * 3_000_000).hexdigest()


def test_fichier_vide_regenere(tmp_path: Path) -> None:
    # Une coupure de courant peut laisser un fichier vide : il ne porte aucune saisie.
    cible = tmp_path / "doc.docx"
    cible.write_bytes(b"")
    assert ecrire_fichier(cible, b"contenu") == CREE
    assert cible.read_bytes() == b"contenu"


def test_disque_plein_en_remplacant_garde_le_fichier_en_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Le planning corrigé à la main est régénéré (--replanifier) quand le disque se remplit :
    # l'ancienne version n'est rangée qu'une fois la nouvelle complète.
    cible = tmp_path / "planning.xlsx"
    cible.write_bytes(b"corrige a la main")
    ecrire = os.write

    def disque_plein(descripteur: int, octets: bytes | memoryview) -> int:
        ecrire(descripteur, octets[:3])  # le début passe, puis le disque est plein
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fichiers.os, "write", disque_plein)
    with pytest.raises(OSError) as erreur:
        ecrire_fichier(cible, b"nouveau planning", remplacer=True)
    monkeypatch.undo()
    assert erreur.value.errno == errno.ENOSPC and erreur.value.filename == str(cible)
    assert cible.read_bytes() == b"corrige a la main"
    assert anciennes_versions(cible) == []
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["planning.xlsx"]


def _apparait_pendant_l_ecriture(
    monkeypatch: pytest.MonkeyPatch, cible: Path, contenu: bytes
) -> None:
    """`cible` est créé (rempli à la main) après la vérification de `publier`, pendant
    l'écriture du nouveau fichier."""
    creer = fichiers._creer_temporaire

    def puis_apparait(chemin: Path) -> tuple[str, int]:
        cible.write_bytes(contenu)
        return creer(chemin)

    monkeypatch.setattr(fichiers, "_creer_temporaire", puis_apparait)


def test_fichier_apparu_pendant_l_ecriture_jamais_ecrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cible = tmp_path / "compte_rendu.docx"
    _apparait_pendant_l_ecriture(monkeypatch, cible, b"rempli a la main")
    assert fichiers.publier(cible, b"genere") == (CONSERVE, 0.0)
    assert cible.read_bytes() == b"rempli a la main"
    assert os.listdir(tmp_path) == ["compte_rendu.docx"]  # ni temporaire, ni ancienne version


def test_fichier_vide_apparu_pendant_l_ecriture_remplace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cible = tmp_path / "compte_rendu.docx"
    _apparait_pendant_l_ecriture(monkeypatch, cible, b"")
    statut, modifie = fichiers.publier(cible, b"genere")
    assert statut == CREE and cible.read_bytes() == b"genere"
    assert modifie == cible.stat().st_mtime
    assert os.listdir(tmp_path) == ["compte_rendu.docx"]


@pytest.mark.parametrize(
    "erreur", [errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EINVAL], ids=errno.errorcode.get
)
def test_sans_liens_durs_le_renommage_prend_le_relais(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, erreur: int
) -> None:
    """FAT, exFAT, certains partages SMB : pas de lien dur ; le fichier est écrit quand même."""

    def refuse(source: str, destination: str) -> None:
        raise OSError(erreur, os.strerror(erreur), source, None, destination)

    monkeypatch.setattr(fichiers.os, "link", refuse)
    cible = tmp_path / "convocation.docx"
    statut, modifie = fichiers.publier(cible, b"genere")
    assert statut == CREE and cible.read_bytes() == b"genere"
    assert modifie == cible.stat().st_mtime
    assert os.listdir(tmp_path) == ["convocation.docx"]


def test_date_et_droits_du_fichier_publie(tmp_path: Path) -> None:
    cible = tmp_path / "convocation.docx"
    statut, modifie = fichiers.publier(cible, b"genere")
    etat = cible.stat()
    assert statut == CREE and modifie == etat.st_mtime
    assert etat.st_nlink == 1  # le temporaire ne reste pas lié au fichier
    assert os.listdir(tmp_path) == ["convocation.docx"]
