"""Verification recomputes a record: nothing stored is compared with itself.

A record the library made verifies clean; changing any number it holds is reported by field
(or the record is refused naming the field), unless ``UNCHECKABLE_FIELDS`` (listed in
docs/safety.md) says why verify cannot see it. Policy figures are the library's own.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import orders
import pytest
import strategies
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._records import _planned, _window, yield_content

DOCS = Path(__file__).parent.parent / "docs"

# --- records the library made, over every preparation -------------------------------------------------

_liquid_orders = st.builds(
    lambda dose, days, conc: orders.liquid(
        dose=lc.Quantity(dose, lc.Unit.MG),
        days_supply=days,
        concentration=lc.Quantity(conc, lc.Unit.MG_PER_ML),
    ),
    strategies.decimals("0.5", "4.5", 1).filter(lambda d: d > 0),
    st.integers(min_value=7, max_value=30),
    st.sampled_from([Decimal("0.5"), Decimal(1), Decimal(2)]),
)
_drops_orders = st.builds(
    lambda dose, days: orders.drops(dose=lc.Quantity(dose, lc.Unit.MG), days_supply=days),
    st.sampled_from([Decimal("1.5"), Decimal(3), Decimal("4.5")]),
    st.integers(min_value=7, max_value=30),
)
ORDERS: dict[str, st.SearchStrategy[Any]] = {
    "capsules": strategies.capsule_orders,
    "liquid": _liquid_orders,
    "drops": _drops_orders,
    "troches": strategies.troche_orders(),
}


def _releasable(result: Any, made: int) -> bool:
    content = yield_content(result, made)
    return content is None or content.share >= content.low


def _near(amount: lc.Quantity, percent: Decimal) -> lc.Quantity:
    return lc.Quantity(amount.magnitude * (1 + percent / 100), amount.unit)


@st.composite
def made_records(draw: st.DrawFn) -> dict[str, Any]:
    """The JSON of a record the library made: any preparation, actual weights within 1 % of
    the plan (some not recorded), unit weights inside the window, any yield the mix can fill,
    the policy tolerance or a narrower one, or a wider one acknowledged."""
    prep = draw(st.sampled_from(sorted(ORDERS)))
    try:
        result = orders.FORMULATE[prep](draw(ORDERS[prep]))
    except lc.LdnCompoundError:
        assume(False)
    percent = st.decimals(min_value=-1, max_value=1, places=2)
    actual = tuple(
        lc.ActualWeighing(number=n, amount=_near(w.amount, draw(percent)))
        for n, w in _planned(result).items()
        if draw(st.booleans())
    )
    kw: dict[str, Any] = {}
    window = _window(result)
    if window is not None and draw(st.booleans()):
        n = draw(st.integers(min_value=window.sample_size, max_value=window.sample_size + 3))
        spread = st.decimals(min_value=-8, max_value=8, places=1)
        kw["unit_weights"] = tuple(_near(window.target, draw(spread)) for _ in range(n))
    batch = getattr(result, "batch_count", None)
    if batch is not None:
        # any yield whose units can hold the planned fill: above the batch too (probe2 P11)
        most = max(y for y in range(2 * batch + 1) if _releasable(result, y))
        kw["yield_units"] = draw(st.one_of(st.none(), st.integers(0, most)))
    tolerance = draw(st.one_of(st.none(), st.sampled_from(["2 %", "5 %", "10 %", "7.5 %"])))
    if tolerance is not None:
        kw["weighing_tolerance"] = lc.percent(tolerance)
        if lc.percent(tolerance) > lc.percent("5 %"):
            kw["acknowledge"] = (
                lc.Acknowledgement(
                    code="weighing-tolerance-above-policy", reason="viscous base, SOP 12"
                ),
            )
    record = lc.make_record(
        result,
        record_id="RX-1",
        compounded_by="A. Pharmacist",
        verified_by="B. Checker",
        actual_weighings=actual,
        deviations=draw(st.lists(st.sampled_from(["spilled filler", "remade"]), max_size=1)),
        **kw,
    )
    return json.loads(lc.dumps(record))


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def numbers(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every number a record's JSON holds: a JSON integer or a decimal string, by path."""
    if isinstance(value, dict):
        return [
            found for k, v in value.items() for found in numbers(v, f"{path}.{k}" if path else k)
        ]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in numbers(v, f"{path}[{i}]")]
    if isinstance(value, bool):
        return []
    if isinstance(value, int) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        return [(path, value)]
    return []


def put(data: Any, path: str, value: Any) -> None:
    keys = [int(k[1:-1]) if k.startswith("[") else k for k in re.findall(r"\[\d+\]|[^.\[]+", path)]
    for key in keys[:-1]:
        data = data[key]
    data[keys[-1]] = value


def covers(field: str, path: str) -> bool:
    """A report naming ``field`` names ``path``: the field itself or a part holding it."""
    field = field.split(" (", 1)[0]  # table_values[3].value (drug.naltrexone...)
    return field not in ("", "result") and (
        path == field or path.startswith((f"{field}.", f"{field}["))
    )


def reported(data: dict[str, Any], path: str) -> bool:
    try:
        report = lc.verify_record(data)
    except lc.InputError as err:
        # a refusal names the field a class's check names; a check across the fields of
        # one object (a device's graduation against its capacity) names one of them
        field = err.field or ""
        return covers(field, path) or covers(re.sub(r"(\.[^.\[]+|\[\d+\])$", "", field), path)
    return any(
        covers(name, path) for d in report.differences for name in (d.field, *d.computed_from)
    )


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.sampled_from(["capsules", "troches"]), st.data())
def test_a_yield_is_flagged_by_the_content_it_implies(prep, data):
    """Any whole yield is recorded: above the batch it is warned, and DO NOT RELEASE exactly
    when the mix spread over the units made leaves the weight window (then verify reports
    it); far below the batch it is warned; its percentage is of the batch."""
    try:
        result = orders.FORMULATE[prep](data.draw(ORDERS[prep]))
    except lc.LdnCompoundError:
        assume(False)
    batch = result.batch_count
    made = data.draw(st.integers(0, 3 * batch))
    rec = lc.make_record(
        result, record_id="R", compounded_by="A", verified_by="B", yield_units=made
    )
    codes = [w.code for w in rec.warnings]
    content = yield_content(result, made)
    assert ("yield-above-batch" in codes) == (made > batch)
    assert ("do-not-release" in codes) == (not _releasable(result, made))
    assert ("yield-below-batch" in codes) == (
        made == 0 or (content is not None and made < batch * content.low)
    )
    assert rec.yield_percent == lc.Quantity(Decimal(made) * 100 / batch, lc.Unit.PERCENT)
    report = lc.verify_record(json.loads(lc.dumps(rec)))
    releasable = _releasable(result, made)
    assert (not report.differences) == releasable
    assert [d.field for d in report.differences] == ([] if releasable else ["yield_units"])
    # on hold (no actual weights, no unit weights): never ok, whatever the yield
    assert report.on_hold and not report.ok


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(made_records(), st.data())
def test_changing_any_number_of_a_record_is_reported(record, data):
    assert not lc.verify_record(record).differences, lc.verify_record(record).differences
    path, value = data.draw(st.sampled_from(numbers(record)))
    if isinstance(value, int):
        changed: Any = value + data.draw(st.integers(-3, 3).filter(bool))
    else:
        delta = data.draw(st.sampled_from(["1", "-1", "0.1", "0.001", "10"]))
        changed = lc.to_json(Decimal(value) + Decimal(delta))
    mutated = copy.deepcopy(record)
    put(mutated, path, changed)
    if not reported(mutated, path):
        assert any(covers(field, path) for field in lc.UNCHECKABLE_FIELDS), (path, value, changed)


def test_every_number_of_a_made_record_is_found_by_the_walk():
    record = json.loads(lc.dumps(_capsule_record()))
    paths = [p for p, _ in numbers(record)]
    assert "actual_weighings[0].actual.value" in paths
    assert "unit_weights[9].value" in paths and "yield_units" in paths
    assert "result.order.count" in paths and "weight_check.rsd.value" in paths


def test_the_fields_verify_cannot_check_are_documented_in_safety():
    text = (DOCS / "safety.md").read_text(encoding="utf-8")
    section = text.split("## Verifying a record", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- `([^`]+)`", section, flags=re.MULTILINE)
    assert listed == list(lc.UNCHECKABLE_FIELDS)


# --- the cases of issue 12 one by one, through the API ---------------------------------------------


def _capsule_result() -> lc.CapsuleResult:
    return orders.FORMULATE["capsules"](orders.capsules())


def _capsule_record(**kw: Any) -> lc.CompoundingRecord:
    r = _capsule_result()
    args: dict[str, Any] = {
        "record_id": "RX-1",
        "compounded_by": "A",
        "verified_by": "B",
        "actual_weighings": tuple(
            lc.ActualWeighing(number=w.number, amount=w.amount) for w in r.weighings
        ),
        "unit_weights": tuple(lc.mass(f"{x} mg") for x in (60, 59, 61, 60, 60, 62, 58, 60, 60, 60)),
        "yield_units": 32,
    }
    return lc.make_record(r, **(args | kw))


def _data(**kw: Any) -> dict[str, Any]:
    return json.loads(lc.dumps(_capsule_record(**kw)))


def _fields(data: dict[str, Any]) -> list[str]:
    return [d.field for d in lc.verify_record(data).differences]


def test_a_wide_tolerance_is_refused_unless_acknowledged_with_a_reason():
    r = _capsule_result()
    tenfold = lc.ActualWeighing(number=1, amount=r.weighings[0].amount * 10)
    with pytest.raises(lc.InputError) as info:
        lc.make_record(
            r,
            record_id="X",
            compounded_by="A",
            weighing_tolerance=lc.percent("10 %"),
            actual_weighings=(tenfold,),
        )
    assert (info.value.code, info.value.field) == (
        "weighing-tolerance-above-policy",
        "weighing_tolerance",
    )
    assert info.value.message.count(";") == 1 and info.value.message.endswith(".")
    with pytest.raises(lc.InputError) as info:
        lc.make_record(r, record_id="X", compounded_by="A", weighing_tolerance=lc.percent("1000 %"))
    assert (info.value.code, info.value.field) == (
        "weighing-tolerance-above-limit",
        "weighing_tolerance",
    )
    with pytest.raises(lc.InputError) as info:
        lc.make_record(r, record_id="X", compounded_by="A", weighing_tolerance=lc.percent("0 %"))
    assert (info.value.code, info.value.field) == ("out-of-range", "weighing_tolerance")
    with pytest.raises(lc.InputError) as info:
        lc.Acknowledgement(code="weighing-tolerance-above-policy", reason=" ")
    assert info.value.field == "acknowledge.reason"
    with pytest.raises(lc.InputError) as info:
        lc.Acknowledgement(code="dose-above-range", reason="x")
    assert info.value.code == "unknown-acknowledgement"
    ack = lc.Acknowledgement(code="weighing-tolerance-above-policy", reason="viscous base, SOP 12")
    rec = lc.make_record(
        r,
        record_id="X",
        compounded_by="A",
        weighing_tolerance=lc.percent("10 %"),
        acknowledge=(ack,),
    )
    assert rec.acknowledged == (ack,)
    assert "weighing-tolerance-above-policy" in {w.code for w in rec.warnings}
    report = lc.verify_record(json.loads(lc.dumps(rec)))
    assert not report.differences, report.differences
    assert len(report.acknowledged) == 1 and "viscous base, SOP 12" in report.acknowledged[0]
    assert "viscous base, SOP 12" in lc.render_worksheet(report)


def test_a_1000_percent_tolerance_and_a_tenfold_weighing_do_not_verify():
    """The record of the issue: tolerance, deviation, flag and warnings edited to agree."""
    d = _data()
    planned = Decimal(d["actual_weighings"][0]["planned"]["value"])
    d["weighing_tolerance"] = {"value": "1000", "unit": "%"}
    d["defaults"] = []
    d["actual_weighings"][0]["actual"]["value"] = lc.to_json(planned * 10)
    d["actual_weighings"][0]["deviation"]["value"] = "900"
    report = lc.verify_record(d)
    assert not report.ok
    fields = {x.field: x for x in report.differences}
    assert "weighing_tolerance" in fields
    assert "outside +/-5 %" in fields["actual_weighings[0].actual"].reason
    # the same with the tolerance kept as a caller's: still refused by the policy
    assert "a limit no acknowledgement lifts" in fields["weighing_tolerance"].reason


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["weight_check", "mean", "value"], "61", "weight_check.mean"),
        (["weight_check", "standard_deviation", "value"], "0.5", "weight_check.standard_deviation"),
        (["weight_check", "rsd", "value"], "0.1", "weight_check.rsd"),
        (["weight_check", "minimum", "value"], "59", "weight_check.minimum"),
        (["weight_check", "maximum", "value"], "61", "weight_check.maximum"),
        (["weight_check", "passed"], False, "weight_check.passed"),
        (["weight_check", "count"], 9, "weight_check.count"),
        (["weight_check", "outside"], [3], "weight_check.outside[0]"),
        (["actual_weighings", 0, "deviation", "value"], "0.1", "actual_weighings[0].deviation"),
        (
            ["actual_weighings", 0, "within_tolerance"],
            False,
            "actual_weighings[0].within_tolerance",
        ),
        (["actual_weighings", 0, "planned", "value"], "100", "actual_weighings[0].planned"),
        (["yield_percent", "value"], "100", "yield_percent"),
        (["master", "strength", "value"], "4", "master.strength"),
        (["compounded_on"], "2026-11-22", "compounded_on"),
    ],
)
def test_edited_summaries_are_recomputed_from_the_raw_actuals(path, value, field):
    d = _data()
    node: Any = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    differences = lc.verify_record(d).differences
    assert [x.field for x in differences] == [field]
    assert differences[0].computed_from  # the raw fields it was recomputed from


def test_a_yield_above_the_units_made_is_reported():
    d = _data()
    d["yield_units"] = 40
    found = {x.field: x for x in lc.verify_record(d).differences}
    assert "yield_units" in found and "the weight window allows" in found["yield_units"].reason
    assert found["yield_units"].computed_from == ("yield_units", "result.order")
    assert "yield_percent" in found


def test_removed_or_duplicated_unit_weights_and_weighings_are_reported():
    d = _data()
    d["unit_weights"].append(d["unit_weights"][0])
    assert "weight_check.count" in _fields(d)
    d = _data()
    del d["unit_weights"][0]
    assert "unit_weights" in _fields(d)  # fewer than the sample of 10
    d = _data()
    del d["unit_weights"][3]
    d["weight_check"]["count"] = 9
    assert any(f.startswith("weight_check") or f == "unit_weights" for f in _fields(d))
    d = _data()
    d["actual_weighings"] = []
    assert "warnings" in _fields(d)  # the record no longer says the weighings are missing
    d = _data()
    d["actual_weighings"].append(d["actual_weighings"][1])
    assert f"actual_weighings[{len(d['actual_weighings']) - 1}].number" in _fields(d)


def test_edited_warnings_and_defaults_are_reported():
    d = _data()
    d["warnings"].append({"code": "x", "message": "y", "field": None})
    assert _fields(d) == ["warnings[0]"]
    d = _data(verified_by=None)
    d["warnings"] = []
    assert _fields(d) == ["warnings"]
    d = _data()
    d["defaults"][0]["value"]["value"] = "50"
    assert "defaults[0].value" in _fields(d)


def test_a_record_of_another_library_version_says_so():
    d = _data()
    d["library_version"] = "0.0.9"
    d["result"]["library_version"] = "0.0.9"
    report = lc.verify_record(d)
    assert not report.differences
    assert any("recorded with ldncompound 0.0.9" in c for c in report.checked)
    assert any("ldncompound 0.0.9" in c for c in report.cannot_check)


def test_a_stored_order_the_library_refuses_is_a_difference():
    d = _data()
    d["result"]["order"]["dose"] = "45 mg"
    report = lc.verify_record(d)
    assert [x.field for x in report.differences] == ["result.order.dose"]
    assert "dose-above-range" in report.differences[0].reason


def test_the_printed_record_carries_lots_trace_and_the_results_warnings():
    # a 30-day supply in a 14-day vehicle: made as its first fill, with the warning that says so
    r = orders.FORMULATE["liquid"](orders.liquid(days_supply=30))
    assert r.warnings, "the liquid order has a warning"
    text = lc.render_worksheet(lc.make_record(r, record_id="L-1", compounded_by="A"))
    assert "Components used: lots and expiries" in text
    assert "lot A1" in text and "expires 2028-01-01" in text and "lot W1" in text
    assert "Calculation trace" in text
    for w in r.warnings:
        assert f"[{w.code}]" in text
    assert "Warnings of the calculation\n---------------------------\n  none" not in text


# --- the command line --------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "result.json").write_text(lc.dumps(_capsule_result()), encoding="utf-8")
    return tmp_path


def _invoke(*args: str) -> Any:
    res = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in res.output
    return res


def _record_args(files: Path) -> list[str]:
    return ["record", str(files / "result.json"), "--record-id", "R1", "--compounded-by", "A"]


def test_cli_record_refuses_a_wide_tolerance_unless_acknowledged(files):
    res = _invoke(*_record_args(files), "--weighing-tolerance", "10 %")
    assert res.exit_code == 2
    assert "Error: --weighing-tolerance: '10 %' is wider than the policy tolerance" in res.output
    res = _invoke(*_record_args(files), "--weighing-tolerance", "10 %", "--acknowledge", "x")
    assert res.exit_code == 2 and "not CODE=REASON" in res.output
    res = _invoke(
        *_record_args(files),
        *("--weighing-tolerance", "10 %", "--acknowledge", "weighing-tolerance-above-policy="),
    )
    assert res.exit_code == 2 and "Error: --acknowledge" in res.output
    res = _invoke(
        *_record_args(files),
        *("--weighing-tolerance", "10 %", "--format", "json"),
        *("--acknowledge", "weighing-tolerance-above-policy=viscous base, SOP 12"),
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["acknowledged"] == [
        {"code": "weighing-tolerance-above-policy", "reason": "viscous base, SOP 12"}
    ]
    (files / "record.json").write_text(res.output, encoding="utf-8")
    res = _invoke("verify", str(files / "record.json"))
    assert res.exit_code == 1, res.output  # on hold: no unit weights, no yield
    assert "Acknowledged deviations from the policy" in res.output


def test_cli_record_keeps_an_over_yield(files):
    """``--yield`` above the batch is recorded and warned (exit 0); beyond the weight window
    it is DO NOT RELEASE (exit 1, after writing the record), as probe2 P11 asks."""
    res = _invoke(*_record_args(files), "--yield", "34", "--format", "json")
    assert res.exit_code == 0, res.output
    assert "yield-above-batch" in {w["code"] for w in json.loads(res.output)["warnings"]}
    res = _invoke(*_record_args(files), "--yield", "40")
    assert res.exit_code == 1
    assert "DO NOT RELEASE: 40 units from a mix of" in res.output


def test_cli_verify_lists_what_a_release_still_needs(files):
    res = _invoke(*_record_args(files), "--verified-by", "B", "--format", "json")
    assert res.exit_code == 0, res.output
    (files / "record.json").write_text(res.output, encoding="utf-8")
    res = _invoke("verify", str(files / "record.json"))
    assert res.exit_code == 1, res.output  # probe3 Q18: a record on hold never verifies as ok
    assert "no differences; NOT READY FOR RELEASE" in res.output
    assert "Not recorded yet (release only once it is)" in res.output
    assert "No unit weights are recorded" in res.output and "No yield is recorded" in res.output
    res = _invoke("verify", str(files / "record.json"), "--format", "json")
    assert res.exit_code == 1
    assert json.loads(res.output)["ok"] is False
    assert json.loads(res.output)["differences"] == []
    held = json.loads(res.output)["on_hold"]
    assert len(held) == 3
    for h, start in zip(
        held,
        ("No actual weight recorded", "No unit weights are recorded", "No yield is recorded"),
        strict=True,
    ):
        assert h.startswith(start)


def _verify_file(files: Path, text: str) -> Any:
    (files / "record.json").write_text(text, encoding="utf-8")
    return _invoke("verify", str(files / "record.json"))


def test_cli_verify_recomputes_and_reads_strictly(files):
    text = lc.dumps(_capsule_record())
    assert _verify_file(files, text).exit_code == 0
    edited = json.loads(text)
    edited["weight_check"]["mean"]["value"] = "70"
    res = _verify_file(files, json.dumps(edited))
    assert res.exit_code == 1
    assert "weight_check.mean: recorded 70 mg; found 60 mg" in " ".join(res.output.split())
    for bad, code_text in (
        (
            text.replace('"yield_units": 32', '"yield_units": 32, "yield_units": 33'),
            "appears twice",
        ),
        (text.replace('"yield_units": 32', '"yield_units": NaN'), "not a JSON number"),
        (text.replace('"yield_units": 32', '"yield_units": 3.2e1'), "fraction or an exponent"),
        (text.replace('"yield_units": 32', '"yield_units": "\uff13\uff12"'), "other than ASCII"),
        (text.replace('"yield_units": 32', '"yield_units": 32, "extra": 1'), "unknown field"),
        (text.replace('"yield_units": 32', '"yield_units": "32"'), "not written as"),
    ):
        res = _verify_file(files, bad)
        assert res.exit_code == 2, (code_text, res.output)
        errors = [line for line in res.output.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1 and errors[0].startswith("Error: RECORD: "), res.output
        assert (code_text in errors[0] and "yield_units" in errors[0]) or "extra" in errors[0]


def test_cli_record_text_shows_lots_and_both_warnings(files):
    res = _invoke(*_record_args(files))
    assert res.exit_code == 0
    assert "Components used: lots and expiries" in res.output
    assert "lot T1" in res.output and "Calculation trace" in res.output
    assert "Warnings of the record" in res.output and "Warnings of the calculation" in res.output


def test_the_day_is_frozen_for_records():
    assert _capsule_record().compounded_on == dt.date(2026, 11, 21)


def test_a_tolerance_or_a_weight_of_the_wrong_kind_is_refused_and_reported():
    r = _capsule_result()
    with pytest.raises(lc.DimensionError) as info:
        lc.make_record(r, record_id="X", compounded_by="A", weighing_tolerance=lc.mass("5 mg"))
    assert info.value.field == "weighing_tolerance"
    with pytest.raises(lc.DimensionError) as info:
        lc.make_record(
            r,
            record_id="X",
            compounded_by="A",
            actual_weighings=(lc.ActualWeighing(number=1, amount=lc.volume("5 mL")),),
        )
    assert info.value.field == "actual_weighings[1]"
    d = _data()
    d["weighing_tolerance"] = {"value": "5", "unit": "mg"}
    d["defaults"] = []
    d["actual_weighings"][0]["actual"] = {"value": "5", "unit": "mL"}
    fields = _fields(d)
    assert "weighing_tolerance" in fields and "actual_weighings[0].actual" in fields
    d = _data()
    d["weighing_tolerance"] = {"value": "0", "unit": "%"}
    d["defaults"] = []
    assert "weighing_tolerance" in _fields(d)


def test_a_record_with_an_unplanned_weighing_still_checks_the_others():
    d = _data()
    d["actual_weighings"][0]["number"] = 99
    d["actual_weighings"][1]["deviation"]["value"] = "3"
    fields = _fields(d)
    assert "actual_weighings[0].number" in fields and "actual_weighings[1].deviation" in fields


@pytest.mark.parametrize(
    ("text", "code", "field"),
    [
        (b'{"a": 1, "a": 2}', "duplicate-field", "a"),
        (b'{"a": [1, {"b": NaN}]}', "not-a-number", "a[1].b"),
        (b'{"a": -Infinity}', "not-a-number", "a"),
        (b'{"a": 1.5}', "not-a-number", "a"),
        (b'{"a": 1e400}', "not-a-number", "a"),
        (b'{"a": 1' + b"0" * 30 + b"}", "not-a-number", "a"),
        ('{"a": "\uff15\uff19"}'.encode(), "non-ascii-digit", "a"),
        (b'{"a": }', "bad-json", "RECORD"),
        (b"\xff{}", "bad-encoding", "RECORD"),
        (b"[" * 100_000, "bad-json", "RECORD"),
    ],
)
def test_loads_strict_refuses_what_the_library_never_writes(text, code, field):
    from ldncompound._strict import loads_strict  # noqa: PLC0415

    with pytest.raises(lc.InputError) as info:
        loads_strict(text, what="RECORD")
    assert (info.value.code, info.value.field) == (code, field)
    assert info.value.message.startswith("RECORD: ") and "\n" not in info.value.message
    assert loads_strict('{"a": [1, "x", null, true]}', what="R") == {"a": [1, "x", None, True]}


def test_plain_data_refuses_nesting_deeper_than_python_can_walk():
    from ldncompound._strict import plain_data  # noqa: PLC0415

    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(lc.InputError) as info:
        plain_data(deep, what="record")
    assert info.value.code == "too-deep"


def test_an_edited_warning_is_reported_as_recorded_and_as_missing():
    d = _data(verified_by=None)
    d["warnings"][0]["message"] = "Verified by telephone."
    found = lc.verify_record(d).differences
    assert [(x.field, x.found) for x in found] == [
        ("warnings[0]", "<absent>"),
        (
            "warnings",
            "[not-verified] No verifier is recorded; the record must be reviewed before release.",
        ),
    ]


def test_a_record_stored_by_0_1_0_is_refused_in_one_sentence_naming_the_schema():
    """0.1.0 wrote results as ldncompound/capsules/1 with the order in another form: this
    version does not guess at it; it says which schema it is and what it reads instead."""
    d = _data()
    d["result"]["schema"] = "ldncompound/capsules/1"
    d["result"]["order"] = {"dose": {"value": "4.5", "unit": "mg"}, "count": 30}
    for read in (lc.verify_record, lc.from_json):
        with pytest.raises(lc.InputError) as info:
            read(d)
        assert (info.value.code, info.value.field) == ("retired-schema", "result.schema")
        assert "'ldncompound/capsules/1'" in info.value.message
        assert "expected ldncompound/capsules/2" in info.value.message
    res = _verify_file_text(json.dumps(d))
    assert res.exit_code == 2
    assert res.output.count("Error: ") == 1 and "Traceback" not in res.output


def _verify_file_text(text: str) -> Any:
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        return _verify_file(Path(folder), text)


def test_a_record_on_hold_never_verifies_as_ok():
    """probe3 Q18: a report says ok only when nothing differs AND nothing a release needs is
    missing; each missing item alone puts the record on hold."""
    assert lc.verify_record(_data()).ok
    for missing in ({"verified_by": None}, {"yield_units": None}, {"unit_weights": ()}):
        report = lc.verify_record(_data(**missing))
        assert not report.differences and report.on_hold
        assert not report.ok


def test_a_zero_yield_is_below_the_batch(files):
    """probe3 Q11: no units made is the extreme of a yield below the batch, warned as such
    (not only below the units to dispense), without a share of the fill to divide by."""
    rec = _capsule_record(yield_units=0)
    below = [w.message for w in rec.warnings if w.code == "yield-below-batch"]
    assert below == [
        (
            "No units were made of the 33 the batch makes: there is nothing to release; "
            "record where the mix went."
        )
    ]
    assert "yield-below-dispensed" in {w.code for w in rec.warnings}
    res = _invoke(*_record_args(files), "--yield", "0", "--format", "json")
    assert res.exit_code == 0, res.output
    assert "yield-below-batch" in {w["code"] for w in json.loads(res.output)["warnings"]}
