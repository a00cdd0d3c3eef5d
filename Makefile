# Kuroko: `make demo` runs the main job on the embedded default; `make test` runs the whole suite.
# Both set everything up first (virtualenv, Python packages, a Chromium, a Japanese font).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT    := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
PYTEST_ARGS ?=

.PHONY: setup demo test test-fast lint format clean

setup: $(VENV)/.installed $(VENV)/.system

# Python side: the virtualenv and the project with its pinned dependencies.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { $(APT) update -qq && $(APT) install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@# pyautogui pulls the old python3-xlib, which shares the Xlib package folder with python-xlib: put the pinned one back on top.
	$(BIN)/python -m pip install -q --force-reinstall --no-deps python-xlib==0.33
	@touch $@

# Machine side: a Chromium for Playwright (its own download where it can, else the system package),
# a Japanese font (Chromium brings none; the sample generator embeds IPAex) and Tesseract OCR with its
# Japanese data (scanned PDFs and images are read through it), and a virtual X server with a clipboard
# tool for the desktop robot.
$(VENV)/.system: $(VENV)/.installed Makefile
	@if ls $${PLAYWRIGHT_BROWSERS_PATH:-$$HOME/.cache/ms-playwright}/chromium-*/chrome-linux*/chrome >/dev/null 2>&1; then \
	  echo "browser: Playwright's Chromium"; \
	elif $(BIN)/playwright install chromium >/dev/null 2>&1; then \
	  echo "browser: Playwright's Chromium (downloaded)"; \
	elif command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ]; then \
	  echo "browser: system Chromium"; \
	else \
	  echo "browser: Playwright's download is unreachable; installing Debian's chromium"; \
	  $(APT) install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	  { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends chromium; }; \
	fi
	@if [ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ]; then echo "font: IPAex"; else \
	  echo "font: installing fonts-ipaexfont"; \
	  $(APT) install -y -qq --no-install-recommends fonts-ipaexfont >/dev/null 2>&1 || \
	  { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends fonts-ipaexfont; }; \
	fi
	@if tesseract --list-langs 2>/dev/null | grep -qx jpn; then echo "OCR: Tesseract with Japanese"; else \
	  echo "OCR: installing tesseract-ocr and tesseract-ocr-jpn"; \
	  $(APT) install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-jpn >/dev/null 2>&1 || \
	  { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-jpn; }; \
	fi
	@if command -v Xvfb >/dev/null 2>&1 && command -v xclip >/dev/null 2>&1; then echo "desktop: Xvfb, xclip"; else \
	  echo "desktop: installing xvfb and xclip (the desktop robot's tests run on a virtual screen)"; \
	  $(APT) install -y -qq --no-install-recommends xvfb xclip >/dev/null 2>&1 || \
	  { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends xvfb xclip; }; \
	fi
	@touch $@

demo: setup
	$(BIN)/kuroko demo

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache
