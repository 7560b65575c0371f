"""A balance's capacity: no planned weighing beyond it, none above 15.5 g without a word, and
no geometric-dilution portion above the largest trituration stage planned silently (probe2 P2).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import orders
import pytest
import strategies
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._weighing import CLASS_III_CAPACITY, geometric_portions

BIG = lc.Balance.documented(
    minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg"), capacity=lc.mass("200 g")
)


def _codes(result: Any) -> list[str]:
    return [w.code for w in result.warnings]


def _heaviest(result: Any) -> lc.Quantity:
    return max(w.amount for w in result.weighings)


def test_a_weighing_above_the_stated_capacity_is_refused_naming_it():
    small = attrs.evolve(BIG, capacity=lc.mass("1 g"))
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_capsules(orders.capsules(balance=small))
    err = info.value
    assert (err.code, err.field) == ("above-balance-capacity", "balance.capacity")
    assert err.message.startswith("balance.capacity: '1 g' (the balance's capacity) cannot hold ")
    assert "weighing 2 of the plan" in err.message and "(filler)" in err.message
    assert err.message.endswith(
        "expected a smaller batch, or a balance with a larger capacity (state its capacity)."
    )
    # the same order fits a balance that holds its heaviest weighing
    r = lc.formulate_capsules(orders.capsules(balance=BIG))
    assert _heaviest(r) <= lc.mass("200 g")
    assert "balance-capacity-not-stated" not in _codes(r)


def test_a_capacity_not_above_the_minimum_weight_is_refused():
    with pytest.raises(lc.InputError) as info:
        lc.Balance.documented(
            minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg"), capacity=lc.mass("50 mg")
        )
    assert (info.value.code, info.value.field) == ("out-of-range", "balance.capacity")


def test_ten_thousand_capsules_on_the_class_iii_preset_are_not_planned_silently():
    """probe2 P2: 1600500 mg "on the Class III prescription balance", portions of 792 g."""
    order = orders.capsules(
        source=orders.api(), count=10000, balance=lc.Balance.class_iii(), dose=lc.mass("4.5 mg")
    )
    r = lc.formulate_capsules(order)
    (capacity,) = [w for w in r.warnings if w.code == "balance-capacity-not-stated"]
    assert capacity.field == "balance.capacity"
    assert "is above 15.5 g, the nominal capacity of a Class III prescription balance" in (
        capacity.message
    )
    assert "Class III prescription balance's capacity is not given" in capacity.message
    (mixing,) = [w for w in r.warnings if w.code == "mix-portion-above-stage-mass"]
    assert "above the 10 g one trituration holds (max_stage_mass)" in mixing.message
    assert "is no mortar step" in mixing.message
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_capsules(
            attrs.evolve(order, balance=lc.Balance.class_iii(capacity=lc.mass("120 g")))
        )
    assert info.value.code == "above-balance-capacity"
    assert "Class III prescription balance's capacity" in info.value.message


def test_a_stated_capacity_is_kept_in_the_order_document_and_left_out_when_not_stated():
    document = lc.order_document(orders.capsules(balance=BIG))
    assert document["balance"]["capacity"] == "200 g"
    assert lc.load_order(document).balance == BIG
    plain = lc.order_document(orders.capsules())
    assert "capacity" not in plain["balance"]
    document["balance"]["capacity"] = "default"
    assert lc.load_order(document).balance.capacity is None
    r = lc.formulate_capsules(orders.capsules(balance=BIG))
    assert lc.from_json(json.loads(lc.dumps(r))) == r


_capacities = st.sampled_from(["1 g", "3 g", "10 g", "50 g", "500 g"])


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(strategies.capsule_orders, st.one_of(st.none(), _capacities))
def test_every_weighing_is_within_the_capacity_or_the_order_is_refused(order, capacity):
    balance = order.balance or lc.Balance.class_iii()
    stated = attrs.evolve(balance, capacity=None if capacity is None else lc.mass(capacity))
    order = attrs.evolve(order, balance=stated)
    try:
        r = lc.formulate_capsules(order)
    except lc.FormulationError as err:
        assume(err.code == "above-balance-capacity")
        assert stated.capacity is not None
        unlimited = lc.formulate_capsules(attrs.evolve(order, balance=balance))
        assert _heaviest(unlimited) > stated.capacity
        return
    except lc.LdnCompoundError:
        assume(False)
        return
    heaviest = _heaviest(r)
    if stated.capacity is not None:
        assert heaviest <= stated.capacity
    assert ("balance-capacity-not-stated" in _codes(r)) == (
        stated.capacity is None and heaviest > CLASS_III_CAPACITY
    )


@given(
    st.decimals(min_value=1, max_value=50_000, places=0),
    st.decimals(min_value=0, max_value=2_000_000, places=0),
)
def test_geometric_portions_add_up_and_never_more_than_double_the_mix(start, diluent):
    portions = geometric_portions(Decimal(start), Decimal(diluent))
    assert sum((p.magnitude for p in portions), Decimal(0)) == diluent
    current = Decimal(start)
    for p in portions:
        assert p.magnitude <= current
        current += p.magnitude


# --- the command line -------------------------------------------------------------------------------


def _run(*args: str) -> Any:
    res = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in res.output
    return res


def test_cli_balance_capacity_option():
    base = orders.command("capsules")
    res = _run(*base, "--balance-capacity", "200 g", "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["order"]["balance"]["capacity"] == "200 g"
    res = _run(*base, "--balance-capacity", "1 g")
    assert res.exit_code == 1
    assert res.output.startswith("Error: --balance-capacity: '1 g' (the balance's capacity)")
    res = _run(
        *orders.command("capsules", **{"--min-weight": None, "--readability": None}),
        "--balance-capacity",
        "200 g",
    )
    assert res.exit_code == 2
    assert "Error: --balance-capacity needs a rule" in res.output
    res = _run(
        *orders.command("capsules", **{"--min-weight": None, "--readability": None}),
        "--class-iii",
        "--balance-capacity",
        "120 g",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["order"]["balance"] == {"rule": "class-iii", "capacity": "120 g"}


def test_profile_balance_capacity(tmp_path: Path):
    from ldncompound._profile import load_profile  # noqa: PLC0415

    path = tmp_path / "p.toml"
    path.write_text(
        '[[balances]]\nname = "B2"\nrule = "class-iii"\ncapacity = "120 g"\n'
        '[[balances]]\nrule = "documented"\nreadability = "1 mg"\nminimum_weight = "50 mg"\n'
        'capacity = "220 g"\n',
        encoding="utf-8",
    )
    profile = load_profile(path)
    first, second = profile.balances
    assert first.name == "B2" and first.capacity == lc.mass("120 g")
    assert second.capacity == lc.mass("220 g")
    path.write_text('[[balances]]\nrule = "class-iii"\ncapacity = "10 mg"\n', encoding="utf-8")
    with pytest.raises(lc.InputError) as info:
        load_profile(path)
    assert "balances[1].capacity" in info.value.message


# --- quiet for a correct setup, one word for an assumed balance (probe3 Q9, Q25) ------------


def test_the_assumed_balance_names_its_nominal_capacity_in_its_one_warning():
    order = orders.capsules(source=orders.api(), count=180, balance=None)
    r = lc.formulate_capsules(order)
    assert _heaviest(r) > CLASS_III_CAPACITY
    codes = _codes(r)
    assert "balance-assumed" in codes and "balance-capacity-not-stated" not in codes
    (assumed,) = [w for w in r.warnings if w.code == "balance-assumed"]
    assert "nominal capacity 15.5 g, USP <1176>" in assumed.message
    assert "readability and capacity" in assumed.message


def test_the_profile_templates_balance_states_its_capacity_and_is_quiet():
    profile = lc.read_profile(lc.profile_template(), file="p.toml")
    assert profile.balances[0].capacity == lc.mass("220 g")
    troche = lc.apply_profile(orders.troches(balance=None), profile)
    r = lc.formulate_troches(troche)
    assert _heaviest(r) > CLASS_III_CAPACITY
    assert "balance-capacity-not-stated" not in _codes(r)
    big = lc.apply_profile(orders.capsules(source=orders.api(), count=10000, balance=None), profile)
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_capsules(big)
    assert info.value.code == "above-balance-capacity"


def test_another_balance_without_capacity_is_not_told_the_class_iii_figure_is_its_own():
    order = orders.capsules(
        source=orders.api(),
        count=1000,
        balance=lc.Balance.documented(
            minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg"), name="B1"
        ),
    )
    (w,) = [
        w for w in lc.formulate_capsules(order).warnings if w.code == "balance-capacity-not-stated"
    ]
    assert "is above 15.5 g, and the B1's capacity is not given: state it" in w.message
    assert "Class III" not in w.message
    named = attrs.evolve(
        orders.capsules(source=orders.api(), count=1000),
        balance=attrs.evolve(lc.Balance.class_iii(), name="torsion balance T1"),
    )
    (w,) = [
        w for w in lc.formulate_capsules(named).warnings if w.code == "balance-capacity-not-stated"
    ]
    assert "the nominal capacity of a Class III prescription balance" in w.message
