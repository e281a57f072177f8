# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo gui test test-quick fuzz bench lint sysdeps clean moviepy package translations

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the dependency list changes.
$(STAMP): pyproject.toml setup.py | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,package]'
	$(MAKE) moviepy
	$(PY) scripts/translations.py build
	touch $(STAMP)

# The editor's translations: translations/*.ts are the sources (kept in git), the .qm files the
# editor loads are built from them into assets/translations/ (git-ignored) by pyside6-lrelease,
# at install and again whenever a .ts changes. `make translations` re-reads creator_kit/gui/
# into the .ts files after code changes (then translate the new entries in pyside6-linguist).
TS := $(wildcard translations/*.ts)
QM := $(patsubst translations/%.ts,assets/translations/%.qm,$(TS))
assets/translations/%.qm: translations/%.ts | $(STAMP)
	$(PY) scripts/translations.py build

translations: $(STAMP)
	$(PY) scripts/translations.py update
	$(PY) scripts/translations.py build

# creator_kit.moviepy and its tests need moviepy 2. moviepy 2.2.1 pins Pillow below 12, which
# lacks image-decoding security fixes we require (pillow>=12.3), so it is installed without its
# pins: its other dependencies by hand, then moviepy itself with --no-deps. Users do the same
# (README, "creator_kit for moviepy users") until moviepy releases without the pin.
MOVIEPY_DEPS := "decorator>=4.0.2,<6" "imageio>=2.5,<3" "proglog<=1.0.0" "python-dotenv>=0.10" tqdm
moviepy: | $(PY)
	$(PY) -m pip install --quiet $(MOVIEPY_DEPS)
	$(PY) -m pip install --quiet --no-deps moviepy==2.2.1

# Optional system tools: OCR of rendered Arabic for the tests, Qt's X11 libraries for the editor
# (and Xvfb, a display for the test that runs it on X11),
# and what `make package` needs: binutils, the desktop-file checkers, and the compiler, nasm and
# Debian's x264/zimg static libraries that build the app's own ffmpeg (packaging/ffmpeg_build.py).
# Installed when we are root and apt is there; tests that need them skip with the reason otherwise.
# Every one is checked: another package (xvfb, say) may have brought in some but not all.
QT_X11_LIBS := libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
sysdeps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx ara; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-ara >/dev/null) \
	      || echo "note: could not install tesseract-ocr-ara; OCR tests will skip"; \
	  fi; \
	  for tool in readelf:binutils appstreamcli:appstream desktop-file-validate:desktop-file-utils update-mime-database:shared-mime-info \
	      gcc:gcc make:make nasm:nasm pkg-config:pkg-config dpkg-source:dpkg-dev; do \
	    command -v $${tool%%:*} >/dev/null 2>&1 || missing="$$missing $${tool#*:}"; \
	  done; \
	  for lib in libx264-dev libzimg-dev; do \
	    dpkg -s $$lib >/dev/null 2>&1 || missing="$$missing $$lib"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "note: could not install$$missing; packaging checks need them"; \
	  fi; \
	  if ! dpkg -s $(QT_X11_LIBS) xvfb xauth >/dev/null 2>&1; then \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(QT_X11_LIBS) xvfb xauth >/dev/null) \
	      || echo "note: could not install Qt's X11 libraries and Xvfb; the editor needs them on a display, its X11 test skips"; \
	  fi; \
	fi

demo: $(STAMP) $(QM)
	$(PY) scripts/make_demo.py

# The editor on the sample project (made on first use from generated media). Qt's X11 plugin
# needs a few xcb libraries that a bare Debian lacks; sysdeps installs them when it can.
gui: $(STAMP) $(QM) sysdeps
	$(PY) scripts/make_gui_sample.py

test: $(STAMP) $(QM) sysdeps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check creator_kit tests benchmarks scripts packaging
	$(VENV)/bin/mypy

# The one-folder app in dist/creator-kit/ (see packaging/README.md); Linux here, recipes for
# Windows and macOS in packaging/. The app's ffmpeg is built once from Debian's FFmpeg source
# into build/ffmpeg/ (minutes on two cores) and reused by later builds.
package: $(STAMP) $(QM) sysdeps
	$(PY) packaging/build.py --dist dist --work build/pyinstaller

# The property-based tests of every parser with many more (and fresh, random) examples than
# `make test` runs (CK_FUZZ_EXAMPLES per test, default 2000: about half an hour on 2 cores);
# failures found are kept in .hypothesis/ and replayed first next time.
fuzz: $(STAMP)
	QT_QPA_PLATFORM=offscreen CK_HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -m fuzz

# The inner loop: everything but the tests that render or decode real clips, build the wheel
# or the app bundle (marked slow), a few minutes on two cores. `make test` still runs everything.
test-quick: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not slow"
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check creator_kit tests benchmarks scripts packaging
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) benchmarks/bench_render.py
	$(PY) benchmarks/bench_faces.py
	$(PY) benchmarks/bench_memory.py
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/bench_limits.py
	$(PY) benchmarks/bench_player.py
	$(PY) benchmarks/bench_moviepy.py
	$(PY) benchmarks/bench_editor.py

lint: $(STAMP)
	$(VENV)/bin/ruff check creator_kit tests benchmarks scripts packaging
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) out build dist
