# Two commands: `make run` starts the app on the embedded default; `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test dev bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# The task worker (projection runs) starts beside gunicorn and stops with it.
run: $(STAMP)
	$(VENV)/bin/flask --app app setup-demo
	$(VENV)/bin/flask --app app huey-worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$${PORT:-8000} --workers 2 'app:create_app()'

dev: $(STAMP)
	$(VENV)/bin/flask --app app setup-demo
	$(VENV)/bin/flask --app app huey-worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/flask --app app run --debug

test: $(STAMP)
	bash tests/run_all.sh $(ARGS)

# Every figure of issue 14 against a baseline measured in the same run (pandas for the baselines).
bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/all.py $(ARGS)
	$(PY) bench/api.py
	$(PY) bench/cli.py
	$(PY) bench/pages.py
	$(PY) bench/teacher_home.py
