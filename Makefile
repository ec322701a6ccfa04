# The two commands of the README: `make run` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050
DEMO_RAW := data/demo/raw
DB := data/warehouse.duckdb
UV := $(BIN)/uv pip install --python $(BIN)/python --compile-bytecode --quiet -c constraints.txt

.PHONY: run test lint bench demo build check clean

# The app's environment: exact versions from constraints.txt (uv caches; pip on these machines does not).
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(UV) -e .
	ldconfig -p | grep -q libpangoft2 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }
	touch $@

# Test tools, Debian's chromium for the browser tests (nothing may download a browser of its own), and
# Debian's redis-server for the shared-cache test (the product runs without it).
$(VENV)/.installed-test: $(VENV)/.installed
	$(UV) -e '.[test]'
	command -v chromium >/dev/null && command -v pdftoppm >/dev/null && command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium poppler-utils redis-server >/dev/null; }
	touch $@

$(DB): | $(VENV)/.installed
	test -d $(DEMO_RAW) || $(BIN)/jointcare demo --out $(DEMO_RAW)
	$(BIN)/jointcare build --raw $(DEMO_RAW) --db $(DB)

demo: $(VENV)/.installed
	$(BIN)/jointcare demo --out $(DEMO_RAW)

build: $(VENV)/.installed
	$(BIN)/jointcare build --raw $(DEMO_RAW) --db $(DB)

run: $(VENV)/.installed $(DB)
	$(BIN)/jointcare serve --db $(DB) --port $(PORT)

# ruff, with the layers kept apart (pyproject.toml, etl/ruff.toml, etl/stats/ruff.toml); sqlfluff for the
# SQL: the models (etl/models) and the dashboard's named queries (dashboard/queries), pyproject.toml [tool.sqlfluff]
lint: $(VENV)/.installed-test
	$(BIN)/ruff check etl dashboard tests bench
	$(BIN)/sqlfluff lint etl/models dashboard/queries

test: $(VENV)/.installed-test lint
	$(BIN)/python -m pytest

# The load tool for the load benchmark (locust), kept out of the test set-up: make test does not need it.
$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(UV) -e '.[test,bench]'
	touch $@

# The build (and pandas) at England scale, then the dashboard, the statistics and the downloads over
# the warehouse it leaves behind (the load benchmark replays what the dashboard part recorded, with locust);
# the dashboard part drives Debian's chromium, so bench needs the test tools. bench.search times the search
# box's /search.json over the same warehouse.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.catchment
	$(BIN)/python -m bench.rebuild
	$(BIN)/python -m bench.dashboard
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.first
	$(BIN)/python -m bench.statistics
	$(BIN)/python -m bench.downloads
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.seasons
	$(BIN)/python -m bench.search

clean:
	rm -rf $(VENV) data/demo $(DB) $(DB:.duckdb=.load-cache.duckdb) bench/out
