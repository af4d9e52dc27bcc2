"""Ajouter des lignes à la feuille « Entretiens » du registre sans rien perdre du classeur.

`ajouter_au_registre` (`entretiens recolter --ajouter-au-registre`) décide ce qui s'écrit
et à quelles conditions : rien si le classeur est ouvert dans Excel ou LibreOffice, ou si
le registre contredit un formulaire ; une ligne déjà saisie à l'identique n'est pas
doublée ; une copie de sauvegarde identique est posée à côté avant d'écrire.

`ajouter_entretiens` écrit les lignes sans openpyxl, qui relit et réécrit tout un classeur
et perd ce qu'il ne comprend pas. Mesuré sur un registre enregistré par LibreOffice puis
réenregistré par openpyxl 3.1 : les extensions x14 des mises en forme conditionnelles
(barres de données) et les propriétés personnalisées disparaissent, les commentaires et
les chaînes partagées sont réécrits ; sa documentation ajoute les images, les formes et
les graphiques qu'il n'a pas créés.

Ici, seul change le XML de la feuille « Entretiens » (les lignes ajoutées, et les plages
qui s'arrêtaient à la dernière ligne remplie : dimension, filtre, validations, mises en
forme conditionnelles), et s'il y a lieu le tableau Excel qui la couvre, le nom défini de
son filtre et la table des styles (un style de date ajouté à la fin). Tous les autres
membres du zip sont recopiés tels quels, dans le même ordre : contenu identique octet
pour octet.

Les colonnes sont trouvées d'après la ligne d'en-tête, cherchée parmi les premières lignes
(une ligne de titre peut la précéder), et reconnues par le schéma du registre
(`schema.Feuille.colonne_nommee` : noms et synonymes) : jamais par leur position.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from lxml import etree

from pipeline.classeur_brut import membre_cible
from pipeline.erreurs import Anomalie, ErreurEntretiens
from pipeline.fichiers import ZIP_ABIME, ecrire_fichier
from pipeline.formats import EPOQUE_EXCEL, date_courte
from pipeline.schema import FEUILLES_PAR_TABLE, TYPES_ENTRETIEN, code_type, feuille_nommee

if TYPE_CHECKING:  # annotations seulement : ni la récolte ni le lecteur ne sont chargés
    from pipeline.recolte import EntretienTenu
    from pipeline.registre import Registre

# Une ligne à ajouter : colonne du registre (matricule, date, type en code, conduit_par,
# commentaire) -> valeur.
LigneEntretien = Mapping[str, "str | date"]

_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XM = "http://schemas.microsoft.com/office/excel/2006/main"
_NSX = {"s": _S, "r": _R, "rel": _RELS, "xm": _XM}
# Le classeur vient d'un utilisateur : pas d'entité externe, pas de réseau.
_ANALYSEUR = etree.XMLParser(resolve_entities=False, no_network=True)
_LIGNES_TITRE_MAX = 10  # la ligne d'en-tête est cherchée parmi les premières lignes
_FORMAT_DATE_EXCEL = 14  # format de nombre intégré « date courte » (JJ/MM/AAAA en français)
_CONTROLE_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REFERENCE = re.compile(r"^(\$?)([A-Z]{1,3})(\$?)(\d+)$")


# --------------------------------------------------------------------------------------
# Ajout au registre : classeur ouvert, lignes déjà saisies, copie de sauvegarde
# --------------------------------------------------------------------------------------


@dataclass
class BilanAjout:
    """Ce que `ajouter_au_registre` a fait."""

    ajoutes: list[EntretienTenu] = field(default_factory=list)
    deja_saisis: list[EntretienTenu] = field(default_factory=list)  # même ligne déjà présente
    sauvegarde: Path | None = None
    feuille: str = ""  # nom de la feuille tel qu'écrit dans le classeur
    lignes: tuple[int, int] | None = None  # première et dernière ligne Excel écrites


def ajouter_au_registre(
    chemin: Path, tenus: Sequence[EntretienTenu], registre: Registre, maintenant: datetime
) -> BilanAjout:
    """Ajoute les entretiens tenus à la feuille « Entretiens » du registre lui-même.

    Refusé (ErreurEntretiens, rien n'est écrit) si le classeur est ouvert dans Excel ou
    LibreOffice, ou si le registre a déjà, même matricule et même date, un entretien d'un
    autre type (saisi à la main : lequel est juste, on ne le devine pas). Un entretien déjà
    saisi à l'identique n'est pas ajouté une seconde fois : relancer ne double rien.
    Avant d'écrire, une copie datée du classeur est posée à côté (`nom.AAAAMMJJ-HHMMSS.
    sauvegarde.xlsx`), identique octet pour octet.
    """
    chemin = Path(chemin)
    _refuser_si_ouvert(chemin)
    bilan = BilanAjout()
    bilan.ajoutes, bilan.deja_saisis = _nouveaux(tenus, registre)
    if not bilan.ajoutes:
        return bilan
    original = chemin.read_bytes()
    contenu, bilan.feuille, bilan.lignes = ajouter_entretiens(
        original,
        [
            {
                "matricule": t.matricule,
                "date": t.date,
                "type": t.type,
                "conduit_par": t.conduit_par,
                "commentaire": t.commentaire,
            }
            for t in bilan.ajoutes
        ],
    )
    bilan.sauvegarde = _sauvegarder(chemin, original, maintenant)
    droits = chemin.stat().st_mode & 0o7777
    try:
        ecrire_fichier(chemin, contenu, remplacer=True, garder_ancien=False)
    except OSError as exc:
        raise ErreurEntretiens.simple(
            "fichier-verrouille",
            f"Le registre « {chemin} » ne peut pas être écrit ({exc.strerror}) : fermez-le "
            "s'il est ouvert et vérifiez vos droits, puis relancez. Il n'a pas été modifié.",
        ) from exc
    # L'écriture atomique crée un nouveau fichier : il reprend les droits du registre.
    os.chmod(chemin, droits)
    return bilan


def _refuser_si_ouvert(chemin: Path) -> None:
    # Excel pose « ~$nom.xlsx » (Word abrège parfois en « ~$m.xlsx » : deux caractères en
    # moins), LibreOffice « .~lock.nom.xlsx# ». Écrire pendant ce temps ferait perdre
    # l'une des deux versions au prochain enregistrement.
    for verrou in (f"~${chemin.name}", f"~${chemin.name[2:]}", f".~lock.{chemin.name}#"):
        if (chemin.parent / verrou).exists():
            raise ErreurEntretiens.simple(
                "fichier-verrouille",
                f"Le registre « {chemin} » est ouvert (fichier verrou « {verrou} ») : fermez-le "
                "dans Excel ou LibreOffice, puis relancez « entretiens recolter "
                "--ajouter-au-registre ». Le registre n'a pas été modifié.",
            )


def _nouveaux(
    tenus: Sequence[EntretienTenu], registre: Registre
) -> tuple[list[EntretienTenu], list[EntretienTenu]]:
    """(à ajouter, déjà saisis à l'identique) ; lève ErreurEntretiens s'il y a un conflit."""
    entretiens = registre.entretiens
    saisis = {
        (str(m), pd.Timestamp(d).date()): (str(t), int(ligne))
        for m, d, t, ligne in zip(
            entretiens["matricule"],
            entretiens["date"],
            entretiens["type"],
            entretiens["ligne"],
            strict=True,
        )
        if not pd.isna(d)
    }
    nouveaux, deja, conflits = [], [], []
    for tenu in tenus:
        existant = saisis.get((tenu.matricule, tenu.date))
        if existant is None:
            nouveaux.append(tenu)
        elif existant[0] == tenu.type:
            deja.append(tenu)
        else:
            conflits.append(
                Anomalie(
                    "entretien-deja-saisi",
                    f"{tenu.salarie} (matricule {tenu.matricule}) : le registre a déjà un "
                    f"entretien le {date_courte(tenu.date)}, de type « "
                    f"{TYPES_ENTRETIEN.get(existant[0], existant[0])} », alors que le formulaire "
                    f"dit « {TYPES_ENTRETIEN[tenu.type]} ». Corrigez le type de cette ligne, ou "
                    "supprimez-la pour que « recolter » l'écrive.",
                    feuille=FEUILLES_PAR_TABLE["entretiens"].nom,
                    ligne=existant[1],
                    colonne="Type",
                )
            )
    if conflits:
        raise ErreurEntretiens(
            f"Le registre contient déjà {len(conflits)} entretien(s) aux mêmes matricule et "
            "date, d'un autre type : rien n'a été ajouté. Corrigez ces lignes puis relancez.",
            anomalies=conflits,
        )
    return nouveaux, deja


def _sauvegarder(chemin: Path, contenu: bytes, maintenant: datetime) -> Path:
    horodatage = maintenant.strftime("%Y%m%d-%H%M%S")
    cible = chemin.with_name(f"{chemin.stem}.{horodatage}.sauvegarde{chemin.suffix}")
    rang = 1
    while cible.exists():
        rang += 1
        cible = chemin.with_name(f"{chemin.stem}.{horodatage}-{rang}.sauvegarde{chemin.suffix}")
    ecrire_fichier(cible, contenu)
    return cible


# --------------------------------------------------------------------------------------
# Les lignes écrites dans le XML de la feuille
# --------------------------------------------------------------------------------------


def ajouter_entretiens(
    contenu: bytes, lignes: Sequence[LigneEntretien]
) -> tuple[bytes, str, tuple[int, int]]:
    """Le classeur avec les lignes ajoutées à la feuille « Entretiens » ; (contenu, nom de
    la feuille, (première, dernière ligne écrite)).

    Seuls changent le XML de cette feuille, celui du tableau Excel qui la couvre s'il y en
    a un, le nom défini de son filtre et, si une date n'a pas de style de date à reprendre,
    la table des styles (un style ajouté à la fin). Les autres membres du zip sont recopiés
    à l'identique, dans le même ordre.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as paquet:
            infos = paquet.infolist()
            membres = {info.filename: paquet.read(info) for info in infos}
        classeur = _ClasseurXml(membres)
        feuille = classeur.feuille_entretiens()
        premiere, derniere = feuille.ajouter(lignes)
        modifies = classeur.serialiser()
    except (KeyError, IndexError, ValueError, etree.XMLSyntaxError, *ZIP_ABIME) as exc:
        # Un classeur que la lecture du registre a accepté mais dont une partie n'a pas la
        # forme qu'Excel écrit : on n'y touche pas.
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            "Le registre n'a pas la structure attendue d'un classeur Excel : ouvrez-le dans "
            "Excel et enregistrez-le de nouveau au format .xlsx, puis relancez. Rien n'a été "
            "modifié.",
        ) from exc
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as paquet:
        for info in infos:
            paquet.writestr(info, modifies.get(info.filename, membres[info.filename]))
    return sortie.getvalue(), feuille.nom, (premiere, derniere)


def _xml(octets: bytes) -> etree._Element:
    return etree.fromstring(octets, _ANALYSEUR)


def _relations(membres: dict[str, bytes], source: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, membre cible) des relations d'un membre."""
    dossier, _, nom = source.rpartition("/")
    rels = membres.get(f"{dossier}/_rels/{nom}.rels")
    if rels is None:
        return {}
    return {
        r.get("Id"): (r.get("Type", ""), membre_cible(dossier, r.get("Target", "")))
        for r in _xml(rels).iterfind("rel:Relationship", _NSX)
        if r.get("TargetMode") != "External"
    }


def _colonne(lettres: str) -> int:
    numero = 0
    for lettre in lettres:
        numero = numero * 26 + ord(lettre) - 64
    return numero


def _reference(reference: str) -> tuple[str, int]:
    trouve = _REFERENCE.match(reference)
    if trouve is None:
        raise ValueError(reference)
    return trouve[2], int(trouve[4])


def _etendre(plages: str, derniere: int, nouvelle: int) -> str:
    """Chaque plage « A1:E10 » qui finit à la dernière ligne remplie finit à la nouvelle.

    C'est ce que fait Excel quand on tape sous un filtre, une validation ou une mise en
    forme : les lignes ajoutées en héritent. Une plage qui s'arrête ailleurs est laissée.
    """
    sorties = []
    for plage in plages.split():
        debut, _, fin = plage.partition(":")
        trouve = _REFERENCE.match(fin)
        if fin and trouve and int(trouve[4]) == derniere:
            fin = f"{trouve[1]}{trouve[2]}{trouve[3]}{nouvelle}"
            plage = f"{debut}:{fin}"
        sorties.append(plage)
    return " ".join(sorties)


class _ClasseurXml:
    """Les parties XML d'un classeur qu'un ajout de lignes peut toucher."""

    def __init__(self, membres: dict[str, bytes]) -> None:
        self.membres = membres
        self._parties: dict[str, etree._Element] = {}
        self.modifies: set[str] = set()  # membres à réécrire ; les autres restent tels quels
        self.classeur = self.partie("xl/workbook.xml")
        propriete = self.classeur.find("s:workbookPr", _NSX)
        self.date1904 = propriete is not None and propriete.get("date1904") in ("1", "true")
        self.partagees = self._chaines_partagees()
        self._styles_dates: dict[str, str] = {}

    def _chaines_partagees(self) -> list[str]:
        cibles = _relations(self.membres, "xl/workbook.xml").values()
        membre = next((m for t, m in cibles if t.endswith("/sharedStrings")), None)
        if membre is None or membre not in self.membres:
            return []
        return [
            "".join(si.xpath("s:t/text() | s:r/s:t/text()", namespaces=_NSX))
            for si in _xml(self.membres[membre]).iterfind("s:si", _NSX)
        ]

    def partie(self, membre: str) -> etree._Element:
        """Le XML d'un membre, lu une fois ; `modifies` dit s'il faut le réécrire."""
        if membre not in self._parties:
            self._parties[membre] = _xml(self.membres[membre])
        return self._parties[membre]

    def feuille_entretiens(self) -> _FeuilleXml:
        relations = _relations(self.membres, "xl/workbook.xml")
        for rang, feuille in enumerate(self.classeur.iterfind("s:sheets/s:sheet", _NSX)):
            nom = feuille.get("name", "")
            reconnue = feuille_nommee(nom)
            if reconnue is not None and reconnue.table == "entretiens":
                _, membre = relations.get(feuille.get(f"{{{_R}}}id"), ("", ""))
                if membre in self.membres:
                    return _FeuilleXml(self, nom, rang, membre)
        schema = FEUILLES_PAR_TABLE["entretiens"]
        raise ErreurEntretiens.simple(
            "feuille-manquante",
            f"Le registre n'a pas de feuille « {schema.nom} » : ajoutez-la (en-têtes "
            + ", ".join(c.nom for c in schema.colonnes)
            + "), puis relancez. Rien n'a été modifié.",
            feuille=schema.nom,
        )

    def style_date(self, style: str) -> str:
        """Le style `style` s'il affiche une date, sinon une copie de lui au format date."""
        if style not in self._styles_dates:
            self._styles_dates[style] = self._style_date(style)
        return self._styles_dates[style]

    def _style_date(self, style: str) -> str:
        membre = next(
            (m for t, m in _relations(self.membres, "xl/workbook.xml").values() if "/styles" in t),
            None,
        )
        if membre is None or membre not in self.membres:
            raise ErreurEntretiens.simple(
                "fichier-illisible",
                "Le registre n'a pas de table des styles : ouvrez-le dans Excel et "
                "enregistrez-le de nouveau, puis relancez. Rien n'a été modifié.",
            )
        styles = self.partie(membre)
        formats = styles.find("s:cellXfs", _NSX)
        xfs = formats.findall("s:xf", _NSX)
        rang = int(style or 0)
        modele = xfs[rang] if rang < len(xfs) else xfs[0]
        if _est_format_date(int(modele.get("numFmtId", "0")), styles):
            return str(rang)
        copie = etree.fromstring(etree.tostring(modele))
        copie.set("numFmtId", str(_FORMAT_DATE_EXCEL))
        copie.set("applyNumberFormat", "1")
        formats.append(copie)
        formats.set("count", str(len(xfs) + 1))
        self.modifies.add(membre)
        return str(len(xfs))

    def serialiser(self) -> dict[str, bytes]:
        return {
            membre: etree.tostring(
                self._parties[membre], xml_declaration=True, encoding="UTF-8", standalone=True
            )
            for membre in self.modifies
        }


def _est_format_date(numero: int, styles: etree._Element) -> bool:
    if 14 <= numero <= 22 or 45 <= numero <= 47:
        return True
    for format_ in styles.iterfind("s:numFmts/s:numFmt", _NSX):
        if format_.get("numFmtId") == str(numero):
            code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", format_.get("formatCode", "")).lower()
            return bool(re.search(r"[dy]", code))
    return False


class _FeuilleXml:
    """La feuille « Entretiens » : son en-tête, sa dernière ligne remplie, et l'ajout."""

    def __init__(self, classeur: _ClasseurXml, nom: str, rang: int, membre: str) -> None:
        self.classeur = classeur
        self.nom = nom
        self.rang = rang  # position dans le classeur (localSheetId des noms définis)
        self.membre = membre
        self.racine = classeur.partie(membre)
        classeur.modifies.add(membre)
        self.donnees = self.racine.find("s:sheetData", _NSX)
        lignes = self.donnees.findall("s:row", _NSX)
        numerotees = all(r.get("r", "").isdigit() for r in lignes) and all(
            _REFERENCE.match(c.get("r", "")) for r in lignes for c in r.iterfind("s:c", _NSX)
        )
        self.lignes = {int(r.get("r")): r for r in lignes} if numerotees else {}
        if len(self.lignes) != len(lignes):
            raise ErreurEntretiens.simple(
                "fichier-illisible",
                f"La feuille « {nom} » du registre a des lignes ou des cellules sans numéro : "
                "ouvrez le classeur dans Excel et enregistrez-le de nouveau, puis relancez.",
                feuille=nom,
            )

    def _texte(self, cellule: etree._Element) -> str:
        if cellule.get("t") == "s":
            valeur = cellule.findtext("s:v", "", _NSX)
            return self.classeur.partagees[int(valeur)] if valeur.isdigit() else ""
        if cellule.get("t") == "inlineStr":
            return "".join(cellule.xpath("s:is//s:t/text()", namespaces=_NSX))
        return cellule.findtext("s:v", "", _NSX)

    def _en_tete(self) -> tuple[int, dict[str, str]]:
        """(ligne d'en-tête, colonne du registre -> lettres de colonne), par le schéma."""
        # Lu à chaque appel : un synonyme ajouté au schéma est aussitôt reconnu.
        schema = FEUILLES_PAR_TABLE["entretiens"]
        for numero in sorted(self.lignes)[:_LIGNES_TITRE_MAX]:
            colonnes: dict[str, str] = {}
            for cellule in self.lignes[numero].iterfind("s:c", _NSX):
                colonne = schema.colonne_nommee(self._texte(cellule))
                if colonne is not None and colonne.cle not in colonnes:
                    colonnes[colonne.cle] = _reference(cellule.get("r", ""))[0]
            if {"matricule", "date"} <= set(colonnes):
                if "type" not in colonnes:
                    raise ErreurEntretiens.simple(
                        "colonne-manquante",
                        f"La feuille « {self.nom} » du registre n'a pas de colonne « Type » "
                        f"(ligne d'en-tête {numero}) : ajoutez-la, sinon un état des lieux "
                        "serait compté comme un entretien périodique. Rien n'a été modifié.",
                        feuille=self.nom,
                        ligne=numero,
                        colonne="Type",
                    )
                return numero, colonnes
        raise ErreurEntretiens.simple(
            "colonne-manquante",
            f"La feuille « {self.nom} » du registre n'a pas de ligne d'en-tête avec les "
            "colonnes « Matricule » et « Date » : rétablissez-les, puis relancez. Rien n'a été "
            "modifié.",
            feuille=self.nom,
        )

    def ajouter(self, lignes: Sequence[LigneEntretien]) -> tuple[int, int]:
        en_tete, colonnes = self._en_tete()
        lettres = set(colonnes.values())
        derniere = max(
            (
                numero
                for numero, ligne in self.lignes.items()
                if numero > en_tete
                and any(
                    _a_valeur(c)
                    for c in ligne.iterfind("s:c", _NSX)
                    if _reference(c.get("r", ""))[0] in lettres
                )
            ),
            default=en_tete,
        )
        # Les lignes ajoutées prennent le style de la dernière ligne remplie, comme dans
        # Excel (police, bordures, format de date).
        styles = {}
        if derniere > en_tete:
            for lettre in lettres:
                cellule = self._cellule(derniere, lettre)
                styles[lettre] = "" if cellule is None else cellule.get("s", "")
        valeurs_type = self._valeurs_permises(colonnes["type"], derniere)
        for numero, ligne in enumerate(lignes, start=derniere + 1):
            code = str(ligne["type"])
            ecrites = {**ligne, "type": valeurs_type.get(code, TYPES_ENTRETIEN[code])}
            for cle_colonne, lettre in colonnes.items():
                valeur = ecrites.get(cle_colonne, "")
                if valeur != "":
                    self._ecrire(numero, lettre, valeur, styles.get(lettre, ""))
        nouvelle = derniere + len(lignes)
        self._etendre_plages(derniere, nouvelle, max(lettres, key=_colonne))
        return derniere + 1, nouvelle

    def _cellule(self, numero: int, lettre: str) -> etree._Element | None:
        ligne = self.lignes.get(numero)
        if ligne is None:
            return None
        return next(
            (c for c in ligne.iterfind("s:c", _NSX) if c.get("r") == f"{lettre}{numero}"), None
        )

    def _ligne(self, numero: int) -> etree._Element:
        if numero not in self.lignes:
            ligne = etree.Element(f"{{{_S}}}row", r=str(numero))
            suivante = next((self.lignes[n] for n in sorted(self.lignes) if n > numero), None)
            if suivante is None:
                self.donnees.append(ligne)
            else:
                suivante.addprevious(ligne)
            self.lignes[numero] = ligne
        return self.lignes[numero]

    def _ecrire(self, numero: int, lettre: str, valeur: str | date, style: str) -> None:
        cellule = self._cellule(numero, lettre)
        if cellule is None:
            ligne = self._ligne(numero)
            cellule = etree.Element(f"{{{_S}}}c", r=f"{lettre}{numero}")
            suivante = next(
                (
                    c
                    for c in ligne.iterfind("s:c", _NSX)
                    if _colonne(_reference(c.get("r", ""))[0]) > _colonne(lettre)
                ),
                None,
            )
            if suivante is None:
                ligne.append(cellule)
            else:
                suivante.addprevious(cellule)
            if style:
                cellule.set("s", style)
        else:
            # Cellule vide déjà mise en forme (ligne préparée à l'avance) : son style reste.
            for enfant in list(cellule):
                cellule.remove(enfant)
        if isinstance(valeur, date):
            cellule.attrib.pop("t", None)
            cellule.set("s", self.classeur.style_date(cellule.get("s", "")))
            origine = date(1904, 1, 1) if self.classeur.date1904 else EPOQUE_EXCEL
            etree.SubElement(cellule, f"{{{_S}}}v").text = str((valeur - origine).days)
        else:
            texte = _CONTROLE_XML.sub("", valeur)
            cellule.set("t", "inlineStr")
            element = etree.SubElement(etree.SubElement(cellule, f"{{{_S}}}is"), f"{{{_S}}}t")
            element.text = texte
            if texte != texte.strip():
                element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def _valeurs_permises(self, lettre: str, derniere: int) -> dict[str, str]:
        """Code de type -> valeur écrite comme la liste déroulante de la colonne l'impose.

        Si une validation de données propose, pour la colonne « Type », une liste de
        valeurs (« periodique,etat_des_lieux » ou des libellés maison), on écrit celle de
        la liste qui désigne le type : la ligne ajoutée respecte la validation.
        """
        cellule = f"{lettre}{derniere + 1}"
        permises: dict[str, str] = {}
        for validation in self.racine.iterfind("s:dataValidations/s:dataValidation", _NSX):
            formule = validation.findtext("s:formula1", "", _NSX)
            if validation.get("type") != "list" or not formule.startswith('"'):
                continue
            if not any(_couvre(p, cellule) for p in validation.get("sqref", "").split()):
                continue
            for valeur in formule.strip('"').split(","):
                code = code_type(valeur)
                if code is not None:
                    permises.setdefault(code, valeur.strip())
        return permises

    def _etendre_plages(self, derniere: int, nouvelle: int, colonne_max: str) -> None:
        dimension = self.racine.find("s:dimension", _NSX)
        if dimension is not None:
            debut, _, fin = dimension.get("ref", "A1").partition(":")
            colonne, ligne = _reference(fin or debut)
            colonne = max(colonne, colonne_max, key=_colonne)
            dimension.set("ref", f"{debut}:{colonne}{max(ligne, nouvelle)}")
        for element in self.racine.iter(f"{{{_S}}}autoFilter"):
            element.set("ref", _etendre(element.get("ref", ""), derniere, nouvelle))
        for nom in ("dataValidation", "conditionalFormatting"):
            for element in self.racine.iter(f"{{{_S}}}{nom}"):
                element.set("sqref", _etendre(element.get("sqref", ""), derniere, nouvelle))
        for element in self.racine.iter(f"{{{_XM}}}sqref"):  # extensions x14 (Excel 2010+)
            element.text = _etendre(element.text or "", derniere, nouvelle)
        for type_, membre in _relations(self.classeur.membres, self.membre).values():
            if type_.endswith("/table") and membre in self.classeur.membres:
                self._etendre_tableau(membre, derniere, nouvelle)
        noms = self.classeur.classeur
        for defini in noms.iterfind("s:definedNames/s:definedName", _NSX):
            if defini.get("name") == "_xlnm._FilterDatabase" and defini.get("localSheetId") == str(
                self.rang
            ):
                feuille, _, plage = (defini.text or "").rpartition("!")
                etendue = f"{feuille}!{_etendre(plage, derniere, nouvelle)}"
                if etendue != defini.text:
                    defini.text = etendue
                    self.classeur.modifies.add("xl/workbook.xml")

    def _etendre_tableau(self, membre: str, derniere: int, nouvelle: int) -> None:
        tableau = self.classeur.partie(membre)
        fin = _reference(tableau.get("ref", "A1:A1").partition(":")[2] or "A1")[1]
        if fin != derniere:
            return  # un autre tableau de la feuille, qui s'arrête plus haut : laissé tel quel
        if int(tableau.get("totalsRowCount", "0")):
            raise ErreurEntretiens.simple(
                "fichier-illisible",
                f"La feuille « {self.nom} » est un tableau Excel avec une ligne de total : "
                "les entretiens ne peuvent pas être ajoutés dessous. Retirez la ligne de total "
                "(Création de tableau > Ligne Total), puis relancez. Rien n'a été modifié.",
                feuille=self.nom,
            )
        tableau.set("ref", _etendre(tableau.get("ref", ""), derniere, nouvelle))
        for filtre in tableau.iterfind("s:autoFilter", _NSX):
            filtre.set("ref", _etendre(filtre.get("ref", ""), derniere, nouvelle))
        self.classeur.modifies.add(membre)


def _a_valeur(cellule: etree._Element) -> bool:
    return bool(
        (cellule.findtext("s:v", "", _NSX) or "").strip()
        or "".join(cellule.xpath("s:is//s:t/text()", namespaces=_NSX)).strip()
        or cellule.find("s:f", _NSX) is not None
    )


def _couvre(plage: str, cellule: str) -> bool:
    debut, _, fin = plage.partition(":")
    try:
        (c1, l1), (c2, l2) = _reference(debut), _reference(fin or debut)
        c, ligne = _reference(cellule)
    except ValueError:
        return False
    return _colonne(c1) <= _colonne(c) <= _colonne(c2) and l1 <= ligne <= l2
