"""Batch runs: order documents in JSON Lines or CSV in, one result or error record out each.

The input is read as bytes, one record at a time, so memory stays flat however long the
file is. Each record is decoded, parsed, loaded and computed on its own: a bad encoding, a
blank or over-long line, bad JSON, a truncated last line, a missing field or a refused value
becomes that record's error and the run goes on. Output records come in input order, exactly
one per input record (a usable CSV header is not a record; an unusable one is, since it may
be the first order of a file without a header).

CSV is read as CSV: a record ends at a line break (CRLF, LF or a lone CR, mixed as they come)
outside quotes, and a quoted cell may hold line breaks. CSV rows carry the order document
flattened by dotted column names (``source.kind``, ``source.average_weight``); an empty cell
means the field is absent from that row's document. :func:`csv_columns` lists the columns of
each order schema.

The whole run is refused (:class:`InputError`, before any record) for an empty input or a
CSV header without rows, and stops with one when the input exceeds :data:`MAX_BATCH_BYTES`.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import multiprocessing
import os
import re
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Literal, Protocol, overload

import attrs
import orjson

from . import _clock
from ._documents import shown_name
from ._errors import InputError, LdnCompoundError
from ._json import to_json
from ._orders import decode, load, order_kind, parse_json

BATCH_RECORD_SCHEMA = "ldncompound/batch-record/1"
#: Longest record read (bytes); a longer line is skipped as one error record.
MAX_RECORD_BYTES = 1 << 20
#: Most bytes one run reads: 1 GiB, about half a million orders (split a larger batch). A
#: stream of endless bytes (/dev/zero, a wrong device) stops the run here with an error.
MAX_BATCH_BYTES = 1 << 30

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

    def json_bytes(self) -> bytes:
        """:meth:`json_line` as UTF-8 bytes with its line break, ready to write.

        Writing a result line from bytes skips decoding it to text and encoding it back,
        which costs more than the encoding itself for a line with non-ASCII text (most:
        every trace cites "domain.md §...")."""
        try:
            return orjson.dumps(self.to_json(), option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            # a lone surrogate (only inside a JSON string) is written as its JSON escape
            return self.json_line().encode("utf-8", "backslashreplace") + b"\n"


@attrs.frozen
class _Unreadable:
    """A physical record that cannot even be cut out of the stream."""

    code: str
    message: str


_Line = tuple[int, "bytes | _Unreadable", bool]


class Readable(Protocol):
    """What the batch reads from: a binary file, ``sys.stdin.buffer``, ``io.BytesIO``..."""

    def readline(self, size: int = -1, /) -> bytes: ...


def _too_much() -> InputError:
    return InputError(
        f"the input is larger than {MAX_BATCH_BYTES >> 20} MiB; the run stops here (split the "
        "batch into smaller files).",
        expected=f"at most {MAX_BATCH_BYTES >> 20} MiB",
        code="input-too-large",
    )


_Read = Callable[[int], bytes]


def _limited(read: _Read) -> _Read:
    """``read`` raising once more than MAX_BATCH_BYTES were read through it."""
    total = 0

    def limited(size: int) -> bytes:
        nonlocal total
        raw = read(size)
        total += len(raw)
        if total > MAX_BATCH_BYTES:
            raise _too_much()
        return raw

    return limited


def _lines(readline: _Read) -> Iterator[_Line]:
    """(line number, bytes without the line break, whether a line break ended it)."""
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
        if err.code == "bad-json" and "Extra data" in err.message:  # two documents on a line
            raise InputError(
                f"{err.message.removesuffix('.')}: something follows the end of the first "
                "document on the line; expected one order document per line.",
                expected="one order document per line",
                code="bad-json",
            ) from None
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


_SPECIAL = re.compile(rb'["\r\n]')
#: Bytes asked of the stream at a time while cutting CSV records.
_CHUNK = 1 << 16


def _csv_records(read: _Read) -> Iterator[_Line]:
    """CSV records as Python's csv module reads them, cut out of the byte stream.

    A record ends at CRLF, LF or a lone CR outside quotes; a quote opens a quoted cell only
    at the start of a cell, ``""`` inside one is a literal quote, and a quoted cell may hold
    line breaks (counted in the line numbers). Yields (starting line, the record's bytes
    without its line break, whether it may be complete): a record the input ends without a
    line break is complete only if its last cell is a closed quoted cell. A record longer
    than :data:`MAX_RECORD_BYTES` is skipped to its end (one error); a quote never closed
    makes the rest of the input one record, as in CSV it is one cell.

    ``read(n)`` gives at most n bytes, fewer when that is all there is for now (``read1``
    or ``readline``), b"" at the end. The buffer grows in place and drops what was used
    only once that is most of it, so a record of many short lines costs linear time.
    """
    return _CsvCutter(read).records()


class _CsvCutter:
    """The state of :func:`_csv_records`: the buffer, the line reached and the record being
    cut (``start`` its first byte, ``i`` how far it was scanned, ``closed`` where its last
    quoted cell closed, whether the scan is inside a quoted cell and the record too long)."""

    __slots__ = ("buf", "closed", "eof", "i", "line", "quoted", "read", "start", "too_long")

    def __init__(self, read: _Read) -> None:
        self.read = read
        self.buf = bytearray()
        self.eof = False
        self.line = 1
        self.start = self.i = self.closed = 0
        self.quoted = self.too_long = False

    def records(self) -> Iterator[_Line]:
        """Every record, in order, after skipping a byte order mark."""
        while not self.eof and len(self.buf) < len(_BOM):
            self.fill()
        if self.buf.startswith(_BOM):
            del self.buf[: len(_BOM)]
        pos = 0
        while True:
            if pos >= len(self.buf):
                self.buf.clear()
                pos = 0
                if not self.eof:
                    self.fill()
                if not self.buf:
                    return
            first_line = self.line
            end, ending = self.cut(pos)
            pos = end + ending
            yield self.record(first_line, end, ending)

    def fill(self) -> None:
        more = self.read(_CHUNK)
        if more:
            self.buf.extend(more)
        else:
            self.eof = True

    def more(self) -> None:
        """Read on, keeping the record read so far (once it is too long, only the byte
        before i); what was used is dropped when it is most of the buffer (linear time)."""
        keep = max(0, self.i - 1) if self.too_long else self.start
        if keep > _CHUNK and 2 * keep > len(self.buf):
            del self.buf[:keep]
            self.start, self.i, self.closed = self.start - keep, self.i - keep, self.closed - keep
        self.fill()

    def breaks(self, a: int, b: int) -> int:
        """Line breaks in buf[a:b] (CRLF counts once)."""
        buf = self.buf
        return buf.count(b"\n", a, b) + buf.count(b"\r", a, b) - buf.count(b"\r\n", a, b)

    def cut(self, pos: int) -> tuple[int, int]:
        """Scan the record starting at ``pos``: (where it ends, the length of its line break,
        0 where the input ends without one)."""
        self.start = self.i = pos
        self.quoted = False
        self.closed = -1
        self.too_long = False
        found = None
        while found is None:
            if self.i - self.start > MAX_RECORD_BYTES:
                self.too_long = True
            found = self.in_quotes() if self.quoted else self.outside_quotes()
        end, ending = found
        self.too_long = self.too_long or end - self.start > MAX_RECORD_BYTES
        self.line += 1 if ending else 0
        return end, ending

    def in_quotes(self) -> tuple[int, int] | None:
        """Scan up to the next quote, counting the line breaks on the way; the record's end
        where the input ends inside the quoted cell, else None (scan on)."""
        buf = self.buf
        q = buf.find(b'"', self.i)
        stop = len(buf) if q < 0 else q
        if q < 0 and not self.eof and buf.endswith(b"\r"):
            stop -= 1  # a CR whose LF may come next
        self.line += self.breaks(self.i, stop)
        self.i = stop
        if q < 0 or (q + 1 == len(buf) and not self.eof):  # the byte after it decides
            if self.eof:
                return len(buf), 0
            self.more()
            return None
        if buf[q + 1 : q + 2] == b'"':  # a quote inside the cell
            self.i = q + 2
        else:
            self.quoted, self.closed, self.i = False, q, q + 1
        return None

    def outside_quotes(self) -> tuple[int, int] | None:
        """Scan up to the next quote or line break: the record's end at a line break or the
        end of the input, else None (scan on)."""
        buf = self.buf
        m = _SPECIAL.search(buf, self.i)
        if not self.eof and (m is None or (m.end() == len(buf) and buf[-1] == 0x0D)):
            if m is None:
                self.i = len(buf)
            self.more()  # (after a CR, the next byte says whether it is a CRLF)
            return None
        if m is None:
            return len(buf), 0
        j = m.start()
        c = buf[j]
        if c == 0x22:  # a quote opens a quoted cell only at the start of a cell
            self.quoted = j == self.start or buf[j - 1] == 0x2C
            self.i = j + 1
            return None
        return j, 2 if c == 0x0D and buf[j + 1 : j + 2] == b"\n" else 1

    def record(self, first_line: int, end: int, ending: int) -> _Line:
        """What the record cut yields: its bytes, or why it cannot be read."""
        if self.too_long:
            return (
                first_line,
                _Unreadable(
                    "too-long",
                    f"the record is longer than {MAX_RECORD_BYTES} bytes; it was skipped.",
                ),
                True,
            )
        if self.quoted:
            return (
                first_line,
                _Unreadable(
                    "unterminated-quote",
                    f"a quoted cell opened in this record is never closed: the input ends "
                    f"inside it, {self.line - first_line + 1} lines on, so nothing after it was "
                    "read as a row.",
                ),
                True,
            )
        complete = bool(ending) or self.closed == end - 1
        return first_line, bytes(self.buf[self.start : end]), complete


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
        raise InputError(f"the row is not valid CSV ({err}).", code="bad-csv") from None
    cells = rows[0] if rows else []
    if len(cells) != len(columns):
        raise InputError(
            f"the row has {len(cells)} fields; expected {len(columns)}, one per header column"
            + ("" if ended else " (the input ends inside it, without a line break: truncated?)")
            + ".",
            expected=f"{len(columns)} fields",
            code="wrong-field-count",
        )
    if not ended:
        raise InputError(
            "the last row ends without a line break, so its last cell may have been cut short "
            "(30 read as 3); nothing in it was computed.",
            expected="a line break after the last row, or its last cell in quotes",
            code="truncated",
        )
    return _compute(_nest(columns, cells), textual=True, today=today)


def csv_columns(schema: str) -> tuple[tuple[str, str], ...]:
    """The flat CSV columns of an order schema: (dotted path, what the cell holds).

    An object field the library can default has a column of its own (for ``default``)
    besides its fields' columns; a union (``source``) lists the fields of every kind.
    """
    return tuple(order_kind(schema).node.columns(""))


# --- the run -------------------------------------------------------------------------------------


#: One record to compute: (record number, starting line, the function, its arguments), or a
#: record already decided while reading (an unusable CSV header).
_Task = tuple[int, int, Callable[..., Any], tuple[Any, ...]]


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

    Raises :class:`InputError` (``empty-input``) before any record for an input without any
    record (and a CSV header without rows), and (``input-too-large``) where the input goes
    past :data:`MAX_BATCH_BYTES`.
    """
    for task in _tasks(stream, input_format, today or _clock.today()):
        yield task if isinstance(task, BatchRecord) else _run(task)


@overload
def run_batch_lines(
    stream: Readable,
    *,
    input_format: Literal["jsonl", "csv"] = ...,
    today: dt.date | None = ...,
    jobs: int = ...,
    encoded: Literal[False] = ...,
) -> Iterator[tuple[bool, str]]: ...


@overload
def run_batch_lines(
    stream: Readable,
    *,
    input_format: Literal["jsonl", "csv"] = ...,
    today: dt.date | None = ...,
    jobs: int = ...,
    encoded: Literal[True],
) -> Iterator[tuple[bool, bytes]]: ...


def run_batch_lines(
    stream: Readable,
    *,
    input_format: Literal["jsonl", "csv"] = "jsonl",
    today: dt.date | None = None,
    jobs: int = 1,
    encoded: bool = False,
) -> Iterator[tuple[bool, str]] | Iterator[tuple[bool, bytes]]:
    """The records of :func:`run_batch` as ``(ok, json_line)``, computed by ``jobs`` processes.

    ``jobs=1`` computes in this process; ``jobs=N`` reads here and computes across N worker
    processes, a bounded number of records in flight (memory stays flat); ``jobs=0`` uses
    every core this process may run on. The lines and their order are the same for any
    ``jobs``: each is ``BatchRecord.json_line()`` of the record :func:`run_batch` yields, or
    with ``encoded=True`` its ``json_bytes()`` (UTF-8, the line break included: what a
    writer writes, without decoding and encoding each line again).
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 0 <= jobs <= MAX_JOBS:
        raise InputError.about(
            "jobs", jobs, "is not a number of processes", f"a whole number from 0 to {MAX_JOBS}"
        )
    tasks = _tasks(stream, input_format, today or _clock.today())
    workers = jobs or _cores()
    if workers == 1:
        for task in tasks:
            yield _line_of(task, encoded)
        return
    yield from _parallel(tasks, workers, encoded)


def _tasks(stream: Readable, input_format: str, day: dt.date) -> Iterator[_Task | BatchRecord]:
    if input_format not in ("jsonl", "csv"):
        raise InputError.about("input_format", input_format, "is not known", "'jsonl' or 'csv'")
    yield from (_jsonl_tasks if input_format == "jsonl" else _csv_tasks)(stream, day)


def _jsonl_tasks(stream: Readable, day: dt.date) -> Iterator[_Task]:
    lines = _lines(_limited(stream.readline))
    first = next(lines, None)
    if first is None:
        raise _empty("the input is empty")
    for record, (number, raw, ended) in enumerate(itertools.chain([first], lines), start=1):
        yield record, number, _jsonl_record, (raw, ended, day)


def _csv_tasks(stream: Readable, day: dt.date) -> Iterator[_Task | BatchRecord]:
    # CSV records are cut from chunks of whatever the stream has (read1), else from lines
    records = _csv_records(_limited(getattr(stream, "read1", None) or stream.readline))
    head = next(records, None)
    if head is None:
        raise _empty("the input is empty")
    columns: Columns | InputError
    number = 0
    try:
        columns = _header(head[1])
    except InputError as err:
        columns = err
        # the first row cannot be the header: it may be the first order of a file without
        # one, so it gets its own error record and no row goes without one
        number = 1
        yield BatchRecord(record=1, line=head[0], error=BatchError.of(err))
    rest = next(records, None)
    if rest is None:
        if number:
            return
        raise _empty("the CSV input has a header but no rows")
    for record, (line, raw, ended) in enumerate(itertools.chain([rest], records), start=number + 1):
        if isinstance(columns, InputError):  # decided here: an error cannot cross processes
            yield _guard(record, line, _csv_record, raw, ended, columns, day)
        else:
            yield record, line, _csv_record, (raw, ended, columns, day)


# --- several processes -------------------------------------------------------------------------

#: Most worker processes a run may ask for.
MAX_JOBS = 64
#: Records a worker computes per round trip, and round trips in flight per worker: enough to
#: keep every worker busy while this process writes, few enough that memory stays flat.
_CHUNK_RECORDS = 32
_IN_FLIGHT_PER_WORKER = 3


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _run(task: _Task) -> BatchRecord:
    record, line, work, args = task
    return _guard(record, line, work, *args)


def _line_of(task: _Task | BatchRecord, encoded: bool = False) -> tuple[bool, Any]:
    """Whether the task's record is a result, and its line: ``json_bytes()`` where
    ``encoded``, else ``json_line()``."""
    record = task if isinstance(task, BatchRecord) else _run(task)
    return record.ok, record.json_bytes() if encoded else record.json_line()


def _lines_of(chunk: list[Any], encoded: bool = False) -> list[tuple[bool, Any]]:
    """A worker's round: compute the tasks of a chunk; lines already made pass through."""
    return [item if len(item) == 2 else _line_of(item, encoded) for item in chunk]


def _quiet_worker() -> None:  # pragma: no cover - runs in the worker processes
    """Workers leave SIGINT and SIGTERM to the run: it stops between lines and ends them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _parallel(
    tasks: Iterator[_Task | BatchRecord], workers: int, encoded: bool
) -> Iterator[tuple[bool, Any]]:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_quiet_worker)
    pending: deque[Future[list[tuple[bool, Any]]]] = deque()
    try:
        chunk: list[Any] = []
        for task in tasks:
            chunk.append(_line_of(task, encoded) if isinstance(task, BatchRecord) else task)
            if len(chunk) == _CHUNK_RECORDS:
                pending.append(pool.submit(_lines_of, chunk, encoded))
                chunk = []
                while len(pending) >= workers * _IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
        if chunk:
            pending.append(pool.submit(_lines_of, chunk, encoded))
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _empty(what: str) -> InputError:
    return InputError(
        f"{what}; expected at least one order (nothing was computed).",
        expected="at least one order",
        code="empty-input",
    )
