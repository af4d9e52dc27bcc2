"""Les rendez-vous déjà fixés par les autres campagnes, dossiers et archives, relus sans le
registre.

Une nouvelle campagne ne reconvoque pas un salarié dont l'entretien est déjà fixé
ailleurs, et ne place pas un entretien sur un créneau déjà pris (`planning.planifier`,
`autres_rendez_vous`) : `lire_rendez_vous` relit pour cela les plannings des autres
campagnes, même archivées. La même lecture tolérante d'une feuille de planning
(`lignes_de_feuille`, `rendez_vous_feuille`) sert à `campagne` pour comparer un
planning avant et après `--replanifier`. La lecture contrôlée d'un planning de la campagne
en cours, elle, est dans `relecture_planning.py`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Parametres
from pipeline.fichiers import ZIP_ABIME
from pipeline.formats import en_texte
from pipeline.lecture_feuilles import lignes_brutes
from pipeline.origine import de_l_exemple, est_registre_exemple, lire_origine, registre_d_origine
from pipeline.planning import (
    COLONNES_ENTRETIENS,
    FEUILLE_PLANNING,
    entretiens_vides,
    texte_hhmm,
)
from pipeline.relecture_planning import (
    colonnes_planning,
    lire_date,
    lire_duree,
    lire_heure,
    lire_statut,
    lire_types,
)

# Une ligne de `lire_rendez_vous` : celle d'un entretien du planning, et sa campagne.
COLONNES_RENDEZ_VOUS = [*COLONNES_ENTRETIENS, "campagne"]


def lire_rendez_vous(
    dossier_sorties: Path, campagne: str, au: date, registre: Path | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Entretiens à venir (datés d'au moins `au`) des plannings des autres campagnes.

    Lit la feuille « Planning » de chaque `dossier_sorties/*/planning.xlsx` et de chaque
    archive `dossier_sorties/archives/<campagne>.zip` (membre `<campagne>/planning.xlsx`,
    lu en mémoire) : `archiver --supprimer-originaux` efface le dossier d'une campagne
    dont les entretiens peuvent être encore à venir. Une campagne présente en dossier et
    en archive est lue une fois (le dossier, peut-être corrigé depuis) ; la campagne
    `campagne` et les anciennes archives (remplacées, rangées dans `anciennes_versions/`, ou
    `*.ancien.zip` d'avant ce sous-dossier) sont ignorées.
    `registre` (celui de la campagne en cours) : les campagnes de l'exemple livré et celles
    d'un vrai registre s'ignorent (leurs matricules, fictifs, ne sont pas ceux des vrais
    salariés) ; celles d'un autre fichier du même monde comptent, car le registre d'une
    entreprise change souvent de nom d'un mois à l'autre. Sans `registre`, toutes comptent.
    Lecture tolérante, sans le registre : une ancienne campagne peut citer des salariés
    partis depuis, et une ligne ou un fichier abîmé ne doit pas bloquer la campagne du
    mois. Rend (table au format `Planning.entretiens` plus une colonne `campagne`,
    avertissements en français pour les fichiers ou lignes ignorés).
    """
    lignes: list[dict[str, Any]] = []
    avertissements: list[str] = []
    sources = _sources(Path(dossier_sorties), campagne, registre)
    for nom_campagne in sorted(sources):
        nom_source, lire = sources[nom_campagne]
        try:
            feuille = lire()
        except _SansPlanning:
            avertissements.append(
                f"archive sans planning, ignorée : {nom_source} (membre absent) ; ses salariés "
                "pourraient être convoqués une seconde fois"
            )
            continue
        except Exception:  # zipfile et calamine lèvent des exceptions variées (et en anglais)
            avertissements.append(
                f"planning illisible, ignoré : {nom_source} (fichier illisible ou qui n'est "
                "pas un classeur Excel)"
            )
            continue
        lues, illisibles = (
            (None, []) if feuille is None else rendez_vous_feuille(feuille, nom_campagne, au)
        )
        if lues is None:
            avertissements.append(
                f"planning illisible, ignoré : {nom_source} (feuille « Planning » ou colonnes "
                "« Matricule », « Date » et « Heure » introuvables en ligne 1)"
            )
            continue
        lignes.extend(lues)
        if illisibles:
            avertissements.append(
                f"planning {nom_source} : ligne(s) {', '.join(map(str, illisibles))} "
                "ignorée(s) (matricule, date ou heure illisible) ; ces salariés pourraient "
                "être convoqués une seconde fois"
            )
    if not lignes:
        return entretiens_vides().assign(campagne=pd.Series(dtype=object)), avertissements
    table = pd.DataFrame(lignes, columns=COLONNES_RENDEZ_VOUS)
    table["date"] = table["date"].astype("datetime64[ns]")
    table["duree_minutes"] = table["duree_minutes"].astype(int)
    table = table.sort_values(["date", "heure", "campagne", "matricule"], kind="stable")
    return table.reset_index(drop=True), avertissements


_Lecteur = Callable[[], list[tuple[Any, ...]] | None]


def _sources(
    dossier_sorties: Path, campagne: str, registre: Path | None
) -> dict[str, tuple[str, _Lecteur]]:
    """Campagne -> (nom de la source pour les messages, lecteur de sa feuille « Planning »),
    pour chaque autre campagne, en dossier ou en archive, retenue par `lire_rendez_vous`."""
    # Import local : campagne.py importe ce module (ses séquences lisent ces rendez-vous) ;
    # les noms de son dossier ne se prennent qu'au moment de s'en servir.
    from pipeline.campagne import DOSSIER_ARCHIVES, PLANNING, Campagne

    exemple = None if registre is None else est_registre_exemple(registre)
    sources: dict[str, tuple[str, _Lecteur]] = {}
    if not dossier_sorties.is_dir():
        return sources
    for chemin in sorted(dossier_sorties.glob(f"*/{PLANNING}")):
        nom_campagne = chemin.parent.name
        origine = registre_d_origine(Campagne.du_dossier(chemin.parent))
        if nom_campagne not in (campagne, DOSSIER_ARCHIVES) and exemple in (
            None,
            de_l_exemple(origine, nom_campagne),
        ):
            sources[nom_campagne] = (str(chemin), _lecteur_fichier(chemin))
    for archive in sorted((dossier_sorties / DOSSIER_ARCHIVES).glob("*.zip")):
        nom_campagne = archive.name.removesuffix(".zip")
        if (
            archive.name.endswith(".ancien.zip")
            or nom_campagne in (campagne, *sources)
            or exemple not in (None, de_l_exemple(_origine_archive(archive), nom_campagne))
        ):
            continue
        membre = f"{nom_campagne}/{PLANNING}"
        sources[nom_campagne] = (f"{archive} ({membre})", _lecteur_archive(archive, membre))
    return sources


class _SansPlanning(Exception):
    """Archive lisible mais sans `<campagne>/planning.xlsx`."""


def _lecteur_fichier(chemin: Path) -> _Lecteur:
    return lambda: lignes_de_feuille(chemin)


def _origine_archive(archive: Path) -> Path | None:
    """Le registre noté dans l'archive d'une campagne (`<campagne>/_sources/origine.toml`)."""
    from pipeline.campagne import DOSSIER_SOURCES, ORIGINE

    membre = f"{archive.name.removesuffix('.zip')}/{DOSSIER_SOURCES}/{ORIGINE}"
    try:
        with zipfile.ZipFile(archive) as zf:
            return lire_origine(zf.read(membre).decode("utf-8-sig"))
    except (OSError, KeyError, UnicodeDecodeError, *ZIP_ABIME):
        return None  # illisible : la lecture du planning le dira


def _lecteur_archive(archive: Path, membre: str) -> _Lecteur:
    def lire() -> list[tuple[Any, ...]] | None:
        with zipfile.ZipFile(archive) as zf:
            if membre not in zf.namelist():
                raise _SansPlanning(membre)
            contenu = zf.read(membre)
        return lignes_de_feuille(contenu)

    return lire


def lignes_de_feuille(
    source: Path | bytes, feuille: str = FEUILLE_PLANNING
) -> list[tuple[Any, ...]] | None:
    """Lignes brutes de la feuille « Planning » (ou `feuille`) d'un classeur, donné par son
    chemin ou ses octets ; None si le classeur n'a pas cette feuille.

    Lue comme le planning de la campagne (`lecture_feuilles.lignes_brutes` : calamine, une
    valeur égarée loin du tableau écartée au lieu de tout bloquer) ; un fichier abîmé
    lève l'erreur de calamine ou du système.
    """
    contenu = source if isinstance(source, bytes) else Path(source).read_bytes()
    lues, _brutes = lignes_brutes(contenu, (feuille,))
    return lues.get(feuille)


def rendez_vous_feuille(
    lignes: list[tuple[Any, ...]], campagne: str, au: date
) -> tuple[list[dict[str, Any]] | None, list[int]]:
    """(rendez-vous datés d'au moins `au`, lignes Excel illisibles) ; None sans en-tête."""
    index = colonnes_planning(lignes[0]) if lignes else {}
    if any(c not in index for c in ("matricule", "date", "heure")):
        return None, []
    duree_defaut = Parametres().planning.duree_minutes
    sortie: list[dict[str, Any]] = []
    illisibles: list[int] = []
    for numero, valeurs in enumerate(lignes[1:], start=2):
        if all(en_texte(v) == "" for v in valeurs):
            continue

        def cellule(colonne: str, valeurs: tuple[Any, ...] = valeurs) -> Any:
            position = index.get(colonne)
            return None if position is None or position >= len(valeurs) else valeurs[position]

        matricule = en_texte(cellule("matricule"))
        jour = lire_date(cellule("date"))
        debut = lire_heure(cellule("heure"))
        if not matricule or jour is None or debut is None:
            illisibles.append(numero)
            continue
        if jour < au:
            continue
        # Durée écrite, sinon déduite de la fin, sinon celle par défaut.
        duree = lire_duree(cellule("duree_minutes"), 0)
        if not duree:
            fin = lire_heure(cellule("fin"))
            duree = fin - debut if fin is not None and fin > debut else duree_defaut
        textes = {c: en_texte(cellule(c)) for c in COLONNES_ENTRETIENS}
        sortie.append(
            textes
            | {
                "matricule": matricule,
                "date": pd.Timestamp(jour),
                "heure": texte_hhmm(debut),
                "fin": texte_hhmm(debut + duree),
                "duree_minutes": duree,
                "types": lire_types(textes["types"]) or textes["types"],
                "statut": lire_statut(textes["statut"]) or textes["statut"],
                "campagne": campagne,
            }
        )
    return sortie, illisibles
