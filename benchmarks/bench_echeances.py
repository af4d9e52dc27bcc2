"""Banc d'essai du moteur de règles sur un registre de 100 000 salariés.

Construit un classeur réaliste (≈ 300 000 entretiens, 50 000 absences, formations et
évolutions) dans un dossier temporaire, puis mesure :
1. la lecture du classeur par `pipeline.registre.lire_registre` ;
2. `calculer_obligations` (+ `lister_echeances`) sur tout le registre ;
3. l'implémentation naïve de tests/reference_regles.py, mesurée dans la même exécution
   sur un sous-ensemble de salariés puis extrapolée linéairement (elle est en O(n)).

Objectifs (issue 2) : règles nettement plus rapides que la lecture ; au moins 20 fois
plus rapides que l'implémentation naïve.

    .venv/bin/python benchmarks/bench_echeances.py [--salaries 100000] [--sous-ensemble 10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import types
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
sys.path.insert(0, str(RACINE / "tests"))

from reference_regles import COLONNES, obligations_reference  # noqa: E402

from pipeline.config import Regles  # noqa: E402
from pipeline.regles import calculer_obligations, lister_echeances  # noqa: E402

AU = date(2026, 3, 2)
TYPES = np.array(["periodique"] * 6 + ["premier", "retour", "etat_des_lieux", "mi_carriere",
                                       "avant_60"])  # fmt: skip
MOTIFS = np.array(
    ["maternite", "adoption", "conge_parental", "proche_aidant", "sabbatique",
     "mobilite_volontaire", "longue_maladie", "mandat_syndical", "maladie", "paternite",
     "conges_payes", "sans_solde", "accident_travail", "autre", "conge_naissance", "naissance"]
)  # fmt: skip
PRENOMS = np.array(["Élise", "Léo", "Zoé", "Chloé", "Noël", "Inès", "Jérôme", "Anaïs"])


def _jours(rng, debut: np.ndarray, etendue: np.ndarray) -> np.ndarray:
    return debut + (rng.random(len(debut)) * etendue).astype("timedelta64[D]")


def generer(n: int, graine: int = 2026) -> dict[str, pd.DataFrame]:
    """Tables au format du contrat Registre (colonnes de pipeline/registre.py)."""
    rng = np.random.default_rng(graine)
    d = np.datetime64(AU, "D")
    debut = np.datetime64("1990-01-01")
    H = _jours(rng, np.full(n, debut), np.full(n, (d - debut).astype(int) + 200))
    B = H - (rng.integers(18 * 365, 45 * 365, n)).astype("timedelta64[D]")
    B[rng.random(n) < 0.05] = np.datetime64("NaT")
    V = np.where(
        rng.random(n) < 0.2,
        _jours(rng, np.full(n, np.datetime64("2025-01-01")), np.full(n, 700)),
        np.datetime64("NaT"),
    )
    S = np.where(rng.random(n) < 0.05, _jours(rng, H, np.full(n, 4000)), np.datetime64("NaT"))
    matricules = np.char.add("M", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    salaries = pd.DataFrame(
        {
            "matricule": matricules,
            "nom": np.char.add("Nom", np.arange(n).astype(str)),
            "prenom": PRENOMS[rng.integers(0, len(PRENOMS), n)],
            "service": np.array(["Atelier", "Ventes", "Direction", "Logistique"])[
                rng.integers(0, 4, n)
            ],
            "date_naissance": B,
            "date_entree": H,
            "date_sortie": S,
            "date_visite_mi_carriere": V,
        }
    )

    def evenements(nombre: int, marge: int) -> tuple[np.ndarray, np.ndarray]:
        # Jamais avant l'embauche (une absence finie avant l'entrée est une erreur du
        # registre), même pour les embauches postérieures à D.
        qui = rng.integers(0, n, nombre)
        quand = _jours(rng, H[qui], np.maximum((d - H[qui]).astype(int) + marge, 0))
        return qui, quand

    qui, quand = evenements(3 * n, 200)  # quelques entretiens datés après D
    entretiens = pd.DataFrame(
        {"matricule": matricules[qui], "date": quand,
         "type": TYPES[rng.integers(0, len(TYPES), len(qui))]}
    )  # fmt: skip
    qui, debut_abs = evenements(n // 2, 100)
    fin = debut_abs + rng.integers(0, 400, len(qui)).astype("timedelta64[D]")
    forme = rng.integers(0, 10, len(qui))
    absences = pd.DataFrame(
        {
            "matricule": matricules[qui],
            "motif": MOTIFS[rng.integers(0, len(MOTIFS), len(qui))],
            "date_debut": debut_abs,
            "date_fin": np.where(forme < 6, fin, np.datetime64("NaT")),
            "date_reprise": np.where((forme >= 4) & (forme < 9), fin + 1, np.datetime64("NaT")),
        }
    )
    qui, quand = evenements(n // 2, 100)
    formations = pd.DataFrame(
        {
            "matricule": matricules[qui],
            "intitule": np.array(["Anglais", "Habilitation électrique", "Parcours VAE", "CACES"])[
                rng.integers(0, 4, len(qui))
            ],
            "date": quand,
            "obligatoire": rng.random(len(qui)) < 0.5,
            "certifiante": rng.random(len(qui)) < 0.2,
        }
    )
    qui, quand = evenements(n // 4, 0)
    evolutions = pd.DataFrame(
        {"matricule": matricules[qui], "date": quand,
         "nature": np.where(rng.random(len(qui)) < 0.5, "salariale", "professionnelle")}
    )  # fmt: skip
    return {"salaries": salaries, "entretiens": entretiens, "absences": absences,
            "formations": formations, "evolutions": evolutions}  # fmt: skip


ENTETES = {
    "salaries": ("Salariés", {"matricule": "Matricule", "nom": "Nom", "prenom": "Prénom",
                              "service": "Service", "date_naissance": "Date de naissance",
                              "date_entree": "Date d'entrée", "date_sortie": "Date de sortie",
                              "date_visite_mi_carriere": "Date visite mi-carrière"}),
    "entretiens": ("Entretiens", {"matricule": "Matricule", "date": "Date", "type": "Type"}),
    "absences": ("Absences", {"matricule": "Matricule", "motif": "Motif",
                              "date_debut": "Date de début", "date_fin": "Date de fin",
                              "date_reprise": "Date de reprise"}),
    "formations": ("Formations", {"matricule": "Matricule", "intitule": "Intitulé",
                                  "date": "Date", "obligatoire": "Obligatoire",
                                  "certifiante": "Certifiante"}),
    "evolutions": ("Évolutions", {"matricule": "Matricule", "date": "Date", "nature": "Nature"}),
}  # fmt: skip


def ecrire_classeur(
    tables: dict[str, pd.DataFrame], chemin: Path, entetes_en_plus: dict | None = None
) -> None:
    """Écrit les tables ; `entetes_en_plus` : {table: {colonne: en-tête}} (autres bancs)."""
    classeur = Workbook(write_only=True)
    for table, (feuille, entetes) in ENTETES.items():
        entetes = {**entetes, **(entetes_en_plus or {}).get(table, {})}
        ws = classeur.create_sheet(feuille)
        ws.append(list(entetes.values()))
        df = tables[table]
        colonnes = []
        for nom in entetes:
            valeurs = df[nom].to_numpy()
            if np.issubdtype(valeurs.dtype, np.datetime64):
                valeurs = valeurs.astype("datetime64[D]").astype(object)  # date ou None
            elif valeurs.dtype == bool:
                valeurs = np.where(valeurs, "oui", "non")
            colonnes.append(valeurs.tolist())
        for ligne in zip(*colonnes, strict=True):
            ws.append(ligne)
    classeur.save(chemin)


def registre_en_memoire(tables: dict[str, pd.DataFrame]) -> types.SimpleNamespace:
    """Le même registre sans passer par Excel (si lire_registre n'est pas disponible)."""
    completes = {}
    for table, colonnes in COLONNES.items():
        df = tables[table].copy()
        for c in colonnes:
            if c not in df:
                df[c] = [{}] * len(df) if c == "autres" else ("" if c != "ligne" else 0)
        for c in df.columns:
            if pd.api.types.is_datetime64_any_dtype(df[c]):
                df[c] = df[c].astype("datetime64[ns]")
        completes[table] = df[colonnes]
    return types.SimpleNamespace(**completes, avertissements=[], chemin=None)


def sous_registre(registre, matricules: set[str]) -> types.SimpleNamespace:
    tables = {}
    for table in ("salaries", "entretiens", "absences", "formations", "evolutions"):
        df = getattr(registre, table)
        tables[table] = df[df["matricule"].isin(matricules)].reset_index(drop=True)
    return types.SimpleNamespace(**tables, avertissements=[], chemin=None)


def chrono(fonction, repetitions: int = 1):
    meilleur, resultat = float("inf"), None
    for _ in range(repetitions):
        debut = time.perf_counter()
        resultat = fonction()
        meilleur = min(meilleur, time.perf_counter() - debut)
    return meilleur, resultat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--salaries", type=int, default=100_000)
    parser.add_argument("--sous-ensemble", type=int, default=10_000)
    args = parser.parse_args()
    n, m = args.salaries, min(args.sous_ensemble, args.salaries)
    regles = Regles()

    t_gen, tables = chrono(lambda: generer(n))
    print(
        f"Registre généré : {n} salariés, {len(tables['entretiens'])} entretiens, "
        f"{len(tables['absences'])} absences, {len(tables['formations'])} formations, "
        f"{len(tables['evolutions'])} évolutions ({t_gen:.1f} s)"
    )
    lignes: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "registre_100k.xlsx"
        t_ecr, _ = chrono(lambda: ecrire_classeur(tables, chemin))
        print(f"Classeur écrit : {chemin.stat().st_size / 1e6:.1f} Mo ({t_ecr:.1f} s)")
        registre = None
        try:
            from pipeline.registre import lire_registre
        except ImportError as exc:
            print(f"pipeline.registre.lire_registre indisponible ({exc}) : lecture non mesurée.")
        else:
            t_lect, registre = chrono(lambda: lire_registre(chemin))
            lignes.append(("Lecture du classeur (lire_registre)", t_lect))
    if registre is None:
        registre = registre_en_memoire(tables)

    t_regles, obligations = chrono(lambda: calculer_obligations(registre, AU, regles, 120), 3)
    lignes.append((f"calculer_obligations ({n} salariés)", t_regles))
    t_liste, liste = chrono(lambda: lister_echeances(obligations, registre, tout=True), 3)
    lignes.append(("lister_echeances (--tout)", t_liste))

    sous = sous_registre(registre, set(registre.salaries["matricule"].iloc[:m]))
    t_ref, reference = chrono(lambda: obligations_reference(sous, AU, "2025", 0, 120), 3)
    t_vec_sous, vec_sous = chrono(lambda: calculer_obligations(sous, AU, regles, 120), 3)
    assert len(reference) == len(vec_sous), (len(reference), len(vec_sous))
    t_ref_extrapole = t_ref * n / m
    lignes.append((f"référence naïve ({m} salariés, mesuré)", t_ref))
    lignes.append((f"référence naïve extrapolée à {n} (× {n / m:g})", t_ref_extrapole))

    print(f"\n{len(obligations)} obligations, {len(liste)} lignes listées avec --tout.\n")
    largeur = max(len(nom) for nom, _ in lignes)
    print(f"{'étape':<{largeur}}  {'secondes':>9}")
    for nom, duree in lignes:
        print(f"{nom:<{largeur}}  {duree:9.3f}")
    print()
    if lignes[0][0].startswith("Lecture"):
        print(f"lecture / règles                      : {lignes[0][1] / t_regles:7.1f}×")
    print(f"référence / règles (même sous-ensemble): {t_ref / t_vec_sous:7.1f}×"
          f"  ({m} salariés : {t_ref:.2f} s contre {t_vec_sous:.3f} s)")  # fmt: skip
    print(f"référence extrapolée / règles ({n})   : {t_ref_extrapole / t_regles:7.1f}×"
          "  (objectif ≥ 20×)")  # fmt: skip
    print(
        f"\nRéférence mesurée sur {m} salariés puis extrapolée linéairement (× {n / m:g}) ; "
        "elle ne rédige pas les motifs, le moteur vectorisé si. Meilleur de 3 essais."
    )


if __name__ == "__main__":
    main()
