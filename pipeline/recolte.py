"""Boucler la boucle : relire les comptes-rendus et états des lieux remplis (`recolter`).

Après les entretiens, le conducteur remplit dans Word les champs de formulaire du
compte-rendu et de l'état des lieux (contrôles de contenu `w:sdt`) : date de l'entretien,
cases des informations obligatoires, date de remise de la copie. `recolter` les relit
tous et écrit `entretiens_tenus.xlsx` (une ligne par entretien tenu, aux colonnes exactes
de la feuille « Entretiens » du registre), la liste des problèmes à vérifier et un
brouillon de relance par conducteur dont des rendez-vous passés n'ont pas de formulaire
rempli. Rien n'est deviné : un formulaire douteux est signalé, pas enregistré à moitié.

Un formulaire se lit dans `pipeline.formulaires` (ses champs, et leur reconnaissance
quand LibreOffice a perdu leurs étiquettes) ; ce module décide ce que valent ensemble les
formulaires d'un salarié. Les entretiens tenus s'ajoutent au registre
(`--ajouter-au-registre`) par `ecriture_registre.ajouter_au_registre`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.autres_campagnes import lignes_de_feuille
from pipeline.campagne import (
    COMPTE_RENDU_SIGNE,
    ENTRETIENS_TENUS,
    Campagne,
    lire_manifeste,
)
from pipeline.config import Parametres
from pipeline.erreurs import AVERTISSEMENT, Anomalie, ErreurEntretiens
from pipeline.fichiers import (
    ecrire_fichier,
    garder_ancienne_version,
    nom_fiche_conducteur,
)
from pipeline.formats import date_courte, date_longue, en_texte
from pipeline.formulaires import (
    CHAMPS,
    CHAMPS_FORMULAIRES,
    COMPTE_RENDU,
    CONSTATS_ETAT_DES_LIEUX,
    ETAT_DES_LIEUX,
    INFORMATIONS_OBLIGATOIRES,
    Formulaire,
    lire_formulaire,
)
from pipeline.origine import de_l_exemple, est_registre_exemple, registre_d_origine
from pipeline.relecture_planning import colonnes_planning, lire_date, lire_types
from pipeline.schema import FEUILLES_PAR_TABLE, TYPES_ENTRETIEN
from pipeline.tableurs import Feuille, ecrire_xlsx

if TYPE_CHECKING:  # le lecteur (calamine) n'est pas chargé pour une annotation
    from pipeline.registre import Registre

# --------------------------------------------------------------------------------------
# La campagne : ses rendez-vous et ses formulaires
# --------------------------------------------------------------------------------------

CONVOCATION = "convocation"  # type de document du manifeste (documents.DOCUMENTS_SALARIE)
# Ordre de préférence du type enregistré quand l'état des lieux n'a pas été fait : le plus
# précis d'abord ; les autres types couverts vont au commentaire.
_ORDRE_TYPES = ("premier", "retour", "mi_carriere", "avant_60", "periodique")


@dataclass(frozen=True)
class RendezVous:
    """Une ligne du planning de la campagne, relue sans exiger qu'il soit encore valide."""

    matricule: str
    nom: str
    prenom: str
    conducteur: str
    email_conducteur: str
    date: date | None
    types: tuple[str, ...]


def _rendez_vous_du_planning(chemin: Path) -> tuple[dict[str, RendezVous], list[str]]:
    """Les rendez-vous du planning d'une campagne, par matricule, et les lignes ignorées.

    Lecture tolérante, comme celle des autres campagnes (`autres_campagnes.lire_rendez_vous`) :
    depuis les entretiens, un salarié ou un conducteur a pu quitter l'entreprise, et le
    planning ne sert plus ici qu'à dire qui devait être reçu, quand et par qui.
    """
    try:
        lignes = lignes_de_feuille(chemin)
    except FileNotFoundError:
        return {}, [f"planning introuvable : {chemin} (pas de relance possible)"]
    except Exception:  # calamine lève des exceptions variées (et en anglais)
        return {}, [f"planning illisible, ignoré : {chemin} (pas de relance possible)"]
    index = colonnes_planning(lignes[0]) if lignes else {}
    if "matricule" not in index:
        return {}, [f"planning sans colonne « Matricule » : {chemin} (pas de relance possible)"]
    rendez_vous: dict[str, RendezVous] = {}
    for valeurs in lignes[1:]:

        def cellule(colonne: str, valeurs: tuple[Any, ...] = valeurs) -> Any:
            position = index.get(colonne)
            return None if position is None or position >= len(valeurs) else valeurs[position]

        matricule = en_texte(cellule("matricule"))
        if matricule:
            types = lire_types(en_texte(cellule("types"))) or ""
            rendez_vous[matricule] = RendezVous(
                matricule,
                en_texte(cellule("nom")),
                en_texte(cellule("prenom")),
                en_texte(cellule("conducteur")),
                en_texte(cellule("email_conducteur")),
                lire_date(cellule("date")),
                tuple(t.strip() for t in types.split(",") if t.strip()),
            )
    return rendez_vous, []


# --------------------------------------------------------------------------------------
# La récolte
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntretienTenu:
    """Un entretien tenu, tel qu'il s'écrit dans la feuille « Entretiens » du registre."""

    matricule: str
    salarie: str
    date: date
    type: str  # code (schema.TYPES)
    conduit_par: str
    commentaire: str
    copie_signee: str = ""  # chemin du scan signé, relatif au dossier de campagne


@dataclass(frozen=True)
class Probleme:
    """Un formulaire à vérifier : ce qui ne va pas, pour qui, dans quel document."""

    matricule: str
    salarie: str
    conducteur: str
    document: str  # relatif au dossier de campagne
    anomalie: Anomalie

    @property
    def code(self) -> str:
        return self.anomalie.code


@dataclass(frozen=True)
class Relance:
    """Un rendez-vous passé sans formulaire rempli : à rappeler à son conducteur."""

    conducteur: str
    email: str
    matricule: str
    salarie: str
    date: date
    documents: tuple[str, ...]  # formulaires à compléter, relatifs au dossier de campagne


@dataclass(frozen=True)
class Brouillon:
    """Le brouillon de relance d'un conducteur (.eml, à ouvrir avec Outlook)."""

    chemin: Path
    conducteur: str
    email: str
    relances: tuple[Relance, ...]


@dataclass
class Recolte:
    """Ce que `recolter` a lu et écrit."""

    campagne: Campagne
    formulaires: int = 0  # formulaires lus
    tenus: list[EntretienTenu] = field(default_factory=list)
    problemes: list[Probleme] = field(default_factory=list)
    relances: list[Relance] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    brouillons: list[Brouillon] = field(default_factory=list)  # un par conducteur

    @property
    def copies_signees(self) -> list[EntretienTenu]:
        return [t for t in self.tenus if t.copie_signee]


def recolter(
    campagne: Campagne,
    registre: Registre,
    parametres: Parametres,
    au: date,
    maintenant: datetime,
) -> Recolte:
    """Relit les formulaires de la campagne ; écrit entretiens_tenus.xlsx et les relances.

    `au` : date de référence (un entretien daté après n'est pas encore tenu, un rendez-vous
    daté d'avant sans formulaire rempli est relancé). `maintenant` date les brouillons.
    Le registre n'est que lu (noms des salariés).
    """
    manifeste = lire_manifeste(campagne.dossier)
    if not manifeste:
        raise ErreurEntretiens.simple(
            "campagne-introuvable",
            f"La campagne « {campagne.dossier} » n'a pas de manifeste (manifeste.csv) : "
            "lancez d'abord « entretiens convocations » pour la produire.",
        )
    rendez_vous, avertissements = _rendez_vous_du_planning(campagne.planning)
    formulaires: dict[str, dict[str, str]] = {}
    for chemin, ligne in manifeste.items():
        if ligne.get("type_document") in CHAMPS_FORMULAIRES:
            formulaires.setdefault(ligne["matricule"], {})[ligne["type_document"]] = chemin
    noms = {
        str(m): f"{p} {str(n).upper()}"
        for m, n, p in zip(
            registre.salaries["matricule"],
            registre.salaries["nom"],
            registre.salaries["prenom"],
            strict=True,
        )
    }
    recolte = Recolte(campagne, avertissements=avertissements)
    for matricule in sorted(set(formulaires) | set(rendez_vous)):
        rdv = rendez_vous.get(matricule)
        salarie = noms.get(matricule) or (f"{rdv.prenom} {rdv.nom.upper()}" if rdv else matricule)
        _Salarie(
            recolte,
            matricule,
            salarie,
            rdv,
            formulaires.get(matricule, {}),
            _date_envoi(campagne, manifeste, matricule),
            au,
        ).traiter()
    _ecrire_entretiens_tenus(recolte)
    recolte.brouillons = _ecrire_relances(recolte, parametres, maintenant)
    return recolte


def _date_envoi(
    campagne: Campagne, manifeste: dict[str, dict[str, str]], matricule: str
) -> date | None:
    """La date de la convocation : celle de la campagne (nommée par défaut d'après la date
    d'envoi `--au`), sinon le jour où sa convocation a été produite (manifeste)."""
    try:
        return date.fromisoformat(campagne.nom)
    except ValueError:
        pass
    for ligne in manifeste.values():
        if ligne.get("matricule") == matricule and ligne.get("type_document") == CONVOCATION:
            try:
                return date.fromisoformat(ligne.get("date", "")[:10])
            except ValueError:
                return None
    return None


@dataclass
class _Salarie:
    """Les formulaires d'un salarié relus ensemble : au plus un entretien tenu."""

    recolte: Recolte
    matricule: str
    salarie: str
    rdv: RendezVous | None
    documents: dict[str, str]  # type de document -> chemin relatif au dossier de campagne
    envoi: date | None
    au: date

    @property
    def conducteur(self) -> str:
        return self.rdv.conducteur if self.rdv else ""

    def signaler(self, code: str, message: str, type_document: str = COMPTE_RENDU) -> None:
        document = self.documents.get(type_document) or next(iter(self.documents.values()), "")
        self.recolte.problemes.append(
            Probleme(
                self.matricule,
                self.salarie,
                self.conducteur,
                document,
                Anomalie(code, message, gravite=AVERTISSEMENT),
            )
        )

    def lire(self) -> dict[str, Formulaire]:
        lus = {}
        for type_document, relatif in self.documents.items():
            chemin = self.recolte.campagne.dossier / relatif
            if not chemin.is_file():
                continue  # déplacé ou supprimé : comme un formulaire non rempli
            try:
                formulaire = lire_formulaire(chemin, type_document)
            except ErreurEntretiens as exc:
                self.signaler("fichier-illisible", exc.message, type_document)
                continue
            self.recolte.formulaires += 1
            lus[type_document] = formulaire
            for tag in formulaire.introuvables:
                self.signaler(
                    "champ-introuvable",
                    f"Le champ « {CHAMPS[tag].titre} » ({tag}) est introuvable dans le "
                    "formulaire : il a été supprimé ou remplacé par du texte. Rétablissez-le "
                    "(modeles_word/README.md, « Champs de formulaire »), ou saisissez "
                    "l'entretien à la main.",
                    type_document,
                )
            for tag, texte in formulaire.illisibles.items():
                self.signaler(
                    "date-invalide",
                    f"« {texte} » n'est pas une date ({CHAMPS[tag].titre}) : choisissez la "
                    "date dans le calendrier du champ, ou écrivez-la JJ/MM/AAAA.",
                    type_document,
                )
        return lus

    def traiter(self) -> None:
        lus = self.lire()
        dates = {t: f.jour("date_entretien") for t, f in lus.items() if f.jour("date_entretien")}
        signe = self._copie_signee()
        if not dates:
            if any(
                "date_entretien" in f.illisibles or "date_entretien" in f.introuvables
                for f in lus.values()
            ):
                return  # déjà signalé : date illisible ou champ supprimé
            if signe:
                self.signaler(
                    "signe-sans-date",
                    f"Une copie signée a été déposée ({signe}) mais la date de l'entretien "
                    "n'est pas saisie dans le formulaire : reportez-la dans le champ « Entretien "
                    "tenu le », puis relancez.",
                )
            elif self.rdv and self.rdv.date and self.rdv.date < self.au:
                self._relancer()
            return
        if len(set(dates.values())) > 1:
            self.signaler(
                "dates-differentes",
                "Le compte-rendu et l'état des lieux ne portent pas la même date d'entretien ("
                + ", ".join(date_courte(d) for d in dates.values())
                + ") : corrigez celle qui est fausse.",
            )
            return
        jour = next(iter(dates.values()))
        if jour > self.au:
            self.signaler(
                "date-future",
                f"L'entretien est daté du {date_courte(jour)}, après le {date_courte(self.au)} : "
                "il n'est pas encore tenu. Corrigez la date si c'est une faute de frappe.",
            )
            return
        if self.envoi and jour < self.envoi:
            self.signaler(
                "date-avant-convocation",
                f"L'entretien est daté du {date_courte(jour)}, avant la convocation du "
                f"{date_courte(self.envoi)} : corrigez la date (faute de frappe ?).",
            )
            return
        self._verifier(lus)
        self.recolte.tenus.append(self._entretien(jour, lus, signe))

    def _verifier(self, lus: dict[str, Formulaire]) -> None:
        """Ce qu'un entretien tenu doit avoir : informations délivrées, copie remise."""
        for type_document in CHAMPS_FORMULAIRES:
            formulaire = lus.get(type_document)
            if formulaire is None or formulaire.jour("date_entretien") is None:
                if type_document in self.documents:
                    self.signaler(*_NON_REMPLI[type_document], type_document)
                continue
            non_cochees = [
                CHAMPS[tag].titre.removesuffix(" délivrée")
                for tag in INFORMATIONS_OBLIGATOIRES
                if formulaire.valeurs.get(tag) is False
            ]
            if non_cochees:
                self.signaler(
                    "information-non-cochee",
                    "Case(s) non cochée(s) : " + ", ".join(non_cochees) + ". Le conducteur doit "
                    "délivrer ces informations (art. L6315-1) et cocher les cases.",
                    type_document,
                )
            copie = formulaire.jour("copie_remise_le")
            if copie is None and "copie_remise_le" not in formulaire.introuvables:
                self.signaler(
                    "copie-non-remise",
                    "La date de remise de la copie au salarié n'est pas renseignée : remettez-lui "
                    "une copie et indiquez la date dans le formulaire.",
                    type_document,
                )
            elif copie is not None and copie > self.au:
                self.signaler(
                    "date-future",
                    f"La copie est dite remise le {date_courte(copie)}, après le "
                    f"{date_courte(self.au)} : corrigez la date.",
                    type_document,
                )

    def _entretien(self, jour: date, lus: dict[str, Formulaire], signe: str) -> EntretienTenu:
        etat = lus.get(ETAT_DES_LIEUX)
        fait = etat is not None and etat.jour("date_entretien") is not None
        prevus = self.rdv.types if self.rdv else ()
        if fait:
            code = ETAT_DES_LIEUX
        else:
            code = next((t for t in _ORDRE_TYPES if t in prevus), _ORDRE_TYPES[-1])
        commentaire = [f"Campagne {self.recolte.campagne.nom}"]
        aussi = [TYPES_ENTRETIEN[t] for t in prevus if t not in (code, ETAT_DES_LIEUX)]
        if aussi:
            commentaire.append("aussi : " + ", ".join(aussi))
        if fait:
            constat = ", ".join(
                f"{libelle} {'oui' if etat.valeurs.get(tag) else 'non'}"
                for tag, libelle in CONSTATS_ETAT_DES_LIEUX.items()
            )
            commentaire.append(f"état des lieux : {constat}")
        if signe:
            commentaire.append(f"copie signée : {Path(signe).name}")
        return EntretienTenu(
            self.matricule,
            self.salarie,
            jour,
            code,
            self.conducteur,
            " ; ".join(commentaire),
            signe,
        )

    def _copie_signee(self) -> str:
        """Le scan signé déposé dans le dossier du salarié (nom sans tenir compte de la casse)."""
        for relatif in self.documents.values():
            dossier = self.recolte.campagne.dossier / Path(relatif).parent
            if dossier.is_dir():
                for fichier in sorted(dossier.iterdir()):
                    if fichier.name.casefold() == COMPTE_RENDU_SIGNE and fichier.is_file():
                        return fichier.relative_to(self.recolte.campagne.dossier).as_posix()
        return ""

    def _relancer(self) -> None:
        assert self.rdv is not None and self.rdv.date is not None
        self.recolte.relances.append(
            Relance(
                self.rdv.conducteur,
                self.rdv.email_conducteur,
                self.matricule,
                self.salarie,
                self.rdv.date,
                tuple(self.documents.values()),
            )
        )
        self.signaler(
            "formulaire-non-rempli",
            f"Rendez-vous du {date_courte(self.rdv.date)} passé, formulaire non rempli : "
            f"relance préparée pour {self.conducteur or 'le conducteur'}.",
        )


# Un formulaire du salarié resté vide alors que l'autre est rempli : code, message.
_NON_REMPLI = {
    COMPTE_RENDU: (
        "compte-rendu-non-rempli",
        "L'état des lieux est rempli mais pas le compte-rendu : les informations obligatoires "
        "et la remise de la copie ne sont pas attestées. Faites-le compléter.",
    ),
    ETAT_DES_LIEUX: (
        "etat-des-lieux-non-rempli",
        "Le compte-rendu est rempli mais pas l'état des lieux dû : l'entretien est enregistré "
        "sans état des lieux, qui reste à faire. Faites-le compléter (date de l'entretien).",
    ),
}


# --------------------------------------------------------------------------------------
# Ce que la récolte écrit : entretiens_tenus.xlsx et les relances
# --------------------------------------------------------------------------------------

# Première feuille du classeur produit : celle du registre, du même nom, aux mêmes colonnes.
FEUILLE_ENTRETIENS = FEUILLES_PAR_TABLE["entretiens"].nom
FEUILLE_A_VERIFIER = "À vérifier"
FEUILLE_COPIES_SIGNEES = "Copies signées"


def colonnes_entretiens() -> dict[str, str]:
    """Colonne du registre -> en-tête : celles de la feuille « Entretiens », dans son ordre."""
    return {c.cle: c.nom for c in FEUILLES_PAR_TABLE["entretiens"].colonnes}


def _table_tenus(tenus: Sequence[EntretienTenu]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "matricule": pd.Series([t.matricule for t in tenus], dtype=object),
            "date": pd.to_datetime(pd.Series([t.date for t in tenus], dtype=object)),
            "type": pd.Series([TYPES_ENTRETIEN[t.type] for t in tenus], dtype=object),
            "conduit_par": pd.Series([t.conduit_par for t in tenus], dtype=object),
            "commentaire": pd.Series([t.commentaire for t in tenus], dtype=object),
        }
    )


def _ecrire_entretiens_tenus(recolte: Recolte) -> None:
    # Recalculé à chaque récolte depuis les formulaires, qui restent la source : remplacé
    # sans garder d'ancienne version (comme le tableau de bord).
    problemes = recolte.problemes
    copies = recolte.copies_signees
    feuilles = {
        FEUILLE_ENTRETIENS: Feuille(
            _table_tenus(recolte.tenus), colonnes_entretiens(), texte_long=("commentaire",)
        ),
        FEUILLE_A_VERIFIER: Feuille(
            pd.DataFrame(
                {
                    "matricule": [p.matricule for p in problemes],
                    "salarie": [p.salarie for p in problemes],
                    "conducteur": [p.conducteur for p in problemes],
                    "document": [p.document for p in problemes],
                    "probleme": [p.anomalie.titre for p in problemes],
                    "detail": [p.anomalie.message for p in problemes],
                    "code": [p.code for p in problemes],
                },
                dtype=object,
            ),
            {
                "matricule": "Matricule",
                "salarie": "Salarié",
                "conducteur": "Conducteur",
                "document": "Document",
                "probleme": "Problème",
                "detail": "Détail",
                "code": "Code",
            },
            texte_long=("detail",),
        ),
        FEUILLE_COPIES_SIGNEES: Feuille(
            pd.DataFrame(
                {
                    "matricule": [t.matricule for t in copies],
                    "salarie": [t.salarie for t in copies],
                    "date": pd.to_datetime(pd.Series([t.date for t in copies], dtype=object)),
                    "fichier": [t.copie_signee for t in copies],
                }
            ),
            {
                "matricule": "Matricule",
                "salarie": "Salarié",
                "date": "Entretien du",
                "fichier": "Copie signée",
            },
        ),
    }
    ecrire_xlsx(recolte.campagne.entretiens_tenus, feuilles, remplacer=True, garder_ancien=False)


def _ecrire_relances(
    recolte: Recolte, parametres: Parametres, maintenant: datetime
) -> list[Brouillon]:
    """Un brouillon .eml (Outlook) par conducteur ; ceux qui ne servent plus sont mis de côté.

    Un brouillon d'une récolte précédente dont le conducteur n'a plus rien à compléter est
    rangé dans `relances/anciennes_versions/` (jamais supprimé) : on ne peut plus l'envoyer
    par erreur.
    """
    dossier = recolte.campagne.relances
    groupes: dict[tuple[str, str], list[Relance]] = {}
    for relance in recolte.relances:
        groupes.setdefault((relance.conducteur, relance.email), []).append(relance)
    brouillons: list[Brouillon] = []
    for (conducteur, email), relances in sorted(groupes.items()):
        nom = nom_fiche_conducteur(conducteur) if conducteur else "conducteur_inconnu"
        chemin = dossier / f"{nom}.eml"
        rang = 1
        while any(b.chemin == chemin for b in brouillons):  # deux conducteurs homonymes
            rang += 1
            chemin = dossier / f"{nom}_{rang}.eml"
        message = _message_relance(
            conducteur, email, relances, recolte.campagne, parametres, maintenant
        )
        ecrire_fichier(chemin, message.as_bytes(), remplacer=True, garder_ancien=False)
        brouillons.append(Brouillon(chemin, conducteur, email, tuple(relances)))
    ecrits = {b.chemin for b in brouillons}
    if dossier.is_dir():
        for ancien in sorted(dossier.glob("*.eml")):
            if ancien not in ecrits and not ancien.name.endswith(".ancien.eml"):
                garder_ancienne_version(ancien)
    return brouillons


def _message_relance(
    conducteur: str,
    email: str,
    relances: list[Relance],
    campagne: Campagne,
    parametres: Parametres,
    maintenant: datetime,
) -> EmailMessage:
    ent = parametres.entreprise
    expediteur = parametres.publipostage.expediteur
    message = EmailMessage(policy=SMTP)
    message["From"] = Address(f"{ent.raison_sociale} – Ressources humaines", addr_spec=expediteur)
    if email:
        message["To"] = Address(conducteur, addr_spec=email)
    message["Subject"] = f"Entretiens à compléter : {len(relances)} compte(s)-rendu(s) en attente"
    message["Date"] = format_datetime(maintenant.astimezone())
    message["Message-ID"] = make_msgid(
        idstring="relance", domain=expediteur.rpartition("@")[2] or "entretiens.invalid"
    )
    message["X-Unsent"] = "1"  # Outlook l'ouvre comme un brouillon prêt à envoyer
    lignes = [
        f"  - {date_longue(r.date)} : {r.salarie} (matricule {r.matricule})" for r in relances
    ]
    corps = (
        f"Bonjour {conducteur},\n\n"
        "Les entretiens suivants devaient avoir lieu, mais leur compte-rendu n'est pas encore "
        "rempli :\n\n" + "\n".join(lignes) + "\n\n"
        "S'ils ont eu lieu, complétez dans Word les formulaires joints (date de l'entretien, "
        "cases des informations délivrées, date de remise de la copie au salarié), puis "
        "renvoyez-les au service des ressources humaines. S'ils n'ont pas eu lieu, "
        "proposez-nous une nouvelle date.\n\n"
        f"Merci,\n{ent.signataire}\n{ent.fonction_signataire}\n"
    )
    message.set_content(corps, cte="quoted-printable")
    for relance in relances:
        for relatif in relance.documents:
            chemin = campagne.dossier / relatif
            if chemin.is_file():
                message.add_attachment(
                    chemin.read_bytes(),
                    maintype="application",
                    subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                    filename=f"{relance.matricule}_{chemin.name}",
                )
    return message


# --------------------------------------------------------------------------------------
# Tableau de bord : tenus, non encore saisis
# --------------------------------------------------------------------------------------


def tenus_non_saisis(sorties: Path, registre: Registre) -> pd.DataFrame:
    """Les entretiens relevés par la dernière récolte de chaque campagne et absents de la
    feuille « Entretiens » du registre (même matricule, même date) : colonnes du registre
    (matricule, date, type en libellé, conduit_par, commentaire) et campagne."""
    saisis = set(
        zip(
            registre.entretiens["matricule"].astype(str),
            pd.to_datetime(registre.entretiens["date"]).dt.date,
            strict=True,
        )
    )
    colonnes = colonnes_entretiens()
    schema = FEUILLES_PAR_TABLE["entretiens"]
    lignes = []
    exemple = est_registre_exemple(registre.chemin)
    for chemin in sorted(Path(sorties).glob(f"*/{ENTRETIENS_TENUS}")):
        # Les récoltes de l'exemple livré et celles d'un vrai registre s'ignorent (voir
        # `autres_campagnes.lire_rendez_vous`).
        origine = registre_d_origine(Campagne.du_dossier(chemin.parent))
        if de_l_exemple(origine, chemin.parent.name) != exemple:
            continue
        try:
            brutes = lignes_de_feuille(chemin, FEUILLE_ENTRETIENS) or []
        except Exception:  # fichier abîmé : une nouvelle récolte le réécrira
            continue
        if not brutes:
            continue
        index = {
            colonne.cle: j
            for j, titre in enumerate(brutes[0])
            if (colonne := schema.colonne_nommee(en_texte(titre))) is not None
        }
        for valeurs in brutes[1:]:
            ligne = {c: valeurs[index[c]] if c in index else None for c in colonnes}
            matricule, jour = en_texte(ligne["matricule"]), lire_date(ligne["date"])
            if matricule and jour and (matricule, jour) not in saisis:
                lignes.append(
                    {c: en_texte(v) for c, v in ligne.items()}
                    | {"matricule": matricule, "date": jour, "campagne": chemin.parent.name}
                )
    table = pd.DataFrame(lignes, columns=[*colonnes, "campagne"])
    table["date"] = pd.to_datetime(table["date"])
    return table.sort_values(["date", "matricule"], kind="stable").reset_index(drop=True)
