"""The ``batch`` command: every order of a JSON Lines or CSV file."""

from __future__ import annotations

import os
import sys
from typing import Any, Literal

import click

import ldncompound as lc
from ldncompound_cli._common import library_errors


class _Counting:
    """Counts the bytes the library reads, for the progress bar."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.done = 0
        if hasattr(raw, "read1"):  # CSV is cut from chunks of what is there, when it can be
            self.read1 = self._read1

    def _read1(self, size: int = -1, /) -> bytes:
        chunk: bytes = self.raw.read1(size)
        self.done += len(chunk)
        return chunk

    def readline(self, size: int = -1, /) -> bytes:
        line: bytes = self.raw.readline(size)
        self.done += len(line)
        return line


def _format(orders: Any, input_format: str) -> Literal["jsonl", "csv"]:
    """auto: CSV for a file whose name ends in .csv, otherwise JSON Lines."""
    name = str(getattr(orders, "name", "") or "").lower()
    if input_format == "csv" or (input_format == "auto" and name.endswith(".csv")):
        return "csv"
    return "jsonl"


def _copy(lines: Any, sink: Any, shown: _Progress, *, deferred: bool) -> None:
    """Write the records as they come; SIGINT and SIGTERM stop the run between two lines
    (exit 128 + the signal; an --output file is left as it was)."""
    from ldncompound_cli._batchio import Interrupted, Signals, note  # noqa: PLC0415

    signals = Signals(deferred=deferred)
    with signals:
        try:
            for ok, line in lines:
                signals.writing = True
                _write(sink.stream, line)
                signals.written()
                shown.record(ok=ok)
            signals.writing = True  # from here on a signal waits for the end
            sink.commit()
        except Interrupted as stop:
            signals.writing = True
            sink.discard()
            kept = "was left as it was" if sink.final else "ends with the last complete line"
            note(f"stopped by {stop.name} after {shown.total} records; {sink.name} {kept}.")
            raise SystemExit(128 + stop.signum) from None


def _check_size(source: tuple[Any, os.stat_result] | None) -> None:
    if source is not None and source[1].st_size > lc.MAX_BATCH_BYTES:
        raise lc.InputError(
            f"ORDERS: the file is larger than {lc.MAX_BATCH_BYTES >> 20} MiB; split the batch "
            "into smaller files (nothing was computed).",
            field="ORDERS",
            code="input-too-large",
        )


def _write(stream: Any, line: bytes) -> None:
    try:
        stream.write(line)
    except BrokenPipeError:  # the reader stopped (`| head`): records were lost
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None


class _Progress:
    """Records counted; a bar on standard error when asked for (or a count every thousand
    records when the input's size is unknown)."""

    def __init__(self, counting: _Counting, show: bool) -> None:
        self.counting = counting
        self.show = show
        self.total = self.failed = 0
        size = _size(counting.raw) if show else None
        self.bar = (
            click.progressbar(length=size, label="orders", file=sys.stderr, show_pos=False)
            if size
            else None
        )

    def record(self, *, ok: bool) -> None:
        self.total += 1
        self.failed += not ok
        if self.bar is not None:
            self.bar.update(self.counting.done - self.bar.pos)
        elif self.show and self.total % 1000 == 0:
            click.echo(f"\r{self.total} records", nl=False, err=True)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()


def _size(stream: Any) -> int | None:
    try:
        info = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return info.st_size if info.st_size > 0 and not os.isatty(stream.fileno()) else None


@click.command()
@click.argument("orders", type=click.File("rb"))
@click.option(
    "--input-format",
    type=click.Choice(["auto", "jsonl", "csv"]),
    default="auto",
    show_default=True,
    help="auto: csv for a .csv file, otherwise JSON Lines (also for standard input)",
)
@click.option(
    "-o",
    "--output",
    default="-",
    help="file the JSON Lines records go to, replaced only when the run ends "
    "[default: standard output]",
)
@click.option("--force", is_flag=True, help="replace an existing --output file")
@click.option(
    "--jobs",
    type=click.IntRange(0, lc.MAX_JOBS),
    default=1,
    show_default=True,
    help="processes computing the orders (0: one per core); the output is the same for any "
    "number, in input order",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="progress bar on standard error [default: only when it is a terminal]",
)
@library_errors
def batch(
    orders: Any, input_format: str, output: str, force: bool, jobs: int, progress: bool | None
) -> None:
    """Compute every order in ORDERS, a JSON Lines or CSV file ("-" for standard input).

    Writes one JSON Lines record per input record, in input order: the result, or an error
    naming the record's starting line, the field and the reason. A bad record never stops the
    run. The output is never the input, an existing file is replaced only with --force and
    only when the run ends. Exit status: 0 when every record was computed, 1 when any was not,
    2 when the run could not start, 130 or 143 when SIGINT or SIGTERM stopped it (between two
    lines; an --output file is then left as it was).
    """
    from ldncompound_cli._batchio import Sink, identity  # noqa: PLC0415

    source = identity(orders)
    _check_size(source)
    sink = Sink.create(output, force=force, source=source[0] if source else None)
    counting = _Counting(orders)
    shown = _Progress(counting, sys.stderr.isatty() if progress is None else progress)
    fmt = _format(orders, input_format)
    try:
        _copy(
            lc.run_batch_lines(counting, input_format=fmt, jobs=jobs, encoded=True),
            sink,
            shown,
            deferred=jobs != 1,
        )
    finally:
        shown.finish()
        sink.discard()
    total, failed = shown.total, shown.failed
    if shown.show:
        click.echo(f"\r{total} records: {total - failed} computed, {failed} not.", err=True)
    if failed:
        raise SystemExit(1)
