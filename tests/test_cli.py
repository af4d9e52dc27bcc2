"""La ligne de commande de bout en bout : codes de sortie, messages français, fichiers produits."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from pipeline.cli import cli

RACINE = Path(__file__).resolve().parent.parent
EXEMPLE = RACINE / "donnees" / "registre_exemple.xlsx"
PARAMETRES = RACINE / "donnees" / "parametres.toml"
AU = "2026-11-27"
# Le registre d'exemple a ses propres campagnes : jamais mêlées à celles d'un vrai registre.
CAMPAGNE = f"exemple-{AU}"


@pytest.fixture
def projet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Un dossier de travail comme celui de l'assistante RH : données et modèles livrés."""
    shutil.copytree(RACINE / "donnees", tmp_path / "donnees")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoquer(*args: str) -> tuple[int, str]:
    resultat = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return resultat.exit_code, resultat.output


def _classeur_minimal(chemin: Path, salaries: list[list[object]]) -> Path:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.title = "Salariés"
    feuille.append(["Matricule", "Nom", "Prénom", "Date d'entrée", "Matricule manager"])
    for ligne in salaries:
        feuille.append(ligne)
    classeur.save(chemin)
    return chemin


def _toutes_les_commandes(groupe: click.Group) -> list[click.Command]:
    return list(groupe.commands.values())


def test_chaque_commande_a_une_aide_en_francais() -> None:
    for commande in _toutes_les_commandes(cli):
        assert commande.help, f"{commande.name} n'a pas d'aide"
        code, sortie = invoquer(commande.name, "--help")
        assert code == 0
        assert "Utilisation :" in sortie and "Affiche cette aide et quitte." in sortie


def test_usage_incorrect_code_2() -> None:
    code, sortie = invoquer("echeances", "--au", "27/13/2026")
    assert code == 2
    assert "« 27/13/2026 » n'est pas une date : écrivez-la JJ/MM/AAAA" in sortie


def test_verifier_exemple(projet: Path) -> None:
    code, sortie = invoquer("verifier")
    assert code == 0, sortie
    assert "Registre et paramètres valides" in sortie


def test_verifier_registre_errone(projet: Path) -> None:
    registre = _classeur_minimal(
        projet / "faux.xlsx",
        [["001", "Dupont", "Jean", "32/13/2020", ""], ["001", "", "Anne", "2020-01-01", "999"]],
    )
    code, sortie = invoquer("verifier", "--registre", str(registre))
    assert code == 1
    assert "Ligne" in sortie and "Colonne" in sortie and "Code" in sortie
    for attendu in ("date-invalide", "matricule-duplique", "valeur-obligatoire", "manager-inconnu"):
        assert attendu in sortie
    assert "Traceback" not in sortie


def test_verifier_json(projet: Path) -> None:
    import json

    registre = _classeur_minimal(projet / "faux.xlsx", [["001", "Dupont", "Jean", "hier", ""]])
    code, sortie = invoquer("verifier", "--registre", str(registre), "--json")
    assert code == 1
    rapport = json.loads(sortie)
    assert rapport["valide"] is False
    erreurs = [a for a in rapport["anomalies"] if a["gravite"] == "erreur"]
    assert [(a["feuille"], a["ligne"], a["colonne"], a["code"]) for a in erreurs] == [
        ("Salariés", 2, "Date d'entrée", "date-invalide")
    ]


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        (None, "n'existe pas"),
        (b"matricule;nom\n001;Dupont\n", "n'est pas un classeur Excel"),
        (b"PK\x03\x04 corrompu", "n'est pas un classeur Excel"),
    ],
    ids=["absent", "csv-renomme", "corrompu"],
)
def test_fichier_illisible_une_phrase(projet: Path, contenu: bytes | None, attendu: str) -> None:
    registre = projet / "registre.xlsx"
    if contenu is not None:
        registre.write_bytes(contenu)
    code, sortie = invoquer("convocations", "--registre", str(registre), "--au", AU)
    assert code == 1
    assert "Traceback" not in sortie
    assert "registre.xlsx" in sortie
    assert not (projet / "sorties").exists()


def test_registre_errone_rien_n_est_ecrit(projet: Path) -> None:
    registre = _classeur_minimal(projet / "faux.xlsx", [["001", "Dupont", "Jean", "n/a", ""]])
    code, sortie = invoquer("convocations", "--registre", str(registre), "--au", AU)
    assert code == 1
    assert "date-invalide" in sortie
    assert not (projet / "sorties").exists()


def test_parametres_errones(projet: Path) -> None:
    mauvais = projet / "p.toml"
    mauvais.write_text("[regles]\nperiodicite_mois = 60\n", encoding="utf-8")
    code, sortie = invoquer("echeances", "--parametres", str(mauvais), "--au", AU)
    assert code == 1
    assert "regles.periodicite_mois" in sortie and "48" in sortie


def test_echeances_csv(projet: Path) -> None:
    code, sortie = invoquer("echeances", "--au", AU, "--sortie", "e.csv")
    assert code == 0, sortie
    with open(projet / "e.csv", encoding="utf-8-sig", newline="") as f:
        lignes = list(csv.reader(f, delimiter=";"))
    assert lignes[0][:7] == ["matricule", "nom", "prenom", "type", "motif", "echeance", "statut"]
    assert len(lignes) > 5
    echeances = [ligne[5] for ligne in lignes[1:]]
    assert all(len(e) == 10 and e[4] == "-" for e in echeances)
    assert {ligne[6] for ligne in lignes[1:]} <= {"en_retard", "a_planifier"}
    assert "En retard" in sortie  # le résumé


def test_echeances_xlsx_et_tout(projet: Path) -> None:
    code, _ = invoquer("echeances", "--au", AU, "--tout", "--sortie", "e.xlsx")
    assert code == 0
    ws = openpyxl.load_workbook(projet / "e.xlsx").active
    statuts = {ligne[6] for ligne in ws.iter_rows(min_row=2, values_only=True)}
    assert "À venir" in statuts


def _textes(chemin: Path) -> str:
    document = Document(str(chemin))
    morceaux = [p.text for p in document.paragraphs]
    for table in document.tables:
        for ligne in table.rows:
            morceaux.extend(cellule.text for cellule in ligne.cells)
    for section in document.sections:
        morceaux.extend(p.text for p in section.header.paragraphs)
        morceaux.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(morceaux)


def _empreintes(dossier: Path) -> dict[str, str]:
    with open(dossier / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
        return {ligne["chemin"]: ligne["sha256"] for ligne in csv.DictReader(f, delimiter=";")}


def test_campagne_complete_puis_relance(projet: Path) -> None:
    code, sortie = invoquer("convocations", "--au", AU, "--jobs", "1")
    assert code == 0, sortie
    dossier = projet / "sorties" / CAMPAGNE
    for nom in ("echeances.xlsx", "planning.xlsx", "manifeste.csv"):
        assert (dossier / nom).exists()
    salaries = sorted((dossier / "salaries").iterdir())
    assert salaries, "aucun dossier salarié"
    assert list((dossier / "managers").glob("*.docx"))
    convocation = _textes(salaries[0] / "convocation.docx")
    assert "{{" not in convocation and "{%" not in convocation and "}}" not in convocation
    # La lettre est datée du jour d'envoi (--au), en toutes lettres.
    assert "Fait à Lyon, le vendredi 27 novembre 2026" in convocation
    empreintes = _empreintes(dossier)
    assert len(empreintes) == sum(1 for f in dossier.rglob("*") if f.is_file()) - 1

    # Un document complété à la main survit à la relance ; rien ne change.
    compte_rendu = salaries[0] / "compte_rendu.docx"
    document = Document(str(compte_rendu))
    document.add_paragraph("Commentaire saisi par le manager.")
    document.save(str(compte_rendu))
    code, sortie = invoquer("convocations", "--au", AU, "--jobs", "2")
    assert code == 0, sortie
    assert "Documents créés       : 0" in sortie
    assert "Commentaire saisi par le manager." in _textes(compte_rendu)
    apres = _empreintes(dossier)
    modifie = compte_rendu.relative_to(dossier).as_posix()
    assert {k: v for k, v in apres.items() if k != modifie} == {
        k: v for k, v in empreintes.items() if k != modifie
    }

    # --remplacer régénère, mais garde la version complétée à côté.
    code, sortie = invoquer("convocations", "--au", AU, "--remplacer", "--jobs", "1")
    assert code == 0, sortie
    anciens = list((compte_rendu.parent / "anciennes_versions").glob("compte_rendu.*.docx"))
    assert len(anciens) == 1
    assert "Commentaire saisi par le manager." in _textes(anciens[0])
    assert "Commentaire saisi par le manager." not in _textes(compte_rendu)


def test_planning_corrige_a_la_main(projet: Path) -> None:
    code, sortie = invoquer("planifier", "--au", AU)
    assert code == 0, sortie
    planning = projet / "sorties" / CAMPAGNE / "planning.xlsx"
    classeur = openpyxl.load_workbook(planning)
    feuille = classeur["Planning"]
    en_tetes = [c.value for c in feuille[1]]
    colonne_date = en_tetes.index("Date") + 1
    feuille.cell(row=2, column=colonne_date).value = "25/12/2026"
    classeur.save(planning)
    code, sortie = invoquer("convocations", "--au", AU)
    assert code == 1
    assert "jour-non-ouvre" in sortie
    assert not (projet / "sorties" / CAMPAGNE / "salaries").exists()


def test_modeles_liste_et_signale_les_variables_inconnues(tmp_path: Path) -> None:
    code, sortie = invoquer("modeles")
    assert code == 0, sortie
    for modele in ("convocation", "compte_rendu", "etat_des_lieux", "fiche_conducteur"):
        assert modele in sortie
    assert "salarie.nom_complet" in sortie

    copie = tmp_path / "modeles"
    shutil.copytree(RACINE / "modeles_word", copie)
    document = Document(str(copie / "convocation.docx"))
    document.add_paragraph("{{ salarie.pointure }}")
    document.save(str(copie / "convocation.docx"))
    code, sortie = invoquer("modeles", "--dossier", str(copie))
    assert code == 1
    assert "salarie.pointure  ← variable inconnue du programme" in sortie


def test_verifier_controle_les_parametres_meme_avec_registre(projet: Path) -> None:
    mauvais = projet / "p.toml"
    mauvais.write_text("[regles]\nperiodicite_mois = 60\n", encoding="utf-8")
    code, sortie = invoquer("verifier", "--registre", str(EXEMPLE), "--parametres", str(mauvais))
    assert code == 1
    assert "regles.periodicite_mois" in sortie
    assert "Registre et paramètres valides" not in sortie


def test_verifier_json_rapporte_les_parametres_invalides(projet: Path) -> None:
    import json

    mauvais = projet / "p.toml"
    mauvais.write_text("[regles]\nperiodicite_mois = 60\n", encoding="utf-8")
    code, sortie = invoquer("verifier", "--parametres", str(mauvais), "--json")
    assert code == 1
    rapport = json.loads(sortie)
    assert rapport["valide"] is False
    assert [(a["colonne"], a["code"]) for a in rapport["anomalies"]] == [
        ("regles.periodicite_mois", "parametre-hors-bornes")
    ]


def test_rien_a_planifier(projet: Path) -> None:
    registre = _classeur_minimal(projet / "r.xlsx", [["001", "Dupont", "Jean", "01/09/2026", ""]])
    code, sortie = invoquer("echeances", "--registre", str(registre), "--au", AU)
    assert code == 0
    assert "Aucune échéance d'ici le 26/01/2027" in sortie


def test_envoi_reel_demande_confirmation_en_francais(projet: Path) -> None:
    # L'expéditeur de l'exemple (rh@exemple.fr) est refusé pour un envoi réel.
    parametres = projet / "donnees" / "parametres.toml"
    texte = parametres.read_text(encoding="utf-8")
    parametres.write_text(
        texte.replace('expediteur = "rh@exemple.fr"', 'expediteur = "rh@menuiserie.fr"'),
        encoding="utf-8",
    )
    assert invoquer("convocations", "--au", AU, "--jobs", "1")[0] == 0
    assert invoquer("publipostage", "--au", AU)[0] == 0
    resultat = CliRunner().invoke(
        cli, ["publipostage", "--au", AU, "--envoyer", "--reel"], input="peut-être\nn\n"
    )
    assert "[o/N]" in resultat.output
    assert "Répondez « o » (oui) ou « n » (non)" in resultat.output
    assert resultat.exit_code == 1
    assert "Abandon." in resultat.output
    assert not (projet / "sorties" / CAMPAGNE / "publipostage" / "envois.csv").exists()


def test_planning_reutilise_complete_des_salaries_devenus_dus(projet: Path) -> None:
    registre = projet / "r.xlsx"
    _classeur_minimal(registre, [["001", "Dupont", "Jean", "01/09/2026", ""]])
    code, sortie = invoquer(
        "convocations", "--registre", str(registre), "--au", AU, "--campagne", "c"
    )
    assert code == 0, sortie
    assert "Entretiens planifiés  : 0" in sortie
    # Un salarié en retard apparaît ensuite dans le registre : il ne doit pas être oublié.
    _classeur_minimal(
        registre,
        [["001", "Dupont", "Jean", "01/09/2026", ""], ["002", "Martin", "Anne", "01/01/2020", ""]],
    )
    code, sortie = invoquer(
        "convocations", "--registre", str(registre), "--au", AU, "--campagne", "c"
    )
    assert code == 0, sortie
    assert "Planning existant réutilisé" in sortie
    assert "1 ajouté(s)" in sortie
    assert "Entretiens planifiés  : 1" in sortie
    dossier = projet / "sorties" / "c"
    assert (dossier / "salaries" / "002_MARTIN_Anne" / "convocation.docx").exists()
    lignes = list(openpyxl.load_workbook(dossier / "planning.xlsx")["Planning"].values)
    assert [ligne[0] for ligne in lignes[1:]] == ["002"]
    anciens = list((dossier / "anciennes_versions").glob("planning.*.xlsx"))
    assert anciens, "l'ancien planning doit être gardé, à part"
    assert not list(dossier.glob("planning.*.xlsx"))


def test_campagne_suivante_ne_reconvoque_pas(projet: Path) -> None:
    assert invoquer("convocations", "--au", AU, "--jobs", "1")[0] == 0
    premiere = {p.name for p in (projet / "sorties" / CAMPAGNE / "salaries").iterdir()}
    # Quatre jours plus tard, les entretiens fixés le 27/11 n'ont pas encore eu lieu.
    code, sortie = invoquer("convocations", "--au", "2026-12-01", "--jobs", "1")
    assert code == 0, sortie
    assert "entretien déjà fixé dans une autre campagne" in sortie
    dossier = projet / "sorties" / "exemple-2026-12-01" / "salaries"
    seconde = {p.name for p in dossier.iterdir()} if dossier.exists() else set()
    assert not premiere & seconde, "personne ne doit être convoqué deux fois"


def test_planning_date_avant_l_envoi_refusee(projet: Path) -> None:
    assert invoquer("planifier", "--au", AU)[0] == 0
    planning = projet / "sorties" / CAMPAGNE / "planning.xlsx"
    classeur = openpyxl.load_workbook(planning)
    feuille = classeur["Planning"]
    colonne = [c.value for c in feuille[1]].index("Date") + 1
    feuille.cell(row=2, column=colonne).value = "20/11/2026"
    classeur.save(planning)
    code, sortie = invoquer("convocations", "--au", AU)
    assert code == 1
    assert "date-passee" in sortie
    assert not (projet / "sorties" / CAMPAGNE / "salaries").exists()


# ---------------------------------------------------------------------------- archive


def _membres(zip_: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_) as zf:
        return {nom: zf.read(nom) for nom in zf.namelist()}


def test_archiver_puis_verifier_archive(projet: Path) -> None:
    assert invoquer("convocations", "--au", AU, "--jobs", "1")[0] == 0
    dossier = projet / "sorties" / CAMPAGNE
    fichiers = {p.relative_to(dossier).as_posix(): p.read_bytes() for p in dossier.rglob("*")
                if p.is_file()}  # fmt: skip

    code, sortie = invoquer("archiver", "--au", AU)
    assert code == 0, sortie
    archive = Path("sorties") / "archives" / f"{CAMPAGNE}.zip"
    assert f"Archive écrite : {archive} ({len(fichiers)} fichiers de la campagne" in sortie
    assert f"Index des documents : {archive.parent / 'index.csv'}" in sortie
    assert f"entretiens verifier-archive {archive}" in sortie

    # Le zip relu : toute la campagne à l'identique, la notice, et des empreintes justes.
    membres = _membres(projet / archive)
    for relatif, contenu in fichiers.items():
        assert membres[f"{CAMPAGNE}/{relatif}"] == contenu, relatif
    assert f"{CAMPAGNE}/_sources/LISEZMOI.txt" in membres and "manifeste.csv" in membres
    empreintes = {}
    for ligne in membres["MANIFESTE-SHA256.txt"].decode("utf-8").splitlines():
        empreinte, chemin = ligne.split("  ", 1)
        empreintes[chemin] = empreinte
    assert set(empreintes) == set(membres) - {"MANIFESTE-SHA256.txt"}
    assert all(hashlib.sha256(membres[c]).hexdigest() == e for c, e in empreintes.items())
    # L'index retrouve chaque document de chaque salarié convoqué, sous son matricule.
    with open(projet / archive.parent / "index.csv", encoding="utf-8-sig", newline="") as f:
        index = list(csv.DictReader(f, delimiter=";"))
    sceau = [ligne for ligne in index if ligne["Document"] == "archive"]
    assert {(ligne["Matricule"], ligne["Chemin dans l'archive"]) for ligne in index} - {
        ("", f"{CAMPAGNE}.zip")
    } == {
        (c.split("/")[1].split("_")[0], f"{CAMPAGNE}/{c}")
        for c in fichiers
        if c.startswith("salaries/")
    }
    assert {ligne["Campagne"] for ligne in index} == {CAMPAGNE}
    # Le sceau : l'empreinte du zip, notée dans l'index et affichée dans le résumé.
    empreinte = hashlib.sha256((projet / archive).read_bytes()).hexdigest()
    assert [ligne["Empreinte SHA-256"] for ligne in sceau] == [empreinte]
    assert f"Empreinte SHA-256 de l'archive : {empreinte}" in sortie

    code, sortie = invoquer("verifier-archive", str(archive))
    assert code == 0, sortie
    assert (
        f"Archive « {CAMPAGNE}.zip » intègre : {len(membres) - 1} fichier(s) conforme(s)" in sortie
    )
    assert f"Sceau conforme : l'empreinte SHA-256 de l'archive ({empreinte})" in sortie

    # Une archive n'est jamais écrasée.
    code, sortie = invoquer("archiver", "--au", AU)
    assert code == 1
    assert "existe déjà : une archive n'est jamais écrasée" in sortie
    assert _membres(projet / archive) == membres


def test_verifier_archive_signale_un_document_modifie(projet: Path) -> None:
    assert invoquer("convocations", "--au", AU, "--jobs", "1")[0] == 0
    assert invoquer("archiver", "--au", AU)[0] == 0
    archive = projet / "sorties" / "archives" / f"{CAMPAGNE}.zip"
    membres = _membres(archive)
    cible = next(n for n in membres if n.endswith("/convocation.docx"))
    retouchee = projet / "retouchee.zip"
    with zipfile.ZipFile(retouchee, "w") as zf:
        for nom, contenu in membres.items():
            zf.writestr(nom, contenu + b"!" if nom == cible else contenu)
            if nom == cible:
                zf.writestr(f"{CAMPAGNE}/ajout.txt", b"en trop")

    code, sortie = invoquer("verifier-archive", str(retouchee))
    assert code == 1
    assert sortie.splitlines() == [
        f"Modifié (empreinte différente) : {cible}",
        f"En trop (dans le zip, absent du manifeste) : {CAMPAGNE}/ajout.txt",
    ]


def test_archiver_supprimer_originaux_garde_l_ancienne_archive(projet: Path) -> None:
    assert invoquer("convocations", "--au", AU, "--jobs", "1")[0] == 0
    assert invoquer("archiver", "--au", AU)[0] == 0
    archives = projet / "sorties" / "archives"
    premiere = (archives / f"{CAMPAGNE}.zip").read_bytes()

    code, sortie = invoquer("archiver", "--au", AU, "--remplacer", "--supprimer-originaux")
    assert code == 0, sortie
    dossier = Path("sorties") / CAMPAGNE
    assert f"Archive vérifiée, dossier {dossier} supprimé." in sortie
    assert not (projet / dossier).exists()
    anciennes = list((archives / "anciennes_versions").glob(f"{CAMPAGNE}.*.zip"))
    assert [a.read_bytes() for a in anciennes] == [premiere]
    assert f"Ancienne archive gardée : {anciennes[0].relative_to(projet)}" in sortie
    assert invoquer("verifier-archive", str(archives / f"{CAMPAGNE}.zip"))[0] == 0
    # Le dossier supprimé, il n'y a plus de campagne à archiver.
    code, sortie = invoquer("archiver", "--au", AU, "--campagne", CAMPAGNE)
    assert code == 1
    assert f"La campagne « {dossier} » n'existe pas" in sortie


# ---------------------------------------------------------------------------- tableau de bord


def test_tableau_de_bord(projet: Path) -> None:
    code, sortie = invoquer("tableau-de-bord", "--au", AU)
    assert code == 0, sortie
    chemin = Path("sorties") / "tableau_de_bord.xlsx"
    assert f"Tableau de bord écrit dans {chemin}" in sortie

    # Comparé à la liste complète des échéances, calculée par une autre commande.
    assert invoquer("echeances", "--au", AU, "--tout", "--sortie", "e.csv")[0] == 0
    with open(projet / "e.csv", encoding="utf-8-sig", newline="") as f:
        echeances = list(csv.DictReader(f, delimiter=";"))
    classeur = openpyxl.load_workbook(projet / chemin)
    assert classeur.sheetnames[:4] == ["Synthèse", "Échéancier", "En retard", "CSE"]
    echeancier = [r[0] for r in classeur["Échéancier"].iter_rows(min_row=2, values_only=True)]
    assert echeancier == [e["matricule"] for e in echeances]
    retards = [r[0] for r in classeur["En retard"].iter_rows(min_row=2, values_only=True)]
    assert retards == [e["matricule"] for e in echeances if e["statut"] == "en_retard"]
    synthese = {r[0]: r[1] for r in classeur["Synthèse"].iter_rows(values_only=True) if r[0]}
    assert synthese["Calculé au"] == datetime(2026, 11, 27)
    a_jour = f"sur {synthese['Salariés pris en compte']} "
    assert f"Salariés à jour           : {synthese['Salariés à jour']} {a_jour}" in sortie

    code, sortie = invoquer("tableau-de-bord", "--au", AU, "--sortie", "suivi.xlsx")
    assert code == 0, sortie
    assert openpyxl.load_workbook(projet / "suivi.xlsx").sheetnames == classeur.sheetnames


def test_tableau_de_bord_registre_errone_rien_n_est_ecrit(projet: Path) -> None:
    registre = _classeur_minimal(projet / "faux.xlsx", [["001", "Dupont", "Jean", "n/a", ""]])
    code, sortie = invoquer("tableau-de-bord", "--registre", str(registre), "--au", AU)
    assert code == 1
    assert "date-invalide" in sortie and "Traceback" not in sortie
    assert not (projet / "sorties").exists()


# ---------------------------------------------------------------------------- documentation


def _commandes_documentees(texte: str) -> set[str]:
    """Les commandes citées en tête d'une ligne de tableau Markdown (« | `archiver …` | »)."""
    noms: set[str] = set()
    for ligne in texte.splitlines():
        if ligne.startswith("|"):
            noms.update(re.findall(r"`([a-z][a-z-]*)", ligne.split("|")[1]))
    return noms


@pytest.mark.parametrize("document", ["docs/specs/commandes.md", "README.md"])
def test_chaque_commande_est_documentee(document: str) -> None:
    documentees = _commandes_documentees((RACINE / document).read_text(encoding="utf-8"))
    manquantes = sorted(set(cli.commands) - documentees)
    assert not manquantes, f"commande(s) absente(s) du tableau des commandes de {document}"


def test_recolter_ne_modifie_jamais_le_registre_d_exemple(projet: Path) -> None:
    exemple = projet / "donnees" / "registre_exemple.xlsx"
    avant = exemple.read_bytes()
    code, sortie = invoquer("recolter", "--au", AU, "--ajouter-au-registre")
    assert code == 2
    assert "le registre d'exemple livré n'est jamais modifié" in sortie
    assert exemple.read_bytes() == avant
    assert not list(exemple.parent.glob("*.sauvegarde.xlsx"))
