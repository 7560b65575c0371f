"""Typed usage of the troche API, checked by mypy --strict (not executed by pytest)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import ldncompound as lc


def troche_plan() -> str:
    tablets: lc.Source = lc.TabletSource(
        average_weight=lc.mass("201.4 mg"), tablets_weighed=20, expiry=dt.date(2028, 1, 1)
    )
    order = lc.TrocheOrder(
        dose=lc.mass("1.5 mg"),
        count=30,
        source=tablets,
        dosage_form=lc.TrocheForm.TROCHE,
        mold=lc.MoldCalibration.from_weights(total=lc.mass("28.8 g"), blanks=24),
        base=lc.BaseLot(base="peg", lot="P1"),
        ingredients=(
            lc.parse_ingredient("stevia:20 mg:dv=1.1"),
            lc.Additive(
                name="silica", amount=lc.mass("5 mg"), displacement=lc.Displacement.of(Decimal(2))
            ),
        ),
        drug_displacement=lc.Displacement.from_trial(
            lc.DisplacementTrial(
                units=10,
                blank_total=lc.mass("12 g"),
                medicated_total=lc.mass("12.1 g"),
                ingredient_total=lc.mass("0.6 g"),
            )
        ),
    )
    result: lc.TrocheResult = lc.formulate_troches(order, today=dt.date(2026, 11, 21))
    base: lc.Quantity = result.base_per_unit
    factors: list[Decimal | None] = [i.density_factor for i in result.ingredients]
    assert base.unit is lc.Unit.MG
    assert factors
    back: lc.TrocheResult = lc.from_json(lc.to_json(result), lc.TrocheResult)
    assert back == result
    return lc.render_worksheet(result)
