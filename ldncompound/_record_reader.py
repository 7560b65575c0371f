"""Reading stored JSON strictly: the machinery of :func:`._records.read_record`.

A stored document is read back only when it is exactly what this library writes: no unknown
or missing field, every value of the expected type. The first refusal is one sentence naming
its path in the document (``result.order.count``); :func:`first_mismatch` finds where data
differs from what the library writes for the value read from it.
"""

from __future__ import annotations

from typing import Any


def structure_strictly(data: Any, cls: type[Any], prefix: str) -> Any:
    """``data`` as ``cls``; the first refusal is one sentence naming its path in the record
    (``result.order.count``), read by the result codec's own readers."""
    from ._json import read_strictly  # noqa: PLC0415 - the codec imports the preparations

    return read_strictly(data, cls, prefix, "not-a-record")


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
