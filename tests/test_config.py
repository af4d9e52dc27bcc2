"""Paramètres : valeurs par défaut, fichier partiel, erreurs qui nomment la clé."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Parametres, charger_parametres, depuis_dict, lire_parametres
from pipeline.erreurs import ErreurEntretiens

RACINE = Path(__file__).resolve().parent.parent


def _codes(exc: ErreurEntretiens) -> list[tuple[str | None, str]]:
    return [(a.colonne, a.code) for a in exc.anomalies]


def test_fichier_livre_valide_et_documente() -> None:
    parametres = charger_parametres(RACINE / "donnees" / "parametres.toml")
    assert parametres.regles.regime == "2025"
    assert parametres.regles.periodicite == 48
    assert parametres.regles.cycle_etat_des_lieux_ans == 8
    # Chaque clé connue du programme figure dans le fichier livré (il sert de documentation).
    texte = (RACINE / "donnees" / "parametres.toml").read_text(encoding="utf-8")
    for section in ("fichiers", "entreprise", "regles", "planning", "publipostage"):
        assert f"[{section}]" in texte
        for cle in getattr(Parametres(), section).__dataclass_fields__:
            assert f"\n{cle} = " in texte, f"{section}.{cle} absent de parametres.toml"


def test_absent_ou_partiel_donne_les_defauts(tmp_path: Path) -> None:
    assert charger_parametres(None) == Parametres()
    fichier = tmp_path / "p.toml"
    fichier.write_text('[regles]\nregime = "2014"\n', encoding="utf-8")
    parametres = charger_parametres(fichier)
    assert parametres.regles.periodicite == 24
    assert parametres.regles.cycle_etat_des_lieux_ans == 6
    assert parametres.planning.creneaux == ["09:00", "10:45", "14:00", "15:45"]
    assert parametres.source == fichier


def test_accord_collectif_remplace_la_periodicite() -> None:
    assert depuis_dict({"regles": {"periodicite_mois": 24}}).regles.periodicite == 24
    # Régime 2014 : un accord peut aller au-delà de 24 mois.
    assert (
        depuis_dict({"regles": {"regime": "2014", "periodicite_mois": 60}}).regles.periodicite == 60
    )


def test_annee_sans_guillemets_acceptee() -> None:
    assert depuis_dict({"regles": {"regime": 2014}}).regles.regime == "2014"


@pytest.mark.parametrize(
    ("brut", "attendu"),
    [
        pytest.param(
            {"regles": {"periodicite": 24}},
            ("regles.periodicite", "parametre-inconnu"),
            id="cle-inconnue",
        ),
        pytest.param(
            {"entreprises": {}}, ("[entreprises]", "parametre-inconnu"), id="section-inconnue"
        ),
        pytest.param(
            {"regles": {"regime": "2030"}}, ("regles.regime", "parametre-hors-bornes"), id="regime"
        ),
        pytest.param(
            {"regles": {"periodicite_mois": 60}},
            ("regles.periodicite_mois", "parametre-hors-bornes"),
            id="plus-de-48-mois-en-2025",
        ),
        pytest.param(
            {"entreprise": {"effectif": "120"}},
            ("entreprise.effectif", "parametre-type"),
            id="type",
        ),
        pytest.param(
            {"entreprise": {"effectif": True}},
            ("entreprise.effectif", "parametre-type"),
            id="booleen",
        ),
        pytest.param(
            {"planning": {"creneaux": ["9h"]}},
            ("planning.creneaux", "parametre-hors-bornes"),
            id="heure",
        ),
        pytest.param(
            {"planning": {"delai_min_jours": 30, "delai_max_jours": 7}},
            ("planning.delai_min_jours", "parametre-hors-bornes"),
            id="delais-inverses",
        ),
        pytest.param(
            {"planning": {"zone_feries": "bretagne"}},
            ("planning.zone_feries", "parametre-hors-bornes"),
            id="zone",
        ),
        pytest.param(
            {"publipostage": {"smtp_securite": "tls"}},
            ("publipostage.smtp_securite", "parametre-hors-bornes"),
            id="securite-smtp",
        ),
    ],
)
def test_erreurs_nomment_la_cle(brut: dict, attendu: tuple[str, str]) -> None:
    with pytest.raises(ErreurEntretiens) as exc:
        depuis_dict(brut)
    assert _codes(exc.value) == [attendu]
    assert exc.value.anomalies[0].message  # une phrase qui dit quoi corriger


def test_toutes_les_erreurs_sont_collectees() -> None:
    with pytest.raises(ErreurEntretiens) as exc:
        depuis_dict({"regles": {"regime": "2030", "foo": 1}, "planning": {"lieux": []}})
    assert sorted(_codes(exc.value)) == [
        ("planning.lieux", "parametre-hors-bornes"),
        ("regles.foo", "parametre-inconnu"),
        ("regles.regime", "parametre-hors-bornes"),
    ]


def test_toml_illisible(tmp_path: Path) -> None:
    fichier = tmp_path / "p.toml"
    fichier.write_text("[regles\nregime = ", encoding="utf-8")
    with pytest.raises(ErreurEntretiens) as exc:
        charger_parametres(fichier)
    assert exc.value.anomalies[0].code == "parametres-illisibles"
    assert "TOML" in exc.value.message


def test_fichier_absent(tmp_path: Path) -> None:
    with pytest.raises(ErreurEntretiens) as exc:
        charger_parametres(tmp_path / "absent.toml")
    assert exc.value.anomalies[0].code == "fichier-introuvable"


def test_valeurs_du_fichier_livre_sont_les_defauts_sauf_mention() -> None:
    # L'en-tête du fichier promet que ses valeurs sont les défauts, sauf « défaut : ».
    import tomllib

    chemin = RACINE / "donnees" / "parametres.toml"
    lu = tomllib.loads(chemin.read_text(encoding="utf-8"))
    mentions = {
        ligne.split("=")[0].strip()
        for ligne in chemin.read_text(encoding="utf-8").splitlines()
        if "# défaut :" in ligne
    }
    defauts = Parametres()
    for section, valeurs in lu.items():
        for cle, valeur in valeurs.items():
            if cle not in mentions:
                assert getattr(getattr(defauts, section), cle) == valeur, f"{section}.{cle}"


def test_fichier_enregistre_avec_bom_par_le_bloc_notes(tmp_path: Path) -> None:
    fichier = tmp_path / "p.toml"
    fichier.write_bytes(
        b"\xef\xbb\xbf" + '[entreprise]\nraison_sociale = "Menuiserie Lefèvre"\n'.encode()
    )
    assert charger_parametres(fichier).entreprise.raison_sociale == "Menuiserie Lefèvre"


def test_textes_nettoyes_comme_les_cellules_du_registre(tmp_path: Path) -> None:
    fichier = tmp_path / "p.toml"
    fichier.write_text(
        "[entreprise]\n"
        'raison_sociale = "Dupont & Fils\\nMenuiserie"\n'
        'adresse = """12 rue des Lilas\n\\u000bBât. B"""\n'
        'signataire = "Claire\\u0000 Martin"\n'
        "[planning]\n"
        'lieux = ["Salle\\tRhône", "Atelier"]\n',
        encoding="utf-8",
    )
    parametres, avertissements = lire_parametres(fichier)
    assert parametres.entreprise.raison_sociale == "Dupont & Fils Menuiserie"
    assert parametres.entreprise.adresse == "12 rue des Lilas, Bât. B"
    assert parametres.entreprise.signataire == "Claire Martin"
    assert parametres.planning.lieux == ["Salle Rhône", "Atelier"]
    assert [(a.colonne, a.code, a.gravite) for a in avertissements] == [
        ("entreprise.raison_sociale", "texte-nettoye", "avertissement"),
        ("entreprise.adresse", "texte-nettoye", "avertissement"),
        ("entreprise.signataire", "texte-nettoye", "avertissement"),
    ]
    assert "U+0000" in avertissements[2].message
    assert parametres == charger_parametres(fichier)
