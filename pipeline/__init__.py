"""Entretiens professionnels : du registre du personnel aux convocations, archives et suivi."""

__version__ = "0.1.0"
