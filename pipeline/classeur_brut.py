"""Ce que calamine ne dit pas d'un classeur .xlsx, lu dans le XML de ses feuilles.

calamine (`pipeline.lecture_feuilles`) construit pour chaque feuille un tableau dense de
lignes × colonnes : une seule valeur tapée en XFD1048576 lui fait demander 512 Gio et arrête
le programme (trace Rust, code 134). Il rend aussi une cellule vide pour une formule jamais
calculée (classeur écrit par un programme, jamais ouvert dans Excel) et pour une valeur
d'erreur (#N/A, #REF!…) : la lecture croirait la cellule vide. Avant calamine, ce module :

- borne l'étendue de chaque feuille lue : au-delà de `LIMITE_CELLULES`, les cellules
  isolées loin du tableau sont repérées et retirées d'une copie en mémoire du classeur
  (le fichier n'est jamais modifié) ; `pipeline.lecture_feuilles` les signale ;
- repère, position par position, les formules sans valeur calculée et les valeurs d'erreur.

Le cas courant (classeur saisi dans Excel, sans formule ni erreur) ne coûte que la
décompression des feuilles et quelques recherches d'octets.
"""

from __future__ import annotations

import functools
import io
import re
import types
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from openpyxl.utils import get_column_letter

from pipeline.fichiers import ZIP_ABIME
from pipeline.formats import nombre_fr

# Au-delà (lignes × colonnes de la zone à lire), calamine demanderait plus de ~300 Mo :
# 100 000 salariés sur 100 colonnes restent en deçà.
LIMITE_CELLULES = 10_000_000
# Un tableau saisi à la main n'a pas 1 000 lignes vides ni 100 colonnes vides d'affilée :
# ce qui est au-delà d'un tel vide est égaré.
ECART_LIGNES = 1_000
ECART_COLONNES = 100

# Motifs sur les octets du XML. Chacun commence par un texte fixe : `re` le cherche alors à
# la vitesse d'une recherche d'octets (les 117 Mo de XML d'un registre de 100 000 salariés
# sont parcourus en quelques dixièmes de seconde).
_NUMERO_LIGNE = re.compile(rb' r="([0-9]{1,7})"')  # seules les lignes ont un r numérique
_REFERENCE = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')
_TYPE = re.compile(rb' t="([a-zA-Z]+)"')
_PREFIXE = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")


@functools.lru_cache(maxsize=4)
def _motifs(prefixe: bytes) -> types.SimpleNamespace:
    """Motifs des éléments, avec le préfixe d'espace de noms du fichier (<c>, ou <x:c>)."""
    p = re.escape(prefixe)
    return types.SimpleNamespace(
        cellule=re.compile(rb"<" + p + rb"c ([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S),
        formule=re.compile(rb"<" + p + rb"f\b[^>]*?(?:/>|>(.*?)</" + p + rb"f>)", re.S),
        marque_formule=re.compile(rb"<" + p + rb"f[\s>/]"),
        valeur=re.compile(rb"<" + p + rb"v>([^<]+)</" + p + rb"v>"),
        texte=re.compile(rb"<" + p + rb"t\b[^>]*>([^<]*)</" + p + rb"t>"),
        en_ligne=b"<" + prefixe + b"is>",
    )


def _motifs_de(xml: bytes) -> types.SimpleNamespace:
    trouve = _PREFIXE.search(xml, 0, 4096)
    return _motifs(trouve[1] or b"" if trouve else b"")


@dataclass
class FeuilleBrute:
    """Ce que le XML d'une feuille apprend ; positions (ligne, colonne) comptées depuis 0."""

    formules_sans_valeur: dict[tuple[int, int], str] = field(default_factory=dict)  # formule
    erreurs: dict[tuple[int, int], str] = field(default_factory=dict)  # « #N/A »
    egarees: dict[tuple[int, int], str] = field(default_factory=dict)  # valeur, retirée
    tableau: str = ""  # zone retenue quand des cellules égarées ont été retirées (« A1:R119 »)

    def egarees_signalees(self) -> Iterator[tuple[int, int, str, str]]:
        """(ligne, colonne, valeur, phrase) de chaque cellule égarée, comptées depuis 1."""
        for (r, j), valeur in self.egarees.items():
            colonne = get_column_letter(j + 1)
            yield (
                r + 1,
                j + 1,
                valeur,
                (
                    f"Valeur « {valeur[:40]} » isolée en {colonne}{r + 1}, loin du tableau "
                    f"({self.tableau}) : elle n'est pas lue. Supprimez-la (dans Excel, Ctrl+Fin y "
                    "mène) ou ramenez-la dans le tableau, enregistrez, puis relancez."
                ),
            )


@dataclass
class Inspection:
    contenu: bytes  # le classeur à donner à calamine (sans les cellules égarées)
    feuilles: dict[str, FeuilleBrute]


class FeuilleTropGrande(Exception):
    """Même sans ses cellules égarées, la feuille dépasse ce que le programme lit."""

    def __init__(self, titre: str, lignes: int, colonnes: int) -> None:
        super().__init__(titre)
        self.titre, self.lignes, self.colonnes = titre, lignes, colonnes

    def phrase(self, fichier: str) -> str:
        """Le message pour l'utilisateur ; `fichier` : « registre « x.xlsx » », par exemple."""
        return (
            f"La feuille « {self.titre} » du {fichier} s'étend sur {nombre_fr(self.lignes)} "
            f"lignes et {nombre_fr(self.colonnes)} colonnes : c'est plus que ce que le "
            "programme lit. Supprimez les lignes et colonnes inutiles (Ctrl+Fin dans Excel "
            "montre la dernière cellule utilisée), enregistrez, puis relancez."
        )


def inspecter(contenu: bytes, titres: Iterable[str]) -> Inspection:
    """Inspecte les feuilles `titres` du classeur `contenu` (octets d'un .xlsx).

    Un classeur dont la structure n'est pas celle d'un .xlsx ordinaire n'est pas inspecté
    (calamine dira lui-même s'il est illisible) ; FeuilleTropGrande si une feuille reste
    trop étendue une fois ses cellules égarées retirées.
    """
    feuilles: dict[str, FeuilleBrute] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        parties = _parties_des_feuilles(archive)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return Inspection(contenu, feuilles)
    remplacees: dict[str, bytes] = {}
    for titre in titres:
        partie = parties.get(titre)
        if partie is None or partie not in archive.namelist():
            continue
        try:
            xml = archive.read(partie)
        except ZIP_ABIME:
            continue  # feuille abîmée : calamine le dira (fichier-illisible)
        motifs = _motifs_de(xml)
        feuille = FeuilleBrute()
        if _etendue_majoree(xml) > LIMITE_CELLULES:
            allegee = _retirer_egarees(xml, motifs, titre, feuille, archive)
            if allegee is not None:
                xml = remplacees[partie] = allegee
        _cellules_speciales(xml, motifs, feuille)
        feuilles[titre] = feuille
    if remplacees:
        contenu = _reecrire(archive, remplacees)
    return Inspection(contenu, feuilles)


def _indice_colonne(lettres: bytes) -> int:
    indice = 0
    for octet in lettres:
        indice = indice * 26 + octet - 64
    return indice - 1


# --------------------------------------------------------------------------------------
# Structure du classeur : quel fichier XML pour quelle feuille
# --------------------------------------------------------------------------------------


def _attribut(element: ElementTree.Element, nom: str) -> str | None:
    """Attribut par son nom local (les espaces de noms varient : Transitional, Strict)."""
    for cle_attribut, valeur in element.attrib.items():
        if cle_attribut.rpartition("}")[2] == nom:
            return valeur
    return None


def membre_cible(dossier: str, cible: str) -> str:
    """Le membre du zip que désigne la cible `cible` d'une relation écrite dans `dossier`
    (« ../worksheets/sheet1.xml » vu de « xl/_rels » ; « /xl/… » : depuis la racine)."""
    if cible.startswith("/"):
        return cible.lstrip("/")
    morceaux = [m for m in dossier.split("/") if m]
    for m in cible.split("/"):
        if m == "..":
            morceaux.pop()
        elif m not in ("", "."):
            morceaux.append(m)
    return "/".join(morceaux)


def _relations(archive: zipfile.ZipFile, chemin: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, cible) des relations d'une partie."""
    dossier, _, nom = chemin.rpartition("/")
    racine = ElementTree.fromstring(archive.read(membre_cible(dossier, f"_rels/{nom}.rels")))
    return {
        _attribut(r, "Id") or "": (
            _attribut(r, "Type") or "",
            membre_cible(dossier, _attribut(r, "Target") or ""),
        )
        for r in racine
    }


def _parties_des_feuilles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Nom de feuille -> chemin de son XML dans l'archive."""
    classeur = next(
        (
            cible
            for type_, cible in _relations(archive, "/").values()
            if type_.endswith("/officeDocument")
        ),
        "xl/workbook.xml",
    )
    relations = _relations(archive, classeur)
    parties = {}
    for element in ElementTree.fromstring(archive.read(classeur)).iter():
        if element.tag.rpartition("}")[2] == "sheet":
            nom, identifiant = _attribut(element, "name"), _attribut(element, "id")
            if nom is not None and identifiant in relations:
                parties[nom] = relations[identifiant][1]
    return parties


# --------------------------------------------------------------------------------------
# Étendue : borne rapide, puis cellules égarées
# --------------------------------------------------------------------------------------


def _etendue_majoree(xml: bytes) -> int:
    """Majorant de lignes × colonnes de la zone que calamine allouerait, sans tout analyser."""
    lignes = _derniere_ligne(xml)
    if not lignes:  # lignes sans numéro (permis) : on ne sait pas borner à bon compte
        return LIMITE_CELLULES + 1
    if lignes * 16_384 <= LIMITE_CELLULES:
        return lignes * 16_384
    return lignes * _largeur_majoree(xml)


def _largeur_majoree(xml: bytes) -> int:
    """Majorant du nombre de colonnes : la plus grande première lettre des références les
    plus longues, suivie de Z (« AB7 » -> AZ, 52 colonnes).

    Une colonne AA ne doit pas faire compter 702 colonnes : au-delà de ~14 000 lignes, la
    feuille passerait par `_retirer_egarees`, qui examine chaque cellule en Python.
    Chaque lettre essayée est une recherche d'octets ; la plupart trouvent tôt.
    """
    for longueur in (3, 2):
        premiere = None
        suivante = ord("A")
        while suivante <= ord("Z"):
            trouvee = re.search(rb' r="([%c-Z])[A-Z]{%d}[0-9]' % (suivante, longueur - 1), xml)
            if trouvee is None:
                break
            premiere = trouvee[1]
            suivante = premiere[0] + 1
        if premiere is not None:
            return min(_indice_colonne(premiere + b"Z" * (longueur - 1)) + 1, 16_384)
    return 26


def _derniere_ligne(xml: bytes) -> int:
    """Numéro de la dernière ligne (les lignes sont rangées dans l'ordre), 0 si inconnu."""
    fin = xml.rfind(b"sheetData>")
    i = fin if fin >= 0 else len(xml)
    while (i := xml.rfind(b' r="', 0, i)) >= 0:
        # En remontant depuis la fin : les cellules de la dernière ligne, puis la ligne.
        numero = _NUMERO_LIGNE.match(xml, i)
        if numero:
            return int(numero[1])
    return 0


def _cellules_pleines(xml: bytes, motifs: types.SimpleNamespace) -> list[tuple[int, int, int, int]]:
    """(ligne, colonne, début, fin dans le XML) de chaque cellule qui a un contenu."""
    cellules = []
    for m in motifs.cellule.finditer(xml):
        reference = _REFERENCE.search(b" " + m[1])
        interieur = m[2]
        if reference is None or not interieur:
            continue
        if (
            motifs.valeur.search(interieur)
            or motifs.marque_formule.search(interieur)
            or motifs.en_ligne in interieur
        ):
            ligne, colonne = int(reference[2]) - 1, _indice_colonne(reference[1])
            cellules.append((ligne, colonne, m.start(), m.end()))
    return cellules


def _coupure(valeurs: set[int], ecart: int) -> int:
    """Dernière valeur avant le premier vide de plus de `ecart` (le tableau s'arrête là)."""
    ordre = sorted(valeurs)
    for precedente, suivante in zip(ordre, ordre[1:], strict=False):
        if suivante - precedente > ecart:
            return precedente
    return ordre[-1]


def _retirer_egarees(
    xml: bytes,
    motifs: types.SimpleNamespace,
    titre: str,
    feuille: FeuilleBrute,
    archive: zipfile.ZipFile,
) -> bytes | None:
    """Le XML sans ses cellules égarées (notées dans `feuille`) ; None s'il n'y en a pas."""
    cellules = _cellules_pleines(xml, motifs)
    if not cellules:
        return None
    derniere_ligne = _coupure({c[0] for c in cellules}, ECART_LIGNES)
    derniere_colonne = _coupure({c[1] for c in cellules}, ECART_COLONNES)
    if (derniere_ligne + 1) * (derniere_colonne + 1) > LIMITE_CELLULES:
        raise FeuilleTropGrande(titre, derniere_ligne + 1, derniere_colonne + 1)
    morceaux, debut = [], 0
    textes_partages: list[str] | None = None
    for ligne, colonne, d, f in cellules:
        if ligne <= derniere_ligne and colonne <= derniere_colonne:
            continue
        if textes_partages is None:
            textes_partages = _textes_partages(archive)
        feuille.egarees[(ligne, colonne)] = _valeur_ecrite(xml[d:f], motifs, textes_partages)
        morceaux.append(xml[debut:d])
        debut = f
    if not feuille.egarees:
        return None
    morceaux.append(xml[debut:])
    feuille.tableau = f"A1:{get_column_letter(derniere_colonne + 1)}{derniere_ligne + 1}"
    return b"".join(morceaux)


def _textes_partages(archive: zipfile.ZipFile) -> list[str]:
    nom = next((n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")), None)
    if nom is None:
        return []
    racine = ElementTree.fromstring(archive.read(nom))
    return [
        "".join(t.text or "" for t in si.iter() if t.tag.rpartition("}")[2] == "t")
        for si in racine
        if si.tag.rpartition("}")[2] == "si"
    ]


def _valeur_ecrite(
    cellule: bytes, motifs: types.SimpleNamespace, textes_partages: list[str]
) -> str:
    """La valeur d'une cellule telle que l'utilisatrice l'a tapée (messages)."""
    type_ = _TYPE.search(cellule)
    valeur = motifs.valeur.search(cellule)
    if type_ and type_[1] == b"s" and valeur:
        indice = int(valeur[1])
        return textes_partages[indice] if indice < len(textes_partages) else ""
    if type_ and type_[1] == b"inlineStr":
        return "".join(t.decode("utf-8", "replace") for t in motifs.texte.findall(cellule))
    formule = motifs.formule.search(cellule)
    if formule and not valeur:
        return "=" + (formule[1] or b"").decode("utf-8", "replace")
    return valeur[1].decode("utf-8", "replace") if valeur else ""


def _reecrire(archive: zipfile.ZipFile, remplacees: dict[str, bytes]) -> bytes:
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as copie:
        for info in archive.infolist():
            copie.writestr(info.filename, remplacees.get(info.filename) or archive.read(info))
    return sortie.getvalue()


# --------------------------------------------------------------------------------------
# Formules sans valeur calculée, valeurs d'erreur
# --------------------------------------------------------------------------------------


def _cellules_speciales(xml: bytes, motifs: types.SimpleNamespace, feuille: FeuilleBrute) -> None:
    if not (b' t="e"' in xml or motifs.marque_formule.search(xml)):
        return  # le cas courant : une recherche d'octets par motif, rien d'autre
    for m in motifs.cellule.finditer(xml):
        interieur = m[2]
        attributs = b" " + m[1]
        if not interieur or not (b' t="e"' in attributs or motifs.marque_formule.search(interieur)):
            continue
        reference = _REFERENCE.search(attributs)
        if reference is None:
            continue
        position = (int(reference[2]) - 1, _indice_colonne(reference[1]))
        type_ = _TYPE.search(attributs)
        valeur = motifs.valeur.search(interieur)
        if type_ and type_[1] == b"e":
            feuille.erreurs[position] = valeur[1].decode("utf-8", "replace") if valeur else "#N/A"
            continue
        formule = motifs.formule.search(interieur)
        # t="str" avec une valeur vide : la formule a bien été calculée, et vaut "".
        if formule and not valeur and not (type_ and type_[1] == b"str"):
            feuille.formules_sans_valeur[position] = (formule[1] or b"").decode("utf-8", "replace")
