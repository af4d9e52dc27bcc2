"""Formats français et lecture des cellules (pipeline/formats.py)."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, datetime, time

import numpy as np
import pandas as pd
import pytest

from pipeline.exemples import exemple_contexte_salarie
from pipeline.formats import (
    MOTIF_DATE_FR,
    MOTIF_DATE_ISO,
    MOTIFS_DATE_TOLERES,
    date_courte,
    en_date,
    en_texte,
    heure_courte,
    heure_fr,
    lire_heure,
    montant_fr,
    nombre_fr,
    normaliser,
    pourcentage_fr,
)

FINE = "\u202f"
INSECABLE = "\u00a0"


# --- lecture des dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        pytest.param(date(2026, 12, 8), date(2026, 12, 8), id="date"),
        pytest.param(datetime(2026, 12, 8, 14, 30), date(2026, 12, 8), id="instant"),
        pytest.param(pd.Timestamp("2026-12-08"), date(2026, 12, 8), id="timestamp"),
        pytest.param(np.datetime64("2026-12-08"), date(2026, 12, 8), id="datetime64"),
        pytest.param("08/12/2026", date(2026, 12, 8), id="jj/mm/aaaa"),
        pytest.param(" 8/1/2026 ", date(2026, 1, 8), id="j/m/aaaa-espaces"),
        pytest.param("2026-12-08", date(2026, 12, 8), id="iso"),
        pytest.param("2026-12-08 14:30:00", date(2026, 12, 8), id="iso-avec-heure"),
        pytest.param(45658, date(2025, 1, 1), id="serie-excel"),
        pytest.param(45658.75, date(2025, 1, 1), id="serie-excel-avec-heure"),
        pytest.param(None, None, id="none"),
        pytest.param("  ", None, id="blanc"),
        pytest.param(pd.NaT, None, id="nat"),
        pytest.param(pd.NA, None, id="na"),
        pytest.param(float("nan"), None, id="nan"),
    ],
)
def test_en_date_accepte(valeur, attendu):
    assert en_date(valeur) == attendu


@pytest.mark.parametrize(
    "valeur",
    [
        pytest.param("31/02/2026", id="jour-impossible"),
        pytest.param("08/12/1850", id="annee-trop-ancienne"),
        pytest.param("2262-01-01", id="annee-trop-lointaine"),
        pytest.param("12/08/26", id="annee-sur-deux-chiffres"),
        pytest.param("08-12-2026", id="tirets-hors-contrat"),
        pytest.param("08.12.2026", id="points-hors-contrat"),
        pytest.param("demain", id="texte"),
        pytest.param(0.5, id="heure-seule"),
        pytest.param(True, id="booleen"),
    ],
)
def test_en_date_refuse(valeur):
    with pytest.raises(ValueError):
        en_date(valeur)


@pytest.mark.parametrize("texte", ["08-12-2026", "08.12.2026", "08/12/2026", "2026-12-08"])
def test_formats_toleres_du_planning_corrige(texte):
    assert en_date(texte, MOTIFS_DATE_TOLERES) == date(2026, 12, 8)


def test_motifs_utilisables_en_lecture_vectorisee():
    serie = pd.Series(["08/12/2026", "2026-12-08 09:00", "08-12-2026"])
    parties = serie.str.extract(f"^{MOTIF_DATE_FR}$").fillna(
        serie.str.extract(f"^{MOTIF_DATE_ISO}$")
    )
    assert parties.values.tolist() == [
        ["08", "12", "2026"],
        ["08", "12", "2026"],
        [np.nan, np.nan, np.nan],
    ]


# --- lecture des heures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        ("14:00", time(14, 0)),
        ("9h30", time(9, 30)),
        ("14h", time(14, 0)),
        ("14 H 30", time(14, 30)),
        ("14:00:59", time(14, 0)),
        (time(14, 0, 30), time(14, 0)),
        (datetime(2026, 12, 8, 9, 45), time(9, 45)),
        (0.5, time(12, 0)),
        (None, None),
        ("", None),
    ],
)
def test_lire_heure_accepte(valeur, attendu):
    assert lire_heure(valeur) == attendu


@pytest.mark.parametrize("valeur", ["25:00", "14:60", "14", "midi", 1.5, True])
def test_lire_heure_refuse(valeur):
    with pytest.raises(ValueError):
        lire_heure(valeur)


# --- écriture -------------------------------------------------------------------------


def test_heures_et_dates_courtes():
    debut = datetime(2026, 12, 8, 9, 5, 7)
    assert heure_fr(debut) == "9 h 05"
    assert heure_fr("pas une heure") == "pas une heure"
    assert heure_courte(debut) == "09:05"
    assert heure_courte(debut, secondes=True) == "09:05:07"
    assert date_courte(debut) == "08/12/2026"
    assert date_courte(None) == ""


def test_nombres_montants_pourcentages():
    assert nombre_fr(31.08, 1) == "31,1"
    assert nombre_fr(1234567.891, 1) == f"1{FINE}234{FINE}567,9"
    assert nombre_fr(None) == ""
    assert montant_fr(12500) == f"12{FINE}500{INSECABLE}€"
    assert montant_fr(3000, espace=" ") == "3 000 €"
    assert montant_fr(pd.NA) == ""
    assert pourcentage_fr(0.853) == f"85{INSECABLE}%"
    assert pourcentage_fr(None) == "—"


def test_documents_word_gardent_l_espace_insecable():
    # L'espace fine manque dans certaines polices de bureautique : les documents Word
    # n'en contiennent pas.
    contexte = exemple_contexte_salarie(types=("etat_des_lieux",))
    assert contexte["etat_des_lieux"]["montant"] == f"3{INSECABLE}000{INSECABLE}€"
    assert f"3{INSECABLE}000{INSECABLE}€" in contexte["etat_des_lieux"]["verdict"]


# --- normalisation des noms -----------------------------------------------------------


def _normaliser_reference(texte) -> str:
    """La définition : NFKD, accents retirés, minuscules, mots [a-z0-9] joints d'un espace."""
    sans_accents = unicodedata.normalize("NFKD", en_texte(texte))
    sans_accents = "".join(c for c in sans_accents if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", sans_accents.lower()))


def test_normaliser_rapide_egal_a_la_definition():
    """Textes ASCII (voie rapide), accentués, composés à la main, ligatures, exotiques,
    valeurs non textuelles : même résultat que la définition, et le cache ne change rien."""
    hasard = random.Random(14)
    alphabet = "aZ09 -'_.éÈçÆœßøŒÿ\u0301\u0327\ufb01\u2160\u00a0\u202fΣσ漢\t"
    textes = ["", "  ", "Durée (min)", "Jérôme NOM3260", "e\u0301", "ΑΣ ΣΑ", None, 42.0, 7]
    textes += ["".join(hasard.choices(alphabet, k=hasard.randint(0, 12))) for _ in range(3000)]
    for texte in textes * 2:
        assert normaliser(texte) == _normaliser_reference(texte), repr(texte)
