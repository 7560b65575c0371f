"""The ``liquid`` command, and the options and order fields it shares with ``drops``."""

from __future__ import annotations

from typing import Any

import click

import ldncompound as lc
from ldncompound._devices import MEASURABLE_FRACTION
from ldncompound._liquid_aliquot import ROUNDING_TOLERANCE
from ldncompound._liquid_batch import OVERAGE
from ldncompound_cli._common import (
    BRIEF,
    FORMS,
    PRINT_OPTIONS,
    _apply,
    _count,
    _date,
    _require,
    _volume,
    emit_sheet,
    library_errors,
)
from ldncompound_cli._options import (
    API_OPTIONS,
    BALANCE_OPTIONS,
    BALANCE_TABLE,
    LIQUID_LOT_OPTIONS,
    SOURCE_TABLE,
    TABLET_OPTIONS,
    _source_kind,
    balance_rule,
    check_source,
)
from ldncompound_cli._profile import PROFILE_OPTIONS, prepared
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
    renaming,
    strength,
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
                contains_water=o.get(f"{prefix}_contains_water"),
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


def _storage(o: dict[str, Any]) -> lc.Storage | None:
    return lc.Storage(o["storage"]) if o["storage"] else None


_VEHICLE = Group(
    "vehicle",
    (
        "vehicle_key",
        "vehicle_name",
        "vehicle_water",
        "preservative",
        "water_activity_basis",
        "vehicle_lot",
        "vehicle_expiry",
    ),
    _vehicle,
    names={
        "vehicle.name": "vehicle_name",
        "vehicle.preservative": "preservative",
        "vehicle.water_activity_basis": "water_activity_basis",
        "vehicle.lot": "vehicle_lot",
        "vehicle.expiry": "vehicle_expiry",
    },
)
_ADDITIVES = Group(
    "additives",
    (
        "flavour",
        "flavour_lot",
        "flavour_expiry",
        "flavour_contains_water",
        "added_preservative",
        "added_preservative_lot",
        "added_preservative_expiry",
        "added_preservative_contains_water",
    ),
    _additives,
    names={
        "flavour.expiry": "flavour_expiry",
        "preservative.expiry": "added_preservative_expiry",
        "preservative.name": "added_preservative",
        "additive.name": "flavour",
        "additive.lot": "flavour_lot",
    },
)
_STUDY = Group(
    "study",
    ("study_reference", "study_days", "study_confirmed"),
    lambda o: _study(o, _storage(o)),
    names={
        "study.reference": "study_reference",
        "study.days": "study_days",
        "study.matches_formula_vehicle_container": "study_confirmed",
    },
)
_LIQUID_SOURCE = {
    k: v for k, v in SOURCE_TABLE.items() if not k.startswith("stock_")
}  # liquids take API or tablets: no trituration stock

#: every option `liquid` and `drops` share -> its path in their order documents
LIQUID_TABLE: Table = {
    "dose": To("dose", value=mass),
    "doses_per_day": To("doses_per_day", value=decimal(24)),
    "days": To("days_supply", value=count(365)),
    "volume": To("volume"),
    "concentration": To("concentration", value=strength),
    "dose_basis": To("dose_basis"),
    **_LIQUID_SOURCE,
    **group(_VEHICLE),
    **group(_ADDITIVES),
    "overage": To("overage"),
    **BALANCE_TABLE,
    "aliquot_volume": To("aliquot_volume"),
    "stock_volume": To("stock_volume"),
    "solubility": To("solubility", value=strength),
    "measurable_fraction": To("measurable_fraction"),
    "rounding_tolerance": To("rounding_tolerance"),
    "dose_tolerance": To("dose_tolerance"),
    "compounded_on": To("compounded_on"),
    "storage": To("storage", also=("study.storage",)),
    "day_count": To("day_count"),
    **group(_STUDY),
    "reference": To("reference"),
    "acknowledge": To("acknowledge"),
}


def liquid_order(
    o: dict[str, Any], schema: str, table: Table, command: click.Command, **fixed: Any
) -> Any:
    """The order (liquid or drops) the options describe, from the command's table (``fixed``:
    document paths set by the caller, as a titration kit sets its template's dose)."""
    with renaming(naming(table, option_flags(command), o.get("source_kind"))):
        check_source(o)
        flags = option_flags(command)
        document = build_document(
            schema, table, o, flags, kind=o["source_kind"], fixed=balance_rule(o) | fixed
        )
        return load(document)


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
    click.option(
        "--flavour-contains-water/--flavour-water-free",
        default=None,
        help="whether the flavour contains water [default: not stated, taken as water in a "
        "nonaqueous vehicle]",
    ),
    click.option("--added-preservative", help="preservative added to the vehicle (name)"),
    click.option("--added-preservative-lot", help="added preservative lot"),
    click.option("--added-preservative-expiry", help="added preservative expiry, YYYY-MM-DD"),
    click.option(
        "--added-preservative-contains-water/--added-preservative-water-free",
        default=None,
        help="whether the added preservative contains water [default: not stated, taken as "
        "water in a nonaqueous vehicle]",
    ),
    click.option("--overage", help=f'extra of the whole batch, e.g. "5 %" [default: {OVERAGE}]'),
    *BALANCE_OPTIONS,
    click.option("--aliquot-volume", help='liquid aliquot volume, e.g. "5 mL" [default: chosen]'),
    click.option(
        "--stock-volume",
        help='stock solution the aliquot is taken from, e.g. "30 mL" [default: chosen]',
    ),
    click.option(
        "--solubility", help='solubility in this vehicle, as the dose basis, e.g. "50 mg/mL"'
    ),
    click.option(
        "--measurable-fraction",
        help=f"smallest share of a device's capacity to measure [default: {MEASURABLE_FRACTION}]",
    ),
    click.option(
        "--rounding-tolerance",
        help=f"largest concentration change from rounding volumes [default: {ROUNDING_TOLERANCE}]",
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


def _syringe(o: dict[str, Any]) -> lc.MeasuringDevice | None:
    """The syringe the options name: a table syringe, or one declared by its marks."""
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
    return syringe


#: every option of `liquid` -> its path in the liquid order document
TABLE: Table = {
    **LIQUID_TABLE,
    **group(
        Group(
            "syringe",
            ("syringe", "syringe_capacity", "syringe_graduation"),
            _syringe,
            names={
                "device.capacity": "syringe_capacity",
                "device.graduation": "syringe_graduation",
                "syringe.graduation": "syringe_graduation",
            },
        )
    ),
}


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
@_apply(PROFILE_OPTIONS)
@BRIEF
@library_errors
def liquid(**o: Any) -> None:
    """Oral liquid measured by oral syringe: a solution from API powder or a suspension from tablets."""
    with renaming(naming(TABLE, option_flags(liquid), o.get("source_kind"))):
        result = prepared("liquid", o, build_order, lc.formulate_liquid)
    emit_sheet(result, o, barcode=result.order.reference)


def build_order(o: dict[str, Any]) -> lc.LiquidOrder:
    """The liquid order the options describe."""
    order: lc.LiquidOrder = liquid_order(o, "ldncompound/order/liquid/1", TABLE, liquid)
    return order
