"""The pharmacy profile: what a pharmacy states once instead of on every order.

A TOML file (``ldncompound.toml``, read with the standard library's :mod:`tomllib`) holds the
pharmacy's identity for labels, its balances, its filler and capsule-shell lots, the tablet
products in stock with their measured average weights, its oral syringes, its dropper
calibrations and its vehicle lots. :func:`load_profile` reads it into a
:class:`PharmacyProfile` with the library's own parsers, validators and plausibility windows:
a bad value is refused as one sentence naming the file, the line, the key, the value and what
was expected. A figure outside its plausible window is refused unless the profile's
``[[acknowledge]]`` tables acknowledge its check with a reason.

:func:`apply_profile` fills an order (or an order document) with the profile's values for the
fields the caller did not give, and lists them in the order's ``from_profile``: every
preparation echoes each one among its result's ``defaults`` with the source
"pharmacy profile". A value the caller gives always wins and is not echoed.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from ._capsule_data import CAPSULE_SIZES, capsule_size
from ._capsules import FillerLot, PackStat, ShellLot, _check_filler
from ._devices import DeviceKind, MeasuringDevice, device
from ._documents import DEFAULT, node_for
from ._drops import DropperCalibration, _check_calibration
from ._errors import InputError, LdnCompoundError
from ._labels import Pharmacy
from ._orders import decode, load_order, order_document, order_kind
from ._parse import density, mass, parse_count, parse_date, percent, volume
from ._plausible import ACKNOWLEDGEABLE, check_shell_weight
from ._sources import DEFAULT_TABLET_STRENGTH, TabletSource
from ._strict import without_bom
from ._supplied import PROFILE_FILE, profile_figure
from ._trace import Recorder
from ._units import Quantity, Unit
from ._validate import normalise_text
from ._vehicles import VehicleLot, vehicle
from ._weighing import Balance

#: The template ``ldncompound profile init`` writes: every table, commented, with example
#: values that load (replace them with the pharmacy's own).
TEMPLATE = """\
# ldncompound pharmacy profile: what this pharmacy states once instead of on every order.
# Every value taken from this file is echoed in results as a default with the source
# "pharmacy profile"; a value given on the order always wins. Amounts are quoted with their
# unit ("1 mg"), dates are YYYY-MM-DD. Check it with `ldncompound profile check`.
# Delete a table the pharmacy does not want filled in.

# Identity printed on labels.
[pharmacy]
name = "Example Compounding Pharmacy"
address = "1 Example Street, Springfield"
phone = "555-0100"

# Balances (the first for an order naming none); rule: documented (readability, minimum_weight),
# usp41 (readability), sensitivity (+ sensitivity, max_error), class-iii; capacity: largest load.
[[balances]]
name = "analytical balance B1"
rule = "documented"
readability = "1 mg"
minimum_weight = "50 mg"
capacity = "220 g"

# The filler lot in use (filler: a table key such as mcc, lactose, hpmc).
# A measured density ("0.42 g/mL") or pack stat (pack_stat = "98 mg", pack_stat_size = "1")
# of this lot may be added.
[filler]
filler = "mcc"
lot = "F-2291"
expiry = "2027-06-30"

# Empty capsule shells: material, lot, expiry, and the measured average empty weight
# with the capsule size it was weighed for: the weight is used only for capsules of that
# size (every other size gets the typical weight, with a warning to weigh its shells).
[shells]
material = "gelatin"
lot = "S-5120"
expiry = "2028-01-31"
weight = "96 mg"
size = "0"

# Tablet products in stock, with the average weight of whole tablets weighed.
# An order from tablets takes the product of its strength (50 mg unless stated);
# with several of one strength, the order names the product or lot.
[[tablets]]
product = "Naltrexone HCl 50 mg film-coated tablets"
strength = "50 mg"
lot = "TB-118"
expiry = "2027-09-30"
average_weight = "201.4 mg"
tablets_weighed = 20

# Oral syringes in stock: a table key (oral-1ml, oral-3ml, oral-5ml, oral-10ml) or your own.
[[syringes]]
key = "oral-1ml"

[[syringes]]
name = "5 mL oral syringe (0.1 mL scale)"
capacity = "5 mL"
graduation = "0.1 mL"

# Droppers calibrated with a table vehicle: drops of the preparation counted into a volume.
[[droppers]]
dropper = "amber dropper D7"
vehicle = "mct-oil"
drops = 40
volume = "2 mL"

# Vehicle lots, by table vehicle.
[[vehicles]]
vehicle = "mct-oil"
lot = "V-77"
expiry = "2027-03-31"

# A figure outside its plausible window is refused unless acknowledged here, with why:
# [[acknowledge]]
# code = "tablet-weight-implausible"
# reason = "our 50 mg tablets weigh 420 mg (film-coated), checked 2026-11-02"
"""


def profile_template() -> str:
    """The commented template of a pharmacy profile (it loads as it is)."""
    return TEMPLATE


#: The plausibility checks a profile may acknowledge (for the figures it holds).
PROFILE_ACKNOWLEDGEABLE: dict[str, str] = {
    code: ACKNOWLEDGEABLE[code]
    for code in (
        "tablet-strength-unmarketed",
        "tablet-weight-implausible",
        "density-implausible",
        "pack-stat-implausible",
        "dropper-implausible",
        "shell-weight-implausible",
    )
}


@attrs.frozen(kw_only=True)
class TabletProduct:
    """A tablet product in stock: its lot and expiry and its measured average tablet weight.

    ``acknowledged`` holds the plausibility checks its figures needed acknowledged (from the
    profile's ``[[acknowledge]]``)."""

    product: str
    strength: Quantity
    strength_basis: str | None = None
    lot: str | None = None
    expiry: dt.date
    average_weight: Quantity
    tablets_weighed: int | None = None
    acknowledged: frozenset[str] = frozenset()

    @property
    def described(self) -> str:
        lot = f", lot {self.lot}" if self.lot else ""
        return f"{self.product} ({self.strength}{lot})"


@attrs.frozen(kw_only=True)
class DropperStock:
    """A dropper in stock and its calibration with a vehicle of the table."""

    vehicle: str
    calibration: DropperCalibration
    acknowledged: frozenset[str] = frozenset()


@attrs.frozen(kw_only=True)
class ProfileAcknowledgement:
    """A plausibility check the pharmacy acknowledges for a figure of its profile, and why."""

    code: str
    reason: str


@attrs.frozen(kw_only=True)
class PharmacyProfile:
    """A pharmacy profile as read from its file (``file`` names it in refusals).

    ``balances[0]`` is the balance an order without one is computed with.
    """

    file: str
    pharmacy: Pharmacy | None = None
    balances: tuple[Balance, ...] = ()
    filler: FillerLot | None = None
    filler_acknowledged: frozenset[str] = frozenset()
    shells: ShellLot | None = None
    shells_acknowledged: frozenset[str] = frozenset()
    tablets: tuple[TabletProduct, ...] = ()
    syringes: tuple[MeasuringDevice, ...] = ()
    droppers: tuple[DropperStock, ...] = ()
    vehicles: tuple[VehicleLot, ...] = ()
    acknowledge: tuple[ProfileAcknowledgement, ...] = ()
    #: the line of each key as written (``tablets[1].expiry``), for refusals naming it
    lines: Mapping[str, int] = attrs.field(factory=dict, eq=False, repr=False)

    def refusal(self, err: LdnCompoundError, order: Any) -> LdnCompoundError:
        """``err``, a refusal of ``order`` (an order :func:`apply_profile` filled from this
        profile), said of the profile's file, line and key, advising the fix there, when the
        value refused came from the profile; any other refusal is ``err`` itself."""
        return _said_of_profile(self, err, order)


# --- where a key is written --------------------------------------------------------------------

_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?")
_KEY = re.compile(r"\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """The line of each key (``tablets[2].lot``) and table (``tablets[2]``), as written.

    tomllib reports no positions, so the text is scanned for table headers and ``key =``.
    """
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.fullmatch(line)
        if header is not None:
            name = header.group(2).replace('"', "").replace(" ", "")
            if header.group(1) == "[[":
                counts[name] = counts.get(name, 0) + 1
                name = f"{name}[{counts[name]}]"
            table = name
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key is not None:
            name = key.group(1).replace('"', "").replace("'", "").replace(" ", "")
            lines.setdefault(f"{table}.{name}" if table else name, number)
    return lines


def _toml(value: Any) -> str:
    """A TOML value other than a string as the profile writes it (a date as 2027-03-31, not as
    Python shows it), at most about 80 characters."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dt.date, dt.time)):  # a datetime is a date
        text = value.isoformat()
    elif isinstance(value, list):
        text = f"[{', '.join(_toml(v) for v in value)}]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, str):
        text = repr(value)
    else:  # an integer or a float
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


#: The advice of a plausibility refusal (_plausible.implausible) for a figure of an order...
_ON_ORDER = ", or the acknowledgement {code!r} on the order if the figure is right"
#: ...and for a figure of the profile, which acknowledges it itself.
_IN_PROFILE = (
    ", or an [[acknowledge]] table with code = {code!r} and its reason in the profile if "
    "the figure is right"
)


class _Reader:
    """Reads one profile text, naming the file, line and key in every refusal."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.lines = _key_lines(text)
        self.acknowledged: frozenset[str] = frozenset()
        self.used_by: dict[str, list[str]] = {}
        self.used: set[str] = set()
        self.said: list[LdnCompoundError] = []  # refusals already said of the profile

    def where(self, key: str) -> str:
        return _where(self.file, self.lines, key)

    def refusal(self, key: str, err: LdnCompoundError) -> InputError:
        """``err`` (which names ``key``) said of the profile file (of the same class)."""
        cls = type(err) if isinstance(err, InputError) else InputError
        new = cls(
            f"{self.where(key)}: {err.message}",
            field=key,
            value=err.value,
            expected=err.expected,
            code=err.code,
        )
        self.said.append(new)
        return new

    def refuse(
        self, key: str, value: Any, problem: str, expected: str, code: str = "invalid-profile"
    ) -> InputError:
        if value is None or isinstance(value, str):
            err = InputError.about(key, value, problem, expected, code=code)
        else:  # shown as the profile writes it
            shown = _toml(value)
            err = InputError(
                f"{key}: {shown} {problem}; expected {expected}.",
                field=key,
                value=shown,
                expected=expected,
                code=code,
            )
        return self.refusal(key, err)

    @contextmanager
    def table(self, key: str, keys: Iterator[str] | tuple[str, ...]) -> Iterator[None]:
        """Refusals of the library's own classes, said of the profile's key (``balances[1]``)."""
        names = set(keys)
        try:
            yield
        except LdnCompoundError as err:
            if any(err is said for said in self.said):
                raise  # a value of the table, refused already with its file and line
            if (err.field or "").startswith(f"{key}."):
                raise self.refusal(err.field or key, err) from None
            last = (err.field or "").rpartition(".")[2]
            field = f"{key}.{last}" if last in names else key
            message = err.message
            if err.field and message.startswith(err.field):
                message = field + message[len(err.field) :]
            elif field == key:
                message = f"{key}: {message}"
            cls = type(err) if isinstance(err, InputError) else InputError
            raise self.refusal(
                field,
                cls(message, field=field, value=err.value, expected=err.expected, code=err.code),
            ) from None

    # --- one value of each kind

    def optional(
        self, key: str, t: Mapping[str, Any], name: str, read: Callable[..., Any], *args: Any
    ) -> Any:
        """The table's ``name`` read by ``read`` (one of those below); ``None`` if it is absent."""
        return None if name not in t else read(f"{key}.{name}", t[name], *args)

    def text(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.refuse(key, value, "is not text", 'a quoted text such as "..."')
        try:
            text = normalise_text(key, value)
        except InputError as err:
            raise self.refusal(key, err) from None
        if text.strip().casefold() == DEFAULT:  # an order document's word for "not given"
            raise self.refuse(
                key,
                value,
                "is reserved: an order document reads it as a value not given",
                "the text itself (a lot number, a name), or no key at all if there is none",
                code="reserved-word",
            )
        return text

    def quantity(self, key: str, value: Any, parse: Callable[..., Quantity]) -> Quantity:
        if not isinstance(value, str):
            raise self.refuse(
                key,
                value,
                "is not an amount with its unit",
                'a quoted amount with its unit, such as "201.4 mg"',
            )
        try:
            return parse(value, field=key)
        except InputError as err:
            raise self.refusal(key, err) from None

    def date(self, key: str, value: Any) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
            raise self.refuse(key, value, "is not a date", "a date such as 2027-03-31")
        try:
            return parse_date(value, field=key)
        except InputError as err:
            raise self.refusal(key, err) from None

    def count(self, key: str, value: Any, maximum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.refuse(key, value, "is not a whole number", "a count such as 20")
        try:
            return parse_count(str(value), field=key, maximum=maximum)
        except InputError as err:
            raise self.refusal(key, err) from None

    def checked(
        self, key: str, names: tuple[str, ...], check: Callable[[Recorder], None]
    ) -> frozenset[str]:
        """Run a plausibility check with the profile's acknowledgements: the codes it needed.
        A refusal advises acknowledging the check in the profile, not on an order."""
        rec = Recorder(acknowledged=self.acknowledged)
        try:
            with self.table(key, names):
                check(rec)
        except InputError as err:
            raise _acknowledge_here(err) from None
        codes = frozenset(w.code for w in rec.warnings if w.code in self.acknowledged)
        self.used |= codes
        for code in codes:  # which figures each acknowledgement covers (one only: see below)
            self.used_by.setdefault(code, []).append(key)
        return codes


def _where(file: str, lines: Mapping[str, int], key: str) -> str:
    """``file, line N`` of ``key`` (or of the nearest table that holds it)."""
    probe = key
    while probe:
        if probe in lines:
            return f"{file}, line {lines[probe]}"
        probe = probe.rpartition(".")[0]
    return file


def _acknowledge_here(err: InputError) -> InputError:
    """A refusal of a profile's figure advising the profile's own acknowledgement."""
    order = _ON_ORDER.format(code=err.code)
    if order not in err.message:
        return err
    here = _IN_PROFILE.format(code=err.code) if err.code in PROFILE_ACKNOWLEDGEABLE else ""
    return type(err)(
        err.message.replace(order, here),
        field=err.field,
        value=err.value,
        expected=(err.expected or "").replace(order, here),
        code=err.code,
    )


def _entries(
    reader: _Reader, data: Mapping[str, Any], name: str, *, many: bool
) -> list[tuple[str, dict[str, Any]]]:
    """The tables ``[name]`` (``many=False``) or ``[[name]]``, each with its key."""
    value = data.get(name)
    if value is None:
        return []
    if many:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise reader.refuse(name, value, "is not a list of tables", f"[[{name}]] tables")
        return [(f"{name}[{i}]", v) for i, v in enumerate(value, start=1)]
    if not isinstance(value, dict):
        raise reader.refuse(name, value, "is not a table", f"a [{name}] table")
    return [(name, value)]


def _keys(
    reader: _Reader,
    key: str,
    table: dict[str, Any],
    allowed: tuple[str, ...],
    required: tuple[str, ...],
) -> None:
    for k in table:
        if k not in allowed:
            raise reader.refuse(
                f"{key}.{k}", None, "is not a key of this table", f"one of {', '.join(allowed)}"
            )
    for k in required:
        if k not in table:
            raise reader.refuse(f"{key}.{k}", None, "is missing", f"the {k.replace('_', ' ')}")


# --- the tables ------------------------------------------------------------------------------

_PHARMACY = ("name", "address", "phone")


def _pharmacy(reader: _Reader, key: str, t: dict[str, Any]) -> Pharmacy:
    _keys(reader, key, t, _PHARMACY, _PHARMACY)
    values = {k: reader.text(f"{key}.{k}", t[k]) for k in _PHARMACY}
    with reader.table(key, _PHARMACY):
        return Pharmacy(**values)


_BALANCE = (
    "name",
    "rule",
    "capacity",
    "readability",
    "minimum_weight",
    "sensitivity",
    "max_error",
)
_RULES: dict[str, tuple[str, ...]] = {
    "documented": ("readability", "minimum_weight"),
    "usp41": ("readability",),
    "sensitivity": ("readability", "sensitivity", "max_error"),
    "class-iii": (),
}


#: the constructor of each balance rule but the Class III preset (which takes no figures)
_BALANCE_RULES: dict[str, Callable[..., Balance]] = {
    "documented": Balance.documented,
    "usp41": Balance.usp41,
    "sensitivity": Balance.torsion,
}


def _balance(reader: _Reader, key: str, t: dict[str, Any]) -> Balance:
    _keys(reader, key, t, _BALANCE, ("rule",))
    rule = t["rule"]
    if rule not in _RULES:
        raise reader.refuse(f"{key}.rule", rule, "is not a balance rule", ", ".join(_RULES))
    needs = _RULES[rule]
    for k in _BALANCE[3:]:
        if k in t and k not in needs:
            raise reader.refuse(
                f"{key}.{k}",
                t[k],
                f"is not used by the rule {rule!r}",
                f"only {', '.join(needs) or 'the name'} for this rule",
            )
        if k in needs and k not in t:
            raise reader.refuse(f"{key}.{k}", None, "is missing", f"the {k} for the rule {rule!r}")
    args: dict[str, Any] = {}
    if "name" in t:
        args["name"] = reader.text(f"{key}.name", t["name"])
    if "capacity" in t:  # any rule: the largest load the balance weighs
        args["capacity"] = reader.quantity(f"{key}.capacity", t["capacity"], mass)
    for k in needs:
        parse = percent if k == "max_error" else mass
        args[k] = reader.quantity(f"{key}.{k}", t[k], parse)
    with reader.table(key, _BALANCE):
        if rule != "class-iii":
            return _BALANCE_RULES[rule](**args)
        balance = Balance.class_iii(capacity=args.get("capacity"))
        return attrs.evolve(balance, name=args["name"]) if "name" in args else balance


_FILLER = ("filler", "lot", "expiry", "density", "pack_stat", "pack_stat_size", "pack_stat_method")


def _filler(reader: _Reader, key: str, t: dict[str, Any]) -> tuple[FillerLot, frozenset[str]]:
    _keys(reader, key, t, _FILLER, ("filler",))
    pack_stat = None
    if "pack_stat" in t:
        if "pack_stat_size" not in t:
            raise reader.refuse(
                f"{key}.pack_stat_size", None, "is missing", "the capsule size of the pack stat"
            )
        with reader.table(key, _FILLER):
            pack_stat = PackStat(
                size=reader.text(f"{key}.pack_stat_size", t["pack_stat_size"]),
                filler_per_capsule=reader.quantity(f"{key}.pack_stat", t["pack_stat"], mass),
                method=reader.optional(key, t, "pack_stat_method", reader.text),
            )
    else:
        for k in ("pack_stat_size", "pack_stat_method"):
            if k in t:
                raise reader.refuse(f"{key}.{k}", t[k], "is given without a pack stat", "pack_stat")
    with reader.table(key, _FILLER):
        lot = FillerLot(
            filler=reader.text(f"{key}.filler", t["filler"]),
            lot=reader.optional(key, t, "lot", reader.text),
            expiry=reader.optional(key, t, "expiry", reader.date),
            density=reader.optional(key, t, "density", reader.quantity, density),
            pack_stat=pack_stat,
        )
    # the capsule preparation's own check of a measured density and pack stat
    codes = reader.checked(key, _FILLER, lambda rec: _check_filler(lot, CAPSULE_SIZES, rec))
    return lot, codes


_SHELLS = ("material", "lot", "expiry", "weight", "size")


def _shells(reader: _Reader, key: str, t: dict[str, Any]) -> tuple[ShellLot, frozenset[str]]:
    _keys(reader, key, t, _SHELLS, ())
    args: dict[str, Any] = {}
    for k in ("material", "lot", "size"):
        if k in t:
            args[k] = reader.text(f"{key}.{k}", t[k])
    if "expiry" in t:
        args["expiry"] = reader.date(f"{key}.expiry", t["expiry"])
    weight = reader.optional(key, t, "weight", reader.quantity, mass)
    if weight is not None:
        args["weight"] = weight
        if "size" not in t:  # a shell weight belongs to one size
            raise reader.refuse(
                f"{key}.size",
                None,
                "is missing",
                "the capsule size the shell weight was weighed for",
            )
    with reader.table(key, _SHELLS):
        shells = ShellLot(**args)
    codes: frozenset[str] = frozenset()
    if weight is not None:  # the capsule preparation's own check of a shell weight
        size = capsule_size(args["size"])
        codes = reader.checked(
            key, _SHELLS, lambda rec: check_shell_weight(rec, "weight", weight, size)
        )
    return shells, codes


_TABLETS = (
    "product",
    "strength",
    "strength_basis",
    "lot",
    "expiry",
    "average_weight",
    "tablets_weighed",
)


def _tablets(reader: _Reader, key: str, t: dict[str, Any]) -> TabletProduct:
    _keys(reader, key, t, _TABLETS, ("product", "strength", "expiry", "average_weight"))
    # a tablet product's fields are those of the tablet source an order takes from it
    fields: dict[str, Any] = {
        "product": reader.text(f"{key}.product", t["product"]),
        "strength": reader.quantity(f"{key}.strength", t["strength"], mass),
        "strength_basis": reader.optional(key, t, "strength_basis", reader.text),
        "lot": reader.optional(key, t, "lot", reader.text),
        "expiry": reader.date(f"{key}.expiry", t["expiry"]),
        "average_weight": reader.quantity(f"{key}.average_weight", t["average_weight"], mass),
        "tablets_weighed": reader.optional(key, t, "tablets_weighed", reader.count, 1000),
    }
    with reader.table(key, _TABLETS):
        source = TabletSource(**fields)
    codes = reader.checked(key, _TABLETS, source._check_plausible)  # noqa: SLF001 - the library's own check
    return TabletProduct(**fields, acknowledged=codes)


_SYRINGE = ("key", "name", "capacity", "graduation")


def _syringe(reader: _Reader, key: str, t: dict[str, Any]) -> MeasuringDevice:
    _keys(reader, key, t, _SYRINGE, ())
    if "key" in t:
        for k in ("name", "capacity", "graduation"):
            if k in t:
                raise reader.refuse(
                    f"{key}.{k}",
                    t[k],
                    "is given with a table key",
                    "a table key, or a name with capacity and graduation",
                )
        with reader.table(key, _SYRINGE):
            found = device(reader.text(f"{key}.key", t["key"]))
        if found.kind is not DeviceKind.ORAL_SYRINGE:
            raise reader.refuse(f"{key}.key", t["key"], "is not an oral syringe", "oral-1ml ...")
        return found
    _keys(reader, key, t, _SYRINGE, ("name", "capacity", "graduation"))
    with reader.table(key, _SYRINGE):
        return MeasuringDevice.declared(
            name=reader.text(f"{key}.name", t["name"]),
            kind=DeviceKind.ORAL_SYRINGE,
            capacity=reader.quantity(f"{key}.capacity", t["capacity"], volume),
            graduation=reader.quantity(f"{key}.graduation", t["graduation"], volume),
        )


_DROPPER = ("dropper", "vehicle", "drops", "volume")


def _dropper(reader: _Reader, key: str, t: dict[str, Any]) -> DropperStock:
    _keys(reader, key, t, _DROPPER, _DROPPER)
    with reader.table(key, _DROPPER):
        vehicle(reader.text(f"{key}.vehicle", t["vehicle"]))
        calibration = DropperCalibration(
            drops=reader.count(f"{key}.drops", t["drops"], 1000),
            volume=reader.quantity(f"{key}.volume", t["volume"], volume),
            dropper=reader.text(f"{key}.dropper", t["dropper"]),
        )
    # the drops preparation's own check of a measured calibration
    codes = reader.checked(key, _DROPPER, lambda rec: _check_calibration(rec, calibration))
    return DropperStock(vehicle=t["vehicle"], calibration=calibration, acknowledged=codes)


_VEHICLE = ("vehicle", "lot", "expiry")


def _vehicle(reader: _Reader, key: str, t: dict[str, Any]) -> VehicleLot:
    _keys(reader, key, t, _VEHICLE, ("vehicle",))
    with reader.table(key, _VEHICLE):
        return VehicleLot(
            vehicle=vehicle(reader.text(f"{key}.vehicle", t["vehicle"])),
            lot=reader.optional(key, t, "lot", reader.text),
            expiry=reader.optional(key, t, "expiry", reader.date),
        )


def _acknowledgement(reader: _Reader, key: str, t: dict[str, Any]) -> ProfileAcknowledgement:
    _keys(reader, key, t, ("code", "reason"), ("code", "reason"))
    code = reader.text(f"{key}.code", t["code"])
    if code not in PROFILE_ACKNOWLEDGEABLE:
        raise reader.refuse(
            f"{key}.code",
            code,
            "is not a check a profile can acknowledge",
            f"one of {', '.join(PROFILE_ACKNOWLEDGEABLE)}",
        )
    return ProfileAcknowledgement(code=code, reason=reader.text(f"{key}.reason", t["reason"]))


_TABLES = (
    "pharmacy",
    "balances",
    "filler",
    "shells",
    "tablets",
    "syringes",
    "droppers",
    "vehicles",
)


#: What tells two entries of a list apart: a second entry the same as an earlier one is refused
#: (which of them would an order take?). Text is compared without case.
_IDENTITY: dict[str, tuple[str, Callable[[Any], tuple[Any, ...]]]] = {
    "balances": ("name", lambda b: (b.name,)),
    "tablets": ("product and lot", lambda t: (t.product, t.lot)),
    "syringes": ("name", lambda s: (s.name,)),
    "droppers": ("dropper and vehicle", lambda d: (d.calibration.dropper, d.vehicle)),
    "vehicles": ("vehicle and lot", lambda v: (v.vehicle.key, v.lot)),
}


def _list(
    reader: _Reader, data: Mapping[str, Any], name: str, read: Callable[[_Reader, str, Any], Any]
) -> tuple[Any, ...]:
    """The entries of the list ``[[name]]``, each read by ``read``, none of them twice."""
    what, identity = _IDENTITY[name]
    found: dict[tuple[Any, ...], str] = {}
    entries = []
    for key, table in _entries(reader, data, name, many=True):
        entry = read(reader, key, table)
        ident = identity(entry)
        same = tuple(_name_key(v) for v in ident)
        if same in found:
            raise reader.refuse(
                key,
                " / ".join("-" if v is None else str(v) for v in ident),
                f"is the {what} of {found[same]} again",
                f"one [[{name}]] entry for each {what} (an order could take either)",
                code="profile-duplicate",
            )
        found[same] = key
        entries.append(entry)
    return tuple(entries)


def read_profile(text: str, *, file: str = PROFILE_FILE) -> PharmacyProfile:
    """The pharmacy profile in the TOML ``text`` (``file`` names it in refusals); a UTF-8
    byte-order mark at its start is skipped, as every reader of the library skips it."""
    text = without_bom(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"\(at line ([0-9]+), column ([0-9]+)\)", str(err))
        where = f"{file}, line {found.group(1)}" if found else file
        reason = re.sub(r"\s*\(at (line [0-9]+, column [0-9]+|end of document)\)", "", str(err))
        raise InputError(
            f"{where}: the profile is not valid TOML ({reason[:1].lower()}{reason[1:]}); "
            "expected key = value lines under [table] headers.",
            field=file,
            expected="TOML",
            code="bad-toml",
        ) from None
    reader = _Reader(text, file)
    for name in data:
        if name not in (*_TABLES, "acknowledge"):
            raise reader.refuse(
                name, None, "is not a table of a pharmacy profile", f"one of {', '.join(_TABLES)}"
            )
    acks = [
        _acknowledgement(reader, k, t) for k, t in _entries(reader, data, "acknowledge", many=True)
    ]
    seen: set[str] = set()
    for (k, _), ack in zip(_entries(reader, data, "acknowledge", many=True), acks, strict=True):
        if ack.code in seen:
            raise reader.refuse(f"{k}.code", ack.code, "is acknowledged twice", "each code once")
        seen.add(ack.code)
    reader.acknowledged = frozenset(seen)
    one = {
        name: _entries(reader, data, name, many=False) for name in ("pharmacy", "filler", "shells")
    }
    filler = [_filler(reader, k, t) for k, t in one["filler"]]
    shells = [_shells(reader, k, t) for k, t in one["shells"]]
    lists = {
        name: _list(reader, data, name, read)
        for name, read in (
            ("balances", _balance),
            ("tablets", _tablets),
            ("syringes", _syringe),
            ("droppers", _dropper),
            ("vehicles", _vehicle),
        )
    }
    profile = PharmacyProfile(
        file=file,
        pharmacy=next((_pharmacy(reader, k, t) for k, t in one["pharmacy"]), None),
        filler=filler[0][0] if filler else None,
        filler_acknowledged=filler[0][1] if filler else frozenset(),
        shells=shells[0][0] if shells else None,
        shells_acknowledged=shells[0][1] if shells else frozenset(),
        acknowledge=tuple(acks),
        lines=reader.lines,
        **lists,
    )
    for (k, _), ack in zip(_entries(reader, data, "acknowledge", many=True), acks, strict=True):
        if ack.code not in reader.used:
            raise reader.refuse(
                f"{k}.code",
                ack.code,
                "acknowledges no figure of the profile (each figure is within its window)",
                "only the acknowledgements a figure of the profile needs",
            )
        covered = reader.used_by.get(ack.code, [])
        if len(covered) > 1:  # one reason cannot vouch for a second figure (a slip among them)
            raise reader.refuse(
                f"{k}.code",
                ack.code,
                f"would cover {len(covered)} figures ({', '.join(covered)}), and its reason "
                "can vouch for one",
                "one figure outside its window per acknowledged check: correct the others",
            )
    return profile


#: The largest profile read: a pharmacy's profile is a few kilobytes; this refuses a device
#: (/dev/zero) or a wrong file before it fills the memory.
MAX_PROFILE_BYTES = 1 << 20


def load_profile(path: str | Path) -> PharmacyProfile:
    """The pharmacy profile in the TOML file at ``path``."""
    name = str(path)
    try:
        with Path(path).open("rb") as stream:  # a device or a huge file: read at most the limit
            raw = stream.read(MAX_PROFILE_BYTES + 1)
    except (OSError, ValueError) as err:  # ValueError: a NUL or a lone surrogate in the path
        why = err.strerror if isinstance(err, OSError) and err.strerror else "not a usable path"
        raise InputError.about(
            "profile",
            name,
            f"cannot be read ({why})",
            "the path of a pharmacy profile (ldncompound.toml)",
            code="cannot-read",
        ) from None
    if len(raw) > MAX_PROFILE_BYTES:
        raise InputError.about(
            "profile",
            name,
            f"is larger than {MAX_PROFILE_BYTES // 1024} KiB",
            "a pharmacy profile (a few kilobytes of TOML)",
            code="too-large",
        )
    try:
        text = decode(raw, "profile")
    except InputError as err:
        raise InputError(f"{name}: {err.message}", field=name, code=err.code) from None
    return read_profile(text, file=name)


# --- filling an order --------------------------------------------------------------------------

_ABSENT = object()


def _get(doc: Mapping[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _ABSENT
        value = value[part]
    return value


def _given(doc: Mapping[str, Any], path: str) -> bool:
    value = _get(doc, path)
    return value is not _ABSENT and value is not None and value != "default"


class _Filler:
    """Fills one order document, remembering the paths it filled."""

    def __init__(self, doc: dict[str, Any], profile: PharmacyProfile) -> None:
        self.doc = doc
        self.profile = profile
        self.filled: list[str] = []
        self.codes: list[str] = []
        self.figures: list[Any] = []

    def put(self, path: str, value: Any, *, echo: bool = True) -> None:
        parent: Any = self.doc
        *heads, last = path.split(".")
        for head in heads:
            if not isinstance(parent.get(head), dict):
                parent[head] = {}
            parent = parent[head]
        parent[last] = value
        if echo:
            self.filled.append(path)

    def fill(self, path: str, value: Any) -> None:
        """Put ``value`` at ``path`` unless the caller gave one (``None``: nothing to put)."""
        if value is not None and not _given(self.doc, path):
            self.put(path, _dumped(value))

    def acknowledge(self, codes: frozenset[str]) -> None:
        self.codes += sorted(codes)

    def compare(self, path: str, held: Any, figure: Any, key: str, of: str) -> None:
        """The caller's own figure at ``path`` (not one the profile filled) describes the same
        lot or device as the profile's ``held`` object, whose ``figure`` it replaces: keep the
        profile's figure in the order's ``profile_figures`` (when the two are written
        differently), where every preparation compares them
        (:func:`~ldncompound._supplied.check_profile_figures`)."""
        filled = self.doc.get("from_profile")
        if not _given(self.doc, path) or path in (filled if isinstance(filled, list) else []):
            return
        if figure is None or _dumped(figure) == _get(self.doc, path):
            return
        self.figures.append(_dumped(profile_figure(path, held, key, of)))

    def cannot_choose(
        self, field: str, holds: str, listed: str, expected: str, code: str = "profile-ambiguous"
    ) -> LdnCompoundError:
        """``field``, which the caller did not give, is not one value of the profile: it
        ``holds`` several (``listed``), or none that fits."""
        return InputError.about(
            field, None, f"is not given and {holds} ({listed})", expected, code=code
        )


def _dumped(value: Any) -> Any:
    if isinstance(value, Quantity):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if attrs.has(type(value)):
        return node_for(type(value), type(value).__name__).dump(value)
    return value


def same_name(a: Any, b: Any) -> bool:
    """``a`` and ``b`` name the same thing: text (a lot, a product, a dropper, a balance) is
    compared without case and with its spaces collapsed, as a lot written ``tb-118`` or
    ``TB-118 `` (a spreadsheet cell) is the profile's lot ``TB-118``; other values as they are."""
    return bool(_name_key(a) == _name_key(b))


def _name_key(value: Any) -> Any:
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def _same(doc: Mapping[str, Any], path: str, value: Any) -> bool:
    """The caller gave nothing at ``path``, or what the profile holds there (text compared as
    :func:`same_name` compares it)."""
    return not _given(doc, path) or same_name(_dumped(value), _get(doc, path)) or value is None


def _match_tablets(f: _Filler) -> None:
    doc, tablets = f.doc, f.profile.tablets
    src = doc.get("source")
    if not tablets or not isinstance(src, Mapping) or src.get("kind") != "tablets":
        return
    strength = (
        mass(src["strength"], field="tablets.strength")
        if _given(doc, "source.strength")
        else DEFAULT_TABLET_STRENGTH
    )
    found = [
        t
        for t in tablets
        if t.strength.m_as(Unit.MG) == strength.m_as(Unit.MG)
        and all(
            _same(doc, f"source.{k}", getattr(t, k))
            for k in ("product", "lot", "expiry", "strength_basis")
        )
    ]
    if len(found) > 1:
        raise f.cannot_choose(
            "tablets.product",
            f"{len(found)} tablet products of the pharmacy profile {f.profile.file} are "
            f"{strength} tablets",
            "; ".join(t.described for t in found),
            "the product (or lot) of the tablets used",
        )
    if not found:
        return
    product = found[0]
    weight_given = _given(doc, "source.average_weight")
    number = tablets.index(product) + 1
    f.compare(
        "source.average_weight",
        product.average_weight,
        product.average_weight,
        f"tablets[{number}].average_weight",
        product.described,
    )
    for k in ("product", "lot", "expiry", "average_weight", "tablets_weighed"):
        if k == "tablets_weighed" and weight_given:
            continue  # the count belongs to the weighing the caller made again
        f.fill(f"source.{k}", getattr(product, k))
    codes = product.acknowledged
    if weight_given:
        codes -= {"tablet-weight-implausible"}
    f.acknowledge(codes)


def _match_lot(
    f: _Filler, path: str, lot: Any, identity: tuple[str, ...], fields: tuple[str, ...]
) -> bool:
    """Fill the fields of ``lot`` at ``path`` when the caller's (if any) is the same lot."""
    if lot is None:
        return False
    if not _given(f.doc, path):
        f.put(path, _dumped(lot), echo=False)
        for k in (*identity, *fields):
            if getattr(lot, k) is not None:
                f.filled.append(f"{path}.{k}")
        return True
    if not isinstance(f.doc.get(path), Mapping) or not all(
        _same(f.doc, f"{path}.{k}", getattr(lot, k)) for k in identity
    ):
        return False
    for k in (*identity, *fields):
        f.fill(f"{path}.{k}", getattr(lot, k))
    return True


# --- a refusal of a value the profile filled in --------------------------------------------------

#: a refusal names the order's drug material by its role or kind (``active.expiry``,
#: ``tablets.lot``): its document path is ``source``
_SOURCE_HEADS = frozenset({"active", "source", "tablets", "api", "stock"})


def _profile_key(profile: PharmacyProfile, order: Any, path: str) -> str | None:
    """The profile's key of the value ``order`` took from it at document path ``path``."""
    head, dot, rest = path.partition(".")
    if head in ("filler", "shells", "pharmacy"):
        return path
    index: dict[str, tuple[str, tuple[Any, ...], Callable[[Any], bool]]] = {
        "balance": ("balances", profile.balances, lambda b: b == order.balance),
        "source": (
            "tablets",
            profile.tablets,
            lambda t: (
                same_name(t.product, order.source.product) and same_name(t.lot, order.source.lot)
            ),
        ),
        "vehicle": (
            "vehicles",
            profile.vehicles,
            lambda v: (
                v.vehicle.key == order.vehicle.vehicle.key and same_name(v.lot, order.vehicle.lot)
            ),
        ),
        "calibration": ("droppers", profile.droppers, lambda d: d.calibration == order.calibration),
        "syringe": (
            "syringes",
            profile.syringes,
            lambda s: same_name(s.name, order.syringe.name),
        ),
    }
    if head not in index:  # a value the profile does not fill
        return None
    name, entries, same = index[head]
    found = next((i for i, e in enumerate(entries, start=1) if same(e)), None)
    return f"{name}[{found}]{dot}{rest}" if found is not None else name


def _said_of_profile(
    profile: PharmacyProfile, err: LdnCompoundError, order: Any
) -> LdnCompoundError:
    field = err.field or ""
    head, dot, rest = field.partition(".")
    path = f"source{dot}{rest}" if head in _SOURCE_HEADS else field
    taken = [p for p in getattr(order, "from_profile", ()) if path == p or path.startswith(f"{p}.")]
    key = _profile_key(profile, order, path) if taken else None
    if key is None:
        return err
    message = err.message
    body = message[len(field) :] if message.startswith(field) else f": {message}"
    order_advice = _ON_ORDER.format(code=err.code)
    if order_advice in body:  # the profile acknowledges its own figures
        here = _IN_PROFILE.format(code=err.code) if err.code in PROFILE_ACKNOWLEDGEABLE else ""
        body = body.replace(order_advice, here)
    body = body.removesuffix(".") + (
        "; the value is the pharmacy profile's: correct it there, or give the order its own."
    )
    return type(err)(
        f"{_where(profile.file, profile.lines, key)}: {key}{body}",
        field=key,
        value=err.value,
        expected=err.expected,
        code=err.code,
    )


def _lot_named(what: str, lot: Any, *names: str) -> str:
    """``what`` with the names and lot of a profile's lot ("filler mcc, lot F-2291")."""
    lot_text = f", lot {lot.lot}" if lot.lot else ""
    return f"{what} {' '.join(names)}{lot_text}"


def _size_code(value: Any) -> str | None:
    try:
        return capsule_size(str(value)).code if value not in (None, "default") else None
    except LdnCompoundError:
        return None


def _compare_capsule_lots(f: _Filler, matched_filler: bool, matched_shells: bool) -> None:
    """The caller's own pack stat, density or shell weight of the profile's filler or shell
    lot, against the profile's (:meth:`_Filler.compare`)."""
    held = f.profile.filler
    if matched_filler and held is not None:
        of = _lot_named("filler", held, held.filler)
        for k, other in (("pack_stat", "density"), ("density", "pack_stat")):
            figure = getattr(held, k)
            f.compare(f"filler.{k}", figure, figure, f"filler.{k}", of)
            # the caller's figure of the other kind sets this one aside: kept, and warned about
            if (
                figure is not None
                and _given(f.doc, f"filler.{other}")
                and not _given(f.doc, f"filler.{k}")
            ):
                f.figures.append(_dumped(profile_figure(f"filler.{k}", figure, f"filler.{k}", of)))
    shells = f.profile.shells
    if not matched_shells or shells is None or shells.weight is None:
        return
    size = _get(f.doc, "shells.size")
    own_size = _size_code(size if size not in (_ABSENT, None, "default") else _get(f.doc, "size"))
    if own_size is not None and own_size == _size_code(shells.size):
        of = _lot_named("shells", shells, shells.material, f"size {own_size}")
        f.compare("shells.weight", shells.weight, shells.weight, "shells.weight", of)


def _fill_capsules(f: _Filler) -> None:
    lot = f.profile.filler
    if lot is not None and _given(f.doc, "filler"):
        doc = f.doc["filler"]
        # a measured pack stat or density is the caller's own if either is given
        if isinstance(doc, Mapping) and (_given(doc, "pack_stat") or _given(doc, "density")):
            lot = attrs.evolve(lot, pack_stat=None, density=None)
    matched = _match_lot(f, "filler", lot, ("filler", "lot"), ("expiry", "pack_stat", "density"))
    matched_filler = matched
    # an acknowledged check covers every figure of its kind in the order: not carried over a
    # density or pack stat the caller gives for the drug material (acknowledged on the order)
    if matched and lot is not None:
        codes = set(f.profile.filler_acknowledged)
        own_density = any(_given(f.doc, f"source.{k}") for k in ("bulk_density", "powder_density"))
        if lot.density is None or own_density:
            codes.discard("density-implausible")
        actives = f.doc.get("additional_actives")
        own_pack = _given(f.doc, "active_pack_stat") or any(
            isinstance(a, Mapping) and _given(a, "pack_stat")
            for a in (actives if isinstance(actives, list) else [])
        )
        if lot.pack_stat is None or own_pack:
            codes.discard("pack-stat-implausible")
        f.acknowledge(frozenset(codes))
    shells = f.profile.shells
    if shells is not None and _given(f.doc, "shells.weight"):  # weighed by the caller
        shells = attrs.evolve(shells, weight=None, size=None)
    matched = _match_lot(f, "shells", shells, ("material", "lot"), ("expiry", "weight", "size"))
    if matched and shells is not None and shells.weight is not None:
        f.acknowledge(f.profile.shells_acknowledged)
    _compare_capsule_lots(f, matched_filler, matched)


def _fill_liquid(f: _Filler, drops: bool) -> None:
    key = _get(f.doc, "vehicle.vehicle.key")
    lots = [v for v in f.profile.vehicles if v.vehicle.key == key]
    lots = [v for v in lots if _same(f.doc, "vehicle.lot", v.lot)]
    if len(lots) == 1:
        for k in ("lot", "expiry"):
            f.fill(f"vehicle.{k}", getattr(lots[0], k))
    elif len(lots) > 1 and not _given(f.doc, "vehicle.lot"):
        raise f.cannot_choose(
            "vehicle.lot",
            f"the pharmacy profile {f.profile.file} holds {len(lots)} lots of {key}",
            ", ".join(str(v.lot) for v in lots),
            "the lot of the vehicle used",
        )
    if not drops:
        _fill_syringe(f)
        return
    if _named_dropper(f, key):
        return
    if _given(f.doc, "calibration"):
        _compare_dropper(f, key)
        return
    if _get(f.doc, "accept_nominal_dropper") is True:
        return
    found = [d for d in f.profile.droppers if d.vehicle == key]
    if len(found) > 1:
        raise f.cannot_choose(
            "calibration",
            f"the pharmacy profile {f.profile.file} holds calibrations of {len(found)} "
            f"droppers with {key}",
            ", ".join(d.calibration.dropper for d in found),
            "the calibration of the dropper dispensed, or its name (one of them) to take the "
            "profile's calibration of it",
        )
    if found:
        f.fill("calibration", found[0].calibration)
        f.acknowledge(found[0].acknowledged)


def _named_dropper(f: _Filler, vehicle_key: Any) -> bool:
    """The caller names a dropper without counting its drops (``calibration`` holds only
    ``dropper``): the profile's calibration of the dropper of that name (compared as
    :func:`same_name` compares) in the order's vehicle is filled in, echoed as the profile's.
    A dropper the profile did not calibrate in that vehicle is left to the order's refusal."""
    cal = _get(f.doc, "calibration")
    if not isinstance(cal, Mapping) or _given(cal, "drops") or _given(cal, "volume"):
        return False
    name = cal.get("dropper")
    for stock in f.profile.droppers:
        if stock.vehicle == vehicle_key and same_name(stock.calibration.dropper, name):
            f.put("calibration", _dumped(stock.calibration))
            f.acknowledge(stock.acknowledged)
            return True
    return False


def _compare_dropper(f: _Filler, vehicle_key: Any) -> None:
    """The caller's own calibration of a dropper the profile calibrated in the same vehicle
    (the dropper's name compared without case), against the profile's (:meth:`_Filler.compare`)."""
    name = _get(f.doc, "calibration.dropper")
    if not isinstance(name, str):
        return
    for number, stock in enumerate(f.profile.droppers, start=1):
        cal = stock.calibration
        if stock.vehicle == vehicle_key and same_name(cal.dropper, name):
            of = f"dropper {cal.dropper!r} in {stock.vehicle}"
            f.compare("calibration", cal, cal, f"droppers[{number}]", of)
            return


def _fill_syringe(f: _Filler) -> None:
    """A liquid's oral syringe, when the caller names none: the profile's only one, or the one
    the library chooses among the profile's by its own rules (``syringe_among``)."""
    stock = f.profile.syringes
    if not stock or _given(f.doc, "syringe"):
        return
    if len(stock) == 1:
        f.fill("syringe", stock[0])
        return
    from ._liquids import syringe_among  # noqa: PLC0415 - only a liquid needs the liquids

    try:
        chosen = syringe_among(load_order(f.doc), stock)
    except LdnCompoundError:
        return  # the order's own refusal comes when it is computed
    if chosen is None:
        raise f.cannot_choose(
            "syringe",
            f"none of the {len(stock)} oral syringes of the pharmacy profile {f.profile.file} "
            "measures one dose on a graduation",
            ", ".join(s.name for s in stock),
            "the oral syringe dispensed, or a concentration that puts one dose on a graduation "
            "of one of them",
            code="profile-no-syringe",
        )
    f.fill("syringe", chosen)


#: The names the library gives a balance the caller does not name: never one balance.
_LIBRARY_BALANCE_NAMES = frozenset(
    {
        _name_key(Balance.class_iii().name),
        *(
            _name_key(str(inspect.signature(make).parameters["name"].default))
            for make in (Balance.documented, Balance.torsion, Balance.usp41)
        ),
    }
)


def _compare_balance(f: _Filler) -> None:
    """The caller's own balance named as one of the profile's (not a name the library gives):
    its readability and minimum weight against the profile's (:meth:`_Filler.compare`)."""
    name = _get(f.doc, "balance.name")
    if not isinstance(name, str) or _name_key(name) in _LIBRARY_BALANCE_NAMES:
        return
    for number, held in enumerate(f.profile.balances, start=1):
        if same_name(held.name, name):
            for k in ("minimum_weight", "readability"):
                figure = getattr(held, k)
                f.compare(
                    f"balance.{k}",
                    figure,
                    figure,
                    f"balances[{number}].{k}",
                    f"balance {held.name!r}",
                )
            return


def _fill_document(doc: dict[str, Any], profile: PharmacyProfile) -> None:
    kind = order_kind(doc.get("schema")).name
    f = _Filler(doc, profile)
    if profile.balances:
        _compare_balance(f)
        f.fill("balance", profile.balances[0])
    _match_tablets(f)
    if kind == "capsules":
        _fill_capsules(f)
    elif kind in ("liquid", "drops"):
        _fill_liquid(f, drops=kind == "drops")
    acks = doc.get("acknowledge")
    acks = list(acks) if isinstance(acks, list) else []
    for code in f.codes:
        if code not in acks:
            acks.append(code)
            f.filled.append(f"acknowledge[{len(acks) - 1}]")
    if f.codes:
        doc["acknowledge"] = acks
    given = doc.get("from_profile")
    doc["from_profile"] = [*(given if isinstance(given, list) else []), *f.filled]
    if f.figures:
        held = doc.get("profile_figures")
        known = (
            {h.get("field") for h in held if isinstance(h, Mapping)}
            if isinstance(held, list)
            else set()
        )
        doc["profile_figures"] = [
            *(held if isinstance(held, list) else []),
            *(figure for figure in f.figures if figure["field"] not in known),
        ]


def apply_profile(order: Any, profile: PharmacyProfile | None) -> Any:
    """``order`` with the profile's values for the fields the caller did not give.

    ``order`` is an order document (a mapping, as :func:`load_order` reads; a field that is
    absent or ``"default"`` is not given) or an order object; the result is of the same kind,
    with every filled field listed in its ``from_profile`` (echoed by the preparation among
    its result's defaults, source "pharmacy profile"). A value the caller gave always wins.

    What is filled: the first balance; for a tablet source, the tablet product whose strength
    is the order's (50 mg unless stated) and whose product, lot and expiry agree with the
    caller's (several: refused, naming them); capsules: the filler and shell lots; liquids and
    drops: the lot of the table vehicle the order names and (drops) the dropper calibrated with
    that vehicle; liquids without a syringe: the profile's oral syringe, or, when it lists
    several, the one the library chooses among them (none that measures the dose: refused,
    naming them). An acknowledgement the profile gave for a figure it fills is added to the
    order's ``acknowledge``.
    """
    if profile is None:
        return order
    if isinstance(order, Mapping):
        doc = copy.deepcopy(dict(order))
        _fill_document(doc, profile)
        return doc
    doc = order_document(order)
    _fill_document(doc, profile)
    return load_order(doc)
