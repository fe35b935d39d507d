# eduplan — one command for each routine. Everything installs into .venv from the package registries.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
DEMO_DB ?= eduplan.sqlite3
PORT ?= 8000
SEED ?= 1
KEY_FILE ?= .eduplan-keys.json

# axe-core (MPL-2.0) from the npm registry, for the accessibility check of the browser tests; kept in a
# git-ignored folder, pinned.
AXE_VERSION ?= 4.10.3
AXE := .cache/axe/node_modules/axe-core/axe.min.js

.PHONY: install system-deps browser-deps spark-deps demo test test-sqlite test-postgres lint bench bench-deps screenshots clean

# Debian packages for browser tests, Chinese fonts and document rendering (never a downloaded browser).
SYSTEM_PACKAGES := chromium fonts-noto-cjk poppler-utils libreoffice-writer-nogui
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BIN)/eduplan: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/eduplan

install: $(BIN)/eduplan

# The demo city, its supervision records (reports, inspections, annual results) and plan-task
# progress, then the server.
# Local keys are generated once into $(KEY_FILE) (git-ignored) and kept: the demo's identity
# hashes are made under its key, and the server refuses to start on the development key.
demo: export EDUPLAN_KEY_FILE = $(abspath $(KEY_FILE))
demo: install
	$(BIN)/python -m eduplan.security.keys $(KEY_FILE) >/dev/null
	$(BIN)/eduplan demo --scale city --seed $(SEED) --db $(DEMO_DB) --no-serve
	$(BIN)/eduplan report demo --db $(DEMO_DB)
	$(BIN)/eduplan tasks demo --db $(DEMO_DB)
	@echo "演示账号 logins: city / county / supervisor / principal / viewer / admin — 密码 password: eduplan-demo"
	@echo "打开 open http://127.0.0.1:$(PORT)/   (officers: http://127.0.0.1:$(PORT)/office/)"
	DATABASE_URL=sqlite:///$(abspath $(DEMO_DB)) $(BIN)/eduplan serve --port $(PORT)

test: install system-deps browser-deps spark-deps test-sqlite test-postgres

browser-deps: $(AXE)
$(AXE):
	npm install --no-save --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

# The Spark engine's test needs PySpark (an optional extra, large): installed for the tests only.
spark-deps: install
	@$(BIN)/python -c "import pyspark" 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[dev,spark]'

# Two workers; tests of one module stay on one worker (--dist loadscope), so a module's shared world
# (the crawls' demo, for one) is built once, not once per worker.
PYTEST_PARALLEL ?= -n 2 --dist loadscope
test-sqlite: install
	$(BIN)/pytest $(PYTEST_PARALLEL) -q

# Database tests again on PostgreSQL. In CI a missing server is an error; elsewhere it is skipped loudly.
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_PARALLEL) -q -m django_db; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_URL) is not reachable: CI requires it." >&2; exit 1; \
	else \
		echo "############################################################"; \
		echo "# SKIPPED: PostgreSQL tests (no server at $(PG_URL))"; \
		echo "############################################################"; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

screenshots: install system-deps
	$(BIN)/python -m eduplan.web.screenshots docs/images

# The load tool of bench/web.py (Debian's wrk).
bench-deps:
	@dpkg -s wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

bench: install bench-deps
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .cache *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
