"""Envoi SMTP réel vers un serveur aiosmtpd sur 127.0.0.1 : ce qu'il a reçu est relu avec
`email` et `icalendar` ; journal des envois, relance sans doublon, simulation, erreurs."""

from __future__ import annotations

import csv
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from icalendar import Calendar

from pipeline.config import Parametres
from pipeline.envoi import compter_a_envoyer, envoyer
from pipeline.erreurs import ErreurEntretiens
from pipeline.publipostage import preparer_publipostage

try:  # tests/ sans __init__.py : pytest met le dossier dans sys.path
    from test_publipostage import SALARIES, fabriquer_campagne, parametres, preparer, tables
except ImportError:  # pragma: no cover
    from tests.test_publipostage import SALARIES, fabriquer_campagne, parametres, preparer, tables

MOMENT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@dataclass
class Recu:
    expediteur: str
    destinataires: list[str]
    message: email.message.EmailMessage


@dataclass
class Collecteur:
    """Gestionnaire aiosmtpd : garde chaque message ; refuse les adresses « refuse@… »
    (tant que `refuser` est vrai)."""

    recus: list[Recu] = field(default_factory=list)
    refuser: bool = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuser and address.startswith("refuse@"):
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.recus.append(Recu(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demarrer(**options) -> tuple[Controller, Collecteur]:
    collecteur = Collecteur()
    controleur = Controller(collecteur, hostname="127.0.0.1", port=port_libre(), **options)
    controleur.start()
    return controleur, collecteur


@pytest.fixture
def serveur() -> Iterator[tuple[int, Collecteur]]:
    controleur, collecteur = demarrer()
    yield controleur.port, collecteur
    controleur.stop()


@pytest.fixture
def campagne(tmp_path: Path) -> Path:
    dossier = fabriquer_campagne(tmp_path)
    preparer(dossier)
    return dossier


def envoi(campagne: Path, port: int, **options):
    reglages = {
        "hote": "127.0.0.1",
        "port": port,
        "securite": "aucune",
        "simulation": False,
        "pause": 0,
        "horloge": lambda: MOMENT,
    }
    reglages.update(options)
    return envoyer(campagne, parametres(), **reglages)


def journal(campagne: Path) -> list[dict[str, str]]:
    with open(campagne / "publipostage" / "envois.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def test_envoi_reel_recu_par_le_serveur(campagne: Path, serveur) -> None:
    port, collecteur = serveur
    assert compter_a_envoyer(campagne) == 2
    bilan = envoi(campagne, port)
    assert bilan.envoyes == ["00042", "00043"] and bilan.echecs == []

    assert len(collecteur.recus) == 2
    recu = next(r for r in collecteur.recus if "elodie.lefevre@exemple.fr" in r.destinataires)
    assert recu.expediteur == "rh@exemple-fils.fr"
    # Le conducteur en copie reçoit aussi le message (enveloppe SMTP).
    assert sorted(recu.destinataires) == ["elodie.lefevre@exemple.fr", "jean.martin@exemple.fr"]
    message = recu.message
    assert message["Subject"].startswith("Convocation à votre entretien de parcours")
    assert "décembre" in message["Subject"]
    assert message["Cc"].addresses[0].addr_spec == "jean.martin@exemple.fr"
    assert message["X-Unsent"] is None
    assert message["X-Entretiens-Matricule"] is None
    assert message["Date"].datetime == MOMENT  # date de l'envoi, pas de la préparation
    noms = sorted(p.get_filename() for p in message.iter_attachments())
    assert noms == [
        "Convocation_LEFÈVRE_Élodie.docx",
        "Support_de_préparation_LEFÈVRE_Élodie.docx",
        "invitation.ics",
    ]
    (partie,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert partie.get_param("method") == "REQUEST"
    evenement = Calendar.from_ical(partie.get_content()).walk("VEVENT")[0]
    assert evenement.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 8, 13, tzinfo=UTC)

    lignes = journal(campagne)
    assert [(ligne["Matricule"], ligne["Statut"]) for ligne in lignes] == [
        ("00042", "envoyé"),
        ("00043", "envoyé"),
    ]
    assert lignes[0]["Message_ID"] == recu.message["Message-ID"].strip()  # replié : long
    assert lignes[0]["Destinataires"] == "elodie.lefevre@exemple.fr, jean.martin@exemple.fr"
    assert lignes[0]["Date_heure"] == MOMENT.isoformat()

    # Relance : le journal dit que tout est parti, rien n'est renvoyé.
    assert compter_a_envoyer(campagne) == 0
    relance = envoi(campagne, port)
    assert relance.envoyes == [] and relance.deja_envoyes == ["00042", "00043"]
    assert len(collecteur.recus) == 2
    assert len(journal(campagne)) == 2


def test_simulation_par_defaut_n_envoie_rien(campagne: Path, serveur) -> None:
    port, collecteur = serveur
    bilan = envoyer(campagne, parametres(), hote="127.0.0.1", port=port, securite="aucune")
    assert bilan.simulation
    assert [b.matricule for b in bilan.prevus] == ["00042", "00043"]
    assert bilan.prevus[0].destinataires == ["elodie.lefevre@exemple.fr", "jean.martin@exemple.fr"]
    assert "décembre" in bilan.prevus[0].objet
    assert collecteur.recus == []
    assert not (campagne / "publipostage" / "envois.csv").exists()
    assert compter_a_envoyer(campagne) == 2


def test_pause_entre_messages_et_limite(campagne: Path, serveur) -> None:
    port, collecteur = serveur
    pauses: list[float] = []
    bilan = envoi(campagne, port, pause=0.5, attendre=pauses.append, limite=1)
    assert bilan.envoyes == ["00042"] and len(collecteur.recus) == 1
    assert pauses == []  # pas de pause avant le premier message
    assert compter_a_envoyer(campagne) == 1
    pas: list[int] = []
    bilan = envoi(campagne, port, pause=0.5, attendre=pauses.append, progression=pas.append)
    assert bilan.envoyes == ["00043"] and pas == [1]
    assert len(collecteur.recus) == 2

    # Trois messages : deux pauses, une entre chaque envoi.
    autre = fabriquer_campagne(campagne.parent / "autre")
    preparer(autre)
    for chemin in (autre / "publipostage" / "brouillons").glob("00042_*.eml"):
        chemin.with_name("00046_copie.eml").write_bytes(
            chemin.read_bytes().replace(b"Message-ID: <", b"Message-ID: <copie.")
        )
    pauses.clear()
    envoi(autre, port, pause=0.5, attendre=pauses.append)
    assert pauses == [0.5, 0.5]


def test_echec_d_un_message_n_arrete_pas_les_autres(tmp_path: Path, serveur) -> None:
    port, collecteur = serveur
    salaries = list(SALARIES[:2]) + [
        ("00047", "M.", "Refusé", "Paul", "refuse@exemple.fr", "Claire Martin", "",
         "2026-12-11", "09:00", 60, "Salle de réunion Saône"),
    ]  # fmt: skip
    dossier = fabriquer_campagne(tmp_path, salaries)
    entretiens, registre = tables(salaries)
    preparer_publipostage(dossier, entretiens, registre, parametres())
    bilan = envoi(dossier, port)
    assert bilan.envoyes == ["00042", "00043"]
    assert [m for m, _ in bilan.echecs] == ["00047"]
    assert "refuse@exemple.fr" in bilan.echecs[0][1]
    assert len(collecteur.recus) == 2
    statuts = {ligne["Matricule"]: ligne["Statut"] for ligne in journal(dossier)}
    assert statuts == {"00042": "envoyé", "00043": "envoyé", "00047": "échec"}
    # L'échec n'est pas noté « envoyé » : il reste à envoyer à la relance.
    assert compter_a_envoyer(dossier) == 1
    relance = envoi(dossier, port)
    assert relance.envoyes == [] and [m for m, _ in relance.echecs] == ["00047"]
    assert len(collecteur.recus) == 2


def test_serveur_injoignable_message_francais(campagne: Path) -> None:
    port = port_libre()  # personne n'écoute
    with pytest.raises(ErreurEntretiens) as erreur:
        envoi(campagne, port)
    assert erreur.value.anomalies[0].code == "smtp-injoignable"
    assert f"Impossible de joindre le serveur SMTP 127.0.0.1:{port}" in erreur.value.message
    assert "connexion refusée" in erreur.value.message
    assert compter_a_envoyer(campagne) == 2


def test_identifiants_refuses(campagne: Path) -> None:
    def refuser(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    controleur, collecteur = demarrer(authenticator=refuser, auth_require_tls=False)
    try:
        with pytest.raises(ErreurEntretiens) as erreur:
            envoi(campagne, controleur.port, utilisateur="rh", mot_de_passe="faux")
    finally:
        controleur.stop()
    assert erreur.value.anomalies[0].code == "smtp-identifiants"
    assert "a refusé l'identifiant « rh »" in erreur.value.message
    assert "ENTRETIENS_SMTP_MOT_DE_PASSE" in erreur.value.message
    assert collecteur.recus == []


def test_identifiants_acceptes(campagne: Path) -> None:
    vus: list[tuple[str, str]] = []

    def accepter(server, session, envelope, mechanism, auth_data):
        vus.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    controleur, collecteur = demarrer(authenticator=accepter, auth_require_tls=False)
    try:
        envoi(campagne, controleur.port, utilisateur="rh", mot_de_passe="s3cret")
    finally:
        controleur.stop()
    assert vus == [("rh", "s3cret")]
    assert len(collecteur.recus) == 2


def test_starttls_absent_message_clair(campagne: Path, serveur) -> None:
    port, collecteur = serveur
    with pytest.raises(ErreurEntretiens) as erreur:
        envoi(campagne, port, securite="starttls")
    assert erreur.value.anomalies[0].code == "smtp-non-supporte"
    assert "ne propose pas STARTTLS" in erreur.value.message
    assert collecteur.recus == []


def test_sans_hote_et_sans_publipostage(campagne: Path, tmp_path: Path) -> None:
    with pytest.raises(ErreurEntretiens) as erreur:
        envoyer(campagne, parametres(), simulation=False, pause=0)
    assert erreur.value.anomalies[0].code == "smtp-sans-hote"
    with pytest.raises(ErreurEntretiens) as erreur:
        compter_a_envoyer(tmp_path / "vide")
    assert "entretiens publipostage" in erreur.value.message


def test_salarie_refuse_copie_acceptee_est_un_echec_retente_seul(tmp_path: Path, serveur) -> None:
    # Le serveur refuse l'adresse du salarié mais accepterait la copie au conducteur : le
    # message n'est remis à personne, noté en échec, et seule une relance le retente.
    port, collecteur = serveur
    salaries = list(SALARIES[:1]) + [
        ("00047", "M.", "Refusé", "Paul", "refuse@exemple.fr", "Jean MARTIN",
         "jean.martin@exemple.fr", "2026-12-11", "09:00", 60, "Salle de réunion Saône"),
    ]  # fmt: skip
    dossier = fabriquer_campagne(tmp_path, salaries)
    entretiens, registre = tables(salaries)
    preparer_publipostage(dossier, entretiens, registre, parametres())
    bilan = envoi(dossier, port)
    assert bilan.envoyes == ["00042"]
    assert [m for m, _ in bilan.echecs] == ["00047"]
    assert "refuse@exemple.fr (550 5.1.1 Destinataire inconnu)" in bilan.echecs[0][1]
    # Ni le salarié ni le conducteur en copie n'ont reçu le message de 00047.
    assert [r.destinataires for r in collecteur.recus] == [
        ["elodie.lefevre@exemple.fr", "jean.martin@exemple.fr"]
    ]
    lignes = journal(dossier)
    assert [(ligne["Matricule"], ligne["Statut"]) for ligne in lignes] == [
        ("00042", "envoyé"),
        ("00047", "échec"),
    ]
    assert "refuse@exemple.fr" in lignes[1]["Erreur"]
    assert compter_a_envoyer(dossier) == 1

    # L'adresse existe désormais : la relance n'envoie que l'échec, une fois.
    collecteur.refuser = False
    relance = envoi(dossier, port)
    assert relance.envoyes == ["00047"] and relance.deja_envoyes == ["00042"]
    assert len(collecteur.recus) == 2
    assert sorted(collecteur.recus[1].destinataires) == [
        "jean.martin@exemple.fr",
        "refuse@exemple.fr",
    ]
    assert compter_a_envoyer(dossier) == 0


def test_copie_refusee_salarie_servi(tmp_path: Path, serveur) -> None:
    # L'inverse : seule la copie est refusée ; le salarié reçoit sa convocation, le journal
    # dit « envoyé » et note la copie refusée.
    port, collecteur = serveur
    salaries = [
        ("00048", "Mme", "Servie", "Ana", "ana.servie@exemple.fr", "Chef Parti",
         "refuse@exemple.fr", "2026-12-11", "09:00", 60, "Salle de réunion Saône"),
    ]  # fmt: skip
    dossier = fabriquer_campagne(tmp_path, salaries)
    entretiens, registre = tables(salaries)
    preparer_publipostage(dossier, entretiens, registre, parametres())
    bilan = envoi(dossier, port)
    assert bilan.envoyes == ["00048"] and bilan.echecs == []
    assert [r.destinataires for r in collecteur.recus] == [["ana.servie@exemple.fr"]]
    (ligne,) = journal(dossier)
    assert ligne["Statut"] == "envoyé"
    assert ligne["Erreur"].startswith("copie refusée : refuse@exemple.fr")


def test_expediteur_de_l_exemple_refuse_pour_un_envoi_reel(campagne: Path, serveur) -> None:
    port, collecteur = serveur
    exemple = Parametres()  # publipostage.expediteur = rh@exemple.fr, celui de l'exemple
    with pytest.raises(ErreurEntretiens) as erreur:
        envoyer(campagne, exemple, hote="127.0.0.1", port=port, securite="aucune",
                simulation=False, pause=0)  # fmt: skip
    assert erreur.value.anomalies[0].code == "expediteur-exemple"
    assert "« rh@exemple.fr »" in erreur.value.message
    # Brouillons préparés avec l'adresse de l'exemple, paramètres corrigés depuis : refusés
    # aussi, avec la commande qui les refait.
    for chemin in (campagne / "publipostage" / "brouillons").glob("*.eml"):
        chemin.write_bytes(chemin.read_bytes().replace(b"rh@exemple-fils.fr", b"rh@exemple.fr"))
    with pytest.raises(ErreurEntretiens) as erreur:
        envoi(campagne, port)
    assert erreur.value.anomalies[0].code == "expediteur-exemple"
    assert "entretiens publipostage --remplacer" in erreur.value.message
    assert collecteur.recus == []
    # La simulation, elle, montre ce qui partirait.
    assert len(envoyer(campagne, exemple).prevus) == 2
