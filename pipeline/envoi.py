"""Envoi SMTP des brouillons du publipostage, et son journal `envois.csv`.

`envoyer` envoie les brouillons `.eml` que `publipostage.preparer_publipostage` a écrits.
Par défaut c'est une simulation. Le journal, complété après chaque message parti,
garantit qu'une relance (après une coupure, un refus du serveur…) n'envoie jamais deux
fois la même convocation.

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

from pipeline.campagne import DOSSIER_BROUILLONS, DOSSIER_PUBLIPOSTAGE, JOURNAL_ENVOIS
from pipeline.config import SECURITES_SMTP, Parametres
from pipeline.erreurs import ErreurEntretiens
from pipeline.tableurs import EcrivainCsv, neutraliser

ENVOYE = "envoyé"
ECHEC = "échec"
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
_EN_TETES_INTERNES = ("X-Unsent", "X-Entretiens-Matricule", "X-Entretiens-Campagne")


@dataclass
class Brouillon:
    """Un `.eml` prêt à partir, lu depuis `publipostage/brouillons/`."""

    chemin: Path
    matricule: str
    message_id: str
    destinataires: list[str]
    objet: str


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
    """Les brouillons courants, triés ; les anciennes versions (`.ancien.eml`) sont exclues."""
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
        destinataires = [
            a.addr_spec
            for nom in ("To", "Cc")
            for valeur in entete.get_all(nom, [])
            for a in valeur.addresses
        ]
        resultat.append(
            Brouillon(
                chemin=chemin,
                matricule=str(entete.get("X-Entretiens-Matricule") or chemin.stem),
                # Sans Message-ID (brouillon retouché), le nom du fichier sert de clé.
                message_id=str(entete.get("Message-ID") or chemin.name).strip(),
                destinataires=destinataires,
                objet=str(entete.get("Subject") or ""),
            )
        )
    return resultat


def _deja_envoyes(journal: Path) -> set[str]:
    if not journal.is_file():
        return set()
    with open(journal, encoding="utf-8-sig", newline="") as entree:
        return {
            (ligne.get("Message_ID") or "").strip()
            for ligne in csv.DictReader(entree, delimiter=";")
            if (ligne.get("Statut") or "").strip() == ENVOYE
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

    if not hote:
        raise ErreurEntretiens.simple(
            "smtp-sans-hote",
            "Aucun serveur SMTP : renseignez « publipostage.smtp_hote » dans parametres.toml "
            "ou donnez --hote.",
        )
    if securite not in SECURITES_SMTP:
        raise ErreurEntretiens.simple(
            "smtp-securite",
            f"Sécurité SMTP « {securite} » inconnue : choisissez starttls, ssl ou aucune.",
        )
    # Le journal est ouvert avant la première connexion : s'il est verrouillé (ouvert dans
    # Excel), on s'arrête avant d'envoyer quoi que ce soit qu'on ne pourrait pas noter.
    try:
        sortie_journal = _ouvrir_journal(journal)
    except PermissionError as exc:
        raise ErreurEntretiens.simple(
            "fichier-verrouille",
            f"Impossible d'écrire le journal « {journal} » : fermez-le dans Excel, puis relancez.",
        ) from exc
    with sortie_journal:
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
            statut, erreur, coupe = _envoyer_un(connexion, message)
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


def _envoyer_un(connexion: smtplib.SMTP, message: EmailMessage) -> tuple[str, str, bool]:
    """(statut, erreur, le serveur a coupé la connexion) ; un échec ne lève rien."""
    try:
        refuses = connexion.send_message(message)
    except smtplib.SMTPServerDisconnected as exc:
        return ECHEC, _expliquer(exc), True
    except (smtplib.SMTPException, UnicodeError, OSError) as exc:
        return ECHEC, _expliquer(exc), False
    erreur = "destinataires refusés : " + ", ".join(sorted(refuses)) if refuses else ""
    return ENVOYE, erreur, False


def _ouvrir_journal(journal: Path) -> TextIO:
    nouveau = not journal.exists() or journal.stat().st_size == 0
    sortie = open(journal, "a", encoding="utf-8-sig" if nouveau else "utf-8", newline="")
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
