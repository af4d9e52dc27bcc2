"""Une personne est une personne ; les salles appartiennent à un site.

Un registre à deux sites (Angers, Cholet), lu par le vrai lecteur Excel, où la signataire RH
est aussi salariée et manageuse : une seule conductrice (une fiche, un agenda, un nom et
une fonction), jamais en copie de son propre courriel ; chaque salarié convoqué dans une
salle de son site. Puis `[planning] lieux` par établissement : syntaxe, erreurs, `verifier`.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import tomllib
import unicodedata
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from pipeline.campagne import (
    Campagne,
    _parametres_en_toml,
    produire_convocations,
    raisons_des_convocations,
)
from pipeline.cli import cli
from pipeline.config import charger_parametres, depuis_dict
from pipeline.erreurs import ErreurEntretiens
from pipeline.planning import SANS_SALLE, controler_parametres, planifier
from pipeline.publipostage import preparer_publipostage
from pipeline.registre import lire_registre
from pipeline.regles import calculer_obligations, lister_echeances
from pipeline.relecture_planning import lire_planning
from tests.conftest import ecrire_classeur

AU = date(2026, 11, 27)
D = date.fromisoformat
ANGERS, CHOLET = "Angers - Siège", "Cholet - Atelier"
SALLES = {ANGERS: ["Salle de réunion – Angers", "Bureau RH – Angers"], CHOLET: ["Atelier – Cholet"]}

EN_TETES = ["Matricule", "Civilité", "Nom", "Prénom", "Email", "Date de naissance",
            "Date d'entrée", "Poste", "Service", "Établissement", "Matricule manager"]  # fmt: skip


def _salarie(matricule, nom, prenom, site, manager, poste="Menuisier", email_=True):
    local = unicodedata.normalize("NFKD", f"{prenom}.{nom}".lower()).encode("ascii", "ignore")
    courriel = f"{local.decode()}@menuiserie.fr" if email_ else None
    return [matricule, "M.", nom, prenom, courriel, D("1985-01-01"), D("2015-01-05"), poste,
            "Production", site, manager]  # fmt: skip


def _registre(tmp_path: Path) -> Path:
    """Nadia Benali (1002), signataire RH, manage trois salariés ; trois salariés sans
    manager (conduits par les RH, donc par elle) ; six à Cholet, avec leur chef d'atelier.
    Tous dus (aucun entretien depuis l'embauche de 2015)."""
    lignes = [
        EN_TETES,
        ["1001", "M.", "Lefèvre", "Patrick", "patrick.lefevre@menuiserie.fr", D("1963-04-02"),
         D("1989-09-01"), "Directeur général", "Direction", ANGERS, None],
        ["1002", "Mme", "Benali", "Nadia", "nadia.benali@menuiserie.fr", D("1979-06-18"),
         D("2008-03-03"), "Responsable ressources humaines", "RH", ANGERS, "1001"],
        _salarie("1004", "Roux", "Stéphane", CHOLET, "1001", "Chef d'atelier"),
    ]  # fmt: skip
    lignes += [_salarie(f"20{i}", "Equipe", f"Angers{i}", ANGERS, "1002") for i in range(3)]
    lignes += [_salarie(f"30{i}", "Seul", f"Sans{i}", ANGERS, None) for i in range(3)]
    lignes += [_salarie(f"40{i}", "Atelier", f"Cholet{i}", CHOLET, "1004") for i in range(6)]
    entretiens = [["Matricule", "Date", "Type"]]
    # Le sien date de 2021 : elle est elle-même convoquée (par Patrick Lefèvre).
    entretiens += [["1001", D("2025-01-10"), None], ["1002", D("2021-01-10"), None]]
    entretiens += [["1004", D("2025-01-10"), None]]
    return ecrire_classeur(tmp_path, {"Salariés": lignes, "Entretiens": entretiens})


def _parametres(**entreprise):
    return depuis_dict(
        {
            "entreprise": {
                "raison_sociale": "Menuiserie Lefèvre",
                "ville": "Angers",
                "signataire": "Nadia Benali",
                "fonction_signataire": "Responsable des ressources humaines",
                "email_rh": "rh@menuiserie.fr",
                **entreprise,
            },
            "planning": {"lieux": SALLES},
            "publipostage": {"expediteur": "rh@menuiserie.fr"},
        }
    )


@pytest.fixture(scope="module", params=["nom", "matricule"])
def campagne(request, tmp_path_factory):
    """La campagne produite ; la signataire reconnue à son nom, ou déclarée par son
    matricule (et alors écrite autrement dans parametres.toml)."""
    dossier = tmp_path_factory.mktemp(request.param)
    chemin = _registre(dossier)
    parametres = (
        _parametres()
        if request.param == "nom"
        else _parametres(signataire="N. BENALI", signataire_matricule="1002")
    )
    registre = lire_registre(chemin)
    c = Campagne(dossier / "sorties", "c")
    produire_convocations(c, registre, parametres, AU, chemin, None, jobs=1)
    planning = lire_planning(c.planning, registre, parametres)
    preparer_publipostage(
        c.dossier,
        planning.entretiens,
        registre.salaries,
        parametres,
        raisons=raisons_des_convocations(registre, parametres, AU, planning.entretiens),
    )
    return c, planning.entretiens, parametres


def _texte(chemin: Path) -> str:
    corps = docx.Document(str(chemin)).element.body
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in corps.iter(qn("w:p"))
    )


def test_la_signataire_est_une_seule_conductrice(campagne) -> None:
    c, entretiens, parametres = campagne
    signataire = parametres.entreprise.signataire
    siens = entretiens[entretiens["matricule_conducteur"] == "1002"]
    # Ses trois salariés et les trois sans manager : une seule conductrice, écrite une fois.
    assert sorted(siens["matricule"]) == ["200", "201", "202", "300", "301", "302"]
    assert set(siens["conducteur"]) == {signataire}
    assert set(entretiens.loc[entretiens["conducteur"] == signataire, "matricule_conducteur"]) == {
        "1002"
    }
    assert set(siens["email_conducteur"]) == {"rh@menuiserie.fr"}
    # Une seule fiche, qui liste ses six entretiens.
    fiches = sorted(p.name for p in c.managers.glob("*.docx"))
    assert fiches == ["BENALI_Nadia.docx", "LEFÈVRE_Patrick.docx", "ROUX_Stéphane.docx"]
    fiche = _texte(c.managers / "BENALI_Nadia.docx")
    assert "Vous conduisez 6 entretiens" in fiche
    # Jamais deux entretiens à la fois, y compris le sien (conduit par Patrick Lefèvre).
    creneaux = [
        (r.date, r.heure, r.fin)
        for r in entretiens.itertuples()
        if "1002" in (r.matricule, r.matricule_conducteur)
    ]
    assert "1002" in set(entretiens["matricule"])
    for (j1, d1, f1), (j2, d2, f2) in itertools.combinations(creneaux, 2):
        assert j1 != j2 or f1 <= d2 or f2 <= d1, (j1, d1, d2)
    # Une façon d'écrire son nom et sa fonction : comme elle signe les lettres.
    for matricule in ("200", "300"):
        (dossier,) = c.salaries.glob(f"{matricule}_*")
        convocation = _texte(dossier / "convocation.docx")
        assert f"{signataire}, Responsable des ressources humaines" in convocation
        assert "Responsable ressources humaines" not in convocation


def test_rh_conductrice_pas_en_copie_de_son_courriel(campagne) -> None:
    c, _, _ = campagne
    brouillons = c.dossier / "publipostage" / "brouillons"
    for matricule, copie in (("200", None), ("300", None), ("400", "stephane.roux@menuiserie.fr")):
        (chemin,) = brouillons.glob(f"{matricule}_*.eml")
        message = email.message_from_bytes(chemin.read_bytes(), policy=email.policy.default)
        cc = message["Cc"]
        assert (cc.addresses[0].addr_spec if cc else None) == copie, matricule


def test_chacun_dans_une_salle_de_son_site(campagne) -> None:
    _, entretiens, _ = campagne
    for ligne in entretiens.itertuples():
        site = CHOLET if ligne.matricule.startswith("4") or ligne.matricule == "1004" else ANGERS
        assert ligne.lieu in SALLES[site], (ligne.matricule, ligne.lieu)
    # Les salles des deux sites servent en même temps : pas de chevauchement par salle.
    for a, b in itertools.combinations(entretiens.itertuples(), 2):
        if a.lieu == b.lieu and a.date == b.date:
            assert a.fin <= b.heure or b.fin <= a.heure, (a.matricule, b.matricule)


def test_etablissement_sans_salle_non_planifie_et_signale(tmp_path: Path) -> None:
    chemin = _registre(tmp_path)
    registre = lire_registre(chemin)
    parametres = depuis_dict({"planning": {"lieux": {ANGERS: SALLES[ANGERS]}}})
    obligations = calculer_obligations(registre, AU, parametres.regles, 50)
    planning = planifier(lister_echeances(obligations, registre), registre, parametres, AU)
    cholet = planning.non_planifies[planning.non_planifies["matricule"].str.startswith("40")]
    assert len(cholet) == 6 and set(cholet["cause"]) == {SANS_SALLE.libelle}
    assert "l'établissement « Cholet - Atelier »" in cholet["raison"].iloc[0]
    assert not planning.entretiens["matricule"].str.startswith("40").any()
    anomalies = controler_parametres(registre, parametres)
    assert [(a.code, a.valeur, a.gravite) for a in anomalies] == [
        ("etablissement-sans-salle", CHOLET, "avertissement")
    ]
    assert anomalies[0].message.startswith("7 salariés de l'établissement « Cholet - Atelier »")
    # « "*" » : les salles des autres établissements.
    parametres = depuis_dict({"planning": {"lieux": {ANGERS: ["A"], "*": ["Z"]}}})
    assert controler_parametres(registre, parametres) == []
    planning = planifier(lister_echeances(obligations, registre), registre, parametres, AU)
    lieux = dict(zip(planning.entretiens["matricule"], planning.entretiens["lieu"], strict=True))
    assert {lieux[m] for m in lieux if m.startswith("40")} == {"Z"}


def test_signataire_matricule_inconnu(tmp_path: Path) -> None:
    registre = lire_registre(_registre(tmp_path))
    parametres = _parametres(signataire_matricule="9999")
    (anomalie,) = controler_parametres(registre, parametres)
    assert anomalie.code == "signataire-inconnu" and anomalie.est_erreur
    obligations = calculer_obligations(registre, AU, parametres.regles, 50)
    with pytest.raises(ErreurEntretiens) as exc:
        planifier(lister_echeances(obligations, registre), registre, parametres, AU)
    assert "« 9999 »" in exc.value.message and "signataire_matricule" in exc.value.message


def test_verifier_dit_le_signataire_et_les_salles(tmp_path: Path) -> None:
    chemin = _registre(tmp_path)
    toml = tmp_path / "parametres.toml"
    toml.write_text(
        '[entreprise]\nsignataire = "Nadia Benali"\nsignataire_matricule = "9999"\n'
        f'[planning.lieux]\n"{ANGERS}" = ["Salle A"]\n',
        encoding="utf-8",
    )
    resultat = CliRunner().invoke(
        cli, ["verifier", "--registre", str(chemin), "--parametres", str(toml)]
    )
    assert resultat.exit_code == 1
    assert "signataire-inconnu" in resultat.output
    assert "etablissement-sans-salle" in resultat.output


def test_lieux_par_etablissement_en_toml(tmp_path: Path) -> None:
    """La syntaxe de parametres.toml : une table [planning.lieux], ou la liste d'avant."""
    toml = tmp_path / "parametres.toml"
    toml.write_text(
        "[planning]\nduree_minutes = 60\n"
        '[planning.lieux]\n"Angers - Siège" = ["Salle A", "Salle B"]\n'
        '"cholet – atelier" = ["Atelier"]\n"*" = ["Salle commune"]\n',
        encoding="utf-8",
    )
    reglage = charger_parametres(toml).planning
    assert reglage.par_etablissement and reglage.duree_minutes == 60
    assert reglage.salles("ANGERS – SIÈGE") == ["Salle A", "Salle B"]
    assert reglage.salles("Cholet - Atelier") == ["Atelier"]
    assert reglage.salles("Saumur") == reglage.salles("") == ["Salle commune"]
    assert reglage.toutes_salles == ["Salle A", "Salle B", "Atelier", "Salle commune"]
    # Rétrocompatible : la liste simple vaut pour tous.
    simple = depuis_dict({"planning": {"lieux": ["Rhône", "Saône"]}}).planning
    assert not simple.par_etablissement and simple.salles("Cholet") == ["Rhône", "Saône"]
    # Les paramètres par défaut écrits dans une campagne se relisent à l'identique.
    parametres = charger_parametres(toml)
    relu = tomllib.loads(_parametres_en_toml(parametres))
    assert relu["planning"]["lieux"] == parametres.planning.lieux


@pytest.mark.parametrize(
    ("lieux", "message"),
    [
        (
            {"Angers": "Salle A"},
            "Les salles de l'établissement « Angers » (planning.lieux) doivent",
        ),
        ({"Angers": []}, "Les salles de l'établissement « Angers »"),
        ({"Angers": ["A"], "ANGERS": ["B"]}, "est écrit deux fois dans planning.lieux"),
        ({}, "« planning.lieux » est une table vide"),
        ({"  ": ["A"]}, "n'a pas de nom"),
        (3, "« planning.lieux » doit être une liste de salles"),
        ([], "« planning.lieux » doit nommer au moins un lieu"),
    ],
)
def test_lieux_mal_ecrits_messages_clairs(lieux, message: str) -> None:
    with pytest.raises(ErreurEntretiens) as exc:
        depuis_dict({"planning": {"lieux": lieux}})
    assert any(message in a.message for a in exc.value.anomalies), exc.value.anomalies
    assert all(a.colonne.startswith("planning.lieux") for a in exc.value.anomalies)
