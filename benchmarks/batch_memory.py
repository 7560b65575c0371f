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


def _base_documents() -> list[dict]:
    """Two documents (tablets, API powder) written by the library from order objects."""
    expiry = dt.date(2030, 12, 31)
    sources = [
        lc.TabletSource(
            average_weight=lc.mass("201.4 mg"),
            expiry=expiry,
            tablets_weighed=20,
            lot="T1",
            product="Naltrexone 50 mg, film-coated",
        ),
        lc.ApiLot(
            form="hcl",
            assay=lc.percent("99.5 %"),
            assay_basis=lc.AssayBasis.AS_IS,
            expiry=expiry,
            lot="A1",
        ),
    ]
    balance = lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg"))
    return [
        lc.order_document(
            lc.CapsuleOrder(
                dose=lc.mass("4.5 mg"),
                count=30,
                source=source,
                balance=balance,
                overage=lc.percent("10 %"),
            )
        )
        for source in sources
    ]


BASES = _base_documents()


def order(i: int) -> dict:
    """Record ``i``: its own dose, count and reference, so no two records are equal."""
    return BASES[i % 2] | {
        "dose": ["0.5 mg", "1.5 mg", "3 mg", "4.5 mg"][i % 4],
        "count": 30 + i % 61,
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
