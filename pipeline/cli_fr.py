"""Messages de Click en français (« Usage », « Options », erreurs d'usage…).

Click passe ses textes par `gettext` mais n'est pas traduit. Plutôt que d'embarquer un
catalogue .mo, on remplace la fonction `_` de ses modules par une table de traduction :
l'aide et les erreurs d'usage (code 2) sont ainsi en français, comme le reste.
"""

from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

TRADUCTIONS = {
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Aborted!": "Abandon.",
    "Commands": "Commandes",
    "Options": "Options",
    "Usage:": "Utilisation :",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Missing argument": "Argument manquant",
    "Missing command.": "Commande manquante.",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Error: invalid input": "Erreur : saisie invalide",
    "Choose from:\n\t{choices}": "Choisissez parmi :\n\t{choices}",
    "default: {default}": "défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} n'existe pas.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} n'est pas modifiable.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "integer": "nombre entier",
    "float": "nombre",
    "integer range": "nombre entier",
    "float range": "nombre",
}

_PLURIELS = {
    "Got unexpected extra argument ({args})": "Argument en trop : {args}",
    "Got unexpected extra arguments ({args})": "Arguments en trop : {args}",
    "{value!r} is not one of {choices}.": "{value!r} ne fait pas partie de {choices}.",
    "{value!r} is not {choice}.": "{value!r} n'est pas {choice}.",
    "No such option: {name}": "Option inconnue : {name}",
    "Option {name!r} requires an argument.": "L'option {name!r} demande une valeur.",
    "Option {name!r} requires {nargs} arguments.": "L'option {name!r} demande {nargs} valeurs.",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire l'une de : {possibilities} ?)",
}


def _traduire(message: str) -> str:
    return TRADUCTIONS.get(message, message)


def _traduire_pluriel(singulier: str, pluriel: str, n: int) -> str:
    message = singulier if n == 1 else pluriel
    return _PLURIELS.get(message, TRADUCTIONS.get(message, message))


def installer() -> None:
    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.termui,
        click.types,
    ):
        if hasattr(module, "_"):
            module._ = _traduire
        if hasattr(module, "ngettext"):
            module.ngettext = _traduire_pluriel
