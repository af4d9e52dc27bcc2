"""Des milliers de documents rendus et écrits, dans ce processus ou en processus parallèles.

`rendre_en_parallele` consomme des éléments au fil de l'eau (la mémoire ne dépend pas du
nombre de salariés) et les confie par lots à des processus de rendu. Chacun change un
élément en documents par `preparer` (pour une campagne, un salarié ou un conducteur :
contextes, empreintes et décision de rendre ou non, `documents._Preparation`), ou le
prend tel quel si c'est déjà une `Tache` ; il compile chaque modèle une fois
(`rendu.modele_compile`), écrit chaque document sans jamais écraser l'existant
(`fichiers.publier`, qui donne aussi la date du fichier écrit) et renvoie son empreinte :
le processus principal ne fait que distribuer les éléments et noter les résultats.

Les processus de rendu meurent avec le processus principal (`_suivre_le_parent`) : tué,
il ne laisse personne écrire des documents après lui.
"""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.erreurs import ErreurEntretiens
from pipeline.fichiers import CONSERVE, deja_ecrit, publier, sha256_fichier
from pipeline.rendu import ModeleCompile, modele_compile


@dataclass(frozen=True)
class Tache:
    """Un document à produire. `etiquette` est rendue telle quelle dans le résultat."""

    modele: Path
    contexte: dict[str, Any]
    destination: Path
    remplacer: bool = False
    etiquette: Any = None


@dataclass(frozen=True)
class Resultat:
    destination: Path
    statut: str  # cree, conserve, remplace
    sha256: str
    taille: int
    etiquette: Any = None
    # Date de modification du fichier (st_mtime), relevée par le processus qui l'a
    # écrit : le processus principal n'a plus à la demander pour le manifeste.
    modifie: float = 0.0


def _traiter(tache: Tache, modeles: dict[Path, ModeleCompile], deja_decidee: bool) -> Resultat:
    """Un document rendu et écrit ; `modeles` : ceux déjà compilés pour ce travail.

    `deja_decidee` : la tâche vient de `preparer`, qui a déjà jugé le document absent (ou
    à remplacer) ; sa présence n'est pas redemandée au système avant le rendu, et
    `publier` refuse de toute façon d'écraser un document apparu entre-temps.
    """
    destination = Path(tache.destination)
    if not deja_decidee and not tache.remplacer and deja_ecrit(destination):
        # Relance : le document existe (peut-être complété à la main), on ne le rend pas.
        return _resultat_du_fichier(destination, tache)
    if (modele := modeles.get(tache.modele)) is None:
        # Vu une fois par travail (un lot, ou tout un rendu sans processus) : chaque
        # document ne redemande pas au système la date du modèle.
        modele = modeles[tache.modele] = modele_compile(tache.modele)
    contenu = modele.rendre(tache.contexte)
    statut, modifie = publier(destination, contenu, remplacer=tache.remplacer)
    if statut == CONSERVE:  # créé entre-temps par quelqu'un d'autre : on le garde
        return _resultat_du_fichier(destination, tache)
    return Resultat(
        destination,
        statut,
        hashlib.sha256(contenu).hexdigest(),
        len(contenu),
        tache.etiquette,
        modifie,
    )


def _resultat_du_fichier(destination: Path, tache: Tache) -> Resultat:
    etat = destination.stat()
    return Resultat(
        destination,
        CONSERVE,
        sha256_fichier(destination),
        etat.st_size,
        tache.etiquette,
        etat.st_mtime,
    )


_Reponse = tuple[list[Resultat], ErreurEntretiens | OSError | None, str]
# Ce qui change un élément confié à `rendre_en_parallele` en documents : à rendre (Tache)
# ou déjà décidés sans rendu (Resultat).
Preparation = Callable[[Any], Iterable["Tache | Resultat"]]
# La préparation de ce processus de rendu (donnée à sa naissance, voir `_initialiser`).
_PREPARATION: Preparation | None = None


def _documents(elements: Iterable[Any], preparer: Preparation | None) -> Iterator[Tache | Resultat]:
    for element in elements:
        yield from (element,) if preparer is None else preparer(element)


def _traiter_tous(
    elements: Iterable[Any], preparer: Preparation | None, modeles: dict[Path, ModeleCompile]
) -> Iterator[Resultat]:
    deja_decidee = preparer is not None
    for document in _documents(elements, preparer):
        if isinstance(document, Resultat):
            yield document
        else:
            yield _traiter(document, modeles, deja_decidee)


def _traiter_lot(lot: list[Any]) -> _Reponse:
    # Une ErreurEntretiens ne traverse pas telle quelle la frontière entre processus (le
    # pickle perdrait ses anomalies) : on la renvoie comme une valeur. Une erreur du
    # système (disque plein, dossier en lecture seule) aussi : la ligne de commande en
    # fait une phrase française, pas une trace.
    resultats: list[Resultat] = []
    try:
        for resultat in _traiter_tous(lot, _PREPARATION, {}):
            resultats.append(resultat)
    except (ErreurEntretiens, OSError) as exc:
        return resultats, exc, ""
    except Exception as exc:  # bogue : on garde la trace pour --debug
        return resultats, None, "".join(traceback.format_exception(exc))
    return resultats, None, ""


def _faire_annexe(annexe: Callable[[], object]) -> _Reponse:
    # Même retour qu'un lot sans document : les erreurs traversent comme des valeurs.
    try:
        annexe()
    except (ErreurEntretiens, OSError) as exc:
        return [], exc, ""
    except Exception as exc:  # bogue : on garde la trace pour --debug
        return [], None, "".join(traceback.format_exception(exc))
    return [], None, ""


def _lots(taches: Iterable[Any], taille: int) -> Iterator[list[Any]]:
    lot: list[Any] = []
    for tache in taches:
        lot.append(tache)
        if len(lot) >= taille:
            yield lot
            lot = []
    if lot:
        yield lot


def _deballer(reponse: _Reponse) -> list[Resultat]:
    resultats, erreur, trace = reponse
    if isinstance(erreur, OSError):
        raise erreur
    if erreur is not None:
        raise ErreurEntretiens(erreur.message, anomalies=erreur.anomalies)
    if trace:
        raise RuntimeError(f"Échec dans un processus de rendu :\n{trace}")
    return resultats


def rendre_en_parallele(
    taches: Iterable[Any],
    jobs: int = 1,
    progression: Callable[[int], None] | None = None,
    taille_lot: int = 8,
    annexes: Sequence[Callable[[], object]] = (),
    preparer: Preparation | None = None,
    modeles: Iterable[Path] = (),
) -> Iterator[Resultat]:
    """Rend et écrit chaque document ; résultats dans l'ordre des tâches.

    Les tâches sont consommées au fil de l'eau et au plus `4 × jobs` lots sont en cours :
    la mémoire ne dépend pas du nombre de salariés. `jobs=1` travaille dans le processus
    courant, sans pool. Un document existant n'est ni rendu ni réécrit sauf `remplacer`.

    `preparer` : les tâches sont alors des éléments (un salarié…) que `preparer` change en
    documents — à rendre (Tache) ou décidés sans rendu (Resultat) — dans le processus
    qui les traite ; il est donné une fois à chaque processus de rendu (sans copie s'il
    naît par fork), et c'est là que se font contextes et décisions : le processus
    principal n'a plus qu'à distribuer les éléments. `modeles` : les modèles à compiler
    avant de créer les processus de rendu, qui les reçoivent ainsi tout compilés.

    `annexes` : travaux sans lien avec les documents (écrire un classeur…), confiés à un
    processus de rendu en même temps que les premiers documents, pour que le processus
    principal n'ait qu'à distribuer le travail ; tous sont finis, ou leur erreur levée,
    avant la fin du générateur. Avec `jobs=1`, ou sans document à rendre, ils sont faits
    ici, d'abord. Ils doivent pouvoir être envoyés à un autre processus (pickle).
    """
    if jobs <= 1:
        for annexe in annexes:
            annexe()
        for resultat in _traiter_tous(taches, preparer, {}):
            if progression:
                progression(1)
            yield resultat
        return

    # Les processus de travail naissent par fork (Linux) : un modèle compilé ici avant
    # leur création leur est acquis sans recompilation (60 ms pour un gros modèle, par
    # processus). Sans `modeles`, on regarde les premières tâches qui seront rendues.
    iterateur = iter(taches)
    debut = list(itertools.islice(iterateur, taille_lot * jobs))
    if not debut:
        for annexe in annexes:
            annexe()
        return
    if multiprocessing.get_start_method() == "fork":
        if preparer is None:
            modeles = [t.modele for t in debut if t.remplacer or not deja_ecrit(t.destination)]
        for modele in dict.fromkeys(modeles):
            modele_compile(modele)
    taches = itertools.chain(debut, iterateur)

    fenetre: deque[Future[Any]] = deque()
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_initialiser, initargs=(os.getpid(), preparer)
    ) as executeur:
        try:
            en_cours = [executeur.submit(_faire_annexe, annexe) for annexe in annexes]
            for lot in _lots(taches, taille_lot):
                fenetre.append(executeur.submit(_traiter_lot, lot))
                if len(fenetre) >= 4 * jobs:
                    resultats = _deballer(fenetre.popleft().result())
                    if progression:
                        progression(len(resultats))
                    yield from resultats
            while fenetre:
                resultats = _deballer(fenetre.popleft().result())
                if progression:
                    progression(len(resultats))
                yield from resultats
            for futur in en_cours:
                _deballer(futur.result())
        except BaseException:
            executeur.shutdown(wait=True, cancel_futures=True)
            raise


def _initialiser(pid_principal: int, preparer: Preparation | None) -> None:
    """Naissance d'un processus de rendu : il suit le principal, et garde `preparer`."""
    global _PREPARATION
    _PREPARATION = preparer
    _suivre_le_parent(pid_principal)


# Constante de prctl(2) (linux/prctl.h) : signal reçu par ce processus à la mort de son parent.
_PR_SET_PDEATHSIG = 1
_INTERVALLE_SURVEILLANCE = 0.2  # secondes


def _suivre_le_parent(pid_principal: int) -> None:
    """Initialisation d'un processus de rendu : il meurt avec le processus principal.

    Sans cela, un processus principal tué (SIGKILL, terminal fermé) laisse ses processus
    de rendu finir les lots déjà reçus, en écrivant des documents, puis attendre sans fin
    des lots qui ne viendront plus. Né par fork sous Linux, le processus de rendu est tué
    par le noyau à la mort du principal (prctl PR_SET_PDEATHSIG ; le parent est le fil
    qui l'a créé, ici celui qui consomme `rendre_en_parallele`). Sinon (macOS, Windows,
    forkserver), un fil de surveillance vérifie plusieurs fois par seconde que le
    principal vit encore.
    """
    noyau = (
        sys.platform.startswith("linux")
        and multiprocessing.get_start_method() == "fork"
        and _signal_a_la_mort_du_parent()
    )
    if not noyau:
        threading.Thread(target=_surveiller, args=(pid_principal,), daemon=True).start()
    if not _principal_vivant(pid_principal):
        os._exit(1)  # mort avant ou pendant cette mise en place : personne n'attend ce rendu


def _signal_a_la_mort_du_parent() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # libc sans prctl : la surveillance prend le relais
        return False


def _surveiller(pid_principal: int) -> None:
    while _principal_vivant(pid_principal):
        time.sleep(_INTERVALLE_SURVEILLANCE)
    # os._exit et non sys.exit : depuis un fil secondaire, seul lui arrête le processus
    # sans attendre le lot en cours (ses écritures sont atomiques : rien à moitié écrit).
    os._exit(1)


def _principal_vivant(pid_principal: int) -> bool:
    if multiprocessing.get_start_method() == "fork":
        # Né par fork, le processus de rendu est l'enfant du principal ; orphelin, il est
        # rattaché à un autre processus (init) et getppid change. (Le lien que garde
        # multiprocessing ne suffit pas ici : les processus frères, nés par fork eux
        # aussi, en héritent et le maintiennent ouvert.)
        return os.getppid() == pid_principal
    # spawn (macOS, Windows), forkserver (le défaut de Python 3.14 sous Linux, dont le
    # serveur survit au principal) : multiprocessing garde un lien avec le principal — un
    # tube sous Unix, un descripteur de processus sous Windows —, rompu à sa mort.
    principal = multiprocessing.parent_process()
    return principal is None or principal.is_alive()
