"""Libellés français des codes (types d'obligation, statuts), partagés par tous les affichages."""

from __future__ import annotations

from pipeline.schema import MOTIFS

# Nom de l'entretien selon le régime (documents, objet des courriels).
INTITULES = {"2025": "entretien de parcours professionnel", "2014": "entretien professionnel"}

LIBELLES_TYPES = {
    "premier": "Premier entretien",
    "periodique": "Entretien périodique",
    "etat_des_lieux": "État des lieux récapitulatif",
    "retour": "Retour de congé",
    "mi_carriere": "Entretien de mi-carrière",
    "avant_60": "Entretien avant 60 ans",
}

LIBELLES_STATUTS = {
    "en_retard": "En retard",
    "a_planifier": "À planifier",
    "a_venir": "À venir",
    "honoree": "Réalisé",
    "manquee": "Manqué",  # avant 60 ans : ne peut plus être tenu (regles.md §3.5)
}

# Libellés des documents Word (phrases complètes).
LIBELLES_TYPES_DOCUMENTS = {
    "premier": "Premier entretien suivant l'embauche",
    "periodique": "Entretien périodique",
    "etat_des_lieux": "État des lieux récapitulatif du parcours professionnel",
    "retour": "Entretien de retour de congé",
    "mi_carriere": "Entretien de mi-carrière",
    "avant_60": "Entretien avant 60 ans",
}
# Pour les tableaux étroits (fiche du conducteur, tableur de suivi).
LIBELLES_TYPES_COURTS = {
    "premier": "Premier entretien",
    "periodique": "Périodique",
    "etat_des_lieux": "État des lieux",
    "retour": "Retour de congé",
    "mi_carriere": "Mi-carrière",
    "avant_60": "Avant 60 ans",
}
# Statuts au fil d'une phrase (« échéance … , en retard »).
LIBELLES_STATUTS_PHRASE = {
    "en_retard": "en retard",
    "a_planifier": "à planifier",
    "a_venir": "à venir",
    "honoree": "honorée",
    "manquee": "manquée",
}
# Motifs d'absence au fil d'une phrase : déclarés avec le motif, dans schema.MOTIFS.
LIBELLES_ABSENCES = {m.code: m.phrase for m in MOTIFS}

# Colonnes de la liste des échéances -> en-têtes lisibles du classeur échéances.xlsx.
EN_TETES_ECHEANCES = {
    "matricule": "Matricule",
    "nom": "Nom",
    "prenom": "Prénom",
    "type": "Type",
    "motif": "Motif",
    "echeance": "Échéance",
    "statut": "Statut",
    "service": "Service",
    "matricule_manager": "Matricule manager",
    "reprise": "Date de reprise",
    "motif_absence": "Motif d'absence",
    "debut_absence": "Début de l'absence",
    "edl_debut": "État des lieux : début de la période",
    "edl_fin": "État des lieux : fin de la période",
    "entretiens_realises": "Entretiens réalisés",
    "entretiens_prevus": "Entretiens prévus",
    "formation_non_obligatoire": "Formation non obligatoire suivie",
    "critere_formation": "Critère : formation suivie",
    "critere_certification": "Critère : certification",
    "critere_progression": "Critère : progression",
    "abondement_correctif": "Abondement correctif",
    "montant_abondement": "Montant de l'abondement (€)",
    "date_limite_versement": "Versement au plus tard le",
}
# Ce qu'on lit et imprime d'une échéance ; les autres colonnes (le détail du calcul : absence,
# état des lieux, abondement) sont repliées sous un « + », à déplier dans Excel.
COLONNES_ECHEANCES_VISIBLES = ("matricule", "nom", "prenom", "type", "motif", "echeance", "statut",
                               "service")  # fmt: skip


def colonnes_de_detail(colonnes: list[str]) -> list[str]:
    """Les colonnes d'une liste d'échéances à replier (tout sauf les visibles)."""
    return [c for c in colonnes if c not in COLONNES_ECHEANCES_VISIBLES]


# Texte de loi et thèmes de l'entretien cités par les documents, selon le régime.
REFERENCES_LEGALES = {
    "2025": "l'article L6315-1 du Code du travail, modifié par la loi n° 2025-989 "
    "du 24 octobre 2025",
    "2014": "l'article L6315-1 du Code du travail (rédaction issue des lois n° 2014-288 "
    "et 2018-771)",
}

THEMES_OBLIGATOIRES = {
    "2025": [
        "vos compétences et les qualifications mobilisées dans votre emploi actuel, ainsi que "
        "leur évolution possible au regard des transformations de l'entreprise ;",
        "votre situation et votre parcours professionnels, au regard des évolutions des "
        "métiers et des perspectives d'emploi dans l'entreprise ;",
        "vos besoins de formation, liés à votre activité actuelle, à l'évolution de votre "
        "emploi ou à un projet personnel ;",
        "vos souhaits d'évolution professionnelle : mobilité interne ou externe, reconversion, "
        "projet de transition professionnelle, bilan de compétences, validation des acquis "
        "de l'expérience (VAE) ;",
        "l'activation de votre compte personnel de formation (CPF), les abondements que "
        "l'employeur est susceptible de financer et le conseil en évolution professionnelle "
        "(CEP).",
    ],
    "2014": [
        "vos perspectives d'évolution professionnelle, notamment en termes de qualifications "
        "et d'emploi ;",
        "vos souhaits de formation ;",
        "l'information sur la validation des acquis de l'expérience (VAE) ;",
        "l'activation de votre compte personnel de formation (CPF), les abondements que "
        "l'employeur est susceptible de financer et le conseil en évolution professionnelle "
        "(CEP).",
    ],
}
