"""Ce que la ligne de commande affiche : bilans, « Et maintenant », progression, questions.

`cli.py` définit les commandes (options, un appel au cœur, codes de sortie) ; chacune passe
ici ce que le cœur lui a rendu pour l'écrire en français. Rien n'y est décidé ni calculé
pour le cœur : une fonction d'ici ne fait que choisir ses phrases d'après un bilan, ou
demander au cœur l'état d'une campagne pour dire ce qui reste à faire. Comme dans
`cli.py`, les modules du cœur sont importés dans les fonctions : `entretiens --help`
reste instantané.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from pipeline.erreurs import (
    INFORMATION,
    Anomalie,
    ErreurEntretiens,
    en_une_ligne,
    formater_anomalies,
    regrouper,
)

# Au-delà, les non planifiés sont comptés par cause ; le détail est dans planning.xlsx.
NON_PLANIFIES_DETAILLES = 10
# Les comptes-rendus remplis se relisent au lieu de se ressaisir (recolter, issue 12).
_APRES_LES_ENTRETIENS = (
    "relevez les comptes-rendus remplis : entretiens recolter (ou make recolter), puis "
    "--ajouter-au-registre pour les inscrire dans la feuille « Entretiens »"
)


# --------------------------------------------------------------------------- erreurs, avis


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


def avertir(texte: str) -> None:
    click.secho(f"Avertissement : {texte}", fg="yellow", err=True)


def confirmer(question: str) -> bool:
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


# --------------------------------------------------------------------------- progression


@contextlib.contextmanager
def progression(total: int, libelle: str) -> Iterator[Callable[[int], None]]:
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


def rappels() -> Any:
    """Ce que les séquences du cœur signalent en chemin, affiché ici (campagne.Rappels)."""
    from pipeline.campagne import Rappels

    return Rappels(
        avertissement=avertir,
        planning_reutilise=lambda chemin: click.echo(
            f"Planning existant réutilisé, avec vos éventuelles corrections : {chemin}"
        ),
        planning_repris=_afficher_reprise,
        etape=_etape,
    )


def _etape(nom: str, total: int) -> Any:
    from pipeline.campagne import ETAPE_BROUILLONS, ETAPE_DOCUMENTS, ETAPE_PDF

    libelles = {ETAPE_DOCUMENTS: "Documents", ETAPE_PDF: "PDF", ETAPE_BROUILLONS: "Brouillons"}
    return progression(total, libelles[nom])


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


# --------------------------------------------------------------------------- verifier


def afficher_verification(verification: Any, en_json: bool) -> None:
    """Le bilan de `verifier` : JSON pour les programmes, sinon les anomalies et un verdict."""
    anomalies, erreurs, chemin = verification.anomalies, verification.erreurs, verification.registre
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
        return
    if anomalies:
        click.echo(formater_anomalies(anomalies))
        if len(regrouper(anomalies)) < len(anomalies):
            click.echo("Messages répétés regroupés : le détail, ligne par ligne, avec --json.")
    if not erreurs:
        nombre = verification.salaries
        informations = sum(a.gravite == INFORMATION for a in anomalies)
        click.secho(
            f"Registre et paramètres valides : {chemin} ({nombre} salarié"
            f"{'s' * (nombre > 1)}, {len(anomalies) - informations} avertissement(s), "
            f"{informations} information(s)).",
            fg="green",
        )
    for message in erreurs:
        click.secho(f"Erreur : {message}", fg="red", bold=True, err=True)


# --------------------------------------------------------------------------- echeances


def afficher_echeances(liste: Any, limite: int = 40) -> None:
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


def afficher_resume_echeances(liste: Any, au: date, regles: Any, horizon: int | None) -> None:
    """Comptes par statut et par type ; liste vide : personne n'est dû d'ici l'horizon."""
    from pipeline.formats import date_courte
    from pipeline.libelles import LIBELLES_STATUTS, LIBELLES_TYPES
    from pipeline.regles import resumer

    if liste.empty:
        jours = regles.horizon_jours if horizon is None else horizon
        limite = au + timedelta(days=jours)
        click.secho(
            f"Aucune échéance d'ici le {date_courte(limite)} : tout le monde est à jour.",
            fg="green",
        )
        return
    resume = resumer(liste)
    click.echo("")
    click.secho(
        f"Au {date_courte(au)} — régime {regles.regime}, périodicité {regles.periodicite} mois",
        bold=True,
    )
    click.echo("  Par statut :")
    for statut, nombre in resume.get("par_statut", {}).items():
        click.echo(f"    {LIBELLES_STATUTS.get(statut, statut):<28} {nombre:>6}")
    click.echo("  Par type :")
    for type_, nombre in resume.get("par_type", {}).items():
        click.echo(f"    {LIBELLES_TYPES.get(type_, type_):<28} {nombre:>6}")


# --------------------------------------------------------------------------- planifier


def afficher_planifier(resultat: Any, campagne: Any) -> None:
    """Le planning écrit, gardé ou refait (campagne.ResultatPlanifier), et la suite."""
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
        option = "" if resultat.choix.chemin == campagne.planning else f" --planning {chemin}"
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


# --------------------------------------------------------------------------- convocations


def afficher_convocations(resultat: Any) -> None:
    """Le bilan de `convocations` (campagne.ResultatConvocations), puis ce qui reste à faire."""
    planning = resultat.planning
    click.echo("")
    click.secho(f"Campagne : {resultat.campagne.dossier}", bold=True)
    if resultat.replanification is not None:
        _afficher_replanification(resultat.replanification)
    _afficher_documents(resultat.bilan, resultat.a_renvoyer)
    click.echo(f"  Entretiens planifiés  : {len(planning.entretiens)}")
    couleur = "yellow" if len(planning.non_planifies) else None
    click.secho(f"  Non planifiés         : {len(planning.non_planifies)}", fg=couleur)
    _afficher_non_planifies(planning.non_planifies, retrait="  ")
    click.echo("")
    _suite_convocations(resultat)


def _afficher_documents(bilan: Any, a_renvoyer: list[tuple[Any, Any]]) -> None:
    """Les documents créés, gardés, refaits ; ceux qui demandent une action de l'utilisateur."""
    from pipeline.campagne import DOSSIER_SALARIES
    from pipeline.envoi import COURRIEL

    click.echo(f"  Documents créés       : {bilan.crees}")
    click.echo(f"  Documents conservés   : {bilan.conserves}")
    if bilan.remplaces:
        click.echo(f"  Documents remplacés   : {bilan.remplaces} (anciennes versions gardées)")
    if bilan.mis_a_jour:
        click.echo(
            f"  Documents mis à jour  : {bilan.mis_a_jour} (données changées ; anciennes "
            "versions gardées)"
        )
    if a_renvoyer:
        _signaler(
            f"  Convocations à renvoyer : {len(a_renvoyer)} — refaites depuis leur envoi "
            "(rendez-vous ou données changés) :",
            [
                f"{document.chemin} ("
                + ("envoyée par courriel" if remise.canal == COURRIEL else "remise sur papier")
                + f" le {_jour(remise.date_heure)})"
                for document, remise in a_renvoyer
            ],
        )
    if bilan.perimes:
        _signaler(
            f"  Documents périmés     : {len(bilan.perimes)} — leurs données ont changé (date, "
            "lieu, registre…) mais ils ont été modifiés à la main : ils sont conservés tels "
            "quels. Pour en obtenir une version à jour, renommez ou déplacez le fichier (gardez-"
            "le s'il est signé), puis relancez : il sera régénéré.",
            [perime.chemin for perime in bilan.perimes],
        )
    if bilan.orphelins:
        _signaler(
            f"  Dossiers hors planning : {len(bilan.orphelins)} — ces salariés ne sont plus au "
            "planning (départ, ligne supprimée) ; leurs documents sont conservés mais ne "
            "doivent pas être envoyés :",
            [f"{DOSSIER_SALARIES}/{orphelin}" for orphelin in bilan.orphelins],
        )
    if bilan.fiches_hors_campagne:
        _signaler(
            f"  Fiches de conducteurs hors campagne : {len(bilan.fiches_hors_campagne)} — ils "
            "ne conduisent plus aucun entretien de cette campagne ; gardées comme anciennes "
            "versions :",
            [
                f"{chemin} (rangée dans anciennes_versions/{nouveau})"
                if nouveau
                else f"{chemin} (ouverte ailleurs, pas déplacée : fermez-la et relancez)"
                for chemin, nouveau in bilan.fiches_hors_campagne
            ],
        )


def _signaler(titre: str, elements: list[Any]) -> None:
    """Un titre en jaune (ce qui demande une action), puis un élément par ligne, en retrait."""
    click.secho(titre, fg="yellow")
    for element in elements:
        click.echo(f"    {element}")


def _suite_convocations(resultat: Any) -> None:
    """« Et maintenant » d'après le journal des envois : relire, renvoyer, ou rien."""
    from pipeline.campagne import PLANNING
    from pipeline.envoi import convocations_parties

    planning = resultat.planning
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


# --------------------------------------------------------------------------- publipostage


def afficher_publipostage(bilan: Any) -> None:
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


def afficher_papier_remis(bilan: Any) -> None:
    """Ce que `--papier-remis` a noté au journal des envois (envoi.marquer_papier_remis)."""
    if bilan.remis:
        click.echo(
            f"Convocations papier notées remises : {len(bilan.remis)} ({', '.join(bilan.remis)})"
        )
    if bilan.deja:
        click.echo(f"Déjà notées remises : {len(bilan.deja)} ({', '.join(bilan.deja)})")
    if not bilan.remis and not bilan.deja:
        click.echo("Aucune convocation papier à noter : tous les salariés ont un courriel.")


def afficher_suite_publipostage(bilan: Any, dossier: Path) -> None:
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


def afficher_envoi(bilan: Any) -> None:
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


# --------------------------------------------------------------------------- archives


def afficher_archive(bilan: Any, campagne: Any) -> None:
    """Le bilan d'`archiver` (archive.BilanArchive) : l'archive, son sceau, la suite."""
    from pipeline.formats import nombre_fr

    click.echo(
        f"Archive écrite : {bilan.chemin_zip} ({bilan.nb_fichiers} fichiers de la campagne, "
        f"plus les manifestes et la notice ; {nombre_fr(bilan.taille_zip / 1e6, 1)} Mo)"
    )
    click.echo(f"Index des documents : {campagne.index_archives}")
    click.echo(
        f"Empreinte SHA-256 de l'archive : {bilan.sha256} (notée dans l'index ; gardez-la "
        "hors de sorties/ : elle prouve que l'archive n'a pas été refaite)"
    )
    if bilan.ancienne_archive:
        click.echo(f"Ancienne archive gardée : {bilan.ancienne_archive}")
    if bilan.originaux_supprimes:
        click.echo(f"Archive vérifiée, dossier {campagne.dossier} supprimé.")
    for avertissement in bilan.avertissements:
        click.secho(f"Avertissement : {avertissement}", fg="yellow")
    for ignore in bilan.ignores:
        click.secho(f"Non archivé (fichier temporaire ou verrou) : {ignore}", fg="yellow")
    click.echo(f"Pour la vérifier plus tard : entretiens verifier-archive {bilan.chemin_zip}")


# --------------------------------------------------------------------------- tableau de bord


def afficher_tableau(ind: Any, cible: Path) -> None:
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
    click.echo(
        f"Tableau de bord écrit dans {cible} : ouvrez-le dans Excel (synthèse, échéancier, "
        "retards, indicateurs pour le CSE)."
    )


# --------------------------------------------------------------------------- modeles


def afficher_modeles(modeles: Any) -> int:
    """Chaque modèle et ses variables, avec un exemple ; rend le nombre de variables inconnues."""
    inconnues = 0
    for modele in modeles:
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
    return inconnues


# --------------------------------------------------------------------------- recolter


def afficher_recolte(recolte: Any) -> None:
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


def afficher_ajout_au_registre(bilan: Any, chemin_registre: Path) -> None:
    """Ce que `--ajouter-au-registre` a écrit (ecriture_registre.ajouter_au_registre)."""
    if bilan.lignes:
        premiere, derniere = bilan.lignes
        click.secho(
            f"Registre {chemin_registre} : {len(bilan.ajoutes)} entretien(s) ajouté(s) "
            f"à la feuille « {bilan.feuille} » (lignes {premiere} à {derniere}).",
            fg="green",
        )
        click.echo(f"  Copie de sauvegarde : {bilan.sauvegarde}")
    else:
        click.echo("Rien à ajouter au registre : les entretiens tenus y sont déjà.")
    if bilan.deja_saisis:
        click.echo(f"  Déjà au registre (non ajoutés une seconde fois) : {len(bilan.deja_saisis)}")
