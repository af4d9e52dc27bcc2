"""Relance d'une campagne après un changement de planning ou de registre.

Chaque document porte dans le manifeste l'empreinte de ses données : inchangé → conservé
sans être relu ; changé et jamais retouché → régénéré (ancienne version gardée) ; changé
mais modifié à la main → conservé et signalé périmé, et le publipostage refuse de l'envoyer.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

import pipeline.documents
import pipeline.fichiers
import pipeline.rendu_parallele
from pipeline.config import charger_parametres
from pipeline.contexte import iterer_contextes_conducteurs
from pipeline.documents import compter_documents, generer_campagne
from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import anciennes_versions, est_ancienne_version
from pipeline.planning import Planning, planifier
from pipeline.publipostage import preparer_publipostage
from pipeline.registre import lire_registre
from pipeline.regles import calculer_obligations, lister_echeances

RACINE = Path(__file__).resolve().parent.parent
AU = date(2026, 11, 27)
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre")  # fmt: skip


def textes(chemin: Path) -> str:
    document = Document(str(chemin))
    morceaux = [p.text for p in document.paragraphs]
    for table in document.tables:
        for ligne in table.rows:
            morceaux.extend(c.text for c in ligne.cells)
    return "\n".join(morceaux)


def manifeste(dossier: Path) -> dict[str, dict[str, str]]:
    with open(dossier / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
        return {ligne["chemin"]: ligne for ligne in csv.DictReader(f, delimiter=";")}


def contenus(dossier: Path) -> dict[str, bytes]:
    return {p.relative_to(dossier).as_posix(): p.read_bytes() for p in dossier.rglob("*.docx")}


@pytest.fixture(scope="module")
def exemple():
    registre = lire_registre(RACINE / "donnees" / "registre_exemple.xlsx")
    parametres = charger_parametres(RACINE / "donnees" / "parametres.toml")
    obligations = calculer_obligations(registre, AU, parametres.regles, 120)
    echeances = lister_echeances(obligations, registre)
    planning = planifier(echeances, registre, parametres, AU)
    return registre, parametres, echeances, planning


def generer(exemple, dossier: Path, planning: Planning | None = None, **options):
    registre, parametres, echeances, planning_initial = exemple
    planning = planning or planning_initial
    return generer_campagne(registre, echeances, planning, parametres, AU, dossier, **options)


@pytest.fixture(scope="module")
def modele_campagne(exemple, tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("modele") / "campagne"
    generer(exemple, dossier, jobs=2)
    return dossier


@pytest.fixture
def campagne(modele_campagne: Path, tmp_path: Path) -> Path:
    """Une copie fraîche de la campagne générée (la génération n'est faite qu'une fois)."""
    return Path(shutil.copytree(modele_campagne, tmp_path / "campagne"))


def deplacer(planning: Planning, matricule: str) -> tuple[Planning, date]:
    """L'entretien de `matricule` déplacé d'une semaine, à 15 h 30 (comme le ferait la RH)."""
    entretiens = planning.entretiens.copy()
    ligne = entretiens.index[entretiens["matricule"] == matricule][0]
    nouveau = (entretiens.at[ligne, "date"] + pd.Timedelta(days=7)).date()
    entretiens.at[ligne, "date"] = pd.Timestamp(nouveau)
    entretiens.at[ligne, "heure"] = "15:30"
    entretiens.at[ligne, "fin"] = "17:00"
    return dataclasses.replace(planning, entretiens=entretiens), nouveau


def date_fr(jour: date) -> str:
    return f"{jour.day} {MOIS[jour.month - 1]} {jour.year}"


def documents_de(dossier: Path, matricule: str, planning: Planning) -> set[str]:
    """Les documents du salarié et la fiche de son conducteur, d'après le manifeste."""
    conducteur = planning.entretiens.set_index("matricule").at[matricule, "matricule_conducteur"]
    return {
        chemin
        for chemin, ligne in manifeste(dossier).items()
        if (ligne["matricule"] == matricule and chemin.startswith("salaries/"))
        or (ligne["type_document"] == "fiche_conducteur" and ligne["matricule"] == conducteur)
    }


def test_relance_sans_changement_ne_relit_rien(exemple, campagne: Path, monkeypatch) -> None:
    avant_contenus, avant_manifeste = contenus(campagne), manifeste(campagne)
    assert all(len(ligne["empreinte_contexte"]) == 64 for ligne in avant_manifeste.values()
               if ligne["chemin"].endswith(".docx"))  # fmt: skip
    lus: list[Path] = []
    original = pipeline.fichiers.sha256_fichier

    def compter(chemin):
        lus.append(Path(chemin))
        return original(chemin)

    for module in (pipeline.fichiers, pipeline.rendu_parallele, pipeline.documents):
        monkeypatch.setattr(module, "sha256_fichier", compter)
    bilan = generer(exemple, campagne, jobs=1)

    # Seuls les modèles (quelques Ko) et les deux tableurs sont relus, aucun document.
    assert not [p for p in lus if campagne in p.parents and p.suffix == ".docx"]
    assert bilan.conserves == compter_documents(exemple[3]) == len(avant_contenus)
    assert (bilan.crees, bilan.remplaces, bilan.mis_a_jour, bilan.perimes) == (0, 0, 0, [])
    assert contenus(campagne) == avant_contenus
    apres = manifeste(campagne)
    assert {c: (x["sha256"], x["empreinte_contexte"]) for c, x in apres.items()} == {
        c: (x["sha256"], x["empreinte_contexte"]) for c, x in avant_manifeste.items()
    }
    assert not list(campagne.rglob("anciennes_versions"))


def test_entretien_deplace_documents_mis_a_jour(exemple, campagne: Path) -> None:
    planning = exemple[3]
    matricule = planning.entretiens["matricule"].iloc[0]
    concernes = documents_de(campagne, matricule, planning)
    assert {Path(c).stem for c in concernes} >= {"convocation", "support_preparation",
                                                 "compte_rendu"}  # fmt: skip
    assert any(c.startswith("managers/") for c in concernes)
    avant = contenus(campagne)
    deplace, nouveau = deplacer(planning, matricule)
    assert date_fr(nouveau) not in textes(campagne / next(c for c in concernes if "convoc" in c))

    bilan = generer(exemple, campagne, planning=deplace, jobs=2)

    assert bilan.mis_a_jour == len(concernes)
    assert bilan.conserves == len(avant) - len(concernes)
    assert (bilan.crees, bilan.remplaces, bilan.perimes) == (0, 0, [])
    apres = contenus(campagne)
    changes = {c for c in avant if apres[c] != avant[c]}
    assert changes == concernes
    for chemin in concernes:
        # L'ancienne version est gardée à part, octet pour octet.
        cible = campagne / chemin
        anciens = anciennes_versions(cible)
        assert [a.read_bytes() for a in anciens] == [avant[chemin]]
    convocation = next(c for c in concernes if c.endswith("convocation.docx"))
    texte = textes(campagne / convocation)
    assert date_fr(nouveau) in texte and "15 h 30" in texte.replace("15h30", "15 h 30")
    fiche = next(c for c in concernes if c.startswith("managers/"))
    assert date_fr(nouveau) in textes(campagne / fiche)
    lignes = manifeste(campagne)
    for chemin in concernes:
        contenu = (campagne / chemin).read_bytes()
        assert lignes[chemin]["sha256"] == hashlib.sha256(contenu).hexdigest()
        assert lignes[chemin]["perime"] == ""


def test_anciennes_versions_a_part_jusque_dans_l_archive(exemple, campagne: Path) -> None:
    """Après une relance qui met à jour des documents, le dossier du salarié ne montre que
    ses documents actuels ; les anciennes versions sont dans `anciennes_versions/`, ni
    « hors planning » ni actuelles, et l'archive les garde à part, vérifiable."""
    from pipeline.archive import archiver, verifier_archive

    registre, parametres, _, planning = exemple
    matricule = planning.entretiens["matricule"].iloc[0]
    dossier = campagne / next(
        c for c in documents_de(campagne, matricule, planning) if c.startswith("salaries/")
    )
    dossier = dossier.parent
    actuels = sorted(p.name for p in dossier.iterdir())
    deplace, _ = deplacer(planning, matricule)
    bilan = generer(exemple, campagne, planning=deplace, jobs=1)

    assert bilan.orphelins == []
    assert sorted(p.name for p in dossier.iterdir()) == sorted([*actuels, "anciennes_versions"])
    gardes = sorted(p.name.split(".")[0] for p in (dossier / "anciennes_versions").iterdir())
    assert gardes == sorted(Path(n).stem for n in actuels)
    fiches = campagne / "managers"
    assert all(p.suffix == ".docx" for p in fiches.iterdir() if p.is_file())
    assert list((fiches / "anciennes_versions").iterdir())
    assert not [c for c in manifeste(campagne) if "anciennes_versions" in c]

    source = RACINE / "donnees" / "registre_exemple.xlsx"
    resultat = archiver(campagne, source, None, campagne.parent / "archives")
    rapport = verifier_archive(resultat.chemin_zip)
    assert rapport.ok, rapport.lignes()
    index = resultat.chemin_zip.parent / "index.csv"
    with open(index, encoding="utf-8-sig", newline="") as f:
        lignes = [ligne for ligne in csv.reader(f, delimiter=";")][1:]
    types = {ligne[3].split("/", 1)[1]: ligne[2] for ligne in lignes if ligne[0] == matricule}
    anciens = {c: t for c, t in types.items() if "/anciennes_versions/" in c}
    assert anciens and all(t.endswith(" (ancienne version)") for t in anciens.values())
    actuels_archives = {c: t for c, t in types.items() if c not in anciens}
    assert sorted(actuels_archives.values()) == sorted(Path(n).stem for n in actuels)


def test_document_modifie_a_la_main_garde_et_signale(exemple, campagne: Path) -> None:
    planning = exemple[3]
    matricule = planning.entretiens["matricule"].iloc[1]
    concernes = documents_de(campagne, matricule, planning)
    compte_rendu = campagne / next(c for c in concernes if c.endswith("compte_rendu.docx"))
    document = Document(str(compte_rendu))
    document.add_paragraph("Signé par le salarié le 1er décembre.")
    document.save(str(compte_rendu))
    signe = compte_rendu.read_bytes()
    deplace, nouveau = deplacer(planning, matricule)

    bilan = generer(exemple, campagne, planning=deplace, jobs=1)

    relatif = compte_rendu.relative_to(campagne).as_posix()
    assert compte_rendu.read_bytes() == signe
    assert not anciennes_versions(compte_rendu)
    assert [tuple(p) for p in bilan.perimes] == [(matricule, "compte_rendu", relatif)]
    assert bilan.mis_a_jour == len(concernes) - 1
    assert date_fr(nouveau) in textes(compte_rendu.parent / "convocation.docx")
    lignes = manifeste(campagne)
    assert lignes[relatif]["perime"] == "oui"
    assert [c for c, x in lignes.items() if x["perime"]] == [relatif]

    # Toujours signalé à la relance suivante, tant qu'il n'est pas régénéré…
    bilan = generer(exemple, campagne, planning=deplace, jobs=1)
    assert [tuple(p) for p in bilan.perimes] == [(matricule, "compte_rendu", relatif)]
    assert bilan.mis_a_jour == 0 and compte_rendu.read_bytes() == signe
    # … et --remplacer le régénère en gardant la version signée.
    bilan = generer(exemple, campagne, planning=deplace, jobs=1, remplacer=True)
    assert bilan.perimes == [] and manifeste(campagne)[relatif]["perime"] == ""
    anciens = anciennes_versions(compte_rendu)
    assert [a.read_bytes() for a in anciens] == [signe]


def test_publipostage_refuse_une_convocation_perimee(exemple, campagne: Path) -> None:
    registre, parametres, _, planning = exemple
    matricule = planning.entretiens["matricule"].iloc[2]
    convocation = campagne / next(
        c for c in documents_de(campagne, matricule, planning) if c.endswith("convocation.docx")
    )
    document = Document(str(convocation))
    document.add_paragraph("Merci de venir avec votre badge.")
    document.save(str(convocation))
    deplace, _ = deplacer(planning, matricule)
    generer(exemple, campagne, planning=deplace, jobs=1)

    with pytest.raises(ErreurEntretiens) as erreur:
        preparer_publipostage(campagne, deplace.entretiens, registre.salaries, parametres)
    codes = [a.code for a in erreur.value.anomalies]
    assert codes == ["convocation-perimee"]
    message = erreur.value.anomalies[0].message
    assert matricule in message and "Renommez ou déplacez ce fichier" in message
    assert not (campagne / "publipostage").exists()


def test_managers_homonymes_et_signataire(exemple, tmp_path: Path) -> None:
    registre, parametres, echeances, planning = exemple
    entretiens = planning.entretiens
    # Deux managers réels renommés « Jean DUPONT » dans le registre et le planning,
    # Claire MARTIN (manager, responsable RH) et la signataire RH « Claire Martin » (sans
    # matricule). Les matricules viennent du registre d'exemple, régénéré de temps en temps.
    salaries = registre.salaries.copy()
    (claire,) = salaries.loc[(salaries["nom"] == "Martin") & (salaries["prenom"] == "Claire"),
                             "matricule"]  # fmt: skip
    conducteurs = sorted(set(entretiens["matricule_conducteur"]) - {"", claire})
    m1, m2 = conducteurs[-1], conducteurs[0]
    salaries.loc[salaries["matricule"].isin([m1, m2]), ["nom", "prenom"]] = ["Dupont", "Jean"]
    registre = dataclasses.replace(registre, salaries=salaries)
    garder = entretiens["matricule_conducteur"].isin([m1, m2, claire])
    sous = entretiens[garder].copy()
    sous.loc[sous["matricule_conducteur"].isin([m1, m2]), "conducteur"] = "Jean DUPONT"
    rh = entretiens[~garder].iloc[:2].copy()
    rh["conducteur"], rh["matricule_conducteur"] = "Claire Martin", ""
    sous = pd.concat([sous, rh], ignore_index=True)
    planning = dataclasses.replace(planning, entretiens=sous)

    dossier = tmp_path / "c"
    bilan = generer_campagne(registre, echeances, planning, parametres, AU, dossier)

    fiches = sorted(p.name for p in (dossier / "managers").iterdir())
    assert fiches == sorted(
        [f"DUPONT_Jean_{m1}.docx", f"DUPONT_Jean_{m2}.docx", "MARTIN_Claire.docx",
         f"MARTIN_Claire_{claire}.docx"]
    )  # fmt: skip
    assert bilan.crees == compter_documents(planning) == len(contenus(dossier))
    for fichier, lignes in (
        (f"DUPONT_Jean_{m1}.docx", sous[sous["matricule_conducteur"] == m1]),
        (f"DUPONT_Jean_{m2}.docx", sous[sous["matricule_conducteur"] == m2]),
        ("MARTIN_Claire.docx", rh),
    ):
        texte = textes(dossier / "managers" / fichier)
        equipe = {f"{p} {n}" for p, n in zip(lignes["prenom"], lignes["nom"], strict=True)}
        autres = {f"{p} {n}" for p, n in zip(sous["prenom"], sous["nom"], strict=True)} - equipe
        assert all(nom in texte for nom in equipe), fichier
        assert not any(nom in texte for nom in autres), fichier
    lignes = manifeste(dossier)
    assert lignes[f"managers/DUPONT_Jean_{m2}.docx"]["matricule"] == m2
    fiches = list(iterer_contextes_conducteurs(sous, parametres, AU))
    assert [nom for nom, _ in fiches].count("Jean DUPONT") == 2
    assert sorted(c["nombre_entretiens"] for n, c in fiches if n == "Jean DUPONT") == sorted(
        int((sous["matricule_conducteur"] == m).sum()) for m in (m1, m2)
    )
    assert lignes["managers/MARTIN_Claire.docx"]["matricule"] == ""


def test_ancien_manifeste_sans_empreintes(exemple, campagne: Path) -> None:
    """Campagne produite avant les empreintes, et entretien déplacé entre-temps."""
    chemin = campagne / "manifeste.csv"
    texte = chemin.read_text(encoding="utf-8-sig").splitlines()
    colonnes = texte[0].split(";").index("empreinte_contexte")
    chemin.write_text(
        "\r\n".join(";".join(x.split(";")[:colonnes]) for x in texte) + "\r\n",
        encoding="utf-8-sig",
    )
    avant = contenus(campagne)
    planning = exemple[3]
    matricule = planning.entretiens["matricule"].iloc[0]
    concernes = documents_de(campagne, matricule, planning)
    deplace, _ = deplacer(planning, matricule)

    bilan = generer(exemple, campagne, planning=deplace, jobs=1)

    # Rien n'est régénéré en silence ; les documents identiques à ce que donneraient les
    # données actuelles reçoivent leur empreinte, les autres (périmés) restent sans.
    assert bilan.conserves == len(avant) and bilan.mis_a_jour == 0
    assert contenus(campagne) == avant
    lignes = manifeste(campagne)
    sans = {c for c, x in lignes.items() if c.endswith(".docx") and not x["empreinte_contexte"]}
    assert sans == concernes


def test_convocations_refaites_listees_et_pdf_sans_anciennes_versions(exemple, campagne) -> None:
    from pipeline.campagne import documents_word

    planning = exemple[3]
    matricule = planning.entretiens["matricule"].iloc[0]
    deplace, _ = deplacer(planning, matricule)
    bilan = generer(exemple, campagne, planning=deplace, jobs=1)
    types = {d.type_document for d in bilan.mises_a_jour if d.matricule == matricule}
    assert types >= {"convocation", "support_preparation", "compte_rendu"}
    assert any(d.chemin.endswith("convocation.docx") for d in bilan.mises_a_jour)
    # La liste à convertir en PDF : les documents actuels, jamais les anciennes versions.
    liste = documents_word(campagne)
    assert liste and not [p for p in liste if "anciennes_versions" in p.parts]
    tous = set(campagne.rglob("*.docx"))
    sur_disque = {p for p in tous if not est_ancienne_version(p.relative_to(campagne))}
    assert set(liste) == sur_disque and sur_disque != tous


def test_echeances_xlsx_suit_le_registre(exemple, campagne) -> None:
    import openpyxl

    registre, parametres, echeances, planning = exemple
    moins_un = echeances.iloc[1:]
    generer_campagne(registre, moins_un, planning, parametres, AU, campagne)
    lignes = list(openpyxl.load_workbook(campagne / "echeances.xlsx").active.values)
    assert len(lignes) - 1 == len(moins_un)
    assert anciennes_versions(campagne / "echeances.xlsx"), "l'ancienne liste est gardée"
    # Relance identique : rien n'est réécrit.
    generer_campagne(registre, moins_un, planning, parametres, AU, campagne)
    assert len(anciennes_versions(campagne / "echeances.xlsx")) == 1


def test_salarie_retire_du_planning_signale(exemple, campagne) -> None:
    registre, parametres, echeances, planning = exemple
    retire = planning.entretiens.iloc[0]
    reduit = dataclasses.replace(planning, entretiens=planning.entretiens.iloc[1:])
    bilan = generer_campagne(registre, echeances, reduit, parametres, AU, campagne)
    assert len(bilan.orphelins) == 1
    assert bilan.orphelins[0].startswith(f"{retire['matricule']}_")
    assert (campagne / "salaries" / bilan.orphelins[0] / "convocation.docx").exists()


def test_relance_sans_changement_decidee_sans_construire_un_contexte(
    exemple, campagne: Path, monkeypatch
) -> None:
    def interdit(*_arguments, **_options):
        raise AssertionError("un contexte a été construit pour une relance sans changement")

    avant = manifeste(campagne)
    monkeypatch.setattr(pipeline.documents.ContextesSalaries, "contexte", interdit)
    monkeypatch.setattr(pipeline.documents, "contexte_conducteur", interdit)
    bilan = generer(exemple, campagne, jobs=1)
    assert bilan.conserves == compter_documents(exemple[3])
    assert manifeste(campagne) == avant

    # Un document supprimé : la décision se reprend document par document, et lui seul
    # est refait, identique.
    monkeypatch.undo()
    supprime = next(c for c in avant if c.endswith("support_preparation.docx"))
    contenu = (campagne / supprime).read_bytes()
    (campagne / supprime).unlink()
    bilan = generer(exemple, campagne, jobs=1)
    assert (bilan.crees, bilan.conserves) == (1, compter_documents(exemple[3]) - 1)
    assert (campagne / supprime).read_bytes() == contenu


def actuels(dossier: Path) -> dict[str, bytes]:
    """Les documents actuels (sans les anciennes versions), par chemin."""
    return {c: octets for c, octets in contenus(dossier).items() if not est_ancienne_version(c)}


def _changer(
    exemple, changement: str, campagne: Path, tmp_path: Path
) -> tuple[tuple, date, dict, set[str]]:
    """(exemple changé, date, options de generer_campagne, documents que le changement peut
    faire changer)."""
    registre, parametres, echeances, planning = exemple
    au, options = AU, {}
    premier = planning.entretiens["matricule"].iloc[0]
    tous = {c for c in manifeste(campagne) if c.endswith(".docx")}
    concernes = documents_de(campagne, premier, planning)
    if changement == "parametres":  # la raison sociale est sur chaque document
        entreprise = dataclasses.replace(parametres.entreprise, raison_sociale="Autre SAS")
        parametres = dataclasses.replace(parametres, entreprise=entreprise)
        concernes = tous
    elif changement == "date":  # relance le lendemain : l'historique part d'un jour plus tard
        au, concernes = AU + timedelta(days=1), tous
    elif changement == "modele":
        modeles = Path(shutil.copytree(RACINE / "modeles_word", tmp_path / "modeles"))
        document = Document(str(modeles / "convocation.docx"))
        document.paragraphs[0].add_run(" (modèle retouché)")
        document.save(str(modeles / "convocation.docx"))
        options["modeles"] = modeles
        concernes = {c for c in tous if c.endswith("/convocation.docx")}
    elif changement == "registre":  # un service corrigé : des documents de ce salarié
        salaries = registre.salaries.copy()
        salaries.loc[salaries["matricule"] == premier, "service"] = "Service corrigé"
        registre = dataclasses.replace(registre, salaries=salaries)
    else:  # planning corrigé à la main : son entretien et la fiche de son conducteur
        planning, _ = deplacer(planning, premier)
    return (registre, parametres, echeances, planning), au, options, concernes


@pytest.mark.parametrize(
    ("changement", "tous_changent"),
    [("parametres", True), ("date", False), ("modele", True), ("registre", False),
     ("planning", True)],
)  # fmt: skip
def test_relance_apres_un_changement_refait_ce_qui_a_change(
    exemple, campagne: Path, tmp_path: Path, monkeypatch, changement: str, tous_changent: bool
) -> None:
    """Ce qui ne figure pas dans les tables du registre (paramètres, date, modèle Word)
    compte aussi : jamais pris pour « rien n'a changé ». Puis, à la relance suivante,
    la décision globale reprend (aucun contexte construit) et le manifeste, inchangé,
    n'est pas réécrit."""
    change, au, options, concernes = _changer(exemple, changement, campagne, tmp_path)
    registre, parametres, echeances, planning = change
    construits: list[int] = []
    original = pipeline.documents.ContextesSalaries.contexte

    def compter(*arguments, **noms):
        construits.append(1)
        return original(*arguments, **noms)

    monkeypatch.setattr(pipeline.documents.ContextesSalaries, "contexte", compter)
    avant = actuels(campagne)
    bilan = generer_campagne(registre, echeances, planning, parametres, au, campagne, **options)
    apres = actuels(campagne)
    changes = {c for c in avant if apres[c] != avant[c]}
    mis_a_jour = {d.chemin for d in bilan.mises_a_jour}
    assert construits, "la décision a été prise sans regarder les documents"
    assert changes and changes <= mis_a_jour <= concernes
    assert changes == concernes or not tous_changent
    assert (bilan.mis_a_jour, bilan.conserves) == (len(mis_a_jour), len(avant) - len(mis_a_jour))
    assert (bilan.crees, bilan.perimes, bilan.orphelins) == (0, [], [])

    construits.clear()
    avant = (campagne / "manifeste.csv").stat()
    bilan = generer_campagne(registre, echeances, planning, parametres, au, campagne, **options)
    assert not construits and bilan.conserves == len(apres)
    apres_relance = (campagne / "manifeste.csv").stat()
    assert (apres_relance.st_ino, apres_relance.st_mtime_ns) == (avant.st_ino, avant.st_mtime_ns)


def test_relance_sans_changement_manifeste_suit_les_sources(exemple, campagne: Path) -> None:
    """Documents inchangés, mais une source figée ou un tableur a changé : le manifeste
    est réécrit, avec leurs nouvelles empreintes."""
    (campagne / "_sources").mkdir(exist_ok=True)
    (campagne / "_sources" / "parametres.toml").write_text("# autre\n", encoding="utf-8")
    bilan = generer(exemple, campagne, jobs=1)
    assert bilan.conserves == compter_documents(exemple[3])
    ligne = manifeste(campagne)["_sources/parametres.toml"]
    assert ligne["sha256"] == hashlib.sha256(b"# autre\n").hexdigest()
    (campagne / "echeances.xlsx").unlink()
    generer(exemple, campagne, jobs=1)
    ligne = manifeste(campagne)["echeances.xlsx"]
    contenu = (campagne / "echeances.xlsx").read_bytes()
    assert ligne["sha256"] == hashlib.sha256(contenu).hexdigest()
