"""Le registre tel que les services RH le tapent vraiment : petits classeurs dans tmp_path.

Titre au-dessus des en-têtes, synonymes de feuilles et de colonnes, colonnes en plus,
retours à la ligne et caractères invisibles, formules jamais calculées, valeurs d'erreur,
cellule égarée en bas à droite, dates impossibles, fautes de saisie à corriger.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import ecrire_classeur
from python_calamine import CalamineError, CalamineWorkbook

from pipeline import classeur_brut, controles_registre, lecture_feuilles
from pipeline.config import Regles
from pipeline.erreurs import ErreurEntretiens, formater_anomalies
from pipeline.publipostage import _courriel_valide
from pipeline.registre import Registre, lire_registre
from pipeline.regles import calculer_obligations

ENTETES = ["Matricule", "Nom", "Prénom", "Date de naissance", "Date d'entrée"]
D = date(2015, 9, 1)


def ligne(matricule: str = "1", nom: str = "Durand", prenom: str = "Élodie", **autres: Any):
    return [
        matricule,
        nom,
        prenom,
        autres.get("naissance", date(1980, 5, 17)),
        autres.get("entree", D),
    ]


def lire(chemin: Path) -> Registre:
    return lire_registre(chemin)


def echec(chemin: Path) -> ErreurEntretiens:
    with pytest.raises(ErreurEntretiens) as exc:
        lire_registre(chemin)
    return exc.value


def codes(anomalies: list) -> list[list[Any]]:
    return [[a.feuille, a.ligne, a.colonne, a.code] for a in anomalies]


def par_code(anomalies: list, code: str) -> list:
    return [a for a in anomalies if a.code == code]


def espionner(monkeypatch: pytest.MonkeyPatch, module: Any, nom: str) -> list[tuple]:
    """Les arguments de chaque appel à `module.nom`, qui garde son effet."""
    appels: list[tuple] = []
    fonction = getattr(module, nom)

    def espion(*arguments: Any) -> Any:
        appels.append(arguments)
        return fonction(*arguments)

    monkeypatch.setattr(module, nom, espion)
    return appels


# --------------------------------------------------------------------- ligne d'en-tête


def test_titre_et_ligne_vide_au_dessus_des_en_tetes(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ["Registre du personnel — Menuiserie Lefèvre"],
                ["Mis à jour le 02/11/2026", None, None],
                [],
                ENTETES,
                ligne("1"),
                [],
                ligne("2", entree="32/13/2020"),
            ]
        },
    )
    erreur = echec(chemin)
    # Les numéros de ligne restent ceux d'Excel : en-têtes en ligne 4, données en 5 et 7.
    assert codes(erreur.erreurs) == [["Salariés", 7, "Date d'entrée", "date-invalide"]]
    (info,) = par_code(erreur.avertissements, "ligne-entete")
    assert info.ligne == 4 and info.gravite == "information"
    assert "ligne 4" in info.message and "Registre du personnel — Menuiserie" in info.message


def test_en_tetes_en_ligne_1_rien_a_dire(tmp_path: Path) -> None:
    registre = lire(ecrire_classeur(tmp_path, {"Salariés": [ENTETES, ligne()]}))
    assert registre.avertissements == []
    assert registre.salaries["ligne"].tolist() == [2]


def test_ligne_d_en_tete_incomplete_nommee_dans_l_erreur(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [["Liste au 01/11"], ["Matricule", "Nom", "Prénom"], ["1", "A", "B"]]},
    )
    (erreur,) = echec(chemin).erreurs
    assert [erreur.ligne, erreur.colonne, erreur.code] == [2, "Date d'entrée", "colonne-manquante"]
    assert "(ligne 2)" in erreur.message


def test_invisible_dans_un_en_tete_retire_et_signale(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ["Matricule", "Nom", "Pré_x0000_nom", "Date de naissance", "Date d'entrée"],
                ligne(),
            ]
        },
    )
    registre = lire(chemin)
    assert registre.salaries["prenom"].tolist() == ["Élodie"]
    (nettoye,) = registre.avertissements
    assert [nettoye.ligne, nettoye.colonne, nettoye.code] == [1, "Prénom", "texte-nettoye"]
    assert "U+0000" in nettoye.message


def test_en_tetes_sur_deux_lignes_alt_entree(tmp_path: Path) -> None:
    # Titres de colonnes tapés sur deux lignes dans la cellule : reconnus, sans message.
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ["Matricule", "Nom", "Prénom", "Date de\nnaissance", "Date\nd'entrée"],
                ligne(),
            ]
        },
    )
    registre = lire(chemin)
    assert registre.salaries["date_entree"].tolist() == [pd.Timestamp(D)]
    assert registre.avertissements == []


# -------------------------------------------------------------------------- synonymes


@pytest.mark.parametrize(
    "nom_feuille", ["Personnel", "Effectif", "Collaborateurs", "Liste du personnel", "Employés"]
)
def test_synonymes_de_la_feuille_salaries(tmp_path: Path, nom_feuille: str) -> None:
    registre = lire(ecrire_classeur(tmp_path, {nom_feuille: [ENTETES, ligne("7")]}))
    assert registre.salaries["matricule"].tolist() == ["7"]
    (info,) = par_code(registre.avertissements, "noms-reconnus")
    assert "Feuille lue comme « Salariés »" in info.message


@pytest.mark.parametrize(
    ("en_tete", "valeur", "colonne", "attendu"),
    [
        ("Responsable", "1", "matricule_manager", "1"),
        ("Manager", "1", "matricule_manager", "1"),
        ("N+1", "1", "matricule_manager", "1"),
        ("Matricule du responsable", "1", "matricule_manager", "1"),
        ("CP", "01000", "code_postal", "01000"),
        ("Site", "Cholet", "etablissement", "Cholet"),
        ("Établissement", "Cholet", "etablissement", "Cholet"),
        ("E-mail", "a@exemple.fr", "email", "a@exemple.fr"),
        ("Courriel", "a@exemple.fr", "email", "a@exemple.fr"),
        ("Mail", "a@exemple.fr", "email", "a@exemple.fr"),
        ("Civ.", "Madame", "civilite", "Mme"),
        ("Date d'embauche", "2015-09-01", "date_entree", pd.Timestamp(D)),
    ],
)
def test_synonymes_de_colonnes(
    tmp_path: Path, en_tete: str, valeur: str, colonne: str, attendu: Any
) -> None:
    entetes = ["Matricule", "Nom", "Prénom", "Date d'entrée", en_tete]
    if colonne == "date_entree":
        entetes = ["Matricule", "Nom", "Prénom", en_tete]
    ligne_salarie = ["1", "Roux", "Paul", D, valeur][: len(entetes)]
    if colonne == "date_entree":
        ligne_salarie = ["1", "Roux", "Paul", valeur]
    registre = lire(ecrire_classeur(tmp_path, {"Salariés": [entetes, ligne_salarie]}))
    assert registre.salaries[colonne].tolist() == [attendu]
    assert registre.salaries["autres"].tolist() == [{}]
    reconnus = " ".join(a.message for a in par_code(registre.avertissements, "noms-reconnus"))
    # Un synonyme est dit (« Site » = Établissement) ; le nom documenté, non.
    assert (f"« {en_tete} » = " in reconnus) is (en_tete != "Établissement")


@pytest.mark.parametrize("en_tete", ["Né(e) le", "Date de naissance", "Née le"])
def test_synonymes_de_la_date_de_naissance(tmp_path: Path, en_tete: str) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [["Matricule", "Nom", "Prénom", en_tete, "Date d'entrée"], ligne()]},
    )
    assert lire(chemin).salaries["date_naissance"].tolist() == [pd.Timestamp(1980, 5, 17)]


def test_synonymes_de_la_feuille_entretiens(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [ENTETES, ligne("1009")],
            "Entretiens professionnels": [
                [
                    "Matricule",
                    "Date de l'entretien",
                    "Type d'entretien",
                    "Réalisé par",
                    "Commentaires",
                ],
                ["1009", date(2024, 3, 1), "Bilan 8 ans", "S. Roux", "RAS"],
            ],
        },
    )
    registre = lire(chemin)
    assert registre.entretiens[
        ["matricule", "date", "type", "conduit_par", "commentaire"]
    ].values.tolist() == [["1009", pd.Timestamp(2024, 3, 1), "etat_des_lieux", "S. Roux", "RAS"]]
    assert [a.code for a in registre.avertissements if a.feuille != "Salariés"] == ["noms-reconnus"]


def test_colonnes_inconnues_listees_une_fois_et_offertes_aux_modeles(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, "Type de contrat", "Téléphone", "Responsable"],
                [*ligne("1"), "CDI", "06 12 34 56 78", None],
                [*ligne("2"), "CDD", None, "1"],
            ]
        },
    )
    registre = lire(chemin)
    assert registre.salaries["autres"].tolist() == [
        {"Type de contrat": "CDI", "Téléphone": "06 12 34 56 78"},
        {"Type de contrat": "CDD", "Téléphone": ""},
    ]
    (info,) = par_code(registre.avertissements, "colonnes-non-reconnues")
    assert info.gravite == "information"
    assert "« Type de contrat », « Téléphone »" in info.message
    # Et l'on voit d'un coup d'œil que « Responsable » a été lu comme le manager.
    (lus,) = par_code(registre.avertissements, "noms-reconnus")
    assert "« Responsable » = Matricule manager" in lus.message
    assert registre.salaries["matricule_manager"].tolist() == ["", "1"]


# ---------------------------------------------------------------------- ambiguïtés


def test_responsable_qui_n_est_pas_un_matricule_n_est_pas_le_manager(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [[*ENTETES, "Responsable"], [*ligne("1"), "oui"], [*ligne("2"), "non"]]},
    )
    registre = lire(chemin)  # pas d'erreur « manager-inconnu » pour « oui » et « non »
    assert registre.salaries["matricule_manager"].tolist() == ["", ""]
    assert registre.salaries["autres"].tolist() == [{"Responsable": "oui"}, {"Responsable": "non"}]
    (avertissement,) = par_code(registre.avertissements, "colonne-ignoree")
    assert "ne contient aucun matricule" in avertissement.message
    assert avertissement.colonne == "Responsable"


def test_responsable_tenu_avec_des_matricules_sans_index_des_noms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Le cas courant : un matricule connu suffit ; l'index des noms (coûteux sur 100 000
    # salariés) ne sert qu'aux colonnes tenues avec des noms.
    appels = espionner(monkeypatch, lecture_feuilles, "index_noms_salaries")
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [[*ENTETES, "Responsable"], [*ligne("1"), None], [*ligne("2"), "1"]]},
    )
    assert lire(chemin).salaries["matricule_manager"].tolist() == ["", "1"]
    assert appels == []


def test_manager_tenu_avec_des_noms_propose_le_matricule(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, "Manager"],
                [*ligne("1004", "Roux", "Stéphane"), None],
                [*ligne("1010", "Petit", "Anne"), "Stéphane Roux"],
                [*ligne("1011", "Martin", "Léo"), "ROUX Stéphane"],
            ]
        },
    )
    erreurs = echec(chemin).erreurs
    assert codes(erreurs) == [
        ["Salariés", 3, "Manager", "manager-inconnu"],
        ["Salariés", 4, "Manager", "manager-inconnu"],
    ]
    assert all("écrivez son matricule « 1004 »" in e.message for e in erreurs)


def test_noms_des_salaries_calcules_une_fois_pour_tous_les_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Manager inconnu (feuille Salariés) et matricule inconnu (feuille Entretiens) : les
    # deux messages cherchent un matricule voisin dans la même table des noms.
    appels = espionner(monkeypatch, controles_registre, "noms_par_matricule")
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, "Matricule manager"],
                [*ligne("1004", "Roux", "Stéphane"), None],
                [*ligne("1010", "Petit", "Anne"), "1005"],
            ],
            "Entretiens": [["Matricule", "Date"], ["1009", date(2024, 3, 1)]],
        },
    )
    erreurs = echec(chemin).erreurs
    assert [e.code for e in erreurs] == ["manager-inconnu", "matricule-inconnu"]
    assert all("1004" in e.message for e in erreurs)  # le voisin proposé, dans les deux
    assert len(appels) == 1


def test_deux_colonnes_pour_une_le_nom_documente_l_emporte(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, "Courriel", "Email"],
                [*ligne(), "perso@exemple.fr", "pro@exemple.fr"],
            ]
        },
    )
    registre = lire(chemin)
    assert registre.salaries["email"].tolist() == ["pro@exemple.fr"]
    assert registre.salaries["autres"].tolist() == [{"Courriel": "perso@exemple.fr"}]
    (avertissement,) = par_code(registre.avertissements, "colonne-ignoree")
    assert avertissement.colonne == "Courriel" and "« Email » est lue" in avertissement.message


def test_feuille_au_nom_documente_prime_sur_un_synonyme(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Effectif": [["Service", "Effectif"], ["Atelier", 12]], "Salariés": [ENTETES, ligne()]},
    )
    registre = lire(chemin)
    assert registre.salaries["matricule"].tolist() == ["1"]
    (ignoree,) = par_code(registre.avertissements, "feuille-ignoree")
    assert ignoree.feuille == "Effectif"


# ---------------------------------------------------------------- texte des cellules


def test_retours_a_la_ligne_et_caracteres_invisibles_nettoyes_et_signales(
    tmp_path: Path,
) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, "Service", "Adresse", "Notes RH"],
                # Excel stocke le saut de ligne de Word (\x0b) et \x00 sous la forme _x000B_.
                [
                    *ligne("1", "Du_x0000_pont", "Jean_x000B_Pierre"),
                    "Atelier\nbois",
                    "3 rue Neuve\nBât. B",
                    "à _x001B_revoir",
                ],
                [*ligne("2"), "Bureau", "1 place X", "ok"],
            ]
        },
    )
    registre = lire(chemin)
    s = registre.salaries
    assert s.loc[0, ["nom", "prenom", "service", "adresse"]].tolist() == [
        "Dupont", "Jean Pierre", "Atelier bois", "3 rue Neuve, Bât. B",
    ]  # fmt: skip
    assert s.loc[0, "autres"] == {"Notes RH": "à revoir"}
    nettoyes = par_code(registre.avertissements, "texte-nettoye")
    assert [[a.ligne, a.colonne, a.matricule] for a in nettoyes] == [
        [2, "Nom", "1"], [2, "Prénom", "1"], [2, "Service", "1"], [2, "Adresse", "1"],
        [2, "Notes RH", "1"],
    ]  # fmt: skip
    assert "U+0000" in nettoyes[0].message and "une espace" in nettoyes[1].message


def test_matricule_colle_avec_un_invisible_est_reconnu(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [ENTETES, ligne("1044\u200b")],  # espace sans chasse collée du web
            "Entretiens": [["Matricule", "Date"], ["1044", date(2024, 1, 8)]],
        },
    )
    registre = lire(chemin)  # sans nettoyage : « matricule-inconnu »
    assert registre.salaries["matricule"].tolist() == ["1044"]


# ------------------------------------------------- formules, valeurs d'erreur, égarées


def test_formule_sans_valeur_calculee(tmp_path: Path) -> None:
    # openpyxl écrit la formule sans valeur calculée, comme un programme qui fabrique un
    # classeur jamais ouvert dans Excel.
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [[*ENTETES, "Ancienneté"], [*ligne()[:4], "=DATE(2015,9,1)", "=2026-2015"]]},
    )
    erreur = echec(chemin)
    assert codes(erreur.erreurs) == [["Salariés", 2, "Date d'entrée", "formule-sans-valeur"]]
    assert "ouvrez et enregistrez le classeur dans Excel" in erreur.erreurs[0].message
    assert "renseignez" not in erreur.erreurs[0].message
    # Dans une colonne libre, un avertissement : la lettre aurait un blanc.
    assert codes(par_code(erreur.avertissements, "formule-sans-valeur")) == [
        ["Salariés", 2, "Ancienneté", "formule-sans-valeur"]
    ]


@pytest.mark.parametrize("erreur_excel", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!"])
def test_valeur_d_erreur(tmp_path: Path, erreur_excel: str) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [[*ENTETES, "Date de sortie"], [*ligne("1")[:4], erreur_excel, erreur_excel]]},
    )
    erreurs = echec(chemin).erreurs
    assert codes(erreurs) == [
        ["Salariés", 2, "Date d'entrée", "valeur-erreur"],
        ["Salariés", 2, "Date de sortie", "valeur-erreur"],
    ]
    assert all(f"Valeur d'erreur {erreur_excel}" in e.message for e in erreurs)
    assert all("renseignez" not in e.message for e in erreurs)


def test_ligne_qui_n_a_que_des_formules_sans_valeur_n_est_pas_ignoree(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path, {"Salariés": [ENTETES, ligne("1"), ["=A2+1", "=B2", "=C2", "=D2", "=E2"]]}
    )
    erreurs = echec(chemin).erreurs
    assert {e.ligne for e in erreurs} == {3}
    assert {e.code for e in erreurs} == {"formule-sans-valeur"}


def test_cellule_egaree_signalee_et_le_reste_lu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # La même garde que pour XFD1048576 (tests/test_saisie_cli.py), à petite échelle.
    monkeypatch.setattr(classeur_brut, "LIMITE_CELLULES", 200)
    chemin = ecrire_classeur(
        tmp_path, {"Salariés": [ENTETES, ligne("1"), ligne("2", entree="hier")]}
    )
    from openpyxl import load_workbook

    classeur = load_workbook(chemin)
    classeur["Salariés"]["ZZ5000"] = "oups"
    classeur.save(chemin)
    erreur = echec(chemin)
    assert codes(erreur.erreurs) == [
        ["Salariés", 3, "Date d'entrée", "date-invalide"],
        ["Salariés", 5000, "ZZ", "cellule-egaree"],
    ]
    egaree = erreur.erreurs[1]
    assert "« oups »" in egaree.message and "ZZ5000" in egaree.message
    assert "A1:E3" in egaree.message and "Ctrl+Fin" in egaree.message


@pytest.mark.parametrize("egaree", [None, "XFD1048576"])
def test_colonne_aa_ne_fait_pas_chercher_les_cellules_egarees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, egaree: str | None
) -> None:
    # 27 colonnes (A à AA) : AA ne vaut pas 702 colonnes. À l'échelle : 31 lignes × 52
    # colonnes restent sous la limite, 31 × 702 la dépasseraient.
    monkeypatch.setattr(classeur_brut, "LIMITE_CELLULES", 2_000)
    appels = espionner(monkeypatch, classeur_brut, "_retirer_egarees")
    libres = [f"Libre {k}" for k in range(22)]
    chemin = ecrire_classeur(
        tmp_path,
        {"Salariés": [ENTETES + libres, *(ligne(str(i)) + ["x"] * 22 for i in range(1, 31))]},
    )
    from openpyxl import load_workbook

    classeur = load_workbook(chemin)
    assert classeur["Salariés"].max_column == 27
    if egaree:
        classeur["Salariés"][egaree] = "oups"
    classeur.save(chemin)
    if egaree is None:
        assert len(lire(chemin).salaries) == 30
        assert appels == []
        return
    erreur = echec(chemin)
    assert [titre for _xml, _motifs, titre, *_ in appels] == ["Salariés"]
    assert codes(erreur.erreurs) == [["Salariés", 1048576, "XFD", "cellule-egaree"]]
    assert "A1:AA31" in erreur.erreurs[0].message


def test_feuille_trop_grande_une_phrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classeur_brut, "LIMITE_CELLULES", 20)
    chemin = ecrire_classeur(tmp_path, {"Salariés": [ENTETES, *(ligne(str(i)) for i in range(10))]})
    erreur = echec(chemin)
    assert [a.code for a in erreur.anomalies] == ["fichier-illisible"]
    assert "11 lignes et 5 colonnes" in erreur.message


def _membre_abime(chemin: Path, abimure: str) -> None:
    """Ajoute au classeur un membre abîmé après coup : CRC faux (membre stocké), flux
    compressé invalide, méthode de compression inconnue. calamine ne le lit pas, la copie
    sans cellules égarées si."""
    source = zipfile.ZipFile(io.BytesIO(chemin.read_bytes()))
    sortie = io.BytesIO()
    compression = zipfile.ZIP_STORED if abimure == "crc" else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as copie:
        for info in source.infolist():
            copie.writestr(info, source.read(info))
        copie.writestr("docProps/vignette.bin", bytes(range(256)) * 8, compress_type=compression)
    octets = bytearray(sortie.getvalue())
    central = octets.find(b"PK\x01\x02")
    entete_local = octets.rfind(
        b"PK\x03\x04", 0, octets.rfind(b"docProps/vignette.bin", 0, central)
    )
    if abimure == "methode":
        entete_central = octets.rfind(b"PK\x01\x02", 0, octets.rfind(b"docProps/vignette.bin"))
        for position in (entete_local + 8, entete_central + 10):
            octets[position : position + 2] = (99).to_bytes(2, "little")
    else:
        donnees = entete_local + 30 + len("docProps/vignette.bin")
        octets[donnees + 5 : donnees + 40] = b"\xff" * 35
    chemin.write_bytes(bytes(octets))


@pytest.mark.parametrize("abimure", ["crc", "flux", "methode"])
def test_membre_abime_dans_un_classeur_a_cellule_egaree(tmp_path: Path, abimure: str) -> None:
    chemin = ecrire_classeur(tmp_path, {"Salariés": [ENTETES, ligne("1")]})
    from openpyxl import load_workbook

    classeur = load_workbook(chemin)
    classeur["Salariés"]["XFD1048576"] = "oups"
    classeur.save(chemin)
    _membre_abime(chemin, abimure)
    attendue = {"crc": zipfile.BadZipFile, "flux": zlib.error, "methode": NotImplementedError}
    with zipfile.ZipFile(chemin) as archive, pytest.raises(attendue[abimure]):
        archive.read("docProps/vignette.bin")  # le membre est bien abîmé
    erreur = echec(chemin)
    assert [a.code for a in erreur.anomalies] == ["fichier-illisible"]
    assert "est endommagé (contenu illisible)" in erreur.message


def test_copie_allegee_illisible_pour_calamine_une_phrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # calamine lit le classeur, puis refuse la copie sans cellules égarées : le classeur
    # d'origine n'est fermé qu'une fois, le message reste le nôtre (pas WorkbookClosed).
    monkeypatch.setattr(classeur_brut, "LIMITE_CELLULES", 200)
    chemin = ecrire_classeur(tmp_path, {"Salariés": [ENTETES, ligne("1")]})
    from openpyxl import load_workbook

    classeur = load_workbook(chemin)
    classeur["Salariés"]["ZZ5000"] = "oups"
    classeur.save(chemin)
    ouvrir = CalamineWorkbook.from_filelike
    appels = []

    def ouvrir_une_fois(fichier: Any) -> CalamineWorkbook:
        appels.append(1)
        if len(appels) > 1:
            raise CalamineError("copie refusée")
        return ouvrir(fichier)

    monkeypatch.setattr(CalamineWorkbook, "from_filelike", ouvrir_une_fois)
    erreur = echec(chemin)
    assert len(appels) == 2
    assert [a.code for a in erreur.anomalies] == ["fichier-illisible"]
    assert "n'est pas un classeur Excel valide" in erreur.message


# ------------------------------------------------------------------ dates impossibles


def test_dates_impossibles(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ENTETES,
                ligne("1", entree=date(2020, 1, 6)),
                ligne("2", naissance=date(2012, 3, 1), entree=date(2025, 6, 2)),  # 13 ans
                ligne(
                    "3", naissance=date(2011, 6, 2), entree=date(2025, 6, 2)
                ),  # 14 ans : possible
            ],
            "Absences": [
                ["Matricule", "Motif", "Date de début", "Date de fin", "Date de reprise"],
                ["1", "Congé sabbatique", date(2019, 1, 7), date(2019, 7, 5), None],
                [
                    "1",
                    "Maladie",
                    date(2019, 12, 2),
                    None,
                    date(2020, 1, 6),
                ],  # reprise le jour d'entrée
                ["1", "Maladie", date(2020, 1, 6), date(2020, 1, 10), None],
            ],
            "Entretiens": [["Matricule", "Date"], ["1", date(2019, 3, 1)], ["1", date(2022, 3, 1)]],
        },
    )
    erreur = echec(chemin)
    assert codes(erreur.erreurs) == [
        ["Salariés", 3, "Date de naissance", "dates-incoherentes"],
        ["Absences", 2, "Date de fin", "dates-incoherentes"],
        ["Absences", 3, "Date de reprise", "dates-incoherentes"],
    ]
    assert "aurait eu 13 ans à son entrée le 02/06/2025" in erreur.erreurs[0].message
    assert "avant l'entrée du salarié le 06/01/2020" in erreur.erreurs[1].message
    (entretien,) = par_code(erreur.avertissements, "entretien-avant-entree")
    assert [entretien.feuille, entretien.ligne, entretien.colonne] == ["Entretiens", 2, "Date"]
    assert "il ne compte ni comme premier entretien ni pour le périodique" in entretien.message


def test_entretien_avant_l_entree_compte_comme_son_message_le_dit(tmp_path: Path) -> None:
    # Embauchée le 02/06/2025, 60 ans le 10/09/2026, congé de maternité jusqu'au 01/03/2026 ;
    # entretien du 01/04/2025 (contrat précédent) : dans les 12 mois avant la reprise et les
    # deux ans avant 60 ans, mais avant l'embauche.
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [ENTETES, ligne("1", naissance=date(1966, 9, 10), entree=date(2025, 6, 2))],
            "Entretiens": [["Matricule", "Date"], ["1", date(2025, 4, 1)]],
            "Absences": [
                ["Matricule", "Motif", "Date de début", "Date de fin"],
                ["1", "Congé de maternité", date(2025, 11, 3), date(2026, 3, 1)],
            ],
        },
    )
    registre = lire(chemin)
    (avertissement,) = par_code(registre.avertissements, "entretien-avant-entree")
    assert "ne compte ni comme premier entretien" in avertissement.message
    assert "retour de congé, de mi-carrière ou avant 60 ans" in avertissement.message
    obligations = calculer_obligations(registre, date(2026, 3, 10), Regles(regime="2025"), 120)
    statut = dict(zip(obligations["type"], obligations["honoree"], strict=True))
    assert statut == {
        "premier": False,  # toujours dû : il ne compte pas comme premier entretien
        "etat_des_lieux": False,
        "retour": True,
        "avant_60": True,
    }
    (premier,) = obligations.loc[obligations["type"] == "premier", "motif"]
    assert premier.startswith("Embauche le 02/06/2025")  # pas « Dernier entretien le … »


def test_conge_de_naissance_ambigu_sous_toutes_ses_ecritures(tmp_path: Path) -> None:
    # « congé(s) » en tête est facultatif pour lire le motif : il l'est aussi pour dire
    # qu'un congé de naissance ne précise pas lequel.
    motifs = [
        ("Congé de naissance", True),
        ("Congés de naissance", True),
        ("Conges naissance", True),
        ("NAISSANCE", True),
        ("Congé de naissance (3 jours)", False),
        ("Congé supplémentaire de naissance", False),
        ("Congés payés", False),
    ]
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [ENTETES, ligne("1")],
            "Absences": [
                ["Matricule", "Motif", "Date de début", "Date de fin"],
                *(
                    ["1", m, date(2024, 3, 4 + k), date(2024, 3, 4 + k)]
                    for k, (m, _) in enumerate(motifs)
                ),
            ],
        },
    )
    registre = lire(chemin)
    ambigus = par_code(registre.avertissements, "conge-naissance-ambigu")
    assert [(a.ligne, a.valeur) for a in ambigus] == [
        (k + 2, m) for k, (m, ambigu) in enumerate(motifs) if ambigu
    ]
    assert registre.absences["motif"].tolist() == [
        *["naissance"] * 5,
        "conge_naissance",
        "conges_payes",
    ]


# ------------------------------------------------------- messages qui aident à corriger


def test_messages_proposent_la_bonne_valeur(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                [*ENTETES, "E-mail"],
                [*ligne("1", naissance="12.05.1985"), "a.b@menuiserie.fr"],
                [*ligne("2", entree="2019-13-01"), "c.d@menuiserie.fr"],
                [*ligne("3"), "marc.dupont@menuiserie"],
            ],
            "Absences": [
                ["Matricule", "Motif", "Date de début"],
                ["1", "Maladie longue durée", date(2024, 1, 8)],
            ],
            "Entretiens": [
                ["Matricule", "Date", "Type"],
                ["1", date(2024, 1, 8), "Entretien annuel"],
            ],
        },
    )
    messages = {(e.ligne, e.colonne): e.message for e in echec(chemin).erreurs}
    assert "écrivez 12/05/1985" in messages[(2, "Date de naissance")]
    assert "vouliez-vous dire 13/01/2019 (jour et mois inversés)" in messages[(3, "Date d'entrée")]
    assert "vouliez-vous dire « marc.dupont@menuiserie.fr »" in messages[(4, "E-mail")]
    assert "vouliez-vous dire « Arrêt longue maladie »" in messages[(2, "Motif")]
    # Un entretien annuel d'évaluation n'est pas un entretien professionnel : rien à proposer.
    assert "vouliez-vous dire" not in messages[(2, "Type")]


# ------------------------------------------------------------- adresses électroniques


@pytest.mark.parametrize(
    ("adresse", "valide"),
    [
        ("elodie.durand@exemple.fr", True),
        ("o'brien+rh@exemple.co.uk", True),
        ("jean@société.fr", True),  # domaine accentué : envoyé en IDNA
        ("élodie.durand@exemple.fr", False),  # partie locale accentuée : refusée par les deux
        ("elodie..durand@exemple.fr", False),
        ("elodie durand@exemple.fr", False),
        ("elodie@exemple", False),
        ("a@b@exemple.fr", False),
        ("Élodie Durand", False),
        ("elodie@exemple.fr; paul@exemple.fr", False),
    ],
)
def test_verifier_et_publipostage_d_accord_sur_chaque_adresse(
    tmp_path: Path, adresse: str, valide: bool
) -> None:
    chemin = ecrire_classeur(tmp_path, {"Salariés": [[*ENTETES, "Email"], [*ligne(), adresse]]})
    if valide:
        assert lire(chemin).salaries["email"].tolist() == [adresse]
    else:
        assert codes(echec(chemin).erreurs) == [["Salariés", 2, "Email", "email-invalide"]]
    envoyee, raison = _courriel_valide(adresse)
    assert bool(envoyee) is valide, raison
    if valide:
        assert envoyee.isascii()  # jamais un en-tête To: invalide


# ------------------------------------------------------------ regroupement à l'affichage


def test_messages_repetes_regroupes_en_une_ligne(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path,
        {
            "Salariés": [
                ENTETES,
                *(ligne(f"S00{i}", naissance=None) for i in range(1, 6)),
                ligne("S006"),
            ]
        },
    )
    registre = lire(chemin)
    assert len(par_code(registre.avertissements, "naissance-manquante")) == 5  # le détail reste
    texte = formater_anomalies(registre.avertissements)
    lignes = [t for t in texte.splitlines() if "naissance-manquante" in t]
    assert len(lignes) == 1
    assert (
        "5 salariés sans date de naissance (mi-carrière et avant 60 ans incalculables) : "
        "S001, S002, S003, S004, S005." in lignes[0]
    )


def test_les_erreurs_ne_sont_jamais_regroupees(tmp_path: Path) -> None:
    chemin = ecrire_classeur(
        tmp_path, {"Salariés": [ENTETES, *(ligne(str(i), entree="hier") for i in range(4))]}
    )
    texte = formater_anomalies(echec(chemin).anomalies)
    assert sum("date-invalide" in t for t in texte.splitlines()) == 4
