"""Reading stored JSON strictly: the machinery of :func:`._records.read_record`.

A stored document is read back only when it is exactly what this library writes: no unknown
or missing field, every value of the expected type. The first refusal is one sentence naming
its path in the document (``result.order.count``); :func:`first_mismatch` finds where data
differs from what the library writes for the value read from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: where a document differs: (its path, what it holds, what it should hold)
_Found = tuple[str, Any, Any]
#: a key one side of a comparison does not have
_ABSENT = object()


def structure_strictly(data: Any, cls: type[Any], prefix: str) -> Any:
    """``data`` as ``cls``; the first refusal is one sentence naming its path in the record
    (``result.order.count``), read by the result codec's own readers."""
    from ._json import read_strictly  # noqa: PLC0415 - the codec imports the preparations

    return read_strictly(data, cls, prefix, "not-a-record")


def first_found(
    pairs: Iterable[tuple[Any, Any, str]], compare: Callable[[Any, Any, str], _Found | None]
) -> _Found | None:
    """The first difference ``compare`` finds among ``(a, b, path)`` pairs, in their order
    (how :func:`first_mismatch` and a label's comparison walk a document's items)."""
    for a, b, path in pairs:
        found = compare(a, b, path)
        if found is not None:
            return found
    return None


def first_mismatch(data: Any, written: Any, path: str) -> _Found | None:
    """The first place where ``data`` is not what the library writes for the value read from
    it (``"33"`` for ``33``, ``1`` for ``true``, a missing or an extra key)."""
    if type(data) is not type(written):
        return path, data, written
    if isinstance(data, dict):
        keys = [*data, *(k for k in written if k not in data)]
        entries = (
            (data.get(key, _ABSENT), written.get(key, _ABSENT), f"{path}.{key}" if path else key)
            for key in keys
        )
        return first_found(entries, _entry_mismatch)
    if isinstance(data, list):
        if len(data) != len(written):
            return path, f"{len(data)} items", f"{len(written)} items"
        items = enumerate(zip(data, written, strict=True))
        return first_found(((a, b, f"{path}[{i}]") for i, (a, b) in items), first_mismatch)
    return None if data == written else (path, data, written)


def _entry_mismatch(data: Any, written: Any, path: str) -> _Found | None:
    """The first mismatch at one key: the key missing on one side, else the first mismatch
    in its value."""
    if data is _ABSENT or written is _ABSENT:
        return path, _or_absent(data), _or_absent(written)
    return first_mismatch(data, written, path)


def _or_absent(value: Any) -> Any:
    return "<absent>" if value is _ABSENT else value
