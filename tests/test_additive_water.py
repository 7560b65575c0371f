"""An additive's water content in a nonaqueous liquid (probe2 P17): not stated, it is taken as
water-containing (the conservative USP <795> class) and echoed as a default with its source;
stated water-free, the nonaqueous BUD stands. In an aqueous vehicle it changes nothing."""

from __future__ import annotations

import json
from typing import Any

import orders
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._trace import Recorder
from ldncompound._vehicles import UNSTATED_WATER_SOURCE, classify

OIL = lc.vehicle("mct-oil")
MCT = lc.VehicleLot(vehicle=OIL)
ROLES = list(lc.AdditiveRole)


def additive(role: lc.AdditiveRole, water: bool | None, name: str = "strawberry") -> Any:
    if role is lc.AdditiveRole.PRESERVATIVE:
        name = "sodium benzoate"
    return lc.LiquidAdditive(role=role, name=name, contains_water=water)


def drops(*additives: lc.LiquidAdditive) -> lc.DropsResult:
    order = orders.drops(
        vehicle=MCT, additives=additives, acknowledge=("aliquot-solubility-unknown",)
    )
    return lc.formulate_drops(order, today=orders.DAY)


def test_a_flavour_not_stated_makes_oil_drops_aqueous_and_says_so():
    result = drops(additive(lc.AdditiveRole.FLAVOUR, None))
    assert result.bud.category is lc.BudCategory.AQUEOUS_NONPRESERVED
    (echo,) = [d for d in result.defaults if d.field == "additives[0].contains_water"]
    assert (echo.value, echo.source) == ("yes", UNSTATED_WATER_SOURCE)
    assert "--flavour-water-free" in echo.source
    lc.check_recomputes(result)


def test_a_flavour_stated_water_free_keeps_the_nonaqueous_bud():
    result = drops(additive(lc.AdditiveRole.FLAVOUR, False))
    assert result.bud.category is lc.BudCategory.NONAQUEOUS_ORAL_LIQUID
    assert not [d for d in result.defaults if d.field.endswith("contains_water")]


def test_in_an_aqueous_vehicle_the_water_of_a_flavour_is_not_asked():
    order = orders.liquid(additives=(additive(lc.AdditiveRole.FLAVOUR, None),))
    result = lc.formulate_liquid(order, today=orders.DAY)
    assert not [d for d in result.defaults if d.field.endswith("contains_water")]


@given(
    st.lists(st.tuples(st.sampled_from(ROLES), st.sampled_from([None, True, False])), max_size=3)
)
def test_not_stated_is_classed_as_containing_water(spec):
    """The class with water not stated is the class with water stated: never a longer BUD."""
    unstated = tuple(additive(r, w, f"a{i}") for i, (r, w) in enumerate(spec))
    stated = tuple(additive(r, True if w is None else w, f"a{i}") for i, (r, w) in enumerate(spec))
    rec = Recorder(acknowledged=frozenset({"preservative-unknown"}))
    got, _ = classify(OIL, unstated, rec)
    want, _ = classify(OIL, stated, Recorder(acknowledged=frozenset({"preservative-unknown"})))
    assert got is want
    echoed = [d.field for d in rec.defaults]
    assert echoed == [
        f"additives[{i}].contains_water" for i, (_, w) in enumerate(spec) if w is None
    ]


D = ["drops", "--source", "api", "--api-form", "hcl", "--assay", "100 %", "--assay-basis"]
D += ["as-is", "--lot", "A1", "--expiry", "2030-01-01", "--compounded-on", "2026-11-21"]
D += ["--class-iii", "--vehicle", "mct-oil", "--calibration-drops", "40"]
D += ["--calibration-volume", "2 mL", "--dropper", "D1", "--dose", "1.5 mg"]
D += ["--doses-per-day", "1", "--days", "60", "--acknowledge", "aliquot-solubility-unknown"]
D += ["--flavour", "strawberry", "--no-profile", "--format", "json"]


def test_cli_flavour_water_not_stated_stated_and_free():
    got = {}
    for flag in ("", "--flavour-contains-water", "--flavour-water-free"):
        res = CliRunner().invoke(cli, [*D, flag] if flag else D)
        assert res.exit_code == 0, res.output
        data = json.loads(res.output)
        got[flag] = data["bud"]["category"]
        echoed = {d["field"] for d in data["defaults"]}
        assert ("additives[0].contains_water" in echoed) is (flag == "")
    assert got == {
        "": "aqueous-nonpreserved",
        "--flavour-contains-water": "aqueous-nonpreserved",
        "--flavour-water-free": "nonaqueous-oral-liquid",
    }
