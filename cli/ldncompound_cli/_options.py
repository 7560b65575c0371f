"""The option groups several preparation commands share (drug source, lot, balance) and
their rows of the option -> document tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

import ldncompound as lc

from ._common import FORMS
from ._tables import Table, To, count, flag


def _source_kind(*kinds: str, note: str = "") -> Callable[[Any], Any]:
    return click.option(
        "--source",
        "source_kind",
        type=click.Choice(list(kinds)),
        required=True,
        help="where the drug comes from" + note,
    )


def _lot_options(expiry_help: str) -> tuple[Any, ...]:
    return (
        click.option("--lot", help="lot number of the drug source"),
        click.option("--expiry", help=expiry_help),
    )


LOT_OPTIONS = _lot_options("expiry of the drug source (for a stock: its BUD), YYYY-MM-DD")
#: liquids take API or tablets only: no stock, so no stock BUD to offer
LIQUID_LOT_OPTIONS = _lot_options("expiry of the drug source, YYYY-MM-DD")
API_OPTIONS = (
    click.option("--api-form", type=FORMS, help="API: form in the jar"),
    click.option("--assay", help='API: assay, e.g. "99.5 %"'),
    click.option(
        "--assay-basis",
        type=click.Choice(["as-is", "anhydrous", "dried"]),
        help="API: basis of the assay",
    ),
    click.option("--assay-as", type=FORMS, help="API: form the assay is expressed as"),
    click.option(
        "--water",
        help='API: water content (Karl Fischer), for an anhydrous-basis assay, e.g. "8.7 %"',
    ),
    click.option("--loss-on-drying", help="API: loss on drying, for a dried-basis assay"),
)
TABLET_OPTIONS = (
    click.option(
        "--tablet-weight", help='tablets: measured average tablet weight, e.g. "201.4 mg"'
    ),
    click.option("--tablets-weighed", help="tablets: how many tablets the average comes from"),
    click.option("--tablet-strength", help="tablets: labelled strength [default: 50 mg]"),
    click.option(
        "--tablet-basis", type=FORMS, help="tablets: form of the labelled strength [default: HCl]"
    ),
    click.option("--tablet-product", help="tablets: product name and maker"),
    click.option(
        "--tablet-allergen",
        multiple=True,
        help="tablets: declared allergen (repeatable) [default: lactose]",
    ),
    click.option(
        "--no-tablet-allergens", is_flag=True, help="tablets: the product declares no allergens"
    ),
)
STOCK_OPTIONS = (
    click.option("--stock-strength", help='stock: drug share of the mixture, e.g. "10 %" for 1:10'),
    click.option("--stock-diluent", help="stock: the diluent it was made with"),
    click.option("--stock-basis", type=FORMS, help="stock: form of the stated strength"),
    click.option("--stock-made-on", help="stock: date it was made"),
)
DENSITY_OPTIONS = (
    click.option("--source-density", help="bulk density of the drug material, if measured (g/mL)"),
)
SOURCE_OPTIONS = (
    _source_kind("api", "tablets", "stock"),
    *LOT_OPTIONS,
    *API_OPTIONS,
    *TABLET_OPTIONS,
    *STOCK_OPTIONS,
    *DENSITY_OPTIONS,
)
#: troches: a bulk density plays no part in a melt (displacement uses density factors)
TROCHE_SOURCE_OPTIONS = (
    _source_kind("api", "tablets", "stock"),
    *LOT_OPTIONS,
    *API_OPTIONS,
    *TABLET_OPTIONS,
    *STOCK_OPTIONS,
)
BALANCE_OPTIONS = (
    click.option("--min-weight", help="balance: documented minimum weight (with --readability)"),
    click.option("--readability", help='balance: readability, e.g. "1 mg"'),
    click.option(
        "--sensitivity", help="torsion balance: sensitivity requirement (with --max-error)"
    ),
    click.option("--max-error", help='torsion balance: largest error allowed, e.g. "5 %"'),
    click.option(
        "--usp41", is_flag=True, help="balance: minimum weight 820 x readability (USP <41>)"
    ),
    click.option(
        "--class-iii", is_flag=True, help="balance: Class III torsion preset (120 mg, 10 mg)"
    ),
    click.option(
        "--balance-capacity",
        help='balance: the largest load it weighs, e.g. "120 g" [default for a torsion or '
        "Class III balance: 15.5 g (USP <1176>)]",
    ),
)


# --- where these options go in an order document (see _tables.py) ----------------------------

_API = "api"
_TABLETS = "tablets"
_STOCK = "stock"

#: the drug source options of every preparation command
SOURCE_TABLE: Table = {
    "source_kind": To("source.kind", also=("source",)),
    "lot": To("source.lot", also=("api.lot", "tablets.lot", "stock.lot")),
    "expiry": To(
        {_API: "source.expiry", _TABLETS: "source.expiry", _STOCK: "source.bud"},
        required="for the {kind} source (its expiry or, for a stock, its BUD)",
        also=("active.expiry", "stock.bud"),
    ),
    "api_form": To({_API: "source.form"}, required="for an API source", also=("form",)),
    "assay": To({_API: "source.assay"}, required="for an API source", also=("api.assay",)),
    "assay_basis": To({_API: "source.assay_basis"}, required="for an API source"),
    "assay_as": To({_API: "source.assay_as"}, also=("api.assay_as",)),
    "water": To({_API: "source.water_content"}, also=("api.water_content",)),
    "loss_on_drying": To({_API: "source.loss_on_drying"}, also=("api.loss_on_drying",)),
    "tablet_weight": To(
        {_TABLETS: "source.average_weight"},
        required="(the measured average tablet weight) for a tablet source",
        also=("tablets.average_weight",),
    ),
    "tablets_weighed": To(
        {_TABLETS: "source.tablets_weighed"}, value=count(1000), also=("tablets.tablets_weighed",)
    ),
    "tablet_strength": To({_TABLETS: "source.strength"}, also=("tablets.strength",)),
    "tablet_basis": To({_TABLETS: "source.strength_basis"}),
    "tablet_product": To({_TABLETS: "source.product"}, also=("tablets.product",)),
    "tablet_allergen": To(
        {_TABLETS: "source.allergens_declared"}, also=("tablets.allergens_declared",)
    ),
    "no_tablet_allergens": To({_TABLETS: "source.allergens_declared"}, value=flag([])),
    "stock_strength": To(
        {_STOCK: "source.strength"}, required="for a stock source", also=("stock.strength",)
    ),
    "stock_diluent": To(
        {_STOCK: "source.diluent"}, required="for a stock source", also=("stock.diluent",)
    ),
    "stock_basis": To({_STOCK: "source.strength_basis"}),
    "stock_made_on": To({_STOCK: "source.made_on"}, also=("stock.made_on",)),
}
#: the measured bulk density of the drug material (not for troches)
DENSITY_TABLE: Table = {
    "source_density": To(
        {_API: "source.bulk_density", _TABLETS: "source.powder_density"},
        also=("api.bulk_density", "tablets.powder_density"),
    ),
}


def _rule(document: Any) -> Any:
    return document.get("balance", {}).get("rule")


#: the balance options: the rule comes from which of them is given (:func:`balance_rule`)
BALANCE_TABLE: Table = {
    "min_weight": To("balance.minimum_weight"),
    "readability": To(
        "balance.readability",
        required="with a balance rule",
        needed=lambda d: _rule(d) != "class-iii",
    ),
    "sensitivity": To("balance.sensitivity"),
    "max_error": To(
        "balance.max_error",
        required="with --sensitivity",
        needed=lambda d: _rule(d) == "sensitivity",
    ),
    "usp41": To("balance.rule", value=flag("usp41")),
    "class_iii": To("balance.rule", value=flag("class-iii")),
    "balance_capacity": To("balance.capacity"),
}


def balance_rule(o: dict[str, Any]) -> dict[str, str]:
    """``{"balance.rule": rule}`` for the balance options given (nothing when none is);
    refuses two rules, and a readability without a rule or with the Class III preset."""
    chosen = sum(
        [o["min_weight"] is not None, o["sensitivity"] is not None, o["usp41"], o["class_iii"]]
    )
    if chosen > 1:
        raise lc.InputError(
            "--min-weight, --sensitivity, --usp41 and --class-iii each choose the balance rule; give only one.",
            field="balance",
        )
    if o["class_iii"]:
        if o["readability"] is not None:
            raise lc.InputError(
                "--readability: the --class-iii preset fixes the readability at 10 mg; drop one of the two.",
                field="--readability",
            )
        return {"balance.rule": "class-iii"}
    if chosen == 0:
        for option in ("readability", "balance_capacity"):
            if o.get(option) is not None:
                flag_name = "--" + option.replace("_", "-")
                raise lc.InputError(
                    f"{flag_name} needs a rule: add --min-weight, --sensitivity with "
                    "--max-error, --usp41 or --class-iii.",
                    field=flag_name,
                )
        return {}
    if o["min_weight"] is not None:
        return {"balance.rule": "documented"}
    return {"balance.rule": "sensitivity" if o["sensitivity"] is not None else "usp41"}


def check_source(o: dict[str, Any]) -> None:
    """Refuse source options that contradict each other."""
    if o.get("no_tablet_allergens") and o.get("tablet_allergen"):
        raise lc.InputError(
            "--no-tablet-allergens contradicts --tablet-allergen; give one of them.",
            field="--no-tablet-allergens",
        )
