"""Option -> order-document tables: how a preparation command becomes an order document.

Each preparation command declares one table: every option it takes (by its click parameter
name) and where its value goes in the command's order document (docs/interface.md):
``--tablet-weight`` -> ``source.average_weight``. The command builds the document from the
options given (an absent optional field is written ``"default"``, as the document rules
require), loads it with the library's document loader (which reads option text exactly as a
CSV cell) and computes it. The same table names the option in an error: a refusal of
``source.average_weight`` reads ``--tablet-weight: ...``.

A few options describe one object together (a vehicle by table key or by its composition, a
mold calibration); their *group* builds that object with the library's own constructors,
which refuse a bad combination in one sentence naming the options, and writes it at its path
in document form.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

import click

import ldncompound as lc
from ldncompound._documents import DEFAULT, ObjectNode, QuantityNode, TaggedNode, node_for
from ldncompound._orders import order_kind
from ldncompound._units import Dimension


@dataclasses.dataclass(frozen=True)
class To:
    """Where one option's value goes.

    ``path`` is a document path, or a map from the source kind to the path (an option of
    some source kinds only); ``value`` turns the option's value (and the option, to name it in
    a refusal) into the document value (the text as given otherwise; a repeated option gives a
    list); ``required`` completes the
    sentence ``--option is required ...`` when the path is required and the option absent;
    ``also`` are the names the library gives the field when it refuses it while computing;
    ``needed`` says, for the document built, whether ``required`` applies.
    """

    path: str | Mapping[str, str]
    value: Callable[[Any, str], Any] | None = None
    required: str | None = None
    also: tuple[str, ...] = ()
    needed: Callable[[Mapping[str, Any]], bool] | None = None

    def at(self, kind: str | None) -> str | None:
        """The path for an order whose source is ``kind`` (``None``: not for that kind)."""
        if isinstance(self.path, str):
            return self.path
        return self.path.get(kind or "")

    def paths(self) -> tuple[str, ...]:
        return (self.path,) if isinstance(self.path, str) else tuple(self.path.values())


@dataclasses.dataclass(frozen=True)
class Group:
    """Options that describe one object together: ``build`` makes it (or ``None`` when none
    of them is given) from the options, and it goes at ``path`` in document form; ``names``
    maps the library's names of its fields (in refusals) to the options."""

    path: str
    options: tuple[str, ...]
    build: Callable[[dict[str, Any]], Any]
    #: the library's names of the object's fields -> the option that sets each
    names: Mapping[str, str] = dataclasses.field(default_factory=dict)


Entry = To | Group
Table = dict[str, Entry]


def flag(true_value: Any) -> Callable[[Any, str], Any]:
    """A flag option: ``true_value`` when it is given, nothing when not."""
    return lambda given, _option: true_value if given else None


def count(maximum: int) -> Callable[[Any, str], Any]:
    """A whole number, refused above the option's own ``maximum`` (the document's integer)."""
    return lambda given, option: (
        None if given is None else lc.parse_count(given, field=option, maximum=maximum)
    )


def decimal(maximum: int) -> Callable[[Any, str], Any]:
    """A plain number, refused above the option's own ``maximum`` (the document's text)."""

    def read(given: Any, option: str) -> Any:
        if given is not None:
            lc.parse_decimal(
                given, field=option, maximum=lc.parse_decimal(str(maximum), field="max")
            )
        return given

    return read


def ratio(given: Any, option: str) -> Any:
    """A trituration ratio, "1 in 10", "1:10" or "10" (the document's whole number f)."""
    return None if given is None else lc.parse_ratio(given, field=option)


def mass(given: Any, option: str) -> Any:
    """A mass, read first (a dose is the first thing a refusal should be about)."""
    if given is not None:
        lc.mass(given, field=option)
    return given


def strength(given: Any, option: str) -> Any:
    """A strength, "1 mg/mL" or "250 mg/5 mL" (the document's concentration)."""
    if given is None:
        return None
    return QuantityNode(Dimension.CONCENTRATION).dump(
        lc.parse_strength(given, field=option).concentration
    )


def group(entry: Group) -> Table:
    """The table rows of a group: one per option, each naming the group."""
    return dict.fromkeys(entry.options, entry)


def option_flags(command: click.Command) -> dict[str, str]:
    """Parameter name -> the option as written (``tablet_weight`` -> ``--tablet-weight``)."""
    return {
        p.name: max(p.opts, key=len)
        for p in command.params
        if isinstance(p, click.Option) and p.name is not None
    }


def naming(table: Table, flags: Mapping[str, str], kind: str | None) -> dict[str, str]:
    """Document path (and the library's other names of it) -> the option, for messages."""
    out: dict[str, str] = {}
    for name, entry in table.items():
        option = flags.get(name)
        if option is None:
            continue
        if isinstance(entry, Group):
            out.setdefault(entry.path, option)
            for where, name_ in entry.names.items():
                out.setdefault(where, flags[name_])
            continue
        path = entry.at(kind)
        for where in ((path,) if path else ()) + entry.also:
            out.setdefault(where, option)
    return out


def _put(document: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = document
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[last] = value


def _has(document: Mapping[str, Any], path: str) -> tuple[bool, bool]:
    """(whether the object holding ``path`` is in the document, whether ``path`` is)."""
    *parents, last = path.split(".")
    node: Any = document
    for part in parents:
        node = node.get(part) if isinstance(node, Mapping) else None
    return isinstance(node, Mapping), isinstance(node, Mapping) and last in node


def document_form(value: Any) -> Any:
    """A library object in document form."""
    return node_for(type(value)).dump(value)


def _converted(entry: To, given: Any, option: str, kind: str | None) -> Any:
    """The option's value as the document holds it; a refusal names the option, and its
    field is the document path."""
    assert entry.value is not None
    try:
        return entry.value(given, option)
    except lc.InputError as err:
        path = entry.at(kind) or err.field or option
        new = type(err)(
            err.message, field=path, value=err.value, expected=err.expected, code=err.code
        )
        new.option = option  # type: ignore[attr-defined]
        raise new from None


def _put_group(document: dict[str, Any], entry: Group, o: Mapping[str, Any]) -> None:
    built = entry.build(dict(o))
    if isinstance(built, tuple):  # a list of objects (none: the default)
        if built:
            _put(document, entry.path, [document_form(b) for b in built])
    elif built is not None:
        _put(document, entry.path, document_form(built))


def build_document(
    schema: str,
    table: Table,
    o: Mapping[str, Any],
    flags: Mapping[str, str],
    *,
    kind: str | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The order document the options ``o`` describe (``fixed``: paths set by the caller).

    Refuses a required option left out (in table order), then an option of another source
    kind, each in one sentence naming the option.
    """
    document: dict[str, Any] = {"schema": schema}
    done: set[int] = set()
    misplaced: list[tuple[str, To]] = []
    for name, entry in table.items():
        if isinstance(entry, Group):
            if id(entry) not in done:
                done.add(id(entry))
                _put_group(document, entry, o)
            continue
        given = o.get(name)
        value = _converted(entry, given, flags[name], kind) if entry.value is not None else given
        if value is None or value == ():
            continue
        path = entry.at(kind)
        if path is None:
            misplaced.append((name, entry))
            continue
        _put(document, path, list(value) if isinstance(value, tuple) else value)
    for path, value in (fixed or {}).items():
        _put(document, path, value)
    _check_required(document, table, flags, kind)
    for name, entry in misplaced:  # after the missing ones: what the source needs comes first
        option = flags[name]
        kinds = " or ".join(f"--source {k}" for k in entry.path)
        raise lc.InputError(
            f"{option} is for {kinds}; this order's source is {kind}: drop {option} or "
            "change --source.",
            field=option,
            value=o.get(name),
            expected=kinds,
            code="option-not-for-source",
        )
    return document


def _check_required(
    document: dict[str, Any], table: Table, flags: Mapping[str, str], kind: str | None
) -> None:
    for name, entry in table.items():
        if not isinstance(entry, To) or entry.required is None:
            continue
        path = entry.at(kind)
        if path is None:
            continue
        parent, present = _has(document, path)
        if parent and not present and (entry.needed is None or entry.needed(document)):
            option = flags[name]
            why = entry.required.format(kind=kind)
            raise lc.InputError(f"{option} is required {why}.", field=option, expected=why)


def _complete(node: Any, value: Any) -> Any:
    """``value`` with every optional field it leaves out written ``"default"``."""
    if isinstance(node, TaggedNode):
        tag = value.get(node.tag) if isinstance(value, dict) else None
        form = node.forms.get(tag) if isinstance(tag, str) else None
        if form is None:
            return value  # the loader names the missing or unknown tag
        node = form
    if not isinstance(node, ObjectNode) or not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    if node.tag is not None:
        out[node.tag[0]] = value.get(node.tag[0], node.tag[1])
    for f in node.fields:
        if f.name in value:
            out[f.name] = _complete(f.node, value[f.name])
        elif f.optional:
            out[f.name] = DEFAULT
    out.update((k, v) for k, v in value.items() if k not in out)  # refused by the loader
    return out


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """The full order document: every optional field the options left out is ``"default"``."""
    return _complete(order_kind(document["schema"]).node, document)  # type: ignore[no-any-return]


def load(document: dict[str, Any]) -> Any:
    """The order object of a document built from options (counts and flags given as text
    are read as a CSV cell reads them)."""
    full = complete(document)
    return order_kind(full["schema"]).node.load(full, "", textual=True)


def without_index(field: str) -> str:
    """``ingredients[2].amount`` -> ``ingredients[].amount``; ``acknowledge[0]`` -> ``acknowledge``."""
    return re.sub(r"\[[0-9]+\]$", "", re.sub(r"\[[0-9]+\]\.", "[].", field))


def renamed(err: lc.LdnCompoundError, names: Mapping[str, str]) -> lc.LdnCompoundError:
    """``err`` naming the option that sets its field (``option`` holds it), if one does."""
    if getattr(err, "option", None) is not None:
        return err
    field = err.field or ""
    option = names.get(field) or names.get(without_index(field))
    if option is None:
        return err
    message = err.message
    if message.startswith((f"{field}:", f"{field} ")):
        message = option + message[len(field) :]
    new = type(err)(message, field=field, value=err.value, expected=err.expected, code=err.code)
    new.option = option  # type: ignore[attr-defined]
    return new


class renaming:  # noqa: N801 - used as a `with` statement
    """Errors raised inside name the option of their field (see :func:`renamed`)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, _tb: object
    ) -> None:
        if isinstance(err, lc.LdnCompoundError):
            new = renamed(err, self.names)
            if new is not err:
                raise new from None


def parsed(parse: Callable[..., Any]) -> Callable[[Any, str], Any]:
    """An option read by a library parser into an object (or, repeated, a list of them),
    written in document form (``--ingredient "sucralose:10 mg:dv=1.25"``)."""

    def read(given: Any, option: str) -> Any:
        if given is None or given == ():
            return None
        if isinstance(given, tuple):
            return [document_form(parse(text, field=option)) for text in given]
        return document_form(parse(given, field=option))

    return read
