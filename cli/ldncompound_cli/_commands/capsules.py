"""The ``capsules`` command (and the capsule order a capsule titration kit repeats)."""

from __future__ import annotations

from typing import Any

import click

import ldncompound as lc
from ldncompound_cli._common import (
    FORMS,
    PRINT_OPTIONS,
    _apply,
    _count,
    _date,
    _density,
    _mass,
    _percent,
    _require,
    emit_sheet,
    library_errors,
)
from ldncompound_cli._options import BALANCE_OPTIONS, SOURCE_OPTIONS, _balance, _source


@click.command()
@click.option("--dose", required=True, help='dose per capsule, e.g. "4.5 mg" or "500 mcg"')
@click.option("--count", required=True, help="capsules to dispense")
@click.option(
    "--dose-basis", type=FORMS, help="form the dose is stated in [default: naltrexone HCl]"
)
@click.option("--doses-per-day", help="doses a day, for the daily-dose and days'-supply checks")
@_apply(SOURCE_OPTIONS)
@click.option(
    "--filler",
    "filler_key",
    type=click.Choice([f.key for f in lc.FILLERS]),
    help="filler [default: mcc]",
)
@click.option("--filler-lot", help="filler lot")
@click.option("--filler-expiry", help="filler expiry, YYYY-MM-DD")
@click.option("--pack-stat", help='measured mg of filler that fills one capsule, e.g. "98 mg"')
@click.option("--pack-stat-size", help="capsule size the pack stat was measured in")
@click.option(
    "--pack-stat-method", help='how the pack stat capsules were filled, e.g. "tamped, 3 passes"'
)
@click.option("--filler-density", help='measured filler density, e.g. "0.42 g/mL"')
@click.option(
    "--size",
    type=click.Choice([s.code for s in lc.CAPSULE_SIZES]),
    help="capsule size [default: chosen]",
)
@click.option(
    "--method",
    type=click.Choice(["capacity", "fixed-weight"]),
    help="fill to capacity, or q.s. to --fill-weight",
)
@click.option("--fill-weight", help="net fill weight per capsule for --method fixed-weight")
@click.option("--overage", help='extra of the whole batch, e.g. "10 %"')
@click.option("--drug-loss", help="drug-only loss allowance (off unless given)")
@_apply(BALANCE_OPTIONS)
@click.option("--shell-weight", help="measured average empty-shell weight")
@click.option("--shell-material", default=None, help="shell material [default: gelatin]")
@click.option("--shell-lot", help="shell lot")
@click.option("--shell-expiry", help="shell expiry, YYYY-MM-DD")
@click.option("--compounded-on", help="compounding date [default: today]")
@click.option(
    "--storage", type=click.Choice(["room", "refrigerator"]), help="storage [default: room]"
)
@click.option(
    "--day-count", type=click.Choice(["day-1", "day-0"]), help="BUD day counting [default: day-1]"
)
@click.option("--qc-sample", help="capsules to weigh for QC [default: 10]")
@click.option("--max-stage-mass", help="largest trituration stage [default: 10 g]")
@click.option(
    "--rounding-tolerance", help="largest dose change from rounding weighings [default: 0.5 %]"
)
@click.option("--tablet-margin", help="extra tablet powder to crush [default: 5 %]")
@click.option("--reference", help="Rx or internal reference number")
@click.option(
    "--acknowledge",
    multiple=True,
    help="acknowledge a blocked check by its code, e.g. dose-above-range",
)
@_apply(PRINT_OPTIONS)
@library_errors
def capsules(**o: Any) -> None:
    """Capsules from API powder, crushed tablets or a trituration stock."""
    order = capsule_order(
        o,
        dose=lc.mass(o["dose"], field="--dose"),
        count=lc.parse_count(o["count"], field="--count", maximum=10_000),
    )
    result = lc.formulate_capsules(order)
    emit_sheet(result, o, barcode=result.order.reference)


def capsule_order(o: dict[str, Any], *, dose: lc.Quantity, count: int) -> lc.CapsuleOrder:
    """The capsule order the capsule options describe (also the template of a titration kit)."""
    source = _source(o["source_kind"], lot=o["lot"], expiry=_date(o["expiry"], "--expiry"), opts=o)
    pack_stat = None
    if o["pack_stat"] is not None:
        pack_stat = lc.PackStat(
            size=_require(o["pack_stat_size"], "--pack-stat-size", "with --pack-stat"),
            filler_per_capsule=_mass(o["pack_stat"], "--pack-stat"),  # type: ignore[arg-type]
            method=o["pack_stat_method"],
        )
    elif o["pack_stat_size"] is not None or o["pack_stat_method"] is not None:
        raise lc.InputError(
            "--pack-stat-size and --pack-stat-method need --pack-stat.", field="--pack-stat"
        )
    filler = None
    if (
        any(
            o[k] is not None
            for k in ("filler_key", "filler_lot", "filler_expiry", "filler_density")
        )
        or pack_stat
    ):
        filler = lc.FillerLot(
            filler=o["filler_key"] or "mcc",
            lot=o["filler_lot"],
            expiry=_date(o["filler_expiry"], "--filler-expiry"),
            pack_stat=pack_stat,
            density=_density(o["filler_density"], "--filler-density"),
        )
    shells = None
    if any(
        o[k] is not None for k in ("shell_weight", "shell_material", "shell_lot", "shell_expiry")
    ):
        shells = lc.ShellLot(
            material=o["shell_material"] or "gelatin",
            lot=o["shell_lot"],
            expiry=_date(o["shell_expiry"], "--shell-expiry"),
            weight=_mass(o["shell_weight"], "--shell-weight"),
        )
    per_day = o["doses_per_day"]
    return lc.CapsuleOrder(
        dose=dose,
        count=count,
        source=source,
        filler=filler,
        dose_basis=o["dose_basis"],
        method=lc.CapsuleMethod(o["method"]) if o["method"] else None,
        size=o["size"],
        fill_weight=_mass(o["fill_weight"], "--fill-weight"),
        overage=_percent(o["overage"], "--overage"),
        drug_loss_allowance=_percent(o["drug_loss"], "--drug-loss"),
        balance=_balance(
            o["min_weight"],
            o["readability"],
            o["sensitivity"],
            o["max_error"],
            o["usp41"],
            o["class_iii"],
        ),
        shells=shells,
        compounded_on=_date(o["compounded_on"], "--compounded-on"),
        storage=lc.Storage(o["storage"]) if o["storage"] else None,
        day_count=lc.DayCount(o["day_count"]) if o["day_count"] else None,
        doses_per_day=None
        if per_day is None
        else lc.parse_decimal(
            per_day, field="--doses-per-day", maximum=lc.parse_decimal("24", field="max")
        ),
        qc_sample=_count(o["qc_sample"], "--qc-sample", 100),
        max_stage_mass=_mass(o["max_stage_mass"], "--max-stage-mass"),
        rounding_tolerance=_percent(o["rounding_tolerance"], "--rounding-tolerance"),
        tablet_margin=_percent(o["tablet_margin"], "--tablet-margin"),
        acknowledge=tuple(o["acknowledge"]),
        reference=o["reference"],
    )
