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
    from ldncompound_cli._batchio import Interrupted, Signals, Sink, identity, note  # noqa: PLC0415

    name = str(getattr(orders, "name", "") or "").lower()
    fmt: Literal["jsonl", "csv"] = (
        "csv"
        if input_format == "csv" or (input_format == "auto" and name.endswith(".csv"))
        else "jsonl"
    )
    source = identity(orders)
    if source is not None and source[1].st_size > lc.MAX_BATCH_BYTES:
        raise lc.InputError(
            f"ORDERS: the file is larger than {lc.MAX_BATCH_BYTES >> 20} MiB; split the batch "
            "into smaller files (nothing was computed).",
            field="ORDERS",
            code="input-too-large",
        )
    sink = Sink.create(output, force=force, source=source[0] if source else None)
    show = sys.stderr.isatty() if progress is None else progress
    counting = _Counting(orders)
    failed = total = 0
    size = _size(orders) if show else None
    bar = (
        click.progressbar(length=size, label="orders", file=sys.stderr, show_pos=False)
        if size
        else None
    )
    signals = Signals(deferred=jobs != 1)
    try:
        with signals:
            try:
                for ok, line in lc.run_batch_lines(
                    counting, input_format=fmt, jobs=jobs, encoded=True
                ):
                    signals.writing = True
                    try:
                        sink.stream.write(line)
                    except BrokenPipeError:  # the reader stopped (`| head`): records were lost
                        devnull = os.open(os.devnull, os.O_WRONLY)
                        os.dup2(devnull, sys.stdout.fileno())
                        raise SystemExit(1) from None
                    signals.written()
                    total += 1
                    failed += not ok
                    if bar is not None:
                        bar.update(counting.done - bar.pos)
                    elif show and total % 1000 == 0:
                        click.echo(f"\r{total} records", nl=False, err=True)
                signals.writing = True  # from here on a signal waits for the end
                sink.commit()
            except Interrupted as stop:
                signals.writing = True
                sink.discard()
                kept = "was left as it was" if sink.final else "ends with the last complete line"
                note(f"stopped by {stop.name} after {total} records; {sink.name} {kept}.")
                raise SystemExit(128 + stop.signum) from None
    finally:
        if bar is not None:
            bar.render_finish()
        sink.discard()
    if show:
        click.echo(f"\r{total} records: {total - failed} computed, {failed} not.", err=True)
    if failed:
        raise SystemExit(1)
