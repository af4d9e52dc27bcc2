"""Publipostage : tableurs relus avec openpyxl / csv, brouillons .eml relus avec `email`,
invitations relues avec `icalendar`. Une fausse campagne est fabriquée dans tmp_path."""

from __future__ import annotations

import csv
import dataclasses
import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pandas as pd
import pytest
from icalendar import Calendar

from pipeline.config import Parametres
from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import nom_dossier_salarie
from pipeline.publipostage import (
    EN_TETES_PUBLIPOSTAGE,
    lire_modele_courriel,
    preparer_publipostage,
    uid_invitation,
)

PARIS = ZoneInfo("Europe/Paris")
HORODATAGE = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

# (matricule, civilité, nom, prénom, courriel, conducteur, courriel conducteur,
#  date, heure, durée, lieu)
SALARIES = [
    ("00042", "Mme", "Lefèvre", "Élodie", "elodie.lefevre@exemple.fr", "Jean MARTIN",
     "jean.martin@exemple.fr", "2026-12-08", "14:00", 90, "Salle de réunion Rhône"),
    ("00043", "M.", "=Dupont", "Marc", "marc.dupont@exemple.fr", "Claire Martin",
     "", "2027-06-15", "09:00", 60, "Salle de réunion Saône"),
    ("00044", "Mme", "Benali", "Nadia", "", "Jean MARTIN",
     "jean.martin@exemple.fr", "2026-12-09", "10:45", 90, "Salle de réunion Rhône"),
    ("00045", "", "Nguyen", "Lan", "pas une adresse", "Jean MARTIN",
     "jean.martin@exemple.fr", "2026-12-10", "15:45", 90, "Salle de réunion Rhône"),
]  # fmt: skip


def parametres() -> Parametres:
    # Pas l'adresse de l'exemple livré (rh@exemple.fr) : l'envoi réel la refuse.
    p = Parametres()
    return dataclasses.replace(
        p,
        entreprise=dataclasses.replace(
            p.entreprise, raison_sociale="Exemple & Fils SAS", email_rh="rh@exemple-fils.fr"
        ),
        publipostage=dataclasses.replace(p.publipostage, expediteur="rh@exemple-fils.fr"),
    )


def tables(salaries=SALARIES) -> tuple[pd.DataFrame, pd.DataFrame]:
    entretiens = pd.DataFrame(
        [
            {
                "matricule": m,
                "nom": nom,
                "prenom": prenom,
                "service": "Atelier",
                "conducteur": cond,
                "matricule_conducteur": "",
                "email_conducteur": cmail,
                "date": pd.Timestamp(jour),
                "heure": heure,
                "fin": (datetime.strptime(heure, "%H:%M") + timedelta(minutes=duree)).strftime(
                    "%H:%M"
                ),
                "duree_minutes": duree,
                "lieu": lieu,
                "types": "periodique, etat_des_lieux",
                "motifs": "Entretien périodique dû ; État des lieux des 8 ans",
                "statut": "en_retard",
            }
            for m, _, nom, prenom, _, cond, cmail, jour, heure, duree, lieu in salaries
        ]
    )
    registre = pd.DataFrame(
        [
            {
                "matricule": m,
                "civilite": civ,
                "nom": nom,
                "prenom": prenom,
                "email": mail,
                "adresse": "3 place Bellecour",
                "code_postal": "69002",
                "ville": "Lyon",
            }
            for m, civ, nom, prenom, mail, *_ in salaries
        ]
    )
    return entretiens, registre


def fabriquer_campagne(racine: Path, salaries=SALARIES, pdf: bool = False) -> Path:
    """Une campagne comme l'écrit `entretiens convocations` : un dossier par salarié."""
    campagne = racine / "2026-11-20"
    for m, _, nom, prenom, *_ in salaries:
        dossier = campagne / "salaries" / nom_dossier_salarie(m, nom, prenom)
        dossier.mkdir(parents=True, exist_ok=True)
        for document in ("convocation", "support_preparation"):
            d = docx.Document()
            d.add_paragraph(f"{document} de {prenom} {nom}")
            d.save(dossier / f"{document}.docx")
            if pdf:
                (dossier / f"{document}.pdf").write_bytes(b"%PDF-1.4\n% " + m.encode() + b"\n")
    return campagne


def lire_eml(chemin: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(chemin.read_bytes(), policy=email.policy.default)


def corps(message) -> str:
    # Un .eml est en CRLF (norme SMTP, attendu par Outlook) ; le parseur garde les CR.
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def pieces_jointes(message) -> dict[str, tuple[str, bytes]]:
    return {
        p.get_filename(): (p.get_content_type(), p.get_payload(decode=True))
        for p in message.iter_attachments()
    }


def invitation(message) -> Calendar:
    parties = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parties) == 1
    assert parties[0].get_param("method") == "REQUEST"
    return Calendar.from_ical(parties[0].get_content())


@pytest.fixture
def campagne(tmp_path: Path) -> Path:
    return fabriquer_campagne(tmp_path)


def preparer(campagne: Path, **options):
    entretiens, registre = tables()
    return preparer_publipostage(
        campagne, entretiens, registre, parametres(), horodatage=HORODATAGE, **options
    )


def eml(campagne: Path, matricule: str) -> Path:
    dossier = campagne / "publipostage" / "brouillons"
    (chemin,) = dossier.glob(f"{matricule}_*.eml")
    return chemin


def test_brouillon_en_tetes_francais_et_pieces_jointes(campagne: Path) -> None:
    bilan = preparer(campagne)
    assert bilan.crees == 2 and bilan.entretiens == 4
    chemin = eml(campagne, "00042")
    brut = chemin.read_bytes()
    # Les en-têtes restent en ASCII (RFC 2047) ; les noms de fichiers accentués en RFC 2231.
    entetes_bruts = brut.split(b"\r\n\r\n", 1)[0]
    entetes_bruts.decode("ascii")
    assert b"=?utf-8?" in entetes_bruts
    assert b"filename*=utf-8''" in brut
    message = lire_eml(chemin)
    assert message["Subject"] == (
        "Convocation à votre entretien de parcours professionnel du mardi 8 décembre 2026 à 14 h 00"
    )
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].addr_spec == "elodie.lefevre@exemple.fr"
    assert message["To"].addresses[0].display_name == "Élodie LEFÈVRE"
    assert message["Cc"].addresses[0].addr_spec == "jean.martin@exemple.fr"
    expediteur = message["From"].addresses[0]
    assert expediteur.addr_spec == "rh@exemple-fils.fr"
    assert "Exemple & Fils SAS" in expediteur.display_name
    assert message["Message-ID"].endswith("@exemple-fils.fr>")
    assert message["Date"].datetime == HORODATAGE

    texte = corps(message)
    assert texte.startswith("Madame,\n")
    assert "mardi 8 décembre 2026 de 14 h 00 à 15 h 30" in texte
    assert "Jean MARTIN" in texte and "Salle de réunion Rhône" in texte
    # Sans raisons données, la nature de chaque entretien ; jamais les motifs calculés du
    # planning (« Entretien périodique dû ; État des lieux des 8 ans »), internes.
    assert "- Entretien périodique\n- État des lieux récapitulatif du parcours" in texte
    assert "des 8 ans" not in texte and " dû" not in texte
    assert "{" not in texte and "}" not in texte

    pieces = pieces_jointes(message)
    docx_mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    dossier = campagne / "salaries" / nom_dossier_salarie("00042", "Lefèvre", "Élodie")
    assert pieces["Convocation_LEFÈVRE_Élodie.docx"] == (
        docx_mime,
        (dossier / "convocation.docx").read_bytes(),
    )
    assert pieces["Support_de_préparation_LEFÈVRE_Élodie.docx"][0] == docx_mime
    assert pieces["invitation.ics"][0] == "application/ics"
    assert Calendar.from_ical(pieces["invitation.ics"][1]).walk("VEVENT")
    # Sans conducteur distinct (signataire RH sans courriel), pas de Cc.
    assert lire_eml(eml(campagne, "00043"))["Cc"] is None
    assert corps(lire_eml(eml(campagne, "00043"))).startswith("Monsieur,")


@pytest.mark.parametrize(
    ("matricule", "debut_paris", "debut_utc", "duree"),
    [
        ("00042", datetime(2026, 12, 8, 14, 0), datetime(2026, 12, 8, 13, 0), 90),  # hiver
        ("00043", datetime(2027, 6, 15, 9, 0), datetime(2027, 6, 15, 7, 0), 60),  # été
    ],
)
def test_invitation_europe_paris(campagne, matricule, debut_paris, debut_utc, duree) -> None:
    preparer(campagne)
    calendrier = invitation(lire_eml(eml(campagne, matricule)))
    assert str(calendrier["method"]) == "REQUEST"
    assert str(calendrier["version"]) == "2.0"
    assert calendrier["prodid"]
    fuseaux = calendrier.walk("VTIMEZONE")
    assert [str(tz["tzid"]) for tz in fuseaux] == ["Europe/Paris"]
    assert fuseaux[0].walk("DAYLIGHT") and fuseaux[0].walk("STANDARD")
    (evenement,) = calendrier.walk("VEVENT")
    assert evenement["dtstart"].params["TZID"] == "Europe/Paris"
    debut = evenement.decoded("dtstart")
    assert debut.replace(tzinfo=None) == debut_paris
    assert debut.astimezone(UTC).replace(tzinfo=None) == debut_utc
    assert evenement.decoded("dtend") - debut == timedelta(minutes=duree)
    assert evenement.decoded("dtstamp") == HORODATAGE
    assert int(evenement["sequence"]) == 0
    assert str(evenement["uid"]) == uid_invitation("2026-11-20", matricule)
    attendus = {
        "00042": ["mailto:elodie.lefevre@exemple.fr", "mailto:jean.martin@exemple.fr"],
        "00043": ["mailto:marc.dupont@exemple.fr"],
    }[matricule]
    participants = evenement["attendee"]
    participants = participants if isinstance(participants, list) else [participants]
    assert sorted(str(a) for a in participants) == attendus
    for a in participants:
        assert a.params["ROLE"] == "REQ-PARTICIPANT"
        assert a.params["PARTSTAT"] == "NEEDS-ACTION"
        assert a.params["RSVP"] == "TRUE"
        assert a.params["CN"]
    organisateur = evenement["organizer"]
    if matricule == "00042":
        assert str(organisateur) == "mailto:jean.martin@exemple.fr"
        assert organisateur.params["CN"] == "Jean MARTIN"
        assert organisateur.params["SENT-BY"] == "mailto:rh@exemple-fils.fr"
    else:  # le signataire RH conduit : il organise, depuis l'adresse RH
        assert str(organisateur) == "mailto:rh@exemple-fils.fr"
        assert organisateur.params["CN"] == "Claire Martin"
    assert "Salle de réunion" in str(evenement["location"])
    nom_complet = {"00042": "Élodie LEFÈVRE", "00043": "Marc =DUPONT"}[matricule]
    assert nom_complet in str(evenement["summary"])


def test_uid_stable_et_sequence_incrementee_au_remplacement(campagne: Path) -> None:
    preparer(campagne)
    premier = invitation(lire_eml(eml(campagne, "00042"))).walk("VEVENT")[0]
    bilan = preparer(campagne, remplacer=True)
    assert bilan.remplaces == 2 and bilan.crees == 0
    second = invitation(lire_eml(eml(campagne, "00042"))).walk("VEVENT")[0]
    assert str(second["uid"]) == str(premier["uid"])
    assert int(second["sequence"]) == 1
    anciens = list(
        (campagne / "publipostage" / "brouillons" / "anciennes_versions").glob("00042_*.eml")
    )
    assert len(anciens) == 1
    # L'UID dépend de la campagne et du matricule, de rien d'autre.
    assert uid_invitation("2026-11-20", "00042") != uid_invitation("2026-11-20", "00043")
    assert uid_invitation("2026-11-20", "00042") != uid_invitation("2027-01-05", "00042")


def test_brouillon_existant_jamais_ecrase(campagne: Path) -> None:
    preparer(campagne)
    chemin = eml(campagne, "00042")
    chemin.write_bytes(chemin.read_bytes() + b"\r\nretouche manuelle\r\n")
    avant = chemin.read_bytes()
    bilan = preparer(campagne)
    assert bilan.conserves == 2 and bilan.crees == 0
    assert chemin.read_bytes() == avant
    assert not (chemin.parent / "anciennes_versions").exists()


def test_brouillon_refait_quand_le_rendez_vous_change(campagne: Path) -> None:
    """Un brouillon à l'ancienne heure ne doit jamais partir : il est refait, l'ancien gardé."""
    preparer(campagne)
    ancien = eml(campagne, "00042").read_bytes()
    entretiens, registre = tables()
    entretiens.loc[entretiens["matricule"] == "00042", "heure"] = "16:00"
    bilan = preparer_publipostage(campagne, entretiens, registre, parametres())
    assert [a.code for a in bilan.avertissements if a.feuille] == ["brouillon-mis-a-jour"]
    message = lire_eml(eml(campagne, "00042"))
    assert message["Subject"].endswith("à 16 h 00")
    evenement = invitation(message).walk("VEVENT")[0]
    assert evenement.decoded("dtstart").hour == 16
    assert int(evenement.get("sequence")) == 1
    gardes = list((eml(campagne, "00042").parent / "anciennes_versions").glob("00042_*.eml"))
    assert [g.read_bytes() for g in gardes] == [ancien]


def test_brouillon_refait_quand_le_conducteur_ou_la_convocation_change(campagne: Path) -> None:
    """Même date, même salle, mais un autre conducteur (planning refait) ou une convocation
    régénérée : le brouillon qui joindrait l'ancienne lettre et copierait l'ancien
    conducteur est refait."""
    preparer(campagne)
    entretiens, registre = tables()
    est_00042 = entretiens["matricule"] == "00042"
    entretiens.loc[est_00042, "conducteur"] = "Paul ROCHE"
    entretiens.loc[est_00042, "email_conducteur"] = "paul.roche@exemple.fr"
    bilan = preparer_publipostage(campagne, entretiens, registre, parametres())
    assert [a.code for a in bilan.avertissements if a.feuille] == ["brouillon-mis-a-jour"]
    message = lire_eml(eml(campagne, "00042"))
    assert message["Cc"].addresses[0].addr_spec == "paul.roche@exemple.fr"
    assert int(invitation(message).walk("VEVENT")[0].get("sequence")) == 1
    # Relancé sans changement : conservé.
    assert preparer_publipostage(campagne, entretiens, registre, parametres()).conserves == 2

    convocation = campagne / "salaries" / nom_dossier_salarie("00043", "=Dupont", "Marc")
    d = docx.Document()
    d.add_paragraph("convocation régénérée")
    d.save(convocation / "convocation.docx")
    bilan = preparer_publipostage(campagne, entretiens, registre, parametres())
    assert (bilan.remplaces, bilan.crees) == (1, 0)
    assert [a.feuille for a in bilan.avertissements if a.feuille] == [eml(campagne, "00043").name]
    pieces = {p.get_filename(): p for p in lire_eml(eml(campagne, "00043")).iter_attachments()}
    jointe = next(p for nom, p in pieces.items() if nom.startswith("Convocation"))
    assert jointe.get_content() == (convocation / "convocation.docx").read_bytes()


def test_tableurs_publipostage(campagne: Path) -> None:
    preparer(campagne)
    dossier = campagne / "publipostage"
    ws = openpyxl.load_workbook(dossier / "publipostage.xlsx").active
    lignes = list(ws.iter_rows(values_only=False))
    en_tetes = [c.value for c in lignes[0]]
    assert en_tetes == list(EN_TETES_PUBLIPOSTAGE.values())
    # Règle des noms de champs de fusion Word : lettre, puis lettres/chiffres/_, ≤ 40.
    for titre in en_tetes:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", titre), titre
    assert len(lignes) == 5  # une ligne par entretien, courriers papier compris
    col = {titre: i for i, titre in enumerate(en_tetes)}
    par_matricule = {r[col["Matricule"]].value: r for r in lignes[1:]}
    dupont = par_matricule["00043"]
    assert dupont[col["Nom"]].value == "=Dupont"
    assert dupont[col["Nom"]].data_type == "s"
    lefevre = par_matricule["00042"]
    assert lefevre[col["Date_entretien"]].is_date
    assert lefevre[col["Date_entretien"]].value.date() == datetime(2026, 12, 8).date()
    assert lefevre[col["Date_longue"]].value == "mardi 8 décembre 2026"
    assert lefevre[col["Heure"]].value == "14:00"
    assert lefevre[col["Courriel_conducteur"]].value == "jean.martin@exemple.fr"
    assert lefevre[col["Envoi"]].value == "courriel"
    assert lefevre[col["Objet"]].value.startswith("Convocation à votre")
    assert "Support_de_préparation_LEFÈVRE_Élodie.docx" in lefevre[col["Pieces_jointes"]].value
    assert par_matricule["00044"][col["Envoi"]].value == "papier"
    assert par_matricule["00044"][col["Brouillon"]].value in (None, "")

    with open(dossier / "publipostage.csv", encoding="utf-8-sig", newline="") as f:
        rangees = list(csv.DictReader(f, delimiter=";"))
    assert list(rangees[0]) == list(EN_TETES_PUBLIPOSTAGE.values())
    par_matricule = {r["Matricule"]: r for r in rangees}
    assert par_matricule["00043"]["Nom"] == "'=Dupont"  # neutralisé pour Excel
    assert par_matricule["00042"]["Date_entretien"] == "08/12/2026"
    assert par_matricule["00042"]["Prenom"] == "Élodie"
    assert (dossier / "publipostage.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_sans_courriel_liste_pour_courrier_papier(campagne: Path) -> None:
    bilan = preparer(campagne)
    assert bilan.courriers_papier == ["00044 Benali Nadia", "00045 Nguyen Lan"]
    codes = [a.code for a in bilan.avertissements]
    assert codes.count("courrier-papier") == 2
    brouillons = sorted(p.name[:5] for p in (campagne / "publipostage" / "brouillons").iterdir())
    assert brouillons == ["00042", "00043"]
    with open(
        campagne / "publipostage" / "courriers_papier.csv", encoding="utf-8-sig", newline=""
    ) as f:
        papier = {r["Matricule"]: r for r in csv.DictReader(f, delimiter=";")}
    assert set(papier) == {"00044", "00045"}
    assert papier["00044"]["Raison"] == "aucune adresse électronique dans le registre"
    # Remise en main propre contre décharge : la convocation porte le bloc à signer.
    assert papier["00044"]["Remise"].startswith("en main propre contre décharge")
    assert "pas une adresse" in papier["00045"]["Raison"]
    assert papier["00044"]["Ville"] == "Lyon" and papier["00044"]["Code_postal"] == "69002"
    assert papier["00044"]["Convocation"].endswith("00044_BENALI_Nadia/convocation.docx")
    assert (campagne / papier["00044"]["Convocation"]).is_file()


def test_pdf_joint_ou_erreur_claire(tmp_path: Path) -> None:
    campagne = fabriquer_campagne(tmp_path)
    with pytest.raises(ErreurEntretiens) as erreur:
        preparer(campagne, pdf=True)
    codes = [a.code for a in erreur.value.anomalies]
    assert codes == ["piece-jointe-manquante"] * 8
    assert "--pdf" in erreur.value.anomalies[0].message
    assert not (campagne / "publipostage").exists()  # rien d'écrit

    campagne = fabriquer_campagne(tmp_path / "avec_pdf", pdf=True)
    preparer(campagne, pdf=True)
    pieces = pieces_jointes(lire_eml(eml(campagne, "00042")))
    assert pieces["Convocation_LEFÈVRE_Élodie.pdf"][0] == "application/pdf"
    assert pieces["Convocation_LEFÈVRE_Élodie.pdf"][1].startswith(b"%PDF")
    assert "Support_de_préparation_LEFÈVRE_Élodie.pdf" in pieces


def test_campagne_non_generee_ou_expediteur_invalide(campagne: Path, tmp_path: Path) -> None:
    with pytest.raises(ErreurEntretiens) as erreur:
        preparer(tmp_path / "inexistante")
    assert "entretiens convocations" in erreur.value.message
    p = parametres()
    p = dataclasses.replace(p, publipostage=dataclasses.replace(p.publipostage, expediteur="rh"))
    with pytest.raises(ErreurEntretiens) as erreur:
        preparer_publipostage(campagne, *tables(), p)
    assert erreur.value.anomalies[0].colonne == "publipostage.expediteur"


def test_modele_de_courriel(tmp_path: Path) -> None:
    gabarit = lire_modele_courriel()
    assert gabarit.objet.startswith("Convocation à votre {intitule}")
    mauvais = tmp_path / "courriel.txt"
    mauvais.write_text("# commentaire\nObjet : Bonjour {prenon}\n\nCorps {nom} {foo}\n", "utf-8")
    with pytest.raises(ErreurEntretiens) as erreur:
        lire_modele_courriel(mauvais)
    assert [(a.code, a.ligne, a.valeur) for a in erreur.value.anomalies] == [
        ("variable-inconnue", 2, "prenon"),
        ("variable-inconnue", 4, "foo"),
    ]
    sans_objet = tmp_path / "sans_objet.txt"
    sans_objet.write_text("Bonjour {prenom}\n", "utf-8")
    with pytest.raises(ErreurEntretiens) as erreur:
        lire_modele_courriel(sans_objet)
    assert erreur.value.anomalies[0].code == "modele-sans-objet"


def test_modele_personnalise_utilise(campagne: Path, tmp_path: Path) -> None:
    modele = tmp_path / "perso.txt"
    modele.write_text("Objet : Rendez-vous le {date_courte}\n\nBonjour {prenom} {nom} !\n", "utf-8")
    preparer(campagne, modele=modele)
    message = lire_eml(eml(campagne, "00042"))
    assert message["Subject"] == "Rendez-vous le 08/12/2026"
    assert corps(message) == "Bonjour Élodie LEFÈVRE !\n"


def test_progression(campagne: Path) -> None:
    pas: list[int] = []
    preparer(campagne, progression=pas.append)
    assert sum(pas) == 4


def test_convocation_perimee_refusee(campagne: Path) -> None:
    entretiens, _ = tables()
    perimes = []
    lignes = ["chemin;sha256;taille;date;matricule;type_document;empreinte_contexte;perime"]
    for e in entretiens.itertuples():
        dossier = nom_dossier_salarie(e.matricule, e.nom, e.prenom)
        for document in ("convocation", "support_preparation"):
            perime = "oui" if document == "convocation" and e.Index < 2 else ""
            chemin = f"salaries/{dossier}/{document}.docx"
            if perime:
                perimes.append(chemin)
            lignes.append(f"{chemin};x;1;2026-11-20T10:00:00;{e.matricule};{document};e;{perime}")
    (campagne / "manifeste.csv").write_text("\r\n".join(lignes) + "\r\n", encoding="utf-8-sig")

    with pytest.raises(ErreurEntretiens) as erreur:
        preparer(campagne)
    anomalies = erreur.value.anomalies
    # Toutes les convocations périmées sont signalées d'un coup, et rien n'est écrit.
    assert [a.code for a in anomalies] == ["convocation-perimee"] * 2
    assert all(any(c in a.message for a in anomalies) for c in perimes)
    assert "Renommez ou déplacez ce fichier" in anomalies[0].message
    assert not (campagne / "publipostage").exists()

    # Sans marque « perime », le même manifeste ne bloque rien.
    texte = (campagne / "manifeste.csv").read_text(encoding="utf-8-sig")
    (campagne / "manifeste.csv").write_text(texte.replace(";oui", ";"), encoding="utf-8-sig")
    assert preparer(campagne).entretiens == len(entretiens)


def test_raisons_en_clair_dans_le_courriel_et_l_invitation(campagne: Path) -> None:
    """Le courriel et l'invitation disent pourquoi, avec les phrases de la convocation ;
    « de » s'élide devant un prénom qui commence par une voyelle."""
    raisons = {
        "00042": [
            "Entretien périodique : votre dernier entretien date du 26/03/2022",
            "État des lieux récapitulatif de vos huit dernières années de parcours",
        ]
    }
    preparer(campagne, raisons=raisons)
    message = lire_eml(eml(campagne, "00042"))
    texte = corps(message)
    assert "- Entretien périodique : votre dernier entretien date du 26/03/2022\n" in texte
    assert "- État des lieux récapitulatif de vos huit dernières années de parcours" in texte
    (evenement,) = invitation(message).walk("VEVENT")
    description = str(evenement["description"])
    assert "Entretien de parcours professionnel d'Élodie LEFÈVRE, conduit par" in description
    assert "votre dernier entretien date du 26/03/2022" in description
    # Marc (00043), sans raisons données : la nature de ses entretiens, « de Marc ».
    (autre,) = invitation(lire_eml(eml(campagne, "00043"))).walk("VEVENT")
    assert "professionnel de Marc =DUPONT" in str(autre["description"])


def test_rh_qui_conduit_pas_en_copie_de_son_propre_courriel(campagne: Path) -> None:
    """Le signataire RH conduit l'entretien : son adresse est celle qui envoie, pas de Cc ;
    l'agenda le garde comme organisateur. Relancé, le brouillon n'est pas refait."""
    entretiens, registre = tables()
    rh = entretiens["matricule"] == "00042"
    entretiens.loc[rh, ["conducteur", "email_conducteur"]] = ["Claire Martin", "rh@exemple-fils.fr"]
    preparer_publipostage(campagne, entretiens, registre, parametres(), horodatage=HORODATAGE)
    message = lire_eml(eml(campagne, "00042"))
    assert message["Cc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["elodie.lefevre@exemple.fr"]
    (evenement,) = invitation(message).walk("VEVENT")
    assert str(evenement["organizer"]) == "mailto:rh@exemple-fils.fr"
    bilan = preparer_publipostage(
        campagne, entretiens, registre, parametres(), horodatage=HORODATAGE
    )
    assert bilan.conserves == 2 and bilan.remplaces == 0
    assert not [a for a in bilan.avertissements if a.code == "brouillon-mis-a-jour"]
