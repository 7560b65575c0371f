"""Labels cannot contradict what was compounded: a result is computed again from its own
order before it is labelled, result files are read strictly, and the label carries the
batch's lot and the date compounded."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc

PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")
LABEL = [
    *("--patient", "Jane Doe", "--prescriber", "Dr Smith", "--pharmacy-name", "Main St"),
    *("--pharmacy-address", "1 Main St", "--pharmacy-phone", "555-0100", "--rx", "RX1"),
    *("--record-id", "CR-1"),
]


def label_order(**kw: Any) -> lc.LabelOrder:
    args = {
        "patient": "Jane Doe",
        "prescriber": "Dr A. Smith",
        "pharmacy": PHARMACY,
        "rx_number": "RX-1001",
        "record_id": "CR-1",
        **kw,
    }
    return lc.LabelOrder(**args)


def result(prep: str = "capsules") -> Any:
    return orders.FORMULATE[prep](orders.ORDERS[prep]())


def kit(form: lc.KitForm = lc.KitForm.CAPSULES) -> lc.TitrationResult:
    args: dict[str, Any] = {
        "steps": (lc.parse_step("0.5 mg:7"), lc.parse_step("1 mg:7")),
        "maintenance": lc.mass("2 mg"),
        "maintenance_days": 14,
        "start": orders.DAY,
        "form": form,
    }
    if form is lc.KitForm.CAPSULES:
        args["capsules"] = lc.CapsuleKit(
            template=orders.capsules(dose=lc.mass("0.5 mg"), source=orders.api())
        )
    else:
        # 1 mg/mL: 0.5, 1 and 2 mL are marks at a measurable share (orders.liquid() is
        # 2.5 mg/mL, which puts 0.5 mg at 0.2 mL)
        one = lc.Quantity(Decimal(1), lc.Unit.MG_PER_ML)
        args["liquid"] = lc.LiquidKit(template=orders.liquid(concentration=one))
    return lc.plan_titration(lc.TitrationOrder(**args))


def edited(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(data))
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


# --- recomputation --------------------------------------------------------------------------------


@pytest.mark.parametrize("prep", list(orders.ORDERS))
def test_a_result_as_computed_is_labelled(prep):
    made = result(prep)
    lc.check_recomputes(made)
    lc.check_recomputes(lc.read_result(lc.dumps(made)))
    assert lc.build_label(lc.read_result(lc.dumps(made)), label_order()).drug


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("dose",), {"value": "45", "unit": "mg"}, "result.dose"),
        (("dose",), {"value": "4.6", "unit": "mg"}, "result.dose"),
        (("bud", "date"), "2028-05-19", "result.bud.date"),
        (("count",), 300, "result.count"),
    ],
)
def test_an_edited_capsule_result_never_reaches_a_label(path, value, field):
    data = edited(lc.to_json(result()), path, value)
    with pytest.raises(lc.InputError) as info:
        lc.build_label(lc.from_json(data), label_order())
    err = info.value
    assert (err.code, err.field) == ("result-not-recomputed", field)
    assert err.message.startswith(f"{field}: ") and err.message.count(".") >= 1
    assert "\n" not in err.message and "the result's own order computes" in err.message


def test_an_edited_order_inside_the_result_is_refused_too():
    # the order says 4 mg, the stored amounts are those of 4.5 mg
    data = edited(lc.to_json(result()), ("order", "dose"), "4 mg")
    with pytest.raises(lc.InputError) as info:
        lc.build_label(lc.from_json(data), label_order())
    assert info.value.code == "result-not-recomputed"


@pytest.mark.parametrize("prep", ["liquid", "drops", "troches"])
def test_every_preparation_is_recomputed(prep):
    data = lc.to_json(result(prep))
    data = edited(data, ("bud", "date"), "2030-01-01")
    with pytest.raises(lc.InputError) as info:
        lc.build_label(lc.from_json(data), label_order())
    assert (info.value.code, info.value.field) == ("result-not-recomputed", "result.bud.date")


def test_a_result_from_another_library_version_with_the_same_figures_is_labelled():
    data = edited(lc.to_json(result()), ("library_version",), "0.0.1")
    assert lc.build_label(lc.from_json(data), label_order()).drug


def test_an_edited_kit_never_reaches_a_label():
    made = kit()
    lc.build_kit_labels(made, label_order())
    data = lc.to_json(made)
    data["containers"][0]["directions"] = data["containers"][0]["directions"].replace(
        "Take 1 capsule", "Take 3 capsules"
    )
    with pytest.raises(lc.InputError) as info:
        lc.build_kit_labels(lc.from_json(data), label_order())
    assert (info.value.code, info.value.field) == (
        "result-not-recomputed",
        "result.containers[0].directions",
    )


def test_a_kit_is_labelled_by_build_kit_labels_only():
    with pytest.raises(lc.InputError) as info:
        lc.build_label(kit(), label_order())
    assert info.value.field == "result"


def test_a_result_the_library_cannot_label_is_refused():
    with pytest.raises(lc.InputError) as info:
        lc.check_recomputes(object())
    assert info.value.field == "result"


_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def numbers(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every number in result JSON: decimal strings and integers."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in numbers(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in numbers(v, (*path, i))]
    if isinstance(data, bool):
        return []
    if isinstance(data, int) or (isinstance(data, str) and _NUMBER.match(data)):
        return [path]
    return []


RESULTS = {prep: lc.to_json(result(prep)) for prep in orders.ORDERS}
PATHS = {prep: numbers(data) for prep, data in RESULTS.items()}


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(list(orders.ORDERS)).flatmap(
        lambda prep: st.tuples(st.just(prep), st.sampled_from(PATHS[prep]))
    ),
    st.sampled_from(["x10", "/10", "+1", "-1", "+0.1"]),
)
def test_no_label_is_produced_from_a_result_that_fails_recomputation(where, change):
    """Any number of a result's JSON changed (a tenfold slip, one more or less, a digit
    after the point): either the file is refused as it is read, or the label refuses it,
    unless the changed result is exactly what its (changed) order computes."""
    prep, path = where
    data = RESULTS[prep]
    old = _get(data, path)
    number = Decimal(str(old))
    new = {
        "x10": number * 10,
        "/10": number / 10,
        "+1": number + 1,
        "-1": number - 1,
        "+0.1": number + Decimal("0.1"),
    }[change]
    if new == number:
        return
    value: Any = int(new) if isinstance(old, int) and new == int(new) else str(new)
    if isinstance(old, int) and value != int(new):
        value = str(new)
    changed = edited(data, path, value)
    try:
        stored = lc.read_result(json.dumps(changed))
        label = lc.build_label(stored, label_order())
    except lc.LdnCompoundError as err:
        assert err.code not in (None, "internal-error")
        return
    # labelled: then the changed file is exactly what its own order computes
    assert path[0] == "order"
    fresh = orders.FORMULATE[prep](stored.order, today=stored.bud.compounded_on)
    assert lc.to_json(fresh) == changed
    assert label.strength is not None


# --- strict reading -------------------------------------------------------------------------------


def test_result_json_with_a_duplicate_key_nan_or_infinity_is_refused():
    text = lc.dumps(result())
    doubled = text.replace('"count": 30,', '"count": 30,\n  "count": 300,', 1)
    assert doubled != text
    for bad, code in (
        (doubled, "duplicate-field"),
        (text.replace('"count": 30', '"count": NaN', 1), "bad-json"),
        (text.replace('"count": 30', '"count": Infinity', 1), "bad-json"),
        (b"\xff" + text.encode(), "bad-encoding"),
    ):
        with pytest.raises(lc.InputError) as info:
            lc.read_result(bad)
        assert info.value.code == code
        res = CliRunner().invoke(cli, ["label", "-", *LABEL], input=bad)
        assert res.exit_code == 2, res.output
        assert "Error: RESULT: " in res.output and "Traceback" not in res.output


def test_the_command_line_refuses_an_edited_result():
    data = edited(lc.to_json(result()), ("dose",), {"value": "45", "unit": "mg"})
    res = CliRunner().invoke(cli, ["label", "-", *LABEL], input=json.dumps(data))
    assert res.exit_code == 2, res.output
    assert (
        "Error: result.dose: '45 mg' is not what the result's own order computes ('4.5 mg')"
        in res.output
    )
    # the order inside edited to a dose its guards refuse: named as the result's order
    data = edited(lc.to_json(result()), ("order", "dose"), "45 mg")
    res = CliRunner().invoke(cli, ["label", "-", *LABEL], input=json.dumps(data))
    assert res.exit_code == 2, res.output
    assert "Error: result.order.dose: '45 mg" in res.output


# --- lot and date compounded ----------------------------------------------------------------------


def test_the_lot_is_generated_from_the_batch_not_the_rx_reference():
    made = orders.FORMULATE["capsules"](orders.capsules(reference="RX-1001"))
    label = lc.build_label(made, label_order())
    assert re.fullmatch(r"L20261121-[0-9A-F]{8}", label.lot)
    assert label.lot != made.order.reference
    assert label.lot == lc.build_label(lc.read_result(lc.dumps(made)), label_order()).lot
    (default,) = label.defaults
    assert (default.field, default.value) == ("lot", label.lot)
    assert "generated" in default.source
    other = lc.build_label(orders.FORMULATE["capsules"](orders.capsules(count=60)), label_order())
    assert other.lot != label.lot
    text = lc.render_label(label)
    assert f"Lot {label.lot}" in text and "Compounded 2026-11-21" in text
    assert (label.compounded_on, label.compounded_text) == (orders.DAY, "Compounded 2026-11-21")


def test_a_given_lot_is_printed_and_not_a_default():
    label = lc.build_label(result(), label_order(lot="B-2026-117"))
    assert label.lot == "B-2026-117" and label.defaults == ()
    assert "Lot B-2026-117" in lc.render_label(label)
    res = CliRunner().invoke(
        cli, ["label", "-", *LABEL, "--lot", "B-7", "--format", "json"], input=lc.dumps(result())
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (data["lot"], data["compounded_on"]) == ("B-7", "2026-11-21")
    with pytest.raises(lc.InputError) as info:
        label_order(lot="B\u200b7")
    assert (info.value.code, info.value.field) == ("invisible-character", "lot")


def test_each_fill_of_a_kit_gets_its_own_lot_and_date():
    labels = lc.build_kit_labels(kit(lc.KitForm.LIQUID), label_order())
    assert len({x.lot for x in labels}) == len(labels) >= 1
    for x in labels:
        assert x.lot.startswith(f"L{x.compounded_on:%Y%m%d}-")


def test_one_given_lot_for_a_kit_of_several_batches_is_refused():
    made = kit()
    assert len(made.capsule_batches) > 1
    with pytest.raises(lc.InputError) as info:
        lc.build_kit_labels(made, label_order(lot="B-1"))
    assert (info.value.code, info.value.field) == ("one-lot-for-many-batches", "lot")


def test_a_kit_timing_cannot_change_the_kit_frequency():
    made = kit()
    assert all(
        "at bedtime" in x.directions
        for x in lc.build_kit_labels(made, label_order(timing="at bedtime"))
    )
    for timing in ("twice daily", "in the morning and at bedtime"):
        with pytest.raises(lc.InputError) as info:
            lc.build_kit_labels(made, label_order(timing=timing))
        assert (info.value.code, info.value.field) == ("directions-frequency-mismatch", "timing")
