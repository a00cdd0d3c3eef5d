"""Scans and photos: OCR with Tesseract into a text PDF that the invoice reader reads unchanged.

The path of a scanned page:

1. render it with pypdfium2 at 300 dpi (image files are taken as they are), greyscale, red seal ink
   (角印) dropped, the skew of a sheet fed askew undone;
2. erase the ruled lines of tables, boxes and seals (Tesseract reads boxed cells badly), keeping the ink of
   characters that cross them, and remember the vertical ones so the reader still sees a ruled table's
   columns;
3. run the ``tesseract`` binary for words with boxes and confidences (``--psm 4``; ``6`` and ``3`` too when
   the fields read from the first one are incomplete or do not add up);
4. post-correct (:func:`correct_ocr_text`) and join the characters Tesseract splits Japanese text into,
   with a space only next to Latin letters and digits, where the ink on the page leaves one;
5. write a new PDF (reportlab) of the same page size whose text sits where the words were, at their size;
6. read that PDF with :func:`robots.documents.pdf_invoice.read_invoice_pdf_bytes` and mark the result as
   OCR: ``needs_ocr``, every confidence scaled down (always below 0.9, and low for fields whose characters
   Tesseract was unsure of), an ``extract.ocr`` finding, and ``ocr.*`` findings for values that fail the
   cross-checks (tax per rate, lines against the breakdown and against quantity × price, the total
   against the breakdown, dates, names read in pieces; the reader checks the registration number).

Of the readings of the page segmentations tried, the one with the fewest problems is kept, and each field
that stands on its own (names, numbers, dates) is taken from whichever reading is surest of it.

Tesseract runs as a process with ``OMP_THREAD_LIMIT=1``: its OpenMP threads made it about four times slower
on a 2-core machine (3.8 s instead of 1.0 s a page); the pages of a document are read in parallel instead,
one process per core. The language is ``jpn`` alone: its model reads the Latin letters and digits of
invoices well, while ``jpn+eng`` read some Japanese names as Latin garbage, got no more fields right over
28 sample scans and took 40 % longer.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pypdfium2 as pdfium
from PIL import (
    Image,
    ImageChops,
    ImageDraw,
    ImageFilter,
    ImageFont,
    ImageOps,
    ImageSequence,
    UnidentifiedImageError,
)
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from robots.documents.model import ExtractResult, Finding, Invoice, Severity
from robots.documents.pdf_invoice import read_invoice_pdf_bytes
from robots.jp import check_registration_number, normalize_text

__all__ = [
    "DEFAULT_TIME_BUDGET",
    "OCR_LANGUAGES",
    "OCR_SETUP_HINT",
    "OcrError",
    "correct_ocr_text",
    "ocr_available",
    "ocr_pdf_to_text_pdf",
    "read_scanned_invoice",
]

OCR_LANGUAGES = "jpn"
"""Tesseract's ``-l``: the Debian package ``tesseract-ocr-jpn``."""
OCR_SETUP_HINT = (
    "reading scans needs Tesseract OCR with Japanese "
    "(`make setup` installs tesseract-ocr and tesseract-ocr-jpn)"
)
"""What to tell a user whose machine cannot OCR."""
DEFAULT_TIME_BUDGET = 120.0
"""Seconds one document may spend in OCR (about 1-2 s a page for one reading, up to three readings)."""

_TESSERACT = "tesseract"
_DPI = 300
_PSMS = (4, 6, 3)  # page segmentation modes in the order tried: 4 reads most invoices best
_OCR_FACTOR = 0.85  # an OCR value is never as sure as a text-layer one
_FLAGGED = 0.6  # at most this (before _OCR_FACTOR) for a field that fails a cross-check
_IPAEX_GOTHIC = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
_IPAEX_MINCHO = Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf")
_PDFIUM = threading.Lock()  # pdfium is not thread-safe; callers with their own lock pass it in

_T = TypeVar("_T")


class OcrError(Exception):
    """OCR could not produce text; ``code`` is one of :data:`robots.documents.files.ERROR_CODES`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# -- availability ---------------------------------------------------------------------------------------
@cache
def _languages(binary: str) -> frozenset[str]:
    try:
        proc = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in proc.stdout.splitlines()[1:] if line.strip())


def _binary() -> str | None:
    return shutil.which(_TESSERACT)


def ocr_available() -> bool:
    """True when the ``tesseract`` binary is on PATH with its Japanese data (``jpn``)."""
    binary = _binary()
    return binary is not None and set(OCR_LANGUAGES.split("+")) <= _languages(binary)


# -- post-correction of the text ------------------------------------------------------------------------
_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
_DIGITISH = "0-9OoDQ〇lI|!"  # what Tesseract prints for digits inside numbers
_TO_DIGIT = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "!": "1"}
)
_YEN_BACKSLASH = re.compile(r"[\\＼](?=\s*[0-9OolI〇])")
_DASH_IN_CODE = re.compile(r"(?<=[0-9A-Za-z])[ー一ｰ―‐−–—~〜](?=[0-9A-Za-z])")
_AMOUNT = re.compile(
    f"(?<![A-Za-z0-9.,])([¥△▲-]?)([{_DIGITISH}]{{1,3}}(?:(?:[,.、]|,\\.|\\.,)[{_DIGITISH}]{{3}})+)"
)
_REGISTRATION = re.compile(
    f"(?<![A-Za-z0-9])[TtＴ丁⊤](?:\\s*[:：])?\\s*((?:[{_DIGITISH}][\\s\\-]?){{12}}[{_DIGITISH}])(?![0-9])"
)
_REGISTRATION_LABELLED = re.compile(r"(登録番号\s*[:：]?\s*)[17Ii|「]?(\d{13})(?!\d)")
_TIMES = re.compile(r"(?<=\d)\s*[xX]\s*(?=\d)")
_LEGAL_FORMS = (
    (re.compile(r"[各名合含]同会[社杜祉]"), "合同会社"),
    (re.compile(r"株[式武弐]会[社杜祉]"), "株式会社"),
    (re.compile(r"有限会[社杜祉]"), "有限会社"),
)


def _amount(m: re.Match[str]) -> str:
    number = re.sub(r",\.|\.,|、", ",", m.group(2).translate(_TO_DIGIT))
    if "." in number and not re.search(r"\.\d{1,2}$", number):
        number = number.replace(".", ",")  # 13.068 is 13,068 misread; 2.5 stays a quantity
    return m.group(1) + number


def correct_ocr_text(text: str) -> str:
    """Post-correct one line of Tesseract output: what it typically gets wrong on Japanese business forms.

    NFKC (:func:`robots.jp.normalize_text`); spaces between two Japanese characters are dropped;
    ``\\`` before an amount is ``¥``; inside amounts ``O``/``o``/``〇`` are ``0``, ``l``/``I``/``|`` are
    ``1`` and a ``.`` before a group of three digits is the thousands comma (``13.068`` → ``13,068``,
    ``2.5`` stays); ``T`` (or ``丁``) + 13 digit-like characters is a registration number, as are 13 digits
    after 登録番号 with the ``T`` lost or read as 1 or 7; a long-vowel mark or kanji 一 between letters and
    digits is a hyphen, an ``x`` between digits is ``×``; misread legal forms (各同会社, 株式会杜) are
    repaired.

    >>> correct_ocr_text("合 計 \\\\13.O68")
    '合計 ¥13,068'
    """
    s = normalize_text(text)
    s = _REGISTRATION.sub(lambda m: "T" + re.sub(r"[\s\-]", "", m.group(1).translate(_TO_DIGIT)), s)
    s = _CJK_SPACE.sub("", s)
    s = _REGISTRATION_LABELLED.sub(r"\1T\2", s)
    s = _DASH_IN_CODE.sub("-", s)
    for pattern, legal_form in _LEGAL_FORMS:
        s = pattern.sub(legal_form, s)
    s = _YEN_BACKSLASH.sub("¥", s)
    s = _AMOUNT.sub(_amount, s)
    s = _TIMES.sub("×", s)
    return re.sub(r"¥\s+(?=\d)", "¥", s)


# -- Tesseract ------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _OcrWord:
    text: str
    left: int
    top: int
    right: int
    bottom: int
    conf: float  # 0..1
    line: tuple[int, int, int]  # block, paragraph, line

    @property
    def height(self) -> int:
        return self.bottom - self.top


def _run_tesseract(image: Path, psm: int, dpi: int, deadline: float) -> list[_OcrWord]:
    binary = _binary()
    if binary is None:
        raise OcrError("pdf.no_text_layer", OCR_SETUP_HINT)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    proc = subprocess.run(
        [binary, str(image), "stdout", "-l", OCR_LANGUAGES, "--psm", str(psm), "--dpi", str(dpi), "tsv"],
        capture_output=True,
        timeout=remaining,
        check=False,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip()[-300:] or f"exit status {proc.returncode}"
        raise OcrError("pdf.no_text_layer", f"Tesseract failed ({detail})")
    words: list[_OcrWord] = []
    for row in proc.stdout.decode("utf-8", errors="replace").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip() or float(cols[10]) < 0:
            continue  # level 5 rows are words
        left, top, width, height = (int(c) for c in cols[6:10])
        line = (int(cols[2]), int(cols[3]), int(cols[4]))
        conf = float(cols[10]) / 100
        words.append(_OcrWord(cols[11].strip(), left, top, left + width, top + height, conf, line))
    return words


# -- page images ----------------------------------------------------------------------------------------
@dataclass(slots=True)
class _PageImage:
    image: Image.Image  # greyscale at ``dpi``
    dpi: int
    width: float  # page size in points
    height: float


def _lut(test: Callable[[int], bool]) -> list[int]:
    return [255 if test(v) else 0 for v in range(256)]


def _grey(image: Image.Image) -> Image.Image:
    """Greyscale without the red of seals and stamps (they cover text and break it for OCR)."""
    if image.mode in ("L", "1", "I", "F"):
        return image.convert("L")
    rgb = image.convert("RGB")
    red, green, blue = rgb.split()
    redness = ImageChops.subtract(red, ImageChops.lighter(green, blue))
    return ImageChops.lighter(rgb.convert("L"), redness.point(_lut(lambda v: v > 70)))


def _too_many(name: str, pages: int, max_pages: int, what: str) -> OcrError:
    return OcrError(
        "pdf.too_many_pages",
        f"{name}: the {what} has {pages} pages; documents of more than {max_pages} "
        f"page{'s' if max_pages != 1 else ''} are not read automatically (setting max_pages).",
    )


def _pdf_pages(
    data: bytes, name: str, dpi: int, max_pages: int, lock: AbstractContextManager[Any] | None = None
) -> list[_PageImage]:
    pages: list[_PageImage] = []
    with lock if lock is not None else _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise OcrError("pdf.corrupt", f"{name}: the PDF cannot be rendered for OCR ({exc}).") from exc
        try:
            if len(document) > max_pages:
                raise _too_many(name, len(document), max_pages, "PDF")
            for index in range(len(document)):
                page = document[index]
                width, height = page.get_size()
                rendered = page.render(scale=dpi / 72).to_pil()
                page.close()
                pages.append(_PageImage(rendered, dpi, width, height))
        finally:
            document.close()
    return [_PageImage(_grey(p.image), p.dpi, p.width, p.height) for p in pages]


def _image_pages(data: bytes, name: str, max_pages: int) -> list[_PageImage]:
    try:
        source = Image.open(io.BytesIO(data))
        source.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise OcrError(
            "file.unsupported_type",
            f"{name}: this image cannot be decoded for OCR (an unknown format or a damaged file).",
        ) from exc
    frames = getattr(source, "n_frames", 1)
    if frames > max_pages:
        raise _too_many(name, frames, max_pages, "image")
    pages: list[_PageImage] = []
    for frame in ImageSequence.Iterator(source):
        image = _grey(ImageOps.exif_transpose(frame.convert("RGB")))
        dpi_info = frame.info.get("dpi") or (0, 0)
        dpi = round(float(dpi_info[0])) if float(dpi_info[0]) >= 72 else 0
        if not dpi:  # not recorded: take the shorter side for an A4 sheet's 210 mm
            dpi = max(72, round(min(image.size) / (210 / 25.4)))
        if dpi < 250:  # Tesseract wants about 300 dpi for Japanese
            factor = _DPI / dpi
            size = (round(image.width * factor), round(image.height * factor))
            image, dpi = image.resize(size, Image.Resampling.LANCZOS), _DPI
        pages.append(_PageImage(image, dpi, image.width * 72 / dpi, image.height * 72 / dpi))
    return pages


# -- skew -----------------------------------------------------------------------------------------------
def _row_sharpness(ink: Image.Image, angle: float) -> float:
    rotated = ink.rotate(angle, resample=Image.Resampling.NEAREST)
    rows = rotated.resize((1, ink.height), Image.Resampling.BOX)
    return float(sum(v * v for v in rows.tobytes()))


def _skew(image: Image.Image, dpi: int) -> float:
    """The angle (degrees, counter-clockwise) that makes text lines and rules horizontal: the one whose row
    profile is sharpest, searched within ±3° on a 50 dpi copy, then refined on a 100 dpi one."""
    angle = 0.0
    for scale, span, step in ((50, 3.0, 0.25), (100, 0.25, 0.05)):
        factor = scale / dpi
        small = image.resize((max(1, round(image.width * factor)), max(1, round(image.height * factor))))
        ink = small.point(_lut(lambda v: v < 160))
        steps = round(span / step)
        candidates = [angle + step * k for k in range(-steps, steps + 1)]
        angle = max(candidates, key=lambda a: (_row_sharpness(ink, a), -abs(a)))
    return angle


def _deskew(page: _PageImage) -> _PageImage:
    angle = _skew(page.image, page.dpi)
    if abs(angle) < 0.1:
        return page
    image = page.image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return _PageImage(image, page.dpi, page.width, page.height)


# -- ruled lines ----------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Ruling:
    x: float  # pixels
    top: float
    bottom: float


def _spans(values: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of non-zero values."""
    start = None
    for i, v in enumerate(values):
        if v and start is None:
            start = i
        elif not v and start is not None:
            yield start, i
            start = None
    if start is not None:
        yield start, len(values)


def _grow(mask: Image.Image, along_x: int, along_y: int) -> Image.Image:
    return mask.filter(ImageFilter.BoxBlur((along_x, along_y))).point(_lut(lambda v: v > 0))


def _vertical_rulings(vertical: Image.Image, dpi: int) -> list[_Ruling]:
    rulings: list[_Ruling] = []
    for x0, x1 in _spans(vertical.getprojection()[0]):
        strip = vertical.crop((x0, 0, x1, vertical.height))
        for y0, y1 in _spans(strip.getprojection()[1]):
            if y1 - y0 >= dpi * 0.15:
                rulings.append(_Ruling((x0 + x1) / 2, float(y0), float(y1)))
    return rulings


def _clean(page: _PageImage) -> tuple[Image.Image, list[_Ruling]]:
    """The page with its ruled lines erased, except where a character's strokes cross them, and the
    vertical lines (for the text PDF)."""
    image, dpi = page.image, page.dpi
    ink = image.point(_lut(lambda v: v < 170))
    reach = max(20, round(dpi * 0.25))  # a line has at least 2 × reach of unbroken ink (about 4 mm)
    solid = _lut(lambda v: v >= 235)
    # Pixels in the middle of long lines, then the whole lines (their last ``reach`` pixels too).
    horizontal = _grow(ink.filter(ImageFilter.BoxBlur((reach, 0))).point(solid), reach, 0)
    vertical = _grow(ink.filter(ImageFilter.BoxBlur((0, reach))).point(solid), 0, reach)
    rulings = _vertical_rulings(ImageChops.multiply(vertical, ink), dpi)
    faint = image.point(_lut(lambda v: v < 215))  # with the blurred edges of the lines
    horizontal = ImageChops.multiply(_grow(horizontal, 0, 2), faint)
    vertical = ImageChops.multiply(_grow(vertical, 2, 0), faint)
    # A stroke crossing a line has ink on both sides of it: those pixels stay.
    off = max(3, round(dpi / 75))
    across_h = ImageChops.subtract(ink, horizontal)
    across_v = ImageChops.subtract(ink, vertical)
    crossing_h = ImageChops.multiply(
        ImageChops.offset(across_h, 0, off), ImageChops.offset(across_h, 0, -off)
    )
    crossing_v = ImageChops.multiply(
        ImageChops.offset(across_v, off, 0), ImageChops.offset(across_v, -off, 0)
    )
    erase = ImageChops.lighter(
        ImageChops.subtract(horizontal, crossing_h), ImageChops.subtract(vertical, crossing_v)
    )
    return ImageChops.lighter(image, erase), rulings


# -- from words to runs of text -------------------------------------------------------------------------
@dataclass(slots=True)
class _Run:
    """Words of one OCR line close enough to be one printed string."""

    words: list[_OcrWord]
    text: str
    em: float  # font size in pixels

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)

    @property
    def conf(self) -> float:
        return min(w.conf for w in self.words)


_LATIN = re.compile(r"[A-Za-z0-9(),.:/%&+#@'\"\-]")
_CLOSING = re.compile(r"[)\]},.:;%]")
_OPENING = re.compile(r"[(\[{¥]")
_NOISE_WORD = re.compile(r"^[|¦丨!]+$")  # what is left of a vertical line
_NOISE_RUN = re.compile(r"^[|¦丨!_—―ー\-~=.,:;'\"`、。・\[\]]{1,5}$")
_DISCOUNT = re.compile(r"^A(?=\d{3}$|\d{1,3}(?:,\d{3})+$)")  # a cell "A500" is △500
_MARK_MISREADS = frozenset("太大文米女★*※xXK")


def _em(words: Sequence[_OcrWord]) -> float:
    """The font size of a line in pixels, from the heights of its words: Japanese characters are about
    0.88 em tall, digits and capitals 0.72. Tesseract makes some boxes far too tall, never too short, so
    the lower quartile is taken."""
    cjk = sorted(w.height for w in words if _CJK_CHAR.search(w.text))
    if cjk:
        return max(8.0, cjk[len(cjk) // 4] / 0.88)
    heights = sorted(w.height for w in words)
    return max(8.0, heights[len(heights) // 4] / 0.72)


def _ink_gap(ink: Image.Image, prev: _OcrWord, word: _OcrWord, top: int, bottom: int, em: float) -> float:
    """Width in ems of the widest blank gap at the boundary of two words, measured on the page
    (Tesseract's boxes of Japanese characters are often too wide)."""
    margin = round(0.3 * em)
    x0 = max(0, min(prev.right, word.left) - margin)
    x1 = min(ink.width, max(prev.right, word.left) + margin)
    if x1 <= x0 or bottom <= top:
        return 0.0
    columns = ink.crop((x0, top, x1, bottom)).getprojection()[0]
    middle = (prev.right + word.left) / 2 - x0
    widest = 0
    for a, b in _spans([0 if c else 1 for c in columns]):
        if a - margin <= middle <= b + margin:
            widest = max(widest, b - a)
    return widest / em


def _separator(prev: str, word: str, gap: float, box_gap: float) -> str | None:
    """None to start a new run, else what goes between two words: "" or " " (gaps in ems)."""
    a, b = prev[-1], word[0]
    grouping = a in ",." and b.isdigit()  # 21, 780: full-width digits leave wide gaps
    if box_gap > 3 or gap > (1.6 if grouping else 1.2):
        return None
    if grouping or (a.isdigit() and b.isdigit() and gap < 1.0) or _CLOSING.match(b) or _OPENING.match(a):
        return ""
    if not (_LATIN.match(a) or _LATIN.match(b)):
        return ""  # Japanese text has no spaces; Tesseract puts one between most characters
    return " " if gap > 0.28 else ""


def _ruled_between(rulings: Sequence[_Ruling], prev: _OcrWord, word: _OcrWord, middle: float) -> bool:
    return any(prev.right - 2 <= r.x <= word.left + 2 and r.top <= middle <= r.bottom for r in rulings)


def _runs(words: Sequence[_OcrWord], ink: Image.Image, rulings: Sequence[_Ruling]) -> list[_Run]:
    """Join the words of each OCR line that are close: Japanese characters without a space, Latin letters
    and digits with one where the ink leaves one. A ruled line between two words, or a stray bar (what is
    left of one), splits them."""
    by_line: dict[tuple[int, int, int], list[_OcrWord]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    runs: list[_Run] = []
    for members in by_line.values():
        members.sort(key=lambda w: w.left)
        em = _em(members)
        _fix_legal_forms(members, ink, em)
        top = round(statistics.median(w.top for w in members))
        bottom = round(statistics.median(w.bottom for w in members))
        groups: list[list[tuple[str, _OcrWord]]] = [[]]
        prev: _OcrWord | None = None
        for w in members:
            if _NOISE_WORD.match(w.text):
                groups.append([])
                prev = None
                continue
            sep: str | None = ""
            if prev is not None:
                gap = _ink_gap(ink, prev, w, top, bottom, em)
                sep = _separator(prev.text, w.text, gap, (w.left - prev.right) / em)
                if sep is not None and gap > 0.35 and _ruled_between(rulings, prev, w, (top + bottom) / 2):
                    sep = None
            if sep is None:
                groups.append([])
                sep = ""
            groups[-1].append((sep, w))
            prev = w
        for group in groups:
            text = correct_ocr_text("".join(sep + w.text for sep, w in group)).strip()
            if text and not _NOISE_RUN.match(text):  # not just what is left of a line or a seal
                run_words = [w for _, w in group]  # its own size: psm 4 joins big and small text
                runs.append(_Run(run_words, _DISCOUNT.sub("△", text), _em(run_words)))
    return _fix_marks(runs)


_ENCLOSED_FORMS = ("㈱", "㈲")  # NFKC: (株), (有); the reader expands them to 株式会社, 有限会社
_LEGAL_FORM = re.compile(r"株式会社|有限会社|合同会社|合資会社|合名会社|\(株\)|\(有\)")
_HONORIFIC_WORD = re.compile(r"^(?:御中|様|殿)$")
_GLYPH = 24  # side of the bitmaps compared, pixels


def _glyph_bitmap(ink: Image.Image) -> Image.Image | None:
    box = ink.getbbox()
    if box is None:
        return None
    return ink.crop(box).resize((_GLYPH, _GLYPH), Image.Resampling.BILINEAR).point(_lut(lambda v: v > 96))


@cache
def _enclosed_templates() -> tuple[tuple[str, Image.Image], ...]:
    templates = []
    for path in (_IPAEX_GOTHIC, _IPAEX_MINCHO):
        if not path.exists():
            continue
        font = ImageFont.truetype(str(path), 64)
        for char in _ENCLOSED_FORMS:
            canvas = Image.new("L", (80, 80), 0)
            ImageDraw.Draw(canvas).text((8, 8), char, fill=255, font=font)
            if (bitmap := _glyph_bitmap(canvas)) is not None:
                templates.append((char, bitmap))
    return tuple(templates)


def _enclosed_form(ink: Image.Image, word: _OcrWord, at_start: bool, em: float) -> str:
    """Which of ㈱ and ㈲ the glyph Tesseract could not read looks like (its jpn model has neither): the
    one whose bitmap differs least from the glyph-sized square at the word's start (or end)."""
    side = round(0.95 * em)
    left = word.left if at_start else word.right - side
    middle = (word.top + word.bottom) // 2
    crop = _glyph_bitmap(
        ink.crop((max(0, left), max(0, middle - side // 2), left + side, middle + side // 2))
    )
    templates = _enclosed_templates()
    if crop is None or not templates:
        return _ENCLOSED_FORMS[0]

    def distance(template: Image.Image) -> int:
        return sum(ImageChops.difference(crop, template).point(_lut(lambda v: v > 0)).tobytes()) // 255

    return min(templates, key=lambda t: distance(t[1]))[0]


def _fix_legal_forms(members: list[_OcrWord], ink: Image.Image, em: float) -> None:
    """A name printed with ㈱ or ㈲ comes back from Tesseract with a random kanji of almost no confidence
    (帆北斗印刷, 骨たなか工務店): put the enclosed form back where such a character starts or ends a name
    that has no legal form yet (the field stays flagged by its low confidence)."""
    words = [w for w in members if not _HONORIFIC_WORD.match(w.text)]
    if len(words) < 2 or _LEGAL_FORM.search(normalize_text("".join(w.text for w in words))):
        return
    for word, at_start in ((words[0], True), (words[-1], False)):
        char = word.text[0] if at_start else word.text[-1]
        others = [w for w in words if w is not word]
        sure = statistics.fmean(w.conf for w in others) >= 0.75  # a name, not a garbled line
        cjk = len(_CJK_CHAR.findall("".join(w.text for w in others)))
        if word.conf < 0.25 and _CJK_CHAR.match(char) and sure and 2 <= cjk <= 20:
            form = _enclosed_form(ink, word, at_start, em)
            word.text = form + word.text[1:] if at_start else word.text[:-1] + form
            return


def _fix_marks(runs: list[_Run]) -> list[_Run]:
    """A ★ or ※ before a line item's name is often read as 太, 大, 文, 米 or X: an unsure first character
    in front of Japanese text becomes ★ (the reader takes any such mark for the reduced rate; a wrong
    guess shows in the cross-check of the lines against the breakdown)."""
    for run in runs:
        first = run.words[0]
        if (
            len(run.text) > 2
            and run.text[0] in _MARK_MISREADS
            and first.text[:1] == run.text[0]
            and first.conf < 0.8
            and _CJK_CHAR.match(run.text[1])
        ):
            run.text = "★" + run.text[1:]
    return runs


# -- the text PDF ---------------------------------------------------------------------------------------
@cache
def _font() -> str:
    if _IPAEX_GOTHIC.exists():
        pdfmetrics.registerFont(TTFont("KurokoOcrGothic", str(_IPAEX_GOTHIC)))
        return "KurokoOcrGothic"
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    return "HeiseiKakuGo-W5"


@dataclass(slots=True)
class _PageOcr:
    page: _PageImage
    runs: list[_Run]
    rulings: list[_Ruling]
    words: list[_OcrWord]


def _draw_page(canvas: Canvas, page: _PageOcr) -> None:
    """Each run as visible text at its place and size, stretched to its width; the vertical rulings."""
    font = _font()
    scale = 72 / page.page.dpi
    height = page.page.height
    canvas.setPageSize((page.page.width, height))
    canvas.setLineWidth(0.5)
    for r in page.rulings:
        canvas.line(r.x * scale, height - r.top * scale, r.x * scale, height - r.bottom * scale)
    for run in page.runs:
        size = max(2.0, run.em * scale)
        natural = pdfmetrics.stringWidth(run.text, font, size)
        text = canvas.beginText()
        text.setFont(font, size)
        if natural > 0:
            text.setHorizScale(max(30.0, min(250.0, 100 * (run.right - run.left) * scale / natural)))
        baseline = run.bottom * scale - (0.08 * size if _CJK_CHAR.search(run.text) else 0.0)
        text.setTextOrigin(run.left * scale, height - baseline)
        text.textOut(run.text)
        canvas.drawText(text)
    canvas.showPage()


def _write_pdf(pages: Sequence[_PageOcr]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setCreator("Kuroko OCR")
    for page in pages:
        _draw_page(canvas, page)
    canvas.save()
    return buffer.getvalue()


def _mean_conf(pages: Iterable[_PageOcr]) -> float:
    total = chars = 0.0
    for page in pages:
        for w in page.words:
            total += w.conf * len(w.text)
            chars += len(w.text)
    return total / chars if chars else 0.0


# -- running OCR ----------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Prepared:
    page: _PageImage  # deskewed
    path: Path  # the cleaned image, as Tesseract reads it
    ink: Image.Image  # of the cleaned image
    rulings: list[_Ruling]


def _parallel(fn: Callable[[Any], _T], items: Sequence[Any]) -> list[_T]:
    workers = min(len(items), os.cpu_count() or 1)
    if workers <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


def _prepare(pages: Sequence[_PageImage], workdir: Path) -> list[_Prepared]:
    def one(indexed: tuple[int, _PageImage]) -> _Prepared:
        page = _deskew(indexed[1])
        cleaned, rulings = _clean(page)
        path = workdir / f"page{indexed[0]}.pgm"
        cleaned.save(path)
        return _Prepared(page, path, cleaned.point(_lut(lambda v: v < 140)), rulings)

    return _parallel(one, list(enumerate(pages)))


def _ocr(prepared: Sequence[_Prepared], psm: int, deadline: float) -> list[_PageOcr]:
    def one(p: _Prepared) -> _PageOcr:
        words = _run_tesseract(p.path, psm, p.page.dpi, deadline)
        return _PageOcr(p.page, _runs(words, p.ink, p.rulings), p.rulings, words)

    return _parallel(one, prepared)


def _timeout_message(name: str, budget: float) -> str:
    return f"{name}: this is a scan and its OCR took longer than {budget:.0f} s, so it was given up."


def ocr_pdf_to_text_pdf(
    data: bytes,
    name: str,
    *,
    dpi: int = _DPI,
    max_pages: int,
    psm: int = _PSMS[0],
    time_budget: float = DEFAULT_TIME_BUDGET,
) -> tuple[bytes, float]:
    """OCR a scanned PDF into a new PDF with the same page sizes and a text layer at the words' positions.

    Returns the new PDF's bytes and Tesseract's mean confidence (0..1, over characters). Raises
    :class:`OcrError` when the PDF cannot be rendered, has more than ``max_pages`` pages, Tesseract is
    missing or fails, or ``time_budget`` (seconds) runs out.
    """
    deadline = time.monotonic() + time_budget
    images = _pdf_pages(data, name, dpi, max_pages)
    with tempfile.TemporaryDirectory(prefix="kuroko-ocr-") as tmp:
        try:
            pages = _ocr(_prepare(images, Path(tmp)), psm, deadline)
        except (TimeoutError, subprocess.TimeoutExpired) as exc:
            raise OcrError("pdf.no_text_layer", _timeout_message(name, time_budget)) from exc
    return _write_pdf(pages), _mean_conf(pages)


# -- reading a scan -------------------------------------------------------------------------------------
def read_scanned_invoice(
    data: bytes,
    path: Path,
    *,
    max_pages: int,
    time_budget: float = DEFAULT_TIME_BUDGET,
    pdfium_lock: AbstractContextManager[Any] | None = None,
) -> ExtractResult:
    """Read a scanned invoice or receipt (an image-only PDF, or a PNG/JPEG/TIFF image) through OCR.

    The result has the ``path`` and ``sha256`` of the original file, ``fields.needs_ocr`` true,
    confidences scaled by the OCR's (always below 0.9), an ``extract.ocr`` finding and findings for values
    that fail the cross-checks. Problems come back as ``error`` (``pdf.no_text_layer`` when OCR finds no
    text or runs out of time; ``file.unsupported_type`` for an image that cannot be decoded), never as an
    exception. ``time_budget`` (seconds) bounds the whole read: the first reading must finish within it,
    further page segmentations are tried only while it lasts. ``pdfium_lock`` is the lock the caller
    holds around its own pdfium calls (pdfium is not thread-safe); by default this module's own.
    """
    path = Path(path)
    name = path.name
    is_pdf = data[:1024].find(b"%PDF-") >= 0
    result = ExtractResult(path=str(path), sha256=hashlib.sha256(data).hexdigest())
    deadline = time.monotonic() + time_budget
    readings: list[tuple[tuple[int, float], ExtractResult]] = []
    timed_out = False
    try:
        if is_pdf:
            images = _pdf_pages(data, name, _DPI, max_pages, pdfium_lock)
        else:
            images = _image_pages(data, name, max_pages)
        with tempfile.TemporaryDirectory(prefix="kuroko-ocr-") as tmp:
            prepared = _prepare(images, Path(tmp))
            for psm in _PSMS:
                try:
                    pages = _ocr(prepared, psm, deadline)
                except (TimeoutError, subprocess.TimeoutExpired):
                    timed_out = True
                    break
                conf = _mean_conf(pages)
                read = read_invoice_pdf_bytes(_write_pdf(pages), path, max_pages=max_pages)
                if read.error is not None or read.fields is None:
                    continue
                _mark_ocr(read, pages, conf, psm)
                readings.append(((_problems(read), -conf), read))
                if readings[-1][0][0] == 0:
                    break
    except OcrError as exc:
        message = exc.message if exc.message.startswith(name) else f"{name}: {exc.message}"
        result.error = {"code": exc.code, "message": message}
        return result
    if not readings:
        what = "PDF" if is_pdf else "image"
        result.error = {
            "code": "pdf.no_text_layer" if is_pdf else "file.unsupported_type",
            "message": _timeout_message(name, time_budget)
            if timed_out
            else f"{name}: this {what} is a scan and OCR found no readable text on it "
            "(a blank page, a photo, or a very poor scan).",
        }
        return result
    read = _combine([r for _, r in sorted(readings, key=lambda scored: scored[0])])
    result.document_type = read.document_type
    result.fields = read.fields
    result.confidence = read.confidence
    result.findings = read.findings
    return result


def _problems(result: ExtractResult) -> int:
    """Findings of warning or error severity and missing fields: fewer means a more complete reading whose
    fields agree with each other better."""
    return sum(f.severity != Severity.INFO or f.code == "extract.field_missing" for f in result.findings)


_INDEPENDENT: tuple[tuple[str, ...], ...] = (
    ("issuer",),
    ("registration_number", "registration_number_valid"),
    ("invoice_number",),
    ("issue_date",),
    ("due_date",),
    ("recipient",),
)
"""Fields read on their own: each may come from another page segmentation than the amounts."""


def _combine(readings: Sequence[ExtractResult]) -> ExtractResult:
    """The reading with the fewest problems, with each field that stands on its own taken from whichever
    reading is surest of it (a label Tesseract garbled in one segmentation is often fine in another)."""
    best = readings[0]
    assert best.fields is not None
    for group in _INDEPENDENT:
        head = group[0]

        def rank(r: ExtractResult, head: str = head) -> tuple[bool, float]:
            return getattr(r.fields, head) is not None, r.confidence.get(head, 0.0)

        source = max(readings, key=rank)
        if source is best or rank(source) <= rank(best):
            continue
        for name in group:
            setattr(best.fields, name, getattr(source.fields, name))
            best.confidence[name] = source.confidence.get(name, 0.0)
        best.findings = [
            *(f for f in best.findings if f.field not in group),
            *(f for f in source.findings if f.field in group),
        ]
    return best


# -- marking OCR results --------------------------------------------------------------------------------
def _tax_fits(net: int, tax: int, rate: int, inclusive: bool) -> bool:
    if rate == 0:
        return tax == 0
    exact = Decimal(net + tax) * rate / (100 + rate) if inclusive else Decimal(net) * rate / 100
    return abs(Decimal(tax) - exact) <= 1


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _support(value: str, runs: Sequence[_Run]) -> float | None:
    """How sure Tesseract was of the characters ``value`` was read from: the lowest confidence of the run
    that shares most with it and of every other run that lies wholly inside it (a value split over several
    runs); None when no run shares two characters with it, at most 0.5 when the runs cover little of it."""
    needle = _compact(value)
    if not needle:
        return None
    best: tuple[int, float] | None = None
    parts: list[tuple[int, float]] = []
    for run in runs:
        hay = _compact(run.text)
        m = difflib.SequenceMatcher(None, needle, hay, autojunk=False).find_longest_match(
            0, len(needle), 0, len(hay)
        )
        if m.size < min(len(needle), 2):
            continue
        if best is None or m.size > best[0]:
            best = (m.size, run.conf)
        if m.size == len(hay) < len(needle):
            parts.append((m.size, run.conf))
    if best is None:
        return None
    conf = min([best[1], *(c for _, c in parts)])
    covered = max(best[0], sum(size for size, _ in parts))
    return conf if covered >= 0.6 * len(needle) else min(conf, 0.5)


def _date_texts(value: object) -> list[str]:
    if not isinstance(value, dt.date):
        return []
    y, m, d = value.year, value.month, value.day
    return [
        f"{y}/{m:02}/{d:02}",
        f"{y}/{m}/{d}",
        f"{y}年{m}月{d}日",
        f"{y}.{m:02}.{d:02}",
        f"{y}-{m:02}-{d:02}",
        f"令和{y - 2018}年{m}月{d}日",
    ]


def _field_support(invoice: Invoice, runs: Sequence[_Run]) -> dict[str, float]:
    """Per field, how sure Tesseract was of the characters it was read from."""

    def best_of(texts: Iterable[str]) -> float | None:
        found = [s for t in texts if (s := _support(t, runs)) is not None]
        return max(found) if found else None

    support: dict[str, float] = {}
    for name in ("issuer", "recipient", "invoice_number", "registration_number"):
        value = getattr(invoice, name)
        if isinstance(value, str):
            core = _LEGAL_FORM.sub("", _compact(value))
            if (s := _support(core or value, runs)) is not None:
                support[name] = s
    for name in ("issue_date", "due_date"):
        if (s := best_of(_date_texts(getattr(invoice, name)))) is not None:
            support[name] = s
    if invoice.total is not None and (s := best_of([f"{invoice.total:,}"])) is not None:
        support["total"] = s
    lines = [_support(x.description, runs) for x in invoice.lines]
    lines += [best_of([f"{x.amount:,}"]) for x in invoice.lines]
    if found := [s for s in lines if s is not None]:
        support["lines"] = min(found)
    taxes = [best_of([f"{b.tax:,}"]) for b in invoice.tax_breakdown]
    if found := [s for s in taxes if s is not None]:
        support["tax_breakdown"] = min(found)
    return support


def _check(code: str, field: str, message: str) -> Finding:
    return Finding(code=code, severity=Severity.WARNING, message=message, field=field)


def _cross_checks(invoice: Invoice) -> list[Finding]:
    """Findings for values read by OCR that do not agree with each other."""
    findings: list[Finding] = []
    inclusive = invoice.tax_inclusive_pricing
    for b in invoice.tax_breakdown:
        if not _tax_fits(b.net, b.tax, b.rate, inclusive):
            findings.append(
                _check(
                    "ocr.tax_mismatch",
                    "tax_breakdown",
                    f"{b.rate}%の消費税 ¥{b.tax:,} が対象額 ¥{b.net:,} と合いません "
                    "(the tax read for this rate does not fit its base: check against the scan)",
                )
            )
    if invoice.tax_breakdown and invoice.total is not None:
        if sum(b.net + b.tax for b in invoice.tax_breakdown) != invoice.total:
            findings.append(
                _check(
                    "ocr.total_mismatch",
                    "total",
                    f"合計 ¥{invoice.total:,} が税率ごとの内訳と合いません "
                    "(the total read differs from the per-rate breakdown: check against the scan)",
                )
            )
    if invoice.lines and invoice.tax_breakdown:
        bases = {b.rate: b.net + b.tax if inclusive else b.net for b in invoice.tax_breakdown}
        sums: dict[int, int] = {}
        for x in invoice.lines:
            sums[x.rate] = sums.get(x.rate, 0) + x.amount
        if sums != bases:
            findings.append(
                _check(
                    "ocr.lines_mismatch",
                    "lines",
                    "明細の金額の合計が税率ごとの対象額と合いません "
                    "(the line amounts read do not add up to the breakdown: check against the scan)",
                )
            )
    for x in invoice.lines:
        if (
            x.quantity is not None
            and x.unit_price is not None
            and round(x.quantity * x.unit_price) != x.amount
        ):
            findings.append(
                _check(
                    "ocr.line_arithmetic",
                    "lines",
                    f"明細「{x.description}」の数量×単価が金額と合いません "
                    "(quantity × unit price differs from the amount read: check against the scan)",
                )
            )
            break
    if incomplete := [x for x in invoice.lines if (x.quantity is None) != (x.unit_price is None)]:
        findings.append(
            _check(
                "ocr.line_incomplete",
                "lines",
                f"明細「{incomplete[0].description}」に数量か単価の一方しかありません "
                "(a quantity or a unit price was not read: check against the scan)",
            )
        )
    for name in ("issuer", "recipient"):
        value = getattr(invoice, name)
        if value and _CJK_SPACE.search(value):
            findings.append(
                _check(
                    "ocr.name_split",
                    name,
                    f"「{value}」は途中で分かれて読み取られました "
                    "(the name was read in pieces: check against the scan)",
                )
            )
    if invoice.issuer and invoice.recipient and _compact(invoice.issuer) == _compact(invoice.recipient):
        findings.append(
            _check(
                "ocr.issuer_is_recipient",
                "issuer",
                f"発行者と宛名が同じ「{invoice.issuer}」です "
                "(the issuer read is the recipient's name: check against the scan)",
            )
        )
    if invoice.issue_date and invoice.due_date:
        if not 0 <= (invoice.due_date - invoice.issue_date).days <= 120:
            findings.append(
                _check(
                    "ocr.date_order",
                    "due_date",
                    "支払期限が請求日より前か、4か月以上先です "
                    "(the dates read look wrong: check against the scan)",
                )
            )
    return findings


# Codes and names read by OCR that no sum or check digit can confirm (an I read as 1 in an invoice number
# looks as plausible as the right one): always below the review threshold, for a person to compare.
_UNVERIFIABLE = frozenset({"invoice_number", "issuer", "recipient"})
_UNVERIFIABLE_CAP = 0.65


def _mark_ocr(result: ExtractResult, pages: Sequence[_PageOcr], mean_conf: float, psm: int) -> None:
    """needs_ocr, confidences scaled down (and low where unsure or inconsistent), the OCR findings."""
    invoice = result.fields
    assert invoice is not None
    invoice.needs_ocr = True
    checks = _cross_checks(invoice)
    if invoice.registration_number and invoice.registration_number_valid is None:
        checks += check_registration_number(invoice.registration_number).findings
    flagged = {f.field for f in [*result.findings, *checks] if f.field and f.severity != Severity.INFO}
    if "registration_number" in flagged:
        flagged.add("registration_number_valid")
    support = _field_support(invoice, [r for p in pages for r in p.runs])
    factor = min(1.0, mean_conf) * _OCR_FACTOR
    confidence: dict[str, float] = {}
    for name, conf in result.confidence.items():
        value = conf * factor
        if name in support:
            value = min(value, support[name] * _OCR_FACTOR)
        if name in flagged:
            value = min(value, _FLAGGED * _OCR_FACTOR)
        if name in _UNVERIFIABLE:
            value = min(value, _UNVERIFIABLE_CAP)
        confidence[name] = round(value, 2)
    confidence["needs_ocr"] = 1.0
    result.confidence = confidence
    result.findings = [
        *result.findings,
        *checks,
        Finding(
            code="extract.ocr",
            severity=Severity.INFO,
            message=(
                "画像のみのPDF(スキャン)のため、文字はOCRで読み取りました。原本と照合してください "
                f"(text from Tesseract OCR, --psm {psm}, mean character confidence {mean_conf:.0%})"
            ),
        ),
    ]
