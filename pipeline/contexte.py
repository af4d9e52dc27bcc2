"""Données offertes aux modèles Word : contextes des documents, sans aucune entrée-sortie.

Les modèles `modeles_word/*.docx` (docxtpl/Jinja) ne reçoivent que ce que construisent
`contexte_salarie` (convocation, support de préparation, compte-rendu, état des lieux) et
`contexte_conducteur` (fiche du conducteur). Toutes les valeurs affichées sont déjà des
textes français mis en forme par `formats.py` (dates longues, heures « 14 h 00 »,
montants « 3 000 € ») : un modèle modifié par le service RH n'a donc besoin d'aucun
filtre Jinja.

Toute valeur qu'un modèle peut citer existe toujours (chaîne vide, liste vide ou faux
quand elle ne s'applique pas) : le rendu se fait avec des variables indéfinies traitées
comme des erreurs, et une rubrique conditionnelle non affichée ne doit pas dépendre de
l'ordre d'évaluation.

Ce que reçoit le salarié (convocation, support, courriel, invitation) dit pourquoi il est
convoqué en langage simple (`motifs[].raison` : « Entretien périodique : votre dernier
entretien date du 26/03/2022 ») ; le calcul de conformité (`motifs[].motif`, échéance,
statut, chiffres et verdict de l'abondement) reste offert aux documents internes, jamais
aux modèles livrés remis au salarié.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.config import Parametres
from pipeline.dates_vectorisees import ajouter_mois_date, fin_trimestre_suivant_date
from pipeline.formats import (
    ESPACE_INSECABLE,
    adresse_courriel,
    anciennete_fr,
    date_courte,
    date_longue,
    date_longue_sans_jour,
    de,
    duree_fr,
    en_date,
    en_texte,
    est_vide,
    heure_fr,
    montant_fr,
    normaliser,
    oui_non,
)
from pipeline.libelles import (
    INTITULES,
    LIBELLES_ABSENCES,
    LIBELLES_STATUTS_PHRASE,
    LIBELLES_TYPES_COURTS,
    LIBELLES_TYPES_DOCUMENTS,
    REFERENCES_LEGALES,
    THEMES_OBLIGATOIRES,
)
from pipeline.regles import (
    MONTANT_ABONDEMENT,
    SEUIL_EFFECTIF_ABONDEMENT,
    est_certification,
)
from pipeline.schema import motifs_retour

if TYPE_CHECKING:  # le lecteur (calamine) n'est pas chargé pour une annotation
    from pipeline.registre import Registre

# --- aides ----------------------------------------------------------------------------


def _montant(euros: Any) -> str:
    # Espace insécable partout : l'espace fine (U+202F) manque dans certaines polices de
    # bureautique, où elle s'afficherait comme un carré.
    return montant_fr(euros, espace=ESPACE_INSECABLE)


def _vrai(valeur: Any) -> bool:
    return False if est_vide(valeur) else bool(valeur)


def _entier(valeur: Any) -> int:
    return 0 if est_vide(valeur) else int(valeur)


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def _enregistrements(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame -> liste de dictionnaires ; deux fois plus rapide que `to_dict("records")`,
    qui coûte près d'une milliseconde par petit tableau et par salarié."""
    return list(_Lignes(df))


class _Lignes:
    """Les lignes d'un DataFrame, chacune faite dictionnaire au moment où on la demande.

    Une campagne parcourt des tables de dizaines de milliers de lignes : garder chaque
    ligne en dictionnaire faisait grandir la mémoire avec l'effectif (plus d'un Kio par
    ligne) ; seules les colonnes sont gardées, en listes de valeurs Python.
    """

    def __init__(self, df: pd.DataFrame) -> None:
        self.colonnes = [str(c) for c in df.columns]
        self.valeurs = [df[c].tolist() for c in df.columns]
        self.nombre = len(df)

    def ligne(self, position: int) -> dict[str, Any]:
        return dict(zip(self.colonnes, [v[position] for v in self.valeurs], strict=True))

    def colonne(self, nom: str) -> list[Any]:
        return self.valeurs[self.colonnes.index(nom)]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self.ligne(position) for position in range(self.nombre))


# Index par matricule des tables du registre, construit une fois par table : filtrer un
# DataFrame de 10 000 salariés à chaque contexte rendrait une campagne quadratique.
_INDEX: dict[tuple[int, str], tuple[pd.DataFrame, _Lignes, dict[str, list[int]]]] = {}
_INDEX_MAX = 32


def _lignes(table: pd.DataFrame | None, matricule: str, tri: str = "") -> list[dict[str, Any]]:
    """Lignes d'une table du registre pour un matricule, triées sur `tri` (une date)."""
    if table is None or len(table) == 0 or "matricule" not in table.columns:
        return []
    cle = (id(table), tri)
    entree = _INDEX.get(cle)
    if entree is None or entree[0] is not table:
        lignes = _Lignes(table)
        groupes: dict[str, list[int]] = {}
        for position, valeur in enumerate(lignes.colonne("matricule")):
            groupes.setdefault(str(valeur), []).append(position)
        if tri and tri in table.columns:
            dates = lignes.colonne(tri)
            for positions in groupes.values():
                positions.sort(key=lambda i: en_date(dates[i]) or date.min)
        if len(_INDEX) >= _INDEX_MAX:
            _INDEX.pop(next(iter(_INDEX)))
        entree = _INDEX[cle] = (table, lignes, groupes)
    _table, lignes, groupes = entree
    return [lignes.ligne(position) for position in groupes.get(matricule, ())]


def _dans(valeur: Any, debut: date | None, fin: date | None) -> bool:
    d = en_date(valeur)
    if d is None:
        return False
    return (debut is None or d >= debut) and (fin is None or d <= fin)


# --- contexte commun -----------------------------------------------------------------


def contexte_entreprise(parametres: Parametres) -> dict[str, Any]:
    """En-tête, signature et régime : commun à tous les documents."""
    e = parametres.entreprise
    regime = parametres.regles.regime
    intitule = INTITULES.get(regime, INTITULES["2025"])
    return {
        "entreprise": {
            "raison_sociale": e.raison_sociale,
            "adresse": e.adresse,
            "code_postal": e.code_postal,
            "ville": e.ville,
            "effectif": e.effectif,
            "signataire": e.signataire,
            "fonction_signataire": e.fonction_signataire,
            "email_rh": e.email_rh,
            "telephone_rh": e.telephone_rh,
            # Le seuil de 50 salariés (au sens de l'art. L130-1 CSS) est celui de
            # l'abondement correctif (art. L6315-1 II).
            "au_moins_50": e.effectif >= SEUIL_EFFECTIF_ABONDEMENT,
            "au_moins_300": e.effectif >= 300,
        },
        "regime": regime,
        "intitule_entretien": intitule,
        "intitule_entretien_maj": _majuscule(intitule),
        "reference_legale": REFERENCES_LEGALES.get(regime, REFERENCES_LEGALES["2025"]),
        "periodicite_mois": parametres.regles.periodicite,
        "cycle_etat_des_lieux_ans": parametres.regles.cycle_etat_des_lieux_ans,
        "montant_abondement": _montant(MONTANT_ABONDEMENT),  # art. R6323-3
    }


def _contexte_date_envoi(parametres: Parametres, au: date) -> dict[str, Any]:
    return {
        "fait_a": parametres.entreprise.ville,
        "date_lettre_longue": date_longue(au),
        "date_lettre_courte": date_courte(au),
    }


# --- contexte d'un salarié -----------------------------------------------------------


def contexte_salarie(
    salarie: Mapping[str, Any],
    obligations: pd.DataFrame | Sequence[Mapping[str, Any]],
    entretien: Mapping[str, Any] | None,
    registre: Registre,
    parametres: Parametres,
    au: date,
) -> dict[str, Any]:
    """Tout ce que les modèles salarié peuvent citer, pour un salarié.

    `obligations` : ses lignes de la liste des échéances (colonnes du contrat de
    `lister_echeances`), en DataFrame ou en liste de dictionnaires ; `entretien` : sa
    ligne de `Planning.entretiens` (None s'il n'est pas planifié) ; `registre` : le
    `Registre` (historique, conducteur). Pour toute une campagne, préférer
    `iterer_contextes_salaries`, qui regroupe les tables une seule fois.
    """
    matricule = en_texte(salarie.get("matricule"))
    regime = parametres.regles.regime
    ctx = contexte_entreprise(parametres)
    ctx.update(_contexte_date_envoi(parametres, au))
    ctx["salarie"] = _bloc_salarie(salarie, au)
    ctx["entretien"] = _bloc_entretien(entretien, registre, parametres)

    lignes = (
        sorted(
            _enregistrements(obligations)
            if isinstance(obligations, pd.DataFrame)
            else [dict(r) for r in obligations],
            key=lambda r: en_date(r.get("echeance")) or date.max,
        )
        if len(obligations)
        else []
    )
    types = {en_texte(r.get("type")) for r in lignes}
    if not lignes and entretien is not None:
        # Un planning corrigé à la main peut porter des types sans la liste des échéances.
        types = {t.strip() for t in en_texte(entretien.get("types")).split(",") if t.strip()}
    ctx["types"] = sorted(types)
    ctx["est_premier"] = "premier" in types
    ctx["est_periodique"] = "periodique" in types
    ctx["est_retour"] = "retour" in types
    ctx["est_etat_des_lieux"] = "etat_des_lieux" in types
    ctx["est_mi_carriere"] = "mi_carriere" in types and regime == "2025"
    ctx["est_avant_60"] = "avant_60" in types and regime == "2025"
    ctx["themes_obligatoires"] = list(THEMES_OBLIGATOIRES.get(regime, THEMES_OBLIGATOIRES["2025"]))

    ctx["retours"] = _bloc_retours(lignes, registre, matricule)
    ctx["retour"] = (
        ctx["retours"][-1]
        if ctx["retours"]
        else {"libelle": "", "debut_longue": "", "reprise_longue": "", "reprise_courte": ""}
    )
    ctx["mi_carriere"] = {
        "visite_longue": date_longue_sans_jour(salarie.get("date_visite_mi_carriere")),
        "visite_courte": date_courte(salarie.get("date_visite_mi_carriere")),
    }
    naissance = en_date(salarie.get("date_naissance"))
    soixante = ajouter_mois_date(naissance, 720) if naissance else None
    ctx["avant_60"] = {"soixante_ans_longue": date_longue_sans_jour(soixante)}

    ctx["historique"] = _bloc_historique(registre, matricule, parametres, au)
    edl = next((r for r in lignes if en_texte(r.get("type")) == "etat_des_lieux"), None)
    ctx["etat_des_lieux"] = _bloc_etat_des_lieux(edl, registre, matricule, parametres, au)
    ctx["etat_des_lieux"]["versement_si_du"] = _versement_si_du(entretien)
    ctx["motifs"] = [
        {**m, "raison": _raison(m["type"], ligne, ctx, parametres)}
        for m, ligne in _bloc_motifs(lignes, entretien)
    ]
    return ctx


def _versement_si_du(entretien: Mapping[str, Any] | None) -> str:
    """Date limite de versement si l'entretien d'état des lieux a lieu au jour prévu.

    R6323-3 : au plus tard le dernier jour du trimestre civil qui suit l'entretien. Le
    document la donne d'avance (commandes.md : le montant et l'échéance selon l'effectif)
    sans dire si l'abondement est dû : c'est constaté à l'entretien (issue 11).
    """
    jour = en_date(entretien.get("date")) if entretien is not None else None
    if jour is None:
        return LIMITE_VERSEMENT_INCONNUE
    return date_courte(fin_trimestre_suivant_date(jour))


# Le salarié nommé au fil d'une phrase, accordé à sa civilité ; sans civilité connue, une
# formulation neutre plutôt que « salarié(e) » (on ne devine pas le genre d'une personne).
_ACCORDS = {
    "M.": {
        "libelle": "Salarié",
        "le_salarie": "le salarié",
        "du_salarie": "du salarié",
        "au_salarie": "au salarié",
    },
    "Mme": {
        "libelle": "Salariée",
        "le_salarie": "la salariée",
        "du_salarie": "de la salariée",
        "au_salarie": "à la salariée",
    },
    "": {
        "libelle": "Personne salariée",
        "le_salarie": "la personne salariée",
        "du_salarie": "de la personne salariée",
        "au_salarie": "à la personne salariée",
    },
}


def _bloc_salarie(s: Mapping[str, Any], au: date) -> dict[str, Any]:
    civilite = en_texte(s.get("civilite"))
    nom, prenom = en_texte(s.get("nom")), en_texte(s.get("prenom"))
    civilite_longue = {"M.": "Monsieur", "Mme": "Madame"}.get(civilite, "")
    accords = _ACCORDS.get(civilite, _ACCORDS[""])
    nom_complet = " ".join(x for x in (prenom, nom) if x)
    autres = s.get("autres")
    return {
        "matricule": en_texte(s.get("matricule")),
        "civilite": civilite,
        "civilite_longue": civilite_longue,
        # Sans civilité connue, la formule neutre évite de deviner le genre.
        "appel": civilite_longue or "Madame, Monsieur",
        "formule_appel": f"{civilite_longue}," if civilite_longue else "Madame, Monsieur,",
        "feminin": civilite == "Mme",
        "masculin": civilite == "M.",
        **accords,
        "le_salarie_maj": _majuscule(accords["le_salarie"]),
        "nom": nom,
        "prenom": prenom,
        "nom_complet": nom_complet,
        "de_nom_complet": de(nom_complet) if nom_complet else "",
        "destinataire": " ".join(x for x in (civilite, prenom, nom) if x),
        "poste": en_texte(s.get("poste")),
        "service": en_texte(s.get("service")),
        "etablissement": en_texte(s.get("etablissement")),
        "email": en_texte(s.get("email")),
        # Sans adresse électronique utilisable (la règle du publipostage), la convocation
        # est remise en main propre contre décharge : elle porte le bloc à signer.
        "remise_en_main_propre": not _courriel_utilisable(en_texte(s.get("email"))),
        "adresse": en_texte(s.get("adresse")),
        "code_postal": en_texte(s.get("code_postal")),
        "ville": en_texte(s.get("ville")),
        "date_entree_longue": date_longue_sans_jour(s.get("date_entree")),
        "date_entree_courte": date_courte(s.get("date_entree")),
        "anciennete": anciennete_fr(s.get("date_entree"), au),
        "autres": {str(k): en_texte(v) for k, v in autres.items()}
        if isinstance(autres, Mapping)
        else {},
    }


def _bloc_entretien(
    e: Mapping[str, Any] | None, registre: Registre, parametres: Parametres
) -> dict[str, Any]:
    if e is None:
        return {
            "planifie": False,
            **{
                k: ""
                for k in (
                    "date_longue",
                    "date_courte",
                    "heure",
                    "fin",
                    "duree",
                    "lieu",
                    "conducteur",
                    "fonction_conducteur",
                    "email_conducteur",
                )
            },
        }
    matricule_conducteur = en_texte(e.get("matricule_conducteur"))
    entreprise = parametres.entreprise
    conducteur = en_texte(e.get("conducteur")) or entreprise.signataire
    fonction = entreprise.fonction_signataire
    if _est_signataire(conducteur, matricule_conducteur, parametres):
        # Le signataire RH, même quand il conduit comme manager : écrit comme il signe.
        conducteur = entreprise.signataire
    elif matricule_conducteur:
        manager = _lignes(getattr(registre, "salaries", None), matricule_conducteur)
        poste = en_texte(manager[0].get("poste")) if manager else ""
        fonction = poste or "Responsable hiérarchique"
    return {
        "planifie": True,
        "date_longue": date_longue(e.get("date")),
        "date_courte": date_courte(e.get("date")),
        "heure": heure_fr(e.get("heure")),
        "fin": heure_fr(e.get("fin")),
        "duree": duree_fr(e.get("duree_minutes", parametres.planning.duree_minutes)),
        "lieu": en_texte(e.get("lieu")),
        "conducteur": conducteur,
        "fonction_conducteur": fonction,
        "email_conducteur": en_texte(e.get("email_conducteur")),
    }


def _est_signataire(conducteur: str, matricule: str, parametres: Parametres) -> bool:
    """Le conducteur est le signataire RH : son matricule déclaré, ou son nom (le planning
    écrit le signataire sous le nom de parametres.toml, avec son matricule s'il est au
    registre ; un nom retapé à la main dans planning.xlsx peut changer de casse)."""
    entreprise = parametres.entreprise
    if entreprise.signataire_matricule and matricule:
        return matricule == entreprise.signataire_matricule
    return normaliser(conducteur) == normaliser(entreprise.signataire)


def _bloc_motifs(
    lignes: list[dict[str, Any]], entretien: Mapping[str, Any] | None
) -> list[tuple[dict[str, str], Mapping[str, Any] | None]]:
    """(motif, sa ligne d'échéance ou None) pour chaque obligation de l'entretien."""
    motifs: list[tuple[dict[str, str], Mapping[str, Any] | None]] = []
    for r in lignes:
        code = en_texte(r.get("type"))
        libelle = LIBELLES_TYPES_DOCUMENTS.get(code, _majuscule(code.replace("_", " ")))
        if code == "retour" and en_texte(r.get("motif_absence")):
            absence = LIBELLES_ABSENCES.get(en_texte(r.get("motif_absence")), "")
            libelle = f"Entretien de retour : {absence}" if absence else libelle
        motif = {
            "type": code,
            "libelle": libelle,
            "motif": en_texte(r.get("motif")),
            "echeance_longue": date_longue_sans_jour(r.get("echeance")),
            "echeance_courte": date_courte(r.get("echeance")),
            "statut": LIBELLES_STATUTS_PHRASE.get(
                en_texte(r.get("statut")), en_texte(r.get("statut"))
            ),
        }
        motifs.append((motif, r))
    if not motifs and entretien is not None:
        codes = [t.strip() for t in en_texte(entretien.get("types")).split(",") if t.strip()]
        phrases = [p.strip() for p in en_texte(entretien.get("motifs")).split(";")]
        for i, code in enumerate(codes):
            motif = {
                "type": code,
                "libelle": LIBELLES_TYPES_DOCUMENTS.get(code, code),
                "motif": phrases[i] if i < len(phrases) else "",
                "echeance_longue": "",
                "echeance_courte": "",
                "statut": LIBELLES_STATUTS_PHRASE.get(en_texte(entretien.get("statut")), ""),
            }
            motifs.append((motif, None))
    return motifs


# Le cycle de l'état des lieux, en toutes lettres dans une phrase au salarié.
_ANS_EN_LETTRES = {6: "six", 8: "huit"}


def _raison(
    code: str, ligne: Mapping[str, Any] | None, ctx: Mapping[str, Any], parametres: Parametres
) -> str:
    """Pourquoi le salarié est convoqué, en langage simple : ce qu'on lui écrit.

    Jamais le calcul (échéance, retard, comptes, abondement) : il est dans les documents
    internes (échéances, planning, fiche du conducteur, tableau de bord).
    """
    salarie = ctx["salarie"]
    if code == "periodique":
        dernier = ctx["historique"]["dernier_entretien"]["date_courte"]
        if dernier:
            return f"Entretien périodique : votre dernier entretien date du {dernier}"
        return (
            "Entretien périodique : aucun entretien n'est enregistré depuis votre arrivée le "
            f"{salarie['date_entree_courte']}"
        )
    if code == "premier":
        return f"Premier entretien depuis votre embauche le {salarie['date_entree_courte']}"
    if code == "etat_des_lieux":
        ans = parametres.regles.cycle_etat_des_lieux_ans
        return (
            f"État des lieux récapitulatif de vos {_ANS_EN_LETTRES.get(ans, str(ans))} "
            "dernières années de parcours"
        )
    if code == "retour":
        reprise = date_courte(ligne.get("reprise")) if ligne else ""
        absence = LIBELLES_ABSENCES.get(en_texte(ligne.get("motif_absence")), "") if ligne else ""
        if not reprise:
            return "Entretien de retour, à la reprise de votre activité"
        return f"Entretien de retour : reprise d'activité le {reprise}" + (
            f", après votre {absence}" if absence else ""
        )
    if code == "mi_carriere":
        visite = ctx["mi_carriere"]["visite_courte"]
        return "Entretien de mi-carrière" + (
            f", après votre visite médicale de mi-carrière du {visite}" if visite else ""
        )
    if code == "avant_60":
        return "Entretien avant vos 60 ans"
    return LIBELLES_TYPES_DOCUMENTS.get(code, _majuscule(code.replace("_", " ")))


def _courriel_utilisable(texte: str) -> bool:
    """Même règle que le publipostage (formats.adresse_courriel) : sinon, papier."""
    if not texte:
        return False
    try:
        adresse_courriel(texte)
    except ValueError:
        return False
    return True


def _bloc_retours(
    lignes: list[dict[str, Any]], registre: Registre, matricule: str
) -> list[dict[str, str]]:
    absences = _lignes(getattr(registre, "absences", None), matricule, "date_debut")
    retours: list[dict[str, str]] = []
    cles: list[date] = []
    for r in lignes:
        if en_texte(r.get("type")) != "retour":
            continue
        code = en_texte(r.get("motif_absence"))
        reprise = en_date(r.get("reprise"))
        # Le début de la chaîne d'absences (regles.md §3.3), donné par le moteur ; une ligne
        # qui ne le porte pas (planning corrigé) : l'absence du motif qui reprend ce jour-là.
        debut = en_date(r.get("debut_absence"))
        for a in absences if debut is None else ():
            if en_texte(a.get("motif")) == code and _reprise_absence(a) == reprise:
                debut = en_date(a.get("date_debut"))
        retours.append(
            {
                "libelle": LIBELLES_ABSENCES.get(code, code.replace("_", " ")),
                "debut_longue": date_longue_sans_jour(debut),
                "reprise_longue": date_longue_sans_jour(reprise),
                "reprise_courte": date_courte(reprise),
            }
        )
        cles.append(reprise or date.min)
    # Le dernier retour est celui que la convocation cite.
    ordre = sorted(range(len(retours)), key=lambda i: cles[i])
    return [retours[i] for i in ordre]


def _reprise_absence(a: Mapping[str, Any]) -> date | None:
    reprise = en_date(a.get("date_reprise"))
    if reprise:
        return reprise
    fin = en_date(a.get("date_fin"))
    return fin + timedelta(days=1) if fin else None


def _ligne_entretien(r: Mapping[str, Any]) -> dict[str, str]:
    code = en_texte(r.get("type")) or "periodique"
    return {
        "date_longue": date_longue_sans_jour(r.get("date")),
        "date_courte": date_courte(r.get("date")),
        "type": code,
        "type_libelle": LIBELLES_TYPES_DOCUMENTS.get(code, code),
        "conduit_par": en_texte(r.get("conduit_par")),
        "commentaire": en_texte(r.get("commentaire")),
    }


def _ligne_formation(r: Mapping[str, Any]) -> dict[str, str]:
    return {
        "date_longue": date_longue_sans_jour(r.get("date")),
        "date_courte": date_courte(r.get("date")),
        "intitule": en_texte(r.get("intitule")),
        "obligatoire": oui_non(r.get("obligatoire")),
        "certifiante": oui_non(r.get("certifiante")),
    }


def _ligne_evolution(r: Mapping[str, Any]) -> dict[str, str]:
    return {
        "date_longue": date_longue_sans_jour(r.get("date")),
        "date_courte": date_courte(r.get("date")),
        "nature": en_texte(r.get("nature")),
        "commentaire": en_texte(r.get("commentaire")),
    }


def _bloc_historique(
    registre: Registre, matricule: str, parametres: Parametres, au: date
) -> dict[str, Any]:
    # Le support couvre un cycle d'état des lieux (8 ou 6 ans) : assez pour retracer le
    # parcours, sans ressortir des événements trop anciens.
    depuis = ajouter_mois_date(au, -12 * parametres.regles.cycle_etat_des_lieux_ans)
    entretiens = _lignes(getattr(registre, "entretiens", None), matricule, "date")
    passes = [r for r in entretiens if _dans(r.get("date"), None, au)]
    dernier = (
        _ligne_entretien(passes[-1])
        if passes
        else {
            k: ""
            for k in (
                "date_longue",
                "date_courte",
                "type",
                "type_libelle",
                "conduit_par",
                "commentaire",
            )
        }
    )
    formations = _lignes(getattr(registre, "formations", None), matricule, "date")
    absences = _lignes(getattr(registre, "absences", None), matricule, "date_debut")
    evolutions = _lignes(getattr(registre, "evolutions", None), matricule, "date")
    liste_absences = []
    declencheurs = motifs_retour(parametres.regles.regime)
    for a in absences:
        code = en_texte(a.get("motif"))
        # Seules les absences qui déclenchent un entretien de retour dans le régime choisi
        # figurent dans les documents : un arrêt maladie ordinaire est une donnée de santé qui
        # n'a rien à faire dans un support remis au manager, et un congé supplémentaire de
        # naissance n'appelle pas d'entretien en régime 2014.
        if code not in declencheurs or not _dans(a.get("date_debut"), None, au):
            continue
        reprise = _reprise_absence(a)
        if reprise is not None and reprise < depuis:
            continue
        liste_absences.append(
            {
                "libelle": _majuscule(LIBELLES_ABSENCES.get(code, code)),
                "debut_courte": date_courte(a.get("date_debut")),
                "reprise_courte": date_courte(reprise) if reprise else "en cours",
            }
        )
    return {
        "depuis_longue": date_longue_sans_jour(depuis),
        "depuis_courte": date_courte(depuis),
        "a_deja_eu_entretien": bool(passes),
        "dernier_entretien": dernier,
        "entretiens": [_ligne_entretien(r) for r in passes if _dans(r.get("date"), depuis, au)],
        "formations": [_ligne_formation(r) for r in formations if _dans(r.get("date"), depuis, au)],
        "absences": liste_absences,
        "evolutions": [_ligne_evolution(r) for r in evolutions if _dans(r.get("date"), depuis, au)],
    }


_EDL_VIDE: dict[str, Any] = {
    "debut_longue": "",
    "debut_courte": "",
    "fin_longue": "",
    "fin_courte": "",
    "echeance_longue": "",
    "echeance_courte": "",
    "entretiens_realises": 0,
    "entretiens_prevus": 0,
    "entretiens": [],
    "formations": [],
    "certifications": [],
    "progressions": [],
    "critere_formation": "non",
    "critere_certification": "non",
    "critere_progression": "non",
    "formation_non_obligatoire": "non",
    "effectif": 0,
    "abondement": False,
    "montant": "",
    "date_limite_versement_longue": "",
    "date_limite_versement_courte": "",
    "verdict": "",
}


# Quand la ligne d'obligation ne porte pas la date limite de versement (ligne construite à la
# main, planning corrigé), le document cite la règle plutôt que de la recalculer : seul le
# moteur de règles calcule des échéances.
LIMITE_VERSEMENT_INCONNUE = "dernier jour du trimestre civil qui suit l'entretien d'état des lieux"
LIMITE_VERSEMENT_INCONNUE_COURTE = "fin du trimestre civil suivant"


def _bloc_etat_des_lieux(
    ligne: Mapping[str, Any] | None,
    registre: Registre,
    matricule: str,
    parametres: Parametres,
    au: date,
) -> dict[str, Any]:
    effectif = parametres.entreprise.effectif
    if ligne is None:
        return {**_EDL_VIDE, "effectif": effectif}
    echeance = en_date(ligne.get("echeance"))
    fin = en_date(ligne.get("edl_fin")) or echeance
    debut = en_date(ligne.get("edl_debut"))
    if debut is None and fin is not None:
        debut = ajouter_mois_date(fin, -12 * parametres.regles.cycle_etat_des_lieux_ans)
    # Le moteur ignore ce qui est daté après `au` (regles.md §2) : les listes aussi, sans
    # quoi le tableau contredirait « N entretiens réalisés » et les critères.
    jusqu_a = min(fin, en_date(au)) if fin is not None else en_date(au)

    def dans_fenetre(table_nom: str) -> list[dict[str, Any]]:
        table = _lignes(getattr(registre, table_nom, None), matricule, "date")
        return [r for r in table if _dans(r.get("date"), debut, jusqu_a)]

    entretiens = [_ligne_entretien(r) for r in dans_fenetre("entretiens")]
    formations_brutes = dans_fenetre("formations")
    formations = [_ligne_formation(r) for r in formations_brutes]
    certifications = [
        _ligne_formation(r)
        for r in formations_brutes
        if est_certification(en_texte(r.get("intitule")), _vrai(r.get("certifiante")))
    ]
    progressions = [_ligne_evolution(r) for r in dans_fenetre("evolutions")]

    realises = _entier(ligne.get("entretiens_realises"))
    prevus = _entier(ligne.get("entretiens_prevus"))
    non_obligatoire = _vrai(ligne.get("formation_non_obligatoire"))
    abondement = _vrai(ligne.get("abondement_correctif"))
    montant = _entier(ligne.get("montant_abondement")) or (MONTANT_ABONDEMENT if abondement else 0)
    limite = en_date(ligne.get("date_limite_versement"))
    limite_longue = date_longue_sans_jour(limite) or LIMITE_VERSEMENT_INCONNUE
    limite_courte = date_courte(limite) or LIMITE_VERSEMENT_INCONNUE_COURTE
    bloc = {
        "debut_longue": date_longue_sans_jour(debut),
        "debut_courte": date_courte(debut),
        "fin_longue": date_longue_sans_jour(fin),
        "fin_courte": date_courte(fin),
        "echeance_longue": date_longue_sans_jour(echeance),
        "echeance_courte": date_courte(echeance),
        "entretiens_realises": realises,
        "entretiens_prevus": prevus,
        "entretiens": entretiens,
        "formations": formations,
        "certifications": certifications,
        "progressions": progressions,
        "critere_formation": oui_non(ligne.get("critere_formation")),
        "critere_certification": oui_non(ligne.get("critere_certification")),
        "critere_progression": oui_non(ligne.get("critere_progression")),
        "formation_non_obligatoire": oui_non(non_obligatoire),
        "effectif": effectif,
        "abondement": abondement,
        "montant": _montant(montant) if abondement else _montant(0),
        "date_limite_versement_longue": limite_longue if abondement else "",
        "date_limite_versement_courte": limite_courte if abondement else "",
    }
    bloc["verdict"] = verdict_abondement(
        effectif, realises, prevus, non_obligatoire, abondement, montant, limite,
        parametres.regles.regime,
    )  # fmt: skip
    return bloc


def verdict_abondement(
    effectif: int,
    realises: int,
    prevus: int,
    formation_non_obligatoire: bool,
    abondement: bool,
    montant: int,
    date_limite: date | None,
    regime: str = "2025",
) -> str:
    """La phrase du verdict : montant et échéance dus, ou pourquoi rien n'est dû."""
    sources = "art. L6315-1 II, L6323-13 et R6323-3 du Code du travail" + (
        ", ce dernier modifié par le décret n° 2026-39 du 28 janvier 2026"
        if regime == "2025"
        else ""
    )
    au_sens = "au sens de l'art. L130-1 du code de la sécurité sociale"
    if realises == 0:
        tenus = f"aucun des {prevus} entretiens prévus n'a eu lieu"
    else:
        tenus = (
            f"{realises} entretien{'s' if realises > 1 else ''} sur les {prevus} prévus "
            f"{'ont' if realises > 1 else 'a'} eu lieu"
        )
    if abondement:
        return (
            f"L'entreprise compte {effectif} salariés ({SEUIL_EFFECTIF_ABONDEMENT} ou plus, "
            f"{au_sens}) ; "
            f"sur la période, {tenus} "
            "et le salarié n'a suivi aucune formation non obligatoire. Un abondement correctif "
            f"de {_montant(montant)} est dû sur son compte personnel de formation : il doit "
            "être versé à la Caisse des dépôts et consignations au plus tard le "
            f"{date_longue_sans_jour(date_limite) or LIMITE_VERSEMENT_INCONNUE} ({sources})."
        )
    if effectif < SEUIL_EFFECTIF_ABONDEMENT:
        return (
            f"L'entreprise compte {effectif} salarié{'s' if effectif > 1 else ''}, moins de "
            f"{SEUIL_EFFECTIF_ABONDEMENT} {au_sens} : "
            f"aucun abondement correctif n'est dû ({sources})."
        )
    if prevus and realises >= prevus:
        return (
            f"Le salarié a bénéficié des entretiens prévus sur la période ({realises} sur "
            f"{prevus}) : aucun abondement correctif n'est dû ({sources})."
        )
    return (
        f"Sur la période, {tenus}, mais le salarié a suivi au moins une formation non "
        "obligatoire : les deux manquements étant cumulatifs (Cass. soc., 21 janvier 2026, "
        f"n° 24-12.972), aucun abondement correctif n'est dû ({sources})."
    )


# --- contexte d'un conducteur --------------------------------------------------------


def contexte_conducteur(
    conducteur: str, entretiens: pd.DataFrame, parametres: Parametres, au: date
) -> dict[str, Any]:
    """Fiche du conducteur : ses entretiens (lignes du planning), en ordre chronologique."""
    ctx = contexte_entreprise(parametres)
    ctx.update(_contexte_date_envoi(parametres, au))
    lignes = _enregistrements(entretiens) if len(entretiens) else []
    lignes.sort(key=lambda r: (en_date(r.get("date")) or date.max, en_texte(r.get("heure"))))
    email = next(
        (en_texte(r.get("email_conducteur")) for r in lignes if r.get("email_conducteur")), ""
    )
    liste = []
    for r in lignes:
        codes = [t.strip() for t in en_texte(r.get("types")).split(",") if t.strip()]
        libelles = [LIBELLES_TYPES_DOCUMENTS.get(c, c) for c in codes]
        liste.append(
            {
                "matricule": en_texte(r.get("matricule")),
                "salarie": " ".join(
                    x for x in (en_texte(r.get("prenom")), en_texte(r.get("nom"))) if x
                ),
                "nom": en_texte(r.get("nom")),
                "prenom": en_texte(r.get("prenom")),
                "service": en_texte(r.get("service")),
                "date_longue": date_longue(r.get("date")),
                "date_courte": date_courte(r.get("date")),
                "heure": heure_fr(r.get("heure")),
                "fin": heure_fr(r.get("fin")),
                "lieu": en_texte(r.get("lieu")),
                "types_libelles": ", ".join(libelles),
                "types_courts": ", ".join(LIBELLES_TYPES_COURTS.get(c, c) for c in codes),
                "motifs": en_texte(r.get("motifs")),
                "statut": LIBELLES_STATUTS_PHRASE.get(
                    en_texte(r.get("statut")), en_texte(r.get("statut"))
                ),
                "etat_des_lieux": "etat_des_lieux" in codes,
                "mi_carriere": "mi_carriere" in codes,
                "avant_60": "avant_60" in codes,
                "retour": "retour" in codes,
            }
        )
    ctx["conducteur"] = {"nom": conducteur, "email": email}
    ctx["entretiens"] = liste
    ctx["nombre_entretiens"] = len(liste)
    ctx["entretiens_texte"] = f"{len(liste)} entretien{'s' if len(liste) > 1 else ''}"
    ctx["premiere_date_longue"] = liste[0]["date_longue"] if liste else ""
    ctx["derniere_date_longue"] = liste[-1]["date_longue"] if liste else ""
    premiere, derniere = ctx["premiere_date_longue"], ctx["derniere_date_longue"]
    ctx["periode_texte"] = (
        f"le {premiere}" if premiere == derniere else f"du {premiere} au {derniere}"
    )
    ctx["a_etat_des_lieux"] = any(e["etat_des_lieux"] for e in liste)
    ctx["a_mi_carriere"] = any(e["mi_carriere"] for e in liste)
    ctx["a_avant_60"] = any(e["avant_60"] for e in liste)
    ctx["a_retour"] = any(e["retour"] for e in liste)
    return ctx


# --- toute une campagne --------------------------------------------------------------


def iterer_contextes_salaries(
    echeances: pd.DataFrame,
    entretiens: pd.DataFrame,
    registre: Registre,
    parametres: Parametres,
    au: date,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(matricule, contexte) pour chaque entretien planifié, dans l'ordre du planning."""
    contextes = ContextesSalaries(echeances, entretiens, registre, parametres, au)
    return (contextes.contexte(position) for position in range(len(contextes)))


class ContextesSalaries:
    """Le contexte de chaque entretien planifié, par sa position dans le planning.

    Regroupe la liste des échéances une seule fois : appeler `contexte_salarie` avec un
    filtre pandas par salarié coûterait plusieurs millisecondes de plus par document. Les
    contextes peuvent ainsi être faits dans n'importe quel ordre, par n'importe quel
    processus (ceux du rendu, qui reçoivent l'objet une fois).
    """

    def __init__(
        self,
        echeances: pd.DataFrame,
        entretiens: pd.DataFrame,
        registre: Registre,
        parametres: Parametres,
        au: date,
    ) -> None:
        self.registre, self.parametres, self.au = registre, parametres, au
        # Des positions plutôt que des lignes : chaque ligne n'est faite dictionnaire que
        # pour le contexte qui s'en sert (la mémoire ne grandit pas d'une ligne par salarié).
        self._obligations = _Lignes(echeances)
        self._par_matricule: dict[str, list[int]] = {}
        if len(echeances):
            for position, valeur in enumerate(self._obligations.colonne("matricule")):
                self._par_matricule.setdefault(str(valeur), []).append(position)
        self._entretiens = _Lignes(entretiens)

    def __len__(self) -> int:
        return self._entretiens.nombre

    def contexte(self, position: int) -> tuple[str, dict[str, Any]]:
        """(matricule, contexte) de l'entretien à cette position du planning."""
        entretien = self._entretiens.ligne(position)
        matricule = str(entretien["matricule"])
        trouves = _lignes(getattr(self.registre, "salaries", None), matricule)
        salarie = trouves[0] if trouves else entretien
        siennes = [self._obligations.ligne(i) for i in self._par_matricule.get(matricule, ())]
        return matricule, contexte_salarie(
            salarie, siennes, entretien, self.registre, self.parametres, self.au
        )


def iterer_contextes_conducteurs(
    entretiens: pd.DataFrame, parametres: Parametres, au: date
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(conducteur, contexte de sa fiche) pour chaque conducteur du planning.

    Un conducteur est reconnu à son matricule (deux managers homonymes ont chacun leur
    fiche) ; à défaut de matricule (signataire RH), à son nom. Ordre : nom, puis matricule.
    """
    if not len(entretiens):
        return
    if "matricule_conducteur" in entretiens.columns:
        matricules = entretiens["matricule_conducteur"].fillna("").astype(str).str.strip()
    else:
        matricules = pd.Series("", index=entretiens.index)
    noms = entretiens["conducteur"].fillna("").astype(str)
    # Clé (matricule, "") ou, sans matricule, ("", nom) : les deux ne se confondent pas.
    cles = [matricules, noms.where(matricules == "", "")]
    groupes = sorted(
        (
            (noms.iloc[lignes[0]], matricules.iloc[lignes[0]], lignes)
            for lignes in entretiens.groupby(cles, sort=False).indices.values()
        ),
        key=lambda groupe: groupe[:2],
    )
    for conducteur, _matricule, lignes in groupes:
        yield conducteur, contexte_conducteur(conducteur, entretiens.iloc[lignes], parametres, au)
