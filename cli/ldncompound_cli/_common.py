"""What every command shares: library errors -> click errors, the small parsing helpers,
the output formats (text, JSON, PDF) and the reading of document files.

Every option value is text handed to the library's own parsers with the option's name as
the field, so a refused value is reported as one sentence naming the option. Library input
errors become usage errors (exit 2); other library errors exit 1; neither prints a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click

import ldncompound as lc

F = TypeVar("F", bound=Callable[..., Any])

#: Library field names -> the option that sets them, for the commands without an option table
#: (label, record, titrate, calibrate-dropper); a preparation command names its options from
#: its own table (``TABLE`` in its module, see _tables.py).
FLAGS: dict[str, str] = {
    "dose": "--dose",
    "doses_per_day": "--doses-per-day",
    "batch": "--batch",
    "calibration": "--calibration-drops",
    "calibration.drops": "--calibration-drops",
    "calibration.volume": "--calibration-volume",
    "calibration.dropper": "--dropper",
    "unit_weights": "--unit-weight",
    "record_id": "--record-id",
    "compounded_by": "--compounded-by",
    "verified_by": "--verified-by",
    "yield_units": "--yield",
    "actual_weighings": "--weighed",
    "weighing_tolerance": "--weighing-tolerance",
    "acknowledge": "--acknowledge",
    "acknowledge.code": "--acknowledge",
    "acknowledge.reason": "--acknowledge",
    "patient": "--patient",
    "prescriber": "--prescriber",
    "rx_number": "--rx",
    "lot": "--lot",
    "directions": "--directions",
    "timing": "--timing",
    "step": "--step",
    "pharmacy.name": "--pharmacy-name",
    "pharmacy.address": "--pharmacy-address",
    "pharmacy.phone": "--pharmacy-phone",
    "width": "--width",
    "page": "--page",
    "protocol": "--protocol",
    "maintenance": "--maintenance",
    "steps[].dose": "--step",
    "maintenance_days": "--maintenance-days",
    "start": "--start",
}


def _table_flag(field: str, overrides: dict[str, str] | None) -> str | None:
    flags = FLAGS | (overrides or {})
    # a repeated option's items are numbered (ingredients[2].amount): one flag for them all
    return flags.get(field) or flags.get(re.sub(r"\[[0-9]+\]", "[]", field))


def _flag(err: lc.LdnCompoundError, overrides: dict[str, str] | None = None) -> str | None:
    """The option that sets the refused field, if one does."""
    named = getattr(err, "option", None)  # named from a command's option table
    if isinstance(named, str):
        return named
    field = err.field or ""
    flag = _table_flag(field, overrides)
    if flag is None and field.startswith("--"):
        return field.partition(" ")[0]  # parsed with the option as the field ("--weighed number")
    return flag


def _flagged(err: lc.LdnCompoundError, overrides: dict[str, str] | None = None) -> str:
    message = err.message
    if getattr(err, "option", None) is not None:  # named from a command's option table
        return message
    field = err.field or ""
    flag = _table_flag(field, overrides)
    if flag and (message.startswith((f"{field}:", f"{field} "))):
        return flag + message[len(field) :]
    return message


class JsonError(click.ClickException):
    """A refusal under ``--format json``: one JSON object on standard error,
    ``{"error": {"code", "field", "option", "message"}}``, with the exit status of the text
    form (2 for bad input, 1 for a request that cannot be compounded as asked)."""

    def __init__(self, error: dict[str, Any], exit_code: int) -> None:
        super().__init__(str(error["message"]))
        self.error = error
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(json.dumps({"error": self.error}, ensure_ascii=False), file=file, err=True)


def click_error(
    err: lc.LdnCompoundError, *, json_format: bool, overrides: dict[str, str] | None = None
) -> click.ClickException:
    """The click error for a library error: input errors exit 2, others exit 1; under
    ``--format json`` the error as one JSON object on standard error."""
    message = _flagged(err, overrides)
    if json_format:
        error = {
            "code": err.code,
            "field": err.field,
            "option": _flag(err, overrides),
            "message": message,
        }
        return JsonError(error, exit_code=err.exit_code)
    if isinstance(err, lc.InputError):
        return click.UsageError(message)
    return click.ClickException(message)


def usage_json(err: click.UsageError) -> JsonError:
    """click's own refusal of a command line (a missing option, a value not among the
    choices) as a JSON error, for a command run with ``--format json``."""
    param = getattr(err, "param", None)
    option = max(param.opts, key=len) if isinstance(param, click.Option) else None
    if isinstance(err, click.MissingParameter):
        code = "missing-option"
    elif isinstance(err, click.NoSuchOption):
        code, option = "unknown-option", err.option_name
    elif isinstance(err, click.BadParameter):
        code = "bad-option"
    else:
        code = "usage"
    error = {"code": code, "field": None, "option": option, "message": err.format_message()}
    return JsonError(error, exit_code=err.exit_code)


def library_errors(fn: F) -> F:
    """Turn library errors into click errors: input errors exit 2, others exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except lc.LdnCompoundError as err:
            raise click_error(err, json_format=kwargs.get("fmt") == "json") from None

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


def _strength(text: str | None, flag: str) -> lc.Quantity | None:
    """A concentration, "1 mg/mL" or "250 mg/5 mL", or ``None``."""
    return None if text is None else lc.parse_strength(text, field=flag).concentration


def _volume(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.volume(text, field=flag)


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


BRIEF = click.option(
    "--brief",
    is_flag=True,
    help="print only what to weigh, fill and label (under 30 lines) instead of the worksheet",
)


def emit_sheet(document: Any, o: dict[str, Any], *, barcode: str | None) -> None:
    """Print ``document``'s worksheet as text, JSON or (--format pdf) a PDF with a barcode,
    or (--brief) the library's brief."""
    if o.get("brief"):
        if o["fmt"] != "text":
            raise lc.InputError(
                f"--brief is a text format; leave out --format {o['fmt']}.", field="--brief"
            )
        click.echo(lc.render_brief(document), nl=False)
        return
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
