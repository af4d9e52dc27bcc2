"""document.xml d'un document rendu : le corps dans la racine du modèle, comme docxtpl.

docxtpl analyse le corps rendu seul, le déplace dans la racine du document, corrige les
tableaux dont une ligne déborde de la grille (`fix_tables`), puis python-docx sérialise
la racine. Ce module fait le même travail à moindre coût : `Encadrement` analyse d'un
seul coup la racine et le corps, `tableaux_a_corriger` dit (en XPath) si `fix_tables`
changerait quelque chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
# DocxTemplate.fix_tables ne modifie un tableau que si une ligne a plus de cellules que
# la grille n'a de colonnes, ou si aucune ligne (largeur des fusions comprise) n'atteint
# le nombre de colonnes. Ces deux tests en XPath (code C) évitent sa boucle Python sur
# chaque cellule quand elle n'aurait rien changé ; sinon c'est elle qui corrige.
_XP_TABLEAUX = etree.XPath("//w:tbl", namespaces=_NS)
_XP_COLONNES = etree.XPath("count(w:tblGrid[1]/w:gridCol)", namespaces=_NS)
_XP_GRILLE = etree.XPath("w:tblGrid", namespaces=_NS)
_XP_LIGNE_TROP_LARGE = etree.XPath(".//w:tr[count(w:tc) > $n]", namespaces=_NS)
_XP_LIGNE_PLEINE = etree.XPath(
    ".//w:tr[count(w:tc[not(w:tcPr/w:gridSpan)]) + sum(w:tc/w:tcPr/w:gridSpan[1]/@w:val) >= $n]",
    namespaces=_NS,
)


@dataclass(frozen=True)
class Encadrement:
    """La racine de document.xml autour du corps, pour analyser le tout d'un seul coup.

    docxtpl analyse le corps rendu seul, puis le déplace dans la racine du document :
    lxml parcourt alors tout le corps pour y raccorder les espaces de noms et retire de
    sa balise ouvrante les déclarations que la racine porte déjà. Analyser d'un coup
    « début de la racine + corps rendu + fin de la racine », après avoir retiré ces
    mêmes déclarations du texte, donne le même arbre pour trois fois moins de travail.
    """

    debut: str  # la racine sérialisée jusqu'à la balise ouvrante du corps
    fin: str  # sa suite après la balise fermante du corps
    balise_rendue: str  # balise ouvrante du corps telle que la produit Jinja
    balise_allegee: str  # la même sans les déclarations que la racine porte déjà
    rang: int  # place du corps parmi les enfants de la racine

    @classmethod
    def du_document(
        cls, racine: etree._Element, corps: etree._Element, source: str
    ) -> Encadrement | None:
        """None si le modèle sort de l'ordinaire : le corps sera alors déplacé."""
        balise = source[: source.find(">") + 1]
        if not balise.startswith("<w:body") or "{" in balise or balise.endswith("/>"):
            return None
        portees = racine.nsmap
        allegee = balise
        for declaration, prefixe, uri in re.findall(r' (xmlns(?::([\w.-]+))?)="([^"]*)"', balise):
            if portees.get(prefixe or None) == uri:
                allegee = allegee.replace(f' {declaration}="{uri}"', "", 1)
            elif uri in portees.values():
                return None  # lxml la raccorderait à un autre préfixe : cas laissé à docxtpl
        copie = etree.fromstring(etree.tostring(racine))
        rang = list(racine).index(corps)
        marque = etree.Element(corps.tag)
        marque.text = "CORPS_RENDU_3F9C1E"
        copie.replace(copie[rang], marque)
        texte = etree.tostring(copie, encoding="unicode")
        place = texte.find(marque.text)
        if place < 0 or texte.count(marque.text) != 1:
            return None
        debut = texte.rfind("<", 0, place)
        fin = texte.find(">", place) + 1
        return cls(texte[:debut], texte[fin:], balise, allegee, rang)

    def analyser(
        self, xml: str, analyseur: etree.XMLParser
    ) -> tuple[etree._Element, etree._Element] | None:
        """(racine, corps) analysés d'un coup ; None si le corps rendu est mal formé
        (docxtpl le répare alors à sa façon, que seule sa voie reproduit)."""
        if not xml.startswith(self.balise_rendue):
            return None
        texte = self.debut + self.balise_allegee + xml[len(self.balise_rendue) :] + self.fin
        try:
            racine = etree.fromstring(texte, analyseur)
        except etree.XMLSyntaxError:
            return None
        return racine, racine[self.rang]


def tableaux_a_corriger(arbre: etree._Element) -> bool:
    """Vrai si DocxTemplate.fix_tables changerait quelque chose (ou échouerait)."""
    if arbre.nsmap.get("w") != _W:
        return True  # espace de noms inattendu : docxtpl décide
    for tableau in _XP_TABLEAUX(arbre):
        if not _XP_GRILLE(tableau):
            return True  # fix_tables lèvera la même erreur que docxtpl
        colonnes = _XP_COLONNES(tableau)
        if _XP_LIGNE_TROP_LARGE(tableau, n=colonnes) or not _XP_LIGNE_PLEINE(tableau, n=colonnes):
            return True
    return False
