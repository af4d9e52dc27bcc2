"""Moteur de règles : registre + date de référence -> obligations d'entretien.

Contrat : `docs/specs/regles.md` (les notations D, H, B, V, E, P, C, A_k viennent de
là). Fonctions pures : pas d'entrée-sortie, pas d'horloge (la date `au` est un paramètre).

Tout est vectorisé sur des tableaux numpy de jours (`datetime64[D]`) : un registre de
100 000 salariés se calcule en une fraction de seconde, sans boucle Python par salarié.
Ce module dit les règles ; leurs outils, purs eux aussi, sont à côté : l'arithmétique des
dates et l'index des événements datés (« le salarié i a-t-il un entretien daté dans
[a, b) ? », `pipeline.dates_vectorisees`), les absences regroupées en chaînes (regles.md
§3.3, `pipeline.chaines_absences`) et les colonnes de textes codées qui portent les motifs
(`pipeline.textes_codes`).

Une seconde implémentation, naïve et volontairement indépendante (tests/reference_regles.py),
est comparée à celle-ci sur des milliers de salariés aléatoires : c'est notre garde-fou
contre les erreurs de dates.

Ce que contient la table des obligations (une ligne par obligation, non triée) :
- `premier` ou `periodique` : exactement une par salarié pris en compte, la prochaine due
  (un périodique honoré n'a pas de ligne : son successeur est déjà celle-ci) ;
- `etat_des_lieux` : celui du dernier anniversaire A_k* ≤ D + horizon s'il existe, plus,
  s'il est honoré ou s'il n'existe pas, le suivant (A_k*+1) « à venir ». Les chiffres
  (entretiens réalisés, critères, abondement) d'un état des lieux au-delà de l'horizon
  restent vides : sa fenêtre est loin d'être close ;
- `retour` : une par chaîne d'absences (absences qui s'enchaînent, regles.md §3.3)
  commencée au plus tard D, dont une absence est déclenchante et dont la reprise est connue ;
- `mi_carriere`, `avant_60` (régime 2025) : une chacune quand elles s'appliquent.
Les obligations honorées y figurent (statut « honoree ») pour le tableau de bord et les
documents, comme l'entretien avant 60 ans qui n'a pas eu lieu et ne peut plus l'être
(statut « manquee », à partir du 60e anniversaire) ; `lister_echeances` ne garde que ce qui
est à faire (et, avec `tout`, ce qui est « a_venir » : c'est ce que liste
`entretiens echeances --tout`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pipeline import schema
from pipeline.chaines_absences import Chaines, par_chaine
from pipeline.config import REGIMES_LEGAUX, Regles, verifier_regles
from pipeline.dates_vectorisees import (
    UN_JOUR,
    Evenements,
    ajouter_mois,
    annees,
    cle_jour,
    dates_civiles,
    en_jours,
    fin_trimestre_suivant,
    formater_dates,
    rang_anniversaire,
)
from pipeline.formats import montant_fr
from pipeline.schema import motifs_retour
from pipeline.textes_codes import Textes, rangs_lexicographiques, tableau_textes, textes_par_cle

if TYPE_CHECKING:  # le lecteur (calamine) n'est pas chargé pour une annotation
    from pipeline.registre import Registre

ENTREE_EN_VIGUEUR_2025 = date(2025, 10, 26)  # T de regles.md
# Loi n° 2014-288 (en vigueur le 07/03/2014) : aucun premier entretien n'était dû avant
# deux ans plus tard (regles.md §3.1).
PREMIER_AU_PLUS_TOT = date(2016, 3, 7)
MONTANT_ABONDEMENT = 3000  # euros, art. R6323-3
# Espaces ordinaires : le texte des motifs est celui déjà publié (échéances, documents).
_MONTANT_TEXTE = montant_fr(MONTANT_ABONDEMENT, espace=" ")  # « 3 000 € »
SEUIL_EFFECTIF_ABONDEMENT = 50  # salariés, au sens de l'art. L130-1 CSS (art. L6315-1 II)

TYPES = ("premier", "periodique", "etat_des_lieux", "retour", "mi_carriere", "avant_60")
STATUTS = ("en_retard", "a_planifier", "a_venir", "honoree", "manquee")

COLONNES = (
    "matricule",
    "type",
    "echeance",
    "motif",
    "honoree",
    "statut",
    "reprise",
    "motif_absence",
    "debut_absence",
    "edl_debut",
    "edl_fin",
    "entretiens_realises",
    "entretiens_prevus",
    "formation_non_obligatoire",
    "critere_formation",
    "critere_certification",
    "critere_progression",
    "abondement_correctif",
    "montant_abondement",
    "date_limite_versement",
)
COLONNES_BOOLEENS = (
    "formation_non_obligatoire",
    "critere_formation",
    "critere_certification",
    "critere_progression",
    "abondement_correctif",
)
COLONNES_ENTIERS = ("entretiens_realises", "entretiens_prevus", "montant_abondement")

# Une certification sans case « Certifiante » cochée peut être une VAE : on la reconnaît
# à son intitulé (le registre n'a pas de colonne dédiée).
MOTIF_VAE = r"(?i)\bVAE\b|validation des acquis"
_VAE = re.compile(MOTIF_VAE)


def est_certification(intitule: str, certifiante: bool) -> bool:
    """Critère « certification » de l'état des lieux pour une formation (regles.md §3.2).

    Formation « Certifiante = oui », ou VAE reconnue à son intitulé. La seule définition :
    le moteur (`sont_certifications`) et les documents (pipeline.contexte) l'appellent.
    """
    return bool(certifiante) or _VAE.search(intitule) is not None


def sont_certifications(intitules: pd.Series, certifiantes: Any) -> np.ndarray:
    """`est_certification` sur une colonne ; l'intitulé n'est examiné qu'une fois par texte
    distinct (un registre répète les mêmes intitulés de formation)."""
    codes, distincts = pd.factorize(intitules.astype(str))
    vae = np.array([est_certification(t, False) for t in distincts], dtype=bool)
    return np.asarray(certifiantes, dtype=bool) | vae[codes]


def _absences_enchainees(motifs, bits: int) -> str:
    """« au terme d'absences enchaînées (…) » quand une chaîne réunit plusieurs motifs."""
    presents = [m for i, m in enumerate(motifs) if bits >> i & 1]
    if len(presents) < 2:
        return ""
    noms = [m.phrase for m in presents if m.code != "autre"]
    if len(noms) < len(presents):
        noms.append("autre absence")
    return f" au terme d'absences enchaînées ({', '.join(noms)})"


# ---------------------------------------------------------------------------
# Calcul des obligations


def calculer_obligations(
    registre: Registre,
    au: date,
    regles: Regles,
    effectif: int,
    horizon_jours: int | None = None,
) -> pd.DataFrame:
    """Toutes les obligations des salariés présents au `au` (voir le docstring du module).

    Colonnes : `COLONNES`. Lignes non triées (groupées par type) : `lister_echeances` trie.
    """
    horizon = regles.horizon_jours if horizon_jours is None else horizon_jours
    # config.py valide déjà parametres.toml ; ceci protège les appels directs (tests, API),
    # avec les mêmes bornes, l'horizon de l'appel compris.
    verifier_regles(dataclasses.replace(regles, horizon_jours=horizon))
    contexte = _Contexte(registre, au, regles, effectif, horizon)
    morceaux = [
        contexte.premier_ou_periodique(),
        *contexte.etats_des_lieux(),
        contexte.retours(),
    ]
    if regles.regime == "2025":
        morceaux += [contexte.mi_carriere(), contexte.avant_60()]
    return contexte.assembler(morceaux)


# Cas du premier ou du périodique (regles.md §3.1), chacun avec sa phrase.
_PERIODIQUE, _PERIODIQUE_ECHU, _PREMIER, _PREMIER_ECHU, _TRANSITOIRE, _SANS_ENTRETIEN = range(6)


class _Contexte:
    """Données préparées une fois (salariés retenus, index d'événements) pour chaque règle."""

    def __init__(self, registre: Registre, au: date, regles: Regles, effectif: int, horizon: int):
        self.regles = regles
        self.effectif = effectif
        self.regime_2025 = regles.regime == "2025"
        self.P = regles.periodicite
        self.C = regles.cycle_etat_des_lieux_ans
        self.D = np.datetime64(au, "D")
        self.limite = self.D + np.timedelta64(horizon, "D")
        self.T = np.datetime64(ENTREE_EN_VIGUEUR_2025, "D")
        self.loi = "loi n° 2025-989" if self.regime_2025 else "loi n° 2014-288"

        sal = registre.salaries
        entree = en_jours(sal["date_entree"])
        sortie = en_jours(sal["date_sortie"])
        retenu = ~np.isnat(entree) & (entree <= self.D) & (np.isnat(sortie) | (sortie >= self.D))
        objets = sal["matricule"].astype(str).to_numpy(dtype=object)[retenu]
        self.matricules = pd.Index(objets, dtype=object)
        self.matricules_textes = pd.array(objets, dtype="str")
        self.H = entree[retenu]
        self.B = en_jours(sal["date_naissance"])[retenu]
        self.V = en_jours(sal["date_visite_mi_carriere"])[retenu]
        self.n = len(self.H)
        self.tous = np.arange(self.n, dtype=np.int64)

        ent = registre.entretiens
        ent_sal = self.indices(ent["matricule"])
        ent_jours = en_jours(ent["date"])
        # E : entretiens datés au plus tard D ; ceux d'après sont ignorés (regles.md §2).
        passe = ~np.isnat(ent_jours) & (ent_jours <= self.D)
        # Comparer des codes entiers plutôt que 300 000 chaînes Python.
        codes, types = pd.factorize(ent["type"].astype(str).to_numpy(dtype=object))
        rang_type = pd.Index(TYPES).get_indexer(types)
        rang_type = np.append(rang_type, -1)[codes] if len(codes) else codes
        self.E = Evenements(ent_sal, ent_jours, passe)
        self.E_edl = Evenements(
            ent_sal, ent_jours, passe & (rang_type == TYPES.index("etat_des_lieux"))
        )
        self.E_mi = Evenements(
            ent_sal, ent_jours, passe & (rang_type == TYPES.index("mi_carriere"))
        )

        # Choix : formations et évolutions datées après D sont ignorées, comme les entretiens
        # (une formation inscrite au registre mais pas encore suivie ne compte pas).
        form = registre.formations
        f_sal = self.indices(form["matricule"])
        f_jours = en_jours(form["date"])
        f_passe = ~np.isnat(f_jours) & (f_jours <= self.D)
        obligatoire = form["obligatoire"].astype(bool).to_numpy()
        certification = sont_certifications(
            form["intitule"], form["certifiante"].astype(bool).to_numpy()
        )
        self.F = Evenements(f_sal, f_jours, f_passe)
        self.F_libre = Evenements(f_sal, f_jours, f_passe & ~obligatoire)
        self.F_certif = Evenements(f_sal, f_jours, f_passe & certification)

        evo = registre.evolutions
        e_jours = en_jours(evo["date"])
        self.EV = Evenements(self.indices(evo["matricule"]), e_jours, e_jours <= self.D)

        self.absences = registre.absences
        self.A0, self.anciennete_A0 = self._origine_edl()

    def reference(self, alinea: str) -> str:
        """La citation d'un alinéa de L6315-1 (regles.md §5) : « art. L6315-1 I, loi … »."""
        return f"art. L6315-1 {alinea}, {self.loi}"

    # --- 3.1 premier / periodique -------------------------------------------------------

    def premier_ou_periodique(self) -> dict[str, Any]:
        s, H, T = self.tous, self.H, self.T
        depuis_embauche = self.E.existe(s, H)
        L = self.E.dernier(s)
        plancher = np.datetime64(PREMIER_AU_PLUS_TOT, "D")
        ancien_delai = REGIMES_LEGAUX["2014"].periodicite_mois
        if self.regime_2025:
            # Embauché avant la réforme : l'ancienne échéance (O de regles.md) si elle était
            # échue le 26/10/2025 (le manquement demeure), sinon un an après T sans la dépasser.
            ancienne = np.maximum(ajouter_mois(H, ancien_delai), plancher)
            echue = ancienne < T
            transitoire = np.minimum(ancienne, ajouter_mois(np.full(self.n, T), 12))
            ech_sans = np.where(H >= T, ajouter_mois(H, 12), np.where(echue, ancienne, transitoire))
            cas_sans = np.where(H >= T, _PREMIER, np.where(echue, _PREMIER_ECHU, _TRANSITOIRE))
            # Choix (README) : l'ancien délai est min(P, 24) mois, pour qu'un accord plus
            # court que deux ans ne donne jamais une échéance plus tardive que l'accord.
            ancienne_L = ajouter_mois(L, min(self.P, ancien_delai))
            ech_avec = np.where(ancienne_L < T, ancienne_L, ajouter_mois(L, self.P))
            cas_avec = np.where(ancienne_L < T, _PERIODIQUE_ECHU, _PERIODIQUE)
        else:
            ech_sans = np.maximum(ajouter_mois(H, self.P), plancher)
            cas_sans = np.full(self.n, _SANS_ENTRETIEN)
            ech_avec = ajouter_mois(L, self.P)
            cas_avec = np.full(self.n, _PERIODIQUE)
        quand = np.where(depuis_embauche, L, H)
        echeance = np.where(depuis_embauche, ech_avec, ech_sans)
        cas = np.where(depuis_embauche, cas_avec, cas_sans)
        phrases = self._phrases_premier_ou_periodique(min(self.P, ancien_delai))

        def fabrique(i: np.ndarray) -> list[str]:
            colonnes = (
                cas[i].tolist(),
                formater_dates(quand[i]).tolist(),
                formater_dates(echeance[i]).tolist(),
            )
            return [phrases[c](q, e) for c, q, e in zip(*colonnes, strict=True)]

        type_sans = TYPES.index("premier" if self.regime_2025 else "periodique")
        return {
            "salarie": s,
            "type": np.where(depuis_embauche, TYPES.index("periodique"), type_sans),
            "echeance": echeance,
            "honoree": np.zeros(self.n, dtype=bool),
            # L'échéance se déduit de la date de départ et du cas : elle n'entre pas dans la clé.
            "motif": textes_par_cle((cle_jour(quand) << 3) | cas, fabrique),
        }

    def _phrases_premier_ou_periodique(self, ancien_delai: int) -> list[Callable[..., str]]:
        """Une phrase par cas (`_PERIODIQUE`…), fonction de la date de départ et de l'échéance."""
        texte_P = f"périodicité {self.P} mois"
        if self.regles.periodicite_mois and self.P != self.regles.regime_legal.periodicite_mois:
            texte_P += " fixée par accord collectif"
        ref = self.reference("I")
        plancher, un_an_apres = formater_dates(
            ajouter_mois(
                np.array([PREMIER_AU_PLUS_TOT, ENTREE_EN_VIGUEUR_2025], "datetime64[D]"), [0, 12]
            )
        ).tolist()
        expire = (
            ", échu avant l'entrée en vigueur de la loi n° 2025-989 le 26/10/2025 : le "
            "manquement demeure (art. L6315-1 I C. trav. ; art. 2222 C. civ.)"
        )

        def depart(e: str) -> str:
            if e == plancher:
                return f"au plus tôt le {plancher}, deux ans après la loi n° 2014-288"
            return "deux ans après l'embauche"

        phrases: dict[int, Callable[[str, str], str]] = {
            _PERIODIQUE: lambda q, e: f"Dernier entretien le {q} ; {texte_P} ({ref})",
            _PERIODIQUE_ECHU: lambda q, e: (
                f"Dernier entretien le {q} : entretien dû le {e} (ancien délai de "
                f"{ancien_delai} mois){expire}"
            ),
            _PREMIER: lambda q, e: (
                f"Embauche le {q} : premier entretien dans l'année suivant l'embauche ({ref})"
            ),
            _PREMIER_ECHU: lambda q, e: (
                f"Embauche le {q}, aucun entretien depuis : premier entretien dû le {e} sous "
                f"l'ancien régime ({depart(e)}){expire}"
            ),
            _TRANSITOIRE: lambda q, e: (
                f"Embauche le {q}, avant l'entrée en vigueur de la loi n° 2025-989 : premier "
                f"entretien dû le {e}, "
                + (
                    "un an après le 26/10/2025 (le délai raccourci court de l'entrée en vigueur "
                    "sans dépasser les deux ans de l'ancien régime"
                    if e == un_an_apres
                    else "deux ans après l'embauche (l'ancien délai finit avant le 26/10/2026"
                )
                + " ; art. L6315-1 I C. trav., art. 2222 al. 2 C. civ.)"
            ),
            _SANS_ENTRETIEN: lambda q, e: (
                f"Embauche le {q}, aucun entretien depuis ; {texte_P}"
                + (f", {depart(e)}" if e == plancher else "")
                + f" ({ref})"
            ),
        }
        return [phrases[c] for c in range(len(phrases))]

    # --- 3.2 état des lieux ----------------------------------------------------------------

    def _origine_edl(self) -> tuple[np.ndarray, np.ndarray]:
        """(A_0, son ancienneté en mois) par salarié : le point de départ du cycle.

        Régime 2014 : l'embauche. Régime 2025 : le dernier état des lieux à 6 ans échu avant
        le 26/10/2025 (A0) s'il existe, sinon l'embauche (regles.md §3.2).
        """
        if not self.regime_2025:
            return self.H, np.zeros(self.n, dtype=np.int64)
        ancien_cycle = 12 * REGIMES_LEGAUX["2014"].cycle_etat_des_lieux_ans
        j = rang_anniversaire(self.H, ancien_cycle, np.full(self.n, self.T), inclus=False)
        return ajouter_mois(self.H, j * ancien_cycle), j * ancien_cycle

    def etats_des_lieux(self) -> list[dict[str, Any]]:
        limite = np.full(self.n, self.limite)
        k_max = rang_anniversaire(self.A0, 12 * self.C, limite, inclus=True)
        existe = k_max >= 1
        s = self.tous[existe]
        echu = self._edl(s, k_max[existe])
        # Le suivant (à venir) : quand l'actuel est honoré ou n'existe pas.
        besoin = ~existe
        besoin[s[echu["honoree"]]] = True
        return [echu, self._edl(self.tous[besoin], k_max[besoin] + 1)]

    def _edl(self, s: np.ndarray, k: np.ndarray) -> dict[str, Any]:
        """L'état des lieux A_k de chaque salarié `s` : échéance, honoré ou non, chiffres."""
        cycle = 12 * self.C
        A0 = self.A0[s]
        A = ajouter_mois(A0, k * cycle)
        # Honoré par un entretien « état des lieux » dans [mois(A_k, -12), mois(A_k+1, -12)).
        bas, haut = ajouter_mois(A, -12), ajouter_mois(ajouter_mois(A0, (k + 1) * cycle), -12)
        tenu = self.E_edl.premier(s, bas, haut)  # celui qui l'honore (NaT s'il n'y en a pas)
        honore = ~np.isnat(tenu)  # les dates des événements ne sont jamais NaT
        debut = ajouter_mois(A0, (k - 1) * cycle)  # fenêtre des chiffres [A_k-1, A_k]
        apres = A + UN_JOUR  # bornes incluses
        nb_prevus = cycle // self.P
        # Choix : au-delà de l'horizon, la fenêtre est loin d'être close ; ses chiffres
        # seraient trompeurs (« 0 entretien, abondement dû ») : ils restent vides (NA).
        lointain = A > self.limite
        proche = ~lointain
        sp, dp, ap = s[proche], debut[proche], apres[proche]

        def sur_proches(valeurs: np.ndarray) -> np.ndarray:
            complet = np.zeros(len(s), dtype=valeurs.dtype)
            complet[proche] = valeurs
            return complet

        realises = sur_proches(self.E.compter(sp, dp, ap))
        libre = sur_proches(self.F_libre.existe(sp, dp, ap))
        abondement = (
            (self.effectif >= SEUIL_EFFECTIF_ABONDEMENT) & (realises < nb_prevus) & ~libre & proche
        )
        # R6323-3 (décret n° 2026-39) : versement au plus tard à la fin du trimestre civil qui
        # suit l'entretien d'état des lieux tenu, sinon celui qui suit l'anniversaire.
        limite = np.where(
            abondement, fin_trimestre_suivant(np.where(honore, tenu, A)), np.datetime64("NaT")
        )
        edl = {
            "salarie": s,
            "type": "etat_des_lieux",
            "echeance": A,
            "honoree": honore,
            "edl_debut": debut,
            "edl_fin": A,
            "entretiens_realises": realises,
            "entretiens_prevus": np.full(len(s), nb_prevus, dtype=np.int64),
            "formation_non_obligatoire": libre,
            "critere_formation": sur_proches(self.F.existe(sp, dp, ap)),
            "critere_certification": sur_proches(self.F_certif.existe(sp, dp, ap)),
            "critere_progression": sur_proches(self.EV.existe(sp, dp, ap)),
            "chiffres_absents": lointain,
            "abondement_correctif": abondement,
            "montant_abondement": np.where(abondement, MONTANT_ABONDEMENT, 0),
            "date_limite_versement": limite,
        }
        edl["motif"] = self._motifs_edl(edl, k, tenu)
        return edl

    def _motifs_edl(self, edl: dict[str, Any], k: np.ndarray, tenu: np.ndarray) -> Textes:
        """La phrase de chaque état des lieux, d'après les chiffres que `_edl` a calculés."""
        s, A, debut = edl["salarie"], edl["edl_fin"], edl["edl_debut"]
        realises, libre = edl["entretiens_realises"], edl["formation_non_obligatoire"]
        abondement, limite = edl["abondement_correctif"], edl["date_limite_versement"]
        lointain = edl["chiffres_absents"]
        H, A0 = self.H[s], self.A0[s]
        cycle = 12 * self.C
        nb_prevus = cycle // self.P
        tenu_avec_abondement = np.where(abondement & edl["honoree"], tenu, np.datetime64("NaT"))
        # Avant l'anniversaire, les chiffres sont ceux connus au `au` : l'abondement n'est
        # qu'encouru (il tombe si un entretien ou une formation non obligatoire a lieu d'ici là).
        futur = A > self.D
        ans = (self.anciennete_A0[s] + k * cycle) // 12
        ans_A0 = self.anciennete_A0[s] // 12
        C = self.C
        sources = "art. L6315-1 II, L6323-13 et R6323-3 C. trav., " + (
            "loi n° 2025-989, décret n° 2026-39" if self.regime_2025 else self.loi
        )
        effectif = (
            f" (effectif d'au moins {SEUIL_EFFECTIF_ABONDEMENT} salariés au sens de l'art. "
            "L130-1 CSS)"
        )

        def fabrique(i: np.ndarray) -> list[str]:
            textes = []
            colonnes = (
                ans[i].tolist(),
                ans_A0[i].tolist(),
                formater_dates(H[i]).tolist(),
                formater_dates(A0[i]).tolist(),
                realises[i].tolist(),
                formater_dates(debut[i]).tolist(),
                formater_dates(A[i]).tolist(),
                libre[i].tolist(),
                abondement[i].tolist(),
                futur[i].tolist(),
                formater_dates(limite[i]).tolist(),
                formater_dates(tenu_avec_abondement[i]).tolist(),
                lointain[i].tolist(),
            )
            for an, an0, h, a0, r, d, a, lib, ab, fu, lim, te, loin in zip(*colonnes, strict=True):
                texte = f"État des lieux récapitulatif des {an} ans d'ancienneté (entrée le {h}"
                if an0:
                    texte += (
                        f" ; {C} ans après celui des {an0} ans, échu le {a0} sous l'ancien régime"
                    )
                texte += ")"
                if loin:
                    textes.append(f"{texte} prévu le {a}, sur la période du {d} au {a} ({sources})")
                    continue
                texte += (
                    f" : {r} entretien(s) sur {nb_prevus} prévu(s) du {d} au {a}, formation non "
                    f"obligatoire : {'oui' if lib else 'non'}"
                )
                if ab:
                    texte += (
                        " ; abondement correctif "
                        + ("encouru si rien ne change" if fu else "dû")
                        + f"{effectif} : {_MONTANT_TEXTE} à verser au CPF (Caisse des dépôts) "
                        + f"au plus tard le {lim}"
                        + (f", trimestre qui suit l'état des lieux tenu le {te}" if te else "")
                    )
                textes.append(f"{texte} ({sources})")
            return textes

        # Au-delà de l'horizon, les chiffres (provisoires) restent dans leurs colonnes mais
        # pas dans la phrase : le motif ne dépend alors que de (H, k), d'où moins de textes.
        chiffres = (np.minimum(realises, 2**24) << 2) | (libre << 1) | 1
        cle = (cle_jour(H) << 40) | (k << 28) | np.where(lointain, 0, chiffres)
        # Rares : un texte propre à chaque état des lieux tenu avec abondement (clé négative).
        cle = np.where(np.isnat(tenu_avec_abondement), cle, -1 - np.arange(len(s)))
        return textes_par_cle(cle, fabrique)

    # --- 3.3 retour --------------------------------------------------------------------------

    def retours(self) -> dict[str, Any]:
        motifs = schema.MOTIFS  # lu à l'appel : un motif déclaré en test est pris en compte
        codes = [m.code for m in motifs]
        chaines = Chaines(self.absences, self.indices(self.absences["matricule"]), self.D, motifs)
        declencheurs = motifs_retour(self.regles.regime)
        declenchant = np.isin(chaines.rang, [codes.index(c) for c in declencheurs])
        # Le motif de la chaîne : sa première absence déclenchante (ordre de regles.md §3.3).
        position = np.where(declenchant, np.arange(len(declenchant)), len(declenchant))
        premier_declenchant = par_chaine(np.minimum, position, chaines.departs)
        garde = (premier_declenchant < len(declenchant)) & ~chaines.en_cours
        s, debut, R = chaines.salarie[garde], chaines.debut[garde], chaines.reprise[garde]
        rang_motif = chaines.rang[premier_declenchant[garde]]
        composition = chaines.composition[garde]
        # Un seul motif dans la chaîne : rien à nommer ; la clé des textes reste celle d'avant.
        composition = np.where(composition & (composition - 1), composition, 0)
        if self.regime_2025:
            regle_2025 = R >= self.T
        else:
            regle_2025 = np.zeros(len(s), dtype=bool)
        honore = self.E.existe(s, np.where(regle_2025, ajouter_mois(R, -12), debut))
        delai = self.regles.delai_retour_jours
        fin_2025 = (
            " ; entretien à proposer au retour, sauf entretien tenu dans les 12 mois précédant "
            f"la reprise, échéance retenue : reprise + {delai} jours ({self.reference('I')})"
        )
        ancienne_redaction = (
            "art. L6315-1 I, rédaction antérieure à la loi n° 2025-989"
            if self.regime_2025
            else self.reference("I")
        )
        fin_ancien = (
            " ; entretien proposé systématiquement au retour, échéance retenue : reprise + "
            f"{delai} jours ({ancienne_redaction})"
        )
        debuts_de_phrase = [m.retour for m in motifs]
        # Quelques compositions distinctes pour des milliers de chaînes : une phrase chacune.
        enchainees = {b: _absences_enchainees(motifs, b) for b in set(composition.tolist())}

        def fabrique(i: np.ndarray) -> list[str]:
            colonnes = (
                rang_motif[i].tolist(),
                formater_dates(R[i]).tolist(),
                composition[i].tolist(),
                regle_2025[i].tolist(),
            )
            return [
                f"{debuts_de_phrase[m]} : reprise le {r}"
                + enchainees[bits]
                + (fin_2025 if nouveau else fin_ancien)
                for m, r, bits, nouveau in zip(*colonnes, strict=True)
            ]

        cle = (((cle_jour(R) << len(codes)) | composition) << 7) | (rang_motif << 1) | regle_2025
        return {
            "salarie": s,
            "type": "retour",
            "echeance": R + np.timedelta64(delai, "D"),
            "honoree": honore,
            "motif": textes_par_cle(cle, fabrique),
            "reprise": R,
            "motif_absence": Textes(codes, rang_motif),
            "debut_absence": debut,
        }

    # --- 3.4 mi-carrière ---------------------------------------------------------------------

    def mi_carriere(self) -> dict[str, Any]:
        V, B = self.V, self.B
        avec_visite = ~np.isnat(V) & (V >= self.T)
        y45 = np.where(np.isnat(B), 0, annees(B) + 45)
        sans_visite = np.isnat(V) & ~np.isnat(B) & (y45 >= 2026)
        garde = avec_visite | sans_visite
        s = self.tous[garde]
        visite = avec_visite[garde]
        V, y45 = V[garde], y45[garde]
        debut_annee = dates_civiles(y45, 1, 1)
        # 1er mars - 1 jour : le dernier jour de février, bissextile ou non.
        fin_fevrier = dates_civiles(y45 + 1, 3, 1) - UN_JOUR
        echeance = np.where(visite, ajouter_mois(V, 2), fin_fevrier)
        honore = np.where(
            visite,
            self.E.existe(s, np.where(visite, V, debut_annee)),
            self.E_mi.existe(s, debut_annee),
        )
        ref = f"art. L4624-2-2 et L6315-1 IV, {self.loi}"

        def fabrique(i: np.ndarray) -> list[str]:
            colonnes = (
                visite[i].tolist(),
                formater_dates(V[i]).tolist(),
                y45[i].tolist(),
                formater_dates(fin_fevrier[i]).tolist(),
            )
            return [
                f"Visite médicale de mi-carrière le {v} : entretien professionnel dans les "
                f"deux mois qui suivent ({ref})"
                if connue
                else f"Visite médicale de mi-carrière non renseignée : 45 ans en {y}, visite "
                f"présumée dans l'année, entretien de mi-carrière attendu au plus tard le {f} "
                f"({ref})"
                for connue, v, y, f in zip(*colonnes, strict=True)
            ]

        cle = np.where(visite, cle_jour(V) << 1 | 1, y45 << 1)
        return {
            "salarie": s,
            "type": "mi_carriere",
            "echeance": echeance,
            "honoree": honore,
            "motif": textes_par_cle(cle, fabrique),
        }

    # --- 3.5 avant 60 ans ------------------------------------------------------------------

    def avant_60(self) -> dict[str, Any]:
        B60 = ajouter_mois(self.B, 720)
        veille = B60 - UN_JOUR
        garde = ~np.isnat(B60) & (veille >= self.T)
        s = self.tous[garde]
        B60, veille = B60[garde], veille[garde]
        honore = self.E.existe(s, ajouter_mois(B60, -24), B60)
        # À partir du 60e anniversaire, il ne peut plus être tenu : « manquée » s'il n'a pas
        # eu lieu (tableau de bord seulement), « honoree » s'il a eu lieu (choix, README).
        manquee = (B60 <= self.D) & ~honore
        a_tenir = (
            " : entretien dans les deux ans précédant (maintien dans l'emploi, aménagements de "
            f"fin de carrière : temps partiel, retraite progressive) ({self.reference('V')})"
        )
        manque = (
            " : aucun entretien dans les deux ans précédant ; l'entretien avant 60 ans ne peut "
            f"plus être tenu ({self.reference('V')})"
        )

        def fabrique(i: np.ndarray) -> list[str]:
            colonnes = (formater_dates(B60[i]).tolist(), manquee[i].tolist())
            return [
                f"60 ans le {d}" + (manque if m else a_tenir)
                for d, m in zip(*colonnes, strict=True)
            ]

        return {
            "salarie": s,
            "type": "avant_60",
            "echeance": veille,
            "honoree": honore,
            "manquee": manquee,
            "motif": textes_par_cle((cle_jour(B60) << 1) | manquee, fabrique),
        }

    # --- assemblage --------------------------------------------------------------------------

    def assembler(self, morceaux: list[dict[str, Any]]) -> pd.DataFrame:
        tailles = [len(m["salarie"]) for m in morceaux]

        def colonne(nom: str, vide: Any, dtype: Any) -> np.ndarray:
            parts = []
            for m, t in zip(morceaux, tailles, strict=True):
                valeur = m.get(nom, vide)
                if np.ndim(valeur) == 0:
                    parts.append(np.full(t, valeur, dtype=dtype))
                else:
                    parts.append(np.asarray(valeur).astype(dtype, copy=False))
            return np.concatenate(parts) if parts else np.array([], dtype=dtype)

        s = colonne("salarie", -1, np.int64)
        echeance = colonne("echeance", np.datetime64("NaT"), "datetime64[D]")
        honoree = colonne("honoree", False, bool)
        rang_type = np.concatenate(
            [
                np.full(t, TYPES.index(m["type"])) if isinstance(m["type"], str) else m["type"]
                for m, t in zip(morceaux, tailles, strict=True)
            ]
        ).astype(np.int64)
        manquee = colonne("manquee", False, bool)
        statut = np.select(
            [honoree, manquee, echeance < self.D, echeance <= self.limite],
            [STATUTS.index(x) for x in ("honoree", "manquee", "en_retard", "a_planifier")],
            STATUTS.index("a_venir"),
        )

        # Pas de tri ici (lignes groupées par type, dans l'ordre du registre) : c'est
        # `lister_echeances` qui trie ce qu'elle garde, et trier 300 000 lignes coûte.
        est_edl = rang_type == TYPES.index("etat_des_lieux")

        def dates(nom: str) -> np.ndarray:
            return colonne(nom, np.datetime64("NaT"), "datetime64[D]").astype("datetime64[ns]")

        donnees: dict[str, Any] = {
            "matricule": self.matricules_textes.take(s),
            "type": Textes(list(TYPES), rang_type).tableau(),
            "echeance": echeance.astype("datetime64[ns]"),
            "motif": Textes.concatener([m["motif"] for m in morceaux]).tableau(),
            "honoree": honoree,
            "statut": Textes(list(STATUTS), statut).tableau(),
            "reprise": dates("reprise"),
            "motif_absence": Textes.concatener(
                [
                    m.get("motif_absence", Textes.vides(t))
                    for m, t in zip(morceaux, tailles, strict=True)
                ]
            ).tableau(),
            "debut_absence": dates("debut_absence"),
            "edl_debut": dates("edl_debut"),
            "edl_fin": dates("edl_fin"),
            "date_limite_versement": dates("date_limite_versement"),
        }
        absents = ~est_edl | colonne("chiffres_absents", False, bool)
        for nom in COLONNES_ENTIERS:
            masque = ~est_edl if nom == "entretiens_prevus" else absents
            donnees[nom] = pd.arrays.IntegerArray(colonne(nom, 0, np.int64), masque)
        for nom in COLONNES_BOOLEENS:
            donnees[nom] = pd.arrays.BooleanArray(colonne(nom, False, bool), absents)
        # Les tableaux viennent d'être créés : inutile que pandas les recopie.
        return pd.DataFrame(donnees, columns=list(COLONNES), copy=False)

    def indices(self, serie: pd.Series) -> np.ndarray:
        """Position de chaque matricule parmi les salariés retenus (-1 : inconnu ou exclu)."""
        if len(serie) == 0:
            return np.array([], dtype=np.int64)
        return self.matricules.get_indexer(tableau_textes(serie)).astype(np.int64)


# ---------------------------------------------------------------------------
# Liste des échéances


def lister_echeances(
    obligations: pd.DataFrame, registre: Registre, tout: bool = False
) -> pd.DataFrame:
    """Ce qu'il faut faire : obligations non honorées dues d'ici l'horizon (+ à venir si `tout`).

    Les 7 premières colonnes sont exactement celles du CSV de regles.md §4, puis le service,
    le manager et les colonnes de détail ; tri par échéance, matricule puis type.
    """
    statuts = ["en_retard", "a_planifier"] + (["a_venir"] if tout else [])
    retenues = obligations[obligations["statut"].isin(statuts).to_numpy()]
    sal = registre.salaries
    matricules_sal = sal["matricule"].astype(str).to_numpy(dtype=object)
    position = pd.Index(matricules_sal, dtype=object).get_indexer(
        tableau_textes(retenues["matricule"])
    )
    connus = position >= 0

    # Tri robuste même si `obligations` a été filtrée ou concaténée par l'appelant ; le rang
    # du matricule vient du registre (un matricule absent du registre passe en dernier).
    rang = np.append(rangs_lexicographiques(matricules_sal), len(matricules_sal))[
        np.where(connus, position, -1)
    ]
    rang_type = pd.Index(TYPES).get_indexer(retenues["type"].astype(str).to_numpy(dtype=object))
    cle = (cle_jour(retenues["echeance"].to_numpy(dtype="datetime64[D]")) << 40) | (rang << 3)
    ordre = np.argsort(cle | np.maximum(rang_type, 0), kind="stable")
    resultat = retenues.iloc[ordre].reset_index(drop=True)
    prise, connus = np.where(connus, position, 0)[ordre], connus[ordre]

    for place, nom in ((1, "nom"), (2, "prenom")):
        resultat.insert(place, nom, _depuis_salaries(sal, nom, prise, connus))
    resultat["service"] = _depuis_salaries(sal, "service", prise, connus)
    resultat["matricule_manager"] = _depuis_salaries(sal, "matricule_manager", prise, connus)
    premieres = ["matricule", "nom", "prenom", "type", "motif", "echeance", "statut"]
    suite = ["service", "matricule_manager"]
    details = [c for c in COLONNES if c not in premieres and c != "honoree"]
    return resultat[premieres + suite + details]


def _depuis_salaries(
    sal: pd.DataFrame, nom: str, prise: np.ndarray, connus: np.ndarray
) -> pd.api.extensions.ExtensionArray:
    valeurs = pd.array(sal[nom].astype(str).to_numpy(dtype=object), dtype="str")
    if len(valeurs) == 0:
        return pd.array([""] * len(prise), dtype="str")
    resultat = valeurs.take(prise)
    resultat[~connus] = ""
    return resultat


def resumer(echeances: pd.DataFrame) -> dict[str, Any]:
    """Comptes pour le résumé de la CLI : total, par statut et par type (ordre fixe)."""
    par_statut = echeances["statut"].value_counts()
    par_type = echeances["type"].value_counts()
    return {
        "total": int(len(echeances)),
        "par_statut": {s: int(par_statut.get(s, 0)) for s in STATUTS if par_statut.get(s, 0)},
        "par_type": {t: int(par_type.get(t, 0)) for t in TYPES if par_type.get(t, 0)},
    }
