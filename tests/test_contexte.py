"""Contextes des modèles Word : valeurs françaises, rubriques conditionnelles, verdict EdL."""

from __future__ import annotations

import dataclasses
from datetime import date

import docx
import jinja2
import jinja2.sandbox
import pandas as pd
import pytest
from docxtpl import DocxTemplate
from reference_regles import registre_de_test

from pipeline.config import Parametres, Regles
from pipeline.contexte import contexte_conducteur, contexte_salarie
from pipeline.exemples import exemple_contexte_salarie
from pipeline.formats import date_courte, date_longue, duree_fr, heure_fr, montant_fr
from pipeline.modeles import DOSSIER_MODELES, MODELES, aplatir, variables_par_modele
from pipeline.regles import (
    MONTANT_ABONDEMENT,
    SEUIL_EFFECTIF_ABONDEMENT,
    calculer_obligations,
    est_certification,
    lister_echeances,
)

AU = date(2026, 11, 27)
NBSP = "\u00a0"


def _espaces(texte: str) -> str:
    return texte.replace(NBSP, " ").replace("\u202f", " ")


def parametres(regime: str = "2025", effectif: int = 120, **entreprise) -> Parametres:
    base = Parametres()
    return dataclasses.replace(
        base,
        regles=dataclasses.replace(base.regles, regime=regime),
        entreprise=dataclasses.replace(base.entreprise, effectif=effectif, **entreprise),
    )


class Registre:
    """Tables minimales au format de `pipeline.registre` (dates en datetime64)."""

    def __init__(self, entretiens=(), absences=(), formations=(), evolutions=(), salaries=()):
        self.salaries = pd.DataFrame(
            list(salaries),
            columns=["matricule", "nom", "prenom", "poste"],
        )
        self.entretiens = pd.DataFrame(
            list(entretiens), columns=["matricule", "date", "type", "conduit_par", "commentaire"]
        )
        self.absences = pd.DataFrame(
            list(absences),
            columns=[
                "matricule",
                "motif",
                "libelle_motif",
                "date_debut",
                "date_fin",
                "date_reprise",
            ],
        )
        self.formations = pd.DataFrame(
            list(formations),
            columns=["matricule", "intitule", "date", "obligatoire", "certifiante"],
        )
        self.evolutions = pd.DataFrame(
            list(evolutions), columns=["matricule", "date", "nature", "commentaire"]
        )
        for table in (self.entretiens, self.absences, self.formations, self.evolutions):
            for col in table.columns:
                if col.startswith("date"):
                    table[col] = pd.to_datetime(table[col])


SALARIE = {
    "matricule": "00042",
    "civilite": "Mme",
    "nom": "Dupont & Fils <SARL>",
    "prenom": "Anaïs-Éloïse",
    "email": "a@b.fr",
    "poste": "Cheffe d'équipe",
    "service": "R&D",
    "etablissement": "",
    "adresse": "1 place Bellecour",
    "code_postal": "69002",
    "ville": "Lyon",
    "date_naissance": pd.Timestamp("1980-05-10"),
    "date_entree": pd.Timestamp("2015-03-01"),
    "date_sortie": pd.NaT,
    "date_visite_mi_carriere": pd.NaT,
    "matricule_manager": "",
    "autres": {"Coefficient": "250", "Site": "Nord"},
}

ENTRETIEN = {
    "matricule": "00042",
    "conducteur": "Claire Martin",
    "matricule_conducteur": "",
    "email_conducteur": "rh@exemple.fr",
    "date": pd.Timestamp("2026-12-08"),
    "heure": "14:00",
    "fin": "15:30",
    "duree_minutes": 90,
    "lieu": "Salle « Rhône »",
    "types": "periodique",
    "motifs": "x",
    "statut": "en_retard",
}


def obligation(type_: str, **details) -> dict:
    ligne = {
        "matricule": "00042",
        "nom": SALARIE["nom"],
        "prenom": SALARIE["prenom"],
        "type": type_,
        "motif": f"Motif {type_} (art. L6315-1)",
        "echeance": pd.Timestamp("2026-12-15"),
        "statut": "a_planifier",
    }
    ligne.update(details)
    return ligne


def ctx(lignes, regime="2025", effectif=120, registre=None, entretien=ENTRETIEN, salarie=SALARIE):
    return contexte_salarie(
        salarie,
        pd.DataFrame(lignes),
        entretien,
        registre or Registre(),
        parametres(regime, effectif),
        AU,
    )


# --- mise en forme ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [
        (date(2026, 12, 8), "mardi 8 décembre 2026"),
        (date(2026, 12, 1), "mardi 1er décembre 2026"),
        (date(2027, 2, 28), "dimanche 28 février 2027"),
        (pd.Timestamp("2026-08-15"), "samedi 15 août 2026"),
        (pd.NaT, ""),
        (None, ""),
    ],
)
def test_date_longue_en_francais(jour, attendu):
    assert date_longue(jour) == attendu


def test_formats_courts():
    assert date_courte(pd.Timestamp("2026-03-05")) == "05/03/2026"
    assert heure_fr("09:00") == "9 h 00"
    assert heure_fr("14:45") == "14 h 45"
    assert duree_fr(90) == "1 h 30"
    assert duree_fr(60) == "1 h"
    assert duree_fr(120) == "2 h"
    assert duree_fr(45) == "45 min"
    assert _espaces(montant_fr(3000)) == "3 000 €"
    assert _espaces(montant_fr(12500)) == "12 500 €"


# --- salarié --------------------------------------------------------------------------


def test_valeurs_speciales_transmises_telles_quelles():
    c = ctx([obligation("periodique")])
    # L'échappement XML est l'affaire du rendu (autoescape), pas du contexte.
    assert c["salarie"]["nom"] == "Dupont & Fils <SARL>"
    assert c["salarie"]["nom_complet"] == "Anaïs-Éloïse Dupont & Fils <SARL>"
    assert c["salarie"]["destinataire"] == "Mme Anaïs-Éloïse Dupont & Fils <SARL>"
    assert c["salarie"]["service"] == "R&D"
    assert c["salarie"]["formule_appel"] == "Madame,"
    assert c["salarie"]["autres"] == {"Coefficient": "250", "Site": "Nord"}
    assert c["salarie"]["date_entree_longue"] == "1er mars 2015"
    assert c["salarie"]["anciennete"] == "11 ans et 8 mois"
    assert c["entretien"]["lieu"] == "Salle « Rhône »"


def test_civilite_inconnue_formule_neutre():
    c = ctx([obligation("periodique")], salarie={**SALARIE, "civilite": ""})
    assert c["salarie"]["formule_appel"] == "Madame, Monsieur,"
    assert c["salarie"]["destinataire"] == "Anaïs-Éloïse Dupont & Fils <SARL>"


def test_entretien_date_heure_conducteur_rh():
    c = ctx([obligation("periodique")])
    e = c["entretien"]
    assert (e["date_longue"], e["date_courte"]) == ("mardi 8 décembre 2026", "08/12/2026")
    assert (e["heure"], e["fin"], e["duree"]) == ("14 h 00", "15 h 30", "1 h 30")
    assert e["conducteur"] == "Claire Martin"
    assert e["fonction_conducteur"] == "Responsable des ressources humaines"
    assert c["fait_a"] == "Lyon"
    assert c["date_lettre_longue"] == "vendredi 27 novembre 2026"


def test_conducteur_manager_prend_son_poste():
    registre = Registre(salaries=[("00007", "Benoît", "François", "Directeur d'usine")])
    entretien = {**ENTRETIEN, "conducteur": "François Benoît", "matricule_conducteur": "00007"}
    c = ctx([obligation("periodique")], registre=registre, entretien=entretien)
    assert c["entretien"]["fonction_conducteur"] == "Directeur d'usine"


def test_sans_planning_les_champs_existent_vides():
    c = ctx([obligation("periodique")], entretien=None)
    assert c["entretien"]["planifie"] is False
    assert c["entretien"]["date_longue"] == ""
    assert c["entretien"]["lieu"] == ""


DRAPEAUX = ["est_premier", "est_periodique", "est_retour", "est_etat_des_lieux",
            "est_mi_carriere", "est_avant_60"]  # fmt: skip


@pytest.mark.parametrize(
    ("type_", "drapeau"),
    [
        ("premier", "est_premier"),
        ("periodique", "est_periodique"),
        ("retour", "est_retour"),
        ("etat_des_lieux", "est_etat_des_lieux"),
        ("mi_carriere", "est_mi_carriere"),
        ("avant_60", "est_avant_60"),
    ],
)
def test_un_drapeau_par_type(type_, drapeau):
    c = ctx([obligation(type_)])
    assert c[drapeau] is True
    assert [d for d in DRAPEAUX if c[d]] == [drapeau]
    assert len(c["motifs"]) == 1
    assert c["motifs"][0]["motif"] == f"Motif {type_} (art. L6315-1)"
    assert c["motifs"][0]["echeance_longue"] == "15 décembre 2026"
    assert c["motifs"][0]["statut"] == "à planifier"


def test_libelles_des_motifs_et_ordre_par_echeance():
    c = ctx(
        [
            obligation("etat_des_lieux", echeance=pd.Timestamp("2027-01-10")),
            obligation("periodique", echeance=pd.Timestamp("2026-10-01"), statut="en_retard"),
        ]
    )
    assert [m["libelle"] for m in c["motifs"]] == [
        "Entretien périodique",
        "État des lieux récapitulatif du parcours professionnel",
    ]
    assert c["motifs"][0]["statut"] == "en retard"


def test_retour_de_conge_libelle_et_reprise():
    registre = Registre(
        absences=[
            ("00042", "maternite", "Congé de maternité", "2026-03-01", "2026-08-31", None),
            ("00042", "maladie", "Maladie", "2024-01-08", "2024-01-12", None),
        ]
    )
    c = ctx(
        [obligation("retour", reprise=pd.Timestamp("2026-09-01"), motif_absence="maternite")],
        registre=registre,
    )
    assert c["retour"]["libelle"] == "congé de maternité"
    assert c["retour"]["reprise_longue"] == "1er septembre 2026"
    assert c["retour"]["debut_longue"] == "1er mars 2026"
    assert c["motifs"][0]["libelle"] == "Entretien de retour : congé de maternité"
    # L'arrêt maladie (donnée de santé, sans effet légal) n'apparaît pas dans l'historique.
    assert [a["libelle"] for a in c["historique"]["absences"]] == ["Congé de maternité"]


def test_historique_ignore_le_futur_et_garde_le_dernier():
    registre = Registre(
        entretiens=[
            ("00042", "2020-02-03", "periodique", "Paul Roux", ""),
            ("00042", "2022-06-14", "retour", "Paul Roux", ""),
            ("00042", "2027-01-05", "periodique", "Paul Roux", ""),  # après --au : ignoré
            ("00099", "2025-01-01", "periodique", "X", ""),  # autre salarié
        ],
        formations=[("00042", "Sécurité & <incendie>", "2023-05-02", True, False)],
        evolutions=[("00042", "2024-01-01", "professionnelle", "Chef d'équipe")],
    )
    c = ctx([obligation("periodique")], registre=registre)
    h = c["historique"]
    assert h["a_deja_eu_entretien"] is True
    assert h["dernier_entretien"]["date_longue"] == "14 juin 2022"
    assert h["dernier_entretien"]["type_libelle"] == "Entretien de retour de congé"
    assert [e["date_courte"] for e in h["entretiens"]] == ["03/02/2020", "14/06/2022"]
    assert h["formations"][0]["intitule"] == "Sécurité & <incendie>"
    assert h["formations"][0]["obligatoire"] == "oui"
    assert h["evolutions"][0]["nature"] == "professionnelle"


def test_sans_historique():
    c = ctx([obligation("premier")])
    assert c["historique"]["a_deja_eu_entretien"] is False
    assert c["historique"]["dernier_entretien"]["date_longue"] == ""
    assert c["historique"]["formations"] == []


# --- régimes --------------------------------------------------------------------------


def test_libelle_regime_2025():
    c = ctx([obligation("periodique")], regime="2025")
    assert c["intitule_entretien"] == "entretien de parcours professionnel"
    assert c["intitule_entretien_maj"] == "Entretien de parcours professionnel"
    assert "2025-989" in c["reference_legale"]
    assert any("reconversion" in t for t in c["themes_obligatoires"])


def test_libelle_regime_2014_sans_mi_carriere_ni_avant_60():
    c = ctx([obligation("periodique"), obligation("mi_carriere"), obligation("avant_60")],
            regime="2014")  # fmt: skip
    assert c["intitule_entretien"] == "entretien professionnel"
    assert c["intitule_entretien_maj"] == "Entretien professionnel"
    assert "2025-989" not in c["reference_legale"]
    assert c["est_mi_carriere"] is False and c["est_avant_60"] is False
    assert c["cycle_etat_des_lieux_ans"] == 6
    assert c["periodicite_mois"] == 24


# --- état des lieux et abondement correctif ------------------------------------------


def edl(**details) -> dict:
    base = {
        "echeance": pd.Timestamp("2026-11-15"),
        "statut": "en_retard",
        "edl_debut": pd.Timestamp("2018-11-15"),
        "edl_fin": pd.Timestamp("2026-11-15"),
        "entretiens_realises": 1,
        "entretiens_prevus": 2,
        "formation_non_obligatoire": False,
        "critere_formation": True,
        "critere_certification": False,
        "critere_progression": True,
        "abondement_correctif": False,
        "montant_abondement": 0,
        "date_limite_versement": pd.NaT,
    }
    base.update(details)
    return obligation("etat_des_lieux", **base)


def test_edl_effectif_50_abondement_du():
    c = ctx(
        [
            edl(
                abondement_correctif=True,
                montant_abondement=3000,
                date_limite_versement=pd.Timestamp("2027-03-31"),
            )
        ],
        effectif=50,
    )
    e = c["etat_des_lieux"]
    assert e["abondement"] is True
    assert _espaces(e["montant"]) == "3 000 €"
    assert e["date_limite_versement_longue"] == "31 mars 2027"
    verdict = _espaces(e["verdict"])
    assert "3 000 €" in verdict
    assert "31 mars 2027" in verdict
    assert "Caisse des dépôts" in verdict
    assert "50 salariés" in verdict
    assert "1 entretien sur les 2 prévus" in verdict
    assert (e["critere_formation"], e["critere_certification"]) == ("oui", "non")
    assert (e["debut_longue"], e["fin_longue"]) == ("15 novembre 2018", "15 novembre 2026")


def test_edl_effectif_49_rien_n_est_du():
    c = ctx([edl(abondement_correctif=False)], effectif=49)
    e = c["etat_des_lieux"]
    assert e["abondement"] is False
    assert e["date_limite_versement_longue"] == ""
    assert "49 salariés, moins de 50" in e["verdict"]
    assert "aucun abondement correctif n'est dû" in e["verdict"]
    assert "Caisse des dépôts" not in e["verdict"]


def test_edl_entretiens_tenus():
    c = ctx([edl(entretiens_realises=2, entretiens_prevus=2)], effectif=300)
    verdict = c["etat_des_lieux"]["verdict"]
    assert "a bénéficié des entretiens prévus" in verdict
    assert "(2 sur 2)" in verdict
    assert "aucun abondement correctif n'est dû" in verdict


def test_edl_formation_non_obligatoire_suivie():
    c = ctx([edl(entretiens_realises=0, formation_non_obligatoire=True)], effectif=120)
    verdict = c["etat_des_lieux"]["verdict"]
    assert "aucun des 2 entretiens prévus n'a eu lieu" in verdict
    assert "formation non obligatoire" in verdict
    assert "cumulatifs" in verdict
    assert "aucun abondement correctif n'est dû" in verdict
    assert c["etat_des_lieux"]["formation_non_obligatoire"] == "oui"


def test_edl_date_limite_reprise_du_moteur_sans_recalcul():
    # Une date que la règle du trimestre ne donnerait jamais : le document la recopie.
    c = ctx([edl(abondement_correctif=True, montant_abondement=MONTANT_ABONDEMENT,
                 date_limite_versement=pd.Timestamp("2027-05-12"))])  # fmt: skip
    e = c["etat_des_lieux"]
    assert e["date_limite_versement_longue"] == "12 mai 2027"
    assert e["date_limite_versement_courte"] == "12/05/2027"
    assert "au plus tard le 12 mai 2027" in e["verdict"]


def test_edl_sans_date_limite_le_document_cite_la_regle():
    # Ligne sans date limite (construite à la main) : rien n'est recalculé, la règle est citée.
    c = ctx([edl(abondement_correctif=True, montant_abondement=MONTANT_ABONDEMENT)])
    e = c["etat_des_lieux"]
    regle = "dernier jour du trimestre civil qui suit l'entretien d'état des lieux"
    assert e["date_limite_versement_longue"] == regle
    assert e["date_limite_versement_courte"] == "fin du trimestre civil suivant"
    assert f"au plus tard le {regle} (" in e["verdict"]
    assert "2027" not in e["verdict"]


def test_edl_montant_par_defaut_est_la_constante():
    # Sans montant sur la ligne, le verdict cite le montant légal défini une fois (regles).
    c = ctx([edl(abondement_correctif=True, montant_abondement=pd.NA,
                 date_limite_versement=pd.Timestamp("2027-03-31"))])  # fmt: skip
    e = c["etat_des_lieux"]
    assert MONTANT_ABONDEMENT == 3000  # art. R6323-3
    assert _espaces(e["montant"]) == "3 000 €"
    assert "de 3 000 € est dû" in _espaces(e["verdict"])
    assert f"({SEUIL_EFFECTIF_ABONDEMENT} ou plus, au sens de l'art. L130-1 du code" in e["verdict"]
    # Les textes de l'abondement : L6315-1 II, L6323-13, R6323-3 modifié en 2026.
    assert (
        "art. L6315-1 II, L6323-13 et R6323-3 du Code du travail, ce dernier modifié par "
        "le décret n° 2026-39 du 28 janvier 2026" in e["verdict"]
    )


def test_edl_listes_de_la_fenetre():
    registre = Registre(
        entretiens=[
            ("00042", "2017-01-01", "periodique", "A", ""),  # avant la fenêtre
            ("00042", "2021-05-05", "periodique", "B", ""),
        ],
        formations=[
            ("00042", "CACES", "2019-02-02", True, True),
            ("00042", "Excel", "2020-02-02", False, False),
        ],
        evolutions=[("00042", "2022-02-02", "salariale", "Prime")],
    )
    c = ctx([edl()], registre=registre)
    e = c["etat_des_lieux"]
    assert [x["conduit_par"] for x in e["entretiens"]] == ["B"]
    assert [x["intitule"] for x in e["formations"]] == ["CACES", "Excel"]
    assert [x["intitule"] for x in e["certifications"]] == ["CACES"]
    assert [x["commentaire"] for x in e["progressions"]] == ["Prime"]


# Bout en bout : la ligne vient du vrai moteur de règles ; le document ne doit pas le
# contredire. Régime 2014 (en régime 2025, aucun état des lieux à 8 ans n'est dû avant le
# 26/10/2027, regles.md v2) : entrée le 15/12/2020, état des lieux des 6 ans le 15/12/2026,
# après le `au` (27/11/2026) mais dans l'horizon ; fenêtre du 15/12/2020 au 15/12/2026.
ENTREE_EDL = "2020-12-15"


def edl_du_moteur(entretiens=(), formations=(), evolutions=(), effectif=120):
    registre = registre_de_test(
        salaries=[dict(matricule="00042", nom="Dupont", prenom="Anaïs", civilite="Mme",
                       date_entree=ENTREE_EDL)],
        entretiens=[dict(matricule="00042", date=d, type=t, conduit_par=q)
                    for d, t, q in entretiens],
        formations=[dict(matricule="00042", intitule=i, date=d, obligatoire=o, certifiante=c)
                    for i, d, o, c in formations],
        evolutions=[dict(matricule="00042", date=d, nature=n, commentaire="")
                    for d, n in evolutions],
    )  # fmt: skip
    p = parametres(regime="2014", effectif=effectif)
    obligations = calculer_obligations(registre, AU, p.regles, effectif)
    echeances = lister_echeances(obligations, registre, tout=True)
    lignes = echeances[echeances["type"] == "etat_des_lieux"]
    assert len(lignes) == 1
    salarie = registre.salaries.iloc[0].to_dict()
    return contexte_salarie(salarie, lignes, None, registre, p, AU)


def test_edl_listes_de_la_fenetre_s_arretent_au_au():
    c = edl_du_moteur(
        entretiens=[
            ("2022-12-01", "periodique", "Paul Roux"),
            ("2026-12-05", "etat_des_lieux", "Futur"),  # après le au, dans la fenêtre
        ],
        formations=[
            ("Sécurité incendie", "2021-03-01", True, False),
            ("Habilitation B0", "2026-11-27", True, False),  # le jour même : comptée
            ("Anglais", "2026-12-01", False, False),  # après le au
            ("CQP Technicien", "2026-12-02", True, True),  # après le au
        ],
        evolutions=[("2023-01-01", "salariale"), ("2026-12-10", "professionnelle")],
    )
    e = c["etat_des_lieux"]
    # Le texte et le tableau disent la même chose : 1 entretien sur 3 prévus.
    assert (e["entretiens_realises"], e["entretiens_prevus"]) == (1, 3)
    assert [x["date_courte"] for x in e["entretiens"]] == ["01/12/2022"]
    assert [x["date_courte"] for x in e["formations"]] == ["01/03/2021", "27/11/2026"]
    assert e["formation_non_obligatoire"] == "non"
    assert all(x["obligatoire"] == "oui" for x in e["formations"])
    assert e["certifications"] == [] and e["critere_certification"] == "non"
    assert [x["date_courte"] for x in e["progressions"]] == ["01/01/2023"]
    # Abondement encouru : échéance au 4e trimestre 2026, versement au plus tard fin mars 2027.
    assert e["abondement"] is True
    assert e["date_limite_versement_longue"] == "31 mars 2027"
    assert "1 entretien sur les 3 prévus a eu lieu" in e["verdict"]


@pytest.mark.parametrize(
    ("intitule", "attendu"),
    [
        ("Accompagnement VAE – titre professionnel", True),
        ("Validation des acquis de l'expérience", True),
        ("vae", True),
        ("Excel avancé", False),
        ("Gavaert outillage", False),  # « vae » au milieu d'un mot
    ],
)
def test_est_certification_reconnait_la_vae(intitule, attendu):
    assert est_certification(intitule, False) is attendu
    assert est_certification(intitule, True) is True


def test_edl_vae_non_certifiante_compte_comme_certification(tmp_path):
    c = edl_du_moteur(
        entretiens=[("2022-12-01", "periodique", "Paul Roux")],
        formations=[
            ("Accompagnement VAE – titre professionnel", "2024-05-06", False, False),
            ("Excel avancé", "2023-02-01", False, False),
        ],
    )
    e = c["etat_des_lieux"]
    assert e["critere_certification"] == "oui"  # calculé par le moteur
    assert [x["intitule"] for x in e["certifications"]] == [
        "Accompagnement VAE – titre professionnel"
    ]
    assert e["certifications"][0]["certifiante"] == "non"
    # Le document rendu ne dit pas « aucun élément de certification » à côté du « oui ».
    modele = DocxTemplate(str(DOSSIER_MODELES / "etat_des_lieux.docx"))
    env = jinja2.sandbox.SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
    modele.render(c, jinja_env=env)
    modele.save(str(tmp_path / "edl.docx"))
    document = docx.Document(str(tmp_path / "edl.docx"))
    textes = [p.text for p in document.paragraphs]
    for table in document.tables:
        textes += [cell.text for row in table.rows for cell in row.cells]
    tout = "\n".join(textes)
    assert "Accompagnement VAE – titre professionnel" in tout
    assert "Aucun élément de certification" not in tout


def test_sans_edl_le_bloc_existe_vide():
    c = ctx([obligation("periodique")])
    assert c["est_etat_des_lieux"] is False
    assert c["etat_des_lieux"]["verdict"] == ""
    assert c["etat_des_lieux"]["formations"] == []


# --- conducteur, exemples, inventaire --------------------------------------------------


def test_contexte_conducteur_trie_et_libelle():
    planning = pd.DataFrame(
        [
            {**ENTRETIEN, "nom": "Zoé", "prenom": "Ève", "service": "A&B",
             "date": pd.Timestamp("2026-12-10"), "heure": "09:00",
             "types": "periodique, etat_des_lieux"},
            {**ENTRETIEN, "nom": "Martin", "prenom": "Léo", "service": "C",
             "date": pd.Timestamp("2026-12-08"), "heure": "15:45", "types": "avant_60"},
            {**ENTRETIEN, "nom": "Durand", "prenom": "Noé", "service": "C",
             "date": pd.Timestamp("2026-12-08"), "heure": "09:00", "types": "retour"},
        ]
    )  # fmt: skip
    c = contexte_conducteur("Claire Martin", planning, parametres(), AU)
    assert [e["salarie"] for e in c["entretiens"]] == ["Noé Durand", "Léo Martin", "Ève Zoé"]
    assert c["entretiens"][0]["date_longue"] == "mardi 8 décembre 2026"
    assert c["entretiens"][0]["heure"] == "9 h 00"
    assert c["entretiens"][2]["types_courts"] == "Périodique, État des lieux"
    assert c["nombre_entretiens"] == 3
    assert c["premiere_date_longue"] == "mardi 8 décembre 2026"
    assert c["derniere_date_longue"] == "jeudi 10 décembre 2026"
    assert (c["a_etat_des_lieux"], c["a_avant_60"], c["a_retour"], c["a_mi_carriere"]) == (
        True,
        True,
        True,
        False,
    )
    assert c["conducteur"] == {"nom": "Claire Martin", "email": "rh@exemple.fr"}


def test_exemple_complet_active_toutes_les_rubriques():
    c = exemple_contexte_salarie()
    assert all(c[d] for d in DRAPEAUX if d != "est_premier")
    assert c["historique"]["formations"] and c["etat_des_lieux"]["verdict"]
    assert exemple_contexte_salarie(types=["premier"])["est_premier"] is True


def test_exemple_des_modeles_juste_en_regles_v2():
    """L'exemple documenté (`entretiens modeles`, modeles_word/README.md) est ce que le
    moteur calcule pour son registre : pas d'état des lieux à 8 ans avant le 26/10/2027,
    pas de « faux abondement » (issue 8)."""
    from pipeline.exemples import AU_EXEMPLE, TOUS_LES_TYPES, obligations_exemple
    from pipeline.exemples import registre_exemple as registre_des_modeles
    from pipeline.regles import calculer_obligations

    calculees = calculer_obligations(registre_des_modeles(), AU_EXEMPLE, Regles(), 120)
    calculees = calculees[calculees["matricule"] == "00042"].set_index("type")
    exemple = obligations_exemple().set_index("type")
    assert set(TOUS_LES_TYPES) <= set(calculees.index)
    colonnes = [c for c in exemple.columns if c in calculees.columns and c != "matricule"]
    for type_ in TOUS_LES_TYPES:
        for colonne in colonnes:
            attendu, ecrit = calculees.at[type_, colonne], exemple.at[type_, colonne]
            if pd.isna(attendu) and pd.isna(ecrit):
                continue
            assert ecrit == attendu, (type_, colonne)
    edl = exemple.loc["etat_des_lieux"]
    assert edl["echeance"] >= pd.Timestamp("2027-10-26")
    assert (edl["entretiens_realises"], edl["entretiens_prevus"]) == (1, 2)
    assert edl["date_limite_versement"] == pd.Timestamp("2028-03-31")


def test_aplatir_et_variables_par_modele():
    plat = aplatir({"a": {"b": 1}, "l": [{"x": "y"}], "s": ["t"], "vide": []})
    assert plat == {"a.b": 1, "l[].x": "y", "s[]": "t", "vide[]": ""}
    variables = variables_par_modele()
    assert set(variables) == set(MODELES)
    assert variables["convocation"]["salarie.nom"] == "L'Hôpital-Dupont"
    assert variables["convocation"]["entretien.date_longue"] == "mardi 7 décembre 2027"
    assert "conducteur.nom" in variables["fiche_conducteur"]
    assert "salarie.nom" not in variables["fiche_conducteur"]


def test_iterer_contextes_regroupe_par_salarie_et_conducteur():
    registre = Registre(
        salaries=[("00042", "Dupont", "Anaïs", "Cheffe"), ("00043", "Roux", "Paul", "Agent")],
        entretiens=[("00043", "2022-01-10", "periodique", "X", "")],
    )
    registre.salaries = registre.salaries.assign(
        civilite="M.", date_entree=pd.Timestamp("2020-01-01")
    )
    echeances = pd.DataFrame(
        [
            {**obligation("periodique"), "matricule": "00043"},
            {**obligation("retour"), "matricule": "00042"},
            {**obligation("etat_des_lieux"), "matricule": "00043"},
        ]
    )
    planning = pd.DataFrame(
        [
            {**ENTRETIEN, "matricule": "00043", "nom": "Roux", "prenom": "Paul",
             "conducteur": "Zoé Arnaud", "service": "S"},
            {**ENTRETIEN, "matricule": "00042", "nom": "Dupont", "prenom": "Anaïs",
             "conducteur": "Claire Martin", "service": "S"},
        ]
    )  # fmt: skip
    from pipeline.contexte import iterer_contextes_conducteurs, iterer_contextes_salaries

    contextes = list(iterer_contextes_salaries(echeances, planning, registre, parametres(), AU))
    assert [m for m, _ in contextes] == ["00043", "00042"]
    roux = contextes[0][1]
    assert roux["salarie"]["nom_complet"] == "Paul Roux"
    assert roux["salarie"]["poste"] == "Agent"
    assert sorted(m["type"] for m in roux["motifs"]) == ["etat_des_lieux", "periodique"]
    assert roux["historique"]["dernier_entretien"]["date_courte"] == "10/01/2022"
    assert [m["type"] for m in contextes[1][1]["motifs"]] == ["retour"]
    fiches = dict(iterer_contextes_conducteurs(planning, parametres(), AU))
    assert sorted(fiches) == ["Claire Martin", "Zoé Arnaud"]
    assert [e["salarie"] for e in fiches["Zoé Arnaud"]["entretiens"]] == ["Paul Roux"]


def test_obligations_en_liste_de_dictionnaires():
    lignes = [obligation("avant_60"), obligation("periodique", echeance=pd.Timestamp("2026-01-01"))]
    c = contexte_salarie(SALARIE, lignes, ENTRETIEN, Registre(), parametres(), AU)
    assert [m["type"] for m in c["motifs"]] == ["periodique", "avant_60"]
    assert c["est_avant_60"] is True
