"""Banc d'essai de bout en bout : `entretiens convocations` sur un registre synthétique.

Construit un registre (le générateur de bench_echeances.py, plus des managers et des
adresses), des paramètres avec assez de salles et de créneaux pour que presque tout le
monde soit planifié, puis lance la vraie commande dans un sous-processus et mesure :

- première génération en `--jobs 1` : temps, temps processeur par document de bout en
  bout (lecture, règles, planning, tableurs, documents, manifeste : tout le processeur
  de la commande divisé par le nombre de documents Word), mémoire maximale ;
- relance sans changement de la même campagne (rien n'est réécrit) ;
- la même génération en `--jobs 2`, dans une autre campagne : rapport des durées ;
- la mémoire maximale à une seconde taille (`--petit`), du processus principal et de
  tout l'arbre de processus (relevées dans /proc toutes les 50 ms) ;
- la référence, mesurée dans la même exécution : docxtpl ordinaire (DocxTemplate,
  render, save) sur un échantillon des mêmes contextes, temps processeur par document.

Objectifs (issue 14) : ≤ 1,2 ms de processeur par document (≥ 20 × docxtpl ordinaire sur
un processus), relance sans changement de 10 000 salariés sous 2 s, `--jobs 2` ≥ 1,9 ×
`--jobs 1`. Sur une machine partagée, la charge (`uptime`) est affichée avant et après :
une autre commande qui occupe un cœur fausse surtout le rapport `--jobs 2` / `--jobs 1`.

    .venv/bin/python benchmarks/bench_campagne.py [--salaries 5000] [--petit 1000]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE / "benchmarks"))
sys.path.insert(0, str(RACINE))

from bench_echeances import AU, ecrire_classeur, generer  # noqa: E402

EQUIPE = 10  # un manager pour 9 salariés


def registre_synthetique(n: int, chemin: Path) -> None:
    tables = generer(n)
    salaries = tables["salaries"]
    matricules = salaries["matricule"].to_numpy()
    # Chaque dixième salarié encadre les neuf suivants ; le premier de chaque équipe
    # est lui-même encadré par le premier salarié (direction).
    chefs = matricules[(np.arange(n) // EQUIPE) * EQUIPE]
    chefs = np.where(np.arange(n) % EQUIPE == 0, matricules[0], chefs)
    chefs[0] = ""
    salaries["matricule_manager"] = chefs
    salaries["email"] = np.char.add(np.char.lower(matricules.astype(str)), "@exemple.fr")
    salaries["civilite"] = np.where(np.arange(n) % 2 == 0, "Mme", "M.")
    salaries["adresse"] = "12 rue des Lilas"
    salaries["code_postal"] = "69003"
    salaries["ville"] = "Lyon"
    ecrire_classeur(
        tables,
        chemin,
        {
            "salaries": {
                "matricule_manager": "Matricule manager",
                "email": "Email",
                "civilite": "Civilité",
                "adresse": "Adresse",
                "code_postal": "Code postal",
                "ville": "Ville",
            }
        },
    )


def parametres(chemin: Path, salles: int) -> None:
    lieux = ", ".join(f'"Bureau {i}"' for i in range(1, salles + 1))
    creneaux = '["08:30", "10:00", "11:30", "13:30", "15:00", "16:30"]'
    chemin.write_text(
        f"[entreprise]\neffectif = 10000\n\n"
        f"[planning]\nduree_minutes = 75\ncreneaux = {creneaux}\nlieux = [{lieux}]\n",
        encoding="utf-8",
    )


class MemoireArbre:
    """Relève la somme des RSS d'un processus et de ses descendants (Linux, /proc), et
    celle du processus lui-même."""

    def __init__(self, pid: int) -> None:
        self.pid, self.pic, self.pic_principal, self._fin = pid, 0, 0, threading.Event()
        self._fil = threading.Thread(target=self._relever, daemon=True)

    def __enter__(self) -> MemoireArbre:
        self._fil.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._fin.set()
        self._fil.join()

    def _descendants(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for entree in os.listdir("/proc"):
            if entree.isdigit():
                try:
                    with open(f"/proc/{entree}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
                parents.setdefault(ppid, []).append(int(entree))
        pile, tous = [self.pid], []
        while pile:
            pid = pile.pop()
            tous.append(pid)
            pile.extend(parents.get(pid, []))
        return tous

    def _relever(self) -> None:
        while not self._fin.wait(0.05):
            total = 0
            for pid in self._descendants():
                try:
                    with open(f"/proc/{pid}/status") as f:
                        for ligne in f:
                            if ligne.startswith("VmRSS:"):
                                rss = int(ligne.split()[1]) * 1024
                                total += rss
                                if pid == self.pid:
                                    self.pic_principal = max(self.pic_principal, rss)
                except OSError:
                    pass
            self.pic = max(self.pic, total)


@dataclass
class Mesure:
    duree: float  # secondes
    processeur: float  # secondes de processeur, la commande et ses processus de rendu
    memoire: int  # octets, tout l'arbre de processus
    memoire_principal: int  # octets, le processus principal
    sortie: str


def lancer(dossier: Path, campagne: str, jobs: int) -> Mesure:
    """`entretiens convocations` dans un sous-processus, mesuré."""
    commande = [
        sys.executable, "-m", "pipeline", "convocations",
        "--registre", str(dossier / "registre.xlsx"),
        "--parametres", str(dossier / "parametres.toml"),
        "--au", AU.isoformat(), "--campagne", campagne, "--jobs", str(jobs),
    ]  # fmt: skip
    avant = resource.getrusage(resource.RUSAGE_CHILDREN)
    debut = time.perf_counter()
    processus = subprocess.Popen(
        commande, cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    with MemoireArbre(processus.pid) as memoire:
        sortie, _ = processus.communicate()
    duree = time.perf_counter() - debut
    apres = resource.getrusage(resource.RUSAGE_CHILDREN)
    if processus.returncode != 0:
        print(sortie)
        raise SystemExit(f"échec de la commande (code {processus.returncode})")
    processeur = sum(getattr(apres, c) - getattr(avant, c) for c in ("ru_utime", "ru_stime"))
    return Mesure(duree, processeur, memoire.pic, memoire.pic_principal, sortie)


def preparer(dossier: Path, salaries: int, salles: int, registre: Path | None = None) -> None:
    """Registre et paramètres d'un dossier de sorties à lui (une campagne d'un autre
    dossier de sorties prendrait les rendez-vous de celle-ci pour les siens)."""
    dossier.mkdir(parents=True, exist_ok=True)
    if registre is None:
        registre_synthetique(salaries, dossier / "registre.xlsx")
    else:
        shutil.copyfile(registre, dossier / "registre.xlsx")
    parametres(dossier / "parametres.toml", salles)
    (dossier / "parametres.toml").write_text(
        (dossier / "parametres.toml").read_text(encoding="utf-8")
        + f'\n[fichiers]\nsorties = "{dossier / "sorties"}"\n',
        encoding="utf-8",
    )


def compter(campagne: Path) -> Counter[str]:
    with open(campagne / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
        return Counter(ligne["type_document"] for ligne in csv.DictReader(f, delimiter=";"))


def charge() -> str:
    un, cinq, _quinze = os.getloadavg()
    return f"charge {un:.2f} (1 min), {cinq:.2f} (5 min) sur {os.cpu_count()} cœurs"


def reference_docxtpl(dossier: Path, echantillon: int) -> float:
    """Secondes de processeur par document en docxtpl ordinaire, sur les mêmes modèles et
    contextes réels."""
    from docxtpl import DocxTemplate

    from pipeline.config import charger_parametres
    from pipeline.contexte import iterer_contextes_salaries
    from pipeline.registre import lire_registre
    from pipeline.regles import calculer_obligations, lister_echeances
    from pipeline.relecture_planning import lire_planning
    from pipeline.rendu import environnement_jinja

    reglages = charger_parametres(dossier / "parametres.toml")
    registre = lire_registre(dossier / "registre.xlsx")
    obligations = calculer_obligations(registre, AU, reglages.regles, 10000)
    echeances = lister_echeances(obligations, registre)
    planning = lire_planning(dossier / "sorties" / "jobs1" / "planning.xlsx", registre, reglages)
    entretiens = planning.entretiens.head(echantillon // 3 + 1)
    env = environnement_jinja()
    sortie = dossier / "reference.docx"
    contextes = [
        c for _, c in iterer_contextes_salaries(echeances, entretiens, registre, reglages, AU)
    ]
    documents, debut = 0, time.process_time()
    for contexte in contextes:
        for nom in ("convocation", "support_preparation", "compte_rendu"):
            modele = DocxTemplate(str(RACINE / "modeles_word" / f"{nom}.docx"))
            modele.render(contexte, jinja_env=env)
            modele.save(str(sortie))
            documents += 1
    return (time.process_time() - debut) / documents


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--salaries", type=int, default=5_000)
    analyseur.add_argument("--petit", type=int, default=1_000, help="seconde taille (mémoire)")
    analyseur.add_argument("--salles", type=int, default=400)
    analyseur.add_argument("--echantillon", type=int, default=150, help="docs de référence")
    options = analyseur.parse_args()
    print(f"Avant : {charge()}", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-campagne-") as temporaire:
        grand, petit = Path(temporaire) / "grand", Path(temporaire) / "petit"
        deux = Path(temporaire) / "jobs2"
        print(f"Registres synthétiques : {options.salaries} et {options.petit} salariés…")
        preparer(grand, options.salaries, options.salles)
        preparer(deux, options.salaries, options.salles, registre=grand / "registre.xlsx")
        preparer(petit, options.petit, options.salles)
        print("Première génération, --jobs 1…", flush=True)
        jobs1 = lancer(grand, "jobs1", 1)
        types = compter(grand / "sorties" / "jobs1")
        documents = sum(v for k, v in types.items() if k not in ("echeances", "planning", "source"))
        print("Relance sans changement…", flush=True)
        relance = lancer(grand, "jobs1", 1)
        if f"Documents conservés   : {documents}\n" not in relance.sortie:
            print(relance.sortie)
            raise SystemExit("la relance aurait dû conserver tous les documents")
        print("Même génération, --jobs 2…", flush=True)
        jobs2 = lancer(deux, "jobs1", 2)
        if compter(deux / "sorties" / "jobs1") != types:
            raise SystemExit("--jobs 2 aurait dû produire les mêmes documents que --jobs 1")
        print(f"Mémoire à {options.petit} salariés…", flush=True)
        petite = lancer(petit, "jobs1", 2)
        print(f"Référence docxtpl ordinaire : {options.echantillon} documents…", flush=True)
        reference = reference_docxtpl(grand, options.echantillon)
        non_planifies = next(
            (
                ligne.split(":")[1].strip()
                for ligne in jobs1.sortie.splitlines()
                if "Non planifiés" in ligne
            ),
            "?",
        )
    print(f"Après : {charge()}")

    par_document = jobs1.processeur / documents
    print()
    print(f"{'salariés':<46}{options.salaries:>12}")
    print(f"{'documents Word produits':<46}{documents:>12}")
    print(f"{'non planifiés':<46}{non_planifies:>12}")
    print(f"{'--jobs 1 : temps total (s)':<46}{jobs1.duree:>12.1f}")
    print(
        f"{'--jobs 1 : processeur par document (ms)':<46}{par_document * 1000:>12.2f}"
        "   objectif ≤ 1,2"
    )
    print(f"{'docxtpl ordinaire : processeur par document (ms)':<46}{reference * 1000:>12.1f}")
    print(
        f"{'rapport à docxtpl ordinaire, 1 processus':<46}{reference / par_document:>11.1f}×"
        "   objectif ≥ 20"
    )
    print(f"{'relance sans changement (s)':<46}{relance.duree:>12.2f}")
    print(f"{'--jobs 2 : temps total (s)':<46}{jobs2.duree:>12.1f}")
    print(
        f"{'rapport --jobs 2 / --jobs 1':<46}{jobs1.duree / jobs2.duree:>11.2f}×   objectif ≥ 1,9"
    )
    # Sur une machine partagée, le rapport des durées dépend des cœurs laissés libres par
    # les autres ; le processeur consommé, lui, montre le coût propre du parallélisme.
    print(
        f"{'processeur --jobs 2 / --jobs 1':<46}{jobs2.processeur / jobs1.processeur:>11.2f}×"
        "   (1,00 : aucun travail en plus)"
    )
    for taille, mesure in ((options.petit, petite), (options.salaries, jobs2)):
        print(
            f"{f'mémoire maximale à {taille} salariés (Mio)':<46}"
            f"{mesure.memoire_principal / 2**20:>12.0f}   processus principal ; "
            f"{mesure.memoire / 2**20:.0f} avec les processus de rendu"
        )
    for nom, nombre in sorted(types.items()):
        print(f"    {nom:<42}{nombre:>12}")


if __name__ == "__main__":
    main()
