"""Ligne de commande `entretiens` : Click seulement (options, barres de progression, sorties).

Chaque commande lit ses entrées, appelle une fonction du cœur et affiche un résumé.
Toute `ErreurEntretiens` est attrapée ici, une seule fois, et devient un message
français + code de sortie 1 ; jamais de trace Python (sauf `--debug`). Les modules du
cœur sont importés dans les commandes : `entretiens --help` reste instantané.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipeline import cli_fr
from pipeline.erreurs import (
    INFORMATION,
    Anomalie,
    ErreurEntretiens,
    en_une_ligne,
    formater_anomalies,
    regrouper,
)

if TYPE_CHECKING:  # annotations seulement : `entretiens --help` reste instantané
    from pipeline.registre import Registre

cli_fr.installer()

PARAMETRES_DEFAUT = Path("donnees/parametres.toml")
VARIABLE_MOT_DE_PASSE = "ENTRETIENS_SMTP_MOT_DE_PASSE"
# Une date de référence hors de ces bornes est une faute de frappe (9026 pour 2026) ; au
# delà, les calculs de dates sortiraient de ce que pandas sait représenter.
AU_MIN = date(2000, 1, 1)
AU_MAX = date(2100, 12, 31)
# Au-delà, les non planifiés sont comptés par cause ; le détail est dans planning.xlsx.
NON_PLANIFIES_DETAILLES = 10

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


def afficher_avertissements(anomalies: list[Anomalie]) -> None:
    """Avertissements et informations de la lecture, une ligne chacun, répétitions regroupées."""
    for anomalie in regrouper(anomalies):
        couleur = "cyan" if anomalie.gravite == INFORMATION else "yellow"
        click.secho(en_une_ligne(anomalie), fg=couleur, err=True)


def afficher_erreur(exc: ErreurEntretiens) -> None:
    click.secho(f"Erreur : {exc.message}", fg="red", bold=True, err=True)
    # Une erreur simple porte déjà sa phrase complète ; sinon, le détail localisé.
    deja_dit = len(exc.anomalies) == 1 and exc.message == str(exc.anomalies[0])
    if exc.anomalies and not deja_dit:
        click.echo(formater_anomalies(exc.anomalies), err=True)


# --------------------------------------------------------------------------- options communes


@dataclass
class Entrees:
    """Ce que chaque commande lit : paramètres, registre, date de référence.

    Tout est lu à la demande : `verifier` peut ainsi rapporter les erreurs des paramètres
    dans son propre format (--json) au lieu d'échouer avant d'avoir commencé.
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
        from pipeline.origine import REGISTRE_EXEMPLE

        return self.option_registre or Path(self.parametres.fichiers.registre or REGISTRE_EXEMPLE)

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
    return campagne.verrouiller(f"entretiens {commande}", signaler=_avertir)


def _avertir(texte: str) -> None:
    click.secho(f"Avertissement : {texte}", fg="yellow", err=True)


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
    _avertir(
        f"vos paramètres gardent des valeurs de l'exemple livré : {liste}. Elles figureraient "
        f"sur les convocations et les courriels de vos salariés : remplacez-les par celles "
        f"de votre entreprise dans {fichier}."
    )


def _confirmer(question: str) -> bool:
    """Question oui/non en français (click.confirm n'accepte que y/yes)."""
    reponse = click.prompt(
        f"{question} [o/N]",
        default="n",
        show_default=False,
        value_proc=lambda v: v.strip().lower(),
    )
    while reponse not in ("o", "oui", "n", "non"):
        reponse = click.prompt(
            "Répondez « o » (oui) ou « n » (non)", default="n", show_default=False
        )
    return reponse in ("o", "oui")


@contextlib.contextmanager
def _progression(total: int, libelle: str) -> Iterator[Callable[[int], None]]:
    """Fait avancer une étape longue : barre dans un terminal, sinon une ligne par dixième.

    Redirigée vers un fichier (tâche planifiée, `make … > journal.txt`), la barre de Click
    n'écrirait que son titre : on écrit « Documents : 30 % (360 sur 1 200) ».
    """
    if sys.stderr.isatty():
        with click.progressbar(
            length=max(total, 1), label=libelle, show_pos=True, show_eta=True, file=sys.stderr
        ) as barre:
            yield barre.update
        return
    from pipeline.formats import nombre_fr

    fait, palier = 0, 0

    def avancer(nombre: int) -> None:
        nonlocal fait, palier
        fait += nombre
        nouveau = min(10, fait * 10 // total) if total else 10
        if nouveau > palier:
            palier = nouveau
            click.echo(
                f"{libelle} : {palier * 10} % ({nombre_fr(fait)} sur {nombre_fr(total)})",
                err=True,
            )

    yield avancer


def _rappels() -> Any:
    """Ce que les séquences du cœur signalent en chemin, affiché ici (campagne.Rappels)."""
    from pipeline.campagne import Rappels

    return Rappels(
        avertissement=_avertir,
        planning_reutilise=lambda chemin: click.echo(
            f"Planning existant réutilisé, avec vos éventuelles corrections : {chemin}"
        ),
        planning_repris=_afficher_reprise,
        etape=_etape,
    )


def _etape(nom: str, total: int) -> Any:
    from pipeline.campagne import ETAPE_DOCUMENTS, ETAPE_PDF

    return _progression(total, {ETAPE_DOCUMENTS: "Documents", ETAPE_PDF: "PDF"}[nom])


def _afficher_reprise(repris: Any) -> None:
    """Un planning existant relu et complété (voir relecture_planning.reprendre_planning)."""
    if repris.planning.avertissements:
        click.echo(formater_anomalies(repris.planning.avertissements), err=True)
    if repris.ajoutes or repris.sans_creneau:
        click.secho(
            f"Salariés devenus dus depuis ce planning : {repris.ajoutes} ajouté(s), "
            f"{repris.sans_creneau} non planifié(s) (raison ci-dessous).",
            fg="yellow",
        )


def _afficher_non_planifies(non_planifies: Any, retrait: str = "") -> None:
    """Chacun avec sa raison ; au-delà de quelques-uns, un compte par cause."""
    from pipeline.campagne import PLANNING
    from pipeline.planning import FEUILLE_NON_PLANIFIES, causes_non_planifies

    if len(non_planifies) <= NON_PLANIFIES_DETAILLES:
        for ligne in non_planifies.itertuples(index=False):
            click.echo(f"{retrait}  {ligne.matricule} {ligne.prenom} {ligne.nom} : {ligne.raison}")
        return
    feuille = f"{PLANNING}, feuille « {FEUILLE_NON_PLANIFIES} »"
    click.echo(f"{retrait}  Par cause (qui et pourquoi : {feuille}) :")
    for cause, nombre in causes_non_planifies(non_planifies):
        click.echo(f"{retrait}  {nombre:>5} {cause.libelle} : {cause.conseil}.")


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
    from pipeline.planning import controler_parametres
    from pipeline.registre import lire_registre

    anomalies: list[Anomalie] = []
    erreurs: list[str] = []
    try:
        # Lus à la demande : on force la lecture pour les contrôler.
        anomalies.extend(entrees.parametres_lus[1])
    except ErreurEntretiens as exc:
        anomalies.extend(exc.anomalies)
        erreurs.append(exc.message)
    # Paramètres illisibles : on ne sait plus quel registre ils désignent, sauf --registre.
    chemin = entrees.option_registre if erreurs else entrees.chemin_registre
    nombre = 0
    if chemin is not None:
        try:
            registre = lire_registre(chemin)
            anomalies.extend(registre.avertissements)
            nombre = len(registre.salaries)
        except ErreurEntretiens as exc:
            anomalies.extend(exc.anomalies)
            erreurs.append(exc.message)
        else:
            if not erreurs:  # les paramètres lus : ce qu'ils disent du registre
                croisees = controler_parametres(registre, entrees.parametres)
                anomalies.extend(croisees)
                erreurs.extend(a.message for a in croisees if a.est_erreur)
    if en_json:
        click.echo(
            json.dumps(
                {
                    "valide": not erreurs,
                    "registre": str(chemin) if chemin else None,
                    "anomalies": [a.en_dict() for a in anomalies],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        if anomalies:
            click.echo(formater_anomalies(anomalies))
            if len(regrouper(anomalies)) < len(anomalies):
                click.echo("Messages répétés regroupés : le détail, ligne par ligne, avec --json.")
        if not erreurs:
            informations = sum(a.gravite == INFORMATION for a in anomalies)
            click.secho(
                f"Registre et paramètres valides : {chemin} ({nombre} salarié"
                f"{'s' * (nombre > 1)}, {len(anomalies) - informations} avertissement(s), "
                f"{informations} information(s)).",
                fg="green",
            )
        for message in erreurs:
            click.secho(f"Erreur : {message}", fg="red", bold=True, err=True)
    if erreurs:
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
    from pipeline.formats import date_courte
    from pipeline.regles import lister_echeances, resumer

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
        _afficher_echeances(liste)
    if liste.empty:
        jours = entrees.parametres.regles.horizon_jours if horizon is None else horizon
        limite = entrees.au + timedelta(days=jours)
        click.secho(
            f"Aucune échéance d'ici le {date_courte(limite)} : tout le monde est à jour.",
            fg="green",
        )
        return
    _afficher_resume(resumer(liste), entrees)


def _afficher_echeances(liste: Any, limite: int = 40) -> None:
    from pipeline.formats import date_courte
    from pipeline.libelles import LIBELLES_STATUTS, LIBELLES_TYPES

    for rang, ligne in enumerate(liste.itertuples(index=False)):
        if rang == limite:
            click.echo(f"… et {len(liste) - limite} autres (utilisez --sortie pour tout avoir).")
            break
        couleur = "red" if ligne.statut == "en_retard" else None
        statut = LIBELLES_STATUTS.get(ligne.statut, ligne.statut)
        click.secho(
            f"{date_courte(ligne.echeance)}  {statut:<12} "
            f"{ligne.matricule:<8} {ligne.prenom} {ligne.nom.upper()} — "
            f"{LIBELLES_TYPES.get(ligne.type, ligne.type)}",
            fg=couleur,
        )
        click.echo(f"            {ligne.motif}")


def _afficher_resume(resume: dict, entrees: Entrees) -> None:
    from pipeline.formats import date_courte
    from pipeline.libelles import LIBELLES_STATUTS, LIBELLES_TYPES

    regles = entrees.parametres.regles
    click.echo("")
    click.secho(
        f"Au {date_courte(entrees.au)} — régime {regles.regime}, "
        f"périodicité {regles.periodicite} mois",
        bold=True,
    )
    click.echo("  Par statut :")
    for statut, nombre in resume.get("par_statut", {}).items():
        click.echo(f"    {LIBELLES_STATUTS.get(statut, statut):<28} {nombre:>6}")
    click.echo("  Par type :")
    for type_, nombre in resume.get("par_type", {}).items():
        click.echo(f"    {LIBELLES_TYPES.get(type_, type_):<28} {nombre:>6}")


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
    dans_la_campagne = sortie is None or cible.dossier.resolve() in sortie.resolve().parents
    verrou = _verrou(cible, "planifier") if dans_la_campagne else contextlib.nullcontext()
    with verrou:
        resultat = planifier_campagne(
            cible,
            registre,
            entrees.parametres,
            entrees.au,
            sortie,
            rappels=_rappels(),
            chemin_registre=entrees.chemin_registre,
            replanifier=replanifier,
        )
    chemin = resultat.choix.chemin
    if resultat.replanification is not None:
        _afficher_replanification(resultat.replanification)
    elif resultat.choix.existe:
        click.echo(
            "Ce planning existait : il est gardé tel que vous l'avez peut-être corrigé"
            + (", complété des salariés devenus dus." if resultat.ecrit else ".")
            + " Pour refaire les rendez-vous pas encore envoyés (registre ou paramètres "
            "corrigés) : entretiens planifier --replanifier."
        )
    else:
        click.echo(f"Planning écrit dans {chemin}")
    _afficher_planning(resultat.planning)
    if len(resultat.planning.entretiens):
        option = "" if resultat.choix.chemin == cible.planning else f" --planning {chemin}"
        click.echo(
            f"Et maintenant : ouvrez {chemin} dans Excel si vous voulez changer une date, "
            "une heure, une salle ou un conducteur, puis lancez : entretiens convocations"
            f"{option} (ou make convocations)."
        )


def _afficher_planning(planning: Any) -> None:
    entretiens, non_planifies = planning.entretiens, planning.non_planifies
    if not len(entretiens) and not len(non_planifies):
        click.echo("Aucun entretien à planifier : personne n'est en retard ni à convoquer.")
        return
    click.echo(f"{len(entretiens)} entretien(s) planifié(s).")
    if len(non_planifies):
        click.secho(f"{len(non_planifies)} salarié(s) non planifié(s) :", fg="yellow")
        _afficher_non_planifies(non_planifies)


def _afficher_replanification(replan: Any) -> None:
    """Ce que `--replanifier` a gardé, refait et retiré (campagne.Replanification)."""
    if replan.ancien is None:
        click.echo("Replanification : rien ne change, le planning est déjà à jour.")
        return
    click.secho(f"Replanification (ancien planning gardé : {replan.ancien.name}) :", bold=True)
    for libelle, matricules in (
        ("gardés, convocation déjà partie", replan.gardes_partis),
        ("gardés, rendez-vous déjà passés", replan.gardes_passes),
        ("rendez-vous changés (date, heure, salle ou conducteur)", replan.deplaces),
        ("ajoutés", replan.ajoutes),
        ("retirés (plus dus, ou sans créneau)", replan.retires),
    ):
        if matricules:
            apercu = ", ".join(matricules[:8]) + (", …" if len(matricules) > 8 else "")
            click.echo(f"  {libelle} : {len(matricules)} ({apercu})")


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
            rappels=_rappels(),
        )
    _resume_convocations(resultat)


def _resume_convocations(resultat: Any) -> None:
    from pipeline.campagne import DOSSIER_SALARIES, PLANNING
    from pipeline.envoi import COURRIEL, convocations_parties

    bilan, planning = resultat.bilan, resultat.planning
    click.echo("")
    click.secho(f"Campagne : {resultat.campagne.dossier}", bold=True)
    if resultat.replanification is not None:
        _afficher_replanification(resultat.replanification)
    click.echo(f"  Documents créés       : {bilan.crees}")
    click.echo(f"  Documents conservés   : {bilan.conserves}")
    if bilan.remplaces:
        click.echo(f"  Documents remplacés   : {bilan.remplaces} (anciennes versions gardées)")
    if bilan.mis_a_jour:
        click.echo(
            f"  Documents mis à jour  : {bilan.mis_a_jour} (données changées ; anciennes "
            "versions gardées)"
        )
    if resultat.a_renvoyer:
        click.secho(
            f"  Convocations à renvoyer : {len(resultat.a_renvoyer)} — refaites depuis leur envoi "
            "(rendez-vous ou données changés) :",
            fg="yellow",
        )
        for document, remise in resultat.a_renvoyer:
            canal = "envoyée par courriel" if remise.canal == COURRIEL else "remise sur papier"
            click.echo(f"    {document.chemin} ({canal} le {_jour(remise.date_heure)})")
    if bilan.perimes:
        click.secho(
            f"  Documents périmés     : {len(bilan.perimes)} — leurs données ont changé (date, "
            "lieu, registre…) mais ils ont été modifiés à la main : ils sont conservés tels "
            "quels. Pour en obtenir une version à jour, renommez ou déplacez le fichier (gardez-"
            "le s'il est signé), puis relancez : il sera régénéré.",
            fg="yellow",
        )
        for perime in bilan.perimes:
            click.echo(f"    {perime.chemin}")
    if bilan.orphelins:
        click.secho(
            f"  Dossiers hors planning : {len(bilan.orphelins)} — ces salariés ne sont plus au "
            "planning (départ, ligne supprimée) ; leurs documents sont conservés mais ne "
            "doivent pas être envoyés :",
            fg="yellow",
        )
        for orphelin in bilan.orphelins:
            click.echo(f"    {DOSSIER_SALARIES}/{orphelin}")
    if bilan.fiches_hors_campagne:
        click.secho(
            f"  Fiches de conducteurs hors campagne : {len(bilan.fiches_hors_campagne)} — ils "
            "ne conduisent plus aucun entretien de cette campagne ; gardées comme anciennes "
            "versions :",
            fg="yellow",
        )
        for chemin, nouveau in bilan.fiches_hors_campagne:
            devenir = (
                f"rangée dans anciennes_versions/{nouveau}"
                if nouveau
                else "ouverte ailleurs, pas déplacée : fermez-la et relancez"
            )
            click.echo(f"    {chemin} ({devenir})")
    click.echo(f"  Entretiens planifiés  : {len(planning.entretiens)}")
    couleur = "yellow" if len(planning.non_planifies) else None
    click.secho(f"  Non planifiés         : {len(planning.non_planifies)}", fg=couleur)
    _afficher_non_planifies(planning.non_planifies, retrait="  ")
    click.echo("")
    parties = convocations_parties(resultat.campagne.dossier)
    if not len(planning.entretiens):
        click.echo("Rien à envoyer : aucun entretien n'est planifié dans cette campagne.")
    elif resultat.a_renvoyer:
        click.echo(
            "Et maintenant : renvoyez les convocations refaites. « entretiens publipostage » "
            "refait leurs brouillons, « entretiens publipostage --envoyer --reel » ne "
            "renvoie que celles qui ont changé ; sur papier, réimprimez-les, remettez-les, "
            "puis notez-le (entretiens publipostage --papier-remis)."
        )
    elif set(planning.entretiens["matricule"]) <= set(parties):
        click.echo(
            "Toutes les convocations de cette campagne sont parties (courriel ou papier). "
            f"Après les entretiens, {_APRES_LES_ENTRETIENS}."
        )
    else:
        click.echo(
            f"Et maintenant : relisez {PLANNING} (une date, une heure, une salle à changer ? "
            "corrigez-la dans Excel et relancez « entretiens convocations »), puis préparez "
            "l'envoi : entretiens publipostage (ou make publipostage)."
        )


def _jour(horodatage: str) -> str:
    """« 2026-11-27T09:30:00+01:00 » -> « 27/11/2026 à 9 h 30 » (tel quel s'il est illisible)."""
    from pipeline.formats import date_courte, heure_fr

    try:
        moment = datetime.fromisoformat(horodatage)
    except ValueError:
        return horodatage
    return f"{date_courte(moment)} à {heure_fr(moment)}"


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
@click.option("--simulation/--reel", default=True, help="Avec --envoyer : simulation par défaut.")
@click.option("--oui", is_flag=True, help="Ne demande pas de confirmation avant l'envoi.")
def publipostage(
    entrees: Entrees,
    campagne: str | None,
    pdf: bool,
    remplacer: bool,
    papier_remis: str | None,
    envoyer: bool,
    hote: str | None,
    port: int | None,
    securite: str | None,
    utilisateur: str | None,
    mot_de_passe: str | None,
    pause: float | None,
    simulation: bool,
    oui: bool,
) -> None:
    """Prépare l'envoi : tableau de publipostage, brouillons .eml Outlook, invitations .ics."""
    from pipeline.campagne import raisons_des_convocations
    from pipeline.envoi import compter_a_envoyer, lister_brouillons, refuser_expediteur_d_exemple
    from pipeline.envoi import envoyer as envoyer_courriels
    from pipeline.publipostage import preparer_publipostage
    from pipeline.relecture_planning import lire_planning

    registre = entrees.registre  # lu en premier : ses erreurs passent avant le reste
    _avertir_valeurs_d_exemple(entrees)
    choisie = _campagne_existante(entrees, campagne)
    dossier = choisie.dossier
    with _verrou(choisie, "publipostage"):
        planning = lire_planning(choisie.planning, registre, entrees.parametres)
        with _progression(len(planning.entretiens), "Brouillons") as avancer:
            bilan = preparer_publipostage(
                dossier,
                planning.entretiens,
                registre.salaries,
                entrees.parametres,
                pdf=pdf,
                remplacer=remplacer,
                progression=avancer,
                raisons=raisons_des_convocations(
                    registre, entrees.parametres, entrees.au, planning.entretiens
                ),
            )
        _resume_publipostage(bilan)
        if papier_remis is not None:
            _noter_papier_remis(dossier, papier_remis)
        if not envoyer:
            _suite_publipostage(bilan, dossier)
            return
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
            refuser_expediteur_d_exemple(entrees.parametres, lister_brouillons(dossier))
            if not oui and not _confirmer(f"Envoyer {nombre} courriel(s) maintenant ?"):
                raise click.Abort
        with _progression(nombre, "Simulation" if simulation else "Envoi") as avancer:
            bilan_envoi = envoyer_courriels(
                dossier,
                entrees.parametres,
                hote=hote,
                port=port,
                securite=securite,
                utilisateur=utilisateur,
                mot_de_passe=mot_de_passe,
                simulation=simulation,
                pause=pause,
                progression=avancer,
            )
    _resume_envoi(bilan_envoi)
    if bilan_envoi.echecs:
        sys.exit(1)


def _noter_papier_remis(dossier: Path, choix: str) -> None:
    from pipeline.envoi import marquer_papier_remis

    matricules = None if choix == "tous" else {m.strip() for m in choix.split(",") if m.strip()}
    bilan = marquer_papier_remis(dossier, matricules)
    if bilan.remis:
        click.echo(
            f"Convocations papier notées remises : {len(bilan.remis)} ({', '.join(bilan.remis)})"
        )
    if bilan.deja:
        click.echo(f"Déjà notées remises : {len(bilan.deja)} ({', '.join(bilan.deja)})")
    if not bilan.remis and not bilan.deja:
        click.echo("Aucune convocation papier à noter : tous les salariés ont un courriel.")


def _resume_publipostage(bilan: Any) -> None:
    from pipeline.campagne import COURRIERS_PAPIER

    click.echo(f"Publipostage : {bilan.dossier}")
    if not bilan.entretiens:
        click.echo("  Aucune convocation dans cette campagne : rien à préparer.")
        return
    click.echo(
        f"  Brouillons créés : {bilan.crees}, conservés : {bilan.conserves}"
        + (f", remplacés : {bilan.remplaces}" if bilan.remplaces else "")
    )
    refaits = [a for a in bilan.avertissements if a.code == "brouillon-mis-a-jour"]
    for avertissement in bilan.avertissements:
        # Courriers papier : résumés juste en dessous ; brouillons refaits : comptés.
        if avertissement.code == "courrier-papier" or (
            avertissement in refaits and len(refaits) > 3
        ):
            continue
        click.secho(f"  Avertissement : {avertissement.message}", fg="yellow")
    if len(refaits) > 3:
        click.secho(
            f"  {len(refaits)} brouillons refaits : leur convocation a changé (rendez-vous, "
            "conducteur ou document joint) ; les anciens sont gardés dans anciennes_versions/.",
            fg="yellow",
        )
    if bilan.courriers_papier:
        click.secho(
            f"  {len(bilan.courriers_papier)} salarié(s) sans adresse électronique : "
            f"convocation à remettre en main propre ou par courrier ({COURRIERS_PAPIER}) :",
            fg="yellow",
        )
        for salarie in bilan.courriers_papier:
            click.echo(f"    {salarie}")


def _suite_publipostage(bilan: Any, dossier: Path) -> None:
    """Ce qui reste à faire d'après le journal des envois : courriels, papier, ou rien."""
    from pipeline.campagne import COURRIERS_PAPIER
    from pipeline.envoi import compter_a_envoyer, papier_a_remettre

    if not bilan.entretiens:
        return
    etapes = []
    courriels = compter_a_envoyer(dossier) if bilan.brouillons else 0
    if courriels:
        etapes.append(
            f"{courriels} courriel(s) à envoyer : ouvrez les brouillons .eml avec Outlook, ou "
            "envoyez-les d'ici (entretiens publipostage --envoyer pour voir ce qui partirait, "
            "puis --envoyer --reel)"
        )
    papier = papier_a_remettre(dossier)
    if papier:
        etapes.append(
            f"{len(papier)} convocation(s) papier à remettre : imprimez celles de "
            f"{COURRIERS_PAPIER}, remettez-les, puis notez-le (entretiens publipostage "
            "--papier-remis)"
        )
    if etapes:
        click.echo("Et maintenant : " + " ; ".join(etapes) + ".")
    else:
        click.echo(
            "Toutes les convocations de cette campagne sont parties (courriel ou papier). "
            f"Après les entretiens, {_APRES_LES_ENTRETIENS} ; archivez la campagne : "
            "entretiens archiver (ou make archive)."
        )


# Les comptes-rendus remplis se relisent au lieu de se ressaisir (recolter, issue 12).
_APRES_LES_ENTRETIENS = (
    "relevez les comptes-rendus remplis : entretiens recolter (ou make recolter), puis "
    "--ajouter-au-registre pour les inscrire dans la feuille « Entretiens »"
)


def _resume_envoi(bilan: Any) -> None:
    if bilan.simulation:
        click.echo(f"Seraient envoyés : {len(bilan.prevus)} courriel(s).")
        for brouillon in bilan.prevus:
            click.echo(f"  {brouillon.matricule} → {', '.join(brouillon.destinataires)}")
        click.echo("Simulation : rien n'est parti. Ajoutez --reel pour envoyer vraiment.")
        return
    click.echo(f"Envoyés : {len(bilan.envoyes)}")
    if bilan.deja_envoyes:
        click.echo(f"Déjà envoyés lors d'une exécution précédente : {len(bilan.deja_envoyes)}")
    for matricule, erreur in bilan.echecs:
        click.secho(f"Échec pour {matricule} : {erreur}", fg="red")
    if bilan.journal:
        click.echo(f"Journal des envois : {bilan.journal}")
    if bilan.echecs:
        click.secho(
            f"{len(bilan.echecs)} courriel(s) non envoyé(s). Adresse refusée : corrigez-la "
            "dans le registre et relancez « entretiens publipostage » (le brouillon est "
            "refait). Puis, ou si le serveur était indisponible, relancez la même commande : "
            "seuls les échecs seront retentés.",
            fg="red",
            err=True,
        )


def _resume_tableau(ind: Any) -> None:
    from pipeline.formats import date_courte, montant_fr, pourcentage_fr

    click.secho(f"Au {date_courte(ind.au)} — régime {ind.regime}", bold=True)
    click.echo(
        f"  Salariés à jour           : {ind.nb_a_jour} sur {ind.nb_salaries} "
        f"({pourcentage_fr(ind.taux_a_jour)})"
    )
    for ligne in ind.par_statut.itertuples(index=False):
        click.echo(f"  {ligne.libelle:<26}: {ligne.nombre}")
    if ind.abondement_applicable:
        click.echo(
            f"  Abondement correctif      : {ind.nb_exposes} salarié(s) exposé(s), "
            f"{montant_fr(ind.montant_abondement)}"
        )
    else:
        click.echo("  Abondement correctif      : non applicable (moins de 50 salariés)")
    click.echo(
        f"  Entretien sur 12 mois (CSE) : {ind.nb_entretien_12_mois} "
        f"({pourcentage_fr(ind.taux_entretien_12_mois)})"
    )
    if ind.tenus_non_saisis is not None and len(ind.tenus_non_saisis):
        click.secho(
            f"  Tenus, non encore saisis  : {len(ind.tenus_non_saisis)} (relevés par « entretiens "
            "recolter » ; ajoutez-les au registre : recolter --ajouter-au-registre)",
            fg="yellow",
        )


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
    from pipeline.formats import nombre_fr

    choisie = _campagne_existante(entrees, campagne, ecrit_registre=False)
    with (
        _verrou(choisie, "archiver"),
        _progression(compter_fichiers(choisie.dossier), "Archive") as avancer,
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
    click.echo(
        f"Archive écrite : {bilan.chemin_zip} ({bilan.nb_fichiers} fichiers de la campagne, "
        f"plus les manifestes et la notice ; {nombre_fr(bilan.taille_zip / 1e6, 1)} Mo)"
    )
    click.echo(f"Index des documents : {choisie.index_archives}")
    click.echo(
        f"Empreinte SHA-256 de l'archive : {bilan.sha256} (notée dans l'index ; gardez-la "
        "hors de sorties/ : elle prouve que l'archive n'a pas été refaite)"
    )
    if bilan.ancienne_archive:
        click.echo(f"Ancienne archive gardée : {bilan.ancienne_archive}")
    if bilan.originaux_supprimes:
        click.echo(f"Archive vérifiée, dossier {choisie.dossier} supprimé.")
    for avertissement in bilan.avertissements:
        click.secho(f"Avertissement : {avertissement}", fg="yellow")
    for ignore in bilan.ignores:
        click.secho(f"Non archivé (fichier temporaire ou verrou) : {ignore}", fg="yellow")
    click.echo(f"Pour la vérifier plus tard : entretiens verifier-archive {bilan.chemin_zip}")


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
    from pipeline.campagne import chemin_tableau_de_bord
    from pipeline.recolte import tenus_non_saisis
    from pipeline.regles import lister_echeances
    from pipeline.tableau import construire_indicateurs, ecrire_tableau_de_bord

    obligations = entrees.obligations()
    indicateurs = construire_indicateurs(
        entrees.registre,
        obligations,
        entrees.au,
        entrees.parametres,
        tenus_non_saisis(entrees.dossier_sorties, entrees.registre),
    )
    echeancier = lister_echeances(obligations, entrees.registre, tout=True)
    cible = sortie or chemin_tableau_de_bord(entrees.dossier_sorties)
    ecrire_tableau_de_bord(indicateurs, echeancier, cible)
    _resume_tableau(indicateurs)
    click.echo(
        f"Tableau de bord écrit dans {cible} : ouvrez-le dans Excel (synthèse, échéancier, "
        "retards, indicateurs pour le CSE)."
    )


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

    dossier = dossier or DOSSIER_MODELES

    inconnues = 0
    for modele in verifier_modeles(dossier):
        click.secho(f"{modele.nom}  ({modele.chemin})", bold=True)
        largeur = max((len(v) for v in modele.variables), default=0)
        for variable in modele.variables:
            if variable in modele.inconnues:
                continue
            exemple = modele.exemples.get(variable, "")
            click.echo(f"  {variable:<{largeur}}  {exemple[:60]}")
        for variable in modele.inconnues:
            inconnues += 1
            click.secho(f"  {variable}  ← variable inconnue du programme", fg="red")
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
    _resume_recolte(recolte)
    if not ajouter_au_registre:
        if recolte.tenus:
            click.echo(
                "Le registre n'a pas été modifié : collez ces lignes dans sa feuille "
                "« Entretiens », ou relancez avec --ajouter-au-registre."
            )
        return
    bilan = ajouter(entrees.chemin_registre, recolte.tenus, entrees.registre, datetime.now())
    if bilan.lignes:
        premiere, derniere = bilan.lignes
        click.secho(
            f"Registre {entrees.chemin_registre} : {len(bilan.ajoutes)} entretien(s) ajouté(s) "
            f"à la feuille « {bilan.feuille} » (lignes {premiere} à {derniere}).",
            fg="green",
        )
        click.echo(f"  Copie de sauvegarde : {bilan.sauvegarde}")
    else:
        click.echo("Rien à ajouter au registre : les entretiens tenus y sont déjà.")
    if bilan.deja_saisis:
        click.echo(f"  Déjà au registre (non ajoutés une seconde fois) : {len(bilan.deja_saisis)}")


def _resume_recolte(recolte: Any) -> None:
    from pipeline.formulaires import ETAT_DES_LIEUX

    for avertissement in recolte.avertissements:
        click.secho(f"Avertissement : {avertissement}", fg="yellow", err=True)
    etats = sum(1 for t in recolte.tenus if t.type == ETAT_DES_LIEUX)
    click.secho(f"Campagne : {recolte.campagne.dossier}", bold=True)
    click.echo(f"  Formulaires lus          : {recolte.formulaires}")
    click.echo(
        f"  Entretiens tenus         : {len(recolte.tenus)} (dont {etats} état(s) des lieux)"
    )
    click.echo(f"  Copies signées déposées  : {len(recolte.copies_signees)}")
    for tenu in recolte.copies_signees:
        click.echo(f"    {tenu.copie_signee}")
    # Les rendez-vous sans formulaire sont résumés par conducteur, plus bas.
    problemes = [p for p in recolte.problemes if p.code != "formulaire-non-rempli"]
    click.secho(
        f"  À vérifier               : {len(problemes)}", fg="yellow" if problemes else None
    )
    for probleme in problemes:
        click.echo(
            f"    {probleme.matricule} {probleme.salarie} ({probleme.document}) — "
            f"{probleme.anomalie.titre} : {probleme.anomalie.message}"
        )
    if recolte.brouillons:
        click.secho(
            f"  Relances à envoyer       : {len(recolte.relances)} rendez-vous passé(s) sans "
            "formulaire rempli ; un brouillon par conducteur, à ouvrir avec Outlook :",
            fg="yellow",
        )
        for brouillon in recolte.brouillons:
            click.echo(
                f"    {brouillon.conducteur or '(conducteur inconnu)'} : "
                f"{len(brouillon.relances)} — {brouillon.chemin}"
            )
    click.echo(f"Entretiens tenus et problèmes écrits dans {recolte.campagne.entretiens_tenus}")
