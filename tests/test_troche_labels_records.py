"""Labels and records for troches and RDTs (the same rules as every preparation)."""

from __future__ import annotations

import json
from decimal import Decimal

import attrs
from test_troches import rdt_order

import ldncompound as lc

PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main St", phone="555-0100")


def label_order(**kw) -> lc.LabelOrder:
    return lc.LabelOrder(
        patient="Jane Doe",
        prescriber="Dr Smith",
        pharmacy=PHARMACY,
        rx_number="RX-2",
        record_id="CR-1",
        **kw,
    )


def test_rdt_label():
    r = lc.formulate_troches(attrs.evolve(rdt_order(), doses_per_day=Decimal(1)))
    label = lc.build_label(r, label_order())
    assert label.strength_text == "4.5 mg per rapid-dissolve tablet"
    assert (
        label.directions == "Dissolve 1 rapid-dissolve tablet (4.5 mg) under the tongue once daily."
    )
    assert label.quantity.display == "30 rapid-dissolve tablets"
    codes = [a.code for a in label.auxiliary]
    assert codes[0] == "opioid" and codes[-1] == "keep-out-of-reach"
    assert "shake-well" not in codes and "note-strength" not in codes
    text = lc.render_label(label)
    assert "under the tongue" in " ".join(text.split())
    assert lc.from_json(json.loads(lc.dumps(label))) == label


def test_troche_record_verifies_and_names_an_altered_amount():
    r = lc.formulate_troches(rdt_order())
    actual = tuple(lc.ActualWeighing(number=w.number, amount=w.amount) for w in r.weighings)
    rec = lc.make_record(
        r, record_id="B-1", compounded_by="AB", verified_by="CD", actual_weighings=actual
    )
    assert rec.master.name.endswith("rapid-dissolve tablets")
    assert any("displacement" in i for i in rec.master.ingredients)
    data = json.loads(lc.dumps(rec))
    assert not lc.verify_record(data).differences
    data["result"]["weighings"][-1]["amount"]["value"] = "1"
    fields = [d.field for d in lc.verify_record(data).differences]
    assert fields == [f"result.weighings[{len(r.weighings) - 1}].amount"]
    again = json.loads(lc.dumps(rec))
    key = next(i for i, t in enumerate(again["table_values"]) if t["key"] == "default.overage")
    again["table_values"][key]["value"]["value"] = "9"
    assert [d.field for d in lc.verify_record(again).differences] == [
        f"table_values[{key}].value (default.overage)"
    ]


def test_the_master_record_states_per_unit_amounts_for_people():
    """Found by tests/test_rendered_numbers.py: 0.1 mg troches from the dihydrate (assay on
    the anhydrous basis, 8.09 % water) listed '0.1089110000001089110000001089 mg per troche'
    in the master formulation record; amounts a person reads have six significant figures."""
    import re  # noqa: PLC0415

    import orders  # noqa: PLC0415

    api = orders.api(
        form="hcl-dihydrate",
        assay=lc.percent("99.9 %"),
        assay_basis=lc.AssayBasis.ANHYDROUS,
        water_content=lc.percent("8.09 %"),
    )
    result = lc.formulate_troches(
        orders.troches(
            dose=lc.mass("0.1 mg"), count=10, source=api, acknowledge=("dose-below-range",)
        )
    )
    record = lc.make_record(result, record_id="R1", compounded_by="A")
    active = next(i for i in record.master.ingredients if i.startswith("active:"))
    assert "(0.108911 mg per troche" in active
    assert not re.search(r"\d{8,}", active)
