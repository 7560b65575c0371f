"""Reading stored JSON strictly: the machinery of :func:`._records.read_record`.

A stored document is read back only when it is exactly what this library writes: no unknown
or missing field, every value of the expected type. The first refusal is one sentence naming
its path in the document (``result.order.count``); :func:`first_mismatch` finds where data
differs from what the library writes for the value read from it.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from ._errors import InputError, LdnCompoundError, printable

__all__ = ["first_mismatch", "structure_strictly"]


def _path(prefix: str, cattrs_path: str) -> str:
    """``result`` + ``$.order.count`` -> ``result.order.count``."""
    rest = re.sub(r"\[['\"](.*?)['\"]\]", r".\1", cattrs_path.removeprefix("$"))
    if not prefix:
        return rest.lstrip(".")
    return prefix + rest


#: The field names the JSON reader's value hooks give (the path says where the value is).
_HOOK_FIELDS = frozenset({"quantity", "number", "date", "value", "drug"})


def structure_strictly(data: Any, cls: type[Any], prefix: str) -> Any:
    """``data`` as ``cls``; the first refusal is one sentence naming its path in the record."""
    import cattrs  # noqa: PLC0415 - imported with the converter already

    from ._json import converter  # noqa: PLC0415

    try:
        return converter().structure(data, cls)
    except Exception as err:  # noqa: BLE001 - cattrs groups errors; the caller gets one of ours
        inner: list[LdnCompoundError] = []

        def describe(exc: BaseException, type_: Any) -> str:
            return _describe(exc, type_, inner)

        if isinstance(err, cattrs.BaseValidationError):
            first = cattrs.transform_error(err, format_exception=describe)[0]
            sentence, _, where = first.rpartition(" @ ")
        else:
            sentence, where = describe(err, cls), "$"
        path, sentence = _where(data, prefix, where, sentence)
        code = inner[0].code if inner else "not-a-record"
        path = printable(path)
        raise InputError(
            printable(f"{path or 'record'}{sentence}"), field=path or None, code=code
        ) from None


def _describe(exc: BaseException, type_: Any, inner: list[LdnCompoundError]) -> str:
    """The sentence after the path for one error the reader met (the library's own errors are
    collected in ``inner``, for their code)."""
    import cattrs  # noqa: PLC0415 - imported with the converter already

    if isinstance(exc, LdnCompoundError):
        inner.append(exc)
        own = exc.field or ""
        if own and exc.message.startswith(own):
            # a class's own validator names its field below the path; a value's
            # parser gives a generic name (the path already says where it is)
            below = "" if own in _HOOK_FIELDS else f".{own}"
            return below + exc.message[len(own) :]
        return f": {exc.message}"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        names = ", ".join(sorted(repr(k) for k in exc.extra_fields))
        return f" has unknown field(s) {names}; expected only the fields this library writes."
    if isinstance(exc, KeyError):
        return " is missing; expected every field this library writes."
    held = [a for a in typing.get_args(type_) if a is not type(None)]
    if typing.get_origin(type_) in (types.UnionType, typing.Union) and len(held) == 1:
        type_ = held[0]  # an optional field: what it holds when it holds something
    origin = typing.get_origin(type_) or type_
    name = {
        tuple: "a list",
        list: "a list",
        dict: "an object",
        int: "a whole number",
        str: "text",
        bool: "true or false",
    }.get(origin, f"a {getattr(type_, '__name__', type_)} object")
    return f" is not {name} as this library writes it ({type(exc).__name__})."


def _where(data: Any, prefix: str, where: str, sentence: str) -> tuple[str, str]:
    """The path of a refusal in the record, with the part of a validator's own field name
    that lies below it, and the sentence without that part."""
    path = _path(prefix, where) or prefix
    if sentence.startswith("."):
        own = sentence[1:].partition(":")[0].split(" ", 1)[0]
        sentence = sentence[1 + len(own) :]
        below = _below(data, where, own)
        if below:
            path = f"{path}.{below}" if path else below
    return path, sentence


def _below(data: Any, where: str, own: str) -> str:
    """The part of a validator's own field name (``device.graduation``) that is a path below
    ``where`` in ``data`` (``graduation``), or nothing when none of it is."""
    node = data
    for name, index, key in re.findall(r"\.([^.\[]+)|\[(\d+)\]|\[['\"](.*?)['\"]\]", where):
        try:
            node = node[int(index)] if index else node[name or key]
        except (KeyError, IndexError, TypeError):
            return ""
    parts = own.split(".")
    for start in range(len(parts)):
        found, inner = True, node
        for part in parts[start:]:
            if not isinstance(inner, dict) or part not in inner:
                found = False
                break
            inner = inner[part]
        if found:
            return ".".join(parts[start:])
    return ""


def first_mismatch(data: Any, written: Any, path: str) -> tuple[str, Any, Any] | None:  # noqa: PLR0911 - one return per kind of mismatch
    """The first place where ``data`` is not what the library writes for the value read from
    it (``"33"`` for ``33``, ``1`` for ``true``, a missing or an extra key)."""
    if type(data) is not type(written):
        return path, data, written
    if isinstance(data, dict):
        for key in [*data, *(k for k in written if k not in data)]:
            inner = f"{path}.{key}" if path else key
            if key not in data or key not in written:
                return inner, data.get(key, "<absent>"), written.get(key, "<absent>")
            found = first_mismatch(data[key], written[key], inner)
            if found is not None:
                return found
        return None
    if isinstance(data, list):
        if len(data) != len(written):
            return path, f"{len(data)} items", f"{len(written)} items"
        for i, (a, b) in enumerate(zip(data, written, strict=True)):
            found = first_mismatch(a, b, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    return None if data == written else (path, data, written)
