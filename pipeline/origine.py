"""L'origine d'une campagne : le registre qui l'a produite, et le refus d'en mêler un autre.

Deux registres ne partagent jamais une campagne : leurs salariés, leurs documents et leurs
envois s'y mélangeraient. Le registre fictif livré a ses propres campagnes
(`exemple-AAAA-MM-JJ`) ; celui de l'utilisateur est noté à la première écriture d'une
campagne (`_sources/origine.toml`, `adopter_registre`), puis contrôlé avant toute autre
(`controler_origine`) et quand une commande cherche la campagne d'un registre
(`campagne.trouver_campagne`, `vient_du_registre`).

`campagne.py` se sert de ce module pour nommer, trouver et produire une campagne : ce
module prend donc les chemins d'une campagne à l'objet `Campagne` qu'on lui passe, sans
importer `campagne.py` en tête (ce serait un cycle).
"""

from __future__ import annotations

import filecmp
import json
import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import ecrire_fichier, nom_fichier_sur

if TYPE_CHECKING:
    from pipeline.campagne import Campagne
    from pipeline.config import Parametres

# Le registre fictif livré, et le préfixe de ses campagnes : lancé le même jour qu'un vrai
# registre, l'exemple ne doit jamais partager son dossier.
REGISTRE_EXEMPLE = Path("donnees") / "registre_exemple.xlsx"
_REGISTRE_EXEMPLE_LIVRE = Path(__file__).resolve().parent.parent / REGISTRE_EXEMPLE
PREFIXE_EXEMPLE = "exemple-"


def registre_designe(option: Path | None, parametres: Parametres) -> Path:
    """Le registre à lire : `--registre`, sinon celui des paramètres, sinon l'exemple livré."""
    return option or Path(parametres.fichiers.registre or REGISTRE_EXEMPLE)


def est_registre_exemple(chemin: Path) -> bool:
    """`chemin` est le registre fictif livré (celui du projet ou du dossier courant)."""
    return any(_meme_chemin(chemin, e) for e in (REGISTRE_EXEMPLE, _REGISTRE_EXEMPLE_LIVRE))


def _meme_chemin(a: Path, b: Path) -> bool:
    # normcase : sous Windows, « C:\RH\Registre.xlsx » et « c:\rh\registre.xlsx » sont un.
    return os.path.normcase(Path(a).resolve()) == os.path.normcase(Path(b).resolve())


def registre_d_origine(campagne: Campagne) -> Path | None:
    """Le registre qui a produit la campagne ; None si elle ne le dit pas (plus ancienne)."""
    try:
        return lire_origine(campagne.origine.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None


def lire_origine(texte: str) -> Path | None:
    """Le registre noté dans le texte d'un `origine.toml` ; None s'il n'y en a pas."""
    try:
        valeur = tomllib.loads(texte).get("registre")
    except tomllib.TOMLDecodeError:
        return None
    return Path(valeur) if isinstance(valeur, str) and valeur.strip() else None


def de_l_exemple(origine: Path | None, nom_campagne: str) -> bool:
    """La campagne a été produite avec l'exemple livré : son origine le dit, sinon (campagne
    d'avant l'origine notée) son nom."""
    if origine is not None:
        return est_registre_exemple(origine)
    return nom_campagne.startswith(PREFIXE_EXEMPLE)


def vient_du_registre(campagne: Campagne, registre: Path) -> bool:
    """La campagne a été produite avec `registre` (ou rien ne prouve le contraire)."""
    # Import local : campagne.py importe ce module (nom, recherche et séquences d'une
    # campagne) ; ses sources figées ne se prennent qu'au moment de s'en servir.
    from pipeline.campagne import sources_figees

    origine = registre_d_origine(campagne)
    if origine is not None and _meme_chemin(origine, registre):
        return True
    figees = sources_figees(campagne.dossier)
    copie = figees[0] if figees is not None else None
    # Le même classeur vu par un autre chemin (autre poste, lecteur réseau) et inchangé
    # depuis la dernière génération : sa copie figée dans la campagne lui est identique.
    if (
        copie is not None
        and Path(registre).is_file()
        and filecmp.cmp(copie, registre, shallow=False)
    ):
        return True
    if origine is not None:
        return False
    # Campagne d'avant l'enregistrement de l'origine : refusée seulement si elle vient à
    # coup sûr de l'exemple livré (copie figée identique) et que ce registre n'en est pas.
    return not (
        copie is not None
        and not est_registre_exemple(registre)
        and _REGISTRE_EXEMPLE_LIVRE.is_file()
        and filecmp.cmp(copie, _REGISTRE_EXEMPLE_LIVRE, shallow=False)
    )


def controler_origine(campagne: Campagne, registre: Path) -> None:
    """Refuse de mêler à une campagne un autre registre que celui qui l'a produite."""
    if not campagne.dossier.is_dir() or vient_du_registre(campagne, registre):
        return
    origine = registre_d_origine(campagne)
    if origine is not None:
        produite = f"avec le registre « {origine} »" + (
            " (l'exemple livré)" if est_registre_exemple(origine) else ""
        )
    elif campagne.nom.startswith(PREFIXE_EXEMPLE):
        produite = "avec l'exemple livré"
    else:
        produite = "avec un autre registre"
    base = campagne.nom.removeprefix(PREFIXE_EXEMPLE)
    suggestion = nom_fichier_sur(f"{base}-{Path(registre).stem}")
    raise ErreurEntretiens.simple(
        "campagne-autre-registre",
        f"La campagne « {campagne.nom} » ({campagne.dossier}) a été produite {produite}, pas "
        f"avec « {registre} » : y mettre un autre registre mélangerait leurs salariés, leurs "
        "documents et leurs envois. Donnez à ce registre sa propre campagne : ajoutez "
        f"--campagne NOM (par exemple --campagne {suggestion}). Si c'est bien le même "
        "classeur, déplacé ou ouvert depuis un autre poste, corrigez son chemin dans "
        f"« {campagne.origine} ».",
    )


def adopter_registre(campagne: Campagne, registre: Path) -> None:
    """Note le registre d'une campagne à sa première écriture (origine déjà contrôlée)."""
    if registre_d_origine(campagne) is None:
        texte = (
            "# Le registre qui a produit cette campagne : un autre registre y est refusé.\n"
            "# Corrigez ce chemin si le même classeur a été déplacé.\n"
            # json.dumps écrit une chaîne TOML valide (guillemets, barres obliques inverses).
            f"registre = {json.dumps(str(Path(registre).resolve()), ensure_ascii=False)}\n"
        )
        ecrire_fichier(campagne.origine, texte.encode("utf-8"), remplacer=True)
