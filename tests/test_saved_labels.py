"""Saved labels printed again: ``lc.read_label`` and ``ldncompound label SAVED.json`` make the
label again from the result and label order it embeds and refuse any difference."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import orders
import pypdf
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc

PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")


def label_order(**kw: Any) -> lc.LabelOrder:
    args: dict[str, Any] = {
        "patient": "Jane Doe",
        "prescriber": "Dr A. Smith",
        "pharmacy": PHARMACY,
        "rx_number": "RX-1",
        "record_id": "CR-1",
        "timing": "at bedtime",
        **kw,
    }
    return lc.LabelOrder(**args)


def saved(name: str = "capsules", **kw: Any) -> tuple[lc.Label, dict[str, Any]]:
    res = orders.FORMULATE[name](getattr(orders, name)())
    label = lc.build_label(res, label_order(**kw))
    return label, json.loads(lc.dumps(label))


@pytest.mark.parametrize("name", ["capsules", "liquid", "drops", "troches"])
def test_a_saved_label_reads_back_as_the_label_it_was(name):
    label, data = saved(name)
    assert data["result"]["schema"] == label.result_schema
    assert data["order"]["patient"] == "Jane Doe"
    assert lc.read_label(data) == label
    assert lc.read_label(lc.dumps(label)) == label
    assert lc.read_label(lc.dumps(label).encode()) == label


def test_a_label_of_another_version_reads_back():
    label, data = saved()
    data["library_version"] = "0.0.1"
    data["result"]["library_version"] = "0.0.1"
    assert lc.render_label(lc.read_label(data)) == lc.render_label(label)


@pytest.mark.parametrize(
    ("edit", "code", "field"),
    [
        (lambda d: d.update(directions="Take 2 capsules."), "label-not-recomputed", "directions"),
        (lambda d: d.update(lot="L1"), "label-not-recomputed", "lot"),
        (lambda d: d.update(bud="2028-01-01"), "label-not-recomputed", "bud"),
        (lambda d: d["quantity"].update(value="60"), "label-not-recomputed", "quantity.value"),
        (lambda d: d["strength"].update(display="45 mg"), "label-not-recomputed", "strength"),
        (lambda d: d["order"].update(timing="at noon"), "label-not-recomputed", "directions"),
        (lambda d: d["order"].update(patient="John Roe"), "label-not-recomputed", "patient"),
        (lambda d: d["result"]["dose"].update(value="45"), "result-not-recomputed", "dose"),
        (lambda d: d["result"]["order"].update(count=60), "result-not-recomputed", "result."),
        (lambda d: d.update(schema="ldncompound/label/9"), "not-a-label", "schema"),
        (lambda d: d.update(extra=1), "not-a-result", None),
    ],
)
def test_an_edited_saved_label_is_refused_naming_the_field(edit, code, field):
    _, data = saved()
    edit(data)
    with pytest.raises(lc.InputError) as err:
        lc.read_label(data)
    assert err.value.code == code
    if field is not None:
        assert field in (err.value.field or ""), err.value
    assert err.value.message.count("\n") == 0
    assert err.value.message.endswith(".")


@pytest.mark.parametrize(
    "schema",
    [
        "ldncompound/capsules/2",
        "ldncompound/liquid/2",
        "ldncompound/titration/2",
        "ldncompound/record/1",
        "ldncompound/order/capsules/1",
        "label",
        None,
    ],
)
def test_a_saved_label_whose_schema_id_was_edited_is_recognised_by_its_content(schema):
    _, data = saved()
    if schema is None:
        del data["schema"]
    else:
        data["schema"] = schema
    for document in (data, json.dumps(data), json.dumps(data).encode()):
        with pytest.raises(lc.InputError) as err:
            lc.read_label(document)
        assert err.value.code == "label-schema-mismatch"
        assert err.value.field == "schema"
        assert "holds a saved label's fields" in err.value.message
        assert err.value.message.count("\n") == 0
        assert err.value.message.endswith(".")
    with pytest.raises(lc.InputError):
        lc.from_json(data)  # nor is it read as the document its id names


def test_the_label_id_on_a_document_without_a_labels_fields_is_refused():
    data = json.loads(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())))
    data["schema"] = lc.LABEL_SCHEMA
    with pytest.raises(lc.InputError) as err:
        lc.read_label(data)
    assert err.value.code == "label-schema-mismatch"
    assert "holds none of a label's fields" in err.value.message


def test_a_label_without_its_result_and_order_is_refused_in_one_sentence():
    _, data = saved()
    del data["result"], data["order"]
    with pytest.raises(lc.InputError) as err:
        lc.read_label(data)
    assert err.value.code == "label-not-rederivable"
    assert "before 0.2.0" in err.value.message


def test_a_kit_label_embeds_nothing_and_is_refused_when_saved():
    from test_label_truth import kit  # noqa: PLC0415

    labels = lc.build_kit_labels(kit(), label_order(timing=None))
    assert all(x.result is None and x.order is None for x in labels)
    with pytest.raises(lc.InputError) as err:
        lc.read_label(lc.dumps(labels[0]))
    assert err.value.code == "label-not-rederivable"


def test_a_saved_label_past_its_bud_is_refused():
    _, data = saved()
    with pytest.raises(lc.InputError) as err:
        lc.read_label(data, today=dt.date(2030, 1, 1))
    assert err.value.code == "bud-already-past"
    assert err.value.field == "bud"


def test_the_strict_reader_reads_the_text():
    _, data = saved()
    text = json.dumps(data).replace('"lot"', '"lot": "L1", "lot"', 1)
    with pytest.raises(lc.InputError) as err:
        lc.read_label(text)
    assert err.value.code == "duplicate-field"


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))]
    return [path]


_LABEL, _DATA = saved(dose=lc.mass("4.5 mg"), doses_per_day=Decimal(1))
_LEAVES = _leaves(_DATA)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 100),
    st.sampled_from(["", "4.5", "45", "0.45", "mg", "mcg", "2026-11-21", "2030-01-01", "Jane"]),
    st.text(max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_LEAVES), _VALUES)
def test_changing_any_leaf_is_refused_or_prints_the_same_label(path, value):
    data = copy.deepcopy(_DATA)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    try:
        read = lc.read_label(data)
    except lc.LdnCompoundError as err:
        assert err.code
        return
    assert lc.render_label(read) == lc.render_label(_LABEL)
    assert lc.read_label(lc.dumps(read)) == read
    if path[0] == "order" and value is None:
        # a label order field left out ("not given") is one the label takes from its result:
        # the label made again from that order is the same label, its order says "not given"
        return
    assert lc.to_json(read) | {"library_version": None, "result": None} == lc.to_json(_LABEL) | {
        "library_version": None,
        "result": None,
    }


# --- the command line -----------------------------------------------------------------------


def invoke(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.fixture
def saved_file(tmp_path):
    label, data = saved()
    path = tmp_path / "label.json"
    path.write_text(json.dumps(data))
    return label, path


def test_cli_prints_a_saved_label_as_text_and_json(saved_file):
    label, path = saved_file
    res = invoke(["label", str(path)])
    assert res.exit_code == 0, res.output
    assert res.output == lc.render_label(label)
    res = invoke(["label", str(path), "--width", "60"])
    assert res.output == lc.render_label(label, width=60)
    res = invoke(["label", str(path), "--format", "json"])
    assert lc.read_label(res.output) == label


def test_cli_a_label_made_by_the_cli_prints_again(tmp_path):
    result = tmp_path / "result.json"
    result.write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())))
    made = invoke(
        [
            "label",
            str(result),
            *("--patient", "Jane Doe", "--prescriber", "Dr A. Smith", "--rx", "RX-1"),
            *("--pharmacy-name", "P", "--pharmacy-address", "A", "--pharmacy-phone", "1"),
            *("--no-profile", "--record-id", "CR-7", "--format", "json"),
        ]
    )
    assert made.exit_code == 0, made.output
    (tmp_path / "label.json").write_text(made.output)
    again = invoke(["label", str(tmp_path / "label.json")])
    assert again.exit_code == 0, again.output
    assert again.output == lc.render_label(lc.read_label(made.output))


def test_cli_prints_a_saved_label_as_pdf(saved_file, tmp_path):
    label, path = saved_file
    out = tmp_path / "label.pdf"
    res = invoke(
        ["label", str(path), "--format", "pdf", "--output", str(out), "--page", "100x80mm"]
    )
    assert res.exit_code == 0, res.output
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    [page] = reader.pages
    text = " ".join(page.extract_text().split())
    for fact in (label.patient, label.rx_number, label.bud_text, label.lot, label.directions):
        assert fact in text, fact
    assert "Compounded 2026-11-21" in text
    assert round(float(page.mediabox.width), 1) == 283.5


@pytest.mark.parametrize(
    ("extra", "flag"),
    [
        (["--patient", "John Roe"], "--patient"),
        (["--prescriber", "Dr B"], "--prescriber"),
        (["--rx", "RX-2"], "--rx"),
        (["--pharmacy-name", "Other"], "--pharmacy-name"),
        (["--directions", "Take 1 capsule once daily."], "--directions"),
        (["--dose", "9 mg"], "--dose"),
        (["--timing", "in the morning"], "--timing"),
        (["--lot", "L2"], "--lot"),
        (["--record-id", "R2"], "--record-id"),
        (["--acknowledge", "dose-above-range"], "--acknowledge"),
    ],
)
def test_cli_refuses_options_of_a_new_label_with_a_saved_one(saved_file, extra, flag):
    _, path = saved_file
    res = CliRunner().invoke(cli, ["label", str(path), *extra])
    assert res.exit_code == 2
    assert f"Error: {flag} makes a new label, but RESULT is a saved label" in res.output


def test_cli_reprints_a_saved_label_with_no_profile(saved_file):
    """Probe F35: --no-profile changes nothing on a reprint (no profile is read), so it is
    accepted rather than refused as an option of a new label."""
    label, path = saved_file
    res = CliRunner().invoke(cli, ["label", str(path), "--no-profile"])
    assert res.exit_code == 0, res.output
    assert res.output == lc.render_label(label)


def test_cli_refuses_an_edited_saved_label_and_prints_nothing(saved_file, tmp_path):
    _, path = saved_file
    data = json.loads(path.read_text())
    data["directions"] = "Take 2 capsules by mouth once daily."
    path.write_text(json.dumps(data))
    out = tmp_path / "x.pdf"
    res = CliRunner().invoke(cli, ["label", str(path), "--format", "pdf", "--output", str(out)])
    assert res.exit_code == 2
    assert "Error: label.directions: 'Take 2 capsules" in res.output
    assert not out.exists()


@pytest.mark.parametrize("extra", [[], ["--patient", "J", "--prescriber", "P", "--rx", "1"]])
@pytest.mark.parametrize("schema", ["ldncompound/capsules/2", "ldncompound/liquid/2"])
def test_cli_refuses_a_saved_label_whose_schema_id_was_edited(saved_file, tmp_path, schema, extra):
    _, path = saved_file
    data = json.loads(path.read_text())
    data["schema"] = schema
    path.write_text(json.dumps(data))
    out = tmp_path / "x.pdf"
    res = CliRunner().invoke(
        cli, ["label", str(path), *extra, "--format", "pdf", "--output", str(out)]
    )
    assert res.exit_code == 2, res.output
    error = res.output.split("Error: ", 1)[1]
    assert error.startswith(f"schema: {schema!r} is not a label's id, but the document holds")
    assert error.count("\n") == 1
    assert "Traceback" not in res.output
    assert not out.exists()


def test_cli_a_new_label_still_needs_patient_prescriber_and_rx(tmp_path):
    result = tmp_path / "result.json"
    result.write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())))
    res = CliRunner().invoke(cli, ["label", str(result), "--prescriber", "X", "--rx", "1"])
    assert res.exit_code == 2
    assert "Missing option '--patient'" in res.output
