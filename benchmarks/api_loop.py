"""A JSON Lines filter over the public API: the library's side of the throughput rows.

Until ``ldncompound batch`` exists (issue 5) this is what the bare reference is compared
with: each line is read, rebuilt as a validated order (``from_json``), formulated, turned
into plain data (``to_json``) and written as one compact JSON line, with the same codec as
the bare reference. It is a stand-in for the batch interface, not a replacement for it.

Run as a filter: ``python benchmarks/api_loop.py [orjson|json] < orders.jsonl > results.jsonl``.
"""

from __future__ import annotations

import sys
from typing import Any

from bare import decoder, encoder

import ldncompound as lc

FORMULATE: dict[str, tuple[type[Any], Any]] = {
    "capsules": (lc.CapsuleOrder, lc.formulate_capsules),
}


def main(argv: list[str]) -> int:
    codec = argv[1] if len(argv) > 1 else "orjson"
    encode, decode = encoder(codec), decoder(codec)
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        doc = decode(line)
        order_class, formulate = FORMULATE[doc["preparation"]]
        result = formulate(lc.from_json(doc["order"], order_class))
        out.write(encode(lc.to_json(result)))
        out.write(b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
