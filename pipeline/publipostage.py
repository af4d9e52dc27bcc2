"""Publipostage des convocations : tableurs, brouillons `.eml`, invitations `.ics`.

`preparer_publipostage` écrit `<campagne>/publipostage/` : un tableur pour le
publipostage Word/Outlook, un brouillon `.eml` par salarié (`X-Unsent: 1` : Outlook
l'ouvre comme un message prêt à envoyer) avec la convocation, le support de préparation
et une invitation d'agenda, et la liste des courriers papier pour ceux qui n'ont pas
d'adresse électronique (jamais d'oubli silencieux). L'envoi de ces brouillons par SMTP
est une étape séparée, car le service RH choisit son canal : voir `envoi.py`.
"""

from __future__ import annotations

import email.policy
import hashlib
import mimetypes
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event, vCalAddress

from pipeline.campagne import (
    COURRIERS_PAPIER,
    DOSSIER_BROUILLONS,
    DOSSIER_PUBLIPOSTAGE,
    DOSSIER_SALARIES,
    MANIFESTE,
    PERIME,
    PUBLIPOSTAGE_CSV,
    PUBLIPOSTAGE_XLSX,
    lire_manifeste,
)
from pipeline.config import Parametres
from pipeline.erreurs import Anomalie, ErreurEntretiens, Rapport
from pipeline.fichiers import (
    CONSERVE,
    CREE,
    REMPLACE,
    ecrire_fichier,
    nom_dossier_salarie,
    nom_fichier_sur,
)
from pipeline.formats import (
    FORMAT_DATE_COURTE,
    adresse_courriel,
    date_courte,
    date_longue,
    de,
    duree_fr,
    en_date,
    en_texte,
    heure_courte,
    heure_fr,
    lire_heure,
)
from pipeline.libelles import INTITULES, LIBELLES_TYPES_DOCUMENTS
from pipeline.modeles import DOSSIER_MODELES
from pipeline.tableurs import Feuille, ecrire_csv, ecrire_xlsx

MODELE_COURRIEL = DOSSIER_MODELES / "courriel_convocation.txt"
# Empreinte de ce que dit un brouillon (destinataires, texte, pièces jointes) : s'il ne
# correspond plus aux données, il est refait. Retiré avant l'envoi, comme X-Unsent.
EN_TETE_EMPREINTE = "X-Entretiens-Empreinte"
FUSEAU = "Europe/Paris"
PRODID = "-//entretiens//Entretiens professionnels//FR"

# En-têtes des tableurs de publipostage. Word (et donc Outlook, qui passe par Word) fait
# des noms de colonnes des noms de champs de fusion : lettres, chiffres et « _ », au plus
# 40 caractères, commençant par une lettre. On s'en tient à l'ASCII sans espace : aucune
# version de Word ne les déforme, et ils restent lisibles (« Code_postal »).
EN_TETES_PUBLIPOSTAGE = {
    "matricule": "Matricule",
    "civilite": "Civilite",
    "nom": "Nom",
    "prenom": "Prenom",
    "courriel": "Courriel",
    "adresse": "Adresse",
    "code_postal": "Code_postal",
    "ville": "Ville",
    "conducteur": "Conducteur",
    "courriel_conducteur": "Courriel_conducteur",
    "date_longue": "Date_longue",
    "date": "Date_entretien",
    "heure": "Heure",
    "heure_fin": "Heure_fin",
    "duree": "Duree",
    "lieu": "Lieu",
    "nature": "Nature",
    "objet": "Objet",
    "pieces_jointes": "Pieces_jointes",
    "envoi": "Envoi",
    "brouillon": "Brouillon",
}
# Lues par le publipostage de Word, pas par qui imprime la liste : repliées sous un « + ».
COLONNES_PUBLIPOSTAGE_DETAIL = (
    "adresse",
    "code_postal",
    "ville",
    "courriel_conducteur",
    "date",
    "heure_fin",
    "duree",
    "objet",
    "pieces_jointes",
    "brouillon",
)
EN_TETES_PAPIER = {
    "matricule": "Matricule",
    "civilite": "Civilite",
    "nom": "Nom",
    "prenom": "Prenom",
    "adresse": "Adresse",
    "code_postal": "Code_postal",
    "ville": "Ville",
    "date_longue": "Date_longue",
    "heure": "Heure",
    "lieu": "Lieu",
    "convocation": "Convocation",
    "remise": "Remise",
    "raison": "Raison",
}
# Ce que dit `courriers_papier.csv` de chaque convocation papier : la convocation porte le
# bloc « Remis en main propre contre décharge » que le salarié signe (modèle Word).
REMISE_PAPIER = "en main propre contre décharge (signature du salarié sur la convocation)"
ENVOI_COURRIEL, ENVOI_PAPIER = "courriel", "papier"
# Variables du modèle de courriel (documentées en tête de courriel_convocation.txt).
VARIABLES_COURRIEL = (
    "civilite",
    "salutation",
    "prenom",
    "nom",
    "matricule",
    "intitule",
    "types",
    "motifs",
    "date",
    "date_courte",
    "heure",
    "heure_fin",
    "duree",
    "lieu",
    "conducteur",
    "courriel_conducteur",
    "pieces_jointes",
    "entreprise",
    "signataire",
    "fonction_signataire",
    "courriel_rh",
    "telephone_rh",
)

_TYPES_MIME = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("application", "pdf"),
}
_DOCUMENTS_JOINTS = (
    ("convocation", "Convocation"),
    ("support_preparation", "Support de préparation"),
)
_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


# --- résultats ------------------------------------------------------------------------


@dataclass
class BilanPublipostage:
    """Ce que `preparer_publipostage` a produit, pour l'affichage de la CLI."""

    dossier: Path
    entretiens: int = 0
    brouillons: list[Path] = field(default_factory=list)
    crees: int = 0
    conserves: int = 0
    remplaces: int = 0
    # « MATRICULE NOM Prénom » de chaque salarié à convoquer par courrier papier.
    courriers_papier: list[str] = field(default_factory=list)
    avertissements: list[Anomalie] = field(default_factory=list)
    fichiers: list[Path] = field(default_factory=list)


# --- modèle de courriel ---------------------------------------------------------------


@dataclass(frozen=True)
class ModeleCourriel:
    objet: str
    corps: str

    def rendre(self, valeurs: Mapping[str, str]) -> tuple[str, str]:
        def remplacer(m: re.Match[str]) -> str:
            return str(valeurs[m.group(1)])

        # Un retour à la ligne dans l'objet casserait l'en-tête Subject.
        objet = " ".join(_VARIABLE.sub(remplacer, self.objet).split())
        return objet, _VARIABLE.sub(remplacer, self.corps).strip() + "\n"


def lire_modele_courriel(chemin: Path = MODELE_COURRIEL) -> ModeleCourriel:
    """Lit et valide le modèle texte ; toute variable inconnue est une erreur localisée."""
    chemin = Path(chemin)
    try:
        texte = chemin.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ErreurEntretiens.simple(
            "modele-introuvable",
            f"Le modèle de courriel « {chemin} » est introuvable. Restaurez "
            "modeles_word/courriel_convocation.txt.",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ErreurEntretiens.simple(
            "modele-illisible",
            f"Le modèle de courriel « {chemin} » n'est pas en UTF-8 : enregistrez-le en "
            "« UTF-8 » depuis votre éditeur de texte.",
        ) from exc
    rapport = Rapport()
    objet: str | None = None
    corps: list[str] = []
    for numero, ligne in enumerate(texte.splitlines(), start=1):
        if objet is None:
            if ligne.lstrip().startswith("#") or not ligne.strip():
                continue
            m = re.match(r"\s*objet\s*:\s*(.*)$", ligne, flags=re.IGNORECASE)
            if not m or not m.group(1).strip():
                rapport.erreur(
                    "modele-sans-objet",
                    "La première ligne du modèle de courriel doit être « Objet : … ».",
                    feuille=chemin.name,
                    ligne=numero,
                )
                break
            objet = m.group(1).strip()
        else:
            corps.append(ligne)
        for variable in _VARIABLE.findall(ligne):
            if variable not in VARIABLES_COURRIEL:
                rapport.erreur(
                    "variable-inconnue",
                    f"Variable {{{variable}}} inconnue dans le modèle de courriel. Variables "
                    "possibles : " + ", ".join(f"{{{v}}}" for v in VARIABLES_COURRIEL) + ".",
                    feuille=chemin.name,
                    ligne=numero,
                    valeur=variable,
                )
    if objet is None and not rapport.erreurs:
        rapport.erreur(
            "modele-sans-objet",
            "Le modèle de courriel est vide : il faut au moins une ligne « Objet : … ».",
            feuille=chemin.name,
        )
    rapport.lever_si_erreurs(f"Modèle de courriel invalide : {chemin}.")
    return ModeleCourriel(objet=objet or "", corps="\n".join(corps))


# --- préparation ----------------------------------------------------------------------


@dataclass
class _Convocation:
    """Tout ce qu'il faut pour une ligne de tableur et un brouillon."""

    matricule: str
    civilite: str
    nom: str
    prenom: str
    courriel: str
    adresse: str
    code_postal: str
    ville: str
    conducteur: str
    courriel_conducteur: str
    debut: datetime
    fin: datetime
    lieu: str
    types: list[str]
    raisons: list[str]  # pourquoi il est convoqué, en clair (contexte.motifs[].raison)
    dossier: str
    pieces: list[tuple[Path, str]]  # (fichier source, nom de la pièce jointe)
    raison_papier: str = ""

    @property
    def minutes(self) -> int:
        return int((self.fin - self.debut).total_seconds() // 60)


def preparer_publipostage(
    dossier_campagne: Path,
    entretiens: pd.DataFrame,
    salaries: pd.DataFrame,
    parametres: Parametres,
    pdf: bool = False,
    remplacer: bool = False,
    progression: Callable[[int], None] | None = None,
    *,
    modele: Path | None = None,
    horodatage: datetime | None = None,
    raisons: Mapping[str, list[str]] | None = None,
) -> BilanPublipostage:
    """Écrit `<campagne>/publipostage/` : tableurs, brouillons `.eml`, courriers papier.

    `raisons` : matricule -> pourquoi il est convoqué, en langage simple, les phrases de sa
    convocation (`campagne.raisons_des_convocations`) ; à défaut, la nature de chaque
    entretien. Jamais le calcul de conformité (motifs du planning), qui est interne.
    `horodatage` date les brouillons (en-tête Date, DTSTAMP) ; par défaut, maintenant.
    Un brouillon existant n'est jamais écrasé (il a pu être retouché) ; `remplacer` le
    régénère en gardant l'ancien et incrémente la SEQUENCE de l'invitation, pour que
    l'agenda du destinataire remplace l'ancien rendez-vous au lieu de l'ignorer.
    """
    dossier_campagne = Path(dossier_campagne)
    _verifier_preparation(dossier_campagne, parametres)
    gabarit = lire_modele_courriel(modele or MODELE_COURRIEL)
    horodatage = horodatage or datetime.now(UTC)
    if horodatage.tzinfo is None:
        horodatage = horodatage.astimezone()
    campagne = dossier_campagne.name
    sortie = dossier_campagne / DOSSIER_PUBLIPOSTAGE
    brouillons = sortie / DOSSIER_BROUILLONS
    bilan = BilanPublipostage(dossier=sortie, entretiens=len(entretiens))

    convocations = _convocations(dossier_campagne, entretiens, salaries, pdf, bilan, raisons or {})
    _refuser_perimees(dossier_campagne, convocations)
    brouillons.mkdir(parents=True, exist_ok=True)

    lignes: list[dict[str, Any]] = []
    papier: list[dict[str, Any]] = []
    for c in convocations:
        valeurs = _valeurs_courriel(c, parametres)
        objet, corps = gabarit.rendre(valeurs)
        chemin_eml = brouillons / f"{c.dossier}.eml"
        if c.courriel:
            _ecrire_brouillon(
                c,
                chemin_eml,
                objet,
                corps,
                parametres,
                bilan,
                campagne=campagne,
                horodatage=horodatage,
                remplacer=remplacer,
            )
        else:
            bilan.courriers_papier.append(f"{c.matricule} {c.nom} {c.prenom}")
            bilan.avertissements.append(
                Anomalie(
                    "courrier-papier",
                    f"{c.prenom} {c.nom} ({c.matricule}) : {c.raison_papier} ; "
                    f"convocation à remettre en main propre ou par courrier "
                    f"(voir {COURRIERS_PAPIER}).",
                    gravite="avertissement",
                )
            )
            papier.append(_ligne_papier(c, dossier_campagne))
        lignes.append(_ligne_publipostage(c, valeurs["types"], objet, chemin_eml))
        if progression:
            progression(1)
    bilan.fichiers = _ecrire_tableurs(sortie, lignes, papier)
    return bilan


def _verifier_preparation(dossier_campagne: Path, parametres: Parametres) -> None:
    """Refuse de préparer quoi que ce soit sans campagne ni expéditeur valable."""
    if not dossier_campagne.is_dir():
        raise ErreurEntretiens.simple(
            "campagne-introuvable",
            f"Le dossier de campagne « {dossier_campagne} » n'existe pas. Lancez d'abord "
            "« entretiens convocations ».",
        )
    expediteur = parametres.publipostage.expediteur
    if not _courriel_valide(expediteur)[0]:
        raise ErreurEntretiens.simple(
            "parametre-invalide",
            f"« publipostage.expediteur » doit être une adresse électronique (lu : "
            f"« {expediteur} ») : corrigez parametres.toml.",
            feuille="parametres.toml",
            colonne="publipostage.expediteur",
        )


def _ecrire_brouillon(
    c: _Convocation,
    chemin_eml: Path,
    objet: str,
    corps: str,
    parametres: Parametres,
    bilan: BilanPublipostage,
    *,
    campagne: str,
    horodatage: datetime,
    remplacer: bool,
) -> None:
    sequence, ancien, ancienne_empreinte = _brouillon_existant(chemin_eml)
    empreinte = _empreinte_brouillon(c, objet, corps)
    # Un brouillon qui annonce une autre date ou un autre lieu que le planning, ou dont
    # les pièces jointes et les destinataires ont changé (convocation refaite, nouveau
    # conducteur en copie), ne doit jamais partir : il est refait (l'ancien gardé dans
    # anciennes_versions/, jamais envoyé) et l'invitation passe à la séquence suivante, ce qui
    # met à jour l'agenda de ceux qui avaient déjà reçu la première.
    expediteur = _courriel_valide(parametres.publipostage.expediteur)[0]
    copie = _copie_au_conducteur(c, expediteur, _courriel_valide(parametres.entreprise.email_rh)[0])
    destinataires = {a.lower() for a in (c.courriel, c.courriel_conducteur if copie else "") if a}
    deplace = bool(ancien) and (
        ancien != (c.debut, c.lieu, destinataires) or ancienne_empreinte not in ("", empreinte)
    )
    if deplace and not remplacer:
        bilan.avertissements.append(
            Anomalie(
                "brouillon-mis-a-jour",
                f"La convocation {de(f'{c.prenom} {c.nom}')} a changé (rendez-vous, conducteur ou "
                "document joint) : son brouillon est refait (l'ancien est gardé dans "
                "anciennes_versions/).",
                feuille=chemin_eml.name,
                gravite="avertissement",
            )
        )
    message = _construire_message(
        c,
        objet,
        corps,
        parametres,
        campagne=campagne,
        horodatage=horodatage,
        sequence=sequence + 1 if (ancien and (remplacer or deplace)) else 0,
    )
    message[EN_TETE_EMPREINTE] = empreinte
    statut = ecrire_fichier(chemin_eml, message.as_bytes(), remplacer=remplacer or deplace)
    bilan.crees += statut == CREE
    bilan.conserves += statut == CONSERVE
    bilan.remplaces += statut == REMPLACE
    bilan.brouillons.append(chemin_eml)


def _ligne_papier(c: _Convocation, dossier_campagne: Path) -> dict[str, Any]:
    return {
        "matricule": c.matricule,
        "civilite": c.civilite,
        "nom": c.nom,
        "prenom": c.prenom,
        "adresse": c.adresse,
        "code_postal": c.code_postal,
        "ville": c.ville,
        "date_longue": date_longue(c.debut),
        "heure": heure_courte(c.debut),
        "lieu": c.lieu,
        "convocation": c.pieces[0][0].relative_to(dossier_campagne).as_posix(),
        "remise": REMISE_PAPIER,
        "raison": c.raison_papier,
    }


def _ligne_publipostage(
    c: _Convocation, nature: str, objet: str, chemin_eml: Path
) -> dict[str, Any]:
    return {
        "matricule": c.matricule,
        "civilite": c.civilite,
        "nom": c.nom,
        "prenom": c.prenom,
        "courriel": c.courriel,
        "adresse": c.adresse,
        "code_postal": c.code_postal,
        "ville": c.ville,
        "conducteur": c.conducteur,
        "courriel_conducteur": c.courriel_conducteur,
        "date_longue": date_longue(c.debut),
        "date": pd.Timestamp(c.debut.date()),
        "heure": heure_courte(c.debut),
        "heure_fin": heure_courte(c.fin),
        "duree": duree_fr(c.minutes),
        "lieu": c.lieu,
        "nature": nature,
        "objet": objet,
        "pieces_jointes": " ; ".join(nom for _, nom in c.pieces),
        "envoi": ENVOI_COURRIEL if c.courriel else ENVOI_PAPIER,
        "brouillon": f"{DOSSIER_BROUILLONS}/{chemin_eml.name}" if c.courriel else "",
    }


def _ecrire_tableurs(
    sortie: Path, lignes: list[dict[str, Any]], papier: list[dict[str, Any]]
) -> list[Path]:
    tableau = pd.DataFrame(lignes, columns=list(EN_TETES_PUBLIPOSTAGE))
    tableau["date"] = pd.to_datetime(tableau["date"])
    # Dérivés des brouillons : réécrits à chaque fois, atomiquement, sans ancienne version
    # (elles s'accumuleraient à chaque relance).
    ecrire_xlsx(
        sortie / PUBLIPOSTAGE_XLSX,
        {
            "Publipostage": Feuille(
                tableau, en_tetes=EN_TETES_PUBLIPOSTAGE, details=COLONNES_PUBLIPOSTAGE_DETAIL
            )
        },
        garder_ancien=False,
    )
    ecrire_csv(
        sortie / PUBLIPOSTAGE_CSV,
        tableau,
        en_tetes=EN_TETES_PUBLIPOSTAGE,
        format_date=FORMAT_DATE_COURTE,
        garder_ancien=False,
    )
    # Toujours écrit, même vide : « aucun courrier papier » se constate, il ne se devine pas.
    ecrire_csv(
        sortie / COURRIERS_PAPIER,
        pd.DataFrame(papier, columns=list(EN_TETES_PAPIER)),
        en_tetes=EN_TETES_PAPIER,
        garder_ancien=False,
    )
    return [sortie / PUBLIPOSTAGE_XLSX, sortie / PUBLIPOSTAGE_CSV, sortie / COURRIERS_PAPIER]


def _refuser_perimees(dossier_campagne: Path, convocations: list[_Convocation]) -> None:
    """Refuse d'envoyer une pièce jointe que le manifeste signale périmée.

    Une convocation retouchée à la main puis dont l'entretien a été déplacé est conservée
    par « entretiens convocations » (jamais d'écrasement), mais elle annonce l'ancienne
    date : l'envoyer avec un objet et une invitation à la nouvelle date serait pire que
    ne rien envoyer.
    """
    perimes = {
        chemin for chemin, ligne in lire_manifeste(dossier_campagne).items()
        if ligne.get("perime") == PERIME
    }  # fmt: skip
    if not perimes:
        return
    rapport = Rapport()
    for c in convocations:
        for source, _nom in c.pieces:
            # Le PDF est converti du .docx : il est périmé si le .docx l'est.
            chemin = source.relative_to(dossier_campagne).with_suffix(".docx").as_posix()
            if chemin in perimes:
                rapport.erreur(
                    "convocation-perimee",
                    f"« {chemin} » ({c.prenom} {c.nom}, {c.matricule}) a été modifié à la "
                    "main mais ne correspond plus au planning ou au registre (entretien "
                    "déplacé…). Renommez ou déplacez ce fichier (gardez-le s'il est signé), "
                    "relancez « entretiens convocations » pour le régénérer, puis le "
                    "publipostage.",
                    feuille=MANIFESTE,
                )
    rapport.lever_si_erreurs(
        "Publipostage impossible : des convocations sont périmées (modifiées à la main, "
        "puis leurs données ont changé)."
    )


def _convocations(
    dossier_campagne: Path,
    entretiens: pd.DataFrame,
    salaries: pd.DataFrame,
    pdf: bool,
    bilan: BilanPublipostage,
    raisons: Mapping[str, list[str]],
) -> list[_Convocation]:
    """Joint planning et registre ; vérifie toutes les pièces jointes avant toute écriture."""
    fiches = {
        str(s["matricule"]): s
        for s in (salaries.to_dict("records") if salaries is not None else [])
    }
    rapport = Rapport()
    resultat = []
    for rang, e in enumerate(entretiens.to_dict("records"), start=2):
        matricule = en_texte(e.get("matricule"))
        nom, prenom = en_texte(e.get("nom")), en_texte(e.get("prenom"))
        lieu_erreur = {"feuille": "planning", "ligne": rang}
        debut = _debut(e, rapport, lieu_erreur)
        if debut is None:
            continue
        dossier = nom_dossier_salarie(matricule, nom, prenom)
        pieces = _pieces_jointes(
            dossier_campagne / DOSSIER_SALARIES / dossier, nom, prenom, pdf, rapport, lieu_erreur
        )
        fiche = fiches.get(matricule)
        if fiche is None:
            bilan.avertissements.append(
                Anomalie(
                    "matricule-inconnu",
                    f"Le matricule {matricule} du planning est absent du registre : "
                    "ni adresse électronique ni adresse postale connues.",
                    gravite="avertissement",
                    **lieu_erreur,
                )
            )
            fiche = {}
        resultat.append(_convocation(e, fiche, debut, dossier, pieces, raisons.get(matricule)))
    rapport.lever_si_erreurs(
        "Publipostage impossible : des entretiens ou des documents de la campagne manquent."
    )
    return resultat


def _debut(e: Mapping[str, Any], rapport: Rapport, lieu_erreur: dict[str, Any]) -> datetime | None:
    """Début de l'entretien, heure de Paris ; None (erreur notée) sans date ou heure lisible."""
    try:
        jour = en_date(e.get("date"))
    except ValueError:
        jour = None
    try:
        heure = lire_heure(e.get("heure"))
    except ValueError:
        heure = None
    if jour is None or heure is None:
        matricule = en_texte(e.get("matricule"))
        nom, prenom = en_texte(e.get("nom")), en_texte(e.get("prenom"))
        rapport.erreur(
            "entretien-sans-horaire",
            f"L'entretien {de(f'{prenom} {nom}')} ({matricule}) n'a pas de date ou d'heure "
            "valide (HH:MM) : corrigez le planning.",
            colonne="date" if jour is None else "heure",
            **lieu_erreur,
        )
        return None
    return datetime.combine(jour, heure, tzinfo=ZoneInfo(FUSEAU))


def _pieces_jointes(
    dossier: Path,
    nom: str,
    prenom: str,
    pdf: bool,
    rapport: Rapport,
    lieu_erreur: dict[str, Any],
) -> list[tuple[Path, str]]:
    """(fichier, nom de la pièce jointe) des documents joints ; erreur notée s'il en manque."""
    extension = ".pdf" if pdf else ".docx"
    pieces = []
    for document, libelle in _DOCUMENTS_JOINTS:
        source = dossier / f"{document}{extension}"
        if not source.is_file():
            conseil = (
                "relancez « entretiens convocations --pdf » (LibreOffice requis)"
                if pdf
                else "lancez d'abord « entretiens convocations »"
            )
            rapport.erreur(
                "piece-jointe-manquante",
                f"Pièce jointe introuvable pour {prenom} {nom} : « {source} » ; {conseil}.",
                **lieu_erreur,
            )
            continue
        pieces.append((source, nom_fichier_sur(f"{libelle} {nom.upper()} {prenom}") + extension))
    return pieces


def _convocation(
    e: Mapping[str, Any],
    fiche: Mapping[str, Any],
    debut: datetime,
    dossier: str,
    pieces: list[tuple[Path, str]],
    raisons: list[str] | None,
) -> _Convocation:
    """Une ligne du planning et la fiche du salarié dans le registre ({} si inconnu)."""
    duree = e.get("duree_minutes")
    duree = 60 if duree is None or pd.isna(duree) else int(duree)
    courriel, raison = _courriel_valide(en_texte(fiche.get("email")))
    types = [t.strip() for t in en_texte(e.get("types")).split(",") if t.strip()]
    return _Convocation(
        matricule=en_texte(e.get("matricule")),
        civilite=en_texte(fiche.get("civilite")),
        nom=en_texte(e.get("nom")),
        prenom=en_texte(e.get("prenom")),
        courriel=courriel,
        adresse=en_texte(fiche.get("adresse")),
        code_postal=en_texte(fiche.get("code_postal")),
        ville=en_texte(fiche.get("ville")),
        conducteur=en_texte(e.get("conducteur")),
        courriel_conducteur=_courriel_valide(en_texte(e.get("email_conducteur")))[0],
        debut=debut,
        fin=debut + timedelta(minutes=duree),
        lieu=en_texte(e.get("lieu")),
        types=types,
        raisons=raisons or [LIBELLES_TYPES_DOCUMENTS.get(t, t) for t in types],
        dossier=dossier,
        pieces=pieces,
        raison_papier=raison,
    )


def _courriel_valide(texte: str) -> tuple[str, str]:
    """(adresse telle qu'elle partira, "") si utilisable, sinon ("", raison du courrier papier).

    La règle est celle de `verifier` (formats.adresse_courriel) : une adresse que le
    registre accepte part, avec son domaine accentué en IDNA ; jamais un To: invalide.
    """
    if not texte:
        return "", "aucune adresse électronique dans le registre"
    try:
        return adresse_courriel(texte), ""
    except ValueError as exc:
        return "", f"adresse électronique invalide « {texte} » ({exc})"


def _valeurs_courriel(c: _Convocation, parametres: Parametres) -> dict[str, str]:
    ent = parametres.entreprise
    salutation = {"M.": "Monsieur", "Mme": "Madame"}.get(c.civilite, "Madame, Monsieur")
    return {
        "civilite": c.civilite,
        "salutation": salutation,
        "prenom": c.prenom,
        "nom": c.nom.upper(),
        "matricule": c.matricule,
        "intitule": INTITULES.get(parametres.regles.regime, "entretien professionnel"),
        "types": ", ".join(LIBELLES_TYPES_DOCUMENTS.get(t, t) for t in c.types),
        "motifs": "\n".join(f"- {r}" for r in c.raisons),
        "date": date_longue(c.debut),
        "date_courte": date_courte(c.debut),
        "heure": heure_fr(c.debut),
        "heure_fin": heure_fr(c.fin),
        "duree": duree_fr(c.minutes),
        "lieu": c.lieu,
        "conducteur": c.conducteur,
        "courriel_conducteur": c.courriel_conducteur,
        "pieces_jointes": "\n".join(f"- {nom}" for _, nom in c.pieces),
        "entreprise": ent.raison_sociale,
        "signataire": ent.signataire,
        "fonction_signataire": ent.fonction_signataire,
        "courriel_rh": ent.email_rh,
        "telephone_rh": ent.telephone_rh,
    }


def uid_invitation(campagne: str, matricule: str) -> str:
    """UID stable : la même convocation régénérée met à jour le rendez-vous, sans doublon."""
    empreinte = hashlib.sha256(f"{campagne}\x1f{matricule}".encode()).hexdigest()[:32]
    return f"{empreinte}@entretiens"


def _construire_invitation(
    c: _Convocation,
    parametres: Parametres,
    *,
    campagne: str,
    horodatage: datetime,
    sequence: int = 0,
) -> bytes:
    """VCALENDAR METHOD:REQUEST, un VEVENT en Europe/Paris avec son VTIMEZONE."""
    ent = parametres.entreprise
    organisateur_courriel = (
        c.courriel_conducteur or ent.email_rh or parametres.publipostage.expediteur
    )
    organisateur_nom = c.conducteur or ent.signataire
    calendrier = Calendar()
    calendrier.add("prodid", PRODID)
    calendrier.add("version", "2.0")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("method", "REQUEST")
    evenement = Event()
    evenement.add("uid", uid_invitation(campagne, c.matricule))
    evenement.add("dtstamp", horodatage.astimezone(UTC))
    evenement.add("dtstart", c.debut)
    evenement.add("dtend", c.fin)
    evenement.add("sequence", sequence)
    evenement.add("status", "CONFIRMED")
    evenement.add("transp", "OPAQUE")
    intitule = INTITULES.get(parametres.regles.regime, "entretien professionnel")
    evenement.add("summary", f"{intitule[:1].upper()}{intitule[1:]} – {c.prenom} {c.nom.upper()}")
    evenement.add("location", c.lieu)
    description = [
        f"{intitule[:1].upper()}{intitule[1:]} {de(f'{c.prenom} {c.nom.upper()}')}, "
        f"conduit par {organisateur_nom}.",
        *c.raisons,
        "Ce n'est pas une évaluation : la convocation et le support de préparation sont "
        "joints au courriel.",
    ]
    evenement.add("description", "\n".join(description))
    expediteur = parametres.publipostage.expediteur
    # L'invitation part de l'adresse RH au nom du conducteur : SENT-BY le dit aux agendas,
    # et les réponses (accepter / refuser) vont au conducteur, ORGANIZER.
    sent_by = (
        f"mailto:{expediteur}"
        if expediteur and expediteur.lower() != organisateur_courriel.lower()
        else None
    )
    evenement.add(
        "organizer", vCalAddress.new(organisateur_courriel, cn=organisateur_nom, sent_by=sent_by)
    )
    participants = [(c.courriel, f"{c.prenom} {c.nom.upper()}")]
    if c.courriel_conducteur and c.courriel_conducteur.lower() != c.courriel.lower():
        participants.append((c.courriel_conducteur, organisateur_nom))
    for courriel, nom in participants:
        evenement.add(
            "attendee",
            vCalAddress.new(
                courriel,
                cn=nom,
                cutype="INDIVIDUAL",
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp=True,
            ),
        )
    calendrier.add_component(evenement)
    # Un VTIMEZONE limité à l'année de l'entretien : une seule bascule été/hiver de chaque
    # sorte, sans RDATE, la forme que tous les agendas (Outlook compris) comprennent.
    annee = c.debut.year
    calendrier.add_missing_timezones(first_date=date(annee, 1, 1), last_date=date(annee + 1, 1, 1))
    return calendrier.to_ical()


def _construire_message(
    c: _Convocation,
    objet: str,
    corps: str,
    parametres: Parametres,
    *,
    campagne: str,
    horodatage: datetime,
    sequence: int = 0,
) -> EmailMessage:
    """Le brouillon : texte + invitation (multipart/alternative), puis les pièces jointes."""
    ent = parametres.entreprise
    # La forme qui part (domaine en IDNA) ; l'expéditeur a été contrôlé par
    # _verifier_preparation, une adresse RH invalide n'est pas mise en Reply-To.
    expediteur = _courriel_valide(parametres.publipostage.expediteur)[0]
    courriel_rh = _courriel_valide(ent.email_rh)[0]
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = Address(f"{ent.raison_sociale} – Ressources humaines", addr_spec=expediteur)
    message["To"] = Address(f"{c.prenom} {c.nom.upper()}", addr_spec=c.courriel)
    if _copie_au_conducteur(c, expediteur, courriel_rh):
        message["Cc"] = Address(c.conducteur, addr_spec=c.courriel_conducteur)
    if courriel_rh and courriel_rh.lower() != expediteur.lower():
        message["Reply-To"] = Address(ent.raison_sociale, addr_spec=courriel_rh)
    message["Subject"] = objet
    message["Date"] = format_datetime(horodatage)
    domaine = expediteur.rpartition("@")[2] or "entretiens.invalid"
    message["Message-ID"] = make_msgid(idstring="convocation", domain=domaine)
    message["X-Unsent"] = "1"
    message["X-Entretiens-Matricule"] = c.matricule
    message["X-Entretiens-Campagne"] = campagne
    # Quoted-printable / base64 : le message reste en ASCII 7 bits, accepté par tout
    # serveur SMTP, même sans l'extension 8BITMIME.
    message.set_content(corps, cte="quoted-printable")
    invitation = _construire_invitation(
        c, parametres, campagne=campagne, horodatage=horodatage, sequence=sequence
    )
    message.add_alternative(
        invitation.decode("utf-8"),
        subtype="calendar",
        cte="base64",
        params={"method": "REQUEST"},
    )
    for source, nom in c.pieces:
        principal, secondaire = _TYPES_MIME.get(
            source.suffix.lower(),
            tuple((mimetypes.guess_type(source.name)[0] or "application/octet-stream").split("/")),
        )
        message.add_attachment(
            source.read_bytes(), maintype=principal, subtype=secondaire, filename=nom
        )
    # La même invitation en pièce jointe, pour l'importer à la main. `application/ics`
    # (comme Google Agenda) : deux parties text/calendar feraient deux invitations.
    message.add_attachment(
        invitation, maintype="application", subtype="ics", filename="invitation.ics"
    )
    return message


def _copie_au_conducteur(c: _Convocation, expediteur: str, courriel_rh: str) -> bool:
    """Le conducteur en copie, sauf s'il est le salarié lui-même ou le service RH qui
    envoie (le signataire RH qui conduit l'entretien) : jamais de copie à son expéditeur."""
    conducteur = c.courriel_conducteur.lower()
    return bool(conducteur) and conducteur not in {
        c.courriel.lower(),
        expediteur.lower(),
        courriel_rh.lower(),
    }


def _empreinte_brouillon(c: _Convocation, objet: str, corps: str) -> str:
    """SHA-256 de ce que dit le brouillon : destinataires, texte et pièces jointes."""
    empreinte = hashlib.sha256()
    for morceau in (c.courriel, c.courriel_conducteur, objet, corps):
        empreinte.update(morceau.encode() + b"\x1f")
    for source, nom in c.pieces:
        empreinte.update(nom.encode() + b"\x1f" + source.read_bytes() + b"\x1f")
    return empreinte.hexdigest()


def _brouillon_existant(
    chemin: Path,
) -> tuple[int, tuple[datetime, str, set[str]] | None, str]:
    """(SEQUENCE, (début, lieu, destinataires), empreinte) d'un brouillon existant.

    (0, None, "") s'il n'existe pas ou ne se relit pas. L'empreinte manque aux brouillons
    d'avant `EN_TETE_EMPREINTE` : les destinataires comparés suffisent alors à voir un
    changement de conducteur.
    """
    if not chemin.is_file():
        return 0, None, ""
    try:
        message = message_from_bytes(chemin.read_bytes(), policy=email.policy.default)
        empreinte = str(message.get(EN_TETE_EMPREINTE) or "").strip()
        destinataires = {
            a.addr_spec.lower()
            for nom in ("To", "Cc")
            for valeur in message.get_all(nom, [])
            for a in valeur.addresses
        }
        for partie in message.walk():
            if partie.get_content_type() == "text/calendar":
                evenement = Calendar.from_ical(partie.get_content()).walk("VEVENT")[0]
                sequence = int(evenement.get("sequence", 0))
                debut = evenement.decoded("dtstart")
                lieu = str(evenement.get("location", ""))
                return sequence, (debut, lieu, destinataires), empreinte
    except (ValueError, IndexError, KeyError, AttributeError):
        pass
    # Un brouillon retouché à la main qu'on ne sait plus relire : on ne le juge pas.
    return 0, None, ""
