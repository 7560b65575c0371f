"""The ``liquid`` command, and the options and order fields it shares with ``drops``."""

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
    _percent,
    _require,
    _strength,
    _volume,
    emit_sheet,
    library_errors,
)
from ldncompound_cli._options import (
    API_OPTIONS,
    BALANCE_OPTIONS,
    LIQUID_LOT_OPTIONS,
    TABLET_OPTIONS,
    _balance,
    _source,
    _source_kind,
)


def _vehicle(o: dict[str, Any]) -> lc.VehicleLot | None:
    key, name = o["vehicle_key"], o["vehicle_name"]
    declared = (
        any(o[k] is not None for k in ("vehicle_name", "preservative", "water_activity_basis"))
        or o["vehicle_water"] is not None
    )
    if key is not None and declared:
        raise lc.InputError(
            "--vehicle names a table vehicle; --vehicle-name, --aqueous/--nonaqueous, --preservative "
            "and --water-activity-basis declare one instead; give one of the two.",
            field="--vehicle",
        )
    if declared:
        chosen = lc.Vehicle.declared(
            name=_require(name, "--vehicle-name", "to declare a vehicle by its composition"),
            aqueous=_require(
                o["vehicle_water"], "--aqueous or --nonaqueous", "to declare a vehicle"
            ),
            preservative=o["preservative"],
            water_activity_basis=o["water_activity_basis"],
        )
    elif key is not None:
        chosen = lc.vehicle(key)
    elif o["vehicle_lot"] is not None or o["vehicle_expiry"] is not None:
        chosen = lc.vehicle("purified-water")
    else:
        return None
    return lc.VehicleLot(
        vehicle=chosen, lot=o["vehicle_lot"], expiry=_date(o["vehicle_expiry"], "--vehicle-expiry")
    )


def _additives(o: dict[str, Any]) -> tuple[lc.LiquidAdditive, ...]:
    out: list[lc.LiquidAdditive] = []
    for role, prefix in (
        (lc.AdditiveRole.FLAVOUR, "flavour"),
        (lc.AdditiveRole.PRESERVATIVE, "added_preservative"),
    ):
        name = o[prefix]
        flag = "--" + prefix.replace("_", "-")
        if name is None:
            if o[f"{prefix}_lot"] is not None or o[f"{prefix}_expiry"] is not None:
                raise lc.InputError(f"{flag}-lot and {flag}-expiry need {flag}.", field=flag)
            continue
        out.append(
            lc.LiquidAdditive(
                role=role,
                name=name,
                lot=o[f"{prefix}_lot"],
                expiry=_date(o[f"{prefix}_expiry"], f"{flag}-expiry"),
                contains_water=bool(o.get(f"{prefix}_contains_water")),
            )
        )
    return tuple(out)


def _study(o: dict[str, Any], storage: lc.Storage | None) -> lc.StudyBud | None:
    if o["study_reference"] is None:
        if o["study_days"] is not None or o["study_confirmed"]:
            raise lc.InputError(
                "--study-days and --study-confirmed need --study-reference.",
                field="--study-reference",
            )
        return None
    return lc.StudyBud(
        reference=o["study_reference"],
        days=_require(
            _count(o["study_days"], "--study-days", 3650), "--study-days", "with --study-reference"
        ),
        storage=_require(storage, "--storage", "with --study-reference (the study's storage)"),
        matches_formula_vehicle_container=o["study_confirmed"],
    )


def _liquid_fields(o: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments every liquid order shares, parsed from the options."""
    source = _source(o["source_kind"], lot=o["lot"], expiry=_date(o["expiry"], "--expiry"), opts=o)
    storage = lc.Storage(o["storage"]) if o["storage"] else None
    per_day = o["doses_per_day"]
    return {
        "dose": lc.mass(o["dose"], field="--dose"),
        "source": source,
        "doses_per_day": None
        if per_day is None
        else lc.parse_decimal(
            per_day, field="--doses-per-day", maximum=lc.parse_decimal("24", field="max")
        ),
        "days_supply": _count(o["days"], "--days", 365),
        "volume": _volume(o["volume"], "--volume"),
        "concentration": _strength(o["concentration"], "--concentration"),
        "dose_basis": o["dose_basis"],
        "vehicle": _vehicle(o),
        "additives": _additives(o),
        "overage": _percent(o["overage"], "--overage"),
        "balance": _balance(
            o["min_weight"],
            o["readability"],
            o["sensitivity"],
            o["max_error"],
            o["usp41"],
            o["class_iii"],
        ),
        "aliquot_volume": _volume(o["aliquot_volume"], "--aliquot-volume"),
        "solubility": _strength(o["solubility"], "--solubility"),
        "measurable_fraction": _percent(o["measurable_fraction"], "--measurable-fraction"),
        "rounding_tolerance": _percent(o["rounding_tolerance"], "--rounding-tolerance"),
        "dose_tolerance": _percent(o["dose_tolerance"], "--dose-tolerance"),
        "compounded_on": _date(o["compounded_on"], "--compounded-on"),
        "storage": storage,
        "day_count": lc.DayCount(o["day_count"]) if o["day_count"] else None,
        "study": _study(o, storage),
        "acknowledge": tuple(o["acknowledge"]),
        "reference": o["reference"],
    }


LIQUID_OPTIONS = (
    click.option("--dose", required=True, help='one dose, e.g. "4.5 mg" or "500 mcg"'),
    click.option("--doses-per-day", help="doses a day (needed with --days)"),
    click.option("--days", help="days' supply (or give --volume)"),
    click.option("--volume", help='volume to dispense, e.g. "30 mL" (or give --days)'),
    click.option("--concentration", help='e.g. "1 mg/mL" or "250 mg/5 mL" [default: suggested]'),
    click.option(
        "--dose-basis", type=FORMS, help="form the dose is stated in [default: naltrexone HCl]"
    ),
    _source_kind(
        "api",
        "tablets",
        note=" (API makes a solution, tablets a suspension; a trituration stock is not used for liquids)",
    ),
    *LIQUID_LOT_OPTIONS,
    *API_OPTIONS,
    *TABLET_OPTIONS,
    click.option(
        "--vehicle",
        "vehicle_key",
        type=click.Choice([v.key or "" for v in lc.VEHICLES]),
        help="a vehicle from the table [default: purified-water]",
    ),
    click.option("--vehicle-name", help="declare a vehicle by its composition: its name"),
    click.option(
        "--aqueous/--nonaqueous",
        "vehicle_water",
        default=None,
        help="declared vehicle: whether it contains water",
    ),
    click.option("--preservative", help="declared vehicle: the preservative it contains"),
    click.option(
        "--water-activity-basis",
        help='declared nonaqueous vehicle: why its water activity is below 0.60, e.g. "no water in the formula"',
    ),
    click.option("--vehicle-lot", help="vehicle lot"),
    click.option("--vehicle-expiry", help="vehicle expiry, YYYY-MM-DD"),
    click.option("--flavour", help="flavour added (name)"),
    click.option("--flavour-lot", help="flavour lot"),
    click.option("--flavour-expiry", help="flavour expiry, YYYY-MM-DD"),
    click.option("--flavour-contains-water", is_flag=True, help="the flavour is water-based"),
    click.option("--added-preservative", help="preservative added to the vehicle (name)"),
    click.option("--added-preservative-lot", help="added preservative lot"),
    click.option("--added-preservative-expiry", help="added preservative expiry, YYYY-MM-DD"),
    click.option("--overage", help='extra of the whole batch, e.g. "5 %" [default: 5 %]'),
    *BALANCE_OPTIONS,
    click.option("--aliquot-volume", help='liquid aliquot volume, e.g. "5 mL" [default: chosen]'),
    click.option(
        "--solubility", help='solubility in this vehicle, as the dose basis, e.g. "50 mg/mL"'
    ),
    click.option(
        "--measurable-fraction",
        help="smallest share of a device's capacity to measure [default: 25 %]",
    ),
    click.option(
        "--rounding-tolerance",
        help="largest concentration change from rounding volumes [default: 1 %]",
    ),
    click.option(
        "--dose-tolerance",
        help="ignored: a dose is measured exactly on a graduation or in whole drops, or refused",
    ),
    click.option("--compounded-on", help="compounding date [default: today]"),
    click.option(
        "--storage",
        type=click.Choice(["room", "refrigerator"]),
        help="storage [default: refrigerator]",
    ),
    click.option(
        "--day-count",
        type=click.Choice(["day-1", "day-0"]),
        help="BUD day counting [default: day-1]",
    ),
    click.option("--study-reference", help="a stability study supporting a longer BUD"),
    click.option("--study-days", help="the study-supported BUD in days"),
    click.option(
        "--study-confirmed",
        is_flag=True,
        help="confirm the study matches this formula, vehicle and container",
    ),
    click.option("--reference", help="Rx or internal reference number"),
    click.option(
        "--acknowledge",
        multiple=True,
        help="acknowledge a blocked check by its code, e.g. dose-above-range",
    ),
)
SYRINGES = [d.key or "" for d in lc.DEVICES if d.kind is lc.DeviceKind.ORAL_SYRINGE]


@click.command()
@_apply(LIQUID_OPTIONS)
@click.option(
    "--syringe",
    type=click.Choice(SYRINGES),
    help="the oral syringe dispensed, from the table [default: chosen]",
)
@click.option("--syringe-capacity", help='your oral syringe\'s capacity, e.g. "5 mL"')
@click.option("--syringe-graduation", help='your oral syringe\'s graduation, e.g. "0.1 mL"')
@_apply(PRINT_OPTIONS)
@library_errors
def liquid(**o: Any) -> None:
    """Oral liquid measured by oral syringe: a solution from API powder or a suspension from tablets."""
    syringe = None
    if o["syringe_capacity"] is not None or o["syringe_graduation"] is not None:
        if o["syringe"] is not None:
            raise lc.InputError(
                "--syringe names a table syringe; --syringe-capacity and --syringe-graduation declare "
                "one instead; give one of the two.",
                field="--syringe",
            )
        capacity = _require(
            _volume(o["syringe_capacity"], "--syringe-capacity"),
            "--syringe-capacity",
            "with --syringe-graduation",
        )
        syringe = lc.MeasuringDevice.declared(
            name=f"{capacity} oral syringe",
            kind=lc.DeviceKind.ORAL_SYRINGE,
            capacity=capacity,
            graduation=_require(
                _volume(o["syringe_graduation"], "--syringe-graduation"),
                "--syringe-graduation",
                "with --syringe-capacity",
            ),
        )
    elif o["syringe"] is not None:
        syringe = lc.device(o["syringe"])
    order = lc.LiquidOrder(**_liquid_fields(o), syringe=syringe)
    result = lc.formulate_liquid(order)
    emit_sheet(result, o, barcode=result.order.reference)
