# Two commands for a new machine (Python 3.11, make, git):
#   make run    install, migrate, demo content on first run, admin account, serve :8000
#               with the background worker
#   make test   install test tools and run the whole suite, browser tests included

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
UV := $(BIN)/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install install-dev system-deps migrate lint clean docs-screenshots

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 が必要です: " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The printed ふくしマップ needs pango and the Japanese fonts from Debian (scripts/system-deps.sh).
install: $(UV)
	@bash scripts/system-deps.sh pdf
	$(UV) sync --locked --inexact --no-dev

install-dev: $(UV)
	@bash scripts/system-deps.sh pdf
	$(UV) sync --locked --inexact

migrate: install
	mkdir -p var/media
	$(BIN)/python manage.py migrate --noinput

# The site and its background worker (queued tasks); stopping the site stops the worker.
run: migrate
	$(BIN)/python manage.py prepare_site
	@$(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

system-deps:
	@bash scripts/system-deps.sh

# One worker per core; worksteal evens out the long browser tests.
test: install-dev system-deps
	$(BIN)/python -m pytest -q -rs -n auto --dist worksteal

docs-screenshots: install-dev system-deps
	UPDATE_DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_council_browser.py tests/test_editor_guide_browser.py \
		tests/test_offices_browser.py

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV)
