"""Le dossier de campagne produit sur le registre d'exemple : documents lus avec python-docx."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import charger_generateur
from docx import Document

from pipeline.config import charger_parametres
from pipeline.documents import compter_documents, generer_campagne
from pipeline.fichiers import nom_dossier_salarie
from pipeline.planning import planifier
from pipeline.registre import lire_registre
from pipeline.regles import calculer_obligations, lister_echeances

RACINE = Path(__file__).resolve().parent.parent
AU = date(2026, 11, 27)
# En régime 2025, aucun état des lieux à 8 ans n'est dû avant le 26/10/2027 (regles.md v2) :
# ses documents se vérifient sur un registre d'exemple généré pour une date plus tardive.
AU_EDL = date(2028, 11, 27)
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre")  # fmt: skip


@pytest.fixture(scope="module")
def registre():
    return lire_registre(RACINE / "donnees" / "registre_exemple.xlsx")


@pytest.fixture(scope="module")
def registre_edl(tmp_path_factory):
    chemin = tmp_path_factory.mktemp("exemple_edl") / "registre.xlsx"
    assert charger_generateur().main(["--au", AU_EDL.isoformat(), "--sortie", str(chemin)]) == 0
    return lire_registre(chemin)


def _preparer(registre, effectif: int = 120, au: date = AU):
    parametres = charger_parametres(RACINE / "donnees" / "parametres.toml")
    parametres = dataclasses.replace(
        parametres, entreprise=dataclasses.replace(parametres.entreprise, effectif=effectif)
    )
    obligations = calculer_obligations(registre, au, parametres.regles, effectif)
    echeances = lister_echeances(obligations, registre)
    planning = planifier(echeances, registre, parametres, au)
    return parametres, echeances, planning


def _generer(registre, dossier: Path, effectif: int = 120, au: date = AU, **options):
    parametres, echeances, planning = _preparer(registre, effectif, au)
    bilan = generer_campagne(registre, echeances, planning, parametres, au, dossier, **options)
    return bilan, echeances, planning


def textes(chemin: Path) -> str:
    """Tout le texte visible : corps, tableaux (y compris imbriqués), en-têtes, pieds."""
    document = Document(str(chemin))
    morceaux = [p.text for p in document.paragraphs]
    for table in document.tables:
        for ligne in table.rows:
            morceaux.extend(c.text for c in ligne.cells)
    for section in document.sections:
        for partie in (section.header, section.footer):
            morceaux.extend(p.text for p in partie.paragraphs)
            for table in partie.tables:
                for ligne in table.rows:
                    morceaux.extend(c.text for c in ligne.cells)
    return "\n".join(morceaux)


@pytest.fixture(scope="module")
def campagne(registre, tmp_path_factory):
    dossier = tmp_path_factory.mktemp("campagne") / "2026-11-27"
    bilan, echeances, planning = _generer(registre, dossier, jobs=2)
    return dossier, bilan, echeances, planning


def test_un_dossier_par_salarie_planifie(campagne, registre) -> None:
    dossier, bilan, echeances, planning = campagne
    assert len(planning.entretiens) > 10
    attendus = {
        nom_dossier_salarie(s.matricule, s.nom, s.prenom)
        for s in registre.salaries.itertuples()
        if s.matricule in set(planning.entretiens["matricule"])
    }
    assert {d.name for d in (dossier / "salaries").iterdir()} == attendus
    assert bilan.crees == compter_documents(planning)
    assert bilan.conserves == 0


def _etats_des_lieux_seulement_s_ils_sont_dus(dossier: Path, echeances) -> set[str]:
    dus = set(echeances.loc[echeances["type"] == "etat_des_lieux", "matricule"])
    for sous_dossier in (dossier / "salaries").iterdir():
        matricule = sous_dossier.name.split("_")[0]
        present = (sous_dossier / "etat_des_lieux.docx").exists()
        assert present == (matricule in dus), sous_dossier.name
    return dus


def test_etat_des_lieux_seulement_s_il_est_du(campagne, registre_edl, tmp_path) -> None:
    dossier, _, echeances, _ = campagne
    # Le 27/11/2026, aucun : le cycle de 8 ans repart des états des lieux des 6 ans échus
    # avant la réforme (la version 1 des règles en montrait, avec de faux abondements).
    assert not _etats_des_lieux_seulement_s_ils_sont_dus(dossier, echeances)
    _, echeances, _ = _generer(registre_edl, tmp_path / "c", au=AU_EDL)
    dus = _etats_des_lieux_seulement_s_ils_sont_dus(tmp_path / "c", echeances)
    assert dus, "l'exemple du 27/11/2028 doit contenir des états des lieux dus"


def test_contenu_des_documents_du_salarie(campagne, registre) -> None:
    dossier, _, echeances, planning = campagne
    salaries = registre.salaries.set_index("matricule")
    for entretien in planning.entretiens.itertuples():
        salarie = salaries.loc[entretien.matricule]
        sous_dossier = (
            dossier
            / "salaries"
            / nom_dossier_salarie(entretien.matricule, salarie["nom"], salarie["prenom"])
        )
        jour = entretien.date.date()
        date_longue = f"{jour.day if jour.day > 1 else '1er'} {MOIS[jour.month - 1]} {jour.year}"
        motifs = echeances.loc[echeances["matricule"] == entretien.matricule, "motif"]
        for document in sous_dossier.glob("*.docx"):
            texte = textes(document)
            for balise in ("{{", "}}", "{%", "%}"):
                assert balise not in texte, f"{document.name} : {balise} restant"
            assert salarie["nom"] in texte and salarie["prenom"] in texte, document.name
        convocation = textes(sous_dossier / "convocation.docx")
        assert date_longue in convocation
        heures, minutes = entretien.heure.split(":")
        assert f"{int(heures)} h {minutes}" in convocation
        assert entretien.lieu in convocation
        assert "pas d'un entretien d'évaluation" in convocation
        assert "entretien de parcours professionnel" in convocation
        compte_rendu = textes(sous_dossier / "compte_rendu.docx")
        # Le calcul (motif de l'échéance) n'est pas pour le salarié : il est dans la fiche
        # de son conducteur, document interne.
        fiches = "\n".join(textes(f) for f in (dossier / "managers").glob("*.docx"))
        for motif in motifs:
            assert motif not in compte_rendu and motif not in convocation
            assert motif in fiches
        for mention in ("CPF", "moncompteformation.gouv.fr", "CEP", "VAE", "Information délivrée"):
            assert mention in compte_rendu, mention
        copie = {"M.": "au salarié", "Mme": "à la salariée"}.get(
            salarie["civilite"], "à la personne salariée"
        )
        assert f"Copie remise {copie} le" in compte_rendu


def test_accents_et_caracteres_speciaux_tels_quels(campagne, registre) -> None:
    dossier, _, _, planning = campagne
    planifies = registre.salaries[
        registre.salaries["matricule"].isin(planning.entretiens["matricule"])
    ]
    speciaux = planifies[planifies["poste"].str.contains("&")]
    assert len(speciaux), "l'exemple doit contenir un poste avec « & » parmi les convoqués"
    for s in speciaux.itertuples():
        sous_dossier = dossier / "salaries" / nom_dossier_salarie(s.matricule, s.nom, s.prenom)
        texte = textes(sous_dossier / "compte_rendu.docx")
        assert s.poste in texte
        assert "&amp;" not in texte


def test_fiches_des_conducteurs(campagne) -> None:
    dossier, _, _, planning = campagne
    fiches = list((dossier / "managers").glob("*.docx"))
    assert len(fiches) == planning.entretiens["conducteur"].nunique()
    tout = "\n".join(textes(f) for f in fiches)
    for entretien in planning.entretiens.itertuples():
        assert entretien.nom in tout
    for etape in ("Accueillir", "Situer", "écoute active", "Conclure", "Informer"):
        assert etape in tout, etape


def test_manifeste_exact(campagne) -> None:
    dossier, *_ = campagne
    with open(dossier / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
        lignes = list(csv.DictReader(f, delimiter=";"))
    fichiers = {p.relative_to(dossier).as_posix() for p in dossier.rglob("*") if p.is_file()}
    assert {ligne["chemin"] for ligne in lignes} == fichiers - {"manifeste.csv"}
    for ligne in lignes:
        contenu = (dossier / ligne["chemin"]).read_bytes()
        assert ligne["sha256"] == hashlib.sha256(contenu).hexdigest()
        assert int(ligne["taille"]) == len(contenu)
        if ligne["chemin"].startswith("salaries/"):
            assert ligne["chemin"].split("/")[1].startswith(ligne["matricule"] + "_")
            assert ligne["type_document"] == Path(ligne["chemin"]).stem


@pytest.mark.parametrize("effectif", [49, 50])
def test_abondement_selon_effectif(registre_edl, tmp_path: Path, effectif: int) -> None:
    """Le moteur dit l'abondement dû à partir de 50 salariés ; l'état des lieux remis au
    salarié en donne la règle selon l'effectif et l'issue à cocher, jamais le verdict."""
    # Le salarié exposé quand l'entreprise compte 120 salariés.
    _, echeances_120, _ = _preparer(registre_edl, 120, AU_EDL)
    exposes_120 = echeances_120[
        (echeances_120["type"] == "etat_des_lieux")
        & (echeances_120["abondement_correctif"].fillna(False).astype(bool))
    ]
    matricule = sorted(exposes_120["matricule"])[0]
    _, echeances, _ = _generer(registre_edl, tmp_path / "c", effectif=effectif, au=AU_EDL)
    exposes = echeances[
        (echeances["type"] == "etat_des_lieux")
        & (echeances["abondement_correctif"].fillna(False).astype(bool))
    ]
    assert exposes.empty is (effectif < 50)
    if effectif >= 50:
        assert all("abondement correctif dû" in m for m in exposes["motif"])
    exemple = registre_edl.salaries.set_index("matricule").loc[matricule]
    document = (
        tmp_path
        / "c"
        / "salaries"
        / nom_dossier_salarie(matricule, exemple["nom"], exemple["prenom"])
        / "etat_des_lieux.docx"
    )
    texte = textes(document).replace("\u00a0", " ")
    assert ("Issue constatée" in texte) is (effectif >= 50)
    assert f"L'entreprise compte {effectif} salariés" in texte
    assert ("Un abondement correctif de 3 000 € est dû" in texte) is (effectif >= 50)
    for verdict in ("est dû sur", "entretien(s) sur", "à verser au CPF"):
        assert verdict not in texte, verdict


def test_interruption_puis_relance(registre, tmp_path: Path) -> None:
    dossier = tmp_path / "c"
    faits = []

    def couper(n: int) -> None:
        faits.append(n)
        if len(faits) == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _generer(registre, dossier, jobs=1, progression=couper)
    assert not list(dossier.rglob("*.tmp")), "fichier temporaire laissé"
    partiels = {p: p.read_bytes() for p in dossier.rglob("*.docx")}
    assert 0 < len(partiels) < 30

    bilan, _, planning = _generer(registre, dossier, jobs=1)
    assert bilan.conserves == len(partiels)
    assert bilan.crees == compter_documents(planning) - len(partiels)
    # Les documents déjà écrits n'ont pas été touchés.
    assert all(p.read_bytes() == contenu for p, contenu in partiels.items())

    reference = tmp_path / "r"
    _generer(registre, reference, jobs=1)
    produits = {p.relative_to(dossier) for p in dossier.rglob("*.docx")}
    assert produits == {p.relative_to(reference) for p in reference.rglob("*.docx")}


def test_trouver_campagne(tmp_path: Path) -> None:
    import os

    from pipeline.campagne import trouver_campagne
    from pipeline.erreurs import ErreurEntretiens

    with pytest.raises(ErreurEntretiens) as exc:
        trouver_campagne(tmp_path, "2026-11-27")
    assert exc.value.anomalies[0].code == "campagne-introuvable"
    for nom, age in (("2026-10-30", 200), ("2026-11-27", 100), ("essai", 0)):
        (tmp_path / nom).mkdir()
        if nom != "essai":  # un dossier sans planning n'est pas une campagne
            (tmp_path / nom / "planning.xlsx").write_bytes(b"x")
        os.utime(tmp_path / nom, (1_800_000_000 - age, 1_800_000_000 - age))
    assert trouver_campagne(tmp_path, "2026-10-30").name == "2026-10-30"
    # Le lendemain, la campagne du jour n'existe pas : on prend la plus récente.
    assert trouver_campagne(tmp_path, "2026-11-28").name == "2026-11-27"
    with pytest.raises(ErreurEntretiens):
        trouver_campagne(tmp_path, "2026-11-28", explicite=True)


def _fiches(conducteurs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(nom affiché, matricule) -> nom de la fiche, pour ces conducteurs (registre fictif)."""
    import pandas as pd

    from pipeline.documents import _conducteurs

    entretiens = pd.DataFrame(
        {
            "conducteur": [c for c, _ in conducteurs],
            "matricule_conducteur": [m for _, m in conducteurs],
        }
    )
    identites = {"M1": ("Dupont", "Jean"), "M2": ("Dupont", "Jean"), "00036": ("Martin", "Claire")}
    registre = SimpleNamespace(
        salaries=pd.DataFrame(
            [(m, n, p) for m, (n, p) in identites.items()], columns=["matricule", "nom", "prenom"]
        )
    )
    return {(c, m): fiche for c, m, fiche, _ in _conducteurs(entretiens, registre)}


def test_fiche_d_un_conducteur_nommee_comme_la_spec_et_homonymes_departages() -> None:
    # commandes.md : managers/<NOM>_<Prénom>.docx.
    seuls = _fiches([("Jean DUPONT", "M1"), ("Claire Martin", "")])
    assert seuls == {
        ("Jean DUPONT", "M1"): "DUPONT_Jean",
        ("Claire Martin", ""): "MARTIN_Claire",  # la signataire RH, sans matricule
    }
    # Un homonyme de chacun devient conducteur : chacun est départagé par son matricule.
    homonymes = _fiches([*seuls, ("Jean DUPONT", "M2"), ("Claire MARTIN", "00036")])
    assert homonymes[("Jean DUPONT", "M1")] == "DUPONT_Jean_M1"
    assert homonymes[("Jean DUPONT", "M2")] == "DUPONT_Jean_M2"
    assert homonymes[("Claire MARTIN", "00036")] == "MARTIN_Claire_00036"
    assert homonymes[("Claire Martin", "")] == "MARTIN_Claire"
    # Deux graphies d'un conducteur sans matricule (planning corrigé à la main) : des
    # fiches distinctes, même sans tenir compte de la casse (Windows, macOS).
    graphies = _fiches([*homonymes, ("CLAIRE MARTIN", "")])
    assert len({f.casefold() for f in graphies.values()}) == len(graphies) == 5
