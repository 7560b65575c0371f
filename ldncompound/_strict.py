"""The library's one strict JSON reader: :func:`read_json`.

Every JSON text the library reads (order documents and batch lines, results, labels, order
templates, stored records) goes through it. It refuses what JSON does not mean or what
cannot be told apart: bytes that are not UTF-8, a key given twice in one object, NaN and
infinities, text nested too deeply or numbers too long to read. Documents the library wrote
itself (records) are read ``exact``: floats and over-long integers are refused too, naming
their path, because the library never writes them.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs

from ._errors import InputError, printable

# --- the strict JSON reader ---------------------------------------------------------------------

#: Longest integer a document the library wrote can hold (a count, a number of a weighing):
#: anything longer is refused before Python turns it into an int.
MAX_INTEGER_DIGITS = 18

_NUMBERISH = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


class _Pairs(list[tuple[str, Any]]):
    """An object as the parser met it: its pairs in order, duplicates kept (checked later)."""


@attrs.frozen
class _Refused:
    """A number the parser met that a document the library wrote never holds."""

    text: str
    problem: str


def _refuse_constant(name: str) -> _Refused:
    return _Refused(name, "is not a JSON number (NaN and infinities are not numbers)")


def _refuse_float(text: str) -> _Refused:
    return _Refused(text, "is a JSON number with a fraction or an exponent")


def _parse_int(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _Refused(text[:24] + "...", f"has more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


def _shown_key(key: str) -> str:
    if key.isprintable() and len(key) <= 64:
        return key
    return printable(key[:40]) + ("..." if len(key) > 40 else "")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InputError.about(
                    _shown_key(key),
                    None,
                    "appears twice in one JSON object (which one is meant is unknowable)",
                    "each field once",
                    code="duplicate-field",
                )
            seen.add(key)
    return out


def _constant(name: str) -> Any:
    raise InputError(
        f"the document contains {name}, which is not JSON; expected numbers as text.",
        value=name,
        expected="JSON",
        code="bad-json",
    )


#: The UTF-8 byte-order mark: an encoding signature some editors (Windows Notepad) write at the
#: start of a file, never a part of the document. Every reader skips one at the start of a
#: document (:func:`read_json`: a result, label, record, order or JSON Lines record; the
#: profile reader; a batch input), and only there.
BOM = "\ufeff"


def without_bom(text: str) -> str:
    """``text`` without the byte-order mark an editor may have written at its start."""
    return text.removeprefix(BOM)


def decode(raw: bytes, what: str, field: str | None = None) -> str:
    """UTF-8 bytes to text; anything else is refused whole (nothing is guessed)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _located(
            InputError(
                f"the {what} is not UTF-8 (byte {err.start + 1}: {err.reason}); "
                "nothing in it was read.",
                expected="UTF-8 text",
                code="bad-encoding",
            ),
            field,
        ) from None


def _located(err: InputError, field: str | None) -> InputError:
    if field is None:
        return err
    return InputError.located(err, field, err.value)


def read_json(
    raw: bytes | str, *, what: str = "document", field: str | None = None, exact: bool = False
) -> Any:
    """JSON data from UTF-8 bytes or text: the library's one strict JSON reader.

    Always refuses bytes that are not UTF-8 (``bad-encoding``), malformed JSON, JSON nested
    too deeply and integers too long to read (``bad-json``), and a key given twice in one
    object (``duplicate-field``: which value is meant is unknowable). A UTF-8 byte-order mark
    at the start is skipped, as every reader of the library skips it. ``NaN`` and
    ``Infinity`` are not JSON (``bad-json``). With ``exact`` (a document this library wrote:
    a record) it refuses as well, naming the path, everything :func:`plain_data` refuses:
    floats, NaN and infinities (``not-a-number``), integers of more than
    :data:`MAX_INTEGER_DIGITS` digits, numbers in digits other than ASCII 0-9. ``what``
    names the input in a sentence (``the document``); ``field``, when given, starts every
    sentence and is the refusal's field (``RECORD``).
    """
    text = without_bom(decode(raw, what, field) if isinstance(raw, bytes) else raw)
    try:
        if exact:
            data = json.loads(
                text,
                object_pairs_hook=_Pairs,
                parse_constant=_refuse_constant,
                parse_float=_refuse_float,
                parse_int=_parse_int,
            )
        else:
            return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except json.JSONDecodeError as err:
        # Python's own hint ("decode using utf-8-sig") for a second mark is not the library's
        problem = (
            "a second byte-order mark" if err.msg.startswith("Unexpected UTF-8 BOM") else err.msg
        )
        raise _located(
            InputError(
                f"the document is not valid JSON: {problem} at line {err.lineno} column {err.colno}.",
                expected="one JSON object",
                code="bad-json",
            ),
            field,
        ) from None
    except (RecursionError, ValueError) as err:
        if isinstance(err, InputError):
            raise _located(err, field) from None
        reason = (
            "it is nested too deeply"
            if isinstance(err, RecursionError)
            else "a number in it has more digits than can be read"
        )
        raise _located(
            InputError(
                f"the document cannot be read as JSON ({reason}).", expected="JSON", code="bad-json"
            ),
            field,
        ) from None
    return plain_data(data, what=field or what)


def loads_strict(text: str | bytes, *, what: str) -> Any:
    """:func:`read_json` of a document this library wrote (``exact``), every refusal
    starting with ``what`` (``RECORD``)."""
    return read_json(text, field=what, exact=True)


def _strict_error(what: str, path: str, value: Any, problem: str, expected: str, code: str) -> Any:
    where = ": ".join(x for x in (what, path) if x) or "the document"
    return InputError(
        f"{where}: {printable(repr(value))} {problem}; expected {expected}.",
        field=path or what or None,
        value=value,
        expected=expected,
        code=code,
    )


def plain_data(data: Any, *, what: str, path: str = "") -> Any:
    """``data`` checked to be plain JSON as this library writes it, with objects from
    :func:`read_json` turned into dicts: refuses, naming the path, a duplicate or
    non-text key, a float (NaN, infinities, ``4.5``), an integer of more than
    :data:`MAX_INTEGER_DIGITS` digits, a number written in digits other than ASCII 0-9,
    and any value that is not text, a whole number, a boolean, null, a list or an object."""
    try:
        return _plain(data, what, path)
    except RecursionError:
        raise InputError(
            f"{what}: nested too deeply to be a document this library wrote.",
            field=what,
            expected="a document this library wrote",
            code="too-deep",
        ) from None


def _plain(data: Any, what: str, path: str) -> Any:
    if isinstance(data, (_Pairs, dict)):
        return _plain_object(data, what, path)
    if isinstance(data, list):
        return [_plain(v, what, f"{path}[{i}]") for i, v in enumerate(data)]
    return _plain_scalar(data, what, path)


def _plain_object(data: Any, what: str, path: str) -> dict[str, Any]:
    pairs = data if isinstance(data, _Pairs) else list(data.items())
    out: dict[str, Any] = {}
    for key, value in pairs:
        if not isinstance(key, str):
            raise _strict_error(
                what, path, key, "is a key that is not text", "text keys", "non-text-key"
            )
        shown = printable(key[:40]) + ("..." if len(key) > 40 else "")
        inner = f"{path}.{shown}" if path else shown
        if key in out:
            raise _strict_error(
                what,
                inner,
                key,
                "appears twice in one object (which one is meant is unknowable)",
                "each field once",
                "duplicate-field",
            )
        out[key] = _plain(value, what, inner)
    return out


def _plain_scalar(data: Any, what: str, path: str) -> Any:
    if isinstance(data, _Refused):
        raise _strict_error(what, path, data.text, data.problem, "numbers as text", "not-a-number")
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, int):
        if len(str(abs(data))) > MAX_INTEGER_DIGITS:
            raise _strict_error(
                what, path, data, "is too long a number", "a whole number", "too-large"
            )
        return data
    if isinstance(data, str):
        if _NUMBERISH.fullmatch(data) and not data.isascii():
            raise _strict_error(
                what,
                path,
                data,
                "is a number written in digits other than ASCII 0-9",
                "ASCII digits",
                "non-ascii-digit",
            )
        return data
    if isinstance(data, float):
        raise _strict_error(
            what, path, data, "is a binary float", "numbers as text", "not-a-number"
        )
    raise _strict_error(
        what, path, data, f"is a {type(data).__name__}", "plain JSON data", "wrong-type"
    )
