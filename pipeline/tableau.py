"""Tableau de bord de la conformité : où en est l'entreprise, pour la direction et le CSE.

`produire_tableau_de_bord` est le cœur de la commande `tableau-de-bord` ;
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
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.pagebreak import Break

from pipeline.campagne import chemin_tableau_de_bord
from pipeline.config import Parametres
from pipeline.formats import FORMAT_DATE_EXCEL, montant_fr, nombre_fr, pourcentage_fr
from pipeline.libelles import (
    EN_TETES_ECHEANCES,
    LIBELLES_STATUTS,
    LIBELLES_TYPES,
    colonnes_de_detail,
)
from pipeline.recolte import tenus_non_saisis
from pipeline.regles import (
    MONTANT_ABONDEMENT,
    SEUIL_EFFECTIF_ABONDEMENT,
    STATUTS,
    TYPES,
    calculer_obligations,
    lister_echeances,
)
from pipeline.tableurs import (
    POLICE,
    Feuille,
    ajouter_feuille,
    cellule,
    enregistrer_classeur,
    nouveau_classeur,
    nouvelle_feuille,
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
    "produire_tableau_de_bord",
]

SANS_SERVICE = "(sans service)"
# Ce que montre le graphique en secteurs : ce qui demande une action, et ce qui est fait.
SITUATIONS = {
    "en_retard": "En retard",
    "a_planifier": "À convoquer",
    "tenu_12_mois": "Entretien tenu (12 mois)",
}
# Colonne « Versement » de la feuille « Abondement correctif ».
VERSEMENT_EN_RETARD = "en retard"
VERSEMENT_A_FAIRE = "à faire"
FEUILLE_TENUS_NON_SAISIS = "Tenus non saisis"
FEUILLE_ABONDEMENT = "Abondement correctif"
NON_APPLICABLE = "non applicable"

_TITRE = Font(name=POLICE, bold=True, size=14, color="1F4E79")
_GRAS = Font(name=POLICE, bold=True)
_GRAS_BLANC = Font(name=POLICE, bold=True, color="FFFFFF")
_ROUGE_GRAS = Font(name=POLICE, bold=True, color="9C0006")
_A_DROITE = Alignment(horizontal="right")
_HAUT_A_DROITE = Alignment(horizontal="right", vertical="top")
# Couleurs des graphiques : le retard en rouge, le reste à faire en orange, le fait en vert.
_COULEURS_SITUATIONS = ("C00000", "ED7D31", "70AD47")
_HAUT_A_LA_LIGNE = Alignment(wrap_text=True, vertical="top")
_FOND_EN_TETE = PatternFill("solid", start_color="1F4E79")
_ITALIQUE = Font(name=POLICE, italic=True, color="595959")
_LARGEUR_LIBELLE = 40
_LARGEUR_NOMBRE = 11
_COLONNE_ETIQUETTES, _INDEX_ETIQUETTES = "L", 12
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
    # Salariés présents répartis selon ce qui les concerne (source du graphique en
    # secteurs) : situation, libelle, nombre ; une ligne par `SITUATIONS`, dans cet ordre.
    situations: pd.DataFrame
    # Abondements dont la date limite de versement est passée (états des lieux non tenus).
    nb_versements_en_retard: int
    # Entretiens relevés par `recolter` et pas encore dans le registre (None : non fourni).
    tenus_non_saisis: pd.DataFrame | None = None


def produire_tableau_de_bord(
    registre: Registre,
    parametres: Parametres,
    au: date,
    sorties: Path,
    cible: Path | None = None,
) -> tuple[Indicateurs, Path]:
    """La commande `tableau-de-bord` : les indicateurs au `au` (avec les entretiens relevés
    par les récoltes des campagnes de `sorties` et pas encore saisis) et l'échéancier
    complet, écrits dans `cible` (défaut : le tableau de bord de `sorties`).

    Rend les indicateurs, pour le résumé de la ligne de commande, et le classeur écrit.
    """
    obligations = calculer_obligations(
        registre, au, parametres.regles, parametres.entreprise.effectif
    )
    indicateurs = construire_indicateurs(
        registre, obligations, au, parametres, tenus_non_saisis(sorties, registre)
    )
    echeancier = lister_echeances(obligations, registre, tout=True)
    cible = cible or chemin_tableau_de_bord(sorties)
    ecrire_tableau_de_bord(indicateurs, echeancier, cible)
    return indicateurs, cible


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

    par_service = _par_service(obligations, presents)

    applicable = parametres.entreprise.effectif >= SEUIL_EFFECTIF_ABONDEMENT
    exposes = _exposes(obligations, registre.salaries, d) if applicable else _exposes_vide()
    manques = (obligations["type"] == "avant_60") & (obligations["statut"] == "manquee")

    cse, nb_12_mois, vus = _cse(presents, registre.entretiens, d)
    a_planifier = set(obligations.loc[obligations["statut"] == "a_planifier", "matricule"])
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
        situations=_situations(presents["matricule"], en_retard, a_planifier, vus),
        nb_versements_en_retard=int((exposes["versement"] == VERSEMENT_EN_RETARD).sum()),
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


def _par_service(obligations: pd.DataFrame, presents: pd.DataFrame) -> pd.DataFrame:
    """Par service : salariés, à jour, taux, puis un compte par statut et le total."""
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
    return par_service


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
            "versement": pd.Series(dtype=str),
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
    versement est supposé fait (le registre ne le dit pas) : il sort de la liste. Celle
    d'un état des lieux pas encore tenu (fin du trimestre qui suit son échéance) peut être
    passée : son versement est « en retard ».
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
    limites = pd.to_datetime(retenues["date_limite_versement"])
    return pd.DataFrame(
        {
            "matricule": retenues["matricule"].to_numpy(),
            "nom": retenues["matricule"].map(identite["nom"]).fillna("").to_numpy(),
            "prenom": retenues["matricule"].map(identite["prenom"]).fillna("").to_numpy(),
            "service": retenues["service"].to_numpy(),
            "echeance": pd.to_datetime(retenues["echeance"]).to_numpy(),
            "statut": retenues["statut"].map(LIBELLES_STATUTS).to_numpy(),
            "montant_abondement": montants.astype(int).to_numpy(),
            "date_limite_versement": limites.to_numpy(),
            "versement": np.where(
                (limites < d).fillna(False).to_numpy(dtype=bool),
                VERSEMENT_EN_RETARD,
                VERSEMENT_A_FAIRE,
            ),
        }
    )


def _situations(
    presents: pd.Series, en_retard: set[str], a_planifier: set[str], vus: set[str]
) -> pd.DataFrame:
    """Les salariés présents dont il faut s'occuper, ou dont l'entretien vient d'être tenu.

    Trois groupes disjoints, dans cet ordre de priorité : au moins une obligation en
    retard ; sinon une à planifier ; sinon un entretien tenu dans les 12 derniers mois.
    Les autres (rien à faire avant l'horizon) n'y sont pas : c'est ce qui demande une
    action, pas la masse des échéances lointaines.
    """
    retard = set(presents) & en_retard
    convoquer = (set(presents) & a_planifier) - retard
    tenus = (set(presents) & vus) - retard - convoquer
    return pd.DataFrame(
        {
            "situation": list(SITUATIONS),
            "libelle": list(SITUATIONS.values()),
            "nombre": [len(retard), len(convoquer), len(tenus)],
        }
    )


def _cse(
    presents: pd.DataFrame, entretiens: pd.DataFrame, d: pd.Timestamp
) -> tuple[pd.DataFrame, int, set[str]]:
    """Salariés présents ayant eu un entretien daté dans ]D - 12 mois, D], par service.

    Rend aussi leurs matricules (tous services confondus)."""
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
    return cse, int(presents["avec"].sum()), set(presents.loc[presents["avec"], "matricule"])


# --- Écriture -----------------------------------------------------------------------


def ecrire_tableau_de_bord(indicateurs: Indicateurs, echeancier: pd.DataFrame, chemin: Path) -> str:
    """Écrit le classeur (remplacé atomiquement) ; renvoie « cree » ou « remplace ».

    `echeancier` est `regles.lister_echeances(obligations, registre, tout=True)`.
    """
    classeur = nouveau_classeur()
    _ecrire_synthese(classeur, indicateurs)
    _ecrire_echeancier(classeur, echeancier)
    _ecrire_cse(classeur, indicateurs)
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
        exposes = indicateurs.exposes
        ajouter_feuille(
            classeur,
            FEUILLE_ABONDEMENT,
            Feuille(
                exposes,
                {
                    "matricule": "Matricule",
                    "nom": "Nom",
                    "prenom": "Prénom",
                    "service": "Service",
                    "echeance": "État des lieux dû le",
                    "statut": "État des lieux",
                    "montant_abondement": "Montant (€)",
                    "date_limite_versement": "Versement au plus tard le",
                    "versement": "Versement",
                },
                # Date limite de versement passée : en rouge, comme un entretien en retard.
                en_rouge=(exposes["versement"] == VERSEMENT_EN_RETARD).reset_index(drop=True),
            ),
        )
    return enregistrer_classeur(classeur, Path(chemin), remplacer=True, garder_ancien=False)


def _ecrire_echeancier(classeur: Workbook, echeancier: pd.DataFrame) -> None:
    """Feuilles « Échéancier » (toutes les obligations) et « En retard »."""
    en_tetes = _en_tetes_echeancier(echeancier)
    lisible = _lisible(echeancier)
    en_retard = (echeancier["statut"] == "en_retard").reset_index(drop=True)
    details = colonnes_de_detail(list(en_tetes))
    ajouter_feuille(
        classeur, "Échéancier", Feuille(lisible, en_tetes, en_retard, ["motif"], details)
    )
    retards = lisible.loc[en_retard.to_numpy()].reset_index(drop=True)
    ajouter_feuille(
        classeur,
        "En retard",
        Feuille(retards, en_tetes, pd.Series(True, index=retards.index), ["motif"], details),
    )


def _ecrire_cse(classeur: Workbook, ind: Indicateurs) -> None:
    """Feuille « CSE » : par service, puis pour toute l'entreprise."""
    total = pd.DataFrame(
        {
            "service": ["Total entreprise"],
            "effectif": [ind.nb_salaries],
            "avec_entretien": [ind.nb_entretien_12_mois],
            "taux": [ind.taux_entretien_12_mois],
        }
    )
    cse = pd.concat([ind.cse, total], ignore_index=True) if len(ind.cse) else total
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
    """Écrit la feuille ligne à ligne (mode write_only) en retenant les numéros de ligne.

    Colonne A : les libellés (indicateurs, types, services) ; B à J : les nombres, sous
    leurs en-têtes alignés à droite ; l'explication d'un indicateur occupe C à J, à la
    ligne. Colonne L, masquée : les étiquettes du graphique en secteurs.
    """

    def __init__(self, classeur: Workbook) -> None:
        self.ws = nouvelle_feuille(classeur, "Synthèse")
        self.ligne = 0
        self.ws.column_dimensions["A"].width = _LARGEUR_LIBELLE
        for colonne in "BCDEFGHIJ":
            self.ws.column_dimensions[colonne].width = _LARGEUR_NOMBRE
        self.ws.column_dimensions[_COLONNE_ETIQUETTES].hidden = True
        # Le titre et la date de calcul en haut de chaque page imprimée ; pas de quadrillage
        # (les tableaux ont leurs en-têtes, les explications s'étendent sur C à J).
        self.ws.print_title_rows = "1:2"
        self.ws.print_options.gridLines = False

    def ecrire(
        self, *valeurs: Any, style: dict[str, Any] | None = None, hauteur: float | None = None
    ) -> int:
        # Toute valeur passe par `tableurs.cellule` : un nom de service « =HYPERLINK(…) »
        # reste un texte, dans le tableau comme sur l'axe du graphique qui le lit.
        if hauteur:
            self.ws.row_dimensions[self.ligne + 1].height = hauteur
        cellules = [
            v if isinstance(v, Cell) else cellule(self.ws, v, **(style or {})) for v in valeurs
        ]
        self.ws.append(cellules)
        self.ligne += 1
        return self.ligne

    def cellule(self, valeur: Any, **styles: Any) -> Any:
        return cellule(self.ws, valeur, **styles)

    def en_tete(self, *titres: str, texte: str = "") -> int:
        """Ligne d'en-tête : le premier titre à gauche, ceux des nombres à droite ; `texte`,
        s'il est donné, en dernier et à gauche (au-dessus d'une colonne de texte)."""
        cellules = [
            self.cellule(
                titre, font=_GRAS_BLANC, fill=_FOND_EN_TETE, alignment=_A_DROITE if i else None
            )
            for i, titre in enumerate(titres)
        ]
        if texte:
            cellules.append(self.cellule(texte, font=_GRAS_BLANC, fill=_FOND_EN_TETE))
        return self.ecrire(*cellules)

    def section(self, titre: str) -> None:
        self.ecrire()
        self.ecrire(titre, style={"font": _GRAS})


def _ecrire_synthese(classeur: Workbook, ind: Indicateurs) -> None:
    s = _Synthese(classeur)
    regime = {"2025": "régime 2025 (loi n° 2025-989)", "2014": "régime 2014"}.get(
        ind.regime, ind.regime
    )
    s.ecrire("Tableau de bord des entretiens professionnels", style={"font": _TITRE})
    s.ecrire(
        "Calculé au",
        s.cellule(ind.au, number_format=FORMAT_DATE_EXCEL, alignment=_A_DROITE),
        s.cellule(
            f"{regime}, entretien tous les {ind.periodicite_mois} mois, "
            f"effectif déclaré {ind.effectif} salariés",
            font=_ITALIQUE,
        ),
    )
    _ecrire_indicateurs(s, ind)
    situations = _ecrire_situations(s, ind)
    _ecrire_par_statut(s, ind)
    _ecrire_par_type(s, ind)
    services = _ecrire_par_service(s, ind)
    _ecrire_graphiques(s, situations, services)


def _chiffre(
    s: _Synthese,
    libelle: str,
    valeur: Any,
    explication: str,
    format_: str | None = None,
    alerte: bool = False,
) -> None:
    """Une ligne d'indicateur : libellé, valeur (en rouge si `alerte`), explication."""
    police = _ROUGE_GRAS if alerte else None
    valeur_ = s.cellule(
        NON_APPLICABLE if valeur is None else valeur, alignment=_HAUT_A_DROITE, font=police
    )
    if format_ and valeur is not None:
        valeur_.number_format = format_
    largeur = _LARGEUR_NOMBRE * 8  # l'explication couvre C à J
    lignes = max(1, -(-len(explication) // int(largeur * 1.2)))
    s.ecrire(
        s.cellule(libelle, alignment=_HAUT_A_LA_LIGNE, font=police),
        valeur_,
        s.cellule(explication, font=_ITALIQUE, alignment=_HAUT_A_LA_LIGNE),
        hauteur=15.0 * lignes if lignes > 1 else None,
    )
    s.ws.merged_cells.add(f"C{s.ligne}:J{s.ligne}")


def _ecrire_indicateurs(s: _Synthese, ind: Indicateurs) -> None:
    s.ecrire()
    s.en_tete("Indicateur", "Valeur", texte="Explication")
    s.ws.merged_cells.add(f"C{s.ligne}:J{s.ligne}")
    statuts = dict(zip(ind.par_statut["statut"], ind.par_statut["nombre"], strict=True))
    _chiffre(
        s,
        "Salariés pris en compte",
        ind.nb_salaries,
        "Salariés présents à la date de calcul (entrés au plus tard ce jour, non sortis).",
    )
    _chiffre(s, "Salariés à jour", ind.nb_a_jour, "Salariés sans obligation d'entretien en retard.")
    _chiffre(
        s,
        "Taux de salariés à jour",
        ind.taux_a_jour,
        "Salariés à jour / salariés pris en compte.",
        _POURCENT,
    )
    _chiffre(
        s,
        "Obligations en retard",
        statuts["en_retard"],
        "Entretiens dont l'échéance légale est dépassée : à tenir au plus vite.",
        alerte=statuts["en_retard"] > 0,
    )
    _chiffre(
        s,
        "Obligations à planifier",
        statuts["a_planifier"],
        "Échéance dans l'horizon de planification : à convoquer maintenant.",
    )
    if ind.regime == "2025":
        _chiffre(
            s,
            "Entretiens avant 60 ans manqués",
            ind.nb_avant_60_manques,
            "Salariés qui ont eu 60 ans sans entretien dans les deux années précédentes : "
            "l'entretien ne peut plus être tenu (art. L6315-1 V) ; il n'est plus à planifier.",
        )
    _ecrire_abondement(s, ind)
    _chiffre(
        s,
        "Salariés ayant eu un entretien sur 12 mois",
        ind.nb_entretien_12_mois,
        "Indicateur CSE : salariés présents dont un entretien est daté dans les 12 derniers "
        "mois (détail par service : feuille « CSE »).",
    )
    _chiffre(
        s,
        "Taux d'entretiens sur 12 mois",
        ind.taux_entretien_12_mois,
        "Salariés ayant eu un entretien sur 12 mois / salariés pris en compte.",
        _POURCENT,
    )
    if ind.tenus_non_saisis is not None:
        _chiffre(
            s,
            "Entretiens tenus, non encore saisis",
            len(ind.tenus_non_saisis),
            "Relevés dans les comptes-rendus remplis par la dernière récolte (entretiens "
            "recolter), absents de la feuille « Entretiens » du registre : tant qu'ils n'y "
            f"sont pas, les chiffres ci-dessus les ignorent (feuille « {FEUILLE_TENUS_NON_SAISIS} "
            "»).",
        )


def _ecrire_abondement(s: _Synthese, ind: Indicateurs) -> None:
    """Les trois lignes de l'abondement correctif (ou « non applicable »)."""
    if not ind.abondement_applicable:
        raison = (
            "Non applicable : l'abondement correctif ne concerne que les entreprises de "
            f"{SEUIL_EFFECTIF_ABONDEMENT} salariés ou plus (effectif au sens de l'art. L130-1 "
            "CSS)."
        )
        _chiffre(s, "Salariés exposés à l'abondement correctif", None, raison)
        _chiffre(s, "Montant de l'abondement correctif", None, raison, _EUROS)
        return
    _chiffre(
        s,
        "Salariés exposés à l'abondement correctif",
        ind.nb_exposes,
        "État des lieux (8 ans, 6 en régime 2014) en retard, à planifier, ou tenu et dont le "
        "versement n'est pas encore échu, avec moins d'entretiens que prévu et aucune "
        "formation non obligatoire sur la période : "
        f"{montant_fr(MONTANT_ABONDEMENT, espace=' ')} par salarié au CPF, au plus tard à la "
        "fin du trimestre civil qui suit l'entretien d'état des lieux (art. L6315-1 II, "
        "L6323-13 et R6323-3 C. trav."
        + (", décret n° 2026-39" if ind.regime == "2025" else "")
        + " ; effectif au sens de l'art. L130-1 CSS).",
    )
    _chiffre(
        s,
        "Montant de l'abondement correctif",
        ind.montant_abondement,
        "Somme à verser à la Caisse des dépôts pour ces salariés (voir la feuille "
        f"« {FEUILLE_ABONDEMENT} »).",
        _EUROS,
    )
    _chiffre(
        s,
        "Versements de l'abondement en retard",
        ind.nb_versements_en_retard,
        "États des lieux non tenus dont la date limite de versement (fin du trimestre civil "
        "qui suit leur échéance) est passée : en rouge dans la feuille "
        f"« {FEUILLE_ABONDEMENT} ».",
        alerte=ind.nb_versements_en_retard > 0,
    )


def _ecrire_situations(s: _Synthese, ind: Indicateurs) -> tuple[int, int]:
    """Source du graphique en secteurs ; rend ses lignes (première, dernière)."""
    s.section("Salariés : ce qui demande une action, ce qui est fait")
    s.en_tete("Situation", "Salariés", "Part")
    total = int(ind.situations["nombre"].sum())
    debut = s.ligne + 1
    for libelle, nombre in zip(ind.situations["libelle"], ind.situations["nombre"], strict=True):
        part = nombre / total if total else None
        s.ecrire(
            libelle,
            int(nombre),
            s.cellule(NON_APPLICABLE if part is None else part, number_format=_POURCENT),
            *[None] * 8,
            # L'étiquette du secteur, écrite en français (« En retard : 12 (8 %) ») : un
            # graphique ne sait afficher que « En retard; 12; 8% ».
            f"{libelle} : {nombre_fr(nombre)} ({pourcentage_fr(part)})",
        )
    return debut, s.ligne


def _ecrire_par_statut(s: _Synthese, ind: Indicateurs) -> None:
    s.section("Obligations par statut")
    s.en_tete("Statut", "Nombre")
    for libelle, nombre in zip(ind.par_statut["libelle"], ind.par_statut["nombre"], strict=True):
        s.ecrire(libelle, int(nombre))


def _ecrire_par_type(s: _Synthese, ind: Indicateurs) -> None:
    s.section("Obligations par type")
    s.en_tete("Type", *[LIBELLES_STATUTS[x] for x in STATUTS], "Total")
    for _, r in ind.par_type.iterrows():
        s.ecrire(r["libelle"], *[int(r[x]) for x in STATUTS], int(r["total"]))


def _ecrire_par_service(s: _Synthese, ind: Indicateurs) -> tuple[int, int]:
    """Source du graphique en barres ; rend ses lignes (en-tête, dernière)."""
    s.section("Par service")
    entete = s.en_tete(
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
        taux.alignment = _A_DROITE
        s.ecrire(
            r["service"],
            int(r["salaries"]),
            int(r["a_jour"]),
            taux,
            *[int(r[x]) for x in STATUTS],
            int(r["total"]),
        )
    return entete, s.ligne


def _ecrire_graphiques(
    s: _Synthese, situations: tuple[int, int], services: tuple[int, int]
) -> None:
    """Les deux graphiques, sous les tableaux, sur une page imprimée à eux."""
    ancre = s.ligne + 3
    # Saut de page avant les graphiques : imprimés entiers, jamais coupés en deux.
    s.ws.row_breaks.append(Break(id=ancre - 1))
    debut, fin = situations
    camembert = PieChart()
    camembert.title = "Salariés : à traiter, et entretiens tenus sur 12 mois"
    camembert.add_data(Reference(s.ws, min_col=2, min_row=debut, max_row=fin))
    camembert.set_categories(Reference(s.ws, min_col=_INDEX_ETIQUETTES, min_row=debut, max_row=fin))
    # Les étiquettes sont dans une colonne masquée : le graphique doit la lire quand même.
    camembert.visible_cells_only = False
    camembert.legend = None
    camembert.dataLabels = DataLabelList()
    camembert.dataLabels.showCatName = True
    camembert.dataLabels.position = "outEnd"  # hors du secteur : lisible sur le rouge
    for attribut in ("showVal", "showPercent", "showSerName", "showLegendKey"):
        setattr(camembert.dataLabels, attribut, False)
    camembert.width, camembert.height = 14, 9
    for rang, couleur in enumerate(_COULEURS_SITUATIONS):
        point = DataPoint(idx=rang)
        point.graphicalProperties.solidFill = couleur
        camembert.series[0].dPt.append(point)
    s.ws.add_chart(camembert, f"A{ancre}")

    entete, fin = services
    if fin > entete:
        barres = BarChart()
        barres.type = "bar"
        barres.grouping = "stacked"
        barres.overlap = 100
        barres.title = "Obligations à traiter par service"
        barres.y_axis.title = "Obligations"
        # Colonnes E et F : « En retard » et « À planifier ».
        barres.add_data(
            Reference(s.ws, min_col=5, max_col=6, min_row=entete, max_row=fin),
            titles_from_data=True,
        )
        barres.set_categories(Reference(s.ws, min_col=1, min_row=entete + 1, max_row=fin))
        barres.height = max(9, 0.8 * (fin - entete) + 3)
        barres.width = 15
        for serie, couleur in zip(barres.series, _COULEURS_SITUATIONS, strict=False):
            serie.graphicalProperties.solidFill = couleur
        s.ws.add_chart(barres, f"E{ancre}")
