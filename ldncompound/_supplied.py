"""Values an order took from the pharmacy profile, and their echo among a result's defaults.

An order's ``from_profile`` lists the document paths (``source.lot``, ``balance``,
``acknowledge[1]``) of the values that :func:`ldncompound.apply_profile` filled in because the
caller did not give them. The values themselves are ordinary order values; the list only says
where they came from, so every preparation echoes each one among its result's ``defaults``
with the source "pharmacy profile", and a result computed again from its order echoes the same.

An order's ``profile_figures`` holds what the profile measured for a lot or device the order
names while the order gives a figure of its own (the caller's tablet weight for the profile's
tablet lot, a dropper calibrated again in the same vehicle): every preparation compares the two
(:func:`check_profile_figures`) and refuses a difference beyond the cited tolerance
(:data:`PROFILE_FIGURES`) unless the order acknowledges its code; one of the two figures is
wrong, and using either without a word would change every dose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from ._capsule_data import capsule_size
from ._errors import InputError
from ._numbers import CONTEXT, HUNDRED, plain, significant
from ._parse import parse_quantity
from ._plausible import CHECKS_BY_CODE, Check
from ._trace import DefaultUsed, Recorder
from ._units import Dimension, Quantity, Unit
from ._validate import OMITTABLE, text_field

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


def _items(field: str, value: Any, of: type, shown: Any, problem: str, expected: str) -> None:
    """Refuse ``value`` unless it is a tuple of ``of`` items (``shown`` in the refusal)."""
    if not isinstance(value, tuple) or not all(isinstance(v, of) for v in value):
        raise InputError.about(field, shown, problem, expected)


def _once(field: str, names: list[str], expected: str) -> None:
    """Refuse a list of ``names`` that holds one twice."""
    if len(set(names)) != len(names):
        raise InputError.about(field, ", ".join(names), "names a field twice", expected)


def _check_paths(instance: Any, _attribute: Any, paths: Any) -> None:
    _items(
        "from_profile",
        paths,
        str,
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
    _once("from_profile", list(paths), "each field taken from the pharmacy profile once")


def _listed(validator: Any) -> Any:
    """An order's list field that documents may leave out (empty unless a profile filled it)."""
    return attrs.field(
        default=(), converter=_tuple, validator=validator, metadata={OMITTABLE: True}
    )


def from_profile_field() -> Any:
    """The ``from_profile`` field every order has (empty unless a profile filled values)."""
    return _listed(_check_paths)


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
    """Echo every value ``order`` took from the pharmacy profile among ``rec``'s defaults, then
    compare the figures the profile holds for the order's own lots and devices
    (:func:`check_profile_figures`)."""
    for path in order.from_profile:
        rec.default(_field_name(order, path), _shown(profile_value(order, path)), PROFILE_SOURCE)
    check_profile_figures(order, rec)


# --- a figure of the order against the profile's figure of the same lot or device -------------


@attrs.frozen(kw_only=True)
class FigureCheck:
    """How an order's own figure at one document path is compared with the pharmacy profile's
    figure of the same lot or device: the ``measure`` both are compared as, the largest
    relative difference allowed (``tolerance``, with its ``source`` and status mark) and the
    code that acknowledges a larger one."""

    check: Check
    what: str
    dimension: Dimension
    tolerance: Decimal
    source: str
    measure: Callable[[Any], Quantity]
    shown: Callable[[Any], str] = str
    #: the order's own check of its figure, made first: a figure implausible in itself (a
    #: slipped decimal point) is refused as such, not as a difference from the profile
    own_check: Callable[[Any, Recorder], None] | None = None


def _tablet_check(order: Any, rec: Recorder) -> None:
    order.source._check_plausible(rec)  # noqa: SLF001 - the tablet source's own check


def _packed_density(pack_stat: Any) -> Quantity:
    """The packed density a pack stat implies: mg per capsule / the capsule's volume, in g/mL
    (comparable across capsule sizes)."""
    size = capsule_size(pack_stat.size)
    mg_per_ml = CONTEXT.divide(
        pack_stat.filler_per_capsule.m_as(Unit.MG), size.volume.m_as(Unit.ML)
    )
    return Quantity(CONTEXT.divide(mg_per_ml, Decimal(1000)), Unit.G_PER_ML)


def _pack_stat_shown(pack_stat: Any) -> str:
    density = _packed_density(pack_stat).magnitude.quantize(Decimal("0.001"))
    return (
        f"{pack_stat.filler_per_capsule} in a size {pack_stat.size} capsule "
        f"({plain(density)} g/mL packed)"
    )


def _same_quantity(value: Any) -> Quantity:
    return value  # type: ignore[no-any-return]


_TABLET_SOURCE = (
    "single tablets above 250 mg may differ from their lot's average by 5 % (80-250 mg: 7.5 %; "
    "Ph. Eur. 2.9.5 uniformity of mass, recalled [U]); two averages of 10 or more tablets of "
    "one lot agree far more closely: 5 % [D][U]"
)
_DROPPER_SOURCE = (
    "the volume error of a dropper calibrated for its preparation should not exceed 15 % "
    "(USP <1101>; domain.md §6.2) [V]"
)
_PACK_STAT_SOURCE = (
    "two pack stats of one filler lot, compared as the packed density they imply (mg per "
    "capsule / capsule volume): 10 % [U]"
)
_BALANCE_SOURCE = (
    "a balance's minimum weight and readability are its documented figures (USP <41>, <1176>; "
    "domain.md §5.2) [V]: one balance, one figure [D]"
)
_MASS, _DENSITY = Dimension.MASS, Dimension.CONCENTRATION

#: The figures compared, by the order's document path: the code, what the figure is, its
#: dimension, the largest relative difference and its source. Two measurements of one lot or
#: device that differ beyond it mean one of them is wrong (a slipped digit, another lot, a
#: stale profile): refused unless the order acknowledges the code.
_FIGURE_ROWS: tuple[tuple[str, str, str, Dimension, str, str], ...] = (
    (
        "source.average_weight",
        "tablet-weight-differs-from-profile",
        "average tablet weight",
        _MASS,
        "0.05",
        _TABLET_SOURCE,
    ),
    (
        "calibration",
        "dropper-calibration-differs-from-profile",
        "dropper calibration",
        Dimension.DROPS_PER_VOLUME,
        "0.15",
        _DROPPER_SOURCE,
    ),
    (
        "filler.pack_stat",
        "filler-differs-from-profile",
        "pack stat (as packed density)",
        _DENSITY,
        "0.10",
        _PACK_STAT_SOURCE,
    ),
    (
        "filler.density",
        "filler-differs-from-profile",
        "filler bulk density",
        _DENSITY,
        "0.10",
        "two bulk densities of one filler lot: 10 % [U]",
    ),
    (
        "balance.minimum_weight",
        "balance-differs-from-profile",
        "minimum weight",
        _MASS,
        "0",
        _BALANCE_SOURCE,
    ),
    (
        "balance.readability",
        "balance-differs-from-profile",
        "readability",
        _MASS,
        "0",
        _BALANCE_SOURCE,
    ),
    (
        "shells.weight",
        "shell-weight-differs-from-profile",
        "empty-shell weight",
        _MASS,
        "0.10",
        "two average empty-shell weights of one shell lot and size: 10 % [U]",
    ),
)
#: How a figure that is not a quantity itself is measured and shown, and the order's own
#: check made before the comparison.
_FIGURE_HOW: dict[str, dict[str, Any]] = {
    "source.average_weight": {"own_check": _tablet_check},
    "calibration": {
        "measure": lambda calibration: calibration.drops_per_ml,
        "shown": lambda c: f"{c.drops} drops in {c.volume} ({significant(c.per_ml, 4)} drops/mL)",
    },
    "filler.pack_stat": {"measure": _packed_density, "shown": _pack_stat_shown},
}
PROFILE_FIGURES: dict[str, FigureCheck] = {
    field: FigureCheck(
        check=CHECKS_BY_CODE[code],
        what=what,
        dimension=dimension,
        tolerance=Decimal(tolerance),
        source=source,
        **{"measure": _same_quantity, **_FIGURE_HOW.get(field, {})},
    )
    for field, code, what, dimension, tolerance, source in _FIGURE_ROWS
}


def _check_field(field: object) -> None:
    if field not in PROFILE_FIGURES:
        raise InputError.about(
            "profile_figures.field",
            field,
            "is not a figure compared with the pharmacy profile",
            f"one of {', '.join(PROFILE_FIGURES)}",
        )


@attrs.frozen(kw_only=True)
class ProfileFigure:
    """A figure the pharmacy profile holds (``value``, as :data:`PROFILE_FIGURES` measures it,
    at the profile's ``key``) for the lot or device the order names at ``field``, where the
    order gives its own figure; ``of`` describes that lot or device."""

    field: str = attrs.field(validator=lambda _i, _a, v: _check_field(v))
    #: the figure with its unit, as text ("201.4 mg", "20 drops/mL"): its dimension is the
    #: field's (:attr:`quantity`)
    value: str = attrs.field(validator=text_field("profile_figures.value"))
    key: str = attrs.field(validator=text_field("profile_figures.key"))
    of: str = attrs.field(validator=text_field("profile_figures.of"))

    def __attrs_post_init__(self) -> None:
        self.quantity  # noqa: B018 - refuses a value that is not an amount of the field's kind

    @property
    def quantity(self) -> Quantity:
        """The profile's figure, of the dimension its field is compared in."""
        return parse_quantity(
            self.value,
            field="profile_figures.value",
            dimension=PROFILE_FIGURES[self.field].dimension,
        )


def profile_figure(field: str, held: Any, key: str, of: str) -> ProfileFigure:
    """The :class:`ProfileFigure` of the profile's object ``held`` (a tablet weight, a dropper
    calibration, a pack stat ...) for the order's ``field``."""
    measured = PROFILE_FIGURES[field].measure(held)  # 6 significant figures: a measurement's
    value = Quantity(Decimal(significant(measured.magnitude, 6)), measured.unit)
    return ProfileFigure(field=field, value=str(value), key=key, of=of)


def _check_figures(_instance: Any, _attribute: Any, figures: Any) -> None:
    _items(
        "profile_figures",
        figures,
        ProfileFigure,
        repr(figures)[:60],
        "is not a list of profile figures",
        "ProfileFigure items (the profile's figures of the order's own lots and devices)",
    )
    _once("profile_figures", [f.field for f in figures], "the profile's figure of each field once")


def profile_figures_field() -> Any:
    """The ``profile_figures`` field every order has (empty unless a profile filled a lot or
    device whose figure the order gives itself)."""
    return _listed(_check_figures)


def _allowed(check: FigureCheck) -> str:
    if not check.tolerance:
        return "which has one figure"
    return f"more than the {plain(check.tolerance * HUNDRED)} % allowed"


def check_profile_figures(order: Any, rec: Recorder) -> None:
    """Compare each of ``order``'s :class:`ProfileFigure` with the order's own figure at its
    field: a relative difference beyond the tolerance of :data:`PROFILE_FIGURES` is refused
    unless the order acknowledges the check's code (then it is a warning)."""
    for figure in getattr(order, "profile_figures", ()):
        check = PROFILE_FIGURES[figure.field]
        own = profile_value(order, figure.field)
        if own is None:
            _warn_set_aside(order, figure, rec)
            continue  # the order no longer gives a figure of its own: the profile's is not used
        if check.own_check is not None:  # its warnings come where the order makes the check
            check.own_check(order, Recorder(acknowledged=rec.acknowledged))
        measured = check.measure(own)
        held = figure.quantity.m_as(measured.unit)
        difference = CONTEXT.divide(abs(measured.magnitude - held), held)
        if difference <= check.tolerance:
            continue
        check.check.refuse(
            rec,
            _field_name(order, figure.field),
            check.shown(own),
            f"differs by {plain((difference * HUNDRED).quantize(Decimal('0.1')))} % from "
            f"{figure.quantity}, the pharmacy profile's {check.what} ({figure.key}) of the same "
            f"{figure.of}, {_allowed(check)}",
            "the profile's figure of that lot or device within the tolerance (measure again, and "
            "correct whichever is wrong)",
        )


#: A filler lot is measured as a bulk density or a pack stat: the order's figure of one kind
#: sets aside the profile's of the other, which cannot be compared with it (a powder packs
#: denser than it pours)
_OTHER_FILLER_FIGURE = {"filler.pack_stat": "filler.density", "filler.density": "filler.pack_stat"}


def _warn_set_aside(order: Any, figure: ProfileFigure, rec: Recorder) -> None:
    """Warn (``profile-figure-set-aside``) that the order's filler figure of one kind replaces
    the profile's measured figure of the other kind for the same lot (probe3 Q4)."""
    other = _OTHER_FILLER_FIGURE.get(figure.field)
    own = profile_value(order, other) if other is not None else None
    if other is None or own is None:
        return
    check = PROFILE_FIGURES[figure.field]
    rec.warn(
        "profile-figure-set-aside",
        f"The order's {PROFILE_FIGURES[other].what} {PROFILE_FIGURES[other].shown(own)} is "
        f"used for {figure.of}, for which the pharmacy profile holds a measured {check.what} "
        f"of {figure.quantity} ({figure.key}); the two kinds cannot be compared, so check that "
        "the order's figure is of this lot, or leave it out to use the profile's.",
        _field_name(order, other),
    )


def profile_defaults(order: Any) -> tuple[DefaultUsed, ...]:
    """The defaults echoing what ``order`` (a label order) took from the pharmacy profile."""
    return tuple(
        DefaultUsed(field=path, value=_shown(profile_value(order, path)), source=PROFILE_SOURCE)
        for path in order.from_profile
    )
