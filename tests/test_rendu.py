"""Rendu rapide des modèles : mêmes documents que docxtpl, sûrs, en parallèle.

La référence est docxtpl lui-même (`rendre_docxtpl`) : chaque test compare le texte lu
par python-docx (corps, tableaux, en-têtes, pieds) et le XML de chaque partie.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from docxtpl import InlineImage, RichText
from lxml import etree

from pipeline.erreurs import ErreurEntretiens
from pipeline.rendu import DOCXTPL, RAPIDE, ModeleCompile, modele_compile, rendre_docxtpl
from pipeline.rendu_parallele import Tache, rendre_en_parallele

# --- modèles fabriqués avec python-docx ---------------------------------------------


def fabriquer_modele(chemin: Path) -> Path:
    """Un modèle qui exerce tout ce que docxtpl prétraite : {%p %}, {%tr %}, {%tc %},
    boucles en ligne, en-tête, pied de page, propriété du document."""
    d = docx.Document()
    d.core_properties.title = "Convocation de {{ salarie.nom }}"
    d.core_properties.subject = "Entretien {{ intitule }}"
    d.add_heading("Convocation à l'{{ intitule }}", 1)
    p = d.add_paragraph("Madame, Monsieur ")
    gras = p.add_run("{{ salarie.prenom }} {{ salarie.nom }}")
    gras.bold = True
    gras.font.size = Pt(12)
    p.add_run(", de la société {{ entreprise }}.")
    d.add_paragraph(
        "Motifs : {% for m in motifs %}{{ m }}{% if not loop.last %}, {% endif %}{% endfor %}."
    )
    d.add_paragraph("{%p if cas == 'retour' %}")
    d.add_paragraph("Vous reprenez votre poste après {{ absence }}.")
    d.add_paragraph("{%p elif cas == 'mi_carriere' %}")
    d.add_paragraph("Entretien de mi-carrière : usure professionnelle.")
    d.add_paragraph("{%p else %}")
    d.add_paragraph("Entretien périodique.")
    d.add_paragraph("{%p endif %}")
    tableau = d.add_table(rows=4, cols=3)
    tableau.style = "Table Grid"
    for cellule, texte in zip(tableau.rows[0].cells, ("Formation", "Date", "Heures"), strict=True):
        cellule.text = texte
    tableau.cell(1, 0).text = "{%tr for f in formations %}"
    tableau.cell(2, 0).text = "{{ f.intitule }}"
    tableau.cell(2, 1).text = "{{ f.date }}"
    tableau.cell(2, 2).text = "{{ f.heures }}"
    tableau.cell(3, 0).text = "{%tr endfor %}"
    colonnes = d.add_table(rows=1, cols=3)
    colonnes.style = "Table Grid"
    colonnes.cell(0, 0).text = "{%tc for c in criteres %}"
    colonnes.cell(0, 1).text = "{{ c }}"
    colonnes.cell(0, 2).text = "{%tc endfor %}"
    # Toutes les lignes dans une boucle : avec une liste vide, fix_tables retire la grille.
    boucle = d.add_table(rows=3, cols=2)
    boucle.cell(0, 0).text = "{%tr for c in criteres %}"
    boucle.cell(1, 0).text = "{{ c }}"
    boucle.cell(1, 1).text = "{{ loop.index }}"
    boucle.cell(2, 0).text = "{%tr endfor %}"
    speciales = d.add_table(rows=2, cols=3)
    speciales.style = "Table Grid"
    speciales.cell(0, 0).text = "{% cellbg couleur %}Fond"
    speciales.cell(0, 1).text = "{% colspan largeur %}Fusion"
    speciales.cell(0, 2).text = "Fin"
    speciales.cell(1, 0).text = "{{ couleur }}"
    d.add_paragraph("Observations : {{ observations }}")
    d.add_paragraph("{{r mise_en_forme }}")
    section = d.sections[0]
    section.header.paragraphs[0].text = "{{ entreprise }} — {{ intitule }}"
    section.footer.paragraphs[0].text = "Pied : {{ salarie.nom }} {{ salarie.prenom }}"
    d.save(chemin)
    return chemin


def fabriquer_modele_simple(chemin: Path, *paragraphes: str) -> Path:
    d = docx.Document()
    for texte in paragraphes:
        d.add_paragraph(texte)
    d.save(chemin)
    return chemin


def contexte(**changements: object) -> dict[str, object]:
    base: dict[str, object] = {
        "intitule": "entretien de parcours professionnel",
        "salarie": {"nom": "Dupont & Fils <SARL>", "prenom": "Éloïse"},
        "entreprise": "Ça & Là « Œuvres » <SAS>",
        "motifs": ["Entretien périodique", "État des lieux"],
        "cas": "retour",
        "absence": "un congé parental d'éducation",
        "formations": [
            {"intitule": "Sécurité & prévention", "date": "12/03/2024", "heures": "7"},
            {"intitule": "Excel <avancé>", "date": "01/06/2025", "heures": "14"},
        ],
        "criteres": ["formation", "certification", "progression"],
        "observations": "Première ligne\nDeuxième ligne\tavec tabulation",
        "mise_en_forme": RichText("souligné & gras", bold=True, underline=True),
        "couleur": "FFCC00",
        "largeur": 2,
    }
    base.update(changements)
    return base


CONTEXTES = {
    "retour": contexte(),
    "mi_carriere": contexte(cas="mi_carriere"),
    "periodique": contexte(cas="autre"),
    "listes_vides": contexte(motifs=[], formations=[], criteres=[]),
    "texte_long": contexte(observations="Très long commentaire « é » & <x> " * 400),
    "une_formation": contexte(
        formations=[{"intitule": "Ébénisterie", "date": "", "heures": "0"}], criteres=["seul"]
    ),
}


@pytest.fixture(scope="module")
def modele(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fabriquer_modele(tmp_path_factory.mktemp("modeles") / "convocation.docx")


# --- lecture des documents produits ---------------------------------------------------


def _textes_tableau(tableau: docx.table.Table) -> list[str]:
    textes = []
    for ligne in tableau.rows:
        for cellule in ligne.cells:
            textes.extend(p.text for p in cellule.paragraphs)
            for imbrique in cellule.tables:
                textes.extend(_textes_tableau(imbrique))
    return textes


def texte_document(contenu: bytes) -> dict[str, list[str]]:
    """Tout le texte visible, par zone : corps, tableaux, en-têtes, pieds, propriétés."""
    d = docx.Document(io.BytesIO(contenu))
    zones: dict[str, list[str]] = {
        "corps": [p.text for p in d.paragraphs],
        "tableaux": [t for tableau in d.tables for t in _textes_tableau(tableau)],
        "entetes": [],
        "pieds": [],
    }
    for section in d.sections:
        for entete in (section.header, section.first_page_header, section.even_page_header):
            if not entete.is_linked_to_previous:
                zones["entetes"] += [p.text for p in entete.paragraphs]
        for pied in (section.footer, section.first_page_footer, section.even_page_footer):
            if not pied.is_linked_to_previous:
                zones["pieds"] += [p.text for p in pied.paragraphs]
    zones["proprietes"] = [d.core_properties.title, d.core_properties.subject]
    return zones


_ANALYSEUR = etree.XMLParser(remove_blank_text=True)


def _xml_canonique(octets: bytes) -> bytes:
    return etree.tostring(etree.fromstring(octets, _ANALYSEUR), method="c14n")


# Les parties que docxtpl rend ; les autres sont recopiées du modèle (test plus bas),
# alors que python-docx les réécrit (ordre de [Content_Types].xml…).
PARTIES_RENDUES = re.compile(
    r"word/(document|header\d*|footer\d*|footnotes)\.xml|docProps/core\.xml"
)


def verifier_equivalence(rapide: bytes, reference: bytes) -> None:
    """Même texte partout et même XML (forme canonique) pour chaque partie rendue."""
    assert texte_document(rapide) == texte_document(reference)
    with (
        zipfile.ZipFile(io.BytesIO(rapide)) as zr,
        zipfile.ZipFile(io.BytesIO(reference)) as zd,
    ):
        assert zr.testzip() is None
        communs = set(zr.namelist()) & set(zd.namelist())
        assert "word/document.xml" in communs
        for nom in sorted(communs):
            if PARTIES_RENDUES.fullmatch(nom):
                assert _xml_canonique(zr.read(nom)) == _xml_canonique(zd.read(nom)), nom


def tout_le_texte(contenu: bytes) -> str:
    return "\n".join(t for zone in texte_document(contenu).values() for t in zone)


# --- équivalence avec docxtpl ---------------------------------------------------------


@pytest.mark.parametrize("nom_contexte", sorted(CONTEXTES))
def test_meme_document_que_docxtpl(modele: Path, nom_contexte: str) -> None:
    compile_ = ModeleCompile(modele)
    assert compile_.mode == RAPIDE
    ctx = CONTEXTES[nom_contexte]
    rapide = compile_.rendre(ctx)
    verifier_equivalence(rapide, rendre_docxtpl(modele, ctx))
    texte = tout_le_texte(rapide)
    assert "{{" not in texte and "{%" not in texte and "}}" not in texte


def test_les_parties_rendues_sont_identiques_octet_pour_octet(modele: Path) -> None:
    ctx = CONTEXTES["retour"]
    rapide, reference = ModeleCompile(modele).rendre(ctx), rendre_docxtpl(modele, ctx)
    with (
        zipfile.ZipFile(io.BytesIO(rapide)) as zr,
        zipfile.ZipFile(io.BytesIO(reference)) as zd,
    ):
        for nom in ("word/document.xml", "word/header1.xml", "word/footer1.xml"):
            assert zr.read(nom) == zd.read(nom), nom


def test_valeurs_imprimees_telles_quelles(modele: Path) -> None:
    zones = texte_document(ModeleCompile(modele).rendre(CONTEXTES["retour"]))
    assert zones["corps"][1] == "Madame, Monsieur Éloïse Dupont & Fils <SARL>, de la société " + (
        "Ça & Là « Œuvres » <SAS>."
    )
    assert zones["corps"][2] == "Motifs : Entretien périodique, État des lieux."
    assert "Vous reprenez votre poste après un congé parental d'éducation." in zones["corps"]
    assert "Entretien périodique." not in zones["corps"]
    assert "Observations : Première ligne\nDeuxième ligne\tavec tabulation" in zones["corps"]
    assert zones["tableaux"][:9] == [
        "Formation",
        "Date",
        "Heures",
        "Sécurité & prévention",
        "12/03/2024",
        "7",
        "Excel <avancé>",
        "01/06/2025",
        "14",
    ]
    assert zones["entetes"] == ["Ça & Là « Œuvres » <SAS> — entretien de parcours professionnel"]
    assert zones["pieds"] == ["Pied : Dupont & Fils <SARL> Éloïse"]
    # Pas de double échappement dans les propriétés (« &amp; » en toutes lettres).
    assert zones["proprietes"] == [
        "Convocation de Dupont & Fils <SARL>",
        "Entretien entretien de parcours professionnel",
    ]


def test_branches_et_listes_vides(modele: Path) -> None:
    compile_ = ModeleCompile(modele)
    mi_carriere = texte_document(compile_.rendre(CONTEXTES["mi_carriere"]))["corps"]
    assert "Entretien de mi-carrière : usure professionnelle." in mi_carriere
    assert not any("reprenez" in t for t in mi_carriere)
    assert (
        "Entretien périodique." in texte_document(compile_.rendre(CONTEXTES["periodique"]))["corps"]
    )
    vide = texte_document(compile_.rendre(CONTEXTES["listes_vides"]))
    assert "Motifs : ." in vide["corps"]
    assert vide["tableaux"][:3] == ["Formation", "Date", "Heures"]
    assert "Sécurité & prévention" not in vide["tableaux"]


def test_accolades_litterales(tmp_path: Path) -> None:
    chemin = fabriquer_modele_simple(tmp_path / "m.docx", "Écrire {_{ nom }_} ou {_% if %_}")
    rapide = ModeleCompile(chemin).rendre({})
    verifier_equivalence(rapide, rendre_docxtpl(chemin, {}))
    assert texte_document(rapide)["corps"] == ["Écrire {{ nom }} ou {% if %}"]


def test_sortie_deterministe_et_modele_reutilisable(modele: Path) -> None:
    compile_ = ModeleCompile(modele)
    premier = compile_.rendre(CONTEXTES["retour"])
    compile_.rendre(CONTEXTES["periodique"])
    assert compile_.rendre(CONTEXTES["retour"]) == premier


def test_membres_non_rendus_recopies_a_l_identique(modele: Path) -> None:
    rapide = ModeleCompile(modele).rendre(CONTEXTES["retour"])
    with zipfile.ZipFile(modele) as source, zipfile.ZipFile(io.BytesIO(rapide)) as sortie:
        assert sortie.namelist() == source.namelist()
        rendus = {"word/document.xml", "word/header1.xml", "word/footer1.xml", "docProps/core.xml"}
        for nom in source.namelist():
            if nom not in rendus:
                assert sortie.read(nom) == source.read(nom), nom


def _ajouter_notes(source: Path, destination: Path) -> Path:
    """Ajoute des notes de bas de page et de fin (python-docx ne sait pas en créer)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    types = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    notes = {
        "footnotes": "Note de bas : {{ salarie.nom }}",
        "endnotes": "Note de fin : {{ salarie.prenom }}",
    }
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(destination, "w") as zout:
        for info in zin.infolist():
            contenu = zin.read(info)
            if info.filename == "[Content_Types].xml":
                ajout = "".join(
                    f'<Override PartName="/word/{n}.xml" ContentType="{types}.{n}+xml"/>'
                    for n in notes
                )
                contenu = contenu.replace(b"</Types>", ajout.encode() + b"</Types>")
            elif info.filename == "word/_rels/document.xml.rels":
                ajout = "".join(
                    f'<Relationship Id="rIdNote{i}" Type="{relations}/{n}" Target="{n}.xml"/>'
                    for i, n in enumerate(notes)
                )
                contenu = contenu.replace(b"</Relationships>", ajout.encode() + b"</Relationships>")
            zout.writestr(info, contenu)
        for nom, texte in notes.items():
            element = nom[:-1]
            zout.writestr(
                f"word/{nom}.xml",
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:{nom} xmlns:w="{w}"><w:{element} w:id="1"><w:p><w:r><w:t>{texte}'
                f"</w:t></w:r></w:p></w:{element}></w:{nom}>",
            )
    return destination


def test_notes_de_bas_de_page_et_de_fin(modele: Path, tmp_path: Path) -> None:
    chemin = _ajouter_notes(modele, tmp_path / "notes.docx")
    ctx = CONTEXTES["retour"]
    rapide, reference = ModeleCompile(chemin).rendre(ctx), rendre_docxtpl(chemin, ctx)
    verifier_equivalence(rapide, reference)  # notes de bas de page comprises
    with zipfile.ZipFile(io.BytesIO(rapide)) as zr:
        bas = zr.read("word/footnotes.xml").decode()
        fin = zr.read("word/endnotes.xml").decode()
    assert "Note de bas : Dupont &amp; Fils &lt;SARL&gt;" in bas
    # docxtpl 0.20 laisse les notes de fin telles quelles ; le rendu rapide les rend.
    assert "Note de fin : Éloïse" in fin and "{{" not in fin


# --- fonctionnalités de la suite de tests de docxtpl ------------------------------------
# Chaque modèle de la suite de docxtpl (tests/*.py du dépôt python-docx-template) est
# refait ici par python-docx : fusions verticales ({% vm %}) et horizontales ({% hm %}),
# colonnes dynamiques ({%tc %} qui ajoute des colonnes : fix_tables), cellules retirées
# par une boucle, boucles imbriquées et tableau dans un tableau, cellbg, colspan, {%r %},
# commentaires {#p #}, paragraphes fusionnés {%- -%}, textes à sauts de ligne et
# tabulations (Listing), image du modèle (docPr), en-têtes et pieds de première page, de
# pages paires, notes de bas de page et de fin, propriétés du document.


def _tableau(d: docx.document.Document, *lignes: tuple[str, ...]) -> docx.table.Table:
    tableau = d.add_table(rows=len(lignes), cols=len(lignes[0]))
    tableau.style = "Table Grid"
    for rang, ligne in enumerate(lignes):
        for colonne, texte in enumerate(ligne):
            if texte:
                tableau.cell(rang, colonne).text = texte
    return tableau


def fabriquer_modele_docxtpl(chemin: Path) -> Path:
    d = docx.Document()
    d.core_properties.title = "Suite docxtpl : {{ titre }}"
    d.core_properties.comments = "Constante & sans balise"
    d.add_heading("{{ titre }}", 1)
    d.add_paragraph("{{r riche }}")
    d.add_paragraph("{#p commentaire ignoré #}")
    p = d.add_paragraph("Avant ")
    p.add_run("{%- if vrai -%}")
    p.add_run(" collé ")
    p.add_run("{%- endif -%}")
    p.add_run(" après")
    d.add_paragraph("Liste : {{ listing }}")
    d.add_picture(io.BytesIO(_png_1x1()))
    d.add_paragraph("{%p for plat in plats %}")
    d.add_paragraph("{{ plat.nom }} : {% for i in plat.ingredients %}{{ i }} {% endfor %}")
    d.add_paragraph("{%p endfor %}")

    # dynamic_table : plus de colonnes que la grille (fix_tables l'élargit).
    _tableau(
        d,
        ("Libellé", "{%tc for c in colonnes %}", "{{ c }}", "{%tc endfor %}"),
        ("{%tr for ligne in contenu %}", "", "", ""),
        ("{{ ligne.libelle }}", "{%tc for v in ligne.valeurs %}", "{{ v }}", "{%tc endfor %}"),
        ("{%tr endfor %}", "", "", ""),
    )
    # vertical_merge, horizontal_merge, less_cells_after_loop
    _tableau(d, ("{%tr for x in groupes %}", ""), ("{% vm %}{{ x.groupe }}", "{{ x.valeur }}"),
             ("{%tr endfor %}", ""))  # fmt: skip
    _tableau(d, ("{%tc for i in trois %}", "{% hm %}Fusion {{ i }}", "{%tc endfor %}", "Fin"))
    _tableau(d, ("A", "{%tc if montrer %}", "B", "{%tc endif %}", "C"))
    # nested_for : un tableau dans un tableau, chacun sa boucle.
    imbriquee = _tableau(
        d, ("{%tr for auteur in auteurs %}", ""), ("{{ auteur.nom }}", ""), ("{%tr endfor %}", "")
    )
    livres = imbriquee.cell(1, 1).add_table(rows=3, cols=1)
    for rang, texte in enumerate(("{%tr for livre in auteur.livres %}", "{{ livre }}",
                                  "{%tr endfor %}")):  # fmt: skip
        livres.cell(rang, 0).text = texte
    _tableau(d, ("{% cellbg fond %}Fond", "{% colspan largeur %}Fusion", "Fin"))

    section = d.sections[0]
    section.different_first_page_header_footer = True
    d.settings.odd_and_even_pages_header_footer = True
    section.header.paragraphs[0].text = "En-tête : {{ titre }} « Œ € »"
    section.first_page_header.paragraphs[0].text = "Première page : {{ titre }}"
    section.even_page_header.paragraphs[0].text = "Page paire : {{ titre }}"
    section.footer.paragraphs[0].text = "Pied : {{ pied }}"
    section.first_page_footer.paragraphs[0].text = "Pied de première page, sans balise"
    d.save(chemin)
    return chemin


def contexte_docxtpl(**changements: object) -> dict[str, object]:
    base: dict[str, object] = {
        "titre": "Suite & essais <docxtpl>",
        "riche": RichText("gras & souligné", bold=True, underline=True),
        "commentaire": "",
        "vrai": True,
        "listing": "ligne 1\nligne 2\tcolonne\fpage suivante\aparagraphe",
        "plats": [
            {"nom": "Pizza", "ingredients": ["pain", "tomate", "jambon"]},
            {"nom": "Tarte", "ingredients": ["farine", "pommes"]},
        ],
        "colonnes": ["fruit", "légume", "pierre", "chose"],
        "contenu": [
            {"libelle": "jaune", "valeurs": ["banane", "poivron", "pyrite", "taxi"]},
            {"libelle": "rouge", "valeurs": ["pomme", "tomate", "cinabre", "bus"]},
        ],
        "groupes": [
            {"groupe": "A", "valeur": "1"},
            {"groupe": "A", "valeur": "2"},
            {"groupe": "B", "valeur": "3"},
        ],
        "trois": [1, 2, 3],
        "montrer": False,
        "auteurs": [
            {"nom": "Saint-Exupéry", "livres": ["Le Petit Prince", "Vol de nuit"]},
            {"nom": "Barjavel", "livres": ["Ravage"]},
        ],
        "fond": "FF0000",
        "largeur": 2,
        "pied": "Ça & là",
    }
    base.update(changements)
    return base


CONTEXTES_DOCXTPL = {
    "complet": contexte_docxtpl(),
    "cellules_montrees": contexte_docxtpl(montrer=True, vrai=False),
    # Aucune colonne de plus que la grille : fix_tables n'a rien à faire.
    "sans_colonnes_ajoutees": contexte_docxtpl(
        colonnes=["x"], contenu=[{"libelle": "seul", "valeurs": ["v"]}], trois=[1]
    ),
    "listes_vides": contexte_docxtpl(
        plats=[], colonnes=[], contenu=[], groupes=[], trois=[], auteurs=[], listing=""
    ),
}


def verifier_octets(rapide: bytes, reference: bytes) -> None:
    """Chaque partie rendue identique octet pour octet à celle de docxtpl."""
    with (
        zipfile.ZipFile(io.BytesIO(rapide)) as zr,
        zipfile.ZipFile(io.BytesIO(reference)) as zd,
    ):
        rendues = [n for n in zd.namelist() if PARTIES_RENDUES.fullmatch(n)]
        assert "word/document.xml" in rendues
        for nom in rendues:
            assert zr.read(nom) == zd.read(nom), nom


@pytest.fixture(scope="module")
def modele_docxtpl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dossier = tmp_path_factory.mktemp("suite_docxtpl")
    return _ajouter_notes(
        fabriquer_modele_docxtpl(dossier / "sans_notes.docx"), dossier / "suite.docx"
    )


def test_suite_docxtpl_identique_octet_pour_octet(modele_docxtpl: Path) -> None:
    compile_ = ModeleCompile(modele_docxtpl)
    assert compile_.mode == RAPIDE, compile_.raison_docxtpl
    for nom, ctx in CONTEXTES_DOCXTPL.items():
        ctx = {**ctx, "salarie": {"nom": "Dupont & Fils", "prenom": "Éloïse"}}
        rapide = compile_.rendre(ctx)
        reference = rendre_docxtpl(modele_docxtpl, ctx)
        try:
            verifier_octets(rapide, reference)
            verifier_equivalence(rapide, reference)
        except AssertionError as exc:
            raise AssertionError(f"contexte « {nom} » : {exc}") from exc
        assert compile_.replis_docxtpl == 0


def test_suite_docxtpl_ce_qui_est_imprime(modele_docxtpl: Path) -> None:
    ctx = {**CONTEXTES_DOCXTPL["complet"], "salarie": {"nom": "Dupont", "prenom": "Éloïse"}}
    contenu = ModeleCompile(modele_docxtpl).rendre(ctx)
    d = docx.Document(io.BytesIO(contenu))
    textes = [p.text for p in d.paragraphs]
    assert "gras & souligné" in textes and "Avant  collé  après" in textes
    assert not any("commentaire" in t for t in textes)
    assert "Pizza : pain tomate jambon " in textes
    assert "Liste : ligne 1\nligne 2\tcolonne" in textes  # \f et \a : nouveaux paragraphes
    dynamique, verticale, horizontale, moins, imbriquee, speciales = d.tables
    assert [c.text for c in dynamique.rows[0].cells] == ["Libellé", "fruit", "légume", "pierre",
                                                         "chose"]  # fmt: skip
    assert len(dynamique.columns) == 5  # fix_tables a élargi la grille
    assert [c.text for c in dynamique.rows[2].cells][-1] == "bus"
    fusions = verticale._tbl.xpath(".//w:vMerge")
    assert len(fusions) == 3  # une fusion verticale par ligne de la boucle
    assert horizontale._tbl.xpath(".//w:gridSpan")  # fusion horizontale
    assert [c.text for c in moins.rows[0].cells] == ["A", "C"]
    assert [c.text for c in imbriquee.rows[0].cells][0] == "Saint-Exupéry"
    assert [c.text for c in imbriquee.rows[0].cells[1].tables[0].column_cells(0)] == [
        "Le Petit Prince",
        "Vol de nuit",
    ]
    assert speciales._tbl.xpath(".//w:shd/@w:fill") == ["FF0000"]
    assert len(d.inline_shapes) == 1
    section = d.sections[0]
    assert section.first_page_header.paragraphs[0].text == "Première page : " + ctx["titre"]
    assert section.even_page_header.paragraphs[0].text == "Page paire : " + ctx["titre"]
    assert section.header.paragraphs[0].text == f"En-tête : {ctx['titre']} « Œ € »"
    assert section.footer.paragraphs[0].text == "Pied : Ça & là"
    assert d.core_properties.title == "Suite docxtpl : Suite & essais <docxtpl>"
    assert d.core_properties.comments == "Constante & sans balise"


@pytest.mark.parametrize("declaration_en_plus", [False, True])
def test_corps_mal_forme_ou_inhabituel_comme_docxtpl(
    tmp_path: Path, declaration_en_plus: bool
) -> None:
    """Hors du cas courant, document.xml suit la voie de docxtpl, aux mêmes octets : un
    corps rendu mal formé (docxtpl le répare) et un corps qui déclare l'espace de noms
    de Word sous un autre préfixe que la racine (lxml l'y raccorderait)."""
    chemin = fabriquer_modele_simple(
        tmp_path / "base.docx", "Bonjour {{ nom }}", "Suite {{ x|safe }}"
    )
    if declaration_en_plus:
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        modifie = tmp_path / "ns.docx"
        with zipfile.ZipFile(chemin) as zin, zipfile.ZipFile(modifie, "w") as zout:
            for info in zin.infolist():
                contenu = zin.read(info)
                if info.filename == "word/document.xml":
                    contenu = contenu.replace(b"<w:body>", f'<w:body xmlns:ww="{w}">'.encode())
                zout.writestr(info, contenu)
        chemin = modifie
    compile_ = ModeleCompile(chemin)
    for ctx in (
        {"nom": "A & B", "x": "<w:r><w:t>fermé</w:t></w:r>"},
        {"nom": "C", "x": "<w:r><w:t>jamais fermé"},
    ):
        verifier_octets(compile_.rendre(ctx), rendre_docxtpl(chemin, ctx))


# --- erreurs et sécurité -------------------------------------------------------------


def test_variable_inconnue_est_une_erreur(modele: Path) -> None:
    ctx = dict(CONTEXTES["retour"])
    del ctx["entreprise"]
    with pytest.raises(ErreurEntretiens) as erreur:
        ModeleCompile(modele).rendre(ctx)
    anomalie = erreur.value.anomalies[0]
    assert anomalie.code == "modele-invalide"
    assert "« convocation.docx »" in anomalie.message
    assert "« entreprise »" in anomalie.message
    assert "Word" in anomalie.message
    with pytest.raises(ErreurEntretiens) as erreur_docxtpl:
        rendre_docxtpl(modele, ctx)
    assert erreur_docxtpl.value.anomalies[0].code == "modele-invalide"


def test_attribut_inconnu_nomme_la_variable(tmp_path: Path) -> None:
    chemin = fabriquer_modele_simple(tmp_path / "m.docx", "Bonjour", "Nom : {{ salarie.nom }}")
    with pytest.raises(ErreurEntretiens) as erreur:
        ModeleCompile(chemin).rendre({"salarie": {"prenom": "Luc"}})
    assert "« nom »" in erreur.value.message
    assert "Nom :" in erreur.value.message  # le passage du document est cité


def test_balise_mal_formee_nomme_le_modele_et_le_passage(tmp_path: Path) -> None:
    chemin = fabriquer_modele_simple(
        tmp_path / "casse.docx", "Introduction", "{%p if x %}", "Texte conditionnel"
    )
    with pytest.raises(ErreurEntretiens) as erreur:
        ModeleCompile(chemin)
    message = erreur.value.anomalies[0].message
    assert erreur.value.anomalies[0].code == "modele-invalide"
    assert "« casse.docx »" in message and "endif" in message


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ salarie.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_bac_a_sable(tmp_path: Path, expression: str) -> None:
    chemin = fabriquer_modele_simple(tmp_path / "piege.docx", "Nom", expression)
    with pytest.raises(ErreurEntretiens) as erreur:
        ModeleCompile(chemin).rendre({"salarie": {"nom": "X"}})
    assert erreur.value.anomalies[0].code == "modele-invalide"
    with pytest.raises(ErreurEntretiens):
        rendre_docxtpl(chemin, {"salarie": {"nom": "X"}})


def test_fichier_qui_n_est_pas_un_docx(tmp_path: Path) -> None:
    chemin = tmp_path / "faux.docx"
    chemin.write_text("pas un zip")
    with pytest.raises(ErreurEntretiens) as erreur:
        ModeleCompile(chemin)
    assert "faux.docx" in erreur.value.message


def test_modele_supprime_message_en_francais(tmp_path: Path) -> None:
    """Un modèle absent, ou supprimé après une première compilation : l'erreur du
    catalogue « modele-absent », qui nomme le modèle, et non une erreur du système."""
    chemin = fabriquer_modele_simple(tmp_path / "convocation.docx", "Bonjour {{ nom }}")
    modele_compile(chemin)
    chemin.unlink()
    for modele in (chemin, tmp_path / "jamais_vu.docx"):
        taches = [Tache(modele, {"nom": "Éloïse"}, tmp_path / "sortie" / "doc.docx")]
        with pytest.raises(ErreurEntretiens) as erreur:
            list(rendre_en_parallele(taches, jobs=1))
        assert [a.code for a in erreur.value.anomalies] == ["modele-absent"]
        assert erreur.value.message.startswith(f"Le modèle « {modele} » est introuvable")
    assert not (tmp_path / "sortie" / "doc.docx").exists()


# --- ce que le rendu rapide ne sait pas faire --------------------------------------


def _png_1x1() -> bytes:
    def bloc(genre: bytes, donnees: bytes) -> bytes:
        corps = genre + donnees
        return struct.pack(">I", len(donnees)) + corps + struct.pack(">I", zlib.crc32(corps))

    entete = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", entete)
        + bloc(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + bloc(b"IEND", b"")
    )


def test_image_rendue_par_docxtpl(tmp_path: Path) -> None:
    chemin = fabriquer_modele_simple(tmp_path / "image.docx", "Logo : {{ logo }}")
    compile_ = ModeleCompile(chemin)
    image = InlineImage(None, io.BytesIO(_png_1x1()))
    contenu = compile_.rendre({"logo": image})
    document = docx.Document(io.BytesIO(contenu))
    assert len(document.inline_shapes) == 1
    assert compile_.mode == RAPIDE and compile_.replis_docxtpl == 1
    assert document.paragraphs[0].text.startswith("Logo :")


@dataclass
class _Societe:
    nom: str
    logo: InlineImage


class _Signature:
    __slots__ = ("image",)

    def __init__(self, image: InlineImage) -> None:
        self.image = image


def test_image_portee_par_un_attribut_d_objet(tmp_path: Path) -> None:
    """Une InlineImage atteinte par un attribut ({{ societe.logo }}), pas par un dict ni une
    liste : rattachée au DocxTemplate du repli, comme docxtpl le fait lui-même."""
    chemin = fabriquer_modele_simple(
        tmp_path / "image.docx", "{{ societe.nom }} : {{ societe.logo }}", "{{ signature.image }}"
    )
    ctx = {
        "societe": _Societe("Ça & Là", InlineImage(None, io.BytesIO(_png_1x1()))),
        "signature": _Signature(InlineImage(None, io.BytesIO(_png_1x1()))),
    }
    compile_ = ModeleCompile(chemin)
    document = docx.Document(io.BytesIO(compile_.rendre(ctx)))
    assert compile_.replis_docxtpl == 1
    assert len(document.inline_shapes) == 2
    assert document.paragraphs[0].text.startswith("Ça & Là :")
    # docxtpl seul, sur le même modèle, donne les mêmes paragraphes.
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(chemin))
    ctx_docxtpl = {
        "societe": _Societe("Ça & Là", InlineImage(tpl, io.BytesIO(_png_1x1()))),
        "signature": _Signature(InlineImage(tpl, io.BytesIO(_png_1x1()))),
    }
    tpl.render(ctx_docxtpl, autoescape=True)
    sortie = io.BytesIO()
    tpl.save(sortie)
    reference = docx.Document(io.BytesIO(sortie.getvalue()))
    assert [p.text for p in document.paragraphs] == [p.text for p in reference.paragraphs]
    assert len(reference.inline_shapes) == 2


def test_lien_hypertexte_refuse(tmp_path: Path) -> None:
    chemin = fabriquer_modele_simple(tmp_path / "lien.docx", "Site : {{ lien }}")
    lien = RichText()
    lien.add("moncompteformation.gouv.fr", url_id="rId99")
    with pytest.raises(ErreurEntretiens) as erreur:
        ModeleCompile(chemin).rendre({"lien": lien})
    assert "lien hypertexte" in erreur.value.message


def test_paquet_inhabituel_rendu_par_docxtpl(tmp_path: Path, modele: Path) -> None:
    # Un zip avec un membre en double : le rendu rapide ne saurait pas lequel recopier.
    chemin = tmp_path / "double.docx"
    with zipfile.ZipFile(modele) as source, zipfile.ZipFile(chemin, "w") as sortie:
        for info in source.infolist():
            sortie.writestr(info, source.read(info))
        with pytest.warns(UserWarning):
            sortie.writestr("docProps/app.xml", source.read("docProps/app.xml"))
    compile_ = ModeleCompile(chemin)
    assert compile_.mode == DOCXTPL
    zones = texte_document(compile_.rendre(CONTEXTES["retour"]))
    assert zones["pieds"] == ["Pied : Dupont & Fils <SARL> Éloïse"]


# --- modèles réels de modeles_word/ -------------------------------------------------

DOSSIER_MODELES = Path(__file__).resolve().parent.parent / "modeles_word"


def _contextes_reels() -> list[tuple[str, str, dict[str, object]]]:
    from pipeline import exemples

    salarie = exemples.exemple_contexte_salarie
    conducteur = exemples.exemple_contexte_conducteur
    return [
        ("salarie", "2025 tout", salarie("2025")),
        ("salarie", "2014 tout", salarie("2014")),
        ("salarie", "periodique seul", salarie("2025", types=("periodique",))),
        ("salarie", "premier", salarie("2025", types=("premier",))),
        ("salarie", "edl 49", salarie("2025", types=("etat_des_lieux",), effectif=49)),
        ("salarie", "edl 50", salarie("2025", types=("etat_des_lieux",), effectif=50)),
        ("salarie", "textes piegeux", _piegeux(salarie("2025"))),
        ("conducteur", "2025", conducteur("2025")),
        ("conducteur", "2014", conducteur("2014")),
        ("conducteur", "textes piegeux", _piegeux(conducteur("2025"))),
    ]


def _piegeux(valeur: object) -> object:
    """Chaque texte reçoit accents, &, <, > et une longue suite ; les listes restent."""
    if isinstance(valeur, dict):
        return {cle: _piegeux(v) for cle, v in valeur.items()}
    if isinstance(valeur, list):
        return [_piegeux(v) for v in valeur]
    if isinstance(valeur, str) and valeur:
        return valeur + " & <Œ> « é » " + "long " * 60
    return valeur


def _vider_listes(valeur: object) -> object:
    if isinstance(valeur, dict):
        return {cle: _vider_listes(v) for cle, v in valeur.items()}
    if isinstance(valeur, list):
        return []
    return valeur


MODELES_REELS = sorted(DOSSIER_MODELES.glob("*.docx"))


@pytest.mark.parametrize(
    "chemin",
    [pytest.param(p, id=p.stem) for p in MODELES_REELS]
    or [pytest.param(None, marks=pytest.mark.skip(reason="aucun modèle .docx dans modeles_word/"))],
)
def test_modeles_reels_identiques_a_docxtpl(chemin: Path) -> None:
    contextes = _contextes_reels()
    from pipeline.modeles import MODELES

    famille = MODELES.get(chemin.stem, "salarie")
    compile_ = ModeleCompile(chemin)
    assert compile_.mode == RAPIDE, compile_.raison_docxtpl
    a_tester = [(nom, ctx) for fam, nom, ctx in contextes if fam == famille]
    a_tester.append(("listes vides", _vider_listes(a_tester[0][1])))
    for nom, ctx in a_tester:
        try:
            reference = rendre_docxtpl(chemin, ctx)
        except ErreurEntretiens as exc:
            # Un modèle qui exige un élément de liste : les deux rendus refusent.
            with pytest.raises(ErreurEntretiens) as erreur:
                compile_.rendre(ctx)
            assert erreur.value.anomalies[0].code == exc.anomalies[0].code
            continue
        rapide = compile_.rendre(ctx)
        try:
            verifier_octets(rapide, reference)
            verifier_equivalence(rapide, reference)
        except AssertionError as exc:
            raise AssertionError(f"contexte « {nom} » : {exc}") from exc
        texte = tout_le_texte(rapide)
        assert "{{" not in texte and "{%" not in texte, nom


@pytest.mark.parametrize(
    "chemin",
    [pytest.param(p, id=p.stem) for p in MODELES_REELS]
    or [pytest.param(None, marks=pytest.mark.skip(reason="aucun modèle .docx dans modeles_word/"))],
)
def test_modeles_reels_analyses_d_un_seul_coup(
    chemin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sur les modèles du projet, document.xml vient de l'analyse unique (racine + corps
    rendu) : la voie de docxtpl (corps déplacé dans la racine) ne sert qu'une fois, à la
    vérifier, et les documents suivants ont les octets de docxtpl sans elle."""
    from pipeline import exemples
    from pipeline.modeles import MODELES

    contexte_de = (
        exemples.exemple_contexte_conducteur
        if MODELES.get(chemin.stem, "salarie") == "conducteur"
        else exemples.exemple_contexte_salarie
    )
    compile_ = ModeleCompile(chemin)
    deplacements: list[str] = []
    original = compile_._corps_deplace
    monkeypatch.setattr(
        compile_, "_corps_deplace", lambda xml: deplacements.append(xml) or original(xml)
    )
    for regime in ("2025", "2014", "2025"):
        ctx = contexte_de(regime)
        verifier_octets(compile_.rendre(ctx), rendre_docxtpl(chemin, ctx))
    assert len(deplacements) == 1


# Des textes qui gardent la structure d'un document (mêmes listes, mêmes branches) : les
# guillemets et apostrophes qu'échappe markupsafe, ce que lxml écrit autrement, et ce qui
# renvoie le document à l'arbre (sauts de ligne, retour chariot, contrôle, accolades).
_TEXTES_PIEGES = [
    ' « "guillemets" » l\'apostrophe & <balise/> ]]> &#34; &amp;',
    "\u00a0\u202f€ — … 😀 e\u0301 \u2028 \u0085 ﬁ",
    "{_{ pas une balise }_} {_% %_}",
    "ligne 1\nligne 2\tcolonne",
    "retour\r chariot",
    "cloche \x07 de contrôle",
]


def _textes_remplaces(valeur: object, texte: str) -> object:
    """Chaque texte non vide suivi de `texte` ; listes, nombres et textes vides inchangés."""
    if isinstance(valeur, dict):
        return {cle: _textes_remplaces(v, texte) for cle, v in valeur.items()}
    if isinstance(valeur, list):
        return [_textes_remplaces(v, texte) for v in valeur]
    if isinstance(valeur, str) and valeur:
        return valeur + texte
    return valeur


@pytest.mark.parametrize(
    "chemin",
    [pytest.param(p, id=p.stem) for p in MODELES_REELS]
    or [pytest.param(None, marks=pytest.mark.skip(reason="aucun modèle .docx dans modeles_word/"))],
)
def test_modeles_reels_ecrits_sans_arbre_aux_octets_de_docxtpl(
    chemin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """document.xml écrit sans arbre XML (`document_xml.CorpsSansArbre`) : chaque structure
    est d'abord vérifiée par l'arbre, puis ses documents sont écrits directement — aux
    octets de docxtpl, quels que soient les textes ; ceux qu'il ne sait pas écrire
    directement (saut de ligne, contrôle, accolades de docxtpl) passent par l'arbre."""
    from pipeline.modeles import MODELES

    famille = MODELES.get(chemin.stem, "salarie")
    contextes = [ctx for fam, _nom, ctx in _contextes_reels() if fam == famille][:3]
    compile_ = ModeleCompile(chemin)
    assert compile_._sans_arbre is not None
    par_l_arbre: list[int] = []
    original = compile_._rendre_corps
    monkeypatch.setattr(
        compile_, "_rendre_corps", lambda xml: par_l_arbre.append(1) or original(xml)
    )
    rendus = 0
    for ctx in contextes:
        for variante in [ctx, ctx, *(_textes_remplaces(ctx, t) for t in _TEXTES_PIEGES)]:
            verifier_octets(compile_.rendre(variante), rendre_docxtpl(chemin, variante))
            rendus += 1
    # Une fois par structure, puis pour les seuls textes qu'il ne sait pas écrire.
    assert len(par_l_arbre) <= len(compile_._sans_arbre.plans) + 4 * len(contextes) < rendus
    assert None not in compile_._sans_arbre.plans.values()


def test_sans_arbre_seulement_si_les_valeurs_sont_du_texte(tmp_path: Path, modele: Path) -> None:
    """Une balise Jinja dans une balise XML (cellbg, colspan : une valeur dans un attribut)
    ou un bloc qui rend du balisage : pas de voie sans arbre pour ce modèle ; une valeur
    déjà balisée ({{r …}}, RichText) : ce document passe par l'arbre. Mêmes octets."""
    assert ModeleCompile(modele)._sans_arbre is None
    bloc = fabriquer_modele_simple(
        tmp_path / "bloc.docx", "{% filter upper %}{{ nom }}{% endfilter %}", "{{ nom }}"
    )
    assert ModeleCompile(bloc)._sans_arbre is None
    riche = fabriquer_modele_simple(tmp_path / "riche.docx", "Nom : {{ nom }}", "{{r valeur }}")
    compile_ = ModeleCompile(riche)
    assert compile_._sans_arbre is not None
    for valeur in ["texte", RichText("gras & <souligné>", bold=True), "texte", "l'autre"]:
        ctx = {"nom": "Éloïse « D'Arc »", "valeur": valeur}
        verifier_octets(compile_.rendre(ctx), rendre_docxtpl(riche, ctx))
    assert len(compile_._sans_arbre.plans) == 1


@pytest.mark.parametrize(
    ("texte", "ordinaire", "piege"),
    [
        ("Nom : {{ a }}_{{ b }} fin", {"a": "x", "b": "y"}, {"a": "x{", "b": "{y"}),
        ("Taux : {{ a }}_} fin", {"a": "5"}, {"a": "5%"}),
        ("Avant {{ '{' }}{{ a }} après", {"a": "z"}, {"a": "_{z"}),
        ("Vide : {_{{ a }}{{ b }} fin", {"a": "", "b": "x"}, {"a": "", "b": "{x"}),
    ],
)
@pytest.mark.parametrize("piege_d_abord", [False, True], ids=["ordinaire_d_abord", "piege_d_abord"])
def test_accolades_de_docxtpl_formees_par_une_valeur_et_son_voisin(
    tmp_path: Path,
    texte: str,
    ordinaire: dict[str, str],
    piege: dict[str, str],
    piege_d_abord: bool,
) -> None:
    """docxtpl change {_{ }_} {_% %_} dans tout le corps rendu, même quand la suite est
    formée par une valeur et le gabarit voisin : mêmes octets que lui, dans n'importe
    quel ordre, et la structure ordinaire garde la voie sans arbre."""
    chemin = fabriquer_modele_simple(tmp_path / "m.docx", texte)
    compile_ = ModeleCompile(chemin)
    assert compile_._sans_arbre is not None
    suite = [piege, ordinaire, piege] if piege_d_abord else [ordinaire, piege, ordinaire, piege]
    for ctx in suite:
        verifier_octets(compile_.rendre(ctx), rendre_docxtpl(chemin, ctx))
    assert None not in compile_._sans_arbre.plans.values()


# --- génération en parallèle ---------------------------------------------------------


def _taches(modele: Path, autre: Path, dossier: Path, remplacer: bool = False) -> list[Tache]:
    taches = []
    for rang, nom_ctx in enumerate(sorted(CONTEXTES)):
        for chemin in (modele, autre):
            destination = dossier / f"{rang:02d}_{nom_ctx}" / chemin.name
            taches.append(
                Tache(chemin, CONTEXTES[nom_ctx], destination, remplacer, (rang, chemin.stem))
            )
    return taches


@pytest.fixture(scope="module")
def autre_modele(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fabriquer_modele_simple(
        tmp_path_factory.mktemp("autres") / "support.docx",
        "Support de {{ salarie.prenom }} {{ salarie.nom }}",
        "{%p for m in motifs %}",
        "– {{ m }}",
        "{%p endfor %}",
    )


def test_parallele_memes_fichiers_que_sequentiel(
    modele: Path, autre_modele: Path, tmp_path: Path
) -> None:
    avances: list[int] = []
    seq = list(rendre_en_parallele(_taches(modele, autre_modele, tmp_path / "seq"), jobs=1))
    par = list(
        rendre_en_parallele(
            _taches(modele, autre_modele, tmp_path / "par"),
            jobs=2,
            progression=avances.append,
            taille_lot=3,
        )
    )
    assert sum(avances) == len(par) == len(seq) == 2 * len(CONTEXTES)
    assert [r.etiquette for r in par] == [r.etiquette for r in seq]  # ordre des tâches
    for r_seq, r_par in zip(seq, par, strict=True):
        assert r_seq.statut == r_par.statut == "cree"
        contenu = r_par.destination.read_bytes()
        assert hashlib.sha256(contenu).hexdigest() == r_par.sha256 == r_seq.sha256
        assert len(contenu) == r_par.taille
        assert r_seq.destination.read_bytes() == contenu
    # Les fichiers écrits sont bien ceux de docxtpl.
    premier = par[0]
    ctx = CONTEXTES[sorted(CONTEXTES)[0]]
    verifier_equivalence(premier.destination.read_bytes(), rendre_docxtpl(modele, ctx))


@pytest.mark.parametrize("jobs", [1, 2])
def test_jamais_d_ecrasement_sauf_remplacer(
    modele: Path, autre_modele: Path, tmp_path: Path, jobs: int
) -> None:
    taches = _taches(modele, autre_modele, tmp_path)
    premiers = list(rendre_en_parallele(taches, jobs=jobs))
    edite = premiers[0].destination
    edite.write_bytes(b"document complete a la main")

    relance = list(rendre_en_parallele(taches, jobs=jobs))
    assert {r.statut for r in relance} == {"conserve"}
    assert edite.read_bytes() == b"document complete a la main"
    assert relance[0].sha256 == hashlib.sha256(b"document complete a la main").hexdigest()
    assert [r.sha256 for r in relance[1:]] == [r.sha256 for r in premiers[1:]]

    remplaces = list(rendre_en_parallele(_taches(modele, autre_modele, tmp_path, True), jobs))
    assert {r.statut for r in remplaces} == {"remplace"}
    assert edite.read_bytes() != b"document complete a la main"
    anciens = list((edite.parent / "anciennes_versions").glob(f"{edite.stem}.*.docx"))
    assert [p.read_bytes() for p in anciens] == [b"document complete a la main"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_travaux_annexes_faits_pendant_le_rendu(
    modele: Path, autre_modele: Path, tmp_path: Path, jobs: int
) -> None:
    """Un classeur à écrire confié à un processus de rendu : fait avant la fin, et son
    erreur (disque plein, dossier absent) remonte comme celle d'un document."""
    fait = tmp_path / "annexe.bin"
    annexe = functools.partial(Path.write_bytes, fait, b"fait")
    taches = _taches(modele, autre_modele, tmp_path / "docs")
    resultats = list(rendre_en_parallele(taches, jobs=jobs, annexes=[annexe], taille_lot=2))
    assert fait.read_bytes() == b"fait"
    assert [r.statut for r in resultats] == ["cree"] * len(taches)

    impossible = functools.partial(Path.write_bytes, tmp_path / "absent" / "x.bin", b"")
    with pytest.raises(FileNotFoundError):
        list(
            rendre_en_parallele(
                _taches(modele, autre_modele, tmp_path / "autres"), jobs=jobs, annexes=[impossible]
            )
        )
    # Sans document à rendre, les annexes sont faites quand même.
    seul = functools.partial(Path.write_bytes, tmp_path / "seul.bin", b"seul")
    assert list(rendre_en_parallele([], jobs=jobs, annexes=[seul])) == []
    assert (tmp_path / "seul.bin").read_bytes() == b"seul"


def test_document_existant_pas_meme_rendu(modele: Path, tmp_path: Path) -> None:
    # Un contexte incomplet ferait échouer le rendu : le document existant n'est pas rendu.
    destination = tmp_path / "deja.docx"
    destination.write_bytes(b"existant")
    (resultat,) = rendre_en_parallele([Tache(modele, {}, destination)], jobs=1)
    assert resultat.statut == "conserve" and resultat.taille == len(b"existant")


def test_erreur_dans_un_processus_remonte_en_francais(modele: Path, tmp_path: Path) -> None:
    ctx = dict(CONTEXTES["retour"])
    del ctx["motifs"]
    taches = [Tache(modele, ctx, tmp_path / f"{i}.docx") for i in range(4)]
    with pytest.raises(ErreurEntretiens) as erreur:
        list(rendre_en_parallele(taches, jobs=2, taille_lot=1))
    assert erreur.value.anomalies[0].code == "modele-invalide"
    assert "« motifs »" in erreur.value.message


# --- bac à sable immuable -------------------------------------------------------------


@pytest.mark.parametrize("chemin_rendu", [RAPIDE, DOCXTPL])
@pytest.mark.parametrize(
    "balise",
    [
        '{{ salarie.update({"nom": "PIRATE"}) }}',
        '{% set _ = salarie.update({"nom": "PIRATE"}) %}',
        '{{ motifs.append("PIRATE") }}',
        "{{ formations.pop() }}",
        '{{ salarie.__setitem__("nom", "PIRATE") }}',
    ],
)
def test_un_modele_ne_modifie_jamais_les_donnees(
    tmp_path: Path, balise: str, chemin_rendu: str
) -> None:
    """Un modèle retouché lit le contexte partagé par les documents, jamais ne le modifie."""
    chemin = fabriquer_modele_simple(tmp_path / "pirate.docx", f"Début {balise} fin")
    ctx = contexte()
    avant = repr(ctx)
    compile_ = ModeleCompile(chemin)
    compile_.mode = chemin_rendu  # le repli docxtpl reçoit le même environnement
    with pytest.raises(ErreurEntretiens) as erreur:
        compile_.rendre(ctx)
    assert erreur.value.anomalies[0].code == "modele-invalide"
    assert "expression interdite" in erreur.value.message
    assert repr(ctx) == avant
    # Le document suivant, rendu avec le même contexte, imprime les vraies données.
    suivant = fabriquer_modele_simple(tmp_path / "suivant.docx", "{{ salarie.nom }}")
    assert "Dupont & Fils <SARL>" in tout_le_texte(ModeleCompile(suivant).rendre(ctx))


# --- processus de rendu -----------------------------------------------------------------

# Le processus principal : un très long rendu en parallèle qui annonce ses processus de
# rendu dès les premiers documents écrits, puis continue (il sera tué avant la fin).
_PRINCIPAL = """
import multiprocessing, sys
from pathlib import Path
from pipeline import rendu_parallele as rendu
from pipeline.exemples import exemple_contexte_salarie
from pipeline.modeles import DOSSIER_MODELES

if __name__ == "__main__":
    sortie, mecanisme = Path(sys.argv[1]), sys.argv[2]
    if mecanisme == "surveillance":  # sans prctl : le fil de surveillance seul
        rendu._signal_a_la_mort_du_parent = lambda: False
    # spawn : le défaut sous macOS et Windows ; forkserver : celui de Python 3.14 sous
    # Linux, dont le serveur de processus (le parent des processus de rendu) survit au
    # principal.
    multiprocessing.set_start_method(mecanisme if mecanisme in ("spawn", "forkserver") else "fork")
    contexte = exemple_contexte_salarie()
    modele = DOSSIER_MODELES / "convocation.docx"
    taches = (rendu.Tache(modele, contexte, sortie / f"{i}.docx") for i in range(100_000))
    for rang, _ in enumerate(rendu.rendre_en_parallele(taches, jobs=2, taille_lot=4)):
        if rang == 20:
            enfants = multiprocessing.active_children()
            print(" ".join(str(p.pid) for p in enfants), flush=True)
"""


def _vivant(pid: int) -> bool:
    """Vrai si le processus tourne encore (un zombie, mort mais non recueilli, est mort)."""
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return etat not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lecture de /proc (Linux)")
@pytest.mark.parametrize("mecanisme", ["noyau", "surveillance", "spawn", "forkserver"])
def test_processus_de_rendu_meurent_avec_le_principal(tmp_path: Path, mecanisme: str) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "principal.py"
    script.write_text(_PRINCIPAL, encoding="utf-8")
    sortie = tmp_path / "documents"
    principal = subprocess.Popen(
        [sys.executable, str(script), str(sortie), mecanisme],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    rendus: list[int] = []
    try:
        rendus = [int(pid) for pid in principal.stdout.readline().split()]
        assert len(rendus) == 2, "le rendu parallèle aurait dû démarrer deux processus"
        assert all(_vivant(pid) for pid in rendus)
        principal.send_signal(signal.SIGKILL)  # tué net : ni finally, ni atexit
        principal.wait(timeout=10)

        limite = time.monotonic() + 5
        while any(_vivant(pid) for pid in rendus) and time.monotonic() < limite:
            time.sleep(0.05)
        assert not any(_vivant(pid) for pid in rendus), "des processus de rendu survivent"
        ecrits = sorted(sortie.iterdir())
        time.sleep(1)
        assert sorted(sortie.iterdir()) == ecrits, "des documents sont écrits après la mort"
        # Chaque document présent est complet : les restes sont des temporaires « .tmp ».
        for document in ecrits:
            if document.suffix == ".docx":
                assert zipfile.ZipFile(document).testzip() is None
    finally:
        principal.kill()
        principal.stdout.close()
        for pid in rendus:  # ceux que ce test a fait naître, s'ils survivent à un échec
            if _vivant(pid):
                os.kill(pid, signal.SIGKILL)
