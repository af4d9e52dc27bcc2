"""Une ligne = une situation juridique de regles.md (version 2), avec l'échéance calculée à
la main.

Date de référence par défaut : D = 02/03/2026, horizon 60 jours (D + 60 = 01/05/2026),
régime 2025, périodicité 48 mois, effectif 120. Les sept changements de la version 2 ont
aussi leurs tests nommés, avec les exemples de la spécification : tests/test_regles_v2.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd
import pytest
from reference_regles import ajouter_mois as ajouter_mois_reference
from reference_regles import registre_de_test

from pipeline import schema
from pipeline.config import Regles, depuis_dict
from pipeline.dates_vectorisees import ajouter_mois
from pipeline.erreurs import ErreurEntretiens
from pipeline.regles import calculer_obligations, lister_echeances, resumer
from pipeline.schema import MOTIFS, Motif

AU = "2026-03-02"


def _salarie(**champs) -> dict:
    base = dict(matricule="A1", nom="Durand", prenom="Élise", date_entree="2015-01-05")
    base.update(champs)
    return base


def calculer(salarie=None, entretiens=(), absences=(), formations=(), evolutions=(), au=AU,
             regime="2025", periodicite=0, effectif=120, horizon=60, delai=30):  # fmt: skip
    registre = registre_de_test(
        salaries=[_salarie(**(salarie or {}))],
        entretiens=[dict(matricule="A1", date=d, type=t) for d, t in entretiens],
        absences=[dict(matricule="A1", **a) for a in absences],
        formations=[dict(matricule="A1", **f) for f in formations],
        evolutions=[dict(matricule="A1", **e) for e in evolutions],
    )
    regles = Regles(regime=regime, periodicite_mois=periodicite, delai_retour_jours=delai,
                    horizon_jours=horizon)  # fmt: skip
    return calculer_obligations(registre, date.fromisoformat(au), regles, effectif)


def lignes(obligations: pd.DataFrame, type_: str) -> list[tuple[str, str]]:
    choisies = obligations[obligations["type"] == type_].sort_values("echeance")
    return [
        (e.strftime("%Y-%m-%d"), s) for e, s in zip(choisies.echeance, choisies.statut, strict=True)
    ]


def P(entretien: str, type_: str = "periodique") -> tuple[str, str]:
    return (entretien, type_)


MATERNITE = dict(motif="maternite", date_debut="2025-09-01", date_reprise="2026-03-16")
AU_2028 = "2028-03-02"  # D + 60 = 01/05/2028 : les échéances à 48 mois et à 8 ans arrivent
EDL = dict(date_entree="2020-01-10")  # A_1 = 10/01/2028, fenêtre [10/01/2020, 10/01/2028]

# (id, données, attendu {type: [(échéance, statut), ...]})
SITUATIONS = [
    # --- 3.1 premier entretien
    ("premier_embauche_le_jour_de_la_vigueur_un_an",
     dict(salarie=dict(date_entree="2025-10-26"), au="2026-09-15"),
     {"premier": [("2026-10-26", "a_planifier")], "periodique": []}),
    ("premier_embauche_veille_de_la_vigueur_un_an_apres_la_vigueur",
     dict(salarie=dict(date_entree="2025-10-25"), au="2026-09-15"),
     {"premier": [("2026-10-26", "a_planifier")]}),
    ("premier_embauche_avant_la_vigueur_ancien_delai_plus_court",
     dict(salarie=dict(date_entree="2024-07-01")),
     {"premier": [("2026-07-01", "a_venir")]}),
    ("premier_ancienne_echeance_le_jour_de_la_vigueur_en_cours",
     dict(salarie=dict(date_entree="2023-10-26")),
     {"premier": [("2025-10-26", "en_retard")]}),
    ("premier_ancienne_echeance_la_veille_echue",
     dict(salarie=dict(date_entree="2023-10-25")),
     {"premier": [("2025-10-25", "en_retard")]}),
    ("premier_29_fevrier_ramene_au_28",
     dict(salarie=dict(date_entree="2028-02-29"), au="2028-12-01"),
     {"premier": [("2029-02-28", "a_venir")]}),
    ("premier_31_octobre_en_retard",
     dict(salarie=dict(date_entree="2025-10-31"), au="2026-11-02"),
     {"premier": [("2026-10-31", "en_retard")]}),
    ("premier_entretien_anterieur_a_l_embauche_ne_compte_pas",
     dict(salarie=dict(date_entree="2025-06-01"), entretiens=[P("2025-05-20")]),
     {"premier": [("2026-10-26", "a_venir")], "periodique": []}),
    ("premier_ancien_salarie_jamais_vu_deux_ans", dict(),
     {"premier": [("2017-01-05", "en_retard")], "periodique": []}),
    ("premier_embauche_avant_2014_au_plus_tot_le_07_03_2016",
     dict(salarie=dict(date_entree="2009-05-10")),
     {"premier": [("2016-03-07", "en_retard")]}),
    ("premier_embauche_le_jour_de_la_loi_2014", dict(salarie=dict(date_entree="2014-03-07")),
     {"premier": [("2016-03-07", "en_retard")]}),
    ("premier_embauche_le_lendemain_de_la_loi_2014",
     dict(salarie=dict(date_entree="2014-03-08")),
     {"premier": [("2016-03-08", "en_retard")]}),
    # --- 3.1 périodique
    ("periodique_ancien_delai_echu_avant_la_reforme",
     dict(entretiens=[P("2018-01-01"), P("2022-03-01")]),
     {"periodique": [("2024-03-01", "en_retard")], "premier": []}),
    ("periodique_ancien_delai_echu_la_veille_de_la_vigueur", dict(entretiens=[P("2023-10-25")]),
     {"periodique": [("2025-10-25", "en_retard")]}),
    ("periodique_ancien_delai_en_cours_le_jour_de_la_vigueur_48_mois",
     dict(entretiens=[P("2023-10-26")]),
     {"periodique": [("2027-10-26", "a_venir")]}),
    ("periodique_48_mois_depuis_le_dernier", dict(entretiens=[P("2024-03-01")], au="2028-02-15"),
     {"periodique": [("2028-03-01", "a_planifier")]}),
    ("periodique_tout_type_d_entretien_compte", dict(entretiens=[P("2024-07-01", "retour")]),
     {"periodique": [("2028-07-01", "a_venir")]}),
    ("periodique_accord_24_mois_29_fevrier",
     dict(entretiens=[P("2024-02-29")], periodicite=24),
     {"periodique": [("2026-02-28", "en_retard")]}),
    ("periodique_accord_36_mois", dict(entretiens=[P("2024-04-10")], periodicite=36),
     {"periodique": [("2027-04-10", "a_venir")]}),
    ("periodique_accord_36_mois_ancien_delai_de_deux_ans_echu",
     dict(entretiens=[P("2023-04-10")], periodicite=36),
     {"periodique": [("2025-04-10", "en_retard")]}),
    ("periodique_accord_12_mois_ancien_delai_de_12_mois",
     dict(entretiens=[P("2023-06-01")], periodicite=12),
     {"periodique": [("2024-06-01", "en_retard")]}),
    ("periodique_accord_12_mois_en_cours", dict(entretiens=[P("2025-06-01")], periodicite=12),
     {"periodique": [("2026-06-01", "a_venir")]}),
    ("periodique_accord_30_mois_31_ramene_au_30",
     dict(entretiens=[P("2023-10-31")], periodicite=30),
     {"periodique": [("2026-04-30", "a_planifier")]}),
    ("entretien_date_apres_au_ignore", dict(entretiens=[P("2021-06-01"), P("2026-03-10")]),
     {"periodique": [("2023-06-01", "en_retard")]}),
    ("entretien_le_jour_de_au_compte", dict(entretiens=[P("2026-03-02")]),
     {"periodique": [("2030-03-02", "a_venir")]}),
    # --- statuts (§4), D = 02/03/2028 (D + 60 = 01/05/2028)
    ("statut_echeance_egale_au_a_planifier", dict(entretiens=[P("2024-03-02")], au=AU_2028),
     {"periodique": [("2028-03-02", "a_planifier")]}),
    ("statut_au_plus_horizon_inclus", dict(entretiens=[P("2024-05-01")], au=AU_2028),
     {"periodique": [("2028-05-01", "a_planifier")]}),
    ("statut_au_plus_horizon_plus_un_a_venir", dict(entretiens=[P("2024-05-02")], au=AU_2028),
     {"periodique": [("2028-05-02", "a_venir")]}),
    ("statut_veille_de_au_en_retard", dict(entretiens=[P("2024-03-01")], au=AU_2028),
     {"periodique": [("2028-03-01", "en_retard")]}),
    ("statut_horizon_zero_lendemain_a_venir",
     dict(entretiens=[P("2024-03-03")], horizon=0, au=AU_2028),
     {"periodique": [("2028-03-03", "a_venir")]}),
    # --- salariés pris en compte
    ("sortie_le_jour_de_au_incluse",
     dict(salarie=dict(date_sortie=AU), entretiens=[P("2022-03-01")]),
     {"periodique": [("2024-03-01", "en_retard")]}),
    ("sortie_la_veille_exclue", dict(salarie=dict(date_sortie="2026-03-01")), {"*": []}),
    ("embauche_apres_au_exclue", dict(salarie=dict(date_entree="2026-03-03")), {"*": []}),
    ("embauche_le_jour_de_au_incluse", dict(salarie=dict(date_entree=AU)),
     {"premier": [("2027-03-02", "a_venir")]}),
    # --- régime 2014
    ("regime_2014_sans_entretien_periodique_24_mois",
     dict(regime="2014", salarie=dict(date_entree="2024-04-30", date_naissance="1966-04-10")),
     {"periodique": [("2026-04-30", "a_planifier")], "premier": [], "mi_carriere": [],
      "avant_60": []}),
    ("regime_2014_sans_entretien_au_plus_tot_le_07_03_2016",
     dict(regime="2014", salarie=dict(date_entree="2013-01-15")),
     {"periodique": [("2016-03-07", "en_retard")]}),
    ("regime_2014_dernier_entretien_pas_de_borne",
     dict(regime="2014", salarie=dict(date_entree="2012-01-02"), entretiens=[P("2013-06-01")]),
     {"periodique": [("2015-06-01", "en_retard")]}),
    ("regime_2014_accord_36_mois", dict(regime="2014", periodicite=36,
                                        entretiens=[P("2023-04-10")]),
     {"periodique": [("2026-04-10", "a_planifier")]}),
    ("regime_2014_etat_des_lieux_6_ans",
     dict(regime="2014", salarie=dict(date_entree="2020-04-15")),
     {"etat_des_lieux": [("2026-04-15", "a_planifier")]}),
    ("regime_2014_etat_des_lieux_ancien_compte",
     dict(regime="2014", salarie=dict(date_entree="2017-06-01")),
     {"etat_des_lieux": [("2023-06-01", "en_retard")]}),
    ("regime_2014_etat_des_lieux_29_fevrier_ramene_au_28",
     dict(regime="2014", salarie=dict(date_entree="2016-02-29"), au="2022-03-01"),
     {"etat_des_lieux": [("2022-02-28", "en_retard")]}),
    # --- 3.2 état des lieux (régime 2025)
    ("edl_cycle_repart_du_6_ans_echu_avant_la_reforme",
     dict(salarie=dict(date_entree="2018-11-15")),
     {"etat_des_lieux": [("2032-11-15", "a_venir")]}),
    ("edl_6_ans_le_jour_de_la_vigueur_passe_a_8_ans",
     dict(salarie=dict(date_entree="2019-10-26")),
     {"etat_des_lieux": [("2027-10-26", "a_venir")]}),
    ("edl_6_ans_la_veille_de_la_vigueur_reste_dans_l_ancien_cycle",
     dict(salarie=dict(date_entree="2019-10-25")),
     {"etat_des_lieux": [("2033-10-25", "a_venir")]}),
    ("edl_embauche_avant_2014_cycle_repart_du_dernier_6_ans",
     dict(salarie=dict(date_entree="2001-06-01")),  # 6 ans : 2007, 2013, 2019, 2025 (< T)
     {"etat_des_lieux": [("2033-06-01", "a_venir")]}),
    ("edl_8_ans_a_planifier", dict(salarie=dict(date_entree="2020-04-15"), au=AU_2028),
     {"etat_des_lieux": [("2028-04-15", "a_planifier")]}),
    ("edl_29_fevrier_annee_bissextile",
     dict(salarie=dict(date_entree="2020-02-29"), au="2028-01-15"),
     {"etat_des_lieux": [("2028-02-29", "a_planifier")]}),
    ("edl_pas_encore_atteint_premier_a_venir", dict(salarie=dict(date_entree="2025-04-15")),
     {"etat_des_lieux": [("2033-04-15", "a_venir")]}),
    ("edl_honore_par_entretien_etat_des_lieux_puis_suivant",
     dict(salarie=EDL, entretiens=[P("2027-06-01", "etat_des_lieux")], au=AU_2028),
     {"etat_des_lieux": [("2028-01-10", "honoree"), ("2036-01-10", "a_venir")]}),
    ("edl_pas_honore_par_un_periodique",
     dict(salarie=EDL, entretiens=[P("2027-06-01")], au=AU_2028),
     {"etat_des_lieux": [("2028-01-10", "en_retard")]}),
    ("edl_entretien_la_veille_de_la_fenetre",
     dict(salarie=EDL, entretiens=[P("2027-01-09", "etat_des_lieux")], au=AU_2028),
     {"etat_des_lieux": [("2028-01-10", "en_retard")]}),
    ("edl_debut_de_fenetre_inclus",
     dict(salarie=EDL, entretiens=[P("2027-01-10", "etat_des_lieux")], au=AU_2028),
     {"etat_des_lieux": [("2028-01-10", "honoree"), ("2036-01-10", "a_venir")]}),
    ("edl_tenu_en_retard_honore",
     dict(salarie=EDL, entretiens=[P("2028-03-01", "etat_des_lieux")], au=AU_2028),
     {"etat_des_lieux": [("2028-01-10", "honoree"), ("2036-01-10", "a_venir")]}),
    ("edl_apres_l_ancien_cycle_honore",
     dict(salarie=dict(date_entree="2018-11-15"), au="2032-12-01",
          entretiens=[P("2024-10-01", "etat_des_lieux"), P("2032-06-01", "etat_des_lieux")]),
     {"etat_des_lieux": [("2032-11-15", "honoree"), ("2040-11-15", "a_venir")]}),
    ("edl_celui_des_6_ans_n_honore_pas_le_suivant",
     dict(salarie=dict(date_entree="2018-11-15"), au="2032-12-01",
          entretiens=[P("2024-10-01", "etat_des_lieux")]),
     {"etat_des_lieux": [("2032-11-15", "en_retard")]}),
    # --- 3.3 retour
    ("retour_maternite_reprise_a_venir", dict(absences=[MATERNITE]),
     {"retour": [("2026-04-15", "a_planifier")]}),
    ("retour_exempte_entretien_11_mois_avant_reprise",
     dict(absences=[MATERNITE], entretiens=[P("2025-04-16")]),
     {"retour": [("2026-04-15", "honoree")]}),
    ("retour_limite_12_mois_incluse", dict(absences=[MATERNITE], entretiens=[P("2025-03-16")]),
     {"retour": [("2026-04-15", "honoree")]}),
    ("retour_du_entretien_13_mois_avant_reprise",
     dict(absences=[MATERNITE], entretiens=[P("2025-02-16")]),
     {"retour": [("2026-04-15", "a_planifier")]}),
    ("retour_date_de_fin_plus_un_jour",
     dict(absences=[dict(motif="adoption", date_debut="2025-12-01", date_fin="2026-03-15")]),
     {"retour": [("2026-04-15", "a_planifier")]}),
    ("retour_reprise_prime_sur_fin",
     dict(absences=[dict(motif="sabbatique", date_debut="2025-12-01", date_fin="2026-03-15",
                         date_reprise="2026-03-20")]),
     {"retour": [("2026-04-19", "a_planifier")]}),
    ("retour_conge_en_cours_sans_fin_ni_reprise",
     dict(absences=[dict(motif="conge_parental", date_debut="2025-09-01")]), {"retour": []}),
    ("retour_motif_non_declencheur",
     dict(absences=[dict(motif="maladie", date_debut="2025-09-01", date_fin="2026-03-15")]),
     {"retour": []}),
    ("retour_absence_pas_encore_commencee_ignoree",
     dict(absences=[dict(motif="maternite", date_debut="2026-03-03", date_fin="2026-07-01")]),
     {"retour": []}),
    ("retour_avant_reforme_regle_de_la_date_de_debut",
     dict(absences=[dict(motif="maternite", date_debut="2025-01-10", date_fin="2025-08-31")],
          entretiens=[P("2024-12-01")]),
     {"retour": [("2025-10-01", "en_retard")]}),
    ("retour_avant_reforme_entretien_pendant_l_absence",
     dict(absences=[dict(motif="maternite", date_debut="2025-01-10", date_fin="2025-08-31")],
          entretiens=[P("2025-02-01")]),
     {"retour": [("2025-10-01", "honoree")]}),
    ("retour_reprise_veille_de_la_vigueur_ancienne_regle",
     dict(absences=[dict(motif="proche_aidant", date_debut="2025-06-01",
                         date_reprise="2025-10-25")], entretiens=[P("2025-03-01")]),
     {"retour": [("2025-11-24", "en_retard")]}),
    ("retour_reprise_le_jour_de_la_vigueur_exemption",
     dict(absences=[dict(motif="proche_aidant", date_debut="2025-06-01",
                         date_reprise="2025-10-26")], entretiens=[P("2025-03-01")]),
     {"retour": [("2025-11-25", "honoree")]}),
    ("retour_regime_2014_toujours_du",
     dict(regime="2014", absences=[MATERNITE], entretiens=[P("2025-06-01")]),
     {"retour": [("2026-04-15", "a_planifier")]}),
    ("retour_delai_15_jours", dict(absences=[MATERNITE], delai=15),
     {"retour": [("2026-03-31", "a_planifier")]}),
    ("retour_entretien_apres_au_ignore",
     dict(absences=[dict(motif="longue_maladie", date_debut="2025-01-05",
                         date_reprise="2026-02-01")], entretiens=[P("2026-03-20")]),
     {"retour": [("2026-03-03", "a_planifier")]}),
    ("retour_deux_absences_separees_deux_obligations",
     dict(absences=[MATERNITE, dict(motif="mandat_syndical", date_debut="2020-01-01",
                                    date_fin="2025-06-30")]),
     {"retour": [("2025-07-31", "en_retard"), ("2026-04-15", "a_planifier")]}),
    ("retour_absences_chevauchantes_une_seule_obligation",
     dict(absences=[MATERNITE, dict(motif="mandat_syndical", date_debut="2020-01-01",
                                    date_fin="2025-12-31")]),
     {"retour": [("2026-04-15", "a_planifier")]}),
    ("retour_absence_qui_commence_le_jour_de_la_reprise_enchainee",
     dict(absences=[dict(motif="adoption", date_debut="2025-06-02", date_reprise="2025-12-01"),
                    dict(motif="conges_payes", date_debut="2025-12-01", date_fin="2026-02-13")]),
     {"retour": [("2026-03-16", "a_planifier")]}),
    ("retour_absence_qui_commence_le_lendemain_de_la_reprise_separee",
     dict(absences=[dict(motif="adoption", date_debut="2025-06-02", date_reprise="2025-12-01"),
                    dict(motif="conges_payes", date_debut="2025-12-02", date_fin="2026-02-13")]),
     {"retour": [("2025-12-31", "en_retard")]}),
    ("retour_chaine_en_cours_aucune_obligation",
     dict(absences=[dict(motif="maternite", date_debut="2025-07-01", date_fin="2025-12-31"),
                    dict(motif="conge_parental", date_debut="2026-01-01")]),
     {"retour": []}),
    ("retour_chaine_sans_motif_declenchant",
     dict(absences=[dict(motif="maladie", date_debut="2025-07-01", date_fin="2025-12-31"),
                    dict(motif="conges_payes", date_debut="2026-01-01", date_fin="2026-01-20")]),
     {"retour": []}),
    ("retour_conge_naissance_regime_2025",
     dict(absences=[dict(motif="conge_naissance", date_debut="2026-01-05",
                         date_fin="2026-02-27")]),
     {"retour": [("2026-03-30", "a_planifier")]}),
    ("retour_conge_naissance_regime_2014_rien",
     dict(regime="2014", absences=[dict(motif="conge_naissance", date_debut="2026-01-05",
                                        date_fin="2026-02-27")]),
     {"retour": []}),
    ("retour_conge_de_naissance_3_jours_rien",
     dict(absences=[dict(motif="naissance", date_debut="2026-02-02", date_fin="2026-02-04")]),
     {"retour": []}),
    ("retour_conge_naissance_prolonge_la_chaine_en_regime_2014",
     dict(regime="2014",
          absences=[dict(motif="sabbatique", date_debut="2025-06-01", date_fin="2025-12-31"),
                    dict(motif="conge_naissance", date_debut="2026-01-01",
                         date_fin="2026-02-15")]),
     {"retour": [("2026-03-18", "a_planifier")]}),
    ("retour_fin_un_vendredi_conges_le_lundi_une_seule_chaine",
     dict(absences=[dict(motif="maternite", date_debut="2025-09-01", date_fin="2026-01-30"),
                    dict(motif="conges_payes", date_debut="2026-02-02", date_fin="2026-02-13")]),
     {"retour": [("2026-03-16", "a_planifier")]}),
    ("retour_reprise_un_vendredi_conges_le_lundi_deux_absences",
     dict(absences=[dict(motif="maternite", date_debut="2025-09-01", date_reprise="2026-01-30"),
                    dict(motif="conges_payes", date_debut="2026-02-02", date_fin="2026-02-13")]),
     {"retour": [("2026-03-01", "en_retard")]}),
    ("retour_reprise_un_dimanche_conges_le_mardi_deux_absences",
     dict(absences=[dict(motif="maternite", date_debut="2025-09-01", date_fin="2026-01-31"),
                    dict(motif="conges_payes", date_debut="2026-02-03", date_fin="2026-02-13")]),
     {"retour": [("2026-03-03", "a_planifier")]}),
    # --- 3.4 mi-carrière
    ("mi_carriere_visite_connue_deux_mois",
     dict(salarie=dict(date_visite_mi_carriere="2026-01-20")),
     {"mi_carriere": [("2026-03-20", "a_planifier")]}),
    ("mi_carriere_visite_31_decembre_ramene_fin_fevrier",
     dict(salarie=dict(date_visite_mi_carriere="2025-12-31")),
     {"mi_carriere": [("2026-02-28", "en_retard")]}),
    ("mi_carriere_honoree_entretien_apres_visite",
     dict(salarie=dict(date_visite_mi_carriere="2026-01-20"), entretiens=[P("2026-02-01")]),
     {"mi_carriere": [("2026-03-20", "honoree")]}),
    ("mi_carriere_entretien_la_veille_de_la_visite",
     dict(salarie=dict(date_visite_mi_carriere="2026-01-20"), entretiens=[P("2026-01-19")]),
     {"mi_carriere": [("2026-03-20", "a_planifier")]}),
    ("mi_carriere_visite_le_jour_de_la_vigueur",
     dict(salarie=dict(date_visite_mi_carriere="2025-10-26")),
     {"mi_carriere": [("2025-12-26", "en_retard")]}),
    ("mi_carriere_visite_avant_vigueur_rien",
     dict(salarie=dict(date_visite_mi_carriere="2025-10-25", date_naissance="1981-06-15")),
     {"mi_carriere": []}),
    ("mi_carriere_visite_non_renseignee_45_ans_en_2026",
     dict(salarie=dict(date_naissance="1981-06-15")),
     {"mi_carriere": [("2027-02-28", "a_venir")]}),
    ("mi_carriere_45_ans_en_2027_fin_fevrier_bissextile",
     dict(salarie=dict(date_naissance="1982-01-01")),
     {"mi_carriere": [("2028-02-29", "a_venir")]}),
    ("mi_carriere_45_ans_en_2025_rien", dict(salarie=dict(date_naissance="1980-12-31")),
     {"mi_carriere": []}),
    ("mi_carriere_sans_visite_honoree_par_type_mi_carriere",
     dict(salarie=dict(date_naissance="1981-06-15"), entretiens=[P("2026-01-05", "mi_carriere")]),
     {"mi_carriere": [("2027-02-28", "honoree")]}),
    ("mi_carriere_sans_visite_periodique_ne_suffit_pas",
     dict(salarie=dict(date_naissance="1981-06-15"), entretiens=[P("2026-01-05")]),
     {"mi_carriere": [("2027-02-28", "a_venir")]}),
    ("mi_carriere_sans_visite_entretien_annee_precedente",
     dict(salarie=dict(date_naissance="1981-06-15"), entretiens=[P("2025-12-31", "mi_carriere")]),
     {"mi_carriere": [("2027-02-28", "a_venir")]}),
    ("mi_carriere_regime_2014_rien",
     dict(regime="2014", salarie=dict(date_visite_mi_carriere="2026-01-20")),
     {"mi_carriere": []}),
    # --- 3.5 avant 60 ans
    ("avant_60_veille_des_60_ans", dict(salarie=dict(date_naissance="1966-04-10")),
     {"avant_60": [("2026-04-09", "a_planifier")]}),
    ("avant_60_debut_de_fenetre_inclus",
     dict(salarie=dict(date_naissance="1966-04-10"), entretiens=[P("2024-04-10")]),
     {"avant_60": [("2026-04-09", "honoree")]}),
    ("avant_60_entretien_avant_la_fenetre",
     dict(salarie=dict(date_naissance="1966-04-10"), entretiens=[P("2024-04-09")]),
     {"avant_60": [("2026-04-09", "a_planifier")]}),
    ("avant_60_ne_le_29_fevrier", dict(salarie=dict(date_naissance="1968-02-29")),
     {"avant_60": [("2028-02-28", "a_venir")]}),
    ("avant_60_veille_des_60_ans_le_jour_de_au_a_planifier",
     dict(salarie=dict(date_naissance="1966-03-03")),
     {"avant_60": [("2026-03-02", "a_planifier")]}),
    ("avant_60_60_ans_le_jour_de_au_manquee", dict(salarie=dict(date_naissance="1966-03-02")),
     {"avant_60": [("2026-03-01", "manquee")]}),
    ("avant_60_veille_le_jour_de_la_vigueur_manquee",
     dict(salarie=dict(date_naissance="1965-10-27")),
     {"avant_60": [("2025-10-26", "manquee")]}),
    ("avant_60_apres_60_ans_tenu_reste_honore",
     dict(salarie=dict(date_naissance="1965-10-27"), entretiens=[P("2024-01-15")]),
     {"avant_60": [("2025-10-26", "honoree")]}),
    ("avant_60_veille_avant_la_vigueur_rien", dict(salarie=dict(date_naissance="1965-10-26")),
     {"avant_60": []}),
    ("avant_60_regime_2014_rien", dict(regime="2014", salarie=dict(date_naissance="1966-04-10")),
     {"avant_60": []}),
]  # fmt: skip


@pytest.mark.parametrize("donnees,attendu", [pytest.param(d, a, id=i) for i, d, a in SITUATIONS])
def test_situation(donnees, attendu):
    obligations = calculer(**donnees)
    for type_, echeances in attendu.items():
        if type_ == "*":
            assert obligations.empty
        else:
            assert lignes(obligations, type_) == echeances, type_
    # Invariant : exactement un premier OU un périodique par salarié pris en compte.
    if not obligations.empty:
        assert obligations["type"].isin(["premier", "periodique"]).sum() == 1


@pytest.mark.parametrize(
    "motif", ["maternite", "adoption", "conge_parental", "proche_aidant", "sabbatique",
              "mobilite_volontaire", "longue_maladie", "mandat_syndical", "conge_naissance"],
)  # fmt: skip
def test_chaque_motif_declencheur_donne_un_retour(motif):
    absence = dict(motif=motif, date_debut="2025-09-01", date_reprise="2026-03-16")
    obligations = calculer(absences=[absence])
    retour = obligations[obligations["type"] == "retour"]
    assert lignes(obligations, "retour") == [("2026-04-15", "a_planifier")]
    assert retour["motif_absence"].tolist() == [motif]
    assert retour["reprise"].tolist() == [pd.Timestamp("2026-03-16")]


@pytest.mark.parametrize(
    "motif",
    ["maladie", "paternite", "conges_payes", "sans_solde", "accident_travail", "autre",
     "naissance"],
)  # fmt: skip
def test_motifs_sans_effet(motif):
    absence = dict(motif=motif, date_debut="2025-09-01", date_reprise="2026-03-16")
    assert lignes(calculer(absences=[absence]), "retour") == []


# --- chiffres de l'état des lieux et abondement correctif -------------------------------

# Par défaut D = 02/03/2028 et EDL (A_1 = 10/01/2028, fenêtre [10/01/2020, 10/01/2028]).
FORMATION_LIBRE = dict(intitule="Anglais", date="2022-05-05", obligatoire=False)
FORMATION_OBLIGATOIRE = dict(intitule="Habilitation électrique", date="2022-05-05",
                             obligatoire=True)  # fmt: skip

CHIFFRES = [
    ("abondement_effectif_50_aucun_entretien", dict(effectif=50),
     dict(entretiens_realises=0, entretiens_prevus=2, abondement_correctif=True,
          montant_abondement=3000, date_limite_versement="2028-06-30")),
    ("pas_d_abondement_effectif_49", dict(effectif=49),
     dict(abondement_correctif=False, montant_abondement=0, date_limite_versement=None)),
    ("formation_non_obligatoire_evite_l_abondement", dict(formations=[FORMATION_LIBRE]),
     dict(formation_non_obligatoire=True, critere_formation=True, abondement_correctif=False,
          montant_abondement=0)),
    ("formation_obligatoire_seule_abondement_du", dict(formations=[FORMATION_OBLIGATOIRE]),
     dict(formation_non_obligatoire=False, critere_formation=True, abondement_correctif=True)),
    ("deux_entretiens_sans_formation_pas_d_abondement",
     dict(entretiens=[P("2021-01-01"), P("2025-01-01")]),
     dict(entretiens_realises=2, abondement_correctif=False)),
    ("un_seul_entretien_sans_formation_abondement", dict(entretiens=[P("2025-01-01")]),
     dict(entretiens_realises=1, abondement_correctif=True, montant_abondement=3000)),
    ("bornes_de_la_fenetre_incluses", dict(entretiens=[P("2020-01-10"), P("2028-01-10")]),
     dict(entretiens_realises=2, edl_debut="2020-01-10", edl_fin="2028-01-10",
          abondement_correctif=False)),
    ("formation_libre_hors_fenetre_ne_compte_pas",
     dict(formations=[dict(FORMATION_LIBRE, date="2028-01-11")]),
     dict(formation_non_obligatoire=False, critere_formation=False, abondement_correctif=True)),
    ("certification_par_case_certifiante",
     dict(formations=[dict(FORMATION_OBLIGATOIRE, certifiante=True)]),
     dict(critere_certification=True)),
    ("certification_par_vae", dict(formations=[dict(FORMATION_LIBRE, intitule="Parcours VAE")]),
     dict(critere_certification=True)),
    ("pas_de_certification", dict(formations=[FORMATION_LIBRE]),
     dict(critere_certification=False)),
    ("progression_par_evolution",
     dict(evolutions=[dict(date="2024-09-01", nature="salariale")]),
     dict(critere_progression=True)),
    ("evolution_apres_la_fenetre", dict(evolutions=[dict(date="2028-02-01", nature="salariale")]),
     dict(critere_progression=False)),
    ("regime_2014_trois_entretiens_prevus", dict(regime="2014", au=AU),
     dict(entretiens_prevus=3, edl_debut="2020-01-10", edl_fin="2026-01-10")),
    ("regime_2014_fenetre_depuis_l_embauche_un_29_fevrier",
     dict(regime="2014", salarie=dict(date_entree="2016-02-29"), au="2022-03-01"),
     dict(edl_debut="2016-02-29", edl_fin="2022-02-28")),
    ("fenetre_depuis_l_etat_des_lieux_des_6_ans",
     dict(salarie=dict(date_entree="2018-11-15"), au="2032-12-01"),
     dict(entretiens_prevus=2, edl_debut="2024-11-15", edl_fin="2032-11-15")),
    ("accord_24_mois_quatre_entretiens_prevus", dict(periodicite=24),
     dict(entretiens_prevus=4)),
    ("trimestre_suivant_31_mars", dict(salarie=dict(date_entree="2020-03-31"), au="2028-04-01"),
     dict(date_limite_versement="2028-06-30")),
    ("trimestre_suivant_1er_avril", dict(salarie=dict(date_entree="2020-04-01"), au="2028-04-02"),
     dict(date_limite_versement="2028-09-30")),
    ("trimestre_suivant_31_decembre", dict(salarie=dict(date_entree="2019-12-31")),
     dict(date_limite_versement="2028-03-31")),
    # R6323-3 modifié par le décret n° 2026-39 : le trimestre qui suit l'entretien tenu.
    ("versement_suit_l_etat_des_lieux_tenu", dict(entretiens=[P("2027-05-15", "etat_des_lieux")]),
     dict(entretiens_realises=1, abondement_correctif=True, date_limite_versement="2027-09-30")),
    ("versement_suit_l_etat_des_lieux_tenu_en_retard",
     dict(entretiens=[P("2028-02-20", "etat_des_lieux")]),
     dict(abondement_correctif=True, date_limite_versement="2028-06-30")),
    ("versement_suit_le_premier_etat_des_lieux_de_la_fenetre",
     dict(entretiens=[P("2027-12-20", "etat_des_lieux"), P("2028-02-20", "etat_des_lieux")]),
     dict(entretiens_realises=1, abondement_correctif=True, date_limite_versement="2028-03-31")),
]  # fmt: skip


@pytest.mark.parametrize("donnees,attendu", [pytest.param(d, a, id=i) for i, d, a in CHIFFRES])
def test_chiffres_etat_des_lieux(donnees, attendu):
    donnees = {"au": AU_2028, **donnees}
    donnees["salarie"] = {**EDL, **donnees.get("salarie", {})}
    obligations = calculer(**donnees)
    edl = obligations[obligations["type"] == "etat_des_lieux"].sort_values("echeance")
    # Un état des lieux honoré est suivi du prochain, à venir (sans chiffres).
    assert len(edl) == 1 + edl["honoree"].iloc[0]
    ligne = edl.iloc[0]
    for colonne, valeur in attendu.items():
        if colonne in ("date_limite_versement", "edl_debut", "edl_fin"):
            valeur = pd.NaT if valeur is None else pd.Timestamp(valeur)
            assert (pd.isna(ligne[colonne]) and pd.isna(valeur)) or ligne[colonne] == valeur
        else:
            assert ligne[colonne] == valeur, colonne


def test_etat_des_lieux_au_dela_de_l_horizon_sans_chiffres():
    obligations = calculer(salarie=dict(date_entree="2025-04-15"), effectif=50)
    (edl,) = obligations[obligations["type"] == "etat_des_lieux"].to_dict("records")
    assert edl["statut"] == "a_venir" and edl["entretiens_prevus"] == 2
    assert edl["edl_debut"] == pd.Timestamp("2025-04-15")
    for colonne in ("entretiens_realises", "abondement_correctif", "montant_abondement",
                    "critere_formation", "date_limite_versement"):  # fmt: skip
        assert pd.isna(edl[colonne]), colonne


def test_colonnes_de_detail_vides_hors_etat_des_lieux():
    obligations = calculer(salarie=EDL, absences=[MATERNITE])
    autres = obligations[obligations["type"] != "etat_des_lieux"]
    assert autres["montant_abondement"].isna().all()
    assert autres["abondement_correctif"].isna().all()
    assert autres["date_limite_versement"].isna().all()
    assert obligations.loc[obligations["type"] != "retour", "reprise"].isna().all()
    assert str(obligations["echeance"].dtype) == "datetime64[ns]"


# --- motifs -------------------------------------------------------------------------------


def test_motif_periodique():
    obligations = calculer(entretiens=[P("2024-03-01")])
    assert obligations.loc[obligations["type"] == "periodique", "motif"].tolist() == [
        "Dernier entretien le 01/03/2024 ; périodicité 48 mois (art. L6315-1 I, loi n° 2025-989)"
    ]


def test_motif_periodique_ancien_delai_echu():
    obligations = calculer(entretiens=[P("2022-12-15")])
    assert obligations.loc[obligations["type"] == "periodique", "motif"].tolist() == [
        "Dernier entretien le 15/12/2022 : entretien dû le 15/12/2024 (ancien délai de 24 mois), "
        "échu avant l'entrée en vigueur de la loi n° 2025-989 le 26/10/2025 : le manquement "
        "demeure (art. L6315-1 I C. trav. ; art. 2222 C. civ.)"
    ]


@pytest.mark.parametrize(
    "entree,motif",
    [
        ("2025-11-03", "Embauche le 03/11/2025 : premier entretien dans l'année suivant "
         "l'embauche (art. L6315-1 I, loi n° 2025-989)"),
        ("2025-02-03", "Embauche le 03/02/2025, avant l'entrée en vigueur de la loi n° 2025-989 "
         ": premier entretien dû le 26/10/2026, un an après le 26/10/2025 (le délai raccourci "
         "court de l'entrée en vigueur sans dépasser les deux ans de l'ancien régime ; art. "
         "L6315-1 I C. trav., art. 2222 al. 2 C. civ.)"),
        ("2024-07-01", "Embauche le 01/07/2024, avant l'entrée en vigueur de la loi n° 2025-989 "
         ": premier entretien dû le 01/07/2026, deux ans après l'embauche (l'ancien délai finit "
         "avant le 26/10/2026 ; art. L6315-1 I C. trav., art. 2222 al. 2 C. civ.)"),
        ("2023-02-03", "Embauche le 03/02/2023, aucun entretien depuis : premier entretien dû le "
         "03/02/2025 sous l'ancien régime (deux ans après l'embauche), échu avant l'entrée en "
         "vigueur de la loi n° 2025-989 le 26/10/2025 : le manquement demeure (art. L6315-1 I C. "
         "trav. ; art. 2222 C. civ.)"),
        ("2012-02-03", "Embauche le 03/02/2012, aucun entretien depuis : premier entretien dû le "
         "07/03/2016 sous l'ancien régime (au plus tôt le 07/03/2016, deux ans après la loi n° "
         "2014-288), échu avant l'entrée en vigueur de la loi n° 2025-989 le 26/10/2025 : le "
         "manquement demeure (art. L6315-1 I C. trav. ; art. 2222 C. civ.)"),
    ],
)  # fmt: skip
def test_motif_premier(entree, motif):
    obligations = calculer(salarie=dict(date_entree=entree))
    assert obligations.loc[obligations["type"] == "premier", "motif"].tolist() == [motif]


CHAINE = [
    dict(motif="maternite", date_debut="2025-01-06", date_fin="2025-05-04"),
    dict(motif="conge_parental", date_debut="2025-05-05", date_fin="2026-01-31"),  # samedi
    dict(motif="conges_payes", date_debut="2026-02-02", date_fin="2026-02-13"),  # lundi
]


@pytest.mark.parametrize(
    "donnees,type_,morceaux",
    [
        (dict(entretiens=[P("2024-04-10")], periodicite=36), "periodique",
         ["10/04/2024", "périodicité 36 mois fixée par accord collectif"]),
        (dict(regime="2014", entretiens=[P("2024-04-10")]), "periodique",
         ["périodicité 24 mois", "(art. L6315-1 I, loi n° 2014-288)"]),
        (dict(regime="2014", salarie=dict(date_entree="2013-01-15")), "periodique",
         ["Embauche le 15/01/2013, aucun entretien depuis ; périodicité 24 mois",
          "au plus tôt le 07/03/2016"]),
        (dict(absences=[MATERNITE]), "retour",
         ["Retour de congé de maternité", "16/03/2026", "12 mois", "30 jours",
          "(art. L6315-1 I, loi n° 2025-989)"]),
        (dict(absences=CHAINE), "retour",
         ["Retour de congé de maternité : reprise le 14/02/2026 au terme d'absences enchaînées "
          "(congé de maternité, congé parental d'éducation, congés payés) ; "]),
        (dict(absences=[*CHAINE, dict(motif="maladie", date_debut="2026-02-14",
                                      date_fin="2026-02-20")]), "retour",
         ["au terme d'absences enchaînées (congé de maternité, congé parental d'éducation, "
          "congés payés, autre absence) ; "]),
        (dict(absences=[dict(motif="conge_naissance", date_debut="2026-01-05",
                             date_fin="2026-02-27")]), "retour",
         ["Retour de congé supplémentaire de naissance (art. L1225-46-2) : reprise le "
          "28/02/2026"]),
        (dict(absences=[dict(motif="maternite", date_debut="2025-01-10", date_fin="2025-08-31")]),
         "retour", ["proposé systématiquement",
                    "(art. L6315-1 I, rédaction antérieure à la loi n° 2025-989)"]),
        (dict(salarie=dict(date_naissance="1981-06-15")), "mi_carriere",
         ["non renseignée", "2026", "28/02/2027", "L4624-2-2 et L6315-1 IV, loi n° 2025-989"]),
        (dict(salarie=dict(date_visite_mi_carriere="2026-01-20")), "mi_carriere",
         ["20/01/2026", "deux mois", "L4624-2-2 et L6315-1 IV"]),
        (dict(salarie=dict(date_naissance="1966-04-10")), "avant_60",
         ["60 ans le 10/04/2026", "maintien dans l'emploi", "fin de carrière",
          "(art. L6315-1 V, loi n° 2025-989)"]),
        (dict(salarie=dict(date_naissance="1965-12-10")), "avant_60",
         ["60 ans le 10/12/2025 : aucun entretien dans les deux ans précédant ; l'entretien "
          "avant 60 ans ne peut plus être tenu (art. L6315-1 V, loi n° 2025-989)"]),
        (dict(salarie=dict(date_entree="2020-04-15"), effectif=50, au=AU_2028), "etat_des_lieux",
         ["15/04/2028", "abondement correctif encouru si rien ne change", "30/09/2028"]),
        (dict(salarie=dict(date_entree="2025-04-15")), "etat_des_lieux",
         ["8 ans d'ancienneté", "prévu le 15/04/2033", "du 15/04/2025 au 15/04/2033"]),
        (dict(salarie=dict(date_entree="2018-11-15")), "etat_des_lieux",
         ["État des lieux récapitulatif des 14 ans d'ancienneté (entrée le 15/11/2018 ; 8 ans "
          "après celui des 6 ans, échu le 15/11/2024 sous l'ancien régime) prévu le 15/11/2032, "
          "sur la période du 15/11/2024 au 15/11/2032"]),
        (dict(salarie=EDL, effectif=50, au=AU_2028), "etat_des_lieux",
         ["État des lieux récapitulatif des 8 ans", "entrée le 10/01/2020",
          "0 entretien(s) sur 2", "abondement correctif dû (effectif d'au moins 50 salariés au "
          "sens de l'art. L130-1 CSS) : 3 000 €", "au plus tard le 30/06/2028 (",
          "(art. L6315-1 II, L6323-13 et R6323-3 C. trav., loi n° 2025-989, décret n° 2026-39)"]),
        (dict(salarie=dict(date_entree="2020-01-10"), regime="2014", effectif=50), "etat_des_lieux",
         ["des 6 ans d'ancienneté (entrée le 10/01/2020)",
          "(art. L6315-1 II, L6323-13 et R6323-3 C. trav., loi n° 2014-288)"]),
    ],
)  # fmt: skip
def test_motifs_expliquent_le_calcul(donnees, type_, morceaux):
    obligations = calculer(**donnees)
    (motif,) = obligations.loc[obligations["type"] == type_, "motif"].tolist()
    for morceau in morceaux:
        assert morceau in motif


def test_motif_de_l_abondement_apres_l_etat_des_lieux_tenu():
    obligations = calculer(
        salarie=EDL, au=AU_2028, entretiens=[P("2027-05-15", "etat_des_lieux")], effectif=50
    )
    edl = obligations[obligations["type"] == "etat_des_lieux"].sort_values("echeance")
    assert edl["statut"].tolist() == ["honoree", "a_venir"]
    assert (
        "au plus tard le 30/09/2027, trimestre qui suit l'état des lieux tenu le 15/05/2027 ("
        in edl["motif"].iloc[0]
    )


# --- mois(d, n) = DateOffset(months=n) ----------------------------------------------------


@pytest.mark.parametrize(
    "jour,n",
    [("2024-01-31", 1), ("2023-01-31", 1), ("2024-02-29", 12), ("2024-02-29", -12),
     ("2024-02-29", 48), ("2025-03-31", -1), ("2025-08-31", 1), ("1999-12-31", 2),
     ("2026-05-15", -720), ("1966-04-10", 720), ("1960-02-29", 1)],
)  # fmt: skip
def test_ajouter_mois_comme_dateoffset(jour, n):
    attendu = pd.Timestamp(jour) + pd.DateOffset(months=n)
    obtenu = ajouter_mois(np.array([jour], dtype="datetime64[D]"), n)[0]
    assert pd.Timestamp(obtenu) == attendu


def test_ajouter_mois_exhaustif_sur_deux_siecles():
    jours = np.arange(np.datetime64("1896-01-01"), np.datetime64("2104-12-31"))
    index = pd.DatetimeIndex(jours.astype("datetime64[ns]"))
    for n in (1, -1, 2, 12, -12, 24, -24, 25, 48, 72, 96, -96, 720):
        attendu = (index + pd.DateOffset(months=n)).to_numpy().astype("datetime64[D]")
        assert (ajouter_mois(jours, n) == attendu).all(), n


@pytest.mark.parametrize(
    "jour", ["1500-01-31", "1699-12-31", "1700-01-31", "2299-12-31", "2496-02-29", "2024-02-29"]
)
@pytest.mark.parametrize("n", [1, -1, -2, 12, 720, -720])
def test_ajouter_mois_hors_des_tables_du_calendrier(jour, n):
    # Au-delà de 1700-2299 le calcul passe par l'arithmétique : comparé à la référence.
    obtenu = ajouter_mois(np.array([jour], dtype="datetime64[D]"), n)[0]
    assert obtenu.astype(object) == ajouter_mois_reference(date.fromisoformat(jour), n)


def test_ajouter_mois_conserve_nat():
    jours = np.array(["NaT", "2024-01-31"], dtype="datetime64[D]")
    resultat = ajouter_mois(jours, np.array([1, 1]))
    assert np.isnat(resultat[0]) and resultat[1] == np.datetime64("2024-02-29")


# --- liste des échéances et résumé ---------------------------------------------------------


@pytest.fixture
def registre_liste():
    return registre_de_test(
        salaries=[
            dict(matricule="0002", nom="Bé", prenom="Zoé", service="Atelier",
                 matricule_manager="0001", date_entree="2024-04-15"),
            dict(matricule="0001", nom="Àlain", prenom="Marc", service="Direction",
                 date_entree="2024-04-09", date_naissance="1966-04-10"),
            dict(matricule="0003", nom="Cé", prenom="Luc", date_entree="2018-11-15",
                 date_naissance="1981-06-15"),
            # 60 ans le 01/01/2026, sans entretien : « manquée », jamais listée.
            dict(matricule="0004", nom="Dé", prenom="Léa", date_entree="2026-01-05",
                 date_naissance="1966-01-01"),
        ],
        entretiens=[dict(matricule="0003", date="2025-06-01", type="periodique"),
                    dict(matricule="0003", date="2026-01-05", type="mi_carriere")],
    )  # fmt: skip


def test_lister_echeances_filtre_trie_et_joint(registre_liste):
    obligations = calculer_obligations(registre_liste, date(2026, 3, 2), Regles(), 120)
    liste = lister_echeances(obligations, registre_liste)
    assert list(liste.columns[:7]) == [
        "matricule", "nom", "prenom", "type", "motif", "echeance", "statut"
    ]  # fmt: skip
    assert {"service", "matricule_manager", "montant_abondement", "debut_absence"} <= set(
        liste.columns
    )
    assert list(zip(liste.matricule, liste.type, liste.statut, strict=True)) == [
        ("0001", "premier", "a_planifier"),  # 09/04/2026 : même jour, ordre des types
        ("0001", "avant_60", "a_planifier"),  # 09/04/2026
        ("0002", "premier", "a_planifier"),  # 15/04/2026
    ]
    assert liste.loc[2, "nom"] == "Bé" and liste.loc[2, "matricule_manager"] == "0001"
    assert liste.loc[0, "service"] == "Direction"


def test_lister_echeances_tout_ajoute_les_a_venir_jamais_les_honorees(registre_liste):
    obligations = calculer_obligations(registre_liste, date(2026, 3, 2), Regles(), 120)
    liste = lister_echeances(obligations, registre_liste, tout=True)
    assert set(liste.statut) == {"a_planifier", "a_venir"}
    assert {"honoree", "manquee"} <= set(obligations.statut)  # mi-carrière de 0003, 0004
    edl = liste[(liste.matricule == "0003") & (liste.type == "etat_des_lieux")]
    assert edl.echeance.tolist() == [pd.Timestamp("2032-11-15")]
    assert liste.echeance.is_monotonic_increasing
    assert set(liste.matricule) == {"0001", "0002", "0003", "0004"}
    assert "avant_60" not in set(liste.loc[liste.matricule == "0004", "type"])


def test_lister_echeances_retrie_une_entree_melangee(registre_liste):
    obligations = calculer_obligations(registre_liste, date(2026, 3, 2), Regles(), 120)
    melangees = obligations.sample(frac=1, random_state=3)
    attendu = lister_echeances(obligations, registre_liste, tout=True)
    obtenu = lister_echeances(melangees, registre_liste, tout=True)
    pd.testing.assert_frame_equal(obtenu, attendu)


def test_resumer(registre_liste):
    obligations = calculer_obligations(registre_liste, date(2026, 3, 2), Regles(), 120)
    resume = resumer(lister_echeances(obligations, registre_liste))
    assert resume == {
        "total": 3,
        "par_statut": {"a_planifier": 3},
        "par_type": {"premier": 2, "avant_60": 1},
    }


@pytest.mark.parametrize(
    "regles,horizon,message",
    [
        (Regles(periodicite_mois=60), None, "ne peut pas dépasser 48 mois"),
        (Regles(regime="2020"), None, "lu : '2020'"),
        (Regles(regime="2014", periodicite_mois=-6), None, "entre 1 et 120 mois"),
        (Regles(regime="2014", periodicite_mois=500), None, "entre 1 et 120 mois"),
        (Regles(delai_retour_jours=400), None, "entre 0 et 365"),
        (Regles(), -1, "« regles.horizon_jours » doit être compris entre 0 et 3650"),
    ],
)
def test_parametres_impossibles(regles, horizon, message):
    with pytest.raises(ErreurEntretiens) as erreur:
        calculer_obligations(registre_de_test(), date(2026, 3, 2), regles, 120, horizon)
    assert message in str(erreur.value)
    # Le moteur refuse ce que parametres.toml refuse, avec les mêmes phrases.
    if horizon is not None:
        regles = dataclasses.replace(regles, horizon_jours=horizon)
    with pytest.raises(ErreurEntretiens) as depuis_le_fichier:
        depuis_dict({"regles": dataclasses.asdict(regles)})
    assert [(a.code, a.message) for a in erreur.value.anomalies] == [
        (a.code, a.message) for a in depuis_le_fichier.value.erreurs
    ]


def test_horizon_par_defaut_vient_des_regles():
    registre = registre_de_test(
        salaries=[_salarie()], entretiens=[dict(matricule="A1", date="2024-04-10")]
    )
    au = date(2028, 3, 2)  # échéance périodique : 10/04/2028, à 39 jours
    court = calculer_obligations(registre, au, Regles(horizon_jours=30), 120)
    long = calculer_obligations(registre, au, Regles(horizon_jours=30), 120, horizon_jours=39)
    assert lignes(court, "periodique") == [("2028-04-10", "a_venir")]
    assert lignes(long, "periodique") == [("2028-04-10", "a_planifier")]


def test_registre_vide():
    registre = registre_de_test()
    obligations = calculer_obligations(registre, date(2026, 3, 2), Regles(), 120)
    assert obligations.empty and "motif" in obligations.columns
    assert lister_echeances(obligations, registre).empty
    assert resumer(lister_echeances(obligations, registre))["total"] == 0


@pytest.mark.parametrize(
    "motif,regime",
    [
        (m, r)
        for m in MOTIFS
        if m.retour
        for r in ("2025", "2014")
        if not m.regimes or r in m.regimes
    ],
    ids=lambda x: x if isinstance(x, str) else x.code,
)
def test_le_motif_du_retour_vient_de_sa_declaration(motif: Motif, regime: str) -> None:
    # Un motif est déclaré une fois (schema.MOTIFS), avec le début de phrase du retour.
    obligations = calculer(absences=[dict(MATERNITE, motif=motif.code)], regime=regime)
    retour = obligations[obligations["type"] == "retour"]
    assert retour["motif"].tolist()[0].startswith(f"{motif.retour} : reprise le 16/03/2026 ; ")


@pytest.mark.parametrize(("regime", "attendu"), [("2025", 1), ("2014", 0)])
def test_un_motif_declare_pour_un_seul_regime(monkeypatch, regime: str, attendu: int) -> None:
    # Un motif déclencheur d'un seul régime (ex. congé supplémentaire de naissance) : une
    # ligne de schema.MOTIFS suffit, le moteur en tient compte.
    essai = Motif("essai", "Essai", "essai", retour="Retour d'essai", regimes=("2025",))
    monkeypatch.setattr(schema, "MOTIFS", (*schema.MOTIFS, essai))
    obligations = calculer(absences=[dict(MATERNITE, motif="essai")], regime=regime)
    retour = obligations[obligations["type"] == "retour"]
    assert len(retour) == attendu
    assert all(m.startswith("Retour d'essai : ") for m in retour["motif"])
