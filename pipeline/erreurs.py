"""L'unique type d'exception du projet, le rapport d'anomalies et le catalogue des codes.

La lecture du registre *collecte* les anomalies (frictionless-py) au lieu de s'arrêter à
la première : l'assistante RH corrige tout son classeur en une fois. Chaque anomalie
porte un code stable (pour les tests et `--json`), la feuille, la ligne Excel (le numéro
qu'affiche Excel), la colonne, la valeur, le matricule de la ligne s'il y en a un, et un
message qui dit comment corriger. À l'affichage (`formater_anomalies`, `regrouper`), les
avertissements et informations répétés sont résumés en une ligne ; le détail reste.

Chaque code est déclaré une fois dans `CATALOGUE` (comme `errors/` de frictionless-py),
avec son titre et la correction qu'il suggère : c'est la référence des codes, la
documentation et le champ `titre` de `entretiens verifier --json`. Construire une
`Anomalie` d'un code non déclaré est une erreur de programmation : elle lève aussitôt
`LookupError` (jamais attrapée par la CLI, elle garde sa trace). tests/test_catalogue.py
compare le catalogue aux codes du source, de docs/specs/registre.md et du README.

La CLI attrape `ErreurEntretiens` à un seul endroit et la transforme en message + code
de sortie 1 ; aucune trace Python n'atteint l'utilisateur (sauf `--debug`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"
# Ce que la lecture a compris (ligne d'en-tête, synonymes, colonnes libres) : ni une faute
# ni un risque, mais l'utilisatrice doit pouvoir vérifier d'un coup d'œil l'interprétation.
INFORMATION = "information"


@dataclass(frozen=True)
class Definition:
    """Un code d'anomalie, déclaré une fois : ce qu'il signifie et comment corriger."""

    code: str
    titre: str
    correction: str
    # Phrase d'une ligne qui résume n répétitions à l'affichage (« {n} salariés sans date
    # de naissance… ») ; vide : le titre suivi du nombre.
    groupe: str = ""


def _declarer(*definitions: Definition) -> dict[str, Definition]:
    catalogue: dict[str, Definition] = {}
    for d in definitions:
        if d.code in catalogue:
            raise LookupError(f"Code d'anomalie « {d.code} » déclaré deux fois au catalogue.")
        catalogue[d.code] = d
    return catalogue


CATALOGUE: dict[str, Definition] = _declarer(
    # --- Fichiers, quels qu'ils soient -------------------------------------------------
    Definition(
        "fichier-introuvable",
        "Fichier introuvable",
        "Vérifiez le chemin donné en option ou dans parametres.toml.",
    ),
    Definition(
        "fichier-illisible",
        "Fichier illisible",
        "Fermez le fichier s'il est ouvert, vérifiez vos droits, ou enregistrez-le de nouveau "
        "au format « Classeur Excel (.xlsx) » sans mot de passe.",
    ),
    Definition(
        "fichier-verrouille",
        "Fichier verrouillé en écriture",
        "Fermez le fichier dans Excel ou Word, puis relancez.",
    ),
    # --- Registre : feuilles et colonnes ----------------------------------------------
    Definition(
        "feuille-manquante",
        "Feuille obligatoire absente",
        "Ajoutez la feuille, ou renommez celle qui en tient lieu.",
    ),
    Definition(
        "feuille-dupliquee",
        "Feuille en double",
        "Fusionnez les deux feuilles ou renommez l'une d'elles.",
    ),
    Definition(
        "feuille-ignoree",
        "Feuille non reconnue",
        "Si c'est une feuille attendue mal nommée, renommez-la ; sinon, rien à faire.",
    ),
    Definition(
        "colonne-manquante",
        "Colonne obligatoire absente",
        "Ajoutez la colonne à la ligne d'en-tête, ou renommez celle qui en tient lieu.",
    ),
    Definition(
        "colonne-dupliquee",
        "Colonne en double",
        "Supprimez ou renommez l'une des deux colonnes.",
    ),
    Definition(
        "colonne-ignoree",
        "Colonne non lue",
        "Si c'est une colonne attendue mal nommée, renommez-la ; sinon, rien à faire.",
        groupe="{n} colonnes non lues",
    ),
    Definition(
        "colonne-sans-titre",
        "Colonne sans titre",
        "Donnez un titre à la colonne, dans la ligne d'en-tête, pour qu'elle soit lue.",
    ),
    Definition(
        "ligne-entete",
        "Ligne d'en-tête trouvée plus bas",
        "Rien à faire : les lignes au-dessus des en-têtes (titre, date…) sont ignorées.",
    ),
    Definition(
        "noms-reconnus",
        "Feuille ou colonnes lues sous un autre nom",
        "Vérifiez l'interprétation ; si une colonne est mal comprise, renommez-la.",
    ),
    Definition(
        "colonnes-non-reconnues",
        "Colonnes non reconnues",
        "Rien à faire si elles ne servent qu'aux modèles Word (salarie.autres) ; si l'une "
        "est une colonne attendue, renommez-la.",
    ),
    Definition(
        "cellule-egaree",
        "Valeur isolée loin du tableau",
        "Supprimez la cellule (dans Excel, Ctrl+Fin y mène) ou ramenez sa valeur dans le "
        "tableau, enregistrez, puis relancez.",
    ),
    # --- Registre et planning : valeurs -----------------------------------------------
    Definition(
        "valeur-obligatoire",
        "Valeur obligatoire manquante",
        "Renseignez la cellule, ou supprimez la ligne si elle est en trop.",
    ),
    Definition(
        "formule-sans-valeur",
        "Formule sans valeur calculée",
        "Ouvrez le classeur dans Excel (ou LibreOffice) et enregistrez-le : la valeur de "
        "chaque formule sera calculée et enregistrée.",
    ),
    Definition(
        "valeur-erreur",
        "Valeur d'erreur",
        "Corrigez la formule (référence supprimée, recherche sans résultat…) ou remplacez-la "
        "par la valeur.",
    ),
    Definition(
        "texte-nettoye",
        "Texte nettoyé",
        "Rien à faire : le texte est lu sur une ligne, sans caractères invisibles ; corrigez "
        "la cellule pour ne plus voir ce message.",
        groupe="{n} textes nettoyés (retours à la ligne, caractères invisibles)",
    ),
    Definition(
        "date-invalide",
        "Date invalide",
        "Saisissez une date Excel ou un texte JJ/MM/AAAA, ou videz la cellule si la date "
        "n'est pas connue et n'est pas obligatoire.",
    ),
    Definition(
        "booleen-invalide",
        "Valeur oui/non invalide",
        "Écrivez oui ou non, ou laissez la cellule vide pour non.",
    ),
    Definition(
        "email-invalide",
        "Adresse électronique invalide",
        "Corrigez l'adresse (forme prenom.nom@domaine.fr) ou videz la cellule.",
    ),
    Definition(
        "civilite-inconnue",
        "Civilité non reconnue",
        "Écrivez M. ou Mme ; sinon les documents s'adressent à « Madame, Monsieur ».",
        groupe="{n} civilités non reconnues",
    ),
    Definition(
        "motif-inconnu",
        "Motif d'absence inconnu",
        "Écrivez le code ou le libellé d'un motif reconnu (docs/specs/registre.md).",
    ),
    Definition(
        "conge-naissance-ambigu",
        "Congé de naissance à préciser",
        "Écrivez « Congé supplémentaire de naissance » s'il s'agit du congé de l'art. "
        "L1225-46-2 (il appelle un entretien de retour en régime 2025), ou « Congé de "
        "naissance (3 jours) » pour celui de l'art. L3142-4.",
    ),
    Definition(
        "type-inconnu",
        "Type d'entretien inconnu",
        "Écrivez le code ou le libellé d'un type reconnu (docs/specs/registre.md).",
    ),
    Definition(
        "nature-inconnue",
        "Nature d'évolution inconnue",
        "Écrivez « salariale » ou « professionnelle ».",
    ),
    Definition(
        "statut-inconnu",
        "Statut non reconnu",
        "Écrivez « En retard » ou « À planifier ».",
    ),
    Definition(
        "matricule-duplique",
        "Matricule en double",
        "Un matricule par salarié dans le registre, un entretien par salarié dans le "
        "planning : corrigez ou supprimez l'une des deux lignes.",
    ),
    Definition(
        "matricule-inconnu",
        "Matricule inconnu",
        "Corrigez le matricule (zéros de tête compris : cellule au format Texte), ou "
        "ajoutez le salarié à la feuille « Salariés » du registre.",
    ),
    Definition(
        "manager-inconnu",
        "Manager inconnu",
        "Corrigez le matricule du manager, ajoutez le manager au registre, ou videz la "
        "cellule (le service RH conduira l'entretien).",
    ),
    Definition(
        "dates-incoherentes",
        "Dates incohérentes",
        "Corrigez l'une des deux dates (fin avant début, sortie avant entrée, naissance "
        "après entrée ou moins de 14 ans à l'entrée, absence finie avant l'entrée).",
    ),
    Definition(
        "entretien-avant-entree",
        "Entretien antérieur à l'entrée",
        "Corrigez la date de l'entretien ou la date d'entrée ; un entretien d'un contrat "
        "précédent peut rester : il ne compte ni comme premier entretien ni pour le "
        "périodique ou l'état des lieux, seulement pour un retour de congé, la mi-carrière ou "
        "l'avant 60 ans dont la période commence avant l'entrée.",
        groupe="{n} entretiens datés avant l'entrée du salarié (ni premier entretien ni "
        "périodique)",
    ),
    Definition(
        "naissance-manquante",
        "Date de naissance absente",
        "Renseignez la date de naissance pour obtenir les obligations de mi-carrière et "
        "d'avant 60 ans.",
        groupe="{n} salariés sans date de naissance (mi-carrière et avant 60 ans incalculables)",
    ),
    # --- Paramètres (parametres.toml) -------------------------------------------------
    Definition(
        "parametres-illisibles",
        "Paramètres illisibles",
        "Corrigez la syntaxe TOML en comparant avec donnees/parametres.toml.",
    ),
    Definition(
        "parametre-inconnu",
        "Section ou clé de paramètre inconnue",
        "Corrigez l'orthographe : sections et clés possibles sont dans donnees/parametres.toml.",
    ),
    Definition(
        "parametre-invalide",
        "Paramètre mal formé",
        "Donnez au paramètre la forme attendue (section, adresse électronique…), comme dans "
        "donnees/parametres.toml.",
    ),
    Definition(
        "parametre-type",
        "Paramètre du mauvais type",
        "Écrivez la valeur sous le type attendu : nombre, texte entre guillemets ou liste.",
    ),
    Definition(
        "parametre-hors-bornes",
        "Paramètre hors bornes",
        "Choisissez une valeur dans les bornes que donne le message.",
    ),
    Definition(
        "signataire-inconnu",
        "Signataire RH introuvable au registre",
        "Corrigez « signataire_matricule » de [entreprise] (le matricule du signataire dans la "
        "feuille « Salariés ») ou videz-le.",
    ),
    Definition(
        "etablissement-sans-salle",
        "Établissement sans salle",
        "Ajoutez les salles de cet établissement à « lieux » de [planning] dans "
        'parametres.toml (ou une liste "*" pour tous les autres).',
        groupe="{n} établissements sans salle (planning.lieux)",
    ),
    # --- Planning corrigé à la main ---------------------------------------------------
    Definition(
        "heure-invalide",
        "Heure invalide",
        "Écrivez l'heure au format HH:MM ; l'entretien doit finir avant minuit.",
    ),
    Definition(
        "duree-invalide",
        "Durée invalide",
        "Écrivez un nombre de minutes entre 15 et 480.",
    ),
    Definition(
        "jour-non-ouvre",
        "Jour non ouvré",
        "Choisissez un jour ouvré (ni samedi, ni dimanche, ni jour férié).",
    ),
    Definition(
        "apres-sortie",
        "Entretien après la sortie du salarié",
        "Avancez l'entretien au plus tard au dernier jour du contrat, ou supprimez la ligne.",
    ),
    Definition(
        "date-passee",
        "Entretien avant l'envoi de la convocation",
        "Choisissez une date postérieure à la date d'envoi des convocations (--au).",
    ),
    Definition(
        "delai-court",
        "Délai de convocation court",
        "Reportez l'entretien si possible : le salarié doit avoir le temps de le préparer.",
    ),
    Definition(
        "double-reservation",
        "Double réservation",
        "Déplacez l'un des entretiens : la personne ou la salle est déjà prise à cette heure.",
    ),
    Definition(
        "deja-convoque",
        "Salarié déjà convoqué",
        "Vérifiez que ce n'est pas un doublon d'un entretien d'une autre campagne.",
    ),
    Definition(
        "conducteur-incoherent",
        "Conducteur incohérent",
        "Accordez le nom et le matricule du conducteur, ou videz le matricule pour un "
        "conducteur extérieur.",
    ),
    Definition(
        "conducteur-sorti",
        "Conducteur sorti des effectifs",
        "Confiez l'entretien à un autre conducteur ou avancez-le avant sa sortie.",
    ),
    # --- Campagne, documents et publipostage ------------------------------------------
    Definition(
        "campagne-introuvable",
        "Campagne introuvable",
        "Lancez d'abord « entretiens convocations », ou vérifiez le nom donné à --campagne.",
    ),
    Definition(
        "campagne-autre-registre",
        "Campagne produite avec un autre registre",
        "Donnez à ce registre sa propre campagne (--campagne NOM), ou reprenez le registre "
        "qui a produit la campagne.",
    ),
    Definition(
        "campagne-verrouillee",
        "Campagne en cours d'utilisation",
        "Attendez la fin de l'autre commande, puis relancez.",
    ),
    Definition(
        "papier-absent",
        "Convocation papier introuvable",
        "Lancez d'abord « entretiens publipostage », puis notez remises les convocations "
        "de courriers_papier.csv.",
    ),
    Definition(
        "convocation-perimee",
        "Document modifié à la main devenu périmé",
        "Mettez le fichier de côté, relancez « entretiens convocations » pour le régénérer, "
        "puis le publipostage.",
    ),
    Definition(
        "entretien-sans-horaire",
        "Entretien sans date ni heure",
        "Donnez une date et une heure HH:MM à l'entretien dans le planning, puis relancez.",
    ),
    Definition(
        "piece-jointe-manquante",
        "Pièce jointe introuvable",
        "Relancez « entretiens convocations » pour régénérer les documents de la campagne.",
    ),
    Definition(
        "brouillon-mis-a-jour",
        "Brouillon refait",
        "Rien à faire : le brouillon suit le nouveau rendez-vous, l'ancien est gardé dans "
        "anciennes_versions/.",
    ),
    Definition(
        "courrier-papier",
        "Convocation à remettre sur papier",
        "Remettez la convocation en main propre ou par courrier, ou renseignez l'adresse "
        "électronique du salarié dans le registre.",
    ),
    Definition(
        "publipostage-absent",
        "Aucun brouillon à envoyer",
        "Lancez d'abord « entretiens publipostage ».",
    ),
    # --- Formulaires remplis (entretiens recolter) ------------------------------------
    Definition(
        "champ-introuvable",
        "Champ de formulaire introuvable",
        "Rétablissez le champ depuis le modèle (modeles_word/README.md, « Champs de "
        "formulaire »), ou saisissez l'entretien à la main dans le registre.",
    ),
    Definition(
        "date-future",
        "Date dans le futur",
        "Corrigez la date dans le formulaire : un entretien à venir n'est pas encore tenu.",
    ),
    Definition(
        "date-avant-convocation",
        "Entretien daté d'avant la convocation",
        "Corrigez la date de l'entretien dans le formulaire (faute de frappe ?).",
    ),
    Definition(
        "dates-differentes",
        "Compte-rendu et état des lieux à des dates différentes",
        "Corrigez la date fausse dans l'un des deux formulaires.",
    ),
    Definition(
        "information-non-cochee",
        "Information obligatoire non cochée",
        "Délivrez au salarié l'information manquante (CPF, abondements, CEP, VAE) et cochez "
        "sa case dans le compte-rendu.",
    ),
    Definition(
        "copie-non-remise",
        "Copie non remise au salarié",
        "Remettez une copie au salarié et indiquez la date de remise dans le formulaire.",
    ),
    Definition(
        "compte-rendu-non-rempli",
        "Compte-rendu non rempli",
        "Faites compléter le compte-rendu : date, cases d'information, copie remise.",
    ),
    Definition(
        "etat-des-lieux-non-rempli",
        "État des lieux non rempli",
        "Faites compléter l'état des lieux : tant qu'il ne l'est pas, il reste dû.",
    ),
    Definition(
        "signe-sans-date",
        "Copie signée sans date saisie",
        "Reportez la date de l'entretien dans le formulaire Word du salarié, puis relancez.",
    ),
    Definition(
        "formulaire-non-rempli",
        "Rendez-vous passé, formulaire non rempli",
        "Envoyez au conducteur la relance préparée (dossier relances/ de la campagne).",
    ),
    Definition(
        "entretien-deja-saisi",
        "Entretien déjà saisi, d'un autre type",
        "Corrigez le type de la ligne du registre, ou supprimez-la pour que « recolter » l'écrive.",
    ),
    # --- Modèles Word et modèle de courriel -------------------------------------------
    Definition(
        "dossier-modeles-introuvable",
        "Dossier de modèles introuvable",
        "Vérifiez le chemin donné à --dossier.",
    ),
    Definition(
        "modele-absent",
        "Modèle Word introuvable",
        "Vérifiez le dossier des modèles, ou restaurez le modèle livré dans modeles_word/.",
    ),
    Definition(
        "modele-invalide",
        "Modèle Word invalide",
        "Ouvrez le modèle dans Word, corrigez les balises du passage signalé, et "
        "enregistrez-le au format .docx.",
    ),
    Definition(
        "modele-illisible",
        "Modèle illisible",
        "Enregistrez le modèle de nouveau : document Word .docx, ou texte en UTF-8 pour le "
        "modèle de courriel.",
    ),
    Definition(
        "modele-syntaxe",
        "Balise de modèle mal formée",
        "Vérifiez que chaque {% if %} a son {% endif %} et que les accolades sont fermées.",
    ),
    Definition(
        "modele-introuvable",
        "Modèle de courriel introuvable",
        "Restaurez modeles_word/courriel_convocation.txt.",
    ),
    Definition(
        "modele-sans-objet",
        "Modèle de courriel sans objet",
        "Commencez le modèle de courriel par une ligne « Objet : … ».",
    ),
    Definition(
        "variable-inconnue",
        "Variable inconnue dans un modèle",
        "Corrigez l'orthographe de la variable (liste dans modeles_word/README.md).",
    ),
    # --- Envoi SMTP -------------------------------------------------------------------
    Definition(
        "smtp-sans-hote",
        "Serveur SMTP non renseigné",
        "Renseignez publipostage.smtp_hote dans parametres.toml ou donnez --hote.",
    ),
    Definition(
        "expediteur-exemple",
        "Expéditeur de l'exemple livré",
        "Indiquez l'adresse du service RH (publipostage.expediteur dans parametres.toml) et "
        "refaites les brouillons (entretiens publipostage --remplacer).",
    ),
    Definition(
        "smtp-securite",
        "Sécurité SMTP inconnue",
        "Choisissez starttls, ssl ou aucune.",
    ),
    Definition(
        "smtp-identifiants",
        "Identifiants SMTP refusés",
        "Vérifiez --utilisateur et le mot de passe (ENTRETIENS_SMTP_MOT_DE_PASSE ou "
        "--mot-de-passe).",
    ),
    Definition(
        "smtp-non-supporte",
        "Option refusée par le serveur SMTP",
        "Essayez --securite ssl (port 465) ou starttls (port 587), ou sans identifiant.",
    ),
    Definition(
        "smtp-injoignable",
        "Serveur SMTP injoignable",
        "Vérifiez l'hôte, le port, la sécurité et la connexion réseau.",
    ),
    # --- Archives ---------------------------------------------------------------------
    Definition(
        "archive-existante",
        "Archive déjà existante",
        "Une archive n'est jamais écrasée : donnez un autre nom de campagne, ou déplacez "
        "l'ancienne archive.",
    ),
    Definition(
        "archive-introuvable",
        "Archive introuvable",
        "Vérifiez le chemin de l'archive (les archives sont dans sorties/archives/).",
    ),
    Definition(
        "archive-illisible",
        "Archive illisible",
        "Reprenez une copie de sauvegarde de l'archive.",
    ),
    Definition(
        "archive-sans-manifeste",
        "Archive sans manifeste",
        "Vérifiez qu'il s'agit bien d'une archive produite par « entretiens archiver ».",
    ),
    Definition(
        "manifeste-illisible",
        "Manifeste d'archive illisible",
        "Reprenez une copie de sauvegarde de l'archive : son manifeste a été modifié.",
    ),
    Definition(
        "archive-dans-campagne",
        "Archive placée dans la campagne",
        "Choisissez un dossier des archives hors du dossier de la campagne.",
    ),
    Definition(
        "suppression-refusee",
        "Originaux conservés",
        "Fermez les documents ouverts, lancez « entretiens verifier-archive », puis "
        "supprimez le dossier de la campagne à la main.",
    ),
    Definition(
        "index-illisible",
        "Index des archives illisible",
        "Renommez l'index (il sera recréé) ou rétablissez sa ligne d'en-tête.",
    ),
    # --- Conversion en PDF ------------------------------------------------------------
    Definition(
        "libreoffice-absent",
        "LibreOffice absent",
        "Installez LibreOffice (commande « soffice » dans le PATH), ou relancez sans --pdf.",
    ),
    Definition(
        "pdf-echec",
        "Conversion en PDF échouée",
        "Ouvrez le document dans Word ou LibreOffice pour vérifier qu'il n'est pas "
        "endommagé, puis relancez.",
    ),
)


def definition(code: str) -> Definition:
    """La déclaration du code ; un code non déclaré est une erreur de programmation."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise LookupError(
            f"Code d'anomalie « {code} » non déclaré : ajoutez-le au CATALOGUE de "
            "pipeline/erreurs.py (code, titre, correction)."
        ) from None


@dataclass(frozen=True)
class Anomalie:
    """Un problème trouvé dans les données ou les paramètres, localisé."""

    code: str
    message: str
    feuille: str | None = None
    ligne: int | None = None
    colonne: str | None = None
    valeur: str | None = None
    gravite: str = ERREUR
    matricule: str | None = None  # le salarié concerné, quand la ligne en nomme un

    def __post_init__(self) -> None:
        definition(self.code)  # échoue dès la construction si le code n'est pas déclaré

    @property
    def titre(self) -> str:
        return CATALOGUE[self.code].titre

    @property
    def est_erreur(self) -> bool:
        return self.gravite == ERREUR

    def localisation(self) -> str:
        """« feuille « Salariés », ligne 12, colonne « Date d'entrée » »."""
        morceaux = []
        if self.feuille:
            morceaux.append(f"feuille « {self.feuille} »")
        if self.ligne is not None:
            morceaux.append(f"ligne {self.ligne}")
        if self.colonne:
            morceaux.append(f"colonne « {self.colonne} »")
        return ", ".join(morceaux)

    def __str__(self) -> str:
        lieu = self.localisation()
        return f"{lieu} : {self.message}" if lieu else self.message

    def en_dict(self) -> dict[str, Any]:
        return {**asdict(self), "titre": self.titre}


class _TriAnomalies:
    """Erreurs (bloquantes) et avertissements d'une liste d'anomalies."""

    anomalies: list[Anomalie]

    @property
    def erreurs(self) -> list[Anomalie]:
        return [a for a in self.anomalies if a.est_erreur]

    @property
    def avertissements(self) -> list[Anomalie]:
        """Tout ce qui n'empêche rien : avertissements et informations."""
        return [a for a in self.anomalies if not a.est_erreur]


@dataclass
class Rapport(_TriAnomalies):
    """Collecteur d'anomalies ; `lever_si_erreurs` arrête tout si une erreur a été vue."""

    anomalies: list[Anomalie] = field(default_factory=list)

    def erreur(self, code: str, message: str, **lieu: Any) -> None:
        self.anomalies.append(Anomalie(code, message, gravite=ERREUR, **lieu))

    def avertissement(self, code: str, message: str, **lieu: Any) -> None:
        self.anomalies.append(Anomalie(code, message, gravite=AVERTISSEMENT, **lieu))

    def __iter__(self) -> Iterator[Anomalie]:
        return iter(self.anomalies)

    def __len__(self) -> int:
        return len(self.anomalies)

    def aplatir(self) -> list[list[Any]]:
        """[[feuille, ligne, colonne, code], ...] : la forme compacte des tests."""
        return [[a.feuille, a.ligne, a.colonne, a.code] for a in self.anomalies]

    def lever_si_erreurs(self, titre: str) -> None:
        if self.erreurs:
            raise ErreurEntretiens(titre, anomalies=self.anomalies)


class ErreurEntretiens(_TriAnomalies, Exception):
    """Toute erreur que l'utilisateur peut corriger : données, paramètres, fichiers.

    `anomalies` contient le détail localisé (feuille, ligne, colonne) ; pour une erreur
    unique, `ErreurEntretiens.simple(...)` en fabrique une.
    """

    def __init__(self, message: str, anomalies: Iterable[Anomalie] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.anomalies: list[Anomalie] = list(anomalies)

    @classmethod
    def simple(cls, code: str, message: str, **lieu: Any) -> ErreurEntretiens:
        anomalie = Anomalie(code, message, **lieu)
        return cls(str(anomalie), anomalies=[anomalie])


# --------------------------------------------------------------------------------------
# Affichage : un seul mécanisme pour le tableau de `verifier` et les lignes des commandes
# --------------------------------------------------------------------------------------

# Un avertissement ou une information répété (même feuille, même code) au moins SEUIL fois
# s'affiche en une ligne qui liste les salariés ou les colonnes concernés. Les erreurs
# restent une par ligne : chacune se corrige à sa place. `verifier --json` garde le détail.
SEUIL_REGROUPEMENT = 3
REPERES_AFFICHES = 10
_PREFIXES = {ERREUR: "", AVERTISSEMENT: "Avertissement : ", INFORMATION: "Information : "}


def regrouper(anomalies: Iterable[Anomalie]) -> list[Anomalie]:
    """Les anomalies à afficher : répétitions résumées, à la place de la première."""
    liste = list(anomalies)
    groupes: dict[tuple[str | None, str, str], list[Anomalie]] = {}
    for a in liste:
        if not a.est_erreur:
            groupes.setdefault((a.feuille, a.code, a.gravite), []).append(a)
    affichees = []
    for a in liste:
        groupe = None if a.est_erreur else groupes[(a.feuille, a.code, a.gravite)]
        if groupe is None or len(groupe) < SEUIL_REGROUPEMENT:
            affichees.append(a)
        elif groupe[0] is a:
            affichees.append(_resumer(groupe))
    return affichees


def _resumer(groupe: list[Anomalie]) -> Anomalie:
    definition = CATALOGUE[groupe[0].code]
    n = len(groupe)
    phrase = definition.groupe.format(n=n) if definition.groupe else f"{definition.titre} ({n})"
    reperes = _reperes(groupe)
    cites = ", ".join(reperes[:REPERES_AFFICHES]) + (
        ", …" if len(reperes) > REPERES_AFFICHES else ""
    )
    lignes = {a.ligne for a in groupe}
    colonnes = {a.colonne for a in groupe}
    return Anomalie(
        groupe[0].code,
        f"{phrase} : {cites}. {definition.correction}",
        feuille=groupe[0].feuille,
        ligne=lignes.pop() if len(lignes) == 1 else None,
        colonne=colonnes.pop() if len(colonnes) == 1 else None,
        gravite=groupe[0].gravite,
    )


def _reperes(groupe: list[Anomalie]) -> list[str]:
    """Ce qui distingue chaque anomalie du groupe : matricule, sinon colonne ou ligne."""
    meme_ligne = len({a.ligne for a in groupe}) == 1
    meme_colonne = len({a.colonne for a in groupe}) == 1
    reperes: dict[str, None] = {}
    for a in groupe:
        if meme_ligne and a.colonne:
            repere = f"« {a.colonne} »"  # une ligne d'en-tête : ce sont ses colonnes
        else:
            repere = a.matricule or (f"ligne {a.ligne}" if a.ligne is not None else "")
            if not meme_colonne and a.colonne:
                repere = f"{repere} ({a.colonne})" if repere else a.colonne
        reperes[repere or a.message] = None
    return list(reperes)


def en_une_ligne(anomalie: Anomalie) -> str:
    """« Avertissement : feuille « Salariés », ligne 3 : … » (les lignes des commandes)."""
    return f"{_PREFIXES.get(anomalie.gravite, '')}{anomalie}"


def formater_anomalies(anomalies: Iterable[Anomalie]) -> str:
    """Tableau texte « Ligne | Colonne | Code | Message », un bloc par feuille (répétitions
    regroupées, voir `regrouper`)."""
    par_feuille: dict[str | None, list[Anomalie]] = {}
    for a in regrouper(anomalies):
        par_feuille.setdefault(a.feuille, []).append(a)
    blocs = []
    for feuille, liste in par_feuille.items():
        # Les paramètres (TOML) n'ont pas de feuilles : l'anomalie nomme le fichier.
        genre = "Fichier" if feuille and feuille.endswith(".toml") else "Feuille"
        titre = f"{genre} « {feuille} »" if feuille else "Fichier"
        lignes = [
            (
                "" if a.ligne is None else str(a.ligne),
                a.colonne or "",
                a.code,
                f"{_PREFIXES.get(a.gravite, '')}{a.message}",
            )
            for a in liste
        ]
        entete = ("Ligne", "Colonne", "Code", "Message")
        largeurs = [max(len(entete[k]), *(len(r[k]) for r in lignes)) for k in range(3)]

        def rangee(r: tuple[str, ...], largeurs: list[int] = largeurs) -> str:
            debut = " | ".join(r[k].ljust(largeurs[k]) for k in range(3))
            return f"{debut} | {r[3]}"

        separateur = "-+-".join("-" * n for n in largeurs) + "-+-" + "-" * 7
        blocs.append("\n".join([titre, rangee(entete), separateur, *map(rangee, lignes)]))
    return "\n\n".join(blocs)
