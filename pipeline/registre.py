"""Classeur Excel du registre -> tables pandas validées : `lire_registre`, seule porte par
laquelle les autres modules lisent le registre.

Ce qu'il sait reconnaître (feuilles, colonnes et leurs synonymes, motifs, types, oui/non)
est déclaré dans `pipeline.schema` ; la lecture et la validation suivent ces tables.

Contrat de sortie (les autres modules ne dépendent que de ceci) :

`Registre.salaries` — une ligne par salarié, colonnes :
    matricule (str, zéros de tête conservés), civilite ("M." / "Mme" / ""), nom, prenom,
    email, poste, service, etablissement, matricule_manager, adresse, code_postal, ville (str,
    "" si vide), date_naissance, date_entree, date_sortie, date_visite_mi_carriere
    (datetime64[ns], NaT si vide), ligne (int : ligne Excel), autres (dict colonne -> valeur
    texte des colonnes inconnues, offertes aux modèles Word).
`Registre.entretiens` — matricule, date, type (code : periodique, premier, retour,
    etat_des_lieux, mi_carriere, avant_60), conduit_par, commentaire, ligne.
`Registre.absences` — matricule, motif (code, voir schema.MOTIFS), libelle_motif (tel
    qu'écrit), date_debut, date_fin, date_reprise, ligne.
`Registre.formations` — matricule, intitule, date, obligatoire (bool), certifiante (bool), ligne.
`Registre.evolutions` — matricule, date, nature ("salariale" / "professionnelle"),
    commentaire, ligne.

Les feuilles facultatives absentes donnent des tables vides avec ces colonnes.

Lecture d'un registre tel qu'on le tape, en deux temps. `pipeline.lecture_feuilles` ouvre
le classeur (calamine), reconnaît feuilles et colonnes sous leurs synonymes, cherche la
ligne d'en-tête parmi les premières lignes et nettoie une fois le texte de chaque cellule ;
`pipeline.controles_registre` convertit et contrôle chaque valeur, puis les feuilles entre
elles, en proposant la valeur voulue quand il le peut (`pipeline.suggestions`). Ce que la
lecture a compris (ligne d'en-tête, synonymes, colonnes libres) est rendu en informations,
avec les avertissements.

Utilisation :
    `lire_registre(chemin: Path) -> Registre` lit et valide tout le classeur. Elle *collecte*
    toutes les anomalies puis, s'il y a au moins une erreur, lève `ErreurEntretiens`
    (« Le registre contient N erreur(s) … ») dont `anomalies` contient erreurs ET
    avertissements, triés par feuille, ligne, colonne. Sans erreur, les avertissements
    (ex. `naissance-manquante`) sont dans `Registre.avertissements`. Un fichier absent,
    qui n'est pas un classeur Excel, endommagé ou verrouillé donne `ErreurEntretiens.simple`
    (codes `fichier-introuvable`, `fichier-illisible`) : une seule phrase, jamais de trace.
    `erreurs.formater_anomalies(anomalies) -> str` : tableau texte « Ligne | Colonne | Code |
    Message » groupé par feuille, pour `entretiens verifier`.
    `Registre(...)` accepte n'importe quel sous-ensemble de tables (les autres sont vides
    avec les bonnes colonnes, cf. `schema.table_vide(nom_table)`) : pratique pour les tests
    des autres modules.

Codes d'anomalie : chacun est déclaré, avec son titre et la correction qu'il suggère, dans
`erreurs.CATALOGUE` ; ceux que produit la lecture du registre sont listés dans le README
(tests/test_catalogue.py y veille).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.controles_registre import controler_entre_feuilles, valider_feuille
from pipeline.erreurs import Anomalie, ErreurEntretiens
from pipeline.lecture_feuilles import Collecte, lire_feuilles
from pipeline.schema import table_vide


@dataclass
class Registre:
    salaries: pd.DataFrame = field(default_factory=lambda: table_vide("salaries"))
    entretiens: pd.DataFrame = field(default_factory=lambda: table_vide("entretiens"))
    absences: pd.DataFrame = field(default_factory=lambda: table_vide("absences"))
    formations: pd.DataFrame = field(default_factory=lambda: table_vide("formations"))
    evolutions: pd.DataFrame = field(default_factory=lambda: table_vide("evolutions"))
    avertissements: list[Anomalie] = field(default_factory=list)
    chemin: Path = field(default_factory=Path)


def lire_registre(chemin: Path) -> Registre:
    """Lit et valide le registre ; lève ErreurEntretiens avec toutes les anomalies s'il en a."""
    chemin = Path(chemin)
    collecte = Collecte()
    lues = lire_feuilles(chemin, collecte)
    tables = {table: valider_feuille(lue, collecte) for table, lue in lues.items()}
    controler_entre_feuilles(lues, tables, collecte)

    anomalies = collecte.anomalies()
    if collecte.nb_erreurs:
        raise ErreurEntretiens(
            f"Le registre contient {collecte.nb_erreurs} erreur(s) : corrigez le classeur "
            f"« {chemin.name} » puis relancez.",
            anomalies=anomalies,
        )
    registre = Registre(avertissements=anomalies, chemin=chemin)
    for table, df in tables.items():
        setattr(registre, table, df)
    return registre


__all__ = ["Registre", "lire_registre"]
