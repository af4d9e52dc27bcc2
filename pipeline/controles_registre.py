"""Les valeurs du registre converties et contrôlées : colonne par colonne (dates, oui/non,
adresses, codes des libellés), puis d'une feuille à l'autre (matricules uniques et connus,
managers, dates impossibles ou dans le mauvais ordre).

Chaque valeur fautive est signalée dans la `Collecte` avec sa feuille, sa ligne Excel et sa
colonne, et, quand c'est possible, la valeur qu'elle voulait sans doute dire
(`pipeline.suggestions`).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from pipeline.erreurs import AVERTISSEMENT, ERREUR
from pipeline.formats import (
    MOTIFS_DATE,
    courriels_invalides,
    date_courte,
    dates_cellules,
    suggerer_date,
    texte_cellule,
    textes_cellules,
)
from pipeline.lecture_feuilles import Collecte, FeuilleLue
from pipeline.schema import (
    BOOLEEN,
    CIVILITE,
    DATE,
    EMAIL,
    MOTIF,
    MOTIFS,
    MOTIFS_ABSENCE,
    NATURE,
    TYPE,
    TYPE_PAR_DEFAUT,
    TYPES,
    TYPES_ENTRETIEN,
    Colonne,
    Motif,
    TypeEntretien,
    code_civilite,
    code_motif,
    code_nature,
    code_type,
    colonnes_table,
    naissance_ambigue,
    oui_non,
)
from pipeline.suggestions import (
    conseil_zeros,
    index_noms_salaries,
    libelle_proche,
    matricule_par_nom,
    matricule_voisin,
    noms_par_matricule,
)

# --------------------------------------------------------------------------------------
# Colonne par colonne : conversion et valeurs fautives
# --------------------------------------------------------------------------------------


def _traduire(textes: list[str], fonction: Any) -> tuple[list[str], np.ndarray]:
    """Libellés -> codes via `fonction` (appelée une fois par valeur distincte)."""
    cache: dict[str, str | None] = {"": ""}
    codes = []
    for t in textes:
        if t not in cache:
            cache[t] = fonction(t)
        codes.append(cache[t])
    inconnu = np.array([c is None for c in codes], dtype=bool)
    return ["" if c is None else c for c in codes], inconnu


def _booleens(valeurs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cache: dict[Any, bool | None] = {}

    def lire(v: Any) -> bool | None:
        return v if isinstance(v, bool) else oui_non(texte_cellule(v))

    resultats = []
    for v in valeurs:
        try:
            r = cache[v]
        except (KeyError, TypeError):
            r = lire(v)
            cache[v] = r
        resultats.append(r)
    inconnu = np.array([r is None for r in resultats], dtype=bool)
    return np.array([bool(r) for r in resultats], dtype=bool), inconnu


def _message_date(valeur: str, _i: int) -> str:
    suggestion = suggerer_date(valeur)
    if any(re.fullmatch(motif, valeur) for motif in MOTIFS_DATE):
        if suggestion:  # « 2019-13-01 » : jour et mois inversés
            return (
                f"« {valeur} » n'est pas une date valide (jour ou mois impossible) : "
                f"vouliez-vous dire {suggestion[0]} ({suggestion[1]}) ? Corrigez la cellule."
            )
        return (
            f"« {valeur} » n'est pas une date valide (jour ou mois impossible, ou année hors de "
            "1900–2261) : corrigez-la, ou laissez la cellule vide si la date n'est pas connue."
        )
    if suggestion:
        pourquoi = f" ({suggestion[1]} ?)" if suggestion[1] else ""
        return (
            f"« {valeur} » n'est pas écrite dans un format de date reconnu : écrivez "
            f"{suggestion[0]}{pourquoi} (JJ/MM/AAAA), ou saisissez une date Excel."
        )
    return (
        f"« {valeur} » n'est pas une date reconnue : saisissez une date Excel ou un texte "
        "JJ/MM/AAAA (ex. 15/03/2024) ou AAAA-MM-JJ (ex. 2024-03-15)."
    )


_LISTE_MOTIFS = ", ".join(MOTIFS_ABSENCE.values())
_LISTE_TYPES = ", ".join(f"« {lib} »" for lib in TYPES_ENTRETIEN.values())


def _signaler_si(
    lue: FeuilleLue,
    collecte: Collecte,
    colonne: Colonne,
    code: str,
    masque: np.ndarray,
    message: Any,
    gravite: str = ERREUR,
) -> None:
    # Une colonne facultative absente n'a pas de valeurs fautives ; une colonne
    # obligatoire absente est déjà signalée une fois (colonne-manquante), pas à chaque ligne.
    if colonne.cle in lue.positions and masque.any():
        lue.signaler(collecte, gravite, code, colonne.cle, np.flatnonzero(masque), message)


def _message_booleen(v: str, _i: int) -> str:
    return (
        f"« {v} » n'est pas une valeur oui/non : écrivez oui ou non (acceptés aussi : "
        "o, n, x, vrai, faux, 1, 0), ou laissez vide pour non."
    )


def _message_email(v: str, raison: str, domaines: Counter[str]) -> str:
    local, _, domaine = v.rpartition("@")
    # « @menuiserie-lefevre » quand les autres adresses sont en « @menuiserie-lefevre.fr ».
    proches = [d for d, _ in domaines.most_common() if domaine and d.startswith(domaine)]
    proches = proches or difflib.get_close_matches(domaine, list(domaines), n=1, cutoff=0.8)
    conseil = f"vouliez-vous dire « {local}@{proches[0]} » ? Sinon, " if local and proches else ""
    return (
        f"« {v} » n'est pas une adresse électronique valide : {raison} ; {conseil}corrigez "
        "l'adresse (forme prenom.nom@domaine.fr) ou videz la cellule."
    )


def _message_civilite(v: str, _i: int) -> str:
    return (
        f"Civilité « {v} » non reconnue : écrivez M. ou Mme ; en attendant, les "
        "documents s'adresseront à « Madame, Monsieur »."
    )


def _vouliez_vous_dire(v: str, vocabulaire: Iterable[Motif | TypeEntretien]) -> str:
    proche = libelle_proche(v, vocabulaire)
    return f"vouliez-vous dire « {proche} » ? Sinon, " if proche else ""


def _message_type(v: str, _i: int) -> str:
    return (
        f"Type d'entretien « {v} » inconnu : {_vouliez_vous_dire(v, TYPES)}écrivez l'un de "
        f"{_LISTE_TYPES} (ou son code, ex. etat_des_lieux), ou laissez vide pour un entretien "
        "périodique."
    )


def _message_motif(v: str, _i: int) -> str:
    return (
        f"Motif d'absence « {v} » inconnu : {_vouliez_vous_dire(v, MOTIFS)}écrivez l'un des "
        f"motifs reconnus ({_LISTE_MOTIFS})."
    )


def _message_naissance(v: str, _i: int) -> str:
    return (
        f"« {v} » est lu comme le congé de naissance de 3 jours (art. L3142-4), qui n'appelle "
        "pas d'entretien de retour. S'il s'agit du congé supplémentaire de naissance (art. "
        "L1225-46-2), qui l'appelle en régime 2025, écrivez « Congé supplémentaire de "
        "naissance » ; sinon écrivez « Congé de naissance (3 jours) »."
    )


def _message_nature(v: str, _i: int) -> str:
    return f"Nature d'évolution « {v} » inconnue : écrivez « salariale » ou « professionnelle »."


# nature -> (traduction libellé -> code, code d'anomalie, message, gravité)
_TRADUCTIONS: dict[str, tuple[Any, str, Any, str]] = {
    CIVILITE: (
        code_civilite,
        "civilite-inconnue",
        _message_civilite,
        AVERTISSEMENT,
    ),
    TYPE: (code_type, "type-inconnu", _message_type, ERREUR),
    MOTIF: (code_motif, "motif-inconnu", _message_motif, ERREUR),
    NATURE: (code_nature, "nature-inconnue", _message_nature, ERREUR),
}


def valider_feuille(lue: FeuilleLue, collecte: Collecte) -> pd.DataFrame:
    """Convertit chaque colonne selon sa nature et signale les valeurs fautives."""
    table: dict[str, Any] = {}
    for c in lue.feuille.colonnes:
        valeurs = lue.brut[c.cle]
        if c.nature == DATE:
            dates, invalide = dates_cellules(valeurs)
            _signaler_si(lue, collecte, c, "date-invalide", invalide, _message_date)
            table[c.cle] = dates
            vide = np.isnat(dates) & ~invalide
        elif c.nature == BOOLEEN:
            booleens, invalide = _booleens(valeurs)
            _signaler_si(lue, collecte, c, "booleen-invalide", invalide, _message_booleen)
            table[c.cle] = booleens
            vide = np.zeros(len(valeurs), dtype=bool)
        else:
            textes = textes_cellules(valeurs)
            vide = valeurs == ""
            if c.nature == EMAIL:
                raisons = courriels_invalides(textes)
                invalide = np.zeros(len(textes), dtype=bool)
                invalide[list(raisons)] = True
                domaines = Counter(
                    t.rpartition("@")[2] for i, t in enumerate(textes) if t and i not in raisons
                )
                _signaler_si(
                    lue,
                    collecte,
                    c,
                    "email-invalide",
                    invalide,
                    lambda v, i, r=raisons, d=domaines: _message_email(v, r[i], d),
                )
            elif c.nature in _TRADUCTIONS:
                traduire, code, message, gravite = _TRADUCTIONS[c.nature]
                if c.nature == MOTIF:
                    table["libelle_motif"] = textes
                    distincts = {t: naissance_ambigue(t) for t in set(textes)}
                    ambigu = np.array([distincts[t] for t in textes], dtype=bool)
                    _signaler_si(
                        lue, collecte, c, "conge-naissance-ambigu", ambigu, _message_naissance,
                        AVERTISSEMENT,
                    )  # fmt: skip
                textes, inconnu = _traduire(textes, traduire)
                _signaler_si(lue, collecte, c, code, inconnu, message, gravite)
                if c.nature == TYPE:
                    textes = [t or TYPE_PAR_DEFAUT for t in textes]
            table[c.cle] = textes
        if c.obligatoire:
            nom = lue.nom_colonne(c.cle)
            if c.cle in lue.speciales:  # formule sans valeur, #N/A : déjà dit autrement
                vide = vide & ~lue.speciales[c.cle]
            _signaler_si(
                lue,
                collecte,
                c,
                "valeur-obligatoire",
                vide,
                lambda _v, _i, nom=nom: (
                    f"La colonne « {nom} » est obligatoire : renseignez-la, ou supprimez la "
                    "ligne si elle est en trop."
                ),
            )
    table["ligne"] = lue.lignes.astype("int64")
    df = pd.DataFrame({n: table[n] for n in colonnes_table(lue.feuille) if n in table})
    if lue.feuille.table == "salaries":
        noms = list(lue.autres)
        colonnes_autres = [textes_cellules(v) for v in lue.autres.values()]
        if noms:
            df["autres"] = [
                dict(zip(noms, vals, strict=True)) for vals in zip(*colonnes_autres, strict=True)
            ]
        else:
            df["autres"] = [{} for _ in range(len(df))]
    return df


# --------------------------------------------------------------------------------------
# Contrôles croisés : entre colonnes et entre feuilles
# --------------------------------------------------------------------------------------


def _controler_ordre(
    lue: FeuilleLue,
    df: pd.DataFrame,
    collecte: Collecte,
    avant: str,
    apres: str,
    phrase: str,
) -> None:
    """Signale les lignes où la date `apres` précède la date `avant` (sur la colonne `apres`)."""
    a, b = df[avant].to_numpy(), df[apres].to_numpy()
    fautif = (b < a) & ~np.isnat(a) & ~np.isnat(b)
    if apres not in lue.positions or not fautif.any():
        return
    lue.signaler(
        collecte,
        ERREUR,
        "dates-incoherentes",
        apres,
        np.flatnonzero(fautif),
        lambda v, i: phrase.format(
            b=v, a=date_courte(a[i]), col_a=lue.nom_colonne(avant), col_b=lue.nom_colonne(apres)
        ),
        valeurs=b,
    )


def _controles_salaries(
    lue: FeuilleLue,
    df: pd.DataFrame,
    collecte: Collecte,
    personnes: Callable[[], dict[str, str]],
) -> set[str]:
    """Unicité des matricules, managers, cohérence des dates ; renvoie les matricules.

    `personnes` : matricule -> nom des salariés de `df`, calculé au premier appel."""
    matricules = df["matricule"].to_numpy(dtype=object)
    renseigne = matricules != ""
    doublon = pd.Series(matricules).duplicated(keep="first").to_numpy() & renseigne
    if doublon.any() and "matricule" in lue.positions:
        premiere = {}
        for m, ligne in zip(matricules, lue.lignes, strict=True):
            premiere.setdefault(m, int(ligne))
        lue.signaler(
            collecte,
            ERREUR,
            "matricule-duplique",
            "matricule",
            np.flatnonzero(doublon),
            lambda v, _i: (
                f"Le matricule « {v} » est déjà celui du salarié de la ligne {premiere[v]} : "
                "chaque salarié doit avoir un matricule unique ; corrigez l'un des deux."
            ),
        )
    connus = set(matricules[renseigne].tolist())

    managers = df["matricule_manager"].to_numpy(dtype=object)
    inconnu = (managers != "") & ~pd.Series(managers).isin(connus).to_numpy()
    if inconnu.any() and "matricule_manager" in lue.positions:
        noms = index_noms_salaries(df["matricule"], df["nom"], df["prenom"])
        designes = [m for m, _ in Counter(managers[~inconnu & (managers != "")]).most_common()]
        lue.signaler(
            collecte,
            ERREUR,
            "manager-inconnu",
            "matricule_manager",
            np.flatnonzero(inconnu),
            lambda v, _i: _message_manager(v, lue, connus, noms, personnes, designes),
        )

    _controler_ordre(
        lue,
        df,
        collecte,
        "date_entree",
        "date_sortie",
        phrase="La date de sortie ({b}) est antérieure à la date d'entrée ({a}) : "
        "corrigez l'une des deux.",
    )
    _controler_naissances(lue, df, collecte)
    return connus


def _message_manager(
    v: str,
    lue: FeuilleLue,
    connus: set[str],
    noms: dict[str, list[str]],
    personnes: Callable[[], dict[str, str]],
    managers: list[str],
) -> str:
    matricule = matricule_par_nom(v, noms)
    if matricule:  # la colonne « Manager » tenue avec des noms
        return (
            f"« {v} » est le nom d'un salarié, pas un matricule : écrivez son matricule "
            f"« {matricule} » dans la colonne « {lue.nom_colonne('matricule_manager')} »."
        )
    conseil = conseil_zeros(v, connus) or matricule_voisin(v, personnes(), managers)
    if not conseil and managers:
        cites = ", ".join(f"{m} ({personnes()[m]})" for m in managers[:8])
        conseil = f" (managers déjà désignés dans le registre : {cites})"
    return (
        f"Le matricule manager « {v} » ne correspond à aucun salarié de la feuille "
        f"« {lue.titre} »{conseil} : corrigez-le, ajoutez le manager, ou videz la cellule "
        "(l'entretien sera alors conduit par le service RH)."
    )


# Âge minimal d'embauche (art. L4153-1 : 14 ans pour un emploi pendant les vacances
# scolaires) : en deçà, la date de naissance ou d'entrée est une faute de frappe.
AGE_MINIMAL_ENTREE = 14


def _age(naissance: np.ndarray, jour: np.ndarray) -> np.ndarray:
    """Âge en années révolues au `jour` (NaT : -1)."""
    n, j = pd.DatetimeIndex(naissance), pd.DatetimeIndex(jour)
    age = j.year - n.year - ((j.month * 100 + j.day) < (n.month * 100 + n.day))
    return np.where(np.isnat(naissance) | np.isnat(jour), -1, np.asarray(age, dtype=float))


def _controler_naissances(lue: FeuilleLue, df: pd.DataFrame, collecte: Collecte) -> None:
    """Naissance après l'entrée ou moins de 14 ans à l'entrée (erreurs) ; absente (avert.)."""
    matricules = df["matricule"].to_numpy(dtype=object)
    naissance, entree = df["date_naissance"].to_numpy(), df["date_entree"].to_numpy()
    apres = ~np.isnat(naissance) & ~np.isnat(entree) & (naissance >= entree)
    age = _age(naissance, entree)
    trop_jeune = ~apres & (age >= 0) & (age < AGE_MINIMAL_ENTREE)
    if (apres | trop_jeune).any() and "date_naissance" in lue.positions:
        lue.signaler(
            collecte,
            ERREUR,
            "dates-incoherentes",
            "date_naissance",
            np.flatnonzero(apres | trop_jeune),
            lambda v, i: (
                f"La date de naissance ({v}) n'est pas antérieure à la date d'entrée "
                f"({date_courte(entree[i])}) : corrigez l'une des deux."
                if apres[i]
                else f"Avec cette date de naissance ({v}), le salarié aurait eu {int(age[i])} "
                f"an{'s' * int(age[i] > 1)} à son entrée le {date_courte(entree[i])} (au moins "
                f"{AGE_MINIMAL_ENTREE} ans) : corrigez l'une des deux dates."
            ),
            valeurs=naissance,
        )

    if "date_naissance" not in lue.positions:
        collecte.ajouter(
            AVERTISSEMENT,
            "naissance-manquante",
            "La colonne « Date de naissance » est absente : les obligations de mi-carrière et "
            "d'avant 60 ans ne peuvent pas être calculées ; ajoutez-la pour les obtenir.",
            tri=(lue.ordre, lue.ligne_entete, 10_000),
            feuille=lue.titre,
            ligne=lue.ligne_entete,
            colonne="Date de naissance",
        )
    else:
        manque = np.isnat(naissance) & (lue.brut["date_naissance"] == "") & (matricules != "")
        lue.signaler(
            collecte,
            AVERTISSEMENT,
            "naissance-manquante",
            "date_naissance",
            np.flatnonzero(manque),
            lambda _v, i: (
                f"Date de naissance absente pour le matricule « {matricules[i]} » : les "
                "obligations de mi-carrière et d'avant 60 ans ne peuvent pas être calculées "
                "pour ce salarié ; renseignez-la."
            ),
        )


def _controles_matricules(
    lue: FeuilleLue,
    df: pd.DataFrame,
    collecte: Collecte,
    connus: set[str],
    salaries: str,
    personnes: Callable[[], dict[str, str]],
) -> None:
    matricules = df["matricule"].to_numpy(dtype=object)
    inconnu = (matricules != "") & ~pd.Series(matricules).isin(connus).to_numpy()
    if inconnu.any() and "matricule" in lue.positions:
        lue.signaler(
            collecte,
            ERREUR,
            "matricule-inconnu",
            "matricule",
            np.flatnonzero(inconnu),
            lambda v, _i: (
                f"Le matricule « {v} » n'existe pas dans la feuille « {salaries} »"
                f"{conseil_zeros(v, connus) or matricule_voisin(v, personnes())} : "
                "corrigez-le, ou ajoutez le salarié."
            ),
        )


def _controler_avant_entree(
    lues: dict[str, FeuilleLue], tables: dict[str, pd.DataFrame], collecte: Collecte
) -> None:
    """Événements impossibles avant l'entrée du salarié : absence finie (erreur), entretien
    (avertissement : c'est peut-être celui d'un contrat précédent ; `pipeline.regles` ne le
    compte pas depuis l'embauche, mais bien dans les périodes qui la précèdent)."""
    salaries = tables["salaries"]
    entrees = pd.Series(
        salaries["date_entree"].to_numpy(), index=salaries["matricule"].to_numpy(dtype=object)
    )
    entrees = entrees[~entrees.index.duplicated()]
    if "absences" in lues:
        absences = tables["absences"]
        entree = entrees.reindex(absences["matricule"].to_numpy(dtype=object)).to_numpy()
        fin = absences["date_fin"].to_numpy()
        # Sans date de fin, la veille de la reprise est le dernier jour d'absence.
        veille = absences["date_reprise"].to_numpy() - np.timedelta64(1, "D")
        for colonne, jours in (
            ("date_fin", fin),
            ("date_reprise", np.where(np.isnat(fin), veille, np.datetime64("NaT"))),
        ):
            avant = ~np.isnat(jours) & ~np.isnat(entree) & (jours < entree)
            if avant.any() and colonne in lues["absences"].positions:
                lues["absences"].signaler(
                    collecte,
                    ERREUR,
                    "dates-incoherentes",
                    colonne,
                    np.flatnonzero(avant),
                    lambda v, i, entree=entree: (
                        f"L'absence finit ({v}) avant l'entrée du salarié le "
                        f"{date_courte(entree[i])} : corrigez la date, ou supprimez la ligne "
                        "si l'absence date d'un contrat précédent."
                    ),
                )
    if "entretiens" in lues:
        entretiens = tables["entretiens"]
        entree = entrees.reindex(entretiens["matricule"].to_numpy(dtype=object)).to_numpy()
        jours = entretiens["date"].to_numpy()
        avant = ~np.isnat(jours) & ~np.isnat(entree) & (jours < entree)
        if avant.any() and "date" in lues["entretiens"].positions:
            lues["entretiens"].signaler(
                collecte,
                AVERTISSEMENT,
                "entretien-avant-entree",
                "date",
                np.flatnonzero(avant),
                lambda v, i: (
                    f"Entretien du {v} antérieur à l'entrée du salarié le "
                    f"{date_courte(entree[i])} : il ne compte ni comme premier entretien ni "
                    "pour le périodique ou l'état des lieux (comptés depuis l'embauche), mais "
                    "il peut valoir entretien de retour de congé, de mi-carrière ou avant 60 "
                    "ans si sa date tombe dans leur période. Corrigez la date (ou la date "
                    "d'entrée) si c'est une faute de frappe."
                ),
                valeurs=jours,
            )


def controler_entre_feuilles(
    lues: dict[str, FeuilleLue], tables: dict[str, pd.DataFrame], collecte: Collecte
) -> None:
    """Matricules (uniques, connus), managers, ordre des dates, événements avant l'entrée."""
    connus: set[str] | None = None
    # Calculés seulement si un message propose un matricule (registres de 100 000 lignes).
    personnes = functools.cache(lambda: noms_par_matricule(tables["salaries"]))
    if "salaries" in lues:
        connus = _controles_salaries(lues["salaries"], tables["salaries"], collecte, personnes)
        if "matricule" not in lues["salaries"].positions:  # colonne obligatoire absente
            connus = None  # sans matricules, tout serait « inconnu » : bruit inutile
    for table, lue in lues.items():
        if table == "salaries":
            continue
        if connus is not None:
            titre_salaries = lues["salaries"].titre
            _controles_matricules(lue, tables[table], collecte, connus, titre_salaries, personnes)
        if table == "absences":
            for apres, phrase in (
                ("date_fin", "La date de fin ({b}) est antérieure à la date de début ({a})"),
                (
                    "date_reprise",
                    "La date de reprise ({b}) est antérieure à la date de début ({a})",
                ),
            ):
                _controler_ordre(
                    lue,
                    tables[table],
                    collecte,
                    "date_debut",
                    apres,
                    phrase=phrase + " : corrigez l'une des deux.",
                )
    if "salaries" in lues:
        _controler_avant_entree(lues, tables, collecte)
