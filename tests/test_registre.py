"""Lecture et validation du registre : petits classeurs construits dans tmp_path."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import ecrire_classeur

from pipeline.erreurs import ErreurEntretiens, Rapport, formater_anomalies
from pipeline.registre import Registre, lire_registre
from pipeline.schema import (
    FEUILLES,
    MOTIFS,
    MOTIFS_ABSENCE,
    MOTIFS_RETOUR,
    TYPES,
    code_motif,
    code_type,
    feuille_nommee,
)

ENTETES = ["Matricule", "Civilité", "Nom", "Prénom", "Date de naissance", "Date d'entrée"]


def salarie(matricule: str = "00042", **valeurs: Any) -> list[Any]:
    """Une ligne valide de la feuille « Salariés » (dans l'ordre d'ENTETES)."""
    ligne = {
        "Matricule": matricule,
        "Civilité": "Mme",
        "Nom": "Durand",
        "Prénom": "Élodie",
        "Date de naissance": date(1980, 5, 17),
        "Date d'entrée": date(2015, 9, 1),
    }
    ligne.update(valeurs)
    return [ligne[e] for e in ENTETES]


def salaries(*lignes: list[Any]) -> list[list[Any]]:
    return [ENTETES, *(lignes or [salarie()])]


def anomalies_de(chemin: Path) -> ErreurEntretiens:
    with pytest.raises(ErreurEntretiens) as exc:
        lire_registre(chemin)
    return exc.value


def erreurs(chemin: Path) -> list[list[Any]]:
    """[[feuille, ligne, colonne, code], …] des erreurs."""
    return Rapport(anomalies_de(chemin).erreurs).aplatir()


# ----------------------------------------------------------------------------- lecture


def test_registre_valide_respecte_le_contrat(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, "Email", "Date de sortie", "Matricule manager", "Service"],
                [*salarie("00001"), "chef@exemple.fr", None, "", "Atelier"],
                [*salarie("00002", Civilité="Monsieur"), "", date(2030, 1, 1), "00001", ""],
            ],
            "Entretiens": [["Matricule", "Date", "Type"], ["00002", date(2024, 2, 1), ""]],
        },
    )
    registre = lire_registre(chemin)

    s = registre.salaries
    assert list(s.columns) == [
        "matricule", "civilite", "nom", "prenom", "email", "date_naissance", "date_entree",
        "date_sortie", "poste", "service", "etablissement", "matricule_manager",
        "date_visite_mi_carriere", "adresse", "code_postal", "ville", "ligne", "autres",
    ]  # fmt: skip
    assert s["matricule"].tolist() == ["00001", "00002"]
    assert s["civilite"].tolist() == ["Mme", "M."]
    assert s["matricule_manager"].tolist() == ["", "00001"]
    assert s["poste"].tolist() == ["", ""]  # colonne facultative absente : textes vides
    assert s["ligne"].tolist() == [2, 3]
    for colonne in ("date_naissance", "date_entree", "date_sortie", "date_visite_mi_carriere"):
        assert s[colonne].dtype == "datetime64[ns]"
    assert s["date_sortie"].tolist()[1] == pd.Timestamp(2030, 1, 1)
    assert pd.isna(s["date_sortie"].tolist()[0])

    e = registre.entretiens
    assert list(e.columns) == ["matricule", "date", "type", "conduit_par", "commentaire", "ligne"]
    assert e["type"].tolist() == ["periodique"]  # type vide = périodique
    # Feuilles facultatives absentes : tables vides avec les colonnes du contrat.
    assert registre.absences.empty
    assert list(registre.absences.columns) == [
        "matricule", "motif", "libelle_motif", "date_debut", "date_fin", "date_reprise", "ligne",
    ]  # fmt: skip
    assert registre.absences["date_debut"].dtype == "datetime64[ns]"
    assert list(registre.formations.columns) == [
        "matricule", "intitule", "date", "obligatoire", "certifiante", "ligne",
    ]  # fmt: skip
    assert list(registre.evolutions.columns) == [
        "matricule", "date", "nature", "commentaire", "ligne",
    ]  # fmt: skip
    assert registre.avertissements == []
    assert registre.chemin == chemin


def test_registre_par_defaut_a_des_tables_vides_typees() -> None:
    registre = Registre()
    assert registre.salaries.empty and "autres" in registre.salaries.columns
    assert registre.formations["obligatoire"].dtype == bool
    assert registre.entretiens["date"].dtype == "datetime64[ns]"


@pytest.mark.parametrize(
    ("feuille", "entete_entree", "entete_prenom"),
    [
        ("Salariés", "Date d'entrée", "Prénom"),
        ("salaries", "date d'entree", "prenom"),
        ("SALARIÉS", "DATE D’ENTRÉE", "PRÉNOM"),  # apostrophe typographique
        ("  Salariés ", "  Date   d’entrée ", " Prénom "),  # espaces en trop
        ("Salarié", "Date entrée", "Prenom"),
    ],
)
def test_noms_de_feuilles_et_de_colonnes_tolerants(
    tmp_path: Path, feuille: str, entete_entree: str, entete_prenom: str
) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            feuille: [
                ["MATRICULE", "Nom", entete_prenom, entete_entree],
                ["7", "Martin", "Zoé", date(2019, 4, 1)],
            ],
            "Evolutions": [["matricule", "DATE", "Nature"], ["7", date(2023, 1, 1), "Salariale"]],
        },
    )
    registre = lire_registre(chemin)
    assert registre.salaries["prenom"].tolist() == ["Zoé"]
    assert registre.salaries["date_entree"].tolist() == [pd.Timestamp(2019, 4, 1)]
    assert registre.evolutions["nature"].tolist() == ["salariale"]


def test_toutes_les_colonnes_des_salaries(tmp_path: Path) -> None:
    entetes_et_valeurs = {
        "matricule": ("Matricule", "00007"),
        "civilite": ("civilité", "Madame"),
        "nom": ("Nom", "Lefèvre"),
        "prenom": ("Prénom", "Anaïs"),
        "email": ("Courriel", "anais.lefevre@exemple.fr"),
        "date_naissance": ("Date de naissance", date(1981, 2, 3)),
        "date_entree": ("Date d'embauche", date(2012, 4, 5)),
        "date_sortie": ("date de sortie", None),
        "poste": ("POSTE", "Comptable"),
        "service": ("Service", "Finances"),
        "etablissement": ("Etablissement", "Lyon"),
        "matricule_manager": ("Matricule du manager", "00007"),
        "date_visite_mi_carriere": ("Date de visite de mi-carrière", "2026-03-02"),
        "adresse": ("Adresse", "3 rue Neuve"),
        "code_postal": ("Code postal", "01000"),
        "ville": ("Ville", "Bourg-en-Bresse"),
    }
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [e for e, _ in entetes_et_valeurs.values()],
                [v for _, v in entetes_et_valeurs.values()],
            ]
        },
    )
    (ligne,) = lire_registre(chemin).salaries.to_dict("records")
    assert {k: ligne[k] for k in entetes_et_valeurs} == {
        "matricule": "00007",
        "civilite": "Mme",
        "nom": "Lefèvre",
        "prenom": "Anaïs",
        "email": "anais.lefevre@exemple.fr",
        "date_naissance": pd.Timestamp(1981, 2, 3),
        "date_entree": pd.Timestamp(2012, 4, 5),
        "date_sortie": pd.NaT,
        "poste": "Comptable",
        "service": "Finances",
        "etablissement": "Lyon",
        "matricule_manager": "00007",
        "date_visite_mi_carriere": pd.Timestamp(2026, 3, 2),
        "adresse": "3 rue Neuve",
        "code_postal": "01000",
        "ville": "Bourg-en-Bresse",
    }
    assert ligne["autres"] == {}


def test_matricules_restent_du_texte(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": salaries(
                salarie("00042"), salarie(42), salarie(43.0), salarie(" A-7 "), salarie("042")
            ),
            "Entretiens": [["Matricule", "Date"], ["00042", date(2024, 1, 1)], [42, "2024-01-01"]],
        },
    )
    registre = lire_registre(chemin)
    assert registre.salaries["matricule"].tolist() == ["00042", "42", "43", "A-7", "042"]
    assert registre.entretiens["matricule"].tolist() == ["00042", "42"]


@pytest.mark.parametrize(
    "valeur",
    [
        date(2024, 3, 15),
        datetime(2024, 3, 15, 10, 30),  # une heure éventuelle est ignorée
        45366,  # nombre de série Excel
        45366.75,
        "15/03/2024",
        " 15/03/2024 ",
        "2024-03-15",
        "2024-03-15 00:00:00",
    ],
)
def test_formes_de_date_acceptees(tmp_path: Path, valeur: Any) -> None:
    chemin = ecrire_classeur(tmp_path, {"Salariés": salaries(salarie(**{"Date d'entrée": valeur}))})
    assert lire_registre(chemin).salaries["date_entree"].tolist() == [pd.Timestamp(2024, 3, 15)]


def test_date_jour_et_mois_sur_un_chiffre(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path, {"Salariés": salaries(salarie(**{"Date d'entrée": "5/3/2024"}))}
    )
    assert lire_registre(chemin).salaries["date_entree"].tolist() == [pd.Timestamp(2024, 3, 5)]


@pytest.mark.parametrize(
    "valeur",
    [
        "15.03.2024",
        "2024/03/15",
        "31/02/2024",
        "15/13/2024",
        "hier",
        "31/12/9999",
        "15/03/24",
        True,
    ],
)
def test_date_invalide(tmp_path: Path, valeur: Any) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": salaries(salarie("1"), salarie("2", **{"Date d'entrée": valeur}))},
    )
    erreur = anomalies_de(chemin)
    assert [[a.feuille, a.ligne, a.colonne, a.code] for a in erreur.erreurs] == [
        ["Salariés", 3, "Date d'entrée", "date-invalide"]
    ]
    assert erreur.erreurs[0].valeur == ("VRAI" if valeur is True else str(valeur))
    assert "JJ/MM/AAAA" in erreur.erreurs[0].message or "n'est pas une date valide" in (
        erreur.erreurs[0].message
    )


def test_colonnes_inconnues_conservees_dans_autres(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, "Téléphone", "  Coefficient ", "Date   de  visite CSE"],
                [*salarie("1"), "0612345678", 250, date(2024, 6, 3)],
                [*salarie("2"), None, 12.5, None],
            ]
        },
    )
    autres = lire_registre(chemin).salaries["autres"].tolist()
    assert autres == [
        {"Téléphone": "0612345678", "Coefficient": "250", "Date de visite CSE": "03/06/2024"},
        {"Téléphone": "", "Coefficient": "12.5", "Date de visite CSE": ""},
    ]


@pytest.mark.parametrize(
    ("ecrit", "attendu"),
    [
        ("M.", "M."),
        ("M", "M."),
        ("Monsieur", "M."),
        ("MONSIEUR", "M."),
        ("Mme", "Mme"),
        ("Mme.", "Mme"),
        ("madame", "Mme"),
        ("Mlle", "Mme"),
        (None, ""),
    ],
)
def test_civilite_normalisee(tmp_path: Path, ecrit: str | None, attendu: str) -> None:
    chemin = ecrire_classeur(tmp_path, {"Salariés": salaries(salarie(Civilité=ecrit))})
    assert lire_registre(chemin).salaries["civilite"].tolist() == [attendu]


def test_lignes_vides_ignorees_et_numeros_de_ligne_excel(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ENTETES,
                salarie("1"),
                [None] * 6,
                ["  ", "", None],  # que des espaces : vide
                salarie("2", Nom="  Nguyen  "),
            ]
        },
    )
    s = lire_registre(chemin).salaries
    assert s["matricule"].tolist() == ["1", "2"]
    assert s["ligne"].tolist() == [2, 5]
    assert s["nom"].tolist() == ["Durand", "Nguyen"]


def test_feuille_facultative_vide_donne_une_table_vide(classeur: Any) -> None:
    chemin = classeur({"Salariés": salaries(), "Absences": []})
    assert lire_registre(chemin).absences.empty


# ------------------------------------------------------------------ vocabulaires contrôlés


@pytest.mark.parametrize(
    ("libelle", "code"),
    [
        ("maternite", "maternite"),
        ("Congé de maternité", "maternite"),
        ("CONGE MATERNITE", "maternite"),
        ("Congé d’adoption", "adoption"),
        ("Congé parental d'éducation", "conge_parental"),
        ("Temps partiel parental", "conge_parental"),
        ("Congé de proche aidant", "proche_aidant"),
        ("Congé de soutien familial", "proche_aidant"),
        ("Congé sabbatique", "sabbatique"),
        ("Mobilité volontaire sécurisée", "mobilite_volontaire"),
        ("Arrêt longue maladie", "longue_maladie"),
        ("Affection de longue durée", "longue_maladie"),
        ("Mandat syndical", "mandat_syndical"),
        ("Maladie", "maladie"),
        ("Congé de paternité", "paternite"),
        ("Congés payés", "conges_payes"),
        ("Congé sans solde", "sans_solde"),
        ("Accident du travail", "accident_travail"),
        ("Autre", "autre"),
        ("longue_maladie", "longue_maladie"),
    ],
)
def test_motifs_d_absence(tmp_path: Path, libelle: str, code: str) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": salaries(),
            "Absences": [
                ["Matricule", "Motif", "Date de début", "Date de fin", "Date de reprise"],
                ["00042", libelle, date(2024, 1, 8), date(2024, 5, 31), "2024-06-03"],
            ],
        },
    )
    absences = lire_registre(chemin).absences
    assert absences["motif"].tolist() == [code]
    assert absences["libelle_motif"].tolist() == [libelle]
    assert absences["date_reprise"].tolist() == [pd.Timestamp(2024, 6, 3)]


def test_motifs_de_retour_sont_des_motifs_connus() -> None:
    assert MOTIFS_RETOUR <= set(MOTIFS_ABSENCE)
    assert len(MOTIFS_ABSENCE) == 16


def test_chaque_ecriture_declaree_est_reconnue_et_ne_designe_qu_un_code() -> None:
    # Un synonyme s'ajoute à un seul endroit (pipeline/schema.py) : il doit être compris
    # aussitôt, et ne pas désigner déjà un autre code (sinon l'un des deux est perdu).
    for vocabulaire, traduire in ((MOTIFS, code_motif), (TYPES, code_type)):
        for e in vocabulaire:
            for ecrit in (e.code, e.libelle, *e.synonymes):
                assert traduire(ecrit) == e.code, ecrit


def test_chaque_nom_declare_de_feuille_et_de_colonne_est_reconnu() -> None:
    for feuille in FEUILLES:
        for nom in (feuille.nom, *feuille.alias):
            assert feuille_nommee(nom) is feuille, nom
        for colonne in feuille.colonnes:
            for titre in (colonne.nom, *colonne.alias):
                assert feuille.colonne_nommee(titre) is colonne, titre


@pytest.mark.parametrize(
    ("libelle", "code"),
    [
        (None, "periodique"),
        ("Périodique", "periodique"),
        ("premier", "premier"),
        ("Premier entretien", "premier"),
        ("Retour de congé", "retour"),
        ("État des lieux", "etat_des_lieux"),
        ("etat_des_lieux", "etat_des_lieux"),
        ("Bilan 6 ans", "etat_des_lieux"),
        ("Bilan 8 ans", "etat_des_lieux"),
        ("Mi-carrière", "mi_carriere"),
        ("Entretien de mi-carrière", "mi_carriere"),
        ("Avant 60 ans", "avant_60"),
        ("Fin de carrière", "avant_60"),
    ],
)
def test_types_d_entretien(tmp_path: Path, libelle: str | None, code: str) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": salaries(),
            "Entretiens": [
                ["Matricule", "Date", "Type", "Conduit par"],
                ["00042", date(2024, 1, 8), libelle, "Paul Roux"],
            ],
        },
    )
    entretiens = lire_registre(chemin).entretiens
    assert entretiens["type"].tolist() == [code]
    assert entretiens["conduit_par"].tolist() == ["Paul Roux"]


@pytest.mark.parametrize(
    ("ecrit", "attendu"),
    [
        ("oui", True),
        ("OUI", True),
        ("o", True),
        ("x", True),
        ("Vrai", True),
        ("true", True),
        ("1", True),
        (1, True),
        (True, True),
        ("non", False),
        ("n", False),
        ("faux", False),
        ("FALSE", False),
        ("0", False),
        (0, False),
        (False, False),
        (None, False),  # vide = défaut « non »
    ],
)
def test_valeurs_oui_non(tmp_path: Path, ecrit: Any, attendu: bool) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": salaries(),
            "Formations": [
                ["Matricule", "Intitulé", "Date", "Obligatoire", "Certifiante"],
                ["00042", "Habilitation électrique", date(2024, 1, 8), ecrit, ecrit],
            ],
        },
    )
    formations = lire_registre(chemin).formations
    assert formations["obligatoire"].tolist() == [attendu]
    assert formations["certifiante"].tolist() == [attendu]
    assert formations["obligatoire"].dtype == bool


# ------------------------------------------------------------- un test par code d'erreur

ENTRETIENS = ["Matricule", "Date", "Type"]
ABSENCES = ["Matricule", "Motif", "Date de début", "Date de fin", "Date de reprise"]
FORMATIONS = ["Matricule", "Intitulé", "Date", "Obligatoire", "Certifiante"]
EVOLUTIONS = ["Matricule", "Date", "Nature"]
D = date(2024, 1, 8)

CAS_ERREURS = [
    pytest.param(
        # « Personnel » est un synonyme de « Salariés » ; le nom par défaut d'Excel ne l'est pas.
        {"Feuil1": salaries()},
        [["Salariés", None, None, "feuille-manquante"]],
        id="feuille-manquante",
    ),
    pytest.param(
        {"Salariés": salaries(), "Entretiens": [["Matricule", "Type"], ["00042", ""]]},
        [["Entretiens", 1, "Date", "colonne-manquante"]],
        id="colonne-manquante-facultative",
    ),
    pytest.param(
        {"Salariés": [["Matricule", "Nom", "Prénom"], ["1", "Roux", "Paul"]]},
        [["Salariés", 1, "Date d'entrée", "colonne-manquante"]],
        id="colonne-manquante",
    ),
    pytest.param(
        # Sans colonne Matricule, chaque matricule des autres feuilles serait « inconnu ».
        {
            "Salariés": [["Nom", "Prénom", "Date d'entrée"], ["Roux", "Paul", D]],
            "Entretiens": [["Matricule", "Date"], ["00042", D]],
        },
        [["Salariés", 1, "Matricule", "colonne-manquante"]],
        id="matricule-absent-sans-matricule-inconnu",
    ),
    pytest.param(
        {"Salariés": [[*ENTETES, "NOM"], [*salarie(), "Autre"]]},
        [["Salariés", 1, "NOM", "colonne-dupliquee"]],
        id="colonne-dupliquee",
    ),
    pytest.param(
        {"Salariés": salaries(salarie("1"), salarie("2", Nom=" "), salarie("", Prénom=None))},
        [
            ["Salariés", 3, "Nom", "valeur-obligatoire"],
            ["Salariés", 4, "Matricule", "valeur-obligatoire"],
            ["Salariés", 4, "Prénom", "valeur-obligatoire"],
        ],
        id="valeur-obligatoire",
    ),
    pytest.param(
        {"Salariés": salaries(), "Absences": [ABSENCES, ["00042", "Maladie", None, D, None]]},
        [["Absences", 2, "Date de début", "valeur-obligatoire"]],
        id="valeur-obligatoire-date",
    ),
    pytest.param(
        {"Salariés": salaries(), "Entretiens": [ENTRETIENS, ["00042", "le 3 mars", ""]]},
        [["Entretiens", 2, "Date", "date-invalide"]],
        id="date-invalide",
    ),
    pytest.param(
        {"Salariés": salaries(salarie("00042"), salarie("7"), salarie("00042"))},
        [["Salariés", 4, "Matricule", "matricule-duplique"]],
        id="matricule-duplique",
    ),
    pytest.param(
        {"Salariés": salaries(), "Entretiens": [ENTRETIENS, ["00042", D, ""], ["42", D, ""]]},
        [["Entretiens", 3, "Matricule", "matricule-inconnu"]],
        id="matricule-inconnu-entretiens",
    ),
    pytest.param(
        {"Salariés": salaries(), "Absences": [ABSENCES, ["99", "Maladie", D, None, None]]},
        [["Absences", 2, "Matricule", "matricule-inconnu"]],
        id="matricule-inconnu-absences",
    ),
    pytest.param(
        {"Salariés": salaries(), "Formations": [FORMATIONS, ["99", "SST", D, "non", "non"]]},
        [["Formations", 2, "Matricule", "matricule-inconnu"]],
        id="matricule-inconnu-formations",
    ),
    pytest.param(
        {"Salariés": salaries(), "Évolutions": [EVOLUTIONS, ["99", D, "salariale"]]},
        [["Évolutions", 2, "Matricule", "matricule-inconnu"]],
        id="matricule-inconnu-evolutions",
    ),
    pytest.param(
        {
            "Salariés": [
                [*ENTETES, "Matricule manager"],
                [*salarie("1"), "2"],
                [*salarie("2"), "3"],
            ]
        },
        [["Salariés", 3, "Matricule manager", "manager-inconnu"]],
        id="manager-inconnu",
    ),
    pytest.param(
        {"Salariés": salaries(), "Absences": [ABSENCES, ["00042", "Vacances", D, None, None]]},
        [["Absences", 2, "Motif", "motif-inconnu"]],
        id="motif-inconnu",
    ),
    pytest.param(
        {"Salariés": salaries(), "Entretiens": [ENTRETIENS, ["00042", D, "Annuel"]]},
        [["Entretiens", 2, "Type", "type-inconnu"]],
        id="type-inconnu",
    ),
    pytest.param(
        {"Salariés": salaries(), "Évolutions": [EVOLUTIONS, ["00042", D, "mutation"]]},
        [["Évolutions", 2, "Nature", "nature-inconnue"]],
        id="nature-inconnue",
    ),
    pytest.param(
        {
            "Salariés": [
                [*ENTETES, "E-mail"],
                [*salarie("1"), "elodie.durand@exemple.fr"],
                [*salarie("2"), "elodie.durand@exemple"],
                [*salarie("3"), "Élodie Durand"],
            ]
        },
        [
            ["Salariés", 3, "E-mail", "email-invalide"],
            ["Salariés", 4, "E-mail", "email-invalide"],
        ],
        id="email-invalide",
    ),
    pytest.param(
        {
            "Salariés": [
                [*ENTETES, "Date de sortie"],
                [*salarie("1"), date(2015, 8, 31)],
                [*salarie("2"), date(2015, 9, 1)],  # sortie le jour de l'entrée : possible
            ]
        },
        [["Salariés", 2, "Date de sortie", "dates-incoherentes"]],
        id="sortie-avant-entree",
    ),
    pytest.param(
        {"Salariés": salaries(salarie(**{"Date de naissance": date(2016, 1, 1)}))},
        [["Salariés", 2, "Date de naissance", "dates-incoherentes"]],
        id="naissance-apres-entree",
    ),
    pytest.param(
        {
            "Salariés": salaries(),
            "Absences": [ABSENCES, ["00042", "Maladie", D, date(2024, 1, 7), None]],
        },
        [["Absences", 2, "Date de fin", "dates-incoherentes"]],
        id="fin-avant-debut",
    ),
    pytest.param(
        {
            "Salariés": salaries(),
            "Absences": [ABSENCES, ["00042", "Maladie", D, None, "2024-01-01"]],
        },
        [["Absences", 2, "Date de reprise", "dates-incoherentes"]],
        id="reprise-avant-debut",
    ),
    pytest.param(
        {"Salariés": salaries(), "Formations": [FORMATIONS, ["00042", "SST", D, "peut-être", ""]]},
        [["Formations", 2, "Obligatoire", "booleen-invalide"]],
        id="booleen-invalide",
    ),
    pytest.param(
        {"Salariés": salaries(), "salaries": salaries()},
        [["salaries", None, None, "feuille-dupliquee"]],
        id="feuille-dupliquee",
    ),
]


@pytest.mark.parametrize(("feuilles", "attendu"), CAS_ERREURS)
def test_chaque_code_d_erreur(
    tmp_path: Path, feuilles: dict[str, Any], attendu: list[list[Any]]
) -> None:
    erreur = anomalies_de(ecrire_classeur(tmp_path, feuilles))
    assert [[a.feuille, a.ligne, a.colonne, a.code] for a in erreur.erreurs] == attendu
    assert erreur.message.startswith(f"Le registre contient {len(attendu)} erreur(s)")
    for anomalie in erreur.erreurs:
        # Chaque message dit quoi faire, en français.
        assert any(
            verbe in anomalie.message
            for verbe in ("corrigez", "ajoutez", "renseignez", "écrivez", "saisissez", "supprimez",
                          "fusionnez", "renommez")
        ), anomalie.message  # fmt: skip


def test_valeur_et_message_localises(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": salaries(), "Absences": [ABSENCES, ["00042", "Vacances", D, None, None]]},
    )
    (anomalie,) = anomalies_de(chemin).erreurs
    assert anomalie.valeur == "Vacances"
    assert "« Vacances »" in anomalie.message and "Congé de maternité" in anomalie.message
    assert str(anomalie).startswith("feuille « Absences », ligne 2, colonne « Motif » : ")


def test_dates_incoherentes_citent_les_deux_dates(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [[*ENTETES, "Date de sortie"], [*salarie(), "2015-08-31"]]},
    )
    (anomalie,) = anomalies_de(chemin).erreurs
    assert anomalie.valeur == "31/08/2015"
    assert "31/08/2015" in anomalie.message and "01/09/2015" in anomalie.message


def test_matricule_sans_zeros_de_tete_suggere_le_bon(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path, {"Salariés": salaries(), "Entretiens": [ENTRETIENS, [42, D, ""]]}
    )
    (anomalie,) = anomalies_de(chemin).erreurs
    assert anomalie.code == "matricule-inconnu"
    assert anomalie.valeur == "42"
    assert "« 00042 »" in anomalie.message


def test_colonne_manquante_suggere_la_colonne_mal_orthographiee(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [["Matricule", "Nom", "Prénom", "Date d'entre"], ["1", "A", "B", D]]},
    )
    (anomalie,) = anomalies_de(chemin).erreurs
    assert anomalie.code == "colonne-manquante"
    assert "« Date d'entre »" in anomalie.message


def test_toutes_les_erreurs_sont_collectees_et_triees(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Évolutions": [EVOLUTIONS, ["00042", "demain", "salariale"]],
            "Salariés": salaries(
                salarie("00042", **{"Date d'entrée": "2015-13-01"}),
                salarie("00042", Nom=None, Civilité="Dr"),
            ),
            "Entretiens": [ENTRETIENS, ["00042", D, "Annuel"], ["77", "32/01/2024", ""]],
            "Absences": [ABSENCES, ["00042", "Vacances", D, date(2023, 1, 1), None]],
        },
    )
    erreur = anomalies_de(chemin)
    assert [[a.feuille, a.ligne, a.colonne, a.code] for a in erreur.erreurs] == [
        ["Salariés", 2, "Date d'entrée", "date-invalide"],
        ["Salariés", 3, "Matricule", "matricule-duplique"],
        ["Salariés", 3, "Nom", "valeur-obligatoire"],
        ["Entretiens", 2, "Type", "type-inconnu"],
        ["Entretiens", 3, "Matricule", "matricule-inconnu"],
        ["Entretiens", 3, "Date", "date-invalide"],
        ["Absences", 2, "Motif", "motif-inconnu"],
        ["Absences", 2, "Date de fin", "dates-incoherentes"],
        ["Évolutions", 2, "Date", "date-invalide"],
    ]
    assert erreur.message.startswith("Le registre contient 9 erreur(s)")
    # Les avertissements accompagnent les erreurs dans l'exception.
    assert [a.code for a in erreur.avertissements] == ["civilite-inconnue"]


# ------------------------------------------------------------------------ avertissements


def test_avertissements_ne_bloquent_pas(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, None],
                salarie("1", **{"Date de naissance": None}),
                [*salarie("2", Civilité="Dr"), "donnée sans titre"],
            ],
            "Entretiens réalisés": [ENTRETIENS],
            "Entretiens": [[*ENTRETIENS, "Date de l'entretien suivant"]],
            "Listes": [["Motifs"], ["Maladie"]],  # feuille sans rapport : ignorée en silence
        },
    )
    registre = lire_registre(chemin)
    assert [[a.feuille, a.ligne, a.colonne, a.code] for a in registre.avertissements] == [
        ["Salariés", 1, "G", "colonne-sans-titre"],
        ["Salariés", 2, "Date de naissance", "naissance-manquante"],
        ["Salariés", 3, "Civilité", "civilite-inconnue"],
        ["Entretiens", 1, "Date de l'entretien suivant", "colonne-ignoree"],
        ["Entretiens réalisés", None, None, "feuille-ignoree"],
    ]
    assert all(a.gravite == "avertissement" for a in registre.avertissements)
    assert registre.salaries["civilite"].tolist() == ["Mme", ""]
    assert pd.isna(registre.salaries["date_naissance"].tolist()[0])


def test_colonne_naissance_absente_un_seul_avertissement(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ["Matricule", "Nom", "Prénom", "Date d'entrée"],
                ["1", "A", "B", D],
                ["2", "C", "D", D],
            ]
        },
    )
    registre = lire_registre(chemin)
    assert [[a.ligne, a.colonne, a.code] for a in registre.avertissements] == [
        [1, "Date de naissance", "naissance-manquante"]
    ]
    assert registre.salaries["date_naissance"].isna().all()


# ------------------------------------------------------------------------------ fichiers


def _une_phrase(erreur: ErreurEntretiens, code: str) -> None:
    assert [a.code for a in erreur.anomalies] == [code]
    assert "Traceback" not in erreur.message and "\n" not in erreur.message
    assert erreur.message.rstrip().endswith(".")


def test_fichier_introuvable(tmp_path: Path) -> None:
    erreur = anomalies_de(tmp_path / "absent.xlsx")
    _une_phrase(erreur, "fichier-introuvable")
    assert "introuvable" in erreur.message and "absent.xlsx" in erreur.message


@pytest.mark.parametrize(
    ("nom", "contenu", "attendu"),
    [
        ("registre.csv", b"Matricule;Nom\n1;Roux\n", "n'est pas un classeur Excel"),
        ("registre.xlsx", b"Matricule\tNom\n1\tRoux\n", "n'est pas un classeur Excel"),
        ("registre.xlsx", b"", "n'est pas un classeur Excel"),
        ("registre.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "mot de passe"),
    ],
)
def test_fichier_qui_n_est_pas_un_classeur(
    tmp_path: Path, nom: str, contenu: bytes, attendu: str
) -> None:
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    erreur = anomalies_de(chemin)
    _une_phrase(erreur, "fichier-illisible")
    assert attendu in erreur.message


def test_classeur_tronque(tmp_path: Path) -> None:
    complet = ecrire_classeur(tmp_path, {"Salariés": salaries()}, "complet.xlsx")
    tronque = tmp_path / "tronque.xlsx"
    tronque.write_bytes(complet.read_bytes()[:1500])
    erreur = anomalies_de(tronque)
    _une_phrase(erreur, "fichier-illisible")
    assert "endommagé" in erreur.message


def test_archive_zip_qui_n_est_pas_un_classeur(tmp_path: Path) -> None:
    chemin = tmp_path / "registre.xlsx"
    with zipfile.ZipFile(chemin, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    _une_phrase(anomalies_de(chemin), "fichier-illisible")


def test_dossier_au_lieu_d_un_fichier(tmp_path: Path) -> None:
    dossier = tmp_path / "registre.xlsx"
    dossier.mkdir()
    _une_phrase(anomalies_de(dossier), "fichier-illisible")


def test_fichier_verrouille(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chemin = ecrire_classeur(tmp_path, {"Salariés": salaries()})

    def refuser(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuser)
    erreur = anomalies_de(chemin)
    _une_phrase(erreur, "fichier-illisible")
    assert "verrouillé" in erreur.message


# ------------------------------------------------------------------------------ affichage


def test_formater_anomalies_tableau_par_feuille(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": salaries(salarie("1", Civilité="Dr"), salarie("1")),
            "Entretiens": [ENTRETIENS, ["1", "hier", ""]],
        },
    )
    texte = formater_anomalies(anomalies_de(chemin).anomalies)
    blocs = texte.split("\n\n")
    assert [b.splitlines()[0] for b in blocs] == ["Feuille « Salariés »", "Feuille « Entretiens »"]
    lignes = blocs[0].splitlines()
    assert [c.strip() for c in lignes[1].split("|")] == ["Ligne", "Colonne", "Code", "Message"]
    cellules = [[c.strip() for c in ligne.split(" | ", 3)] for ligne in lignes[3:]]
    assert [c[:3] for c in cellules] == [
        ["2", "Civilité", "civilite-inconnue"],
        ["3", "Matricule", "matricule-duplique"],
    ]
    assert cellules[0][3].startswith("Avertissement : ")
    assert "date-invalide" in blocs[1]


def test_formater_anomalie_de_fichier(tmp_path: Path) -> None:
    erreur = anomalies_de(tmp_path / "absent.xlsx")
    texte = formater_anomalies(erreur.anomalies)
    assert texte.splitlines()[0] == "Fichier"
    assert "fichier-introuvable" in texte
