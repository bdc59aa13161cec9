# Roundtable: `make demo` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: demo dev test test-fast lint typecheck bench bench-pretix install assets clean-db

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/roundtable.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npx sass --no-source-map --style=compressed --load-path=node_modules static/scss/roundtable.scss $@

install: $(BIN)/.installed node_modules/.installed static/build/roundtable.css

assets: install
	$(BIN)/python manage.py collectstatic --noinput -v0

# PORT reaches the settings too, so the demo's links (emails, calendar files, the API) use it.
demo: export PORT := $(PORT)
# The demo's coordinators sign in with a password only, so anyone can try it at once.
demo: export TWO_FACTOR_REQUIRED := false
demo: assets
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	$(BIN)/python -m roundtable.core.serve --port $(PORT)

dev: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=true $(BIN)/python manage.py runserver $(PORT)

# The exported config.settings above would win over pytest.ini's test settings (pytest-django
# reads the environment first), and with it the live test server cannot serve the hashed CSS.
test: assets
	DJANGO_SETTINGS_MODULE=config.test_settings $(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (lint and format) and import-linter (the layers in pyproject.toml: imports only point down).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# mypy with django-stubs (settings in pyproject.toml): services, selectors and core must be fully annotated.
typecheck: install
	$(BIN)/mypy roundtable config

# Each benchmark prints its own table; together they cover the figures the issues ask for.
bench: assets
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_day.py
	$(BIN)/python bench/bench_newsletter.py
	$(BIN)/python bench/bench_digest.py
	$(BIN)/python bench/bench_data_download.py
	$(BIN)/python bench/bench_board.py
	$(BIN)/python bench/bench_payments.py
	$(BIN)/python bench/bench_evaluation.py --db sqlite
	$(BIN)/python bench/bench_evaluation.py --db postgres
	# The form fuzzing (tests/test_form_fuzz.py) with 2,000 examples instead of the tests' 80.
	DJANGO_SETTINGS_MODULE=config.test_settings HYPOTHESIS_PROFILE=bench $(BIN)/python -m pytest -q -p no:warnings tests/test_form_fuzz.py
	$(BIN)/python bench/fuzz_api.py

# pretix side by side, in one sitting: its own harness (../shared/bench/pretix, outside this
# repository) installs pretix from PyPI into /tmp/anchors and measures it, then our benchmark
# runs and prints both. About 10 minutes; REPS=1 for a quicker look.
PRETIX_HARNESS ?= ../shared/bench/pretix
bench-pretix: assets
	@test -f $(PRETIX_HARNESS)/pretix_bench.sh || { echo "The pretix harness is not at $(PRETIX_HARNESS) (set PRETIX_HARNESS=...)"; exit 1; }
	# Our DJANGO_SETTINGS_MODULE (exported above) must not reach pretix.
	env -u DJANGO_SETTINGS_MODULE REPS=$${REPS:-3} bash $(PRETIX_HARNESS)/pretix_bench.sh
	$(BIN)/python bench/run.py --pretix-results "$$(ls -d $${ANCHORS_DIR:-/tmp/anchors}/results/*/ | sort | tail -n 1)"
