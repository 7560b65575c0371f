"""The documents the PDF tests print and the docs show (tools/render_docs_images.py): one
label, one worksheet page, one record page, and how a page becomes a grey image."""

from __future__ import annotations

from decimal import Decimal

import orders
import pypdfium2 as pdfium
from ldncompound_cli import _pdf
from PIL import Image  # noqa: TC002 - the return type, read by people

import ldncompound as lc

RX = "RX-20261121-07"
RECORD_ID = "R-2026-0042"
REFERENCE = "B-2026-1121"
PATIENT = "Ζωή Παπαδοπούλου-Иванова"  # Greek and Cyrillic: both must print
PRESCRIBER = "Dr Ана Петровић"

#: pixels per inch of the snapshots: a label is small, so it is looked at closer
DPI = {"label": 200, "worksheet": 100, "record": 100}


def result() -> lc.CapsuleResult:
    return lc.formulate_capsules(orders.capsules(reference=REFERENCE))


def label_order() -> lc.LabelOrder:
    return lc.LabelOrder(
        patient=PATIENT,
        prescriber=PRESCRIBER,
        pharmacy=lc.Pharmacy(
            name="Main Street Pharmacy", address="1 Main Street, Springfield", phone="555-0100"
        ),
        rx_number=RX,
        record_id=RECORD_ID,
        doses_per_day=Decimal(1),
        timing="at bedtime",
    )


def label() -> lc.Label:
    return lc.build_label(result(), label_order())


def record() -> lc.CompoundingRecord:
    return lc.make_record(
        result(),
        record_id=RECORD_ID,
        compounded_by="A. Smith",
        verified_by="B. Jones",
        actual_weighings=(lc.ActualWeighing(number=1, amount=lc.mass("602 mg")),),
        unit_weights=tuple(lc.mass(f"{w} mg") for w in (60, 61, 59, 60, 62, 58, 60, 61, 59, 60)),
        yield_units=30,
    )


def label_pdf(page: str = _pdf.DEFAULT_LABEL_PAGE) -> bytes:
    res = result()
    return _pdf.label_pdf(
        [label()], [_pdf.made_on(res)], page=_pdf.parse_page(page), record_id=RECORD_ID
    )


def worksheet_pdf(paper: str = "a4") -> bytes:
    return _pdf.worksheet_pdf(result(), paper=paper, record_id=REFERENCE)


def record_pdf(paper: str = "letter") -> bytes:
    rec = record()
    return _pdf.worksheet_pdf(rec, paper=paper, record_id=rec.record_id)


SAMPLES = {"label": label_pdf, "worksheet": worksheet_pdf, "record": record_pdf}


def pages(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


def render(pdf: bytes, page: int = 0, dpi: int = 100) -> Image.Image:
    """Page ``page`` of ``pdf`` as a greyscale image at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    image = document[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    document.close()
    return image
