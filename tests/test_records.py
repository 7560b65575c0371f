"""Compounding records and their verification."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest

import ldncompound as lc

DAY = dt.date(2026, 11, 21)


def result() -> lc.CapsuleResult:
    api = lc.ApiLot(
        form="hcl",
        assay=lc.percent("99.5 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A1",
    )
    return lc.formulate_capsules(
        lc.CapsuleOrder(
            dose=lc.mass("0.5 mg"),
            count=30,
            source=api,
            balance=lc.Balance.class_iii(),
            filler=lc.FillerLot(
                filler="mcc",
                lot="F1",
                expiry=dt.date(2028, 1, 1),
                pack_stat=lc.PackStat(
                    size="1", filler_per_capsule=lc.mass("150 mg"), method="tamped"
                ),
            ),
            compounded_on=DAY,
        )
    )


def record(**kw) -> lc.CompoundingRecord:
    r = result()
    actual = tuple(lc.ActualWeighing(number=w.number, amount=w.amount) for w in r.weighings)
    args = {
        "record_id": "RX-1001-1",
        "compounded_by": "A. Pharmacist",
        "verified_by": "B. Checker",
        "actual_weighings": actual,
        "unit_weights": tuple(
            lc.mass(f"{x} mg") for x in (150, 149, 151, 150, 148, 152, 150, 149, 151, 150)
        ),
        "yield_units": 33,
        "description": "white opaque size 1 capsules",
    }
    args.update(kw)
    return lc.make_record(r, **args)


def data() -> dict:
    return json.loads(lc.dumps(record()))


def test_record_contents():
    rec = record()
    assert rec.schema == "ldncompound/record/1"
    assert rec.library_version == lc.__version__
    m = rec.master
    assert m.name == "naltrexone HCl 0.5 mg capsules"
    assert any("salt form naltrexone HCl" in i for i in m.ingredients)
    assert m.instructions == rec.result.process
    assert m.bud_reference.startswith("USP <795>")
    assert m.calculations == rec.result.trace
    assert any("opioid" in t for t in m.labeling)
    assert rec.weight_check is not None and rec.weight_check.passed
    assert rec.weight_check.mean == lc.mass("150 mg")
    keys = {t.key for t in rec.table_values}
    assert {
        "drug.naltrexone.hcl.molar_mass",
        "bud.nonaqueous-solid.days",
        "capsule_size.1.volume",
        "record.weighing_tolerance",
    } <= keys
    assert rec.warnings == ()
    assert lc.from_json(json.loads(lc.dumps(rec))) == rec


def test_record_warnings():
    r = result()
    rec = lc.make_record(
        r,
        record_id="X",
        compounded_by="A",
        actual_weighings=(lc.ActualWeighing(number=1, amount=lc.mass("130 mg")),),
        unit_weights=tuple(
            lc.mass(f"{x} mg") for x in (150, 149, 151, 150, 120, 152, 150, 149, 151, 150)
        ),
        yield_units=28,
    )
    codes = {w.code for w in rec.warnings}
    assert {
        "weighing-outside-tolerance",
        "weighing-not-recorded",
        "unit-weight-outside-window",
        "yield-below-dispensed",
        "not-verified",
    } <= codes


def test_record_refusals():
    r = result()
    with pytest.raises(lc.InputError) as info:
        lc.make_record(
            r,
            record_id="X",
            compounded_by="A",
            actual_weighings=(lc.ActualWeighing(number=9, amount=lc.mass("1 mg")),),
        )
    assert info.value.field == "actual_weighings"
    with pytest.raises(lc.InputError) as info:
        lc.make_record(r, record_id="X", compounded_by="A\x1b[2J")
    assert info.value.field == "compounded_by"
    with pytest.raises(lc.InputError) as info:
        lc.make_record(r, record_id="X", compounded_by="A", unit_weights=(lc.mass("150 mg"),))
    assert info.value.field == "unit_weights"


def test_verify_reports_nothing_for_a_record_the_library_produced():
    report = lc.verify_record(data())
    assert not report.differences, report.differences
    assert report.differences == ()
    assert report.cannot_check
    assert len(report.checked) >= 5


def _alter(path: list, value) -> dict:
    d = data()
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return d


def test_verify_names_an_altered_amount():
    d = _alter(["result", "weighings", 2, "amount", "value"], "160")
    report = lc.verify_record(d)
    assert not report.ok
    assert [x.field for x in report.differences if x.field.startswith("result.")] == [
        "result.weighings[2].amount"
    ]


def test_verify_names_an_altered_per_capsule_amount_and_bud():
    d = _alter(["result", "active_per_capsule", "value"], "0.6")
    d["result"]["bud"]["date"] = "2027-12-31"
    fields = {x.field for x in lc.verify_record(d).differences}
    assert {"result.active_per_capsule", "result.bud.date"} <= fields


def test_verify_names_an_actual_weight_outside_tolerance():
    d = data()
    d["actual_weighings"][0]["actual"]["value"] = "140"
    report = lc.verify_record(d)
    fields = [x.field for x in report.differences]
    assert "actual_weighings[0].actual" in fields
    outside = next(x for x in report.differences if x.field == "actual_weighings[0].actual")
    assert "outside" in outside.reason
    # the stored deviation and flag no longer follow from the actual weight
    deviation = next(x for x in report.differences if x.field == "actual_weighings[0].deviation")
    assert "actual_weighings[0].actual" in deviation.computed_from
    assert {"actual_weighings[0].within_tolerance", "warnings"} <= set(fields)


def test_verify_names_an_altered_stored_table_value():
    d = data()
    index = next(
        i for i, t in enumerate(d["table_values"]) if t["key"] == "drug.naltrexone.hcl.molar_mass"
    )
    d["table_values"][index]["value"]["value"] = "377.87"
    report = lc.verify_record(d)
    assert [x.field for x in report.differences] == [
        f"table_values[{index}].value (drug.naltrexone.hcl.molar_mass)"
    ]


def test_verify_names_a_removed_table_value_and_a_unit_weight_outside_the_window():
    d = data()
    d["table_values"] = [t for t in d["table_values"] if t["key"] != "capsule_size.1.volume"]
    d["unit_weights"][3]["value"] = "170"
    fields = {(x.field, x.found) for x in lc.verify_record(d).differences}
    assert ("table_values", "capsule_size.1.volume") in fields
    assert any(f == "unit_weights[3]" for f, _ in fields)


def test_verify_names_an_altered_order_input():
    d = data()
    d["result"]["order"]["source"]["assay"] = "98 %"
    found = lc.verify_record(d).differences
    fields = {x.field for x in found}
    assert "result.weighings[2].amount" in fields or "result.active_per_capsule" in fields
    assert all("result.order" in x.computed_from for x in found if x.field.startswith("result."))


def test_verify_refuses_what_is_not_a_record():
    with pytest.raises(lc.InputError):
        lc.verify_record({"schema": "ldncompound/capsules/2"})
    d = copy.deepcopy(data())
    del d["result"]
    with pytest.raises(lc.InputError):
        lc.verify_record(d)
    assert Decimal(d["weighing_tolerance"]["value"]) == 5


# --- a tampered or damaged record is reported, never a crash -----------------------------------


def _differences(d: dict) -> list[tuple[str, str]]:
    return [(x.field, x.reason) for x in lc.verify_record(d).differences]


def test_verify_names_unplanned_and_duplicated_weighings():
    d = data()
    first = d["actual_weighings"][0]
    d["actual_weighings"] += [dict(first, number=99), first]
    found = _differences(d)
    assert (
        "actual_weighings[4].number",
        "actual_weighings: 99 is not a planned weighing number; expected 1 to 4.",
    ) in found
    assert (
        "actual_weighings[5].number",
        "actual_weighings: 1 is given twice; expected one actual weight per weighing.",
    ) in found


def test_verify_names_a_removed_weighing_and_an_edited_plan():
    d = data()
    del d["actual_weighings"][1]
    d["actual_weighings"][0]["planned"]["value"] = "999"
    fields = [f for f, _ in _differences(d)]
    assert "actual_weighings[0].planned" in fields  # recomputed from the order, not read
    assert "warnings" in fields  # weighing 2 has no actual weight, and the record hid it


def test_verify_names_an_unknown_or_doubled_table_value():
    d = data()
    d["table_values"].append({"key": "capsule_size.9.volume", "value": "1", "source": "x"})
    d["table_values"].append(d["table_values"][0])
    found = _differences(d)
    n = len(d["table_values"])
    assert (f"table_values[{n - 2}]", "is not a table value this calculation uses") in found
    assert (f"table_values[{n - 1}]", "is given twice") in found


@pytest.mark.parametrize(
    ("path", "value", "code", "field"),
    [
        (["result", "order"], 5, "wrong-type", "result.order"),  # read by the order loader
        (["result", "bud"], 5, "not-a-record", "result.bud"),
        (["result", "order", "count"], -1, "negative", "result.order.count"),
        (["result", "schema"], "ldncompound/capsules/9", "unknown-schema", "result.schema"),
        (["master"], 5, "not-a-record", "master"),
        (["master", "name"], 5, "not-as-written", "master.name"),
        (["table_values"], "x", "not-a-record", "table_values"),
        (["actual_weighings"], {"a": 1}, "not-a-record", "actual_weighings"),
        (["actual_weighings", 0], 5, "not-a-record", "actual_weighings[0]"),
        (["actual_weighings", 0, "number"], "1", "not-as-written", "actual_weighings[0].number"),
        (["unit_weights", 0], "150 mg", "invalid-unit", "unit_weights[0]"),
        (["unit_weights", 0, "value"], "１５０", "non-ascii-digit", "unit_weights[0].value"),
        (["unit_weights", 0, "value"], "150.0", "not-as-written", "unit_weights[0].value"),
        (["yield_units"], "33", "not-as-written", "yield_units"),
        (["yield_units"], "abc", "not-a-record", "yield_units"),
        (["result", "order", "count"], "abc", "wrong-type", "result.order.count"),
        (["yield_units"], True, "not-as-written", "yield_units"),
        (["yield_units"], 33.0, "not-a-number", "yield_units"),
        (["yield_units"], float("nan"), "not-a-number", "yield_units"),
        (["yield_units"], 10**30, "too-large", "yield_units"),
        (["result", "order", "extra"], 1, "unknown-field", "result.order.extra"),
        (["weight_check", "mean", "unit"], "MG", "invalid-unit", "weight_check.mean"),
        (
            ["acknowledged"],
            [{"code": "x", "reason": "r"}],
            "unknown-acknowledgement",
            "acknowledged[0].code",
        ),
    ],
)
def test_verify_reads_a_record_strictly_and_names_the_path(path, value, code, field):
    d = _alter(path, value)
    with pytest.raises(lc.InputError) as info:
        lc.verify_record(d)
    assert (info.value.code, info.value.field) == (code, field), info.value.message
    assert info.value.message.startswith(field)
    assert "\n" not in info.value.message


def test_verify_refuses_non_text_keys_and_values_that_are_not_json():
    d = data()
    d["master"][1] = "x"
    with pytest.raises(lc.InputError) as info:
        lc.verify_record(d)
    assert (info.value.code, info.value.field) == ("non-text-key", "master")
    d = data()
    d["deviations"] = [Decimal(1)]
    with pytest.raises(lc.InputError) as info:
        lc.verify_record(d)
    assert (info.value.code, info.value.field) == ("wrong-type", "deviations[0]")


def test_read_record_is_the_inverse_of_writing_it():
    rec = record()
    assert lc.read_record(json.loads(lc.dumps(rec))) == rec


def test_a_liquid_record_has_no_unit_weights_or_yield():
    liquid = lc.formulate_liquid(
        lc.LiquidOrder(
            dose=lc.mass("4.5 mg"),
            doses_per_day=Decimal(1),
            days_supply=14,
            source=lc.TabletSource(
                average_weight=lc.mass("201.4 mg"), tablets_weighed=20, expiry=dt.date(2028, 1, 1)
            ),
            compounded_on=DAY,
        )
    )
    with pytest.raises(lc.InputError) as info:
        lc.make_record(liquid, record_id="L1", compounded_by="A", yield_units=3)
    assert info.value.field == "yield_units"
    with pytest.raises(lc.InputError) as info:
        lc.make_record(liquid, record_id="L1", compounded_by="A", unit_weights=(lc.mass("1 mg"),))
    assert info.value.field == "unit_weights"
    rec = json.loads(lc.dumps(lc.make_record(liquid, record_id="L1", compounded_by="A")))
    assert not lc.verify_record(rec).differences
    rec["unit_weights"] = [{"value": "150", "unit": "mg"}]
    found = _differences(rec)
    assert [f for f, _ in found] == ["unit_weights"]
    assert "without unit weights" in found[0][1]
    rec["unit_weights"] = []
    rec["yield_units"] = 3
    assert [f for f, _ in _differences(rec)] == ["yield_units"]


def test_record_yield_and_weighing_refusals():
    r = result()
    with pytest.raises(lc.InputError) as info:
        lc.make_record(r, record_id="X", compounded_by="A", yield_units=-1)
    assert info.value.field == "yield_units"
    once = lc.ActualWeighing(number=1, amount=r.weighings[0].amount)
    with pytest.raises(lc.InputError) as info:
        lc.make_record(r, record_id="X", compounded_by="A", actual_weighings=(once, once))
    assert "twice" in info.value.message
    rec = lc.make_record(r, record_id="X", compounded_by="A", yield_units=r.batch_count)
    assert rec.yield_percent == lc.percent("100 %")
    assert not {"yield-above-batch", "yield-below-batch"} & {w.code for w in rec.warnings}


def _codes(rec: lc.CompoundingRecord) -> list[str]:
    return [w.code for w in rec.warnings]


def test_a_yield_above_the_batch_is_recorded_and_flagged():
    """An over-yield (under-filled units) is an observation the record keeps (probe2 P11):
    warned within the weight window, DO NOT RELEASE beyond it."""
    r = result()
    assert r.batch_count == 33
    rec = lc.make_record(r, record_id="X", compounded_by="A", yield_units=34)
    assert rec.yield_units == 34 and rec.yield_percent > lc.percent("100 %")
    (over,) = [w for w in rec.warnings if w.code == "yield-above-batch"]
    assert over.field == "yield_units"
    assert over.message.startswith("34 units were made, more than the 33 the batch makes")
    assert "at most about 9" in over.message and "check the unit weights" in over.message
    assert "do-not-release" not in _codes(rec)
    rec = lc.make_record(r, record_id="X", compounded_by="A", yield_units=40)
    assert _codes(rec)[0] == "do-not-release" and "yield-above-batch" in _codes(rec)
    stop = rec.warnings[0]
    assert stop.field == "yield_units"
    assert stop.message.startswith("DO NOT RELEASE: 40 units from a mix of ")
    assert "below the 90 % the weight window allows" in stop.message
    assert "a dose, not 0.5 mg" in stop.message
    text = lc.render_worksheet(rec)
    assert text.splitlines()[2].startswith("DO NOT RELEASE: 40 units")


def test_a_yield_far_below_the_batch_is_warned():
    r = result()
    rec = lc.make_record(r, record_id="X", compounded_by="A", yield_units=29)
    (low,) = [w for w in rec.warnings if w.code == "yield-below-batch"]
    assert low.message.startswith("Only 29 of the 33 units the batch makes were made")
    assert "record where the rest of the mix went" in low.message
    assert "yield-below-dispensed" in _codes(rec) and "do-not-release" not in _codes(rec)
    assert "yield-below-batch" not in _codes(
        lc.make_record(r, record_id="X", compounded_by="A", yield_units=30)
    )
    none = lc.make_record(r, record_id="X", compounded_by="A", yield_units=0)
    # probe3 Q11: none at all is the extreme of a yield below the batch
    assert "yield-below-batch" in _codes(none) and "yield-below-dispensed" in _codes(none)


def test_a_record_without_weight_check_or_yield_is_not_ready_for_release():
    """No QC weights and no yield is warned like a weighing not recorded (probe2 P13), and
    printed under the record's title; a complete record has no such line."""
    rec = record(unit_weights=(), yield_units=None)
    assert _codes(rec) == ["weight-check-not-recorded", "yield-not-recorded"]
    check, made = rec.warnings
    assert check.field == "unit_weights" and made.field == "yield_units"
    assert "the weight check (10 units, each 135 mg-165 mg net) is not done" in check.message
    assert "the batch makes 33" in made.message
    lines = lc.render_worksheet(rec).splitlines()
    assert lines[2].startswith("NOT READY FOR RELEASE: No unit weights are recorded")
    assert "NOT READY FOR RELEASE" not in lc.render_worksheet(record())
    bare = lc.make_record(result(), record_id="X", compounded_by="A")
    assert {
        "weighing-not-recorded",
        "weight-check-not-recorded",
        "yield-not-recorded",
        "not-verified",
    } <= set(_codes(bare))


def test_record_from_json_refuses_what_is_not_an_object():
    from ldncompound._records import record_from_json  # noqa: PLC0415

    with pytest.raises(lc.InputError) as info:
        record_from_json([1, 2])
    assert info.value.field == "record"
    assert record_from_json(data()) == record()


def test_the_record_worksheet_shows_plan_actuals_qc_and_deviations():
    r = result()
    first = r.weighings[0]
    rec = lc.make_record(
        r,
        record_id="RX-7",
        compounded_by="A. Pharmacist",
        actual_weighings=(
            lc.ActualWeighing(number=first.number, amount=first.amount.to(lc.Unit.MG) * 2),
        ),
        unit_weights=tuple(
            lc.mass(f"{x} mg") for x in (150, 149, 151, 150, 120, 152, 150, 149, 151, 150)
        ),
        yield_units=33,
        deviations=("spilled a little filler",),
    )
    text = lc.render_worksheet(rec)
    assert text.startswith("Compounding record RX-7: naltrexone HCl 0.5 mg capsules\n")
    assert "Verified by" in text and "NOT VERIFIED" in text
    assert "OUT OF TOLERANCE" in text
    assert "actual not recorded" in text
    assert "weights: n = 10" in text and "outside: units" in text
    assert "yield: 33" in text
    assert "  - spilled a little filler" in text
    assert "Table values used" in text and "drug.naltrexone.hcl.molar_mass = 377.86 g/mol" in text
    clean = lc.render_worksheet(record())
    assert "all within the window" in clean and "  none recorded" in clean
