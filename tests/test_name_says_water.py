"""A component declared water-free whose name says water (probe3 Q15, Q7): a nonaqueous
vehicle "purified water" or "simple syrup", a water-free flavour "simple syrup", a dry troche
ingredient "simple syrup" would get the long nonaqueous BUD on a contradiction. Refused
(``name-says-water``, naming the field, the name and the water word) unless acknowledged."""

from __future__ import annotations

import json
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._vehicles import WATER_WORDS, water_word


def nonaqueous(name: str, acknowledge: tuple[str, ...] = ()) -> Any:
    vehicle = lc.Vehicle.declared(
        name=name, aqueous=False, water_activity_basis="no water in the formula"
    )
    order = orders.drops(
        vehicle=lc.VehicleLot(vehicle=vehicle),
        acknowledge=("aliquot-solubility-unknown", *acknowledge),
    )
    return lc.formulate_drops(order, today=orders.DAY)


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("purified water", "water"),
        ("simple syrup", "syrup"),
        ("Ora-Sweet", "ora sweet"),
        ("OraPlus", "oraplus"),
        ("sterile water for irrigation", "water"),
        ("Aqua purificata", "aqua"),
    ],
)
def test_a_nonaqueous_vehicle_named_by_water_is_refused(name, word):
    with pytest.raises(lc.InputError) as caught:
        nonaqueous(name)
    err = caught.value
    assert (err.code, err.field) == ("name-says-water", "vehicle.name")
    assert err.message.startswith(f"vehicle.name: {name!r} is declared nonaqueous")
    assert f"its name says water ({word!r})" in err.message
    assert "'name-says-water'" in err.message


@pytest.mark.parametrize("name", ["MCT oil", "fractionated coconut oil", "water-free base"])
def test_an_oil_or_a_water_free_name_is_not_asked(name):
    assert nonaqueous(name).bud.category is lc.BudCategory.NONAQUEOUS_ORAL_LIQUID


def test_acknowledged_the_declaration_stands_with_a_warning():
    result = nonaqueous("simple syrup", ("name-says-water",))
    assert result.bud.category is lc.BudCategory.NONAQUEOUS_ORAL_LIQUID
    assert "name-says-water" in {w.code for w in result.warnings}


def test_a_water_free_flavour_named_by_water_is_refused():
    flavour = lc.LiquidAdditive(
        role=lc.AdditiveRole.FLAVOUR, name="simple syrup", contains_water=False
    )
    order = orders.drops(
        vehicle=lc.VehicleLot(vehicle=lc.vehicle("mct-oil")),
        additives=(flavour,),
        acknowledge=("aliquot-solubility-unknown",),
    )
    with pytest.raises(lc.InputError) as caught:
        lc.formulate_drops(order, today=orders.DAY)
    assert (caught.value.code, caught.value.field) == ("name-says-water", "additive.name")


@given(
    st.text(alphabet="abcdefghij ", max_size=12),
    st.sampled_from(sorted(WATER_WORDS)),
    st.text(alphabet="abcdefghij ", max_size=12),
)
def test_a_water_word_anywhere_in_a_name_is_found(before, word, after):
    """Any name holding a water word as a word says water, in any case."""
    assert water_word(f"{before} {word.upper()} {after}") == word


def test_cli_names_the_option():
    args = orders.command("drops", **{"--vehicle": None})
    res = CliRunner().invoke(
        cli,
        [
            *args,
            *("--vehicle-name", "purified water", "--nonaqueous"),
            *("--water-activity-basis", "no water in the formula", "--format", "json"),
        ],
    )
    assert res.exit_code == 2, res.output
    error = json.loads(res.output)["error"]
    assert (error["code"], error["option"]) == ("name-says-water", "--vehicle-name")


def _troches(*ingredients: str, acknowledge: tuple[str, ...] = ()) -> Any:
    order = orders.troches(
        ingredients=tuple(lc.parse_ingredient(i) for i in ingredients), acknowledge=acknowledge
    )
    return lc.formulate_troches(order, today=orders.DAY)


def test_a_troche_ingredient_named_by_water_is_not_taken_as_dry():
    """probe3 Q7: 'simple syrup' without the 'water' option got the 180-day nonaqueous BUD."""
    with pytest.raises(lc.InputError) as caught:
        _troches("simple syrup:50 mg")
    assert (caught.value.code, caught.value.field) == ("name-says-water", "ingredients[0].name")
    watery = _troches("simple syrup:50 mg:water")
    assert watery.bud.category is lc.BudCategory.AQUEOUS_NONPRESERVED
    kept = _troches("simple syrup:50 mg", acknowledge=("name-says-water",))
    assert kept.bud.category is lc.BudCategory.NONAQUEOUS_SOLID
    assert "name-says-water" in {w.code for w in kept.warnings}
    assert _troches("sucralose:10 mg").bud.category is lc.BudCategory.NONAQUEOUS_SOLID
