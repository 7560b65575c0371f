"""The ``label`` command: a prescription label for a result or a kit, or a saved label
printed again after it is checked (:func:`ldncompound.read_label`)."""

from __future__ import annotations

from typing import IO, Any

import click

import ldncompound as lc
from ldncompound._labels import check_label_schema, is_saved_label
from ldncompound_cli._common import (
    _apply,
    _mass,
    _read_json,
    library_errors,
    pdf_output,
    write_pdf,
)
from ldncompound_cli._profile import PROFILE_OPTIONS, label_pharmacy, profile_refusals


@click.command()
@click.argument("result", type=click.File("rb"))
@click.option("--patient", help="patient name as it should be printed")
@click.option("--prescriber", help="prescriber name")
@click.option("--pharmacy-name", help="[default: the pharmacy profile's]")
@click.option("--pharmacy-address", help="[default: the pharmacy profile's]")
@click.option("--pharmacy-phone", help="[default: the pharmacy profile's]")
@click.option("--rx", "rx_number", help="Rx number")
@click.option("--directions", help="full directions text (replaces the composed directions)")
@click.option("--dose", help="dose per administration, if not one unit")
@click.option("--doses-per-day", help="doses a day, for composed directions (a whole number)")
@click.option(
    "--timing", help='pharmacist-chosen timing, e.g. "at bedtime" (never added otherwise)'
)
@click.option(
    "--step",
    help='step text printed under the directions, e.g. "Step 2 of 9: days 15-28" (read like '
    "the directions; refused for a titration kit, whose labels carry their own)",
)
@click.option(
    "--lot",
    help="lot number of the compounded batch [default: generated from the result and "
    "--record-id, L<date compounded>-<8 hex digits>; one of the two is required]",
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
    "--record-id",
    help="id of the batch's compounding record: the lot is generated from it when --lot is "
    "not given, and the PDF label's barcode carries it after the Rx",
)
@_apply(PROFILE_OPTIONS)
@library_errors
def label(result: IO[bytes], **o: Any) -> None:
    """A prescription label for a result (the JSON a preparation command wrote; - for
    stdin), or a saved label printed again once it is checked.

    A saved label (the JSON ``label --format json`` wrote) is printed only if it is exactly
    what its own result and label order make."""
    data = _read_json(result, "RESULT")
    if is_saved_label(data):  # by its id or by its content: an edited id is refused there
        _saved_label(data, o)
        return
    _require(o)
    res = _file_document(data)
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
        record_id=o["record_id"],
        acknowledge=tuple(o["acknowledge"]),
    )
    with profile_refusals(o, order):  # the pharmacy the profile gave is refused as the profile's
        _new_label(res, order, o)


def _new_label(res: Any, order: lc.LabelOrder, o: dict[str, Any]) -> None:
    """Print the label of ``order`` for the result ``res``."""
    width = lc.parse_count(o["width"], field="--width", maximum=200)
    output = pdf_output(o)
    if output is not None:
        from ldncompound_cli._pdf import kit_dates, label_pdf, made_on, parse_page  # noqa: PLC0415

        page = parse_page(o["page"], field="--page")
        kit = getattr(res, "schema", None) == lc.TITRATION_SCHEMA
        labels = lc.build_kit_labels(res, order) if kit else (lc.build_label(res, order),)
        dates = kit_dates(res) if kit else [made_on(res)]
        pdf = label_pdf(labels, dates, page=page, record_id=o["record_id"], page_text=o["page"])
        write_pdf(output, pdf)
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


#: the options a new label needs (a saved label carries them)
_REQUIRED = (("patient", "--patient"), ("prescriber", "--prescriber"), ("rx_number", "--rx"))


def _require(o: dict[str, Any]) -> None:
    """A new label's required options, refused as click refuses a missing required option."""
    for key, _flag in _REQUIRED:
        if o[key] is None:
            ctx = click.get_current_context()
            param = next(p for p in ctx.command.params if p.name == key)
            raise click.MissingParameter(ctx=ctx, param=param)


#: the options that only make a new label: refused with a saved label, which is printed as it
#: was made
_NEW_LABEL_ONLY = (
    *_REQUIRED,
    ("pharmacy_name", "--pharmacy-name"),
    ("pharmacy_address", "--pharmacy-address"),
    ("pharmacy_phone", "--pharmacy-phone"),
    ("directions", "--directions"),
    ("dose", "--dose"),
    ("doses_per_day", "--doses-per-day"),
    ("timing", "--timing"),
    ("step", "--step"),
    ("lot", "--lot"),
    ("record_id", "--record-id"),
    ("acknowledge", "--acknowledge"),
    ("profile_path", "--profile"),
)  # --no-profile is accepted: a reprint reads no profile anyway (probe F35)


def _file_document(data: Any) -> Any:
    try:
        return lc.from_json(data)
    except lc.LdnCompoundError as err:  # the file's fault: name the argument first
        raise lc.InputError(f"RESULT: {err.message}", field="RESULT", code=err.code) from None


def _saved_label(data: Any, o: dict[str, Any]) -> None:
    """Print a saved label again, after :func:`ldncompound.read_label` has made it again from
    what it embeds and found it unchanged."""
    check_label_schema(data)  # a label whose id was edited is refused before anything else
    for key, flag in _NEW_LABEL_ONLY:
        if o[key]:
            raise lc.InputError(
                f"{flag} makes a new label, but RESULT is a saved label, which is printed "
                "exactly as it was made; give the result instead to make a new label.",
                field=flag,
                code="option-for-new-label",
            )
    saved = lc.read_label(data)  # its refusals name the label's field (label.directions)
    width = lc.parse_count(o["width"], field="--width", maximum=200)
    output = pdf_output(o)
    if output is not None:
        from ldncompound_cli._pdf import label_pdf, parse_page  # noqa: PLC0415

        page = parse_page(o["page"], field="--page")
        pdf = label_pdf(
            (saved,),
            [saved.compounded_on],
            page=page,
            record_id=saved.order.record_id if saved.order is not None else None,
            page_text=o["page"],
        )
        write_pdf(output, pdf)
    elif o["fmt"] == "json":
        click.echo(lc.dumps(saved))
    else:
        click.echo(lc.render_label(saved, width=width), nl=False)
