"""Banc d'essai de bout en bout : `entretiens convocations` sur un registre de 10 000 salariés.

Construit un registre synthétique (le générateur de bench_echeances.py, plus des managers
et des adresses), des paramètres avec assez de salles et de créneaux pour que presque tout
le monde soit planifié, puis lance la vraie commande dans un sous-processus et mesure :

- le temps total (lecture, règles, planning, tous les documents, manifeste) ;
- le nombre de documents et les documents par seconde ;
- la mémoire maximale de l'arbre de processus (principal + processus de rendu), relevée
  dans /proc toutes les 50 ms ;
- la référence mesurée dans la même exécution : docxtpl simple (DocxTemplate, render,
  save) sur un échantillon des mêmes contextes, extrapolé au nombre de documents.

Objectifs (issue 4) : moins de 60 s et moins de 1 Go sur cette machine à 2 cœurs.

    .venv/bin/python benchmarks/bench_campagne.py [--salaries 10000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
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
    """Relève la somme des RSS d'un processus et de ses descendants (Linux, /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.pic, self._fin = pid, 0, threading.Event()
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
                                total += int(ligne.split()[1]) * 1024
                except OSError:
                    pass
            self.pic = max(self.pic, total)


def reference_docxtpl(dossier: Path, echantillon: int) -> float:
    """Secondes par document en docxtpl simple, sur les mêmes modèles et contextes réels."""
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
    planning = lire_planning(dossier / "sorties" / "bench" / "planning.xlsx", registre, reglages)
    entretiens = planning.entretiens.head(echantillon // 3 + 1)
    env = environnement_jinja()
    sortie = dossier / "reference.docx"
    documents, debut = 0, time.perf_counter()
    for _, contexte in iterer_contextes_salaries(echeances, entretiens, registre, reglages, AU):
        for nom in ("convocation", "support_preparation", "compte_rendu"):
            modele = DocxTemplate(str(RACINE / "modeles_word" / f"{nom}.docx"))
            modele.render(contexte, jinja_env=env)
            modele.save(str(sortie))
            documents += 1
    return (time.perf_counter() - debut) / documents


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--salaries", type=int, default=10_000)
    analyseur.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    analyseur.add_argument("--salles", type=int, default=400)
    analyseur.add_argument("--echantillon", type=int, default=150, help="docs de référence")
    options = analyseur.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-campagne-") as temporaire:
        dossier = Path(temporaire)
        print(f"Registre synthétique : {options.salaries} salariés…", flush=True)
        registre = dossier / "registre.xlsx"
        registre_synthetique(options.salaries, registre)
        parametres(dossier / "parametres.toml", options.salles)
        (dossier / "parametres.toml").write_text(
            (dossier / "parametres.toml").read_text(encoding="utf-8")
            + f'\n[fichiers]\nsorties = "{dossier / "sorties"}"\n',
            encoding="utf-8",
        )
        commande = [
            sys.executable, "-m", "pipeline", "convocations",
            "--registre", str(registre), "--parametres", str(dossier / "parametres.toml"),
            "--au", AU.isoformat(), "--campagne", "bench", "--jobs", str(options.jobs),
        ]  # fmt: skip
        debut = time.perf_counter()
        processus = subprocess.Popen(
            commande, cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        with MemoireArbre(processus.pid) as memoire:
            sortie, _ = processus.communicate()
        duree = time.perf_counter() - debut
        if processus.returncode != 0:
            print(sortie)
            raise SystemExit(f"échec de la commande (code {processus.returncode})")

        campagne = dossier / "sorties" / "bench"
        with open(campagne / "manifeste.csv", encoding="utf-8-sig", newline="") as f:
            types = Counter(ligne["type_document"] for ligne in csv.DictReader(f, delimiter=";"))
        documents = sum(v for k, v in types.items() if k not in ("echeances", "planning"))
        non_planifies = next(
            (
                ligne.split(":")[1].strip()
                for ligne in sortie.splitlines()
                if "Non planifiés" in ligne
            ),
            "?",
        )
        print(f"Référence docxtpl simple : {options.echantillon} documents…", flush=True)
        par_document = reference_docxtpl(dossier, options.echantillon)

    estimation_reference = par_document * documents
    print()
    print(f"{'salariés':<38}{options.salaries:>12}")
    print(f"{'documents Word produits':<38}{documents:>12}")
    print(f"{'non planifiés':<38}{non_planifies:>12}")
    print(f"{'processus de rendu (--jobs)':<38}{options.jobs:>12}")
    print(f"{'temps total (s)':<38}{duree:>12.1f}   objectif < 60")
    print(f"{'documents par seconde':<38}{documents / duree:>12.0f}")
    print(
        f"{'mémoire maximale, tous processus (Mo)':<38}{memoire.pic / 1e6:>12.0f}   objectif < 1000"
    )
    print(f"{'docxtpl simple, 1 processus (s, estimé)':<38}{estimation_reference:>12.1f}")
    print(f"{'accélération sur docxtpl simple':<38}{estimation_reference / duree:>11.1f}×")
    for nom, nombre in sorted(types.items()):
        print(f"    {nom:<34}{nombre:>12}")


if __name__ == "__main__":
    main()
