"""The ``label`` command: a prescription label for a result or a kit."""

from __future__ import annotations

from typing import IO, Any

import click

import ldncompound as lc
from ldncompound_cli._common import _load_result, _mass, library_errors, pdf_output, write_pdf


@click.command()
@click.argument("result", type=click.File("rb"))
@click.option("--patient", required=True, help="patient name as it should be printed")
@click.option("--prescriber", required=True, help="prescriber name")
@click.option("--pharmacy-name", required=True)
@click.option("--pharmacy-address", required=True)
@click.option("--pharmacy-phone", required=True)
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
@library_errors
def label(result: IO[bytes], **o: Any) -> None:
    """A prescription label for a result (the JSON a preparation command wrote; - for stdin)."""
    res = _load_result(result, "RESULT")
    per_day = o["doses_per_day"]
    order = lc.LabelOrder(
        patient=o["patient"],
        prescriber=o["prescriber"],
        pharmacy=lc.Pharmacy(
            name=o["pharmacy_name"], address=o["pharmacy_address"], phone=o["pharmacy_phone"]
        ),
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
        from ldncompound_cli._pdf import kit_dates, label_pdf, made_on, parse_page  # noqa: PLC0415

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
