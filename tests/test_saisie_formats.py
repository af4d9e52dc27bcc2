"""Formats de saisie : le nettoyage du texte tapé, la règle des adresses électroniques et
la proposition faite pour une date mal écrite (`pipeline.formats`)."""

from __future__ import annotations

import pytest

from pipeline.formats import adresse_courriel, courriels_invalides, nettoyer_texte, suggerer_date


@pytest.mark.parametrize(
    ("texte", "saut", "attendu", "dit"),
    [
        ("Jean\nPierre", " ", "Jean Pierre", "retour à la ligne remplacé par une espace"),
        ("Jean\x0bPierre", " ", "Jean Pierre", "retour à la ligne"),  # Word, « _x000B_ »
        ("Jean\r\nPierre ", " ", "Jean Pierre", "retour à la ligne"),
        ("Ma\x00rtin", " ", "Martin", "caractère invisible U+0000 retiré"),
        ("\x1b[31mRouge", " ", "[31mRouge", "U+001B"),
        ("1044\u200b", " ", "1044", "U+200B"),  # espace sans chasse collée du web
        ("12 rue des Lilas\nBât. B", ", ", "12 rue des Lilas, Bât. B", "par « , »"),
        ("12 rue des Lilas,\n\nBât. B", ", ", "12 rue des Lilas, Bât. B", "retour à la ligne"),
        ("  Dupont  ", " ", "Dupont", ""),  # espaces : retirés sans rien dire
        ("tab\tulation", " ", "tab ulation", ""),
        ("Sœur\u00a0Anne", " ", "Sœur\u00a0Anne", ""),  # espace insécable gardée
    ],
)
def test_nettoyer_texte(texte: str, saut: str, attendu: str, dit: str) -> None:
    propre, fait = nettoyer_texte(texte, saut)
    assert propre == attendu
    assert (dit in fait) if dit else fait == ""


@pytest.mark.parametrize(
    ("ecrit", "propose"),
    [
        ("12.05.1985", ("12/05/1985", "")),
        ("12-05-85", ("12/05/1985", "")),
        ("15/03/24", ("15/03/2024", "")),
        ("2024/03/15", ("15/03/2024", "")),
        ("15 mars 2024", ("15/03/2024", "")),
        ("1er février 2025", ("01/02/2025", "")),
        ("2019-13-01", ("13/01/2019", "jour et mois inversés")),
        ("05/25/2020", ("25/05/2020", "jour et mois inversés")),
        ("31/02/2021", None),
        ("hier", None),
    ],
)
def test_suggerer_date(ecrit: str, propose: tuple[str, str] | None) -> None:
    assert suggerer_date(ecrit) == propose


@pytest.mark.parametrize(
    ("adresse", "envoyee"),
    [
        ("elodie.durand@exemple.fr", "elodie.durand@exemple.fr"),
        ("o'brien+rh@exemple.co.uk", "o'brien+rh@exemple.co.uk"),
        ("jean@société.fr", "jean@xn--socit-esab.fr"),  # domaine accentué : IDNA
        (" paul@exemple.fr ", "paul@exemple.fr"),
    ],
)
def test_adresse_courriel_telle_qu_elle_partira(adresse: str, envoyee: str) -> None:
    assert adresse_courriel(adresse) == envoyee


@pytest.mark.parametrize(
    ("adresse", "raison"),
    [
        ("élodie.durand@exemple.fr", "pas d'accent"),
        ("elodie..durand@exemple.fr", "point mal placé"),
        ("elodie durand@exemple.fr", "sans espace"),
        ("elodie@exemple", "domaine"),
        ("Élodie Durand", "il manque le @"),
        ("elodie@exemple.fr; paul@exemple.fr", "une seule adresse"),
    ],
)
def test_adresse_courriel_refusee_avec_sa_raison(adresse: str, raison: str) -> None:
    with pytest.raises(ValueError, match=raison):
        adresse_courriel(adresse)


def test_courriels_invalides_meme_verdict_que_adresse_courriel() -> None:
    adresses = ["a@exemple.fr", "", "élodie@exemple.fr", "jean@société.fr", "x@y"]
    assert sorted(courriels_invalides(adresses)) == [2, 4]
