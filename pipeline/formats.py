"""Formats français et lecture des cellules, écrits une fois.

Lecture : une date (`en_date`) ou une heure (`lire_heure`) depuis une cellule Excel, une
valeur d'un tableau pandas ou un texte ; les formats de texte acceptés sont définis ici,
en expressions régulières à groupes nommés, utilisables par `re` comme par
`Series.str.extract` (lecture vectorisée d'une colonne entière).

Écriture : dates longues (« mardi 1er décembre 2026 », Babel) et courtes
(« 01/12/2026 »), heures (« 14 h 00 », « 14:00 »), durées (« 1 h 30 »), nombres
(« 31,1 »), montants (« 3 000 € ») et pourcentages. Pas d'entrée-sortie, pas d'horloge.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from babel.dates import format_date

LOCALE = "fr_FR"
# Usage typographique français : espace fine insécable entre les milliers, espace insécable
# avant une unité (« 3 000 € », « 85 % »).
ESPACE_FINE_INSECABLE = "\u202f"
ESPACE_INSECABLE = "\u00a0"
# Dates courtes : JJ/MM/AAAA pour les humains (textes, CSV de publipostage, cellules
# Excel), AAAA-MM-JJ pour les machines (CSV des échéances, regles.md §4).
FORMAT_DATE_COURTE = "%d/%m/%Y"
FORMAT_DATE_ISO = "%Y-%m-%d"
FORMAT_DATE_EXCEL = "DD/MM/YYYY"  # format de nombre d'une cellule date

# --- formats acceptés en lecture ------------------------------------------------------
#
# Dates écrites en texte. Groupes nommés `j`, `m`, `a` (jour, mois, année sur 4 chiffres) ;
# jour et mois sur 1 ou 2 chiffres. Le jour et le mois sont contrôlés à la conversion
# (31/02 est refusé), l'année doit être dans [ANNEE_MIN, ANNEE_MAX].
MOTIF_DATE_FR = r"(?P<j>\d{1,2})/(?P<m>\d{1,2})/(?P<a>\d{4})"  # 08/12/2026
# Un tableur qui exporte une date en texte ISO y ajoute parfois l'heure : elle est ignorée.
MOTIF_DATE_ISO = r"(?P<a>\d{4})-(?P<m>\d{1,2})-(?P<j>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
MOTIF_DATE_TIRETS = r"(?P<j>\d{1,2})-(?P<m>\d{1,2})-(?P<a>\d{4})"  # 08-12-2026
MOTIF_DATE_POINTS = r"(?P<j>\d{1,2})\.(?P<m>\d{1,2})\.(?P<a>\d{4})"  # 08.12.2026

# Le contrat du registre (docs/specs/registre.md) : JJ/MM/AAAA ou AAAA-MM-JJ, rien d'autre.
MOTIFS_DATE = (MOTIF_DATE_FR, MOTIF_DATE_ISO)
# Un planning corrigé à la main tolère aussi les séparateurs « - » et « . » du jour en tête.
MOTIFS_DATE_TOLERES = (*MOTIFS_DATE, MOTIF_DATE_TIRETS, MOTIF_DATE_POINTS)

# Au-delà, une date est une faute de frappe (ou hors de ce que pandas sait représenter).
ANNEE_MIN = 1900
ANNEE_MAX = 2261
# Système de dates 1900 d'Excel : un nombre à la place d'une date est un numéro de série
# (le faux 29/02/1900 ne décale que janvier et février 1900, hors de toute date plausible).
EPOQUE_EXCEL = date(1899, 12, 30)
SERIE_EXCEL_MAX = 2_958_466  # 01/01/10000, exclu

# Heures écrites en texte, espaces retirés et en minuscules : « 14:00 », « 9h30 », « 14h »,
# « 14:00:00 » (secondes ignorées). Groupes nommés `h` et `min` (absent : 0).
MOTIF_HEURE = r"(?P<h>\d{1,2})[:h](?P<min>\d{2})?(?::\d{2})?"


# --- lecture --------------------------------------------------------------------------


def est_vide(valeur: Any) -> bool:
    """None, texte blanc, NaN, NaT, NA : une cellule vide."""
    if valeur is None:
        return True
    if isinstance(valeur, str):
        return not valeur.strip()
    try:
        return bool(pd.isna(valeur))
    except (TypeError, ValueError):
        return False


def en_texte(valeur: Any) -> str:
    """Valeur de cellule -> texte : vide pour None/NaN/NaT, 42.0 -> « 42 », espaces retirés."""
    if valeur.__class__ is str:  # le cas courant, appelé des centaines de milliers de fois
        return valeur.strip()
    if est_vide(valeur):
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur).strip()


def en_date(valeur: Any, motifs: Sequence[str] = MOTIFS_DATE) -> date | None:
    """Cellule, valeur d'un tableau ou texte -> date ; None si vide.

    Accepte une date ou un instant (l'heure est ignorée), un numéro de série Excel et
    les textes de `motifs` ; toute autre valeur lève ValueError.
    """
    # Cas fréquents d'abord : une campagne convertit des centaines de milliers de dates.
    if isinstance(valeur, datetime):  # pd.Timestamp et pd.NaT compris
        return None if pd.isna(valeur) else valeur.date()
    if isinstance(valeur, date):
        return valeur
    if est_vide(valeur):
        return None
    if isinstance(valeur, np.datetime64):
        return pd.Timestamp(valeur).date()
    if isinstance(valeur, str):
        return _date_texte(valeur.strip(), motifs)
    if isinstance(valeur, int | float | np.integer | np.floating) and not isinstance(
        valeur, bool | np.bool_
    ):
        return _dans_les_annees(date_serie_excel(float(valeur)), valeur)
    raise ValueError(f"« {valeur} » n'est pas une date.")


def date_serie_excel(numero: float) -> date:
    """Numéro de série Excel (45999 ; la partie décimale est l'heure, ignorée) -> date."""
    if not (math.isfinite(numero) and 1 <= numero < SERIE_EXCEL_MAX):
        raise ValueError(f"{numero} n'est pas un numéro de série de date Excel.")
    return EPOQUE_EXCEL + timedelta(days=math.floor(numero))


def _date_texte(texte: str, motifs: Sequence[str]) -> date:
    for motif in motifs:
        trouve = re.fullmatch(motif, texte)
        if trouve:
            jour = date(int(trouve["a"]), int(trouve["m"]), int(trouve["j"]))
            return _dans_les_annees(jour, texte)
    raise ValueError(f"« {texte} » n'est pas une date reconnue.")


def _dans_les_annees(jour: date, valeur: Any) -> date:
    if not ANNEE_MIN <= jour.year <= ANNEE_MAX:
        raise ValueError(f"« {valeur} » est hors des années {ANNEE_MIN}–{ANNEE_MAX}.")
    return jour


def lire_heure(valeur: Any) -> time | None:
    """Cellule ou texte -> heure à la minute ; None si vide ; ValueError si illisible.

    Accepte un `time` ou un instant, une fraction de jour Excel (0,5833 = 14:00) et les
    textes de `MOTIF_HEURE`.
    """
    if isinstance(valeur, datetime):
        if pd.isna(valeur):
            return None
        valeur = valeur.time()
    if isinstance(valeur, time):
        return time(valeur.hour, valeur.minute)
    if est_vide(valeur):
        return None
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        minutes = round(valeur * 24 * 60) if 0 <= valeur < 1 else -1
        if not 0 <= minutes < 24 * 60:
            raise ValueError(f"{valeur} n'est pas une heure Excel (fraction de jour).")
        return time(*divmod(minutes, 60))
    texte = en_texte(valeur).lower().replace(" ", "")
    trouve = re.fullmatch(MOTIF_HEURE, texte)
    if trouve:
        heures, minutes = int(trouve["h"]), int(trouve["min"] or 0)
        if heures <= 23 and minutes <= 59:
            return time(heures, minutes)
    raise ValueError(f"« {en_texte(valeur)} » n'est pas une heure reconnue.")


# --- texte saisi : nettoyage ----------------------------------------------------------
#
# Ce qu'une cellule Excel ou un fichier de paramètres contient vraiment : des retours à la
# ligne (Alt+Entrée, \r\n d'un copier-coller, le saut de ligne manuel de Word \x0b
# qu'Excel stocke « _x000B_ », saut de page \x0c, séparateurs Unicode) et des caractères
# invisibles collés d'ailleurs (\x00, \x1b, espace sans chasse, marque d'ordre des
# octets, contrôles bidirectionnels). Les premiers cassent un en-tête de courriel, les
# seconds le XML de Word et d'Excel (et ils empêchent de reconnaître un matricule).
# Décision, prise ici une fois : un retour à la ligne devient `saut` (une espace, ou
# « , » pour une adresse postale), un caractère invisible est retiré, une tabulation
# devient une espace ; le reste (espaces insécables comprises) est gardé tel quel.
_SAUTS = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_INVISIBLES = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\xad\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff]"
)


def contient_invisibles(texte: str) -> bool:
    """Le texte a des caractères que `nettoyer_texte` retire (pas seulement des sauts)."""
    return not texte.isprintable() and _INVISIBLES.search(texte) is not None


def nettoyer_texte(texte: str, saut: str = " ") -> tuple[str, str]:
    """(texte sur une ligne, sans invisibles ni espaces autour ; ce qui a été fait, ou "").

    Le second élément dit en français ce qui a changé au-delà des espaces retirés (« retour
    à la ligne remplacé par une espace », « caractère invisible U+000B retiré ») : c'est
    ce que `verifier` rapporte. Le cas courant (texte imprimable) ne coûte qu'un appel.
    """
    if texte.isprintable():
        return texte.strip(), ""
    retires = sorted({f"U+{ord(c):04X}" for c in _INVISIBLES.findall(texte)})
    morceaux = [m.replace("\t", " ").strip() for m in _SAUTS.split(_INVISIBLES.sub("", texte))]
    morceaux = [m for m in morceaux if m]
    propre = morceaux[0] if morceaux else ""
    for morceau in morceaux[1:]:
        # « 12 rue des Lilas,⏎Bât. B » ne devient pas « 12 rue des Lilas,, Bât. B ».
        lien = " " if saut.strip() and propre.endswith(saut.strip()) else saut
        propre += lien + morceau
    fait = []
    if len(morceaux) > 1:
        par = "une espace" if saut == " " else f"« {saut.strip()} »"
        pluriel = len(morceaux) > 2
        fait.append(f"retour{'s' * pluriel} à la ligne remplacé{'s' * pluriel} par {par}")
    if retires:
        pluriel = len(retires) > 1
        fait.append(
            f"caractère{'s' * pluriel} invisible{'s' * pluriel} {', '.join(retires)} "
            f"retiré{'s' * pluriel}"
        )
    return propre, " et ".join(fait)


# --- adresses électroniques -----------------------------------------------------------
#
# Une seule règle pour `verifier` et pour le publipostage (un registre validé ne doit
# jamais donner un en-tête To: invalide). Décision : la partie avant le @ est en ASCII
# (lettres sans accents, chiffres, . _ - + …) : la plupart des serveurs refusent encore
# une adresse accentuée (extension SMTPUTF8), mieux vaut le dire dès `verifier`, ligne
# nommée ; un domaine accentué (« @société.fr ») est converti en IDNA (« @xn--socit-esab.fr »)
# pour l'envoi : c'est sa forme officielle, que tout serveur accepte.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_ETIQUETTE = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAINE = rf"(?:{_ETIQUETTE}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})"
# Une adresse de cette forme est valide telle quelle (chemin rapide, vectorisable).
MOTIF_COURRIEL = f"{_LOCAL}@{_DOMAINE}"


def adresse_courriel(texte: str) -> str:
    """Adresse telle qu'elle partira (domaine en IDNA) ; ValueError, raison en français, sinon."""
    texte = texte.strip()
    if re.fullmatch(MOTIF_COURRIEL, texte) and len(texte) <= 254:
        return texte
    local, arobase, domaine = texte.rpartition("@")
    if not arobase or not local or not domaine:
        raise ValueError("il manque le @, ou ce qui l'entoure")
    if "@" in local or re.search(r"[\s,;<>()\[\]\"]", texte):
        raise ValueError("une seule adresse par cellule, sans espace ni guillemets")
    if not local.isascii():
        raise ValueError(
            "pas d'accent ni de caractère spécial avant le @ (la plupart des messageries "
            "refusent ces adresses)"
        )
    if not re.fullmatch(_LOCAL, local):
        raise ValueError("point mal placé ou caractère interdit avant le @")
    try:
        domaine_ascii = domaine.encode("idna").decode("ascii")
    except UnicodeError:
        domaine_ascii = ""
    if not re.fullmatch(_DOMAINE, domaine_ascii) or len(local) + len(domaine_ascii) > 253:
        raise ValueError("le domaine après le @ est incomplet ou invalide (forme @entreprise.fr)")
    return f"{local}@{domaine_ascii}"


def courriels_invalides(textes: Sequence[str]) -> dict[int, str]:
    """Position -> raison, pour chaque adresse non vide qu'`adresse_courriel` refuse.

    Vectorisé pour le registre : le motif rapide écarte les adresses ordinaires, seules les
    autres passent par `adresse_courriel` (la même règle, donc le même verdict).
    """
    serie = pd.Series(textes, dtype=object)
    rapide = serie.str.fullmatch(MOTIF_COURRIEL).fillna(False).to_numpy(bool)
    douteux = (~rapide | (serie.str.len() > 254).to_numpy(bool)) & (serie != "").to_numpy(bool)
    raisons = {}
    for i in np.flatnonzero(douteux):
        try:
            adresse_courriel(textes[i])
        except ValueError as exc:
            raisons[int(i)] = str(exc)
    return raisons


# --- aide à la correction des dates ---------------------------------------------------

_MOIS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11,
    "dec": 12,
}  # fmt: skip
# Une année sur deux chiffres : 85 -> 1985, 21 -> 2021 (un registre tenu aujourd'hui n'a
# ni naissance après 2049 ni embauche avant 1950).
_PIVOT_SIECLE = 50


def suggerer_date(texte: str) -> tuple[str, str] | None:
    """Pour un texte refusé comme date : (la date JJ/MM/AAAA qu'il semble dire, pourquoi).

    Les formats acceptés restent ceux de `MOTIFS_DATE` (registre.md) : on n'accepte pas
    « 12.05.1985 », on propose de l'écrire 12/05/1985. None si rien de plausible.
    """
    t = " ".join(texte.lower().replace("1er", "1").split())
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    essais: list[tuple[int, int, int, str]] = []
    trouve = re.fullmatch(r"(\d{1,2})\s?[./\- ]\s?(\d{1,2})\s?[./\- ]\s?(\d{4}|\d{2})", t)
    if trouve:
        j, m, a = (int(x) for x in trouve.groups())
        if len(trouve[3]) == 2:
            a += 2000 if a < _PIVOT_SIECLE else 1900
        essais += [(a, m, j, ""), (a, j, m, "jour et mois inversés")]
    trouve = re.fullmatch(r"(\d{4})\s?[./\- ]\s?(\d{1,2})\s?[./\- ]\s?(\d{1,2})", t)
    if trouve:
        a, m, j = (int(x) for x in trouve.groups())
        essais += [(a, m, j, ""), (a, j, m, "jour et mois inversés")]
    trouve = re.fullmatch(r"(?:[a-z]+\.? )?(\d{1,2}) ([a-z]+)\.? (\d{4})", t)
    if trouve and trouve[2] in _MOIS:
        essais.append((int(trouve[3]), _MOIS[trouve[2]], int(trouve[1]), ""))
    for a, m, j, pourquoi in essais:
        try:
            jour = _dans_les_annees(date(a, m, j), texte)
        except ValueError:
            continue
        proposition = jour.strftime(FORMAT_DATE_COURTE)
        if proposition != texte.strip():
            return proposition, pourquoi
    return None


# --- colonnes entières (lecture vectorisée du registre) -------------------------------


def texte_cellule(valeur: Any) -> str:
    """Cellule -> texte tel que l'utilisatrice le voit dans Excel (messages, colonnes libres).

    À la différence d'`en_texte` (une valeur à afficher dans un document), un booléen
    s'écrit VRAI/FAUX et une date JJ/MM/AAAA, comme dans la cellule.
    """
    if type(valeur) is str:
        return valeur
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "VRAI" if valeur else "FAUX"
    if isinstance(valeur, float):
        return str(int(valeur)) if valeur.is_integer() else str(valeur)
    if isinstance(valeur, datetime):
        if valeur.time() == time(0, 0):
            return valeur.strftime(FORMAT_DATE_COURTE)
        return valeur.strftime(f"{FORMAT_DATE_COURTE} %H:%M")
    if isinstance(valeur, date):
        return valeur.strftime(FORMAT_DATE_COURTE)
    if isinstance(valeur, time):
        return valeur.strftime("%H:%M")
    if isinstance(valeur, np.datetime64):
        return "" if np.isnat(valeur) else pd.Timestamp(valeur).strftime(FORMAT_DATE_COURTE)
    return str(valeur).strip()


def textes_cellules(valeurs: Sequence[Any]) -> list[str]:
    """`texte_cellule` sur une colonne (les textes, cas courant, passent sans appel)."""
    return [v if type(v) is str else texte_cellule(v) for v in valeurs]


_JOUR_MIN = np.datetime64(f"{ANNEE_MIN}-01-01", "D")
_JOUR_MAX = np.datetime64(f"{ANNEE_MAX}-12-31", "D")
_EPOQUE_EXCEL_JOUR = np.datetime64(EPOQUE_EXCEL, "D")


def dates_cellules(valeurs: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Colonne de cellules -> (datetime64[ns], NaT si vide ; masque des non-dates).

    Mêmes règles que `en_date(…, MOTIFS_DATE)`, mais par paquets : un registre de 100 000
    salariés a des centaines de milliers de dates, chacune convertie une par une coûterait
    des secondes. Les cellules sont triées par nature (date, instant, nombre, texte) puis
    converties ensemble.
    """
    n = len(valeurs)
    jours = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    invalide = np.zeros(n, dtype=bool)
    des_dates, des_instants, des_nombres, des_textes = [], [], [], []
    for i, v in enumerate(valeurs):
        t = type(v)
        if t is date:
            des_dates.append(i)
        elif t is str:
            if v:
                des_textes.append(i)
        elif t is datetime or t is pd.Timestamp:
            des_instants.append(i)
        elif t is float or t is int:
            des_nombres.append(i)
        elif v is not None:
            invalide[i] = True  # heure seule, booléen, durée…
    if des_dates:
        jours[des_dates] = np.array([valeurs[i] for i in des_dates], dtype="datetime64[D]")
    if des_instants:
        jours[des_instants] = np.array(
            [valeurs[i].date() for i in des_instants], dtype="datetime64[D]"
        )
    if des_nombres:
        serie = np.array([valeurs[i] for i in des_nombres], dtype=float)
        ok = np.isfinite(serie) & (serie >= 1) & (serie < SERIE_EXCEL_MAX)
        calcul = np.full(len(serie), np.datetime64("NaT"), dtype="datetime64[D]")
        calcul[ok] = _EPOQUE_EXCEL_JOUR + np.floor(serie[ok]).astype("int64")
        jours[des_nombres] = calcul
        invalide[des_nombres] = ~ok
    if des_textes:
        calcul, mauvais = _dates_textes([valeurs[i] for i in des_textes])
        jours[des_textes] = calcul
        invalide[des_textes] = mauvais
    hors_plage = ~np.isnat(jours) & ((jours < _JOUR_MIN) | (jours > _JOUR_MAX))
    invalide |= hors_plage
    jours[hors_plage] = np.datetime64("NaT")
    return jours.astype("datetime64[ns]"), invalide


def _dates_textes(textes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Textes de `MOTIFS_DATE` -> (jours, invalide), en une passe d'expressions régulières."""
    serie = pd.Series(textes, dtype=object)
    parties = serie.str.extract(f"^{MOTIFS_DATE[0]}$")
    for motif in MOTIFS_DATE[1:]:
        parties = parties.fillna(serie.str.extract(f"^{motif}$"))
    reconnu = parties["a"].notna().to_numpy()
    jours = np.full(len(textes), np.datetime64("NaT"), dtype="datetime64[D]")
    if reconnu.any():
        nombres = parties[reconnu].astype(int)
        valides = nombres["a"].between(ANNEE_MIN, ANNEE_MAX).to_numpy()
        calcul = pd.to_datetime(
            nombres[["a", "m", "j"]].set_axis(["year", "month", "day"], axis=1)[valides],
            errors="coerce",
        )
        tmp = np.full(int(reconnu.sum()), np.datetime64("NaT"), dtype="datetime64[D]")
        tmp[valides] = calcul.to_numpy().astype("datetime64[D]")
        jours[reconnu] = tmp
    return jours, np.isnat(jours)


# --- dates et heures en français ------------------------------------------------------


def date_longue(valeur: Any) -> str:
    """« mardi 8 décembre 2026 » ; « mardi 1er décembre 2026 » (usage français) ; "" si vide."""
    d = en_date(valeur)
    return "" if d is None else _formater(d, "full")


def date_longue_sans_jour(valeur: Any) -> str:
    """« 8 décembre 2026 » ; « 1er mars 2015 »."""
    d = en_date(valeur)
    return "" if d is None else _formater(d, "long")


@functools.lru_cache(maxsize=8192)
def _formater(d: date, forme: str) -> str:
    # Une campagne répète les mêmes dates des milliers de fois ; Babel est lent.
    texte = format_date(d, format=forme, locale=LOCALE)
    return _premier_du_mois(texte) if d.day == 1 else texte


def _premier_du_mois(texte: str) -> str:
    return re.sub(r"(^|\s)1(?=\s)", r"\g<1>1er", texte, count=1)


def date_courte(valeur: Any) -> str:
    """« 08/12/2026 » ; "" si vide."""
    d = en_date(valeur)
    return d.strftime(FORMAT_DATE_COURTE) if d else ""


def heure_fr(valeur: Any) -> str:
    """ "14:00" -> « 14 h 00 » ; un texte qui n'est pas une heure est rendu tel quel."""
    try:
        heure = lire_heure(valeur)
    except ValueError:
        return en_texte(valeur)
    return "" if heure is None else f"{heure.hour} h {heure.minute:02d}"


def heure_courte(valeur: Any, secondes: bool = False) -> str:
    """Un instant ou une heure -> « 14:00 » (« 14:00:05 » avec `secondes`)."""
    return valeur.strftime("%H:%M:%S" if secondes else "%H:%M")


def duree_fr(minutes: Any) -> str:
    """90 -> « 1 h 30 » ; 60 -> « 1 h » ; 45 -> « 45 min »."""
    if est_vide(minutes):
        return ""
    heures, reste = divmod(int(minutes), 60)
    if not heures:
        return f"{reste} min"
    return f"{heures} h {reste:02d}" if reste else f"{heures} h"


def anciennete_fr(entree: Any, au: date) -> str:
    """« 11 ans et 8 mois », « 3 mois », « moins d'un mois »."""
    d = en_date(entree)
    if d is None or d > au:
        return ""
    mois = (au.year - d.year) * 12 + au.month - d.month - (1 if au.day < d.day else 0)
    ans, reste = divmod(mois, 12)
    morceaux = []
    if ans:
        morceaux.append(f"{ans} an{'s' if ans > 1 else ''}")
    if reste:
        morceaux.append(f"{reste} mois")
    return " et ".join(morceaux) if morceaux else "moins d'un mois"


# --- nombres --------------------------------------------------------------------------


def nombre_fr(valeur: Any, decimales: int = 0, milliers: str = ESPACE_FINE_INSECABLE) -> str:
    """12500 -> « 12 500 » ; 31.08 avec une décimale -> « 31,1 » ; "" si vide."""
    if est_vide(valeur):
        return ""
    if decimales:
        texte = f"{float(valeur):,.{decimales}f}"
    else:
        texte = f"{int(round(float(valeur))):,}"
    return texte.replace(",", milliers).replace(".", ",")


def montant_fr(euros: Any, espace: str | None = None) -> str:
    """3000 -> « 3 000 € », arrondi à l'euro ; "" si vide.

    Espace fine insécable entre les milliers et insécable avant « € » ; `espace` impose un
    même caractère aux deux places (documents Word, textes déjà publiés).
    """
    if est_vide(euros):
        return ""
    milliers = espace or ESPACE_FINE_INSECABLE
    return f"{nombre_fr(euros, milliers=milliers)}{espace or ESPACE_INSECABLE}€"


def pourcentage_fr(taux: float | None) -> str:
    """0.853 -> « 85 % » ; None -> « — » (pas de taux sans effectif)."""
    if taux is None:
        return "—"
    return f"{nombre_fr(taux * 100)}{ESPACE_INSECABLE}%"


def oui_non(valeur: Any) -> str:
    """Vrai -> « oui » ; faux ou vide -> « non »."""
    return "non" if est_vide(valeur) or not valeur else "oui"


# --- au fil d'une phrase -------------------------------------------------------------

_VOYELLES = frozenset("aeiouàâäéèêëîïôöùûüæœ")


def de(texte: str) -> str:
    """« de » devant un nom, élidé devant une voyelle : « d'Émilie », « de Maxime ».

    Aussi devant un Y qui se prononce « i » (« d'Yves »), jamais devant un H : qu'il soit
    muet (« d'Hélène ») ou aspiré (« de Hamon ») ne se lit pas dans l'orthographe d'un
    nom propre, et « de Hélène » se lit mieux que « d'Hamon ».
    """
    texte = str(texte).strip()
    premiere, suivante = texte[:1].lower(), texte[1:2].lower()
    if premiere in _VOYELLES or (premiere == "y" and suivante and suivante not in _VOYELLES):
        return f"d'{texte}"
    return f"de {texte}"


# Pas `schema.cle` : ses mots vides (d, l, le…) confondraient « Salle D » et « Salle L ».
def normaliser(texte: Any) -> str:
    """« Durée (min) » -> « duree min » : casse, accents, ponctuation et espaces ignorés."""
    # Un texte tel quel : les espaces qu'en_texte retirerait sont ignorés de toute façon.
    return _normaliser_texte(texte if texte.__class__ is str else en_texte(texte))


# La relecture d'un planning normalise à chaque ligne les mêmes noms (conducteurs, salles,
# signataire, libellés de statut) : chacun n'est calculé qu'une fois.
@functools.lru_cache(maxsize=1 << 16)
def _normaliser_texte(texte: str) -> str:
    if texte.isascii():  # NFKD ne change aucun caractère ASCII, aucun n'est un accent
        return " ".join(_MOTS_NORMALISES.findall(texte.lower()))
    sans_accents = unicodedata.normalize("NFKD", texte)
    sans_accents = "".join(c for c in sans_accents if not unicodedata.combining(c))
    return " ".join(_MOTS_NORMALISES.findall(sans_accents.lower()))


_MOTS_NORMALISES = re.compile(r"[a-z0-9]+")
