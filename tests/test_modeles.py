"""Modèles Word livrés : rendu docxtpl réel, relecture python-docx, vérification des variables."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from docxtpl import DocxTemplate

from pipeline.erreurs import ErreurEntretiens
from pipeline.exemples import exemple_contexte_conducteur, exemple_contexte_salarie
from pipeline.modeles import DOSSIER_MODELES, MODELES, verifier_modeles
from pipeline.rendu import ModeleCompile, environnement_jinja

RACINE = Path(__file__).resolve().parent.parent


def rendre(nom: str, contexte: dict, dossier: Path, modeles: Path = DOSSIER_MODELES) -> Path:
    modele = DocxTemplate(str(modeles / f"{nom}.docx"))
    modele.render(contexte, jinja_env=environnement_jinja())  # le bac à sable du programme
    sortie = dossier / f"{nom}.docx"
    modele.save(str(sortie))
    return sortie


def _paragraphes(element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p"))]


def lire(chemin: Path) -> dict[str, str]:
    """Texte du corps (tableaux imbriqués compris), des en-têtes et des pieds de page."""
    document = docx.Document(str(chemin))
    entetes, pieds = [], []
    for section in document.sections:
        entetes += _paragraphes(section.header._element)
        pieds += _paragraphes(section.footer._element)
    corps = _paragraphes(document.element.body)
    return {
        "corps": "\n".join(corps),
        "entete": "\n".join(entetes),
        "pied": "\n".join(pieds),
        "tout": "\n".join(corps + entetes + pieds).replace("\u00a0", " "),
    }


def sans_balise(texte: str) -> None:
    for balise in ("{{", "}}", "{%", "%}", "{#"):
        assert balise not in texte, f"balise {balise} restée dans le document"


@pytest.fixture(scope="module")
def complet(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Les cinq modèles rendus avec un contexte qui ouvre toutes les rubriques."""
    dossier = tmp_path_factory.mktemp("complet")
    textes = {}
    for nom in MODELES:
        contexte = (
            exemple_contexte_conducteur()
            if nom == "fiche_conducteur"
            else exemple_contexte_salarie()
        )
        textes[nom] = lire(rendre(nom, contexte, dossier))
    return textes


def test_les_cinq_modeles_sont_livres():
    for nom in MODELES:
        assert (DOSSIER_MODELES / f"{nom}.docx").is_file(), nom


@pytest.mark.parametrize("nom", list(MODELES))
def test_aucune_balise_ne_reste_et_en_tete_pied(complet, nom):
    texte = complet[nom]
    sans_balise(texte["tout"])
    # Autoescape : « & » et « < > » s'affichent tels quels, le XML reste valide.
    assert "Dupont & Fils <SARL>" in texte["entete"]
    assert "12 rue des Lilas – 69003 Lyon" in texte["entete"]
    assert re.search(r"Page \d+ sur \d+", texte["pied"])
    assert "Entretien de parcours professionnel" in texte["pied"]


@pytest.mark.parametrize("nom", ["convocation", "support_preparation", "compte_rendu"])
def test_salarie_date_et_motifs(complet, nom):
    tout = complet[nom]["tout"]
    assert "Élodie L'Hôpital-Dupont" in tout
    assert "mardi 7 décembre 2027" in tout
    assert "14 h 00" in tout
    assert "François Benoît" in tout
    # Chaque motif en langage simple, ce que le salarié a besoin de savoir…
    for raison in (
        "Entretien périodique : votre dernier entretien date du 10/11/2022",
        "État des lieux récapitulatif de vos huit dernières années de parcours",
        "Entretien de retour : reprise d'activité le 02/11/2027, après votre congé parental "
        "d'éducation",
        "Entretien de mi-carrière, après votre visite médicale de mi-carrière du 20/10/2027",
        "Entretien avant vos 60 ans",
    ):
        assert raison in tout, raison
    # … jamais le calcul de conformité (échéance, manquement, comptes, abondement).
    for calcul in ("entretien dû le", "manquement", "2222", "prévu(s)", "abondement correctif"):
        assert calcul not in tout, calcul


def test_convocation(complet):
    tout = complet["convocation"]["tout"]
    assert "Fait à Lyon, le vendredi 26 novembre 2027" in tout
    assert "Objet : Convocation à votre entretien de parcours professionnel" in tout
    assert "3 rue de la Ferronnière" in tout and "69007 Lyon" in tout
    assert "de 14 h 00 à 15 h 30 (durée prévue : 1 h 30)" in tout
    assert "Salle de réunion Rhône" in tout
    assert "il ne s'agit pas d'un entretien d'évaluation" in tout
    assert "support de préparation" in tout
    assert "conseiller en évolution professionnelle (CEP)" in tout and "mon-cep.org" in tout
    assert "rh@exemple.fr, 04 72 00 00 00" in tout
    assert "Nous vous prions d'agréer, Madame," in tout
    assert "Claire Martin" in tout and "Responsable des ressources humaines" in tout
    assert "reprise d'activité le 2 novembre 2027" in tout
    assert "retraite progressive" in tout
    # Une adresse électronique : la convocation part par courriel, sans bloc de décharge.
    assert "Remis en main propre" not in tout


def test_support_preparation(complet):
    tout = complet["support_preparation"]["tout"]
    for rubrique in (
        "1. Accueil et introduction",
        "2. Bilan de la période écoulée",
        "Contenu de la fonction",
        "Faits marquants et compétences",
        "3. Projet professionnel",
        "4. Formation",
        "5. Commentaires",
    ):
        assert rubrique in tout, rubrique
    assert "reconversion" in tout  # thèmes du régime 2025
    assert "Dernier entretien : le 10 novembre 2022 (Entretien périodique)" in tout
    assert "CQP Technicien qualité" in tout and "20/06/2023" in tout
    assert "Congé parental d'éducation" in tout
    assert "Augmentation individuelle" in tout
    assert "Maladie" not in tout  # donnée de santé sans effet : jamais affichée


def test_compte_rendu_bloc_obligatoire_et_rubriques(complet):
    tout = complet["compte_rendu"]["tout"]
    assert "moncompteformation.gouv.fr" in tout
    assert "Abondements du CPF que l'employeur est susceptible de financer" in tout
    assert "Conseil en évolution professionnelle (CEP)" in tout
    assert "Validation des acquis de l'expérience (VAE)" in tout and "France VAE" in tout
    assert tout.count("☐ Information délivrée") == 4
    assert "Retour de congé" in tout
    assert "Usure professionnelle" in tout and "Préconisations du médecin du travail" in tout
    assert "Date de la visite médicale de mi-carrière : 20 octobre 2027" in tout
    assert "Aménagements de fin de carrière : temps partiel, retraite progressive" in tout
    # Mme : accordé à la personne.
    assert "Commentaires de la salariée" in tout
    assert "Copie remise à la salariée le" in tout
    assert "La salariée" in tout and "Le salarié" not in tout
    assert "Le conducteur de l'entretien" in tout
    # L'état des lieux se fait sur son document : le compte-rendu n'en recopie pas le calcul.
    assert "document « État des lieux récapitulatif » rempli pendant l'entretien" in tout
    assert "1 / 2" not in tout and "prévus" not in tout


def test_etat_des_lieux_effectif_120(complet):
    tout = complet["etat_des_lieux"]["tout"]
    assert "du 15 novembre 2019 au 15 novembre 2027" in tout
    assert "CQP Technicien qualité" in tout
    assert "Augmentation individuelle" in tout
    assert "Entretiens prévus sur la période : 2 (un tous les 48 mois) ; enregistrés au " in tout
    # Daté du jour de l'entretien, pas de l'envoi des convocations (26/11/2027).
    assert "Établi le mardi 7 décembre 2027, à l'issue de l'entretien." in tout
    assert "26 novembre 2027" not in tout
    # L'abondement : le montant et l'échéance selon l'effectif (commandes.md), l'issue à
    # cocher à l'entretien ; jamais le verdict calculé d'avance.
    assert "L'entreprise compte 120 salariés (effectif au sens de l'art. L130-1" in tout
    assert "☐ Aucun abondement correctif n'est dû" in tout
    assert "☐ Un abondement correctif de 3 000 € est dû" in tout
    # Entretien le 07/12/2027 : versement au plus tard à la fin du trimestre suivant.
    assert "soit le 31/03/2028 pour un entretien tenu le 07/12/2027 (art. R6323-3)" in tout
    assert "versé à la Caisse des dépôts le : ____ / ____ / ________" in tout
    for verdict in ("est dû sur", "entretien(s) sur", "à verser au CPF"):
        assert verdict not in tout, verdict
    # Les critères du registre, à confirmer : « oui » dans la colonne du registre.
    assert "D'après le registre" in tout and "Constaté" in tout


def test_fiche_conducteur(complet):
    tout = complet["fiche_conducteur"]["tout"]
    assert "François Benoît" in tout
    assert "Élodie L'Hôpital-Dupont" in tout and "Anh & Co Nguyễn" in tout
    assert "mercredi 1er décembre 2027" in tout and "mardi 7 décembre 2027" in tout
    assert tout.index("mercredi 1er décembre 2027") < tout.index("mardi 7 décembre 2027")
    assert "Vous conduisez 2 entretiens, du mercredi 1er décembre 2027 au mardi 7 décembre" in tout
    # Document interne : le calcul de chaque convocation y est, pour le conducteur.
    assert "Pour mémoire : le calcul de chaque convocation" in tout
    assert "entretien dû le 10/11/2024" in tout
    for etape in ("Accueillir", "Situer", "Réaliser une écoute active",
                  "Aborder la partie « développement »", "Conclure", "Informer"):  # fmt: skip
        assert etape in tout, etape
    assert "rémunération" in tout and "promesses hasardeuses" in tout
    assert "Remettre une copie du compte-rendu" in tout


def test_regime_2014_et_rubriques_fermees(tmp_path):
    contexte = exemple_contexte_salarie(regime="2014", types=["periodique"])
    for nom in ("convocation", "support_preparation", "compte_rendu"):
        tout = lire(rendre(nom, contexte, tmp_path))["tout"]
        sans_balise(tout)
        assert "entretien professionnel" in tout.lower()
        assert "parcours professionnel" not in tout.replace("Votre parcours", "")
        assert "Usure professionnelle" not in tout
        assert "retraite progressive" not in tout
        assert "Retour de congé" not in tout
        assert "Entretien de mi-carrière" not in tout


def test_listes_vides_affichent_aucun(tmp_path):
    contexte = exemple_contexte_salarie(types=["premier"])
    contexte["historique"].update(
        a_deja_eu_entretien=False, formations=[], evolutions=[], absences=[]
    )
    tout = lire(rendre("support_preparation", contexte, tmp_path))["tout"]
    sans_balise(tout)
    assert "Aucun entretien n'est enregistré." in tout
    assert "Aucune formation n'est enregistrée sur la période." in tout
    assert "Premier entretien depuis votre embauche le 15/11/2019" in tout


@pytest.mark.parametrize("effectif", [49, 50])
def test_etat_des_lieux_abondement_selon_effectif(tmp_path, effectif):
    """Sous 50 salariés, l'abondement ne s'applique pas (dit tel quel) ; à partir de 50, son
    montant et son échéance, et l'issue à cocher. Jamais le verdict du moteur."""
    contexte = exemple_contexte_salarie(effectif=effectif)
    tout = lire(rendre("etat_des_lieux", contexte, tmp_path))["tout"]
    sans_balise(tout)
    assert "Abondement correctif du compte personnel de formation" in tout
    assert f"L'entreprise compte {effectif} salariés (effectif au sens de l'art. L130-1" in tout
    assert ("Issue constatée" in tout) is (effectif >= 50)
    assert ("3 000 €" in tout) is (effectif >= 50)
    assert ("soit moins de 50 : l'abondement correctif" in tout) is (effectif < 50)
    assert "est dû sur" not in tout


def test_mise_en_page_des_modeles():
    for nom in MODELES:
        document = docx.Document(str(DOSSIER_MODELES / f"{nom}.docx"))
        section = document.sections[0]
        assert abs(section.page_width - Cm(21)) < Cm(0.05), nom
        assert abs(section.page_height - Cm(29.7)) < Cm(0.05), nom
        for marge in (section.left_margin, section.right_margin, section.top_margin):
            assert abs(marge - Cm(2)) < Cm(0.05), nom
        assert document.styles["Normal"].font.name == "Arial"
        assert document.styles["Heading 1"].font.name == "Arial"
        instructions = "".join(t.text for t in section.footer._element.iter(qn("w:instrText")))
        assert "PAGE" in instructions and "NUMPAGES" in instructions
        assert document.tables and all(t.style.name == "Table Grid" for t in document.tables)
        assert not document.inline_shapes  # ni image ni objet : le rendu rapide reste simple


def test_balises_jamais_coupees_entre_runs():
    # Une balise coupée en deux « runs » se casse dès que Word la retouche.
    for nom in MODELES:
        document = docx.Document(str(DOSSIER_MODELES / f"{nom}.docx"))
        parties = [document.element.body] + [
            s._element for sec in document.sections for s in (sec.header, sec.footer)
        ]
        for partie in parties:
            for run in partie.iter(qn("w:r")):
                texte = "".join(t.text or "" for t in run.iter(qn("w:t")))
                assert texte.count("{{") == texte.count("}}"), (nom, texte)
                assert texte.count("{%") == texte.count("%}"), (nom, texte)


# --- vérification des variables ---------------------------------------------------------


def test_modeles_livres_n_utilisent_que_des_variables_connues():
    resultat = {m.nom: m for m in verifier_modeles(DOSSIER_MODELES)}
    assert set(resultat) == set(MODELES)
    assert {nom: m.inconnues for nom, m in resultat.items()} == {nom: [] for nom in MODELES}
    convocation = resultat["convocation"]
    assert "entretien.date_longue" in convocation.variables
    assert convocation.exemples["entretien.date_longue"] == "mardi 7 décembre 2027"
    assert convocation.exemples["motifs"] == "(liste)"
    assert "motifs[].raison" in resultat["compte_rendu"].variables  # variable de boucle résolue
    assert "entretiens[].salarie" in resultat["fiche_conducteur"].variables
    assert "salarie.nom_complet" not in resultat["fiche_conducteur"].variables


def _copie_avec(tmp_path: Path, texte: str) -> Path:
    dossier = tmp_path / "modeles"
    dossier.mkdir()
    document = docx.Document(str(DOSSIER_MODELES / "convocation.docx"))
    document.add_paragraph().add_run(texte)
    document.save(str(dossier / "convocation.docx"))
    return dossier


def test_variable_inconnue_signalee(tmp_path):
    dossier = _copie_avec(
        tmp_path,
        "{{ salarie.pointure }} {{ salarie.autres['Coefficient'] }} {{ salarie.nom.upper() }}",
    )
    (resultat,) = verifier_modeles(dossier)
    assert resultat.nom == "convocation"
    assert resultat.inconnues == ["salarie.pointure"]
    assert "salarie.pointure" in resultat.variables
    assert 'salarie.autres["Coefficient"]' in resultat.exemples
    assert "salarie.nom.upper" in resultat.exemples


def test_ce_que_le_rendu_accepte_n_est_pas_signale(tmp_path):
    """Fonctions globales de Jinja, noms liés par set, with et macro : le rendu les accepte,
    `entretiens modeles` ne les signale pas ; une vraie faute de frappe, si."""
    globales = sorted(environnement_jinja().globals)
    assert {"range", "namespace", "dict", "lipsum", "cycler", "joiner"} <= set(globales)
    texte = (
        "{% for i in range(2) %}{{ i }}{% endfor %}"
        "{% set ns = namespace(n=0) %}{{ ns.n }}{{ dict(a=1).a }}"
        "{% set c = cycler('a', 'b') %}{{ c.next() }}{% set j = joiner(',') %}{{ j() }}"
        "{{ lipsum(1, html=False) is defined }}"
        "{% with total = salarie.nom %}{{ total }}{% endwith %}"
        "{% set bloc %}{{ salarie.prenom }}{% endset %}{{ bloc }}"
        "{% macro ligne(x, sep='-') %}{{ x }}{{ sep }}{{ varargs }}{% endmacro %}"
        "{{ ligne(salarie.nom) }}"
        + "".join(f"{{{{ {nom} is defined }}}}" for nom in globales)
        + "{{ salarie.pointur }}"
    )
    dossier = _copie_avec(tmp_path, texte)
    (resultat,) = verifier_modeles(dossier)
    assert resultat.inconnues == ["salarie.pointur"]
    assert {"salarie.nom", "salarie.prenom"} <= set(resultat.variables)
    # Sans la faute de frappe, le rendu (rapide) accepte bel et bien tout le reste.
    modele = dossier / "convocation.docx"
    document = docx.Document(str(modele))
    dernier = document.paragraphs[-1].runs[-1]
    dernier.text = dernier.text.replace("{{ salarie.pointur }}", "")
    document.save(str(modele))
    contexte = exemple_contexte_salarie()
    assert ModeleCompile(modele).rendre(contexte)
    assert verifier_modeles(dossier)[0].inconnues == []


def test_syntaxe_invalide_signalee(tmp_path):
    dossier = _copie_avec(tmp_path, "{% if est_retour %}sans fin")
    with pytest.raises(ErreurEntretiens) as erreur:
        verifier_modeles(dossier)
    assert [a.code for a in erreur.value.anomalies] == ["modele-syntaxe"]
    assert "convocation.docx" in str(erreur.value.anomalies[0])


# --- fabrication --------------------------------------------------------------------------


def _fabrique():
    spec = importlib.util.spec_from_file_location(
        "fabriquer_modeles", RACINE / "modeles_word" / "fabriquer_modeles.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fabrication_ne_remplace_pas_sans_forcer(tmp_path):
    fabrique = _fabrique()
    assert fabrique.fabriquer(tmp_path, noms=["fiche_conducteur"]) == {"fiche_conducteur": "cree"}
    chemin = tmp_path / "fiche_conducteur.docx"
    chemin.write_bytes(b"retouche RH")
    assert fabrique.fabriquer(tmp_path, noms=["fiche_conducteur"]) == {
        "fiche_conducteur": "conserve"
    }
    assert chemin.read_bytes() == b"retouche RH"
    assert fabrique.fabriquer(tmp_path, forcer=True, noms=["fiche_conducteur"]) == {
        "fiche_conducteur": "remplace"
    }
    assert docx.Document(str(chemin)).tables
    assert list(tmp_path.iterdir()) == [chemin]  # aucun fichier temporaire oublié


# --- PDF par LibreOffice : nombre de pages raisonnable -------------------------------------


# En CI (.ci/run installe LibreOffice), l'absence de soffice doit faire échouer, pas sauter.
@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"), reason="LibreOffice absent"
)
def test_nombre_de_pages_pdf(tmp_path):
    contexte = exemple_contexte_salarie()
    for nom in ("convocation", "etat_des_lieux"):
        rendre(nom, contexte, tmp_path)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profil'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "convocation.docx"),
            str(tmp_path / "etat_des_lieux.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = {}
    for nom in ("convocation", "etat_des_lieux"):
        contenu = (tmp_path / f"{nom}.pdf").read_bytes()
        pages[nom] = len(re.findall(rb"/Type\s*/Page(?!s)", contenu))
    # Tous les motifs à la fois : le cas le plus long.
    assert 1 <= pages["convocation"] <= 2, pages
    assert 1 <= pages["etat_des_lieux"] <= 3, pages


def test_readme_liste_toutes_les_variables():
    from pipeline.modeles import variables_par_modele

    readme = (DOSSIER_MODELES / "README.md").read_text(encoding="utf-8")
    for modele, variables in variables_par_modele().items():
        for variable in variables:
            assert f"`{variable}`" in readme, (modele, variable)
    for modele in verifier_modeles(DOSSIER_MODELES):
        for variable in modele.variables:
            assert f"`{variable}`" in readme, (modele.nom, variable)
