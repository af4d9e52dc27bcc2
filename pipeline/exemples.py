"""Exemples fictifs : un registre, ses échéances, son planning et les contextes qui en
découlent.

Ils servent à documenter les variables des modèles Word (`entretiens modeles`, README de
`modeles_word/`), à fabriquer et vérifier les modèles, aux tests et aux bancs d'essai. Les
valeurs sont choisies pour piéger le rendu : apostrophes, « & », « < », accents, 1er du
mois, toutes les rubriques conditionnelles affichées.

Les obligations du salarié d'exemple sont celles que calcule le moteur de règles (version 2)
pour son registre au 26/11/2027 (un test le vérifie) : entrée le 15/11/2019, son premier
état des lieux à 8 ans tombe le 15/11/2027 (aucun n'est dû avant le 26/10/2027), avec un
seul entretien sur les deux prévus et aucune formation non obligatoire : l'abondement
correctif est dû, à verser au plus tard le 31/03/2028.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from pipeline.config import Parametres
from pipeline.contexte import contexte_conducteur, contexte_salarie
from pipeline.regles import MONTANT_ABONDEMENT, SEUIL_EFFECTIF_ABONDEMENT


@dataclass
class RegistreExemple:
    """Le strict nécessaire d'un `Registre` pour construire un contexte d'exemple."""

    salaries: pd.DataFrame
    entretiens: pd.DataFrame
    absences: pd.DataFrame
    formations: pd.DataFrame
    evolutions: pd.DataFrame


AU_EXEMPLE = date(2027, 11, 26)
TOUS_LES_TYPES = ("periodique", "etat_des_lieux", "retour", "mi_carriere", "avant_60")


def _ts(texte: str | None) -> pd.Timestamp:
    return pd.Timestamp(texte) if texte else pd.NaT


def registre_exemple() -> RegistreExemple:
    """Deux salariés fictifs : Élodie L'Hôpital-Dupont & Fils <SARL>… et son manager."""
    return RegistreExemple(
        salaries=_salaries_exemple(),
        entretiens=_entretiens_exemple(),
        absences=_absences_exemple(),
        formations=_formations_exemple(),
        evolutions=_evolutions_exemple(),
    )


def _salaries_exemple() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "matricule": "00042",
                "civilite": "Mme",
                "nom": "L'Hôpital-Dupont",
                "prenom": "Élodie",
                "email": "elodie.lhopital@exemple.fr",
                "poste": "Technicienne qualité & méthodes",
                "service": "Qualité <Lyon>",
                "etablissement": "Lyon Gerland",
                "matricule_manager": "00007",
                "adresse": "3 rue de la Ferronnière",
                "code_postal": "69007",
                "ville": "Lyon",
                "date_naissance": _ts("1967-12-20"),
                "date_entree": _ts("2019-11-15"),
                "date_sortie": pd.NaT,
                "date_visite_mi_carriere": _ts("2027-10-20"),
                "ligne": 2,
                "autres": {"Coefficient": "250"},
            },
            {
                "matricule": "00007",
                "civilite": "M.",
                "nom": "Benoît",
                "prenom": "François",
                "email": "francois.benoit@exemple.fr",
                "poste": "Responsable qualité",
                "service": "Qualité <Lyon>",
                "etablissement": "Lyon Gerland",
                "matricule_manager": "",
                "adresse": "",
                "code_postal": "",
                "ville": "",
                "date_naissance": _ts("1975-04-02"),
                "date_entree": _ts("2010-01-04"),
                "date_sortie": pd.NaT,
                "date_visite_mi_carriere": pd.NaT,
                "ligne": 3,
                "autres": {"Coefficient": "400"},
            },
        ]
    )


def _entretiens_exemple() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "matricule": "00007",
                "date": _ts("2020-12-03"),
                "type": "periodique",
                "conduit_par": "Claire Martin",
                "commentaire": "",
                "ligne": 2,
            },
            {
                "matricule": "00042",
                "date": _ts("2022-11-10"),
                "type": "periodique",
                "conduit_par": "François Benoît",
                "commentaire": "Souhaite se former à l'audit",
                "ligne": 3,
            },
        ]
    )


def _absences_exemple() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "matricule": "00042",
                "motif": "conge_parental",
                "libelle_motif": "Congé parental d'éducation",
                "date_debut": _ts("2026-09-01"),
                "date_fin": _ts("2027-10-31"),
                "date_reprise": _ts("2027-11-02"),
                "ligne": 2,
            },
            {
                "matricule": "00042",
                "motif": "maladie",
                "libelle_motif": "Maladie",
                "date_debut": _ts("2024-02-05"),
                "date_fin": _ts("2024-02-09"),
                "date_reprise": pd.NaT,
                "ligne": 3,
            },
        ]
    )


def _formations_exemple() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "matricule": "00042",
                "intitule": "Habilitation électrique B0",
                "date": _ts("2021-03-15"),
                "obligatoire": True,
                "certifiante": False,
                "ligne": 2,
            },
            {
                "matricule": "00042",
                "intitule": "CQP Technicien qualité",
                "date": _ts("2023-06-20"),
                "obligatoire": True,
                "certifiante": True,
                "ligne": 3,
            },
        ]
    )


def _evolutions_exemple() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "matricule": "00042",
                "date": _ts("2023-01-01"),
                "nature": "salariale",
                "commentaire": "Augmentation individuelle",
                "ligne": 2,
            },
        ]
    )


def obligations_exemple(types: Iterable[str] = TOUS_LES_TYPES, effectif: int = 120) -> pd.DataFrame:
    """Lignes de la liste des échéances du salarié d'exemple, pour les types demandés."""
    # Seul l'état des lieux dépend de l'effectif (abondement correctif à partir de 50).
    par_type = _OBLIGATIONS_EXEMPLE | {
        "etat_des_lieux": _etat_des_lieux_exemple(effectif >= SEUIL_EFFECTIF_ABONDEMENT)
    }
    return pd.DataFrame([{**_LIGNE_EXEMPLE, "type": t, **par_type[t]} for t in types])


# Colonnes de `regles.lister_echeances` communes à toutes les obligations du salarié
# d'exemple ; chaque type y ajoute son échéance, son statut, son motif et ses détails.
_LIGNE_EXEMPLE: dict[str, Any] = {
    "matricule": "00042",
    "nom": "L'Hôpital-Dupont",
    "prenom": "Élodie",
    "service": "Qualité <Lyon>",
    "matricule_manager": "00007",
    "reprise": pd.NaT,
    "motif_absence": pd.NA,
    "debut_absence": pd.NaT,
    "edl_debut": pd.NaT,
    "edl_fin": pd.NaT,
    "entretiens_realises": pd.NA,
    "entretiens_prevus": pd.NA,
    "formation_non_obligatoire": pd.NA,
    "critere_formation": pd.NA,
    "critere_certification": pd.NA,
    "critere_progression": pd.NA,
    "abondement_correctif": pd.NA,
    "montant_abondement": pd.NA,
    "date_limite_versement": pd.NaT,
}

# Chaque obligation telle que le moteur la calcule au 26/11/2027 (un test le vérifie),
# sauf l'état des lieux, qui dépend de l'effectif (`_etat_des_lieux_exemple`).
_OBLIGATIONS_EXEMPLE: dict[str, dict[str, Any]] = {
    "premier": {
        "echeance": _ts("2027-12-15"),
        "statut": "a_planifier",
        "motif": "Embauche le 15/12/2026 : premier entretien dans l'année suivant "
        "l'embauche (art. L6315-1 I, loi n° 2025-989)",
    },
    "periodique": {
        "echeance": _ts("2024-11-10"),
        "statut": "en_retard",
        "motif": "Dernier entretien le 10/11/2022 : entretien dû le 10/11/2024 (ancien délai "
        "de 24 mois), échu avant l'entrée en vigueur de la loi n° 2025-989 le 26/10/2025 : "
        "le manquement demeure (art. L6315-1 I C. trav. ; art. 2222 C. civ.)",
    },
    "retour": {
        "echeance": _ts("2027-12-02"),
        "statut": "a_planifier",
        "motif": "Retour de congé parental d'éducation (ou temps partiel parental) : reprise "
        "le 02/11/2027 ; entretien à proposer au retour, sauf entretien tenu dans les 12 mois "
        "précédant la reprise, échéance retenue : reprise + 30 jours (art. L6315-1 I, loi "
        "n° 2025-989)",
        "reprise": _ts("2027-11-02"),
        "motif_absence": "conge_parental",
        "debut_absence": _ts("2026-09-01"),
    },
    "mi_carriere": {
        "echeance": _ts("2027-12-20"),
        "statut": "a_planifier",
        "motif": "Visite médicale de mi-carrière le 20/10/2027 : entretien professionnel "
        "dans les deux mois qui suivent (art. L4624-2-2 et L6315-1 IV, loi n° 2025-989)",
    },
    "avant_60": {
        "echeance": _ts("2027-12-19"),
        "statut": "a_planifier",
        "motif": "60 ans le 20/12/2027 : entretien dans les deux ans précédant (maintien "
        "dans l'emploi, aménagements de fin de carrière : temps partiel, retraite "
        "progressive) (art. L6315-1 V, loi n° 2025-989)",
    },
}


def _etat_des_lieux_exemple(abondement: bool) -> dict[str, Any]:
    """L'état des lieux des 8 ans : un entretien sur deux, aucune formation non
    obligatoire ; l'abondement correctif n'est dû qu'à partir de 50 salariés."""
    return {
        "echeance": _ts("2027-11-15"),
        "statut": "en_retard",
        "motif": "État des lieux récapitulatif des 8 ans d'ancienneté (entrée le "
        "15/11/2019) : 1 entretien(s) sur 2 prévu(s) du 15/11/2019 au 15/11/2027, "
        "formation non obligatoire : non"
        + (
            " ; abondement correctif dû (effectif d'au moins 50 salariés au sens de "
            "l'art. L130-1 CSS) : 3 000 € à verser au CPF (Caisse des dépôts) au plus tard "
            "le 31/03/2028"
            if abondement
            else ""
        )
        + " (art. L6315-1 II, L6323-13 et R6323-3 C. trav., loi n° 2025-989, décret "
        "n° 2026-39)",
        "edl_debut": _ts("2019-11-15"),
        "edl_fin": _ts("2027-11-15"),
        "entretiens_realises": 1,
        "entretiens_prevus": 2,
        "formation_non_obligatoire": False,
        "critere_formation": True,
        "critere_certification": True,
        "critere_progression": True,
        "abondement_correctif": abondement,
        "montant_abondement": MONTANT_ABONDEMENT if abondement else 0,
        "date_limite_versement": _ts("2028-03-31") if abondement else pd.NaT,
    }


def planning_exemple() -> pd.DataFrame:
    """Deux lignes de `Planning.entretiens`, conduites par le manager d'exemple."""
    commun = {
        "conducteur": "François Benoît",
        "matricule_conducteur": "00007",
        "email_conducteur": "francois.benoit@exemple.fr",
        "duree_minutes": 90,
    }
    return pd.DataFrame(
        [
            {
                "matricule": "00042",
                "nom": "L'Hôpital-Dupont",
                "prenom": "Élodie",
                "service": "Qualité <Lyon>",
                **commun,
                "date": _ts("2027-12-07"),
                "heure": "14:00",
                "fin": "15:30",
                "lieu": "Salle de réunion Rhône",
                "types": "periodique, etat_des_lieux, retour",
                "motifs": "Dernier entretien le 10/11/2022 : entretien dû le 10/11/2024 ; état "
                "des lieux des 8 ans d'ancienneté",
                "statut": "en_retard",
            },
            {
                "matricule": "00051",
                "nom": "Nguyễn",
                "prenom": "Anh & Co",
                "service": "Achats",
                **commun,
                "date": _ts("2027-12-01"),
                "heure": "09:00",
                "fin": "10:30",
                "lieu": "Salle de réunion Saône",
                "types": "premier, mi_carriere",
                "motifs": "Embauche le 15/12/2026",
                "statut": "a_planifier",
            },
        ]
    )


def exemple_contexte_salarie(
    regime: str = "2025",
    types: Iterable[str] = TOUS_LES_TYPES,
    effectif: int = 120,
    au: date = AU_EXEMPLE,
) -> dict[str, Any]:
    """Contexte complet d'un salarié fictif (par défaut : toutes les rubriques affichées)."""
    parametres = dataclasses.replace(
        Parametres(),
        regles=dataclasses.replace(Parametres().regles, regime=regime),
        entreprise=dataclasses.replace(
            Parametres().entreprise,
            raison_sociale="Dupont & Fils <SARL>",
            effectif=effectif,
            telephone_rh="04 72 00 00 00",
        ),
    )
    registre = registre_exemple()
    salarie = registre.salaries.iloc[0].to_dict()
    entretien = planning_exemple().iloc[0].to_dict()
    return contexte_salarie(
        salarie, obligations_exemple(types, effectif), entretien, registre, parametres, au
    )


def exemple_contexte_conducteur(regime: str = "2025", au: date = AU_EXEMPLE) -> dict[str, Any]:
    """Contexte complet de la fiche d'un conducteur fictif (deux entretiens)."""
    parametres = dataclasses.replace(
        Parametres(),
        regles=dataclasses.replace(Parametres().regles, regime=regime),
        entreprise=dataclasses.replace(
            Parametres().entreprise,
            raison_sociale="Dupont & Fils <SARL>",
            telephone_rh="04 72 00 00 00",
        ),
    )
    return contexte_conducteur("François Benoît", planning_exemple(), parametres, au)
