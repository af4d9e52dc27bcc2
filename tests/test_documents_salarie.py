"""Ce que reçoit le salarié dit ce dont il a besoin, rien d'autre ; écrit pour la personne.

Un registre construit dans tmp_path (lu par le vrai lecteur Excel) donne une palette de
salariés : chaque type d'obligation, les deux régimes, une civilité inconnue, un prénom
qui commence par une voyelle, un salarié sans adresse électronique. La campagne et le
publipostage sont produits par les fonctions de cœur ; chaque texte destiné au salarié
est relu (convocation, support, compte-rendu avec python-docx, courriel et invitation
avec `email` et `icalendar`) : aucune chaîne du calcul de conformité n'y figure.
"""

from __future__ import annotations

import csv
import email
import email.policy
import re
from datetime import date, timedelta
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from icalendar import Calendar

from pipeline.campagne import Campagne, produire_convocations, raisons_des_convocations
from pipeline.config import depuis_dict
from pipeline.publipostage import preparer_publipostage
from pipeline.registre import lire_registre
from pipeline.relecture_planning import lire_planning
from tests.conftest import ecrire_classeur

AU = date(2027, 11, 26)
D = date.fromisoformat

SALARIES = [
    ["Matricule", "Civilité", "Nom", "Prénom", "Email", "Date de naissance", "Date d'entrée",
     "Poste", "Service", "Matricule manager", "Date visite mi-carrière"],
    ["M1", "Mme", "Roux", "Sophie", "sophie.roux@menuiserie.fr", D("1975-02-01"),
     D("2005-01-03"), "Cheffe d'atelier", "Atelier", None, None],
    # Périodique (dernier entretien le 01/11/2023).
    ["P1", "M.", "Martin", "Paul", "paul.martin@menuiserie.fr", D("1985-04-02"),
     D("2015-01-05"), "Menuisier", "Atelier", "M1", None],
    # Premier entretien ; pas d'adresse électronique : convocation remise en main propre.
    ["P2", "Mme", "Hamon", "Chloé", None, D("1995-06-03"), D("2026-12-15"), "Vendeuse",
     "Atelier", "M1", None],
    # État des lieux à 8 ans (15/11/2027), un seul entretien, aucune formation libre : le
    # moteur calcule un abondement correctif dû ; civilité inconnue.
    ["P3", None, "Dupont", "Camille", "camille.dupont@menuiserie.fr", D("1990-03-10"),
     D("2019-11-15"), "Poseur", "Atelier", "M1", None],
    # Retour de congé de maternité (reprise le 08/11/2027) ; prénom en voyelle.
    ["P4", "Mme", "Rousseau", "Émilie", "emilie.rousseau@menuiserie.fr", D("1988-09-04"),
     D("2010-05-03"), "Comptable", "Atelier", "M1", None],
    # Mi-carrière (visite le 20/10/2027).
    ["P5", "M.", "Bernard", "Luc", "luc.bernard@menuiserie.fr", D("1982-06-01"),
     D("2012-02-01"), "Magasinier", "Atelier", "M1", D("2027-10-20")],
    # Avant 60 ans (le 15/01/2028).
    ["P6", "M.", "Leroy", "Alain", "alain.leroy@menuiserie.fr", D("1968-01-15"),
     D("2000-09-01"), "Chauffeur", "Atelier", "M1", None],
]  # fmt: skip
ENTRETIENS = [
    ["Matricule", "Date", "Type", "Conduit par"],
    ["P1", D("2023-11-01"), "Périodique", "Sophie Roux"],
    ["P3", D("2022-03-26"), "Périodique", "Sophie Roux"],
    ["P4", D("2024-06-01"), "Périodique", "Sophie Roux"],
    ["P5", D("2025-03-01"), "Périodique", "Sophie Roux"],
    ["P6", D("2024-12-01"), "Périodique", "Sophie Roux"],
    ["M1", D("2025-06-01"), "Périodique", "Claire Martin"],
]
ABSENCES = [
    ["Matricule", "Motif", "Date de début", "Date de fin", "Date de reprise"],
    ["P4", "Congé de maternité", D("2026-12-01"), D("2027-11-07"), D("2027-11-08")],
]
FORMATIONS = [
    ["Matricule", "Intitulé", "Date", "Obligatoire", "Certifiante"],
    ["P3", "Habilitation électrique", D("2021-03-15"), "oui", "non"],
]

# Le calcul de conformité, qui ne doit jamais atteindre le salarié avant l'entretien.
CALCUL = (
    "échéance retenue",
    "échu",
    "en retard",
    "manquement",
    "2222",
    "C. civ",
    "entretien(s) sur",
    "prévu(s)",
    "abondement correctif",
    "R6323",
    "L6323-13",
    "Caisse des dépôts",
    "€",
    "dû le",
    "à verser",
    "formation non obligatoire",
    "délai",
    "effectif",
)


def _parametres(regime: str):
    return depuis_dict(
        {
            "entreprise": {
                "raison_sociale": "Menuiserie Lefèvre",
                "signataire": "Nadia Benali",
                "email_rh": "rh@menuiserie.fr",
                "effectif": 118,
            },
            "regles": {"regime": regime},
            "planning": {"delai_max_jours": 28, "lieux": ["Salle A", "Salle B"]},
            "publipostage": {"expediteur": "rh@menuiserie.fr"},
        }
    )


@pytest.fixture(scope="module", params=["2025", "2014"])
def campagne(request, tmp_path_factory) -> tuple[str, Campagne]:
    regime = request.param
    dossier = tmp_path_factory.mktemp(f"regime{regime}")
    chemin = ecrire_classeur(
        dossier,
        {
            "Salariés": SALARIES,
            "Entretiens": ENTRETIENS,
            "Absences": ABSENCES,
            "Formations": FORMATIONS,
        },
    )
    registre, parametres = lire_registre(chemin), _parametres(regime)
    c = Campagne(dossier / "sorties", "palette")
    produire_convocations(c, registre, parametres, AU, chemin, None, jobs=1)
    planning = lire_planning(c.planning, registre, parametres)
    raisons = raisons_des_convocations(registre, parametres, AU, planning.entretiens)
    preparer_publipostage(
        c.dossier, planning.entretiens, registre.salaries, parametres, raisons=raisons
    )
    return regime, c


def _texte_docx(chemin: Path) -> str:
    """Tout le texte du document, tableaux imbriqués compris, paragraphe par paragraphe."""
    corps = docx.Document(str(chemin)).element.body
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in corps.iter(qn("w:p"))
    ).replace("\u00a0", " ")


def _message(c: Campagne, matricule: str) -> email.message.EmailMessage:
    (chemin,) = (c.dossier / "publipostage" / "brouillons").glob(f"{matricule}_*.eml")
    return email.message_from_bytes(chemin.read_bytes(), policy=email.policy.default)


def _textes_salarie(c: Campagne) -> dict[str, dict[str, str]]:
    """matricule -> {document : texte} de tout ce que reçoit chaque salarié convoqué."""
    textes: dict[str, dict[str, str]] = {}
    for dossier in sorted(c.salaries.iterdir()):
        matricule = dossier.name.split("_")[0]
        documents = {
            nom: _texte_docx(dossier / f"{nom}.docx")
            for nom in ("convocation", "support_preparation", "compte_rendu")
        }
        brouillons = list((c.dossier / "publipostage" / "brouillons").glob(f"{matricule}_*"))
        if brouillons:
            message = _message(c, matricule)
            documents["courriel"] = (
                message["Subject"]
                + "\n"
                + (message.get_body(preferencelist=("plain",)).get_content())
            )
            calendrier = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
            (evenement,) = Calendar.from_ical(calendrier.get_content()).walk("VEVENT")
            documents["invitation"] = "\n".join(
                str(evenement[cle]) for cle in ("summary", "description", "location")
            )
        textes[matricule] = documents
    return textes


def test_aucun_calcul_dans_ce_que_recoit_le_salarie(campagne) -> None:
    regime, c = campagne
    textes = _textes_salarie(c)
    types = {t for d in c.salaries.iterdir() for t in _types_de(c, d.name.split("_")[0])}
    attendus = (
        {"periodique", "premier", "etat_des_lieux", "retour", "mi_carriere", "avant_60"}
        if regime == "2025"
        else {"periodique", "etat_des_lieux", "retour"}
    )
    assert attendus <= types, types  # la palette couvre tous les types du régime
    for matricule, documents in textes.items():
        for nom, texte in documents.items():
            for chaine in CALCUL:
                assert chaine not in texte, (regime, matricule, nom, chaine)


def _types_de(c: Campagne, matricule: str) -> list[str]:
    """Les types de l'entretien du salarié, d'après le planning de la campagne."""
    planning = openpyxl.load_workbook(c.planning)["Planning"]
    en_tetes = [x.value for x in planning[1]]
    for ligne in planning.iter_rows(min_row=2, values_only=True):
        if ligne[0] == matricule:
            return [_CODES[t.strip()] for t in ligne[en_tetes.index("Types")].split(",")]
    return []


_CODES = {
    "Premier entretien": "premier",
    "Entretien périodique": "periodique",
    "État des lieux récapitulatif": "etat_des_lieux",
    "Retour de congé": "retour",
    "Entretien de mi-carrière": "mi_carriere",
    "Entretien avant 60 ans": "avant_60",
}


def test_une_raison_en_clair_par_type_d_obligation(campagne) -> None:
    regime, c = campagne
    textes = _textes_salarie(c)
    convocations = {m: d["convocation"] for m, d in textes.items()}
    ans = "huit" if regime == "2025" else "six"
    assert (
        f"État des lieux récapitulatif de vos {ans} dernières années de parcours"
        in convocations["P3"]
    )
    assert "Entretien de retour : reprise d'activité le 08/11/2027, après votre congé de " \
        "maternité" in convocations["P4"]  # fmt: skip
    if regime == "2025":
        assert (
            "Entretien périodique : votre dernier entretien date du 01/11/2023"
            in (convocations["P1"])
        )
        assert "Premier entretien depuis votre embauche le 15/12/2026" in convocations["P2"]
        assert (
            "Entretien de mi-carrière, après votre visite médicale de mi-carrière du 20/10/2027"
            in convocations["P5"]
        )
        assert "Entretien avant vos 60 ans" in convocations["P6"]
    else:
        # Régime 2014 : l'« entretien professionnel », jamais « de parcours professionnel ».
        assert "entretien professionnel" in convocations["P1"]
        assert "entretien de parcours professionnel" not in convocations["P1"]
    # Le courriel et l'invitation reprennent les phrases de la convocation.
    courriel = textes["P4"]["courriel"]
    assert "reprise d'activité le 08/11/2027, après votre congé de maternité" in courriel
    assert "après votre congé de maternité" in textes["P4"]["invitation"].replace("\n", " ")


def test_lettres_ecrites_pour_la_personne(campagne) -> None:
    _, c = campagne
    textes = _textes_salarie(c)
    for matricule, documents in textes.items():
        for nom, texte in documents.items():
            assert "(e)" not in texte, (matricule, nom)
            assert not re.search(r"\bde [AEIOUYÉÈÊÀÂÎÔ][a-zé]", texte.replace("de Hamon", "")), (
                matricule,
                nom,
            )
    # Mme : « Salariée », « La salariée » ; civilité inconnue : la formulation neutre.
    assert "Salariée" in textes["P4"]["support_preparation"]
    assert "La salariée" in textes["P4"]["compte_rendu"]
    assert "Commentaires de la salariée" in textes["P4"]["compte_rendu"]
    assert "Le salarié" in textes["P1"]["compte_rendu"]
    assert "Personne salariée" in textes["P3"]["support_preparation"]
    assert "La personne salariée" in textes["P3"]["compte_rendu"]
    assert "Madame, Monsieur," in textes["P3"]["convocation"]
    # Élision devant une voyelle, dans l'invitation.
    assert "professionnel d'Émilie ROUSSEAU" in textes["P4"]["invitation"]
    assert "de Paul MARTIN" in textes["P1"]["invitation"]


# Régime 2025 seulement : P2, embauchée en décembre 2026, n'a pas d'entretien dû en 2014.
@pytest.mark.parametrize("campagne", ["2025"], indirect=True)
def test_sans_courriel_remise_en_main_propre_contre_decharge(campagne) -> None:
    _, c = campagne
    textes = _textes_salarie(c)
    for matricule, documents in textes.items():
        decharge = "Remis en main propre contre décharge" in documents["convocation"]
        assert decharge is (matricule == "P2"), matricule
    assert "Signature de la salariée :" in textes["P2"]["convocation"]
    assert "courriel" not in textes["P2"]  # aucun brouillon pour elle
    with open(
        c.dossier / "publipostage" / "courriers_papier.csv", encoding="utf-8-sig", newline=""
    ) as f:
        (papier,) = list(csv.DictReader(f, delimiter=";"))
    assert papier["Matricule"] == "P2"
    assert papier["Remise"].startswith("en main propre contre décharge")


def test_etat_des_lieux_rempli_a_l_entretien(campagne) -> None:
    """Daté du jour de l'entretien, critères du registre à confirmer, abondement à cocher :
    jamais le verdict, le montant ni la date limite calculés par le moteur."""
    regime, c = campagne
    (dossier,) = [d for d in c.salaries.iterdir() if d.name.startswith("P3_")]
    texte = _texte_docx(dossier / "etat_des_lieux.docx")
    convocation = _texte_docx(dossier / "convocation.docx")
    jour = re.search(r"Date\n(\w+ \d+(?:er)? \w+ \d{4})", convocation).group(1)
    assert f"Établi le {jour}, à l'issue de l'entretien." in texte
    assert "26 novembre 2027" not in texte  # la date d'envoi des convocations
    assert "D'après le registre" in texte and "Constaté" in texte
    # commandes.md : le montant et l'échéance de versement selon l'effectif ; l'issue se
    # coche à l'entretien (jamais le verdict du moteur).
    assert "☐ Aucun abondement correctif n'est dû" in texte
    assert "☐ Un abondement correctif de 3 000 € est dû" in texte
    assert "salariés (effectif au sens de l'art. L130-1" in texte
    versement = re.search(r"soit le (\d\d)/(\d\d)/(\d{4}) pour un entretien tenu le "
                          r"(\d\d)/(\d\d)/(\d{4}) \(art. R6323-3\)", texte)  # fmt: skip
    assert versement, texte
    limite = date(*map(int, versement.group(3, 2, 1)))
    tenu = date(*map(int, versement.group(6, 5, 4)))
    mois_suivant = (tenu.month - 1) // 3 * 3 + 7  # 1er mois du trimestre d'après le suivant
    premier = date(tenu.year + (mois_suivant > 12), (mois_suivant - 1) % 12 + 1, 1)
    assert limite == premier - timedelta(days=1)
    for verdict in ("est dû sur", "entretien(s) sur", "à verser au CPF"):
        assert verdict not in texte, verdict
    # La même période, en clair : « six » ou « huit » ans selon le régime.
    assert f"Tous les {6 if regime == '2014' else 8} ans" in texte
