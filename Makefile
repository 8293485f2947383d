# Every step names a command; the tools' settings live in pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
N ?= 2000
REPEAT ?= 1

.PHONY: install run test bench lint format browser engines clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m polling serve

# Debian's Chromium drives the browser tests; installed when missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium' for the browser tests"; \
	  fi; }

# PostgreSQL's and Redis's server programs, for the tests of both engines and of several
# processes; installed when missing and we may. The tests start their own servers.
engines:
	@{ ls /usr/lib/postgresql/*/bin/postgres && command -v redis-server; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null; \
	  else \
	    echo "PostgreSQL or Redis is missing: run 'sudo apt-get install postgresql redis-server' for their tests"; \
	  fi; }

# Two processes: most of the suite's time is spent waiting on servers and browsers, not on a core.
test: $(STAMP) browser engines lint
	$(PY) -m pytest -n 2 --dist loadgroup --durations=20

bench: $(STAMP)
	$(PY) -m polling bench --participants $(N) --repeat $(REPEAT)

bench-quiz: $(STAMP)
	$(PY) -m polling bench --quiz --participants $(N)

lint: $(STAMP)
	$(VENV)/bin/ruff check polling tests
	$(VENV)/bin/ruff format --check polling tests
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format polling tests
	$(VENV)/bin/ruff check --fix polling tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
