"""`parametres.toml` -> paramètres typés et validés.

Toutes les clés ont une valeur par défaut (un fichier partiel, voire absent, est
valide). Une section ou une clé inconnue, un mauvais type ou une valeur hors bornes est
une erreur qui nomme la clé : une faute de frappe dans `periodicite_mois` ne doit pas
passer inaperçue, car elle changerait silencieusement les échéances légales.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from pipeline.erreurs import Anomalie, ErreurEntretiens, Rapport
from pipeline.formats import nettoyer_texte, normaliser


@dataclass(frozen=True)
class RegimeLegal:
    """Ce que la loi fixe dans un régime (regles.md §1) : la seule déclaration de ces durées."""

    periodicite_mois: int  # périodicité légale, retenue quand regles.periodicite_mois vaut 0
    plafond_accord_mois: int | None  # un accord collectif ne peut pas l'allonger au-delà
    cycle_etat_des_lieux_ans: int


REGIMES_LEGAUX: dict[str, RegimeLegal] = {
    # Loi n° 2025-989 : un accord peut raccourcir les 4 ans, pas les allonger (L6315-1).
    "2025": RegimeLegal(periodicite_mois=48, plafond_accord_mois=48, cycle_etat_des_lieux_ans=8),
    # Lois 2014-288 et 2018-771 : tous les 2 ans, sauf accord collectif qui en décide.
    "2014": RegimeLegal(periodicite_mois=24, plafond_accord_mois=None, cycle_etat_des_lieux_ans=6),
}
REGIMES = tuple(REGIMES_LEGAUX)
# Quel que soit le régime, plus de 10 ans entre deux entretiens est une faute de frappe.
PERIODICITE_MAX_MOIS = 120
ZONES_FERIES = ("metropole", "alsace-moselle")
SECURITES_SMTP = ("starttls", "ssl", "aucune")


@dataclass(frozen=True)
class Fichiers:
    registre: str = ""  # vide : l'exemple livré donnees/registre_exemple.xlsx
    sorties: str = "sorties"


@dataclass(frozen=True)
class Entreprise:
    raison_sociale: str = "Exemple SAS"
    adresse: str = "12 rue des Lilas"
    code_postal: str = "69003"
    ville: str = "Lyon"
    effectif: int = 120  # seuil 50 : abondement correctif ; seuil 300 : information CEP
    signataire: str = "Claire Martin"
    fonction_signataire: str = "Responsable des ressources humaines"
    # Le signataire, s'il est lui-même salarié (et manager) au registre : un seul
    # conducteur, une fiche, un agenda. Vide : reconnu à son nom, s'il y est une seule fois.
    signataire_matricule: str = ""
    email_rh: str = "rh@exemple.fr"
    telephone_rh: str = ""


@dataclass(frozen=True)
class Regles:
    regime: str = "2025"
    periodicite_mois: int = 0  # 0 : la périodicité légale du régime (REGIMES_LEGAUX)
    delai_retour_jours: int = 30
    horizon_jours: int = 60

    @property
    def regime_legal(self) -> RegimeLegal:
        # Un régime inconnu est refusé par la validation (`_valider_regles`, pour le fichier
        # comme pour le moteur) ; d'ici là, il a les durées de l'ancien régime.
        return REGIMES_LEGAUX.get(self.regime, REGIMES_LEGAUX["2014"])

    @property
    def periodicite(self) -> int:
        return self.periodicite_mois or self.regime_legal.periodicite_mois

    @property
    def cycle_etat_des_lieux_ans(self) -> int:
        return self.regime_legal.cycle_etat_des_lieux_ans


# Clé de `lieux` pour les établissements qui n'ont pas leur propre liste de salles.
TOUS_ETABLISSEMENTS = "*"


@dataclass(frozen=True)
class Planning:
    delai_min_jours: int = 7
    delai_max_jours: int = 21
    duree_minutes: int = 90
    creneaux: list[str] = field(default_factory=lambda: ["09:00", "10:45", "14:00", "15:45"])
    # Une liste : les mêmes salles pour tous. Une table par établissement (colonne
    # « Établissement » du registre) : les salles de chacun, "*" pour les autres.
    lieux: list[str] | dict[str, list[str]] = field(default_factory=lambda: ["Salle de réunion"])
    zone_feries: str = "metropole"

    @property
    def par_etablissement(self) -> bool:
        return isinstance(self.lieux, dict)

    def salles(self, etablissement: str) -> list[str]:
        """Les salles où convoquer un salarié de cet établissement ; [] s'il n'en a pas.

        Un établissement s'écrit comme au registre, sans tenir compte de la casse, des
        accents, des espaces ni des tirets (« Cholet - Atelier » = « cholet – atelier »).
        """
        if not isinstance(self.lieux, dict):
            return list(self.lieux)
        cible = normaliser(etablissement)
        for nom, salles in self.lieux.items():
            if nom != TOUS_ETABLISSEMENTS and normaliser(nom) == cible:
                return list(salles)
        return list(self.lieux.get(TOUS_ETABLISSEMENTS, []))

    @property
    def toutes_salles(self) -> list[str]:
        """Toutes les salles configurées, sans doublon, dans l'ordre du fichier."""
        listes = self.lieux.values() if isinstance(self.lieux, dict) else [self.lieux]
        return list(dict.fromkeys(salle for salles in listes for salle in salles))


@dataclass(frozen=True)
class Publipostage:
    expediteur: str = "rh@exemple.fr"
    smtp_hote: str = ""
    smtp_port: int = 587
    smtp_securite: str = "starttls"
    # Le mot de passe ne vient jamais d'un fichier : option ou variable d'environnement.
    smtp_utilisateur: str = ""
    pause_secondes: float = 2.0


@dataclass(frozen=True)
class Parametres:
    fichiers: Fichiers = field(default_factory=Fichiers)
    entreprise: Entreprise = field(default_factory=Entreprise)
    regles: Regles = field(default_factory=Regles)
    planning: Planning = field(default_factory=Planning)
    publipostage: Publipostage = field(default_factory=Publipostage)
    source: Path | None = None  # le fichier lu, s'il y en a un


# Les valeurs de l'entreprise fictive du registre d'exemple (les défauts ci-dessus) : avec
# un vrai registre, elles finiraient sur les lettres et dans l'expéditeur des courriels.
CLES_EXEMPLE = {
    "entreprise.raison_sociale": "raison sociale",
    "entreprise.adresse": "adresse",
    "entreprise.signataire": "signataire",
    "entreprise.email_rh": "courriel RH",
    "publipostage.expediteur": "expéditeur des courriels",
}


def _valeur(parametres: Parametres, cle: str) -> Any:
    section, nom = cle.split(".")
    return getattr(getattr(parametres, section), nom)


def est_valeur_d_exemple(cle: str, valeur: Any) -> bool:
    """`valeur` est celle de l'exemple livré pour `cle` (une clé de `CLES_EXEMPLE`)."""
    exemple = _valeur(Parametres(), cle)
    return isinstance(valeur, str) and valeur.strip().casefold() == exemple.casefold()


def valeurs_d_exemple(parametres: Parametres) -> list[tuple[str, str]]:
    """(clé, valeur) des paramètres qui ont gardé la valeur de l'exemple livré."""
    return [
        (cle, _valeur(parametres, cle))
        for cle in CLES_EXEMPLE
        if est_valeur_d_exemple(cle, _valeur(parametres, cle))
    ]


_SECTIONS = {f.name: f.type for f in dataclasses.fields(Parametres) if f.name != "source"}
_NOMS_TYPES = {int: "un nombre entier", float: "un nombre", str: "un texte entre guillemets"}


def charger_parametres(chemin: Path | None) -> Parametres:
    """Lit et valide `parametres.toml` ; `None` ou fichier absent = valeurs par défaut."""
    return lire_parametres(chemin)[0]


def lire_parametres(chemin: Path | None) -> tuple[Parametres, list[Anomalie]]:
    """`charger_parametres`, et les textes nettoyés à la lecture (avertissements
    texte-nettoye : retours à la ligne, caractères invisibles) que les commandes affichent."""
    if chemin is None:
        return Parametres(), []
    chemin = Path(chemin)
    if not chemin.exists():
        raise ErreurEntretiens.simple(
            "fichier-introuvable",
            f"Le fichier de paramètres « {chemin} » n'existe pas. "
            "Vérifiez le chemin donné à --parametres.",
        )
    try:
        # utf-8-sig : le Bloc-notes de Windows enregistre l'UTF-8 avec une marque d'ordre
        # des octets (BOM) en tête, que tomllib refuserait.
        brut = tomllib.loads(chemin.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ErreurEntretiens.simple(
            "parametres-illisibles",
            f"Le fichier de paramètres « {chemin} » n'est pas un TOML valide (détail technique : "
            f"{exc}). Comparez-le avec donnees/parametres.toml.",
        ) from exc
    parametres, avertissements = _lire_dict(brut, str(chemin))
    return dataclasses.replace(parametres, source=chemin), avertissements


def depuis_dict(brut: dict[str, Any], nom_fichier: str = "parametres.toml") -> Parametres:
    """Construit les paramètres depuis un dictionnaire TOML ; collecte toutes les erreurs."""
    return _lire_dict(brut, nom_fichier)[0]


def _lire_dict(brut: dict[str, Any], nom_fichier: str) -> tuple[Parametres, list[Anomalie]]:
    rapport = Rapport()
    sections: dict[str, Any] = {}
    for nom_section, valeurs in brut.items():
        if nom_section not in _SECTIONS:
            rapport.erreur(
                "parametre-inconnu",
                f"Section [{nom_section}] inconnue. Sections possibles : "
                + ", ".join(f"[{s}]" for s in _SECTIONS)
                + ".",
                feuille=nom_fichier,
                colonne=f"[{nom_section}]",
            )
            continue
        if not isinstance(valeurs, dict):
            rapport.erreur(
                "parametre-invalide",
                f"« {nom_section} » doit être une section [{nom_section}].",
                feuille=nom_fichier,
                colonne=nom_section,
            )
            continue
        classe = _classe_section(nom_section)
        sections[nom_section] = _section(classe, nom_section, valeurs, rapport, nom_fichier)
    parametres = Parametres(**{k: v for k, v in sections.items() if v is not None})
    _valider_bornes(parametres, rapport, nom_fichier)
    rapport.lever_si_erreurs(f"Paramètres invalides dans {nom_fichier}.")
    return parametres, rapport.avertissements


def _classe_section(nom: str) -> type:
    return get_type_hints(Parametres)[nom]


def _section(classe: type, nom: str, valeurs: dict, rapport: Rapport, fichier: str) -> Any:
    types = get_type_hints(classe)
    retenues: dict[str, Any] = {}
    for cle, valeur in valeurs.items():
        lieu = {"feuille": fichier, "colonne": f"{nom}.{cle}", "valeur": repr(valeur)}
        if cle not in types:
            rapport.erreur(
                "parametre-inconnu",
                f"Clé « {cle} » inconnue dans [{nom}]. Clés possibles : " + ", ".join(types) + ".",
                **lieu,
            )
            continue
        attendu = types[cle]
        valeur_typee = _convertir(valeur, attendu)
        if valeur_typee is None:
            rapport.erreur(
                "parametre-type",
                f"« {nom}.{cle} » doit être {_decrire(attendu)} (lu : {valeur!r}).",
                **lieu,
            )
            continue
        retenues[cle] = _nettoyer(valeur_typee, f"{nom}.{cle}", rapport, fichier)
    return classe(**retenues)


def _nettoyer(valeur: Any, cle: str, rapport: Rapport, fichier: str) -> Any:
    """Les textes comme les cellules du registre (formats.nettoyer_texte) : un retour à la
    ligne dans `raison_sociale` casserait l'en-tête des courriels et le XML des documents."""
    if isinstance(valeur, list):
        return [_nettoyer(v, cle, rapport, fichier) for v in valeur]
    if isinstance(valeur, dict):  # planning.lieux par établissement
        return {
            _nettoyer(k, cle, rapport, fichier): _nettoyer(v, f"{cle}.{k}", rapport, fichier)
            for k, v in valeur.items()
        }
    if not isinstance(valeur, str):
        return valeur
    propre, fait = nettoyer_texte(valeur, ", " if cle.endswith(".adresse") else " ")
    if fait:
        rapport.avertissement(
            "texte-nettoye",
            f"« {propre} » : {fait} (le programme lit le texte sur une ligne, sans caractère "
            "invisible ; corrigez le fichier pour ne plus voir ce message).",
            feuille=fichier,
            colonne=cle,
            valeur=propre,
        )
    return propre


def _convertir(valeur: Any, attendu: Any) -> Any:
    # bool est un int en Python : `effectif = true` doit être refusé.
    if isinstance(valeur, bool):
        return None
    if attendu is int:
        return valeur if isinstance(valeur, int) else None
    if attendu is float:
        return float(valeur) if isinstance(valeur, int | float) else None
    if attendu is str:
        # Une entreprise écrit souvent `regime = 2025` sans guillemets : on l'accepte.
        if isinstance(valeur, int):
            return str(valeur)
        return valeur if isinstance(valeur, str) else None
    if attendu == list[str]:
        if isinstance(valeur, list) and all(isinstance(v, str) for v in valeur):
            return list(valeur)
        return None
    if attendu == list[str] | dict[str, list[str]]:
        if isinstance(valeur, dict):
            # Chaque établissement et ses salles ; les fautes sont dites par
            # `_valider_lieux`, avec le nom de l'établissement.
            return {str(k): v for k, v in valeur.items()}
        return _convertir(valeur, list[str])
    return None


def _decrire(attendu: Any) -> str:
    if attendu == list[str]:
        return 'une liste de textes, par exemple ["09:00", "14:00"]'
    if attendu == list[str] | dict[str, list[str]]:
        return (
            'une liste de salles, par exemple ["Salle A", "Salle B"], ou une table par '
            "établissement (voir donnees/parametres.toml)"
        )
    return _NOMS_TYPES.get(attendu, str(attendu))


_Signaler = Callable[[str, str, Any], None]  # (clé, message, valeur fautive)


def _valider_bornes(p: Parametres, rapport: Rapport, fichier: str) -> None:
    def erreur(cle: str, message: str, valeur: Any) -> None:
        rapport.erreur(
            "parametre-hors-bornes", message, feuille=fichier, colonne=cle, valeur=repr(valeur)
        )

    _valider_regles(p.regles, erreur)
    if p.entreprise.effectif < 1:
        erreur(
            "entreprise.effectif",
            "« entreprise.effectif » doit être un nombre de salariés (au moins 1).",
            p.entreprise.effectif,
        )
    _valider_planning(p.planning, erreur)
    _valider_publipostage(p.publipostage, erreur)


def verifier_regles(regles: Regles) -> None:
    """Les bornes de parametres.toml pour des règles construites sans lui (tests, API, moteur
    appelé directement) : ErreurEntretiens qui dit chaque valeur refusée."""
    rapport = Rapport()

    def erreur(cle: str, message: str, valeur: Any) -> None:
        rapport.erreur("parametre-hors-bornes", message, colonne=cle, valeur=repr(valeur))

    _valider_regles(regles, erreur)
    if rapport.erreurs:
        raise ErreurEntretiens(
            "Règles de calcul invalides : " + " ".join(a.message for a in rapport.erreurs),
            anomalies=rapport.anomalies,
        )


def _valider_regles(r: Regles, erreur: _Signaler) -> None:
    if r.regime not in REGIMES:
        erreur(
            "regles.regime",
            f'« regles.regime » doit valoir "2025" (loi n° 2025-989) ou "2014" '
            f"(ancien régime) ; lu : {r.regime!r}.",
            r.regime,
        )
    plafond = r.regime_legal.plafond_accord_mois
    if r.periodicite_mois < 0 or r.periodicite_mois > PERIODICITE_MAX_MOIS:
        erreur(
            "regles.periodicite_mois",
            f"« regles.periodicite_mois » doit être compris entre 1 et {PERIODICITE_MAX_MOIS} "
            f"mois ({REGIMES_LEGAUX['2025'].plafond_accord_mois} au plus en régime 2025 ; "
            "0 = périodicité légale).",
            r.periodicite_mois,
        )
    elif plafond is not None and r.periodicite_mois > plafond:
        erreur(
            "regles.periodicite_mois",
            f"« regles.periodicite_mois » vaut {r.periodicite_mois} : en régime {r.regime}, un "
            f"accord collectif ne peut pas dépasser {plafond} mois (art. L6315-1). "
            'Réduisez la valeur ou choisissez regime = "2014".',
            r.periodicite_mois,
        )
    if not 0 <= r.delai_retour_jours <= 365:
        erreur(
            "regles.delai_retour_jours",
            "« regles.delai_retour_jours » doit être compris entre 0 et 365.",
            r.delai_retour_jours,
        )
    if not 0 <= r.horizon_jours <= 3650:
        erreur(
            "regles.horizon_jours",
            "« regles.horizon_jours » doit être compris entre 0 et 3650.",
            r.horizon_jours,
        )


def _valider_planning(pl: Planning, erreur: _Signaler) -> None:
    if not 0 <= pl.delai_min_jours <= pl.delai_max_jours <= 366:
        erreur(
            "planning.delai_min_jours",
            "Il faut 0 ≤ « planning.delai_min_jours » ≤ « planning.delai_max_jours » ≤ 366 "
            f"(lus : {pl.delai_min_jours} et {pl.delai_max_jours}).",
            pl.delai_min_jours,
        )
    if not 15 <= pl.duree_minutes <= 480:
        erreur(
            "planning.duree_minutes",
            "« planning.duree_minutes » doit être compris entre 15 et 480 "
            "(le document source prévoit 1 à 2 heures).",
            pl.duree_minutes,
        )
    if not pl.creneaux:
        erreur("planning.creneaux", "« planning.creneaux » ne peut pas être vide.", pl.creneaux)
    for creneau in pl.creneaux:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", creneau):
            erreur(
                "planning.creneaux",
                f'Créneau « {creneau} » invalide : écrivez l\'heure au format HH:MM (ex. "09:00").',
                creneau,
            )
    _valider_lieux(pl.lieux, erreur)
    if pl.zone_feries not in ZONES_FERIES:
        erreur(
            "planning.zone_feries",
            '« planning.zone_feries » doit valoir "metropole" ou "alsace-moselle".',
            pl.zone_feries,
        )


def _valider_lieux(lieux: list[str] | dict[str, Any], erreur: _Signaler) -> None:
    """Une liste de salles, ou une table établissement -> liste de salles."""
    cle = "planning.lieux"
    if not isinstance(lieux, dict):
        if not lieux or any(not lieu.strip() for lieu in lieux):
            erreur(cle, "« planning.lieux » doit nommer au moins un lieu.", lieux)
        return
    if not lieux:
        erreur(
            cle,
            "« planning.lieux » est une table vide : donnez les salles de chaque établissement "
            '(par exemple "Angers - Siège" = ["Salle de réunion – Angers"]).',
            lieux,
        )
    vus: dict[str, str] = {}
    for etablissement, salles in lieux.items():
        ici = f"{cle}.{etablissement}" if etablissement.strip() else cle
        if not etablissement.strip():
            erreur(ici, "Un établissement de « planning.lieux » n'a pas de nom.", etablissement)
            continue
        if not (
            isinstance(salles, list)
            and salles
            and all(isinstance(s, str) and s.strip() for s in salles)
        ):
            erreur(
                ici,
                f"Les salles de l'établissement « {etablissement} » (planning.lieux) doivent "
                'être une liste de noms, par exemple ["Salle de réunion"] ; lu : '
                f"{salles!r}.",
                salles,
            )
        cle_norme = (
            etablissement if etablissement == TOUS_ETABLISSEMENTS else normaliser(etablissement)
        )
        if cle_norme in vus:
            erreur(
                ici,
                f"L'établissement « {etablissement} » est écrit deux fois dans planning.lieux "
                f"(aussi « {vus[cle_norme]} ») : gardez une seule liste de salles.",
                etablissement,
            )
        vus[cle_norme] = etablissement


def _valider_publipostage(pub: Publipostage, erreur: _Signaler) -> None:
    if pub.smtp_securite not in SECURITES_SMTP:
        erreur(
            "publipostage.smtp_securite",
            '« publipostage.smtp_securite » doit valoir "starttls", "ssl" ou "aucune".',
            pub.smtp_securite,
        )
    if not 1 <= pub.smtp_port <= 65535:
        erreur("publipostage.smtp_port", "« publipostage.smtp_port » : 1 à 65535.", pub.smtp_port)
    if pub.pause_secondes < 0:
        erreur(
            "publipostage.pause_secondes",
            "« publipostage.pause_secondes » ne peut pas être négatif.",
            pub.pause_secondes,
        )
