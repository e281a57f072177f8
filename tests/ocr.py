"""OCR helpers for tests: read Arabic back from rendered pixels with tesseract's ``ara`` model.

Reusable by any test that draws captions (caption images, decoded frames of encoded clips):
``ocr_arabic(rgb)`` returns the text tesseract reads; ``ocr_skip_reason()`` says why OCR is
unavailable (tests call ``pytest.skip`` with it); ``similar(a, b)`` compares after
:func:`normalise_arabic`, which folds the differences OCR cannot be blamed for.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image


@cache
def ocr_skip_reason(lang: str = "ara") -> str | None:
    """None when ``tesseract`` with ``lang`` is installed, else why not (for ``pytest.skip``)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-ara)"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"tesseract does not run ({exc})"
    langs = {line.strip() for line in (out.stdout + out.stderr).splitlines()}
    if lang not in langs:
        return f"tesseract has no '{lang}' model (apt-get install tesseract-ocr-{lang})"
    return None


def to_ocr_image(rgb: np.ndarray, *, scale: float = 1.0, pad: int = 30) -> Image.Image:
    """Greyscale, dark text on light, padded: the input tesseract reads best.

    Light text on a dark picture (captions on video) is inverted first, judged by the
    median brightness.
    """
    arr = np.asarray(rgb)
    if arr.ndim == 3 and arr.shape[2] == 4:  # RGBA: flatten onto white
        a = arr[..., 3:4].astype(np.float32) / 255.0
        arr = (arr[..., :3] * a + 255.0 * (1.0 - a)).astype(np.uint8)
    grey = arr if arr.ndim == 2 else np.asarray(Image.fromarray(arr[..., :3]).convert("L"))
    if np.median(grey) < 128:
        grey = 255 - grey
    img = Image.fromarray(grey.astype(np.uint8))
    if scale != 1.0:
        img = img.resize(
            (max(1, round(img.width * scale)), max(1, round(img.height * scale))),
            Image.Resampling.LANCZOS,
        )
    framed = Image.new("L", (img.width + 2 * pad, img.height + 2 * pad), 255)
    framed.paste(img, (pad, pad))
    return framed


def ocr_arabic(rgb: np.ndarray, *, psm: int = 7, lang: str = "ara", scale: float = 1.0) -> str:
    """Text tesseract reads in ``rgb`` (HxWx3 or HxWx4 uint8); ``psm`` 7: one line, 6: a block."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ocr.png"
        to_ocr_image(rgb, scale=scale).save(path)
        out = subprocess.run(
            ["tesseract", str(path), "-", "-l", lang, "--psm", str(psm)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if out.returncode != 0:
        raise RuntimeError(f"tesseract failed: {out.stderr[-400:]}")
    return out.stdout.strip()


_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}
)


def normalise_arabic(text: str) -> str:
    """Fold what OCR legitimately varies on: harakat, tatweel, hamza/alef forms, spaces, marks."""
    text = unicodedata.normalize("NFKC", text)
    text = _TASHKEEL.sub("", text).translate(_FOLD)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def similar(a: str, b: str) -> float:
    """Similarity 0..1 of two texts after :func:`normalise_arabic` (difflib ratio)."""
    return difflib.SequenceMatcher(None, normalise_arabic(a), normalise_arabic(b)).ratio()
