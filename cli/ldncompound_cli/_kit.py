"""Commands for what leaves the pharmacy: titration kits, labels, records, verification."""

from __future__ import annotations

import copy
from typing import IO, Any

import click

import ldncompound as lc
from ldncompound._json import loads_strict

from ._app import (
    FORMAT,
    PRINT_OPTIONS,
    _apply,
    _date,
    _emit,
    _flagged,
    _mass,
    _percent,
    capsule_order,
    emit_sheet,
    library_errors,
    pdf_output,
    write_pdf,
)
from ._profile import PROFILE_OPTIONS, label_pharmacy

#: Largest document file the commands read (a result, a record, an order template): 32 MiB,
#: far above any document the library writes (a 100-step kit's result is about 2 MB), so a
#: file of endless bytes (/dev/zero, a wrong path to a log) is refused instead of filling memory.
MAX_DOCUMENT_BYTES = 32 << 20


def read_limited(stream: IO[bytes], name: str) -> bytes:
    """Every byte of a document file, or one sentence if it holds more than the limit.

    The one place the commands read a whole file (label, record, verify, fhir, titrate
    --template).
    """
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_DOCUMENT_BYTES:  # a pipe may give fewer bytes than asked: read on
        chunk = stream.read(min(1 << 20, MAX_DOCUMENT_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_DOCUMENT_BYTES:
        raise lc.InputError(
            f"{name}: the file is larger than {MAX_DOCUMENT_BYTES >> 20} MiB; expected one JSON "
            "document the library wrote (nothing was computed).",
            field=name,
            code="too-large",
        )
    return b"".join(chunks)


def _read_json(stream: IO[bytes], name: str) -> Any:
    """The file's JSON data, read strictly (:func:`ldncompound.read_json`: UTF-8 only, no
    duplicate keys, no NaN or Infinity, nothing nested too deeply or too long to read) and
    at most MAX_DOCUMENT_BYTES of it; a refusal names the argument first."""
    raw = read_limited(stream, name)
    try:
        return lc.read_json(raw, what="file")
    except lc.InputError as err:
        raise lc.InputError(f"{name}: {err.message}", field=name, code=err.code) from None


def _load_result(stream: IO[bytes], name: str) -> Any:
    data = _read_json(stream, name)
    try:
        return lc.from_json(data)
    except lc.LdnCompoundError as err:  # the file's fault: name the argument first
        raise lc.InputError(f"{name}: {err.message}", field=name, code=err.code) from None


@click.command()
@click.argument("result", type=click.File("rb"))
@click.option("--patient", required=True, help="patient name as it should be printed")
@click.option("--prescriber", required=True, help="prescriber name")
@click.option("--pharmacy-name", help="[default: the pharmacy profile's]")
@click.option("--pharmacy-address", help="[default: the pharmacy profile's]")
@click.option("--pharmacy-phone", help="[default: the pharmacy profile's]")
@click.option("--rx", "rx_number", required=True, help="Rx number")
@click.option("--directions", help="full directions text (replaces the composed directions)")
@click.option("--dose", help="dose per administration, if not one unit")
@click.option("--doses-per-day", help="doses a day, for composed directions")
@click.option(
    "--timing", help='pharmacist-chosen timing, e.g. "at bedtime" (never added otherwise)'
)
@click.option("--step", help='kit step text, e.g. "Step 2 of 9: days 15-28"')
@click.option(
    "--lot",
    help="lot number of the compounded batch [default: generated from the result, "
    "L<date compounded>-<6 hex digits>]",
)
@click.option(
    "--width", default="48", show_default=True, help="label width in columns (text format)"
)
@click.option(
    "--acknowledge",
    multiple=True,
    help="acknowledge a blocked dose check for the label's dose or frequency, by its code",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "pdf"]),
    default="text",
    show_default=True,
    help="fixed-width text, the documented JSON label, or a PDF on label stock (--output)",
)
@click.option(
    "--output",
    help="file to write the PDF to (required with --format pdf; - for standard output)",
)
@click.option(
    "--page",
    default="4x3in",
    show_default=True,
    help='label stock size for the PDF, WIDTHxHEIGHT in mm or in, e.g. "100x50mm" or "4x2in"',
)
@click.option(
    "--record-id", help="compounding record id, carried by the PDF label's barcode after the Rx"
)
@_apply(PROFILE_OPTIONS)
@library_errors
def label(result: IO[bytes], **o: Any) -> None:
    """A prescription label for a result (the JSON a preparation command wrote; - for stdin)."""
    res = _load_result(result, "RESULT")
    per_day = o["doses_per_day"]
    pharmacy, supplied = label_pharmacy(o)
    order = lc.LabelOrder(
        patient=o["patient"],
        prescriber=o["prescriber"],
        pharmacy=pharmacy,
        from_profile=supplied,
        rx_number=o["rx_number"],
        directions=o["directions"],
        dose=_mass(o["dose"], "--dose"),
        doses_per_day=None
        if per_day is None
        else lc.parse_decimal(per_day, field="--doses-per-day"),
        timing=o["timing"],
        step=o["step"],
        lot=o["lot"],
        acknowledge=tuple(o["acknowledge"]),
    )
    width = lc.parse_count(o["width"], field="--width", maximum=200)
    output = pdf_output(o)
    if output is None and o["record_id"] is not None:
        raise lc.InputError(
            "--record-id is carried by the PDF label's barcode; add --format pdf.",
            field="--record-id",
            code="record-id-needs-pdf",
        )
    if output is not None:
        from ._pdf import kit_dates, label_pdf, made_on, parse_page  # noqa: PLC0415

        page = parse_page(o["page"], field="--page")
        kit = getattr(res, "schema", None) == lc.TITRATION_SCHEMA
        labels = lc.build_kit_labels(res, order) if kit else (lc.build_label(res, order),)
        dates = kit_dates(res) if kit else [made_on(res)]
        write_pdf(output, label_pdf(labels, dates, page=page, record_id=o["record_id"]))
        return
    if getattr(res, "schema", None) == lc.TITRATION_SCHEMA:
        labels = lc.build_kit_labels(res, order)
        if o["fmt"] == "json":
            click.echo(lc.dumps([lc.to_json(x) for x in labels]))
        else:
            click.echo("\n".join(lc.render_label(x, width=width) for x in labels), nl=False)
        return
    built = lc.build_label(res, order)
    if o["fmt"] == "json":
        click.echo(lc.dumps(built))
    else:
        click.echo(lc.render_label(built, width=width), nl=False)


@click.command()
@click.argument("result", type=click.File("rb"))
@click.option("--record-id", required=True, help="Rx, order or lot number of the batch")
@click.option("--compounded-by", required=True)
@click.option("--verified-by")
@click.option(
    "--weighed",
    multiple=True,
    help='actual weight of a planned weighing: "NUMBER=AMOUNT", e.g. "1=601 mg"',
)
@click.option(
    "--unit-weight", multiple=True, help="a measured unit (capsule) net weight; repeat for each"
)
@click.option("--yield", "yield_units", help="units actually made")
@click.option("--deviation", multiple=True, help="a deviation from the master formulation record")
@click.option("--container", default="tight, light-resistant container", show_default=True)
@click.option("--description", help="physical description of the finished preparation")
@click.option(
    "--weighing-tolerance",
    help="tolerance for actual weighings [default: the policy's 5 %; wider needs --acknowledge]",
)
@click.option(
    "--acknowledge",
    multiple=True,
    help='acknowledge a record check with a reason: "CODE=REASON", e.g. '
    '"weighing-tolerance-above-policy=viscous base, SOP 12"',
)
@_apply(PRINT_OPTIONS)
@library_errors
def record(result: IO[bytes], **o: Any) -> None:
    """A compounding record (with its master formulation record) for a result."""
    res = _load_result(result, "RESULT")
    actual = []
    for text in o["weighed"]:
        number, sep, amount = text.partition("=")
        if not sep:
            raise lc.InputError(
                f"--weighed: {text!r} is not NUMBER=AMOUNT; expected e.g. '1=601 mg'.",
                field="--weighed",
            )
        actual.append(
            lc.ActualWeighing(
                number=lc.parse_count(number.strip(), field="--weighed number", maximum=100),
                amount=lc.mass(amount, field="--weighed amount"),
            )
        )
    acknowledged = []
    for text in o["acknowledge"]:
        code, sep, reason = text.partition("=")
        if not sep:
            raise lc.InputError(
                f"--acknowledge: {text!r} is not CODE=REASON; expected e.g. "
                "'weighing-tolerance-above-policy=viscous base, SOP 12'.",
                field="--acknowledge",
            )
        acknowledged.append(lc.Acknowledgement(code=code.strip(), reason=reason.strip()))
    rec = lc.make_record(
        res,
        record_id=o["record_id"],
        compounded_by=o["compounded_by"],
        verified_by=o["verified_by"],
        actual_weighings=tuple(actual),
        unit_weights=tuple(lc.mass(w, field="--unit-weight") for w in o["unit_weight"]),
        yield_units=None
        if o["yield_units"] is None
        else lc.parse_count(o["yield_units"], field="--yield", allow_zero=True),
        deviations=tuple(o["deviation"]),
        container=o["container"],
        description=o["description"],
        weighing_tolerance=_percent(o["weighing_tolerance"], "--weighing-tolerance"),
        acknowledge=tuple(acknowledged),
    )
    emit_sheet(rec, o, barcode=rec.record_id)


@click.command()
@click.argument("record_file", metavar="RECORD", type=click.File("rb"))
@FORMAT
@library_errors
def verify(record_file: IO[bytes], fmt: str) -> None:
    """Recompute a compounding record and report every difference (exit 1 if any).

    The record is read strictly: a duplicate key, NaN, a float, a number in digits other
    than ASCII or an unknown field is refused (exit 2), naming its path."""
    try:
        report = lc.verify_record(loads_strict(read_limited(record_file, "RECORD"), what="RECORD"))
    except lc.LdnCompoundError as err:  # the file's fault: name the argument first
        if err.message.startswith("RECORD"):
            raise
        raise lc.InputError(f"RECORD: {err.message}", field=err.field, code=err.code) from None
    _emit(report, fmt)
    if not report.ok:
        raise SystemExit(1)


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
    if o["protocol"]:
        if o["steps"]:
            raise lc.InputError(
                "--protocol and --step both give the steps; give one of them.", field="--protocol"
            )
        steps, _target = lc.protocol_steps(o["protocol"], confirmed=o["confirm_protocol"])
    else:
        if not o["steps"]:
            raise lc.InputError(
                "--step is required (or --protocol with --confirm-protocol).", field="--step"
            )
        steps = tuple(lc.parse_step(s, field="--step") for s in o["steps"])
    form = lc.KitForm(o["kit_form"])
    capsules = liquid = drops = None
    template_file = o["template_file"]
    if form is not lc.KitForm.CAPSULES:
        if template_file is None:
            raise lc.InputError(
                f"--template is required for a {form.value} kit: an order document with its source, "
                "vehicle and balance.",
                field="--template",
            )
        template = lc.load_order(_read_json(template_file, "--template"))
        if form is lc.KitForm.LIQUID:
            if not isinstance(template, lc.LiquidOrder):
                raise lc.InputError(
                    "--template: a liquid kit needs a liquid order document.", field="--template"
                )
            syringes = tuple(_syringe(t) for t in o["kit_syringe"]) or None
            liquid = lc.LiquidKit(template=template, syringes=syringes)
        else:
            if not isinstance(template, lc.DropsOrder):
                raise lc.InputError(
                    "--template: a drops kit needs a drops order document.", field="--template"
                )
            drops = lc.DropsKit(template=template)
    elif template_file is not None:
        raise lc.InputError(
            "--template is for liquid and drops kits; give the capsule options instead.",
            field="--template",
        )
    if form is lc.KitForm.CAPSULES:
        if o["source_kind"] is None:
            raise lc.InputError("--source is required for a capsule kit.", field="--source")
        o["doses_per_day"] = None  # each batch is for a container, not a daily regimen
        template = capsule_order(o, dose=lc.mass(o["maintenance"], field="--maintenance"), count=1)
        strategy = lc.KitStrategy(o["strategy"]) if o["strategy"] else None
        capsules = lc.CapsuleKit(template=template, strategy=strategy)
    per_day = o["kit_doses_per_day"]
    order = lc.TitrationOrder(
        steps=steps,
        maintenance=lc.mass(o["maintenance"], field="--maintenance"),
        maintenance_days=lc.parse_count(
            o["maintenance_days"], field="--maintenance-days", allow_zero=True, maximum=730
        ),
        start=_date(o["start_date"], "--start"),  # type: ignore[arg-type]
        form=form,
        capsules=capsules,
        liquid=liquid,
        drops=drops,
        doses_per_day=None
        if per_day is None
        else lc.parse_decimal(per_day, field="--kit-doses-per-day"),
        protocol=o["protocol"],
    )
    try:
        result = lc.plan_titration(order)
    except lc.InputError as err:  # the kit's frequency has its own option
        flags = {"doses_per_day": "--kit-doses-per-day", "start": "--start"}
        raise click.UsageError(_flagged(err, flags)) from None
    emit_sheet(result, o, barcode=None)


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


def register(group: click.Group) -> None:
    """Add the commands to the CLI group; titrate takes the capsule options for its batches."""
    from ._app import capsules  # noqa: PLC0415

    for p in capsules.params:
        if p.name in {"dose", "count", "doses_per_day"}:
            continue
        option = copy.copy(p)
        option.required = False  # only a capsule kit needs them; checked in titrate
        titrate.params.append(option)
    for command in (label, record, verify, titrate):
        group.add_command(command)
