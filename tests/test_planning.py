"""Planification : jours ouvrés, délais, conducteurs, chevauchements, débordement, planning.xlsx."""

from __future__ import annotations

import dataclasses
import itertools
import random
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline import config
from pipeline.autres_campagnes import lire_rendez_vous
from pipeline.erreurs import AVERTISSEMENT, ErreurEntretiens
from pipeline.fichiers import anciennes_versions
from pipeline.formats import en_texte, normaliser
from pipeline.planning import (
    SALLES_PRISES,
    Planning,
    causes_non_planifies,
    completer_planning,
    construire_annuaire,
    ecrire_planning,
    est_jour_ouvre,
    index_noms,
    jours_feries,
    planifier,
)
from pipeline.relecture_planning import lire_planning, reprendre_planning

AU = date(2026, 11, 27)  # vendredi : fenêtre par défaut du 04/12/2026 au 18/12/2026


# ---------------------------------------------------------------------------- fabriques


def salarie(matricule: str, manager: str = "", nom: str | None = None, **autres) -> dict:
    return {
        "matricule": matricule,
        "nom": nom or f"Nom{matricule}",
        "prenom": f"Prénom{matricule}",
        "email": f"s{matricule}@exemple.fr",
        "service": "Atelier",
        "matricule_manager": manager,
        "date_sortie": autres.get("date_sortie", pd.NaT),
    }


def fabriquer_registre(salaries: list[dict]) -> SimpleNamespace:
    table = pd.DataFrame(salaries)
    table["date_sortie"] = pd.to_datetime(table["date_sortie"])
    return SimpleNamespace(salaries=table)


def fabriquer_echeances(registre: SimpleNamespace, lignes: list[tuple]) -> pd.DataFrame:
    """lignes : (matricule, type, statut, échéance AAAA-MM-JJ)."""
    fiches = registre.salaries.set_index("matricule")
    sortie = []
    for matricule, type_, statut, echeance in lignes:
        fiche = fiches.loc[matricule]
        sortie.append(
            {
                "matricule": matricule,
                "nom": fiche["nom"],
                "prenom": fiche["prenom"],
                "type": type_,
                "motif": f"Motif {type_} de {matricule}",
                "echeance": pd.Timestamp(echeance),
                "statut": statut,
                "service": fiche["service"],
                "matricule_manager": fiche["matricule_manager"],
            }
        )
    return pd.DataFrame(sortie)


def parametres(**planning) -> config.Parametres:
    return dataclasses.replace(config.Parametres(), planning=config.Planning(**planning))


def intervalle(ligne) -> tuple[datetime, datetime]:
    debut = datetime.combine(ligne.date.date(), time.fromisoformat(ligne.heure))
    return debut, debut + timedelta(minutes=int(ligne.duree_minutes))


def verifier_aucun_chevauchement(entretiens: pd.DataFrame) -> None:
    """Chaque paire : ni même conducteur, ni même lieu, ni une personne à deux endroits."""
    lignes = list(entretiens.itertuples(index=False))
    for a, b in itertools.combinations(lignes, 2):
        (da, fa), (db, fb) = intervalle(a), intervalle(b)
        if not (da < fb and db < fa):
            continue
        personnes_a = {a.matricule, a.matricule_conducteur or a.conducteur}
        personnes_b = {b.matricule, b.matricule_conducteur or b.conducteur}
        assert not personnes_a & personnes_b, (a, b)
        assert a.lieu != b.lieu, (a, b)


def equipe(nb: int, managers: int = 0, prefixe: str = "") -> SimpleNamespace:
    """`managers` premiers salariés sans manager, les autres répartis entre eux."""
    salaries = []
    for i in range(nb):
        manager = "" if i < managers or not managers else f"{prefixe}{i % managers:03d}"
        salaries.append(salarie(f"{prefixe}{i:03d}", manager))
    return fabriquer_registre(salaries)


# ---------------------------------------------------------------------------- jours fériés


@pytest.mark.parametrize(
    ("jour", "zone", "ferie"),
    [
        (date(2026, 12, 25), "metropole", True),  # Noël
        (date(2027, 5, 17), "metropole", True),  # lundi de Pentecôte
        (date(2027, 3, 26), "metropole", False),  # Vendredi saint : pas en métropole
        (date(2027, 3, 26), "alsace-moselle", True),
        (date(2025, 12, 26), "metropole", False),  # Saint-Étienne : pas en métropole
        (date(2025, 12, 26), "alsace-moselle", True),
        (date(2026, 12, 8), "metropole", False),
    ],
)
def test_jours_feries(jour: date, zone: str, ferie: bool) -> None:
    assert (jour in jours_feries([jour.year], zone)) is ferie
    assert est_jour_ouvre(jour, zone) is not ferie


def test_samedi_et_dimanche_ne_sont_pas_ouvres() -> None:
    assert not est_jour_ouvre(date(2026, 12, 5), "metropole")
    assert not est_jour_ouvre(date(2026, 12, 6), "metropole")
    assert est_jour_ouvre(date(2026, 12, 7), "metropole")


@pytest.mark.parametrize(
    ("ferie", "zone", "autres_feries"),
    [
        (date(2026, 12, 25), "metropole", []),  # Noël, un vendredi
        (date(2027, 5, 17), "metropole", []),  # lundi de Pentecôte
        (date(2027, 3, 26), "alsace-moselle", [date(2027, 3, 29)]),  # + lundi de Pâques
        (date(2025, 12, 26), "alsace-moselle", [date(2025, 12, 25)]),  # Saint-Étienne + Noël
    ],
)
def test_aucun_entretien_un_jour_ferie_ni_un_week_end(
    ferie: date, zone: str, autres_feries: list[date]
) -> None:
    # Fenêtre de 7 jours autour du férié, assez de monde pour remplir chaque jour ouvré.
    au = ferie - timedelta(days=10)
    registre = equipe(60)
    echeances = fabriquer_echeances(
        registre,
        [(m, "periodique", "a_planifier", "2027-01-01") for m in registre.salaries.matricule],
    )
    p = parametres(delai_min_jours=7, delai_max_jours=13, lieux=["A", "B", "C"], zone_feries=zone)
    planning = planifier(echeances, registre, p, au)
    jours = set(planning.entretiens["date"].dt.date)
    assert ferie not in jours
    assert all(j.weekday() < 5 for j in jours)
    fenetre = {au + timedelta(days=k) for k in range(7, 14)}
    attendus = {j for j in fenetre if j.weekday() < 5} - {ferie, *autres_feries}
    # Le signataire RH conduit tout : 4 créneaux par jour ouvré, les autres débordent.
    assert jours == attendus
    assert len(planning.entretiens) == 4 * len(attendus)


def test_vendredi_saint_ouvre_en_metropole() -> None:
    vendredi_saint = date(2027, 3, 26)
    registre = equipe(4)
    echeances = fabriquer_echeances(
        registre,
        [(m, "periodique", "en_retard", "2027-01-01") for m in registre.salaries.matricule],
    )
    p = parametres(delai_min_jours=7, delai_max_jours=7)
    planning = planifier(echeances, registre, p, vendredi_saint - timedelta(days=7))
    assert set(planning.entretiens["date"].dt.date) == {vendredi_saint}


# ---------------------------------------------------------------------------- délais, priorité


def test_delais_bornes_incluses() -> None:
    # Signataire RH seul conducteur : 11 jours ouvrés × 4 créneaux = 44 entretiens exactement.
    registre = equipe(45)
    echeances = fabriquer_echeances(
        registre,
        [(m, "periodique", "a_planifier", "2027-01-15") for m in registre.salaries.matricule],
    )
    planning = planifier(echeances, registre, parametres(lieux=["A", "B"]), AU)
    jours = planning.entretiens["date"].dt.date
    assert jours.min() == AU + timedelta(days=7) == date(2026, 12, 4)
    assert jours.max() == AU + timedelta(days=21) == date(2026, 12, 18)
    assert len(planning.entretiens) == 44
    assert len(planning.non_planifies) == 1
    verifier_aucun_chevauchement(planning.entretiens)


def test_debordement_signale_avec_la_raison_dans_l_ordre_de_priorite() -> None:
    # 1 créneau × 1 lieu × 3 jours ouvrés (ven. 4, lun. 7, mar. 8 décembre) pour 10 salariés
    # ayant chacun son propre manager : seule la salle limite.
    salaries = [salarie(f"M{i}") for i in range(10)]
    salaries += [salarie(f"S{i}", manager=f"M{i}") for i in range(10)]
    registre = fabriquer_registre(salaries)
    lignes = [(f"S{i}", "periodique", "a_planifier", f"2027-01-{20 - i:02d}") for i in range(8)]
    lignes += [
        ("S8", "premier", "en_retard", "2026-10-01"),
        ("S9", "retour", "en_retard", "2026-11-01"),
    ]
    echeances = fabriquer_echeances(registre, lignes)
    p = parametres(delai_min_jours=7, delai_max_jours=11, creneaux=["09:00"], lieux=["Salle"])
    planning = planifier(echeances, registre, p, AU)

    # En retard d'abord (le plus ancien d'abord), puis l'échéance la plus proche : S7.
    assert list(planning.entretiens["matricule"]) == ["S8", "S9", "S7"]
    assert list(planning.entretiens["date"].dt.date) == [
        date(2026, 12, 4),
        date(2026, 12, 7),
        date(2026, 12, 8),
    ]
    np_ = planning.non_planifies
    assert list(np_.columns) == ["matricule", "nom", "prenom", "types", "cause", "raison"]
    assert list(np_["matricule"]) == ["S6", "S5", "S4", "S3", "S2", "S1", "S0"]
    assert set(np_["cause"]) == {"aucune salle libre quand le conducteur est disponible"}
    for raison in np_["raison"]:
        assert "04/12/2026" in raison and "08/12/2026" in raison
        # Le conseil parle la langue de l'utilisatrice, la clé entre parenthèses.
        assert (
            "élargissez la période de convocation (planning.delai_max_jours dans "
            "parametres.toml)" in raison
        )
        assert "des salles (planning.lieux)" in raison
    assert causes_non_planifies(np_) == [(SALLES_PRISES, 7)]


def test_le_retard_prime_sur_l_echeance() -> None:
    # Règle de priorité pure : le statut passe avant la date, même si la date est plus loin.
    registre = fabriquer_registre(
        [salarie("A", "MA"), salarie("B", "MB"), salarie("MA"), salarie("MB")]
    )
    echeances = fabriquer_echeances(
        registre,
        [
            ("A", "periodique", "a_planifier", "2026-01-01"),
            ("B", "retour", "en_retard", "2026-12-01"),
        ],
    )
    p = parametres(delai_min_jours=7, delai_max_jours=7, creneaux=["09:00"], lieux=["S"])
    planning = planifier(echeances, registre, p, AU)
    assert list(planning.entretiens["matricule"]) == ["B"]
    assert list(planning.non_planifies["matricule"]) == ["A"]


def test_creneau_qui_deborde_sur_le_suivant() -> None:
    # 09:00 + 120 min chevauche 10:45 : une seule salle, un seul jour -> un seul entretien.
    commun = {"delai_min_jours": 7, "delai_max_jours": 7, "creneaux": ["09:00", "10:45"]}
    # Deux conducteurs distincts pour que seule la salle compte.
    registre = fabriquer_registre(
        [salarie("A", "MA"), salarie("B", "MB"), salarie("MA"), salarie("MB")]
    )
    echeances = fabriquer_echeances(
        registre,
        [
            ("A", "periodique", "en_retard", "2026-01-01"),
            ("B", "periodique", "en_retard", "2026-02-01"),
        ],
    )
    long = planifier(echeances, registre, parametres(duree_minutes=120, lieux=["S"], **commun), AU)
    assert list(long.entretiens["matricule"]) == ["A"]
    assert list(long.non_planifies["matricule"]) == ["B"]
    court = planifier(echeances, registre, parametres(duree_minutes=90, lieux=["S"], **commun), AU)
    assert list(court.entretiens["heure"]) == ["09:00", "10:45"]
    assert list(court.entretiens["fin"]) == ["10:30", "12:15"]


def test_aucune_double_reservation_conducteur_ni_lieu() -> None:
    # Créneaux qui se chevauchent (durée 120), 5 managers eux-mêmes dus, 2 salles.
    registre = equipe(80, managers=5)
    lignes = [
        (m, "periodique", "en_retard" if i % 3 == 0 else "a_planifier", f"2026-{1 + i % 12:02d}-10")
        for i, m in enumerate(registre.salaries.matricule)
    ]
    echeances = fabriquer_echeances(registre, lignes)
    p = parametres(
        creneaux=["09:00", "10:00", "10:45", "14:00", "15:30"], duree_minutes=120, lieux=["A", "B"]
    )
    planning = planifier(echeances, registre, p, AU)
    assert len(planning.entretiens) > 20
    assert len(planning.entretiens) + len(planning.non_planifies) == 80
    verifier_aucun_chevauchement(planning.entretiens)


def test_manager_conduit_sinon_signataire_rh() -> None:
    registre = fabriquer_registre(
        [
            salarie("001", nom="Durand"),
            salarie("002", manager="001"),
            salarie("003"),  # sans manager
            salarie("004", manager="999"),  # manager absent du registre
            salarie("005", nom="Parti", date_sortie="2026-11-30"),
            salarie("006", manager="005"),  # manager sorti avant la fenêtre
        ]
    )
    echeances = fabriquer_echeances(
        registre,
        [(m, "periodique", "en_retard", "2026-01-01") for m in ("002", "003", "004", "006")],
    )
    planning = planifier(echeances, registre, parametres(lieux=["A", "B", "C"]), AU)
    par = planning.entretiens.set_index("matricule")
    assert par.loc["002", "conducteur"] == "Prénom001 DURAND"
    assert par.loc["002", "matricule_conducteur"] == "001"
    assert par.loc["002", "email_conducteur"] == "s001@exemple.fr"
    for m in ("003", "004", "006"):
        assert par.loc[m, "conducteur"] == "Claire Martin"
        assert par.loc[m, "matricule_conducteur"] == ""
        assert par.loc[m, "email_conducteur"] == "rh@exemple.fr"


def test_salarie_manager_pas_convoque_pendant_qu_il_conduit() -> None:
    # M est dû lui aussi ; il conduit 3 entretiens. Un seul jour, 4 créneaux, 4 salles.
    registre = fabriquer_registre(
        [salarie("M")] + [salarie(f"S{i}", manager="M") for i in range(3)]
    )
    echeances = fabriquer_echeances(
        registre,
        [("M", "periodique", "a_planifier", "2027-01-01")]
        + [(f"S{i}", "periodique", "en_retard", "2026-01-01") for i in range(3)],
    )
    p = parametres(delai_min_jours=7, delai_max_jours=7, lieux=["A", "B", "C", "D"])
    planning = planifier(echeances, registre, p, AU)
    assert len(planning.entretiens) == 4
    assert planning.entretiens["heure"].is_unique
    verifier_aucun_chevauchement(planning.entretiens)

    # Avec 3 créneaux, M ne peut pas passer le sien : il est non planifié, pas doublé.
    p3 = dataclasses.replace(
        p, planning=dataclasses.replace(p.planning, creneaux=["09:00", "10:45", "14:00"])
    )
    planning3 = planifier(echeances, registre, p3, AU)
    assert list(planning3.non_planifies["matricule"]) == ["M"]
    raison = planning3.non_planifies["raison"].iloc[0]
    assert "PrénomM NOMM" in raison and "conduit lui-même" in raison


def test_obligations_reunies_en_un_entretien() -> None:
    registre = fabriquer_registre([salarie("001"), salarie("002")])
    echeances = fabriquer_echeances(
        registre,
        [
            ("001", "etat_des_lieux", "a_planifier", "2027-01-10"),
            ("001", "periodique", "en_retard", "2026-10-01"),
            ("001", "mi_carriere", "a_venir", "2027-06-01"),  # pas encore dû : ignoré
            ("002", "periodique", "a_venir", "2027-06-01"),
        ],
    )
    planning = planifier(echeances, registre, parametres(), AU)
    assert len(planning.entretiens) == 1 and planning.non_planifies.empty
    ligne = planning.entretiens.iloc[0]
    assert ligne["types"] == "periodique, etat_des_lieux"
    assert ligne["motifs"] == "Motif periodique de 001 ; Motif etat_des_lieux de 001"
    assert ligne["statut"] == "en_retard"
    assert ligne["duree_minutes"] == 90
    assert planning.entretiens["date"].dtype == "datetime64[ns]"


def test_rien_a_planifier() -> None:
    registre = fabriquer_registre([salarie("001")])
    echeances = fabriquer_echeances(registre, [("001", "periodique", "a_venir", "2027-06-01")])
    planning = planifier(echeances, registre, parametres(), AU)
    assert planning.entretiens.empty and planning.non_planifies.empty
    assert "matricule" in planning.entretiens.columns


# ---------------------------------------------------------------------------- planning.xlsx


@pytest.fixture
def cas() -> tuple[SimpleNamespace, config.Parametres, Planning]:
    """4 salariés, 2 managers (M1, M2), 1 débordement ; salle unique « Rhône »."""
    registre = fabriquer_registre(
        [
            salarie("M1", nom="Durand"),
            salarie("M2", nom="Lefèvre"),
            salarie("00042", manager="M1", nom="Dupont & Fils <SARL>"),
            salarie("00043", manager="M1"),
            salarie("00044", manager="M2"),
            salarie("00045", manager="M2"),
        ]
    )
    echeances = fabriquer_echeances(
        registre,
        [
            ("00042", "periodique", "en_retard", "2026-10-01"),
            ("00042", "etat_des_lieux", "a_planifier", "2026-12-20"),
            ("00043", "premier", "a_planifier", "2026-12-10"),
            ("00044", "retour", "a_planifier", "2026-12-12"),
            ("00045", "avant_60", "a_planifier", "2026-12-30"),
        ],
    )
    p = parametres(
        delai_min_jours=7, delai_max_jours=7, creneaux=["09:00", "10:45", "14:00"], lieux=["Rhône"]
    )
    planning = planifier(echeances, registre, p, AU)
    assert len(planning.entretiens) == 3 and len(planning.non_planifies) == 1
    return registre, p, planning


def test_aller_retour_ecrire_lire(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    assert ecrire_planning(planning, chemin) == "cree"
    relu = lire_planning(chemin, registre, p)
    pd.testing.assert_frame_equal(relu.entretiens, planning.entretiens)
    pd.testing.assert_frame_equal(relu.non_planifies, planning.non_planifies)

    classeur = load_workbook(chemin)
    assert classeur.sheetnames == ["Planning", "Non planifiés"]
    ws = classeur["Planning"]
    en_tetes = [c.value for c in ws[1]]
    assert en_tetes[:8] == [
        "Matricule", "Nom", "Prénom", "Service", "Conducteur",
        "Matricule conducteur", "Courriel conducteur", "Date",
    ]  # fmt: skip
    assert en_tetes[8:] == ["Heure", "Fin", "Durée (min)", "Lieu", "Types", "Motifs", "Statut"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    cellule_date = ws.cell(row=2, column=8)
    assert isinstance(cellule_date.value, datetime)
    assert cellule_date.value.date() == date(2026, 12, 4)
    assert cellule_date.number_format.upper() == "DD/MM/YYYY"
    assert ws.cell(row=2, column=1).value == "00042"  # zéros de tête conservés
    assert ws.cell(row=2, column=2).value == "Dupont & Fils <SARL>"
    assert ws.cell(row=2, column=14).alignment.wrap_text
    assert [c.value for c in classeur["Non planifiés"][1]] == [
        "Matricule", "Nom", "Prénom", "Types", "Cause", "Raison"
    ]  # fmt: skip
    assert classeur["Non planifiés"].cell(row=2, column=1).value == "00045"
    # Un planning existant (peut-être corrigé) n'est jamais écrasé sans `remplacer`.
    assert ecrire_planning(planning, chemin) == "conserve"


def _modifier(chemin: Path, modifications: dict[tuple[int, str], object]) -> None:
    classeur = load_workbook(chemin)
    ws = classeur["Planning"]
    colonnes = {c.value: c.column for c in ws[1]}
    for (ligne, colonne), valeur in modifications.items():
        ws.cell(row=ligne, column=colonnes[colonne]).value = valeur
    classeur.save(chemin)


def _anomalies(chemin: Path, registre, p, **options) -> list[list]:
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, registre, p, **options)
    return sorted(([a.feuille, a.ligne, a.colonne, a.code] for a in exc.value.anomalies), key=str)


@pytest.mark.parametrize(
    ("modifications", "attendu"),
    [
        ({(2, "Matricule"): "99999"}, [["Planning", 2, "Matricule", "matricule-inconnu"]]),
        ({(3, "Date"): "31/02/2026"}, [["Planning", 3, "Date", "date-invalide"]]),
        ({(3, "Date"): "06/12/2026"}, [["Planning", 3, "Date", "jour-non-ouvre"]]),
        ({(4, "Date"): datetime(2026, 12, 5)}, [["Planning", 4, "Date", "jour-non-ouvre"]]),
        ({(2, "Heure"): "25:00"}, [["Planning", 2, "Heure", "heure-invalide"]]),
        ({(3, "Heure"): "midi"}, [["Planning", 3, "Heure", "heure-invalide"]]),
        ({(3, "Matricule"): "00042"}, [["Planning", 3, "Matricule", "matricule-duplique"]]),
        # Même lieu, 08:00–09:30 chevauche 09:00–10:30 (autre conducteur : seul le lieu).
        ({(4, "Heure"): "08:00"}, [["Planning", 4, "Lieu", "double-reservation"]]),
    ],
)
def test_lire_planning_codes_d_erreur(tmp_path: Path, cas, modifications, attendu) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    _modifier(chemin, modifications)
    assert _anomalies(chemin, registre, p) == attendu


def test_lire_planning_jour_ferie_nomme(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    _modifier(chemin, {(2, "Date"): "25/12/2026"})
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, registre, p)
    (anomalie,) = exc.value.anomalies
    assert anomalie.code == "jour-non-ouvre"
    assert "25/12/2026" in anomalie.message and "Noël" in anomalie.message
    assert "jour ouvré" in anomalie.message


def test_lire_planning_matricule_sans_zeros_de_tete(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    _modifier(chemin, {(2, "Matricule"): 42})  # nombre retapé dans Excel
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, registre, p)
    (anomalie,) = exc.value.anomalies
    assert (anomalie.ligne, anomalie.code) == (2, "matricule-inconnu")
    # La phrase du registre (suggestions.conseil_zeros), au même endroit de la phrase.
    assert "« 42 » n'existe pas dans la feuille « Salariés » du registre (le registre " in (
        anomalie.message
    )
    assert "contient « 00042 » : vérifiez les zéros de tête, la cellule doit être au format " in (
        anomalie.message
    )
    assert anomalie.message.endswith("Texte) : corrigez-le ou supprimez la ligne.")


def test_lire_planning_double_reservation_conducteur(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    # Deux salles : seul le conducteur M1 (lignes 2 et 3) est en double.
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    lignes = {r: planning.entretiens.iloc[r - 2] for r in (2, 3)}
    assert lignes[2]["matricule_conducteur"] == lignes[3]["matricule_conducteur"] == "M1"
    _modifier(chemin, {(3, "Heure"): "09:30", (3, "Lieu"): "Saône"})
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, registre, p)
    (anomalie,) = exc.value.anomalies
    assert [anomalie.ligne, anomalie.colonne, anomalie.code] == [
        3,
        "Conducteur",
        "double-reservation",
    ]
    assert "Lignes 2 et 3" in anomalie.message and "Prénom" in anomalie.message


def test_lire_planning_salarie_convoque_pendant_qu_il_conduit(tmp_path: Path) -> None:
    registre = fabriquer_registre([salarie("M"), salarie("S", manager="M")])
    echeances = fabriquer_echeances(
        registre,
        [
            ("M", "periodique", "en_retard", "2026-01-01"),
            ("S", "periodique", "en_retard", "2026-02-01"),
        ],
    )
    p = parametres(lieux=["A", "B"])
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planifier(echeances, registre, p, AU), chemin)
    # M passe son entretien (ligne 2, avec le RH) à l'heure où il conduit celui de S.
    _modifier(chemin, {(3, "Date"): "04/12/2026", (3, "Heure"): "09:00", (3, "Lieu"): "B"})
    assert _anomalies(chemin, registre, p) == [["Planning", 3, "Conducteur", "double-reservation"]]


def test_lire_planning_colonne_manquante(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    classeur = load_workbook(chemin)
    classeur["Planning"].delete_cols(8)  # « Date »
    classeur.save(chemin)
    assert _anomalies(chemin, registre, p) == [["Planning", 1, "Date", "colonne-manquante"]]


def test_lire_planning_collecte_toutes_les_anomalies(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    _modifier(chemin, {(2, "Matricule"): "X1", (3, "Date"): "2026-12-25", (4, "Heure"): "9h99"})
    assert _anomalies(chemin, registre, p) == [
        ["Planning", 2, "Matricule", "matricule-inconnu"],
        ["Planning", 3, "Date", "jour-non-ouvre"],
        ["Planning", 4, "Heure", "heure-invalide"],
    ]


def test_lire_planning_tolerant_aux_corrections_du_rh(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    classeur = load_workbook(chemin)
    ws = classeur["Planning"]
    ws["C1"], ws["H1"], ws["K1"], ws["G1"] = "PRENOM", "  date ", "duree", "Email conducteur"
    classeur.save(chemin)
    _modifier(
        chemin,
        {
            (2, "  date "): "08/12/2026",  # texte JJ/MM/AAAA
            (2, "Heure"): "14h00",
            (3, "Heure"): time(16, 0),  # heure Excel
            (3, "Lieu"): "Saône",
            (4, "Conducteur"): "Prénom001 DURAND",  # manager hors registre -> extérieur
            (4, "Matricule conducteur"): None,
            (2, "duree"): 60,
        },
    )
    # Un conducteur changé par son nom reprend matricule et courriel du registre.
    _modifier(chemin, {(3, "Conducteur"): "prénomm2 lefevre"})
    relu = lire_planning(chemin, registre, p).entretiens
    assert relu.loc[0, "date"] == pd.Timestamp("2026-12-08")
    assert (relu.loc[0, "heure"], relu.loc[0, "fin"], relu.loc[0, "duree_minutes"]) == (
        "14:00",
        "15:00",
        60,
    )
    assert (relu.loc[1, "heure"], relu.loc[1, "lieu"]) == ("16:00", "Saône")
    assert relu.loc[1, "matricule_conducteur"] == "M2"
    assert relu.loc[1, "email_conducteur"] == "sM2@exemple.fr"
    assert (relu.loc[2, "conducteur"], relu.loc[2, "matricule_conducteur"]) == (
        "Prénom001 DURAND",
        "",
    )
    assert relu.loc[0, "types"] == "periodique, etat_des_lieux"


def test_lire_planning_ligne_ajoutee_sort_des_non_planifies(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    classeur = load_workbook(chemin)
    ws = classeur["Planning"]
    colonnes = {c.value: c.column for c in ws[1]}
    for colonne, valeur in {
        "Matricule": "00045",
        "Conducteur": "Claire Martin",
        "Date": "07/12/2026",
        "Heure": "09:00",
        "Lieu": "Rhône",
    }.items():
        ws.cell(row=5, column=colonnes[colonne]).value = valeur
    classeur.save(chemin)
    relu = lire_planning(chemin, registre, p)
    assert list(relu.entretiens["matricule"]) == ["00042", "00043", "00044", "00045"]
    ajoute = relu.entretiens.iloc[3]
    assert ajoute["nom"] == "Nom00045" and ajoute["types"] == "avant_60"  # repris des non planifiés
    assert ajoute["email_conducteur"] == "rh@exemple.fr"
    assert relu.non_planifies.empty


def test_lire_planning_fichier_ou_feuille_absents(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    abime = tmp_path / "abime.xlsx"
    abime.write_bytes(b"pas un classeur")
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(abime, registre, p)
    assert exc.value.anomalies[0].code == "fichier-illisible"
    assert "n'est pas un classeur Excel" in exc.value.anomalies[0].message
    assert "zip" not in exc.value.anomalies[0].message.lower()  # pas de texte anglais

    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    classeur = load_workbook(chemin)
    classeur["Planning"].title = "Feuil1"
    classeur.save(chemin)
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, registre, p)
    assert [a.code for a in exc.value.anomalies] == ["feuille-manquante"]


def test_lire_planning_cellules_typees_dans_excel(tmp_path: Path, cas) -> None:
    """Date, heure et durée saisies comme valeurs Excel (pas comme texte) : relues comme
    avant par calamine ; une valeur d'erreur (#N/A), que calamine rend vide, est citée."""
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    classeur = load_workbook(chemin)
    ws = classeur["Planning"]
    colonnes = {c.value: c.column for c in ws[1]}
    ws.cell(row=2, column=colonnes["Heure"]).value = time(10, 45)
    ws.cell(row=2, column=colonnes["Durée (min)"]).value = 60
    ws.cell(row=3, column=colonnes["Date"]).value = datetime(2026, 12, 7)
    classeur.save(chemin)
    relu = lire_planning(chemin, registre, p)
    premier = relu.entretiens.iloc[0]
    assert (premier["heure"], premier["fin"], premier["duree_minutes"]) == ("10:45", "11:45", 60)
    assert relu.entretiens.iloc[1]["date"] == pd.Timestamp(2026, 12, 7)

    erreur = ws.cell(row=4, column=colonnes["Date"])
    erreur.value, erreur.data_type = "#N/A", "e"
    classeur.save(chemin)
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, registre, p)
    [anomalie] = exc.value.anomalies
    assert (anomalie.ligne, anomalie.colonne, anomalie.code) == (4, "Date", "date-invalide")
    assert anomalie.valeur == "#N/A" and "« #N/A »" in anomalie.message


def test_lire_planning_valeur_isolee_loin_du_tableau(tmp_path: Path, cas) -> None:
    """Une valeur tapée en XFD1048576 : signalée à sa place, sans allouer des gigaoctets
    (calamine lirait sinon un tableau de 16 384 × 1 048 576 cellules)."""
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    classeur = load_workbook(chemin)
    classeur["Planning"]["XFD1048576"] = "oubli"
    classeur.save(chemin)
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, registre, p)
    [anomalie] = exc.value.anomalies
    assert [anomalie.feuille, anomalie.ligne, anomalie.colonne, anomalie.code] == [
        "Planning", 1048576, "XFD", "cellule-egaree"
    ]  # fmt: skip
    assert "« oubli »" in anomalie.message and "A1:O4" in anomalie.message


def test_annuaire_et_index_des_noms_comme_ligne_par_ligne() -> None:
    """L'annuaire fait colonne par colonne et l'index des noms (prénom et nom normalisés
    une fois chacun) sont ceux que donne le calcul ligne par ligne de leur définition."""
    hasard = random.Random(14)
    morceaux = ["Zoé", "ZOÉ", "  Jean-Marc ", "", "Œdipe", "d'Arc", "Nom3260", "é", "漢", None]
    salaries = [
        salarie(
            str(n),
            nom=hasard.choice(morceaux) or "x",
            date_sortie=hasard.choice(["", "2027-01-31"]),
        )
        | {"prenom": hasard.choice(morceaux), "etablissement": hasard.choice(["", "Lyon", None])}
        for n in range(400)
    ]
    registre = fabriquer_registre(salaries)
    annuaire = construire_annuaire(registre)
    attendu = {}
    for ligne in registre.salaries.to_dict("records"):
        attendu[en_texte(ligne["matricule"])] = {
            "nom": en_texte(ligne["nom"]),
            "prenom": en_texte(ligne["prenom"]),
            "email": en_texte(ligne["email"]),
            "service": en_texte(ligne["service"]),
            "matricule_manager": en_texte(ligne["matricule_manager"]),
            "etablissement": en_texte(ligne["etablissement"]),
            "date_sortie": ligne["date_sortie"],
        }
    assert list(annuaire.items()) == list(attendu.items())
    noms: dict[str, list[str]] = {}
    for matricule, fiche in attendu.items():
        for forme in (f"{fiche['prenom']} {fiche['nom']}", f"{fiche['nom']} {fiche['prenom']}"):
            noms.setdefault(normaliser(forme), []).append(matricule)
    assert index_noms(annuaire) == noms == index_noms(dict(annuaire))


# ---------------------------------------------------------------------------- date de sortie


def test_salarie_jamais_convoque_apres_sa_sortie() -> None:
    # Sortie le 02/12/2026, fenêtre du 04/12 au 18/12 : aucun créneau possible.
    registre = fabriquer_registre([salarie("P", date_sortie="2026-12-02"), salarie("R")])
    echeances = fabriquer_echeances(
        registre,
        [
            ("P", "periodique", "en_retard", "2026-01-01"),
            ("R", "premier", "a_planifier", "2027-01-01"),
        ],
    )
    planning = planifier(echeances, registre, parametres(), AU)
    assert list(planning.entretiens["matricule"]) == ["R"]
    assert list(planning.non_planifies["matricule"]) == ["P"]
    raison = planning.non_planifies["raison"].iloc[0]
    assert "quitte l'entreprise le 02/12/2026, avant tout créneau disponible" in raison


def test_partants_servis_d_abord_jour_de_sortie_inclus_puis_creneaux_epuises() -> None:
    # Un créneau, une salle par jour ; conducteurs distincts : seule la salle limite.
    # B et D partent le lundi 07/12 (dernier jour au contrat) : servis avant A, en retard,
    # car ils n'ont que deux jours possibles (04/12 et 07/12) quand A en a onze.
    registre = fabriquer_registre(
        [
            salarie("A", "MA"),
            salarie("B", "MB", date_sortie="2026-12-07"),
            salarie("D", "MD", date_sortie="2026-12-07"),
            salarie("E", "ME", date_sortie="2026-12-07"),
            salarie("F", "MF", date_sortie="2026-12-18"),  # dernier jour de la fenêtre
            *(salarie(m) for m in ("MA", "MB", "MD", "ME", "MF")),
        ]
    )
    p = parametres(creneaux=["09:00"], lieux=["S"])
    lignes = [
        ("A", "periodique", "en_retard", "2026-01-01"),
        ("F", "periodique", "en_retard", "2026-02-01"),
        ("B", "premier", "a_planifier", "2026-12-20"),
        ("D", "premier", "a_planifier", "2026-12-21"),
    ]
    planning = planifier(fabriquer_echeances(registre, lignes), registre, p, AU)
    par = planning.entretiens.set_index("matricule")["date"].dt.date
    assert par.to_dict() == {
        "B": date(2026, 12, 4),
        "D": date(2026, 12, 7),  # le jour même de la sortie
        "A": date(2026, 12, 8),
        "F": date(2026, 12, 9),  # sortie le dernier jour : ordre habituel
    }
    assert planning.non_planifies.empty

    # E part aussi le 07/12 (échéance plus lointaine que B et D) : les créneaux existaient
    # avant son départ mais sont pris ; la raison le dit, sans « avant tout créneau ».
    lignes.append(("E", "premier", "a_planifier", "2026-12-30"))
    planning = planifier(fabriquer_echeances(registre, lignes), registre, p, AU)
    assert list(planning.entretiens["matricule"]) == ["B", "D", "A", "F"]
    assert list(planning.non_planifies["matricule"]) == ["E"]
    raison = planning.non_planifies["raison"].iloc[0]
    assert raison.startswith(
        "PrénomE NOME : aucun créneau libre avant son départ le 07/12/2026 "
        "(créneaux du 04/12/2026 au 07/12/2026 tous pris)"
    )
    assert "avant tout créneau" not in raison


def test_partant_servi_avant_les_retards_autour_d_une_autre_campagne() -> None:
    # Cas du relecteur : P part le vendredi 04/12 ; un seul créneau libre ce jour-là (l'autre
    # salle est prise par une autre campagne) et deux salariés en retard le convoitent.
    registre = fabriquer_registre(
        [
            salarie("P", "MP", date_sortie="2026-12-04"),
            salarie("R1", "M1"),
            salarie("R2", "M2"),
            *(salarie(m) for m in ("MP", "M1", "M2")),
        ]
    )
    echeances = fabriquer_echeances(
        registre,
        [
            ("R1", "periodique", "en_retard", "2026-01-01"),
            ("R2", "periodique", "en_retard", "2026-02-01"),
            ("P", "premier", "a_planifier", "2027-03-01"),
        ],
    )
    p = parametres(creneaux=["09:00"], lieux=["S1", "S2"])
    autres = rendez_vous(("X", date(2026, 12, 4), "09:00", "Claire Martin", "", "S2", "2026-11-20"))
    planning = planifier(echeances, registre, p, AU, autres_rendez_vous=autres)
    resume = [(ligne.matricule, ligne.date.date()) for ligne in planning.entretiens.itertuples()]
    assert resume == [
        ("P", date(2026, 12, 4)),
        ("R1", date(2026, 12, 7)),
        ("R2", date(2026, 12, 7)),
    ]


def test_manager_qui_part_pendant_la_fenetre_remplace_par_le_rh_apres() -> None:
    # M part le lundi 07/12 : il conduit le 04/12 et le 07/12, le RH prend le 3e entretien.
    registre = fabriquer_registre(
        [salarie("M", date_sortie="2026-12-07")] + [salarie(f"S{i}", "M") for i in range(3)]
    )
    echeances = fabriquer_echeances(
        registre, [(f"S{i}", "periodique", "en_retard", f"2026-0{i + 1}-01") for i in range(3)]
    )
    planning = planifier(echeances, registre, parametres(creneaux=["09:00"], lieux=["S"]), AU)
    resume = [
        (ligne.matricule, ligne.date.date(), ligne.matricule_conducteur)
        for ligne in planning.entretiens.itertuples()
    ]
    assert resume == [
        ("S0", date(2026, 12, 4), "M"),
        ("S1", date(2026, 12, 7), "M"),
        ("S2", date(2026, 12, 8), ""),
    ]
    assert planning.entretiens["conducteur"].iloc[2] == "Claire Martin"


def test_lire_planning_date_apres_la_sortie(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    ligne_00043 = 2 + list(planning.entretiens["matricule"]).index("00043")
    salaries = registre.salaries.copy()
    salaries.loc[salaries["matricule"] == "00043", "date_sortie"] = pd.Timestamp("2026-12-10")
    parti = SimpleNamespace(salaries=salaries)
    _modifier(chemin, {(ligne_00043, "Date"): "10/12/2026"})  # le jour même : accepté
    assert lire_planning(chemin, parti, p).entretiens.set_index("matricule").loc[
        "00043", "date"
    ] == pd.Timestamp("2026-12-10")
    _modifier(chemin, {(ligne_00043, "Date"): "11/12/2026"})
    assert _anomalies(chemin, parti, p) == [["Planning", ligne_00043, "Date", "apres-sortie"]]
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, parti, p)
    assert "10/12/2026" in exc.value.anomalies[0].message


# ---------------------------------------------------------------------------- compléter


def _situation_initiale(tmp_path: Path):
    """S1, S2 (manager M1) planifiés le 04/12 ; le RH déplace S2 de 10:45 à 11:00 (hors grille)."""
    personnes = [salarie("M1"), salarie("M2"), salarie("S1", "M1"), salarie("S2", "M1")]
    registre = fabriquer_registre(personnes)
    lignes = [
        ("S1", "periodique", "en_retard", "2026-01-01"),
        ("S2", "premier", "a_planifier", "2026-12-20"),
    ]
    p = parametres(
        delai_min_jours=7, delai_max_jours=7, creneaux=["09:00", "10:45", "14:00", "15:45"],
        lieux=["A", "B"],
    )  # fmt: skip
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planifier(fabriquer_echeances(registre, lignes), registre, p, AU), chemin)
    _modifier(chemin, {(3, "Heure"): "11:00"})
    relu = lire_planning(chemin, registre, p)
    assert list(
        zip(
            relu.entretiens["matricule"],
            relu.entretiens["heure"],
            relu.entretiens["lieu"],
            strict=True,
        )
    ) == [
        ("S1", "09:00", "A"),
        ("S2", "11:00", "A"),
    ]
    return personnes, lignes, p, relu


def test_completer_planifie_le_nouveau_autour_des_lignes_existantes(tmp_path: Path) -> None:
    personnes, lignes, p, relu = _situation_initiale(tmp_path)
    # Depuis : N (manager M1) est embauché et en retard, P (manager M2) revient de congé.
    registre = fabriquer_registre([*personnes, salarie("N", "M1"), salarie("P", "M2")])
    lignes += [
        ("N", "premier", "en_retard", "2026-11-01"),
        ("P", "retour", "a_planifier", "2026-12-15"),
    ]
    complet = completer_planning(relu, fabriquer_echeances(registre, lignes), registre, p, AU)

    pd.testing.assert_frame_equal(complet.entretiens.iloc[:2], relu.entretiens)
    nouveaux = complet.entretiens.iloc[2:]
    resume = list(
        zip(
            nouveaux["matricule"],
            nouveaux["heure"],
            nouveaux["lieu"],
            nouveaux["matricule_conducteur"],
            strict=True,
        )
    )
    # M1 conduit de 09:00 à 10:30 et de 11:00 à 12:30 : 10:45 chevauche la ligne déplacée,
    # N (en retard, servi d'abord) a 14:00 ; P (M2) prend 09:00, en salle B (A est prise).
    assert resume == [("P", "09:00", "B", "M2"), ("N", "14:00", "A", "M1")]
    assert set(nouveaux["date"].dt.date) == {date(2026, 12, 4)}
    assert complet.non_planifies.empty
    verifier_aucun_chevauchement(complet.entretiens)


def test_completer_agenda_plein_non_planifie_avec_raison(tmp_path: Path) -> None:
    personnes, lignes, p, relu = _situation_initiale(tmp_path)
    # Une seule salle : A est prise de 09:00 à 10:30 et de 11:00 à 12:30 ; 14:00 et 15:45
    # restent pour trois nouveaux.
    p1 = dataclasses.replace(p, planning=dataclasses.replace(p.planning, lieux=["A"]))
    registre = fabriquer_registre([*personnes] + [salarie(f"N{i}", "M2") for i in range(3)])
    lignes += [(f"N{i}", "premier", "en_retard", f"2026-1{i}-01") for i in range(3)]
    complet = completer_planning(relu, fabriquer_echeances(registre, lignes), registre, p1, AU)
    assert list(complet.entretiens["matricule"]) == ["S1", "S2", "N0", "N1"]
    assert list(complet.entretiens["heure"].iloc[2:]) == ["14:00", "15:45"]
    assert list(complet.non_planifies["matricule"]) == ["N2"]
    raison = complet.non_planifies["raison"].iloc[0]
    assert raison.startswith("Aucune salle libre") and "04/12/2026" in raison
    verifier_aucun_chevauchement(complet.entretiens)


def test_completer_sans_changement_rend_un_planning_egal(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    relu = lire_planning(chemin, registre, p)
    echeances = fabriquer_echeances(
        registre,
        [
            ("00042", "periodique", "en_retard", "2026-10-01"),
            ("00043", "premier", "a_planifier", "2026-12-10"),
            ("00044", "retour", "a_planifier", "2026-12-12"),
            ("00045", "avant_60", "a_planifier", "2026-12-30"),  # non planifié : il y reste
        ],
    )
    for dues in (echeances, echeances.iloc[1:]):  # 00042 n'est plus dû : sa ligne reste
        complet = completer_planning(relu, dues, registre, p, AU)
        pd.testing.assert_frame_equal(complet.entretiens, relu.entretiens)
        pd.testing.assert_frame_equal(complet.non_planifies, relu.non_planifies)
    assert complet.entretiens is not relu.entretiens  # une copie : pur


def test_completer_signataire_rh_deja_occupe() -> None:
    # Sans manager, le RH conduit : ses entretiens existants (4 créneaux sur 4) le bloquent.
    registre = fabriquer_registre([salarie(m) for m in ("A", "B", "C", "D", "E", "F")])
    p = parametres(delai_min_jours=7, delai_max_jours=10, lieux=["S1", "S2", "S3"])
    avant = fabriquer_echeances(
        registre, [(m, "periodique", "en_retard", "2026-01-01") for m in "ABCD"]
    )
    planning = planifier(avant, registre, p, AU)
    assert set(planning.entretiens["date"].dt.date) == {date(2026, 12, 4)}
    apres = fabriquer_echeances(
        registre, [(m, "periodique", "en_retard", "2026-01-01") for m in "ABCDEF"]
    )
    complet = completer_planning(planning, apres, registre, p, AU)
    nouveaux = complet.entretiens.iloc[4:]
    assert list(nouveaux["matricule"]) == ["E", "F"]
    assert set(nouveaux["date"].dt.date) == {date(2026, 12, 7)}  # lundi, pas le vendredi 4
    verifier_aucun_chevauchement(complet.entretiens)


# ---------------------------------------------------------------------------- autres campagnes

AU_DECEMBRE = date(2026, 12, 1)  # mardi : fenêtre du seul mardi 08/12 avec les délais 7/7


def rendez_vous(*lignes: tuple) -> pd.DataFrame:
    """lignes : (matricule, jour, heure, conducteur, matricule conducteur, lieu, campagne)."""
    sortie = []
    for matricule, jour, heure, conducteur, matricule_conducteur, lieu, campagne in lignes:
        debut = datetime.combine(jour, time.fromisoformat(heure))
        sortie.append(
            {
                "matricule": matricule,
                "nom": f"Nom{matricule}",
                "prenom": f"Prénom{matricule}",
                "service": "Atelier",
                "conducteur": conducteur,
                "matricule_conducteur": matricule_conducteur,
                "email_conducteur": "",
                "date": pd.Timestamp(jour),
                "heure": heure,
                "fin": f"{debut + timedelta(minutes=90):%H:%M}",
                "duree_minutes": 90,
                "lieu": lieu,
                "types": "periodique",
                "motifs": "",
                "statut": "a_planifier",
                "campagne": campagne,
            }
        )
    return pd.DataFrame(sortie)


def test_deja_convoque_ailleurs_non_planifie_et_creneau_du_conducteur_bloque() -> None:
    registre = fabriquer_registre([salarie("M"), *(salarie(f"S{i}", "M") for i in (1, 2, 3))])
    echeances = fabriquer_echeances(
        registre,
        [
            ("S1", "periodique", "en_retard", "2026-01-01"),
            ("S2", "periodique", "a_planifier", "2027-01-01"),
            ("S3", "premier", "a_planifier", "2027-01-02"),
        ],
    )
    p = parametres(
        delai_min_jours=7, delai_max_jours=7, creneaux=["09:00", "14:00"], lieux=["A", "B"]
    )
    # Témoin : sans l'autre campagne, S1 serait reconvoqué et M conduirait à 14:00.
    seul = planifier(echeances, registre, p, AU_DECEMBRE)
    assert list(zip(seul.entretiens["matricule"], seul.entretiens["heure"], strict=True)) == [
        ("S1", "09:00"),
        ("S2", "14:00"),
    ]
    autres = rendez_vous(
        ("S1", date(2026, 12, 8), "14:00", "PrénomM NOMM", "M", "Salle du CSE", "2026-11-27")
    )
    planning = planifier(echeances, registre, p, AU_DECEMBRE, autres_rendez_vous=autres)
    assert list(planning.entretiens["matricule"]) == ["S2"]
    assert list(planning.entretiens["heure"]) == ["09:00"]
    np_ = planning.non_planifies.set_index("matricule")
    assert list(np_.index) == ["S1", "S3"]  # jamais omis, dans l'ordre de priorité
    assert np_.loc["S1", "raison"] == (
        "entretien déjà fixé le mardi 8 décembre 2026 à 14 h 00 (campagne 2026-11-27)"
    )
    assert np_.loc["S1", "types"] == "periodique"
    # 14:00 reste pris pour M (il y conduit l'entretien de S1) : S3 n'y est pas casé.
    assert np_.loc["S3", "raison"].startswith("Aucun créneau libre pour PrénomM NOMM")


@pytest.mark.parametrize(("lieu", "t_planifie"), [("rhone", False), ("Salle du CSE", True)])
def test_rendez_vous_ailleurs_bloquent_lieu_et_agenda_du_salarie(
    lieu: str, t_planifie: bool
) -> None:
    # K, manager non dû, passe son propre entretien (conduit par le RH) le 08/12 à 09:00 :
    # il ne peut pas conduire celui de E à cette heure ; la salle, écrite autrement, est prise.
    registre = fabriquer_registre(
        [salarie("K"), salarie("E", "K"), salarie("N"), salarie("T", "N")]
    )
    echeances = fabriquer_echeances(
        registre,
        [
            ("E", "periodique", "en_retard", "2026-01-01"),
            ("T", "premier", "a_planifier", "2027-01-01"),
        ],
    )
    p = parametres(
        delai_min_jours=7, delai_max_jours=7, creneaux=["09:00", "14:00"], lieux=["Rhône"]
    )
    autres = rendez_vous(("K", date(2026, 12, 8), "09:00", "Claire Martin", "", lieu, "2026-11-27"))
    planning = planifier(echeances, registre, p, AU_DECEMBRE, autres_rendez_vous=autres)
    par = planning.entretiens.set_index("matricule")
    assert par.loc["E", "heure"] == "14:00"
    if t_planifie:
        assert (par.loc["T", "heure"], par.loc["T", "lieu"]) == ("09:00", "Rhône")
        assert planning.non_planifies.empty
    else:
        assert "T" not in par.index
        assert list(planning.non_planifies["matricule"]) == ["T"]
        assert planning.non_planifies["raison"].iloc[0].startswith("Aucune salle libre")


@pytest.mark.parametrize(
    ("jour", "bloque"),
    [(date(2026, 11, 30), False), (date(2026, 12, 1), True)],  # la veille de `au` ; `au` même
)
def test_rendez_vous_passe_ne_bloque_pas(jour: date, bloque: bool) -> None:
    registre = fabriquer_registre([salarie("M"), salarie("S1", "M")])
    echeances = fabriquer_echeances(registre, [("S1", "periodique", "en_retard", "2026-01-01")])
    p = parametres(delai_min_jours=7, delai_max_jours=7, creneaux=["09:30"], lieux=["A"])
    autres = rendez_vous(("S1", jour, "09:30", "PrénomM NOMM", "M", "A", "2026-11-27"))
    planning = planifier(echeances, registre, p, AU_DECEMBRE, autres_rendez_vous=autres)
    if bloque:
        assert planning.entretiens.empty
        assert list(planning.non_planifies["raison"]) == [
            "entretien déjà fixé le mardi 1er décembre 2026 à 9 h 30 (campagne 2026-11-27)"
        ]
    else:
        assert list(planning.entretiens["matricule"]) == ["S1"]
        assert planning.entretiens["date"].iloc[0] == pd.Timestamp("2026-12-08")
        assert planning.non_planifies.empty


def test_completer_avec_rendez_vous_d_une_autre_campagne(tmp_path: Path) -> None:
    personnes, lignes, p, relu = _situation_initiale(tmp_path)
    registre = fabriquer_registre([*personnes, salarie("P", "M2"), salarie("Q", "M2")])
    lignes += [
        ("P", "retour", "en_retard", "2026-11-01"),
        ("Q", "premier", "a_planifier", "2026-12-15"),
    ]
    echeances = fabriquer_echeances(registre, lignes)
    autres = rendez_vous(
        ("P", date(2026, 12, 4), "09:00", "PrénomM2 NOMM2", "M2", "Salle du CSE", "2026-10-30")
    )
    complet = completer_planning(relu, echeances, registre, p, AU, autres_rendez_vous=autres)
    pd.testing.assert_frame_equal(complet.entretiens.iloc[:2], relu.entretiens)
    # M2 conduit P à 09:00 ailleurs : Q prend 10:45 (en B, A étant prise par S2 à 11:00).
    assert list(complet.entretiens["matricule"].iloc[2:]) == ["Q"]
    assert (complet.entretiens["heure"].iloc[2], complet.entretiens["lieu"].iloc[2]) == (
        "10:45",
        "B",
    )
    assert list(complet.non_planifies["raison"]) == [
        "entretien déjà fixé le vendredi 4 décembre 2026 à 9 h 00 (campagne 2026-10-30)"
    ]
    # Relancé : P n'est ni doublé dans les non planifiés, ni planifié.
    encore = completer_planning(complet, echeances, registre, p, AU, autres_rendez_vous=autres)
    pd.testing.assert_frame_equal(encore.entretiens, complet.entretiens)
    pd.testing.assert_frame_equal(encore.non_planifies, complet.non_planifies)


def test_lire_rendez_vous_des_autres_campagnes(tmp_path: Path, cas) -> None:
    registre, p, planning = cas  # entretiens des 00042, 00043, 00044 le vendredi 04/12
    sorties = tmp_path / "sorties"

    def decale(jours: int) -> Planning:
        entretiens = planning.entretiens.assign(
            date=planning.entretiens["date"] + pd.Timedelta(days=jours)
        )
        return Planning(entretiens=entretiens, non_planifies=planning.non_planifies)

    for dossier, version in [
        ("2026-10-30", decale(-28)),  # entretiens du 06/11 : passés au 01/12
        ("2026-11-27", planning),
        ("2026-12-01", decale(7)),  # la campagne en cours : exclue
        ("archives", decale(7)),
    ]:
        (sorties / dossier).mkdir(parents=True)
        ecrire_planning(version, sorties / dossier / "planning.xlsx")
    (sorties / "2026-09-25").mkdir()
    (sorties / "2026-09-25" / "planning.xlsx").write_bytes(b"ceci n'est pas un classeur")

    # Le RH a retouché le planning du 27/11 : en-têtes renommés, un salarié parti depuis
    # ajouté (heure en texte, fin sans durée), une ligne à la date illisible.
    chemin = sorties / "2026-11-27" / "planning.xlsx"
    classeur = load_workbook(chemin)
    ws = classeur["Planning"]
    ws["I1"], ws["L1"] = "Heure de début", "Salle"
    ws.append(
        [
            "99999",
            "Parti",
            "Paul",
            "",
            "Claire Martin",
            "",
            "",
            "15/12/2026",
            "10h45",
            "11:45",
            None,
            "Rhône",
        ]
    )
    ws.append(
        ["00045", "Nom", "Prénom", "", "Claire Martin", "", "", "bientôt", "09:00", "", 90, "Rhône"]
    )
    classeur.save(chemin)

    table, avertissements = lire_rendez_vous(sorties, "2026-12-01", AU_DECEMBRE)

    assert list(table.columns) == [*planning.entretiens.columns, "campagne"]
    assert set(table["campagne"]) == {"2026-11-27"}
    assert table["date"].dtype == "datetime64[ns]"
    assert list(table["matricule"]) == ["00042", "00043", "00044", "99999"]
    colonnes = [
        "matricule",
        "date",
        "heure",
        "fin",
        "duree_minutes",
        "lieu",
        "matricule_conducteur",
        "types",
        "statut",
    ]
    pd.testing.assert_frame_equal(table[colonnes].iloc[:3], planning.entretiens[colonnes])
    parti = table.iloc[3]
    assert (parti["date"], parti["heure"], parti["fin"], parti["duree_minutes"]) == (
        pd.Timestamp("2026-12-15"),
        "10:45",
        "11:45",
        60,
    )
    assert len(avertissements) == 2
    corrompu = next(a for a in avertissements if "2026-09-25" in a)
    assert corrompu.startswith("planning illisible, ignoré : ")
    assert corrompu.endswith("(fichier illisible ou qui n'est pas un classeur Excel)")
    ligne_abimee = next(a for a in avertissements if "2026-11-27" in a)
    assert "ligne(s) 6 " in ligne_abimee

    # Relancée le 01/12, la campagne ne reconvoque pas ceux du 27/11.
    echeances = fabriquer_echeances(
        registre,
        [
            (m, "periodique", "en_retard", "2026-10-01")
            for m in ("00042", "00043", "00044", "00045")
        ],
    )
    nouveau = planifier(echeances, registre, p, AU_DECEMBRE, autres_rendez_vous=table)
    assert list(nouveau.entretiens["matricule"]) == ["00045"]
    raisons = nouveau.non_planifies.set_index("matricule")["raison"]
    assert (
        raisons["00042"]
        == "entretien déjà fixé le vendredi 4 décembre 2026 à 9 h 00 (campagne 2026-11-27)"
    )
    assert set(raisons.index) == {"00042", "00043", "00044"}


def test_lire_rendez_vous_sans_dossier_ni_autre_campagne(tmp_path: Path) -> None:
    for dossier in (tmp_path / "absent", tmp_path):
        table, avertissements = lire_rendez_vous(dossier, "2026-12-01", AU_DECEMBRE)
        assert table.empty and avertissements == []
        assert "campagne" in table.columns and "matricule" in table.columns


# ---------------------------------------------------------------------------- relecture datée


@pytest.mark.parametrize(
    ("jour", "erreur", "avertissement"),
    [
        ("20/11/2026", True, False),  # cas du relecteur : une semaine avant l'envoi
        ("26/11/2026", True, False),  # la veille de l'envoi
        ("27/11/2026", False, True),  # le jour de l'envoi : possible, mais trop court
        ("03/12/2026", False, True),  # AU + 6 jours
        ("04/12/2026", False, False),  # AU + delai_min_jours (7) : conforme
    ],
)
def test_lire_planning_date_comparee_a_l_envoi(
    tmp_path: Path, cas, jour: str, erreur: bool, avertissement: bool
) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    _modifier(chemin, {(2, "Date"): jour})
    # Sans `au` (relecture seule), aucune règle de délai.
    assert lire_planning(chemin, registre, p).avertissements == []
    if erreur:
        assert _anomalies(chemin, registre, p, au=AU) == [["Planning", 2, "Date", "date-passee"]]
        with pytest.raises(ErreurEntretiens) as exc:
            lire_planning(chemin, registre, p, au=AU)
        message = exc.value.anomalies[0].message
        assert jour in message and "27/11/2026" in message and "envoi" in message
        return
    relu = lire_planning(chemin, registre, p, au=AU)
    assert relu.entretiens.loc[0, "date"] == pd.Timestamp(datetime.strptime(jour, "%d/%m/%Y"))
    if not avertissement:
        assert relu.avertissements == []
        return
    (alerte,) = relu.avertissements
    assert (alerte.feuille, alerte.ligne, alerte.colonne, alerte.code) == (
        "Planning",
        2,
        "Date",
        "delai-court",
    )
    assert alerte.gravite == AVERTISSEMENT and not alerte.est_erreur
    assert "1 à 3 semaines" in alerte.message and jour in alerte.message
    # Un planning complété garde ses avertissements pour la CLI.
    vide = pd.DataFrame(columns=["matricule", "type", "statut", "echeance"])
    complet = completer_planning(relu, vide, registre, p, AU)
    assert complet.avertissements == relu.avertissements


@pytest.mark.parametrize(("sortie", "refuse"), [("2026-12-03", True), ("2026-12-04", False)])
def test_lire_planning_conducteur_sorti(tmp_path: Path, cas, sortie: str, refuse: bool) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)  # M1 conduit 00042 et 00043 le 04/12, M2 00044
    salaries = registre.salaries.copy()
    salaries.loc[salaries["matricule"] == "M1", "date_sortie"] = pd.Timestamp(sortie)
    parti = SimpleNamespace(salaries=salaries)
    if not refuse:  # son dernier jour : il conduit encore
        assert list(lire_planning(chemin, parti, p, au=AU).entretiens["matricule_conducteur"]) == [
            "M1",
            "M1",
            "M2",
        ]
        return
    assert _anomalies(chemin, parti, p, au=AU) == [
        ["Planning", 2, "Conducteur", "conducteur-sorti"],
        ["Planning", 3, "Conducteur", "conducteur-sorti"],
    ]
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, parti, p)
    message = exc.value.anomalies[0].message
    assert "03/12/2026" in message and "04/12/2026" in message and "DURAND" in message


def test_lire_planning_double_reservation_avec_une_autre_campagne(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    # Ce planning : 00042 (M1) 09:00–10:30, 00043 (M1) 10:45–12:15, 00044 (M2) 14:00–15:30,
    # tous en « Rhône » le 04/12.
    vendredi = date(2026, 12, 4)
    autres = rendez_vous(
        ("Z1", vendredi, "09:15", "Quelqu'un", "M1", "Annexe", "2026-11-20"),  # M1, matricule
        ("Z2", vendredi, "14:30", "prénomm2 lefevre", "", "Annexe 2", "2026-11-20"),  # M2, nom
        ("Z3", vendredi, "11:00", "Claire Martin", "", "rhone", "2026-11-13"),  # salle écrite
        ("Z4", vendredi, "12:15", "", "M1", "Rhône", "2026-11-20"),  # juste après : libre
        ("Z5", date(2026, 12, 7), "09:00", "", "M1", "Rhône", "2026-11-20"),  # autre jour
    )
    assert lire_planning(chemin, registre, p, au=AU).avertissements == []  # sans : accepté
    assert _anomalies(chemin, registre, p, au=AU, autres_rendez_vous=autres) == [
        ["Planning", 2, "Conducteur", "double-reservation"],
        ["Planning", 3, "Lieu", "double-reservation"],
        ["Planning", 4, "Conducteur", "double-reservation"],
    ]
    with pytest.raises(ErreurEntretiens) as exc:
        lire_planning(chemin, registre, p, au=AU, autres_rendez_vous=autres)
    par_ligne = {a.ligne: a.message for a in exc.value.anomalies}
    assert "campagne 2026-11-20" in par_ligne[2] and "04/12/2026 de 09:15 à 10:45" in par_ligne[2]
    assert "PrénomZ1 NOMZ1" in par_ligne[2]
    assert "campagne 2026-11-13" in par_ligne[3] and "« Rhône »" in par_ligne[3]


def test_lire_planning_salarie_deja_en_entretien_dans_une_autre_campagne(
    tmp_path: Path, cas
) -> None:
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    # 00044 est en entretien (RH, autre salle) de 15:00 à 16:30 : chevauche son 14:00–15:30.
    autres = rendez_vous(
        ("00044", date(2026, 12, 4), "15:00", "Claire Martin", "", "Bureau RH", "2026-11-20")
    )
    assert _anomalies(chemin, registre, p, autres_rendez_vous=autres) == [
        ["Planning", 4, "Conducteur", "double-reservation"],
        ["Planning", 4, "Matricule", "deja-convoque"],
    ]


def test_lire_planning_signale_une_seconde_convocation(tmp_path: Path, cas) -> None:
    """Sans chevauchement, pas d'erreur : un avertissement qui nomme l'autre convocation."""
    registre, p, planning = cas
    chemin = tmp_path / "planning.xlsx"
    ecrire_planning(planning, chemin)
    autres = rendez_vous(
        ("00043", date(2026, 12, 10), "09:00", "Claire Martin", "", "Bureau RH", "2026-11-20")
    )
    relu = lire_planning(chemin, registre, p, au=AU, autres_rendez_vous=autres)
    assert [[a.ligne, a.colonne, a.code] for a in relu.avertissements] == [
        [3, "Matricule", "deja-convoque"]
    ]
    message = relu.avertissements[0].message
    assert "jeudi 10 décembre 2026 à 9 h 00" in message and "campagne 2026-11-20" in message


# ---------------------------------------------------------------------------- archives


def _zipper(zip_chemin: Path, campagne: str, planning: Planning, tmp_path: Path) -> None:
    """Archive comme `archiver` : membre `<campagne>/planning.xlsx`."""
    source = tmp_path / "construction" / zip_chemin.name / "planning.xlsx"
    source.parent.mkdir(parents=True)
    ecrire_planning(planning, source)
    zip_chemin.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_chemin, "w") as zf:
        zf.write(source, f"{campagne}/planning.xlsx")
        zf.writestr(f"{campagne}/manifeste.csv", "matricule;document\n")


def test_lire_rendez_vous_dans_les_archives(tmp_path: Path, cas) -> None:
    registre, p, planning = cas  # entretiens des 00042, 00043, 00044 le vendredi 04/12
    sorties = tmp_path / "sorties"
    archives = sorties / "archives"

    def decale(jours: int) -> Planning:
        entretiens = planning.entretiens.assign(
            date=planning.entretiens["date"] + pd.Timedelta(days=jours)
        )
        return Planning(entretiens=entretiens, non_planifies=planning.non_planifies)

    # 2026-11-27 : dossier supprimé par « archiver --supprimer-originaux », archive seule.
    _zipper(archives / "2026-11-27.zip", "2026-11-27", planning, tmp_path)
    # 2026-10-30 : dossier et archive ; le dossier (11/12) prime sur l'archive (14/12).
    (sorties / "2026-10-30").mkdir(parents=True)
    ecrire_planning(decale(7), sorties / "2026-10-30" / "planning.xlsx")
    _zipper(archives / "2026-10-30.zip", "2026-10-30", decale(10), tmp_path)
    # Ignorées : archive remplacée, campagne en cours, index ; une archive abîmée avertit.
    _zipper(archives / "2026-11-27.2026-11-30.ancien.zip", "2026-11-27", decale(3), tmp_path)
    (archives / "anciennes_versions").mkdir()
    _zipper(
        archives / "anciennes_versions" / "2026-11-27.20261201-090000.zip",
        "2026-11-27",
        decale(4),
        tmp_path,
    )
    _zipper(archives / "2026-12-01.zip", "2026-12-01", decale(7), tmp_path)
    (archives / "index.csv").write_text("matricule;campagne\n", encoding="utf-8")
    (archives / "2026-09-25.zip").write_bytes(b"pas une archive")

    table, avertissements = lire_rendez_vous(sorties, "2026-12-01", AU_DECEMBRE)

    assert list(table.columns) == [*planning.entretiens.columns, "campagne"]
    resume = sorted(zip(table["campagne"], table["matricule"], table["date"].dt.date, strict=True))
    assert resume == [
        ("2026-10-30", "00042", date(2026, 12, 11)),
        ("2026-10-30", "00043", date(2026, 12, 11)),
        ("2026-10-30", "00044", date(2026, 12, 11)),
        ("2026-11-27", "00042", date(2026, 12, 4)),
        ("2026-11-27", "00043", date(2026, 12, 4)),
        ("2026-11-27", "00044", date(2026, 12, 4)),
    ]
    colonnes = ["matricule", "date", "heure", "duree_minutes", "lieu", "matricule_conducteur"]
    archivee = table[table["campagne"] == "2026-11-27"].reset_index(drop=True)
    pd.testing.assert_frame_equal(archivee[colonnes], planning.entretiens[colonnes])
    (avertissement,) = avertissements
    assert "2026-09-25.zip" in avertissement
    assert "fichier illisible ou qui n'est pas un classeur Excel" in avertissement
    assert "zip file" not in avertissement.lower()

    # Les salariés convoqués par la campagne archivée ne sont pas reconvoqués.
    echeances = fabriquer_echeances(
        registre, [(m, "periodique", "en_retard", "2026-10-01") for m in ("00042", "00045")]
    )
    nouveau = planifier(echeances, registre, p, AU_DECEMBRE, autres_rendez_vous=table)
    assert list(nouveau.entretiens["matricule"]) == ["00045"]
    assert list(nouveau.non_planifies["matricule"]) == ["00042"]


def test_lire_rendez_vous_archive_sans_planning(tmp_path: Path) -> None:
    archives = tmp_path / "archives"
    archives.mkdir()
    with zipfile.ZipFile(archives / "2026-11-27.zip", "w") as zf:
        zf.writestr("2026-11-27/manifeste.csv", "x")
    table, avertissements = lire_rendez_vous(tmp_path, "2026-12-01", AU_DECEMBRE)
    assert table.empty
    (avertissement,) = avertissements
    assert "2026-11-27.zip" in avertissement and "sans planning" in avertissement


def test_reprendre_planning_tient_a_jour_celui_de_la_campagne(tmp_path: Path, cas) -> None:
    registre, p, planning = cas
    rien_de_nouveau = pd.DataFrame(columns=["matricule", "type", "statut", "echeance"])
    campagne = tmp_path / "campagne" / "planning.xlsx"
    ecrire_planning(planning, campagne)

    # Le même planning, relu : rien à réécrire.
    repris = reprendre_planning(campagne, campagne, rien_de_nouveau, registre, p, AU)
    assert (repris.ajoutes, repris.sans_creneau) == (0, 0)
    assert not anciennes_versions(campagne)

    # Un autre fichier au contenu identique : rien à réécrire non plus.
    copie = tmp_path / "copie.xlsx"
    ecrire_planning(planning, copie)
    reprendre_planning(copie, campagne, rien_de_nouveau, registre, p, AU)
    assert not anciennes_versions(campagne)

    # Un autre fichier où la RH a retiré une ligne : le planning de la campagne le reflète.
    reduit = dataclasses.replace(planning, entretiens=planning.entretiens.iloc[1:])
    autre = tmp_path / "autre.xlsx"
    ecrire_planning(reduit, autre)
    repris = reprendre_planning(autre, campagne, rien_de_nouveau, registre, p, AU)
    assert len(lire_planning(campagne, registre, p).entretiens) == len(planning.entretiens) - 1
    assert len(anciennes_versions(campagne)) == 1
