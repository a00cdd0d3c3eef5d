"""Scanned copies of sample PDFs: image-only PDFs like an office multifunction printer makes.

:func:`scan_pdf` renders every page of a text PDF with pypdfium2, turns it into a greyscale "scan" (an
off-white paper tone, a slight blur, optionally a small rotation and sensor noise with dark specks),
compresses it as JPEG and puts the images back into a PDF of the same page size with reportlab. The result
has no text layer at all, so a reader must fall back to OCR. The same arguments give byte-identical files
(seeded noise, reportlab ``invariant`` mode).
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

__all__ = ["scan_pdf"]

_PAPER = 238  # white paper comes out light grey
_INK = 28  # black toner is never quite black
_JPEG_QUALITY = 80


def _scan_page(image: Image.Image, rng: random.Random, *, skew_degrees: float, noise: float) -> Image.Image:
    grey = image.convert("L")
    # Levels: 0..255 → _INK.._PAPER, as a scanner's exposure leaves them; a slight blur of the optics.
    grey = grey.point([_INK + (v * (_PAPER - _INK)) // 255 for v in range(256)])
    grey = grey.filter(ImageFilter.GaussianBlur(0.5))
    if skew_degrees:
        grey = grey.rotate(skew_degrees, resample=Image.Resampling.BICUBIC, fillcolor=_PAPER)
    if noise > 0:
        w, h = grey.size
        # Sensor noise: uniform within ±(noise × 64) grey levels.
        amplitude = min(1.0, noise) * 64
        raw = Image.frombytes("L", (w, h), rng.randbytes(w * h))
        jitter = raw.point([round(128 + (v - 127.5) / 127.5 * amplitude) for v in range(256)])
        grey = ImageChops.add(grey, jitter, scale=1.0, offset=-128)
        # Dust on the glass: about noise × 500 dark specks of 1 to 3 pixels.
        draw = ImageDraw.Draw(grey)
        for _ in range(round(noise * 500)):
            x, y, r = rng.randrange(w), rng.randrange(h), rng.uniform(0.5, 1.5)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=_INK + rng.randrange(60))
    return grey


def scan_pdf(
    src: Path,
    dst: Path,
    *,
    dpi: int = 200,
    seed: int = 0,
    skew_degrees: float = 0.0,
    noise: float = 0.0,
) -> Path:
    """Write an image-only copy of the PDF ``src`` to ``dst``, as a scanner at ``dpi`` would; returns ``dst``.

    ``skew_degrees`` rotates each page counter-clockwise (a sheet fed slightly askew; try 0.3 to 1.0);
    ``noise`` (0..1) adds sensor noise and dust (0.1 to 0.3 looks like an ordinary office scanner). Every
    page becomes one greyscale JPEG at ``dpi``; the page sizes stay those of ``src``. Deterministic: the
    same arguments give the same bytes.
    """
    src, dst = Path(src), Path(dst)
    rng = random.Random(f"kuroko-scan:{seed}")
    document = pdfium.PdfDocument(src)
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        canvas = Canvas(str(dst), invariant=1)
        canvas.setCreator("Kuroko sample scanner")
        canvas.setTitle(f"scan of {src.name}")
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = _scan_page(bitmap.to_pil(), rng, skew_degrees=skew_degrees, noise=noise)
            page.close()
            jpeg = io.BytesIO()
            image.save(jpeg, "JPEG", quality=_JPEG_QUALITY, dpi=(dpi, dpi))
            jpeg.seek(0)
            canvas.setPageSize((width, height))
            canvas.drawImage(ImageReader(jpeg), 0, 0, width=width, height=height)
            canvas.showPage()
        canvas.save()
    finally:
        document.close()
    return dst
