"""Tableau de bord de la conformité : où en est l'entreprise, pour la direction et le CSE.

`construire_indicateurs` est pur (tables + date -> chiffres) ; `ecrire_tableau_de_bord`
écrit `tableau_de_bord.xlsx` : une synthèse avec graphiques Excel natifs (ils lisent les
cellules de la feuille : le RH peut corriger un chiffre, le graphique suit), l'échéancier
complet, les retards et les chiffres du CSE.

Le classeur est recalculé à chaque fois et ne contient aucune saisie humaine : il est
remplacé atomiquement, sans garder d'ancienne version (une par mois s'empilerait).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font, PatternFill

from pipeline.config import Parametres
from pipeline.formats import FORMAT_DATE_EXCEL, montant_fr
from pipeline.libelles import EN_TETES_ECHEANCES, LIBELLES_STATUTS, LIBELLES_TYPES
from pipeline.regles import MONTANT_ABONDEMENT, SEUIL_EFFECTIF_ABONDEMENT, STATUTS, TYPES
from pipeline.tableurs import (
    Feuille,
    ajouter_feuille,
    cellule,
    enregistrer_classeur,
    nouveau_classeur,
)

if TYPE_CHECKING:  # le lecteur (calamine) n'est pas chargé pour une annotation
    from pipeline.registre import Registre

# Réexportés : le tableau de bord est l'endroit naturel où les chercher.
__all__ = [
    "LIBELLES_STATUTS",
    "LIBELLES_TYPES",
    "Indicateurs",
    "construire_indicateurs",
    "ecrire_tableau_de_bord",
]

SANS_SERVICE = "(sans service)"
FEUILLE_TENUS_NON_SAISIS = "Tenus non saisis"
NON_APPLICABLE = "non applicable"

_TITRE = Font(bold=True, size=14, color="1F4E79")
_GRAS = Font(bold=True)
_GRAS_BLANC = Font(bold=True, color="FFFFFF")
_FOND_EN_TETE = PatternFill("solid", start_color="1F4E79")
_ITALIQUE = Font(italic=True, color="595959")
_POURCENT = "0.0%"
_EUROS = '#,##0 "€"'


@dataclass
class Indicateurs:
    """Les chiffres du tableau de bord, calculés pour une date de référence."""

    au: date
    regime: str
    periodicite_mois: int
    effectif: int  # effectif déclaré dans les paramètres (seuil des 50)
    nb_salaries: int  # salariés présents au `au`
    nb_a_jour: int  # présents sans aucune obligation en retard
    taux_a_jour: float | None  # None s'il n'y a aucun salarié
    par_statut: pd.DataFrame  # statut, libelle, nombre (tous les statuts, ordre fixe)
    par_type: pd.DataFrame  # type, libelle, un compte par statut, total
    par_service: pd.DataFrame  # service, salaries, a_jour, taux_a_jour, comptes par statut, total
    nb_avant_60_manques: int  # entretiens avant 60 ans qui ne peuvent plus être tenus
    abondement_applicable: bool  # effectif ≥ 50
    nb_exposes: int  # salariés exposés à l'abondement correctif
    montant_abondement: int  # euros ; 0 si non applicable
    # matricule, nom, prenom, service, echeance, statut, montant, date_limite
    exposes: pd.DataFrame
    cse: pd.DataFrame  # service, effectif, avec_entretien, taux (par service)
    nb_entretien_12_mois: int
    taux_entretien_12_mois: float | None
    # Entretiens relevés par `recolter` et pas encore dans le registre (None : non fourni).
    tenus_non_saisis: pd.DataFrame | None = None


def construire_indicateurs(
    registre: Registre,
    obligations: pd.DataFrame,
    au: date,
    parametres: Parametres,
    tenus_non_saisis: pd.DataFrame | None = None,
) -> Indicateurs:
    """Chiffres du tableau de bord à partir de toutes les obligations (honorées comprises).

    `obligations` est la sortie de `regles.calculer_obligations` pour le même `au` : elle ne
    concerne que les salariés présents à cette date. `tenus_non_saisis` : les entretiens que
    la dernière récolte a relevés et que le registre n'a pas encore (`recolte.tenus_non_saisis`).
    """
    d = pd.Timestamp(au)
    presents = _presents(registre.salaries, d)
    tous_services = dict(
        zip(
            registre.salaries["matricule"].astype(str),
            _nom_service(registre.salaries["service"]),
            strict=True,
        )
    )

    obligations = obligations.copy()
    obligations["matricule"] = obligations["matricule"].astype(str)
    obligations["service"] = obligations["matricule"].map(tous_services).fillna(SANS_SERVICE)

    en_retard = set(obligations.loc[obligations["statut"] == "en_retard", "matricule"])
    presents["a_jour"] = ~presents["matricule"].isin(en_retard)
    nb_salaries = len(presents)
    nb_a_jour = int(presents["a_jour"].sum())

    par_statut = pd.DataFrame(
        {
            "statut": list(STATUTS),
            "libelle": [LIBELLES_STATUTS[s] for s in STATUTS],
            "nombre": [int((obligations["statut"] == s).sum()) for s in STATUTS],
        }
    )
    par_type = _croiser(obligations, "type", list(TYPES))
    par_type.insert(1, "libelle", [LIBELLES_TYPES.get(t, t) for t in par_type["type"]])

    noms_services = _ordonner_services(set(presents["service"]) | set(obligations["service"]))
    par_service = _croiser(obligations, "service", noms_services)
    effectifs = presents.groupby("service")["a_jour"].agg(["size", "sum"])
    par_service.insert(1, "salaries", [_compte(effectifs, s, "size") for s in noms_services])
    par_service.insert(2, "a_jour", [_compte(effectifs, s, "sum") for s in noms_services])
    par_service.insert(
        3,
        "taux_a_jour",
        [_taux(a, n) for a, n in zip(par_service["a_jour"], par_service["salaries"], strict=True)],
    )

    applicable = parametres.entreprise.effectif >= SEUIL_EFFECTIF_ABONDEMENT
    exposes = _exposes(obligations, registre.salaries, d) if applicable else _exposes_vide()
    manques = (obligations["type"] == "avant_60") & (obligations["statut"] == "manquee")

    cse, nb_12_mois = _cse(presents, registre.entretiens, d)
    return Indicateurs(
        au=au,
        regime=parametres.regles.regime,
        periodicite_mois=parametres.regles.periodicite,
        effectif=parametres.entreprise.effectif,
        nb_salaries=nb_salaries,
        nb_a_jour=nb_a_jour,
        taux_a_jour=_taux(nb_a_jour, nb_salaries),
        par_statut=par_statut,
        par_type=par_type,
        par_service=par_service,
        nb_avant_60_manques=int(manques.sum()),
        abondement_applicable=applicable,
        nb_exposes=int(exposes["matricule"].nunique()),
        montant_abondement=int(exposes["montant_abondement"].sum()),
        exposes=exposes,
        cse=cse,
        nb_entretien_12_mois=nb_12_mois,
        taux_entretien_12_mois=_taux(nb_12_mois, nb_salaries),
        tenus_non_saisis=tenus_non_saisis,
    )


# --- Calculs ------------------------------------------------------------------------


def _nom_service(serie: pd.Series) -> pd.Series:
    serie = serie.fillna("").astype(str).str.strip()
    return serie.where(serie != "", SANS_SERVICE)


def _presents(salaries: pd.DataFrame, d: pd.Timestamp) -> pd.DataFrame:
    # Même règle que regles.md §2 : entré au plus tard D, et pas sorti avant D.
    entree = pd.to_datetime(salaries["date_entree"])
    sortie = pd.to_datetime(salaries["date_sortie"])
    present = (entree <= d) & (sortie.isna() | (sortie >= d))
    retenus = salaries.loc[present.fillna(False).to_numpy(dtype=bool)]
    return pd.DataFrame(
        {
            "matricule": retenus["matricule"].astype(str).to_numpy(),
            "service": _nom_service(retenus["service"]).to_numpy(),
        }
    )


def _ordonner_services(noms: set[str]) -> list[str]:
    # Ordre alphabétique, « (sans service) » à la fin.
    return sorted(noms, key=lambda s: (s == SANS_SERVICE, s.casefold()))


def _croiser(obligations: pd.DataFrame, colonne: str, lignes: list[str]) -> pd.DataFrame:
    """Une ligne par valeur de `colonne`, un compte par statut, et le total."""
    comptes = pd.crosstab(obligations[colonne], obligations["statut"])
    table = pd.DataFrame({colonne: lignes})
    for statut in STATUTS:
        if statut in comptes.columns:
            table[statut] = [int(comptes[statut].get(v, 0)) for v in lignes]
        else:
            table[statut] = 0
    table["total"] = table[list(STATUTS)].sum(axis=1).astype(int)
    return table


def _compte(table: pd.DataFrame, service: str, colonne: str) -> int:
    return int(table.at[service, colonne]) if service in table.index else 0


def _taux(partie: int, total: int) -> float | None:
    return partie / total if total else None


def _vrai(serie: pd.Series) -> np.ndarray:
    """Booléens nullables -> bool numpy, NA = faux."""
    return np.array([False if pd.isna(v) else bool(v) for v in serie], dtype=bool)


def _exposes_vide() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "matricule": pd.Series(dtype=str),
            "nom": pd.Series(dtype=str),
            "prenom": pd.Series(dtype=str),
            "service": pd.Series(dtype=str),
            "echeance": pd.Series(dtype="datetime64[ns]"),
            "statut": pd.Series(dtype=str),
            "montant_abondement": pd.Series(dtype=int),
            "date_limite_versement": pd.Series(dtype="datetime64[ns]"),
        }
    )


def _exposes(obligations: pd.DataFrame, salaries: pd.DataFrame, d: pd.Timestamp) -> pd.DataFrame:
    """États des lieux dont les critères déclenchent l'abondement et qui restent à verser.

    Ceux en retard ou à planifier (échéance dans l'horizon), et ceux déjà tenus dont la
    date limite de versement (fin du trimestre qui suit l'entretien, R6323-3) n'est pas
    passée : la somme est due. Le moteur calcule aussi les critères des états des lieux
    « à venir », sur une fenêtre encore ouverte (un salarié embauché le mois dernier a
    0 entretien sur 1) ; les compter gonflerait l'exposition de risques que l'entreprise a
    encore des années pour éviter. Passé la date limite d'un état des lieux tenu, le
    versement est supposé fait (le registre ne le dit pas) : il sort de la liste.
    """
    if obligations.empty or "abondement_correctif" not in obligations:
        return _exposes_vide()
    limite = pd.to_datetime(obligations["date_limite_versement"])
    a_verser = (obligations["statut"] == "honoree") & (limite >= d).fillna(False)
    masque = (
        (obligations["type"] == "etat_des_lieux").to_numpy()
        & (obligations["statut"].isin(["en_retard", "a_planifier"]) | a_verser).to_numpy()
        & _vrai(obligations["abondement_correctif"])
    )
    retenues = obligations.loc[masque]
    identite = salaries.assign(matricule=salaries["matricule"].astype(str)).set_index("matricule")
    montants = pd.to_numeric(retenues["montant_abondement"], errors="coerce").fillna(0)
    return pd.DataFrame(
        {
            "matricule": retenues["matricule"].to_numpy(),
            "nom": retenues["matricule"].map(identite["nom"]).fillna("").to_numpy(),
            "prenom": retenues["matricule"].map(identite["prenom"]).fillna("").to_numpy(),
            "service": retenues["service"].to_numpy(),
            "echeance": pd.to_datetime(retenues["echeance"]).to_numpy(),
            "statut": retenues["statut"].map(LIBELLES_STATUTS).to_numpy(),
            "montant_abondement": montants.astype(int).to_numpy(),
            "date_limite_versement": pd.to_datetime(retenues["date_limite_versement"]).to_numpy(),
        }
    )


def _cse(
    presents: pd.DataFrame, entretiens: pd.DataFrame, d: pd.Timestamp
) -> tuple[pd.DataFrame, int]:
    """Salariés présents ayant eu un entretien daté dans ]D - 12 mois, D], par service."""
    debut = d - pd.DateOffset(months=12)
    dates = pd.to_datetime(entretiens["date"])
    recents = entretiens.loc[((dates > debut) & (dates <= d)).fillna(False).to_numpy(dtype=bool)]
    vus = set(recents["matricule"].astype(str))
    presents = presents.assign(avec=presents["matricule"].isin(vus))
    groupes = presents.groupby("service")["avec"].agg(["size", "sum"])
    services = _ordonner_services(set(presents["service"]))
    cse = pd.DataFrame(
        {
            "service": services,
            "effectif": [int(groupes.at[s, "size"]) for s in services],
            "avec_entretien": [int(groupes.at[s, "sum"]) for s in services],
        }
    )
    cse["taux"] = [_taux(a, n) for a, n in zip(cse["avec_entretien"], cse["effectif"], strict=True)]
    return cse, int(presents["avec"].sum())


# --- Écriture -----------------------------------------------------------------------


def ecrire_tableau_de_bord(indicateurs: Indicateurs, echeancier: pd.DataFrame, chemin: Path) -> str:
    """Écrit le classeur (remplacé atomiquement) ; renvoie « cree » ou « remplace ».

    `echeancier` est `regles.lister_echeances(obligations, registre, tout=True)`.
    """
    classeur = nouveau_classeur()
    _ecrire_synthese(classeur, indicateurs)
    en_tetes = _en_tetes_echeancier(echeancier)
    lisible = _lisible(echeancier)
    en_retard = (echeancier["statut"] == "en_retard").reset_index(drop=True)
    ajouter_feuille(classeur, "Échéancier", Feuille(lisible, en_tetes, en_retard, ["motif"]))
    retards = lisible.loc[en_retard.to_numpy()].reset_index(drop=True)
    ajouter_feuille(
        classeur,
        "En retard",
        Feuille(retards, en_tetes, pd.Series(True, index=retards.index), ["motif"]),
    )
    cse = indicateurs.cse.copy()
    total = pd.DataFrame(
        {
            "service": ["Total entreprise"],
            "effectif": [indicateurs.nb_salaries],
            "avec_entretien": [indicateurs.nb_entretien_12_mois],
            "taux": [indicateurs.taux_entretien_12_mois],
        }
    )
    cse = pd.concat([cse, total], ignore_index=True) if len(cse) else total
    cse["taux"] = [None if pd.isna(t) else round(100 * t, 1) for t in cse["taux"]]
    ajouter_feuille(
        classeur,
        "CSE",
        Feuille(
            cse,
            {
                "service": "Service",
                "effectif": "Effectif présent",
                "avec_entretien": "Salariés ayant eu un entretien (12 mois)",
                "taux": "Taux (%)",
            },
        ),
    )
    if indicateurs.tenus_non_saisis is not None and len(indicateurs.tenus_non_saisis):
        from pipeline.recolte import colonnes_entretiens

        ajouter_feuille(
            classeur,
            FEUILLE_TENUS_NON_SAISIS,
            Feuille(
                indicateurs.tenus_non_saisis,
                {**colonnes_entretiens(), "campagne": "Campagne"},
                texte_long=["commentaire"],
            ),
        )
    if indicateurs.abondement_applicable and len(indicateurs.exposes):
        ajouter_feuille(
            classeur,
            "Abondement correctif",
            Feuille(
                indicateurs.exposes,
                {
                    "matricule": "Matricule",
                    "nom": "Nom",
                    "prenom": "Prénom",
                    "service": "Service",
                    "echeance": "État des lieux dû le",
                    "statut": "État des lieux",
                    "montant_abondement": "Montant (€)",
                    "date_limite_versement": "Versement au plus tard le",
                },
            ),
        )
    return enregistrer_classeur(classeur, Path(chemin), remplacer=True, garder_ancien=False)


_EN_TETES_DETAIL = {
    "abondement_correctif": "Abondement correctif",
    "montant_abondement": "Montant abondement (€)",
    "date_limite_versement": "Versement au plus tard le",
}


def _en_tetes_echeancier(echeancier: pd.DataFrame) -> dict[str, str]:
    colonnes = [c for c in EN_TETES_ECHEANCES if c in echeancier.columns]
    colonnes += [c for c in _EN_TETES_DETAIL if c in echeancier.columns]
    return {c: EN_TETES_ECHEANCES.get(c) or _EN_TETES_DETAIL[c] for c in colonnes}


def _lisible(echeancier: pd.DataFrame) -> pd.DataFrame:
    lisible = echeancier.reset_index(drop=True).copy()
    lisible["type"] = lisible["type"].map(LIBELLES_TYPES).fillna(lisible["type"])
    lisible["statut"] = lisible["statut"].map(LIBELLES_STATUTS).fillna(lisible["statut"])
    # Booléens nullables du moteur (NA hors état des lieux) : « oui », « non » ou vide.
    for colonne in lisible.columns:
        if pd.api.types.is_bool_dtype(lisible[colonne]):
            lisible[colonne] = pd.Series(
                [None if pd.isna(v) else ("oui" if v else "non") for v in lisible[colonne]],
                dtype=object,
            )
    return lisible


class _Synthese:
    """Écrit la feuille ligne à ligne (mode write_only) en retenant les numéros de ligne."""

    def __init__(self, classeur: Workbook) -> None:
        self.ws = classeur.create_sheet("Synthèse")
        self.ligne = 0
        for colonne, largeur in zip(
            "ABCDEFGHIJK", (46, 16, 14, 14, 14, 14, 14, 14, 14, 14, 14), strict=True
        ):
            self.ws.column_dimensions[colonne].width = largeur

    def ecrire(self, *valeurs: Any, style: dict[str, Any] | None = None) -> int:
        # Toute valeur passe par `tableurs.cellule` : un nom de service « =HYPERLINK(…) »
        # reste un texte, dans le tableau comme sur l'axe du graphique qui le lit.
        cellules = [
            v if isinstance(v, Cell) else cellule(self.ws, v, **(style or {})) for v in valeurs
        ]
        self.ws.append(cellules)
        self.ligne += 1
        return self.ligne

    def cellule(self, valeur: Any, **styles: Any) -> Any:
        return cellule(self.ws, valeur, **styles)

    def en_tete(self, *titres: str) -> int:
        return self.ecrire(*titres, style={"font": _GRAS_BLANC, "fill": _FOND_EN_TETE})


def _ecrire_synthese(classeur: Workbook, ind: Indicateurs) -> None:
    s = _Synthese(classeur)
    s.ecrire("Tableau de bord des entretiens professionnels", style={"font": _TITRE})
    regime = {"2025": "régime 2025 (loi n° 2025-989)", "2014": "régime 2014"}.get(
        ind.regime, ind.regime
    )
    s.ecrire(
        "Calculé au",
        s.cellule(ind.au, number_format=FORMAT_DATE_EXCEL),
        s.cellule(
            f"{regime}, entretien tous les {ind.periodicite_mois} mois, "
            f"effectif déclaré {ind.effectif} salariés",
            font=_ITALIQUE,
        ),
    )
    s.ecrire()
    s.en_tete("Indicateur", "Valeur", "Explication")

    def chiffre(libelle: str, valeur: Any, explication: str, format_: str | None = None) -> None:
        cellule = s.cellule(NON_APPLICABLE if valeur is None else valeur)
        if format_ and valeur is not None:
            cellule.number_format = format_
        s.ecrire(libelle, cellule, s.cellule(explication, font=_ITALIQUE))

    statuts = dict(zip(ind.par_statut["statut"], ind.par_statut["nombre"], strict=True))
    chiffre(
        "Salariés pris en compte",
        ind.nb_salaries,
        "Salariés présents à la date de calcul (entrés au plus tard ce jour, non sortis).",
    )
    chiffre(
        "Salariés à jour",
        ind.nb_a_jour,
        "Salariés sans aucune obligation d'entretien en retard.",
    )
    chiffre(
        "Taux de salariés à jour",
        ind.taux_a_jour,
        "Salariés à jour / salariés pris en compte.",
        _POURCENT,
    )
    chiffre(
        "Obligations en retard",
        statuts["en_retard"],
        "Entretiens dont l'échéance légale est dépassée : à tenir au plus vite.",
    )
    chiffre(
        "Obligations à planifier",
        statuts["a_planifier"],
        "Échéance dans l'horizon de planification : à convoquer maintenant.",
    )
    if ind.regime == "2025":
        chiffre(
            "Entretiens avant 60 ans manqués",
            ind.nb_avant_60_manques,
            "Salariés qui ont eu 60 ans sans entretien dans les deux années précédentes : "
            "l'entretien ne peut plus être tenu (art. L6315-1 V) ; il n'est plus à planifier.",
        )
    applicable = ind.abondement_applicable
    chiffre(
        "Salariés exposés à l'abondement correctif",
        ind.nb_exposes if applicable else None,
        "État des lieux (8 ans, 6 en régime 2014) en retard, à planifier, ou tenu et dont le "
        "versement n'est pas encore échu, avec moins d'entretiens que prévu et aucune "
        "formation non obligatoire sur la période : "
        f"{montant_fr(MONTANT_ABONDEMENT, espace=' ')} par salarié au CPF, au plus tard à la "
        "fin du trimestre civil qui suit l'entretien d'état des lieux (art. L6315-1 II, "
        "L6323-13 et R6323-3 C. trav."
        + (", décret n° 2026-39" if ind.regime == "2025" else "")
        + " ; effectif au sens de l'art. L130-1 CSS)."
        if applicable
        else f"Non applicable : l'abondement correctif ne concerne que les entreprises de "
        f"{SEUIL_EFFECTIF_ABONDEMENT} salariés ou plus (effectif au sens de l'art. L130-1 CSS).",
    )
    chiffre(
        "Montant de l'abondement correctif",
        ind.montant_abondement if applicable else None,
        "Somme à verser à la Caisse des dépôts pour ces salariés (voir la feuille "
        "« Abondement correctif »)."
        if applicable
        else "Non applicable (effectif inférieur à 50).",
        _EUROS,
    )
    chiffre(
        "Salariés ayant eu un entretien sur 12 mois",
        ind.nb_entretien_12_mois,
        "Indicateur CSE : salariés présents dont un entretien est daté dans les 12 derniers "
        "mois (détail par service : feuille « CSE »).",
    )
    chiffre(
        "Taux d'entretiens sur 12 mois",
        ind.taux_entretien_12_mois,
        "Salariés ayant eu un entretien sur 12 mois / salariés pris en compte.",
        _POURCENT,
    )
    if ind.tenus_non_saisis is not None:
        chiffre(
            "Entretiens tenus, non encore saisis",
            len(ind.tenus_non_saisis),
            "Relevés dans les comptes-rendus remplis par la dernière récolte (entretiens "
            "recolter), absents de la feuille « Entretiens » du registre : tant qu'ils n'y "
            f"sont pas, les chiffres ci-dessus les ignorent (feuille « {FEUILLE_TENUS_NON_SAISIS} "
            "»).",
        )

    # Obligations par statut (source du graphique en secteurs).
    s.ecrire()
    s.ecrire("Obligations par statut", style={"font": _GRAS})
    entete_statut = s.en_tete("Statut", "Nombre")
    for libelle, nombre in zip(ind.par_statut["libelle"], ind.par_statut["nombre"], strict=True):
        s.ecrire(libelle, int(nombre))
    fin_statut = s.ligne

    # Obligations par type.
    s.ecrire()
    s.ecrire("Obligations par type", style={"font": _GRAS})
    s.en_tete("Type", *[LIBELLES_STATUTS[x] for x in STATUTS], "Total")
    for _, r in ind.par_type.iterrows():
        s.ecrire(r["libelle"], *[int(r[x]) for x in STATUTS], int(r["total"]))

    # Par service (source du graphique en barres).
    s.ecrire()
    s.ecrire("Par service", style={"font": _GRAS})
    entete_service = s.en_tete(
        "Service",
        "Salariés",
        "À jour",
        "Taux à jour",
        *[LIBELLES_STATUTS[x] for x in STATUTS],
        "Total",
    )
    for _, r in ind.par_service.iterrows():
        taux = s.cellule(NON_APPLICABLE if pd.isna(r["taux_a_jour"]) else r["taux_a_jour"])
        if not pd.isna(r["taux_a_jour"]):
            taux.number_format = _POURCENT
        s.ecrire(
            r["service"],
            int(r["salaries"]),
            int(r["a_jour"]),
            taux,
            *[int(r[x]) for x in STATUTS],
            int(r["total"]),
        )
    fin_service = s.ligne

    camembert = PieChart()
    camembert.title = "Obligations par statut"
    camembert.add_data(
        Reference(s.ws, min_col=2, min_row=entete_statut, max_row=fin_statut), titles_from_data=True
    )
    camembert.set_categories(
        Reference(s.ws, min_col=1, min_row=entete_statut + 1, max_row=fin_statut)
    )
    camembert.dataLabels = DataLabelList()
    camembert.dataLabels.showVal = True
    # Sous les tableaux et non à droite : les explications de la colonne C débordent
    # sur les colonnes vides à leur droite, un graphique les masquerait.
    ancre = fin_service + 3
    s.ws.add_chart(camembert, f"A{ancre}")

    if fin_service > entete_service:
        barres = BarChart()
        barres.type = "bar"
        barres.grouping = "stacked"
        barres.overlap = 100
        barres.title = "Obligations à traiter par service"
        barres.y_axis.title = "Obligations"
        # Colonnes E et F : « En retard » et « À planifier ».
        barres.add_data(
            Reference(s.ws, min_col=5, max_col=6, min_row=entete_service, max_row=fin_service),
            titles_from_data=True,
        )
        barres.set_categories(
            Reference(s.ws, min_col=1, min_row=entete_service + 1, max_row=fin_service)
        )
        barres.height = max(7.5, 0.8 * (fin_service - entete_service) + 3)
        barres.width = 18
        s.ws.add_chart(barres, f"E{ancre}")
