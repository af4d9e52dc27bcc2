"""Entretiens professionnels : du registre du personnel aux convocations, archives et suivi."""
