"""Build the one-folder app ``dist/creator-kit/`` and slim it down (``make package`` runs this).

Steps: the app's own ffmpeg (``packaging/ffmpeg_build.py``, cached in ``build/ffmpeg``; the
default on Linux, ``--ffmpeg imageio`` ships imageio-ffmpeg's instead); PyInstaller with
``packaging/creator-kit.spec``; then, on Linux, what PyInstaller cannot do by itself:

1. **One FFmpeg library set.** OpenCV's wheel carries its own FFmpeg libraries (libavcodec,
   libavformat, ...) next to PyAV's. creator_kit never decodes video through OpenCV, yet
   ``cv2`` is linked against them. Where PyAV ships the same library at the same ABI version
   (same soname major, and every symbol cv2 takes from it is exported by PyAV's copy, checked
   with ``nm``), OpenCV's copy is replaced by a link to PyAV's, and what only OpenCV's copy
   needed (its libvpx, OpenSSL) goes with it.
2. **One copy of other libraries several wheels vendor** (libavif, libpng, libgfortran...)
   where the copies are ABI-compatible, the cheapest to keep winning (see :func:`share_twins`).
3. **Stubs for encoders PyAV links but never runs here** (x265, SVT-AV1; see
   :data:`UNUSED_ENCODERS`).
4. **Qt's ICU data without what Qt never reads** (see :func:`trim_icu_data`).
5. **Identical files once.** Libraries that several wheels bundle byte for byte (libdrm,
   libxcb, ...) become links to one copy.
6. **No debug symbols.** The interpreter's own libraries (libpython, built with symbols) are
   stripped; wheels' libraries are not touched (see :func:`strip_symbols`).

Then it records ``BUILD-INFO.json`` in the bundle: size on disk, the glibc floor (the highest
``GLIBC_x.y`` symbol version any bundled file needs) and which FFmpeg copies remain.

Usage: ``python packaging/build.py [--dist DIR] [--work DIR] [--ffmpeg build|imageio|PATH]``;
prints the bundle's folder.
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
# auditwheel renames a vendored library lib<name>-<hash>.so.<major>...; some wheels carry
# libraries vendored twice over (lib<name>-<hash>-<hash>.so...).
_SONAME = re.compile(r"^lib(?P<name>[A-Za-z0-9_+]+?(?:-(?![0-9a-f]{8}[.-])[A-Za-z][A-Za-z0-9_+]*)*)"
                     r"(?:-[0-9a-f]{8})*\.so\.(?P<major>\d+)")
_GLIBC = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def run_pyinstaller(dist: Path, work: Path, *, reuse: bool = False,
                    ffmpeg: Path | None = None) -> Path:
    """Run PyInstaller on the spec and copy its output to ``dist``; returns the bundle folder.

    ``ffmpeg`` is the executable the app ships instead of imageio-ffmpeg's (see
    ``ffmpeg_build.py``). PyInstaller's own output stays in ``work/collect`` untouched, so
    ``reuse`` can slim a fresh copy again without a new PyInstaller run (for work on these
    steps).
    """
    collected = work / "collect" / NAME
    if not (reuse and collected.is_dir()):
        env = {**os.environ, "CK_BUNDLE_FFMPEG": str(ffmpeg) if ffmpeg else ""}
        subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(work / "collect"), "--workpath", str(work), str(SPEC)],
            check=True, cwd=ROOT, env=env,
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


def _wanted_from(lib: Path, users: list[Path]) -> set[str]:
    """The dynamic symbols ``users`` take from ``lib`` (those ``lib`` defines)."""
    wanted: set[str] = set()
    for u in users:
        wanted |= _symbols(u, defined=False)
    return wanted & _symbols(lib, defined=True)


def share_twins(internal: Path) -> list[str]:
    """Point wheel-vendored libraries at an ABI-compatible copy another wheel vendors.

    Pillow, OpenCV, PyAV and NumPy each vendor their own builds of some libraries (libavif,
    libXau, libpng, libgfortran...). Within a group of the same library at the same soname
    major, the copy that costs least to keep (its size plus the vendored libraries only it
    needs: OpenCV's libavif brings libaom, Pillow's has its codecs built in) is kept, and each
    other copy becomes a link to it when every symbol that copy's users take from it is
    exported by the keeper (checked with ``nm``). The keeper's own vendored dependencies are
    linked beside each replaced copy, since ``$ORIGIN`` is the folder a library is reached
    through. What nothing needs any more goes in :func:`drop_unused_libs`. FFmpeg's libraries
    are left to :func:`share_ffmpeg` (PyAV's copy must win: it is the one built with the
    decoders creator_kit reads with). Returns what was shared.
    """
    vendored = [p for p in internal.glob("*.libs/*") if is_elf(p)]
    everything = [p for p in internal.rglob("*") if is_elf(p)]
    needs = {p: needed(p) for p in everything}
    groups: dict[tuple[str, str], list[Path]] = {}
    for p in vendored:
        m = _SONAME.match(p.name)
        if m and m["name"] not in ("avcodec", "avformat", "avutil", "swscale", "swresample",
                                   "avfilter", "avdevice"):
            groups.setdefault((m["name"], m["major"]), []).append(p)

    def cost(p: Path) -> int:
        # Its size, plus each library of its own folder that nothing else in the bundle needs.
        own = [p.parent / n for n in needs.get(p, []) if (p.parent / n).exists()]
        alone = [d for d in own if not any(d.name in ns for q, ns in needs.items() if q != p)]
        return p.stat().st_size + sum(d.stat().st_size for d in alone if is_elf(d))

    shared: list[str] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        keeper = min(members, key=lambda p: (cost(p), str(p)))
        keeper_defines = _symbols(keeper, defined=True)
        for lib in members:
            if lib == keeper:
                continue
            users = [q for q, ns in needs.items() if lib.name in ns and q != lib]
            missing = _wanted_from(lib, users) - keeper_defines
            if missing:
                print(f"keeping {lib.relative_to(internal)}: "
                      f"{keeper.name} lacks {sorted(missing)[:3]}")
                continue
            for dep in needs.get(keeper, []):
                src, dst = keeper.parent / dep, lib.parent / dep
                if src.exists() and not dst.exists():
                    dst.symlink_to(os.path.relpath(src, dst.parent))
            _relink(keeper, lib)
            shared.append(f"{lib.relative_to(internal)} -> {keeper.relative_to(internal)}")
    return shared


# Encoder libraries PyAV's libavcodec is linked against although creator_kit never encodes
# through PyAV (PyAV only reads; every file is written by the ffmpeg executable, and
# tests/test_package_rules.py keeps it so): HEVC (x265, 21 MB) and AV1 (SVT-AV1, 7 MB). Each is
# replaced by a stub library exporting the same functions, every one returning the value here:
# x265_api_get() gives NULL (libavcodec then lists no x265 pixel formats), SVT-AV1's calls an
# error code (EB_ErrorInsufficientResources: "Error initializing encoder handle"). Decoding is
# not touched: neither library decodes. (Opening libavcodec's libx265 encoder itself would
# dereference the NULL; nothing in the app can ask for it.)
UNUSED_ENCODERS = {"x265": 0, "SvtAv1Enc": 0x80001000}


def _function_symbols(path: Path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return {f[-1] for f in (line.split() for line in out.splitlines())
            if len(f) >= 3 and f[-2] in ("T", "W", "i")}


def stub_unused_encoders(internal: Path) -> list[str]:
    """Replace the UNUSED_ENCODERS libraries in PyAV's folder by stubs; returns what was done.

    A library is left alone when something takes a variable from it (only functions can be
    stubbed) or versioned symbols, or when no C compiler is there.
    """
    av_libs = internal / "av.libs"
    if not av_libs.is_dir() or shutil.which("gcc") is None:
        return []
    elves = [p for p in internal.rglob("*") if is_elf(p)]
    done: list[str] = []
    for lib in sorted(av_libs.iterdir()):
        m = _SONAME.match(lib.name)
        if not m or m["name"] not in UNUSED_ENCODERS or not is_elf(lib):
            continue
        users = [p for p in elves if p != lib and lib.name in needed(p)]
        wanted = _wanted_from(lib, users)
        if not wanted or "@" in "".join(wanted) or not wanted <= _function_symbols(lib):
            print(f"keeping {lib.name}: its users take more than plain functions from it")
            continue
        value = UNUSED_ENCODERS[m["name"]]
        source = lib.with_name(lib.name + ".stub.c")
        source.write_text("".join(f"long {name}(void) {{ return {value}L; }}\n"
                                  for name in sorted(wanted)), encoding="utf-8")
        stub = lib.with_name(lib.name + ".stub")
        subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-nostdlib", f"-Wl,-soname,{lib.name}",
                        "-o", str(stub), str(source)], check=True)
        source.unlink()
        before = lib.stat().st_size
        stub.replace(lib)
        done.append(f"{lib.name}: {len(wanted)} functions, {before - lib.stat().st_size} bytes")
    return done


# ICU's data (libicudata, 32 MB) is the largest part of Qt. Qt uses ICU for collation
# (QCollator), legacy text codecs (QStringConverter), IDNA, locale-aware case mapping and time
# zone names, and its own CLDR tables for everything else a QLocale says. Left out: the trees
# Qt never opens (unit, currency, language and region display names, transliteration, number
# spell-out) and the collation and time-zone names of languages the app does not ship (a
# collator for another language falls back to the root order, as ICU does for any locale it
# lacks). Kept: the root and main locale data, codecs, normalisation, break rules and their
# dictionaries (icupkg refuses to drop those: the root break rules name them).
ICU_DROPPED_TREES = ("unit", "curr", "lang", "region", "translit", "rbnf")
ICU_TRIMMED_TREES = ("coll", "zone")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z0-9]*)*$")


def icu_item_dropped(item: str, languages: tuple[str, ...]) -> bool:
    """Whether the ICU data item ``item`` (``tree/name.res``) is left out of the app."""
    if "/" not in item:
        return False
    tree, name = item.split("/", 1)
    stem = name.rsplit(".", 1)[0]
    if tree in ICU_DROPPED_TREES:
        return True
    if tree in ICU_TRIMMED_TREES and _LOCALE.match(stem) and stem not in ("root", "res_index"):
        return stem.split("_")[0] not in languages
    return False


def trim_icu_data(internal: Path, languages: tuple[str, ...] = ("ar", "en")) -> int:
    """Rebuild Qt's libicudata without the items :func:`icu_item_dropped` names.

    The data is one symbol (``icudt<N>_dat``) in the library's read-only data: it is cut out,
    thinned with ICU's own ``icupkg`` (which refuses to drop an item that a kept one needs)
    and linked back into a library of the same name and soname. Returns bytes saved (0 when
    ``icupkg`` or ``gcc`` is missing: the library stays as it is).
    """
    found = [p for p in internal.rglob("libicudata.so.*") if is_elf(p)]
    if len(found) != 1 or shutil.which("icupkg") is None or shutil.which("gcc") is None:
        return 0
    (lib,) = found
    symbols = subprocess.run(["nm", "-D", "-S", "--defined-only", str(lib)], capture_output=True,
                             text=True, check=True).stdout.split()
    i = next(n for n, word in enumerate(symbols) if re.fullmatch(r"icudt\d+_dat", word))
    name, address, size = symbols[i], int(symbols[i - 3], 16), int(symbols[i - 2], 16)
    sections = subprocess.run(["readelf", "-S", "-W", str(lib)], capture_output=True, text=True,
                              check=True).stdout
    offset = None
    for m in re.finditer(r"\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", sections):
        start, file_offset, length = (int(g, 16) for g in m.groups())
        if start <= address < start + length:
            offset = address - start + file_offset
    if offset is None:
        return 0
    work = lib.parent / ".icu-trim"
    work.mkdir()
    try:
        dat = work / f"{name.removesuffix('_dat')}l.dat"
        with lib.open("rb") as fh:
            fh.seek(offset)
            dat.write_bytes(fh.read(size))
        items = subprocess.run(["icupkg", "-l", str(dat)], capture_output=True, text=True,
                               check=True).stdout.split()
        (work / "drop.txt").write_text(
            "".join(f"{item}\n" for item in items if icu_item_dropped(item, languages)),
            encoding="utf-8")
        thin = work / "thin.dat"
        subprocess.run(["icupkg", "-r", str(work / "drop.txt"), str(dat), str(thin)],
                       check=True, capture_output=True)
        (work / "data.S").write_text(
            f'.section .rodata\n.globl {name}\n.type {name}, @object\n.balign 16\n'
            f'{name}:\n.incbin "{thin}"\n.size {name}, . - {name}\n'
            '.section .note.GNU-stack,"",@progbits\n', encoding="utf-8")
        out = work / lib.name
        subprocess.run(["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{lib.name}", "-o", str(out),
                        str(work / "data.S")], check=True)
        before = lib.stat().st_size
        out.replace(lib)
        return before - lib.stat().st_size
    finally:
        shutil.rmtree(work)


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


def ffmpeg_version(bundle: Path) -> str:
    """The first line of ``ffmpeg -version`` of the ffmpeg the bundle runs."""
    own = bundle / "_internal" / "ffmpeg" / "ffmpeg"
    found = [own] if own.is_file() else sorted(
        bundle.glob("_internal/imageio_ffmpeg/binaries/ffmpeg*"))
    if not found:
        return "none"
    out = subprocess.run([str(found[0]), "-hide_banner", "-version"], capture_output=True,
                         text=True, check=False).stdout
    return out.splitlines()[0] if out else "unknown"


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
        info["shared_libraries"] = share_twins(internal)
        info["stubbed_libraries"] = stub_unused_encoders(internal)
        info["icu_data_bytes_saved"] = trim_icu_data(internal)
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
    ap.add_argument("--ffmpeg", default="build" if sys.platform.startswith("linux") else "imageio",
                    help="'build': build the app's own ffmpeg (packaging/ffmpeg_build.py, "
                         "cached in build/ffmpeg; the default on Linux); 'imageio': ship "
                         "imageio-ffmpeg's; or the path of an ffmpeg executable to ship")
    args = ap.parse_args(argv)
    for tool in ("readelf", "nm", "strip") if sys.platform.startswith("linux") else ():
        if shutil.which(tool) is None:
            sys.stderr.write(f"error: {tool} not found; install binutils\n")
            return 2
    ffmpeg: Path | None = None
    if args.ffmpeg == "build":
        sys.path.insert(0, str(ROOT / "packaging"))
        import ffmpeg_build

        try:
            ffmpeg = ffmpeg_build.build(ROOT / "build" / "ffmpeg")
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            sys.stderr.write(f"error: building the app's ffmpeg failed ({exc}); run "
                             "'make sysdeps' for its tools, or pass --ffmpeg imageio to ship "
                             "imageio-ffmpeg's (173 MB more)\n")
            return 2
    elif args.ffmpeg != "imageio":
        ffmpeg = Path(args.ffmpeg).resolve()
    bundle = run_pyinstaller(args.dist.resolve(), args.work.resolve(), reuse=args.reuse,
                             ffmpeg=ffmpeg)
    if sys.platform.startswith("linux"):
        add_desktop_files(bundle)
    info = slim(bundle)
    info["ffmpeg"] = ffmpeg_version(bundle)
    (bundle / "BUILD-INFO.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    mib = 1024**2
    print(f"{bundle}: {int(info['size']) / mib:.0f} MiB "  # type: ignore[call-overload]
          f"(before slimming {int(info['size_before_slimming']) / mib:.0f} MiB), "  # type: ignore[call-overload]
          f"glibc >= {info.get('glibc_floor', '?')}")
    for copy in info["ffmpeg_copies"]:  # type: ignore[attr-defined]
        print(f"  ffmpeg: {copy}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
