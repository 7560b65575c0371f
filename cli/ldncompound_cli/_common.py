"""What every command shares: library errors -> click errors, the small parsing helpers,
the output formats (text, JSON, PDF) and the reading of document files.

Every option value is text handed to the library's own parsers with the option's name as
the field, so a refused value is reported as one sentence naming the option. Library input
errors become usage errors (exit 2); other library errors exit 1; neither prints a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click

import ldncompound as lc

F = TypeVar("F", bound=Callable[..., Any])

#: Library field names -> the option that sets them (for error messages).
FLAGS: dict[str, str] = {
    "dose": "--dose",
    "count": "--count",
    "dose_basis": "--dose-basis",
    "doses_per_day": "--doses-per-day",
    "api.assay": "--assay",
    "api.assay_as": "--assay-as",
    "api.water_content": "--water",
    "api.loss_on_drying": "--loss-on-drying",
    "api.lot": "--lot",
    "api.bulk_density": "--source-density",
    "form": "--api-form",
    "tablets.average_weight": "--tablet-weight",
    "tablets.product": "--tablet-product",
    "tablets.strength": "--tablet-strength",
    "tablets.lot": "--lot",
    "tablets.tablets_weighed": "--tablets-weighed",
    "tablets.powder_density": "--source-density",
    "stock.strength": "--stock-strength",
    "stock.diluent": "--stock-diluent",
    "stock.lot": "--lot",
    "stock.made_on": "--stock-made-on",
    "filler": "--filler",
    "filler.density": "--filler-density",
    "filler.lot": "--filler-lot",
    "filler.pack_stat.method": "--pack-stat-method",
    "shells.material": "--shell-material",
    "shells.lot": "--shell-lot",
    "tablets.allergens_declared": "--tablet-allergen",
    "filler.pack_stat": "--pack-stat",
    "size": "--size",
    "fill_weight": "--fill-weight",
    "overage": "--overage",
    "drug_loss_allowance": "--drug-loss",
    "balance.readability": "--readability",
    "balance.minimum_weight": "--min-weight",
    "balance.sensitivity": "--sensitivity",
    "balance.max_error": "--max-error",
    "shells.weight": "--shell-weight",
    "storage": "--storage",
    "qc_sample": "--qc-sample",
    "max_stage_mass": "--max-stage-mass",
    "rounding_tolerance": "--rounding-tolerance",
    "tablet_margin": "--tablet-margin",
    "active.expiry": "--expiry",
    "source": "--source",
    "days_supply": "--days",
    "volume": "--volume",
    "concentration": "--concentration",
    "syringe": "--syringe",
    "device.capacity": "--syringe-capacity",
    "device.graduation": "--syringe-graduation",
    "vehicle": "--vehicle",
    "vehicle.name": "--vehicle-name",
    "vehicle.preservative": "--preservative",
    "vehicle.water_activity_basis": "--water-activity-basis",
    "vehicle.lot": "--vehicle-lot",
    "vehicle.expiry": "--vehicle-expiry",
    "flavour.expiry": "--flavour-expiry",
    "preservative.expiry": "--added-preservative-expiry",
    "additive.name": "--flavour",
    "additive.lot": "--flavour-lot",
    "aliquot_volume": "--aliquot-volume",
    "solubility": "--solubility",
    "measurable_fraction": "--measurable-fraction",
    "dose_tolerance": "--dose-tolerance",
    "calibration": "--calibration-drops",
    "calibration.drops": "--calibration-drops",
    "calibration.volume": "--calibration-volume",
    "calibration.dropper": "--dropper",
    "accept_nominal_dropper": "--accept-nominal-dropper",
    "max_drops": "--max-drops",
    "study": "--study-reference",
    "study.reference": "--study-reference",
    "study.days": "--study-days",
    "study.storage": "--storage",
    "study.matches_formula_vehicle_container": "--study-confirmed",
    "filler.expiry": "--filler-expiry",
    "shells.expiry": "--shell-expiry",
    "unit_weights": "--unit-weight",
    "record_id": "--record-id",
    "compounded_by": "--compounded-by",
    "verified_by": "--verified-by",
    "yield_units": "--yield",
    "actual_weighings": "--weighed",
    "weighing_tolerance": "--weighing-tolerance",
    "acknowledge.code": "--acknowledge",
    "acknowledge.reason": "--acknowledge",
    "patient": "--patient",
    "prescriber": "--prescriber",
    "rx_number": "--rx",
    "directions": "--directions",
    "timing": "--timing",
    "pharmacy.name": "--pharmacy-name",
    "pharmacy.address": "--pharmacy-address",
    "pharmacy.phone": "--pharmacy-phone",
    "width": "--width",
    "protocol": "--protocol",
    "maintenance": "--maintenance",
    "steps[].dose": "--step",
    "maintenance_days": "--maintenance-days",
    "route": "--route",
    "mold.blank_weight": "--blank-weight",
    "mold.total": "--blanks-total",
    "mold.blanks_weighed": "--blanks-count",
    "mold.cavities": "--cavities",
    "mold.cavity_volume": "--cavity-volume",
    "mold.base_lot": "--mold-base-lot",
    "mold.mold": "--mold-name",
    "base": "--base",
    "base.base": "--base",
    "base.name": "--base-name",
    "base.contains_water": "--base-water",
    "base.preservative": "--base-preservative",
    "base.lot": "--base-lot",
    "base.expiry": "--base-expiry",
    "base.density": "--base-density",
    "ingredients": "--ingredient",
    "ingredients[].amount": "--ingredient",
    "ingredients[].expiry": "--ingredient",
    "ingredients[].displacement": "--ingredient",
    "drug_displacement": "--drug-displacement",
    "diluent": "--diluent",
    "diluent.expiry": "--diluent",
    "diluent.displacement": "--diluent",
    "weight_window": "--weight-window",
    "acknowledge": "--acknowledge",
    "reference": "--reference",
    "compounded_on": "--compounded-on",
    "start": "--start",
    "page": "--page",
}


def _flagged(err: lc.LdnCompoundError, overrides: dict[str, str] | None = None) -> str:
    message = err.message
    field = err.field or ""
    flags = FLAGS | (overrides or {})
    # a repeated option's items are numbered (ingredients[2].amount): one flag for them all
    flag = flags.get(field) or flags.get(re.sub(r"\[[0-9]+\]", "[]", field))
    if flag and (message.startswith((f"{field}:", f"{field} "))):
        return flag + message[len(field) :]
    return message


def library_errors(fn: F) -> F:
    """Turn library errors into click errors: input errors exit 2, others exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except lc.InputError as err:
            raise click.UsageError(_flagged(err)) from None
        except lc.LdnCompoundError as err:
            raise click.ClickException(_flagged(err)) from None

    return wrapper  # type: ignore[return-value]


def _mass(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.mass(text, field=flag)


def _percent(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.percent(text, field=flag)


def _density(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.density(text, field=flag)


def _date(text: str | None, flag: str) -> dt.date | None:
    return None if text is None else lc.parse_date(text, field=flag)


def _count(text: str | None, flag: str, maximum: int = 100_000) -> int | None:
    return None if text is None else lc.parse_count(text, field=flag, maximum=maximum)


def _require(value: Any, flag: str, why: str) -> Any:
    if value is None:
        raise lc.InputError(f"{flag} is required {why}.", field=flag, expected=why)
    return value


def _volume(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.volume(text, field=flag)


def _strength(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.parse_strength(text, field=flag).concentration


def _emit(result: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(lc.dumps(result))
    else:
        click.echo(lc.render_worksheet(result), nl=False)


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text worksheet or the documented JSON result",
)
PRINT_OPTIONS = (
    click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "pdf"]),
        default="text",
        show_default=True,
        help="text worksheet, the documented JSON result, or the worksheet as a PDF (--output)",
    ),
    click.option(
        "--output",
        help="file to write the PDF to (required with --format pdf; - for standard output)",
    ),
    click.option(
        "--paper",
        type=click.Choice(["a4", "letter"]),
        default="a4",
        show_default=True,
        help="paper size of the PDF worksheet or record",
    ),
)


def write_pdf(path: str, data: bytes) -> None:
    """Write a finished PDF (nothing is written when the PDF was refused)."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(path, "wb") as out:  # noqa: PTH123 - click gives a str path
            out.write(data)
    except (OSError, ValueError) as err:  # a missing folder, a directory, a NUL in the name
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise lc.InputError.about(
            "--output",
            path,
            f"cannot be written ({reason})",
            "a file name in a folder that can be written to",
            code="cannot-write",
        ) from None


def pdf_output(o: dict[str, Any]) -> str | None:
    """The --output file of a PDF; refused when missing, and for the text and JSON formats."""
    if o["fmt"] != "pdf":
        if o["output"] is not None:
            raise lc.InputError(
                "--output is for --format pdf; text and JSON go to standard output.",
                field="--output",
                code="output-needs-pdf",
            )
        return None
    if o["output"] is None:
        raise lc.InputError(
            "--output is required with --format pdf: the file to write the PDF to (- for "
            "standard output).",
            field="--output",
            code="missing",
        )
    return str(o["output"])


def emit_sheet(document: Any, o: dict[str, Any], *, barcode: str | None) -> None:
    """Print ``document``'s worksheet as text, JSON or (--format pdf) a PDF with a barcode."""
    output = pdf_output(o)
    if output is None:
        _emit(document, o["fmt"])
        return
    from ._pdf import worksheet_pdf  # noqa: PLC0415 - the PDF libraries load only to print

    write_pdf(output, worksheet_pdf(document, paper=o["paper"], record_id=barcode))


FORMS = click.Choice(["hcl", "hcl-dihydrate", "base"])


def _apply(options: tuple[Callable[[Any], Any], ...]) -> Callable[[F], F]:
    """Apply a shared group of click options in the order listed."""

    def wrap(fn: F) -> F:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return wrap


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
