"""The bundle's filtering rules (packaging/bundle_rules.py) and build.py's ELF helpers, fast."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str) -> ModuleType:
    # packaging/ is scripts, not a package: load its modules by path under private names.
    spec = importlib.util.spec_from_file_location(f"ck_packaging_{name}",
                                                  ROOT / "packaging" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _load("build")
rules = _load("bundle_rules")
drop_orphans, keep_binary, keep_data = rules.drop_orphans, rules.keep_binary, rules.keep_data


def test_qt_plugins_kept_and_dropped() -> None:
    keep = "PySide6/Qt/plugins/platforms/libqxcb.so"
    assert keep_binary(keep)
    assert keep_binary("PySide6/Qt/plugins/platforms/libqwayland.so")
    ibus = "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so"
    assert keep_binary(ibus)  # Arabic keyboards through IBus
    assert not keep_binary("PySide6/Qt/plugins/platformthemes/libqgtk3.so")
    assert keep_binary("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so")
    assert not keep_binary("PySide6/Qt/plugins/platforms/libqeglfs.so")
    assert not keep_binary("PySide6/Qt/plugins/sqldrivers/libqsqlite.so")
    kbd = "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so"
    assert not keep_binary(kbd)  # Qt Quick and QML underneath
    # Qt's FFmpeg media backend (a fourth FFmpeg); QAudioSink does without it.
    assert not keep_binary("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so")
    assert not keep_binary("PySide6/Qt/qml/QtQuick/libqtquick2plugin.so")
    assert not keep_binary("cv2/opencv_videoio_ffmpeg4110_64.dll")
    assert keep_binary("libQt6Core.so.6")


def test_only_the_shipped_languages_of_qt_translations_stay() -> None:
    assert keep_data("PySide6/Qt/translations/qtbase_ar.qm")
    assert keep_data("PySide6/Qt/translations/qtbase_en.qm")
    assert not keep_data("PySide6/Qt/translations/qtbase_de.qm")
    # The app's own assets are never filtered, translations included.
    assert keep_data("creator_kit/assets/translations/creator_kit_de.qm")
    assert keep_data("creator_kit/assets/fonts/NotoSansArabic-Bold.ttf")
    assert not keep_data("PySide6/typesystems/core.xml")


def test_libraries_only_a_dropped_plugin_needed_go_with_it() -> None:
    needs = {
        "/s/libqgtk3.so": {"libgtk-3.so.0", "libglib-2.0.so.0", "libQt6Gui.so.6"},
        "/s/libffmpegmediaplugin.so": {"libavcodec.so.61", "libQt6Multimedia.so.6"},
        "/s/QtMultimedia.so": {"libQt6Multimedia.so.6"},
        "/s/libqxcb.so": {"libQt6Gui.so.6", "libxcb.so.1"},
        "/s/QtCore.so": {"libQt6Core.so.6", "libglib-2.0.so.0"},
    }
    kept = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/libqxcb.so", "BINARY"),
        ("PySide6/QtCore.abi3.so", "/s/QtCore.so", "EXTENSION"),
        ("libgtk-3.so.0", "/s/libgtk-3.so.0", "BINARY"),
        ("libglib-2.0.so.0", "/s/libglib-2.0.so.0", "BINARY"),
        ("libQt6Gui.so.6", "/s/libQt6Gui.so.6", "BINARY"),
        ("libxcb.so.1", "/s/libxcb.so.1", "BINARY"),
        ("libhooked.so", "/s/libhooked.so", "BINARY"),  # added by a hook: nothing needs it
        ("PySide6/QtMultimedia.abi3.so", "/s/QtMultimedia.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Multimedia.so.6", "/s/libQt6Multimedia.so.6", "BINARY"),
        ("PySide6/Qt/lib/libavcodec.so.61", "/s/libavcodec.so.61", "BINARY"),  # Qt's FFmpeg
    ]
    removed = [("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/s/libqgtk3.so", "BINARY"),
               ("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so",
                "/s/libffmpegmediaplugin.so", "BINARY")]
    left = [e[0] for e in drop_orphans(kept, removed, lambda p: needs.get(p, set()))]
    assert "libgtk-3.so.0" not in left
    assert "PySide6/Qt/lib/libavcodec.so.61" not in left
    assert "PySide6/Qt/lib/libQt6Multimedia.so.6" in left
    # Still needed by something kept, or never needed by what was removed.
    assert {"libglib-2.0.so.0", "libQt6Gui.so.6", "libxcb.so.1", "libhooked.so"} <= set(left)


def test_elf_helpers_read_real_libraries() -> None:
    import PySide6

    core = Path(PySide6.__file__).parent / "QtCore.abi3.so"
    assert build.is_elf(core)
    assert not build.is_elf(ROOT / "README.md")
    assert "libQt6Core.so.6" in build.needed(core)
    # The loader would find Qt in the wheel's own folder (RUNPATH $ORIGIN/Qt/lib).
    found = build.resolve_needed(core, core.parent)
    assert any(p.name == "libQt6Core.so.6" for p in found)
    floor, setters = build.glibc_floor(core.parent / "Qt" / "lib")
    assert tuple(int(x) for x in floor.split(".")) >= (2, 17) and setters


def test_imageio_ffmpeg_is_left_out_only_when_the_app_ships_its_own() -> None:
    exe = "imageio_ffmpeg/binaries/ffmpeg-linux-x86_64-v9.0.2"
    assert rules.is_imageio_ffmpeg(exe)
    assert keep_data(exe) and not keep_data(exe, own_ffmpeg=True)
    assert keep_data("imageio_ffmpeg/binaries/README.md", own_ffmpeg=True)
    assert not rules.is_imageio_ffmpeg("ffmpeg/ffmpeg")


def test_the_apps_ffmpeg_has_every_filter_the_engine_names() -> None:
    # Every ffmpeg filter named in the engine's graph strings (a name that starts a filter:
    # after a quote, comma, semicolon or pad label, followed by '=' or the end of the filter)
    # must be in the app's ffmpeg, or renders fail in the app alone.
    import re
    import subprocess

    from creator_kit.media.ffmpeg import ffmpeg_exe

    ffmpeg_build = _load("ffmpeg_build")
    listing = subprocess.run([ffmpeg_exe(), "-hide_banner", "-filters"], capture_output=True,
                             text=True, check=True).stdout
    known = {line.split()[1] for line in listing.splitlines()
             if re.match(r"^ [.TSC|]{2,3} \w", line)}
    assert {"zscale", "ebur128", "sendcmd"} <= known
    text = "\n".join(p.read_text(encoding="utf-8") for room in ("media", "render")
                     for p in (ROOT / "creator_kit" / room).glob("*.py"))
    named = {m.group(1) for m in re.finditer(r"""(?<=["',;\]}])([a-z0-9_]+)(?=[=,;\["'])""",
                                             text) if m.group(1) in known}
    assert {"zscale", "tonemap", "ebur128", "amix", "sendcmd", "crop"} <= named
    # Option values that happen to share a filter's name (utvideo's ``-pred median``).
    named -= {"median"}
    assert named <= set(ffmpeg_build.FILTERS), sorted(named - set(ffmpeg_build.FILTERS))


def test_the_apps_ffmpeg_has_every_encoder_and_muxer_the_engine_names() -> None:
    # ``"-c:v", "NAME"`` / ``"-c:a", "NAME"`` and ``"-f", "NAME"`` literals in the engine:
    # an encoder or output format missing from the app's ffmpeg fails only in the app.
    import re

    ffmpeg_build = _load("ffmpeg_build")
    text = "\n".join(p.read_text(encoding="utf-8") for room in ("media", "render")
                     for p in (ROOT / "creator_kit" / room).glob("*.py"))
    codecs = set(re.findall(r'"-(?:c:[av]|[av]codec)",\s*"([a-z0-9_]+)"', text))
    formats = set(re.findall(r'"-f",\s*"([a-z0-9_]+)"', text))
    assert {"libx264", "aac", "utvideo"} <= codecs
    assert codecs <= set(ffmpeg_build.ENCODERS), sorted(codecs - set(ffmpeg_build.ENCODERS))
    # Muxer names on the command line are the short ones (s16le is configure's pcm_s16le).
    muxers = {m.removeprefix("pcm_") for m in ffmpeg_build.MUXERS} | set(ffmpeg_build.MUXERS)
    assert "matroska" in formats
    assert formats <= muxers, sorted(formats - muxers)
    args = ffmpeg_build.configure_args(Path("/tmp/prefix"))
    assert "--disable-network" in args and "--enable-libx264" in args
    assert any(a.startswith("--enable-filter=") and "zscale" in a for a in args)


def test_creator_kit_never_encodes_through_pyav() -> None:
    # The app bundle replaces the HEVC and AV1 encoder libraries PyAV links with stubs
    # (packaging/build.py, UNUSED_ENCODERS): that holds only while PyAV is used to read.
    import re

    # (a str's .encode("utf-8") or .encode() is no stream's encode(frame))
    writes = re.compile(r"""add_stream|\.encode\((?!\s*["')])|av\.open\([^)]*["']w["']"""
                        r"""|mode\s*=\s*["']w["']""")
    for path in (ROOT / "creator_kit").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import av\b|from av\b)", text, re.M):
            assert not writes.search(text), f"{path}: writes through PyAV"


def test_icu_items_left_out_of_the_app() -> None:
    dropped = build.icu_item_dropped
    langs = ("ar", "en")
    for gone in ("unit/fr.res", "curr/ar.res", "lang/en.res", "region/root.res",
                 "translit/root.res", "rbnf/ar.res", "coll/zh.res", "coll/de_.res",
                 "zone/fr_CA.res"):
        assert dropped(gone, langs), gone
    for kept in ("coll/ar.res", "coll/ar_SA.res", "coll/en_US_POSIX.res", "coll/root.res",
                 "coll/ucadata.icu", "coll/res_index.res", "zone/en_GB.res", "zone/root.res",
                 "zone/tzdbNames.res", "zone/pool.res", "brkitr/cjdict.dict", "brkitr/root.res",
                 "fr.res", "ibm-1256_P110-1997.cnv", "uts46.nrm", "res_index.res"):
        assert not dropped(kept, langs), kept
