"""Le contrôle de `entretiens verifier` : paramètres, registre, et ce que les uns disent de
l'autre, toutes les anomalies collectées au lieu de s'arrêter à la première."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Parametres, lire_parametres
from pipeline.erreurs import Anomalie, ErreurEntretiens
from pipeline.origine import registre_designe
from pipeline.planning import controler_parametres
from pipeline.registre import lire_registre


@dataclass
class Verification:
    """Ce qu'a trouvé `verifier_entrees`, pour le rapport de la ligne de commande."""

    registre: Path | None  # le registre lu (None : paramètres illisibles et pas de --registre)
    salaries: int = 0  # salariés lus dans le registre
    anomalies: list[Anomalie] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)  # une phrase par erreur, dans l'ordre

    @property
    def valide(self) -> bool:
        return not self.erreurs


def verifier_entrees(chemin_parametres: Path | None, option_registre: Path | None) -> Verification:
    """Lit les paramètres puis le registre, et les contrôle ensemble ; ne lève rien.

    Des paramètres illisibles ne disent plus quel registre ils désignent : seul celui de
    `option_registre` est alors lu, et les contrôles croisés (`controler_parametres`), qui
    demandent les deux, sont sautés.
    """
    anomalies: list[Anomalie] = []
    erreurs: list[str] = []
    parametres: Parametres | None = None
    try:
        parametres, nettoyes = lire_parametres(chemin_parametres)
        anomalies.extend(nettoyes)
    except ErreurEntretiens as exc:
        anomalies.extend(exc.anomalies)
        erreurs.append(exc.message)
    chemin = option_registre
    if parametres is not None:
        chemin = registre_designe(option_registre, parametres)
    verification = Verification(chemin, anomalies=anomalies, erreurs=erreurs)
    if chemin is None:
        return verification
    try:
        registre = lire_registre(chemin)
    except ErreurEntretiens as exc:
        anomalies.extend(exc.anomalies)
        erreurs.append(exc.message)
        return verification
    anomalies.extend(registre.avertissements)
    verification.salaries = len(registre.salaries)
    if parametres is not None:
        croisees = controler_parametres(registre, parametres)
        anomalies.extend(croisees)
        erreurs.extend(a.message for a in croisees if a.est_erreur)
    return verification
