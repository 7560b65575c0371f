"""Peak memory of a batch run over many records (a measurement, not a timed test).

An endless generator stands in for the input file (nothing is kept: every record is
formatted when the batch asks for its line, with its own reference so no two are equal), 1 %
of the records are broken the four ways of the issue (bad JSON, bad encoding, missing field,
bad unit), and every output record is encoded and written to /dev/null as the CLI does. The
script prints the resident set size (VmRSS) and its peak (VmHWM) at each checkpoint:

    nice -n 19 .venv/bin/python benchmarks/batch_memory.py --records 1000000

run_batch is the function the CLI renders, so this is also the place to time the per-order
cost (records/s includes reading, JSON in, computing, JSON out with the trace).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import ldncompound as lc

SOURCES = [
    {
        "kind": "tablets",
        "average_weight": "201.4 mg",
        "expiry": "2030-12-31",
        "strength": "default",
        "strength_basis": "default",
        "tablets_weighed": 20,
        "lot": "T1",
        "product": "Naltrexone 50 mg, film-coated",
        "allergens_declared": "default",
        "powder_density": "default",
        "drug": "default",
    },
    {
        "kind": "api",
        "form": "hcl",
        "assay": "99.5 %",
        "assay_basis": "as-is",
        "expiry": "2030-01-01",
        "lot": "A1",
        "assay_as": "default",
        "water_content": "default",
        "loss_on_drying": "default",
        "bulk_density": "default",
        "supplier": "default",
        "drug": "default",
    },
]


def order(i: int) -> dict:
    return {
        "schema": "ldncompound/order/capsules/1",
        "dose": ["0.5 mg", "1.5 mg", "3 mg", "4.5 mg"][i % 4],
        "count": 30 + i % 61,
        "source": SOURCES[i % 2],
        "filler": "default",
        "dose_basis": "default",
        "method": "default",
        "size": "default",
        "fill_weight": "default",
        "overage": "10 %",
        "drug_loss_allowance": "default",
        "balance": {
            "rule": "documented",
            "minimum_weight": "50 mg",
            "readability": "1 mg",
            "name": "default",
            "source": "default",
        },
        "shells": "default",
        "compounded_on": "default",
        "storage": "default",
        "day_count": "default",
        "study": "default",
        "doses_per_day": "default",
        "qc_sample": "default",
        "max_stage_mass": "default",
        "rounding_tolerance": "default",
        "tablet_margin": "default",
        "acknowledge": [],
        "reference": f"Rx {i}",
    }


def line(i: int) -> bytes:
    text = json.dumps(order(i)).encode()
    if i % 100 != 37:
        return text + b"\n"
    broken = (i // 100) % 4
    if broken == 0:
        return text[: len(text) // 2] + b"\n"  # bad JSON
    if broken == 1:
        return text.replace(b"Rx ", b"R\xff ") + b"\n"  # bad encoding
    if broken == 2:
        return text.replace(b'"lot": "T1", ', b"").replace(b'"lot": "A1", ', b"") + b"\n"
    return text.replace(b'"overage": "10 %"', b'"overage": "10"') + b"\n"  # no unit


class Orders:
    """A readable stream of ``total`` order lines, made one at a time."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.made = 0

    def readline(self, _size: int = -1) -> bytes:
        if self.made >= self.total:
            return b""
        self.made += 1
        return line(self.made - 1)


def status() -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set size) of this process, in KiB."""
    out = {}
    for row in Path("/proc/self/status").read_text().splitlines():
        key, _, value = row.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    checkpoints = {
        n for n in (1_000, 10_000, 100_000, 1_000_000, args.records) if n <= args.records
    }
    start = time.perf_counter()
    failed = 0
    print(
        f"{'records':>9} {'failed':>7} {'seconds':>8} {'rec/s':>7} {'VmRSS MiB':>10} {'peak MiB':>9}"
    )
    with Path("/dev/null").open("wb") as sink:
        batch = lc.run_batch(Orders(args.records), today=dt.date(2026, 11, 21))
        for n, record in enumerate(batch, start=1):
            sink.write(record.json_line().encode() + b"\n")
            failed += not record.ok
            if n in checkpoints:
                t = time.perf_counter() - start
                mem = status()
                print(
                    f"{n:>9} {failed:>7} {t:>8.1f} {n / t:>7.0f} "
                    f"{mem['VmRSS'] / 1024:>10.1f} {mem['VmHWM'] / 1024:>9.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
