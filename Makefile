# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

MO := webapp/translations/sv/LC_MESSAGES/messages.mo

.PHONY: run test lint check schema bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(MO): webapp/translations/sv/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d webapp/translations -l sv

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o messages.pot . && \
	$(BIN)/pybabel update -i messages.pot -d webapp/translations -l sv --no-fuzzy-matching && \
	rm messages.pot

run: $(STAMP) $(MO)
	$(BIN)/kedjekoll db upgrade
	$(BIN)/kedjekoll demo
	$(BIN)/kedjekoll serve --dev --host 127.0.0.1 --port 5000

test: $(STAMP) $(MO)
	$(BIN)/ruff check .
	$(BIN)/kedjekoll check questionnaires
	$(BIN)/kedjekoll schema --check
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP)
	$(BIN)/kedjekoll check questionnaires

schema: $(STAMP)
	$(BIN)/kedjekoll schema

bench: $(STAMP)
	$(BIN)/python bench/definitions.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/review.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
