"""Batch runs: order documents in JSON Lines or CSV in, one result or error record out each.

The input is read as bytes, one record at a time, so memory stays flat however long the
file is. Each record is decoded, parsed, loaded and computed on its own: a bad encoding, a
blank or over-long line, bad JSON, a truncated last line, a missing field or a refused value
becomes that record's error and the run goes on. Output records come in input order, exactly
one per input record (the CSV header is not a record).

CSV rows carry the order document flattened by dotted column names (``source.kind``,
``source.average_weight``); an empty cell means the field is absent from that row's
document. :func:`csv_columns` lists the columns of each order schema.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import deque
from collections.abc import Iterator
from typing import Any, Literal, Protocol

import attrs
import orjson

from . import _clock
from ._documents import shown_name
from ._errors import InputError, LdnCompoundError
from ._json import to_json
from ._orders import decode, load, order_kind, parse_json

__all__ = [
    "BATCH_RECORD_SCHEMA",
    "BatchError",
    "BatchRecord",
    "Readable",
    "csv_columns",
    "run_batch",
]

BATCH_RECORD_SCHEMA = "ldncompound/batch-record/1"
#: Longest record read (bytes); a longer line is skipped as one error record.
MAX_RECORD_BYTES = 1 << 20
#: Most physical lines one CSV record may span (quoted fields with line breaks).
MAX_CSV_RECORD_LINES = 100

_COLUMN = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*")
_BOM = b"\xef\xbb\xbf"


@attrs.frozen(kw_only=True)
class BatchError:
    """Why a record was not computed: a stable code, the field (if any) and one sentence."""

    code: str
    field: str | None
    message: str

    @classmethod
    def of(cls, err: LdnCompoundError) -> BatchError:
        return cls(code=err.code, field=err.field, message=err.message)


@attrs.frozen(kw_only=True)
class BatchRecord:
    """One output record: the input record's number and starting line, a result or an error."""

    record: int
    line: int
    result: Any = None
    error: BatchError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """The documented batch record (schema ``ldncompound/batch-record/1``)."""
        out: dict[str, Any] = {
            "schema": BATCH_RECORD_SCHEMA,
            "record": self.record,
            "line": self.line,
        }
        if self.error is None:
            out["status"] = "ok"
            out["result"] = to_json(self.result)
        else:
            out["status"] = "error"
            out["error"] = {
                "code": self.error.code,
                "field": self.error.field,
                "message": self.error.message,
            }
        return out

    def json_line(self) -> str:
        """The record as one line of JSON text (no newline; non-ASCII kept as is)."""
        data = self.to_json()
        # orjson writes the text json.dumps(separators=(",", ":"), ensure_ascii=False) writes
        # for this data, ten times faster (a result line is about 20 kB); what orjson refuses
        # (a lone surrogate in a caller's text, an integer beyond 64 bits) takes that path.
        try:
            return orjson.dumps(data).decode()
        except orjson.JSONEncodeError:
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@attrs.frozen
class _Unreadable:
    """A physical record that cannot even be cut out of the stream."""

    code: str
    message: str


_Line = tuple[int, "bytes | _Unreadable", bool]


class Readable(Protocol):
    """What the batch reads from: a binary file, ``sys.stdin.buffer``, ``io.BytesIO``..."""

    def readline(self, size: int = -1, /) -> bytes: ...


def _lines(stream: Readable) -> Iterator[_Line]:
    """(line number, bytes without the line break, whether a line break ended it)."""
    readline = stream.readline
    number = 0
    while True:
        raw = readline(MAX_RECORD_BYTES + 1)
        if not raw:
            return
        number += 1
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            while (more := readline(MAX_RECORD_BYTES)) and not more.endswith(b"\n"):
                pass
            yield (
                number,
                _Unreadable(
                    "too-long",
                    f"the record is longer than {MAX_RECORD_BYTES} bytes; it was skipped.",
                ),
                True,
            )
            continue
        ended = raw.endswith(b"\n")
        if ended:
            raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        yield number, raw, ended


def _compute(data: Any, *, textual: bool, today: dt.date) -> Any:
    kind, order = load(data, textual=textual)
    return kind.formulate(order, today=today)


def _jsonl_record(raw: bytes | _Unreadable, ended: bool, today: dt.date) -> Any:
    if isinstance(raw, _Unreadable):
        raise InputError(raw.message, code=raw.code)
    if not raw.strip(b" \t"):
        raise InputError(
            "the line is blank; expected one order document per line.", code="blank-line"
        )
    text = decode(raw, "record")
    try:
        data = parse_json(text)
    except InputError as err:
        if ended or err.code != "bad-json":
            raise
        raise InputError(
            "the last line ends without a line break and is not complete JSON (the file looks "
            f"truncated): {err.message}",
            expected="a complete order document",
            code="truncated",
        ) from None
    return _compute(data, textual=False, today=today)


def _guard(record: int, line: int, work: Any, *args: Any) -> BatchRecord:
    try:
        return BatchRecord(record=record, line=line, result=work(*args))
    except LdnCompoundError as err:
        return BatchRecord(record=record, line=line, error=BatchError.of(err))
    except Exception as err:  # noqa: BLE001 - one record's failure must not stop the run
        message = f"internal error ({type(err).__name__}: {err}); the record was not computed."
        return BatchRecord(
            record=record,
            line=line,
            error=BatchError(code="internal-error", field=None, message=message),
        )


# --- CSV ---------------------------------------------------------------------------------------


def _ends_inside_quotes(line: bytes, *, inside: bool) -> bool:
    """Whether a CSV line ends inside a quoted field (a quote opens one only at a field start,
    ``""`` inside is a literal quote), as Python's csv module reads it."""
    if not inside and b'"' not in line:
        return False
    i, n, start = 0, len(line), not inside
    while i < n:
        if inside:
            j = line.find(b'"', i)
            if j < 0:
                return True
            if line[j + 1 : j + 2] == b'"':
                i = j + 2
                continue
            inside, start, i = False, False, j + 1
        elif start and line[i] == 0x22:
            inside, i = True, i + 1
        else:
            j = line.find(b",", i)
            if j < 0:
                return False
            i, start = j + 1, True
    return inside


def _csv_records(lines: Iterator[_Line]) -> Iterator[_Line]:
    """Physical lines grouped into CSV records (a quoted field may hold line breaks).

    A quoted field still open after :data:`MAX_CSV_RECORD_LINES` lines, or at the end of the
    input, makes its first line one error record; the lines after it are read again.
    """
    pushed: deque[_Line] = deque()

    def take() -> _Line | None:
        return pushed.popleft() if pushed else next(lines, None)

    while (first := take()) is not None:
        number, raw, ended = first
        if isinstance(raw, _Unreadable) or not _ends_inside_quotes(raw, inside=False):
            yield first
            continue
        parts = [raw]
        taken: list[_Line] = []
        closed = False
        while len(taken) < MAX_CSV_RECORD_LINES and (nxt := take()) is not None:
            taken.append(nxt)
            if isinstance(nxt[1], _Unreadable):
                break
            parts.append(nxt[1])
            if not _ends_inside_quotes(nxt[1], inside=True):
                closed = True
                break
        if closed:
            yield number, b"\n".join(parts), taken[-1][2]
            continue
        pushed.extendleft(reversed(taken))
        yield (
            number,
            _Unreadable(
                "unterminated-quote",
                "a quoted field opened on this line is never closed; the line was skipped.",
            ),
            ended,
        )


Columns = tuple[tuple[str, ...], ...]


def _header(raw: bytes | _Unreadable) -> Columns:
    if isinstance(raw, _Unreadable):
        raise InputError(f"the CSV header cannot be read: {raw.message}", code="bad-header")
    try:
        names = next(csv.reader([decode(raw, "header")], strict=True), [])
    except (csv.Error, InputError) as err:
        raise InputError(f"the CSV header cannot be read: {err}", code="bad-header") from None
    if not names or names == [""]:
        raise InputError("the CSV header is empty; expected column names.", code="bad-header")
    for name in names:
        if not _COLUMN.fullmatch(name):
            raise InputError.about(
                shown_name(name),
                name,
                "is not a column name",
                "a dotted field path such as source.average_weight",
                code="bad-header",
            )
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise InputError.about(
            twice, None, "is a column twice in the header", "each column once", code="bad-header"
        )
    return tuple(tuple(n.split(".")) for n in names)


def _nest(columns: Columns, cells: list[str]) -> dict[str, Any]:
    """A document from one row: dotted columns become nested objects; empty cells are absent."""
    doc: dict[str, Any] = {}
    for path, cell in zip(columns, cells, strict=True):
        if cell == "":
            continue
        target = doc
        for i, key in enumerate(path[:-1]):
            inner = target.setdefault(key, {})
            if not isinstance(inner, dict):
                _conflict(".".join(path[: i + 1]), inner, ".".join(path))
            target = inner
        if path[-1] in target:
            _conflict(".".join(path), cell, "its fields' columns")
        target[path[-1]] = cell
    return doc


def _conflict(where: str, value: Any, other: str) -> None:
    raise InputError.about(
        where,
        value,
        f"is given together with {other}",
        "either the object's own columns or one value such as 'default'",
        code="conflicting-columns",
    )


def _csv_record(
    raw: bytes | _Unreadable, ended: bool, columns: Columns | InputError, today: dt.date
) -> Any:
    if isinstance(columns, InputError):
        raise columns
    if isinstance(raw, _Unreadable):
        raise InputError(raw.message, code=raw.code)
    text = decode(raw, "record")
    try:
        rows = list(csv.reader([text], strict=True))
    except csv.Error as err:
        code = "bad-csv" if ended else "truncated"
        raise InputError(f"the row is not valid CSV ({err}).", code=code) from None
    cells = rows[0] if rows else []
    if len(cells) != len(columns):
        raise InputError(
            f"the row has {len(cells)} fields; expected {len(columns)}, one per header column"
            + ("" if ended else " (the last line ends without a line break: truncated?)")
            + ".",
            expected=f"{len(columns)} fields",
            code="wrong-field-count",
        )
    return _compute(_nest(columns, cells), textual=True, today=today)


def csv_columns(schema: str) -> tuple[tuple[str, str], ...]:
    """The flat CSV columns of an order schema: (dotted path, what the cell holds).

    An object field the library can default has a column of its own (for ``default``)
    besides its fields' columns; a union (``source``) lists the fields of every kind.
    """
    return tuple(order_kind(schema).node.columns(""))


# --- the run -------------------------------------------------------------------------------------


def run_batch(
    stream: Readable,
    *,
    input_format: Literal["jsonl", "csv"] = "jsonl",
    today: dt.date | None = None,
) -> Iterator[BatchRecord]:
    """Compute every order in a binary stream, yielding one :class:`BatchRecord` per record.

    ``input_format`` is ``"jsonl"`` (one order document per line) or ``"csv"`` (a header of
    dotted column names, then one order per row). ``today`` is the compounding date for
    orders that say ``"default"`` (default: the day the run starts, the same for every
    record). Records are read, computed and yielded one at a time.
    """
    day = today or _clock.today()
    lines = _lines(stream)
    if input_format == "jsonl":
        for record, (number, raw, ended) in enumerate(lines, start=1):
            yield _guard(record, number, _jsonl_record, raw, ended, day)
        return
    if input_format != "csv":
        raise InputError.about("input_format", input_format, "is not known", "'jsonl' or 'csv'")
    records = _csv_records(lines)
    head = next(records, None)
    if head is None:
        return
    columns: Columns | InputError
    try:
        columns = _header(head[1])
    except InputError as err:
        columns = err
    for record, (number, raw, ended) in enumerate(records, start=1):
        yield _guard(record, number, _csv_record, raw, ended, columns, day)
