"""Libellés français des codes (types d'obligation, statuts), partagés par tous les affichages."""

from __future__ import annotations

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
}

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
}
