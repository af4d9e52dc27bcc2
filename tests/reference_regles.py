# ruff: noqa: B023  (fonctions locales appelées aussitôt dans la boucle : liaison voulue)
"""Implémentation de référence, volontairement naïve, de docs/specs/regles.md.

Un salarié à la fois, des boucles Python, des `datetime.date` et un `ajouter_mois` maison
écrit avec `calendar.monthrange` : rien n'est partagé avec pipeline/regles.py (pas même la
liste des motifs déclenchants), pour que les deux implémentations ne puissent pas se
tromper de la même façon. Les tests de propriétés vérifient qu'elles donnent exactement
les mêmes obligations. Elle suit la version 2 de la spécification et les choix du README
(ancien délai min(P, 24) mois, week-end qui ne coupe pas une chaîne d'absences, entretien
avant 60 ans « manquée » après le 60e anniversaire).

Contient aussi `registre_de_test`, qui fabrique un objet « façon Registre » (mêmes
attributs et colonnes que le contrat de pipeline/registre.py) à partir de listes.
"""

from __future__ import annotations

import calendar
import re
import types
from datetime import date, timedelta

import pandas as pd

VIGUEUR = date(2025, 10, 26)
PREMIER_AU_PLUS_TOT = date(2016, 3, 7)  # deux ans après la loi n° 2014-288
ANCIENS = {"maternite", "adoption", "conge_parental", "proche_aidant", "sabbatique",
           "mobilite_volontaire", "longue_maladie", "mandat_syndical"}  # fmt: skip
DECLENCHEURS = {"2014": ANCIENS, "2025": ANCIENS | {"conge_naissance"}}


def ajouter_mois(d: date, n: int) -> date:
    total = d.year * 12 + (d.month - 1) + n
    annee, mois = divmod(total, 12)
    mois += 1
    return date(annee, mois, min(d.day, calendar.monthrange(annee, mois)[1]))


def _date(valeur) -> date | None:
    if valeur is None or pd.isna(valeur):
        return None
    return valeur.date() if hasattr(valeur, "date") else valeur


def _fin_trimestre_suivant(d: date) -> date:
    trimestre = (d.month - 1) // 3  # 0..3
    suivant = trimestre + 1
    annee = d.year + suivant // 4
    mois_fin = (suivant % 4) * 3 + 3
    return date(annee, mois_fin, calendar.monthrange(annee, mois_fin)[1])


def _lundi_si_week_end(d: date) -> date:
    if d.weekday() == 5:
        return d + timedelta(days=2)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


def chaines_d_absences(absences: list[tuple], au: date) -> list[list[tuple]]:
    """Les absences (motif, début, fin, reprise) commencées au plus tard `au`, en chaînes.

    Chaque absence de la liste rendue porte sa reprise R (None : en cours) en 5e position.
    """
    retenues = []
    for motif, debut, fin, reprise in absences:
        if debut is None or debut > au:
            continue
        R = reprise if reprise is not None else (fin + timedelta(days=1) if fin else None)
        retenues.append((motif, debut, fin, reprise, R))
    retenues.sort(key=lambda a: (a[1], a[0]))
    chaines: list[list[tuple]] = []
    for absence in retenues:
        if chaines:
            reprises = [a[4] for a in chaines[-1]]
            if None in reprises or absence[1] <= _lundi_si_week_end(max(reprises)):
                chaines[-1].append(absence)
                continue
        chaines.append([absence])
    return chaines


def obligations_reference(
    registre,
    au: date,
    regime: str,
    periodicite_mois: int,
    effectif: int,
    horizon: int = 60,
    delai_retour: int = 30,
) -> list[dict]:
    """Une liste de dicts : matricule, type, echeance, honoree, statut (+ chiffres EdL)."""
    P = periodicite_mois or (48 if regime == "2025" else 24)
    limite = au + timedelta(days=horizon)

    par_salarie: dict[str, dict[str, list]] = {}

    def seau(matricule: str) -> dict[str, list]:
        return par_salarie.setdefault(
            matricule, {"entretiens": [], "absences": [], "formations": [], "evolutions": []}
        )

    for ligne in registre.entretiens.to_dict("records"):
        d = _date(ligne["date"])
        if d is not None and d <= au:
            seau(str(ligne["matricule"]))["entretiens"].append((d, ligne["type"]))
    for ligne in registre.absences.to_dict("records"):
        seau(str(ligne["matricule"]))["absences"].append(
            (
                ligne["motif"],
                _date(ligne["date_debut"]),
                _date(ligne["date_fin"]),
                _date(ligne["date_reprise"]),
            )
        )
    for ligne in registre.formations.to_dict("records"):
        d = _date(ligne["date"])
        if d is not None and d <= au:
            intitule = str(ligne["intitule"]).lower()
            vae = "validation des acquis" in intitule or re.search(r"\bvae\b", intitule)
            seau(str(ligne["matricule"]))["formations"].append(
                (d, bool(ligne["obligatoire"]), bool(ligne["certifiante"]) or bool(vae))
            )
    for ligne in registre.evolutions.to_dict("records"):
        d = _date(ligne["date"])
        if d is not None and d <= au:
            seau(str(ligne["matricule"]))["evolutions"].append(d)

    resultat: list[dict] = []

    def ajouter(matricule, type_, echeance, honoree, manquee=False, **details):
        if honoree:
            statut = "honoree"
        elif manquee:
            statut = "manquee"
        elif echeance < au:
            statut = "en_retard"
        elif echeance <= limite:
            statut = "a_planifier"
        else:
            statut = "a_venir"
        resultat.append(
            {
                "matricule": matricule,
                "type": type_,
                "echeance": echeance,
                "honoree": honoree,
                "statut": statut,
                **details,
            }
        )

    for sal in registre.salaries.to_dict("records"):
        matricule = str(sal["matricule"])
        H = _date(sal["date_entree"])
        S = _date(sal["date_sortie"])
        B = _date(sal["date_naissance"])
        V = _date(sal["date_visite_mi_carriere"])
        if H is None or H > au or (S is not None and S < au):
            continue
        donnees = par_salarie.get(
            matricule, {"entretiens": [], "absences": [], "formations": [], "evolutions": []}
        )
        E = donnees["entretiens"]
        dates_E = [d for d, _ in E]

        # 3.1
        if not any(d >= H for d in dates_E):
            if regime == "2025":
                if H >= VIGUEUR:
                    echeance = ajouter_mois(H, 12)
                else:
                    ancienne = max(ajouter_mois(H, 24), PREMIER_AU_PLUS_TOT)
                    if ancienne < VIGUEUR:
                        echeance = ancienne
                    else:
                        echeance = min(ancienne, ajouter_mois(VIGUEUR, 12))
                ajouter(matricule, "premier", echeance, False)
            else:
                echeance = max(ajouter_mois(H, P), PREMIER_AU_PLUS_TOT)
                ajouter(matricule, "periodique", echeance, False)
        else:
            L = max(dates_E)
            echeance = ajouter_mois(L, P)
            if regime == "2025" and ajouter_mois(L, min(P, 24)) < VIGUEUR:
                echeance = ajouter_mois(L, min(P, 24))
            ajouter(matricule, "periodique", echeance, False)

        # 3.2
        if regime == "2025":
            cycle, depart, j = 96, H, 1
            while ajouter_mois(H, 72 * j) < VIGUEUR:
                depart = ajouter_mois(H, 72 * j)  # A0 : le dernier à 6 ans échu avant T
                j += 1
        else:
            cycle, depart = 72, H

        def anniversaire(k: int) -> date:
            return ajouter_mois(depart, cycle * k)

        def edl(k: int) -> bool:
            A = anniversaire(k)
            debut_h = ajouter_mois(A, -12)
            fin_h = ajouter_mois(anniversaire(k + 1), -12)
            tenus = sorted(d for d, t in E if debut_h <= d < fin_h and t == "etat_des_lieux")
            honoree = bool(tenus)
            debut = anniversaire(k - 1)
            prevus = cycle // P
            if A > limite:  # au-delà de l'horizon : chiffres non calculés
                ajouter(matricule, "etat_des_lieux", A, honoree, edl_debut=debut, edl_fin=A,
                        entretiens_prevus=prevus)  # fmt: skip
                return honoree
            realises = sum(1 for d in dates_E if debut <= d <= A)
            forms = [f for f in donnees["formations"] if debut <= f[0] <= A]
            libre = any(not obligatoire for _, obligatoire, _ in forms)
            abondement = effectif >= 50 and realises < prevus and not libre
            versement = _fin_trimestre_suivant(tenus[0] if honoree else A)
            ajouter(
                matricule,
                "etat_des_lieux",
                A,
                honoree,
                edl_debut=debut,
                edl_fin=A,
                entretiens_realises=realises,
                entretiens_prevus=prevus,
                formation_non_obligatoire=libre,
                critere_formation=bool(forms),
                critere_certification=any(c for _, _, c in forms),
                critere_progression=any(debut <= d <= A for d in donnees["evolutions"]),
                abondement_correctif=abondement,
                montant_abondement=3000 if abondement else 0,
                date_limite_versement=versement if abondement else None,
            )
            return honoree

        k = 0
        while anniversaire(k + 1) <= limite:
            k += 1
        if k == 0 or edl(k):
            edl(k + 1)

        # 3.3
        for chaine in chaines_d_absences(donnees["absences"], au):
            reprises = [a[4] for a in chaine]
            declenchantes = [a for a in chaine if a[0] in DECLENCHEURS[regime]]
            if None in reprises or not declenchantes:
                continue
            R, debut = max(reprises), chaine[0][1]
            if regime == "2025" and R >= VIGUEUR:
                honoree = any(d >= ajouter_mois(R, -12) for d in dates_E)
            else:
                honoree = any(d >= debut for d in dates_E)
            ajouter(
                matricule,
                "retour",
                R + timedelta(days=delai_retour),
                honoree,
                reprise=R,
                motif_absence=declenchantes[0][0],
                debut_absence=debut,
            )

        if regime != "2025":
            continue
        # 3.4
        if V is not None:
            if V >= VIGUEUR:
                ajouter(matricule, "mi_carriere", ajouter_mois(V, 2), any(d >= V for d in dates_E))
        elif B is not None and B.year + 45 >= 2026:
            y45 = B.year + 45
            fin_fevrier = date(y45 + 1, 3, 1) - timedelta(days=1)
            honoree = any(d >= date(y45, 1, 1) and t == "mi_carriere" for d, t in E)
            ajouter(matricule, "mi_carriere", fin_fevrier, honoree)
        # 3.5
        if B is not None:
            B60 = ajouter_mois(B, 720)
            if B60 - timedelta(days=1) >= VIGUEUR:
                debut = ajouter_mois(B60, -24)
                honoree = any(debut <= d < B60 for d in dates_E)
                # Passé le 60e anniversaire : « manquée » s'il n'a pas eu lieu.
                ajouter(matricule, "avant_60", B60 - timedelta(days=1), honoree,
                        manquee=au >= B60 and not honoree)  # fmt: skip
    return resultat


# ---------------------------------------------------------------------------
# Fabrication de registres de test (même contrat que pipeline/registre.py)

COLONNES = {
    "salaries": [
        "matricule",
        "civilite",
        "nom",
        "prenom",
        "email",
        "poste",
        "service",
        "etablissement",
        "matricule_manager",
        "adresse",
        "code_postal",
        "ville",
        "date_naissance",
        "date_entree",
        "date_sortie",
        "date_visite_mi_carriere",
        "ligne",
        "autres",
    ],
    "entretiens": ["matricule", "date", "type", "conduit_par", "commentaire", "ligne"],
    "absences": [
        "matricule",
        "motif",
        "libelle_motif",
        "date_debut",
        "date_fin",
        "date_reprise",
        "ligne",
    ],
    "formations": ["matricule", "intitule", "date", "obligatoire", "certifiante", "ligne"],
    "evolutions": ["matricule", "date", "nature", "commentaire", "ligne"],
}
DATES = {
    "salaries": ["date_naissance", "date_entree", "date_sortie", "date_visite_mi_carriere"],
    "entretiens": ["date"],
    "absences": ["date_debut", "date_fin", "date_reprise"],
    "formations": ["date"],
    "evolutions": ["date"],
}


def _table(nom: str, lignes: list[dict]) -> pd.DataFrame:
    colonnes = COLONNES[nom]
    complet = []
    for i, ligne in enumerate(lignes, start=2):
        base = {c: "" for c in colonnes}
        base.update({c: None for c in DATES[nom]})
        base.update(ligne=i, autres={})
        if nom == "formations":
            base.update(obligatoire=False, certifiante=False)
        base.update(ligne)
        complet.append(base)
    df = pd.DataFrame(complet, columns=colonnes)
    for c in DATES[nom]:
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    if nom == "formations":
        df["obligatoire"] = df["obligatoire"].astype(bool)
        df["certifiante"] = df["certifiante"].astype(bool)
    df["ligne"] = df["ligne"].astype("int64")
    return df


def registre_de_test(salaries=(), entretiens=(), absences=(), formations=(), evolutions=()):
    """Un objet avec les cinq tables du contrat Registre, construites depuis des dicts."""
    return types.SimpleNamespace(
        salaries=_table("salaries", list(salaries)),
        entretiens=_table("entretiens", list(entretiens)),
        absences=_table("absences", list(absences)),
        formations=_table("formations", list(formations)),
        evolutions=_table("evolutions", list(evolutions)),
        avertissements=[],
        chemin=None,
    )
