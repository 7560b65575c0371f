"""The benchmark's bare reference computes what the library computes.

``benchmarks/bare.py`` is the floor the batch throughput is compared with (issue 6). A
reference that drifted from the library would make that ratio meaningless, so every order
of a fixed sample of the benchmark mix must give the same JSON text from both. No timing is
measured here.
"""

from __future__ import annotations

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

SAMPLE = 600


def test_reference_documents_equal_the_library_documents():
    orders = mix.orders(SAMPLE)
    kinds = {type(o.source).__name__ for o in orders}
    assert kinds == {"TabletSource", "ApiLot", "TriturationStock"}
    staged = 0
    for order in orders:
        line = json.loads(mix.order_line(order))
        expected = lc.to_json(lc.formulate_capsules(order))
        got = bare.formulate(line["order"])
        assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
        staged += bool(expected["plan"]["stages"])
    assert staged > 0  # the sample reaches the trituration path too


def test_the_mix_is_fixed_and_all_capsules_for_now():
    assert mix.order_line(mix.orders(3)[2]) == mix.order_line(mix.orders(3)[2])
    assert sum(mix.SHARES.values()) == 1
    assert mix.SHARES["capsules"] == 1
