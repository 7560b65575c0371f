"""The ``troches`` command: molded troches and rapid-dissolve tablets."""

from __future__ import annotations

from typing import Any

import click

import ldncompound as lc
from ldncompound._solid import POLICY
from ldncompound_cli._common import (
    BRIEF,
    FORMS,
    PRINT_OPTIONS,
    _apply,
    _count,
    _date,
    _density,
    _require,
    emit_sheet,
    library_errors,
)
from ldncompound_cli._options import (
    BALANCE_OPTIONS,
    BALANCE_TABLE,
    SOURCE_TABLE,
    TROCHE_SOURCE_OPTIONS,
    balance_rule,
    check_source,
)
from ldncompound_cli._profile import PROFILE_OPTIONS, prepared
from ldncompound_cli._solid_options import SOLID_PLAN_OPTIONS, SOLID_PLAN_TABLE
from ldncompound_cli._tables import (
    Group,
    Table,
    To,
    build_document,
    count,
    decimal,
    group,
    load,
    mass,
    naming,
    option_flags,
    parsed,
    renaming,
)

SCHEMA = "ldncompound/order/troches/1"


def _mold(o: dict[str, Any]) -> lc.MoldCalibration:
    ways = [o[k] is not None for k in ("blank_weight", "blanks_total", "mold_estimate")]
    if not any(ways):
        raise lc.InputError(
            "--blank-weight is required: the average weight of one perfect blank of this base lot "
            "in this mold (or --blanks-total with --blanks-count; --mold-estimate only for a "
            "typical figure).",
            field="--blank-weight",
        )
    if sum(ways) > 1:
        raise lc.InputError(
            "--blank-weight, --blanks-total and --mold-estimate each give the mold calibration; "
            "give only one.",
            field="--blank-weight",
        )
    count = _count(o["blanks_count"], "--blanks-count", 10_000)
    cavities = _count(o["cavities"], "--cavities", 1000)
    volume = (
        None
        if o["cavity_volume"] is None
        else lc.volume(o["cavity_volume"], field="--cavity-volume")
    )
    if o["mold_estimate"] is not None:
        extra = [
            f
            for f, k in (
                ("--blanks-count", count),
                ("--cavities", cavities),
                ("--cavity-volume", volume),
            )
            if k is not None
        ]
        if extra:
            raise lc.InputError(
                f"{extra[0]} cannot be combined with --mold-estimate, whose figures come from the "
                "table; calibrate the mold and give --blank-weight instead.",
                field=extra[0],
            )
        return lc.MoldCalibration.typical(o["mold_estimate"])
    if o["blanks_total"] is not None:
        return lc.MoldCalibration.from_weights(
            total=lc.mass(o["blanks_total"], field="--blanks-total"),
            blanks=_require(count, "--blanks-count", "with --blanks-total"),
            mold=o["mold_name"],
            cavities=cavities,
            cavity_volume=volume,
            base_lot=o["mold_base_lot"],
        )
    return lc.MoldCalibration(
        blank_weight=lc.mass(o["blank_weight"], field="--blank-weight"),
        blanks_weighed=count,
        mold=o["mold_name"],
        cavities=cavities,
        cavity_volume=volume,
        base_lot=o["mold_base_lot"],
    )


def _base(o: dict[str, Any]) -> lc.BaseLot:
    if o["base_key"] is not None and o["base_name"] is not None:
        raise lc.InputError(
            "--base and --base-name each name the base; give only one.", field="--base"
        )
    if o["base_key"] is None and o["base_name"] is None:
        raise lc.InputError(
            "--base (a table base) or --base-name with --base-water is required.", field="--base"
        )
    water = None if o["base_water"] is None else o["base_water"] == "yes"
    return lc.BaseLot(
        base=o["base_key"],
        name=o["base_name"],
        contains_water=water,
        preservative=o["base_preservative"],
        lot=o["base_lot"],
        expiry=_date(o["base_expiry"], "--base-expiry"),
        density=_density(o["base_density"], "--base-density"),
    )


_MOLD = Group(
    "mold",
    (
        "blank_weight",
        "blanks_total",
        "blanks_count",
        "mold_estimate",
        "mold_name",
        "cavities",
        "cavity_volume",
        "mold_base_lot",
    ),
    _mold,
    names={
        "mold.blank_weight": "blank_weight",
        "mold.total": "blanks_total",
        "mold.blanks_weighed": "blanks_count",
        "mold.cavities": "cavities",
        "mold.cavity_volume": "cavity_volume",
        "mold.base_lot": "mold_base_lot",
        "mold.mold": "mold_name",
    },
)
_BASE = Group(
    "base",
    (
        "base_key",
        "base_name",
        "base_water",
        "base_preservative",
        "base_lot",
        "base_expiry",
        "base_density",
    ),
    _base,
    names={
        "base.base": "base_key",
        "base.name": "base_name",
        "base.contains_water": "base_water",
        "base.preservative": "base_preservative",
        "base.lot": "base_lot",
        "base.expiry": "base_expiry",
        "base.density": "base_density",
    },
)

#: every option of `troches` -> its path in the troche order document
TABLE: Table = {
    "dose": To("dose", value=mass),
    "count": To("count", value=count(10_000)),
    "dosage_form": To("dosage_form"),
    "route": To("route"),
    "dose_basis": To("dose_basis"),
    "doses_per_day": To("doses_per_day", value=decimal(24)),
    **SOURCE_TABLE,
    **group(_MOLD),
    **group(_BASE),
    "ingredient": To(
        "ingredients",
        value=parsed(lc.parse_ingredient),
        also=(
            "ingredients[].name",
            "ingredients[].amount",
            "ingredients[].expiry",
            "ingredients[].displacement",
        ),
    ),
    "drug_displacement": To("drug_displacement", value=parsed(lc.parse_displacement)),
    "diluent": To(
        "diluent",
        value=parsed(lc.parse_diluent),
        also=("diluent.expiry", "diluent.displacement"),
    ),
    "overage": To("overage"),
    **BALANCE_TABLE,
    "compounded_on": To("compounded_on"),
    "storage": To("storage", also=("study.storage",)),
    "day_count": To("day_count"),
    "qc_sample": To("qc_sample", value=count(100)),
    "weight_window": To("weight_window"),
    **SOLID_PLAN_TABLE,
}


@click.command()
@click.option("--dose", required=True, help='dose per unit, e.g. "4.5 mg" or "500 mcg"')
@click.option("--count", required=True, help="units to dispense")
@click.option(
    "--form",
    "dosage_form",
    type=click.Choice([f.value for f in lc.TrocheForm]),
    required=True,
    help="troche, or rdt (rapid-dissolve tablet)",
)
@click.option(
    "--route",
    type=click.Choice([r.value for r in lc.Route]),
    help="route on the prescription [default: sublingual]",
)
@click.option(
    "--dose-basis", type=FORMS, help="form the dose is stated in [default: naltrexone HCl]"
)
@click.option("--doses-per-day", help="doses a day, for the daily-dose and days'-supply checks")
@_apply(TROCHE_SOURCE_OPTIONS)
@click.option(
    "--blank-weight", help='mold calibration: average weight of one blank unit, e.g. "754 mg"'
)
@click.option("--blanks-total", help='mold calibration: total weight of the blanks, e.g. "22.62 g"')
@click.option("--blanks-count", help="mold calibration: how many perfect blanks were weighed")
@click.option(
    "--mold-estimate",
    type=click.Choice([m.key for m in lc.TROCHE_MOLDS]),
    help="use a mold's typical blank weight instead of a calibration (flagged as an estimate)",
)
@click.option("--mold-name", help="the mold (name or number)")
@click.option("--cavities", help="cavities in one mold")
@click.option("--cavity-volume", help='volume of one cavity, e.g. "0.93 mL"')
@click.option("--mold-base-lot", help="the base lot the mold was calibrated with")
@click.option(
    "--base",
    "base_key",
    type=click.Choice([b.key for b in lc.TROCHE_BASES]),
    help="a table base",
)
@click.option("--base-name", help="a base not in the table (with --base-water)")
@click.option(
    "--base-water",
    type=click.Choice(["yes", "no"]),
    help="whether the --base-name base contains water (decides the BUD)",
)
@click.option("--base-preservative", help="preservative in the base, by name")
@click.option("--base-lot", help="base lot")
@click.option("--base-expiry", help="base expiry, YYYY-MM-DD")
@click.option("--base-density", help='true density of the base, e.g. "1.2 g/mL"')
@click.option(
    "--ingredient",
    multiple=True,
    help=(
        'other ingredient per unit (repeatable): "NAME:AMOUNT[:OPTION]...", options dv=1.25, '
        "density=2.2 g/mL, trial=UNITS,BLANKS,MEDICATED,INGREDIENT, replace, lot=, expiry=, "
        'allergen=, water, preservative; e.g. "sucralose:10 mg:dv=1.25:lot=S1"'
    ),
)
@click.option(
    "--drug-displacement",
    help="density factor of the drug material: dv=1.2, density=1.3 g/mL, trial=..., or replace",
)
@click.option(
    "--diluent",
    help='trituration diluent "NAME[:OPTION]..." [default: microcrystalline cellulose, 1:1]',
)
@click.option("--overage", help='extra of the whole batch, e.g. "7 %"')
@_apply(BALANCE_OPTIONS)
@click.option("--compounded-on", help="compounding date [default: today]")
@click.option(
    "--storage", type=click.Choice(["room", "refrigerator"]), help="storage [default: by class]"
)
@click.option(
    "--day-count", type=click.Choice(["day-1", "day-0"]), help="BUD day counting [default: day-1]"
)
@click.option("--qc-sample", help=f"units to weigh for QC [default: {POLICY['qc_sample'].value}]")
@click.option(
    "--weight-window",
    help="each unit within +/- this of the target "
    f"[default: {POLICY['weight_window.troches'].value}]",
)
@_apply(SOLID_PLAN_OPTIONS)
@_apply(PRINT_OPTIONS)
@_apply(PROFILE_OPTIONS)
@BRIEF
@library_errors
def troches(**o: Any) -> None:
    """Molded troches or rapid-dissolve tablets (RDTs) from a calibrated mold."""
    with renaming(naming(TABLE, option_flags(troches), o.get("source_kind"))):
        result = prepared("troches", o, build_order, lc.formulate_troches)
    emit_sheet(result, o, barcode=result.order.reference)


def build_order(o: dict[str, Any]) -> lc.TrocheOrder:
    """The troche order the options describe."""
    flags = option_flags(troches)
    with renaming(naming(TABLE, flags, o.get("source_kind"))):
        check_source(o)
        document = build_document(
            SCHEMA, TABLE, o, flags, kind=o["source_kind"], fixed=balance_rule(o)
        )
        order: lc.TrocheOrder = load(document)
    return order
