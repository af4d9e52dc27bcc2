"""Envoi SMTP des brouillons du publipostage, et son journal `envois.csv`.

`envoyer` envoie les brouillons `.eml` que `publipostage.preparer_publipostage` a écrits.
Par défaut c'est une simulation. Le journal, complété après chaque message parti,
garantit qu'une relance (après une coupure, un refus du serveur…) n'envoie jamais deux
fois la même convocation, et ne retente que les échecs. Un message dont le serveur
refuse le salarié lui-même (adresse inconnue) est un échec, même si la copie au
conducteur était acceptée : il n'est alors remis à personne.

Le même journal note les convocations papier remises (`marquer_papier_remis`) : ce qui
est parti, par courriel ou sur papier, se lit à un seul endroit
(`convocations_parties`), pour savoir quelles convocations refaites sont à renvoyer et
quels rendez-vous `--replanifier` doit garder.

Le mot de passe SMTP n'est jamais lu dans un fichier : il arrive en argument (la CLI le
prend d'une option ou de la variable d'environnement ENTRETIENS_SMTP_MOT_DE_PASSE).
"""

from __future__ import annotations

import csv
import email.policy
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime
from pathlib import Path
from typing import Any, TextIO

from pipeline.campagne import (
    COURRIERS_PAPIER,
    DOSSIER_BROUILLONS,
    DOSSIER_PUBLIPOSTAGE,
    JOURNAL_ENVOIS,
)
from pipeline.config import SECURITES_SMTP, Parametres, est_valeur_d_exemple
from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import sha256_fichier
from pipeline.tableurs import EcrivainCsv, neutraliser

ENVOYE = "envoyé"
ECHEC = "échec"
REMIS = "remis"  # convocation papier remise en main propre ou postée
COURRIEL = "courriel"
PAPIER = "papier"
COLONNES_JOURNAL = [
    "Matricule",
    "Destinataires",
    "Message_ID",
    "Date_heure",
    "Statut",
    "Erreur",
    "Brouillon",
]
# En-têtes propres au brouillon (Outlook, suivi de la campagne), retirés avant l'envoi.
_EN_TETES_INTERNES = (
    "X-Unsent",
    "X-Entretiens-Matricule",
    "X-Entretiens-Campagne",
    "X-Entretiens-Empreinte",
)


@dataclass
class Brouillon:
    """Un `.eml` prêt à partir, lu depuis `publipostage/brouillons/`."""

    chemin: Path
    matricule: str
    message_id: str
    destinataires: list[str]  # le salarié (To) puis la copie (Cc)
    objet: str
    principaux: list[str] = field(default_factory=list)  # To : sans eux, pas d'envoi
    expediteur: str = ""


@dataclass
class BilanEnvoi:
    simulation: bool
    # Brouillons à envoyer (simulation) ou tentés (envoi réel), dans l'ordre.
    prevus: list[Brouillon] = field(default_factory=list)
    envoyes: list[str] = field(default_factory=list)  # matricules
    deja_envoyes: list[str] = field(default_factory=list)
    # (matricule, message d'erreur) ; un échec n'arrête pas les autres envois.
    echecs: list[tuple[str, str]] = field(default_factory=list)
    journal: Path | None = None


def lister_brouillons(dossier_campagne: Path) -> list[Brouillon]:
    """Les brouillons courants, triés ; les anciennes versions (`anciennes_versions/`, et
    `.ancien.eml` d'avant ce sous-dossier) sont exclues."""
    dossier = Path(dossier_campagne) / DOSSIER_PUBLIPOSTAGE / DOSSIER_BROUILLONS
    if not dossier.is_dir():
        raise ErreurEntretiens.simple(
            "publipostage-absent",
            f"Aucun brouillon dans « {dossier} » : lancez d'abord « entretiens publipostage ».",
        )
    resultat = []
    lecteur = BytesHeaderParser(policy=email.policy.default)
    for chemin in sorted(dossier.glob("*.eml")):
        if chemin.name.startswith(".") or chemin.name.endswith(".ancien.eml"):
            continue
        with open(chemin, "rb") as entree:
            entete = lecteur.parse(entree)
        adresses = {
            nom: [a.addr_spec for valeur in entete.get_all(nom, []) for a in valeur.addresses]
            for nom in ("From", "To", "Cc")
        }
        resultat.append(
            Brouillon(
                chemin=chemin,
                matricule=str(entete.get("X-Entretiens-Matricule") or chemin.stem),
                # Sans Message-ID (brouillon retouché), le nom du fichier sert de clé.
                message_id=str(entete.get("Message-ID") or chemin.name).strip(),
                destinataires=adresses["To"] + adresses["Cc"],
                objet=str(entete.get("Subject") or ""),
                principaux=adresses["To"],
                expediteur=next(iter(adresses["From"]), ""),
            )
        )
    return resultat


@dataclass(frozen=True)
class Remise:
    """Une convocation partie : par courriel (envoyée) ou sur papier (remise)."""

    canal: str  # COURRIEL ou PAPIER
    date_heure: str  # du journal, AAAA-MM-JJTHH:MM:SS+HH:MM


def _lignes_journal(journal: Path) -> list[dict[str, str]]:
    if not journal.is_file():
        return []
    return [{k: (v or "").strip() for k, v in ligne.items() if k} for ligne in _lire_csv(journal)]


def _lire_csv(chemin: Path) -> list[dict[str, str | None]]:
    """Les lignes d'un CSV écrit par le programme (journal des envois, courriers papier).

    Ouvert dans Excel puis enregistré au format « CSV » ordinaire, il n'est plus en UTF-8 :
    une phrase qui dit quoi faire, plutôt qu'une trace UnicodeDecodeError.
    """
    try:
        with open(chemin, encoding="utf-8-sig", newline="") as entree:
            return list(csv.DictReader(entree, delimiter=";"))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"« {chemin} » n'est plus lisible : il a sans doute été enregistré par Excel dans "
            "un autre format que « CSV UTF-8 ». Rouvrez-le dans Excel, choisissez Fichier > "
            "Enregistrer sous > « CSV UTF-8 (délimité par des virgules) » en gardant son nom, "
            "puis relancez.",
        ) from exc


def convocations_parties(dossier_campagne: Path) -> dict[str, Remise]:
    """Matricule -> la dernière convocation partie (courriel envoyé ou papier remis).

    C'est ce que le salarié a reçu : un rendez-vous qu'on ne déplace plus sans le lui
    redire, et une convocation refaite depuis est « à renvoyer ».
    """
    journal = Path(dossier_campagne) / DOSSIER_PUBLIPOSTAGE / JOURNAL_ENVOIS
    parties: dict[str, Remise] = {}
    for ligne in _lignes_journal(journal):
        statut = ligne.get("Statut", "")
        if statut in (ENVOYE, REMIS):
            matricule = _sans_neutralisation(ligne.get("Matricule", ""))
            parties[matricule] = Remise(
                COURRIEL if statut == ENVOYE else PAPIER, ligne.get("Date_heure", "")
            )
    return parties


def _deja_envoyes(journal: Path) -> set[str]:
    """Clés (Message-ID, ou empreinte d'une convocation papier) de ce qui est parti."""
    return {
        ligne.get("Message_ID", "")
        for ligne in _lignes_journal(journal)
        if ligne.get("Statut") in (ENVOYE, REMIS)
    }


def compter_a_envoyer(dossier_campagne: Path) -> int:
    """Nombre de brouillons pas encore envoyés (pour la question de confirmation)."""
    journal = Path(dossier_campagne) / DOSSIER_PUBLIPOSTAGE / JOURNAL_ENVOIS
    deja = _deja_envoyes(journal)
    return sum(b.message_id not in deja for b in lister_brouillons(dossier_campagne))


def envoyer(
    dossier_campagne: Path,
    parametres: Parametres,
    hote: str | None = None,
    port: int | None = None,
    securite: str | None = None,
    utilisateur: str | None = None,
    mot_de_passe: str | None = None,
    simulation: bool = True,
    pause: float | None = None,
    limite: int | None = None,
    progression: Callable[[int], None] | None = None,
    attendre: Callable[[float], Any] = time.sleep,
    horloge: Callable[[], datetime] | None = None,
) -> BilanEnvoi:
    """Envoie les brouillons non encore partis ; `simulation=True` (défaut) n'envoie rien."""
    dossier_campagne = Path(dossier_campagne)
    pub = parametres.publipostage
    hote = hote or pub.smtp_hote
    port = port or pub.smtp_port
    securite = securite or pub.smtp_securite
    utilisateur = utilisateur if utilisateur is not None else pub.smtp_utilisateur
    pause = pub.pause_secondes if pause is None else pause
    horloge = horloge or (lambda: datetime.now(UTC).astimezone())
    journal = dossier_campagne / DOSSIER_PUBLIPOSTAGE / JOURNAL_ENVOIS

    deja = _deja_envoyes(journal)
    bilan = BilanEnvoi(simulation=simulation, journal=journal)
    for brouillon in lister_brouillons(dossier_campagne):
        if brouillon.message_id in deja:
            bilan.deja_envoyes.append(brouillon.matricule)
        else:
            bilan.prevus.append(brouillon)
    if limite is not None:
        bilan.prevus = bilan.prevus[: max(0, limite)]
    if simulation or not bilan.prevus:
        return bilan

    refuser_expediteur_d_exemple(parametres, bilan.prevus)
    if not hote:
        raise ErreurEntretiens.simple(
            "smtp-sans-hote",
            "Aucun serveur d'envoi (SMTP) : indiquez-le dans parametres.toml (smtp_hote, "
            "section [publipostage]) ou donnez --hote SERVEUR.",
        )
    if securite not in SECURITES_SMTP:
        raise ErreurEntretiens.simple(
            "smtp-securite",
            f"Sécurité SMTP « {securite} » inconnue : choisissez starttls, ssl ou aucune.",
        )
    # Le journal est ouvert avant la première connexion : s'il est verrouillé (ouvert dans
    # Excel), on s'arrête avant d'envoyer quoi que ce soit qu'on ne pourrait pas noter.
    with _ouvrir_journal(journal) as sortie_journal:
        _envoyer_prevus(
            bilan,
            sortie_journal,
            lambda: _connecter(hote, port, securite, utilisateur, mot_de_passe),
            pause=pause,
            attendre=attendre,
            horloge=horloge,
            progression=progression,
        )
    return bilan


def _envoyer_prevus(
    bilan: BilanEnvoi,
    sortie_journal: TextIO,
    connecter: Callable[[], smtplib.SMTP],
    *,
    pause: float,
    attendre: Callable[[float], Any],
    horloge: Callable[[], datetime],
    progression: Callable[[int], None] | None,
) -> None:
    """Envoie les brouillons prévus un à un ; chaque résultat est au journal aussitôt."""
    ecrivain = EcrivainCsv(sortie_journal)
    connexion: smtplib.SMTP | None = None
    try:
        for rang, brouillon in enumerate(bilan.prevus):
            if rang and pause:
                attendre(pause)
            if connexion is None:
                connexion = connecter()
            message = _message_a_envoyer(brouillon, horloge())
            statut, erreur, coupe = _envoyer_un(connexion, message, brouillon)
            if coupe:
                # Le serveur a coupé : ce message a échoué, on se reconnecte au suivant.
                connexion = None
            if statut == ENVOYE:
                bilan.envoyes.append(brouillon.matricule)
            else:
                bilan.echecs.append((brouillon.matricule, erreur))
            ecrivain.writerow(
                [
                    neutraliser(brouillon.matricule),
                    neutraliser(", ".join(brouillon.destinataires)),
                    brouillon.message_id,
                    horloge().isoformat(timespec="seconds"),
                    statut,
                    neutraliser(erreur),
                    brouillon.chemin.name,
                ]
            )
            # Écrit sur le disque avant de passer au suivant : une coupure juste après ne
            # doit pas faire renvoyer ce message à la relance.
            sortie_journal.flush()
            os.fsync(sortie_journal.fileno())
            if progression:
                progression(1)
    finally:
        if connexion is not None:
            try:
                connexion.quit()
            except (smtplib.SMTPException, OSError):
                pass


def refuser_expediteur_d_exemple(parametres: Parametres, prevus: list[Brouillon]) -> None:
    """Rien ne part de l'adresse de l'exemple livré : ni réglée, ni restée dans un brouillon."""
    expediteur = parametres.publipostage.expediteur
    if est_valeur_d_exemple("publipostage.expediteur", expediteur):
        raise ErreurEntretiens.simple(
            "expediteur-exemple",
            f"L'expéditeur est encore celui de l'exemple livré (« {expediteur} ») : vos "
            "salariés recevraient une convocation d'une adresse qui n'est pas la vôtre, et "
            "leurs réponses se perdraient. Indiquez l'adresse du service RH dans "
            "parametres.toml (expediteur, section [publipostage]), refaites les brouillons "
            "(entretiens publipostage --remplacer), puis relancez l'envoi.",
            feuille="parametres.toml",
            colonne="publipostage.expediteur",
        )
    anciens = [b for b in prevus if est_valeur_d_exemple("publipostage.expediteur", b.expediteur)]
    if anciens:
        raise ErreurEntretiens.simple(
            "expediteur-exemple",
            f"{len(anciens)} brouillon(s) ont été préparés avec l'expéditeur de l'exemple "
            f"livré (« {anciens[0].expediteur} », par exemple {anciens[0].chemin.name}) : "
            "refaites-les avec celui de parametres.toml (entretiens publipostage "
            "--remplacer), puis relancez l'envoi.",
        )
    # Le conducteur d'un planning fait avec les paramètres de l'exemple (« Claire Martin »,
    # rh@exemple.fr) serait en copie : c'est le planning qui est à refaire.
    en_copie = [
        b
        for b in prevus
        if any(est_valeur_d_exemple("entreprise.email_rh", a) for a in b.destinataires)
    ]
    if en_copie:
        raise ErreurEntretiens.simple(
            "expediteur-exemple",
            f"{len(en_copie)} brouillon(s) mettent en copie l'adresse RH de l'exemple livré "
            f"(« {Parametres().entreprise.email_rh} », par exemple {en_copie[0].chemin.name}) : "
            "elle vient des paramètres de l'exemple (entreprise.email_rh), ou d'un planning "
            "fait avant leur correction. Corrigez parametres.toml, refaites le planning "
            "(entretiens convocations --replanifier) puis les brouillons (entretiens "
            "publipostage), et relancez l'envoi.",
        )


def _envoyer_un(
    connexion: smtplib.SMTP, message: EmailMessage, brouillon: Brouillon
) -> tuple[str, str, bool]:
    """(statut, erreur, le serveur a coupé la connexion) ; un échec ne lève rien."""
    try:
        return (*_transmettre(connexion, message, brouillon), False)
    except smtplib.SMTPServerDisconnected as exc:
        return ECHEC, _expliquer(exc), True
    except (smtplib.SMTPException, UnicodeError, OSError) as exc:
        return ECHEC, _expliquer(exc), False


def _transmettre(
    connexion: smtplib.SMTP, message: EmailMessage, brouillon: Brouillon
) -> tuple[str, str]:
    """Une transaction SMTP : (statut, erreur). Le salarié refusé, rien n'est remis.

    `send_message` remettrait le message à la copie (le conducteur) même quand le serveur
    refuse le salarié, et ne signalerait rien : on fait donc la transaction à la main
    (MAIL, RCPT par destinataire, puis DATA seulement si le salarié est accepté). Un
    refus ne vaut pas envoi : le journal le note en échec, et la relance le retente.
    """
    destinataires = brouillon.destinataires
    adresses = [brouillon.expediteur, *destinataires]
    options: list[str] = []
    contenu_politique = message.policy
    if not all(a.isascii() for a in adresses):
        connexion.ehlo_or_helo_if_needed()
        if not connexion.has_extn("smtputf8"):
            return ECHEC, "adresse accentuée que le serveur SMTP n'accepte pas (SMTPUTF8)"
        options = ["SMTPUTF8", "BODY=8BITMIME"]
        contenu_politique = message.policy.clone(utf8=True)
    contenu = message.as_bytes(policy=contenu_politique)
    connexion.ehlo_or_helo_if_needed()
    if connexion.does_esmtp and connexion.has_extn("size"):
        options.append(f"SIZE={len(contenu)}")
    code, reponse = connexion.mail(brouillon.expediteur, options)
    if code != 250:
        _abandonner(connexion, code)
        raise smtplib.SMTPSenderRefused(code, reponse, brouillon.expediteur)
    refuses: dict[str, str] = {}
    for adresse in destinataires:
        code, reponse = connexion.rcpt(adresse)
        if code == 421:
            _abandonner(connexion, code)
        if code not in (250, 251):
            refuses[adresse] = _expliquer(smtplib.SMTPResponseException(code, reponse))
    salarie_refuse = [a for a in brouillon.principaux if a in refuses] or (
        [] if len(refuses) < len(destinataires) else list(refuses)
    )
    if salarie_refuse:
        connexion.rset()
        return ECHEC, "adresse refusée par le serveur : " + " ; ".join(
            f"{a} ({refuses[a]})" for a in salarie_refuse
        )
    code, reponse = connexion.data(contenu)
    if code != 250:
        _abandonner(connexion, code)
        raise smtplib.SMTPDataError(code, reponse)
    copie = "copie refusée : " + " ; ".join(f"{a} ({e})" for a, e in refuses.items())
    return ENVOYE, copie if refuses else ""


def _abandonner(connexion: smtplib.SMTP, code: int) -> None:
    """Après un refus : 421 veut dire que le serveur ferme ; sinon, on annule la transaction."""
    if code == 421:
        connexion.close()
        raise smtplib.SMTPServerDisconnected("le serveur SMTP a fermé la connexion (421)")
    connexion.rset()


def _ouvrir_journal(journal: Path) -> TextIO:
    nouveau = not journal.exists() or journal.stat().st_size == 0
    try:
        sortie = open(journal, "a", encoding="utf-8-sig" if nouveau else "utf-8", newline="")
    except PermissionError as exc:
        raise ErreurEntretiens.simple(
            "fichier-verrouille",
            f"Impossible d'écrire le journal « {journal} » : fermez-le dans Excel, puis relancez.",
        ) from exc
    if nouveau:
        EcrivainCsv(sortie).writerow(COLONNES_JOURNAL)
        sortie.flush()
    return sortie


def _message_a_envoyer(brouillon: Brouillon, maintenant: datetime) -> EmailMessage:
    message = message_from_bytes(brouillon.chemin.read_bytes(), policy=email.policy.SMTP)
    for nom in _EN_TETES_INTERNES:
        del message[nom]
    # La date du message est celle de l'envoi, pas celle de la préparation.
    del message["Date"]
    message["Date"] = format_datetime(maintenant)
    return message


def _connecter(
    hote: str, port: int, securite: str, utilisateur: str, mot_de_passe: str | None
) -> smtplib.SMTP:
    adresse = f"{hote}:{port}"
    contexte = ssl.create_default_context()
    connexion: smtplib.SMTP | None = None
    try:
        if securite == "ssl":
            connexion = smtplib.SMTP_SSL(hote, port, timeout=30, context=contexte)
        else:
            connexion = smtplib.SMTP(hote, port, timeout=30)
        connexion.ehlo()
        if securite == "starttls":
            connexion.starttls(context=contexte)
            connexion.ehlo()
        if utilisateur:
            connexion.login(utilisateur, mot_de_passe or "")
        return connexion
    except smtplib.SMTPAuthenticationError as exc:
        _fermer(connexion)
        raise ErreurEntretiens.simple(
            "smtp-identifiants",
            f"Le serveur SMTP {adresse} a refusé l'identifiant « {utilisateur} » ou le mot de "
            f"passe ({_expliquer(exc)}). Vérifiez --utilisateur et la variable "
            "ENTRETIENS_SMTP_MOT_DE_PASSE (ou --mot-de-passe).",
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        _fermer(connexion)
        manque = "STARTTLS" if securite == "starttls" and "STARTTLS" in str(exc) else "cette option"
        raise ErreurEntretiens.simple(
            "smtp-non-supporte",
            f"Le serveur SMTP {adresse} ne propose pas {manque} ({exc}). Essayez "
            "--securite ssl (port 465) ou starttls (port 587), ou sans identifiant.",
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        _fermer(connexion)
        raise ErreurEntretiens.simple(
            "smtp-injoignable",
            f"Impossible de joindre le serveur SMTP {adresse} ({_expliquer(exc)}). Vérifiez "
            "l'hôte, le port, la sécurité (starttls, ssl ou aucune) et la connexion réseau.",
        ) from exc


def _fermer(connexion: smtplib.SMTP | None) -> None:
    if connexion is not None:
        try:
            connexion.close()
        except OSError:
            pass


def _expliquer(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        texte = exc.smtp_error
        if isinstance(texte, bytes):
            texte = texte.decode("utf-8", "replace")
        return f"{exc.smtp_code} {texte}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "destinataires refusés : " + ", ".join(sorted(exc.recipients))
    if isinstance(exc, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(exc, TimeoutError):
        return "délai dépassé"
    return str(exc) or exc.__class__.__name__


# ---------------------------------------------------------------------------- papier


@dataclass
class BilanRemise:
    """Ce que `marquer_papier_remis` a noté au journal."""

    remis: list[str] = field(default_factory=list)  # matricules notés à l'instant
    deja: list[str] = field(default_factory=list)  # cette convocation était déjà notée
    journal: Path | None = None


def marquer_papier_remis(
    dossier_campagne: Path,
    matricules: set[str] | None = None,
    horloge: Callable[[], datetime] | None = None,
) -> BilanRemise:
    """Note au journal des envois les convocations papier remises (toutes, ou `matricules`).

    La liste est celle du dernier publipostage (`courriers_papier.csv`). La clé d'une
    remise est l'empreinte de la convocation remise : refaite depuis (rendez-vous
    déplacé), elle redevient à remettre, comme un courriel refait redevient à envoyer.
    """
    dossier_campagne = Path(dossier_campagne)
    horloge = horloge or (lambda: datetime.now(UTC).astimezone())
    courriers = _courriers_papier(dossier_campagne)
    inconnus = sorted((matricules or set()) - set(courriers))
    if inconnus:
        raise ErreurEntretiens.simple(
            "papier-absent",
            f"Pas de convocation papier pour {', '.join(inconnus)} dans {COURRIERS_PAPIER} "
            f"(salariés à convoquer sur papier : {', '.join(sorted(courriers)) or 'aucun'}) : "
            "vérifiez les matricules.",
        )
    journal = dossier_campagne / DOSSIER_PUBLIPOSTAGE / JOURNAL_ENVOIS
    bilan = BilanRemise(journal=journal)
    deja = _deja_envoyes(journal)
    lignes = []
    for matricule, (convocation, cle) in sorted(courriers.items()):
        if matricules is not None and matricule not in matricules:
            continue
        if cle in deja:
            bilan.deja.append(matricule)
            continue
        moment = horloge().isoformat(timespec="seconds")
        lignes.append(
            [neutraliser(matricule), "courrier papier", cle, moment, REMIS, "", convocation]
        )
        bilan.remis.append(matricule)
    if lignes:
        with _ouvrir_journal(journal) as sortie:
            EcrivainCsv(sortie).writerows(lignes)
    return bilan


def papier_a_remettre(dossier_campagne: Path) -> list[str]:
    """Matricules des convocations papier pas encore notées remises (dans leur version du jour)."""
    dossier_campagne = Path(dossier_campagne)
    if not (dossier_campagne / DOSSIER_PUBLIPOSTAGE / COURRIERS_PAPIER).is_file():
        return []
    deja = _deja_envoyes(dossier_campagne / DOSSIER_PUBLIPOSTAGE / JOURNAL_ENVOIS)
    courriers = _courriers_papier(dossier_campagne)
    return sorted(m for m, (_convocation, cle) in courriers.items() if cle not in deja)


def _courriers_papier(dossier_campagne: Path) -> dict[str, tuple[str, str]]:
    """Matricule -> (convocation, clé de sa remise) d'après `courriers_papier.csv`."""
    liste = dossier_campagne / DOSSIER_PUBLIPOSTAGE / COURRIERS_PAPIER
    if not liste.is_file():
        raise ErreurEntretiens.simple(
            "papier-absent",
            f"Aucune liste de courriers papier dans « {liste.parent} » : lancez d'abord "
            "« entretiens publipostage », imprimez les convocations qu'elle liste, puis "
            "notez-les remises.",
        )
    lignes = [
        (
            _sans_neutralisation(ligne.get("Matricule") or ""),
            _sans_neutralisation(ligne.get("Convocation") or ""),
        )
        for ligne in _lire_csv(liste)
    ]
    courriers = {}
    for matricule, convocation in lignes:
        chemin = dossier_campagne / convocation
        if not chemin.is_file():
            raise ErreurEntretiens.simple(
                "piece-jointe-manquante",
                f"La convocation « {chemin} » est introuvable : relancez « entretiens "
                "convocations » puis « entretiens publipostage ».",
            )
        courriers[matricule] = (convocation, f"{PAPIER}:{sha256_fichier(chemin)}")
    return courriers


def _sans_neutralisation(texte: str) -> str:
    """Le texte d'origine d'une cellule que `tableurs.neutraliser` a préfixée d'une apostrophe."""
    return texte[1:] if texte[:1] == "'" and neutraliser(texte[1:]) != texte[1:] else texte
