"""A JSON Lines filter over the public API, without the batch machinery.

Each order document is computed with ``run_order`` and written as the batch record
``ldncompound batch`` writes for it (``to_json`` of the result, one compact JSON line, the
same codec as the bare reference). Next to the batch row it shows what the batch interface
itself costs (reading records, error handling, the record object); it stops at the first
error instead of writing an error record.

Run as a filter: ``python benchmarks/api_loop.py [orjson|json] [orders.jsonl] > results.jsonl``.
"""

from __future__ import annotations

import sys

from bare import decoder, encoder

import ldncompound as lc


def main(argv: list[str]) -> int:
    codec = argv[1] if len(argv) > 1 else "orjson"
    encode, decode = encoder(codec), decoder(codec)
    out = sys.stdout.buffer
    with open(argv[2], "rb") if len(argv) > 2 else sys.stdin.buffer as lines:  # noqa: PTH123
        for number, line in enumerate(lines, start=1):
            result = lc.run_order(decode(line))
            record = {
                "schema": "ldncompound/batch-record/1",
                "record": number,
                "line": number,
                "status": "ok",
                "result": lc.to_json(result),
            }
            out.write(encode(record))
            out.write(b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
