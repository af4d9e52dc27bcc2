"""Ligne de commande `entretiens` : Click seulement (options, messages, codes de sortie).

Chaque commande lit ses entrées, appelle une fonction du cœur et passe son bilan à
`cli_affichage.py`, qui l'écrit. Toute `ErreurEntretiens` est attrapée ici, une seule
fois, et devient un message français + code de sortie 1 ; jamais de trace Python (sauf
`--debug`). Les modules du cœur sont importés dans les commandes : `entretiens --help`
reste instantané.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipeline import cli_fr
from pipeline.cli_affichage import (
    afficher_ajout_au_registre,
    afficher_archive,
    afficher_avertissements,
    afficher_convocations,
    afficher_echeances,
    afficher_envoi,
    afficher_erreur,
    afficher_modeles,
    afficher_papier_remis,
    afficher_planifier,
    afficher_publipostage,
    afficher_recolte,
    afficher_resume_echeances,
    afficher_suite_publipostage,
    afficher_tableau,
    afficher_verification,
    avertir,
    confirmer,
    progression,
    rappels,
)
from pipeline.erreurs import Anomalie, ErreurEntretiens

if TYPE_CHECKING:  # annotations seulement : `entretiens --help` reste instantané
    from pipeline.registre import Registre

cli_fr.installer()

PARAMETRES_DEFAUT = Path("donnees/parametres.toml")
VARIABLE_MOT_DE_PASSE = "ENTRETIENS_SMTP_MOT_DE_PASSE"
# Une date de référence hors de ces bornes est une faute de frappe (9026 pour 2026) ; au
# delà, les calculs de dates sortiraient de ce que pandas sait représenter.
AU_MIN = date(2000, 1, 1)
AU_MAX = date(2100, 12, 31)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# --------------------------------------------------------------------------- erreurs


class GroupeEntretiens(click.Group):
    """Transforme les erreurs métier et celles du système en message clair + code 1, à un
    seul endroit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ErreurEntretiens as exc:
            if ctx.meta.get("debug"):
                raise
            afficher_erreur(exc)
            ctx.exit(1)
        except OSError as exc:
            # Disque plein, dossier en lecture seule, droits : une phrase, pas une trace.
            # Les écritures sont atomiques, rien n'est à moitié écrit (voir fichiers.py).
            if ctx.meta.get("debug"):
                raise
            from pipeline.fichiers import expliquer_erreur_systeme

            afficher_erreur(ErreurEntretiens(expliquer_erreur_systeme(exc)))
            ctx.exit(1)
        except KeyboardInterrupt:
            click.secho(
                "\nInterrompu. Les fichiers déjà écrits sont complets ; relancez la commande "
                "pour terminer.",
                fg="yellow",
                err=True,
            )
            ctx.exit(130)


# --------------------------------------------------------------------------- options communes


@dataclass
class Entrees:
    """Ce que chaque commande lit : paramètres, registre, date de référence.

    Tout est lu à la demande : `verifier` peut ainsi confier ces lectures au cœur
    (`verification.verifier_entrees`) et rapporter les erreurs des paramètres dans son
    propre format (--json) au lieu d'échouer avant d'avoir commencé.
    """

    chemin_parametres: Path | None
    option_registre: Path | None
    au: date

    @functools.cached_property
    def parametres_lus(self) -> tuple[Any, list[Anomalie]]:
        """Les paramètres, et les textes qui y ont été nettoyés (à afficher une fois)."""
        from pipeline.config import lire_parametres

        return lire_parametres(self.chemin_parametres)

    @property
    def parametres(self) -> Any:
        return self.parametres_lus[0]

    @functools.cached_property
    def chemin_registre(self) -> Path:
        from pipeline.origine import registre_designe

        return registre_designe(self.option_registre, self.parametres)

    @property
    def registre_exemple(self) -> bool:
        """Le registre est l'exemple livré (campagnes `exemple-AAAA-MM-JJ`)."""
        from pipeline.origine import est_registre_exemple

        return est_registre_exemple(self.chemin_registre)

    @functools.cached_property
    def registre(self) -> Registre:
        from pipeline.registre import lire_registre

        registre = lire_registre(self.chemin_registre)
        # Dits une fois par commande : ce que la lecture a nettoyé ou compris.
        afficher_avertissements([*self.parametres_lus[1], *registre.avertissements])
        return registre

    @property
    def dossier_sorties(self) -> Path:
        return Path(self.parametres.fichiers.sorties)

    def obligations(self, horizon: int | None = None) -> Any:
        from pipeline.regles import calculer_obligations

        return calculer_obligations(
            self.registre,
            self.au,
            self.parametres.regles,
            self.parametres.entreprise.effectif,
            horizon,
        )


def _date(_ctx: click.Context, _param: click.Parameter, valeur: str | None) -> date | None:
    """--au : JJ/MM/AAAA ou AAAA-MM-JJ (formats du registre), entre AU_MIN et AU_MAX."""
    if valeur is None:
        return None
    from pipeline.formats import MOTIFS_DATE, en_date

    texte = valeur.strip()
    annees = [int(m["a"]) for motif in MOTIFS_DATE if (m := re.fullmatch(motif, texte))]
    if annees and not AU_MIN.year <= annees[0] <= AU_MAX.year:
        raise click.BadParameter(
            f"« {valeur} » : l'année {annees[0]} est hors des dates possibles pour une "
            f"campagne (du {AU_MIN:%d/%m/%Y} au {AU_MAX:%d/%m/%Y}) ; vérifiez-la."
        )
    try:
        jour = en_date(texte)
    except ValueError:
        jour = None
    if jour is None:
        raise click.BadParameter(
            f"« {valeur} » n'est pas une date : écrivez-la JJ/MM/AAAA (ex. 01/12/2026) ou "
            "AAAA-MM-JJ (ex. 2026-12-01)."
        )
    return jour


class _Nombre(click.ParamType):
    """Nombre borné. Click afficherait « [1<=x<=65535] » dans l'aide : on dit les bornes
    en français, dans le message d'erreur seulement."""

    name = "nombre"

    def __init__(self, minimum: float, maximum: float | None = None, entier: bool = True):
        self.minimum, self.maximum, self.entier = minimum, maximum, entier

    def convert(self, valeur: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(valeur, int | float) and not isinstance(valeur, bool):
            nombre = valeur
        else:
            try:
                texte = str(valeur).strip()
                nombre = int(texte) if self.entier else float(texte.replace(",", "."))
            except ValueError:
                genre = "un nombre entier" if self.entier else "un nombre"
                self.fail(f"« {valeur} » n'est pas {genre}.", param, ctx)
        if nombre < self.minimum or (self.maximum is not None and nombre > self.maximum):
            bornes = (
                f"entre {self.minimum:g} et {self.maximum:g}"
                if self.maximum is not None
                else f"d'au moins {self.minimum:g}"
            )
            self.fail(f"« {valeur} » : il faut un nombre {bornes}.", param, ctx)
        return nombre


def options_communes(commande: Callable) -> Callable:
    """--registre, --parametres, --au : déclarées une fois, partagées par toutes les commandes."""

    @click.option(
        "--registre",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Classeur Excel du personnel (défaut : celui de parametres.toml, sinon l'exemple "
        "livré donnees/registre_exemple.xlsx).",
    )
    @click.option(
        "--parametres",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Fichier de paramètres TOML (défaut : donnees/parametres.toml).",
    )
    @click.option(
        "--au",
        callback=_date,
        metavar="DATE",
        help="Date de référence, JJ/MM/AAAA ou AAAA-MM-JJ (défaut : aujourd'hui) ; c'est "
        "aussi la date d'envoi des convocations.",
    )
    @functools.wraps(commande)
    def enveloppe(
        registre: Path | None, parametres: Path | None, au: date | None, **kwargs: Any
    ) -> Any:
        chemin_parametres = parametres
        if chemin_parametres is None and PARAMETRES_DEFAUT.exists():
            chemin_parametres = PARAMETRES_DEFAUT
        return commande(Entrees(chemin_parametres, registre, au or date.today()), **kwargs)

    return enveloppe


def option_campagne(commande: Callable) -> Callable:
    return click.option(
        "--campagne",
        metavar="NOM",
        help="Nom de la campagne (dossier sorties/<campagne>) ; défaut : la date --au "
        "(AAAA-MM-JJ, précédée de « exemple- » pour le registre d'exemple), ou la campagne "
        "la plus récente de ce registre si elle n'existe pas.",
    )(commande)


def option_jobs(commande: Callable) -> Callable:
    return click.option(
        "--jobs",
        "-j",
        type=_Nombre(1, 64),
        metavar="NOMBRE",
        default=lambda: os.cpu_count() or 1,
        help="Nombre de processus de génération en parallèle (défaut : nombre de processeurs).",
    )(commande)


def option_replanifier(commande: Callable) -> Callable:
    return click.option(
        "--replanifier",
        is_flag=True,
        help="Refait les rendez-vous pas encore envoyés (ni par courriel, ni remis sur "
        "papier) et à venir, après une correction du registre ou des paramètres ; "
        "l'ancien planning est gardé dans anciennes_versions/.",
    )(commande)


@dataclass(frozen=True)
class ServeurSmtp:
    """Le serveur d'envoi donné en options ; ce qui manque est pris dans parametres.toml."""

    hote: str | None
    port: int | None
    securite: str | None
    utilisateur: str | None
    mot_de_passe: str | None
    pause: float | None


def options_smtp(commande: Callable) -> Callable:
    """--hote, --port, --securite, --utilisateur, --mot-de-passe, --pause : déclarées une
    fois, passées à la commande ensemble (`smtp`)."""

    @click.option(
        "--hote",
        metavar="SERVEUR",
        help="Serveur d'envoi SMTP (défaut : smtp_hote de parametres.toml).",
    )
    @click.option(
        "--port", type=_Nombre(1, 65535), metavar="NOMBRE", help="Port SMTP (souvent 587 ou 465)."
    )
    @click.option(
        "--securite",
        type=click.Choice(["starttls", "ssl", "aucune"]),
        help="Chiffrement de la connexion SMTP.",
    )
    @click.option(
        "--utilisateur",
        metavar="IDENTIFIANT",
        help="Identifiant SMTP (défaut : smtp_utilisateur de parametres.toml).",
    )
    @click.option(
        "--mot-de-passe",
        envvar=VARIABLE_MOT_DE_PASSE,
        metavar="MOT_DE_PASSE",
        help=f"Mot de passe SMTP (ou variable d'environnement {VARIABLE_MOT_DE_PASSE}). "
        "Jamais dans un fichier.",
    )
    @click.option(
        "--pause",
        type=_Nombre(0, entier=False),
        metavar="SECONDES",
        help="Secondes entre deux envois (défaut : pause_secondes de parametres.toml).",
    )
    @functools.wraps(commande)
    def enveloppe(
        *args: Any,
        hote: str | None,
        port: int | None,
        securite: str | None,
        utilisateur: str | None,
        mot_de_passe: str | None,
        pause: float | None,
        **kwargs: Any,
    ) -> Any:
        smtp = ServeurSmtp(hote, port, securite, utilisateur, mot_de_passe, pause)
        return commande(*args, smtp=smtp, **kwargs)

    return enveloppe


def _campagne(entrees: Entrees, nom: str | None) -> Any:
    """La campagne --campagne, sinon celle de la date --au (qu'elle existe ou non)."""
    from pipeline.campagne import Campagne, nom_campagne

    return Campagne(
        entrees.dossier_sorties, nom_campagne(nom, entrees.au, entrees.registre_exemple)
    )


def _campagne_existante(entrees: Entrees, nom: str | None, ecrit_registre: bool = True) -> Any:
    """Une campagne déjà produite avec ce registre (publipostage, archive, replanification).

    `ecrit_registre=False` (archive) : une campagne nommée est prise quel que soit le
    registre du jour, puisqu'elle garde le sien (`_sources/`) et que rien n'y est mêlé.
    """
    from pipeline.campagne import Campagne, trouver_campagne

    attendue = _campagne(entrees, nom)
    registre = entrees.chemin_registre if ecrit_registre or not nom else None
    dossier = trouver_campagne(
        attendue.sorties, attendue.nom, explicite=bool(nom), registre=registre
    )
    if dossier.name != attendue.nom:
        click.echo(f"Campagne la plus récente de ce registre : {dossier.name}")
    return Campagne(attendue.sorties, dossier.name)


def _verrou(campagne: Any, commande: str) -> Any:
    """Le verrou de la campagne (campagne.Campagne.verrouiller), ses avis affichés ici."""
    return campagne.verrouiller(f"entretiens {commande}", signaler=avertir)


def _avertir_valeurs_d_exemple(entrees: Entrees) -> None:
    """Avec un vrai registre, les valeurs de l'entreprise fictive finiraient sur les lettres."""
    if entrees.registre_exemple:
        return
    from pipeline.config import CLES_EXEMPLE, valeurs_d_exemple

    restes = valeurs_d_exemple(entrees.parametres)
    if not restes:
        return
    fichier = entrees.chemin_parametres or f"{PARAMETRES_DEFAUT} (à créer)"
    liste = " ; ".join(f"{CLES_EXEMPLE[cle]} « {valeur} » ({cle})" for cle, valeur in restes)
    avertir(
        f"vos paramètres gardent des valeurs de l'exemple livré : {liste}. Elles figureraient "
        f"sur les convocations et les courriels de vos salariés : remplacez-les par celles "
        f"de votre entreprise dans {fichier}."
    )


# --------------------------------------------------------------------------- commandes


@click.group(
    cls=GroupeEntretiens,
    context_settings=CONTEXT_SETTINGS,
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
)
@click.version_option(
    package_name="entretiens",
    message="entretiens %(version)s",
    help="Affiche la version et quitte.",
)
@click.option("--debug", is_flag=True, help="Affiche la trace Python complète en cas d'erreur.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Entretiens professionnels : échéances, convocations, documents, publipostage, archives.

    \b
    Exemple, chaque mois :
      entretiens verifier              contrôle le registre Excel
      entretiens echeances             qui doit avoir un entretien, et pourquoi
      entretiens convocations          planning + documents Word de chaque salarié
      entretiens publipostage          courriels prêts à envoyer (Outlook)
      entretiens tableau-de-bord       suivi de conformité
    """
    ctx.meta["debug"] = debug


@cli.command()
@options_communes
@click.option("--json", "en_json", is_flag=True, help="Sortie JSON (pour les programmes).")
def verifier(entrees: Entrees, en_json: bool) -> None:
    """Contrôle le registre et les paramètres ; liste toutes les anomalies."""
    from pipeline.verification import verifier_entrees

    verification = verifier_entrees(entrees.chemin_parametres, entrees.option_registre)
    afficher_verification(verification, en_json)
    if not verification.valide:
        sys.exit(1)


@cli.command()
@options_communes
@click.option(
    "--horizon",
    type=_Nombre(0, 3650),
    metavar="JOURS",
    help="Nombre de jours à venir à inclure (défaut : horizon_jours de parametres.toml, 60 jours).",
)
@click.option("--tout", is_flag=True, help="Inclut aussi les obligations à venir (statut a_venir).")
@click.option(
    "--sortie",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Écrit la liste dans un fichier .csv (UTF-8, « ; ») ou .xlsx.",
)
def echeances(entrees: Entrees, horizon: int | None, tout: bool, sortie: Path | None) -> None:
    """Liste les entretiens dus (en retard, à planifier) avec leur motif légal."""
    from pipeline.regles import lister_echeances

    if sortie is not None and sortie.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter("l'extension doit être .csv ou .xlsx", param_hint="--sortie")
    liste = lister_echeances(entrees.obligations(horizon), entrees.registre, tout=tout)
    if sortie is not None:
        from pipeline.tableurs import ecrire_echeances

        statut = ecrire_echeances(liste, sortie)
        click.echo(
            f"Échéances écrites dans {sortie}"
            + (" (ancienne version gardée)." if statut == "remplace" else ".")
        )
    else:
        afficher_echeances(liste)
    afficher_resume_echeances(liste, entrees.au, entrees.parametres.regles, horizon)


@cli.command()
@options_communes
@option_campagne
@click.option(
    "--sortie",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Fichier planning à écrire (défaut : sorties/<campagne>/planning.xlsx) ; s'il "
    "existe, il est relu et complété, comme par « convocations ».",
)
@option_replanifier
def planifier(
    entrees: Entrees, campagne: str | None, sortie: Path | None, replanifier: bool
) -> None:
    """Propose date, heure, lieu et conducteur de chaque entretien (planning.xlsx modifiable)."""
    from pipeline.campagne import planifier_campagne

    registre = entrees.registre  # lu en premier : ses erreurs passent avant le reste
    _avertir_valeurs_d_exemple(entrees)
    cible = _campagne_existante(entrees, campagne) if replanifier else _campagne(entrees, campagne)
    dans_la_campagne = sortie is None or cible.contient(sortie)
    verrou = _verrou(cible, "planifier") if dans_la_campagne else contextlib.nullcontext()
    with verrou:
        resultat = planifier_campagne(
            cible,
            registre,
            entrees.parametres,
            entrees.au,
            sortie,
            rappels=rappels(),
            chemin_registre=entrees.chemin_registre,
            replanifier=replanifier,
        )
    afficher_planifier(resultat, cible)


@cli.command()
@options_communes
@option_campagne
@click.option(
    "--planning",
    "chemin_planning",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Planning corrigé à la main (planning.xlsx) ; sinon celui de la campagne s'il existe, "
    "sinon un planning calculé.",
)
@option_replanifier
@click.option(
    "--remplacer",
    is_flag=True,
    help="Régénère les documents existants (l'ancienne version est gardée dans "
    "anciennes_versions/).",
)
@click.option("--pdf", is_flag=True, help="Convertit aussi les documents en PDF (LibreOffice).")
@option_jobs
def convocations(
    entrees: Entrees,
    campagne: str | None,
    chemin_planning: Path | None,
    replanifier: bool,
    remplacer: bool,
    pdf: bool,
    jobs: int,
) -> None:
    """Génère le dossier de campagne : planning, convocations et documents de chaque salarié."""
    from pipeline.campagne import produire_convocations

    if replanifier and chemin_planning is not None:
        raise click.UsageError(
            "--replanifier refait le planning de la campagne : il ne s'utilise pas avec --planning."
        )
    registre = entrees.registre  # lu en premier : ses erreurs passent avant le reste
    _avertir_valeurs_d_exemple(entrees)
    cible = _campagne_existante(entrees, campagne) if replanifier else _campagne(entrees, campagne)
    with _verrou(cible, "convocations"):
        resultat = produire_convocations(
            cible,
            registre,
            entrees.parametres,
            entrees.au,
            entrees.chemin_registre,
            entrees.chemin_parametres,
            chemin_planning=chemin_planning,
            replanifier=replanifier,
            remplacer=remplacer,
            pdf=pdf,
            jobs=jobs,
            rappels=rappels(),
        )
    afficher_convocations(resultat)


@cli.command()
@options_communes
@option_campagne
@click.option("--pdf", is_flag=True, help="Joint les PDF (générés par « convocations --pdf »).")
@click.option("--remplacer", is_flag=True, help="Régénère les brouillons existants.")
@click.option(
    "--papier-remis",
    "papier_remis",
    is_flag=False,
    flag_value="tous",
    metavar="[MATRICULES]",
    help="Note au journal des envois que les convocations papier (courriers_papier.csv) ont "
    "été remises ou postées : toutes, ou celles des matricules donnés, séparés par des "
    "virgules.",
)
@click.option(
    "--envoyer",
    is_flag=True,
    help="Envoie aussi les courriels par SMTP (sinon : rien ne part, brouillons seulement).",
)
@options_smtp
@click.option("--simulation/--reel", default=True, help="Avec --envoyer : simulation par défaut.")
@click.option("--oui", is_flag=True, help="Ne demande pas de confirmation avant l'envoi.")
def publipostage(
    entrees: Entrees,
    campagne: str | None,
    pdf: bool,
    remplacer: bool,
    papier_remis: str | None,
    envoyer: bool,
    smtp: ServeurSmtp,
    simulation: bool,
    oui: bool,
) -> None:
    """Prépare l'envoi : tableau de publipostage, brouillons .eml Outlook, invitations .ics."""
    from pipeline.campagne import preparer_publipostage_campagne
    from pipeline.envoi import marquer_papier_remis

    registre = entrees.registre  # lu en premier : ses erreurs passent avant le reste
    _avertir_valeurs_d_exemple(entrees)
    choisie = _campagne_existante(entrees, campagne)
    dossier = choisie.dossier
    with _verrou(choisie, "publipostage"):
        bilan = preparer_publipostage_campagne(
            choisie,
            registre,
            entrees.parametres,
            entrees.au,
            pdf=pdf,
            remplacer=remplacer,
            rappels=rappels(),
        )
        afficher_publipostage(bilan)
        if papier_remis is not None:
            afficher_papier_remis(marquer_papier_remis(dossier, _matricules(papier_remis)))
        if envoyer:
            _envoyer(dossier, entrees.parametres, bilan, smtp, simulation, oui)
        else:
            afficher_suite_publipostage(bilan, dossier)


def _envoyer(
    dossier: Path, parametres: Any, bilan: Any, smtp: ServeurSmtp, simulation: bool, oui: bool
) -> None:
    """`publipostage --envoyer` : ce qui partirait (simulation), ou part après confirmation."""
    from pipeline.envoi import compter_a_envoyer, lister_brouillons, refuser_expediteur_d_exemple
    from pipeline.envoi import envoyer as envoyer_courriels

    nombre = compter_a_envoyer(dossier)
    if not nombre:
        click.echo(
            "Aucun courriel à envoyer : "
            + (
                "tous les brouillons sont déjà partis (voir le journal des envois)."
                if bilan.brouillons
                else "aucun salarié de cette campagne n'a d'adresse électronique."
            )
        )
        return
    if not simulation:
        refuser_expediteur_d_exemple(parametres, lister_brouillons(dossier))
        if not oui and not confirmer(f"Envoyer {nombre} courriel(s) maintenant ?"):
            raise click.Abort
    with progression(nombre, "Simulation" if simulation else "Envoi") as avancer:
        bilan_envoi = envoyer_courriels(
            dossier,
            parametres,
            simulation=simulation,
            progression=avancer,
            **dataclasses.asdict(smtp),
        )
    afficher_envoi(bilan_envoi)
    if bilan_envoi.echecs:
        sys.exit(1)


def _matricules(choix: str) -> set[str] | None:
    """--papier-remis : « tous » (l'option sans valeur) ou des matricules séparés par des
    virgules."""
    return None if choix == "tous" else {m.strip() for m in choix.split(",") if m.strip()}


@cli.command()
@options_communes
@option_campagne
@click.option(
    "--supprimer-originaux",
    is_flag=True,
    help="Supprime le dossier de campagne, seulement après vérification de l'archive.",
)
@click.option("--remplacer", is_flag=True, help="Refait l'archive (l'ancienne est gardée).")
def archiver(
    entrees: Entrees, campagne: str | None, supprimer_originaux: bool, remplacer: bool
) -> None:
    """Archive une campagne (zip + empreintes SHA-256 + registre et paramètres utilisés)."""
    from pipeline.archive import archiver as archiver_campagne
    from pipeline.archive import compter_fichiers

    choisie = _campagne_existante(entrees, campagne, ecrit_registre=False)
    with (
        _verrou(choisie, "archiver"),
        progression(compter_fichiers(choisie.dossier), "Archive") as avancer,
    ):
        bilan = archiver_campagne(
            choisie.dossier,
            entrees.chemin_registre,
            entrees.chemin_parametres,
            choisie.archives,
            supprimer_originaux=supprimer_originaux,
            remplacer=remplacer,
            progression=avancer,
        )
    afficher_archive(bilan, choisie)


@cli.command("verifier-archive")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def verifier_archive(archive: Path) -> None:
    """Vérifie une archive : fichiers modifiés, manquants ou en trop (code 1 si différence)."""
    from pipeline.archive import verifier_archive as verifier

    rapport = verifier(archive)
    for ligne in rapport.lignes():
        click.secho(ligne, fg=None if rapport.ok else "red")
    if not rapport.ok:
        sys.exit(1)


@cli.command("tableau-de-bord")
@options_communes
@click.option(
    "--sortie",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Classeur à écrire (défaut : sorties/tableau_de_bord.xlsx).",
)
def tableau_de_bord(entrees: Entrees, sortie: Path | None) -> None:
    """Classeur de suivi : taux de conformité, retards, abondements, indicateurs CSE."""
    from pipeline.tableau import produire_tableau_de_bord

    indicateurs, cible = produire_tableau_de_bord(
        entrees.registre, entrees.parametres, entrees.au, entrees.dossier_sorties, sortie
    )
    afficher_tableau(indicateurs, cible)


@cli.command()
@click.option(
    "--dossier",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Dossier des modèles Word (défaut : modeles_word/ du projet, ceux qu'utilise "
    "« convocations »).",
)
def modeles(dossier: Path | None) -> None:
    """Liste les modèles Word et leurs variables ; signale les variables inconnues."""
    from pipeline.modeles import DOSSIER_MODELES, verifier_modeles

    inconnues = afficher_modeles(verifier_modeles(dossier or DOSSIER_MODELES))
    if inconnues:
        raise ErreurEntretiens.simple(
            "variable-inconnue",
            f"{inconnues} variable(s) inconnue(s) dans les modèles : corrigez l'orthographe "
            "(voir modeles_word/README.md).",
        )


@cli.command()
@options_communes
@option_campagne
@click.option(
    "--ajouter-au-registre",
    is_flag=True,
    help="Ajoute aussi les entretiens tenus à la feuille « Entretiens » du registre (copie de "
    "sauvegarde datée à côté). Sans cette option, le registre n'est jamais modifié.",
)
def recolter(entrees: Entrees, campagne: str | None, ajouter_au_registre: bool) -> None:
    """Relit les comptes-rendus et états des lieux remplis : entretiens tenus, relances."""
    from pipeline.ecriture_registre import ajouter_au_registre as ajouter
    from pipeline.recolte import recolter as recolter_campagne

    if ajouter_au_registre and entrees.registre_exemple:
        raise click.UsageError(
            "le registre d'exemple livré n'est jamais modifié : --ajouter-au-registre sert à "
            "votre propre registre (--registre, ou [fichiers] registre dans parametres.toml)."
        )
    choisie = _campagne_existante(entrees, campagne)
    with _verrou(choisie, "recolter"):
        recolte = recolter_campagne(
            choisie, entrees.registre, entrees.parametres, entrees.au, datetime.now()
        )
    afficher_recolte(recolte)
    if not ajouter_au_registre:
        if recolte.tenus:
            click.echo(
                "Le registre n'a pas été modifié : collez ces lignes dans sa feuille "
                "« Entretiens », ou relancez avec --ajouter-au-registre."
            )
        return
    bilan = ajouter(entrees.chemin_registre, recolte.tenus, entrees.registre, datetime.now())
    afficher_ajout_au_registre(bilan, entrees.chemin_registre)
