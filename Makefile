# The Social Enterprise Support Network CMS. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@echo "Installing the pinned dependencies into $(VENV) (a few minutes the first time)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install --quiet --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

# The translations of the project's own text (README: Languages). The .mo files are build
# output, compiled again whenever a catalog changes.
TRANSLATED := da de et fi lt lv nb pl sv
CATALOGS := $(wildcard cms/locale/*/LC_MESSAGES/django.po pages/locale/*/LC_MESSAGES/django.po \
	directory/locale/*/LC_MESSAGES/django.po cms/wagtail_locale/*/LC_MESSAGES/django.po)
COMPILED := $(VENV)/.compiled-messages

$(COMPILED): $(STAMP) $(CATALOGS)
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "msgfmt is missing: installing Debian's gettext"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else \
	    echo "msgfmt is missing: install GNU gettext (Debian: sudo apt-get install gettext) to compile the translations"; \
	    exit 1; \
	  fi; }
	@$(MANAGE) compilemessages --verbosity 0 --ignore '.*' --ignore tests --ignore bench
	@touch $(COMPILED)

.PHONY: install
install: $(STAMP) $(COMPILED) ## Create the virtualenv, install the pinned dependencies, compile the translations

.PHONY: messages
messages: $(STAMP) ## Add newly marked strings to every catalog (then translate them: tests/cms/test_i18n.py fails until then)
	$(MANAGE) makemessages $(addprefix -l ,$(TRANSLATED)) --ignore 'tests/*' --ignore 'bench/*' --ignore 'static/*' --ignore 'media/*' --ignore 'test-results/*' --add-location file --no-obsolete

.PHONY: run
# E-mails (moderation, submissions) link to the address served, unless the environment says
# otherwise (a tunnel, a proxy).
run: export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP) $(COMPILED) ## Set up SQLite with demo content and serve the admin and /graphql/
	@$(MANAGE) migrate_summary
	@$(MANAGE) seed_demo --quiet
	@$(MANAGE) ensure_admin --url http://$(HOST):$(PORT)
	@$(MANAGE) runserver $(HOST):$(PORT)

.PHONY: serve
serve: $(STAMP) $(COMPILED) ## Serve with production settings: gunicorn plus the task worker (needs SECRET_KEY, ALLOWED_HOSTS; README: Production)
	@if [ -z "$${SECRET_KEY:-}" ] || [ -z "$${ALLOWED_HOSTS:-}" ]; then \
	  echo "make serve uses cms.settings.production, which needs SECRET_KEY and ALLOWED_HOSTS, e.g.:"; \
	  echo "  SECRET_KEY=\$$(openssl rand -hex 32) ALLOWED_HOSTS=localhost,127.0.0.1 make serve"; \
	  exit 1; fi
	export DJANGO_SETTINGS_MODULE=cms.settings.production; \
	$(MANAGE) migrate --no-input && $(MANAGE) collectstatic --no-input --verbosity 0 || exit 1; \
	if $(MANAGE) help db_worker >/dev/null 2>&1; then \
	  $(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	else echo "No db_worker command (django-tasks' database backend is not installed): no background worker"; fi; \
	BIND=$${BIND:-$(HOST):$(PORT)} $(BIN)/gunicorn -c cms/gunicorn.conf.py cms.wsgi

.PHONY: test
test: $(STAMP) $(COMPILED) ## Run the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	$(BIN)/pytest

.PHONY: fuzz
fuzz: $(STAMP) $(COMPILED) ## Fuzz /graphql/ with 10,000 generated queries, mutations and bodies (FUZZ_EXAMPLES=N)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-10000} $(BIN)/pytest -p no:cacheprovider tests/graphql/test_fuzz.py

.PHONY: lint
lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: $(STAMP) ## Reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: schema
schema: $(STAMP) ## Write the GraphQL schema to schema.graphql
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) graphql_schema --schema cms.graphql.schema.schema --out schema.graphql

.PHONY: check-schema
check-schema: $(STAMP) ## Fail if schema.graphql differs from the code
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) graphql_schema --schema cms.graphql.schema.schema --out $(VENV)/schema.graphql
	diff -u schema.graphql $(VENV)/schema.graphql || (echo "schema.graphql is stale: run 'make schema'" && exit 1)

.PHONY: check-migrations
check-migrations: $(STAMP) ## Fail if the models have changes without a migration
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) makemigrations --check --dry-run

.PHONY: bench-api
bench-api: $(STAMP) ## Benchmark the GraphQL lists against Wagtail's REST API v2 (SQL queries, latency)
	DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python bench/api.py

.PHONY: bench-directory
bench-directory: $(STAMP) ## Benchmark importing 10,000 enterprises and querying them with facets
	DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python bench/directory.py

.PHONY: bench-scale
bench-scale: $(STAMP) ## Benchmark the directory queries at 10,000 and 100,000 enterprises on PostgreSQL (ARGS=--rebuild)
	DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python bench/scale.py $(ARGS)

.PHONY: bench-cache
bench-cache: $(STAMP) ## Benchmark a response-cache hit against a miss, in process
	DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python bench/cache.py

.PHONY: bench-http
bench-http: $(STAMP) ## Load-test gunicorn with wrk: cached and uncached GraphQL, POST, events.ics vs a raw-JSON ceiling (PostgreSQL, Redis; BENCH_SECONDS=N, ARGS=--keep)
	$(BIN)/python -m bench.http $(ARGS)

.PHONY: clean
clean: ## Remove the virtualenv and the SQLite database
	rm -rf $(VENV) db.sqlite3
