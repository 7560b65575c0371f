"""The library's errors: one base class, each subclass also the builtin it is.

Every error carries structured fields (``field``, ``value``, ``expected``, ``code``) and renders
as one sentence that names the field, the value and what was expected.
"""

from __future__ import annotations

from typing import Any


def printable(text: str) -> str:
    """``text`` with every character that is not printable (controls, terminal escapes, line
    separators, bidirectional overrides, lone surrogates) written as its Python escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


#: Longest value text an error message quotes (a longer one is cut, ending in "...").
_SHOWN = 80


def _show(value: Any) -> str:
    """The value as an error message quotes it: at most about 80 characters, never an error.

    An integer of thousands of digits (Python refuses to print one of more than 4,300 by
    default) is described by its size; a value nested too deeply to print by its type.
    """
    if isinstance(value, str):
        return repr(value) if len(value) <= _SHOWN else repr(value[: _SHOWN - 3] + "...")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"{'a negative' if value < 0 else 'an'} integer of about {digits} digits"
    try:
        return repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__} too large to show"


class LdnCompoundError(Exception):
    """Base class of every error the library raises on purpose.

    ``exit_code`` is what the command line exits with: 2 for bad input (a usage error),
    1 for a request that is well formed but cannot be compounded as asked.
    """

    exit_code = 1
    code = "error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        expected: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value
        self.expected = expected
        if code is not None:
            self.code = code

    @classmethod
    def about(
        cls,
        field: str,
        value: Any,
        problem: str,
        expected: str,
        *,
        code: str | None = None,
    ) -> LdnCompoundError:
        """Build the standard sentence: ``field: value problem; expected ...``."""
        if value is None:
            message = f"{field} {problem}; expected {expected}."
        else:
            message = f"{field}: {_show(value)} {problem}; expected {expected}."
        return cls(message, field=field, value=value, expected=expected, code=code)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description: code, field, message (value only if it is plain)."""
        out: dict[str, Any] = {"code": self.code, "field": self.field, "message": self.message}
        if isinstance(self.value, (str, int)) and not isinstance(self.value, bool):
            out["value"] = self.value
        return out


class InputError(LdnCompoundError, ValueError):
    """A value given by the caller is refused (bad text, out of range, inconsistent)."""

    exit_code = 2
    code = "invalid-input"

    @classmethod
    def located(
        cls, err: LdnCompoundError, field: str, value: Any, *, where: str | None = None
    ) -> InputError:
        """``err``, refused in a part of ``field`` (a trial inside an option, an entry of a
        list), told as ``field``'s refusal: its message led by ``where`` (default: ``field``),
        its expectation and code kept."""
        return cls(
            f"{where or field}: {err.message}",
            field=field,
            value=value,
            expected=err.expected,
            code=err.code,
        )


class UnitError(InputError):
    """A unit is missing, not on the allow-list, or ambiguous."""

    code = "invalid-unit"


class DimensionError(UnitError, TypeError):
    """A quantity has the wrong dimension for its field (a volume where a mass is needed)."""

    code = "wrong-dimension"


class FormulationError(LdnCompoundError, ValueError):
    """The request is well formed but cannot be compounded safely as asked."""

    code = "cannot-formulate"
