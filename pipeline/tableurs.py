"""Écriture des tableurs (xlsx, csv) : une seule mise en forme, une seule protection.

Tout tableur que l'outil écrit passe par ici (un test l'impose) : échéances, planning,
publipostage, courriers papier, journal des envois, manifestes, index des archives et
tableau de bord. Mise en forme commune : en-têtes lisibles en gras (à droite au-dessus
des nombres et des dates), ligne d'en-tête figée, filtres, largeurs de colonnes, texte
long à la ligne, vraies dates Excel (JJ/MM/AAAA), lignes en retard en rouge. Mise en page
commune, pour chaque feuille de chaque classeur (`enregistrer_classeur`) : A4, paysage
dès que le tableau est plus large qu'une page portrait, ajusté à la largeur d'une page,
ligne d'en-tête répétée en haut de chaque page, quadrillage, « page N sur M » en pied de
page. Protection commune : un texte venu du registre qui commence par `=`, `+`, `-`
ou `@` (« =HYPERLINK(…) » dans un nom de service) reste un texte, jamais une formule
exécutée par Excel — typé texte dans un xlsx, précédé d'une apostrophe dans un csv.
"""

from __future__ import annotations

import csv
import io
import math
import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Iterable, Mapping
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TextIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.properties import PageSetupProperties

from pipeline.fichiers import ecrire_fichier
from pipeline.formats import FORMAT_DATE_EXCEL, FORMAT_DATE_ISO, oui_non

_DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
# La police du classeur, nommée : une police sans nom s'affiche en police à empattements
# dans LibreOffice, à côté des cellules ordinaires en Calibri (Carlito sous Linux).
POLICE = "Calibri"
_GRAS_BLANC = Font(name=POLICE, bold=True, color="FFFFFF")
_FOND_EN_TETE = PatternFill("solid", start_color="1F4E79")
_ROUGE = Font(name=POLICE, color="9C0006")
_FOND_ROUGE = PatternFill("solid", start_color="FFC7CE")
_RETOUR_LIGNE = Alignment(wrap_text=True, vertical="top")
_HAUT = Alignment(vertical="top")
_HAUTEUR_LIGNE = 15.0  # points, une ligne de texte en Calibri 11
_EN_TETE_TEXTE = Alignment(wrap_text=True, vertical="center")
_EN_TETE_NOMBRE = Alignment(wrap_text=True, vertical="center", horizontal="right")
# Largeurs en caractères (unité d'Excel). Au-delà de `_LARGEUR_MAX`, une colonne de texte
# passe à la ligne : sinon LibreOffice fait déborder le texte sur les colonnes voisines,
# ou le coupe, et l'impression le perd.
_LARGEUR_LONG = 50  # une colonne de texte long (motifs, raisons)
_LARGEUR_MAX = 40
_LARGEUR_MIN = 8
# Largeur utile d'une page A4 portrait, en caractères, aux marges de `_mettre_en_page` :
# un tableau plus large s'imprime en paysage (toujours ajusté à la largeur d'une page).
_LARGEUR_PORTRAIT = 95
_A4 = 9  # code du format de papier A4 dans la mise en page d'un classeur


@dataclass
class Feuille:
    """Une feuille à écrire : les données et comment les montrer."""

    donnees: pd.DataFrame
    # colonne -> en-tête lisible ; si fourni, seules ces colonnes sont écrites, dans cet ordre.
    en_tetes: Mapping[str, str] | None = None
    # lignes à mettre en évidence (en retard), alignée sur `donnees`.
    en_rouge: pd.Series | None = None
    # colonnes de texte long : retour à la ligne automatique.
    texte_long: Iterable[str] = ()
    # colonnes de détail (le calcul derrière une ligne) : repliées sous un « + » au-dessus
    # des colonnes, ni affichées ni imprimées tant qu'on ne les déplie pas.
    details: Iterable[str] = ()


def neutraliser(valeur: Any) -> Any:
    """Empêche qu'un texte soit interprété comme une formule (injection CSV/Excel)."""
    if isinstance(valeur, str) and valeur.startswith(_DEBUTS_DANGEREUX):
        return "'" + valeur
    return valeur


def texte_d_origine(valeur: str) -> str:
    """Le texte d'une cellule de CSV relue, sans l'apostrophe ajoutée par `neutraliser`."""
    if valeur.startswith("'") and valeur[1:].startswith(_DEBUTS_DANGEREUX):
        return valeur[1:]
    return valeur


def ecrire_xlsx(
    chemin: Path,
    feuilles: Mapping[str, Feuille | pd.DataFrame],
    remplacer: bool = True,
    garder_ancien: bool = True,
) -> str:
    """Écrit un classeur (écriture atomique) ; renvoie le statut de `ecrire_fichier`."""
    classeur = nouveau_classeur()
    for nom, feuille in feuilles.items():
        ajouter_feuille(classeur, nom, feuille)
    return enregistrer_classeur(classeur, chemin, remplacer=remplacer, garder_ancien=garder_ancien)


def nouveau_classeur() -> Workbook:
    """Un classeur vide en mode « write_only » : la mémoire reste plate même pour 100 000
    lignes. Ses feuilles s'écrivent par `ajouter_feuille`, ou cellule par cellule avec
    `cellule` dans une feuille de `nouvelle_feuille` (feuille composée à la main : la
    synthèse du tableau de bord)."""
    return Workbook(write_only=True)


def enregistrer_classeur(
    classeur: Workbook, chemin: Path, remplacer: bool = True, garder_ancien: bool = True
) -> str:
    """Enregistre un classeur (écriture atomique) ; renvoie le statut de `ecrire_fichier`."""
    for ws in classeur.worksheets:
        _mettre_en_page(ws)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return ecrire_fichier(
        Path(chemin),
        _avec_lignes_ecrites(classeur, tampon.getvalue()),
        remplacer=remplacer,
        garder_ancien=garder_ancien,
    )


def nouvelle_feuille(classeur: Workbook, nom: str) -> Any:
    """Une feuille vide, déjà promise à l'impression ajustée à la largeur d'une page.

    En mode « write_only », les propriétés de la feuille partent dans le fichier avec la
    première ligne : l'ajustement à la page se déclare donc à la création ; le reste de
    la mise en page (orientation, titres répétés) est posé à l'enregistrement.
    """
    ws = classeur.create_sheet(title=nom[:31])
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return ws


def ajouter_feuille(classeur: Workbook, nom: str, feuille: Feuille | pd.DataFrame) -> None:
    """Ajoute une feuille de données, mise en forme comme les autres, à un classeur ouvert."""
    _ecrire_feuille(classeur, nom, feuille if isinstance(feuille, Feuille) else Feuille(feuille))


def cellule(ws: Any, valeur: Any, **styles: Any) -> WriteOnlyCell:
    """Une cellule d'une feuille « write_only » : un texte n'y devient jamais une formule.

    openpyxl fait une formule de tout texte qui commence par « = » : on garde le texte
    exact (un nom « =Dupont » doit s'imprimer tel quel au publipostage) mais on force le
    type texte et le préfixe « ' » d'Excel, pour qu'il le reste même si l'utilisateur
    valide la cellule.
    """
    cellule_ = WriteOnlyCell(ws, value=valeur)
    if isinstance(valeur, str) and valeur.startswith(_DEBUTS_DANGEREUX):
        cellule_.data_type = "s"
        styles["quotePrefix"] = True
    styles = {attribut: style for attribut, style in styles.items() if style is not None}
    if styles:
        cellule_._style = copy(_style_classeur(ws, styles))
    return cellule_


# Les combinaisons de styles déjà inscrites dans chaque classeur. Inscrire un style
# (police, fond…) dans un classeur le compare à tous ceux qu'il a déjà : fait pour
# chaque cellule en rouge d'une liste de milliers d'échéances, c'était l'essentiel du
# temps d'écriture. Les index obtenus ne valent que pour ce classeur.
_STYLES_INSCRITS: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], tuple[Any, ...]]] = (
    weakref.WeakKeyDictionary()
)


def _style_classeur(ws: Any, styles: dict[str, Any]) -> Any:
    inscrits = _STYLES_INSCRITS.setdefault(ws.parent, {})
    # Un style qui n'est pas une valeur simple est reconnu à son identité : la valeur
    # du cache le garde en vie, son identité ne peut pas resservir à un autre.
    cle = tuple(
        (attribut, style if isinstance(style, str | bool | int) else id(style))
        for attribut, style in styles.items()
    )
    if cle not in inscrits:
        modele = WriteOnlyCell(ws)
        for attribut, style in styles.items():
            setattr(modele, attribut, style)
        inscrits[cle] = (modele._style, tuple(styles.values()))
    return inscrits[cle][0]


def _ecrire_feuille(classeur: Workbook, nom: str, feuille: Feuille) -> None:
    ws = nouvelle_feuille(classeur, nom)
    donnees = feuille.donnees
    colonnes = list(feuille.en_tetes) if feuille.en_tetes else list(donnees.columns)
    en_tetes = [feuille.en_tetes[c] if feuille.en_tetes else str(c) for c in colonnes]
    valeurs = [_valeurs_colonne(donnees[c]) for c in colonnes]
    est_date = [pd.api.types.is_datetime64_any_dtype(donnees[c]) for c in colonnes]
    # Un nombre ou une date s'aligne à droite : son en-tête aussi, au-dessus de lui.
    a_droite = [
        est_date[j] or _est_numerique(donnees[c], valeurs[j]) for j, c in enumerate(colonnes)
    ]
    longues = set(feuille.texte_long)
    largeurs = []
    for i, titre in enumerate(en_tetes, start=1):
        largeur, a_la_ligne = _largeur(titre, valeurs[i - 1], colonnes[i - 1] in longues)
        ws.column_dimensions[get_column_letter(i)].width = largeur
        largeurs.append(largeur)
        if a_la_ligne:
            longues.add(colonnes[i - 1])
    details = set(feuille.details)
    visibles = [j for j, c in enumerate(colonnes) if c not in details]
    ws.row_dimensions[1].height = hauteur_en_tete(
        [en_tetes[j] for j in visibles], [largeurs[j] for j in visibles]
    )
    _replier(ws, [j for j, c in enumerate(colonnes, start=1) if c in details])
    ws.freeze_panes = "A2"
    if len(donnees):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(colonnes))}{len(donnees) + 1}"

    ws.append(
        [
            cellule(
                ws,
                titre,
                font=_GRAS_BLANC,
                fill=_FOND_EN_TETE,
                alignment=_EN_TETE_NOMBRE if a_droite[j] else _EN_TETE_TEXTE,
            )
            for j, titre in enumerate(en_tetes)
        ]
    )
    en_rouge = None if feuille.en_rouge is None else np.asarray(feuille.en_rouge, dtype=bool)
    a_la_ligne = [j for j, c in enumerate(colonnes) if c in longues]
    lignes = _Lignes(ws, valeurs, est_date, [c in longues for c in colonnes], largeurs)
    if all(_valeurs_ecrites_directement(colonne) for colonne in valeurs):
        _LIGNES_ECRITES[ws] = lignes.ecrire_xml(en_rouge, a_la_ligne)
        return
    for r in range(len(donnees)):
        rouge = en_rouge is not None and en_rouge[r]
        lignes_texte = lignes.hauteur(r, a_la_ligne)
        haute = lignes_texte > 1
        if haute:
            ws.row_dimensions[r + 2].height = _HAUTEUR_LIGNE * lignes_texte
        ligne = []
        for j, colonne in enumerate(valeurs):
            v = colonne[r]
            # Une valeur ordinaire est ajoutée telle quelle (rapide pour 100 000 lignes) ;
            # un texte dangereux, une date ou une cellule mise en forme passe par `cellule`.
            if (
                est_date[j]
                or rouge
                or haute
                or (isinstance(v, str) and v.startswith(_DEBUTS_DANGEREUX))
            ):
                v = cellule(ws, v, **lignes.styles(j, rouge, haute))
            ligne.append(v)
        ws.append(ligne)
        if haute:
            del ws.row_dimensions[r + 2]  # déjà écrite : inutile de la garder en mémoire


# Les lignes de données d'une feuille, écrites en XML par `_Lignes.ecrire_xml` et mises
# dans le classeur à son enregistrement (`_avec_lignes_ecrites`).
_LIGNES_ECRITES: weakref.WeakKeyDictionary[Any, IO[bytes]] = weakref.WeakKeyDictionary()
_TYPES_ECRITS_DIRECTEMENT = frozenset((type(None), str, int, float, date))


def _valeurs_ecrites_directement(valeurs: list[Any]) -> bool:
    """Valeurs simples, sans caractère qu'openpyxl refuse (il lève alors son erreur)."""
    return all(
        v.__class__ in _TYPES_ECRITS_DIRECTEMENT
        and not (v.__class__ is str and ILLEGAL_CHARACTERS_RE.search(v))
        for v in valeurs
    )


@dataclass
class _Lignes:
    """Les lignes de données d'une feuille : hauteur, styles, et leur XML.

    openpyxl fait de chaque cellule un objet, puis un élément XML : pour les dizaines de
    milliers de cellules de la liste des échéances, c'était l'essentiel du temps d'écriture
    des classeurs d'une campagne. `ecrire_xml` écrit directement le XML qu'openpyxl
    écrirait (mêmes types de cellule, mêmes styles, texte limité et vérifié comme par
    openpyxl), ligne après ligne dans un fichier temporaire : la mémoire reste plate.
    Réservé aux valeurs simples (texte, nombre, date) ; les autres passent par openpyxl.
    """

    ws: Any
    valeurs: list[list[Any]]
    est_date: list[bool]
    longue: list[bool]
    largeurs: list[float]

    def hauteur(self, r: int, a_la_ligne: list[int]) -> int:
        """Lignes de texte de la ligne r. Ni Excel ni LibreOffice ne calculent la hauteur
        d'une ligne à l'ouverture : sans elle, un texte à la ligne chevaucherait les
        lignes suivantes. Une ligne haute aligne ses cellules en haut, avec le texte long."""
        return max((_lignes(self.valeurs[j][r], self.largeurs[j]) for j in a_la_ligne), default=1)

    def styles(self, j: int, rouge: bool, haute: bool) -> dict[str, Any]:
        return {
            "number_format": FORMAT_DATE_EXCEL if self.est_date[j] else None,
            "font": _ROUGE if rouge else None,
            "fill": _FOND_ROUGE if rouge else None,
            "alignment": _RETOUR_LIGNE if self.longue[j] else (_HAUT if haute else None),
        }

    def ecrire_xml(self, en_rouge: np.ndarray | None, a_la_ligne: list[int]) -> IO[bytes]:
        classeur = self.ws.parent
        lettres = [get_column_letter(j + 1) for j in range(len(self.valeurs))]
        styles: dict[tuple[int, bool, bool, bool], str] = {}

        def style(j: int, rouge: bool, haute: bool, dangereux: bool) -> str:
            cle = (j, rouge, haute, dangereux)
            if cle not in styles:
                retenus = {k: v for k, v in self.styles(j, rouge, haute).items() if v is not None}
                if dangereux:
                    retenus["quotePrefix"] = True
                # L'index du style dans le classeur, comme le calcule Cell.style_id.
                styles[cle] = f' s="{classeur._cell_styles.add(_style_classeur(self.ws, retenus))}"'
            return styles[cle]

        sortie = tempfile.TemporaryFile()
        morceaux: list[str] = []
        nombre = len(self.valeurs[0]) if self.valeurs else 0
        for r in range(nombre):
            numero = r + 2  # la ligne 1 est celle des en-têtes
            rouge = bool(en_rouge is not None and en_rouge[r])
            lignes_texte = self.hauteur(r, a_la_ligne)
            haute = lignes_texte > 1
            hauteur = f' ht="{safe_string(_HAUTEUR_LIGNE * lignes_texte)}" customHeight="1"'
            morceaux.append(f'<row r="{numero}"{hauteur if haute else ""}>')
            for j, colonne in enumerate(self.valeurs):
                v = colonne[r]
                dangereux = v.__class__ is str and v.startswith(_DEBUTS_DANGEREUX)
                s = (
                    style(j, rouge, haute, dangereux)
                    if (self.est_date[j] or rouge or haute or dangereux)
                    else ""
                )
                morceaux.append(_cellule_xml(f"{lettres[j]}{numero}", v, s, classeur.epoch))
            morceaux.append("</row>")
            if len(morceaux) > 20_000:
                sortie.write("".join(morceaux).encode("utf-8"))
                morceaux.clear()
        sortie.write("".join(morceaux).encode("utf-8"))
        sortie.seek(0)
        return sortie


def _cellule_xml(reference: str, v: Any, style: str, epoque: datetime) -> str:
    """Une cellule comme l'écrit openpyxl (Cell._bind_value, _writer.lxml_write_cell) ;
    les caractères qu'il refuse ont été écartés (`_valeurs_ecrites_directement`)."""
    if v is None:
        return f'<c r="{reference}"{style} t="n"/>' if style else ""
    classe = v.__class__
    if classe is str:
        v = v[:32767]  # comme Cell.check_string
        if v in ERROR_CODES:
            return f'<c r="{reference}"{style} t="e"><v>{v}</v></c>'
        if not v:
            return f'<c r="{reference}"{style} t="inlineStr"/>'
        # Décidé sur le texte, avant l'échappement : « x\r » finit par un blanc, « x&#13; »
        # non (openpyxl, lxml_write_cell).
        espace = ' xml:space="preserve"' if v != v.strip() else ""
        if "&" in v or "<" in v or ">" in v or "\r" in v:
            v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            v = v.replace("\r", "&#13;")
        return f'<c r="{reference}"{style} t="inlineStr"><is><t{espace}>{v}</t></is></c>'
    if classe is date:
        v = to_excel(v, epoque)
    return f'<c r="{reference}"{style} t="n"><v>{safe_string(v)}</v></c>'


def _avec_lignes_ecrites(classeur: Workbook, contenu: bytes) -> bytes:
    """Le classeur enregistré par openpyxl, ses feuilles complétées des lignes écrites par
    `_Lignes.ecrire_xml` (placées après la ligne d'en-têtes)."""
    lignes = {
        ws.path.lstrip("/"): fichier
        for ws in classeur.worksheets
        if (fichier := _LIGNES_ECRITES.pop(ws, None)) is not None
    }
    if not lignes:
        return contenu
    sortie = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(contenu)) as source,
        zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as copie,
    ):
        for info in source.infolist():
            xml = source.read(info)
            fichier = lignes.get(info.filename)
            if fichier is None:
                copie.writestr(info, xml)
                continue
            avant, fin, apres = xml.rpartition(b"</sheetData>")
            with fichier, copie.open(info, "w") as membre:
                membre.write(avant)
                shutil.copyfileobj(fichier, membre, 1 << 20)
                membre.write(fin + apres)
    return sortie.getvalue()


def _replier(ws: Any, positions: list[int]) -> None:
    """Replie les colonnes de détail (positions à partir de 1) sous un « + ».

    Colonne par colonne, chacune au premier niveau de plan et masquée : des colonnes
    voisines forment un seul groupe, et chacune garde sa largeur une fois dépliée.
    """
    for position in positions:
        dimension = ws.column_dimensions[get_column_letter(position)]
        dimension.outline_level = 1
        dimension.hidden = True


def _lignes(valeur: Any, largeur: float) -> int:
    """Nombre de lignes qu'occupe un texte à la ligne dans une colonne de cette largeur.

    Estimation par excès (un mot qui ne tient plus en fin de ligne passe à la suivante) :
    mieux vaut un peu de blanc qu'un texte coupé.
    """
    if valeur is None:
        return 1
    # Une unité de largeur est la largeur d'un « 0 » : un texte courant en tient un peu plus,
    # moins les fins de ligne laissées vides par un mot qui passe à la suivante.
    place = max(int(largeur * 1.1), 10)
    return max(1, -(-len(str(valeur)) // place))


def _valeurs_colonne(serie: pd.Series) -> list[Any]:
    """Valeurs Python prêtes pour openpyxl ou csv : dates sans heure, vides = None.

    Les textes sont laissés tels quels : typés texte à l'écriture du xlsx (`cellule`),
    neutralisés par une apostrophe à celle du csv (`EcrivainCsv`).
    """
    if pd.api.types.is_datetime64_any_dtype(serie):
        return [None if pd.isna(v) else v.date() for v in serie]
    if pd.api.types.is_bool_dtype(serie):
        return [None if pd.isna(v) else oui_non(v) for v in serie]
    sortie = []
    for v in serie.tolist():
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
            sortie.append(None)
        elif isinstance(v, bool):
            sortie.append(oui_non(v))
        elif isinstance(v, pd.Timestamp | datetime):
            sortie.append(v.date())
        elif isinstance(v, list | tuple):
            sortie.append(", ".join(map(str, v)))
        else:
            sortie.append(v)
    return sortie


def _largeur(titre: str, valeurs: list[Any], longue: bool) -> tuple[float, bool]:
    """(largeur de la colonne, texte à la ligne) d'après son en-tête et ses valeurs.

    L'en-tête passe à la ligne : c'est son mot le plus long qui compte, pas sa longueur
    (« État des lieux : début de la période » n'élargit pas une colonne de dates).
    """
    if longue:
        return _LARGEUR_LONG, True
    echantillon = valeurs[:500]
    plus_long = max((len(_texte(v)) for v in echantillon), default=0)
    mot = max((len(m) for m in titre.split()), default=0)
    largeur = max(mot + 3, plus_long + 2, _LARGEUR_MIN)
    return min(_LARGEUR_MAX, largeur), largeur > _LARGEUR_MAX


def hauteur_en_tete(titres: Iterable[str], largeurs: Iterable[float]) -> float:
    """Hauteur (points) d'une ligne d'en-têtes à la ligne : le plus haut d'entre eux.

    Ni Excel ni LibreOffice ne l'agrandissent d'eux-mêmes à l'ouverture d'un fichier.
    """
    lignes = 1
    for titre, largeur in zip(titres, largeurs, strict=True):
        place, ligne, nombre = max(int(largeur) - 1, 1), 0, 1
        for mot in str(titre).split():
            if ligne and ligne + 1 + len(mot) > place:
                nombre, ligne = nombre + 1, len(mot)
            else:
                ligne += len(mot) + (1 if ligne else 0)
        lignes = max(lignes, nombre)
    return _HAUTEUR_LIGNE * lignes


def _est_numerique(serie: pd.Series, valeurs: list[Any]) -> bool:
    if pd.api.types.is_bool_dtype(serie):
        return False  # écrit « oui » / « non »
    if pd.api.types.is_numeric_dtype(serie):
        return True
    remplies = [v for v in valeurs[:500] if v is not None]
    return bool(remplies) and all(
        isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in remplies
    )


def _mettre_en_page(ws: Any) -> None:
    """Mise en page d'impression d'une feuille : la même pour tous les classeurs.

    Ajustée à la largeur d'une page (jamais une colonne sur une autre page que les
    noms), en paysage si le tableau est plus large qu'une page portrait ; la ligne
    d'en-tête (ou ce que la feuille a choisi, `print_title_rows`) répétée en haut de
    chaque page. Une feuille composée à la main (synthèse du tableau de bord) peut
    poser ses sauts de page avant l'enregistrement.
    """
    # Les colonnes repliées ne s'impriment pas : elles ne comptent pas.
    largeur = sum(
        dimension.width or _LARGEUR_MIN
        for dimension in ws.column_dimensions.values()
        if not dimension.hidden
    )
    ws.page_setup.paperSize = _A4
    ws.page_setup.orientation = "landscape" if largeur > _LARGEUR_PORTRAIT else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # autant de pages que nécessaire en hauteur
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if ws.print_options.gridLines is None:  # une feuille composée à la main peut s'en passer
        ws.print_options.gridLines = True
    ws.print_options.horizontalCentered = True
    if not ws.print_title_rows:
        ws.print_title_rows = "1:1"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Page &P sur &N"


def _texte(v: Any) -> str:
    if isinstance(v, date):
        return "00/00/0000 "  # et une marge avant la colonne suivante
    return "" if v is None else str(v)


def ecrire_csv(
    chemin: Path,
    donnees: pd.DataFrame,
    en_tetes: Mapping[str, str] | None = None,
    remplacer: bool = True,
    format_date: str = FORMAT_DATE_ISO,
    garder_ancien: bool = True,
) -> str:
    """CSV pour Excel français : UTF-8 avec BOM, séparateur `;`, textes neutralisés."""
    colonnes = list(en_tetes) if en_tetes else list(donnees.columns)
    colonnes_valeurs = []
    for c in colonnes:
        serie = donnees[c]
        if pd.api.types.is_datetime64_any_dtype(serie):
            colonnes_valeurs.append(["" if pd.isna(v) else v.strftime(format_date) for v in serie])
        else:
            colonnes_valeurs.append(["" if v is None else v for v in _valeurs_colonne(serie)])
    return ecrire_lignes_csv(
        chemin,
        [en_tetes[c] if en_tetes else c for c in colonnes],
        zip(*colonnes_valeurs, strict=True) if colonnes_valeurs else [],
        remplacer=remplacer,
        garder_ancien=garder_ancien,
    )


def ecrire_lignes_csv(
    chemin: Path,
    en_tetes: Iterable[Any],
    lignes: Iterable[Iterable[Any]],
    remplacer: bool = True,
    garder_ancien: bool = True,
) -> str:
    """Un CSV de lignes déjà prêtes (manifeste, index) ; renvoie le statut de `ecrire_fichier`."""
    return ecrire_fichier(
        Path(chemin), texte_csv(en_tetes, lignes), remplacer=remplacer, garder_ancien=garder_ancien
    )


def texte_csv(en_tetes: Iterable[Any], lignes: Iterable[Iterable[Any]]) -> bytes:
    """Le contenu d'un CSV pour Excel français (UTF-8 avec BOM, `;`), textes neutralisés.

    Pour un CSV qui n'est pas un fichier à part (le manifeste rangé dans une archive).
    """
    tampon = io.StringIO()
    ecrivain = EcrivainCsv(tampon)
    ecrivain.writerow(en_tetes)
    ecrivain.writerows(lignes)
    return tampon.getvalue().encode("utf-8-sig")


class EcrivainCsv:
    """`csv.writer` au format de l'outil (`;`, fin de ligne Windows), textes neutralisés.

    Pour un CSV complété ligne à ligne (le journal des envois, écrit sur le disque après
    chaque message) ; le fichier est ouvert par l'appelant.
    """

    def __init__(self, flux: TextIO) -> None:
        self._ecrivain = csv.writer(flux, delimiter=";", lineterminator="\r\n")

    def writerow(self, valeurs: Iterable[Any]) -> None:
        self._ecrivain.writerow([neutraliser(v) for v in valeurs])

    def writerows(self, lignes: Iterable[Iterable[Any]]) -> None:
        for valeurs in lignes:
            self.writerow(valeurs)


def ecrire_echeances(liste: pd.DataFrame, chemin: Path, remplacer: bool = True) -> str:
    """La liste des échéances en .csv (contrat exact de regles.md §4) ou en .xlsx lisible."""
    from pipeline.libelles import (
        EN_TETES_ECHEANCES,
        LIBELLES_ABSENCES,
        LIBELLES_STATUTS,
        LIBELLES_TYPES,
        colonnes_de_detail,
    )

    chemin = Path(chemin)
    if chemin.suffix.lower() == ".csv":
        # Le CSV est un contrat pour les machines : codes bruts, dates AAAA-MM-JJ.
        return ecrire_csv(chemin, liste, remplacer=remplacer)
    lisible = liste.copy()
    lisible["type"] = lisible["type"].map(LIBELLES_TYPES).fillna(lisible["type"])
    lisible["statut"] = lisible["statut"].map(LIBELLES_STATUTS).fillna(lisible["statut"])
    if "motif_absence" in lisible:
        lisible["motif_absence"] = lisible["motif_absence"].map(LIBELLES_ABSENCES)
    en_tetes = {c: EN_TETES_ECHEANCES.get(c, c) for c in liste.columns}
    return ecrire_xlsx(
        chemin,
        {
            "Échéances": Feuille(
                lisible,
                en_tetes,
                liste["statut"] == "en_retard",
                ["motif"],
                colonnes_de_detail(list(liste.columns)),
            )
        },
        remplacer=remplacer,
    )
