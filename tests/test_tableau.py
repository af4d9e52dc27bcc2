"""Tableau de bord : chiffres recalculés indépendamment, classeur relu avec openpyxl."""

from __future__ import annotations

import dataclasses
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from pipeline.config import Entreprise, Parametres
from pipeline.regles import STATUTS
from pipeline.tableau import (
    LIBELLES_STATUTS,
    LIBELLES_TYPES,
    construire_indicateurs,
    ecrire_tableau_de_bord,
)

AU = date(2026, 12, 1)
NaT = pd.NaT


def _parametres(effectif: int) -> Parametres:
    return dataclasses.replace(Parametres(), entreprise=Entreprise(effectif=effectif))


def _dates(valeurs):
    return pd.to_datetime(pd.Series(valeurs, dtype="object"))


def _registre(salaries: list[tuple], entretiens: list[tuple]) -> SimpleNamespace:
    """Registre au format du contrat (pipeline/registre.py), construit à la main."""
    sal = pd.DataFrame(
        salaries,
        columns=["matricule", "nom", "prenom", "service", "date_entree", "date_sortie"],
    )
    vides = ["civilite", "email", "poste", "etablissement", "matricule_manager", "adresse"]
    for colonne in vides + ["code_postal", "ville"]:
        sal[colonne] = ""
    for colonne in ("date_entree", "date_sortie"):
        sal[colonne] = _dates(sal[colonne])
    sal["date_naissance"] = _dates([NaT] * len(sal))
    sal["date_visite_mi_carriere"] = _dates([NaT] * len(sal))
    sal["ligne"] = range(2, len(sal) + 2)
    sal["autres"] = [{} for _ in range(len(sal))]
    ent = pd.DataFrame(entretiens, columns=["matricule", "date", "type"])
    ent["date"] = _dates(ent["date"])
    ent["conduit_par"] = ""
    ent["commentaire"] = ""
    ent["ligne"] = range(2, len(ent) + 2)
    vide = pd.DataFrame
    return SimpleNamespace(
        salaries=sal,
        entretiens=ent,
        absences=vide(
            columns=["matricule", "motif", "libelle_motif", "date_debut", "date_fin"]
            + ["date_reprise", "ligne"]
        )
        .astype({"date_debut": "datetime64[ns]", "date_fin": "datetime64[ns]"})
        .astype({"date_reprise": "datetime64[ns]"}),
        formations=vide(
            columns=["matricule", "intitule", "date", "obligatoire", "certifiante", "ligne"]
        ).astype({"date": "datetime64[ns]", "obligatoire": bool, "certifiante": bool}),
        evolutions=vide(columns=["matricule", "date", "nature", "commentaire", "ligne"]).astype(
            {"date": "datetime64[ns]"}
        ),
        avertissements=[],
        chemin=Path("registre.xlsx"),
    )


# --- Jeu écrit à la main selon le contrat de calculer_obligations --------------------

SALARIES = [
    ("A1", "Durand", "Amélie", "Atelier", "2015-03-01", NaT),
    ("A2", "Petit", "Bruno", "Atelier", "2019-01-15", NaT),
    ("A3", "Roux", "Chloé", "Atelier", "2019-01-15", NaT),
    ("B1", "Lévêque", "Éloïse", "Bureau d'études", "2018-11-01", NaT),
    ("B2", "Morel", "David", "Bureau d'études", "2026-11-20", NaT),
    ("C3", "=Faure", "Gaël", "", "2019-06-01", NaT),
    ("X1", "Parti", "Paul", "Atelier", "2010-01-01", "2026-11-30"),  # sorti avant le 01/12
    ("X2", "Futur", "Fanny", "Atelier", "2027-01-04", NaT),  # pas encore entré
]
ENTRETIENS = [
    ("A1", "2021-06-01", "periodique"),
    ("A2", "2025-12-02", "periodique"),  # au - 12 mois + 1 jour : compte pour le CSE
    ("A3", "2025-12-01", "periodique"),  # au - 12 mois exactement : ne compte pas
    ("B1", "2024-01-10", "periodique"),
    ("B2", "2026-12-01", "premier"),  # le jour même : compte
    ("C3", "2026-12-02", "periodique"),  # après la date de calcul : ne compte pas
    ("X1", "2026-06-01", "periodique"),  # salarié sorti : hors effectif
]


def _obligation(matricule, type_, echeance, statut, abondement=None, montant=None, limite=NaT):
    return {
        "matricule": matricule,
        "type": type_,
        "echeance": echeance,
        "motif": f"Motif de {type_} pour {matricule}",
        "honoree": statut == "honoree",
        "statut": statut,
        "abondement_correctif": abondement,
        "montant_abondement": montant,
        "date_limite_versement": limite,
    }


def _obligations() -> pd.DataFrame:
    lignes = [
        _obligation("A1", "periodique", "2025-06-01", "en_retard"),
        # À venir : fenêtre encore ouverte, pas une exposition même si les critères manquent.
        _obligation("A1", "etat_des_lieux", "2031-03-01", "a_venir", True, 3000, "2031-06-30"),
        _obligation("A2", "periodique", "2029-12-02", "a_venir"),
        _obligation("A2", "etat_des_lieux", "2027-01-15", "a_planifier", True, 3000, "2027-06-30"),
        _obligation("A2", "retour", "2026-07-31", "honoree"),
        _obligation("A3", "periodique", "2029-12-01", "a_venir"),
        _obligation("A3", "etat_des_lieux", "2027-01-15", "a_planifier", False, 0),
        _obligation("B1", "periodique", "2028-01-10", "a_venir"),
        # Non tenu, et la date limite de versement (trimestre qui suit l'échéance) est passée.
        _obligation("B1", "etat_des_lieux", "2026-05-01", "en_retard", True, 3000, "2026-09-30"),
        _obligation("B2", "periodique", "2030-12-01", "a_venir"),
        _obligation("C3", "premier", "2021-06-01", "en_retard"),
        _obligation("C3", "avant_60", "2027-02-28", "a_venir"),
        # 60 ans passés sans entretien : compté « manqué », jamais à planifier.
        _obligation("A1", "avant_60", "2026-05-31", "manquee"),
        # Réalisé, avec abondement versé depuis (date limite passée) : plus une exposition.
        _obligation("A3", "etat_des_lieux", "2019-01-15", "honoree", True, 3000, "2019-06-30"),
        # Réalisé, abondement encore à verser (trimestre qui suit l'entretien tenu).
        _obligation("C3", "etat_des_lieux", "2026-10-01", "honoree", True, 3000, "2027-03-31"),
    ]
    df = pd.DataFrame(lignes)
    for colonne in ("echeance", "date_limite_versement"):
        df[colonne] = pd.to_datetime(df[colonne])
    df["abondement_correctif"] = df["abondement_correctif"].astype("boolean")
    df["montant_abondement"] = df["montant_abondement"].astype("Int64")
    return df


def _service(matricule: str) -> str:
    service = {m: s for m, _, _, s, _, _ in SALARIES}[matricule]
    return service or "(sans service)"


def test_chiffres_recalcules_independamment():
    registre = _registre(SALARIES, ENTRETIENS)
    obligations = _obligations()
    ind = construire_indicateurs(registre, obligations, AU, _parametres(120))

    presents = ["A1", "A2", "A3", "B1", "B2", "C3"]
    en_retard = {o["matricule"] for _, o in obligations.iterrows() if o["statut"] == "en_retard"}
    assert ind.nb_salaries == len(presents)
    assert ind.nb_a_jour == len([m for m in presents if m not in en_retard]) == 3
    assert ind.taux_a_jour == pytest.approx(3 / 6)

    par_statut = Counter(obligations["statut"])
    assert dict(zip(ind.par_statut["statut"], ind.par_statut["nombre"], strict=True)) == {
        s: par_statut.get(s, 0) for s in STATUTS
    }
    assert list(ind.par_statut["libelle"]) == [
        "En retard", "À planifier", "À venir", "Réalisé", "Manqué"
    ]  # fmt: skip
    assert ind.nb_avant_60_manques == 1

    croise_type = Counter(zip(obligations["type"], obligations["statut"], strict=True))
    for _, ligne in ind.par_type.iterrows():
        for statut in STATUTS:
            assert ligne[statut] == croise_type.get((ligne["type"], statut), 0)
        assert ligne["total"] == (obligations["type"] == ligne["type"]).sum()
        assert ligne["libelle"] == LIBELLES_TYPES[ligne["type"]]

    services = [_service(m) for m in obligations["matricule"]]
    croise_service = Counter(zip(services, obligations["statut"], strict=True))
    assert list(ind.par_service["service"]) == ["Atelier", "Bureau d'études", "(sans service)"]
    for _, ligne in ind.par_service.iterrows():
        for statut in STATUTS:
            assert ligne[statut] == croise_service.get((ligne["service"], statut), 0)
        membres = [m for m in presents if _service(m) == ligne["service"]]
        assert ligne["salaries"] == len(membres)
        assert ligne["a_jour"] == len([m for m in membres if m not in en_retard])

    # Les états des lieux dus avec abondement, et ceux tenus dont le versement reste à faire.
    assert ind.abondement_applicable
    assert sorted(ind.exposes["matricule"]) == ["A2", "B1", "C3"]
    assert ind.nb_exposes == 3 and ind.montant_abondement == 9000
    assert dict(zip(ind.exposes["matricule"], ind.exposes["statut"], strict=True)) == {
        "A2": "À planifier", "B1": "En retard", "C3": "Réalisé"
    }  # fmt: skip
    # Seul B1 a passé sa date limite de versement (30/09/2026 < 01/12/2026).
    assert dict(zip(ind.exposes["matricule"], ind.exposes["versement"], strict=True)) == {
        "A2": "à faire", "B1": "en retard", "C3": "à faire"
    }  # fmt: skip
    assert ind.nb_versements_en_retard == 1

    # Le graphique en secteurs : en retard (A1, B1, C3), à convoquer sans retard (A2, A3),
    # entretien tenu sur 12 mois sans rien d'autre à faire (B2 ; A2 est à convoquer).
    assert dict(zip(ind.situations["situation"], ind.situations["nombre"], strict=True)) == {
        "en_retard": 3, "a_planifier": 2, "tenu_12_mois": 1
    }  # fmt: skip


def test_cse_bornes_des_12_mois():
    registre = _registre(SALARIES, ENTRETIENS)
    ind = construire_indicateurs(registre, _obligations(), AU, _parametres(120))
    # ]01/12/2025, 01/12/2026] : A2 (02/12/2025) et B2 (01/12/2026) ; pas A3 (01/12/2025),
    # ni C3 (02/12/2026, futur), ni X1 (sorti).
    cse = ind.cse.set_index("service")
    assert cse.loc["Atelier", "effectif"] == 3 and cse.loc["Atelier", "avec_entretien"] == 1
    assert cse.loc["Bureau d'études", "effectif"] == 2
    assert cse.loc["Bureau d'études", "avec_entretien"] == 1
    assert cse.loc["(sans service)", "avec_entretien"] == 0
    assert cse.loc["Atelier", "taux"] == pytest.approx(1 / 3)
    assert ind.nb_entretien_12_mois == 2
    assert ind.taux_entretien_12_mois == pytest.approx(2 / 6)


@pytest.mark.parametrize("effectif, applicable", [(49, False), (50, True)])
def test_abondement_seulement_a_partir_de_50(effectif, applicable):
    registre = _registre(SALARIES, ENTRETIENS)
    ind = construire_indicateurs(registre, _obligations(), AU, _parametres(effectif))
    assert ind.abondement_applicable is applicable
    assert ind.montant_abondement == (9000 if applicable else 0)
    assert ind.nb_exposes == (3 if applicable else 0)


def test_aucun_salarie():
    registre = _registre([], [])
    vide = _obligations().iloc[0:0]
    ind = construire_indicateurs(registre, vide, AU, _parametres(10))
    assert ind.nb_salaries == 0 and ind.taux_a_jour is None
    assert ind.par_statut["nombre"].sum() == 0 and ind.cse.empty


# --- Classeur ----------------------------------------------------------------------


def _echeancier(obligations: pd.DataFrame, registre) -> pd.DataFrame:
    """Forme de lister_echeances(..., tout=True), construite sans le moteur."""
    a_faire = obligations[~obligations["statut"].isin(["honoree", "manquee"])].copy()
    identite = registre.salaries.set_index("matricule")
    a_faire.insert(1, "nom", a_faire["matricule"].map(identite["nom"]))
    a_faire.insert(2, "prenom", a_faire["matricule"].map(identite["prenom"]))
    colonnes = ["matricule", "nom", "prenom", "type", "motif", "echeance", "statut"]
    reste = [c for c in a_faire.columns if c not in colonnes]
    a_faire = a_faire[colonnes + reste]
    a_faire.insert(7, "service", a_faire["matricule"].map(identite["service"]))
    a_faire.insert(8, "matricule_manager", "")
    return a_faire.sort_values(["echeance", "matricule"]).reset_index(drop=True)


def _synthese(ws) -> dict[str, object]:
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}


def _ecrire(tmp_path: Path, effectif: int) -> tuple[Path, pd.DataFrame]:
    registre = _registre(SALARIES, ENTRETIENS)
    obligations = _obligations()
    ind = construire_indicateurs(registre, obligations, AU, _parametres(effectif))
    echeancier = _echeancier(obligations, registre)
    chemin = tmp_path / "tableau_de_bord.xlsx"
    assert ecrire_tableau_de_bord(ind, echeancier, chemin) == "cree"
    return chemin, echeancier


def test_classeur_relu(tmp_path):
    chemin, echeancier = _ecrire(tmp_path, 120)
    with zipfile.ZipFile(chemin) as zf:
        noms = zf.namelist()
        graphiques = [zf.read(n).decode() for n in noms if n.startswith("xl/charts/chart")]
    assert len(graphiques) == 2, noms
    assert "pieChart" in graphiques[0]
    assert "barChart" in graphiques[1]
    # Les graphiques lisent les cellules de la synthèse : les nombres en B, les étiquettes
    # françaises du camembert dans la colonne masquée L, qu'il lit quand même.
    assert "<f>'Synthèse'!$B$" in graphiques[0] and "<f>'Synthèse'!$L$" in graphiques[0]
    assert '<plotVisOnly val="0"/>' in graphiques[0]
    assert '<showCatName val="1"/>' in graphiques[0] and '<showVal val="0"/>' in graphiques[0]
    assert "<f>'Synthèse'!$E$" in graphiques[1] and "<f>'Synthèse'!$F$" in graphiques[1]

    wb = openpyxl.load_workbook(chemin)
    assert wb.sheetnames == ["Synthèse", "Échéancier", "En retard", "CSE", "Abondement correctif"]

    synthese = _synthese(wb["Synthèse"])
    assert synthese["Calculé au"] == datetime(2026, 12, 1)
    assert synthese["Salariés pris en compte"] == 6
    assert synthese["Taux de salariés à jour"] == pytest.approx(0.5)
    assert synthese["Montant de l'abondement correctif"] == 9000
    assert synthese["Entretiens avant 60 ans manqués"] == 1
    assert synthese["Salariés ayant eu un entretien sur 12 mois"] == 2
    assert synthese["Versements de l'abondement en retard"] == 1
    statuts = {LIBELLES_STATUTS[s]: n for s, n in Counter(_obligations()["statut"]).items()}
    for libelle, nombre in statuts.items():
        assert synthese[libelle] == nombre  # tableau « Obligations par statut »
    _verifier_synthese(wb["Synthèse"])

    ws = wb["Échéancier"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    en_tetes = [c.value for c in ws[1]]
    assert en_tetes[:7] == ["Matricule", "Nom", "Prénom", "Type", "Motif", "Échéance", "Statut"]
    lignes = list(ws.iter_rows(min_row=2))
    assert len(lignes) == len(echeancier)
    for ligne, (_, attendu) in zip(lignes, echeancier.iterrows(), strict=True):
        assert ligne[0].value == attendu["matricule"]
        assert ligne[5].value == attendu["echeance"].to_pydatetime()  # une vraie date
        assert ligne[5].is_date
        rouge = ligne[0].fill.fgColor.rgb.endswith("FFC7CE")
        assert rouge == (attendu["statut"] == "en_retard")
        assert ligne[6].value == LIBELLES_STATUTS[attendu["statut"]]
    # « =Faure » reste un texte, jamais une formule.
    assert "=Faure" in [ligne[1].value for ligne in lignes]
    assert all(ligne[1].data_type == "s" for ligne in lignes)

    retards = wb["En retard"]
    assert retards.freeze_panes == "A2"
    matricules = [r[0] for r in retards.iter_rows(min_row=2, values_only=True)]
    assert sorted(matricules) == sorted(
        echeancier.loc[echeancier["statut"] == "en_retard", "matricule"]
    )

    cse = {r[0]: r[1:] for r in wb["CSE"].iter_rows(min_row=2, values_only=True)}
    assert cse["Atelier"] == (3, 1, pytest.approx(33.3))
    assert cse["Total entreprise"] == (6, 2, pytest.approx(33.3))

    feuille = wb["Abondement correctif"]
    abondement = list(feuille.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in abondement) == ["A2", "B1", "C3"]
    c3 = next(r for r in abondement if r[0] == "C3")
    assert c3[5:] == ("Réalisé", 3000, datetime(2027, 3, 31), "à faire")
    # Le versement de B1 est en retard : dit, et en rouge ; pas celui des autres.
    for ligne in feuille.iter_rows(min_row=2):
        rouge = ligne[0].fill.fgColor.rgb.endswith("FFC7CE")
        assert rouge == (ligne[0].value == "B1") == (ligne[8].value == "en retard")


def _verifier_synthese(ws) -> None:
    """Ce qu'un directeur lit : nombres sous des en-têtes alignés à droite, le camembert
    limité à ce qui demande une action, ses étiquettes en français."""
    lignes = list(ws.iter_rows())
    for i, ligne in enumerate(lignes):
        en_tete = ligne[0].fill.fgColor.rgb.endswith("1F4E79")
        if not en_tete:
            continue
        for j, titre in enumerate(ligne[1:], start=1):
            if titre.value is None or titre.value == "Explication":
                continue
            # Sous un en-tête de nombres : des nombres, alignés à droite comme lui.
            assert titre.alignment.horizontal == "right", titre.value
            dessous = lignes[i + 1][j].value
            assert isinstance(dessous, int | float) or dessous == "non applicable", titre.value
    situations = {
        ligne[0].value: (ligne[1].value, ligne[11].value)
        for ligne in lignes
        if ligne[0].value in ("En retard", "À convoquer", "Entretien tenu (12 mois)")
        and ligne[11].value
    }
    assert situations == {
        "En retard": (3, "En retard : 3 (50\u00a0%)"),
        "À convoquer": (2, "À convoquer : 2 (33\u00a0%)"),
        "Entretien tenu (12 mois)": (1, "Entretien tenu (12 mois) : 1 (17\u00a0%)"),
    }
    assert ws.column_dimensions["L"].hidden
    # Imprimée : ajustée à la largeur, les graphiques sur une page à eux, sans quadrillage.
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.row_breaks.brk and not ws.print_options.gridLines


def test_classeur_sous_50_salaries(tmp_path):
    chemin, _ = _ecrire(tmp_path, 49)
    wb = openpyxl.load_workbook(chemin)
    assert "Abondement correctif" not in wb.sheetnames
    synthese = _synthese(wb["Synthèse"])
    assert synthese["Montant de l'abondement correctif"] == "non applicable"
    assert synthese["Salariés exposés à l'abondement correctif"] == "non applicable"


def test_regenere_sans_empiler_d_anciennes_versions(tmp_path):
    chemin, _ = _ecrire(tmp_path, 120)
    registre = _registre(SALARIES, ENTRETIENS)
    ind = construire_indicateurs(registre, _obligations(), AU, _parametres(49))
    assert ecrire_tableau_de_bord(ind, _echeancier(_obligations(), registre), chemin) == (
        "remplace"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["tableau_de_bord.xlsx"]
    assert "Abondement correctif" not in openpyxl.load_workbook(chemin).sheetnames


# --- Avec le vrai moteur de règles ------------------------------------------------


def test_chiffres_conformes_a_la_liste_du_moteur(tmp_path):
    from pipeline import regles

    registre = _registre(SALARIES, ENTRETIENS)
    parametres = _parametres(120)
    obligations = regles.calculer_obligations(
        registre, AU, parametres.regles, parametres.entreprise.effectif, 60
    )
    echeancier = regles.lister_echeances(obligations, registre, tout=True)
    ind = construire_indicateurs(registre, obligations, AU, parametres)

    comptes = Counter(echeancier["statut"])
    nombres = dict(zip(ind.par_statut["statut"], ind.par_statut["nombre"], strict=True))
    for statut in ("en_retard", "a_planifier", "a_venir"):
        assert nombres[statut] == comptes.get(statut, 0)
    en_retard = set(echeancier.loc[echeancier["statut"] == "en_retard", "matricule"])
    assert ind.nb_a_jour == ind.nb_salaries - len(en_retard)
    assert ind.nb_salaries == 6

    par_service = Counter(
        zip(echeancier["service"].replace("", "(sans service)"), echeancier["statut"], strict=True)
    )
    for _, ligne in ind.par_service.iterrows():
        for statut in ("en_retard", "a_planifier", "a_venir"):
            assert ligne[statut] == par_service.get((ligne["service"], statut), 0)

    # regles.md v2 : le cycle de 8 ans repart de l'état des lieux des 6 ans échu avant le
    # 26/10/2025 (A2, A3 : 2025 ; B1 : 2024) ; aucun n'est dû avant le 26/10/2027, donc
    # aucun abondement affiché en décembre 2026 (la version 1 en montrait trois).
    edl = echeancier[echeancier["type"] == "etat_des_lieux"]
    assert set(edl["statut"]) == {"a_venir"} and edl["echeance"].min() >= pd.Timestamp(2027, 10, 26)
    assert edl.set_index("matricule").loc[["A2", "B1"], "echeance"].tolist() == [
        pd.Timestamp(2033, 1, 15), pd.Timestamp(2032, 11, 1)
    ]  # fmt: skip
    assert ind.montant_abondement == 0 and ind.nb_exposes == 0

    chemin = tmp_path / "tableau_de_bord.xlsx"
    ecrire_tableau_de_bord(ind, echeancier, chemin)
    ws = openpyxl.load_workbook(chemin)["Échéancier"]
    assert ws.max_row - 1 == len(echeancier)


def test_registre_exemple_de_bout_en_bout(tmp_path):
    """Le registre d'exemple livré, lu par lire_registre, chiffres recomptés à la main."""
    from pipeline import registre as lecture
    from pipeline import regles
    from pipeline.config import charger_parametres

    racine = Path(__file__).resolve().parents[1] / "donnees"
    registre = lecture.lire_registre(racine / "registre_exemple.xlsx")
    parametres = charger_parametres(racine / "parametres.toml")
    obligations = regles.calculer_obligations(
        registre, AU, parametres.regles, parametres.entreprise.effectif
    )
    echeancier = regles.lister_echeances(obligations, registre, tout=True)
    ind = construire_indicateurs(registre, obligations, AU, parametres)

    presents = [
        s
        for _, s in registre.salaries.iterrows()
        if s["date_entree"].date() <= AU
        and (pd.isna(s["date_sortie"]) or s["date_sortie"].date() >= AU)
    ]
    en_retard = set(echeancier.loc[echeancier["statut"] == "en_retard", "matricule"])
    assert ind.nb_salaries == len(presents)
    assert ind.nb_a_jour == len([s for s in presents if s["matricule"] not in en_retard])
    comptes = Counter(echeancier["statut"])
    for _, ligne in ind.par_statut.iterrows():
        if ligne["statut"] not in ("honoree", "manquee"):
            assert ligne["nombre"] == comptes.get(ligne["statut"], 0)

    debut = date(2025, 12, 1)
    recents = {
        e["matricule"] for _, e in registre.entretiens.iterrows() if debut < e["date"].date() <= AU
    }
    assert ind.nb_entretien_12_mois == len([s for s in presents if s["matricule"] in recents])
    assert ind.cse["effectif"].sum() == len(presents)

    chemin = tmp_path / "tableau_de_bord.xlsx"
    ecrire_tableau_de_bord(ind, echeancier, chemin)
    wb = openpyxl.load_workbook(chemin)
    assert wb["Échéancier"].max_row - 1 == len(echeancier)
    assert wb["En retard"].max_row - 1 == comptes.get("en_retard", 0)
