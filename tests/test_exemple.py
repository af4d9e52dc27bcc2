"""Registre fictif livré : donnees/generer_exemple.py et donnees/registre_exemple.xlsx."""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from conftest import charger_generateur
from openpyxl import load_workbook

RACINE = Path(__file__).resolve().parent.parent
LIVRE = RACINE / "donnees" / "registre_exemple.xlsx"

# Recopiés de docs/specs/registre.md (pas du générateur) : le contrat, pas le code.
EN_TETES = {
    "Salariés": [
        "Matricule", "Civilité", "Nom", "Prénom", "Email", "Date de naissance",
        "Date d'entrée", "Date de sortie", "Poste", "Service", "Établissement",
        "Matricule manager", "Date visite mi-carrière", "Adresse", "Code postal", "Ville",
    ],
    "Entretiens": ["Matricule", "Date", "Type", "Conduit par", "Commentaire"],
    "Absences": ["Matricule", "Motif", "Date de début", "Date de fin", "Date de reprise"],
    "Formations": ["Matricule", "Intitulé", "Date", "Obligatoire", "Certifiante"],
    "Évolutions": ["Matricule", "Date", "Nature", "Commentaire"],
}  # fmt: skip
TYPES = {"premier", "periodique", "etat_des_lieux", "retour", "mi_carriere", "avant_60"}
AU = date(2026, 11, 27)
# Aujourd'hui (jour de la livraison), +6 mois, +2 ans, et des bords d'année / fin février.
DATES = [AU, date(2027, 5, 27), date(2028, 11, 27), date(2026, 12, 31), date(2029, 2, 28)]


gen = charger_generateur()


@pytest.fixture(scope="module")
def classeurs(tmp_path_factory) -> dict[date, Path]:
    dossier = tmp_path_factory.mktemp("exemples")
    chemins = {}
    for au in DATES:
        chemin = dossier / f"registre_{au.isoformat()}.xlsx"
        assert gen.main(["--au", au.isoformat(), "--sortie", str(chemin)]) == 0
        chemins[au] = chemin
    return chemins


def _valeurs(chemin: Path) -> dict[str, list[tuple]]:
    classeur = load_workbook(chemin)
    return {f.title: list(f.iter_rows(values_only=True)) for f in classeur.worksheets}


def _lignes(chemin: Path, feuille: str) -> list[dict]:
    valeurs = _valeurs(chemin)[feuille]
    return [dict(zip(valeurs[0], ligne, strict=True)) for ligne in valeurs[1:]]


def _jour(valeur) -> date | None:
    return valeur.date() if isinstance(valeur, datetime) else valeur


# --------------------------------------------------------------------------- classeur


def test_deux_generations_identiques_et_graine_prise_en_compte(tmp_path, classeurs):
    autre = tmp_path / "bis.xlsx"
    assert gen.main(["--au", AU.isoformat(), "--sortie", str(autre)]) == 0
    assert _valeurs(autre) == _valeurs(classeurs[AU])
    graine = tmp_path / "graine.xlsx"
    assert gen.main(["--au", AU.isoformat(), "--sortie", str(graine), "--graine", "7"]) == 0
    assert _valeurs(graine) != _valeurs(classeurs[AU])


@pytest.mark.parametrize("au", DATES)
def test_cinq_feuilles_avec_les_en_tetes_du_contrat(classeurs, au):
    classeur = load_workbook(classeurs[au])
    assert classeur.sheetnames == list(EN_TETES)
    for nom, en_tetes in EN_TETES.items():
        feuille = classeur[nom]
        assert [c.value for c in feuille[1]] == en_tetes
        assert all(c.font.bold for c in feuille[1])
        assert feuille.freeze_panes == "A2"
        assert feuille.auto_filter.ref == feuille.dimensions
        assert feuille.max_row > 10, f"feuille {nom} presque vide"
        assert all(feuille.column_dimensions[c].width > 8 for c in "ABC")


def test_dates_excel_au_format_francais_et_textes(classeurs):
    classeur = load_workbook(classeurs[AU])
    nb_dates = 0
    for feuille in classeur.worksheets:
        colonnes = [c.value for c in feuille[1]]
        for ligne in feuille.iter_rows(min_row=2):
            for titre, cellule in zip(colonnes, ligne, strict=True):
                if titre.startswith("Date") and cellule.value is not None:
                    assert isinstance(cellule.value, datetime), (feuille.title, cellule.coordinate)
                    assert cellule.number_format.lower() == "dd/mm/yyyy"
                    nb_dates += 1
                if titre in ("Matricule", "Matricule manager", "Code postal") and cellule.value:
                    assert cellule.data_type == "s", (feuille.title, cellule.coordinate)
    assert nb_dates > 500


def test_matricules_a_zeros_de_tete_uniques_et_references_connues(classeurs):
    for au, chemin in classeurs.items():
        salaries = _lignes(chemin, "Salariés")
        matricules = [s["Matricule"] for s in salaries]
        assert all(re.fullmatch(r"0\d{4}", m) for m in matricules), matricules
        assert len(set(matricules)) == len(matricules)
        connus = set(matricules)
        for feuille in ("Entretiens", "Absences", "Formations", "Évolutions"):
            inconnus = {ligne["Matricule"] for ligne in _lignes(chemin, feuille)} - connus
            assert not inconnus, (au, feuille, inconnus)
        par_matricule = {s["Matricule"]: s for s in salaries}
        managers = [s["Matricule manager"] for s in salaries if s["Matricule manager"]]
        assert set(managers) <= connus
        assert all(s["Matricule manager"] != s["Matricule"] for s in salaries)
        # Les managers référencés sont présents à la date de référence.
        for m in set(managers):
            sortie = _jour(par_matricule[m]["Date de sortie"])
            assert sortie is None or sortie > au
        sommets = [s for s in salaries if not s["Matricule manager"]]
        assert 1 <= len(sommets) <= 3
        assert len(set(managers)) >= 8  # un responsable par service, et des chefs d'équipe


def test_contenu_realiste(classeurs):
    chemin = classeurs[AU]
    salaries = _lignes(chemin, "Salariés")
    assert 70 <= len(salaries) <= 90
    assert len({s["Service"] for s in salaries}) >= 7
    noms = {s["Nom"] for s in salaries} | {s["Prénom"] for s in salaries}
    assert {"Lefèvre", "Béranger", "Château", "D'Artagnan"} <= noms
    assert sum(any(c in n for c in "éèêëàâäîïôöûüçÉÈ") for n in noms) > 30
    assert any("&" in s["Poste"] for s in salaries)
    emails = [s["Email"] for s in salaries if s["Email"]]
    assert 3 <= len(salaries) - len(emails) <= 8, "quelques convocations papier"
    assert all(re.fullmatch(r"[a-z0-9.-]+@exemple\.fr", e) for e in emails), emails
    assert len(set(emails)) == len(emails)
    assert all(s["Adresse"] and re.fullmatch(r"69\d{3}", s["Code postal"]) for s in salaries)
    assert {s["Civilité"] for s in salaries} == {"M.", "Mme"}
    assert any(s["Prénom"] == "Claire" and s["Nom"] == "Martin" for s in salaries)
    sorties = [_jour(s["Date de sortie"]) for s in salaries if s["Date de sortie"]]
    assert AU in sorties and any(d < AU for d in sorties)
    assert any(_jour(s["Date d'entrée"]) > AU for s in salaries), "embauche à venir"
    for s in salaries:
        naissance, entree = _jour(s["Date de naissance"]), _jour(s["Date d'entrée"])
        assert (entree - naissance).days > 18 * 365, s["Matricule"]

    motifs = {a["Motif"] for a in _lignes(chemin, "Absences")}
    assert {
        "Congé de maternité", "Congé d'adoption", "Congé parental d'éducation",
        "Temps partiel parental", "Congé de proche aidant", "Congé de soutien familial",
        "Congé sabbatique", "Mobilité volontaire sécurisée", "Arrêt longue maladie",
        "Affection de longue durée", "Mandat syndical", "Maladie", "Congés payés",
        "Congé supplémentaire de naissance", "Congé de naissance (3 jours)",
        "Congé de paternité",
    } <= motifs  # fmt: skip
    absences = _lignes(chemin, "Absences")
    assert any(not a["Date de fin"] and not a["Date de reprise"] for a in absences)
    assert any(a["Date de fin"] and not a["Date de reprise"] for a in absences)
    types = {e["Type"] for e in _lignes(chemin, "Entretiens")}
    assert {"Périodique", "Premier entretien", "État des lieux", "Retour de congé",
            "Mi-carrière", "Avant 60 ans", None} <= types  # fmt: skip
    assert any(_jour(e["Date"]) > AU for e in _lignes(chemin, "Entretiens"))
    formations = _lignes(chemin, "Formations")
    intitules = " ".join(f["Intitulé"] for f in formations)
    for mot in ("Habilitation électrique", "CACES", "Titre professionnel", "CléA", "VAE"):
        assert mot in intitules
    assert {f["Obligatoire"] for f in formations} >= {"oui", "non"}
    assert "oui" in {f["Certifiante"] for f in formations}
    natures = {v["Nature"] for v in _lignes(chemin, "Évolutions")}
    assert natures == {"salariale", "professionnelle"}


def test_fichier_livre_petit_et_conforme():
    assert LIVRE.exists(), "lancer : python donnees/generer_exemple.py --au 2026-11-27"
    assert LIVRE.stat().st_size < 100_000
    assert load_workbook(LIVRE).sheetnames == list(EN_TETES)


def test_aide_en_francais_et_date_invalide(capsys):
    with pytest.raises(SystemExit) as sortie:
        gen.main(["--help"])
    assert sortie.value.code == 0
    aide = capsys.readouterr().out
    assert "date de référence" in aide and "affiche cette aide" in aide
    with pytest.raises(SystemExit) as sortie:
        gen.main(["--au", "27/11/2026"])
    assert sortie.value.code == 2
    assert "date invalide « 27/11/2026 » : attendu AAAA-MM-JJ" in capsys.readouterr().err


def test_date_ancienne_sans_echec(tmp_path):
    # Avant la loi de 2025 certaines situations n'existent pas : elles sont omises, sans erreur.
    chemin = tmp_path / "ancien.xlsx"
    assert gen.main(["--au", "2025-06-01", "--sortie", str(chemin)]) == 0
    assert len(_lignes(chemin, "Salariés")) > 70


# --------------------------------------------------------------------------- avec le moteur


def _dues(echeances) -> dict[str, dict[str, str]]:
    dues: dict[str, dict[str, str]] = defaultdict(dict)
    for ligne in echeances.itertuples():
        if dues[ligne.matricule].get(ligne.type) != "en_retard":
            dues[ligne.matricule][ligne.type] = ligne.statut
    return dict(dues)


# regles.md v2 §3.2 : aucun état des lieux à 8 ans n'est dû avant le 26/10/2027.
PREMIER_ETAT_DES_LIEUX = date(2027, 10, 26)


def _verifier_liste(echeances, exemple) -> None:
    edl_possible = exemple.au + timedelta(days=60) >= PREMIER_ETAT_DES_LIEUX
    assert set(echeances["type"]) == TYPES - (set() if edl_possible else {"etat_des_lieux"})
    assert set(echeances["statut"]) == {"en_retard", "a_planifier"}
    dues = _dues(echeances)
    assert 15 <= len(dues) <= 32, len(dues)
    # Chaque situation déclarée dans le générateur est exactement celle du moteur.
    declares = {m: a for m, a in exemple.attendus.items() if a}
    assert dues == declares
    edl = echeances[echeances["type"] == "etat_des_lieux"]
    if edl_possible:
        assert set(edl["abondement_correctif"].astype(bool)) == {True, False}
        abondements = edl.loc[edl["abondement_correctif"].astype(bool), "montant_abondement"]
        assert set(abondements) == {3000}


@pytest.mark.parametrize("au", DATES)
def test_echeances_variees_via_lire_registre(classeurs, au):
    from pipeline import regles
    from pipeline.config import Regles
    from pipeline.registre import lire_registre

    registre = lire_registre(classeurs[au])
    assert len(registre.salaries) == len(_lignes(classeurs[au], "Salariés"))
    assert registre.salaries["matricule"].str.fullmatch(r"0\d{4}").all()
    obligations = regles.calculer_obligations(registre, au, Regles(), 120, 60)
    _verifier_liste(regles.lister_echeances(obligations, registre), gen.generer(au))


@pytest.mark.parametrize("au", DATES)
def test_situations_declarees_conformes_au_moteur(au):
    """Sans passer par le classeur : les situations du générateur face à pipeline.regles."""
    import reference_regles as reference

    from pipeline import regles
    from pipeline.config import Regles

    exemple = gen.generer(au)
    p_ = exemple.personnes
    registre = reference.registre_de_test(
        salaries=[
            dict(
                matricule=p.matricule, nom=p.nom, prenom=p.prenom, service=p.service,
                matricule_manager=p.manager.matricule if p.manager else "",
                date_naissance=p.naissance, date_entree=p.entree, date_sortie=p.sortie,
                date_visite_mi_carriere=p.visite,
            )
            for p in p_
        ],
        entretiens=[dict(matricule=p.matricule, date=e.date, type=e.type)
                    for p in p_ for e in p.entretiens],
        absences=[
            dict(matricule=p.matricule, motif=a.motif, date_debut=a.debut, date_fin=a.fin,
                 date_reprise=a.reprise)
            for p in p_ for a in p.absences
        ],
        formations=[
            dict(matricule=p.matricule, intitule=f.intitule, date=f.date,
                 obligatoire=f.obligatoire.lower() in ("oui", "x"),
                 certifiante=f.certifiante == "oui")
            for p in p_ for f in p.formations
        ],
        evolutions=[dict(matricule=p.matricule, date=v.date, nature=v.nature)
                    for p in p_ for v in p.evolutions],
    )  # fmt: skip
    obligations = regles.calculer_obligations(registre, au, Regles(), 120, 60)
    _verifier_liste(regles.lister_echeances(obligations, registre), exemple)


def test_ne_remplace_pas_un_vrai_registre(tmp_path: Path) -> None:
    cible = tmp_path / "registre.xlsx"
    cible.write_bytes(b"donnees precieuses")
    assert gen.main(["--au", "2026-11-27", "--sortie", str(cible)]) == 1
    assert cible.read_bytes() == b"donnees precieuses"
    assert gen.main(["--au", "2026-11-27", "--sortie", str(cible), "--forcer"]) == 0
    assert cible.read_bytes().startswith(b"PK")


# --------------------------------------------------------------------------- règles v2


def _par_situation(exemple, registre) -> dict[str, str]:
    """Nom de situation (générateur) -> matricule, vérifié contre le classeur relu."""
    matricules = {p.situation: p.matricule for p in exemple.personnes}
    assert set(matricules.values()) <= set(registre.salaries["matricule"])
    return matricules


def _fin_trimestre_suivant(jour: date) -> date:
    """Dernier jour du trimestre civil qui suit celui de `jour` (R6323-3)."""
    trimestre = (jour.month - 1) // 3 + 1
    annee, dernier_mois = jour.year + (trimestre == 4), (trimestre % 4) * 3 + 3
    return date(annee, dernier_mois, calendar.monthrange(annee, dernier_mois)[1])


def test_fin_trimestre_suivant_du_test():
    assert _fin_trimestre_suivant(date(2027, 8, 29)) == date(2027, 12, 31)
    assert _fin_trimestre_suivant(date(2027, 11, 30)) == date(2028, 3, 31)
    assert _fin_trimestre_suivant(date(2028, 1, 1)) == date(2028, 6, 30)


@pytest.mark.parametrize("au", DATES)
def test_chaque_situation_de_la_v2_figure_dans_l_exemple(classeurs, au):
    """Les situations nouvelles de regles.md v2, dans le classeur relu par lire_registre.

    Chacune est présente à chaque date où la loi la rend possible (l'état des lieux tenu avec
    abondement n'existe pas avant fin 2027), et le moteur la traite comme la v2 le dit.
    """
    from pipeline import regles
    from pipeline.config import Regles
    from pipeline.registre import lire_registre

    registre = lire_registre(classeurs[au])
    exemple = gen.generer(au)
    v2 = [s.nom for s in gen.situations() if s.nom.startswith("(v2)")]
    absentes = [nom for nom in v2 if nom in exemple.omises]
    impossibles = {nom for nom in absentes if "état des lieux tenu" in nom}
    assert set(absentes) == impossibles
    if au + timedelta(days=60) >= PREMIER_ETAT_DES_LIEUX + timedelta(days=180):
        assert not absentes, absentes
    assert not registre.avertissements  # aucun « Congé de naissance » ambigu dans l'exemple
    qui = _par_situation(exemple, registre)
    obligations = regles.calculer_obligations(registre, au, Regles(), 120, 60)
    liste_tout = regles.lister_echeances(obligations, registre, tout=True)

    def lignes(situation: str, type_: str):
        (matricule,) = [m for s, m in qui.items() if s.startswith(situation)]
        choix = obligations[
            (obligations["matricule"] == matricule) & (obligations["type"] == type_)
        ]
        return choix.sort_values("echeance").to_dict("records")

    # 1. Délai de deux ans échu avant la réforme : il le reste, le motif le dit.
    (o,) = lignes("(v2) dernier entretien le 15/12/2022", "periodique")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2024, 12, 15), "en_retard")
    assert "échu avant l'entrée en vigueur de la loi n° 2025-989" in o["motif"]
    (o,) = lignes("(v2) dernier entretien le 12/01/2024", "periodique")
    assert o["echeance"] == pd.Timestamp(2028, 1, 12)
    # 2. Premier entretien des embauchés d'avant la réforme.
    (o,) = lignes("(v2) embauche le 01/11/2024", "premier")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2026, 10, 26), "en_retard")
    (o,) = lignes("(v2) embauche en 2012", "premier")
    assert o["echeance"] == pd.Timestamp(2016, 3, 7)
    # 3. Plus de faux 3 000 € : le cycle repart de l'état des lieux des 6 ans (15/11/2024).
    (o,) = lignes("(v2) embauche le 15/11/2018", "etat_des_lieux")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2032, 11, 15), "a_venir")
    assert o["edl_debut"] == pd.Timestamp(2024, 11, 15) and pd.isna(o["abondement_correctif"])
    # 4. Congé supplémentaire de naissance : un retour ; le congé de 3 jours : rien.
    (o,) = lignes("(v2) retour de congé supplémentaire de naissance", "retour")
    assert (o["motif_absence"], o["statut"]) == ("conge_naissance", "a_planifier")
    assert lignes("(v2) congé de naissance de 3 jours", "retour") == []
    # 5. Absences enchaînées : un seul retour, à la vraie reprise ; rien tant qu'elle dure.
    nom = "(v2) congé de maternité, puis congé parental, puis congés payés"
    (o,) = lignes(nom, "retour")
    (personne,) = [p for p in exemple.personnes if p.situation.startswith(nom)]
    premiere, *_, derniere = personne.absences
    assert o["reprise"] == pd.Timestamp(derniere.fin + timedelta(days=1))
    assert o["debut_absence"] == pd.Timestamp(premiere.debut)
    assert o["motif_absence"] == "maternite" and o["statut"] == "a_planifier"
    assert lignes("(v2) congé de maternité puis congé parental en cours", "retour") == []
    # 6. Après 60 ans : « manquée », jamais listée (pas même avec --tout).
    (o,) = lignes("(v2) 60 ans il y a 20 jours", "avant_60")
    assert o["statut"] == "manquee"
    manquees = obligations.loc[obligations["statut"] == "manquee", "matricule"]
    assert not set(manquees) & set(liste_tout.loc[liste_tout["type"] == "avant_60", "matricule"])
    # 7. Abondement : versé au plus tard à la fin du trimestre qui suit l'état des lieux tenu.
    nom = "(v2) 8 ans il y a 10 jours, état des lieux tenu"
    if not any(n.startswith(nom) for n in absentes):
        (o, _suivant) = lignes(nom, "etat_des_lieux")
        tenu = au - timedelta(days=90)
        assert o["statut"] == "honoree" and o["abondement_correctif"]
        assert o["date_limite_versement"] == pd.Timestamp(_fin_trimestre_suivant(tenu))
