"""Verrou d'une campagne : deux commandes ne l'écrivent jamais en même temps.

Deux collègues qui lancent `convocations` sur le même dossier partagé réécriraient le
manifeste chacune de son côté : l'une verrait ensuite comme « modifiés à la main » les
documents de l'autre. Chaque commande qui écrit dans une campagne prend donc son verrou,
un fichier `<sorties>/<campagne>.verrou` ; la seconde est refusée avec une phrase qui dit
qui tient la campagne et depuis quand.

Le verrou est un verrou du système (`flock` sous Linux et macOS, `msvcrt.locking` sous
Windows) posé sur ce fichier, et non la seule présence du fichier : le système le rend
de lui-même quand le processus meurt (arrêt brutal, coupure), et un serveur de fichiers
(SMB, NFS) le fait respecter entre machines. Un verrou périmé se reprend donc sans
intervention : le fichier resté derrière, sans verrou, ne bloque personne ; son contenu
(qui le tenait) sert seulement à le signaler. Sur un disque qui ne sait pas verrouiller,
la commande continue sans verrou, en le disant.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.erreurs import ErreurEntretiens

if os.name == "nt":  # pragma: no cover - Windows
    import msvcrt
else:
    import fcntl

# Sous Windows, un verrou d'octets interdit aussi la lecture des octets verrouillés : on
# verrouille un octet loin après le texte, qui reste lisible par la commande refusée.
_OCTET_VERROUILLE = 1 << 30
# Le système ne sait pas verrouiller ce disque (certains partages réseau, FUSE…).
_SANS_VERROU = {
    getattr(errno, nom)
    for nom in ("ENOLCK", "EOPNOTSUPP", "ENOSYS", "EINVAL")
    if hasattr(errno, nom)
}


@dataclass(frozen=True)
class Detenteur:
    """Qui tient (ou tenait) un verrou : écrit dans le fichier pour le message de refus."""

    commande: str
    utilisateur: str
    machine: str
    processus: int
    depuis: str  # AAAA-MM-JJTHH:MM:SS

    @classmethod
    def moi(cls, commande: str) -> Detenteur:
        try:
            utilisateur = getpass.getuser()
        except (KeyError, OSError):  # aucun nom d'utilisateur (conteneur, service)
            utilisateur = "?"
        return cls(
            commande,
            utilisateur,
            socket.gethostname(),
            os.getpid(),
            datetime.now().isoformat(timespec="seconds"),
        )

    @classmethod
    def lire(cls, texte: str) -> Detenteur | None:
        try:
            donnees = json.loads(texte)
            return cls(**{k: donnees[k] for k in cls.__dataclass_fields__})
        except (ValueError, TypeError, KeyError):
            return None

    def decrire(self) -> str:
        """« entretiens convocations », lancée par anne sur PC-RH (processus 812) le …"""
        try:
            moment = datetime.fromisoformat(self.depuis)
            quand = f"le {moment:%d/%m/%Y} à {moment:%H:%M}"
        except ValueError:
            quand = self.depuis
        return (
            f"« {self.commande} », lancée par {self.utilisateur} sur {self.machine} "
            f"(processus {self.processus}) {quand}"
        )


@contextlib.contextmanager
def verrouiller(
    chemin: Path,
    objet: str,
    commande: str,
    signaler: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Tient le verrou `chemin` le temps du bloc ; refuse (ErreurEntretiens) s'il est pris.

    `objet` nomme ce qui est protégé dans les messages (« la campagne « 2026-11-27 » ») ;
    `signaler` reçoit les informations non bloquantes (verrou repris, disque sans verrou).
    """
    signaler = signaler or (lambda _texte: None)
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur = _prendre(chemin, objet, commande, signaler)
    if descripteur is None:
        yield
        return
    try:
        yield
    finally:
        _rendre(chemin, descripteur)


def _prendre(
    chemin: Path, objet: str, commande: str, signaler: Callable[[str], None]
) -> int | None:
    """Descripteur du fichier verrouillé ; None si le disque ne sait pas verrouiller."""
    for _essai in range(5):
        descripteur = os.open(chemin, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        try:
            _poser(descripteur)
        except OSError as exc:
            texte = _lire(descripteur)
            os.close(descripteur)
            if exc.errno in _SANS_VERROU:
                signaler(
                    f"ce disque ne permet pas de verrouiller {objet} : assurez-vous que "
                    "personne d'autre ne travaille dessus en ce moment."
                )
                return None
            raise _erreur_occupe(chemin, objet, Detenteur.lire(texte)) from None
        # Le détenteur précédent a pu supprimer le fichier entre notre ouverture et notre
        # verrou : nous tiendrions alors un fichier disparu. On recommence sur le nouveau.
        if _meme_fichier(descripteur, chemin):
            break
        os.close(descripteur)
    else:  # pragma: no cover - cinq suppressions de suite : un autre processus s'acharne
        raise _erreur_occupe(chemin, objet, None)
    ancien = Detenteur.lire(_lire(descripteur))
    if ancien is not None:
        # Un détenteur normal efface ce texte en partant : il a été interrompu.
        signaler(
            f"{ancien.decrire()}, a été interrompue sans rendre le verrou de {objet} : "
            "il est repris."
        )
    contenu = json.dumps(Detenteur.moi(commande).__dict__, ensure_ascii=False).encode()
    os.lseek(descripteur, 0, os.SEEK_SET)
    os.ftruncate(descripteur, 0)
    os.write(descripteur, contenu)
    return descripteur


def _rendre(chemin: Path, descripteur: int) -> None:
    # Texte effacé d'abord : un fichier qui garde un détenteur signale une interruption.
    with contextlib.suppress(OSError):
        os.ftruncate(descripteur, 0)
    if os.name != "nt":
        # Supprimé sous verrou : qui l'a ouvert entre-temps voit qu'il a disparu.
        with contextlib.suppress(OSError):
            os.unlink(chemin)
    _lever(descripteur)
    os.close(descripteur)
    if os.name == "nt":  # pragma: no cover - Windows refuse de supprimer un fichier ouvert
        # Un autre processus l'a peut-être déjà rouvert : il reste alors, vide et libre.
        with contextlib.suppress(OSError):
            os.unlink(chemin)


def _poser(descripteur: int) -> None:
    if os.name == "nt":  # pragma: no cover - Windows
        os.lseek(descripteur, _OCTET_VERROUILLE, os.SEEK_SET)
        msvcrt.locking(descripteur, msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(descripteur, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _lever(descripteur: int) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":  # pragma: no cover - Windows
            os.lseek(descripteur, _OCTET_VERROUILLE, os.SEEK_SET)
            msvcrt.locking(descripteur, msvcrt.LK_UNLCK, 1)
        else:
            fcntl.flock(descripteur, fcntl.LOCK_UN)


def _meme_fichier(descripteur: int, chemin: Path) -> bool:
    try:
        sur_disque = os.stat(chemin)
    except FileNotFoundError:
        return False
    ouvert = os.fstat(descripteur)
    return (ouvert.st_dev, ouvert.st_ino) == (sur_disque.st_dev, sur_disque.st_ino)


def _lire(descripteur: int) -> str:
    try:
        os.lseek(descripteur, 0, os.SEEK_SET)
        return os.read(descripteur, 4096).decode("utf-8", "replace")
    except OSError:
        return ""


def _erreur_occupe(chemin: Path, objet: str, detenteur: Detenteur | None) -> ErreurEntretiens:
    qui = f"par {detenteur.decrire()}" if detenteur else "par une autre commande"
    return ErreurEntretiens.simple(
        "campagne-verrouillee",
        f"{objet[:1].upper()}{objet[1:]} est utilisée en ce moment {qui} : deux commandes "
        "qui l'écriraient en même temps mélangeraient leurs fichiers. Attendez qu'elle se "
        "termine, puis relancez. Si cette commande a été arrêtée (ordinateur éteint, "
        f"fenêtre fermée) et que le refus persiste, supprimez le fichier « {chemin} ».",
    )
