"""The benchmark's bare reference computes what the library computes.

``benchmarks/bare.py`` (with ``bare_liquid.py``) is the floor the batch throughput is
compared with (issue 6). A reference that drifted from the library would make that ratio
meaningless, so a fixed sample of the benchmark mix must give the same bytes from both: the
order documents run through ``run_batch`` and written as the CLI writes them, against the
reference's records. No timing is measured here.
"""

from __future__ import annotations

import collections
import io
import json
import sys
from pathlib import Path

import pytest

import ldncompound as lc

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
if not BENCHMARKS.is_dir():  # pragma: no cover - an sdist without the benchmarks
    pytest.skip("benchmarks/ is not in this tree", allow_module_level=True)
sys.path.insert(0, str(BENCHMARKS))

import bare  # noqa: E402
import mix  # noqa: E402

SAMPLE = 900


def test_reference_records_equal_the_batch_records_byte_for_byte():
    orders = mix.orders(SAMPLE)
    lines = [mix.order_line(o) for o in orders]
    records = list(lc.run_batch(io.BytesIO("".join(f"{x}\n" for x in lines).encode())))
    assert len(records) == SAMPLE
    encode = bare.encoder("orjson")
    paths: collections.Counter[tuple[str, str]] = collections.Counter()
    for number, (line, record) in enumerate(zip(lines, records, strict=True), start=1):
        assert record.ok, record.error
        got = encode(bare.record(number, json.loads(line)))
        assert got == record.json_line().encode()
        result = record.result
        keys = {s.key for s in result.trace}
        path = (
            "stages"
            if "trituration-1" in keys
            else "aliquot"
            if "liquid-aliquot" in keys
            else "tablets"
            if "tablets" in keys
            else "direct"
        )
        paths[(result.schema, path)] += 1
    # the sample reaches every path of the mix: capsules direct and by trituration, liquids
    # from tablets, liquids and drops weighed directly and by a liquid aliquot
    assert set(paths) == {
        ("ldncompound/capsules/2", "direct"),
        ("ldncompound/capsules/2", "stages"),
        ("ldncompound/liquid/2", "tablets"),
        ("ldncompound/liquid/2", "direct"),
        ("ldncompound/liquid/2", "aliquot"),
        ("ldncompound/drops/2", "direct"),
        ("ldncompound/drops/2", "aliquot"),
    }


def test_the_json_codecs_write_the_same_record():
    line = mix.order_line(mix.orders(1)[0])
    record = bare.record(1, json.loads(line))
    assert bare.encoder("orjson")(record) == bare.encoder("json")(record)


def test_the_mix_is_fixed_and_shared_as_stated():
    assert mix.order_line(mix.orders(3)[2]) == mix.order_line(mix.orders(3)[2])
    assert sum(mix.SHARES.values()) == 1
    kinds = collections.Counter(type(o).__name__ for o in mix.orders(2000))
    assert set(kinds) == {"CapsuleOrder", "LiquidOrder", "DropsOrder"}
    for name, cls in (
        ("capsules", "CapsuleOrder"),
        ("liquids", "LiquidOrder"),
        ("drops", "DropsOrder"),
    ):
        assert abs(kinds[cls] / 2000 - float(mix.SHARES[name])) < 0.03
