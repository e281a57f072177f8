"""What the bundle leaves out, shared by the PyInstaller spec and the checks after the build.

Everything here was measured on a first build: the Qt modules creator_kit never imports, Qt's
translations for languages it does not ship, and development-only files.
"""

from __future__ import annotations

from collections.abc import Callable

# Python modules nobody in the app imports but PyInstaller's analysis reaches through optional
# imports in numpy, PIL, av and the standard library.
EXCLUDED_MODULES = [
    "tkinter",
    "_tkinter",
    "unittest",
    "pydoc_data",
    "lib2to3",
    "IPython",
    "matplotlib",
    "scipy",
    "pandas",
    "pytest",
    "setuptools",
    # OpenSSL (5.4 MB with the build machine's libssl and libcrypto, a security burden of its
    # own): the app never opens a network connection, and hashlib falls back to Python's own
    # SHA-2, SHA-3, BLAKE2 and MD5 without it.
    "ssl",
    "_ssl",
    "_hashlib",
    # numpy.__config__ prints its build configuration as YAML when PyYAML is there (a 2.7 MB
    # C extension); nothing in the app asks for that.
    "yaml",
    # The cluster extra: a cluster runs creator_kit from a Python install on its workers; the
    # app's own batches use local worker processes.
    "dask",
    "distributed",
    # creator_kit.moviepy: adapters for scripts that use moviepy, not part of the app.
    "moviepy",
    "creator_kit.moviepy",
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtDBus",
    "PySide6.QtPdf",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtHelp",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtPrintSupport",
]

# Languages whose Qt translations (qtbase_*.qm: standard dialogs) ship: the app's own.
LANGUAGES = ("ar", "en")

# Qt plugin folders that matter to a desktop app on Linux, Windows and macOS (generic/ is
# evdev input for embedded devices; the rest are dropped too).
_QT_PLUGINS = ("platforms", "platformthemes", "platforminputcontexts", "imageformats",
               "iconengines", "xcbglintegrations", "wayland-shell-integration",
               "wayland-decoration-client", "wayland-graphics-integration-client", "styles")
# Not listed, so left out with their libraries: multimedia/ (Qt's FFmpeg media backend, for
# QMediaPlayer: the player's QAudioSink works without it, see packaging/README.md), sqldrivers,
# qml and the rest. Plugins left out by name: embedded-device platforms, and the GTK 3
# theme, which would pull the build machine's whole GTK stack (GTK, Pango, Cairo, GLib) into
# the bundle, where it would clash with the user's own; the XDG desktop portal theme gives
# native file dialogs instead.
# Also Qt's on-screen keyboard (Qt Quick and QML underneath) and PDF image reader: 21 MB.
_DROPPED_PLUGINS = ("libqeglfs", "libqlinuxfb", "libqminimalegl", "libqvkkhrdisplay",
                    "libqvnc", "libqgtk3", "qeglfs", "qminimalegl", "qvnc", "qgtk3",
                    "libqtvirtualkeyboardplugin", "qtvirtualkeyboardplugin", "libqpdf", "qpdf")


def _parts(dest: str) -> list[str]:
    return dest.replace("\\", "/").split("/")


def keep_binary(dest: str) -> bool:
    """Whether a shared library or plugin (its path inside the bundle) stays in the bundle."""
    parts = _parts(dest)
    if parts[-1].startswith("opencv_videoio_ffmpeg"):
        return False  # Windows: OpenCV's FFmpeg plugin DLL, loaded only for cv2 video I/O
    if "plugins" in parts:
        i = parts.index("plugins")
        stem = parts[-1].split(".", 1)[0]
        return i + 1 < len(parts) and parts[i + 1] in _QT_PLUGINS and stem not in _DROPPED_PLUGINS
    return "qml" not in parts


def is_imageio_ffmpeg(dest: str) -> bool:
    """Whether ``dest`` is imageio-ffmpeg's ffmpeg executable."""
    parts = _parts(dest)
    return parts[0] == "imageio_ffmpeg" and "binaries" in parts and parts[-1].startswith("ffmpeg")


def keep_data(dest: str, *, own_ffmpeg: bool = False) -> bool:
    """Whether a data file (its path inside the bundle) stays in the bundle.

    With ``own_ffmpeg`` (the app ships the ffmpeg packaging/ffmpeg_build.py makes),
    imageio-ffmpeg's executable is left out.
    """
    if own_ffmpeg and is_imageio_ffmpeg(dest):
        return False
    parts = _parts(dest)
    if parts[0] == "PySide6" and "translations" in parts and parts[-1].endswith(".qm"):
        # qtbase_ar.qm and friends; keep only the shipped languages.
        stem = parts[-1].removesuffix(".qm")
        return stem.rsplit("_", 1)[-1] in LANGUAGES
    return "qml" not in parts and not (parts[0] == "PySide6" and len(parts) > 1
                                       and parts[1] in ("typesystems", "include", "glue"))


def drop_orphans(kept: list[tuple[str, str, str]], removed: list[tuple[str, str, str]],
                 imports: Callable[[str], set[str]]) -> list[tuple[str, str, str]]:
    """``kept`` without the top-level libraries that only the ``removed`` entries needed.

    PyInstaller adds each binary's libraries (``ldd``'s closure) as entries of their own (in
    the top folder, or beside Qt for Qt's); when a plugin is filtered out afterwards its
    libraries stay unless removed here: Qt's multimedia plugin would leave Qt's own FFmpeg,
    Qt Quick and QML behind. ``imports(path)``
    is the set of library file names a binary needs (transitively). A library some kept binary
    needs stays, and so does any library nothing removed needed (a hook added it on purpose).
    """
    def needs(entries: list[tuple[str, str, str]]) -> set[str]:
        names: set[str] = set()
        for _dest, src, _kind in entries:
            names |= imports(src)
        return names

    def is_library(entry: tuple[str, str, str]) -> bool:
        # A shared library some binary links to, wherever PyInstaller put it (the top folder,
        # or PySide6/Qt/lib for Qt's), as opposed to a plugin or an extension module.
        parts = _parts(entry[0])
        return entry[2] != "EXTENSION" and "plugins" not in parts and ".so" in parts[-1]

    roots = [e for e in kept if not is_library(e)]
    orphans = needs(removed) - needs(roots)
    return [e for e in kept if not (is_library(e) and _parts(e[0])[-1] in orphans)]
