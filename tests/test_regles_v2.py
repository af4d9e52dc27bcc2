"""Les sept changements de regles.md version 2 (issue 8), avec les exemples de la spécification.

Un seul classeur, écrit avec openpyxl dans tmp_path et relu par le vrai lecteur
(`lire_registre`) : libellés tels qu'une assistante RH les saisit, vraies dates Excel. Un
salarié par situation ; D = 30/11/2026 (date de la version 2), sauf pour l'abondement après
l'état des lieux tenu (aucun état des lieux à 8 ans n'est dû avant le 26/10/2027).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import ecrire_classeur

from pipeline.config import Entreprise, Parametres, Regles
from pipeline.registre import lire_registre
from pipeline.regles import calculer_obligations, lister_echeances
from pipeline.tableau import construire_indicateurs

AU = date(2026, 11, 30)
SALARIES = ["Matricule", "Nom", "Prénom", "Date de naissance", "Date d'entrée"]
ENTRETIENS = ["Matricule", "Date", "Type"]
ABSENCES = ["Matricule", "Motif", "Date de début", "Date de fin", "Date de reprise"]


@pytest.fixture(scope="module")
def registre(tmp_path_factory):
    feuilles = {
        "Salariés": [
            SALARIES,
            # 1. Dernier entretien le 15/12/2022 : en retard depuis le 15/12/2024.
            ["P1", "Expiré", "Anne", date(1980, 3, 1), date(2015, 3, 2)],
            # 2. Premier entretien : embauche du 01/11/2024 ; embauche de 2010, jamais vue.
            ["P2", "Novembre", "Bruno", date(1990, 5, 5), date(2024, 11, 1)],
            ["P3", "Ancien", "Carla", date(1975, 6, 6), date(2010, 6, 14)],
            # 3. Entrées 2018-11-15 (A0 = 2024-11-15) et 2020-01-10 (A_1 = 2028-01-10).
            ["P4", "Dixhuit", "Denis", date(1985, 7, 7), date(2018, 11, 15)],
            ["P5", "Vingt", "Emma", date(1988, 8, 8), date(2020, 1, 10)],
            # 4. Congé supplémentaire de naissance ; « Congé de naissance » tout court.
            ["P6", "Naissance", "Farid", date(1991, 9, 9), date(2019, 2, 4)],
            ["P7", "Troisjours", "Gilles", date(1992, 10, 10), date(2019, 2, 4)],
            # 5. Maternité, congé parental, congés payés ; maternité puis parental en cours.
            ["P8", "Chaine", "Hélène", date(1993, 11, 11), date(2019, 2, 4)],
            ["P9", "Encours", "Inès", date(1994, 12, 12), date(2019, 2, 4)],
            # 6. 60 ans le 15/10/2026, sans entretien dans les deux ans : manqué.
            ["P10", "Soixante", "Jean", date(1966, 10, 15), date(2000, 1, 3)],
            # 7. Entrée 2019-11-04 : état des lieux des 8 ans le 04/11/2027, tenu le 15/05/2027.
            ["P11", "Tenu", "Karim", date(1985, 1, 1), date(2019, 11, 4)],
        ],
        "Entretiens": [
            ENTRETIENS,
            ["P1", date(2022, 12, 15), "Périodique"],
            ["P4", date(2024, 10, 1), "Bilan 6 ans"],
            ["P4", date(2025, 12, 1), "Périodique"],
            ["P5", date(2025, 12, 1), "Périodique"],
            ["P6", date(2025, 1, 10), "Périodique"],
            ["P7", date(2025, 12, 1), "Périodique"],
            ["P8", date(2024, 12, 2), "Périodique"],
            ["P9", date(2025, 12, 1), "Périodique"],
            ["P10", date(2024, 1, 15), "Périodique"],
            ["P11", date(2027, 5, 15), "État des lieux"],
        ],
        "Absences": [
            ABSENCES,
            ["P6", "Congé supplémentaire de naissance", date(2026, 9, 1), date(2026, 10, 30), None],
            ["P7", "Congé de naissance", date(2026, 10, 5), date(2026, 10, 7), None],
            ["P8", "Congé de maternité", date(2025, 11, 3), date(2026, 2, 22), None],
            # Fin un vendredi (reprise un samedi), congés payés dès le lundi.
            ["P8", "Congé parental d'éducation", date(2026, 2, 23), date(2026, 10, 30), None],
            ["P8", "Congés payés", date(2026, 11, 2), date(2026, 11, 13), None],
            ["P9", "Congé de maternité", date(2026, 3, 2), date(2026, 6, 21), None],
            ["P9", "Congé parental d'éducation", date(2026, 6, 22), None, None],
        ],
    }
    return lire_registre(ecrire_classeur(tmp_path_factory.mktemp("v2"), feuilles))


def _obligations(registre, au: date = AU, regime: str = "2025"):
    return calculer_obligations(registre, au, Regles(regime=regime), 120)


def _lignes(obligations: pd.DataFrame, matricule: str, type_: str) -> list[dict]:
    choix = obligations[(obligations["matricule"] == matricule) & (obligations["type"] == type_)]
    return choix.sort_values("echeance").to_dict("records")


# --- 1. Un délai déjà expiré à la réforme reste expiré ------------------------------------


def test_1_dernier_entretien_15_12_2022_en_retard_depuis_le_15_12_2024(registre):
    (o,) = _lignes(_obligations(registre), "P1", "periodique")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2024, 12, 15), "en_retard")
    assert "entretien dû le 15/12/2024" in o["motif"]
    assert "échu avant l'entrée en vigueur de la loi n° 2025-989" in o["motif"]
    assert "le manquement demeure" in o["motif"]
    # Régime 2014 : la périodicité de deux ans, sans transition.
    (o,) = _lignes(_obligations(registre, regime="2014"), "P1", "periodique")
    assert o["echeance"] == pd.Timestamp(2024, 12, 15)


# --- 2. Premier entretien des embauchés d'avant la réforme --------------------------------


def test_2_embauche_du_01_11_2024_premier_du_le_26_10_2026(registre):
    (o,) = _lignes(_obligations(registre), "P2", "premier")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2026, 10, 26), "en_retard")
    assert "art. 2222 al. 2 C. civ." in o["motif"]


def test_2_jamais_de_premier_entretien_du_avant_le_07_03_2016(registre):
    (o,) = _lignes(_obligations(registre), "P3", "premier")
    assert o["echeance"] == pd.Timestamp(2016, 3, 7)
    assert "au plus tôt le 07/03/2016" in o["motif"]
    (o,) = _lignes(_obligations(registre, regime="2014"), "P3", "periodique")
    assert o["echeance"] == pd.Timestamp(2016, 3, 7)


# --- 3. Plus de faux 3 000 € : le cycle repart du dernier état des lieux à 6 ans ---------


def test_3_entree_2018_11_15_A0_2024_11_15_puis_A1_2032_11_15(registre):
    obligations = _obligations(registre)
    (o,) = _lignes(obligations, "P4", "etat_des_lieux")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2032, 11, 15), "a_venir")
    assert o["edl_debut"] == pd.Timestamp(2024, 11, 15)  # la fenêtre repart de A0
    assert "échu le 15/11/2024 sous l'ancien régime" in o["motif"]
    # Ni état des lieux à planifier, ni abondement en 2026 (la version 1 en affichait un).
    liste = lister_echeances(obligations, registre)
    assert "etat_des_lieux" not in set(liste["type"])
    indicateurs = construire_indicateurs(registre, obligations, AU, Parametres())
    assert indicateurs.nb_exposes == 0 and indicateurs.montant_abondement == 0


def test_3_entree_2020_01_10_A1_2028_01_10(registre):
    (o,) = _lignes(_obligations(registre), "P5", "etat_des_lieux")
    assert o["echeance"] == pd.Timestamp(2028, 1, 10)
    assert o["edl_debut"] == pd.Timestamp(2020, 1, 10)


def test_3_aucun_etat_des_lieux_a_8_ans_avant_le_26_10_2027():
    # Une embauche par jour sur 15 ans autour de la réforme : aucune échéance plus tôt.
    from reference_regles import registre_de_test

    jours = pd.date_range("2010-01-01", "2025-10-25", freq="D")
    registre = registre_de_test(
        salaries=[dict(matricule=str(i), date_entree=j) for i, j in enumerate(jours)]
    )
    obligations = calculer_obligations(registre, date(2034, 1, 1), Regles(), 120)
    edl = obligations[obligations["type"] == "etat_des_lieux"]
    assert edl["echeance"].min() == pd.Timestamp(2027, 10, 26)
    # Entrée le 26/10/2019 (6 ans le jour de la réforme : passé à 8 ans), ou le 26/10/2013
    # (12 ans ce jour-là : 8 ans après l'état des lieux des 6 ans du 26/10/2019).
    premiers = edl.loc[edl["echeance"] == edl["echeance"].min(), "matricule"].astype(int)
    assert set(jours[premiers]) == {pd.Timestamp(2013, 10, 26), pd.Timestamp(2019, 10, 26)}


# --- 4. Congé supplémentaire de naissance ; congé de naissance de 3 jours -----------------


def test_4_conge_supplementaire_de_naissance_declenche_le_retour_en_2025(registre):
    assert registre.absences.set_index("matricule").loc["P6", "motif"] == "conge_naissance"
    (o,) = _lignes(_obligations(registre), "P6", "retour")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2026, 11, 30), "a_planifier")
    assert o["motif"].startswith("Retour de congé supplémentaire de naissance (art. L1225-46-2)")
    assert _lignes(_obligations(registre, regime="2014"), "P6", "retour") == []


def test_4_conge_de_naissance_tout_court_trois_jours_avec_avertissement(registre):
    assert registre.absences.set_index("matricule").loc["P7", "motif"] == "naissance"
    assert _lignes(_obligations(registre), "P7", "retour") == []
    (avertissement,) = [a for a in registre.avertissements if a.code == "conge-naissance-ambigu"]
    assert (avertissement.feuille, avertissement.ligne, avertissement.colonne) == (
        "Absences", 3, "Motif"
    )  # fmt: skip
    for morceau in ("L3142-4", "L1225-46-2", "« Congé supplémentaire de naissance »"):
        assert morceau in avertissement.message


# --- 5. Absences enchaînées : une seule absence -------------------------------------------


def test_5_maternite_parental_conges_payes_un_seul_retour_a_la_vraie_reprise(registre):
    (o,) = _lignes(_obligations(registre), "P8", "retour")
    # Reprise après les congés payés (fin le 13/11/2026) ; le week-end du 31/10 ne coupe pas.
    assert o["reprise"] == pd.Timestamp(2026, 11, 14)
    assert o["debut_absence"] == pd.Timestamp(2025, 11, 3)
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2026, 12, 14), "a_planifier")
    assert o["motif_absence"] == "maternite"
    assert (
        "au terme d'absences enchaînées (congé de maternité, congé parental d'éducation, "
        "congés payés)" in o["motif"]
    )


def test_5_pas_de_retour_en_retard_pendant_le_conge_qui_suit(registre):
    assert _lignes(_obligations(registre), "P9", "retour") == []


# --- 6. Après 60 ans -----------------------------------------------------------------------


def test_6_apres_60_ans_plus_liste_et_compte_manque(registre):
    obligations = _obligations(registre)
    (o,) = _lignes(obligations, "P10", "avant_60")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2026, 10, 14), "manquee")
    for tout in (False, True):
        liste = lister_echeances(obligations, registre, tout=tout)
        assert liste[(liste["matricule"] == "P10") & (liste["type"] == "avant_60")].empty
    indicateurs = construire_indicateurs(registre, obligations, AU, Parametres())
    assert indicateurs.nb_avant_60_manques == 1
    par_statut = indicateurs.par_statut.set_index("statut")
    assert par_statut.loc["manquee", "nombre"] == 1
    # La veille des 60 ans, il était encore à tenir.
    (o,) = _lignes(_obligations(registre, au=date(2026, 10, 14)), "P10", "avant_60")
    assert o["statut"] == "a_planifier"


# --- 7. Citations et date limite de versement de l'abondement -----------------------------


def test_7_chaque_motif_cite_le_bon_alinea(registre):
    obligations = _obligations(registre, au=date(2027, 11, 30))
    for matricule, type_, citation in (
        ("P2", "premier", "L6315-1 I"),
        ("P5", "periodique", "L6315-1 I"),
        ("P8", "retour", "L6315-1 I"),
        ("P11", "etat_des_lieux", "L6315-1 II"),
        ("P4", "mi_carriere", "L6315-1 IV"),
        ("P10", "avant_60", "L6315-1 V"),
    ):
        textes = [o["motif"] for o in _lignes(obligations, matricule, type_)]
        assert textes and all(citation in t for t in textes), (matricule, type_, textes)


def test_7_abondement_verse_au_trimestre_qui_suit_l_etat_des_lieux_tenu(registre):
    au = date(2027, 11, 30)
    obligations = _obligations(registre, au=au)
    (o, suivant) = _lignes(obligations, "P11", "etat_des_lieux")
    assert (o["echeance"], o["statut"]) == (pd.Timestamp(2027, 11, 4), "honoree")
    assert suivant["echeance"] == pd.Timestamp(2035, 11, 4)
    # Un seul entretien (l'état des lieux) sur deux prévus, aucune formation : abondement ;
    # tenu le 15/05/2027 (2e trimestre) : versement au plus tard le 30/09/2027, et non à la
    # fin du trimestre qui suit l'anniversaire (31/03/2028).
    assert o["abondement_correctif"] and o["date_limite_versement"] == pd.Timestamp(2027, 9, 30)
    for morceau in (
        "trimestre qui suit l'état des lieux tenu le 15/05/2027",
        "effectif d'au moins 50 salariés au sens de l'art. L130-1 CSS",
        "L6323-13 et R6323-3 C. trav., loi n° 2025-989, décret n° 2026-39",
    ):
        assert morceau in o["motif"]
    # Le tableau de bord le compte à verser tant que la date limite n'est pas passée.
    parametres = dataclasses.replace(Parametres(), entreprise=Entreprise(effectif=120))
    exposes = construire_indicateurs(registre, obligations, au, parametres).exposes
    assert "P11" not in set(exposes["matricule"])
    au = date(2027, 9, 15)  # anniversaire dans 50 jours, versement dû dans 15 jours
    obligations = _obligations(registre, au=au)
    (o, _) = _lignes(obligations, "P11", "etat_des_lieux")
    assert o["date_limite_versement"] == pd.Timestamp(2027, 9, 30)
    assert "encouru si rien ne change" in o["motif"]
    exposes = construire_indicateurs(registre, obligations, au, parametres).exposes
    ligne = exposes.set_index("matricule").loc["P11"]
    assert (ligne["statut"], ligne["montant_abondement"]) == ("Réalisé", 3000)


def test_le_classeur_se_lit_sans_autre_avertissement(registre):
    assert [a.code for a in registre.avertissements] == ["conge-naissance-ambigu"]
    assert Path(registre.chemin).suffix == ".xlsx"
