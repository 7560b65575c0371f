"""The pharmacy profile on the command line: where it is found, and the hook each preparation
command builds its order through (:func:`profiled`); ``profile init|check`` are in
``_commands/profile.py``.

The profile is ``--profile PATH``, else the file named by ``LDNCOMPOUND_PROFILE``, else
``ldncompound.toml`` in the platform's configuration folder (``click.get_app_dir``) when it
exists; ``--no-profile`` ignores it. Everything it fills is done by the library's
:func:`ldncompound.apply_profile`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

import ldncompound as lc

T = TypeVar("T")
R = TypeVar("R")

#: The options every preparation command takes to choose its profile.
PROFILE_OPTIONS = (
    click.option(
        "--profile",
        "profile_path",
        help=f"pharmacy profile [default: ${lc.PROFILE_ENV}, else {lc.PROFILE_FILE} in the "
        "configuration folder if it exists]",
    ),
    click.option("--no-profile", is_flag=True, help="ignore the pharmacy profile"),
)

#: Tablet source options the profile can fill, by their order document path.
_SOURCE_OPTIONS = {
    "source.product": "tablet_product",
    "source.lot": "lot",
    "source.expiry": "expiry",
    "source.average_weight": "tablet_weight",
    "source.tablets_weighed": "tablets_weighed",
    "source.strength": "tablet_strength",
    "source.strength_basis": "tablet_basis",
}


_CALIBRATION_OPTIONS = ("calibration_drops", "calibration_volume", "dropper")


def config_dir() -> str:
    """The platform's configuration folder of ldncompound (tests replace it)."""
    return click.get_app_dir("ldncompound")


def default_path() -> Path:
    """Where the profile is looked for when neither --profile nor the variable names one."""
    return Path(config_dir()) / lc.PROFILE_FILE


def locate(path: str | None, *, ignore: bool = False) -> Path | None:
    """The profile file to read: ``path``, the variable's, the configuration folder's, or none."""
    if ignore:
        if path is not None:
            raise lc.InputError(
                "--profile and --no-profile contradict each other; give one of them.",
                field="--profile",
            )
        return None
    if path is not None:
        return Path(path)
    named = os.environ.get(lc.PROFILE_ENV)
    if named:
        return Path(named)
    found = default_path()
    return found if found.is_file() else None


def profiled(kind: str, o: dict[str, Any], build: Callable[[dict[str, Any]], T]) -> T:
    """The order ``build`` makes from the options ``o``, filled from the pharmacy profile.

    What an order cannot be built without (a tablet source's expiry and average weight, a
    drops order's dropper calibration) is filled into the options first, from the profile's
    answer for an order document of the options given; everything else by
    :func:`ldncompound.apply_profile` on the built order.
    """
    return filled(kind, o, build, profile_of(o))


def prepared(
    kind: str,
    o: dict[str, Any],
    build: Callable[[dict[str, Any]], T],
    formulate: Callable[[T], R],
) -> R:
    """``formulate`` on the order :func:`profiled` builds; a refusal of a value the order took
    from the pharmacy profile names the profile's file, line and key, not an option."""
    profile = profile_of(o)
    order = filled(kind, o, build, profile)
    try:
        return formulate(order)
    except lc.LdnCompoundError as err:
        if profile is None:
            raise
        raise profile.refusal(err, order) from None


def profile_of(o: dict[str, Any]) -> lc.PharmacyProfile | None:
    """The pharmacy profile the options ``--profile``/``--no-profile`` choose, if any."""
    where = locate(o.get("profile_path"), ignore=bool(o.get("no_profile")))
    return None if where is None else lc.load_profile(where)


def filled(
    kind: str,
    o: dict[str, Any],
    build: Callable[[dict[str, Any]], T],
    profile: lc.PharmacyProfile | None,
) -> T:
    """The order ``build`` makes from the options ``o``, filled from ``profile`` (if any)."""
    if profile is None:
        return build(o)
    o, supplied = _required_from_profile(kind, o, profile)
    order = build(o)
    if supplied:
        order = lc.load_order({**lc.order_document(order), "from_profile": supplied})
    return lc.apply_profile(order, profile)  # type: ignore[no-any-return]


def _required_from_profile(
    kind: str, o: dict[str, Any], profile: lc.PharmacyProfile
) -> tuple[dict[str, Any], list[str]]:
    sparse: dict[str, Any] = {"schema": f"ldncompound/order/{kind}/1"}
    if o.get("source_kind") == "tablets":
        sparse["source"] = {"kind": "tablets"} | {
            p.removeprefix("source."): o[k]
            for p, k in _SOURCE_OPTIONS.items()
            if o.get(k) is not None
        }
    # a dropper named without its count takes the profile's calibration of it
    calibrate = kind == "drops" and not any(o.get(k) for k in _CALIBRATION_OPTIONS[:2])
    if calibrate:
        if o.get("dropper") is not None:
            sparse["calibration"] = {"dropper": o["dropper"]}
        sparse["vehicle"] = {"vehicle": {"key": o.get("vehicle_key")}}
        if o.get("vehicle_lot") is not None:  # the lot given picks among the profile's lots
            sparse["vehicle"]["lot"] = o["vehicle_lot"]
        sparse["accept_nominal_dropper"] = bool(o.get("accept_nominal_dropper"))
    filled = lc.apply_profile(sparse, profile)
    o = dict(o)
    supplied: list[str] = []
    acknowledge = list(o.get("acknowledge") or ())
    for path in filled["from_profile"]:
        if path.startswith("source."):
            o[_SOURCE_OPTIONS[path]] = str(filled["source"][path.removeprefix("source.")])
            supplied.append(path)
        elif path == "calibration" and calibrate:
            cal = filled["calibration"]
            o.update(
                calibration_drops=str(cal["drops"]),
                calibration_volume=cal["volume"],
                dropper=cal["dropper"],
            )
            supplied.append(path)
        elif path.startswith("acknowledge["):
            code = filled["acknowledge"][int(path[12:-1])]
            if code not in acknowledge:
                acknowledge.append(code)
                supplied.append(f"acknowledge[{len(acknowledge) - 1}]")
    o["acknowledge"] = tuple(acknowledge)
    return o, supplied


_PHARMACY_OPTIONS = (
    ("--pharmacy-name", "pharmacy_name"),
    ("--pharmacy-address", "pharmacy_address"),
    ("--pharmacy-phone", "pharmacy_phone"),
)


def label_pharmacy(o: dict[str, Any]) -> tuple[lc.Pharmacy, tuple[str, ...]]:
    """The pharmacy a label prints: the three options, or else the profile's ``[pharmacy]``
    (then listed in the label order's ``from_profile``)."""
    missing = [flag for flag, key in _PHARMACY_OPTIONS if o.get(key) is None]
    if not missing:
        return (
            lc.Pharmacy(
                name=o["pharmacy_name"], address=o["pharmacy_address"], phone=o["pharmacy_phone"]
            ),
            (),
        )
    where = None
    if len(missing) == len(_PHARMACY_OPTIONS):
        where = locate(o.get("profile_path"), ignore=bool(o.get("no_profile")))
    profile = None if where is None else lc.load_profile(where)
    if profile is None or profile.pharmacy is None:
        raise lc.InputError(
            f"{missing[0]} is required: give --pharmacy-name, --pharmacy-address and "
            "--pharmacy-phone, or a pharmacy profile with a [pharmacy] table.",
            field=missing[0],
            code="missing",
        )
    return profile.pharmacy, ("pharmacy",)


@contextmanager
def profile_refusals(o: dict[str, Any], order: Any) -> Iterator[None]:
    """Refusals inside of a value ``order`` took from the pharmacy profile (a label's
    pharmacy) name the profile's file, line and key, not an option the user did not give."""
    try:
        yield
    except lc.LdnCompoundError as err:
        profile = profile_of(o) if order.from_profile else None
        if profile is None:
            raise
        raise profile.refusal(err, order) from None
