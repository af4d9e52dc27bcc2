"""Lecture d'un formulaire Word rempli (compte-rendu, état des lieux) : ses champs, ses
contrôles de contenu, et leur reconnaissance quand les étiquettes ont été perdues.

Le conducteur remplit dans Word les champs de formulaire du document (contrôles de contenu
`w:sdt`) : date de l'entretien, cases des informations obligatoires, date de remise de la
copie. `lire_formulaire` en rend les valeurs, et les champs introuvables ou illisibles ;
ce qu'elles valent pour la campagne est décidé par `pipeline.recolte`.

Reconnaître un champ. Chaque contrôle porte une étiquette (`w:tag`, `CHAMPS`). Mais
LibreOffice 7.4 perd les étiquettes quand il enregistre un .docx (vérifié par un
aller-retour `soffice --convert-to docx`) ; il garde le contrôle, sa nature (date, case)
et sa valeur. Un contrôle sans étiquette connue est donc reconnu par son libellé (la
première cellule de sa ligne de tableau, sinon le texte qui le précède dans le
paragraphe), puis, en dernier recours, par son rang parmi les contrôles de même nature.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import ZIP_ABIME
from pipeline.formats import MOTIFS_DATE_TOLERES, en_date
from pipeline.schema import cle

# --------------------------------------------------------------------------------------
# Les champs des formulaires
# --------------------------------------------------------------------------------------

DATE = "date"
CASE = "case"


@dataclass(frozen=True)
class Champ:
    """Un champ de formulaire : son étiquette, sa nature et comment le reconnaître."""

    tag: str  # étiquette du contrôle de contenu (w:tag), documentée dans modeles_word/README
    nature: str  # DATE (sélecteur de date) ou CASE (case à cocher)
    titre: str  # titre du contrôle dans Word (w:alias), et nom du champ dans les messages
    # Libellés (forme `schema.cle`) qui le désignent, quand l'étiquette a été perdue.
    mots: tuple[str, ...]

    def designe(self, libelle: str) -> bool:
        """Vrai si le libellé (forme `cle`) contient l'un des mots de ce champ."""
        return any(re.search(rf"(?:^| ){re.escape(cle(m))}(?: |$)", libelle) for m in self.mots)


CHAMPS: dict[str, Champ] = {
    c.tag: c
    for c in (
        Champ("date_entretien", DATE, "Date de l'entretien", ("entretien tenu", "date entretien")),
        Champ(
            "information_cpf",
            CASE,
            "Information CPF délivrée",
            ("CPF", "compte personnel de formation"),
        ),
        Champ(
            "information_abondement",
            CASE,
            "Information abondements délivrée",
            ("abondement", "abondements"),
        ),
        Champ(
            "information_cep",
            CASE,
            "Information CEP délivrée",
            ("CEP", "conseil en évolution professionnelle"),
        ),
        Champ(
            "information_vae",
            CASE,
            "Information VAE délivrée",
            ("VAE", "validation des acquis"),
        ),
        Champ("copie_remise_le", DATE, "Copie remise au salarié le", ("copie remise",)),
        Champ(
            "formation_suivie",
            CASE,
            "A suivi au moins une formation",
            ("suivi au moins une formation", "formation suivie"),
        ),
        Champ(
            "certification",
            CASE,
            "A acquis des éléments de certification",
            ("certification",),
        ),
        Champ("progression", CASE, "A bénéficié d'une progression", ("progression",)),
    )
}
COMPTE_RENDU = "compte_rendu"
ETAT_DES_LIEUX = "etat_des_lieux"
# Les champs de chaque formulaire (type de document du manifeste), dans l'ordre du modèle :
# c'est l'ordre qui départage des contrôles qui n'ont plus ni étiquette ni libellé.
CHAMPS_FORMULAIRES: dict[str, tuple[str, ...]] = {
    COMPTE_RENDU: (
        "date_entretien",
        "information_cpf",
        "information_abondement",
        "information_cep",
        "information_vae",
        "copie_remise_le",
    ),
    ETAT_DES_LIEUX: (
        "date_entretien",
        "formation_suivie",
        "certification",
        "progression",
        "copie_remise_le",
    ),
}
# Les trois critères de l'état des lieux, tels que le commentaire de l'entretien les résume.
CONSTATS_ETAT_DES_LIEUX = {
    "formation_suivie": "formation",
    "certification": "certification",
    "progression": "progression",
}
# Les informations que le conducteur doit délivrer (L6315-1) : une case chacune.
INFORMATIONS_OBLIGATOIRES = (
    "information_cpf",
    "information_abondement",
    "information_cep",
    "information_vae",
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_NS = {"w": W, "w14": W14}
_VAL = f"{{{W}}}val"
_VAL14 = f"{{{W14}}}val"
# Le document d'un formulaire vient d'un utilisateur : pas d'entité externe, pas de réseau.
_ANALYSEUR = etree.XMLParser(resolve_entities=False, no_network=True)
# Ce qu'une case cochée affiche quand l'état du contrôle manque (☒, ☑, ✓, ✔, x).
_COCHES = frozenset("☒☑✓✔✗✘xX")


# --------------------------------------------------------------------------------------
# Lecture d'un formulaire
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Controle:
    """Un contrôle de contenu date ou case, tel que lu dans le document."""

    nature: str
    tag: str
    libelle: str  # forme `cle` du libellé qui l'accompagne
    valeur: date | bool | None  # date, coché, ou None (date vide)
    illisible: str  # texte d'une date qui n'en est pas une ; vide sinon


@dataclass
class Formulaire:
    """Les valeurs d'un compte-rendu ou d'un état des lieux."""

    chemin: Path
    type_document: str
    valeurs: dict[str, date | bool | None] = field(default_factory=dict)  # tag -> valeur
    introuvables: list[str] = field(default_factory=list)  # champs absents du document
    illisibles: dict[str, str] = field(default_factory=dict)  # tag -> texte (date illisible)

    def jour(self, tag: str) -> date | None:
        """La date du champ `tag`, None s'il est vide, illisible ou introuvable."""
        valeur = self.valeurs.get(tag)
        return valeur if isinstance(valeur, date) else None


def lire_formulaire(chemin: Path, type_document: str) -> Formulaire:
    """Les champs d'un formulaire .docx ; ErreurEntretiens (fichier-illisible) sinon."""
    chemin = Path(chemin)
    try:
        with zipfile.ZipFile(chemin) as paquet:
            racine = etree.fromstring(paquet.read("word/document.xml"), _ANALYSEUR)
    except (OSError, KeyError, etree.XMLSyntaxError, *ZIP_ABIME) as exc:
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"Le formulaire « {chemin} » n'est pas un document Word lisible : ouvrez-le dans "
            "Word et enregistrez-le au format « Document Word (.docx) », puis relancez.",
        ) from exc
    attendus = [CHAMPS[tag] for tag in CHAMPS_FORMULAIRES[type_document]]
    trouves = _attribuer(_controles(racine), attendus)
    formulaire = Formulaire(chemin, type_document)
    for champ in attendus:
        controle = trouves.get(champ.tag)
        if controle is None:
            formulaire.introuvables.append(champ.tag)
        elif controle.illisible:
            formulaire.illisibles[champ.tag] = controle.illisible
        else:
            formulaire.valeurs[champ.tag] = controle.valeur
    return formulaire


def _controles(racine: etree._Element) -> list[_Controle]:
    """Les contrôles date et case du document, dans l'ordre du texte."""
    controles = []
    for sdt in racine.iter(f"{{{W}}}sdt"):
        proprietes = sdt.find("w:sdtPr", _NS)
        if proprietes is None:
            continue
        # LibreOffice enveloppe parfois un contrôle dans un autre, sans nature : ignoré.
        if proprietes.find("w:date", _NS) is not None:
            nature = DATE
        elif proprietes.find("w14:checkbox", _NS) is not None:
            nature = CASE
        else:
            continue
        etiquette = proprietes.find("w:tag", _NS)
        texte = "".join(sdt.xpath("w:sdtContent//w:t/text()", namespaces=_NS)).strip()
        valeur: date | bool | None
        illisible = ""
        if nature == CASE:
            valeur = _coche(proprietes, texte)
        else:
            valeur, illisible = _date_controle(proprietes, texte)
        controles.append(
            _Controle(
                nature,
                "" if etiquette is None else etiquette.get(_VAL, ""),
                cle(_libelle(sdt)),
                valeur,
                illisible,
            )
        )
    return controles


def _coche(proprietes: etree._Element, texte: str) -> bool:
    etat = proprietes.find("w14:checkbox/w14:checked", _NS)
    if etat is not None:
        # Un attribut absent vaut « coché » (ce qu'écrivent certains logiciels anciens).
        return etat.get(_VAL14, "1").strip().lower() in ("1", "true", "on")
    return bool(texte) and texte[0] in _COCHES


def _date_controle(proprietes: etree._Element, texte: str) -> tuple[date | None, str]:
    """(date, texte illisible) : le texte affiché fait foi, sinon la date du sélecteur."""
    try:
        jour = en_date(texte, MOTIFS_DATE_TOLERES)
    except ValueError:
        jour = None
    if jour is not None:
        return jour, ""
    # Une ligne de pointillés (« ____ / ____ / ________ ») ou le texte d'invite : vide.
    if proprietes.find("w:showingPlcHdr", _NS) is not None or not re.sub(r"[\s_/.-]", "", texte):
        return None, ""
    complete = proprietes.find("w:date", _NS).get(f"{{{W}}}fullDate", "")
    try:
        return date.fromisoformat(complete[:10]), ""
    except ValueError:
        return None, texte


def _libelle(sdt: etree._Element) -> str:
    """La première cellule de la ligne de tableau, sinon le texte qui précède dans le
    paragraphe : là où le modèle écrit le nom du champ."""
    cellule = next(sdt.iterancestors(f"{{{W}}}tc"), None)
    if cellule is not None:
        premiere = cellule.getparent().find("w:tc", _NS)
        if premiere is not None and premiere is not cellule:
            return "".join(premiere.xpath(".//w:t/text()", namespaces=_NS))
    paragraphe = next(sdt.iterancestors(f"{{{W}}}p"), None)
    if paragraphe is None:
        return ""
    avant = []
    for texte in paragraphe.iter(f"{{{W}}}t"):
        if sdt in texte.iterancestors():
            break
        avant.append(texte.text or "")
    return "".join(avant)


def _attribuer(controles: list[_Controle], attendus: list[Champ]) -> dict[str, _Controle]:
    """Champ -> contrôle : par étiquette, puis par libellé, puis par rang dans sa nature.

    Le rang ne sert que si les contrôles restants d'une nature sont exactement aussi
    nombreux que ses champs non trouvés : sinon le champ est « introuvable », pas deviné.
    """
    trouves: dict[str, _Controle] = {}
    restants = []
    for controle in controles:
        champ = CHAMPS.get(controle.tag)
        if champ in attendus and champ.nature == controle.nature and champ.tag not in trouves:
            trouves[champ.tag] = controle
        else:
            restants.append(controle)
    sans_libelle = []
    for controle in restants:
        candidats = [
            c
            for c in attendus
            if c.tag not in trouves and c.nature == controle.nature and c.designe(controle.libelle)
        ]
        if len(candidats) == 1:
            trouves[candidats[0].tag] = controle
        else:
            sans_libelle.append(controle)
    for nature in (DATE, CASE):
        manquants = [c for c in attendus if c.tag not in trouves and c.nature == nature]
        disponibles = [c for c in sans_libelle if c.nature == nature]
        if manquants and len(manquants) == len(disponibles):
            trouves.update(zip((c.tag for c in manquants), disponibles, strict=True))
    return trouves
