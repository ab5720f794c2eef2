# dossier: set-up, demo, tests, watcher.  Everything a fresh machine needs is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Debian packages the project uses (one per line in deploy/apt-packages.txt).
APT_PACKAGES := $(shell grep -v '^\s*\#' deploy/apt-packages.txt 2>/dev/null)
# Debian packages only the benchmarks need (deploy/bench-apt-packages.txt: Tesseract for bench/ocr.py).
BENCH_APT_PACKAGES := $(shell grep -v '^\s*\#' deploy/bench-apt-packages.txt 2>/dev/null)

.PHONY: setup sysdeps bench-sysdeps demo test watch serve bench clean-demo help

help:
	@echo "make demo   - set up, write synthetic documents for 3 sample clients into inbox/, ingest, show the archive, the review queue and the early warnings"
	@echo "make test   - set up and run the whole test suite"
	@echo "make watch  - run the watcher on ./inbox (the clerks' service)"
	@echo "make serve  - set up, make the demo home here if there is none, serve the web workplace on 127.0.0.1:8000"
	@echo "make bench  - print benchmark ratios (text PDFs, scanned pages against Tesseract, commit cost against dossier size)"

# Debian packages: installed only when missing; needs root (as on CI and the dev machines).
sysdeps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BIN)/dossier: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

setup: sysdeps $(BIN)/dossier

demo: setup
	$(BIN)/dossier init
	$(BIN)/dossier samples inbox
	$(BIN)/dossier ingest
	$(BIN)/dossier list --documents
	$(BIN)/dossier status
	$(BIN)/dossier review
	$(BIN)/dossier warnings

test: setup
	$(BIN)/python -m pytest

watch: setup
	$(BIN)/dossier init
	$(BIN)/dossier watch

# The web workplace on the demo home (this folder). No default account: the first user is made by hand.
serve: setup
	$(BIN)/dossier init
	@if $(BIN)/dossier list | grep -q '档案库中还没有客户'; then \
	  $(BIN)/dossier samples inbox && $(BIN)/dossier ingest; fi
	@$(BIN)/dossier user list | grep -q '还没有用户' && \
	  echo "还没有用户：请先运行  .venv/bin/dossier user add 用户名 --role compliance  （按提示输入密码），再打开 http://127.0.0.1:8000/" || true
	$(BIN)/dossier serve

# The benchmarks' own Debian packages, for bench only (not for every user).
bench-sysdeps:
	@$(MAKE) --no-print-directory sysdeps APT_PACKAGES="$(BENCH_APT_PACKAGES)"

bench: setup bench-sysdeps
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/ocr.py
	$(BIN)/python bench/commit.py
