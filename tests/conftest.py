"""Shared test configuration: one Hypothesis profile, chosen by HYPOTHESIS_PROFILE, a frozen
clock, and a check that every result the suite computes validates against its shipped JSON
Schema."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
#: mutation testing (docs/mutation.md) runs the tests once per mutant: few examples, the same
#: ones every time, so that a mutant is killed or survives for a reason and not by chance
settings.register_profile(
    "mutation",
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: The day the suite runs on, whatever the calendar says: every "today" the library reads comes
#: from ``ldncompound._clock.today``, frozen here (the approved outputs were written on it).
#: tests/test_clock.py moves it years ahead on purpose.
FROZEN_TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True, scope="session")
def _frozen_clock() -> Iterator[None]:
    from ldncompound import _clock  # noqa: PLC0415

    saved = _clock.today
    _clock.today = lambda: FROZEN_TODAY
    yield
    _clock.today = saved


#: (formulate function, order, today) already validated: equal inputs give equal results.
_VALIDATED: set[Any] = set()
CHECKED: list[int] = [0]


def _checked(formulate: Callable[..., Any]) -> Callable[..., Any]:
    import schema_check  # noqa: PLC0415

    import ldncompound as lc  # noqa: PLC0415

    @functools.wraps(formulate)
    def wrapper(order: Any, *args: Any, **kwargs: Any) -> Any:
        result = formulate(order, *args, **kwargs)
        try:
            key: Any = (formulate, order, *args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            key = None
        if key is None or key not in _VALIDATED:
            schema_check.validate(lc.to_json(result))
            CHECKED[0] += 1
            if key is not None:
                _VALIDATED.add(key)
        return result

    return wrapper


@pytest.fixture(autouse=True, scope="session")
def _every_result_validates_against_its_schema() -> Iterator[None]:
    """Wrap every way the suite computes a result: ``lc.formulate_*`` (direct calls, docs
    examples, the CLI) and the order registry (``run_order``, batch runs)."""
    import ldncompound as lc  # noqa: PLC0415
    from ldncompound import _orders  # noqa: PLC0415

    producers = {"build_label", "make_record", "plan_titration", "verify_record"}
    names = [n for n in lc.__all__ if n.startswith("formulate_") or n in producers]
    saved = {n: getattr(lc, n) for n in names}
    kinds = dict(_orders._ORDERS)
    for name, fn in saved.items():
        setattr(lc, name, _checked(fn))
    for schema, kind in kinds.items():
        _orders._ORDERS[schema] = attrs.evolve(kind, formulate=_checked(kind.formulate))
    yield
    for name, fn in saved.items():
        setattr(lc, name, fn)
    _orders._ORDERS.update(kinds)
