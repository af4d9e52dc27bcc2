"""Le paquet zip d'un .docx, écrit sans `zipfile` : membres préparés une fois, juxtaposés.

Un document rendu reprend tels quels (octets compressés compris) les membres du modèle
qu'il ne change pas ; seuls les membres rendus sont compressés. Chaque membre est préparé
avec son en-tête local et son entrée du répertoire central : écrire un document ne fait
plus que les juxtaposer.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

# Niveau 6 = celui de zipfile/python-docx ; le niveau 1 est environ trois fois plus
# rapide pour un fichier à peine plus gros (quelques %), et la compression des parties
# rendues est une bonne part du coût d'un document.
NIVEAU_COMPRESSION = 1


@dataclass(frozen=True)
class Membre:
    """Un membre du zip, prêt à écrire : ses octets locaux et son entrée du répertoire.

    Les membres recopiés du modèle sont préparés une fois (en-tête local, nom, octets
    compressés tels qu'ils sont dans le zip source) : chaque document ne fait plus que
    les juxtaposer.
    """

    nom: bytes
    drapeaux: int
    heure_dos: int
    date_dos: int
    attributs_externes: int
    local: bytes  # en-tête local, nom et données compressées
    central: bytes  # entrée du répertoire central, sauf la position et le nom


def preparer_membre(
    nom: bytes,
    drapeaux: int,
    methode: int,
    heure_dos: int,
    date_dos: int,
    crc: int,
    taille_compressee: int,
    taille: int,
    attributs_externes: int,
    donnees: bytes,
) -> Membre:
    # Un zip minimal (sans zip64 : un .docx n'approche jamais 4 Go). L'en-tête local et
    # l'entrée du répertoire central répètent les mêmes champs.
    communs = (drapeaux, methode, heure_dos, date_dos, crc, taille_compressee, taille, len(nom))
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *communs, 0)
    central = struct.pack("<4s6H3L5HL", b"PK\x01\x02", 20, 20, *communs, 0, 0, 0, 0,
                          attributs_externes)  # fmt: skip
    return Membre(
        nom, drapeaux, heure_dos, date_dos, attributs_externes, local + nom + donnees, central
    )


def lire_membres(contenu: bytes) -> list[Membre]:
    membres = []
    with zipfile.ZipFile(io.BytesIO(contenu)) as zin:
        for info in zin.infolist():
            # Les données compressées suivent l'en-tête local, dont les longueurs de nom
            # et d'extra peuvent différer de celles du répertoire central.
            debut = info.header_offset
            n_nom, n_extra = struct.unpack("<HH", contenu[debut + 26 : debut + 30])
            debut_donnees = debut + 30 + n_nom + n_extra
            annee, mois, jour, heure, minute, seconde = info.date_time
            membres.append(
                preparer_membre(
                    nom=info.filename.encode("utf-8"),
                    drapeaux=info.flag_bits & 0x800,
                    methode=info.compress_type,
                    heure_dos=(heure << 11) | (minute << 5) | (seconde // 2),
                    date_dos=((annee - 1980) << 9) | (mois << 5) | jour,
                    crc=info.CRC,
                    taille_compressee=info.compress_size,
                    taille=info.file_size,
                    attributs_externes=info.external_attr,
                    donnees=contenu[debut_donnees : debut_donnees + info.compress_size],
                )
            )
    return membres


def compresser(membre: Membre, octets: bytes) -> Membre:
    """`membre` avec un nouveau contenu, compressé."""
    compresseur = zlib.compressobj(NIVEAU_COMPRESSION, zlib.DEFLATED, -15)
    donnees = compresseur.compress(octets) + compresseur.flush()
    return preparer_membre(
        nom=membre.nom,
        drapeaux=membre.drapeaux,
        methode=8,
        heure_dos=membre.heure_dos,
        date_dos=membre.date_dos,
        crc=zlib.crc32(octets),
        taille_compressee=len(donnees),
        taille=len(octets),
        attributs_externes=membre.attributs_externes,
        donnees=donnees,
    )


def ecrire_zip(membres: Iterable[Membre]) -> bytes:
    morceaux: list[bytes] = []
    central: list[bytes] = []
    position = 0
    for m in membres:
        central.append(m.central + struct.pack("<L", position) + m.nom)
        morceaux.append(m.local)
        position += len(m.local)
    taille_central = sum(map(len, central))
    fin = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), taille_central, position, 0
    )
    return b"".join([*morceaux, *central, fin])
