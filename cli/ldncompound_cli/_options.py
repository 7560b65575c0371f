"""The option groups several preparation commands share (drug source, lot, balance) and
the objects they describe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

import ldncompound as lc

from ._common import FORMS, _count, _date, _density, _mass, _percent, _require


def _balance(
    min_weight: str | None,
    readability: str | None,
    sensitivity: str | None,
    max_error: str | None,
    usp41: bool,
    class_iii: bool,
) -> lc.Balance | None:
    chosen = sum([min_weight is not None, sensitivity is not None, usp41, class_iii])
    if chosen > 1:
        raise lc.InputError(
            "--min-weight, --sensitivity, --usp41 and --class-iii each choose the balance rule; give only one.",
            field="balance",
        )
    if class_iii:
        if readability is not None:
            raise lc.InputError(
                "--readability: the --class-iii preset fixes the readability at 10 mg; drop one of the two.",
                field="--readability",
            )
        return lc.Balance.class_iii()
    if chosen == 0:
        if readability is not None:
            raise lc.InputError(
                "--readability needs a rule: add --min-weight, --sensitivity with --max-error, or --usp41.",
                field="--readability",
            )
        return None
    d = _require(_mass(readability, "--readability"), "--readability", "with a balance rule")
    if min_weight is not None:
        return lc.Balance.documented(
            minimum_weight=lc.mass(min_weight, field="--min-weight"), readability=d
        )
    if sensitivity is not None:
        err = _require(_percent(max_error, "--max-error"), "--max-error", "with --sensitivity")
        return lc.Balance.torsion(
            sensitivity=lc.mass(sensitivity, field="--sensitivity"), max_error=err, readability=d
        )
    return lc.Balance.usp41(readability=d)


def _source(
    kind: str, *, lot: str | None, expiry: dt.date | None, opts: dict[str, Any]
) -> lc.Source:
    expiry = _require(
        expiry, "--expiry", f"for the {kind} source (its expiry or, for a stock, its BUD)"
    )
    if kind == "api":
        return lc.ApiLot(
            form=_require(opts["api_form"], "--api-form", "for an API source"),
            assay=_require(_percent(opts["assay"], "--assay"), "--assay", "for an API source"),
            assay_basis=lc.AssayBasis(
                _require(opts["assay_basis"], "--assay-basis", "for an API source")
            ),
            assay_as=opts["assay_as"],
            water_content=_percent(opts["water"], "--water"),
            loss_on_drying=_percent(opts["loss_on_drying"], "--loss-on-drying"),
            bulk_density=_density(opts.get("source_density"), "--source-density"),
            lot=lot,
            expiry=expiry,
        )
    if kind == "tablets":
        allergens: tuple[str, ...] | None = None
        if opts["no_tablet_allergens"]:
            if opts["tablet_allergen"]:
                raise lc.InputError(
                    "--no-tablet-allergens contradicts --tablet-allergen; give one of them.",
                    field="--no-tablet-allergens",
                )
            allergens = ()
        elif opts["tablet_allergen"]:
            allergens = tuple(opts["tablet_allergen"])
        return lc.TabletSource(
            average_weight=_require(
                _mass(opts["tablet_weight"], "--tablet-weight"),
                "--tablet-weight",
                "(the measured average tablet weight) for a tablet source",
            ),
            strength=_mass(opts["tablet_strength"], "--tablet-strength"),
            strength_basis=opts["tablet_basis"],
            tablets_weighed=_count(opts["tablets_weighed"], "--tablets-weighed", 1000),
            product=opts["tablet_product"],
            allergens_declared=allergens,
            powder_density=_density(opts.get("source_density"), "--source-density"),
            lot=lot,
            expiry=expiry,
        )
    return lc.TriturationStock(
        strength=_require(
            _percent(opts["stock_strength"], "--stock-strength"),
            "--stock-strength",
            "for a stock source",
        ),
        diluent=_require(opts["stock_diluent"], "--stock-diluent", "for a stock source"),
        strength_basis=opts["stock_basis"],
        made_on=_date(opts["stock_made_on"], "--stock-made-on"),
        lot=lot,
        bud=expiry,
    )


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
)
