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
from ldncompound._capsule_data import FILLERS
from ldncompound._drug import (
    DRUG_SYNONYMS,
    DRUG_SYNONYMS_SOURCE,
    OTHER_DRUGS,
    OTHER_DRUGS_SOURCE,
    other_drug,
    same_drug,
)
from ldncompound._troche_data import TROCHE_BASES
from ldncompound._vehicles import PRESERVATIVES, VEHICLES

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


# --- probe3 Q5, Q6, Q16, Q17, Q24: the name however written, and every name a drug hides in ---

#: Naltrexone written glued, punctuated, spaced or with its strength (probe3 Q5).
GLUED = [
    "NaltrexoneHCl",
    "Naltrexonhydrochlorid",
    "Naltrexone4.5mg",
    "naltrexonehydrochloridedihydrate",
    "LDN4.5",
    "LDN 4.5mg",
    "L.D.N.",
    "N.T.X.",
    "L D N",
    "NTXhcl",
    "Nal-trexone",
    "nal trexone",
    "Re-Via",
    "ReViaHCl",
]

#: Ordinary names of flavours, sweeteners, preservatives, vehicles, bases and fillers (the 41
#: the probe found accepted, and more): never a drug, however the matching is widened.
ORDINARY = [
    "peppermint oil",
    "spearmint",
    "strawberry",
    "cherry flavour",
    "banana",
    "raspberry",
    "orange oil",
    "lemon",
    "vanilla",
    "butterscotch",
    "bubble gum",
    "grape",
    "chocolate",
    "cocoa butter",
    "sucralose",
    "saccharin sodium",
    "stevia",
    "sorbitol",
    "xylitol",
    "sucrose",
    "simple syrup",
    "glycerin",
    "acesulfame potassium",
    "aspartame",
    "sodium benzoate",
    "potassium sorbate",
    "methylparaben",
    "propylparaben",
    "benzoic acid",
    "sorbic acid",
    "citric acid",
    "sodium citrate",
    "purified water",
    "mct oil",
    "fractionated coconut oil",
    "sesame oil",
    "olive oil",
    "Ora-Sweet",
    "Ora-Plus",
    "polyethylene glycol 1450",
    "PEG 3350",
    "gelatin",
    "acacia",
    "silica gel",
    "microcrystalline cellulose",
    "lactose monohydrate",
    "calcium carbonate",
    "magnesium stearate",
    "rice flour",
    "ultramarine blue",
    "mint x",
]


def _library_names() -> list[str]:
    return [
        *PRESERVATIVES,
        *(v.name for v in VEHICLES),
        *(b.name for b in TROCHE_BASES),
        *(f.name for f in FILLERS),
    ]


@pytest.mark.parametrize("name", GLUED)
def test_naltrexone_glued_punctuated_or_spaced_is_naltrexone(name):
    assert same_drug(lc.NALTREXONE, name) is not None


@pytest.mark.parametrize("name", GLUED)
def test_troches_refuse_naltrexone_glued_to_its_salt_or_strength(name):
    with pytest.raises(lc.InputError) as err:
        orders.troches(ingredients=(lc.Additive(name=name, amount=lc.mass("4.5 mg")),))
    assert (err.value.code, err.value.field) == ("duplicate-active", "ingredients[0].name")


def test_ordinary_excipient_names_are_no_drug():
    for name in [*ORDINARY, *_library_names()]:
        assert same_drug(lc.NALTREXONE, name) is None, name
        assert other_drug(lc.NALTREXONE, name) is None, name


@given(st.sampled_from(ORDINARY), st.sampled_from(["", " 2 %", " USP", " NF", "-flavoured"]))
def test_an_ordinary_name_with_a_grade_or_strength_stays_no_drug(name, tail):
    assert same_drug(lc.NALTREXONE, name + tail) is None
    assert other_drug(lc.NALTREXONE, name + tail) is None


@given(other_drugs(), st.sampled_from(["HCl", "4mg", " 10 mg", "hydrochloride"]))
def test_another_drug_glued_to_its_salt_or_strength_is_still_another_drug(name, tail):
    assert other_drug(lc.NALTREXONE, name.strip() + tail) is not None


BRANDS_OF_OTHER_DRUGS = ["OxyContin", "Percocet", "Vicodin", "Dilaudid", "Ultram", "Wellbutrin"]
BRANDS_OF_OTHER_DRUGS += ["Zyban", "Kloxxado", "heroin", "diacetylmorphine", "MS Contin"]


@pytest.mark.parametrize("name", BRANDS_OF_OTHER_DRUGS)
def test_brands_of_opioids_and_bupropion_and_heroin_are_other_drugs(name):
    with pytest.raises(lc.InputError) as err:
        orders.troches(ingredients=(lc.Additive(name=name, amount=lc.mass("4.5 mg")),))
    assert (err.value.code, err.value.field) == ("drug-as-excipient", "ingredients[0].name")


@pytest.mark.parametrize(
    ("product", "named"),
    [
        ("Oxycodone HCl 50 mg tablets", "oxycodone, an opioid"),
        ("Naloxone 50 mg", "naloxone, an opioid antagonist"),
        ("Contrave 8 mg/90 mg tablets", "contrave, naltrexone with bupropion, extended-release"),
    ],
)
def test_a_tablet_product_of_another_drug_is_refused(product, named):
    with pytest.raises(lc.InputError) as err:
        orders.tablets(product=product)
    assert (err.value.code, err.value.field) == ("source-is-another-drug", "tablets.product")
    assert str(err.value) == (
        f"tablets.product: {product!r} names another drug ({named}), not a product of "
        "naltrexone alone; expected the name of the naltrexone product the preparation is made "
        "from."
    )


@pytest.mark.parametrize("product", ["Naltrexone HCl 50 mg film-coated tablets", "Revia", "Accord"])
def test_a_tablet_product_of_naltrexone_or_of_no_drug_named_is_kept(product):
    assert orders.tablets(product=product).product == product


def test_cli_refuses_a_tablet_product_of_another_drug():
    args = [*orders.COMMANDS["capsules"], "--tablet-product", "Oxycodone HCl 50 mg tablets"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert "Error: --tablet-product: 'Oxycodone HCl 50 mg tablets' names another drug" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("diluent", "code"), [("naloxone", "drug-as-excipient"), ("NTX", "duplicate-active")]
)
def test_a_stock_diluted_in_a_drug_is_refused(diluent, code):
    with pytest.raises(lc.InputError) as err:
        lc.TriturationStock(strength=lc.percent("10 %"), diluent=diluent, bud=orders.EXP, lot="S1")
    assert (err.value.code, err.value.field) == (code, "stock.diluent")


def test_cli_refuses_a_stock_diluent_that_is_a_drug():
    args = ["capsules", "--dose", "4.5 mg", "--count", "30", "--source", "stock"]
    args += ["--stock-strength", "10 %", "--stock-diluent", "naloxone", "--lot", "S1"]
    args += ["--expiry", "2027-01-01", "--stock-made-on", "2026-11-01", "--class-iii"]
    res = CliRunner().invoke(cli, [*args, "--no-profile"])
    assert res.exit_code == 2
    assert "Error: --stock-diluent: 'naloxone' is another drug (naloxone" in res.output


@pytest.mark.parametrize(
    ("name", "code"), [("LDN", "duplicate-active"), ("naloxone", "drug-as-excipient")]
)
def test_a_vehicle_preservative_named_by_a_drug_is_refused_before_any_acknowledgement(name, code):
    vehicle = lc.Vehicle.declared(name="water", aqueous=True, preservative=name)
    for make in (orders.liquid, orders.drops):
        with pytest.raises(lc.InputError) as err:
            make(
                vehicle=lc.VehicleLot(vehicle=vehicle),
                acknowledge=("preservative-unknown",),
            )
        assert (err.value.code, err.value.field) == (code, "vehicle.preservative")


@pytest.mark.parametrize(
    ("name", "code"), [("NTX", "duplicate-active"), ("naloxone", "drug-as-excipient")]
)
def test_a_troche_base_preservative_named_by_a_drug_is_refused(name, code):
    base = lc.BaseLot(base="peg", lot="P1", expiry=orders.EXP, preservative=name)
    with pytest.raises(lc.InputError) as err:
        orders.troches(base=base, acknowledge=("preservative-unknown",))
    assert (err.value.code, err.value.field) == (code, "base.preservative")


def test_cli_refuses_a_preservative_named_ldn_though_preservative_unknown_is_acknowledged():
    args = [a for a in orders.COMMANDS["liquid"] if a != "purified-water"]
    args = [a for a in args if a != "--vehicle"] + ["--vehicle-name", "water", "--aqueous"]
    res = CliRunner().invoke(
        cli, [*args, "--preservative", "LDN", "--acknowledge", "preservative-unknown"]
    )
    assert res.exit_code == 2
    assert "'LDN' is naltrexone" in res.output
