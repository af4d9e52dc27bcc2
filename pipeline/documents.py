"""Le dossier de campagne : un dossier par salarié, les fiches des conducteurs, le manifeste.

```
<campagne>/echeances.xlsx  planning.xlsx  manifeste.csv
<campagne>/salaries/<MATRICULE>_<NOM>_<Prénom>/{convocation, support_preparation,
                                                 compte_rendu, etat_des_lieux}.docx
<campagne>/managers/<NOM>_<Prénom>.docx
```

Les contextes viennent de `contexte.py`, le rendu de `rendu.py` (modèles compilés une
fois, processus parallèles), l'écriture de `fichiers.py` (jamais d'écrasement). Ici on
ne fait qu'assembler : quels documents pour qui, et l'inventaire de ce qui a été produit.
Les tâches sont produites au fil de l'eau : la mémoire ne grandit pas avec l'effectif.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Parametres
from pipeline.contexte import iterer_contextes_conducteurs, iterer_contextes_salaries
from pipeline.fichiers import (
    CONSERVE,
    CREE,
    REMPLACE,
    ecrire_fichier,
    nom_dossier_salarie,
    nom_fiche_conducteur,
    sha256_fichier,
)
from pipeline.planning import Planning, ecrire_planning
from pipeline.rendu import Resultat, Tache, rendre_en_parallele
from pipeline.tableurs import ecrire_echeances

DOSSIER_MODELES = Path(__file__).resolve().parent.parent / "modeles_word"
DOCUMENTS_SALARIE = ("convocation", "support_preparation", "compte_rendu")
ETAT_DES_LIEUX = "etat_des_lieux"
FICHE_CONDUCTEUR = "fiche_conducteur"
COLONNES_MANIFESTE = ["chemin", "sha256", "taille", "date", "matricule", "type_document"]


@dataclass
class BilanCampagne:
    dossier: Path
    statuts: dict[str, int] = field(default_factory=lambda: {CREE: 0, CONSERVE: 0, REMPLACE: 0})

    @property
    def crees(self) -> int:
        return self.statuts[CREE]

    @property
    def conserves(self) -> int:
        return self.statuts[CONSERVE]

    @property
    def remplaces(self) -> int:
        return self.statuts[REMPLACE]


def compter_documents(planning: Planning) -> int:
    """Nombre de documents Word d'une campagne (pour la barre de progression)."""
    entretiens = planning.entretiens
    etats = entretiens["types"].str.contains(ETAT_DES_LIEUX, regex=False).sum()
    return (
        len(entretiens) * len(DOCUMENTS_SALARIE) + int(etats) + entretiens["conducteur"].nunique()
    )


def generer_campagne(
    registre: Any,
    echeances: pd.DataFrame,
    planning: Planning,
    parametres: Parametres,
    au: date,
    dossier: Path,
    remplacer: bool = False,
    jobs: int = 1,
    progression: Callable[[int], None] | None = None,
    modeles: Path = DOSSIER_MODELES,
) -> BilanCampagne:
    """Écrit tout le dossier de campagne ; un fichier existant est conservé sauf `remplacer`."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    bilan = BilanCampagne(dossier)
    manifeste: list[dict[str, Any]] = []

    for nom, ecrire in (
        ("echeances.xlsx", lambda chemin: ecrire_echeances(echeances, chemin, remplacer)),
        ("planning.xlsx", lambda chemin: ecrire_planning(planning, chemin, remplacer)),
    ):
        ecrire(dossier / nom)
        manifeste.append(_ligne_manifeste(dossier, dossier / nom, None, "", nom.split(".")[0]))

    taches = _taches(registre, echeances, planning, parametres, au, dossier, remplacer, modeles)
    for resultat in rendre_en_parallele(taches, jobs=jobs, progression=progression):
        bilan.statuts[resultat.statut] += 1
        matricule, type_document = resultat.etiquette
        manifeste.append(
            _ligne_manifeste(dossier, resultat.destination, resultat, matricule, type_document)
        )
    _ecrire_manifeste(dossier, manifeste)
    return bilan


def _taches(
    registre: Any,
    echeances: pd.DataFrame,
    planning: Planning,
    parametres: Parametres,
    au: date,
    dossier: Path,
    remplacer: bool,
    modeles: Path,
) -> Iterator[Tache]:
    entretiens = planning.entretiens
    for matricule, contexte in iterer_contextes_salaries(
        echeances, entretiens, registre, parametres, au
    ):
        salarie = contexte["salarie"]
        destination = (
            dossier / "salaries" / nom_dossier_salarie(matricule, salarie["nom"], salarie["prenom"])
        )
        documents = list(DOCUMENTS_SALARIE)
        if contexte["est_etat_des_lieux"]:
            documents.append(ETAT_DES_LIEUX)
        for document in documents:
            yield Tache(
                modeles / f"{document}.docx",
                contexte,
                destination / f"{document}.docx",
                remplacer,
                (matricule, document),
            )

    conducteurs = dict(iter(entretiens.groupby("conducteur", sort=True)))
    for conducteur, contexte in iterer_contextes_conducteurs(entretiens, parametres, au):
        yield Tache(
            modeles / f"{FICHE_CONDUCTEUR}.docx",
            contexte,
            dossier / "managers" / f"{nom_fiche_conducteur(conducteur)}.docx",
            remplacer,
            (_matricule_conducteur(conducteurs[conducteur]), FICHE_CONDUCTEUR),
        )


def _matricule_conducteur(lignes: pd.DataFrame) -> str:
    valeurs = [m for m in lignes["matricule_conducteur"].unique() if m]
    return str(valeurs[0]) if valeurs else ""


def _ligne_manifeste(
    dossier: Path, chemin: Path, resultat: Resultat | None, matricule: str, type_document: str
) -> dict[str, Any]:
    # Pour les documents rendus, l'empreinte vient du rendu (déjà en mémoire) ; sinon on
    # relit le fichier.
    sha = resultat.sha256 if resultat else sha256_fichier(chemin)
    taille = resultat.taille if resultat else chemin.stat().st_size
    modifie = datetime.fromtimestamp(chemin.stat().st_mtime).isoformat(timespec="seconds")
    return {
        "chemin": chemin.relative_to(dossier).as_posix(),
        "sha256": sha,
        "taille": taille,
        "date": modifie,
        "matricule": matricule,
        "type_document": type_document,
    }


def _ecrire_manifeste(dossier: Path, lignes: list[dict[str, Any]]) -> None:
    # Le manifeste est un inventaire recalculé à chaque exécution (aucune saisie humaine) :
    # il est réécrit atomiquement, sans garder d'ancienne version.
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(tampon, COLONNES_MANIFESTE, delimiter=";", lineterminator="\r\n")
    ecrivain.writeheader()
    ecrivain.writerows(sorted(lignes, key=lambda ligne: ligne["chemin"]))
    ecrire_fichier(
        dossier / "manifeste.csv",
        tampon.getvalue().encode("utf-8-sig"),
        remplacer=True,
        garder_ancien=False,
    )
