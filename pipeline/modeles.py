"""Les modèles Word : où ils sont, quelle famille de contexte chacun reçoit, et leur relecture.

`verifier_modeles` relit les modèles `.docx`, liste les variables qu'ils utilisent et
signale celles que le programme ne fournit pas (commande `entretiens modeles`) ; les
variables fournies sont celles des contextes d'exemple (`exemples.py`), aplaties en
chemins (« salarie.nom », « motifs[].libelle »). Ce qui n'est pas une variable pour le
rendu ne l'est pas ici non plus : les fonctions de Jinja que le rendu fournit (`range`,
`namespace`, `dict`…, celles de `rendu.environnement_jinja`) et les noms liés dans le
modèle lui-même (boucle, `set`, `with`, paramètres d'une macro).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.erreurs import ErreurEntretiens, Rapport
from pipeline.exemples import exemple_contexte_conducteur, exemple_contexte_salarie
from pipeline.fichiers import ZIP_ABIME

# Modèle -> famille de contexte ; un modèle ajouté par le RH reçoit le contexte salarié.
MODELES = {
    "convocation": "salarie",
    "support_preparation": "salarie",
    "compte_rendu": "salarie",
    "etat_des_lieux": "salarie",
    "fiche_conducteur": "conducteur",
}
DOSSIER_MODELES = Path(__file__).resolve().parent.parent / "modeles_word"


def aplatir(contexte: Mapping[str, Any], prefixe: str = "") -> dict[str, Any]:
    """{"salarie": {"nom": "X"}, "motifs": [{"libelle": "Y"}]} ->
    {"salarie.nom": "X", "motifs[].libelle": "Y"} (premier élément des listes)."""
    plat: dict[str, Any] = {}
    for cle, valeur in contexte.items():
        chemin = f"{prefixe}.{cle}" if prefixe else str(cle)
        if prefixe.endswith(".autres") or chemin.endswith(".autres"):
            if isinstance(valeur, Mapping):
                plat[f'{chemin}["<colonne>"]'] = next(iter(valeur.values()), "")
                continue
        if isinstance(valeur, Mapping):
            plat.update(aplatir(valeur, chemin))
        elif isinstance(valeur, list):
            if valeur and isinstance(valeur[0], Mapping):
                plat.update(aplatir(valeur[0], chemin + "[]"))
            else:
                plat[chemin + "[]"] = valeur[0] if valeur else ""
        else:
            plat[chemin] = valeur
    return plat


def _exemple_texte(valeur: Any) -> str:
    if isinstance(valeur, bool):
        return "vrai" if valeur else "faux"
    return str(valeur)


def variables_par_modele() -> dict[str, dict[str, str]]:
    """Modèle -> chemin de variable -> valeur d'exemple : tout ce que le programme fournit."""
    familles = {
        "salarie": {k: _exemple_texte(v) for k, v in aplatir(exemple_contexte_salarie()).items()},
        "conducteur": {
            k: _exemple_texte(v) for k, v in aplatir(exemple_contexte_conducteur()).items()
        },
    }
    return {nom: dict(familles[famille]) for nom, famille in MODELES.items()}


@dataclass(frozen=True)
class ModeleVerifie:
    """Un modèle relu : ses variables (ordre d'apparition) et celles que le programme ignore."""

    nom: str
    chemin: Path
    variables: list[str]
    inconnues: list[str]
    exemples: dict[str, str]  # variable connue -> valeur d'exemple ("(liste)" pour une liste)


def variables_utilisees(chemin: Path) -> list[str]:
    """Chemins des variables qu'un modèle .docx utilise (« salarie.nom », « motifs[].libelle »)."""
    from docxtpl import DocxTemplate

    from pipeline.rendu import environnement_jinja

    modele = DocxTemplate(str(chemin))
    modele.init_docx()
    morceaux = [modele.patch_xml(modele.get_xml())]
    for uri in (modele.HEADER_URI, modele.FOOTER_URI):
        for _, part in modele.get_headers_footers(uri):
            morceaux.append(modele.patch_xml(modele.get_part_xml(part)))
    # L'environnement du rendu : même syntaxe, mêmes fonctions globales.
    env = environnement_jinja()
    globales = {nom: None for nom in env.globals}
    chemins: list[str] = []
    for xml in morceaux:
        _Collecteur(chemins).visiter(env.parse(xml), dict(globales))
    return list(dict.fromkeys(chemins))


def _noms_cibles(cible: Any) -> list[str]:
    """Noms liés par `for x in` / `set x =` (un nom seul ou un tuple de noms)."""
    from jinja2 import nodes

    if isinstance(cible, nodes.Name):
        return [cible.name]
    return [n.name for n in cible.find_all(nodes.Name)]


class _Collecteur:
    """Parcourt l'arbre Jinja en suivant les variables de boucle : dans
    `{% for m in motifs %}`, `m.libelle` devient `motifs[].libelle`."""

    def __init__(self, sortie: list[str]) -> None:
        self.sortie = sortie

    def chemin(self, noeud: Any, portee: dict[str, str | None]) -> str | None:
        from jinja2 import nodes

        if isinstance(noeud, nodes.Name):
            if noeud.name in portee:
                return portee[noeud.name]
            return noeud.name
        if isinstance(noeud, nodes.Getattr):
            base = self.chemin(noeud.node, portee)
            return None if base is None else f"{base}.{noeud.attr}"
        if isinstance(noeud, nodes.Getitem) and isinstance(noeud.arg, nodes.Const):
            base = self.chemin(noeud.node, portee)
            if base is None:
                return None
            if isinstance(noeud.arg.value, str):
                return f'{base}["{noeud.arg.value}"]'
            return f"{base}[]"
        return None

    def visiter(self, noeud: Any, portee: dict[str, str | None]) -> None:
        from jinja2 import nodes

        if isinstance(noeud, nodes.For):
            self.visiter(noeud.iter, portee)
            source = self.chemin(noeud.iter, portee)
            interieure = dict(portee)
            interieure["loop"] = None
            for cible in _noms_cibles(noeud.target):
                interieure[cible] = f"{source}[]" if source else None
            for enfant in noeud.body:
                self.visiter(enfant, interieure)
            if noeud.test is not None:
                self.visiter(noeud.test, interieure)
            for enfant in noeud.else_:
                self.visiter(enfant, portee)
            return
        if isinstance(noeud, nodes.Assign | nodes.AssignBlock):
            for enfant in [noeud.node] if isinstance(noeud, nodes.Assign) else noeud.body:
                self.visiter(enfant, portee)
            for cible in _noms_cibles(noeud.target):
                portee[cible] = None
            return
        if isinstance(noeud, nodes.With):
            interieure = dict(portee)
            for cible, valeur in zip(noeud.targets, noeud.values, strict=True):
                self.visiter(valeur, portee)
                for nom in _noms_cibles(cible):
                    interieure[nom] = None
            for enfant in noeud.body:
                self.visiter(enfant, interieure)
            return
        if isinstance(noeud, nodes.Macro | nodes.CallBlock):
            # Paramètres et variables propres à une macro : locaux à son corps.
            interieure = dict(portee, varargs=None, kwargs=None, caller=None)
            for parametre in noeud.args:
                interieure[parametre.name] = None
            for defaut in noeud.defaults:
                self.visiter(defaut, portee)
            if isinstance(noeud, nodes.Macro):
                portee[noeud.name] = None
            else:
                self.visiter(noeud.call, portee)
            for enfant in noeud.body:
                self.visiter(enfant, interieure)
            return
        if isinstance(noeud, nodes.Name | nodes.Getattr | nodes.Getitem):
            chemin = self.chemin(noeud, portee)
            if chemin is not None:
                self.sortie.append(chemin)
                if isinstance(noeud, nodes.Getitem) and not isinstance(noeud.arg, nodes.Const):
                    self.visiter(noeud.arg, portee)
                return
            if isinstance(noeud, nodes.Name):
                return  # variable locale (boucle, set)
        for enfant in noeud.iter_child_nodes():
            self.visiter(enfant, portee)


def _est_connue(variable: str, connues: Mapping[str, Any]) -> tuple[bool, str]:
    if variable in connues:
        return True, _exemple_texte(connues[variable])
    # Un conteneur (« historique.formations ») est connu si l'une de ses feuilles l'est.
    if any(k.startswith(variable + "[") for k in connues):
        return True, "(liste)"
    if any(k.startswith(variable + ".") for k in connues):
        return True, "(groupe de valeurs)"
    # Méthode d'un texte (« salarie.nom.upper ») ou colonne libre du registre.
    morceaux = re.split(r"(?=\.)|(?=\[)", variable)
    for i in range(len(morceaux) - 1, 0, -1):
        prefixe = "".join(morceaux[:i])
        if prefixe in connues:
            return True, _exemple_texte(connues[prefixe])
        if prefixe.endswith(".autres") and any(k.startswith(prefixe + "[") for k in connues):
            return True, ""
    return False, ""


def verifier_modeles(dossier: Path = DOSSIER_MODELES) -> list[ModeleVerifie]:
    """Relit chaque modèle `*.docx` du dossier : variables utilisées, variables inconnues.

    Un modèle illisible ou à la syntaxe Jinja invalide lève `ErreurEntretiens` (toutes les
    fautes réunies), avec le nom du fichier et la ligne de l'erreur.
    """

    import jinja2
    from docx.opc.exceptions import PackageNotFoundError

    dossier = Path(dossier)
    if not dossier.is_dir():
        raise ErreurEntretiens.simple(
            "dossier-modeles-introuvable",
            f"Le dossier de modèles « {dossier} » n'existe pas.",
        )
    disponibles = {
        "salarie": aplatir(exemple_contexte_salarie()),
        "conducteur": aplatir(exemple_contexte_conducteur()),
    }
    rapport = Rapport()
    resultat: list[ModeleVerifie] = []
    for chemin in sorted(dossier.glob("*.docx")):
        if chemin.name.startswith("~$"):
            continue  # fichier de verrou de Word, pas un modèle
        nom = chemin.stem
        try:
            variables = variables_utilisees(chemin)
        except jinja2.TemplateSyntaxError as exc:
            rapport.erreur(
                "modele-syntaxe",
                f"Balise Jinja invalide dans « {chemin.name} » : {exc.message}. Vérifiez que "
                "chaque {% if %} a son {% endif %} et chaque {% for %} son {% endfor %}.",
                feuille=chemin.name,
            )
            continue
        except (PackageNotFoundError, KeyError, OSError, SyntaxError, *ZIP_ABIME):
            rapport.erreur(
                "modele-illisible",
                f"Le modèle « {chemin.name} » n'est pas un document Word lisible.",
                feuille=chemin.name,
            )
            continue
        connues = disponibles[MODELES.get(nom, "salarie")]
        inconnues: list[str] = []
        exemples: dict[str, str] = {}
        for variable in variables:
            connue, exemple = _est_connue(variable, connues)
            if connue:
                exemples[variable] = exemple
            else:
                inconnues.append(variable)
        resultat.append(ModeleVerifie(nom, chemin, variables, inconnues, exemples))
    rapport.lever_si_erreurs(f"Modèles Word invalides dans « {dossier} ».")
    return resultat
