"""La première vraie campagne d'une assistante RH, de bout en bout par la ligne de commande :
l'exemple puis son registre le même jour, les paramètres restés ceux de l'exemple, un
planning refait après correction des managers (`--replanifier`), les convocations papier
notées remises, la date `--au` sous ses deux formes, les messages qu'elle lit."""

from __future__ import annotations

import csv
import email
import os
import shutil
import time
from email import policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ecrire_classeur
from docx import Document

from pipeline.cli import cli

RACINE = Path(__file__).resolve().parent.parent
AU = "2026-11-27"

# Une entreprise qui n'est pas celle de l'exemple livré.
PARAMETRES_MENUISERIE = """
[entreprise]
raison_sociale = "Menuiserie Lefèvre"
adresse = "4 chemin des Scieries"
code_postal = "38500"
ville = "Voiron"
effectif = 40
signataire = "Sophie Bernard"
email_rh = "rh@menuiserie-lefevre.fr"

[publipostage]
expediteur = "rh@menuiserie-lefevre.fr"
"""

EN_TETES = ["Matricule", "Civilité", "Nom", "Prénom", "Email", "Date d'entrée",
            "Matricule manager"]  # fmt: skip


def salarie(matricule: str, manager: str = "", email: str | None = None, entree="2015-03-02"):
    """Un salarié embauché en 2015 sans entretien saisi : en retard, donc à convoquer."""
    adresse = f"s{matricule.lower()}@menuiserie-lefevre.fr" if email is None else email
    return [matricule, "Mme", f"Nom{matricule}", f"Prénom{matricule}", adresse, entree, manager]


def manager(matricule: str) -> list:
    # Embauché cette année : son premier entretien n'est pas encore dû.
    return salarie(matricule, entree="2026-06-01")


def registre(dossier: Path, lignes: list[list], nom: str = "registre.xlsx") -> Path:
    return ecrire_classeur(dossier, {"Salariés": [EN_TETES, *lignes]}, nom)


@pytest.fixture
def projet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Le dossier de l'outil tel que livré (données d'exemple, paramètres de l'exemple)."""
    shutil.copytree(RACINE / "donnees", tmp_path / "donnees")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoquer(*args: str, entree: str | None = None) -> tuple[int, str]:
    resultat = CliRunner().invoke(cli, list(args), input=entree, catch_exceptions=False)
    return resultat.exit_code, resultat.output


def lignes_planning(chemin: Path) -> dict[str, dict[str, object]]:
    feuille = openpyxl.load_workbook(chemin)["Planning"]
    valeurs = list(feuille.values)
    return {ligne[0]: dict(zip(valeurs[0], ligne, strict=True)) for ligne in valeurs[1:]}


def textes(chemin: Path | Document) -> str:
    document = Document(str(chemin)) if isinstance(chemin, Path) else chemin
    morceaux = [p.text for p in document.paragraphs]
    morceaux += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(morceaux)


# ---------------------------------------------------------------------------- exemple puis vrai


def test_exemple_puis_vrai_registre_le_meme_jour(projet: Path) -> None:
    sorties = projet / "sorties"
    code, sortie = invoquer("convocations", "--au", AU, "--jobs", "1")
    assert code == 0, sortie
    assert f"Campagne : {Path('sorties') / f'exemple-{AU}'}" in sortie

    reel = registre(projet, [salarie("R1"), salarie("R2")])
    code, sortie = invoquer("convocations", "--registre", str(reel), "--au", AU, "--jobs", "1")
    assert code == 0, sortie
    assert sorted(p.name for p in sorties.iterdir()) == [AU, f"exemple-{AU}"]
    salaries = sorted(p.name for p in (sorties / AU / "salaries").iterdir())
    assert salaries == ["R1_NOMR1_PrénomR1", "R2_NOMR2_PrénomR2"]
    origine = (sorties / AU / "_sources" / "origine.toml").read_text(encoding="utf-8")
    assert str(reel.resolve()) in origine.replace("\\\\", "\\")

    # Le publipostage et l'archive de chacun retrouvent sa campagne, même celle d'un autre
    # jour, et même quand celle de l'autre registre est plus récente.
    os.utime(sorties / f"exemple-{AU}" / "planning.xlsx", (time.time() + 60, time.time() + 60))
    code, sortie = invoquer("publipostage", "--registre", str(reel), "--au", "2026-11-30")
    assert code == 0, sortie
    assert f"Campagne la plus récente de ce registre : {AU}" in sortie
    assert (sorties / AU / "publipostage" / "publipostage.csv").exists()
    assert not (sorties / f"exemple-{AU}" / "publipostage").exists()
    code, sortie = invoquer("publipostage", "--au", "2026-11-30")
    assert code == 0, sortie
    assert f"Campagne la plus récente de ce registre : exemple-{AU}" in sortie
    code, sortie = invoquer("archiver", "--registre", str(reel), "--au", "2026-12-02")
    assert code == 0, sortie
    assert (sorties / "archives" / f"{AU}.zip").exists()

    # Une campagne nommée qui vient de l'autre registre est refusée, avec le remède.
    code, sortie = invoquer(
        "convocations", "--registre", str(reel), "--au", AU, "--campagne", f"exemple-{AU}"
    )
    assert code == 1
    assert f"La campagne « exemple-{AU} »" in sortie
    assert "(l'exemple livré), pas avec" in sortie
    assert "ajoutez --campagne NOM (par exemple --campagne 2026-11-27-registre)" in sortie
    assert "Traceback" not in sortie
    assert sorted(p.name for p in (sorties / f"exemple-{AU}" / "salaries").iterdir())[0] != "R1"

    # Un autre vrai registre, le même jour, sans --campagne : refusé de même.
    autre = registre(projet, [salarie("Z1")], nom="autre.xlsx")
    code, sortie = invoquer("convocations", "--registre", str(autre), "--au", AU)
    assert code == 1 and "campagne-autre-registre" not in sortie
    assert f"a été produite avec le registre « {reel.resolve()} »" in sortie
    assert not (sorties / AU / "salaries" / "Z1_NOMZ1_PrénomZ1").exists()


def test_les_rendez_vous_de_l_exemple_ne_bloquent_pas_un_vrai_registre(projet: Path) -> None:
    # L'assistante essaie l'exemple, puis part de ce classeur pour taper le sien : mêmes
    # matricules, mêmes managers. Les rendez-vous fictifs de l'exemple ne sont ni « déjà
    # fixés » pour ses salariés, ni des créneaux pris dans les agendas.
    assert invoquer("convocations", "--au", AU, "--jobs", "1")[0] == 0
    copie = projet / "mon_registre.xlsx"
    shutil.copy2(projet / "donnees" / "registre_exemple.xlsx", copie)
    code, sortie = invoquer("planifier", "--registre", str(copie), "--au", AU)
    assert code == 0, sortie
    assert "déjà fixé" not in sortie
    exemple = lignes_planning(projet / "sorties" / f"exemple-{AU}" / "planning.xlsx")
    reel = lignes_planning(projet / "sorties" / AU / "planning.xlsx")
    assert len(exemple) > 10 and reel.keys() == exemple.keys()

    # Dans l'autre sens, la campagne suivante de l'exemple ne voit pas celle du vrai
    # registre, mais voit bien la sienne : ses salariés y sont déjà convoqués.
    code, sortie = invoquer("planifier", "--au", AU, "--campagne", "exemple-bis")
    assert code == 0, sortie
    bis = lignes_planning(projet / "sorties" / "exemple-bis" / "planning.xlsx")
    assert not set(bis) & set(exemple)


def test_meme_registre_vu_par_un_autre_chemin(projet: Path) -> None:
    # Une collègue ouvre le même classeur depuis un autre poste (lecteur réseau) : tant
    # qu'il n'a pas changé, c'est le même registre.
    reel = registre(projet, [salarie("R1")])
    assert invoquer("convocations", "--registre", str(reel), "--au", AU, "--jobs", "1")[0] == 0
    copie = projet / "partage" / "registre.xlsx"
    copie.parent.mkdir()
    shutil.copy2(reel, copie)
    code, sortie = invoquer("convocations", "--registre", str(copie), "--au", AU, "--jobs", "1")
    assert code == 0, sortie


# ---------------------------------------------------------------------------- paramètres d'exemple


def test_parametres_de_l_exemple_avec_un_vrai_registre(projet: Path) -> None:
    reel = registre(projet, [salarie("R1")])
    code, sortie = invoquer("planifier", "--registre", str(reel), "--au", AU)
    assert code == 0, sortie
    assert "Avertissement : vos paramètres gardent des valeurs de l'exemple livré" in sortie
    for morceau in (
        "raison sociale « Exemple SAS » (entreprise.raison_sociale)",
        "signataire « Claire Martin » (entreprise.signataire)",
        "courriel RH « rh@exemple.fr » (entreprise.email_rh)",
        "expéditeur des courriels « rh@exemple.fr » (publipostage.expediteur)",
        "donnees/parametres.toml",
    ):
        assert morceau in sortie

    # Avec l'exemple, ces valeurs sont à leur place : pas d'avertissement.
    code, sortie = invoquer("planifier", "--au", AU)
    assert code == 0 and "valeurs de l'exemple livré" not in sortie

    # Les vraies valeurs saisies, plus d'avertissement sur les paramètres ; mais le planning
    # déjà fait confie encore l'entretien à « Claire Martin » : la commande qui le refait.
    (projet / "donnees" / "parametres.toml").write_text(PARAMETRES_MENUISERIE, encoding="utf-8")
    options = ("--registre", str(reel), "--au", AU, "--jobs", "1")
    code, sortie = invoquer("convocations", *options)
    assert code == 0 and "valeurs de l'exemple livré" not in sortie
    assert "1 entretien(s) du planning restent confiés à « Claire Martin »" in sortie
    assert "entretiens convocations --replanifier" in sortie
    code, sortie = invoquer("convocations", *options, "--replanifier")
    assert code == 0, sortie
    assert "Claire Martin" not in sortie
    convocation = Document(
        str(projet / "sorties" / AU / "salaries" / "R1_NOMR1_PrénomR1" / "convocation.docx")
    )
    texte = textes(convocation) + "\n".join(
        p.text for section in convocation.sections for p in section.header.paragraphs
    )
    assert "Sophie Bernard" in texte and "Claire Martin" not in texte
    assert "Menuiserie Lefèvre" in texte


# ---------------------------------------------------------------------------- --replanifier


def test_replanifier_apres_ajout_des_managers(projet: Path) -> None:
    (projet / "donnees" / "parametres.toml").write_text(PARAMETRES_MENUISERIE, encoding="utf-8")
    # Premier jet : les managers n'ont pas été saisis (sauf M3, qui part en cours de route) :
    # le service RH conduit presque tout. E1 n'a pas de courriel (convocation papier).
    avant = [salarie("E1", email=""), *(salarie(f"E{i}") for i in range(2, 7))]
    avant += [salarie("E7", manager="M3"), manager("M1"), manager("M2"), manager("M3")]
    chemin = registre(projet, avant)
    options = ("--registre", str(chemin), "--au", AU, "--jobs", "1")
    code, sortie = invoquer("convocations", *options)
    assert code == 0, sortie
    campagne = projet / "sorties" / AU
    premier = lignes_planning(campagne / "planning.xlsx")
    assert {m: premier[m]["Conducteur"] for m in ("E2", "E5", "E7")} == {
        "E2": "Sophie Bernard",
        "E5": "Sophie Bernard",
        "E7": "PrénomM3 NOMM3",
    }
    fiche_m3 = campagne / "managers" / "NOMM3_PrénomM3.docx"
    assert fiche_m3.exists()

    # La convocation papier de E1 est remise ; le compte-rendu de E2 est commencé à la main.
    code, sortie = invoquer("publipostage", *options[:4])
    assert code == 0, sortie
    assert "entretiens publipostage --papier-remis" in sortie
    code, sortie = invoquer("publipostage", *options[:4], "--papier-remis", "E1")
    assert code == 0, sortie
    assert "Convocations papier notées remises : 1 (E1)" in sortie
    compte_rendu = campagne / "salaries" / "E2_NOME2_PrénomE2" / "compte_rendu.docx"
    document = Document(str(compte_rendu))
    document.add_paragraph("Notes du manager, à garder.")
    document.save(str(compte_rendu))
    retouche = compte_rendu.read_bytes()

    # Le registre est corrigé : chacun a son manager.
    apres = [salarie("E1", manager="M1", email="")]
    apres += [salarie(f"E{i}", manager="M1") for i in (2, 3)]
    apres += [salarie(f"E{i}", manager="M2") for i in (4, 5, 6)]
    apres += [salarie("E7", manager="M1"), manager("M1"), manager("M2"), manager("M3")]
    registre(projet, apres)
    code, sortie = invoquer("convocations", *options, "--replanifier")
    assert code == 0, sortie

    second = lignes_planning(campagne / "planning.xlsx")
    # E1 a reçu sa convocation : son rendez-vous ne bouge pas. Les autres suivent le registre.
    assert second["E1"] == premier["E1"]
    conducteurs = {m: second[m]["Conducteur"] for m in second}
    assert conducteurs == {
        "E1": "Sophie Bernard",
        **{m: "PrénomM1 NOMM1" for m in ("E2", "E3", "E7")},
        **{m: "PrénomM2 NOMM2" for m in ("E4", "E5", "E6")},
    }
    anciens = list((campagne / "anciennes_versions").glob("planning.*.xlsx"))
    assert len(anciens) == 1 and lignes_planning(anciens[0]) == premier
    assert f"Replanification (ancien planning gardé : {anciens[0].name})" in sortie
    assert "gardés, convocation déjà partie : 1 (E1)" in sortie

    # Le compte-rendu retouché n'est pas touché ; la convocation de E2 suit son conducteur.
    assert compte_rendu.read_bytes() == retouche
    assert "Documents périmés     : 1" in sortie
    assert "PrénomM1 NOMM1" in textes(compte_rendu.with_name("convocation.docx"))
    # M3 ne conduit plus rien : sa fiche est gardée comme ancienne version, pas actuelle.
    assert not fiche_m3.exists()
    (renommee,) = list((fiche_m3.parent / "anciennes_versions").glob("NOMM3_PrénomM3.*.docx"))
    assert (
        f"managers/NOMM3_PrénomM3.docx (rangée dans anciennes_versions/{renommee.name})" in sortie
    )
    with open(campagne / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
        manifeste = {ligne["chemin"] for ligne in csv.DictReader(f, delimiter=";")}
    assert "managers/NOMM3_PrénomM3.docx" not in manifeste
    assert {"managers/NOMM1_PrénomM1.docx", "managers/NOMM2_PrénomM2.docx"} <= manifeste
    # Aucune convocation refaite n'était partie : rien « à renvoyer ».
    assert "à renvoyer" not in sortie

    # Le rendez-vous de E1 déplacé à la main : sa convocation, déjà remise, est à renvoyer.
    classeur = openpyxl.load_workbook(campagne / "planning.xlsx")
    feuille = classeur["Planning"]
    colonnes = [c.value for c in feuille[1]]
    ligne = next(r for r in range(2, feuille.max_row + 1) if feuille.cell(r, 1).value == "E1")
    feuille.cell(ligne, colonnes.index("Heure") + 1).value = "17:30"
    classeur.save(campagne / "planning.xlsx")
    code, sortie = invoquer("convocations", *options)
    assert code == 0, sortie
    assert "Convocations à renvoyer : 1" in sortie
    assert "salaries/E1_NOME1_PrénomE1/convocation.docx (remise sur papier le " in sortie


def test_replanifier_sans_campagne(projet: Path) -> None:
    reel = registre(projet, [salarie("R1")])
    code, sortie = invoquer("convocations", "--registre", str(reel), "--au", AU, "--replanifier")
    assert code == 1
    assert f"Aucune campagne du registre « {reel} »" in sortie


def test_replanifier_un_planning_illisible(projet: Path) -> None:
    # planning.xlsx abîmé (copie interrompue, fichier remplacé par autre chose) : une phrase
    # française, pas de trace, et rien n'est réécrit.
    reel = registre(projet, [salarie("R1")])
    options = ("--registre", str(reel), "--au", AU, "--jobs", "1")
    assert invoquer("convocations", *options)[0] == 0
    planning = projet / "sorties" / AU / "planning.xlsx"
    planning.write_bytes(b"ceci n'est pas un classeur")
    code, sortie = invoquer("convocations", *options, "--replanifier")
    assert code == 1, sortie
    assert "est illisible ou n'est pas un classeur Excel" in sortie
    assert planning.read_bytes() == b"ceci n'est pas un classeur"


def test_papier_remis_matricule_inconnu(projet: Path) -> None:
    (projet / "donnees" / "parametres.toml").write_text(PARAMETRES_MENUISERIE, encoding="utf-8")
    reel = registre(projet, [salarie("R1", email=""), salarie("R2")])
    options = ("--registre", str(reel), "--au", AU)
    assert invoquer("convocations", *options, "--jobs", "1")[0] == 0
    code, sortie = invoquer("publipostage", *options, "--papier-remis", "R2,R9")
    assert code == 1
    assert "Pas de convocation papier pour R2, R9" in sortie
    code, sortie = invoquer("publipostage", *options)
    assert "Et maintenant : 1 courriel(s) à envoyer" in sortie
    assert "1 convocation(s) papier à remettre" in sortie
    code, sortie = invoquer("publipostage", *options, "--papier-remis")
    assert code == 0 and "notées remises : 1 (R1)" in sortie
    assert "Et maintenant : 1 courriel(s) à envoyer" in sortie and "papier à remettre" not in sortie
    code, sortie = invoquer("publipostage", *options, "--papier-remis")
    assert code == 0 and "Déjà notées remises : 1 (R1)" in sortie
    with open(
        projet / "sorties" / AU / "publipostage" / "envois.csv", encoding="utf-8-sig", newline=""
    ) as f:
        (ligne,) = list(csv.DictReader(f, delimiter=";"))
    assert (ligne["Matricule"], ligne["Statut"], ligne["Destinataires"]) == (
        "R1",
        "remis",
        "courrier papier",
    )

    # Le journal ouvert dans Excel et enregistré en « CSV » ordinaire (Windows-1252) : une
    # phrase qui dit comment le réenregistrer, pour convocations comme pour publipostage.
    journal = projet / "sorties" / AU / "publipostage" / "envois.csv"
    journal.write_bytes(journal.read_bytes().decode("utf-8-sig").encode("cp1252"))
    for commande in ("convocations", "publipostage"):
        code, sortie = invoquer(commande, *options)
        assert code == 1, sortie
        assert "envois.csv" in sortie and "« CSV UTF-8 (délimité par des virgules) »" in sortie


def test_entretien_saisi_apres_les_lettres_ne_refait_pas_le_courriel(projet: Path) -> None:
    # R1 est convoqué parce que son dernier entretien date de 2021. Le 7 décembre, le
    # nouveau est tenu et saisi au registre ; le 20, l'assistante relance le publipostage
    # (pour les autres) : le courriel de R1 dit toujours ce que dit sa lettre, il n'est pas
    # refait (refait, il repartirait).
    (projet / "donnees" / "parametres.toml").write_text(PARAMETRES_MENUISERIE, encoding="utf-8")
    salaries = [EN_TETES, salarie("R1"), salarie("R2")]
    tenus = [["Matricule", "Date", "Type", "Conduit par", "Commentaire"],
             ["R1", "2021-06-01", "Périodique", "Sophie Bernard", ""]]  # fmt: skip
    reel = ecrire_classeur(projet, {"Salariés": salaries, "Entretiens": tenus})
    assert invoquer("convocations", "--registre", str(reel), "--au", AU, "--jobs", "1")[0] == 0
    code, sortie = invoquer("publipostage", "--registre", str(reel), "--au", AU)
    assert code == 0 and "Brouillons créés : 2, conservés : 0" in sortie, sortie
    (brouillon,) = (projet / "sorties" / AU / "publipostage").rglob("R1_*.eml")
    avant = brouillon.read_bytes()
    assert (
        "01/06/2021"
        in email.message_from_bytes(avant, policy=policy.default).get_body(("plain",)).get_content()
    )
    tenus.append(["R1", "2026-12-07", "Périodique", "Sophie Bernard", ""])
    ecrire_classeur(projet, {"Salariés": salaries, "Entretiens": tenus})
    code, sortie = invoquer("publipostage", "--registre", str(reel), "--au", "2026-12-20")
    assert code == 0 and "Brouillons créés : 0, conservés : 2" in sortie, sortie
    assert brouillon.read_bytes() == avant


# ---------------------------------------------------------------------------- --au et messages


def test_au_sous_ses_deux_formes(projet: Path) -> None:
    code_iso, iso = invoquer("echeances", "--au", AU, "--tout")
    code_fr, fr = invoquer("echeances", "--au", "27/11/2026", "--tout")
    assert code_iso == code_fr == 0
    assert fr == iso and "Au 27/11/2026" in fr


@pytest.mark.parametrize("valeur", ["9026-11-27", "0001-01-01", "27/11/9026"])
def test_au_hors_des_dates_possibles(projet: Path, valeur: str) -> None:
    code, sortie = invoquer("convocations", "--au", valeur)
    assert code == 2
    assert "est hors des dates possibles pour une campagne (du 01/01/2000 au 31/12/2100)" in sortie
    assert "Traceback" not in sortie and "pandas" not in sortie
    assert not (projet / "sorties").exists()


def test_aide_sans_reperes_anglais_ni_bornes_brutes() -> None:
    for nom in cli.commands:
        code, aide = invoquer(nom, "--help")
        assert code == 0
        mots = ("TEXT", "INTEGER", "FLOAT", "RANGE", "PATH", "FILE", "DIRECTORY", "BOOLEAN")
        for mot in (*mots, "<=", ">=", "[x", "default"):
            assert mot not in aide, f"{nom} --help : « {mot} »"
    assert "--hote SERVEUR" in invoquer("publipostage", "--help")[1]
    assert "--port NOMBRE" in invoquer("publipostage", "--help")[1]


def test_progression_et_suite_quand_la_sortie_n_est_pas_un_terminal(projet: Path) -> None:
    (projet / "donnees" / "parametres.toml").write_text(PARAMETRES_MENUISERIE, encoding="utf-8")
    reel = registre(projet, [salarie(f"R{i:02d}") for i in range(12)])
    code, sortie = invoquer("convocations", "--registre", str(reel), "--au", AU, "--jobs", "1")
    assert code == 0, sortie
    paliers = [ligne for ligne in sortie.splitlines() if ligne.startswith("Documents : ")]
    assert paliers[-1] == "Documents : 100 % (37 sur 37)"
    assert len(paliers) == 10  # un par dixième
    assert "Et maintenant : relisez planning.xlsx" in sortie
    assert "entretiens publipostage (ou make publipostage)" in sortie


def test_rien_a_envoyer_se_dit_simplement(projet: Path) -> None:
    (projet / "donnees" / "parametres.toml").write_text(PARAMETRES_MENUISERIE, encoding="utf-8")
    reel = registre(projet, [salarie("R1", email="")])
    options = ("--registre", str(reel), "--au", AU)
    assert invoquer("convocations", *options, "--jobs", "1")[0] == 0
    code, sortie = invoquer("publipostage", *options, "--envoyer", "--reel")
    assert code == 0, sortie
    assert "Aucun courriel à envoyer : aucun salarié de cette campagne n'a d'adresse" in sortie
    assert "Envoyer 0" not in sortie and "[o/N]" not in sortie
    # La convocation remise, tout est parti : c'est ce qui se dit.
    assert invoquer("publipostage", *options, "--papier-remis")[0] == 0
    code, sortie = invoquer("convocations", *options, "--jobs", "1")
    assert code == 0, sortie
    assert "Toutes les convocations de cette campagne sont parties" in sortie
    code, sortie = invoquer("publipostage", *options)
    assert "Toutes les convocations de cette campagne sont parties" in sortie


def test_non_planifies_comptes_par_cause(projet: Path) -> None:
    # Une seule salle, un seul créneau, trois jours : la plupart restent sans créneau.
    (projet / "donnees" / "parametres.toml").write_text(
        PARAMETRES_MENUISERIE
        + '\n[planning]\ndelai_max_jours = 11\ncreneaux = ["09:00"]\nlieux = ["Atelier"]\n',
        encoding="utf-8",
    )
    reel = registre(projet, [salarie(f"R{i:02d}") for i in range(20)])
    code, sortie = invoquer("planifier", "--registre", str(reel), "--au", AU)
    assert code == 0, sortie
    assert "17 salarié(s) non planifié(s) :" in sortie
    assert "Par cause (qui et pourquoi : planning.xlsx, feuille « Non planifiés ») :" in sortie
    assert (
        "   17 agenda du conducteur complet : élargissez la période de convocation "
        "(planning.delai_max_jours dans parametres.toml)"
    ) in sortie
    assert "R19" not in sortie  # le détail est dans le classeur
