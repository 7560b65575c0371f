"""Labels and records for oral liquids and drops: the label rules in JSON and text."""

from __future__ import annotations

import json

import pytest
import test_drops
import test_liquids

import ldncompound as lc

PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main St", phone="555-0100")


def label_order(**kw) -> lc.LabelOrder:
    return lc.LabelOrder(
        patient="Jane Doe",
        prescriber="Dr Smith",
        pharmacy=PHARMACY,
        rx_number="RX-3",
        record_id="CR-1",
        **kw,
    )


def suspension() -> lc.LiquidResult:
    return lc.formulate_liquid(test_liquids.order(days_supply=30, source=test_liquids.tablets()))


def solution() -> lc.LiquidResult:
    return lc.formulate_liquid(test_liquids.order(days_supply=14, source=test_liquids.api()))


def codes(label: lc.Label) -> list[str]:
    return [a.code for a in label.auxiliary]


def test_suspension_label_rules_in_json_and_text():
    label = lc.build_label(suspension(), label_order())
    assert label.strength_text == "1 mg/mL"
    assert label.dosage_form == "oral suspension"
    assert (
        label.directions
        == "Take 4.5 mL (4.5 mg) by mouth once daily, measured with the 5 mL oral syringe (0.1 mL "
        "marks)."
    )
    expected = [
        "opioid",
        "shake-well",
        "protect-from-light",
        "note-strength",
        "use-supplied-syringe",
        "allergen-lactose",
        "keep-out-of-reach",
    ]
    assert codes(label) == expected
    assert label.storage == "Keep in the refrigerator (2-8 °C). Do not freeze."
    data = json.loads(lc.dumps(label))
    assert [a["code"] for a in data["auxiliary"]] == expected
    assert data["strength"] == {"value": "1", "unit": "mg/mL", "display": "1 mg/mL"}
    text = " ".join(lc.render_label(label, width=44).split())
    for phrase in (
        "Shake well before use.",
        "Note the strength.",
        "Protect from light.",
        "Contains lactose.",
        "Do not take opioid",
        "Keep in the refrigerator",
        "Measure each dose with the oral syringe supplied.",
    ):
        assert phrase in text


def test_solution_from_api_has_no_shake_well_and_no_lactose():
    label = lc.build_label(solution(), label_order())
    assert label.dosage_form == "oral solution"
    assert "shake-well" not in codes(label)
    assert "allergen-lactose" not in codes(label)
    assert "note-strength" in codes(label)


def test_the_result_label_facts_use_the_same_words_as_the_label():
    r = suspension()
    label = lc.build_label(r, label_order())
    texts = {a.text for a in label.auxiliary}
    assert {"Shake well before use.", "Protect from light.", "Note the strength."} <= set(
        r.label.auxiliary
    )
    assert {"Shake well before use.", "Protect from light.", "Note the strength."} <= texts


def test_drops_label_uses_the_supplied_dropper():
    r = lc.formulate_drops(test_drops.order())
    label = lc.build_label(r, label_order(timing="at bedtime"))
    assert "use-supplied-dropper" in codes(label)
    assert "use-supplied-syringe" not in codes(label)
    assert label.directions.startswith(f"Place {r.drops_per_dose} drops (")
    assert label.directions.endswith("under the tongue once daily at bedtime.")
    assert "per drop" in label.strength_text
    assert "Use only the dropper supplied." in lc.render_label(label)


def test_a_different_dose_cannot_be_put_on_a_liquid_label():
    with pytest.raises(lc.InputError) as info:
        lc.build_label(suspension(), label_order(dose=lc.mass("3 mg")))
    assert info.value.code == "dose-fixed-by-result"


@pytest.mark.parametrize(
    "make", [suspension, solution, lambda: lc.formulate_drops(test_drops.order())]
)
def test_liquid_records_verify_and_name_an_altered_measurement(make):
    r = make()
    planned = r.batch.measurements
    actual = tuple(lc.ActualWeighing(number=m.number, amount=m.amount) for m in planned)
    rec = lc.make_record(
        r, record_id="L-1", compounded_by="AB", verified_by="CD", actual_weighings=actual
    )
    data = json.loads(lc.dumps(rec))
    assert not lc.verify_record(data).differences, lc.verify_record(data).differences
    data["result"]["batch"]["measurements"][-1]["amount"]["value"] = "999"
    fields = [d.field for d in lc.verify_record(data).differences]
    assert f"result.batch.measurements[{len(planned) - 1}].amount" in fields
    with pytest.raises(lc.InputError):
        lc.make_record(r, record_id="L-1", compounded_by="AB", unit_weights=(lc.mass("1 mg"),))
