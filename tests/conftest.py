"""Shared test configuration: one Hypothesis profile, chosen by HYPOTHESIS_PROFILE, a frozen
clock, and a check that every result the suite computes validates against its shipped JSON
Schema."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
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
#: CI runs the same examples every time (a red CI stops everything from landing, so a failure
#: there must be reproducible); developers' runs and the long profile keep exploring
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    derandomize=True,
    database=None,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default")
)

#: The day the suite runs on, whatever the calendar says: every "today" the library reads comes
#: from ``ldncompound._clock.today``, frozen here (the approved outputs were written on it).
#: tests/test_clock.py moves it years ahead on purpose.
FROZEN_TODAY = dt.date(2026, 11, 21)


def _freeze() -> Callable[[], dt.date]:
    from ldncompound import _clock  # noqa: PLC0415

    saved = _clock.today
    _clock.today = lambda: FROZEN_TODAY
    return saved


#: frozen from the moment the suite is configured, before any test module is imported: a
#: module that computes results at import time must not see the calendar either (a result
#: compounded on FROZEN_TODAY has a BUD that a later real day has passed, which is refused)
_REAL_TODAY = _freeze()


@pytest.fixture(autouse=True, scope="session")
def _frozen_clock() -> Iterator[None]:
    from ldncompound import _clock  # noqa: PLC0415

    _freeze()
    yield
    _clock.today = _REAL_TODAY


#: (formulate function, order, today) already validated: equal inputs give equal results.
_VALIDATED: set[Any] = set()
CHECKED: list[int] = [0]
#: the results computed by the running golden or worked-example test, when one is running
_SNAPSHOT: list[Any] | None = None
#: golden cases and worked examples: every result they compute is kept as a readable snapshot
GOLDEN = re.compile(r"^test_(golden|we\d+)")


def _checked(formulate: Callable[..., Any]) -> Callable[..., Any]:
    import schema_check  # noqa: PLC0415

    import ldncompound as lc  # noqa: PLC0415

    @functools.wraps(formulate)
    def wrapper(order: Any, *args: Any, **kwargs: Any) -> Any:
        result = formulate(order, *args, **kwargs)
        if _SNAPSHOT is not None:
            _SNAPSHOT.append(result)
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
    from ldncompound import _preparation, _registry  # noqa: PLC0415

    producers = {"build_label", "make_record", "plan_titration", "verify_record"}
    names = [n for n in lc.__all__ if n.startswith("formulate_") or n in producers]
    saved = {n: getattr(lc, n) for n in names}
    preparations = _registry.preparations()
    for name, fn in saved.items():
        setattr(lc, name, _checked(fn))
    for prep in preparations:
        _preparation.unregister(prep.name)
        _preparation.register(attrs.evolve(prep, formulate=_checked(prep.formulate)))
    yield
    for name, fn in saved.items():
        setattr(lc, name, fn)
    for prep in preparations:
        _preparation.unregister(prep.name)
        _preparation.register(prep)


@pytest.fixture(autouse=True)
def _snapshot_golden_results(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every result a golden case or worked example computes is compared with a reviewed
    snapshot in ``tests/approved/results/``: its JSON (without the library version) and its
    worksheet. A changed number or sentence shows as a readable diff, not a new hash
    (``LDNCOMPOUND_APPROVE=1`` rewrites them, see ``approval.py``)."""
    global _SNAPSHOT  # noqa: PLW0603 - one test at a time
    name = request.node.name
    if not GOLDEN.match(name) and request.node.get_closest_marker("snapshot") is None:
        yield
        return
    _SNAPSHOT = []
    try:
        yield
        results, _SNAPSHOT = _SNAPSHOT, None
        _approve_results(request.node.module.__name__, name, results)
    finally:
        _SNAPSHOT = None


def _approve_results(module: str, name: str, results: list[Any]) -> None:
    import json  # noqa: PLC0415

    from approval import approve  # noqa: PLC0415

    import ldncompound as lc  # noqa: PLC0415

    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    seen: set[str] = set()
    for i, result in enumerate(results):
        data = json.loads(lc.dumps(result))
        data.pop("library_version", None)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if text in seen:  # the same result computed twice (a round trip): kept once
            continue
        seen.add(text)
        stem = f"results/{module.removeprefix('test_')}/{base}-{i + 1}"
        approve(f"{stem}.json", text)
        worksheet = lc.render_worksheet(result).replace(lc.__version__, "<version>")
        approve(f"{stem}.txt", worksheet)
