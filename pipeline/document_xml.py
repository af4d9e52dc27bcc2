"""document.xml d'un document rendu : le corps dans la racine du modèle, comme docxtpl.

docxtpl analyse le corps rendu seul, le déplace dans la racine du document, corrige les
tableaux dont une ligne déborde de la grille (`fix_tables`), puis python-docx sérialise
la racine. Ce module fait le même travail à moindre coût : `Encadrement` analyse d'un
seul coup la racine et le corps, `tableaux_a_corriger` dit (en XPath) si `fix_tables`
changerait quelque chose ; et le plus souvent, `CorpsSansArbre` écrit document.xml sans
analyser ni sérialiser d'arbre du tout, aux mêmes octets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from markupsafe import Markup

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
    # document.xml autour du corps, tel que l'écrit la sérialisation de la racine
    # (déclaration XML comprise) : ce que `CorpsSansArbre` met autour du corps rendu.
    prefixe: bytes
    suffixe: bytes

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
        octets = etree.tostring(copie, encoding="UTF-8", standalone=True)
        marque_octets = f"{texte[debut:fin]}".encode()
        if octets.count(marque_octets) != 1:
            return None
        prefixe, suffixe = octets.split(marque_octets)
        return cls(texte[:debut], texte[fin:], balise, allegee, rang, prefixe, suffixe)

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


# Ce qu'une valeur ne peut pas contenir pour être écrite telle quelle : caractères de
# contrôle (lxml refuse les uns ; DocxTemplate.resolve_listing transforme \n \t \a \f ;
# l'analyse XML change \r en \n), demi-codets et non-caractères. Les accolades que
# docxtpl réécrit sont cherchées dans le corps assemblé (`CorpsSansArbre.ecrire`).
_VALEUR_A_TRAITER = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
# Au-delà, une nouvelle structure n'est plus retenue (la mémoire reste bornée).
_STRUCTURES_MAX = 4096
_INCONNUE = object()
# Une fin d'élément vide à écrire `<x …/>` : (morceau de la balise ouvrante, morceau de la
# balise fermante, longueur de la balise fermante).
_Plan = tuple[tuple[int, int, int], ...]


@dataclass
class CorpsSansArbre:
    """document.xml écrit sans analyser ni sérialiser d'arbre XML, aux octets de docxtpl.

    Jinja rend le corps en morceaux : des morceaux du gabarit (le XML du modèle, tel que
    lxml l'a sérialisé) et des valeurs échappées (markupsafe). Analysé puis resérialisé
    (ce que fait docxtpl), ce texte ne change qu'à deux endroits que l'on sait refaire
    sur les morceaux : les guillemets d'une valeur (« &#34; » et « &#39; » deviennent
    « " » et « ' » dans un texte) et les éléments restés vides (`<w:t …></w:t>` devient
    `<w:t …/>`). Tout le reste de ce que fait docxtpl (tableaux corrigés, identifiants
    d'images…) ne dépend que de la suite des morceaux du gabarit, la « structure » du
    document (avec les valeurs vides) : la première fois qu'une structure se présente,
    le document est aussi écrit par l'arbre (`par_l_arbre`), et la voie sans arbre n'est
    retenue pour cette structure que si elle donne les mêmes octets. Une campagne n'a
    que quelques dizaines de structures par modèle.

    N'est possible que si les valeurs sont du texte entre deux balises : aucune balise
    Jinja dans une balise XML (`sans_arbre_possible`), échappement automatique, et chaque
    valeur `Markup` (balisage brut) renvoie le document à l'arbre. Y vont aussi, sans que
    leur structure soit jugée sur eux, les documents qu'une valeur rend différents du
    reste de leur structure : une valeur qui porte un caractère de contrôle (docxtpl le
    transforme ou lxml le refuse), un corps assemblé où figure « {_ » ou « _} » (docxtpl
    y réécrit {_{ }_} {_% %_}, même formés par une valeur et son voisin du gabarit).
    """

    encadrement: Encadrement
    # Structure -> plan des éléments vides, ou None : cette structure passe par l'arbre.
    plans: dict[tuple[Any, ...], _Plan | None] = field(default_factory=dict)

    def ecrire(self, morceaux: list[str], par_l_arbre: Callable[[], bytes]) -> bytes:
        """document.xml d'après les morceaux rendus par Jinja (sans sauts de ligne
        ajoutés) ; `par_l_arbre` le fait par l'arbre, quand la voie directe ne peut pas."""
        valeurs = "".join([m for m in morceaux if m.__class__ is Markup])
        if _VALEUR_A_TRAITER.search(valeurs):
            return par_l_arbre()
        # Un morceau du gabarit est le même objet d'un document à l'autre : la clé se
        # compare surtout par identité.
        structure = tuple([m if m.__class__ is str else not m for m in morceaux])
        if "&#" in valeurs:
            morceaux = [
                str.replace(m, "&#34;", '"').replace("&#39;", "'") if m.__class__ is Markup else m
                for m in morceaux
            ]
        plan = self.plans.get(structure, _INCONNUE)
        if plan is None:
            return par_l_arbre()
        inconnue = plan is _INCONNUE
        if inconnue:
            plan = _plan_des_vides(morceaux)
        corps = _assembler(morceaux, plan)
        if "{_" in corps or "_}" in corps:
            # docxtpl remplace {_{ }_} {_% %_} dans tout le corps rendu, y compris une suite
            # formée par une valeur et le gabarit voisin (« x{ » suivi de « _{{ b }} ») :
            # elle ne se voit que sur le corps assemblé. Ce document passe par l'arbre, sans
            # rien décider pour sa structure : l'ordre des salariés ne change pas la voie
            # des autres.
            return par_l_arbre()
        octets = self._encadrer(corps)
        if inconnue:
            reference = par_l_arbre()
            if len(self.plans) < _STRUCTURES_MAX:
                self.plans[structure] = plan if octets == reference else None
            return reference
        return octets or par_l_arbre()

    def _encadrer(self, corps: str) -> bytes | None:
        encadrement = self.encadrement
        if not corps.startswith(encadrement.balise_rendue):
            return None  # le corps ne commence pas par sa balise : la voie de l'arbre décide
        return b"".join(
            (
                encadrement.prefixe,
                encadrement.balise_allegee.encode(),
                corps[len(encadrement.balise_rendue) :].encode(),
                encadrement.suffixe,
            )
        )


def _assembler(morceaux: list[str], plan: _Plan) -> str:
    """Le corps rendu, ses éléments vides écrits `<x …/>` comme lxml."""
    if plan:
        morceaux = list(morceaux)
        for ouvrante, fermante, longueur in plan:
            morceaux[ouvrante] = morceaux[ouvrante][:-1] + "/>"
            morceaux[fermante] = morceaux[fermante][longueur:]
    return "".join(morceaux)


def _plan_des_vides(morceaux: list[str]) -> _Plan:
    """Les éléments laissés vides, entre une balise ouvrante qui finit un morceau et sa
    balise fermante qui commence le morceau suivant (les valeurs vides mises à part)."""
    plan = []
    precedent = -1
    for i, morceau in enumerate(morceaux):
        if not morceau:
            continue
        if precedent >= 0 and morceau.startswith("</"):
            avant = morceaux[precedent]
            debut = avant.rfind("<")
            if avant.endswith(">") and not avant.endswith("/>") and avant[debut + 1] not in "/!?":
                nom = avant[debut + 1 : -1].split(" ", 1)[0]
                fin = morceau.find(">")
                if morceau[2:fin] == nom:
                    plan.append((precedent, i, fin + 1))
        precedent = i
    return tuple(plan)


def sans_arbre_possible(source: str) -> bool:
    """Aucune balise Jinja dans une balise XML (`<w:t{% if … %} …>`) : une valeur n'est
    alors jamais dans un attribut, où son échappement serait autre."""
    for balise in re.finditer(r"\{[{%#]", source):
        if source.rfind("<", 0, balise.start()) > source.rfind(">", 0, balise.start()):
            return False
    return True
