"""PDF printouts: labels on label stock, bench worksheets and compounding records on paper.

Everything printed is the library's own text: a label draws the fields of the library's
:class:`~ldncompound.Label` document, a worksheet or record draws the lines of
:func:`~ldncompound.render_worksheet`, so a fix to those texts is a fix to the PDF. This module
only lays them out, adds barcodes, boxes and page numbers, and refuses what it cannot print:

* text that does not fit is never cut: a label shrinks from 10 pt to the 6 pt minimum
  (:data:`MIN_LABEL_PT`), a worksheet line wraps under its own indent and a word too wide for
  the line shrinks to the 6 pt minimum (:data:`MIN_SHEET_PT`); otherwise the command refuses,
  naming the field (``label-does-not-fit``, ``word-too-wide``);
* a character the embedded font cannot draw (DejaVu Sans cut down to Latin, Greek, Cyrillic
  and punctuation, see ``fonts/``) is refused by field (``not-printable``);
* a barcode is Code 128 (python-barcode) with bars at least :data:`MIN_MODULE_MM` wide and a
  quiet zone of ten modules; a value it cannot encode, or that does not fit, is refused.

The PDF bytes depend only on their input: the creation date is the compounding date and the
producer is the library version, so the same result prints the same file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import barcode  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF

import ldncompound as lc

from . import __version__ as cli_version

__all__ = [
    "DEFAULT_LABEL_PAGE",
    "MIN_LABEL_PT",
    "MIN_MODULE_MM",
    "MIN_SHEET_PT",
    "PAPERS",
    "label_barcode_text",
    "label_pdf",
    "parse_page",
    "worksheet_pdf",
]

FONTS = Path(__file__).resolve().parent / "fonts"
SANS, BOLD, MONO = "DejaVuSans-LGC.ttf", "DejaVuSans-Bold-LGC.ttf", "DejaVuSansMono-LGC.ttf"

#: Default label stock: 4 x 3 in (101.6 x 76.2 mm), a common pharmacy prescription label;
#: library policy [D], change it with ``--page``.
DEFAULT_LABEL_PAGE = "4x3in"
#: Smallest and largest label page accepted, in mm (a vial wrap to a half sheet) [D].
PAGE_LIMITS = ((30.0, 20.0), (216.0, 280.0))
#: Label text starts at 10 pt and shrinks in 0.25 pt steps to this minimum (library policy [D]:
#: 6 pt is the smallest print commonly accepted on a dispensing label).
MAX_LABEL_PT, MIN_LABEL_PT = 10.0, 6.0
#: Worksheet body text (monospaced: the text worksheet's columns line up) and its minimum.
SHEET_PT, MIN_SHEET_PT = 8.5, 6.0
#: Narrowest Code 128 bar (module), mm: two dots of a 203 dpi label printer (library policy [D]).
MIN_MODULE_MM = 0.25
#: Paper sizes for worksheets and records, mm (ISO 216 A4; ANSI US Letter 8.5 x 11 in).
PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
#: Characters a barcode carries: printable ASCII (Code 128 set B) without "|", the separator
#: between the Rx number and the record id.
_BARCODE_TEXT = re.compile(r"[ -{}~]+")
_PT = 25.4 / 72  # mm per point
_MM_PER_IN = 25.4


# --- fonts -------------------------------------------------------------------------------------


@functools.cache
def _cmap(font: str) -> frozenset[int]:
    with TTFont(FONTS / font) as ttf:
        return frozenset(ttf.getBestCmap())


def _leaves(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, f"{path}[{i}]")
    elif isinstance(data, str):
        yield path, data


def check_printable(fields: Iterator[tuple[str, str]] | list[tuple[str, str]], font: str) -> None:
    """Refuse the first field with a character ``font`` cannot draw, naming the field."""
    cmap = _cmap(font)
    for field, text in fields:
        for char in text:
            if ord(char) not in cmap and char not in "\n\t":
                raise _unprintable(field, text, char)


def _document(title: str, made_on: dt.date | None, *, width: float, height: float) -> FPDF:
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("sans", "", str(FONTS / SANS))
    pdf.add_font("sans", "B", str(FONTS / BOLD))
    pdf.add_font("mono", "", str(FONTS / MONO))
    day = made_on or dt.date(2000, 1, 1)
    pdf.set_creation_date(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
    pdf.set_producer(f"ldncompound {lc.__version__} (ldncompound-cli {cli_version})")
    pdf.set_creator("ldncompound")
    pdf.set_title(title)
    return pdf


@contextlib.contextmanager
def _closing_fonts(pdf: FPDF) -> Iterator[None]:
    """Close the font files fpdf2 keeps open (it reads them lazily), printed or refused."""
    try:
        yield
    finally:
        for font in pdf.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()


# --- page sizes --------------------------------------------------------------------------------

_PAGE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*[xX×]\s*([0-9]+(?:\.[0-9]+)?)\s*(mm|in)\s*")


def parse_page(text: str, *, field: str = "page") -> tuple[float, float]:
    """A label page size ``WIDTHxHEIGHT`` in mm or in (``100x50mm``, ``4x2in``), in mm."""
    match = _PAGE.fullmatch(text)
    expected = "WIDTHxHEIGHT in mm or in, e.g. 100x50mm or 4x2in"
    if match is None:
        raise lc.InputError.about(field, text, "is not a page size", expected, code="bad-page")
    scale = _MM_PER_IN if match[3] == "in" else 1.0
    width, height = float(match[1]) * scale, float(match[2]) * scale
    (low_w, low_h), (high_w, high_h) = PAGE_LIMITS
    if not (low_w <= width <= high_w and low_h <= height <= high_h):
        raise lc.InputError.about(
            field,
            text,
            "is outside the label sizes printed",
            f"a width of {low_w:g}-{high_w:g} mm and a height of {low_h:g}-{high_h:g} mm",
            code="out-of-range",
        )
    return width, height


# --- barcodes ----------------------------------------------------------------------------------


def check_barcodable(field: str, text: str) -> None:
    """Refuse a value a Code 128 barcode cannot carry (printable ASCII other than ``|``)."""
    if not _BARCODE_TEXT.fullmatch(text):
        raise lc.InputError.about(
            field,
            text,
            "cannot be carried by the Code 128 barcode",
            'letters A-Z, digits and ASCII punctuation other than "|"',
            code="not-barcodable",
        )


def _draw_barcode(
    pdf: FPDF, field: str, text: str, *, x: float, y: float, width: float, height: float
) -> float:
    """Draw ``text`` as Code 128 within ``width`` (quiet zones included); returns its width."""
    modules: str = barcode.get("code128", text).build()[0]
    count = _barcode_modules(text)
    module = min(width / count, 0.5)
    if module < MIN_MODULE_MM:
        raise lc.InputError.about(
            field,
            text,
            f"needs {count * MIN_MODULE_MM:.1f} mm for its barcode, more than the {width:.1f} mm"
            " of the page",
            "a shorter value or a wider page",
            code="barcode-does-not-fit",
        )
    pdf.set_fill_color(0, 0, 0)
    start = x + 10 * module
    for run in re.finditer("1+", modules):
        pdf.rect(start + run.start() * module, y, (run.end() - run.start()) * module, height, "F")
    return count * module


def _barcode_modules(text: str) -> int:
    """The modules of ``text``'s Code 128 barcode, with ten of quiet zone on each side."""
    modules: str = barcode.get("code128", text).build()[0]
    return len(modules) + 20


def _margin(width: float) -> float:
    """A label page's margin on each side, mm."""
    return min(3.0, width * 0.04)


def _refuse_narrow_barcode(code: str, width: float, page_text: str) -> None:
    """``barcode-does-not-fit`` on a label page, naming ``--page`` and the least width that
    holds the barcode, before the text is laid out: a page the text refusal suggests
    (``label-does-not-fit`` keeps the width) then holds the barcode too (probe3 Q13). A
    saved label's record id cannot be changed, so the page is what is named."""
    need = _barcode_modules(code) * MIN_MODULE_MM
    inner = width - 2 * _margin(width)
    if need <= inner:
        return
    least = math.ceil(width)
    while least - 2 * _margin(least) < need:
        least += 1
    raise lc.InputError.about(
        "--page",
        page_text,
        f"({width:.1f} mm wide) leaves {inner:.1f} mm for the barcode of '{code}', which "
        f"needs {need:.1f} mm",
        f"a --page at least {least} mm wide, or a shorter Rx number or record id",
        code="barcode-does-not-fit",
    )


def label_barcode_text(label: lc.Label, record_id: str | None = None) -> str:
    """What a label's barcode carries: the Rx number, then ``|`` and the record id if given."""
    return label.rx_number if record_id is None else f"{label.rx_number}|{record_id}"


# --- labels ------------------------------------------------------------------------------------


def _label_blocks(label: lc.Label, made_on: dt.date | None) -> list[tuple[str, str, str, float]]:
    """(field, text, style, size factor) of every fact the text label has, in reading order."""
    batch = [f"Rx {label.rx_number}"]
    if label.lot:
        batch.append(f"Lot {label.lot}")
    if made_on is not None:
        batch.append(f"Compounded {made_on.isoformat()}")
    blocks = [
        ("pharmacy.name", label.pharmacy.name, "B", 1.0),
        (
            "pharmacy.address",
            f"{label.pharmacy.address} · {label.pharmacy.phone}",
            "",
            0.9,
        ),
        ("rx_number", "   ".join(batch), "B", 1.0),
        ("patient", label.patient, "B", 1.2),
        ("drug", f"{label.drug} {label.strength_text}", "B", 1.2),
        (
            "dosage_form",
            f"{label.dosage_form.capitalize()}, {label.route}. Quantity: {label.quantity.display}",
            "",
            1.0,
        ),
        ("directions", label.directions, "B", 1.1),
    ]
    if label.step:
        blocks.append(("step", label.step, "", 1.0))
    blocks += [
        ("prescriber", f"Prescriber: {label.prescriber}", "", 1.0),
        ("bud", label.bud_text, "B", 1.1),
    ]
    if label.storage:
        blocks.append(("storage", label.storage, "", 1.0))
    blocks.append(("compounded_statement", label.compounded_statement, "", 0.9))
    blocks += [(f"auxiliary.{w.code}", f"• {w.text}", "", 0.9) for w in label.auxiliary]
    return blocks


def _wrap(pdf: FPDF, text: str, width: float) -> list[str] | None:
    """Lines of ``text`` within ``width`` at the current font, or None if a word is wider."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if pdf.get_string_width(word) > width:
            return None
        candidate = f"{current} {word}" if current else word
        if pdf.get_string_width(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


_LEADING = 1.18  # line height / font size


def _layout_label(
    pdf: FPDF, blocks: list[tuple[str, str, str, float]], size: float, width: float
) -> tuple[list[tuple[str, float, str, float]], str, float] | tuple[None, str, float]:
    """Lines (style, size, text, height) at base ``size``; or None, the field whose word is too
    wide; the height used."""
    out: list[tuple[str, float, str, float]] = []
    used = 0.0
    for field, text, style, factor in blocks:
        pt = max(size * factor, MIN_LABEL_PT)
        pdf.set_font("sans", style, pt)
        lines = _wrap(pdf, text, width)
        if lines is None:
            return None, field, used
        for line in lines:
            out.append((style, pt, line, pt * _PT * _LEADING))
            used += pt * _PT * _LEADING
    return out, "", used


def _draw_label(
    pdf: FPDF,
    label: lc.Label,
    made_on: dt.date | None,
    record_id: str | None,
    width: float,
    height: float,
    page_text: str,
) -> None:
    margin = _margin(width)
    inner = width - 2 * margin
    check_barcodable("rx_number", label.rx_number)
    if record_id is not None:
        check_barcodable("record_id", record_id)
    code = label_barcode_text(label, record_id)
    _refuse_narrow_barcode(code, width, page_text)
    bar_height = _bar_height(height)
    caption_pt = MIN_LABEL_PT + 1
    bottom = bar_height + caption_pt * _PT * _LEADING + 1.0
    blocks = _label_blocks(label, made_on)
    room = height - 2 * margin - bottom
    pdf.add_page()
    lines = _fit_label(pdf, label, blocks, inner, room, (width, height), page_text)
    y = margin
    pdf.set_text_color(0, 0, 0)
    for style, pt, line, line_height in lines:
        pdf.set_font("sans", style, pt)
        pdf.set_xy(margin, y)
        pdf.cell(inner, line_height, line)
        y += line_height
    top = height - margin - bottom + 0.5
    drawn = _draw_barcode(
        pdf,
        "record_id" if record_id else "rx_number",
        code,
        x=margin,
        y=top,
        width=inner,
        height=bar_height,
    )
    pdf.set_font("sans", "", caption_pt)
    pdf.set_xy(margin, top + bar_height)
    pdf.cell(drawn, caption_pt * _PT * _LEADING, code, align="C")


def _bar_height(height: float) -> float:
    """The bar code's height on a label ``height`` mm high."""
    return max(6.0, min(10.0, height * 0.12))


def _fit_label(
    pdf: FPDF,
    label: lc.Label,
    blocks: list[tuple[str, str, str, float]],
    inner: float,
    room: float,
    page: tuple[float, float],
    page_text: str,
) -> list[tuple[str, float, str, float]]:
    """The label's lines at the largest font size (a quarter point at a time) that fits the
    room above the bar code; refused when even the minimum size does not fit: a word wider
    than the label names its field, text taller than the label names the page (probe2 P6: the
    whole label does not fit, not the field that happens to cross the bottom)."""
    width, height = page
    size = MAX_LABEL_PT
    while True:
        lines, field, used = _layout_label(pdf, blocks, size, inner)
        if lines is not None and used <= room:
            return lines
        if size <= MIN_LABEL_PT:
            if lines is None:
                raise lc.InputError.about(
                    field,
                    _field_value(label, field),
                    f"has a word wider than the {width:.1f} mm label at the {MIN_LABEL_PT:g} pt"
                    " minimum font size",
                    "a wider --page, or shorter words",
                    code="word-too-wide",
                )
            raise _too_small(page, page_text, height - room, _height_at_minimum(pdf, blocks, inner))
        size -= 0.25


def _field_value(label: lc.Label, field: str) -> str:
    """The label document's own value of ``field`` (for a refusal naming it)."""
    for path, value in _leaves(lc.to_json(label)):
        if path == field:
            return value
    if field.startswith("auxiliary."):
        code = field.removeprefix("auxiliary.")
        return next(w.text for w in label.auxiliary if w.code == code)
    return next(t for f, t, _s, _z in _label_blocks(label, None) if f == field)


def _height_at_minimum(pdf: FPDF, blocks: list[tuple[str, str, str, float]], width: float) -> float:
    """The height, mm, the label's text takes at the minimum font size on lines ``width`` mm
    wide (called once every word is known to fit the width)."""
    used = 0.0
    for _field, text, style, factor in blocks:
        pt = max(MIN_LABEL_PT * factor, MIN_LABEL_PT)
        pdf.set_font("sans", style, pt)
        used += len(_wrap(pdf, text, width) or [text]) * pt * _PT * _LEADING
    return used


def _too_small(
    page: tuple[float, float], page_text: str, reserved: float, text_height: float
) -> lc.LdnCompoundError:
    """``label-does-not-fit``: the page, its size, the height the text needs at the minimum
    font size and the least page height of the same width that holds it (the bar code and the
    margins grow with the page, so the height is stepped up until it fits)."""
    width, height = page
    typed = _PAGE.fullmatch(page_text)
    inches = typed is not None and typed[3] == "in"
    step = _MM_PER_IN / 10 if inches else 1.0
    fixed = reserved - _bar_height(height)  # the margins and the caption under the bar code
    needed = math.ceil(height / step) * step
    while needed - fixed - _bar_height(needed) < text_height:
        needed += step
    across = typed[1] if typed is not None else f"{width:g}"  # the width as it was typed
    least = f"{across}x{needed / _MM_PER_IN:.1f}in" if inches else f"{across}x{needed:.0f}mm"
    high_enough = needed <= PAGE_LIMITS[1][1]
    return lc.InputError.about(
        "--page",
        page_text,
        f"({width:.1f} x {height:.1f} mm) is too small for this label: at the "
        f"{MIN_LABEL_PT:g} pt minimum font size its text needs {text_height:.1f} mm of height "
        f"above the bar code, and the page leaves {height - reserved:.1f} mm",
        f"a --page of at least {least}" if high_enough else "a wider --page, or shorter text",
        code="label-does-not-fit",
    )


def made_on(result: Any) -> dt.date | None:
    """The compounding date of a result or record (None for a kit, whose fills differ)."""
    day = getattr(result, "compounded_on", None)
    if isinstance(day, dt.date):
        return day
    bud = getattr(result, "bud", None)
    day = getattr(bud, "compounded_on", None)
    return day if isinstance(day, dt.date) else None


def kit_dates(kit: Any) -> list[dt.date | None]:
    """The compounding date of each kit label, in the order of :func:`build_kit_labels`."""
    by_strength = {b.dose.m_as(lc.Unit.MG): b for b in kit.capsule_batches}
    days = [made_on(by_strength[c.strength.m_as(lc.Unit.MG)]) for c in kit.containers]
    days += [made_on(f) for f in (kit.liquid_fills or kit.drops_fills)]
    return days


def label_pdf(
    labels: list[lc.Label] | tuple[lc.Label, ...],
    dates: list[dt.date | None],
    *,
    page: tuple[float, float],
    record_id: str | None = None,
    page_text: str | None = None,
) -> bytes:
    """One page per label, each on ``page`` (width, height in mm); ``page_text`` is the
    ``--page`` the size was read from, named in a refusal."""
    for one in labels:
        check_printable(_leaves(lc.to_json(one)), SANS)
        check_printable(_leaves(lc.to_json(one)), BOLD)
    if record_id is not None:
        check_printable([("record_id", record_id)], SANS)
    width, height = page
    shown = page_text if page_text is not None else f"{width:g}x{height:g}mm"
    first = labels[0]
    known = [d for d in dates if d is not None]
    pdf = _document(
        f"Label Rx {first.rx_number}", min(known) if known else None, width=width, height=height
    )
    with _closing_fonts(pdf):
        for one, day in zip(labels, dates, strict=True):
            _draw_label(pdf, one, day, record_id, width, height, shown)
        return bytes(pdf.output())


# --- worksheets and records --------------------------------------------------------------------

_BLANK = re.compile(r"_{4,}")
_NUMBERED = re.compile(r"\s+\d+\.\s")
#: sections whose numbered lines are done one by one at the bench: each gets a check box
_CHECKED = ("Procedure", "Weighings", "Measurements", "Fills", "Containers")


class _Sheet(FPDF):
    """A page with a running footer: the document, the library version and page N of M."""

    footer_text = ""

    def footer(self) -> None:
        self.set_xy(15, self.h - 12)
        self.set_font("sans", "", 7)
        self.set_text_color(60, 60, 60)
        self.cell(self.w - 30, 4, self.footer_text)
        self.set_xy(15, self.h - 12)
        self.cell(self.w - 30, 4, f"page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _sheet_document(
    title: str, day: dt.date | None, paper: str, footer: str
) -> tuple[_Sheet, float, float]:
    width, height = PAPERS[paper]
    pdf = _Sheet(unit="mm", format=(width, height))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(15, 15, 15)
    pdf.add_font("sans", "", str(FONTS / SANS))
    pdf.add_font("sans", "B", str(FONTS / BOLD))
    pdf.add_font("mono", "", str(FONTS / MONO))
    day = day or dt.date(2000, 1, 1)
    pdf.set_creation_date(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
    pdf.set_producer(f"ldncompound {lc.__version__} (ldncompound-cli {cli_version})")
    pdf.set_creator("ldncompound")
    pdf.set_title(title)
    pdf.footer_text = footer
    pdf.alias_nb_pages()
    return pdf, width, height


def _unprintable(field: str, text: str, char: str) -> lc.LdnCompoundError:
    return lc.InputError.about(
        field,
        text,
        f"has the character {char!r} (U+{ord(char):04X}) that the PDF font cannot print",
        "letters of the Latin, Greek or Cyrillic scripts, digits and punctuation",
        code="not-printable",
    )


def _find_field(data: Any, text: str) -> tuple[str, str]:
    """The result field (a JSON path) whose text contains ``text``, and its value."""
    for path, value in _leaves(data):
        if text in value:
            return path, value
    return "worksheet", text  # the library's own words


def _check_sheet(document: Any, text: str) -> None:
    """Refuse a worksheet with a character the fonts cannot draw, naming the result's field."""
    fonts = (_cmap(MONO), _cmap(BOLD), _cmap(SANS))
    for char in text:
        if char != "\n" and any(ord(char) not in cmap for cmap in fonts):
            field, value = _find_field(lc.to_json(document), char)
            raise _unprintable(field, value, char)


def _sheet_lines(lines: list[str]) -> Iterator[tuple[str, str]]:
    """The worksheet's lines by kind: ``title`` (underlined with ``=``), ``heading``
    (underlined with ``-``), ``blank`` or ``text``."""
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and following and set(following) == {"="}:
            yield "title", line
            i += 2
        elif line.strip() and set(following) == {"-"} and len(following) == len(line):
            yield "heading", line
            i += 2
        else:
            yield ("text" if line.strip() else "blank"), line
            i += 1


def worksheet_pdf(document: Any, *, paper: str = "a4", record_id: str | None = None) -> bytes:
    """The text worksheet of ``document`` (a result or a compounding record), laid out on
    ``paper`` with section headings, check boxes, a signature block, a barcode of
    ``record_id`` (the record's id, or the order's reference) and page numbers."""
    text = lc.render_worksheet(document)
    _check_sheet(document, text)
    if record_id is not None:
        check_printable([("record_id", record_id)], SANS)
        check_barcodable("record_id", record_id)
    lines = text.splitlines()
    schema = getattr(document, "schema", "")
    footer = " · ".join(
        part for part in (record_id, schema, f"ldncompound {lc.__version__}") if part
    )
    pdf, width, height = _sheet_document(lines[0], made_on(document), paper, footer)
    with _closing_fonts(pdf):
        page = _SheetLayout(pdf, document, width=width, height=height)
        if record_id is not None:
            page.barcode(record_id)
        for kind, line in _sheet_lines(lines):
            if kind == "title":
                page.title(line, beside_barcode=record_id is not None)
            elif kind == "heading":
                page.heading(line)
            elif kind == "blank":
                page.y += SHEET_PT * _PT * 1.25 * 0.5
            else:
                page.text(line)
        page.signatures()
        return bytes(pdf.output())


class _SheetLayout:
    """Where the next line of a worksheet goes, and how each kind of line is drawn."""

    TOP = 15.0
    BARCODE_WIDTH, BARCODE_HEIGHT = 75.0, 12.0
    MONO_ADVANCE = 0.6  # DejaVu Sans Mono advance width, em

    def __init__(self, pdf: FPDF, document: Any, *, width: float, height: float) -> None:
        self.pdf, self.document = pdf, document
        self.left, self.right, self.bottom = 15.0, width - 15.0, height - 18.0
        self.y = self.TOP
        self.section = ""
        pdf.add_page()

    def room(self, needed: float) -> None:
        """Start a new page unless ``needed`` mm fit above the footer."""
        if self.y + needed > self.bottom:
            self.pdf.add_page()
            self.y = self.TOP

    def barcode(self, record_id: str) -> None:
        pdf, x = self.pdf, self.right - self.BARCODE_WIDTH
        drawn = _draw_barcode(
            pdf,
            "record_id",
            record_id,
            x=x,
            y=self.TOP,
            width=self.BARCODE_WIDTH,
            height=self.BARCODE_HEIGHT,
        )
        pdf.set_font("sans", "", 7)
        pdf.set_xy(x, self.TOP + self.BARCODE_HEIGHT)
        pdf.cell(drawn, 3.5, record_id, align="C")

    def title(self, line: str, *, beside_barcode: bool) -> None:
        """The document's title in bold, wrapped (and shrunk for a long word) beside the
        barcode."""
        pdf = self.pdf
        width = self.right - self.left - (self.BARCODE_WIDTH + 5 if beside_barcode else 0.0)
        size = 13.0
        pdf.set_font("sans", "B", size)
        while (parts := _wrap(pdf, line, width)) is None:
            if size <= MIN_SHEET_PT:
                _too_wide(self.document, max(line.split(), key=pdf.get_string_width), width)
            size -= 0.5
            pdf.set_font("sans", "B", size)
        for part in parts:
            pdf.set_xy(self.left, self.y)
            pdf.cell(width, size * _PT * 1.3, part)
            self.y += size * _PT * 1.3
        below = self.TOP + (self.BARCODE_HEIGHT + 5 if beside_barcode else 0.0)
        self.y = max(self.y, below) + 1

    def heading(self, line: str) -> None:
        """A section heading in bold over a rule, kept with the section's first lines."""
        pdf = self.pdf
        self.room(6 + 3 * SHEET_PT * _PT * 1.25)
        self.section = line
        self.y += 1.5
        pdf.set_font("sans", "B", 10)
        pdf.set_xy(self.left, self.y)
        pdf.cell(self.right - self.left, 5, line)
        self.y += 5
        pdf.set_draw_color(120, 120, 120)
        pdf.line(self.left, self.y, self.right, self.y)
        self.y += 1

    def text(self, line: str) -> None:
        """A line of the text worksheet in the monospaced font: a box to tick beside a
        numbered step of a bench section, a box to write in for each blank (``____``)."""
        pdf, left = self.pdf, self.left
        pieces = _sheet_pieces(pdf, line, SHEET_PT, self.right - left, self.document)
        for n, (piece, pt) in enumerate(pieces):
            line_h = pt * _PT * 1.25
            self.room(line_h)
            pdf.set_font("mono", "", pt)
            pdf.set_draw_color(0, 0, 0)
            if n == 0 and self.section.startswith(_CHECKED) and _NUMBERED.match(piece):
                pdf.rect(left - 5.0, self.y + 0.45, 2.8, 2.8)
            advance = pt * _PT * self.MONO_ADVANCE
            blanks = list(_BLANK.finditer(piece))
            self.y += 1.0 if blanks else 0.0  # room above a box to write in
            for blank in blanks:
                start = left + blank.start() * advance
                last = blank.end() == len(piece.rstrip())
                end = self.right if last else left + blank.end() * advance
                pdf.rect(start, self.y - 0.7, end - start, line_h + 1.4)
            pdf.set_xy(left, self.y)
            pdf.cell(self.right - left, line_h, _BLANK.sub(lambda m: " " * len(m[0]), piece))
            self.y += line_h + (1.0 if blanks else 0.0)

    def signatures(self) -> None:
        """Boxes for the compounder's and the checker's name, signature and date."""
        pdf, left = self.pdf, self.left
        self.room(32.0)
        self.y += 4
        pdf.set_font("sans", "B", 10)
        pdf.set_xy(left, self.y)
        pdf.cell(self.right - left, 5, "Signatures")
        self.y += 6
        column = (self.right - left) / 3
        pdf.set_font("sans", "", 8)
        pdf.set_draw_color(0, 0, 0)
        for who in ("Compounded by", "Checked and verified by"):
            for k, what in enumerate((who, "Signature", "Date")):
                x = left + k * column
                pdf.rect(x, self.y, column - 2, 10)
                pdf.set_xy(x + 1, self.y + 0.5)
                pdf.cell(column - 4, 3.5, what)
            self.y += 12


def _sheet_pieces(
    pdf: FPDF, line: str, size: float, width: float, document: Any
) -> list[tuple[str, float]]:
    """A worksheet line as printed: whole, wrapped under its indent, or shrunk (a long word)."""
    pdf.set_font("mono", "", size)
    if pdf.get_string_width(line) <= width:
        return [(line, size)]
    indent = len(line) - len(line.lstrip(" "))
    pieces: list[tuple[str, float]] = []
    current = line[:indent]
    for word in line[indent:].split(" "):
        candidate = f"{current} {word}" if current.strip() else current + word
        if pdf.get_string_width(candidate) <= width:
            current = candidate
            continue
        if current.strip():
            pieces.append((current, size))
        current = " " * (indent + 4) + word
        if pdf.get_string_width(current) > width:
            pt = size
            while pt > MIN_SHEET_PT:
                pt -= 0.25
                pdf.set_font("mono", "", pt)
                if pdf.get_string_width(current) <= width:
                    break
            if pdf.get_string_width(current) > width:
                _too_wide(document, word, width)
            pieces.append((current, pt))
            pdf.set_font("mono", "", size)
            current = " " * (indent + 4)
    if current.strip():
        pieces.append((current, size))
    return pieces


def _too_wide(document: Any, word: str, width: float) -> NoReturn:
    """Refuse a word wider than the line at the minimum size, naming the result's field."""
    field, _value = _find_field(lc.to_json(document), word.strip(string.punctuation))
    raise lc.InputError.about(
        field,
        word,
        f"is too wide for the {width:.0f} mm line at the {MIN_SHEET_PT:g} pt minimum font size",
        "shorter words",
        code="word-too-wide",
    )
