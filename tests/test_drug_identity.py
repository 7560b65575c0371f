"""The drug's identity in other ingredients (probe2 P16): naltrexone under its brand names and
abbreviations is the order's drug (``duplicate-active``); another drug (naloxone, an opioid) is
never an excipient (``drug-as-excipient``), in troches, liquids and drops alike."""

from __future__ import annotations

from decimal import Decimal

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._drug import (
    DRUG_SYNONYMS,
    DRUG_SYNONYMS_SOURCE,
    OTHER_DRUGS,
    OTHER_DRUGS_SOURCE,
    other_drug,
    same_drug,
)

BRANDS = ["Vivitrol", "NTX", "Depade", "Nalorex", "Adepend", "ReVia", "Contrave"]


def _written(name: str, draw: st.DrawFn) -> str:
    """``name`` as people write it: any case, a salt word, spaces around."""
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in name)
    salt = draw(st.sampled_from(["", " HCl", " hydrochloride", " powder", " USP"]))
    return f"{draw(st.sampled_from(['', ' ']))}{cased}{salt}"


@st.composite
def synonyms(draw: st.DrawFn) -> str:
    return _written(draw(st.sampled_from(DRUG_SYNONYMS["naltrexone"])), draw)


@st.composite
def other_drugs(draw: st.DrawFn) -> str:
    return _written(draw(st.sampled_from(sorted(OTHER_DRUGS))), draw)


@given(synonyms())
def test_every_synonym_however_written_is_naltrexone(name):
    assert same_drug(lc.NALTREXONE, name) is not None
    assert other_drug(lc.NALTREXONE, name) is None


@given(other_drugs())
def test_every_other_drug_however_written_is_another_drug_not_naltrexone(name):
    assert same_drug(lc.NALTREXONE, name) is None
    assert other_drug(lc.NALTREXONE, name) is not None


def test_the_tables_cite_their_sources():
    for text in (DRUG_SYNONYMS_SOURCE, OTHER_DRUGS_SOURCE):
        assert "[V]" in text and "[U]" in text
    assert {"vivitrol", "ntx", "nalorex", "adepend", "depade"} <= set(DRUG_SYNONYMS["naltrexone"])


@pytest.mark.parametrize("name", BRANDS)
def test_troches_refuse_a_brand_of_naltrexone_as_an_ingredient(name):
    with pytest.raises(lc.InputError) as err:
        orders.troches(ingredients=(lc.Additive(name=name, amount=lc.mass("4.5 mg")),))
    assert (err.value.code, err.value.field) == ("duplicate-active", "ingredients[0].name")


def test_troches_refuse_naloxone_naming_the_field_value_and_what_was_expected():
    with pytest.raises(lc.InputError) as err:
        orders.troches(ingredients=(lc.Additive(name="naloxone", amount=lc.mass("4.5 mg")),))
    assert (err.value.code, err.value.field) == ("drug-as-excipient", "ingredients[0].name")
    assert str(err.value) == (
        "ingredients[0].name: 'naloxone' is another drug (naloxone, an opioid antagonist), not "
        "an excipient to add as an ingredient; expected an excipient that is not a drug (another "
        "active is compounded on its own order, or in capsules given as an additional active "
        "with its dose)."
    )


def test_a_declared_troche_base_or_diluent_named_by_a_drug_is_refused():
    doc = orders.document("troches")
    doc["base"] |= {"base": "default", "name": "morphine base", "contains_water": False}
    with pytest.raises(lc.InputError) as err:
        lc.load_order(doc)
    assert (err.value.code, err.value.field) == ("drug-as-excipient", "base.name")


@pytest.mark.parametrize(
    ("name", "role", "code", "field"),
    [
        ("Vivitrol", lc.AdditiveRole.FLAVOUR, "duplicate-active", "additive.name"),
        ("naloxone", lc.AdditiveRole.FLAVOUR, "drug-as-excipient", "additive.name"),
        ("tramadol", lc.AdditiveRole.PRESERVATIVE, "drug-as-excipient", "preservative.name"),
    ],
)
def test_liquids_and_drops_refuse_a_drug_as_an_additive(name, role, code, field):
    additive = lc.LiquidAdditive(role=role, name=name, contains_water=True)
    for make in (orders.liquid, orders.drops):
        with pytest.raises(lc.InputError) as err:
            make(additives=(additive,))
        assert (err.value.code, err.value.field) == (code, field)


def test_a_declared_vehicle_named_by_a_drug_is_refused():
    vehicle = lc.Vehicle.declared(name="methadone oral solution", aqueous=True)
    with pytest.raises(lc.InputError) as err:
        orders.liquid(vehicle=lc.VehicleLot(vehicle=vehicle))
    assert (err.value.code, err.value.field) == ("drug-as-excipient", "vehicle.name")


def test_a_flavour_that_is_no_drug_is_kept():
    additive = lc.LiquidAdditive(role=lc.AdditiveRole.FLAVOUR, name="strawberry")
    assert orders.liquid(additives=(additive,)).additives == (additive,)


def test_a_caller_drug_order_refuses_naltrexone_as_an_excipient():
    """For an order of another drug, naltrexone itself is another drug."""
    dhea = lc.Drug(
        name="DHEA",
        forms=(lc.SaltForm(key="base", name="DHEA", short_name="DHEA", molar_mass=Decimal(300)),),
        default_basis="base",
    )
    assert other_drug(dhea, "Revia") == "revia, naltrexone"
    assert other_drug(dhea, "DHEA") is None


def test_cli_refuses_a_brand_and_another_drug():
    base = orders.COMMANDS["troches"]
    res = CliRunner().invoke(cli, [*base, "--ingredient", "Vivitrol:4.5 mg"])
    assert res.exit_code == 2
    assert "Error: --ingredient: 'Vivitrol' is naltrexone (another name of it)" in res.output
    res = CliRunner().invoke(cli, [*orders.COMMANDS["liquid"], "--flavour", "Naloxone HCl"])
    assert res.exit_code == 2
    assert "Error: --flavour: 'Naloxone HCl' is another drug (naloxone" in res.output
    assert "Traceback" not in res.output
