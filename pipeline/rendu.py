"""Rendu des modèles Word : docxtpl compilé une fois, puis des milliers de documents.

Une boucle docxtpl ordinaire (`DocxTemplate(chemin)`, `render`, `save` par document)
recharge le paquet, re-nettoie le XML et recompile le gabarit Jinja à chaque salarié.
`ModeleCompile` fait ce travail une seule fois par modèle : il applique aux parties que
docxtpl rend (corps, en-têtes, pieds de page, notes, propriétés du document) le même
prétraitement que docxtpl — en appelant ses propres fonctions (`patch_xml`,
`resolve_listing`, `fix_tables`, `fix_docpr_ids`…), pas une copie —, compile chaque
partie, puis pour chaque contexte ne rend que ces parties et recopie les autres membres
du zip tels quels (octets compressés compris). Le XML produit est identique, octet pour
octet, à celui de docxtpl (vérifié par les tests).

Ce qui reste à faire par document est réduit au nécessaire. Le plus souvent, document.xml
est écrit sans arbre XML (`CorpsSansArbre`) : les morceaux rendus par Jinja sont assemblés
tels quels, voie retenue pour une structure de document seulement si son premier document
y a les octets de la voie de docxtpl. Les documents qu'elle ne sait pas écrire (valeur
balisée, caractère de contrôle, « {_ » ou « _} » que docxtpl réécrirait) passent par
l'arbre, analysé d'un seul coup (racine du modèle + corps rendu, `Encadrement`) au lieu
d'analyser le corps puis de le déplacer dans la racine comme docxtpl — même arbre, vérifié
contre la voie de docxtpl au premier document de chaque modèle. Une partie dont le rendu
Jinja est celui du document précédent (en-tête, pied, propriétés) reprend son membre déjà
compressé.

Ce qui a besoin de l'objet `DocxTemplate` pendant le rendu (images `InlineImage`) passe
par docxtpl lui-même ; ce qu'aucun rendu séparé ne peut produire juste (sous-documents,
liens hypertexte de `RichText`, liés au `DocxTemplate` qui les a créés) est refusé avec
un message : jamais de document faux en silence.

Sécurité : bac à sable Jinja immuable (un modèle édité dans Word ne peut ni exécuter de
code ni modifier les données : `{{ salarie.update({…}) }}` est refusé, le contexte que
partagent les documents d'un salarié reste intact), le même pour le rendu rapide et le
repli docxtpl ; échappement automatique (« Dupont & Fils <SARL> » s'imprime tel quel) et
variable inconnue = erreur, pas texte vide.

Voisins : `paquet_docx` écrit le zip, `document_xml` fait document.xml, et
`rendu_parallele` rend et écrit des milliers de documents en processus parallèles.
"""

from __future__ import annotations

import io
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate, InlineImage, RichText, RichTextParagraph
from jinja2 import nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from lxml import etree

from pipeline.document_xml import (
    CorpsSansArbre,
    Encadrement,
    sans_arbre_possible,
    tableaux_a_corriger,
)
from pipeline.erreurs import ErreurEntretiens
from pipeline.paquet_docx import Membre, compresser, ecrire_zip, lire_membres

RAPIDE = "rapide"
DOCXTPL = "docxtpl"

# Les propriétés que docxtpl rend (DocxTemplate.render_properties) : les autres ne
# peuvent pas être écrites comme du texte par python-docx.
PROPRIETES_RENDUES = ("author", "comments", "identifier", "language", "subject", "title")

TYPE_NOTES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
)

_BALISE_JINJA = re.compile(r"\{[{%#]")
# Les caractères que DocxTemplate.resolve_listing transforme (tabulation, saut de ligne,
# de paragraphe, de page) : sans eux dans le XML rendu, resolve_listing ne change rien.
_CARACTERES_LISTING = ("\n", "\t", "\a", "\f")


# --------------------------------------------------------------------------------------
# Environnement Jinja


def _environnement(autoescape: bool) -> SandboxedEnvironment:
    # Pas de filtre maison : le contexte fournit déjà les dates mises en forme en français
    # (formats.date_longue…), ce qui garde les modèles simples à modifier dans Word.
    # Immuable : les listes et dictionnaires du contexte se lisent mais ne se modifient pas
    # (update, append, pop… lèvent SecurityError) ; un même contexte sert à plusieurs
    # documents, et un modèle ne doit pas pouvoir changer ce qu'imprime un autre.
    return ImmutableSandboxedEnvironment(autoescape=autoescape, undefined=jinja2.StrictUndefined)


def environnement_jinja() -> SandboxedEnvironment:
    """Bac à sable immuable, échappement XML automatique, variable inconnue = erreur."""
    return _environnement(autoescape=True)


def _environnement_proprietes() -> SandboxedEnvironment:
    # Les propriétés du document (titre, sujet…) sont du texte brut que python-docx
    # échappe lui-même à l'écriture : avec l'échappement automatique, « & » y
    # deviendrait « &amp; » en toutes lettres (défaut de docxtpl en autoescape).
    return _environnement(autoescape=False)


class _DocxTemplateProprietes(DocxTemplate):
    """docxtpl tel quel, sauf les propriétés du document rendues sans double échappement."""

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        super().render_properties(context, _environnement_proprietes())


# --------------------------------------------------------------------------------------
# Erreurs en français


def _texte_lignes(source: str, ligne: int | None) -> str:
    """Le texte visible (sans balises XML) autour d'une ligne du XML préparé."""
    if not ligne:
        return ""
    lignes = source.splitlines()
    debut = max(ligne - 2, 0)
    morceaux = [re.sub(r"<[^>]+>", "", x).strip() for x in lignes[debut : ligne + 1]]
    texte = " … ".join(m for m in morceaux if m)
    return texte[:200] + ("…" if len(texte) > 200 else "")


def _ligne_du_gabarit(exc: BaseException) -> int | None:
    # Jinja réécrit la pile d'appels : la dernière trame « <template> » porte la ligne
    # du gabarit où le rendu a échoué.
    ligne = getattr(exc, "lineno", None)
    for trame, numero in traceback.walk_tb(exc.__traceback__):
        if trame.f_code.co_filename == "<template>":
            ligne = numero
    return ligne


def _modele_absent(chemin: Path, exc: OSError) -> ErreurEntretiens:
    return ErreurEntretiens.simple(
        "modele-absent",
        f"Le modèle « {chemin} » est introuvable ou illisible ({exc.strerror}). "
        "Vérifiez le dossier des modèles (modeles_word/).",
    )


def _erreur_modele(
    nom: str, partie: str, source: str, exc: BaseException, passage: str | None = None
) -> ErreurEntretiens:
    if passage is None:
        passage = _texte_lignes(source, _ligne_du_gabarit(exc))
    pres = f" près du texte « {passage} »" if passage else ""
    lieu = f"Le modèle « {nom} » ({partie})"
    if isinstance(exc, UndefinedError):
        trouve = re.search(r"'([^']+)' is undefined", str(exc)) or re.search(
            r"has no attribute '([^']+)'", str(exc)
        )
        variable = trouve.group(1) if trouve else str(exc)
        message = (
            f"{lieu} utilise la variable « {variable} »{pres}, que le programme ne fournit "
            "pas. Ouvrez le modèle dans Word et corrigez le nom entre {{ }} (la liste des "
            "variables disponibles est dans modeles_word/README.md et `entretiens modeles`)."
        )
    elif isinstance(exc, SecurityError):
        message = (
            f"{lieu} contient une expression interdite{pres} ({exc}). Les modèles ne "
            "peuvent qu'afficher des variables : ouvrez-le dans Word et supprimez cette balise."
        )
    elif isinstance(exc, TemplateSyntaxError):
        message = (
            f"{lieu} contient une balise mal formée{pres} : {exc.message}. Ouvrez le modèle "
            "dans Word et vérifiez ce passage : accolades fermées ({{ … }}, {% … %}), "
            "chaque {% if %} fermé par {% endif %}, chaque {%tr for %} par {%tr endfor %}."
        )
    else:
        message = (
            f"{lieu} ne peut pas être rendu{pres} : {exc}. Ouvrez le modèle dans Word et "
            "vérifiez les balises de ce passage."
        )
    return ErreurEntretiens.simple("modele-invalide", message)


# --------------------------------------------------------------------------------------
# Modèle compilé


@dataclass
class _Partie:
    """Une partie XML rendue : son gabarit compilé et comment la réécrire."""

    membre: str  # nom dans le zip, ex. word/header1.xml
    libelle: str  # pour les messages : « corps du document », « en-tête »…
    source: str  # XML préparé, pour citer le passage fautif
    gabarit: jinja2.Template
    genre: str  # corps, entete_pied, notes
    encodage: str = "utf-8"
    # Le corps compilé sans les sauts de ligne ajoutés (`document_xml.CorpsSansArbre`).
    sans_sauts: jinja2.Template | None = None


def _outil_docxtpl() -> DocxTemplate:
    # Les méthodes de docxtpl utilisées ici (patch_xml, resolve_listing, fix_tables,
    # fix_docpr_ids) ne dépendent que de docx_ids_index : une instance vide suffit.
    return DocxTemplate(io.BytesIO())


class _ObjetDocxtpl(Exception):
    """Levée pendant le rendu rapide quand une valeur affichée exige docxtpl."""


def _exige_docxtpl(valeur: Any) -> bool:
    return (
        isinstance(valeur, InlineImage)
        or type(valeur).__name__ == "Subdoc"
        or (isinstance(valeur, RichText | RichTextParagraph) and "w:hyperlink" in valeur.xml)
    )


def _finaliseur(suivant: Callable[[Any], Any] | None, balisage: list[bool]) -> Callable[[Any], Any]:
    # `finalize` voit chaque valeur affichée par {{ }} : détecter ici les objets docxtpl
    # ne coûte rien aux contextes ordinaires (pas de parcours de tout le contexte). Une
    # valeur déjà balisée (Markup, RichText : du XML brut) est notée dans `balisage` : le
    # document ne peut pas être écrit sans arbre.
    def finaliser(valeur: Any) -> Any:
        if valeur.__class__ not in _VALEURS_SIMPLES:
            if _exige_docxtpl(valeur):
                raise _ObjetDocxtpl()
            if hasattr(valeur, "__html__"):
                balisage[0] = True
        return suivant(valeur) if suivant else valeur

    return finaliser


_VALEURS_SIMPLES = frozenset((str, int, float, bool, type(None)))


def _objets_docxtpl(valeur: Any, trouves: list[Any]) -> None:
    """Collecte les objets docxtpl du contexte qui ont besoin d'un DocxTemplate.

    Partout où un modèle peut les atteindre : dictionnaires, listes, et attributs d'un
    objet (`{{ societe.logo }}`) ; chaque objet n'est parcouru qu'une fois.
    """
    vus: set[int] = set()
    pile = [(valeur, 0)]
    while pile:
        valeur, profondeur = pile.pop()
        if _exige_docxtpl(valeur):
            trouves.append(valeur)
            continue
        if profondeur > 20 or id(valeur) in vus or isinstance(valeur, _SANS_ATTRIBUTS):
            continue
        vus.add(id(valeur))
        if isinstance(valeur, dict):
            enfants: Iterable[Any] = valeur.values()
        elif isinstance(valeur, list | tuple | set | frozenset):
            enfants = valeur
        else:
            enfants = _attributs(valeur)
        pile.extend((enfant, profondeur + 1) for enfant in enfants)


# Feuilles du contexte : rien à y chercher.
_SANS_ATTRIBUTS = (str, bytes, int, float, complex, bool, type(None), type)


def _attributs(objet: Any) -> list[Any]:
    """Les attributs d'instance d'un objet (__dict__ et __slots__), sans rien appeler."""
    valeurs = list(getattr(objet, "__dict__", {}).values())
    for classe in type(objet).__mro__:
        for nom in getattr(classe, "__slots__", ()):
            if nom not in ("__dict__", "__weakref__") and hasattr(objet, nom):
                valeurs.append(getattr(objet, nom))
    return valeurs


class ModeleCompile:
    """Un modèle .docx chargé et compilé une fois ; `rendre(contexte)` → octets du .docx.

    `mode` vaut « rapide », ou « docxtpl » si le paquet a une structure que le rendu
    rapide ne sait pas reproduire (chaque document passe alors par docxtpl). Un objet
    n'est pas partagé entre fils d'exécution : le rendu réutilise l'arbre du document.
    """

    def __init__(self, chemin: Path | str, env: SandboxedEnvironment | None = None) -> None:
        self.chemin = Path(chemin)
        self.nom = self.chemin.name
        self.env = env or environnement_jinja()
        self._balisage = [False]
        self._env_rendu = self.env.overlay(finalize=_finaliseur(self.env.finalize, self._balisage))
        self.env_proprietes = _environnement_proprietes()
        for nom_filtre, filtre in self.env.filters.items():
            self.env_proprietes.filters.setdefault(nom_filtre, filtre)
        self.mode = RAPIDE
        self.raison_docxtpl = ""
        # Documents rendus par docxtpl faute de mieux (images dans le contexte).
        self.replis_docxtpl = 0
        try:
            self._contenu = self.chemin.read_bytes()
        except OSError as exc:
            raise _modele_absent(self.chemin, exc) from exc
        self._outil = _outil_docxtpl()
        self._parties: list[_Partie] = []
        self._proprietes: dict[str, tuple[str, jinja2.Template]] = {}
        self._proprietes_fixes: dict[str, str] = {}
        self._membre_proprietes = ""
        # Le dernier rendu de chaque partie (ce qu'a produit Jinja ou le texte des
        # propriétés) et son membre compressé : un en-tête, un pied ou des propriétés
        # qui ne changent pas d'un salarié à l'autre ne sont ni réanalysés ni recompressés.
        self._derniers: dict[str, tuple[Any, Membre]] = {}
        self._encadrement: Encadrement | None = None
        self._encadrement_verifie = False
        self._sans_arbre: CorpsSansArbre | None = None
        self._analyseur_souple = etree.XMLParser(recover=True)
        self._analyseur_strict = etree.XMLParser()
        try:
            self._compiler()
        except ErreurEntretiens:
            raise
        except Exception as exc:  # paquet inhabituel : docxtpl saura peut-être le rendre
            self.mode = DOCXTPL
            self.raison_docxtpl = f"structure non prise en charge par le rendu rapide ({exc})"

    # -- compilation ---------------------------------------------------------------

    def _compiler(self) -> None:
        tpl = DocxTemplate(io.BytesIO(self._contenu))
        try:
            tpl.init_docx()
        except Exception as exc:
            raise ErreurEntretiens.simple(
                "modele-invalide",
                f"Le modèle « {self.nom} » n'est pas un document Word (.docx) lisible. "
                "Ouvrez-le dans Word et enregistrez-le au format « Document Word (.docx) ».",
            ) from exc
        self._membres = lire_membres(self._contenu)
        noms = [m.nom.decode("utf-8") for m in self._membres]
        if len(set(noms)) != len(noms):
            raise ValueError("noms en double dans le zip")
        presents = set(noms)
        self._membres_par_nom = dict(zip(noms, self._membres, strict=True))

        def membre_de(partie: Any) -> str:
            nom = str(partie.partname).lstrip("/")
            if nom not in presents:
                raise ValueError(f"partie {nom} absente du zip")
            return nom

        # Corps : exactement DocxTemplate.build_xml, sans le rendu.
        document = tpl.docx.part
        self._racine = tpl.docx.element
        self._corps = self._racine.body
        self._membre_corps = membre_de(document)
        corps = tpl.patch_xml(tpl.get_xml())
        self._ajouter(self._membre_corps, "corps du document", corps, "corps")
        self._encadrement = Encadrement.du_document(self._racine, self._corps, corps)
        self._preparer_sans_arbre(self._parties[-1], corps)

        # En-têtes et pieds : les mêmes relations que DocxTemplate.get_headers_footers.
        for uri, libelle in ((tpl.HEADER_URI, "en-tête"), (tpl.FOOTER_URI, "pied de page")):
            for _cle, partie in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(partie)
                encodage = tpl.get_headers_footers_encoding(xml)
                self._ajouter(
                    membre_de(partie), libelle, tpl.patch_xml(xml), "entete_pied", encodage
                )

        # Notes de bas de page (comme DocxTemplate.render_footnotes) ; les notes de fin,
        # que docxtpl 0.20 oublie, sont rendues de la même façon plutôt que de laisser
        # des {{ }} dans le document.
        for partie in document.package.parts:
            if partie.content_type in TYPE_NOTES:
                xml = partie.blob.decode("utf-8")
                libelle = (
                    "notes de bas de page" if "footnotes" in partie.content_type else "notes de fin"
                )
                if _BALISE_JINJA.search(xml):
                    self._ajouter(membre_de(partie), libelle, tpl.patch_xml(xml), "notes")

        # Propriétés du document (DocxTemplate.render_properties), toujours rendues comme
        # le fait docxtpl (qui y ajoute au passage les éléments vides manquants).
        for rel in document.package.rels.values():
            if rel.reltype == RT.CORE_PROPERTIES and not rel.is_external:
                proprietes = tpl.docx.core_properties
                self._membre_proprietes = membre_de(rel.target_part)
                self._xml_proprietes = rel.target_part.blob
                for prop in PROPRIETES_RENDUES:
                    texte = getattr(proprietes, prop) or ""
                    gabarit = self._compiler_texte(
                        self.env_proprietes, texte, "propriétés du document", texte
                    )
                    self._proprietes[prop] = (texte, gabarit)
                    if not _BALISE_JINJA.search(texte):
                        self._proprietes_fixes[prop] = gabarit.render()

    def _preparer_sans_arbre(self, partie: _Partie, source: str) -> None:
        """Le corps compilé une seconde fois, sans les sauts de ligne (qui ne servent qu'à
        situer une erreur), pour `CorpsSansArbre` ; si ce modèle le permet."""
        if (
            self._encadrement is None
            or self.env.autoescape is not True
            or not sans_arbre_possible(source)
        ):
            return
        # Analysé une fois : l'arbre contrôlé est celui que l'on compile (from_string
        # accepte un nodes.Template).
        arbre = self._env_rendu.parse(source)
        # Ces blocs rendent du balisage sans passer par `finalize` : rien ne le dirait.
        if any(arbre.find_all((nodes.FilterBlock, nodes.CallBlock))):
            return
        partie.sans_sauts = self._compiler_texte(self._env_rendu, arbre, partie.libelle, source)
        self._sans_arbre = CorpsSansArbre(self._encadrement)

    def _compiler_texte(
        self,
        env: SandboxedEnvironment,
        source: str | nodes.Template,
        libelle: str,
        citation: str,
    ) -> jinja2.Template:
        try:
            return env.from_string(source)
        except TemplateError as exc:
            raise _erreur_modele(self.nom, libelle, citation, exc) from exc

    def _ajouter(
        self, membre: str, libelle: str, xml: str, genre: str, encodage: str = "utf-8"
    ) -> None:
        # Comme DocxTemplate.render_xml_part : un saut de ligne avant chaque paragraphe,
        # pour que les numéros de ligne de Jinja désignent un paragraphe.
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        gabarit = self._compiler_texte(self._env_rendu, xml, libelle, xml)
        self._parties.append(_Partie(membre, libelle, xml, gabarit, genre, encodage))

    # -- rendu -----------------------------------------------------------------------

    def rendre(self, contexte: dict[str, Any]) -> bytes:
        """Le .docx rendu, en mémoire ; même XML que docxtpl pour le même contexte."""
        if self.mode == DOCXTPL:
            return self._rendre_par_docxtpl(contexte)
        rendus: dict[bytes, Membre] = {}
        try:
            for partie in self._parties:
                membre = self._rendre_partie(partie, contexte)
                rendus[membre.nom] = membre
        except _ObjetDocxtpl:
            return self._rendre_par_docxtpl(contexte)
        if self._membre_proprietes:
            membre = self._rendre_proprietes(contexte)
            rendus[membre.nom] = membre
        return ecrire_zip([rendus.get(m.nom, m) for m in self._membres])

    def _rendre_par_docxtpl(self, contexte: dict[str, Any]) -> bytes:
        objets: list[Any] = []
        _objets_docxtpl(contexte, objets)
        if any(not isinstance(o, InlineImage) for o in objets):
            raise ErreurEntretiens.simple(
                "modele-invalide",
                f"Le contexte du modèle « {self.nom} » contient un sous-document ou un lien "
                "hypertexte docxtpl, liés à un autre DocxTemplate : ils ne peuvent pas être "
                "rendus ici. Utilisez du texte simple.",
            )
        self.replis_docxtpl += 1
        return rendre_docxtpl(self.chemin, contexte, env=self.env, _images=objets)

    def _deja_rendu(self, membre: str, rendu: Any) -> Membre | None:
        dernier = self._derniers.get(membre)
        return dernier[1] if dernier is not None and dernier[0] == rendu else None

    def _retenir(self, membre: str, rendu: Any, octets: bytes) -> Membre:
        compresse = compresser(self._membres_par_nom[membre], octets)
        self._derniers[membre] = (rendu, compresse)
        return compresse

    def _rendre_partie(self, partie: _Partie, contexte: dict[str, Any]) -> Membre:
        if partie.sans_sauts is not None and self._sans_arbre is not None:
            return compresser(
                self._membres_par_nom[partie.membre], self._corps_sans_arbre(partie, contexte)
            )
        xml = self._rendu_jinja(partie, contexte)
        # Le reste du travail ne dépend que de ce texte : un rendu identique au précédent
        # (en-tête, pied de page) reprend le même membre.
        if (deja := self._deja_rendu(partie.membre, xml)) is not None:
            return deja
        brut = xml
        xml = self._apres_jinja(xml)
        if partie.genre == "corps":
            octets = self._rendre_corps(xml)
        elif partie.genre == "entete_pied":
            # DocxTemplate.map_headers_footers_xml recharge la partie (XmlPart.load).
            octets = serialize_part_xml(parse_xml(xml.encode(partie.encodage)))
        else:
            octets = xml.encode("utf-8")
        return self._retenir(partie.membre, brut, octets)

    def _rendu_jinja(self, partie: _Partie, contexte: dict[str, Any]) -> str:
        try:
            return partie.gabarit.render(contexte)
        except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            raise _erreur_modele(self.nom, partie.libelle, partie.source, exc) from exc

    def _apres_jinja(self, xml: str) -> str:
        """La suite de DocxTemplate.render_xml_part, à l'identique (str.replace au lieu de
        re.sub(r"\n<w:p([ >])", …) : même résultat, les motifs ne se chevauchent pas)."""
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        if "{_" in xml or "_}" in xml:
            xml = (
                xml.replace("{_{", "{{")
                .replace("}_}", "}}")
                .replace("{_%", "{%")
                .replace("%_}", "%}")
            )
        if any(c in xml for c in _CARACTERES_LISTING):
            xml = self._outil.resolve_listing(xml)
        return xml

    def _corps_sans_arbre(self, partie: _Partie, contexte: dict[str, Any]) -> bytes:
        """document.xml par `CorpsSansArbre`, qui se rabat sur l'arbre quand il le faut."""
        assert partie.sans_sauts is not None and self._sans_arbre is not None
        gabarit = partie.sans_sauts
        self._balisage[0] = False
        try:
            morceaux = list(gabarit.root_render_func(gabarit.new_context(contexte)))
        except _ObjetDocxtpl:
            raise
        except Exception:
            # La même erreur, levée par le gabarit aux sauts de ligne, y est située.
            self._rendu_jinja(partie, contexte)
            raise

        def par_l_arbre() -> bytes:
            return self._rendre_corps(self._apres_jinja(self._rendu_jinja(partie, contexte)))

        if self._balisage[0]:
            return par_l_arbre()
        return self._sans_arbre.ecrire(morceaux, par_l_arbre)

    def _rendre_corps(self, xml: str) -> bytes:
        """document.xml : le corps rendu dans la racine du modèle, comme docxtpl."""
        if self._encadrement is None:
            return self._corps_deplace(xml)
        rapide = self._encadrement.analyser(xml, self._analyseur_strict)
        if rapide is None or tableaux_a_corriger(rapide[1]):
            return self._corps_deplace(xml)
        racine, corps = rapide
        if "docPr" in xml:
            self._outil.docx_ids_index = 1000
            self._outil.fix_docpr_ids(corps)
        octets = etree.tostring(racine, encoding="UTF-8", standalone=True)
        if not self._encadrement_verifie:
            # Une fois par modèle et par processus, la voie de docxtpl confirme que les
            # deux donnent les mêmes octets ; sinon ce modèle la prend toujours.
            self._encadrement_verifie = True
            reference = self._corps_deplace(xml)
            if reference != octets:
                self._encadrement = self._sans_arbre = None
                return reference
        return octets

    def _corps_deplace(self, xml: str) -> bytes:
        # DocxTemplate.render : fix_tables, fix_docpr_ids, map_tree (le corps analysé seul
        # puis déplacé dans la racine), puis python-docx sérialise la racine.
        arbre = etree.fromstring(xml, self._analyseur_souple)
        if tableaux_a_corriger(arbre):
            arbre = self._outil.fix_tables(xml)
        if "docPr" in xml:
            self._outil.docx_ids_index = 1000
            self._outil.fix_docpr_ids(arbre)
        self._racine.replace(self._corps, arbre)
        self._corps = arbre
        return serialize_part_xml(self._racine)

    def _rendre_proprietes(self, contexte: dict[str, Any]) -> Membre:
        textes = {}
        for prop, (source, gabarit) in self._proprietes.items():
            if (fixe := self._proprietes_fixes.get(prop)) is not None:
                # Sans balise, le rendu ne dépend pas du contexte : fait une fois.
                textes[prop] = fixe
                continue
            try:
                textes[prop] = gabarit.render(contexte)
            except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
                raise _erreur_modele(self.nom, "propriétés du document", source, exc) from exc
        cle = tuple(textes.values())
        if (deja := self._deja_rendu(self._membre_proprietes, cle)) is not None:
            return deja
        element = parse_xml(self._xml_proprietes)
        proprietes = CoreProperties(element)
        for prop, texte in textes.items():
            setattr(proprietes, prop, texte)
        return self._retenir(self._membre_proprietes, cle, serialize_part_xml(element))


def rendre_docxtpl(
    chemin_modele: Path | str,
    contexte: dict[str, Any],
    env: SandboxedEnvironment | None = None,
    _images: Iterable[Any] = (),
) -> bytes:
    """docxtpl ordinaire (même environnement) : repli et référence des tests."""
    nom = Path(chemin_modele).name
    tpl = _DocxTemplateProprietes(str(chemin_modele))
    for image in _images:
        # Une InlineImage s'insère dans la partie en cours de rendu de *son* DocxTemplate.
        image.tpl = tpl
    try:
        tpl.render(contexte, jinja_env=env or environnement_jinja())
    except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        # docxtpl joint aux erreurs de syntaxe le texte des lignes voisines.
        voisines = [x.strip() for x in getattr(exc, "docx_context", []) if x.strip()]
        raise _erreur_modele(nom, "document", "", exc, " … ".join(voisines)[:200]) from exc
    sortie = io.BytesIO()
    tpl.save(sortie)
    return sortie.getvalue()


# Un cache par processus : chaque modèle est compilé une fois par processus de travail.
_CACHE: dict[tuple[str, int, int], ModeleCompile] = {}
# Path.resolve parcourt chaque dossier du chemin : fait une fois par chemin de modèle.
_CHEMINS_ABSOLUS: dict[Path | str, Path] = {}


def modele_compile(chemin: Path | str) -> ModeleCompile:
    """Le modèle compilé, en cache (clé : chemin, date et taille : un modèle modifié
    pendant la session est recompilé)."""
    if (absolu := _CHEMINS_ABSOLUS.get(chemin)) is None:
        absolu = _CHEMINS_ABSOLUS[chemin] = Path(chemin).resolve()
    chemin = absolu
    try:
        etat = chemin.stat()
    except OSError as exc:  # supprimé ou déplacé : la phrase de ModeleCompile, pas une trace
        raise _modele_absent(chemin, exc) from exc
    cle = (str(chemin), etat.st_mtime_ns, etat.st_size)
    if cle not in _CACHE:
        _CACHE[cle] = ModeleCompile(chemin)
    return _CACHE[cle]
