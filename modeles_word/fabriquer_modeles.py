"""Fabrique les modèles Word livrés (`modeles_word/*.docx`) avec python-docx.

    python modeles_word/fabriquer_modeles.py            # crée les modèles absents
    python modeles_word/fabriquer_modeles.py --forcer   # régénère tout (écrase !)
    python modeles_word/fabriquer_modeles.py --variables  # tableau Markdown des variables

Les modèles livrés sont le point de départ : le service RH les adapte ensuite dans Word.
Ce script ne remplace donc jamais un modèle existant sans `--forcer`, sinon une
régénération effacerait la charte ou les phrases retouchées par l'entreprise.

Règles de fabrication (pour que docxtpl et le rendu rapide les lisent sans surprise) :
chaque balise Jinja est écrite d'un seul tenant dans un seul « run » ; les balises de
paragraphe `{%p ... %}` et de ligne `{%tr ... %}` sont seules dans leur paragraphe ou leur
ligne ; ni image, ni sous-document : du texte, des tableaux, un en-tête et un pied de page.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

DOSSIER = Path(__file__).resolve().parent
# Lancé comme script, le dossier du projet n'est pas forcément dans le chemin d'import.
sys.path.insert(0, str(DOSSIER.parent))
from pipeline.formulaires import CHAMPS, DATE, INFORMATIONS_OBLIGATOIRES  # noqa: E402

# Arial : présente sous Windows et macOS ; LibreOffice la remplace sous Linux par
# Liberation Sans, de mêmes métriques, donc même mise en page et même nombre de pages.
POLICE = "Arial"
POLICE_CASE = "Segoe UI Symbol"  # le ☐ n'existe pas en Arial ; Word et LibreOffice substituent
BLEU = RGBColor(0x1F, 0x38, 0x64)
GRIS = RGBColor(0x59, 0x59, 0x59)
FOND_ENTETE = "D9E2F3"
FOND_ENCADRE = "F2F2F2"
LARGEUR_UTILE = 17.0  # cm : A4 (21 cm) moins deux marges de 2 cm
CASE = "☐"
CASE_COCHEE = "☒"
LIGNE_DATE = "____ / ____ / ________"  # ce qu'imprime une date de formulaire non remplie


# --- mise en forme générale -----------------------------------------------------------


def _sans_theme(rpr) -> None:
    """Retire les polices et couleurs « de thème » qui priment sur la police choisie."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    couleur = rpr.find(qn("w:color"))
    if couleur is not None:
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            couleur.attrib.pop(qn(attr), None)


def _police(style_ou_run, nom: str = POLICE) -> None:
    style_ou_run.font.name = nom
    element = style_ou_run._r if hasattr(style_ou_run, "_r") else style_ou_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), nom)
    _sans_theme(rpr)


def _styles(doc) -> None:
    # Valeurs par défaut du document : sinon le thème (Calibri/Cambria) reprend la main.
    defauts = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defauts.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), POLICE)
    _sans_theme(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-FR")

    for style in doc.styles:
        rpr_style = style.element.find(qn("w:rPr"))
        if rpr_style is not None:
            _sans_theme(rpr_style)

    normal = doc.styles["Normal"]
    _police(normal)
    normal.font.size = Pt(10)
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.space_before = Pt(0)
    pf.space_after = Pt(5)
    pf.line_spacing = 1.1

    titre = doc.styles["Title"]
    _police(titre)
    titre.font.size = Pt(17)
    titre.font.bold = True
    titre.font.color.rgb = BLEU
    titre.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    titre.paragraph_format.space_before = Pt(0)
    titre.paragraph_format.space_after = Pt(10)

    for nom, taille, avant, apres in (("Heading 1", 12.5, 12, 5), ("Heading 2", 11, 8, 3)):
        style = doc.styles[nom]
        _police(style)
        style.font.size = Pt(taille)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = BLEU
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        style.paragraph_format.space_before = Pt(avant)
        style.paragraph_format.space_after = Pt(apres)
        style.paragraph_format.keep_with_next = True

    puces = doc.styles["List Bullet"]
    _police(puces)
    puces.paragraph_format.space_after = Pt(2)
    puces.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    for nom in ("Header", "Footer"):
        style = doc.styles[nom]
        # Les taquets du modèle par défaut (format Letter) décaleraient le texte à droite.
        ppr = style.element.find(qn("w:pPr"))
        taquets = ppr.find(qn("w:tabs")) if ppr is not None else None
        if taquets is not None:
            ppr.remove(taquets)
        _police(style)
        style.font.size = Pt(8.5)
        style.font.color.rgb = GRIS
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        style.paragraph_format.space_after = Pt(0)


def _bordure_paragraphe(paragraphe, cote: str = "bottom", couleur: str = "1F3864") -> None:
    ppr = paragraphe._p.get_or_add_pPr()
    bordures = OxmlElement("w:pBdr")
    trait = OxmlElement(f"w:{cote}")
    trait.set(qn("w:val"), "single")
    trait.set(qn("w:sz"), "6")
    trait.set(qn("w:space"), "3")
    trait.set(qn("w:color"), couleur)
    bordures.append(trait)
    ppr.append(bordures)


def _champ(paragraphe, instruction: str) -> None:
    """Champ Word (PAGE, NUMPAGES) : calculé à l'ouverture et à l'impression."""

    def fld(kind: str) -> None:
        run = paragraphe.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    fld("begin")
    run = paragraphe.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld("separate")
    paragraphe.add_run("1")
    fld("end")


def _tabulation_droite(paragraphe, position_cm: float = LARGEUR_UTILE) -> None:
    paragraphe.paragraph_format.tab_stops.add_tab_stop(Cm(position_cm), WD_TAB_ALIGNMENT.RIGHT)


def _fond(cellule, couleur: str) -> None:
    tcpr = cellule._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), couleur)
    tcpr.append(shd)


def _repeter_entete(ligne) -> None:
    trpr = ligne._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    trpr.append(element)


def _indivisible(ligne) -> None:
    trpr = ligne._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _d_un_bloc(table) -> None:
    """Le tableau tient sur une même page : chaque ligne reste avec la suivante."""
    for ligne in table.rows[:-1]:
        for cellule in ligne.cells:
            for paragraphe in cellule.paragraphs:
                paragraphe.paragraph_format.keep_with_next = True


class Modele:
    """Un document en construction : en-tête, pied de page et quelques briques."""

    def __init__(self, titre_document: str) -> None:
        self.doc = Document()
        self._controles = 0  # identifiants (w:id) des champs de formulaire
        _styles(self.doc)
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for cote in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, cote, Cm(2))
        section.header_distance = Cm(1)
        section.footer_distance = Cm(1)
        self._entete(section, titre_document)
        self._pied(section)
        props = self.doc.core_properties
        props.title = titre_document
        props.author = "Service des ressources humaines"
        props.language = "fr-FR"
        # Date fixe : deux fabrications identiques donnent des métadonnées identiques.
        props.created = props.modified = datetime(2026, 1, 1)
        props.last_modified_by = "entretiens"
        props.revision = 1
        # Le document par défaut de python-docx commence par un paragraphe vide.
        corps = self.doc.element.body
        for p in list(corps.iterchildren(qn("w:p"))):
            corps.remove(p)

    def _entete(self, section, titre_document: str) -> None:
        entete = section.header
        p = entete.paragraphs[0]
        _tabulation_droite(p)
        run = p.add_run("{{ entreprise.raison_sociale }}")
        run.bold = True
        run.font.size = Pt(10.5)
        run.font.color.rgb = BLEU
        p.add_run("\t" + titre_document)
        p2 = entete.add_paragraph()
        p2.add_run("{{ entreprise.adresse }} – {{ entreprise.code_postal }} {{ entreprise.ville }}")
        _bordure_paragraphe(p2)

    def _pied(self, section) -> None:
        p = section.footer.paragraphs[0]
        _tabulation_droite(p)
        p.add_run("Document personnel et confidentiel – {{ intitule_entretien_maj }}\tPage ")
        _champ(p, "PAGE")
        p.add_run(" sur ")
        _champ(p, "NUMPAGES")

    # briques -----------------------------------------------------------------------

    def titre(self, texte: str) -> None:
        self.doc.add_paragraph(texte, style="Title")

    def h1(self, texte: str) -> None:
        self.doc.add_paragraph(texte, style="Heading 1")

    def h2(self, texte: str) -> None:
        self.doc.add_paragraph(texte, style="Heading 2")

    def balise(self, tag: str, conteneur=None) -> None:
        """Paragraphe qui ne contient qu'une balise `{%p ... %}` (supprimé au rendu)."""
        (conteneur or self.doc).add_paragraph().add_run(tag)

    def p(
        self,
        *morceaux: str | tuple[str, str],
        style: str | None = None,
        conteneur=None,
        alignement=None,
        retrait_cm: float | None = None,
        apres: float | None = None,
        taille: float | None = None,
    ):
        """Paragraphe fait de morceaux ; ("texte", "g") = gras, "i" = italique, "gi"…"""
        para = (conteneur or self.doc).add_paragraph(style=style)
        if conteneur is not None and style is None:
            para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for morceau in morceaux:
            texte, forme = (morceau, "") if isinstance(morceau, str) else morceau
            run = para.add_run(texte)
            run.bold = "g" in forme or None
            run.italic = "i" in forme or None
            if "c" in forme:
                _police(run, POLICE_CASE)
            if taille:
                run.font.size = Pt(taille)
        if alignement is not None:
            para.paragraph_format.alignment = alignement
        if retrait_cm is not None:
            para.paragraph_format.left_indent = Cm(retrait_cm)
        if apres is not None:
            para.paragraph_format.space_after = Pt(apres)
        return para

    def puce(self, *morceaux: str | tuple[str, str], conteneur=None, taille: float | None = None):
        return self.p(*morceaux, style="List Bullet", conteneur=conteneur, taille=taille)

    def champ(self, paragraphe, tag: str) -> None:
        """Un champ de formulaire Word (contrôle de contenu) à la fin du paragraphe.

        Date : sélecteur de date qui imprime une ligne de pointillés tant qu'il est vide.
        Case : case à cocher ☐ / ☒. L'étiquette (`tag`) est celle que `entretiens recolter`
        relit ; le titre (`alias`) est ce que Word affiche sur le champ.
        """
        champ = CHAMPS[tag]
        self._controles += 1
        entete = (
            f'<w:alias w:val="{champ.titre}"/><w:tag w:val="{tag}"/>'
            f'<w:id w:val="{self._controles}"/>'
        )
        if champ.nature == DATE:
            proprietes = (
                f"{entete}<w:showingPlcHdr/><w:date>"
                '<w:dateFormat w:val="dd/MM/yyyy"/><w:lid w:val="fr-FR"/>'
                '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/>'
                "</w:date>"
            )
            contenu = f"<w:r><w:t>{LIGNE_DATE}</w:t></w:r>"
        else:
            police = (
                f'<w:rPr><w:rFonts w:ascii="{POLICE_CASE}" w:hAnsi="{POLICE_CASE}" '
                f'w:eastAsia="{POLICE_CASE}" w:cs="{POLICE_CASE}"/></w:rPr>'
            )
            proprietes = (
                f"{police}{entete}<w14:checkbox>"
                '<w14:checked w14:val="0"/>'
                f'<w14:checkedState w14:val="{ord(CASE_COCHEE):04X}" w14:font="{POLICE_CASE}"/>'
                f'<w14:uncheckedState w14:val="{ord(CASE):04X}" w14:font="{POLICE_CASE}"/>'
                "</w14:checkbox>"
            )
            contenu = f"<w:r>{police}<w:t>{CASE}</w:t></w:r>"
        paragraphe._p.append(
            parse_xml(
                f"<w:sdt {nsdecls('w', 'w14')}><w:sdtPr>{proprietes}</w:sdtPr>"
                f"<w:sdtContent>{contenu}</w:sdtContent></w:sdt>"
            )
        )

    def ligne_champ(self, table, libelle: str, tag: str):
        """Une ligne « libellé grisé | champ » ajoutée à un tableau de `fiche`."""
        ligne = self.ligne(table, [libelle, ""], fonds=[FOND_ENCADRE, None])
        ligne.cells[0].paragraphs[0].runs[0].bold = True
        self.champ(ligne.cells[1].paragraphs[0], tag)
        return ligne

    def saut_de_page(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def tableau(self, largeurs: Sequence[float], entetes: Sequence[str] | None = None):
        table = self.doc.add_table(rows=0, cols=len(largeurs))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        table._largeurs = list(largeurs)  # type: ignore[attr-defined]
        # LibreOffice lit la grille (gridCol), Word la largeur des cellules : on fixe les deux.
        for colonne, largeur in zip(table.columns, largeurs, strict=True):
            colonne.width = Cm(largeur)
        tblpr = table._tbl.tblPr
        disposition = OxmlElement("w:tblLayout")
        disposition.set(qn("w:type"), "fixed")
        tblpr.append(disposition)
        if entetes:
            ligne = self.ligne(table, entetes, gras=True, fond=FOND_ENTETE)
            _repeter_entete(ligne)
        return table

    def ligne(
        self,
        table,
        cellules: Sequence[str],
        gras: bool = False,
        fond: str | None = None,
        hauteur_cm: float | None = None,
        fonds: Sequence[str | None] | None = None,
    ):
        ligne = table.add_row()
        for i, (cellule, texte) in enumerate(zip(ligne.cells, cellules, strict=True)):
            cellule.width = Cm(table._largeurs[i])
            para = cellule.paragraphs[0]
            para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            para.paragraph_format.space_after = Pt(2)
            para.paragraph_format.space_before = Pt(2)
            if texte:
                run = para.add_run(texte)
                run.bold = gras or None
            couleur = fonds[i] if fonds else fond
            if couleur:
                _fond(cellule, couleur)
        if hauteur_cm:
            ligne.height = Cm(hauteur_cm)
            ligne.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        _indivisible(ligne)
        return ligne

    def liste_en_tableau(
        self,
        liste: str,
        variable: str,
        largeurs: Sequence[float],
        entetes: Sequence[str],
        cellules: Sequence[str],
        vide: str,
    ) -> None:
        """Un tableau d'une ligne par élément de `liste`, ou la phrase `vide` s'il n'y en a pas."""
        self.balise(f"{{%p if {liste} %}}")
        table = self.tableau(largeurs, entetes)
        self.boucle(table, f"{{%tr for {variable} in {liste} %}}", cellules)
        self.balise("{%p else %}")
        self.p(vide)
        self.balise("{%p endif %}")

    def boucle(self, table, debut: str, cellules: Sequence[str], fin: str = "{%tr endfor %}"):
        """Trois lignes : `{%tr for … %}`, la ligne répétée, `{%tr endfor %}`."""
        vide = [""] * (len(cellules) - 1)
        self.ligne(table, [debut, *vide])
        self.ligne(table, cellules)
        self.ligne(table, [fin, *vide])

    def zones(self, libelles: Sequence[str], hauteur_cm: float = 2.2, largeur_libelle: float = 5):
        """Tableau « question | réponse à écrire » aux lignes hautes."""
        table = self.tableau([largeur_libelle, LARGEUR_UTILE - largeur_libelle])
        for libelle in libelles:
            self.ligne(table, [libelle, ""], hauteur_cm=hauteur_cm, fonds=[FOND_ENCADRE, None])
        self.espace()
        return table

    def fiche(self, lignes: Sequence[tuple[str, str]], largeur_libelle: float = 4.5):
        """Tableau d'identification : libellé grisé | valeur."""
        table = self.tableau([largeur_libelle, LARGEUR_UTILE - largeur_libelle])
        for libelle, valeur in lignes:
            ligne = self.ligne(table, [libelle, ""], fonds=[FOND_ENCADRE, None])
            ligne.cells[0].paragraphs[0].runs[0].bold = True
            ligne.cells[1].paragraphs[0].add_run(valeur)
        self.espace()
        return table

    def encadre(self, *morceaux: str | tuple[str, str], fond: str = FOND_ENCADRE):
        table = self.tableau([LARGEUR_UTILE])
        ligne = self.ligne(table, [""], fond=fond)
        para = ligne.cells[0].paragraphs[0]
        para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for morceau in morceaux:
            texte, forme = (morceau, "") if isinstance(morceau, str) else morceau
            run = para.add_run(texte)
            run.bold = "g" in forme or None
            run.italic = "i" in forme or None
        self.espace()
        return table

    def espace(self, points: float = 2) -> None:
        para = self.doc.add_paragraph()
        para.paragraph_format.space_after = Pt(points)
        para.paragraph_format.line_spacing = 0.8

    def signatures(self, gauche: Sequence[str], droite: Sequence[str], hauteur_cm: float = 3):
        table = self.tableau([LARGEUR_UTILE / 2, LARGEUR_UTILE / 2])
        ligne = self.ligne(table, ["", ""], hauteur_cm=hauteur_cm)
        for cellule, textes in zip(ligne.cells, (gauche, droite), strict=True):
            para = cellule.paragraphs[0]
            for i, texte in enumerate(textes):
                if i:
                    para = cellule.add_paragraph()
                    para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
                run = para.add_run(texte)
                run.bold = i == 0 or None
        return table

    def enregistrer(self, chemin: Path) -> None:
        # Fichier temporaire puis renommage : un modèle n'est jamais à moitié écrit.
        descripteur, temporaire = tempfile.mkstemp(
            prefix=".~" + chemin.stem, suffix=".docx", dir=chemin.parent
        )
        os.close(descripteur)
        try:
            self.doc.save(temporaire)
            # mkstemp crée le fichier en 0600 : le modèle doit rester lisible par l'équipe.
            os.chmod(temporaire, 0o644)
            os.replace(temporaire, chemin)
        except BaseException:
            Path(temporaire).unlink(missing_ok=True)
            raise


# --- textes communs -----------------------------------------------------------------

NON_EVALUATION = (
    "Cet entretien est consacré à vos perspectives d'évolution professionnelle, notamment en "
    "termes de qualifications et d'emploi : il ne s'agit pas d'un entretien d'évaluation de "
    "votre travail."
)
# Sans accord à faire (« accompagné(e) ») : la phrase vaut pour chacun.
CEP = (
    "Pour le préparer, vous pouvez, si vous le souhaitez, bénéficier gratuitement et en toute "
    "confidentialité de l'accompagnement d'un conseiller en évolution professionnelle (CEP), "
    "hors de l'entreprise : www.mon-cep.org."
)


def _rubriques_conditionnelles_annonce(m: Modele) -> None:
    """Phrases propres au retour de congé, à l'état des lieux, à la mi-carrière, aux 58-60 ans."""
    m.balise("{%p if est_retour %}")
    m.p(
        "Cet entretien fait suite à votre reprise d'activité le {{ retour.reprise_longue }}, "
        "après votre {{ retour.libelle }}."
    )
    m.balise("{%p endif %}")
    m.balise("{%p if est_etat_des_lieux %}")
    m.p(
        "Il comportera l'état des lieux récapitulatif de votre parcours professionnel depuis le "
        "{{ etat_des_lieux.debut_longue }} (entretiens, formations, certifications et "
        "progressions)."
    )
    m.balise("{%p endif %}")
    m.balise("{%p if est_mi_carriere %}")
    m.p(
        "Il fait suite à la visite médicale de mi-carrière et abordera l'adaptation de votre "
        "poste, la prévention de l'usure professionnelle et les éventuelles préconisations du "
        "médecin du travail."
    )
    m.balise("{%p endif %}")
    m.balise("{%p if est_avant_60 %}")
    m.p(
        "Il abordera les conditions de votre maintien dans l'emploi et les aménagements de fin "
        "de carrière possibles (temps partiel, retraite progressive)."
    )
    m.balise("{%p endif %}")


def _identification(m: Modele, avec_motifs: bool = True):
    lignes = [
        ("{{ salarie.libelle }}", "{{ salarie.nom_complet }} (matricule {{ salarie.matricule }})"),
        ("Poste", "{{ salarie.poste }}"),
        ("Service", "{{ salarie.service }}"),
        ("Entrée dans l'entreprise", "{{ salarie.date_entree_longue }} ({{ salarie.anciennete }})"),
        ("Date de l'entretien", "{{ entretien.date_longue }} à {{ entretien.heure }}"),
        ("Lieu", "{{ entretien.lieu }}"),
        ("Conduit par", "{{ entretien.conducteur }}, {{ entretien.fonction_conducteur }}"),
    ]
    table = m.fiche(lignes)
    if avec_motifs:
        # La raison de chaque motif, en clair : jamais le calcul (échéance, retard, comptes).
        ligne = m.ligne(table, ["Motifs", ""], fonds=[FOND_ENCADRE, None])
        ligne.cells[0].paragraphs[0].runs[0].bold = True
        cellule = ligne.cells[1]
        cellule.paragraphs[0].add_run("{%p for m in motifs %}")
        m.p("{{ m.raison }}", conteneur=cellule, apres=2)
        m.balise("{%p endfor %}", conteneur=cellule)
    return table


def _historique(m: Modele) -> None:
    m.h2("Entretiens")
    m.balise("{%p if historique.a_deja_eu_entretien %}")
    m.p(
        "Dernier entretien : le {{ historique.dernier_entretien.date_longue }} "
        "({{ historique.dernier_entretien.type_libelle }}), conduit par "
        "{{ historique.dernier_entretien.conduit_par }}."
    )
    m.balise("{%p else %}")
    m.p("Aucun entretien n'est enregistré.")
    m.balise("{%p endif %}")
    m.h2("Formations suivies")
    m.liste_en_tableau(
        "historique.formations",
        "f",
        [2.6, 8.8, 2.8, 2.8],
        ["Date", "Intitulé", "Obligatoire", "Certifiante"],
        ["{{ f.date_courte }}", "{{ f.intitule }}", "{{ f.obligatoire }}", "{{ f.certifiante }}"],
        "Aucune formation n'est enregistrée sur la période.",
    )
    m.h2("Évolutions salariales ou professionnelles")
    m.liste_en_tableau(
        "historique.evolutions",
        "e",
        [2.6, 3.4, 11.0],
        ["Date", "Nature", "Commentaire"],
        ["{{ e.date_courte }}", "{{ e.nature }}", "{{ e.commentaire }}"],
        "Aucune évolution n'est enregistrée sur la période.",
    )
    m.balise("{%p if historique.absences %}")
    m.h2("Congés ouvrant droit à un entretien de retour")
    t = m.tableau([9.0, 4.0, 4.0], ["Congé", "Début", "Reprise"])
    m.boucle(
        t,
        "{%tr for a in historique.absences %}",
        ["{{ a.libelle }}", "{{ a.debut_courte }}", "{{ a.reprise_courte }}"],
    )
    m.balise("{%p endif %}")


def _rubriques_entretien(m: Modele, hauteur: float, pour_compte_rendu: bool) -> None:
    """La trame du document source : accueil, bilan, projet, formation."""
    m.h1("1. Accueil et introduction")
    if pour_compte_rendu:
        m.zones(["Objectifs rappelés, questions {{ salarie.du_salarie }}"], hauteur_cm=1.6)
    else:
        m.p(
            "Le conducteur vous rappellera les objectifs de l'entretien et vous invitera à "
            "poser vos questions. Notez celles que vous souhaitez aborder :"
        )
        m.zones(["Mes questions"], hauteur_cm=1.8)
    m.h1("2. Bilan de la période écoulée")
    m.h2("Contenu de la fonction")
    m.zones(
        ["Principales missions et activités", "Évolutions du poste depuis le dernier entretien"],
        hauteur_cm=hauteur,
    )
    m.h2("Faits marquants et compétences")
    m.zones(
        [
            "Faits marquants, réussites",
            "Difficultés rencontrées",
            "Compétences acquises ou développées",
            "Compétences à développer",
        ],
        hauteur_cm=hauteur,
    )
    m.h1("3. Projet professionnel")
    m.zones(
        [
            "Souhaits d'évolution à court terme (1 à 2 ans)",
            "Souhaits d'évolution à moyen terme",
            "Mobilité interne ou externe, reconversion, bilan de compétences, VAE",
        ],
        hauteur_cm=hauteur,
    )
    m.h1("4. Formation")
    if pour_compte_rendu:
        m.p("Actions de formation envisagées :")
    else:
        m.p("Formations que vous souhaiteriez suivre :")
    t = m.tableau(
        [5.5, 4.5, 4.2, 2.8],
        ["Formation ou action", "Objectif", "Dispositif (plan, CPF…)", "Échéance"],
    )
    for _ in range(4):
        m.ligne(t, ["", "", "", ""], hauteur_cm=0.9)
    m.espace()


def _rubriques_specifiques(m: Modele, hauteur: float) -> None:
    m.balise("{%p if est_retour %}")
    m.h1("Retour de congé")
    m.p("Reprise d'activité le {{ retour.reprise_longue }} ; absence : {{ retour.libelle }}.")
    m.zones(
        [
            "Conditions de la reprise, changements intervenus",
            "Besoins d'adaptation ou de formation",
        ],
        hauteur_cm=hauteur,
    )
    m.balise("{%p endif %}")
    m.balise("{%p if est_mi_carriere %}")
    m.h1("Mi-carrière")
    m.p(
        "Entretien organisé dans les deux mois qui suivent la visite médicale de mi-carrière "
        "(art. L4624-2-2 et L6315-1 IV du Code du travail)."
    )
    m.p(
        "Date de la visite médicale de mi-carrière : {% if mi_carriere.visite_longue %}"
        "{{ mi_carriere.visite_longue }}{% else %}____ / ____ / ________{% endif %}"
    )
    m.zones(
        [
            "Usure professionnelle, conditions de travail",
            "Préconisations du médecin du travail",
            "Adaptations envisagées (poste, organisation, formation)",
        ],
        hauteur_cm=hauteur,
    )
    m.balise("{%p endif %}")
    m.balise("{%p if est_avant_60 %}")
    m.h1("Maintien dans l'emploi et fin de carrière")
    m.p(
        "Entretien tenu dans les deux années qui précèdent le 60e anniversaire "
        "{{ salarie.du_salarie }}, "
        "le {{ avant_60.soixante_ans_longue }} (art. L6315-1 V du Code du travail)."
    )
    m.zones(
        [
            "Conditions de maintien dans l'emploi",
            "Aménagements de fin de carrière : temps partiel, retraite progressive",
            "Transmission des savoirs, tutorat",
        ],
        hauteur_cm=hauteur,
    )
    m.balise("{%p endif %}")


# --- les cinq modèles ----------------------------------------------------------------


def convocation() -> Modele:
    m = Modele("Convocation")
    droite = 9.0
    m.p(
        ("{{ salarie.destinataire }}", "g"),
        retrait_cm=droite,
        apres=0,
        alignement=WD_ALIGN_PARAGRAPH.LEFT,
    )
    m.balise("{%p if salarie.adresse %}")
    m.p("{{ salarie.adresse }}", retrait_cm=droite, apres=0, alignement=WD_ALIGN_PARAGRAPH.LEFT)
    m.p(
        "{{ salarie.code_postal }} {{ salarie.ville }}",
        retrait_cm=droite,
        apres=0,
        alignement=WD_ALIGN_PARAGRAPH.LEFT,
    )
    m.balise("{%p endif %}")
    m.espace(6)
    m.p(
        "Fait à {{ fait_a }}, le {{ date_lettre_longue }}",
        retrait_cm=droite,
        alignement=WD_ALIGN_PARAGRAPH.LEFT,
    )
    m.espace(4)
    m.p(("Objet : ", "g"), ("Convocation à votre {{ intitule_entretien }}", "g"), apres=0)
    m.p(("P. J. : ", "g"), "support de préparation de l'entretien")
    m.espace(4)
    m.p("{{ salarie.formule_appel }}")
    m.p(
        "En application de {{ reference_legale }}, nous vous invitons à votre "
        "{{ intitule_entretien }} :"
    )
    m.fiche(
        [
            ("Date", "{{ entretien.date_longue }}"),
            (
                "Heure",
                "de {{ entretien.heure }} à {{ entretien.fin }} "
                "(durée prévue : {{ entretien.duree }})",
            ),
            ("Lieu", "{{ entretien.lieu }}"),
            ("Conduit par", "{{ entretien.conducteur }}, {{ entretien.fonction_conducteur }}"),
        ],
        largeur_libelle=3.5,
    )
    m.p("Cet entretien vous est proposé au titre de :", apres=2)
    m.balise("{%p for m in motifs %}")
    m.puce("{{ m.raison }}")
    m.balise("{%p endfor %}")
    _rubriques_conditionnelles_annonce(m)
    m.p(NON_EVALUATION)
    m.p(
        "Vous trouverez ci-joint un support de préparation : il vous aidera à faire le point sur "
        "votre parcours et vos souhaits, et vous pourrez l'apporter annoté le jour de "
        "l'entretien. " + CEP
    )
    m.p(
        "Si cette date ne vous convient pas, merci de prendre contact avec le service des "
        "ressources humaines ({{ entreprise.email_rh }}{% if entreprise.telephone_rh %}, "
        "{{ entreprise.telephone_rh }}{% endif %}) afin de convenir d'un autre rendez-vous."
    )
    m.p(
        "Nous vous prions d'agréer, {{ salarie.appel }}, l'expression de nos salutations "
        "distinguées."
    )
    m.espace(4)
    m.p(
        ("{{ entreprise.signataire }}", "g"),
        retrait_cm=droite,
        apres=0,
        alignement=WD_ALIGN_PARAGRAPH.LEFT,
    )
    m.p(
        "{{ entreprise.fonction_signataire }}",
        retrait_cm=droite,
        alignement=WD_ALIGN_PARAGRAPH.LEFT,
    )
    _decharge(m)
    return m


def _decharge(m: Modele) -> None:
    """Sans adresse électronique, la convocation est remise en main propre contre décharge :
    la date de remise et la signature du salarié, sous la lettre."""
    m.balise("{%p if salarie.remise_en_main_propre %}")
    m.espace(10)
    table = m.tableau([LARGEUR_UTILE / 2, LARGEUR_UTILE / 2])
    ligne = m.ligne(table, ["", ""], hauteur_cm=2.4)
    gauche, droite = (cellule.paragraphs[0] for cellule in ligne.cells)
    gauche.add_run("Remis en main propre contre décharge").bold = True
    m.p(f"le {LIGNE_DATE}", conteneur=ligne.cells[0])
    droite.add_run("Signature {{ salarie.du_salarie }} :").bold = True
    m.balise("{%p endif %}")


def support_preparation() -> Modele:
    m = Modele("Support de préparation")
    m.titre("Préparer votre {{ intitule_entretien }}")
    _identification(m, avec_motifs=True)
    m.p(
        "Ce support vous appartient : il vous aide à réfléchir à votre parcours et à vos "
        "souhaits avant l'entretien. Vous pouvez le compléter librement et l'apporter le jour "
        "de l'entretien. " + NON_EVALUATION
    )
    m.h1("Les thèmes de l'entretien")
    m.p("Conformément à {{ reference_legale }}, l'entretien porte sur :", apres=2)
    m.balise("{%p for t in themes_obligatoires %}")
    m.puce("{{ t }}")
    m.balise("{%p endfor %}")
    _rubriques_conditionnelles_annonce(m)
    m.h1("Votre parcours depuis le {{ historique.depuis_longue }}")
    m.p(
        (
            "Informations extraites du registre du personnel ; signalez toute erreur ou omission "
            "au service des ressources humaines.",
            "i",
        ),
        taille=9,
    )
    _historique(m)
    _rubriques_entretien(m, hauteur=2.0, pour_compte_rendu=False)
    _rubriques_specifiques(m, hauteur=2.0)
    m.h1("5. Commentaires")
    m.zones(["Points que je souhaite aborder, remarques"], hauteur_cm=3)
    m.encadre(
        ("Pour aller plus loin : ", "g"),
        "compte personnel de formation : www.moncompteformation.gouv.fr ; conseil en "
        "évolution professionnelle (CEP), gratuit et confidentiel : www.mon-cep.org ; "
        "validation des acquis de l'expérience : France VAE, vae.gouv.fr.",
    )
    return m


def compte_rendu() -> Modele:
    m = Modele("Compte-rendu")
    m.titre("Compte-rendu de l'{{ intitule_entretien }}")
    identification = _identification(m, avec_motifs=True)
    m.ligne_champ(identification, "Entretien tenu le", "date_entretien")
    m.p(
        (
            "Entretien réalisé en application de {{ reference_legale }}. Il est consacré aux "
            "perspectives d'évolution professionnelle {{ salarie.du_salarie }} et ne porte pas "
            "sur l'évaluation de son travail.",
            "i",
        ),
        taille=9,
    )
    _rubriques_entretien(m, hauteur=2.0, pour_compte_rendu=True)
    _rubriques_specifiques(m, hauteur=2.0)
    m.balise("{%p if est_etat_des_lieux %}")
    m.h1("État des lieux récapitulatif")
    # Les constats se font sur le document « État des lieux récapitulatif », rempli pendant
    # l'entretien : le compte-rendu, remis en copie, n'en recopie pas les chiffres.
    m.p(
        "L'état des lieux récapitulatif du parcours professionnel, sur la période du "
        "{{ etat_des_lieux.debut_courte }} au {{ etat_des_lieux.fin_courte }}, est fait sur "
        "le document « État des lieux récapitulatif » rempli pendant l'entretien."
    )
    m.balise("{%p endif %}")

    _informations_obligatoires(m)
    m.h1("5. Commentaires et suites données")
    m.zones(
        [
            "Commentaires {{ salarie.du_salarie }}",
            "Commentaires du conducteur",
            "Suites données à l'entretien",
        ],
        hauteur_cm=2.4,
    )
    m.h1("Signatures")
    m.signatures(
        ["{{ salarie.le_salarie_maj }}", "{{ salarie.nom_complet }}", "Date et signature :"],
        ["Le conducteur de l'entretien", "{{ entretien.conducteur }}", "Date et signature :"],
    )
    m.espace(6)
    m.champ(m.p(("Copie remise {{ salarie.au_salarie }} le : ", "g")), "copie_remise_le")
    m.p(
        (
            "Le compte-rendu est établi à l'issue de l'entretien ; une copie en est remise "
            "{{ salarie.au_salarie }}.",
            "i",
        ),
        taille=9,
    )
    return m


def _informations_obligatoires(m: Modele) -> None:
    """Le bloc d'information obligatoire (CPF, abondements, CEP, VAE), une case chacun."""
    m.h1("Informations obligatoires délivrées au salarié")
    m.p(
        "Le conducteur de l'entretien informe {{ salarie.le_salarie }} sur chacun des points "
        "suivants "
        "(art. L6315-1 I du Code du travail) et coche la case correspondante.",
        apres=3,
    )
    t = m.tableau([4.3, 8.9, 3.8], ["Information", "Contenu", "Délivrée"])
    tags = iter(INFORMATIONS_OBLIGATOIRES)  # une case par information, dans cet ordre
    for sujet, contenu in (
        (
            "Activation du compte personnel de formation (CPF)",
            "Ouverture et consultation du compte sur www.moncompteformation.gouv.fr (ou "
            "l'application « Mon compte formation ») ; droits acquis, formations éligibles.",
        ),
        (
            "Abondements de l'employeur",
            "Abondements du CPF que l'employeur est susceptible de financer : "
            "____________________________________________",
        ),
        (
            "Conseil en évolution professionnelle (CEP)",
            "Accompagnement gratuit et confidentiel, hors de l'entreprise : www.mon-cep.org.",
        ),
        (
            "Validation des acquis de l'expérience (VAE)",
            "Obtenir tout ou partie d'une certification grâce à son expérience : France VAE, "
            "vae.gouv.fr.",
        ),
    ):
        ligne = m.ligne(t, [sujet, contenu, ""])
        ligne.cells[0].paragraphs[0].runs[0].bold = True
        para = ligne.cells[2].paragraphs[0]
        m.champ(para, next(tags))
        para.add_run(" Information délivrée")
    m.espace()


def etat_des_lieux() -> Modele:
    """Le document rempli pendant l'entretien : daté du jour de l'entretien, les critères
    que le registre donne, à confirmer, et l'issue pour l'abondement, à cocher ; jamais
    de verdict calculé d'avance."""
    m = Modele("État des lieux récapitulatif")
    m.titre("État des lieux récapitulatif du parcours professionnel")
    identification = m.fiche(
        [
            (
                "{{ salarie.libelle }}",
                "{{ salarie.nom_complet }} (matricule {{ salarie.matricule }})",
            ),
            ("Poste, service", "{{ salarie.poste }} – {{ salarie.service }}"),
            ("Entrée dans l'entreprise", "{{ salarie.date_entree_longue }}"),
            (
                "Période examinée",
                "du {{ etat_des_lieux.debut_longue }} au {{ etat_des_lieux.fin_longue }}",
            ),
            (
                "Entretien",
                "{{ entretien.date_longue }} à {{ entretien.heure }}, conduit par "
                "{{ entretien.conducteur }}",
            ),
        ]
    )
    m.ligne_champ(identification, "Entretien tenu le", "date_entretien")
    m.p(
        "Tous les {{ cycle_etat_des_lieux_ans }} ans, l'{{ intitule_entretien }} fait un état "
        "des lieux récapitulatif du parcours professionnel (II de {{ reference_legale }}). Il "
        "vérifie que les entretiens prévus ont eu lieu et apprécie trois critères : formation "
        "suivie, éléments de certification acquis, progression salariale ou professionnelle. "
        "Les listes ci-dessous viennent du registre du personnel : le conducteur les relit "
        "avec {{ salarie.le_salarie }}, complète ce qui manque et coche ce qui est constaté."
    )
    _listes_etat_des_lieux(m)
    m.h1("5. Constats faits pendant l'entretien")
    t = m.tableau([9.5, 3.5, 4.0], ["Critère", "D'après le registre", "Constaté"])
    for libelle, registre, tag in (
        (
            "A suivi au moins une formation",
            "{{ etat_des_lieux.critere_formation }}",
            "formation_suivie",
        ),
        (
            "A acquis des éléments de certification (formation certifiante ou VAE)",
            "{{ etat_des_lieux.critere_certification }}",
            "certification",
        ),
        (
            "A bénéficié d'une progression salariale ou professionnelle",
            "{{ etat_des_lieux.critere_progression }}",
            "progression",
        ),
    ):
        para = m.ligne(t, [libelle, registre, ""]).cells[2].paragraphs[0]
        m.champ(para, tag)
        para.add_run(" Oui")
    m.espace()
    _abondement_a_constater(m)
    m.p(
        "Établi le {% if entretien.date_longue %}{{ entretien.date_longue }}"
        "{% else %}____ / ____ / ________{% endif %}, à l'issue de l'entretien."
    )
    m.signatures(
        ["{{ salarie.le_salarie_maj }}", "{{ salarie.nom_complet }}", "Date et signature :"],
        ["Pour l'employeur", "{{ entreprise.signataire }}", "{{ entreprise.fonction_signataire }}"],
        hauteur_cm=2.6,
    )
    m.espace(6)
    m.champ(m.p(("Copie remise {{ salarie.au_salarie }} le : ", "g")), "copie_remise_le")
    return m


def _abondement_a_constater(m: Modele) -> None:
    """Le montant et l'échéance de l'abondement correctif selon l'effectif (commandes.md) ;
    l'issue, elle, se constate à l'entretien et se coche : jamais un verdict calculé
    d'avance, qui vaudrait aveu avant l'entretien (issue 11)."""
    m.h1("6. Abondement correctif du compte personnel de formation")
    m.balise("{%p if entreprise.au_moins_50 %}")
    regle = m.p(
        "L'entreprise compte {{ etat_des_lieux.effectif }} salariés (effectif au sens de "
        "l'art. L130-1 du Code de la sécurité sociale), soit 50 ou plus. Un abondement "
        "correctif de {{ montant_abondement }} est dû au compte personnel de formation quand, "
        "sur la période, les entretiens prévus n'ont pas tous eu lieu et qu'aucune formation "
        "non obligatoire n'a été suivie (II de {{ reference_legale }} ; art. L6323-13). Il "
        "est versé à la Caisse des dépôts au plus tard le dernier jour du trimestre civil qui "
        "suit cet entretien, soit le {{ etat_des_lieux.versement_si_du }} pour un entretien "
        "tenu le {{ entretien.date_courte }} (art. R6323-3). Issue constatée à l'entretien :",
        apres=3,
    )
    regle.paragraph_format.keep_with_next = True
    t = m.tableau([5.0, LARGEUR_UTILE - 5.0])
    ligne = m.ligne(t, ["Issue constatée", ""], fonds=[FOND_ENCADRE, None])
    ligne.cells[0].paragraphs[0].runs[0].bold = True
    # Des cases imprimées, pas des champs de formulaire : `entretiens recolter` relit ses
    # champs par leur rang quand LibreOffice a perdu leurs étiquettes ; un champ de plus
    # l'en empêcherait. L'issue se reporte à la main.
    cases = ligne.cells[1]
    cases.paragraphs[0].add_run(f"{CASE} Aucun abondement correctif n'est dû")
    m.p(
        f"{CASE} Un abondement correctif de {{{{ montant_abondement }}}} est dû",
        conteneur=cases,
    )
    ligne = m.ligne(t, ["Versement", ""], fonds=[FOND_ENCADRE, None])
    ligne.cells[0].paragraphs[0].runs[0].bold = True
    ligne.cells[1].paragraphs[0].add_run(f"versé à la Caisse des dépôts le : {LIGNE_DATE}")
    _d_un_bloc(t)
    m.espace()
    m.balise("{%p else %}")
    m.p(
        "L'entreprise compte {{ etat_des_lieux.effectif }} salariés (effectif au sens de "
        "l'art. L130-1 du Code de la sécurité sociale), soit moins de 50 : l'abondement "
        "correctif (II de {{ reference_legale }} ; art. L6323-13) ne s'applique pas."
    )
    m.balise("{%p endif %}")


def _listes_etat_des_lieux(m: Modele) -> None:
    """Sections 1 à 4 : entretiens, formations, certifications, progressions du registre."""
    m.h1("1. Entretiens de la période")
    m.p(
        "Entretiens prévus sur la période : {{ etat_des_lieux.entretiens_prevus }} (un tous "
        "les {{ periodicite_mois }} mois) ; enregistrés au registre : "
        "{{ etat_des_lieux.entretiens_realises }}."
    )
    m.liste_en_tableau(
        "etat_des_lieux.entretiens",
        "e",
        [3.0, 7.0, 7.0],
        ["Date", "Type", "Conduit par"],
        ["{{ e.date_courte }}", "{{ e.type_libelle }}", "{{ e.conduit_par }}"],
        "Aucun entretien n'est enregistré sur la période.",
    )
    m.h1("2. Formations suivies")
    m.liste_en_tableau(
        "etat_des_lieux.formations",
        "f",
        [2.6, 8.8, 2.8, 2.8],
        ["Date", "Intitulé", "Obligatoire", "Certifiante"],
        ["{{ f.date_courte }}", "{{ f.intitule }}", "{{ f.obligatoire }}", "{{ f.certifiante }}"],
        "Aucune formation n'est enregistrée sur la période.",
    )
    m.h1("3. Éléments de certification")
    m.liste_en_tableau(
        "etat_des_lieux.certifications",
        "c",
        [3.0, 14.0],
        ["Date", "Formation certifiante ou VAE"],
        ["{{ c.date_courte }}", "{{ c.intitule }}"],
        "Aucun élément de certification n'est enregistré sur la période.",
    )
    m.h1("4. Progressions salariales ou professionnelles")
    m.liste_en_tableau(
        "etat_des_lieux.progressions",
        "e",
        [3.0, 3.5, 10.5],
        ["Date", "Nature", "Commentaire"],
        ["{{ e.date_courte }}", "{{ e.nature }}", "{{ e.commentaire }}"],
        "Aucune progression n'est enregistrée sur la période.",
    )


def fiche_conducteur() -> Modele:
    m = Modele("Fiche du conducteur")
    m.titre("Vos entretiens à conduire")
    m.p(("{{ conducteur.nom }}", "g"), " – campagne du {{ date_lettre_longue }}")
    m.p(
        "Vous conduisez {{ entretiens_texte }}, {{ periode_texte }}. Chaque salarié a reçu sa "
        "convocation et un support de préparation ; son dossier contient aussi le compte-rendu "
        "à compléter pendant l'entretien."
    )
    t = m.tableau(
        [3.0, 1.8, 3.4, 2.4, 2.6, 3.8], ["Date", "Heure", "Salarié", "Service", "Lieu", "Motifs"]
    )
    m.boucle(
        t,
        "{%tr for e in entretiens %}",
        [
            "{{ e.date_longue }}",
            "{{ e.heure }}",
            "{{ e.salarie }}",
            "{{ e.service }}",
            "{{ e.lieu }}",
            "{{ e.types_courts }}",
        ],
    )
    m.espace()
    m.balise("{%p if a_etat_des_lieux %}")
    m.puce(
        ("État des lieux : ", "g"),
        "le document « État des lieux récapitulatif » prérempli est dans le dossier du salarié ; "
        "vérifiez-le avec lui.",
    )
    m.balise("{%p endif %}")
    m.balise("{%p if a_retour %}")
    m.puce(
        ("Retour de congé : ", "g"),
        "faites le point sur les changements intervenus pendant l'absence et les besoins "
        "d'adaptation ou de formation.",
    )
    m.balise("{%p endif %}")
    m.balise("{%p if a_mi_carriere %}")
    m.puce(
        ("Mi-carrière : ", "g"),
        "abordez l'usure professionnelle et les préconisations éventuelles du médecin du travail.",
    )
    m.balise("{%p endif %}")
    m.balise("{%p if a_avant_60 %}")
    m.puce(
        ("Avant 60 ans : ", "g"),
        "abordez le maintien dans l'emploi et les aménagements de fin de carrière (temps "
        "partiel, retraite progressive).",
    )
    m.balise("{%p endif %}")

    _guide_de_conduite(m)
    _calcul_pour_memoire(m)
    return m


def _guide_de_conduite(m: Modele) -> None:
    """Le guide du document source : avant, pendant (les six étapes), conseils."""
    m.h1("Guide de conduite de l'entretien")
    m.p(
        "L'{{ intitule_entretien }} est dédié à la gestion personnalisée des compétences : "
        "il ne s'agit pas d'un entretien d'évaluation. Il dure de 1 à 2 heures."
    )
    m.h2("Avant l'entretien")
    m.puce("Relire la convocation et le support remis au salarié (1 à 3 semaines avant).")
    m.puce("Préparer la logistique : un bureau au calme, sans dérangement.")
    m.puce("Préparer l'entretien : compte-rendu de l'entretien précédent s'il existe.")
    m.h2("Le déroulement")
    t = m.tableau([4.0, 13.0], ["Étape", "Ce que vous faites"])
    for etape, contenu in (
        (
            "Accueillir",
            "Saluer, s'installer, mettre en confiance ; remercier le salarié de sa présence.",
        ),
        (
            "Situer",
            "Introduction succincte mais précise : objectifs de l'entretien, déroulement ; "
            "terminer en laissant la parole : « Avant de démarrer, avez-vous des questions ? »",
        ),
        (
            "Réaliser une écoute active",
            "Échanger sur les missions et les compétences (bilan de la période, faits "
            "marquants) : questionnement, écoute, demande de précisions, reformulation. Il ne "
            "s'agit pas d'une évaluation.",
        ),
        (
            "Aborder la partie « développement »",
            "Projet professionnel et évolution ; situer les attentes de formation en relation "
            "avec les points à améliorer et les besoins de l'entreprise.",
        ),
        (
            "Conclure",
            "Synthèse orale rapide des points évoqués ; suites données à l'entretien, sans "
            "promesse hasardeuse ; invitation à signer ; remerciement.",
        ),
        (
            "Informer",
            "Obligatoire : activation du compte personnel de formation (CPF) et abondements que "
            "l'employeur peut financer, conseil en évolution professionnelle (CEP), VAE. Cochez "
            "les cases du compte-rendu.",
        ),
    ):
        ligne = m.ligne(t, [etape, contenu], fonds=[FOND_ENCADRE, None])
        ligne.cells[0].paragraphs[0].runs[0].bold = True
    m.espace()
    m.h2("Conseils")
    m.puce("Noter chaque commentaire au fur et à mesure de l'entretien, sur le compte-rendu.")
    m.puce("Reformuler pour vérifier que vous avez bien compris.")
    m.puce(
        "Ne pas éluder la question de la rémunération si elle vient, mais préciser ce que "
        "l'entreprise est en mesure de faire ou pas."
    )
    m.puce("Ne pas faire de promesses hasardeuses sur les suites.")
    m.puce(
        "Remettre une copie du compte-rendu signé au salarié et le transmettre au service des "
        "ressources humaines ({{ entreprise.email_rh }})."
    )


def _calcul_pour_memoire(m: Modele) -> None:
    # Le calcul de conformité n'est écrit que dans les documents internes : ici, pour le
    # conducteur (et dans les tableurs), jamais dans ce que reçoit le salarié. Sur une page
    # à part, qui se détache du reste de la fiche.
    m.saut_de_page()
    m.h1("Pour mémoire : le calcul de chaque convocation")
    m.p(
        (
            "Document interne : ces motifs (échéances, retards, état des lieux) ne se remettent "
            "pas au salarié ; sa convocation lui en donne la raison en langage simple.",
            "i",
        ),
        taille=9,
    )
    t = m.tableau([3.6, 3.2, 10.2], ["Salarié", "Types", "Motifs calculés"])
    m.boucle(
        t,
        "{%tr for e in entretiens %}",
        ["{{ e.salarie }}", "{{ e.types_courts }}", "{{ e.motifs }}"],
    )


FABRIQUES: dict[str, Callable[[], Modele]] = {
    "convocation": convocation,
    "support_preparation": support_preparation,
    "compte_rendu": compte_rendu,
    "etat_des_lieux": etat_des_lieux,
    "fiche_conducteur": fiche_conducteur,
}


def fabriquer(
    dossier: Path = DOSSIER, forcer: bool = False, noms: Sequence[str] | None = None
) -> dict[str, str]:
    """Écrit les modèles ; nom -> "cree", "conserve" (existait, pas de --forcer) ou "remplace"."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    etats: dict[str, str] = {}
    for nom in noms or FABRIQUES:
        chemin = dossier / f"{nom}.docx"
        existe = chemin.exists()
        if existe and not forcer:
            etats[nom] = "conserve"
            continue
        FABRIQUES[nom]().enregistrer(chemin)
        etats[nom] = "remplace" if existe else "cree"
    return etats


def tableau_variables() -> str:
    """Markdown pour le README : variables disponibles (avec exemple) et variables utilisées."""
    from pipeline.modeles import variables_par_modele, variables_utilisees

    def cellule(texte: str) -> str:
        return texte.replace("|", "\\|").replace("\u00a0", " ") or "(vide)"

    disponibles = variables_par_modele()
    lignes: list[str] = []
    for titre, modele in (
        (
            "Documents du salarié (convocation, support, compte-rendu, état des lieux)",
            "convocation",
        ),
        ("Fiche du conducteur", "fiche_conducteur"),
    ):
        lignes += [f"### {titre}", "", "| variable | exemple |", "|---|---|"]
        lignes += [f"| `{k}` | {cellule(v)} |" for k, v in disponibles[modele].items()]
        lignes.append("")
    lignes += ["### Variables utilisées par les modèles livrés", ""]
    for nom in FABRIQUES:
        chemin = DOSSIER / f"{nom}.docx"
        if chemin.exists():
            utilisees = ", ".join(f"`{v}`" for v in variables_utilisees(chemin))
            lignes += [f"- **{nom}.docx** : {utilisees}", ""]
    return "\n".join(lignes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fabrique les modèles Word livrés.")
    parser.add_argument("--dossier", type=Path, default=DOSSIER, help="dossier de destination")
    parser.add_argument("--forcer", action="store_true", help="remplace les modèles existants")
    parser.add_argument("--variables", action="store_true", help="affiche le tableau des variables")
    parser.add_argument("noms", nargs="*", help="modèles à fabriquer : " + ", ".join(FABRIQUES))
    args = parser.parse_args(argv)
    inconnus = [nom for nom in args.noms if nom not in FABRIQUES]
    if inconnus:
        parser.error("modèle inconnu : " + ", ".join(inconnus))
    if args.variables:
        print(tableau_variables())
        return 0
    etats = fabriquer(args.dossier, args.forcer, args.noms or None)
    for nom, etat in etats.items():
        if etat == "conserve":
            print(f"{nom}.docx existe déjà : conservé (ajoutez --forcer pour le remplacer).")
        else:
            print(f"{nom}.docx : {'créé' if etat == 'cree' else 'remplacé'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
