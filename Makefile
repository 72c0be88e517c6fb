# Set-up and checks for the course. `make lab` for students, `make test` for CI.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The optional extras (pyproject.toml): decks (slides), browser tests (slides and ui: Playwright).
SLIDES_STAMP := $(VENV)/.slides-stamp
UI_STAMP := $(VENV)/.ui-stamp
MUTATION_STAMP := $(VENV)/.mutation-stamp
# Extra arguments for JupyterLab, e.g. `make lab LAB_ARGS="--no-browser --port 8899"`.
LAB_ARGS ?=
# Jupyter refuses to run as root unless told (containers, Binder-like machines).
ROOT_ARG := $(if $(filter 0,$(shell id -u)),--allow-root)

# The student's own notebooks: created from the course when missing, never overwritten.
WORKSPACE ?= workspace
# Students' JupyterLab: the course's config folder first (it turns nbgrader's grading UI off).
STUDENT_JUPYTER := JUPYTER_CONFIG_PATH="$(CURDIR)/config/jupyter-student$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}"

.PHONY: help install data lab lab-solutions workspace test unit nbval lint execute student results bench-notebooks clean-venv slides test-ui mutation

help:
	@echo "make lab     set up (venv, packages, data) and open JupyterLab on your notebooks in $(WORKSPACE)/"
	@echo "make lab-solutions   (instructors) JupyterLab on the solution notebooks in notebooks/"
	@echo "make test    same set-up, then ruff, unit tests and nbval (COURSE_FAST=1)"
	@echo "make data    fetch and verify the datasets only"
	@echo "make slides  one reveal.js deck per notebook in build/slides/ (stored outputs, works offline)"
	@echo "make test-ui the decks (and JupyterLab) in headless Chromium; screenshots in build/ui/"
	@echo "make results the headline figures stored in each notebook, beside their targets"
	@echo "make student make the student versions (solutions cleared) in build/student/"
	@echo "make execute NB=notebooks/01_backprop_by_hand.ipynb   re-run a notebook in full mode, in place"
	@echo "make mutation  mutation score of the tests of five modules (README, \"Mutation score\")"
	@echo "make bench-notebooks NB=\"02 03\"   full-mode runs with a cold then a warm model cache"

install: $(STAMP)

# Reinstall only when the dependency list or the pinned versions change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

data: install
	$(BIN)/python -m course_utils.data fetch all

$(SLIDES_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,slides]'
	@touch $@

$(UI_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,slides,ui]'
	@touch $@

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,mutation]'
	@touch $@

# Mutation score (maintainers): mutmut mutates the modules named in pyproject.toml's [tool.mutmut],
# one worker, each mutant against the tests that call the mutated function; a fresh run each time
# (scratch output in mutants/, git-ignored), then one line per module (score = killed / (mutants
# - no tests)). Set COURSE_DATA_DIR so that tests/test_data.py reads the real files.
MUTATION_SUMMARY := { m = $$1; sub(/\.x(_|ǁ).*/, "", m); total[m]++; n[m, $$2]++ } \
  END { printf "%-32s %7s %7s %8s %8s %8s %6s\n", "Module", "mutants", "killed", "survived", \
        "timeout", "no tests", "score"; \
        for (m in total) printf "%-32s %7d %7d %8d %8d %8d %5.1f%%\n", m, total[m], n[m, "killed"], \
        n[m, "survived"], n[m, "timeout"] + n[m, "suspicious"], n[m, "no"], \
        100 * n[m, "killed"] / (total[m] - n[m, "no"]) }
mutation: $(MUTATION_STAMP)
	rm -rf mutants
	time $(BIN)/mutmut run --max-children 1
	$(BIN)/mutmut results --all true | awk '$(MUTATION_SUMMARY)' | LC_ALL=C sort

# Decks from the stored outputs (nothing runs); reveal.js and MathJax copied beside them.
slides: $(SLIDES_STAMP)
	$(BIN)/python -m course_utils.slides build

# Headless Chromium (Debian's, never a download) driven by Playwright, network blocked
# except file:// and localhost. Per-deck table and screenshots at the end of the output.
test-ui: $(UI_STAMP)
	$(BIN)/python -m pytest tests/ui -v

# Students: their own copies (exercises to do) in $(WORKSPACE)/, which nothing overwrites.
lab: workspace
	$(STUDENT_JUPYTER) $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(WORKSPACE) \
	  $(ROOT_ARG) $(LAB_ARGS)

workspace: install
	@$(BIN)/python -m course_utils.data fetch all || \
	  echo "*** Some data is missing (see above). JupyterLab starts anyway; the notebooks that need it will repeat this advice."
	$(BIN)/python -m course_utils.student notebooks/*.ipynb --workspace $(WORKSPACE)

# Instructors: the solution notebooks, with nbgrader's tools.
lab-solutions: install
	@$(BIN)/python -m course_utils.data fetch all || echo "*** Some data is missing (see above)."
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_ARG) $(LAB_ARGS)

lint: install
	$(BIN)/ruff check .

unit: install
	$(BIN)/python -m pytest tests

# CI really trains: the model cache is off (tests that need it turn it on in a temporary folder).
nbval: data
	COURSE_FAST=1 COURSE_MODEL_CACHE=0 $(BIN)/python -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=600 notebooks

test: lint data
	COURSE_FAST=1 COURSE_MODEL_CACHE=0 $(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env --nbval-cell-timeout=600

# Full-mode run of one notebook, outputs stored in place (for maintainers). It trains every
# model (COURSE_RETRAIN=1: the stored outputs show real training) and refreshes the model cache.
execute: data
	@test -n "$(NB)" || { echo "usage: make execute NB=notebooks/NAME.ipynb"; exit 2; }
	COURSE_FAST=0 COURSE_RETRAIN=1 $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=python3 "$(NB)"

# Student copies in build/student/ (CI runs them): solutions replaced by stubs that do not stop "Run All".
student: install
	$(BIN)/python -m course_utils.student notebooks/*.ipynb --out build/student

# Each notebook twice in full mode, cold then warm model cache (executed copies in build/bench/).
bench-notebooks: data
	$(BIN)/python -m course_utils.bench notebooks $(NB)

results: install
	$(BIN)/python -m course_utils.results notebooks/*.ipynb

clean-venv:
	rm -rf $(VENV)
