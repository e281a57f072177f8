"""Build the one-folder app ``dist/creator-kit/`` and slim it down (``make package`` runs this).

Steps: PyInstaller with ``packaging/creator-kit.spec``; then, on Linux, what PyInstaller cannot
do by itself:

1. **One FFmpeg library set.** OpenCV's wheel carries its own FFmpeg libraries (libavcodec,
   libavformat, ...) next to PyAV's. creator_kit never decodes video through OpenCV, yet
   ``cv2`` is linked against them. Where PyAV ships the same library at the same ABI version
   (same soname major, and every symbol cv2 takes from it is exported by PyAV's copy, checked
   with ``nm``), OpenCV's copy is replaced by a link to PyAV's, and what only OpenCV's copy
   needed (its libvpx, OpenSSL) goes with it.
2. **Identical files once.** Libraries that several wheels bundle byte for byte (libdrm,
   libxcb, ...) become links to one copy.
3. **No debug symbols.** The interpreter's own libraries (libpython, built with symbols) are
   stripped; wheels' libraries are not touched (see :func:`strip_symbols`).

Then it records ``BUILD-INFO.json`` in the bundle: size on disk, the glibc floor (the highest
``GLIBC_x.y`` symbol version any bundled file needs) and which FFmpeg copies remain.

Usage: ``python packaging/build.py [--dist DIR] [--work DIR]``; prints the bundle's folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "creator-kit.spec"
NAME = "creator-kit"
_ELF = b"\x7fELF"
_SONAME = re.compile(r"^lib(?P<name>[A-Za-z0-9_+]+?)(?:-[0-9a-f]{8})?\.so\.(?P<major>\d+)")
_GLIBC = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def run_pyinstaller(dist: Path, work: Path, *, reuse: bool = False) -> Path:
    """Run PyInstaller on the spec and copy its output to ``dist``; returns the bundle folder.

    PyInstaller's own output stays in ``work/collect`` untouched, so ``reuse`` can slim a fresh
    copy again without a new PyInstaller run (for work on these steps).
    """
    collected = work / "collect" / NAME
    if not (reuse and collected.is_dir()):
        subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(work / "collect"), "--workpath", str(work), str(SPEC)],
            check=True, cwd=ROOT,
        )
    bundle = dist / NAME
    if bundle.exists():
        shutil.rmtree(bundle)
    dist.mkdir(parents=True, exist_ok=True)
    shutil.copytree(collected, bundle, symlinks=True)
    return bundle


def is_elf(path: Path) -> bool:
    """Whether ``path`` is a regular ELF file (not a link)."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(4) == _ELF


def _dynamic(path: Path) -> str:
    return subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True,
                          check=False).stdout


def needed(path: Path) -> list[str]:
    """The DT_NEEDED library names of an ELF file."""
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", _dynamic(path))


def resolve_needed(path: Path, internal: Path) -> list[Path]:
    """The bundled files the loader would open for ``path``'s DT_NEEDED names.

    Like ld.so: the file's RPATH/RUNPATH folders first, then the bundle's top folder (where
    PyInstaller links every library). ``$ORIGIN`` is the folder of ``path`` *as reached*, not
    of the file a link points to: a library opened through a link in OpenCV's folder looks
    for its own dependencies there. The paths returned are as found (links not resolved).
    Names found nowhere in the bundle (glibc, the system's X and GL libraries) are left out.
    """
    text = _dynamic(path)
    folders: list[Path] = []
    for m in re.finditer(r"\((?:RPATH|RUNPATH)\)\s+Library r(?:un)?path: \[([^\]]*)\]", text):
        for entry in m.group(1).split(":"):
            if entry:
                folders.append(Path(os.path.normpath(entry.replace("$ORIGIN", str(path.parent)))))
    folders.append(internal)
    found = []
    for name in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", text):
        for folder in folders:
            candidate = folder / name
            if candidate.exists():
                found.append(candidate)
                break
    return found


def _symbols(path: Path, *, defined: bool) -> set[str]:
    flag = "--defined-only" if defined else "--undefined-only"
    out = subprocess.run(["nm", "-D", flag, str(path)], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[-1].replace("@@", "@") for line in out.splitlines() if line.split()}


def _relink(target: Path, link: Path) -> None:
    """Replace the file ``link`` with a relative symbolic link to ``target``."""
    rel = os.path.relpath(target, link.parent)
    link.unlink()
    link.symlink_to(rel)


def share_ffmpeg(internal: Path) -> list[str]:
    """Point OpenCV's FFmpeg libraries at PyAV's where compatible; returns what was shared."""
    cv_libs = internal / "opencv_python_headless.libs"
    av_libs = internal / "av.libs"
    cv2_modules = [p for p in (internal / "cv2").rglob("*.so") if is_elf(p)]
    if not cv_libs.is_dir() or not av_libs.is_dir() or not cv2_modules:
        return []
    av_by_key: dict[tuple[str, str], Path] = {}
    for p in av_libs.iterdir():
        m = _SONAME.match(p.name)
        if m:
            av_by_key[(m["name"], m["major"])] = p
    shared: list[str] = []
    users = cv2_modules + [p for p in cv_libs.iterdir() if is_elf(p)]
    for lib in sorted(cv_libs.iterdir()):
        m = _SONAME.match(lib.name)
        if not m or m["name"] not in ("avcodec", "avformat", "avutil", "swscale",
                                      "swresample") or not is_elf(lib):
            continue
        twin = av_by_key.get((m["name"], m["major"]))
        if twin is None:
            continue
        # Every versioned symbol a cv2 binary takes from this library must be in PyAV's copy.
        tag = f"@LIB{m['name'].upper()}_"
        wanted = set().union(*(_symbols(u, defined=False) for u in users if lib.name in
                               needed(u)))
        wanted = {s for s in wanted if tag in s}
        missing = wanted - _symbols(twin, defined=True)
        if missing:
            print(f"keeping OpenCV's {lib.name}: PyAV's lacks {sorted(missing)[:3]}")
            continue
        _relink(twin, lib)
        shared.append(f"{lib.name} -> {twin.name}")
    return shared


def share_identical(internal: Path, min_size: int = 64 * 1024) -> int:
    """Replace byte-identical copies of large files by links to one; returns bytes saved."""
    first: dict[tuple[int, str], Path] = {}
    saved = 0
    for p in sorted(internal.rglob("*")):
        if p.is_symlink() or not p.is_file():
            continue
        size = p.stat().st_size
        if size < min_size:
            continue
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        original = first.setdefault((size, digest), p)
        if original != p:
            _relink(original, p)
            saved += size
    return saved


def drop_unused_libs(internal: Path) -> list[str]:
    """Remove libraries in the wheels' ``*.libs`` folders that no bundled binary needs now."""
    elves = [p for p in internal.rglob("*") if is_elf(p)]
    exe = internal.parent / NAME
    roots = [p for p in elves if p.parent.suffix != ".libs"] + [exe]
    # Walk paths as the loader reaches them (a link's own folder is its $ORIGIN), and keep
    # every file some such path ends at.
    seen: set[Path] = set()
    reached: set[Path] = set()
    todo = list(roots)
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        reached.add(p.resolve())
        todo.extend(resolve_needed(p, internal))
    dropped = []
    for p in elves:
        if p.parent.suffix == ".libs" and p.resolve() not in reached:
            p.unlink()
            dropped.append(p.name)
    # Top-level links that pointed at them now dangle.
    for p in internal.iterdir():
        if p.is_symlink() and not p.exists():
            p.unlink()
    return sorted(dropped)


def strip_symbols(internal: Path) -> int:
    """Strip the interpreter's own libraries (libpython, lib-dynload), built with symbols.

    Only those: libraries from wheels were rewritten by auditwheel's patchelf, and ``strip``
    rewrites program headers in a way that breaks such files ("ELF load command
    address/offset not page-aligned", seen with numpy's OpenBLAS). Returns bytes saved.
    """
    saved = 0
    for p in internal.rglob("*"):
        ours = p.name.startswith("libpython") or p.parent.name == "lib-dynload"
        if not ours or not is_elf(p):
            continue
        sections = subprocess.run(["readelf", "-S", "-W", str(p)], capture_output=True,
                                  text=True, check=False).stdout
        if ".symtab" not in sections:
            continue
        before = p.stat().st_size
        subprocess.run(["strip", "--strip-unneeded", str(p)], check=True)
        saved += before - p.stat().st_size
    return saved


def glibc_needs(bundle: Path) -> dict[str, tuple[int, ...]]:
    """For each ELF file in the bundle, the highest GLIBC_x.y symbol version it needs."""
    needs: dict[str, tuple[int, ...]] = {}
    for p in bundle.rglob("*"):
        if is_elf(p):
            found = [tuple(int(g) for g in m.groups() if g is not None)
                     for m in _GLIBC.finditer(p.read_bytes())]
            if found:
                needs[str(p.relative_to(bundle))] = max(found)
    return needs


def glibc_floor(bundle: Path) -> tuple[str, list[str]]:
    """The oldest glibc the bundle runs on, and the files that need exactly that one."""
    needs = glibc_needs(bundle)
    if not needs:
        return "0", []
    top = max(needs.values())
    return ".".join(map(str, top)), sorted(f for f, v in needs.items() if v == top)


def disk_usage(folder: Path) -> int:
    """Bytes the folder's files take (links count as nothing)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def ffmpeg_copies(internal: Path) -> list[str]:
    """Every FFmpeg that remains: executables named ffmpeg* and libavcodec files (not links)."""
    found = [p for p in internal.rglob("*") if p.is_file() and not p.is_symlink()
             and (p.name.startswith("ffmpeg") or p.name.startswith("libavcodec"))]
    return sorted(str(p.relative_to(internal)) for p in found)


def add_desktop_files(bundle: Path) -> None:
    """Lay out the menu entry, icons, AppStream metadata and file types under ``bundle/share``.

    ``share/install.sh`` copies them into ``~/.local/share`` (or another prefix).
    """
    sys.path.insert(0, str(ROOT / "packaging" / "icons"))
    from draw_icons import APP_ID, draw_all

    linux = ROOT / "packaging" / "linux"
    share = bundle / "share"
    for sub, name, target in (
        ("applications", f"{APP_ID}.desktop", f"{APP_ID}.desktop"),
        ("metainfo", f"{APP_ID}.metainfo.xml", f"{APP_ID}.metainfo.xml"),
        ("mime/packages", f"{APP_ID}.mime.xml", f"{APP_ID}.xml"),
    ):
        (share / sub).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(linux / name, share / sub / target)
    draw_all(share / "icons" / "hicolor")
    # The Windows and macOS icon files are inputs of those recipes, not of this bundle.
    for extra in ("creator-kit.ico", "creator-kit.icns"):
        (share / "icons" / "hicolor" / extra).unlink()
    shutil.copy2(linux / "install.sh", share / "install.sh")


def slim(bundle: Path) -> dict[str, object]:
    """Apply the Linux post-build steps to ``bundle``; returns the build information."""
    internal = bundle / "_internal"
    before = disk_usage(bundle)
    info: dict[str, object] = {"size_before_slimming": before}
    if sys.platform.startswith("linux"):
        info["shared_ffmpeg_libraries"] = share_ffmpeg(internal)
        info["dropped_libraries"] = drop_unused_libs(internal)
        info["identical_bytes_linked"] = share_identical(internal)
        info["stripped_bytes"] = strip_symbols(internal)
        info["glibc_floor"], info["glibc_floor_set_by"] = glibc_floor(bundle)
    info["size"] = disk_usage(bundle)
    info["ffmpeg_copies"] = ffmpeg_copies(internal)
    (bundle / "BUILD-INFO.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    """Build, slim and describe the bundle."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--dist", type=Path, default=ROOT / "dist")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    ap.add_argument("--reuse", action="store_true",
                    help="slim the last PyInstaller output again instead of running it")
    args = ap.parse_args(argv)
    for tool in ("readelf", "nm", "strip") if sys.platform.startswith("linux") else ():
        if shutil.which(tool) is None:
            sys.stderr.write(f"error: {tool} not found; install binutils\n")
            return 2
    bundle = run_pyinstaller(args.dist.resolve(), args.work.resolve(), reuse=args.reuse)
    if sys.platform.startswith("linux"):
        add_desktop_files(bundle)
    info = slim(bundle)
    mib = 1024**2
    print(f"{bundle}: {int(info['size']) / mib:.0f} MiB "  # type: ignore[call-overload]
          f"(before slimming {int(info['size_before_slimming']) / mib:.0f} MiB), "  # type: ignore[call-overload]
          f"glibc >= {info.get('glibc_floor', '?')}")
    for copy in info["ffmpeg_copies"]:  # type: ignore[attr-defined]
        print(f"  ffmpeg: {copy}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
