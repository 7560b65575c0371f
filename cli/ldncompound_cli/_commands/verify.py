"""The ``verify`` command: recompute a compounding record."""

from __future__ import annotations

from typing import IO

import click

import ldncompound as lc
from ldncompound._strict import loads_strict
from ldncompound_cli._common import FORMAT, _emit, library_errors, read_limited


@click.command()
@click.argument("record_file", metavar="RECORD", type=click.File("rb"))
@FORMAT
@library_errors
def verify(record_file: IO[bytes], fmt: str) -> None:
    """Recompute a compounding record and report every difference (exit 1 if any, or on hold).

    Exits 1 when the record may not be released: a difference, or the record is on hold
    (NOT READY FOR RELEASE: an actual weighing, the weight check, the yield or the verifier
    not recorded yet; JSON ``"ok": false`` with the ``on_hold`` reasons).

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
