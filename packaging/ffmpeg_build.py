"""Build the app's own ``ffmpeg`` executable: only what creator_kit asks of ffmpeg.

imageio-ffmpeg's static ffmpeg (what a pip install uses) carries every codec, filter and
device library there is, 173 MB, more than a quarter of the app. The app instead ships an
ffmpeg built here from Debian's FFmpeg 7.1 source package (``apt-get source``, Debian's
patches applied; trixie's, since the engine's ``-/filter_complex FILE`` needs FFmpeg 7), linked
statically with Debian's x264 (the H.264 encoder of every export) and zimg (``zscale``, the
HDR tone-mapping of iPhone and Android HDR clips), with:

* the decoders, parsers and demuxers of what phones, cameras and editors write and people
  use as music (H.264, HEVC, VP8/9, MPEG-4, ProRes, MJPEG; AAC, MP3, Opus, Vorbis, FLAC,
  ALAC, AC-3, AMR, PCM; MP4/MOV, Matroska/WebM, AVI, MPEG-TS/PS, MP3, WAV, Ogg, FLAC, AIFF,
  CAF) and the still images a project may hold (PNG, JPEG, WebP, GIF, BMP, TIFF);
* the encoders and muxers the engine writes (libx264 and AAC into MP4; raw video and PCM to
  pipes; ``null`` for the loudness pass);
* the filters the engine's graphs name (``FILTERS``: kept in step with creator_kit/media and
  creator_kit/render by ``tests/test_package_rules.py``) and those ffmpeg inserts itself
  (autorotation, format and sample-rate conversion);
* the ``file`` and ``pipe`` protocols only: no network, no devices, no hardware;
* x264, zimg and the C++ runtime linked in statically (the executable needs glibc and zlib).

AV1 is left out for now: FFmpeg's own AV1 decoder needs a GPU, and reading AV1 would need
libdav1d (PyAV reads it; a render of an AV1 clip says ffmpeg cannot decode it).

The result (about 12 MB) is cached in ``build/ffmpeg/`` keyed by the source version and this
configuration. Needs ``gcc``, ``make``, ``nasm``, ``pkg-config``, ``dpkg-source`` and
``libx264-dev``/``libzimg-dev`` (``make sysdeps`` installs them) and Debian's source archive.

Usage: ``python packaging/ffmpeg_build.py [--work build/ffmpeg]``; prints the binary's path.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Debian's source archive for the suite whose FFmpeg is 7.x; apt is pointed at it through a
# private sources list and state folder, so the machine's own apt setup is left alone.
SOURCES = (
    "deb-src http://deb.debian.org/debian trixie main\n"
    "deb-src http://deb.debian.org/debian-security trixie-security main\n"
)

FILTERS = (
    # Named in the engine's graphs (creator_kit/media/ingest.py, creator_kit/render/).
    "afade", "aformat", "alimiter", "amix", "anullsrc", "apad", "aresample", "asetpts",
    "atrim", "boxblur", "colorspace", "concat", "crop", "fade", "format", "fps", "lutyuv",
    "loop", "settb", "tpad",
    "ebur128", "overlay", "pad", "rotate", "scale", "sendcmd", "setparams", "setsar",
    "split", "tonemap", "transpose", "volume", "zscale",
    # Inserted by ffmpeg itself: graph ends, autorotation, conversions, -t/-ss trims.
    "buffer", "buffersink", "abuffer", "abuffersink", "null", "anull", "hflip", "vflip",
    "trim", "setpts", "asplit", "copy",
)
DECODERS = (
    "h264", "hevc", "vp8", "vp9", "mpeg4", "h263", "mpeg1video", "mpeg2video", "mjpeg",
    "prores", "theora", "rawvideo", "png", "apng", "gif", "webp", "bmp", "tiff",
    "aac", "aac_latm", "mp3", "mp3float", "mp2", "mp2float", "opus", "vorbis", "flac", "alac",
    "ac3", "eac3", "amrnb", "amrwb", "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be",
    "pcm_s32le", "pcm_f32le", "pcm_f64le", "pcm_u8", "pcm_mulaw", "pcm_alaw", "adpcm_ima_wav",
    "utvideo",  # the editor's preview proxies (creator_kit/render/preview_proxy.py)
)
PARSERS = (
    "h264", "hevc", "vp8", "vp9", "mpeg4video", "mpegvideo", "mjpeg", "png", "gif", "webp",
    "aac", "aac_latm", "mpegaudio", "opus", "vorbis", "flac", "ac3",
)
DEMUXERS = (
    "mov", "matroska", "avi", "mpegts", "mpegps", "mp3", "aac", "wav", "flac", "ogg", "amr",
    "ac3", "eac3", "h264", "hevc", "aiff", "caf", "w64", "rawvideo", "pcm_s16le", "pcm_f32le",
    "image2", "image_png_pipe", "image_jpeg_pipe", "image_webp_pipe", "image_bmp_pipe",
    "image_tiff_pipe", "gif", "apng",
)
# utvideo into Matroska: the editor's lossless preview proxies.
ENCODERS = ("libx264", "aac", "rawvideo", "pcm_s16le", "pcm_f32le", "wrapped_avframe",
            "utvideo")
MUXERS = ("mp4", "mov", "null", "rawvideo", "pcm_s16le", "pcm_f32le", "wav", "matroska")
BSFS = ("aac_adtstoasc", "h264_mp4toannexb", "hevc_mp4toannexb", "vp9_superframe_split")


# Linked in statically (from a folder holding only their archives, searched before the
# system's), so the executable needs nothing but glibc and zlib: no libx264.so.164 of the
# build machine's Debian to carry along, and it can be built on one system and bundled on
# another (see README.md, release builds).
STATIC_LIBS = ("libx264.a", "libzimg.a", "libstdc++.a")


def static_folder(work: Path) -> Path:
    """A folder with links to STATIC_LIBS (found by the C compiler); RuntimeError if one lacks."""
    folder = work / "static-libs"
    folder.mkdir(parents=True, exist_ok=True)
    for name in STATIC_LIBS:
        found = subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True,
                               text=True, check=True).stdout.strip()
        if not Path(found).is_file():
            raise RuntimeError(f"{name} not found (install libx264-dev, libzimg-dev)")
        link = folder / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(Path(found).resolve())
    return folder


def configure_args(prefix: Path, static: Path | None = None) -> list[str]:
    """The ``./configure`` arguments of the app's ffmpeg (``static``: see static_folder)."""
    def enable(kind: str, names: tuple[str, ...]) -> str:
        return f"--enable-{kind}={','.join(names)}"

    return [
        f"--prefix={prefix}",
        # (-lm last: the static zimg and C++ runtime need it after them)
        *([f"--extra-ldflags=-L{static}", "--extra-libs=-lm"] if static else []),
        "--disable-everything", "--disable-autodetect", "--disable-doc", "--disable-debug",
        "--disable-ffplay", "--disable-ffprobe", "--disable-network", "--disable-shared",
        "--enable-static", "--enable-gpl", "--enable-version3", "--enable-pthreads",
        "--enable-libx264", "--enable-libzimg", "--enable-zlib",
        "--extra-ldexeflags=-static-libgcc -static-libstdc++",
        "--pkg-config-flags=--static",
        enable("protocol", ("file", "pipe")),
        enable("decoder", DECODERS), enable("parser", PARSERS), enable("demuxer", DEMUXERS),
        enable("encoder", ENCODERS), enable("muxer", MUXERS), enable("bsf", BSFS),
        enable("filter", FILTERS),
    ]


def _apt(state: Path, *args: str, cwd: Path) -> None:
    subprocess.run(
        ["apt-get", "-q", "-o", f"Dir::Etc::SourceList={state / 'sources.list'}",
         "-o", "Dir::Etc::SourceParts=/dev/null", "-o", f"Dir::State::Lists={state / 'lists'}",
         *args],
        check=True, cwd=cwd,
    )


def fetch_source(work: Path) -> Path:
    """Debian's FFmpeg source tree (patched), fetched once into ``work/src``; its folder."""
    src = work / "src"
    found = sorted(p for p in src.glob("ffmpeg-*") if (p / "configure").is_file())
    if found:
        return found[-1]
    state = work / "apt"
    (state / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    (state / "sources.list").write_text(SOURCES, encoding="utf-8")
    src.mkdir(parents=True, exist_ok=True)
    _apt(state, "update", cwd=src)
    # --download-only, then dpkg-source: apt's own unpacking would want dpkg-dev's full
    # build-dependency machinery.
    _apt(state, "source", "--download-only", "ffmpeg", cwd=src)
    (dsc,) = src.glob("ffmpeg_*.dsc")
    subprocess.run(["dpkg-source", "--no-check", "-x", dsc.name], check=True, cwd=src,
                   stdout=subprocess.DEVNULL)
    (tree,) = [p for p in src.glob("ffmpeg-*") if (p / "configure").is_file()]
    return tree


def build(work: Path) -> Path:
    """Build (or reuse) the app's ffmpeg under ``work``; returns the executable's path."""
    tree = fetch_source(work)
    args = configure_args(work / "prefix", static_folder(work))
    key = hashlib.sha256("\n".join([tree.name, *args]).encode()).hexdigest()[:12]
    out = work / f"{tree.name}-{key}" / "ffmpeg"
    if out.is_file():
        return out
    # No distclean: make's own dependencies rebuild what a new configuration changes.
    done = subprocess.run(["./configure", *args], cwd=tree, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg configure failed:\n{done.stdout[-2000:]}")
    subprocess.run(["make", f"-j{os.cpu_count() or 2}", "ffmpeg"], cwd=tree, check=True,
                   stdout=subprocess.DEVNULL)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(tree / "ffmpeg", out)
    subprocess.run(["strip", str(out)], check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    """Build and print the path."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "ffmpeg")
    args = ap.parse_args(argv)
    print(build(args.work.resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
