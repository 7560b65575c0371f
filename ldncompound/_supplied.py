"""Values an order took from the pharmacy profile, and their echo among a result's defaults.

An order's ``from_profile`` lists the document paths (``source.lot``, ``balance``,
``acknowledge[1]``) of the values that :func:`ldncompound.apply_profile` filled in because the
caller did not give them. The values themselves are ordinary order values; the list only says
where they came from, so every preparation echoes each one among its result's ``defaults``
with the source "pharmacy profile", and a result computed again from its order echoes the same.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ._errors import InputError
from ._trace import DefaultUsed, Recorder
from ._units import Quantity
from ._validate import OMITTABLE

#: The source every value taken from a pharmacy profile is echoed with.
PROFILE_SOURCE = "pharmacy profile"
#: The profile's file name (in the folder the command line looks in).
PROFILE_FILE = "ldncompound.toml"
#: The environment variable naming a profile file.
PROFILE_ENV = "LDNCOMPOUND_PROFILE"

_STEP = re.compile(r"([a-z_]+)(?:\[([0-9]+)\])?")
#: the document's ``source`` is named by its kind in result fields (``tablets.lot``)
_SOURCE_NAMES = {"api": "api", "tablets": "tablets", "stock": "stock"}


def profile_value(order: Any, path: str) -> Any:
    """The order's value at the document path ``path``; ``None`` when there is none."""
    value: Any = order
    for part in path.split("."):
        m = _STEP.fullmatch(part)
        if m is None or value is None or not attrs.has(type(value)):
            return None
        name, index = m.groups()
        if name not in attrs.fields_dict(type(value)):
            return None
        value = getattr(value, name)
        if index is not None:
            if not isinstance(value, tuple) or int(index) >= len(value):
                return None
            value = value[int(index)]
    return value


def _shown(value: Any) -> Quantity | str:
    """A value as a default echoes it: a quantity as it is, anything else as text (a date in
    ISO form, a count, a balance or dropper calibration described, devices by name)."""
    if isinstance(value, (Quantity, str)):
        return value
    if isinstance(value, tuple):
        return "; ".join(str(_shown(v)) for v in value)
    if hasattr(value, "minimum_weight"):  # a balance
        text = (
            f"{value.name}: readability {value.readability}, minimum weight {value.minimum_weight}"
        )
    elif hasattr(value, "phone"):  # the pharmacy on a label
        text = f"{value.name}, {value.address}, {value.phone}"
    elif hasattr(value, "per_ml"):  # a dropper calibration
        text = f"{value.drops} drops in {value.volume} from {value.dropper}"
    else:  # a date, a count, a measuring device
        text = getattr(value, "described", None) or str(value)
    return text


def _check_paths(instance: Any, _attribute: Any, paths: Any) -> None:
    if not isinstance(paths, tuple) or not all(isinstance(p, str) for p in paths):
        raise InputError.about(
            "from_profile",
            paths,
            "is not a list of field paths",
            "the document paths of the values taken from the pharmacy profile",
        )
    for path in paths:
        if profile_value(instance, path) is None:
            raise InputError.about(
                "from_profile",
                path,
                "names a field the order does not give",
                "the document paths of values the order holds and took from the pharmacy profile",
                code="unknown-field",
            )
    if len(set(paths)) != len(paths):
        raise InputError.about(
            "from_profile",
            ", ".join(paths),
            "names a field twice",
            "each field taken from the pharmacy profile once",
        )


def from_profile_field() -> Any:
    """The ``from_profile`` field every order has (empty unless a profile filled values)."""
    return attrs.field(
        default=(), converter=_tuple, validator=_check_paths, metadata={OMITTABLE: True}
    )


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _field_name(order: Any, path: str) -> str:
    """``source.lot`` -> ``tablets.lot``, as the results name the source's fields."""
    head, _, rest = path.partition(".")
    if head == "source" and rest:
        kind = str(getattr(order.source, "kind", "source"))
        return f"{_SOURCE_NAMES.get(kind, 'source')}.{rest}"
    return path


def echo_from_profile(order: Any, rec: Recorder) -> None:
    """Echo every value ``order`` took from the pharmacy profile among ``rec``'s defaults."""
    for path in order.from_profile:
        rec.default(_field_name(order, path), _shown(profile_value(order, path)), PROFILE_SOURCE)


def profile_defaults(order: Any) -> tuple[DefaultUsed, ...]:
    """The defaults echoing what ``order`` (a label order) took from the pharmacy profile."""
    return tuple(
        DefaultUsed(field=path, value=_shown(profile_value(order, path)), source=PROFILE_SOURCE)
        for path in order.from_profile
    )
