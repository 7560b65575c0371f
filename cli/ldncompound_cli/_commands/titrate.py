"""The ``titrate`` command: a titration kit; it takes the capsule options for its batches."""

from __future__ import annotations

import copy
from typing import Any

import click

import ldncompound as lc
from ldncompound_cli._common import (
    _date,
    _read_json,
    _strength,
    click_error,
    emit_sheet,
    library_errors,
)
from ldncompound_cli._profile import filled, profile_of

from . import drops as drops_module
from . import liquid as liquid_module
from .capsules import capsule_order, capsules, names

#: Options of ``liquid``/``drops`` a kit does not take: the dose, supply and volume are set
#: per fill, and a kit's strength per drop is chosen so that every step is whole drops.
_PER_FILL = {"dose", "count", "doses_per_day", "days", "volume", "dose_per_drop"}


@click.command()
@click.option(
    "--step",
    "steps",
    multiple=True,
    help='prescriber step "DOSE:DAYS", e.g. "0.5 mg:14"; repeat in order',
)
@click.option(
    "--protocol", type=click.Choice(sorted(lc.PROTOCOLS)), help="a named template instead of --step"
)
@click.option(
    "--confirm-protocol",
    is_flag=True,
    help="confirm that the prescriber ordered the template's steps",
)
@click.option("--maintenance", required=True, help='maintenance dose, e.g. "4.5 mg"')
@click.option("--maintenance-days", required=True, help="days of maintenance to supply in this kit")
@click.option("--start", "start_date", required=True, help="first day of the kit, YYYY-MM-DD")
@click.option("--form", "kit_form", type=click.Choice([f.value for f in lc.KitForm]), required=True)
@click.option(
    "--strategy",
    type=click.Choice([s.value for s in lc.KitStrategy]),
    help="capsule strengths [default: fewest-batches]",
)
@click.option("--kit-doses-per-day", help="doses a day [default: 1]")
@click.option(
    "--template",
    "template_file",
    type=click.File("rb"),
    help="an order document (JSON) for a liquid or drops kit: its source, vehicle, balance, "
    "syringe or dropper; dose, volume and dates are set per fill",
)
@click.option(
    "--kit-syringe",
    multiple=True,
    help='liquid kits: an oral syringe dispensed, "CAPACITY/GRADUATION", e.g. "1 mL/0.01 mL" (repeatable)',
)
@library_errors
def titrate(**o: Any) -> None:
    """A titration kit from explicit prescriber steps: schedule, containers and batches."""
    steps = _steps(o)
    form = lc.KitForm(o["kit_form"])
    profile = profile_of(o)  # read (and refused if bad) whatever the kit's form
    template: lc.CapsuleOrder | lc.LiquidOrder | lc.DropsOrder
    if form is lc.KitForm.CAPSULES:
        kits, template = _capsule_kit(o, profile)
    else:
        kits, template = _fill_kit(o, form, profile)
    try:
        order = _order(o, steps, form, kits)
        result = lc.plan_titration(order)
    except lc.LdnCompoundError as err:
        if profile is not None:  # a value of the kit's template taken from the profile
            err = profile.refusal(err, template)
        raise click_error(err, json_format=o["fmt"] == "json", overrides=_flags(o, form)) from None
    emit_sheet(result, o, barcode=None)


def _steps(o: dict[str, Any]) -> tuple[lc.TitrationStep, ...]:
    """The kit's steps: a protocol template's (stopping below the prescribed maintenance dose,
    never above it), or the prescriber's --step options."""
    if o["protocol"]:
        if o["steps"]:
            raise lc.InputError(
                "--protocol and --step both give the steps; give one of them.", field="--protocol"
            )
        steps, _maintenance = lc.protocol_steps(
            o["protocol"],
            confirmed=o["confirm_protocol"],
            maintenance=lc.mass(o["maintenance"], field="--maintenance"),
        )
        return steps
    if not o["steps"]:
        raise lc.InputError(
            "--step is required (or --protocol with --confirm-protocol).", field="--step"
        )
    return tuple(lc.parse_step(s, field="--step") for s in o["steps"])


def _capsule_kit(
    o: dict[str, Any], profile: lc.PharmacyProfile | None
) -> tuple[dict[str, Any], lc.CapsuleOrder]:
    """A capsule kit's batches: the capsule options, one capsule of the maintenance dose."""
    if o["template_file"] is not None:
        raise lc.InputError(
            "--template is for liquid and drops kits; give the capsule options instead.",
            field="--template",
        )
    if o["source_kind"] is None:
        raise lc.InputError("--source is required for a capsule kit.", field="--source")
    o["doses_per_day"] = None  # each batch is for a container, not a daily regimen
    maintenance = lc.mass(o["maintenance"], field="--maintenance")
    template: lc.CapsuleOrder = filled(
        "capsules",
        o,
        lambda given: capsule_order(given, dose=o["maintenance"], count="1"),
        profile,
    )
    if template.dose != maintenance:  # pragma: no cover - the same text, the same parser
        raise AssertionError(template.dose)
    strategy = lc.KitStrategy(o["strategy"]) if o["strategy"] else None
    return {"capsules": lc.CapsuleKit(template=template, strategy=strategy)}, template


def _fill_kit(
    o: dict[str, Any], form: lc.KitForm, profile: lc.PharmacyProfile | None
) -> tuple[dict[str, Any], lc.LiquidOrder | lc.DropsOrder]:
    """A liquid or drops kit's fills: the ``liquid``/``drops`` options or a --template order."""
    template: Any
    if o["template_file"] is None:
        template = _fill_template(o, form, profile)
    elif o["source_kind"] is not None:
        raise lc.InputError(
            "--template and --source both describe the kit's fills; give one of them.",
            field="--template",
        )
    else:
        template = lc.apply_profile(
            lc.load_order(_read_json(o["template_file"], "--template")), profile
        )
    if form is lc.KitForm.LIQUID:
        if not isinstance(template, lc.LiquidOrder):
            raise lc.InputError(
                "--template: a liquid kit needs a liquid order document.", field="--template"
            )
        syringes = tuple(_syringe(t) for t in o["kit_syringe"]) or None
        concentration = _strength(o["concentration"], "--concentration")
        kit = lc.LiquidKit(template=template, syringes=syringes, concentration=concentration)
        return {"liquid": kit}, template
    if not isinstance(template, lc.DropsOrder):
        raise lc.InputError(
            "--template: a drops kit needs a drops order document.", field="--template"
        )
    return {"drops": lc.DropsKit(template=template)}, template


def _order(
    o: dict[str, Any],
    steps: tuple[lc.TitrationStep, ...],
    form: lc.KitForm,
    kits: dict[str, Any],
) -> lc.TitrationOrder:
    per_day = o["kit_doses_per_day"]
    return lc.TitrationOrder(
        steps=steps,
        maintenance=lc.mass(o["maintenance"], field="--maintenance"),
        maintenance_days=lc.parse_count(
            o["maintenance_days"], field="--maintenance-days", allow_zero=True, maximum=730
        ),
        start=_date(o["start_date"], "--start"),  # type: ignore[arg-type]
        form=form,
        doses_per_day=None
        if per_day is None
        else lc.parse_decimal(per_day, field="--kit-doses-per-day"),
        protocol=o["protocol"],
        **kits,
    )


def _flags(o: dict[str, Any], form: lc.KitForm) -> dict[str, str]:
    """Document paths -> options for a refusal: the kit's frequency has its own option, whether
    the order or the plan refuses it."""
    flags = {"doses_per_day": "--kit-doses-per-day", "start": "--start", "steps[].dose": "--step"}
    if form is lc.KitForm.CAPSULES:  # the batches' refusals name the capsule options
        return names(o) | flags
    if o["template_file"] is None:  # the kit's compounding date is the fills' option
        flags["compounded_on"] = "--compounded-on"
    if form is lc.KitForm.LIQUID:  # a liquid kit's concentration and steps (probe P8)
        flags |= {"liquid.concentration": "--concentration", "steps": "--step"}
    return flags


def _fill_template(
    o: dict[str, Any], form: lc.KitForm, profile: lc.PharmacyProfile | None
) -> lc.LiquidOrder | lc.DropsOrder:
    """The order every fill of a liquid or drops kit repeats, from the ``liquid``/``drops``
    options (its dose is the maintenance dose and its volume a placeholder: both are set per
    fill)."""
    if o["source_kind"] is None:
        raise lc.InputError(
            f"--source is required for a {form.value} kit (or --template, an order document).",
            field="--source",
        )
    fill = {
        **o,
        "dose": o["maintenance"],
        "doses_per_day": None,
        "days": None,
        "volume": "1 mL",
        "concentration": None,
    }
    # the fill's options are the preparation command's (copied onto titrate below)
    if form is lc.KitForm.LIQUID:
        schema, table = "ldncompound/order/liquid/1", liquid_module.LIQUID_TABLE
        command = liquid_module.liquid
    else:
        schema, table = "ldncompound/order/drops/1", drops_module.TABLE
        command = drops_module.drops
    order: lc.LiquidOrder | lc.DropsOrder = filled(
        form.value,
        fill,
        lambda given: liquid_module.liquid_order(given, schema, table, command),
        profile,
    )
    return order


def _syringe(text: str) -> lc.MeasuringDevice:
    capacity, sep, graduation = text.partition("/")
    if not sep:
        raise lc.InputError(
            f"--kit-syringe: {text!r} is not CAPACITY/GRADUATION; expected e.g. '1 mL/0.01 mL'.",
            field="--kit-syringe",
        )
    cap = lc.volume(capacity, field="--kit-syringe capacity")
    return lc.MeasuringDevice.declared(
        name=f"{cap} oral syringe",
        kind=lc.DeviceKind.ORAL_SYRINGE,
        capacity=cap,
        graduation=lc.volume(graduation, field="--kit-syringe graduation"),
    )


for _p in capsules.params:  # only a capsule kit needs them; checked in titrate
    if _p.name in {"dose", "count", "doses_per_day"}:
        continue
    _option = copy.copy(_p)
    _option.required = False
    titrate.params.append(_option)
_TAKEN = {p.name for p in titrate.params}
for (
    _p
) in drops_module.drops.params:  # a liquid or drops kit's fills, as `liquid` and `drops` take them
    if _p.name in _PER_FILL or _p.name in _TAKEN:
        continue
    _option = copy.copy(_p)
    _option.required = False
    titrate.params.append(_option)
