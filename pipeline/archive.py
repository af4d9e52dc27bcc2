"""Archivage d'une campagne : un zip vérifiable des années plus tard.

L'entreprise doit pouvoir prouver, lors de l'état des lieux (6 ou 8 ans) ou d'un
contrôle, quels entretiens ont eu lieu et quels documents ont été remis. L'archive
`<campagne>.zip` contient :

    MANIFESTE-SHA256.txt      empreintes au format `sha256sum` : après décompression,
                              `sha256sum -c MANIFESTE-SHA256.txt` vérifie tout
    manifeste.csv             chemin, SHA-256, taille, date, matricule, type de document
    <campagne>/...            le dossier de campagne tel quel
    <campagne>/_sources/      registre.xlsx et parametres.toml utilisés + LISEZMOI.txt

Les deux manifestes sont à la racine du zip, hors du dossier de campagne : celui-ci a
déjà son propre `manifeste.csv` (écrit à la génération des documents), qui est archivé
et vérifié comme les autres fichiers.

Des manifestes rangés dans le zip prouvent son intégrité, pas son authenticité : qui
modifie un document peut recalculer sa ligne. L'empreinte SHA-256 du zip entier est donc
notée hors de lui, dans `index.csv` (ligne « archive ») et dans le résumé affiché à
l'archivage ; `verifier_archive` compare le zip à cette empreinte (le sceau), et les deux
manifestes entre eux.

Une archive n'est jamais écrasée (`remplacer=True` range l'ancienne dans
`anciennes_versions/`, où son sceau reste vérifiable) et les originaux ne sont supprimés
que sur demande, après relecture complète du zip. Les anciennes versions des documents
(sous-dossiers `anciennes_versions/` de la campagne) sont archivées à leur place, à part
des documents actuels, et leur type de document le dit (« … (ancienne version) »).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from pipeline.campagne import (
    DOSSIER_MANAGERS,
    DOSSIER_PUBLIPOSTAGE,
    DOSSIER_SALARIES,
    DOSSIER_SOURCES,
    INDEX_ARCHIVES,
    PARAMETRES_FIGES,
    chemin_archive,
    contenu_parametres,
    lire_manifeste,
    nom_registre_fige,
    sources_figees,
)
from pipeline.config import Parametres, charger_parametres
from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import (
    DOSSIER_ANCIENNES_VERSIONS,
    ZIP_ABIME,
    ecriture_atomique,
    est_ancienne_version,
    garder_ancienne_version,
    jeton_matricule,
    sha256_fichier,
    sha256_octets,
)
from pipeline.formats import date_courte, heure_courte
from pipeline.tableurs import ecrire_lignes_csv, neutraliser, texte_csv, texte_d_origine

# À la racine du zip, hors du dossier de campagne (voir le docstring du module).
MANIFESTE_SHA256 = "MANIFESTE-SHA256.txt"
MANIFESTE_CSV = "manifeste.csv"
EN_TETES_INDEX = [
    "Matricule",
    "Campagne",
    "Document",
    "Chemin dans l'archive",
    "Empreinte SHA-256",
    "Date d'archivage",
]
# Colonne « Document » de la ligne de l'index qui porte l'empreinte du zip entier.
DOCUMENT_ARCHIVE = "archive"
EN_TETES_MANIFESTE = [
    "Chemin",
    "SHA-256",
    "Taille (octets)",
    "Modifié le",
    "Matricule",
    "Type de document",
]
# Niveau 6 : l'essentiel du gain de DEFLATE pour un coût CPU modéré (les .docx sont
# déjà compressés, un niveau plus fort ne gagnerait presque rien).
_NIVEAU_COMPRESSION = 6
_BLOC = 1 << 20

Progression = Callable[[int], None] | None


@dataclass
class BilanArchive:
    """Ce qu'a fait `archiver`, pour le message de la ligne de commande."""

    chemin_zip: Path
    campagne: str
    nb_fichiers: int  # fichiers de la campagne archivés (hors _sources et manifestes)
    taille_octets: int  # taille cumulée des fichiers avant compression
    taille_zip: int
    lignes_index: int  # documents de salariés inscrits dans index.csv pour cette campagne
    sha256: str  # empreinte du zip entier, notée dans index.csv : le sceau
    ancienne_archive: Path | None = None  # l'archive remplacée, gardée sous ce nom
    originaux_supprimes: bool = False
    ignores: list[str] = field(default_factory=list)  # fichiers temporaires non archivés
    avertissements: list[str] = field(default_factory=list)


@dataclass
class RapportVerification:
    """Écarts entre un zip, ses deux manifestes et l'empreinte notée à l'archivage."""

    chemin_zip: Path
    sha256: str = ""  # empreinte du zip entier, telle que relue
    index: Path | None = None  # où l'empreinte de l'archivage est notée
    sha256_note: str | None = None  # None : aucune empreinte notée pour ce zip
    nb_verifies: int = 0
    modifies: list[str] = field(default_factory=list)
    manquants: list[str] = field(default_factory=list)
    en_trop: list[str] = field(default_factory=list)
    # manifeste.csv et MANIFESTE-SHA256.txt en désaccord (chemin : explication).
    incoherents: list[str] = field(default_factory=list)

    @property
    def scellee(self) -> bool:
        """L'empreinte du zip est celle notée à l'archivage."""
        return self.sha256_note is not None and self.sha256_note == self.sha256

    @property
    def ok(self) -> bool:
        sceau_rompu = self.sha256_note is not None and not self.scellee
        return not (
            self.modifies or self.manquants or self.en_trop or self.incoherents or sceau_rompu
        )

    def lignes(self) -> list[str]:
        """Le rapport en phrases françaises : une par écart, puis l'état du sceau."""
        lignes = [f"Modifié (empreinte différente) : {c}" for c in self.modifies]
        lignes += [f"Manquant (dans le manifeste, absent du zip) : {c}" for c in self.manquants]
        lignes += [f"En trop (dans le zip, absent du manifeste) : {c}" for c in self.en_trop]
        lignes += [
            f"Manifestes en désaccord (manifeste.csv et {MANIFESTE_SHA256}) : {c}"
            for c in self.incoherents
        ]
        if self.sha256_note is not None and not self.scellee:
            lignes.append(
                f"Sceau rompu : l'archive a été modifiée ou refaite depuis l'archivage "
                f"(empreinte SHA-256 {self.sha256}, notée {self.sha256_note} dans "
                f"« {self.index} »). Reprenez une copie de sauvegarde de l'archive."
            )
        if lignes:
            return lignes
        lignes.append(
            f"Archive « {self.chemin_zip.name} » intègre : {self.nb_verifies} fichier(s) "
            "conforme(s) au manifeste."
        )
        if self.scellee:
            lignes.append(
                f"Sceau conforme : l'empreinte SHA-256 de l'archive ({self.sha256}) est celle "
                f"notée à l'archivage dans « {self.index} »."
            )
        else:
            lignes.append(
                f"Attention : aucune empreinte de cette archive n'est notée dans « {self.index} » "
                "(archive déplacée, renommée, ou antérieure au sceau) : son contenu est cohérent, "
                "mais rien ne prouve qu'elle n'a pas été refaite. Comparez son empreinte SHA-256, "
                f"{self.sha256}, à celle affichée lors de l'archivage."
            )
        return lignes


@dataclass
class _Entree:
    chemin: str  # dans le zip
    sha256: str
    taille: int
    modifie_le: str
    matricule: str
    type_document: str


def archiver(
    dossier_campagne: Path,
    chemin_registre: Path,
    chemin_parametres: Path | None,
    dossier_archives: Path,
    supprimer_originaux: bool = False,
    progression: Progression = None,
    *,
    remplacer: bool = False,
    horodatage: datetime | None = None,
) -> BilanArchive:
    """Écrit `dossier_archives/<campagne>.zip` et complète `dossier_archives/index.csv`.

    `horodatage` est la date d'archivage inscrite dans l'archive et l'index ; par défaut
    l'heure courante (ce n'est pas une date de référence des règles, juste un tampon).
    """
    dossier_campagne = Path(dossier_campagne)
    dossier_archives = Path(dossier_archives)
    chemin_registre = Path(chemin_registre)
    horodatage = horodatage or datetime.now()
    campagne = dossier_campagne.name
    _controler_entrees(dossier_campagne, chemin_registre, chemin_parametres, dossier_archives)
    avertissements: list[str] = []
    figees = sources_figees(dossier_campagne)
    if figees is not None:
        avertissements += _registre_change(chemin_registre, figees[0])
        # La campagne a gardé le registre et les paramètres qui l'ont produite : ce sont
        # eux qui font foi, pas le registre du jour (complété depuis, par exemple).
        chemin_registre, chemin_parametres = figees
    parametres = charger_parametres(chemin_parametres)
    chemin_zip = chemin_archive(dossier_archives, campagne)
    if chemin_zip.exists() and not remplacer:
        raise _erreur_archive_existante(chemin_zip)
    # Lu avant d'écrire le zip : un index illisible arrête tout sans rien produire.
    lignes_index_existantes = _lire_index(dossier_archives / INDEX_ARCHIVES)

    fichiers, ignores = _lister_campagne(dossier_campagne)
    matricules = _matricules_des_dossiers(dossier_campagne)
    dossier_archives.mkdir(parents=True, exist_ok=True)
    sources = _sources(campagne, chemin_registre, chemin_parametres, parametres, horodatage, figees)
    entrees: list[_Entree] = []

    def ecrire(sortie: BinaryIO) -> None:
        entrees.extend(
            _ecrire_zip(
                sortie, dossier_campagne, fichiers, matricules, sources, horodatage, progression
            )
        )

    ancienne, empreinte = _ecrire_atomique(chemin_zip, ecrire, garder_ancien=remplacer)
    nouvelles = _indexer(
        dossier_archives / INDEX_ARCHIVES,
        campagne,
        entrees,
        horodatage,
        lignes_index_existantes,
        sceau=(chemin_zip.name, empreinte),
        ancienne=ancienne,
    )
    bilan = BilanArchive(
        chemin_zip=chemin_zip,
        campagne=campagne,
        nb_fichiers=len(fichiers),
        taille_octets=sum(e.taille for e in entrees[: len(fichiers)]),
        taille_zip=chemin_zip.stat().st_size,
        lignes_index=nouvelles,
        sha256=empreinte,
        ancienne_archive=ancienne,
        ignores=[p.as_posix() for p in ignores],
        avertissements=avertissements,
    )
    if supprimer_originaux:
        # Les sources et la notice sont écrites par l'archive elle-même, pas sur le disque.
        ajoutes = {e.chemin for e in entrees[len(fichiers) :]}
        _supprimer_apres_verification(dossier_campagne, chemin_zip, entrees, ajoutes, ignores)
        bilan.originaux_supprimes = True
    return bilan


def _registre_change(registre: Path, copie: Path) -> list[str]:
    """L'avertissement à donner si le registre du jour n'est plus celui de la campagne."""
    if registre.read_bytes() == copie.read_bytes():
        return []
    return [
        f"Le registre actuel « {registre} » a changé depuis la génération de la campagne : "
        f"l'archive garde la copie qui a produit les documents ({DOSSIER_SOURCES}/{copie.name})."
    ]


def _erreur_archive_existante(chemin_zip: Path) -> ErreurEntretiens:
    return ErreurEntretiens.simple(
        "archive-existante",
        f"L'archive « {chemin_zip} » existe déjà : une archive n'est jamais écrasée. "
        "Donnez un autre nom de campagne, ou relancez avec --remplacer (l'ancienne "
        f"archive sera gardée dans {DOSSIER_ANCIENNES_VERSIONS}/).",
    )


def compter_fichiers(dossier_campagne: Path) -> int:
    """Nombre de fichiers qu'`archiver` lira : la longueur d'une barre de progression."""
    return len(_lister_campagne(Path(dossier_campagne))[0])


def verifier_archive(chemin_zip: Path, progression: Progression = None) -> RapportVerification:
    """Relit tout le zip : son empreinte contre celle notée à l'archivage (`index.csv` à
    côté du zip), chaque fichier contre `MANIFESTE-SHA256.txt`, et `manifeste.csv` contre
    `MANIFESTE-SHA256.txt`."""
    chemin_zip = Path(chemin_zip)
    if not chemin_zip.is_file():
        raise ErreurEntretiens.simple(
            "archive-introuvable",
            f"L'archive « {chemin_zip} » n'existe pas. Vérifiez le chemin (les archives sont "
            "dans sorties/archives/).",
        )
    # Une archive remplacée est rangée dans archives/anciennes_versions/ : son sceau est
    # noté dans l'index des archives, sous son chemin relatif à lui.
    nom_note = chemin_zip.name
    dossier_index = chemin_zip.parent
    if dossier_index.name == DOSSIER_ANCIENNES_VERSIONS:
        nom_note = f"{DOSSIER_ANCIENNES_VERSIONS}/{chemin_zip.name}"
        dossier_index = dossier_index.parent
    index = dossier_index / INDEX_ARCHIVES
    rapport = RapportVerification(
        chemin_zip,
        sha256=sha256_fichier(chemin_zip),
        index=index,
        sha256_note=_empreinte_notee(index, nom_note),
    )
    try:
        with zipfile.ZipFile(chemin_zip) as zf:
            attendus = _lire_manifeste(zf, chemin_zip)
            rapport.incoherents = _comparer_manifestes(zf, attendus)
            vus: set[str] = set()
            for info in zf.infolist():
                nom = info.filename
                if info.is_dir() or nom == MANIFESTE_SHA256:
                    continue
                if nom in vus or nom not in attendus:
                    # Un nom en double (zip retouché par ajout) est aussi « en trop ».
                    rapport.en_trop.append(nom)
                    continue
                vus.add(nom)
                if _sha256_membre(zf, info) != attendus[nom]:
                    rapport.modifies.append(nom)
                rapport.nb_verifies += 1
                if progression:
                    progression(1)
            rapport.manquants = [nom for nom in attendus if nom not in vus]
    except ZIP_ABIME as exc:
        raise _erreur_zip_illisible(chemin_zip) from exc
    return rapport


# --- Contrôles ----------------------------------------------------------------------


def _controler_entrees(
    dossier_campagne: Path,
    chemin_registre: Path,
    chemin_parametres: Path | None,
    dossier_archives: Path,
) -> None:
    if not dossier_campagne.is_dir():
        raise ErreurEntretiens.simple(
            "campagne-introuvable",
            f"Le dossier de campagne « {dossier_campagne} » n'existe pas. Vérifiez le nom de "
            "la campagne (un dossier de sorties/, créé par « entretiens convocations »).",
        )
    if not chemin_registre.is_file():
        raise ErreurEntretiens.simple(
            "fichier-introuvable",
            f"Le registre « {chemin_registre} » n'existe pas : l'archive doit en garder une "
            "copie. Vérifiez le chemin donné à --registre.",
        )
    if chemin_parametres is not None and not Path(chemin_parametres).is_file():
        raise ErreurEntretiens.simple(
            "fichier-introuvable",
            f"Le fichier de paramètres « {chemin_parametres} » n'existe pas. Vérifiez le "
            "chemin donné à --parametres.",
        )
    campagne = dossier_campagne.resolve()
    archives = dossier_archives.resolve()
    if archives == campagne or campagne in archives.parents:
        raise ErreurEntretiens.simple(
            "archive-dans-campagne",
            f"Le dossier des archives « {dossier_archives} » est dans la campagne à archiver : "
            "l'archive se contiendrait elle-même. Choisissez un dossier d'archives à part.",
        )


def _est_temporaire(nom: str) -> bool:
    # Restes d'une écriture interrompue (fichiers.ecrire_fichier) et verrous de Word
    # (« ~$convocation.docx ») : ni des documents ni des preuves.
    return (nom.startswith(".") and nom.endswith(".tmp")) or nom.startswith("~$")


def _lister_campagne(dossier: Path) -> tuple[list[Path], list[Path]]:
    """Chemins relatifs des fichiers à archiver (triés : zip reproductible) et des ignorés."""
    fichiers: list[Path] = []
    ignores: list[Path] = []
    for racine, dossiers, noms in os.walk(dossier):
        dossiers.sort()
        for nom in sorted(noms):
            chemin = Path(racine, nom)
            if not chemin.is_file():
                continue
            relatif = chemin.relative_to(dossier)
            (ignores if _est_temporaire(nom) else fichiers).append(relatif)
    return fichiers, ignores


# --- Écriture du zip ----------------------------------------------------------------


def _ecrire_zip(
    sortie: BinaryIO,
    dossier_campagne: Path,
    fichiers: list[Path],
    matricules: dict[str, str],
    sources: list[tuple[str, bytes, str]],
    horodatage: datetime,
    progression: Progression,
) -> list[_Entree]:
    """Écrit dans le zip la campagne, ses sources et les deux manifestes.

    Rend les entrées du manifeste, dans l'ordre : les fichiers de la campagne
    (`fichiers`), puis les sources et la notice.
    """
    campagne = dossier_campagne.name
    entrees: list[_Entree] = []
    with zipfile.ZipFile(
        sortie, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_NIVEAU_COMPRESSION
    ) as zf:
        for relatif in fichiers:
            arcname = f"{campagne}/{relatif.as_posix()}"
            entrees.append(
                _ajouter_fichier(zf, dossier_campagne / relatif, arcname, relatif, matricules)
            )
            if progression:
                progression(1)
        for nom, contenu, type_document in sources:
            arcname = f"{campagne}/{DOSSIER_SOURCES}/{nom}"
            _ecrire_membre(zf, arcname, contenu, horodatage)
            entrees.append(
                _Entree(
                    arcname,
                    sha256_octets(contenu),
                    len(contenu),
                    horodatage.isoformat(timespec="seconds"),
                    "",
                    type_document,
                )
            )
        contenu_csv = _manifeste_csv(entrees)
        _ecrire_membre(zf, MANIFESTE_CSV, contenu_csv, horodatage)
        lignes = [(e.sha256, e.chemin) for e in entrees]
        lignes.append((sha256_octets(contenu_csv), MANIFESTE_CSV))
        _ecrire_membre(zf, MANIFESTE_SHA256, _manifeste_sha256(lignes), horodatage)
    return entrees


def _ajouter_fichier(
    zf: zipfile.ZipFile, source: Path, arcname: str, relatif: Path, matricules: dict[str, str]
) -> _Entree:
    """Copie un fichier dans le zip par blocs, en calculant son empreinte au passage."""
    try:
        info = zipfile.ZipInfo.from_file(source, arcname, strict_timestamps=False)
        entree = open(source, "rb")  # fermé par le `with` ci-dessous
    except OSError as exc:
        raise ErreurEntretiens.simple(
            "fichier-illisible",
            f"Impossible de lire « {source} » ({exc.strerror or exc}) : aucune archive n'a été "
            "écrite. Fermez le document s'il est ouvert, vérifiez les droits, puis relancez.",
        ) from exc
    # Sans niveau explicite (pas d'accès public avant Python 3.13), zlib prend son
    # niveau par défaut, 6 : le même que `_NIVEAU_COMPRESSION`.
    info.compress_type = zipfile.ZIP_DEFLATED
    empreinte = hashlib.sha256()
    taille = 0
    with entree, zf.open(info, "w") as sortie:
        for bloc in iter(lambda: entree.read(_BLOC), b""):
            empreinte.update(bloc)
            sortie.write(bloc)
            taille += len(bloc)
    modifie_le = datetime.fromtimestamp(source.stat().st_mtime).isoformat(timespec="seconds")
    matricule, type_document = _decrire(relatif, matricules)
    return _Entree(arcname, empreinte.hexdigest(), taille, modifie_le, matricule, type_document)


def _ecrire_membre(zf: zipfile.ZipFile, arcname: str, contenu: bytes, quand: datetime) -> None:
    info = zipfile.ZipInfo(arcname, date_time=quand.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, contenu, compresslevel=_NIVEAU_COMPRESSION)


def _ecrire_atomique(
    chemin: Path, ecrire: Callable[[BinaryIO], None], garder_ancien: bool
) -> tuple[Path | None, str]:
    """Écrit sous un nom temporaire puis renomme : jamais de zip à moitié écrit.

    L'ancienne archive n'est mise de côté qu'une fois la nouvelle complète. Rend (ancienne
    archive, empreinte SHA-256 du zip relu sur le disque).
    """
    mise_de_cote: list[Path] = []

    def mettre_de_cote() -> None:
        if garder_ancien and chemin.exists():
            mise_de_cote.append(garder_ancienne_version(chemin))

    with ecriture_atomique(chemin, "w+b", avant_remplacement=mettre_de_cote) as sortie:
        ecrire(sortie)
        sortie.flush()
        os.fsync(sortie.fileno())
        # Relu plutôt que calculé à l'écriture : zipfile revient en arrière compléter les
        # en-têtes, l'empreinte doit être celle des octets tels qu'ils sont sur le disque.
        sortie.seek(0)
        empreinte = _sha256_flux(sortie)
    return (mise_de_cote[0] if mise_de_cote else None), empreinte


def _sha256_flux(flux: BinaryIO) -> str:
    empreinte = hashlib.sha256()
    for bloc in iter(lambda: flux.read(_BLOC), b""):
        empreinte.update(bloc)
    return empreinte.hexdigest()


def _matricules_des_dossiers(dossier_campagne: Path) -> dict[str, str]:
    """Dossier de salarié -> matricule, d'après le manifeste de la campagne.

    Le nom du dossier ne suffit pas : le matricule `A/1` y est écrit `A-1~…`.
    """
    matricules: dict[str, str] = {}
    for chemin, ligne in lire_manifeste(dossier_campagne).items():
        parties = chemin.split("/")
        if len(parties) >= 3 and parties[0] == DOSSIER_SALARIES and ligne.get("matricule"):
            matricules[parties[1]] = texte_d_origine(ligne["matricule"])
    return matricules


def _decrire(relatif: Path, matricules: dict[str, str]) -> tuple[str, str]:
    """(matricule, type de document) d'un fichier de campagne, d'après son chemin."""
    parties = relatif.parts
    base = relatif.name.split(".")[0]
    suffixe = " (ancienne version)" if est_ancienne_version(relatif) else ""
    if parties[0] == DOSSIER_SALARIES and len(parties) >= 3:
        # Dossier `<jeton du matricule>_<NOM>_<Prénom>` (fichiers.nom_dossier_salarie) :
        # hors du manifeste (dossier hors planning), le jeton d'un matricule simple est le
        # matricule lui-même ; celui d'un autre ne se relit pas.
        jeton = parties[1].split("_")[0]
        repli = jeton if jeton_matricule(jeton) == jeton else ""
        return matricules.get(parties[1], repli), base + suffixe
    if parties[0] == DOSSIER_MANAGERS:
        return "", "fiche_conducteur" + suffixe
    if parties[0] == DOSSIER_PUBLIPOSTAGE:
        types = {".eml": "brouillon_courriel", ".ics": "invitation"}
        return "", types.get(relatif.suffix.lower(), "publipostage")
    if len(parties) == 1 or (len(parties) == 2 and parties[0] == DOSSIER_ANCIENNES_VERSIONS):
        return "", base + suffixe
    return "", "autre"


def _sources(
    campagne: str,
    chemin_registre: Path,
    chemin_parametres: Path | None,
    parametres: Parametres,
    horodatage: datetime,
    figees: tuple[Path, Path] | None = None,
) -> list[tuple[str, bytes, str]]:
    """Copies du registre et des paramètres, et la notice qui dit ce qu'ils ont produit.

    Si la campagne contient déjà ses sources figées (`figees`), elles sont archivées avec
    elle : seule la notice est ajoutée.
    """
    registre = chemin_registre.read_bytes()
    nom_registre = nom_registre_fige(chemin_registre)
    toml = contenu_parametres(chemin_parametres, parametres)
    r = parametres.regles
    e = parametres.entreprise
    periodicite = f"{r.periodicite} mois" + (
        " (accord collectif)" if r.periodicite_mois else " (périodicité légale)"
    )
    regime = {
        "2025": "2025 (art. L6315-1 modifié par la loi n° 2025-989)",
        "2014": "2014 (art. L6315-1, lois 2014-288 et 2018-771)",
    }.get(r.regime, r.regime)
    origine_parametres = (
        f"« {chemin_parametres} »"
        if chemin_parametres is not None
        else "aucun fichier : valeurs par défaut"
    )
    lisezmoi = "\n".join(
        [
            f"Archive de la campagne d'entretiens professionnels « {campagne} »",
            f"Archivée le {date_courte(horodatage)} à {heure_courte(horodatage, secondes=True)}.",
            "",
            "Données utilisées pour produire les documents de la campagne :",
            (
                f"- registre du personnel : {nom_registre}, copié à la génération des documents"
                if figees
                else f"- registre du personnel : {nom_registre}, copie de « {chemin_registre} » "
                "faite à l'archivage"
            ),
            f"  (modifié le {_date_fichier(chemin_registre)}, SHA-256 {sha256_octets(registre)})",
            (
                f"- paramètres : {PARAMETRES_FIGES}, copiés à la génération des documents"
                if figees
                else f"- paramètres : {PARAMETRES_FIGES}, copie de {origine_parametres}"
            ),
            f"  (SHA-256 {sha256_octets(toml)})",
            "",
            "Règles appliquées :",
            f"- régime : {regime}",
            f"- périodicité des entretiens : {periodicite}",
            f"- état des lieux récapitulatif : tous les {r.cycle_etat_des_lieux_ans} ans",
            f"- effectif déclaré : {e.effectif} salariés (abondement correctif "
            + ("applicable, 50 salariés ou plus)" if e.effectif >= 50 else "non applicable)"),
            f"- horizon de planification : {r.horizon_jours} jours",
            "",
            "Vérifier l'archive :",
            "- avec l'outil : entretiens verifier-archive <archive>.zip",
            "- sans l'outil : décompresser le zip dans un dossier vide, puis, dans ce dossier,",
            f"  sha256sum -c {MANIFESTE_SHA256}",
            "- le zip lui-même : son empreinte SHA-256 est notée hors de lui, dans l'index",
            f"  des archives ({INDEX_ARCHIVES}, ligne « {DOCUMENT_ARCHIVE} ») et dans le résumé",
            f"  affiché à l'archivage ; « sha256sum {campagne}.zip » doit redonner la même.",
            "",
        ]
    )
    notice = ("LISEZMOI.txt", lisezmoi.replace("\n", "\r\n").encode("utf-8"), "notice")
    if figees:
        return [notice]
    return [(nom_registre, registre, "registre"), (PARAMETRES_FIGES, toml, "parametres"), notice]


def _date_fichier(chemin: Path) -> str:
    modifie = datetime.fromtimestamp(chemin.stat().st_mtime)
    return f"{date_courte(modifie)} {heure_courte(modifie)}"


def _manifeste_csv(entrees: list[_Entree]) -> bytes:
    return texte_csv(
        EN_TETES_MANIFESTE,
        (
            [e.chemin, e.sha256, e.taille, e.modifie_le, e.matricule, e.type_document]
            for e in entrees
        ),
    )


def _manifeste_sha256(lignes: list[tuple[str, str]]) -> bytes:
    """Format de `sha256sum` (mode texte : deux espaces), avec son échappement.

    GNU coreutils préfixe la ligne par « \\ » quand le nom contient une barre oblique
    inverse ou un saut de ligne, et les écrit « \\\\ » et « \\n ».
    """
    sortie = []
    for empreinte, chemin in lignes:
        if "\\" in chemin or "\n" in chemin or "\r" in chemin:
            echappe = chemin.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
            sortie.append(f"\\{empreinte}  {echappe}\n")
        else:
            sortie.append(f"{empreinte}  {chemin}\n")
    return "".join(sortie).encode("utf-8")


# --- Lecture et vérification --------------------------------------------------------


def _lire_manifeste(zf: zipfile.ZipFile, chemin_zip: Path) -> dict[str, str]:
    try:
        texte = zf.read(MANIFESTE_SHA256).decode("utf-8")
    except KeyError:
        raise ErreurEntretiens.simple(
            "archive-sans-manifeste",
            f"L'archive « {chemin_zip} » ne contient pas de {MANIFESTE_SHA256} : elle n'a pas "
            "été produite par « entretiens archiver » ou son manifeste a été supprimé ; "
            "elle ne peut pas être vérifiée.",
        ) from None
    attendus: dict[str, str] = {}
    for numero, ligne in enumerate(texte.splitlines(), start=1):
        if not ligne.strip():
            continue
        echappe = ligne.startswith("\\")
        if echappe:
            ligne = ligne[1:]
        empreinte, separateur, nom = ligne.partition(" ")
        if not separateur or len(empreinte) != 64 or nom[:1] not in (" ", "*"):
            raise ErreurEntretiens.simple(
                "manifeste-illisible",
                f"{MANIFESTE_SHA256}, ligne {numero} : format inattendu (« empreinte  chemin » "
                "attendu). Le manifeste a été modifié : l'archive n'est plus vérifiable.",
            )
        nom = nom[1:]
        if echappe:
            nom = _desechapper(nom)
        attendus[nom] = empreinte.lower()
    return attendus


def _comparer_manifestes(zf: zipfile.ZipFile, attendus: dict[str, str]) -> list[str]:
    """Les désaccords entre `manifeste.csv` et `MANIFESTE-SHA256.txt` du même zip.

    Qui retouche un document et recalcule sa ligne dans l'un des manifestes doit aussi
    réécrire l'autre : chaque chemin doit y avoir la même empreinte.
    """
    try:
        texte = zf.read(MANIFESTE_CSV).decode("utf-8-sig")
    except (KeyError, *ZIP_ABIME):
        return []  # absent ou abîmé : déjà signalé « manquant » ou « modifié »
    except UnicodeDecodeError:
        return [f"{MANIFESTE_CSV} illisible"]
    lignes = list(csv.reader(io.StringIO(texte, newline=""), delimiter=";"))
    if not lignes or lignes[0][:2] != EN_TETES_MANIFESTE[:2]:
        return [f"{MANIFESTE_CSV} : en-tête inattendu"]
    decrits = {
        texte_d_origine(ligne[0]): ligne[1].lower() for ligne in lignes[1:] if len(ligne) >= 2
    }
    # MANIFESTE-SHA256.txt couvre aussi manifeste.csv, que manifeste.csv ne peut pas décrire.
    couverts = {nom: e for nom, e in attendus.items() if nom != MANIFESTE_CSV}
    ecarts = []
    for nom in sorted(couverts.keys() | decrits.keys()):
        if nom not in decrits:
            ecarts.append(f"{nom} (absent de {MANIFESTE_CSV})")
        elif nom not in couverts:
            ecarts.append(f"{nom} (absent de {MANIFESTE_SHA256})")
        elif decrits[nom] != couverts[nom]:
            ecarts.append(f"{nom} (empreintes différentes)")
    return ecarts


def _empreinte_notee(index: Path, nom_zip: str) -> str | None:
    """L'empreinte du zip `nom_zip` notée dans l'index à l'archivage ; None si aucune."""
    notees = [
        ligne[4].lower()
        for ligne in _lire_index(index)
        if len(ligne) >= 5 and ligne[2] == DOCUMENT_ARCHIVE and texte_d_origine(ligne[3]) == nom_zip
    ]
    return notees[-1] if notees else None


def _desechapper(nom: str) -> str:
    sortie, i = [], 0
    while i < len(nom):
        if nom[i] == "\\" and i + 1 < len(nom):
            sortie.append({"\\": "\\", "n": "\n", "r": "\r"}.get(nom[i + 1], nom[i + 1]))
            i += 2
        else:
            sortie.append(nom[i])
            i += 1
    return "".join(sortie)


def _sha256_membre(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """Empreinte d'un membre ; None s'il est illisible (données corrompues = modifié)."""
    empreinte = hashlib.sha256()
    try:
        with zf.open(info) as entree:
            for bloc in iter(lambda: entree.read(_BLOC), b""):
                empreinte.update(bloc)
    except ZIP_ABIME:
        return None
    return empreinte.hexdigest()


def _erreur_zip_illisible(chemin: Path) -> ErreurEntretiens:
    return ErreurEntretiens.simple(
        "archive-illisible",
        f"Le fichier « {chemin} » n'est pas une archive zip lisible : il est "
        "corrompu ou ce n'est pas un zip. Reprenez une copie de sauvegarde de l'archive.",
    )


def _supprimer_apres_verification(
    dossier: Path, chemin_zip: Path, entrees: list[_Entree], ajoutes: set[str], ignores: list[Path]
) -> None:
    """Supprime le dossier de campagne seulement si le zip relu est conforme et complet."""
    verrous = [p.as_posix() for p in ignores if p.name.startswith("~$")]
    if verrous:
        raise ErreurEntretiens.simple(
            "suppression-refusee",
            f"Archive écrite, mais originaux conservés : un document est ouvert dans Word "
            f"({', '.join(verrous)}). Fermez-le, puis supprimez le dossier « {dossier} » à la "
            "main après « entretiens verifier-archive ».",
        )
    rapport = verifier_archive(chemin_zip)
    # Le zip doit aussi contenir exactement ce qui est sur le disque maintenant : un
    # fichier ajouté pendant l'archivage serait perdu par la suppression.
    campagne = dossier.name
    sur_disque = {f"{campagne}/{p.as_posix()}" for p in _lister_campagne(dossier)[0]}
    archives = {e.chemin for e in entrees if e.chemin not in ajoutes}
    ecarts = sorted(sur_disque ^ archives)
    if not rapport.ok or ecarts:
        details = rapport.lignes() if not rapport.ok else []
        details += [f"Différence avec le disque : {c}" for c in ecarts]
        raise ErreurEntretiens.simple(
            "suppression-refusee",
            f"L'archive « {chemin_zip} » relue ne correspond pas à son manifeste ou au dossier "
            "de campagne : les originaux n'ont PAS été supprimés. " + " ; ".join(details[:10]),
        )
    shutil.rmtree(dossier)


# --- Index --------------------------------------------------------------------------


def _indexer(
    chemin: Path,
    campagne: str,
    entrees: list[_Entree],
    horodatage: datetime,
    existantes: list[list[str]],
    sceau: tuple[str, str],
    ancienne: Path | None = None,
) -> int:
    """Réécrit l'index avec les documents de la campagne et le sceau de son archive.

    Le sceau est une ligne sans matricule, « archive » : le nom du zip et son empreinte.
    Rend le nombre de documents de salariés inscrits.
    """
    date_archivage = horodatage.isoformat(sep=" ", timespec="seconds")
    nouvelles = [
        [e.matricule, campagne, e.type_document, e.chemin, e.sha256, date_archivage]
        for e in entrees
        if e.matricule
    ]
    nom_zip, empreinte = sceau
    nouvelles.append(["", campagne, DOCUMENT_ARCHIVE, nom_zip, empreinte, date_archivage])
    # Réarchiver une campagne remplace ses lignes : l'index ne décrit que les archives
    # présentes, sans doublon. L'archive remplacée, rangée dans anciennes_versions/, garde
    # son sceau, sous son nouveau chemin.
    gardees = []
    for ligne in existantes:
        if ligne[1] != neutraliser(campagne):
            gardees.append(ligne)
        elif ancienne is not None and ligne[2:4] == [DOCUMENT_ARCHIVE, neutraliser(nom_zip)]:
            rangee = ancienne.relative_to(chemin.parent).as_posix()
            gardees.append([*ligne[:3], rangee, *ligne[4:]])
    _ecrire_index(chemin, gardees + nouvelles)
    return len(nouvelles) - 1


def _lire_index(chemin: Path) -> list[list[str]]:
    if not chemin.exists():
        return []
    try:
        with open(chemin, encoding="utf-8-sig", newline="") as entree:
            lignes = list(csv.reader(entree, delimiter=";"))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _erreur_index(chemin, "illisible") from exc
    if not lignes:
        return []
    if lignes[0] != EN_TETES_INDEX:
        raise _erreur_index(chemin, "en-tête inattendu")
    return [ligne for ligne in lignes[1:] if any(ligne)]


def _erreur_index(chemin: Path, raison: str) -> ErreurEntretiens:
    return ErreurEntretiens.simple(
        "index-illisible",
        f"L'index des archives « {chemin} » est {raison} ; il n'a pas été modifié. "
        f"Renommez-le (il sera recréé) ou rétablissez l'en-tête : {';'.join(EN_TETES_INDEX)}.",
    )


def _ecrire_index(chemin: Path, lignes: list[list[str]]) -> None:
    # L'index se reconstruit à partir des zips : on le remplace sans garder d'ancienne
    # version (une par archivage s'accumulerait), mais toujours atomiquement.
    ecrire_lignes_csv(chemin, EN_TETES_INDEX, lignes, remplacer=True, garder_ancien=False)
