"""Écriture sûre des fichiers : rien n'est jamais perdu.

Un document de campagne a pu être complété ou signé depuis sa génération : on ne
l'écrase jamais (statut « conserve »). `remplacer=True` régénère, mais garde l'ancienne
version, rangée à part dans le sous-dossier `anciennes_versions/` de son dossier
(`anciennes_versions/nom.AAAAMMJJ-HHMMSS.docx`) une fois la nouvelle complète, juste
avant le renommage : le dossier d'un salarié ne montre que ses documents actuels, et rien
n'est perdu, pas même par un disque plein pendant l'écriture. Chaque fichier est écrit
sous un nom temporaire puis publié d'un coup, atomique sur un même disque : un nouveau
fichier par un lien dur, qui échoue si le nom a été pris entre-temps (`_lier`), un
fichier remplacé par `os.replace`. Une exécution interrompue ne laisse jamais de document
à moitié écrit, et la relancer complète ce qui manque. Les fichiers sont créés avec les
droits que donne l'umask, comme ceux de n'importe quel programme : dans un dossier RH
partagé, les collègues les ouvrent.

Un salarié a son propre dossier et un conducteur sa propre fiche, par construction : le
matricule y figure sous une forme qui ne peut appartenir qu'à lui (`jeton_matricule`).
"""

from __future__ import annotations

import errno
import glob
import hashlib
import itertools
import os
import re
import secrets
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from pathvalidate import sanitize_filename

CREE = "cree"
CONSERVE = "conserve"
REMPLACE = "remplace"
# Sous-dossier des anciennes versions, dans le dossier du fichier remplacé. Avant lui, une
# ancienne version restait à côté, sous le nom `nom.AAAAMMJJ-HHMMSS.ancien.ext` : les
# campagnes de ce temps-là en gardent, que `est_ancienne_version` reconnaît encore.
DOSSIER_ANCIENNES_VERSIONS = "anciennes_versions"
_MARQUE_ANCIENNE = ".ancien"

# Ce que zipfile lève en lisant un .docx, un .xlsx ou une archive abîmés (zip tronqué,
# membre au CRC faux ou mal compressé, compression inconnue) : à rattraper ensemble pour
# dire « fichier illisible » en français plutôt qu'une trace.
ZIP_ABIME = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)

# Marge sous la limite de 255 caractères : le dossier contient ensuite des noms de
# fichiers, et Windows limite le chemin complet.
_LONGUEUR_MAX_NOM = 80
# Un nom que `nom_fichier_sur` rendrait tel quel : lettres latines (accentuées comprises),
# chiffres, « _ » et « - », de 7 à 80 caractères, sans « _ » ni « - » au bord.
_NOM_DEJA_SUR = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ][0-9A-Za-zÀ-ÖØ-öø-ÿ_-]{5,78}[0-9A-Za-zÀ-ÖØ-öø-ÿ]")


def nom_fichier_sur(texte: str, *, defaut: str = "sans_nom") -> str:
    """Un nom valide sous Windows et Linux ; les accents sont conservés.

    pathvalidate retire / \\ : * ? " < > | et les caractères de contrôle, et évite les
    noms réservés de Windows (CON, PRN, NUL…). On remplace en plus les espaces par `_`
    (noms lisibles dans une ligne de commande) et on interdit `..`.
    """
    texte = unicodedata.normalize("NFC", str(texte)).strip()
    texte = re.sub(r"\s+", "_", texte)
    if _NOM_DEJA_SUR.fullmatch(texte):
        # Lettres, chiffres, « _ » et « - » : rien que pathvalidate changerait, ni nom
        # réservé (6 caractères au plus), ni « . » ; un nom par salarié d'une campagne.
        return texte
    texte = sanitize_filename(texte, replacement_text="_", platform="universal")
    texte = re.sub(r"\.{2,}", ".", texte).strip("._ ")
    texte = texte[:_LONGUEUR_MAX_NOM].rstrip("._ ")
    if not texte:
        return defaut
    # Un nom réservé (CON, NUL…) est déjà suffixé par pathvalidate ; on le revérifie
    # après la troncature, qui peut en recréer un.
    return sanitize_filename(texte, platform="universal", replacement_text="_") or defaut


# Un matricule « simple » s'écrit tel quel dans un nom de dossier : ni « _ » (le
# séparateur), ni minuscule (« a1 » et « A1 » sont un même dossier sous Windows et macOS),
# ni caractère que le nettoyage changerait (« A/1 » deviendrait « A_1 »), ni longueur qui
# serait coupée.
_MATRICULE_SIMPLE = re.compile(r"[0-9A-Z][0-9A-Z-]{0,39}")
# 40 bits : deux matricules de même forme lisible ne partagent jamais une empreinte.
_LONGUEUR_EMPREINTE = 10


def jeton_matricule(matricule: str) -> str:
    """Le matricule tel qu'il s'écrit dans un nom de fichier : propre à ce seul matricule.

    Un matricule simple (chiffres, capitales, tirets) est gardé tel quel. Sinon, sa forme
    lisible (lettres et chiffres, le reste en « - ») est suivie de « ~ » et d'une
    empreinte du matricule exact : `A/1` donne `A-1~…`, `A_1` un autre `A-1~…`, et deux
    longs matricules qui ne diffèrent qu'à la fin ont deux jetons différents. Le jeton ne
    contient jamais « _ » et ne dépend que du matricule : ajouter un salarié au registre
    ne change le dossier d'aucun autre, d'une relance à l'autre.
    """
    matricule = str(matricule)
    if _MATRICULE_SIMPLE.fullmatch(matricule):
        return matricule
    lisible = unicodedata.normalize("NFKD", matricule).encode("ascii", "ignore").decode()
    lisible = re.sub(r"[^0-9A-Za-z]+", "-", lisible).strip("-")[:29]
    empreinte = hashlib.sha256(matricule.encode("utf-8")).hexdigest()[:_LONGUEUR_EMPREINTE]
    return f"{lisible}~{empreinte}"


def nom_dossier_salarie(matricule: str, nom: str, prenom: str) -> str:
    """`<MATRICULE>_<NOM>_<Prénom>` : trié par matricule dans l'explorateur.

    Unique par salarié : tout ce qui précède le premier « _ » est le jeton du matricule,
    propre à ce matricule (`jeton_matricule`) et jamais coupé.
    """
    jeton = jeton_matricule(matricule)
    reste = nom_fichier_sur(f"{str(nom).upper()}_{prenom}")
    return f"{jeton}_{_couper(reste, len(jeton) + 1)}"


def _couper(texte: str, place_prise: int) -> str:
    """`texte` raccourci pour que le nom complet tienne dans la limite."""
    return texte[: _LONGUEUR_MAX_NOM - place_prise].rstrip("._ ") or "sans_nom"


def nom_fiche_conducteur(
    conducteur: str, nom: str = "", prenom: str = "", matricule: str = ""
) -> str:
    """`<NOM>_<Prénom>` de la fiche d'un conducteur ; `<NOM>_<Prénom>_<MATRICULE>` avec `matricule`.

    `nom` et `prenom` viennent du registre quand le conducteur y figure (cas sûr). Sinon
    on découpe « Prénom NOM » : le nom est la partie en capitales ; si rien ne le
    distingue (« Claire Martin », « CLAIRE MARTIN »), c'est le dernier mot, comme dans
    l'usage français « Prénom Nom ». Le jeton du matricule (`jeton_matricule`, unique par
    construction) ne sert qu'à départager des homonymes : voir `documents._conducteurs`.
    """
    base = _nom_conducteur(conducteur, nom, prenom)
    if not str(matricule).strip():
        return base
    jeton = jeton_matricule(str(matricule).strip())
    return f"{_couper(base, len(jeton) + 1)}_{jeton}"


def _nom_conducteur(conducteur: str, nom: str, prenom: str) -> str:
    if str(nom).strip():
        return nom_fichier_sur(f"{str(nom).strip().upper()} {str(prenom).strip()}")
    mots = str(conducteur).split()
    noms = [m for m in mots if m.isupper() and len(m) > 1]
    if not noms or len(noms) == len(mots):
        noms = mots[-1:]
    prenoms = [m for m in mots if m not in noms]
    if prenoms and all(m.isupper() for m in prenoms):
        # « CLAIRE MARTIN » : le prénom écrit en capitales est remis en forme.
        prenoms = [m.title() for m in prenoms]
    return nom_fichier_sur(" ".join([m.upper() for m in noms] + prenoms))


def ecrire_fichier(
    chemin: Path, contenu: bytes, remplacer: bool = False, garder_ancien: bool = True
) -> str:
    """Écrit `contenu` sans jamais perdre l'existant ; renvoie cree, conserve ou remplace.

    `garder_ancien=False` est réservé aux fichiers dérivés, sans saisie humaine (manifeste,
    tableau de bord) : ils sont recalculés à chaque fois et les empiler n'aurait pas de sens.
    """
    return publier(chemin, contenu, remplacer, garder_ancien)[0]


def publier(
    chemin: Path, contenu: bytes, remplacer: bool = False, garder_ancien: bool = True
) -> tuple[str, float]:
    """`ecrire_fichier`, et la date de modification du fichier écrit (st_mtime ; 0 s'il
    est conservé), relevée sur le fichier ouvert plutôt que par un appel de plus."""
    chemin = Path(chemin)
    existe = deja_ecrit(chemin)
    if existe and not remplacer:
        return CONSERVE, 0.0
    if not remplacer:
        try:
            return CREE, _ecrire_atomique(chemin, contenu, sans_ecraser=True)
        except FileExistsError:  # apparu pendant l'écriture (rempli à la main) : gardé
            return CONSERVE, 0.0
    # L'ancienne version n'est rangée qu'une fois la nouvelle complète : un disque plein
    # ou une interruption pendant l'écriture laisse le fichier à sa place.
    ranger = (lambda: garder_ancienne_version(chemin)) if existe and garder_ancien else None
    modifie = _ecrire_atomique(chemin, contenu, ranger)
    return (REMPLACE if existe else CREE), modifie


def deja_ecrit(chemin: Path | str) -> bool:
    """Le fichier existe avec un contenu (un fichier vide ne porte aucune saisie humaine)."""
    try:
        return os.stat(chemin).st_size > 0
    except FileNotFoundError:
        return False


def garder_ancienne_version(chemin: Path) -> Path:
    """Range le fichier existant dans `anciennes_versions/nom.AAAAMMJJ-HHMMSS.ext`, à côté.

    Jamais d'écrasement : deux versions mises de côté dans la même seconde sont numérotées.
    """
    chemin = Path(chemin)
    dossier = chemin.parent / DOSSIER_ANCIENNES_VERSIONS
    dossier.mkdir(exist_ok=True)
    horodatage = datetime.now().strftime("%Y%m%d-%H%M%S")
    cible = dossier / f"{chemin.stem}.{horodatage}{chemin.suffix}"
    rang = 1
    while cible.exists():
        rang += 1
        cible = dossier / f"{chemin.stem}.{horodatage}-{rang}{chemin.suffix}"
    os.replace(chemin, cible)
    return cible


def anciennes_versions(chemin: Path) -> list[Path]:
    """Les anciennes versions gardées de `chemin`, de la plus ancienne à la plus récente."""
    chemin = Path(chemin)
    nom, extension = glob.escape(chemin.stem), glob.escape(chemin.suffix)
    rangees = (chemin.parent / DOSSIER_ANCIENNES_VERSIONS).glob(f"{nom}.*{extension}")
    # Les noms d'avant le sous-dossier, restés à côté du fichier.
    a_cote = chemin.parent.glob(f"{nom}.*{_MARQUE_ANCIENNE}{extension}")
    return sorted((*rangees, *a_cote), key=lambda p: (p.stat().st_mtime, p.name))


def est_ancienne_version(relatif: Path | str) -> bool:
    """Le chemin (relatif au dossier de campagne) est celui d'une ancienne version."""
    relatif = Path(relatif)
    return DOSSIER_ANCIENNES_VERSIONS in relatif.parts[:-1] or _MARQUE_ANCIENNE in relatif.name


def _ecrire_atomique(
    chemin: Path,
    contenu: bytes,
    avant_remplacement: Callable[[], object] | None = None,
    sans_ecraser: bool = False,
) -> float:
    """Écrit `contenu` sous un nom temporaire puis le renomme ; sa date de modification.
    `sans_ecraser` : FileExistsError si `chemin` a pris un contenu entre-temps (`_lier`).

    Pas de fsync par fichier : il doublait le temps d'écriture d'une campagne (≈ 2 ms
    par document). Le renommage suffit contre une interruption du programme ; après
    une coupure de courant, un fichier peut rester vide : `deja_ecrit` le traite
    comme absent, et la relance le régénère. Écrit par le descripteur, sans objet
    fichier : ce chemin est pris par chaque document d'une campagne.
    """
    with _publication_atomique(chemin, avant_remplacement, sans_ecraser) as descripteur:
        reste = memoryview(contenu)
        while reste:
            reste = reste[os.write(descripteur, reste) :]
        # Ni le renommage ni le lien ne changent la date : celle du fichier ouvert est
        # la sienne.
        return os.fstat(descripteur).st_mtime


@contextmanager
def ecriture_atomique(
    chemin: Path, mode: str = "wb", avant_remplacement: Callable[[], object] | None = None
) -> Iterator[BinaryIO]:
    """Un fichier voisin ouvert en écriture, renommé en `chemin` à la sortie du bloc.

    Le fichier temporaire est créé dans le même dossier (os.replace n'est atomique qu'au
    sein d'un même système de fichiers), avec les droits de l'umask. Son nom commence par
    « . » et finit par « .tmp » pour qu'un reste éventuel (coupure de courant) soit
    reconnaissable. Au moindre échec il est supprimé, et une erreur du système (disque
    plein, dossier en lecture seule) nomme `chemin` plutôt que ce nom temporaire.
    `avant_remplacement` est appelé une fois le fichier complet, juste avant le renommage.
    """
    with (
        _publication_atomique(chemin, avant_remplacement) as descripteur,
        os.fdopen(descripteur, mode, closefd=False) as sortie,
    ):
        yield sortie


@contextmanager
def _publication_atomique(
    chemin: Path,
    avant_remplacement: Callable[[], object] | None = None,
    sans_ecraser: bool = False,
) -> Iterator[int]:
    """Le descripteur d'un fichier temporaire voisin, renommé en `chemin` à la sortie
    (`sans_ecraser` : lié, voir `_lier`)."""
    temporaire = None
    publie = False
    try:
        temporaire, descripteur = _creer_temporaire(chemin)
        try:
            yield descripteur
        finally:
            os.close(descripteur)
        if avant_remplacement is not None:
            avant_remplacement()
        if sans_ecraser:
            _lier(temporaire, chemin)
        else:
            os.replace(temporaire, chemin)
        publie = True
    except OSError as exc:
        raise _nommer(exc, temporaire, chemin) from exc
    finally:
        if temporaire is not None and not publie:
            _supprimer(temporaire)


def _lier(temporaire: str, chemin: Path) -> None:
    """Publie `temporaire` en `chemin` sans écraser un fichier apparu depuis `deja_ecrit`.

    os.replace écraserait un document créé entre la vérification et le renommage (rempli
    à la main, ou écrit par une autre exécution) ; un lien dur échoue au contraire si le
    nom existe (FileExistsError), et le fichier présent est gardé. Un fichier vide (une
    coupure de courant) ne porte rien : il est remplacé. Le lien désigne le fichier déjà
    écrit : même date, mêmes droits (umask) que par le renommage.
    """
    try:
        os.link(temporaire, chemin)
    except FileExistsError:
        if deja_ecrit(chemin):
            raise
    except OSError:
        # Pas de lien dur possible ici : FAT et exFAT (clés USB, cartes ; EPERM), certains
        # partages SMB ou systèmes de fichiers montés (ENOTSUP, EXDEV, EINVAL sous
        # Windows…). Repli sur le renommage, atomique lui aussi : seul un fichier apparu
        # pendant l'écriture (entre `deja_ecrit` et ce renommage) serait écrasé, comme
        # avant le lien. Une autre erreur (disque plein, lecture seule) revient par
        # os.replace, qui la lève à son tour.
        pass
    else:
        try:
            os.unlink(temporaire)
        except OSError:
            # Le document est publié ; ce second nom du même fichier n'a pas pu être
            # retiré (Windows : ouvert par un antivirus). Il reste reconnaissable
            # (« .nom….tmp »), comme après une coupure, et l'archive l'ignore.
            pass
        return
    os.replace(temporaire, chemin)


def _supprimer(temporaire: str) -> None:
    try:
        os.unlink(temporaire)
    except FileNotFoundError:
        pass


def _creer_temporaire(chemin: Path) -> tuple[str, int]:
    # Comme tempfile.mkstemp (création exclusive, nom aléatoire), mais avec le mode 0666
    # que l'umask restreint : mkstemp impose 0600, et les collègues d'un dossier RH
    # partagé obtenaient « accès refusé » sur chaque document.
    drapeaux = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    dossier = os.fspath(chemin.parent)
    dossier_cree = False
    while True:
        temporaire = os.path.join(dossier, f".{chemin.name}.{_suffixe_temporaire()}.tmp")
        try:
            return temporaire, os.open(temporaire, drapeaux, 0o666)
        except FileExistsError:
            continue
        except FileNotFoundError:
            # Le dossier n'est créé qu'au premier fichier qui y manque : pour les autres
            # documents d'un même salarié, c'est un appel système de moins.
            if dossier_cree:
                raise
            os.makedirs(dossier, exist_ok=True)
            dossier_cree = True


def _suffixe_temporaire() -> str:
    """Un suffixe propre à ce processus (tiré au hasard une fois) et à ce fichier (un
    compteur) : la création exclusive départage de toute façon deux homonymes."""
    global _PREFIXE_TEMPORAIRE, _PROCESSUS_DU_PREFIXE
    if _PROCESSUS_DU_PREFIXE != os.getpid():  # un processus de rendu né par fork
        _PREFIXE_TEMPORAIRE, _PROCESSUS_DU_PREFIXE = secrets.token_hex(3), os.getpid()
    return f"{_PREFIXE_TEMPORAIRE}{next(_COMPTEUR_TEMPORAIRE):x}"


_PREFIXE_TEMPORAIRE = ""
_PROCESSUS_DU_PREFIXE = 0
_COMPTEUR_TEMPORAIRE = itertools.count()


def _nommer(exc: OSError, temporaire: str | None, chemin: Path) -> OSError:
    """L'erreur du système rapportée au fichier visé plutôt qu'au temporaire.

    Une écriture refusée (disque plein) ne nomme aucun fichier, la création du temporaire
    nomme le temporaire ; une erreur sur un autre fichier (une source lue dans le bloc)
    garde son propre nom.
    """
    if exc.errno is None or exc.filename not in (None, temporaire):
        return exc
    # OSError(errno, …) rend la sous-classe qui va avec (PermissionError…).
    return OSError(exc.errno, exc.strerror or str(exc), str(chemin))


# Ce qu'on constate et ce que l'utilisateur peut faire, selon l'erreur du système ;
# « {fichier} » devient « « chemin » » quand l'erreur nomme un fichier.
_ERREURS_SYSTEME: dict[int, tuple[str, str]] = {
    errno.ENOSPC: (
        "Plus de place sur le disque pour écrire{fichier}",
        "libérez de la place (ou choisissez un autre dossier de sorties, clé « sorties » de "
        "[fichiers] dans parametres.toml), puis relancez",
    ),
    errno.EROFS: (
        "Impossible d'écrire{fichier}, dossier en lecture seule",
        "choisissez un dossier de sorties où vous pouvez écrire (clé « sorties » de "
        "[fichiers] dans parametres.toml), puis relancez",
    ),
    errno.EACCES: (
        "Accès refusé à{fichier} (dossier en lecture seule, droits insuffisants ou fichier "
        "ouvert dans Excel ou Word)",
        "fermez le fichier, demandez le droit d'écrire dans ce dossier ou choisissez-en un "
        "autre (clé « sorties » de [fichiers] dans parametres.toml), puis relancez",
    ),
}
_ERREURS_SYSTEME[errno.EPERM] = _ERREURS_SYSTEME[errno.EACCES]
if hasattr(errno, "EDQUOT"):  # quota d'espace disque, inconnu de Windows
    _ERREURS_SYSTEME[errno.EDQUOT] = (
        "Plus de place sur le disque pour écrire{fichier} (quota atteint)",
        "libérez de la place dans votre espace ou demandez un quota plus grand, puis relancez",
    )


def expliquer_erreur_systeme(exc: OSError) -> str:
    """Une phrase française pour une erreur du système (disque plein, lecture seule…).

    Toutes les écritures sont atomiques : ce qui est déjà écrit est complet, le reste
    sera écrit à la relance. La phrase le dit, pour qu'on relance sans crainte.
    """
    fichier = f" « {exc.filename} »" if exc.filename else ""
    raison = exc.strerror or str(exc) or exc.__class__.__name__
    constat, remede = _ERREURS_SYSTEME.get(
        exc.errno or 0,
        (
            "Erreur du système" + (" sur{fichier}" if fichier else "") + f" ({raison})",
            "vérifiez le dossier, le disque ou la connexion, puis relancez",
        ),
    )
    return (
        f"{constat.replace('{fichier}', fichier)} : {remede}. Les fichiers déjà écrits sont "
        "complets (aucun n'est à moitié écrit) ; la relance complète ce qui manque."
    )


def sha256_fichier(chemin: Path) -> str:
    empreinte = hashlib.sha256()
    with open(chemin, "rb") as entree:
        for bloc in iter(lambda: entree.read(1 << 20), b""):
            empreinte.update(bloc)
    return empreinte.hexdigest()


def sha256_octets(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()
