"""The accepted/refused input table in docs/units.md, executed row by row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound import Dimension

DOC = Path(__file__).resolve().parents[1] / "docs" / "units.md"

_SPECIAL = {
    "(empty)": "",
    "(three spaces)": "   ",
    "`4.5` + U+001B + `[31m mg`": "4.5\x1b[31m mg",
    "`4.5 mg` + U+200B": "4.5 mg\u200b",
    "65 times `9`": "9" * 65,
    "`4` + U+202F + `500 mcg`": "4\u202f500 mcg",
}


def _rows() -> list[tuple[str, str, str]]:
    text = DOC.read_text(encoding="utf-8")
    body = text.split("<!-- grammar-table:start -->")[1].split("<!-- grammar-table:end -->")[0]
    rows = []
    for line in body.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        raw, field, result = cells
        if raw in _SPECIAL:
            value = _SPECIAL[raw]
        else:
            m = re.fullmatch(r"`(.*)`", raw)
            assert m, raw
            value = m.group(1)
        rows.append((value, field, result))
    return rows


ROWS = _rows()


def _parse(value: str, field: str):
    if field == "strength":
        return lc.parse_strength(value, field="strength")
    dims = {"mass": Dimension.MASS, "volume": Dimension.VOLUME, "percent": Dimension.FRACTION}
    return lc.parse_quantity(value, field=field, dimension=dims[field])


def test_table_is_large():
    assert len(ROWS) > 60
    assert sum(r[2].startswith("refused") for r in ROWS) > 45


@pytest.mark.parametrize(("value", "field", "result"), ROWS, ids=[repr(r[0])[:30] for r in ROWS])
def test_grammar_row(value, field, result):
    if result.startswith("refused"):
        code = re.search(r"`(.+)`", result).group(1)  # type: ignore[union-attr]
        with pytest.raises(lc.InputError) as info:
            _parse(value, field)
        err = info.value
        assert err.code == code
        assert err.field == field
        message = str(err)
        assert message.startswith(field)
        assert message.count("\n") == 0
        assert message.endswith(".")
    else:
        expected = re.match(r"`([^`]+)`", result).group(1)  # type: ignore[union-attr]
        parsed = _parse(value, field)
        assert str(parsed) == expected
        if "=" in result:
            per_ml = result.split("=")[1].strip()
            assert str(parsed.concentration) == per_ml


@given(st.text(max_size=80))
def test_parser_only_returns_a_quantity_or_raises_its_own_error(text):
    for dim in (Dimension.MASS, Dimension.VOLUME, Dimension.FRACTION):
        try:
            q = lc.parse_quantity(text, field="x", dimension=dim)
        except lc.InputError as err:
            assert str(err).startswith("x")
        else:
            assert q.unit.dimension is dim
            assert q.magnitude > 0
    try:
        s = lc.parse_strength(text, field="x")
    except lc.InputError:
        pass
    else:
        assert s.concentration.magnitude > 0


@given(st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,3})? ?(mg|g|mcg|µg|μg|ug|mL|ml|L|%)", fullmatch=True))
def test_well_formed_text_parses_and_round_trips(text):
    unit_token = re.search(r"[^0-9. ]+$", text).group(0)  # type: ignore[union-attr]
    dim = lc.parse_quantity(
        "1 " + unit_token,
        field="u",
        dimension=(Dimension.MASS, Dimension.VOLUME, Dimension.FRACTION),
    ).dimension
    try:
        q = lc.parse_quantity(text, field="x", dimension=dim)
    except lc.InputError as err:
        assert err.code in {"zero", "too-large"}
        return
    again = lc.parse_quantity(str(q), field="x", dimension=dim)
    assert (again.magnitude, again.unit) == (q.magnitude.normalize(), q.unit) or again == q


@given(st.integers(min_value=1, max_value=10**6))
def test_counts(value):
    assert lc.parse_count(str(value), field="count", maximum=10**6) == value


@pytest.mark.parametrize(
    "text", ["0", "-3", "3.0", "30 capsules", "1e2", "３０", "", "1,000", "99999999999"]
)
def test_counts_refused(text):
    with pytest.raises(lc.InputError):
        lc.parse_count(text, field="count")


@pytest.mark.parametrize(
    "text", ["2027-02-30", "31/03/2027", "2027-3-31", "20270331", "2027-03-31T00:00"]
)
def test_dates_refused(text):
    with pytest.raises(lc.InputError, match="date"):
        lc.parse_date(text, field="expiry")


def test_float_refused_with_reason():
    with pytest.raises(lc.InputError, match="float") as info:
        lc.mass(4.5)
    assert info.value.code == "float"


def test_densities_up_to_five_g_per_ml_parse():
    """Bases, syrups and true powder densities are denser than water: ``density`` accepts up to
    5 g/mL, as the density fields do, and still refuses more."""
    assert lc.density("1.2 g/mL") == lc.Quantity(
        lc.parse_decimal("1.2", field="x"), lc.Unit.G_PER_ML
    )
    assert lc.density("2200 mg/mL").m_as(lc.Unit.G_PER_ML) == lc.parse_decimal("2.2", field="x")
    with pytest.raises(lc.InputError) as info:
        lc.density("5.5 g/mL", field="--filler-density")
    assert info.value.code == "too-large"
    assert info.value.field == "--filler-density"
