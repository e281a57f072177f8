"""A real install: the wheel in a fresh venv, and the one-folder app, used from a clean account.

Both are built once per test session (minutes, hence ``slow``), then run from outside the
checkout with a bare environment: no ``.venv`` on PATH, ``HOME`` an empty folder, no
``CREATOR_KIT_*`` variables, so a missing font, face model, template or library shows up
here and not on a user's machine. ``CREATOR_KIT_BUNDLE=dist/creator-kit`` tests a bundle
already built by ``make package`` instead of building one.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from creator_kit.vision.synthetic import draw_face
from tests.helpers import Truth, linear, make_face_clip, make_hdr_patches, still
from tests.mediagen import ffmpeg
from tests.videoread import frames_rgb

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CAPTION = "البسوا الكمامة #لاتنسواالكمامة"
APP_ID = "app.creatorkit.CreatorKit"


def clean_env(home: Path, *path: Path) -> dict[str, str]:
    """A bare environment: the given folders and the system's on PATH, an empty HOME."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.pathsep.join([*map(str, path), "/usr/bin", "/bin"]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }


def run(cmd: list[str | Path], env: dict[str, str], cwd: Path,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; fail the test with its output when it exits non-zero."""
    done = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{cmd[1:3]} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="session")
def face_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    """2 s of a portrait 270x480 clip with one still face near the top (the canvas is 4x)."""
    path = tmp_path_factory.mktemp("package-media") / "face clip.mp4"
    truth = make_face_clip(path, [(draw_face(100), still(85, 60))], size=(270, 480),
                           duration=2.0)
    return path, truth


def frames_png(paths: list[Path]) -> list[np.ndarray]:
    """PNG files as RGB arrays."""
    from PIL import Image

    out = []
    for p in paths:
        with Image.open(p) as im:
            out.append(np.asarray(im.convert("RGB")))
    return out


def assert_mask_and_caption(plain: Path, dressed: Path, truth: Truth) -> None:
    """``dressed`` has a surgical mask over the mouth (not the eyes) and a caption below."""
    frame = 30  # 1 s in: the mask has faded in
    (a,), (b,) = frames_rgb(plain, [frame]), frames_rgb(dressed, [frame])
    assert a.shape == b.shape == (1920, 1080, 3)
    _box, lms = truth.at(frame / 30)
    mx, my = (int(v * 4) for v in (lms[3] + lms[4]) / 2)
    ex, ey = (int(v * 4) for v in lms[0])
    diff = np.abs(b.astype(int) - a.astype(int))
    assert diff[my - 8 : my + 8, mx - 8 : mx + 8].mean() > 40, "no mask over the mouth"
    assert diff[ey - 6 : ey + 6, ex - 6 : ex + 6].mean() < 10, "the mask covers an eye"
    r, _g, blue = b[my, mx].astype(int)
    assert blue > r, "the mouth is not covered by the light-blue surgical mask"
    # The caption: a band of changed pixels in the lower half, away from the face.
    lower = diff[1000:1700].max(axis=2) > 60
    assert lower.mean() > 0.01, "no caption in the lower half"


# --------------------------------------------------------------------------- the wheel


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with creator_kit installed from a wheel built from this checkout."""
    base = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    # From a copy of the sources: setuptools builds in place, and a stale build/lib in the
    # checkout (a module since renamed) would end up in the wheel.
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
        "out"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(base / "wheels"), str(src)], check=True, env=env,
                   capture_output=True)
    (wheel,) = (base / "wheels").glob("creator_kit-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Not editable, and the dependencies from pip's cache like `make` installs them.
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, env=env, capture_output=True)
    return venv


def test_wheel_install_renders_with_its_own_assets(
    wheel_venv: Path, face_clip: tuple[Path, Truth], tmp_path: Path
) -> None:
    env = clean_env(tmp_path / "home", wheel_venv / "bin")
    work = tmp_path / "work"
    work.mkdir()
    # The package and its assets come from the venv, nowhere near the checkout.
    where = run(["python", "-c", "import creator_kit, creator_kit.core.assets as s; "
                 "print(creator_kit.__file__); print(s.assets_dir())"], env, work).stdout.split()
    site = wheel_venv / "lib"
    assert Path(where[0]).is_relative_to(site), where
    assets = Path(where[1])
    assert assets.is_relative_to(site) and not assets.is_relative_to(ROOT)
    for needed in ("fonts/NotoSansArabic-Bold.ttf", "models/centerface.onnx",
                   "masks/surgical.png", "templates/maskup/template.json",
                   "translations/creator_kit_ar.qm"):  # built by make from translations/*.ts
        assert (assets / needed).is_file(), needed
    clip, truth = face_clip
    run(["creator-kit", "render", "-i", clip, "-o", "plain.mp4", "--x264-preset", "ultrafast"],
        env, work)
    run(["creator-kit", "render", "-i", clip, "-o", "dressed.mp4", "--x264-preset", "ultrafast",
         "--face-mask", "surgical", "--caption", CAPTION], env, work)
    run(["creator-kit", "check", "dressed.mp4"], env, work)
    assert_mask_and_caption(work / "plain.mp4", work / "dressed.mp4", truth)
    templates = run(["creator-kit", "templates", "list", "--json"], env, work).stdout
    names = {json.loads(line)["name"] for line in templates.splitlines()}
    assert {"maskup", "be-responsible", "thank-you-heroes", "together-against-corona"} <= names


# --------------------------------------------------------------------------- the bundle


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder app: ``$CREATOR_KIT_BUNDLE``, or built now by ``packaging/build.py``."""
    prebuilt = os.environ.get("CREATOR_KIT_BUNDLE")
    if prebuilt:
        return Path(prebuilt).resolve()
    base = tmp_path_factory.mktemp("bundle")
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"),
                           "--dist", str(base / "dist"), "--work", str(base / "work")],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    shutil.rmtree(base / "work")  # PyInstaller's own output: 600 MB nobody reads again
    return base / "dist" / "creator-kit"


def test_bundle_runs_from_a_clean_account(
    bundle: Path, face_clip: tuple[Path, Truth], tmp_path: Path
) -> None:
    exe = bundle / "creator-kit"
    env = clean_env(tmp_path / "home")
    work = tmp_path / "work"
    work.mkdir()
    clip, truth = face_clip
    assert run([exe, "--version"], env, work).stdout.startswith("creator-kit ")
    info = json.loads(run([exe, "probe", clip, "--json"], env, work).stdout)
    video = info["video"]  # read through PyAV's libraries inside the bundle
    assert (video["codec"], video["display_width"], video["display_height"]) == ("h264", 270, 480)
    assert video["frame_count"] == 60
    # `faces` loads OpenCV before PyAV: its FFmpeg libraries, links to PyAV's, must resolve
    # their own dependencies from OpenCV's folder.
    faces = json.loads(run([exe, "faces", clip, "--json"], env, work).stdout)
    assert len(faces["tracks"]) == 1
    run([exe, "render", "-i", clip, "-o", "plain.mp4", "--x264-preset", "ultrafast"], env, work)
    run([exe, "render", "-i", clip, "-o", "dressed.mp4", "--x264-preset", "ultrafast",
         "--face-mask", "surgical", "--caption", CAPTION], env, work)
    report = json.loads(run([exe, "check", "dressed.mp4", "--json"], env, work).stdout)
    assert report["ok"] and report["violations"] == []
    assert (report["facts"]["width"], report["facts"]["height"]) == (1080, 1920)
    assert_mask_and_caption(work / "plain.mp4", work / "dressed.mp4", truth)
    # The face analysis was cached in the (empty) HOME, not next to the app.
    assert list((tmp_path / "home" / ".cache" / "creator-kit" / "faces").glob("*.json"))
    # The bundled editor (Qt Widgets, the player's QtMultimedia without Qt's FFmpeg backend,
    # Qt's thinned ICU data) opens on the clip in Arabic and draws the same window, pixel for
    # pixel, as the installed editor does: translations, fonts, mirroring, digits, the preview.
    shot_args = ["gui", clip, "--lang", "ar", "--screenshot", "editor.png", "--size", "1280x800"]
    run([exe, *shot_args], env, work)
    installed = tmp_path / "installed"
    installed.mkdir()
    run([sys.executable, "-m", "creator_kit.cli", *shot_args], clean_env(tmp_path / "home2"),
        installed)
    shot, reference = frames_png([work / "editor.png", installed / "editor.png"])
    assert shot.shape[:2] == (800, 1280)
    assert shot.std() > 10  # a drawn window, not a blank image
    diff = np.abs(shot.astype(int) - reference.astype(int)).max(axis=2)
    assert (diff > 40).mean() < 0.01, "the bundled editor draws differently"


def test_bundle_batch_workers_start(bundle: Path, face_clip: tuple[Path, Truth],
                                    tmp_path: Path) -> None:
    # Frozen workers are the app itself started again by multiprocessing: without
    # freeze_support() each would run the CLI instead, and every row would fail.
    env = clean_env(tmp_path / "home")
    clip, _truth = face_clip
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["input", "output", "caption"])
        w.writerow([str(clip), "one.mp4", "واحد"])
        w.writerow([str(clip), "two.mp4", "اثنان"])
    run([bundle / "creator-kit", "batch", sheet, "--out-dir", tmp_path / "out", "--jobs", "2",
         "--template", "maskup", "--progress", "none"], env, tmp_path)
    for name in ("one.mp4", "two.mp4"):
        (frame,) = frames_rgb(tmp_path / "out" / name, [0])
        assert frame.shape == (1920, 1080, 3)


def test_bundle_runs_its_own_ffmpeg_for_hdr_rotation_face_reframe_and_music(
    bundle: Path, tmp_path: Path
) -> None:
    # The app ships the ffmpeg packaging/ffmpeg_build.py makes (only what the engine asks
    # for), not imageio-ffmpeg's; these renders take the paths the plain smoke test does not:
    # HDR tone-mapping (zscale, tonemap), a phone's rotation flag (autorotation), the moving
    # face window (sendcmd) and an MP3 music bed (its decoder, amix). A filter, decoder or
    # demuxer missing from the build fails the render.
    info = json.loads((bundle / "BUILD-INFO.json").read_text(encoding="utf-8"))
    internal = bundle / "_internal"
    assert (internal / "ffmpeg" / "ffmpeg").is_file()
    assert not list(internal.glob("imageio_ffmpeg/binaries/ffmpeg*"))
    assert info["ffmpeg"].startswith("ffmpeg version 7."), info["ffmpeg"]
    env = clean_env(tmp_path / "home")
    hdr = make_hdr_patches(tmp_path / "hlg.mp4", "hlg")
    music = tmp_path / "music.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libmp3lame",
           str(music))
    phone = tmp_path / "phone.mp4"
    make_face_clip(phone, [(draw_face(60), linear(90, 60, 120, 0))], size=(480, 270),
                   duration=2.0, rotate=90)
    exe = bundle / "creator-kit"
    work = tmp_path / "work"
    work.mkdir()
    run([exe, "render", "-i", hdr, "-o", "hdr.mp4", "--x264-preset", "ultrafast"], env, work)
    run([exe, "render", "-i", phone, "-o", "phone.mp4", "--x264-preset", "ultrafast",
         "--reframe", "face", "--music", music], env, work)
    report = json.loads(run([exe, "check", "phone.mp4", "--json"], env, work).stdout)
    assert report["ok"], report["violations"]  # (the HDR clip is too short for a platform)
    for name in ("hdr.mp4", "phone.mp4"):
        (frame,) = frames_rgb(work / name, [0])
        assert frame.shape == (1920, 1080, 3) and frame.std() > 5
    # The HDR patches came through tone-mapped: the red one is still clearly red.
    (frame,) = frames_rgb(work / "hdr.mp4", [0])
    red = (frame[..., 0].astype(int) - frame[..., 1]) > 100
    assert red.mean() > 0.01


def test_bundle_has_one_ffmpeg_library_set_and_records_its_glibc_floor(bundle: Path) -> None:
    info = json.loads((bundle / "BUILD-INFO.json").read_text(encoding="utf-8"))
    internal = bundle / "_internal"
    codecs = [p for p in internal.rglob("libavcodec*") if not p.is_symlink()]
    assert len(codecs) == 1, codecs  # PyAV's; OpenCV's copy is a link to it
    assert info["ffmpeg_copies"] == sorted(
        [str(codecs[0].relative_to(internal)),
         *(str(p.relative_to(internal)) for p in internal.rglob("ffmpeg*")
           if p.is_file() and not p.is_symlink())])
    floor = tuple(int(x) for x in info["glibc_floor"].split("."))
    assert (2, 17) <= floor < (3, 0)
    assert info["size"] < info["size_before_slimming"]


def test_desktop_files_validate(bundle: Path, tmp_path: Path) -> None:
    share = bundle / "share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    mime = share / "mime" / "packages" / f"{APP_ID}.xml"
    run(["desktop-file-validate", desktop], os.environ.copy(), tmp_path)
    run(["appstreamcli", "validate", "--no-net", metainfo], os.environ.copy(), tmp_path)
    # The MIME types the menu entry opens are the ones the XML defines, and
    # update-mime-database accepts the XML and maps the extensions to them.
    entry = desktop.read_text(encoding="utf-8")
    types = {m.get("type") for m in ET.parse(mime).getroot()}
    (line,) = [x for x in entry.splitlines() if x.startswith("MimeType=")]
    assert set(line.removeprefix("MimeType=").strip(";").split(";")) == types
    db = tmp_path / "mime"
    (db / "packages").mkdir(parents=True)
    (db / "packages" / mime.name).write_bytes(mime.read_bytes())
    run(["update-mime-database", db], os.environ.copy(), tmp_path)
    globs = (db / "globs2").read_text(encoding="utf-8")
    assert "application/x-creator-kit-project:*.ckproj" in globs
    assert "application/x-creator-kit-pack:*.ckpack" in globs
    # Icons at every standard size, drawn from the SVG, square and not blank.
    from PIL import Image

    for n in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        png = share / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png"
        with Image.open(png) as im:
            assert im.size == (n, n)
            alpha = np.asarray(im.convert("RGBA"))[..., 3]
            assert 0.4 < (alpha > 0).mean() < 1.0  # a rounded tile on a transparent ground
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
