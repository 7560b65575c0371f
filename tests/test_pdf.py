"""PDF labels, worksheets and records, read back: their text (pypdf), their barcodes (pages
rendered by pypdfium2, decoded by zxing-cpp), a reviewed snapshot of each layout (Pillow, with
a small pixel tolerance), and every refusal through the command line."""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata

import attrs
import orders
import pdf_samples
import pypdf
import pytest
import zxingcpp
from approval import APPROVED
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import __version__ as cli_version
from ldncompound_cli import _pdf, cli
from PIL import Image, ImageChops

import ldncompound as lc

#: a snapshot pixel "differs" when its grey level moves by more than this (anti-aliasing and
#: font hinting move edges by a few levels between renderer builds)
GREY_STEP = 64
#: ... and at most this share of the pixels may differ
PIXEL_SHARE = 0.003


def text_of(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (wrapped lines read as one)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def squash(text: str) -> str:
    return " ".join(text.split())


def barcodes(pdf: bytes, page: int = 0) -> list[tuple[str, str]]:
    image = pdf_samples.render(pdf, page, dpi=300)
    return [(b.format.name, b.text) for b in zxingcpp.read_barcodes(image)]


# --- labels ---------------------------------------------------------------------------------


def label_facts(label: lc.Label) -> list[str]:
    """Every fact of the text label (tests/test_labels.py covers what they say)."""
    facts = [
        label.pharmacy.name,
        label.pharmacy.address,
        label.pharmacy.phone,
        f"Rx {label.rx_number}",
        label.patient,
        label.prescriber,
        f"{label.drug} {label.strength_text}",
        label.dosage_form.capitalize(),
        label.route,
        label.quantity.display,
        label.directions,
        label.bud_text,
        label.compounded_statement,
        *(w.text for w in label.auxiliary),
    ]
    if label.lot:
        facts.append(f"Lot {label.lot}")
    if label.step:
        facts.append(label.step)
    if label.storage:
        facts.append(label.storage)
    return facts


def test_label_pdf_has_every_fact_of_the_text_label_and_the_batch_date():
    label = pdf_samples.label()
    [page] = text_of(pdf_samples.label_pdf())
    for fact in label_facts(label):
        assert squash(fact) in page, fact
    assert "Compounded 2026-11-21" in page
    # the text label's own lines, rewrapped, are all in the PDF
    for line in lc.render_label(label, width=200).splitlines()[1:-1]:
        for part in line.split("  "):
            # the PDF prints the pharmacy's name, address and phone apart
            for piece in re.split(r", (?=1 Main|555)", part):
                assert squash(piece) in page, piece


def test_label_barcode_scans_back_to_the_rx_number_and_the_record_id():
    assert barcodes(pdf_samples.label_pdf()) == [
        ("Code128", f"{pdf_samples.RX}|{pdf_samples.RECORD_ID}")
    ]
    res = pdf_samples.result()
    alone = _pdf.label_pdf([pdf_samples.label()], [None], page=(100.0, 80.0))
    assert barcodes(alone) == [("Code128", pdf_samples.RX)]
    assert "Compounded" not in text_of(alone)[0]  # no date known, none printed
    assert _pdf.made_on(res) == orders.DAY


@pytest.mark.parametrize("name", ["liquid", "drops", "troches"])
def test_every_preparation_prints_its_label(name):
    res = orders.FORMULATE[name](getattr(orders, name)(reference="B-7"))
    label = lc.build_label(res, pdf_samples.label_order())
    pdf = _pdf.label_pdf([label], [_pdf.made_on(res)], page=_pdf.parse_page("4x3in"))
    [page] = text_of(pdf)
    for fact in label_facts(label):
        assert squash(fact) in page, fact
    assert barcodes(pdf) == [("Code128", pdf_samples.RX)]


def test_label_page_size_is_the_stock_asked_for():
    for page, points in (("4x3in", (288, 216)), ("100x70mm", (283.46, 198.43))):
        reader = pypdf.PdfReader(io.BytesIO(pdf_samples.label_pdf(page)))
        box = reader.pages[0].mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == points


def test_label_shrinks_to_fit_and_never_below_the_minimum():
    # a smaller label prints the same facts, smaller
    small = pdf_samples.label_pdf("90x70mm")
    for fact in label_facts(pdf_samples.label()):
        assert squash(fact) in text_of(small)[0]
    sizes = {
        round(float(size), 2) for size in re.findall(rb"/F\d+ ([0-9.]+) Tf", _uncompressed(small))
    }
    assert min(sizes) >= _pdf.MIN_LABEL_PT
    with pytest.raises(lc.InputError) as err:
        pdf_samples.label_pdf("4x2in")
    assert err.value.code == "label-does-not-fit"
    assert "6 pt minimum" in err.value.message


def _uncompressed(pdf: bytes) -> bytes:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return b"".join(page.get_contents().get_data() for page in reader.pages)  # type: ignore[union-attr]


def test_the_same_input_prints_the_same_bytes():
    assert pdf_samples.label_pdf() == pdf_samples.label_pdf()
    assert pdf_samples.record_pdf() == pdf_samples.record_pdf()
    meta = pypdf.PdfReader(io.BytesIO(pdf_samples.worksheet_pdf())).metadata
    assert meta is not None
    assert meta["/CreationDate"] == "D:20261121000000Z"
    assert meta["/Producer"] == f"ldncompound {lc.__version__} (ldncompound-cli {cli_version})"


def test_kit_labels_print_one_page_each_with_their_own_date():
    kit = lc.plan_titration(
        lc.TitrationOrder(
            steps=(lc.parse_step("1.5 mg:14", field="step"),),
            maintenance=lc.mass("4.5 mg"),
            maintenance_days=28,
            start=orders.DAY,
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(template=orders.capsules(doses_per_day=None)),
        )
    )
    order = pdf_samples.label_order()
    labels = lc.build_kit_labels(kit, lc.LabelOrder(**{**_fields(order), "doses_per_day": None}))
    dates = _pdf.kit_dates(kit)
    assert len(dates) == len(labels) > 1
    pdf = _pdf.label_pdf(labels, dates, page=_pdf.parse_page("4x4in"))
    pages = text_of(pdf)
    assert len(pages) == len(labels)
    for label, page in zip(labels, pages, strict=True):
        for fact in label_facts(label):
            assert squash(fact) in page, fact
        assert "Compounded 2026-11-21" in page


def _fields(order: lc.LabelOrder) -> dict[str, object]:
    return attrs.asdict(order, recurse=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100x50mm", (100.0, 50.0)),
        ("4x2in", (101.6, 50.8)),
        (" 4 × 2.5 in ", (101.6, 63.5)),
        ("62X29mm", (62.0, 29.0)),
    ],
)
def test_page_sizes_in_mm_and_inches(text, expected):
    assert _pdf.parse_page(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("4x2", "bad-page"),
        ("100mm", "bad-page"),
        ("100x50cm", "bad-page"),
        ("-4x2in", "bad-page"),
        ("100,5x50mm", "bad-page"),
        ("10x50mm", "out-of-range"),
        ("1000x50mm", "out-of-range"),
        ("100x5mm", "out-of-range"),
    ],
)
def test_malformed_or_impossible_page_sizes_are_refused(text, code):
    with pytest.raises(lc.InputError) as err:
        _pdf.parse_page(text, field="--page")
    assert err.value.code == code
    assert err.value.message.startswith("--page: ")


#: letters of the scripts the embedded fonts cover: Latin (with its extensions), Greek, Cyrillic
_COVERED_LETTERS = st.one_of(
    st.characters(min_codepoint=0x41, max_codepoint=0x24F, categories=("Lu", "Ll")),
    st.characters(min_codepoint=0x370, max_codepoint=0x3FF, categories=("Lu", "Ll")),
    st.characters(min_codepoint=0x400, max_codepoint=0x4FF, categories=("Lu", "Ll")),
)


@settings(max_examples=25)
@given(st.lists(st.text(_COVERED_LETTERS, min_size=1, max_size=14), min_size=1, max_size=4))
def test_any_latin_greek_or_cyrillic_name_prints(words):
    name = " ".join(words)
    order = lc.LabelOrder(**{**_fields(pdf_samples.label_order()), "patient": name})
    label = lc.build_label(pdf_samples.result(), order)
    [page] = text_of(_pdf.label_pdf([label], [None], page=(101.6, 76.2)))
    # pypdf reads a ligature letter (Ĳ) as its letters (IJ): compare compatibility forms
    assert unicodedata.normalize("NFKC", squash(label.patient)) in unicodedata.normalize(
        "NFKC", page
    )


@settings(max_examples=40)
@given(st.text(min_size=1, max_size=60).filter(str.strip))
def test_any_accepted_name_prints_or_is_refused_by_field(name):
    try:
        order = lc.LabelOrder(**{**_fields(pdf_samples.label_order()), "patient": name})
    except lc.InputError:
        return  # the label refuses it already (control characters...)
    try:
        label = lc.build_label(pdf_samples.result(), order)
    except lc.InputError as err:  # a name that states a dose ('0L', '5 mg'): by its field
        assert err.field == "patient"
        return
    try:
        pdf = _pdf.label_pdf([label], [None], page=(101.6, 76.2))
    except lc.InputError as err:
        assert err.code in {"not-printable", "word-too-wide", "label-does-not-fit"}
        assert err.field == "patient" or err.code == "label-does-not-fit"
        return
    assert pdf.startswith(b"%PDF-")


# --- worksheets and records ------------------------------------------------------------------


def printed_lines(text: str) -> list[str]:
    """The worksheet's text lines as the PDF prints them (headings' underlines are rules; the
    blanks to fill in are boxes)."""
    out = []
    for line in text.splitlines():
        if not line.strip() or set(line) <= {"-", "="}:
            continue
        out.append(squash(re.sub(r"_{4,}", " ", line)))
    return [line for line in out if line]


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("kind", ["worksheet", "record"])
def test_sheets_print_every_line_of_the_text_page_numbers_and_version(kind, paper):
    document = pdf_samples.result() if kind == "worksheet" else pdf_samples.record()
    pdf = pdf_samples.worksheet_pdf(paper) if kind == "worksheet" else pdf_samples.record_pdf(paper)
    pages = text_of(pdf)
    everything = " ".join(pages)
    title = lc.render_worksheet(document).splitlines()[0]
    for line in printed_lines(lc.render_worksheet(document))[1:]:
        assert line in everything, line
    for word in title.split():
        assert word in pages[0]
    for n, page in enumerate(pages, start=1):
        assert f"page {n} of {len(pages)}" in page
        assert f"ldncompound {lc.__version__}" in page
    assert "Signatures" in pages[-1]
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == {
        "a4": (595, 842),
        "letter": (612, 792),
    }[paper]


def test_record_and_worksheet_barcodes_scan_back():
    assert barcodes(pdf_samples.record_pdf()) == [("Code128", pdf_samples.RECORD_ID)]
    assert barcodes(pdf_samples.worksheet_pdf()) == [("Code128", pdf_samples.REFERENCE)]
    bare = _pdf.worksheet_pdf(pdf_samples.result(), paper="a4")
    assert barcodes(bare) == []


@pytest.mark.parametrize("name", ["liquid", "drops", "troches"])
def test_every_preparation_prints_its_worksheet(name):
    res = orders.FORMULATE[name](getattr(orders, name)(reference="B-7"))
    pdf = _pdf.worksheet_pdf(res, paper="letter", record_id="B-7")
    everything = " ".join(text_of(pdf))
    for line in printed_lines(lc.render_worksheet(res))[1:]:
        assert line in everything, line
    assert barcodes(pdf) == [("Code128", "B-7")]


def test_a_long_line_wraps_under_its_indent_and_a_long_word_shrinks():
    deviation = "the mortar was changed after the third portion " * 4
    long_word = "x" * 110
    rec = lc.make_record(
        pdf_samples.result(),
        record_id="R-1",
        compounded_by="A. Smith",
        deviations=(deviation.strip(), long_word),
    )
    pdf = _pdf.worksheet_pdf(rec, paper="a4")
    everything = " ".join(text_of(pdf))
    assert squash(deviation) in everything
    assert long_word in everything
    sizes = {float(s) for s in re.findall(rb"/F\d+ ([0-9.]+) Tf", _uncompressed(pdf))}
    assert min(sizes) >= _pdf.MIN_SHEET_PT
    assert min(sizes) < _pdf.SHEET_PT  # the long word was shrunk, not cut
    too_long = lc.make_record(
        pdf_samples.result(), record_id="R-1", compounded_by="A. Smith", deviations=("y" * 190,)
    )
    with pytest.raises(lc.InputError) as err:
        _pdf.worksheet_pdf(too_long, paper="a4")
    assert err.value.code == "word-too-wide"
    assert err.value.field == "deviations[0]"


def test_a_long_word_in_the_title_shrinks_or_is_refused():
    for length, fits in ((45, True), (150, False)):
        rec = lc.make_record(pdf_samples.result(), record_id="W" * length, compounded_by="A. Smith")
        if fits:
            assert "W" * length in " ".join(text_of(_pdf.worksheet_pdf(rec)))
            continue
        with pytest.raises(lc.InputError) as err:
            _pdf.worksheet_pdf(rec)
        assert (err.value.code, err.value.field) == ("word-too-wide", "record_id")


def test_a_character_the_font_cannot_draw_is_refused_by_field():
    res = lc.formulate_capsules(orders.capsules(reference="批次-7"))
    with pytest.raises(lc.InputError) as err:
        _pdf.worksheet_pdf(res, paper="a4")
    assert (err.value.code, err.value.field) == ("not-printable", "order.reference")
    assert "U+6279" in err.value.message
    order = lc.LabelOrder(**{**_fields(pdf_samples.label_order()), "prescriber": "Dr 山田"})
    with pytest.raises(lc.InputError) as err:
        _pdf.label_pdf(
            [pdf_samples.label_order() and lc.build_label(pdf_samples.result(), order)],
            [None],
            page=(100.0, 80.0),
        )
    assert (err.value.code, err.value.field) == ("not-printable", "prescriber")


# --- snapshots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(pdf_samples.SAMPLES))
def test_layout_matches_the_reviewed_snapshot(name):
    image = pdf_samples.render(pdf_samples.SAMPLES[name](), 0, pdf_samples.DPI[name])
    path = APPROVED / "pdf" / f"{name}.png"
    if os.environ.get("LDNCOMPOUND_APPROVE") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path, optimize=True)
        return
    approved = Image.open(path).convert("L")
    assert approved.size == image.size
    # compared at half the resolution, so that a renderer's anti-aliasing of an edge is not a
    # change of layout; a moved, added or missing line or box still is
    half, approved_half = image.reduce(2), approved.reduce(2)
    histogram = ImageChops.difference(approved_half, half).histogram()
    differing = sum(histogram[GREY_STEP + 1 :])
    assert differing <= PIXEL_SHARE * half.width * half.height, differing


# --- the command line --------------------------------------------------------------------------

LABEL_ARGS = (
    *("--patient", pdf_samples.PATIENT, "--prescriber", pdf_samples.PRESCRIBER),
    *(
        "--pharmacy-name",
        "Main Street Pharmacy",
        "--pharmacy-address",
        "1 Main Street, Springfield",
    ),
    *("--pharmacy-phone", "555-0100", "--rx", pdf_samples.RX, "--doses-per-day", "1"),
    *("--timing", "at bedtime", "--record-id", pdf_samples.RECORD_ID),
)


@pytest.fixture
def result_file(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(lc.dumps(pdf_samples.result()))
    return path


def run(*args: object) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_label_pdf_is_the_sample(result_file, tmp_path):
    out = tmp_path / "label.pdf"
    res = run("label", result_file, *LABEL_ARGS, "--format", "pdf", "--output", out,
              "--record-id", pdf_samples.RECORD_ID)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == pdf_samples.label_pdf()


def test_cli_record_and_worksheet_pdfs_are_the_samples(result_file, tmp_path):
    out = tmp_path / "record.pdf"
    res = run(
        "record", result_file, "--record-id", pdf_samples.RECORD_ID, "--compounded-by", "A. Smith",
        "--verified-by", "B. Jones", "--weighed", "1=602 mg", "--yield", "30",
        *(a for w in (60, 61, 59, 60, 62, 58, 60, 61, 59, 60) for a in ("--unit-weight", f"{w} mg")),
        "--format", "pdf", "--output", out, "--paper", "letter",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == pdf_samples.record_pdf()
    args = orders.command("capsules", **{"--reference": pdf_samples.REFERENCE})
    sheet = tmp_path / "sheet.pdf"
    res = run(*args, "--format", "pdf", "--output", sheet)
    assert res.exit_code == 0, res.output
    assert sheet.read_bytes() == pdf_samples.worksheet_pdf()
    res = CliRunner().invoke(cli, [*args, "--format", "pdf", "--output", "-"])
    assert res.exit_code == 0
    assert res.stdout_bytes == pdf_samples.worksheet_pdf()


@pytest.mark.parametrize("name", ["liquid", "drops", "troches"])
def test_cli_preparations_print_pdf_worksheets(name, tmp_path):
    out = tmp_path / f"{name}.pdf"
    res = run(*orders.command(name), "--format", "pdf", "--output", out, "--paper", "letter")
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_cli_titration_kit_labels_and_worksheet(tmp_path):
    kit = tmp_path / "kit.json"
    res = run(
        "titrate", "--step", "1.5 mg:14", "--maintenance", "4.5 mg", "--maintenance-days", "28",
        "--start", "2026-11-21", "--form", "capsules", "--source", "tablets",
        "--tablet-weight", "201.4 mg", "--expiry", "2030-12-31", "--compounded-on", "2026-11-21",
        "--format", "json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    kit.write_text(res.output)
    out = tmp_path / "kit.pdf"
    args = [a for a in LABEL_ARGS if a not in {"--doses-per-day", "1"}]
    res = run("label", kit, *args, "--format", "pdf", "--output", out, "--page", "4x4in")
    assert res.exit_code == 0, res.output
    labels = lc.build_kit_labels(
        lc.from_json(json.loads(kit.read_text())),
        lc.LabelOrder(**{**_fields(pdf_samples.label_order()), "doses_per_day": None}),
    )
    assert len(text_of(out.read_bytes())) == len(labels)


@pytest.mark.parametrize(
    ("extra", "flag", "code"),
    [
        (("--format", "pdf"), "--output", "missing"),
        (("--output", "{dir}/x.pdf"), "--output", "output-needs-pdf"),
        (("--format", "pdf", "--output", "{dir}/x.pdf", "--page", "4x2"), "--page", "bad-page"),
        (("--format", "pdf", "--output", "{dir}/x.pdf", "--page", "4x2in"), "--page", "label-does-not-fit"),
        (("--format", "pdf", "--output", "{dir}/x.pdf", "--page", "100x30mm"), "--page", "label-does-not-fit"),
        (("--format", "pdf", "--output", "{dir}/x.pdf", "--page", "40x30mm"), "--page", "barcode-does-not-fit"),
        (("--format", "pdf", "--output", "{dir}/x.pdf", "--record-id", "R|1"), "--record-id", "not-barcodable"),
        (("--format", "pdf", "--output", "{dir}/x.pdf", "--record-id", "R-" + "7" * 60, "--page", "50x200mm"),
         "--page", "barcode-does-not-fit"),
    ],
)  # fmt: skip
def test_cli_label_refusals_are_one_sentence_exit_2_and_write_nothing(
    result_file, extra, flag, code
):
    folder = result_file.parent
    args = [a.replace("{dir}", str(folder)) for a in extra]
    res = CliRunner().invoke(
        cli, ["label", str(result_file), *LABEL_ARGS, *args], standalone_mode=False
    )
    assert res.exception is not None
    error = res.exception.__context__
    assert isinstance(error, lc.InputError), res.exception
    assert error.code == code
    res = run("label", result_file, *LABEL_ARGS, *args)
    assert res.exit_code == 2, res.output
    [message] = [line for line in res.output.splitlines() if line.startswith("Error: ")]
    assert message.endswith(".")
    assert message.startswith(f"Error: {flag}"), message
    assert not (folder / "x.pdf").exists()


@pytest.mark.parametrize(
    ("field", "value", "flag", "code"),
    [
        ("--patient", "Jane " + "W" * 190, "--patient", "word-too-wide"),
        ("--patient", "김민준", "--patient", "not-printable"),
        ("--rx", "RX-Ω1", "--rx", "not-barcodable"),
    ],
)
def test_cli_label_refuses_by_field(result_file, field, value, flag, code):
    args = list(LABEL_ARGS)
    args[args.index(field) + 1] = value
    res = CliRunner().invoke(
        cli,
        ["label", str(result_file), *args, "--format", "pdf", "--output", "-"],
        standalone_mode=False,
    )
    assert res.exception is not None
    assert res.exception.__context__.code == code  # type: ignore[union-attr]
    res = run("label", result_file, *args, "--format", "pdf", "--output", "-")
    assert res.exit_code == 2
    assert f"Error: {flag}: " in res.output


def test_cli_worksheet_refusals(tmp_path):
    args = orders.command("capsules", **{"--reference": "批次-7"})
    res = run(*args, "--format", "pdf", "--output", tmp_path / "x.pdf")
    assert res.exit_code == 2
    assert "order.reference: '批次-7' has the character '批'" in res.output
    assert not (tmp_path / "x.pdf").exists()
    res = run(*orders.command("capsules"), "--format", "pdf")
    assert res.exit_code == 2
    assert "Error: --output is required with --format pdf" in res.output
    res = run(*orders.command("capsules"), "--paper", "a5")
    assert res.exit_code == 2
    for path in (tmp_path, tmp_path / "missing" / "x.pdf", "x\x00.pdf"):
        res = run(*orders.command("capsules"), "--format", "pdf", "--output", path)
        assert res.exit_code == 2, res.output
        assert "Error: --output: " in res.output
        assert "cannot be written" in res.output


def test_import_ldncompound_does_not_load_the_pdf_libraries():
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import sys, ldncompound, ldncompound_cli._app; "
        "print(sorted(m for m in ('fpdf', 'barcode', 'fontTools') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("page", ["30x20mm", "30x200mm", "1.2x3in"])
def test_cli_a_saved_labels_page_is_refused_by_width_then_by_height(tmp_path, page):
    """probe3 Q13: a page too small is refused for the barcode first, naming --page and the
    least width (never --record-id, which a saved label cannot take); the page that width
    gives, refused for the text, names a page that then prints."""
    result = tmp_path / "r.json"
    result.write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())))
    saved = tmp_path / "label.json"
    res = run("label", result, *LABEL_ARGS, "--format", "json")
    assert res.exit_code == 0, res.output
    saved.write_text(res.output)
    out = tmp_path / "x.pdf"
    for _ in range(3):
        res = run("label", saved, "--format", "pdf", "--output", out, "--page", page)
        if res.exit_code == 0:
            break
        assert res.exit_code == 2, res.output
        assert "Error: --page: " in res.output and "--record-id" not in res.output
        found = re.search(r"a --page at least ([0-9.]+) mm wide", res.output)
        if found is not None:
            height = page.split("x")[1]
            page = f"{found[1]}x{height}" if height.endswith("mm") else f"{found[1]}x200mm"
            continue
        least = re.search(r"a --page of at least (\S+?)[,.;]", res.output)
        assert least is not None, res.output
        page = least[1]
    assert res.exit_code == 0 and out.exists(), res.output
