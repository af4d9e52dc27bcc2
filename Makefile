# Toutes les cibles créent l'environnement .venv au besoin : sur une machine neuve,
# `make convocations` et `make test` fonctionnent directement.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ENTRETIENS := $(VENV)/bin/entretiens
INSTALLE := $(VENV)/.installe
# Options passées aux commandes, ex. : make convocations OPTIONS="--au 2026-12-01 --pdf"
OPTIONS ?=

.PHONY: install convocations echeances planifier publipostage archive tableau-de-bord \
        verifier modeles exemple test lint benchmarks nettoyer recolter

install: $(INSTALLE)

$(INSTALLE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLE)

verifier: $(INSTALLE)
	$(ENTRETIENS) verifier $(OPTIONS)

echeances: $(INSTALLE)
	$(ENTRETIENS) echeances $(OPTIONS)

planifier: $(INSTALLE)
	$(ENTRETIENS) planifier $(OPTIONS)

convocations: $(INSTALLE)
	$(ENTRETIENS) convocations $(OPTIONS)

publipostage: $(INSTALLE)
	$(ENTRETIENS) publipostage $(OPTIONS)

recolter: $(INSTALLE)
	$(ENTRETIENS) recolter $(OPTIONS)

archive: $(INSTALLE)
	$(ENTRETIENS) archiver $(OPTIONS)

tableau-de-bord: $(INSTALLE)
	$(ENTRETIENS) tableau-de-bord $(OPTIONS)

modeles: $(INSTALLE)
	$(ENTRETIENS) modeles $(OPTIONS)

# Régénère le registre fictif livré, relatif à une date (défaut : aujourd'hui).
exemple: $(INSTALLE)
	$(PY) donnees/generer_exemple.py $(OPTIONS)

test: $(INSTALLE)
	$(PY) -m pytest -q

lint: $(INSTALLE)
	$(VENV)/bin/ruff check pipeline tests benchmarks donnees modeles_word
	$(VENV)/bin/ruff format --check pipeline tests benchmarks donnees modeles_word

benchmarks: $(INSTALLE)
	$(PY) benchmarks/bench_echeances.py
	$(PY) benchmarks/bench_rendu.py
	$(PY) benchmarks/bench_campagne.py

nettoyer:
	rm -rf $(VENV) .pytest_cache .ruff_cache
