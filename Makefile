# The two commands of the README, plus helpers. Each target creates .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test test-clock try bench score lock clean

# Every dependency at the version in requirements.lock (what CI and the image test), within
# pyproject.toml's ranges; `make lock` pins them afresh.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

demo: $(VENV)/.installed  ## extract the bundled examples, print them, store them and build feeds in .demo/
	$(PY) -m bot extract examples/*.txt -o .demo/extracted.yaml
	cat .demo/extracted.yaml
	$(PY) -m bot ingest .demo/extracted.yaml --store .demo/calendars
	$(PY) -m bot build --store .demo/calendars

test: $(VENV)/.installed  ## run the test suite
	$(PY) -m pytest

# No test may depend on the day it runs: the suite again with the machine's clock moved 400 days
# ahead and into 2031 (libfaketime: apt-get install faketime). The bot, Chromium and Node started
# by the tests inherit the moved clock.
test-clock: $(VENV)/.installed  ## run the test suite with the clock moved (+400 days, then June 2031)
	faketime -f '+400d' $(PY) -m pytest -p no:cacheprovider
	faketime '2031-06-15 12:00:00' $(PY) -m pytest -p no:cacheprovider

try: $(VENV)/.installed  ## chat with the bot in this terminal, against a built-in fake Telegram
	$(PY) -m bot try

bench: $(VENV)/.installed  ## extractor and feed-server benchmarks (the feed one needs wrk and nginx)
	$(PY) bench/extract.py
	$(PY) bench/feeds.py

score: $(VENV)/.installed  ## score the extractor on the shared seed corpus (needs ../shared)
	../shared/tools/score-extraction --gold ../shared/corpus/gold/seeds.yaml --docs ../shared/corpus/seeds \
		--cmd "$(PY) -m bot extract {file} --published {published} -o {out}" -v

lock:  ## pin every dependency again, newest within pyproject.toml's ranges (needs PyPI)
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
