"""The document form of the library's value objects, derived from their attrs classes.

An order document is plain JSON whose shape follows the order class field by field. Each
field's type (and, for a :class:`Quantity`, the dimension in its ``qfield`` metadata)
chooses a *node* below, which loads the JSON value, writes it back, describes it for error
messages and gives its JSON Schema. Amounts are text in the input grammar, parsed with the
library's own parsers using the document path (``source.average_weight``) as the field, so
refusals read exactly like the command line's.

Rules every document follows:

* every field is present; a field the library can default may say ``"default"``;
  ``null`` is never accepted, and unknown fields are refused;
* quantities, decimals and dates are text (``"4.5 mg"``, ``"2"``, ``"2027-06-30"``);
  whole numbers are JSON integers, flags JSON booleans, enums their code, lists arrays;
* a union of classes is tagged by the field they share with a ``Literal`` type (``kind``);
  a class with several constructors is tagged by a registered field (``balance.rule``).

In *textual* mode (CSV cells) whole numbers, flags and lists are read from text as well.
"""

from __future__ import annotations

import abc
import contextvars
import datetime as dt
import enum
import functools
import inspect
import threading
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from ._drug import BUILTIN_DRUGS, Drug, SaltForm
from ._errors import InputError, LdnCompoundError, printable
from ._numbers import plain
from ._parse import (
    UNIT_SPELLINGS,
    Strength,
    parse_count,
    parse_date,
    parse_decimal,
    parse_quantity,
    parse_strength,
)
from ._units import Dimension, Quantity, Unit
from ._validate import DIMENSION, OMITTABLE, text_field

#: the fields of a drug written in an order document (a drug written in full has more)
_DOCUMENT_DRUG = frozenset({"name", "forms", "default_basis"})

_QUANTITIES: dict[tuple[Dimension, Quantity | None, str], Quantity] = {}
_DATES: dict[str, dt.date] = {}
_DECIMALS: dict[str, Decimal] = {}

#: The marker that asks for the library's default (echoed in the result's ``defaults``).
DEFAULT = "default"

#: Largest whole number a document field may hold before the class's own range check.
MAX_COUNT = 100_000

_SPACES = r"[ \u00a0\u202f]*"  # the grammar's spaces, escaped so the schema shows them
_EXAMPLES = {
    Dimension.MASS: "'4.5 mg'",
    Dimension.VOLUME: "'5 mL'",
    Dimension.CONCENTRATION: "'1 mg/mL'",
    Dimension.FRACTION: "'10 %'",
    Dimension.DROPS: "'20 drops'",
    Dimension.DROPS_PER_VOLUME: "'20 drops/mL'",
    Dimension.MASS_PER_DROP: "'0.1 mg/drop'",
}


def _spellings(dimension: Dimension) -> list[str]:
    """The accepted unit spellings of a dimension, longest first (for schema patterns)."""
    found = [s for s, u in UNIT_SPELLINGS.items() if u.dimension is dimension]
    return sorted(found, key=lambda s: (-len(s), s))


def shown_name(name: str) -> str:
    """A key from a document as a message may show it: as written when it is printable and
    short, otherwise escaped and cut (a key may hold a line break or a terminal escape)."""
    if name.isprintable() and len(name) <= 64:
        return name
    return printable(name[:40]) + ("..." if len(name) > 40 else "")


def join(path: str, name: str | int) -> str:
    """``source`` + ``lot`` -> ``source.lot``; ``acknowledge`` + 0 -> ``acknowledge[0]``."""
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


_JSON_TYPES = ((bool, "a boolean"), ((int, float), "a number"), (str, "text"), (list, "an array"))


def json_kind(
    value: Any, names: tuple[tuple[type | tuple[type, ...], str], ...], article: str = ""
) -> str:
    """What kind of JSON value ``value`` is, in the words of ``names`` (the first type it is an
    instance of), else "null" or "an object", else its Python type's name after ``article``."""
    if value is None:
        return "null"
    for types_, name in names:
        if isinstance(value, types_):
            return name
    return "an object" if isinstance(value, dict) else article + type(value).__name__


#: Most texts each cache below remembers; a full cache starts again (memory stays flat).
CACHE_SIZE = 4096


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    """Keep what parsing ``key`` gave (parsing is pure: the same text, the same value)."""
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def _known(cache: dict[Any, Any], key: Any, value: Any, path: str, node: Node) -> Any:
    """What the text ``value`` gave when it was parsed before (under ``key``), else None;
    a value that is not text is refused as not what ``node`` expects."""
    if type(value) is str:
        return cache.get(key)
    if not isinstance(value, str):
        raise _wrong(path, value, node.expected)
    return None  # not parsed yet (or a subclass of str, which is parsed again)


def _wrong(path: str, value: Any, expected: str) -> InputError:
    shown = value if isinstance(value, (str, int, float, bool)) else None
    err = InputError.about(
        path, shown, f"is {json_kind(value, _JSON_TYPES)}", expected, code="wrong-type"
    )
    return typing.cast("InputError", err)


class Defs(dict[str, Any]):
    """The shared definitions of one JSON Schema (``$defs``), and how the nodes name theirs:
    an order embedded in a result schema has its definitions under ``prefix``, and a value
    without a document form there (a drug that is not built in, a balance none of the
    constructors makes) is written in full: ``full(cls)`` is the schema of that form."""

    prefix: str = ""
    full: Callable[[type], dict[str, Any]] | None = None


#: Inside a result (``to_json``, ``from_json``) an order may hold a value that has no document
#: form (a drug that is not built in, a balance none of its constructors makes): the result
#: codec writes it in full and reads it back with these two functions, ``write(value)`` and
#: ``read(cls, data, path)``. An order document given as an order has no such values.
FULL: contextvars.ContextVar[
    tuple[Callable[[Any], Any], Callable[[type, Any, str], Any]] | None
] = contextvars.ContextVar("full", default=None)


def _reserved() -> Any:
    raise InputError("'default' in a text field", code="reserved-word")


class Node(abc.ABC):
    """How one field type appears in a document."""

    @property
    @abc.abstractmethod
    def expected(self) -> str:
        """What a value looks like, for messages (``a date YYYY-MM-DD``)."""

    @abc.abstractmethod
    def load(self, value: Any, path: str, textual: bool) -> Any:
        """The library value for a document value at ``path`` (``textual``: a CSV cell)."""

    @abc.abstractmethod
    def dump(self, value: Any) -> Any:
        """The document value for a library value."""

    @abc.abstractmethod
    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        """The JSON Schema of the document value (shared definitions go into ``defs``)."""

    def columns(self, path: str) -> list[tuple[str, str]]:
        """Flat CSV columns (path, what) this node occupies."""
        return [(path, self.expected)]

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        """Python source writing the value at ``ref`` as :meth:`dump` does, for the dumpers
        :class:`ObjectNode` compiles (names it needs go into ``namespace``)."""
        return f"{_name(namespace, self.dump)}({ref})"


def _name(namespace: dict[str, Any], value: Any) -> str:
    """A fresh name bound to ``value`` in the namespace of a compiled dumper."""
    key = f"_n{len(namespace)}"
    namespace[key] = value
    return key


#: Largest density an order document's density field takes: the classes' own check
#: (``density_field`` in _validate.py) reads densities up to 5 g/mL, above the 1000 mg/mL the
#: grammar allows a drug concentration; a built-in troche base is 1.1 g/mL.
MAX_DENSITY = Quantity(Decimal(5), Unit.G_PER_ML)


@attrs.frozen
class QuantityNode(Node):
    dimension: Dimension
    maximum: Quantity | None = None

    @property
    def expected(self) -> str:
        example = _EXAMPLES.get(self.dimension)
        described = self.dimension.described
        return f"{described} such as {example}" if example else described

    def load(self, value: Any, path: str, textual: bool) -> Quantity:
        # Batches repeat the same amounts ("4.5 mg", "99.5 %") thousands of times: a text the
        # grammar accepted once for this dimension gives the same (immutable) quantity again.
        # The path only names the field in a refusal, and refusals are never remembered.
        key = (self.dimension, self.maximum, value)
        known = _known(_QUANTITIES, key, value, path, self)
        if known is not None:
            return known  # type: ignore[no-any-return]
        parsed = parse_quantity(
            value,
            field=path,
            dimension=self.dimension,
            allow_zero=self.dimension is Dimension.FRACTION,
            maximum=self.maximum,
        )
        return _remember(_QUANTITIES, key, parsed)  # type: ignore[no-any-return]

    def dump(self, value: Quantity) -> str:
        if not value.unit.display:
            value = value.to(value.unit.canonical)
        return f"{plain(value.magnitude)} {value.unit.display}"

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        namespace.setdefault("_plain", plain)
        slow = _name(namespace, self.dump)
        unit = f"{ref}.unit._display"
        return f"(_plain({ref}.magnitude) + ' ' + {unit} if {unit} else {slow}({ref}))"

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        if self.dimension is Dimension.CONCENTRATION:  # read as a strength ('250 mg/5 mL')
            return StrengthNode().schema(defs) | {"description": self.expected + _GRAMMAR}
        units = "|".join(_spellings(self.dimension))
        return {
            "type": "string",
            "maxLength": 64,
            "pattern": f"^{_SPACES}[0-9]+(\\.[0-9]+)?{_SPACES}({units}){_SPACES}$",
            "description": self.expected + _GRAMMAR,
        }


_GRAMMAR = ", in the input grammar (docs/units.md)"


@attrs.frozen
class StrengthNode(Node):
    @property
    def expected(self) -> str:
        return "a strength such as '1 mg/mL' or '250 mg/5 mL'"

    def load(self, value: Any, path: str, textual: bool) -> Strength:
        if not isinstance(value, str):
            raise _wrong(path, value, self.expected)
        return parse_strength(value, field=path)

    def dump(self, value: Strength) -> str:
        return str(value)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        number = "[0-9]+(\\.[0-9]+)?"
        mass = "|".join(_spellings(Dimension.MASS))
        volume = "|".join(_spellings(Dimension.VOLUME))
        return {
            "type": "string",
            "maxLength": 64,
            "pattern": f"^{_SPACES}{number}{_SPACES}({mass}){_SPACES}/{_SPACES}"
            f"({number}{_SPACES})?({volume}){_SPACES}$",
            "description": self.expected + _GRAMMAR,
        }


#: Longest text a document's ``source`` field holds: the library's own citations (a built-in
#: syringe's or vehicle's source) run past the 200 characters of other text fields, and an
#: order the library wrote must load back (issue 16: a result's order is an order document).
MAX_SOURCE_LENGTH = 1000


@attrs.frozen
class TextNode(Node):
    max_length: int = 200

    @property
    def expected(self) -> str:
        return "text"

    def load(self, value: Any, path: str, textual: bool) -> str:
        if not isinstance(value, str):
            raise _wrong(path, value, "text")
        text_field(path, self.max_length)(None, None, value)
        return value

    def dump(self, value: str) -> str:
        return value

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        # a text field that says "default" has no document form: the slow path names it
        return f"({ref} if {ref} != {DEFAULT!r} else _reserved())"

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "string", "minLength": 1, "maxLength": self.max_length}


@attrs.frozen
class CountNode(Node):
    @property
    def expected(self) -> str:
        return "a whole number such as 30"

    def load(self, value: Any, path: str, textual: bool) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise _wrong(path, value, self.expected)
        if isinstance(value, str) and not textual:
            raise _wrong(path, value, "a whole number written as a JSON number, such as 30")
        return parse_count(value, field=path, maximum=MAX_COUNT)

    def dump(self, value: int) -> int:
        return value

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        return ref

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1, "maximum": MAX_COUNT}


@attrs.frozen
class DecimalNode(Node):
    @property
    def expected(self) -> str:
        return "a plain number written as text, such as '2'"

    def load(self, value: Any, path: str, textual: bool) -> Decimal:
        known = _known(_DECIMALS, value, value, path, self)
        if known is not None:
            return known  # type: ignore[no-any-return]
        return _remember(_DECIMALS, value, parse_decimal(value, field=path))  # type: ignore[no-any-return]

    def dump(self, value: Decimal) -> str:
        return plain(value)

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        namespace.setdefault("_plain", plain)
        return f"_plain({ref})"

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "string", "maxLength": 64, "pattern": "^[0-9]+(\\.[0-9]+)?$"}


@attrs.frozen
class DateNode(Node):
    @property
    def expected(self) -> str:
        return "a date YYYY-MM-DD"

    def load(self, value: Any, path: str, textual: bool) -> dt.date:
        known = _known(_DATES, value, value, path, self)
        if known is not None:
            return known  # type: ignore[no-any-return]
        return _remember(_DATES, value, parse_date(value, field=path))  # type: ignore[no-any-return]

    def dump(self, value: dt.date) -> str:
        return value.isoformat()

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        return f"{ref}.isoformat()"

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


@attrs.frozen
class BoolNode(Node):
    @property
    def expected(self) -> str:
        return "true or false"

    def load(self, value: Any, path: str, textual: bool) -> bool:
        if textual and value in ("true", "false"):
            return bool(value == "true")
        if not isinstance(value, bool):
            raise _wrong(path, value, self.expected)
        return value

    def dump(self, value: bool) -> bool:
        return value

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        return ref

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "boolean"}


@attrs.frozen
class EnumNode(Node):
    cls: type[enum.Enum]

    @property
    def expected(self) -> str:
        return "one of " + ", ".join(str(m.value) for m in self.cls)

    def load(self, value: Any, path: str, textual: bool) -> enum.Enum:
        if isinstance(value, str):
            for member in self.cls:
                if member.value == value:
                    return member
            raise InputError.about(
                path, value, "is not a known code", self.expected, code="unknown-code"
            )
        raise _wrong(path, value, self.expected)

    def dump(self, value: enum.Enum) -> Any:
        return value.value

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        return f"{ref}.value"

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"enum": [m.value for m in self.cls]}


@attrs.frozen
class DrugNode(Node):
    """A built-in drug by its name, or any other drug as an object (name, forms, profile)."""

    @property
    def expected(self) -> str:
        return "a built-in drug: " + ", ".join(sorted(BUILTIN_DRUGS))

    @functools.cached_property
    def _object(self) -> ObjectNode:
        # a drug in a document: its name, its forms and the basis doses are stated in (no dose
        # profile: the library warns that no dose-range check was made)
        return ObjectNode(
            "Drug",
            Drug,
            (
                Field("name", TextNode(), optional=False),
                Field("forms", ListNode(_salt_form_node()), optional=False),
                Field("default_basis", TextNode(), optional=False),
            ),
        )

    def load(self, value: Any, path: str, textual: bool) -> Drug:
        full = FULL.get()
        if isinstance(value, dict) and full is not None and value.keys() != _DOCUMENT_DRUG:
            return full[1](Drug, value, path)  # type: ignore[no-any-return]  # in full, in a result
        if isinstance(value, dict):
            drug: Drug = self._object.load(value, path, textual)
            if drug.name.casefold() in {n.casefold() for n in BUILTIN_DRUGS}:
                raise InputError.about(
                    join(path, "name"),
                    drug.name,
                    "is the name of a built-in drug, whose forms and dose range the library holds",
                    f"the drug's name as text ({drug.name!r}) to use the built-in drug",
                    code="builtin-drug-redefined",
                )
            return drug
        if not isinstance(value, str):
            raise _wrong(path, value, self.expected)
        builtin = BUILTIN_DRUGS.get(value)
        if builtin is None:
            raise InputError.about(
                path, value, "is not a built-in drug", self.expected, code="unknown-drug"
            )
        return builtin

    def dump(self, value: Drug) -> Any:
        if BUILTIN_DRUGS.get(value.name) == value:
            return value.name
        if value.profile is None and value.water_solubility is None:
            return self._object.dump(value)  # its document form: name, forms, default basis
        full = FULL.get()
        if full is not None:  # inside a result: written in full, read back exactly
            return full[0](value)
        raise InputError.about(
            "drug",
            value.name,
            "has a dose profile or solubility, which a document cannot hold",
            "a built-in drug, or a drug given by its name and forms only",
        )

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        names = {"enum": sorted(BUILTIN_DRUGS)}
        forms: list[dict[str, Any]] = [names, self._object.schema(defs)]
        full = defs.full if isinstance(defs, Defs) else None
        return {"anyOf": forms if full is None else [*forms, full(Drug)]}


@attrs.frozen
class _WaterNode(CountNode):
    """Molecules of crystal water: a whole number, zero for a water-free form."""

    def load(self, value: Any, path: str, textual: bool) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(path, value, "a whole number written as a JSON number, such as 2")
        return parse_count(value, field=path, maximum=12, allow_zero=True)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0, "maximum": 12}


def _salt_form_node() -> ObjectNode:
    """A drug's form in a document: key, names, molar mass, its water-free form and water."""
    text = TextNode()
    return ObjectNode(
        "SaltForm",
        SaltForm,
        (
            Field("key", text, optional=False),
            Field("name", text, optional=False),
            Field("short_name", text, optional=False),
            Field("molar_mass", DecimalNode(), optional=False),
            Field("anhydrous", text, optional=True),
            Field("water", _WaterNode(), optional=False),
            Field("source", text, optional=True, omittable=True),
        ),
    )


@attrs.frozen
class ListNode(Node):
    item: Node

    @property
    def flat(self) -> bool:
        """Whether a CSV cell can hold the list (items separated by ';'): not of objects."""
        return not isinstance(self.item, (ObjectNode, TaggedNode))

    @property
    def expected(self) -> str:
        return f"a list of {self.item.expected}"

    def load(self, value: Any, path: str, textual: bool) -> tuple[Any, ...]:
        if textual and isinstance(value, str):
            value = [] if value.strip() == "[]" else [v.strip() for v in value.split(";")]
        if not isinstance(value, list):
            raise _wrong(path, value, f"{self.expected} (a JSON array)")
        return tuple(self.item.load(v, join(path, i), textual) for i, v in enumerate(value))

    def dump(self, value: tuple[Any, ...]) -> list[Any]:
        return [self.item.dump(v) for v in value]

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        item = f"_x{len(namespace)}"
        namespace[item] = None  # reserves the name
        return f"[{self.item.dump_expr(item, namespace)} for {item} in {ref}]"

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema(defs)}

    def columns(self, path: str) -> list[tuple[str, str]]:
        return [(path, f"{self.item.expected} items separated by ';', or [] for none")]


@attrs.frozen
class Field:
    """One field of a document object: its node and whether ``"default"`` is allowed."""

    name: str
    node: Node
    optional: bool
    #: may be absent (then the class's empty default), and is not written while empty
    omittable: bool = False

    @property
    def hint(self) -> str:
        """What the field takes, for a refusal: its node's values, or 'default' if allowed."""
        return f"{self.node.expected}, or 'default'" if self.optional else self.node.expected


@attrs.frozen(eq=False)
class ObjectNode(Node):
    """A JSON object built by ``build(**fields)``: an attrs class or one of its constructors.

    ``tag`` is the (field, value) pair that selected this form inside a union; it must be in
    the document but is not passed to ``build`` (the class's own default holds it).
    """

    title: str
    build: Callable[..., Any]
    fields: tuple[Field, ...]
    tag: tuple[str, str] | None = None
    #: path -> the document path of each field under it (built once per path, bounded)
    _wheres: dict[str, tuple[str, ...]] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def expected(self) -> str:
        return "an object"

    @functools.cached_property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    @functools.cached_property
    def omitted(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.omittable)

    @functools.cached_property
    def _allowed(self) -> frozenset[str]:
        return self.names | ({self.tag[0]} if self.tag is not None else set())

    def _paths(self, path: str) -> tuple[str, ...]:
        wheres = self._wheres.get(path)
        if wheres is None:
            if len(self._wheres) >= CACHE_SIZE:
                self._wheres.clear()
            wheres = self._wheres[path] = tuple(join(path, f.name) for f in self.fields)
        return wheres

    def load(self, value: Any, path: str, textual: bool) -> Any:
        if not isinstance(value, dict):
            raise _wrong(path or "document", value, "a JSON object")
        if not self._allowed.issuperset(value):
            self._refuse_unknown(value, path)
        kwargs = self._load_fields(value, path, textual)
        try:
            return self.build(**kwargs)
        except LdnCompoundError as err:
            raise self._relocate(err, path, value) from None

    def _refuse_unknown(self, value: dict[str, Any], path: str) -> None:
        """Refuse the first key of ``value`` that is not a field of this object."""
        for key in value:
            if key not in self._allowed:
                raise InputError.about(
                    join(path, shown_name(key)),
                    None,
                    f"is not a field of {self._what(path)}",
                    "only the fields " + ", ".join(f.name for f in self.fields),
                    code="unknown-field",
                )

    def _load_fields(self, value: dict[str, Any], path: str, textual: bool) -> dict[str, Any]:
        """The keyword arguments of ``build``: every field loaded by its node, a field that
        says "default" (or an omittable one left out) not passed, so the class's default holds."""
        kwargs: dict[str, Any] = {}
        for f, where in zip(self.fields, self._paths(path), strict=True):
            name = f.name
            if name not in value:
                if f.omittable:
                    continue
                raise InputError.about(where, None, "is missing", f.hint, code="missing-field")
            v = value[name]
            if v == DEFAULT and isinstance(v, str):
                if not f.optional:
                    raise InputError.about(
                        where, v, "has no default", f.node.expected, code="no-default"
                    )
                continue  # the class's own default (None: resolved and echoed by the library)
            if v is None:
                raise InputError.about(where, None, "is null", f.hint, code="null")
            kwargs[name] = f.node.load(v, where, textual)
        return kwargs

    def _what(self, path: str) -> str:
        where = path or "the order"
        return f"{where} ({self.tag[0]} {self.tag[1]!r})" if self.tag else where

    def _relocate(self, err: LdnCompoundError, path: str, raw: dict[str, Any]) -> InputError:
        """Name the document path of a refusal raised by the class itself.

        Classes name fields in the library's terms (``tablets.average_weight``, ``form``);
        the document's name is found from the field name with or without its prefix, or
        else from the field whose value the error quotes.
        """
        field = err.field or ""
        head, _, rest = field.partition(".")
        target: str | None = None
        if "[" in head and head.split("[")[0] in self.names:  # an item of a list field
            target = field
        elif rest and rest.split(".")[0] in self.names:
            target = rest
        elif head in self.names:
            target = field
        else:
            matches = [n for n in self.names if isinstance(raw.get(n), str) and raw[n] == err.value]
            if len(matches) == 1:
                target = matches[0]
        where = join(path, target) if target else (path or field or "document")
        message = err.message
        if field and message.startswith((f"{field}:", f"{field} ")):
            message = where + message[len(field) :]
        elif where != field:
            message = f"{where}: {message}"
        cls = type(err) if isinstance(err, InputError) else InputError
        return cls(message, field=where, value=err.value, expected=err.expected, code=err.code)

    @functools.cached_property
    def _compiled(self) -> Callable[[Any], dict[str, Any]]:
        """:meth:`dump` as one generated function (a result writes its order with it, on the
        batch path): a dict display of the fields, each written by its node's expression."""
        namespace: dict[str, Any] = {"_reserved": _reserved}
        entries = [f"{self.tag[0]!r}: {self.tag[1]!r}"] if self.tag is not None else []
        for f in self.fields:
            ref = f"o.{f.name}"
            expr = f.node.dump_expr(ref, namespace)
            if f.omittable:  # left out while empty, as in _dump_fields
                entries.append(f"**({{{f.name!r}: {expr}}} if {ref} else {{}})")
            else:
                entries.append(f"{f.name!r}: ({DEFAULT!r} if {ref} is None else {expr})")
        source = f"def dump(o):\n    return {{{', '.join(entries)}}}\n"
        code = compile(source, f"<ldncompound document writer for {self.title}>", "exec")
        exec(code, namespace)  # noqa: S102 - source generated above from the node's fields
        return namespace["dump"]  # type: ignore[no-any-return]

    def dump(self, value: Any) -> dict[str, Any]:
        try:
            return self._compiled(value)
        except Exception:  # noqa: BLE001 - the field-by-field path below names the refusal
            return self._dump_fields(value)

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        return f"{_name(namespace, self._compiled)}({ref})"

    def _dump_fields(self, value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.tag is not None:
            out[self.tag[0]] = self.tag[1]
        for f in self.fields:
            v = getattr(value, f.name)
            if f.omittable and not v:
                continue
            if v == DEFAULT and isinstance(v, str):
                raise InputError.about(
                    f.name,
                    v,
                    "cannot be written in a document, where 'default' asks for the library's default",
                    "any other text",
                    code="reserved-word",
                )
            try:
                out[f.name] = DEFAULT if v is None else f.node.dump(v)
            except InputError as err:  # name the nested field by its path from here
                where = join(f.name, err.field or "")
                raise type(err)(
                    where + err.message.removeprefix(err.field or ""),
                    field=where,
                    value=err.value,
                    expected=err.expected,
                    code=err.code,
                ) from None
        return out

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        name = (defs.prefix if isinstance(defs, Defs) else "") + self.title
        if name not in defs:
            defs[name] = {}  # reserve the name first: classes may nest themselves
            props: dict[str, Any] = {}
            if self.tag is not None:
                props[self.tag[0]] = {"const": self.tag[1]}
            for f in self.fields:
                s = f.node.schema(defs)
                props[f.name] = {"anyOf": [s, {"const": DEFAULT}]} if f.optional else s
            defs[name] = {
                "type": "object",
                "properties": props,
                "required": [k for k in props if k not in self.omitted],
                "additionalProperties": False,
            }
        return {"$ref": f"#/$defs/{name}"}

    def columns(self, path: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.tag is not None:
            out.append((join(path, self.tag[0]), f"'{self.tag[1]}'"))
        for f in self.fields:
            if f.omittable and isinstance(f.node, ListNode) and not f.node.flat:
                continue  # a list of objects has no flat form: documents only
            where = join(path, f.name)
            if isinstance(f.node, (ObjectNode, TaggedNode)):
                if f.optional:
                    out.append((where, "'default' (and the object's own columns empty)"))
                out.extend(f.node.columns(where))
            else:
                ((col, what),) = f.node.columns(where)
                what = f"{what}, or 'default'" if f.optional else what
                # a field added after the schema was published: a file may leave the column out
                out.append((col, f"{what}; the column may be left out" if f.omittable else what))
        return out


@attrs.frozen(eq=False)
class TaggedNode(Node):
    """One of several object forms, chosen by the value of a tag field."""

    tag: str
    forms: Mapping[str, ObjectNode]
    pick: Callable[[Any], dict[str, Any]] | None = None
    #: the class of a value written by its constructors (``pick``), for its full form
    cls: type | None = None

    @property
    def expected(self) -> str:
        return f"an object with {self.tag} " + ", ".join(repr(k) for k in self.forms)

    def load(self, value: Any, path: str, textual: bool) -> Any:
        if not isinstance(value, dict):
            raise _wrong(path, value, self.expected)
        cls, full = self.cls, FULL.get()
        if full is not None and cls is not None and _written_in_full(cls, value):
            return full[1](cls, value, path)  # a value written in full, in a result
        where = join(path, self.tag)
        if self.tag not in value:
            raise InputError.about(
                where, None, "is missing", "one of " + ", ".join(self.forms), code="missing-field"
            )
        tag = value[self.tag]
        form = self.forms.get(tag) if isinstance(tag, str) else None
        if form is None:
            raise InputError.about(
                where,
                tag,
                f"is not a known {self.tag}",
                "one of " + ", ".join(self.forms),
                code="unknown-code",
            )
        return form.load(value, path, textual)

    def dump(self, value: Any) -> dict[str, Any]:
        if self.pick is not None:
            return self.pick(value)
        for form in self.forms.values():  # the form of the value's class (its tag says so)
            if form.build is type(value):
                return form.dump(value)
        raise TypeError(f"no document form for {value!r}")  # pragma: no cover

    def dump_expr(self, ref: str, namespace: dict[str, Any]) -> str:
        if self.pick is not None:
            return super().dump_expr(ref, namespace)
        forms = {form.build: form._compiled for form in self.forms.values()}  # noqa: SLF001
        return f"{_name(namespace, forms)}[type({ref})]({ref})"

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        forms = [f.schema(defs) for f in self.forms.values()]
        full = defs.full if isinstance(defs, Defs) else None
        if full is not None and self.cls is not None:
            forms.append(full(self.cls))
        return {"oneOf": forms}

    def columns(self, path: str) -> list[tuple[str, str]]:
        tag = join(path, self.tag)
        found: dict[str, dict[str, list[str]]] = {tag: {" or ".join(map(repr, self.forms)): []}}
        for key, form in self.forms.items():
            for col, what in form.columns(path):
                if col != tag:
                    found.setdefault(col, {}).setdefault(what, []).append(key)
        out = []
        for col, whats in found.items():
            kinds = [k for ks in whats.values() for k in ks]
            if len(whats) == 1 and (col == tag or len(kinds) == len(self.forms)):
                out.append((col, next(iter(whats))))
            else:
                out.append((col, "; ".join(f"{' or '.join(ks)}: {w}" for w, ks in whats.items())))
        return out


# --- building nodes from types ----------------------------------------------------------------

_lock = threading.RLock()
_NODES: dict[Any, Node] = {}
#: classes with several constructors: class -> (tag field, {tag: factory})
_VARIANTS: dict[type, tuple[str, dict[str, Callable[..., Any]]]] = {}


def register_variants(cls: type, tag: str, factories: dict[str, Callable[..., Any]]) -> None:
    """Give ``cls`` a document form per constructor, chosen by ``tag`` (``balance.rule``).

    Each factory's keyword parameters are the form's fields; their types come from its
    annotations and a Quantity's dimension from the class field of the same name.
    """
    with _lock:
        _VARIANTS[cls] = (tag, factories)
        _NODES.pop(cls, None)


def _is_union(tp: Any) -> bool:
    return isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union


def _literal_tag(cls: type) -> tuple[str, str] | None:
    hints = typing.get_type_hints(cls)
    for f in attrs.fields(cls):
        if typing.get_origin(hints[f.name]) is Literal:
            (value,) = typing.get_args(hints[f.name])
            return f.name, value
    return None


def _field_node(tp: Any, metadata: Mapping[Any, Any], where: str) -> tuple[Node, bool]:
    """The node for an annotation, and whether ``None`` is among its types."""
    optional = False
    if _is_union(tp):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = len(args) < len(typing.get_args(tp))
        if len(args) > 1:
            return _union_node(tuple(args), where), optional
        tp = args[0]
    if tp is str and where.endswith(".source"):
        return TextNode(MAX_SOURCE_LENGTH), optional
    if tp is Quantity:
        dimension = metadata.get(DIMENSION)
        if not isinstance(dimension, Dimension):
            raise TypeError(f"{where} is a Quantity without a declared dimension (use qfield)")
        if dimension is Dimension.CONCENTRATION and where.endswith("density"):
            return QuantityNode(dimension, MAX_DENSITY), optional
        return QuantityNode(dimension), optional
    return node_for(tp, where), optional


def _union_node(classes: tuple[Any, ...], where: str) -> TaggedNode:
    forms: dict[str, ObjectNode] = {}
    tag_field = None
    for cls in classes:
        tag = _literal_tag(cls) if attrs.has(cls) else None
        if tag is None or (tag_field is not None and tag[0] != tag_field):
            raise TypeError(f"{where}: a union needs attrs classes tagged by one Literal field")
        tag_field = tag[0]
        forms[tag[1]] = _object_node(cls, tag)
    if tag_field is None:  # pragma: no cover - unions have at least two members
        raise TypeError(where)
    return TaggedNode(tag_field, forms)


def _object_node(cls: type, tag: tuple[str, str] | None = None) -> ObjectNode:
    hints = typing.get_type_hints(cls)
    fields = []
    for a in attrs.fields(cls):
        if tag is not None and a.name == tag[0]:
            continue
        node, _ = _field_node(hints[a.name], a.metadata, f"{cls.__name__}.{a.name}")
        fields.append(
            Field(
                a.name,
                node,
                optional=a.default is not attrs.NOTHING,
                omittable=bool(a.metadata.get(OMITTABLE)),
            )
        )
    return ObjectNode(cls.__name__, cls, tuple(fields), tag)


@functools.cache
def _names_of(cls: type) -> frozenset[str]:
    return frozenset(a.name for a in attrs.fields(cls))


def _written_in_full(cls: type, value: dict[str, Any]) -> bool:
    """Whether ``value`` holds every field of ``cls`` (an omittable one may be left out)."""
    omittable = frozenset(a.name for a in attrs.fields(cls) if a.metadata.get(OMITTABLE))
    return _names_of(cls) - omittable <= value.keys() <= _names_of(cls)


def _builds(form: ObjectNode, params: dict[str, Any], value: Any) -> bool:
    """Whether the constructor of ``form`` makes ``value`` from its own fields."""
    try:
        return bool(form.build(**params) == value)
    except LdnCompoundError:  # a value the constructor refuses was not made by it
        return False


def _variant_node(cls: type) -> TaggedNode:
    tag, factories = _VARIANTS[cls]
    metadata = {a.name: a.metadata for a in attrs.fields(cls)}
    forms: dict[str, ObjectNode] = {}
    for key, factory in factories.items():
        hints = typing.get_type_hints(factory)
        fields = []
        for p in inspect.signature(factory).parameters.values():
            node, _ = _field_node(
                hints[p.name], metadata.get(p.name, {}), f"{cls.__name__}.{p.name}"
            )
            fields.append(
                Field(
                    p.name,
                    node,
                    optional=p.default is not inspect.Parameter.empty,
                    omittable=bool(metadata.get(p.name, {}).get(OMITTABLE)),
                )
            )
        forms[key] = ObjectNode(f"{cls.__name__}-{key}", factory, tuple(fields), (tag, key))

    chosen: dict[Any, ObjectNode] = {}  # value -> its form (building each form is not free)

    def pick(value: Any) -> dict[str, Any]:
        known = chosen.get(value)
        if known is not None:
            return known.dump(value)
        for form in forms.values():
            params = {f.name: getattr(value, f.name) for f in form.fields}
            unset = any(params[f.name] is None and not f.omittable for f in form.fields)
            if not unset and _builds(form, params, value):
                _remember(chosen, value, form)
                return form.dump(value)
        full = FULL.get()
        if full is not None:  # inside a result: written in full
            return full[0](value)  # type: ignore[no-any-return]
        raise InputError.about(
            cls.__name__.lower(), None, "matches none of its document forms", ", ".join(forms)
        )

    return TaggedNode(tag, forms, pick, cls)


#: types whose node is one of the fixed nodes above (Drug and Strength are attrs classes, but a
#: document names a built-in drug and writes a strength as text: "250 mg/5 mL")
_FIXED_NODES: dict[Any, Callable[[], Node]] = {
    Drug: DrugNode,
    Strength: StrengthNode,
    str: TextNode,
    bool: BoolNode,
    int: CountNode,
    Decimal: DecimalNode,
    dt.date: DateNode,
}


def _new_node(tp: Any, where: str) -> Node:
    """The document node for a type not built yet."""
    fixed = _FIXED_NODES.get(tp)
    if fixed is not None:
        return fixed()
    if tp in _VARIANTS:
        return _variant_node(tp)
    if isinstance(tp, type) and attrs.has(tp):
        return _object_node(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return EnumNode(tp)
    if typing.get_origin(tp) is tuple and typing.get_args(tp)[1:] == (Ellipsis,):
        return ListNode(node_for(typing.get_args(tp)[0], where))
    raise TypeError(f"{where or tp}: no document form for {tp!r}")


def node_for(tp: Any, where: str = "") -> Node:
    """The document node for a type (attrs classes and variants are built once, cached)."""
    cached = _NODES.get(tp)
    if cached is not None:
        return cached
    with _lock:
        node = _new_node(tp, where)
        _NODES[tp] = node
        return node
