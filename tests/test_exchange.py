"""Documents exchanged between runs and systems (probe2 P1, P7): a saved result or label is
checked wherever it is used, as ``label SAVED.json`` checks it, and every reader of a
document treats a UTF-8 byte-order mark the same way."""

from __future__ import annotations

import json
import re
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._labels import is_placeholder

PHARMACY = orders.PHARMACY
label_order = orders.label_order


def result_and_label(name: str = "liquid") -> tuple[Any, dict[str, Any]]:
    res = orders.FORMULATE[name](getattr(orders, name)())
    return res, json.loads(lc.dumps(lc.build_label(res, label_order())))


def refused(call: Any) -> lc.InputError:
    with pytest.raises(lc.InputError) as err:
        call()
    assert err.value.message.count("\n") == 0 and err.value.message.endswith(".")
    return err.value


# --- P1: the FHIR export and the record take no edited label or result --------------------------

EDITS = {
    "directions": "Take 45 mL (45 mg) by mouth twice daily.",
    "patient": "John Roe",
    "prescriber": "Dr B. Jones",
    "rx_number": "RX999",
    "lot": "L1",
}


@pytest.mark.parametrize("name", ["capsules", "liquid", "drops", "troches"])
@pytest.mark.parametrize("field", EDITS)
def test_fhir_refuses_a_saved_label_edited_in_any_field(name, field):
    res, data = result_and_label(name)
    assert lc.to_fhir(res, label=lc.from_json(data))  # the label as it was made is taken
    data[field] = EDITS[field]
    err = refused(lambda: lc.to_fhir(res, label=lc.from_json(data)))
    assert err.code == "label-not-recomputed"
    assert err.field == f"label.{field}"
    assert repr(EDITS[field]) in err.message or EDITS[field][:57] in err.message


@settings(max_examples=40, deadline=None)
@given(
    field=st.sampled_from(sorted(EDITS)),
    text=st.text(
        st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), max_codepoint=0x7E),
        min_size=1,
        max_size=30,
    ).filter(lambda t: t.strip() == t and t.strip()),
)
def test_no_edit_of_a_labels_printed_text_reaches_the_dispense(field, text):
    """Whatever a label's directions, patient, prescriber, Rx number or lot is changed to, the
    Bundle either is refused or carries exactly the label the library made."""
    res, data = result_and_label("capsules")
    original = data[field]
    data[field] = text
    try:
        bundle = lc.to_fhir(res, label=lc.from_json(data))
    except lc.InputError as err:
        assert err.code == "label-not-recomputed", err
        assert text != original
        return
    assert text == original
    assert bundle == lc.to_fhir(res, label=lc.from_json(result_and_label("capsules")[1]))


def test_fhir_refuses_a_label_made_from_another_result_of_the_same_preparation():
    """Same drug, strength, quantity and BUD, another order: the label was not made from this
    result, and says so naming the field."""
    res = orders.FORMULATE["capsules"](orders.capsules())
    other = orders.FORMULATE["capsules"](orders.capsules(reference="Rx 7"))
    err = refused(lambda: lc.to_fhir(res, label=lc.build_label(other, label_order())))
    assert err.code == "label-mismatch"
    assert err.field == "label.result.order.reference"


def test_fhir_refuses_a_label_that_embeds_no_result():
    res, data = result_and_label("capsules")
    del data["result"], data["order"]
    err = refused(lambda: lc.to_fhir(res, label=lc.from_json(data)))
    assert err.code == "label-not-rederivable" and err.field == "label"


def test_fhir_takes_a_label_whose_bud_has_passed_since(monkeypatch):
    """The export states the BUD; it does not refuse a dispense record for being old (the
    label check runs on the date compounded), while a reprint of that label is refused."""
    from ldncompound import _clock  # noqa: PLC0415

    res = orders.FORMULATE["capsules"](orders.capsules())
    label = lc.build_label(res, label_order())
    bundle = lc.to_fhir(res, label=label)
    monkeypatch.setattr(_clock, "today", lambda: res.bud.date.replace(year=res.bud.date.year + 1))
    assert lc.to_fhir(res, label=label) == bundle
    assert refused(lambda: lc.read_label(lc.dumps(label))).code == "bud-already-past"


@pytest.mark.parametrize("name", ["capsules", "liquid", "drops", "troches"])
def test_fhir_and_record_refuse_an_edited_result(name):
    res = orders.FORMULATE[name](getattr(orders, name)())
    data = json.loads(lc.dumps(res))
    data["dose"]["value"] = "45"
    edited = lc.from_json(data)
    for call in (
        lambda: lc.to_fhir(edited),
        lambda: lc.make_record(edited, record_id="R1", compounded_by="A"),
    ):
        err = refused(call)
        assert err.code == "result-not-recomputed" and err.field == "result.dose"


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_cli_fhir_refuses_the_probes_edited_label(tmp_path):
    res, data = result_and_label("liquid")
    (tmp_path / "r.json").write_text(lc.dumps(res))
    (tmp_path / "l.json").write_text(json.dumps(data))
    ok = run("fhir", str(tmp_path / "r.json"), "--label", str(tmp_path / "l.json"))
    assert ok.exit_code == 0, ok.output
    data.update(directions=EDITS["directions"], patient="John Roe", rx_number="RX999")
    (tmp_path / "l.json").write_text(json.dumps(data))
    out = run("fhir", str(tmp_path / "r.json"), "--label", str(tmp_path / "l.json"))
    assert out.exit_code == 2
    assert (
        "Error: label.directions: 'Take 45 mL (45 mg) by mouth twice daily.' is not" in out.output
    )
    assert "RX999" not in out.output and "Traceback" not in out.output


def test_cli_fhir_reads_a_liquid_label_given_with_a_capsule_result(tmp_path):
    """The label's embedded result is read whatever was read before (it was refused as 'text;
    expected a result schema id' when no liquid had been read yet in the process)."""
    cap = orders.FORMULATE["capsules"](orders.capsules())
    _, liquid_label = result_and_label("liquid")
    (tmp_path / "r.json").write_text(lc.dumps(cap))
    (tmp_path / "l.json").write_text(json.dumps(liquid_label))
    out = run("fhir", str(tmp_path / "r.json"), "--label", str(tmp_path / "l.json"))
    assert out.exit_code == 2
    assert "was not made for this result" in out.output


def test_cli_record_refuses_an_edited_result(tmp_path):
    data = json.loads(lc.dumps(orders.FORMULATE["liquid"](orders.liquid())))
    data["dose_measured"]["value"] = "45"
    (tmp_path / "r.json").write_text(json.dumps(data))
    out = run("record", str(tmp_path / "r.json"), "--record-id", "R1", "--compounded-by", "A")
    assert out.exit_code == 2
    assert "Error: result.dose_measured: '45 mL' is not what the result's own order" in out.output


# --- P7: a UTF-8 byte-order mark is read the same way by every reader ---------------------------

BOM = b"\xef\xbb\xbf"


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(["capsules", "liquid", "drops", "troches"]), text=st.booleans())
def test_a_document_with_a_byte_order_mark_reads_as_the_document_without(name, text):
    """Every document the library writes reads back the same with a BOM before it (bytes, or
    text decoded without stripping it), as batch input always has."""
    res, label = result_and_label(name)
    for written, read in (
        (lc.dumps(res), lc.read_result),
        (json.dumps(label), lc.read_label),
        (json.dumps(orders.document(name)), lc.run_order),
    ):
        marked = BOM + written.encode()
        document = marked.decode("utf-8") if text else marked
        assert read(document) == read(written)


def test_a_record_and_a_profile_with_a_byte_order_mark_read_as_without():
    res = orders.FORMULATE["capsules"](orders.capsules())
    record = lc.dumps(lc.make_record(res, record_id="R1", compounded_by="A"))
    assert not lc.verify_record(lc.read_json(BOM + record.encode(), exact=True)).differences
    profile = '[pharmacy]\nname = "P"\naddress = "1 Main St"\nphone = "555"\n'
    assert lc.read_profile("\ufeff" + profile) == lc.read_profile(profile)


@pytest.mark.parametrize(
    "text", ["\ufeff\ufeff{}", BOM + BOM + b"{}", '{"a": \ufeff1}', "\ufeff", "[1]\ufeff"]
)
def test_a_byte_order_mark_anywhere_but_the_start_is_refused_in_the_librarys_words(text):
    err = refused(lambda: lc.read_json(text))
    assert err.code == "bad-json"
    assert "utf-8-sig" not in err.message


def test_every_command_reads_a_file_with_a_byte_order_mark(tmp_path):
    """The probe's Notepad-saved files: label, saved label, fhir, record, verify and a profile
    (each refused before with Python's 'decode using utf-8-sig' or 'invalid statement')."""
    res, label = result_and_label("capsules")
    record = lc.make_record(res, record_id="R1", compounded_by="A")
    for name, text in (
        ("r.json", lc.dumps(res)),
        ("l.json", json.dumps(label)),
        ("rec.json", lc.dumps(record)),
        ("p.toml", '[pharmacy]\nname = "P"\naddress = "1 Main St"\nphone = "555"\n'),
    ):
        (tmp_path / name).write_bytes(BOM + text.encode())
    new_label = ("--patient", "J", "--prescriber", "D", "--rx", "R1", "--lot", "B-1")
    for args in (
        ("label", str(tmp_path / "r.json"), *new_label, "--profile", str(tmp_path / "p.toml")),
        ("label", str(tmp_path / "l.json")),
        ("fhir", str(tmp_path / "r.json"), "--label", str(tmp_path / "l.json")),
        ("record", str(tmp_path / "r.json"), "--record-id", "R1", "--compounded-by", "A"),
        ("verify", str(tmp_path / "rec.json")),
    ):
        out = run(*args)
        # the record has no actual weights: read, no differences, on hold (exit 1, probe3 Q18)
        assert out.exit_code == (1 if args[0] == "verify" else 0), (args, out.output)
        assert args[0] != "verify" or "no differences; NOT READY FOR RELEASE" in out.output


# --- P6: a label taller than its page names the page, not an innocent field ---------------------


def _liquid_label() -> lc.Label:
    res = orders.FORMULATE["liquid"](orders.liquid())
    return lc.build_label(res, label_order())


def _pdf(label: lc.Label, page: str) -> bytes:
    from ldncompound_cli import _pdf  # noqa: PLC0415

    return _pdf.label_pdf([label], [None], page=_pdf.parse_page(page), page_text=page)


@settings(max_examples=5, deadline=None)
@given(
    width=st.integers(min_value=60, max_value=216),
    height=st.integers(min_value=20, max_value=80),
    inches=st.booleans(),
)
def test_a_page_too_small_is_refused_with_the_least_page_that_holds_the_label(
    width, height, inches
):
    """Either the label prints, or the refusal names --page and a page of the same width that
    does hold it, one step (0.1 in or 1 mm) above one that does not."""
    label = _liquid_label()
    page = f"{width / 25.4:.2f}x{height / 25.4:.1f}in" if inches else f"{width}x{height}mm"
    try:
        printed = _pdf(label, page)
    except lc.InputError as err:
        assert err.code == "label-does-not-fit" and err.field == "--page"
        assert err.message.startswith(f"--page: {page!r} (") and err.message.endswith(".")
        assert "Jane Doe" not in err.message
        least = err.message.rsplit("at least ", 1)[1].removesuffix(".")
    else:
        assert printed.startswith(b"%PDF-")
        return
    assert least.startswith(page.split("x", maxsplit=1)[0] + "x")
    assert _pdf(label, least).startswith(b"%PDF-")
    number = float(least.split("x")[1].removesuffix("in").removesuffix("mm"))
    step = 0.1 if inches else 1
    smaller = f"{least.split('x')[0]}x{number - step:g}{'in' if inches else 'mm'}"
    if smaller != page:
        with pytest.raises(lc.InputError):
            _pdf(label, smaller)


@pytest.mark.parametrize("page", ["3x1.5in", "4x2.5in", "2x1in", "100x20mm"])
def test_cli_label_that_does_not_fit_names_the_page(tmp_path, page):
    """The probe's pages: each refusal blamed 'Jane Doe', '1 Main St', the composed
    directions or an auxiliary statement."""
    res = orders.FORMULATE["liquid"](orders.liquid())
    (tmp_path / "r.json").write_text(lc.dumps(res))
    out = run(
        "label",
        str(tmp_path / "r.json"),
        *("--patient", "Jane Doe", "--prescriber", "Dr X", "--rx", "RX1", "--lot", "B-1"),
        *("--pharmacy-name", "P", "--pharmacy-address", "1 Main St", "--pharmacy-phone", "5"),
        *("--format", "pdf", "--output", str(tmp_path / "x.pdf"), "--page", page),
    )
    assert out.exit_code == 2
    [error] = [line for line in out.output.splitlines() if line.startswith("Error: ")]
    assert error.startswith(f"Error: --page: '{page}' (")
    assert "expected a --page of at least " in error
    assert not (tmp_path / "x.pdf").exists()


# --- P15: a generated lot identifies one batch ---------------------------------------------------

LOT = r"L20261121-[0-9A-F]{8}"


def test_two_batches_of_one_order_made_the_same_day_get_two_lots():
    res = orders.FORMULATE["capsules"](orders.capsules())
    first = lc.build_label(res, label_order(patient="Jane Doe", record_id="CR-1"))
    second = lc.build_label(res, label_order(patient="John Roe", record_id="CR-2"))
    assert re.fullmatch(LOT, first.lot) and re.fullmatch(LOT, second.lot)
    assert first.lot != second.lot
    again = lc.build_label(lc.read_result(lc.dumps(res)), label_order(record_id="CR-1"))
    assert again.lot == first.lot  # the same batch, the same lot
    (default,) = first.defaults
    assert (default.field, default.value) == ("lot", first.lot)
    assert "compounding record id" in default.source
    given = lc.build_label(res, label_order(record_id=None, lot="B-7"))
    assert given.lot == "B-7" and given.defaults == ()


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.text(
            st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12
        ).filter(lambda t: not is_placeholder(t)),
        min_size=2,
        max_size=2,
        unique=True,
    )
)
def test_distinct_records_never_share_a_generated_lot(ids):
    res = orders.FORMULATE["capsules"](orders.capsules())
    lots = [lc.build_label(res, label_order(record_id=record_id)).lot for record_id in ids]
    assert all(re.fullmatch(LOT, lot) for lot in lots)
    assert lots[0] != lots[1]


def test_a_label_with_neither_lot_nor_record_id_is_refused():
    res = orders.FORMULATE["liquid"](orders.liquid())
    err = refused(lambda: lc.build_label(res, label_order(record_id=None)))
    assert err.code == "lot-not-given" and err.field == "lot"
    assert "same for every batch of this order made the same day" in err.message


def test_a_kits_labels_get_a_lot_per_batch_from_the_kits_record_id():
    from test_label_truth import kit  # noqa: PLC0415

    made = kit()
    err = refused(lambda: lc.build_kit_labels(made, label_order(record_id=None)))
    assert err.code == "lot-not-given"
    one = {x.lot for x in lc.build_kit_labels(made, label_order(record_id="K-1"))}
    other = {x.lot for x in lc.build_kit_labels(made, label_order(record_id="K-2"))}
    batches = len(made.capsule_batches) + len(made.liquid_fills) + len(made.drops_fills)
    assert len(one) == len(other) == batches > 1
    assert not one & other


def test_cli_the_probes_two_patients_get_two_lots(tmp_path):
    (tmp_path / "r.json").write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())))
    base = ("label", str(tmp_path / "r.json"), "--prescriber", "Dr X", "--no-profile")
    base = (*base, "--pharmacy-name", "P", "--pharmacy-address", "1 Main St")
    base = (*base, "--pharmacy-phone", "555")
    lots = set()
    for patient, record_id in (("Jane Doe", "CR-1"), ("John Roe", "CR-2")):
        out = run(*base, "--patient", patient, "--rx", f"RX-{record_id}", "--record-id", record_id)
        assert out.exit_code == 0, out.output
        lots |= set(re.findall(LOT, out.output))
    assert len(lots) == 2
    out = run(*base, "--patient", "Jane Doe", "--rx", "RX-1")
    assert out.exit_code == 2
    assert "Error: --lot is not given, and there is no record id to generate one from" in out.output


PLACEHOLDERS = [
    "N/A",
    "n/a",
    "NA",
    "none",
    "None ",
    "default",
    "unknown",
    "TBD",
    "-",
    "?",
    "0",
    "N.A.",
]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_a_placeholder_lot_or_record_id_is_refused(value):
    """probe3 Q8: 'N/A' as the record id gave every batch whose script passes it one
    generated lot (probe2 P15 again); 'default' or 'none' as the lot printed as the lot."""
    res = orders.FORMULATE["capsules"](orders.capsules())
    for field, order in (
        ("record_id", label_order(record_id=value)),
        ("lot", label_order(record_id=None, lot=value)),
    ):
        err = refused(lambda order=order: lc.build_label(res, order))
        assert (err.code, err.field) == ("lot-not-given", field)
        assert "is a placeholder, not an identifier" in err.message


def test_a_record_id_with_surrounding_spaces_gives_the_records_lot():
    res = orders.FORMULATE["capsules"](orders.capsules())
    lots = {lc.build_label(res, label_order(record_id=r)).lot for r in ("R1", "R1 ", " R1")}
    assert len(lots) == 1


def test_cli_refuses_a_placeholder_record_id_and_lot(tmp_path):
    (tmp_path / "r.json").write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())))
    base = ("label", str(tmp_path / "r.json"), "--prescriber", "Dr X", "--no-profile")
    base = (*base, "--pharmacy-name", "P", "--pharmacy-address", "1 Main St")
    base = (*base, "--pharmacy-phone", "555", "--patient", "Jane Doe", "--rx", "RX-1")
    for option, value in (("--record-id", "N/A"), ("--lot", "default")):
        out = run(*base, option, value)
        assert out.exit_code == 2, out.output
        assert f"Error: {option}: '{value}' is a placeholder, not an identifier" in out.output


def test_the_record_states_the_lot_its_labels_carry():
    """probe3 Q20: the record made with a record id states the lot generated from the result
    and that id, which its labels and FHIR carry; verify recomputes it, and a record written
    before it was stated still verifies."""
    res = orders.FORMULATE["capsules"](orders.capsules())
    label = lc.build_label(res, label_order(record_id="CR-9"))
    record = lc.make_record(res, record_id="CR-9", compounded_by="A")
    assert record.lot == label.lot
    data = json.loads(lc.dumps(record))
    assert data["lot"] == label.lot
    assert lc.verify_record(data).differences == ()
    data["lot"] = "L20261121-00000000"
    (difference,) = lc.verify_record(data).differences
    assert (difference.field, difference.found) == ("lot", label.lot)
    del data["lot"]
    assert lc.verify_record(data).differences == ()


def test_cli_the_record_prints_the_lot_its_labels_carry(tmp_path):
    (tmp_path / "r.json").write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())))
    base = ("label", str(tmp_path / "r.json"), "--prescriber", "Dr X", "--no-profile")
    base = (*base, "--pharmacy-name", "P", "--pharmacy-address", "1 Main St")
    base = (*base, "--pharmacy-phone", "555", "--patient", "Jane Doe", "--rx", "RX-1")
    label = run(*base, "--record-id", "CR-9")
    (lot,) = set(re.findall(LOT, label.output))
    out = run("record", str(tmp_path / "r.json"), "--record-id", "CR-9", "--compounded-by", "A")
    assert out.exit_code == 0, out.output
    assert f"Lot (labels)    {lot}" in out.output
