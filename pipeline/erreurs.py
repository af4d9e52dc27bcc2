"""L'unique type d'exception du projet et le rapport d'anomalies.

La lecture du registre *collecte* les anomalies (frictionless-py) au lieu de s'arrêter à
la première : l'assistante RH corrige tout son classeur en une fois. Chaque anomalie
porte un code stable (pour les tests et `--json`), la feuille, la ligne Excel (l'en-tête
est la ligne 1), la colonne, la valeur et un message qui dit comment corriger.

La CLI attrape `ErreurEntretiens` à un seul endroit et la transforme en message + code
de sortie 1 ; aucune trace Python n'atteint l'utilisateur (sauf `--debug`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"


@dataclass(frozen=True)
class Anomalie:
    """Un problème trouvé dans les données ou les paramètres, localisé."""

    code: str
    message: str
    feuille: str | None = None
    ligne: int | None = None
    colonne: str | None = None
    valeur: str | None = None
    gravite: str = ERREUR

    @property
    def est_erreur(self) -> bool:
        return self.gravite == ERREUR

    def localisation(self) -> str:
        """« feuille « Salariés », ligne 12, colonne « Date d'entrée » »."""
        morceaux = []
        if self.feuille:
            morceaux.append(f"feuille « {self.feuille} »")
        if self.ligne is not None:
            morceaux.append(f"ligne {self.ligne}")
        if self.colonne:
            morceaux.append(f"colonne « {self.colonne} »")
        return ", ".join(morceaux)

    def __str__(self) -> str:
        lieu = self.localisation()
        return f"{lieu} : {self.message}" if lieu else self.message

    def en_dict(self) -> dict[str, Any]:
        return asdict(self)


class _TriAnomalies:
    """Erreurs (bloquantes) et avertissements d'une liste d'anomalies."""

    anomalies: list[Anomalie]

    @property
    def erreurs(self) -> list[Anomalie]:
        return [a for a in self.anomalies if a.est_erreur]

    @property
    def avertissements(self) -> list[Anomalie]:
        return [a for a in self.anomalies if not a.est_erreur]


@dataclass
class Rapport(_TriAnomalies):
    """Collecteur d'anomalies ; `lever_si_erreurs` arrête tout si une erreur a été vue."""

    anomalies: list[Anomalie] = field(default_factory=list)

    def erreur(self, code: str, message: str, **lieu: Any) -> None:
        self.anomalies.append(Anomalie(code, message, gravite=ERREUR, **lieu))

    def avertissement(self, code: str, message: str, **lieu: Any) -> None:
        self.anomalies.append(Anomalie(code, message, gravite=AVERTISSEMENT, **lieu))

    def __iter__(self) -> Iterator[Anomalie]:
        return iter(self.anomalies)

    def __len__(self) -> int:
        return len(self.anomalies)

    def aplatir(self) -> list[list[Any]]:
        """[[feuille, ligne, colonne, code], ...] : la forme compacte des tests."""
        return [[a.feuille, a.ligne, a.colonne, a.code] for a in self.anomalies]

    def lever_si_erreurs(self, titre: str) -> None:
        if self.erreurs:
            raise ErreurEntretiens(titre, anomalies=self.anomalies)


class ErreurEntretiens(_TriAnomalies, Exception):
    """Toute erreur que l'utilisateur peut corriger : données, paramètres, fichiers.

    `anomalies` contient le détail localisé (feuille, ligne, colonne) ; pour une erreur
    unique, `ErreurEntretiens.simple(...)` en fabrique une.
    """

    def __init__(self, message: str, anomalies: Iterable[Anomalie] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.anomalies: list[Anomalie] = list(anomalies)

    @classmethod
    def simple(cls, code: str, message: str, **lieu: Any) -> ErreurEntretiens:
        anomalie = Anomalie(code, message, **lieu)
        return cls(str(anomalie), anomalies=[anomalie])


def formater_anomalies(anomalies: Iterable[Anomalie]) -> str:
    """Tableau texte « Ligne | Colonne | Code | Message », un bloc par feuille."""
    par_feuille: dict[str | None, list[Anomalie]] = {}
    for a in anomalies:
        par_feuille.setdefault(a.feuille, []).append(a)
    blocs = []
    for feuille, liste in par_feuille.items():
        # Les paramètres (TOML) n'ont pas de feuilles : l'anomalie nomme le fichier.
        genre = "Fichier" if feuille and feuille.endswith(".toml") else "Feuille"
        titre = f"{genre} « {feuille} »" if feuille else "Fichier"
        lignes = [
            (
                "" if a.ligne is None else str(a.ligne),
                a.colonne or "",
                a.code,
                a.message if a.est_erreur else f"Avertissement : {a.message}",
            )
            for a in liste
        ]
        entete = ("Ligne", "Colonne", "Code", "Message")
        largeurs = [max(len(entete[k]), *(len(r[k]) for r in lignes)) for k in range(3)]

        def rangee(r: tuple[str, ...], largeurs: list[int] = largeurs) -> str:
            debut = " | ".join(r[k].ljust(largeurs[k]) for k in range(3))
            return f"{debut} | {r[3]}"

        separateur = "-+-".join("-" * n for n in largeurs) + "-+-" + "-" * 7
        blocs.append("\n".join([titre, rangee(entete), separateur, *map(rangee, lignes)]))
    return "\n\n".join(blocs)
