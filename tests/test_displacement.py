"""Density factors (displacement values): trial batches, densities, stated factors, 1:1."""

from __future__ import annotations

from decimal import Decimal

import pytest

import ldncompound as lc
from ldncompound import Quantity, Unit


def mg(text: str | int) -> Quantity:
    return Quantity(Decimal(text), Unit.MG)


def test_trial_batch_factor_by_hand():
    """10 blanks weigh a = 12.00 g; 10 medicated units weigh b = 12.10 g and hold d = 0.60 g
    of the drug, so they hold c = b - d = 11.50 g of base: DV = d / (a - c) = 0.60 / 0.50 = 1.2.
    The trial's blanks average a / 10 = 1200 mg."""
    trial = lc.DisplacementTrial(
        units=10,
        blank_total=lc.mass("12.00 g"),
        medicated_total=lc.mass("12.10 g"),
        ingredient_total=lc.mass("0.60 g"),
    )
    assert trial.base_total == mg(11500)
    assert trial.factor == Decimal("1.2")
    assert trial.blank_weight == mg(1200)
    d = lc.Displacement.from_trial(trial)
    assert d.resolve(None) == Decimal("1.2")
    assert "d / (a - c)" in d.describe()
    assert not d.assumed


def test_factors_from_densities_stated_and_replacement():
    """DV = rho_i / rho_base: 2.2 / 1.1 = 2; a base density is required for it."""
    d = lc.Displacement.from_density(lc.density("2.2 g/mL"))
    assert d.resolve(lc.density("1.1 g/mL")) == 2
    with pytest.raises(lc.InputError) as info:
        d.resolve(None)
    assert (info.value.field, info.value.code) == ("base.density", "missing-density")
    with pytest.raises(lc.InputError) as info:
        d.resolve(lc.density("0.1 g/mL"))  # 22: not a plausible factor
    assert info.value.field == "displacement.density"
    assert lc.Displacement.of(Decimal("1.3"), source="trial 2026").resolve(None) == Decimal("1.3")
    assert "trial 2026" in lc.Displacement.of(Decimal("1.3"), source="trial 2026").describe()
    one = lc.Displacement.replacement()
    assert one.resolve(None) == 1 and one.assumed
    assert "assumption" in one.describe()


def test_parse_displacement():
    assert lc.parse_displacement("dv=1.25") == lc.Displacement.of(Decimal("1.25"))
    assert lc.parse_displacement(" replace ") == lc.Displacement.replacement()
    assert lc.parse_displacement("density=1.3 g/mL") == lc.Displacement.from_density(
        lc.density("1.3 g/mL")
    )
    t = lc.parse_displacement("trial=10,12 g,12.1 g,600 mg")
    assert t.trial is not None and t.trial.factor == Decimal("1.2")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("dv", "is not a displacement spec"),
        ("weight=2", "has the unknown key 'weight'"),
        ("dv=0", "is zero"),
        ("dv=25", "too large"),
        ("dv=1,2", "comma"),
        ("density=1.2", "has no unit"),
        ("density=1.2 mg", "is a mass"),
        ("trial=10,12 g", "has 2 parts"),
        ("trial=a,12 g,12.1 g,600 mg", "trial units"),
        ("trial=10,12 g,12.5 g,100 mg", "no base was displaced"),
        ("trial=10,12 g,500 mg,600 mg", "is not less than the medicated units"),
    ],
)
def test_parse_displacement_refusals_name_the_option(text, fragment):
    with pytest.raises(lc.InputError) as info:
        lc.parse_displacement(text, field="--drug-displacement")
    assert str(info.value).startswith("--drug-displacement")
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: lc.Displacement.of(Decimal(0)), "displacement.factor"),
        (lambda: lc.Displacement.of(Decimal(25)), "displacement.factor"),
        (lambda: lc.Displacement.of(1), "displacement.factor"),
        (lambda: lc.Displacement(method=lc.DisplacementMethod.FACTOR), "displacement.factor"),
        (
            lambda: lc.Displacement(method=lc.DisplacementMethod.REPLACEMENT, factor=Decimal(1)),
            "displacement.factor",
        ),
        (lambda: lc.Displacement(method="factor", factor=Decimal(1)), "displacement.method"),
        (
            lambda: lc.Displacement.from_density(Quantity(Decimal(9), Unit.G_PER_ML)),
            "displacement.density",
        ),
        (
            lambda: lc.DisplacementTrial(
                units=10, blank_total=mg(12000), medicated_total=mg(12500), ingredient_total=mg(100)
            ),
            "trial.medicated_total",
        ),
        (
            lambda: lc.DisplacementTrial(
                units=10, blank_total=mg(12000), medicated_total=mg(500), ingredient_total=mg(600)
            ),
            "trial.ingredient_total",
        ),
        (
            lambda: lc.DisplacementTrial(
                units=0, blank_total=mg(12000), medicated_total=mg(12100), ingredient_total=mg(600)
            ),
            "trial.units",
        ),
        (
            lambda: lc.DisplacementTrial(
                units=10,
                blank_total=lc.volume("12 mL"),
                medicated_total=mg(12100),
                ingredient_total=mg(600),
            ),
            "trial.blank_total",
        ),
    ],
)
def test_refused_displacements_name_the_field(build, field):
    with pytest.raises(lc.InputError) as info:
        build()
    assert info.value.field == field
    assert str(info.value).endswith(".")
