"""Batch runs: exactly one output record per input record, in order, whatever is broken."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json

import attrs
import examples
import pytest
from examples import capsules, flatten, full_capsules, without
from hypothesis import given, settings
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound import _batch, _preparation, _registry
from ldncompound._parse import parse_count

DAY = dt.date(2026, 11, 21)
DOSES = ["0.5 mg", "1.5 mg", "3 mg", "4.5 mg"]
SOURCES = [examples.tablets_source, examples.api_source, examples.stock_source]


def good(i: int) -> dict:
    """A varied, valid order (three sources, four doses, six counts; quotes and commas)."""
    source = SOURCES[i % 3]()
    if i % 3 == 0:
        source["product"] = 'Naltrexone 50 mg, "Accord"'
    return capsules(
        dose=DOSES[i % 4], count=30 + 10 * (i % 6), source=source, reference=f"Rx {i % 7}"
    )


def run(data: bytes, fmt: str = "jsonl") -> list[lc.BatchRecord]:
    return list(lc.run_batch(io.BytesIO(data), input_format=fmt, today=DAY))


def line(doc: dict) -> bytes:
    return json.dumps(doc).encode()


# --- the acceptance runs -------------------------------------------------------------

BROKEN_JSONL = {
    0: (b'{"schema": "ldncompound/order/capsules/1", "dose": "4.5 mg",, }', "bad-json", None),
    1: (line(capsules()).replace(b"Rx 1", b"Rx \xff1"), "bad-encoding", None),
    2: (line(without(capsules(), "source.expiry")), "missing-field", "source.expiry"),
    3: (line(capsules(dose="4.5 mgs")), "unknown-unit", "dose"),
}


#: Lines of the two large-file tests: enough for every kind of broken line many times over (the
#: 10,000-line scale is measured by the benchmarks, `benchmarks/run.py`, not by the test run).
LINES = 2_000


def test_two_thousand_json_lines_with_one_percent_broken():
    lines, expected = [], {}
    for i in range(LINES):
        if i % 100 == 37:
            raw, code, field = BROKEN_JSONL[(i // 100) % 4]
            lines.append(raw)
            expected[i + 1] = (code, field)
        else:
            lines.append(line(good(i)))
    lines[-1] = lines[-1][: len(lines[-1]) // 2]  # the file ends in the middle of a record
    expected[LINES] = ("truncated", None)
    records = run(b"\n".join(lines))

    assert len(records) == LINES
    assert [r.record for r in records] == list(range(1, LINES + 1))
    assert [r.line for r in records] == list(range(1, LINES + 1))
    failed = {r.line: (r.error.code, r.error.field) for r in records if r.error is not None}
    assert failed == expected
    assert len(failed) == LINES // 100 + 1
    for r in records[::997]:
        if r.ok:
            assert r.result == lc.run_order(good(r.line - 1), today=DAY)
            assert lc.from_json(json.loads(r.json_line())["result"]) == r.result


BROKEN_CSV = ["bad-encoding", "missing-field", "bad-unit", "wrong-field-count"]


def test_two_thousand_csv_rows_with_quoted_fields_and_one_percent_broken():
    docs = [good(i) for i in range(12)]
    header = sorted({col for d in docs for col in flatten(d)}, key=lambda c: (c != "schema", c))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    body = out.getvalue().encode()
    expected, starts, physical = {}, [], 2
    chunks = [body]
    for i in range(LINES):
        cells = flatten(good(i))
        row = [cells.get(c, "") for c in header]
        kind = BROKEN_CSV[(i // 100) % 4] if i % 100 == 37 else None
        if kind == "missing-field":
            row[header.index("source.lot")] = ""
            expected[physical] = ("missing-field", "source.lot")
        elif kind == "bad-unit":
            row[header.index("dose")] = "4.5 IU"
            expected[physical] = ("refused-unit", "dose")
        elif kind == "wrong-field-count":
            row = row[:-1]
            expected[physical] = ("wrong-field-count", None)
        elif i % 250 == 11:  # a quoted line break: the record spans two lines
            row[header.index("reference")] = f"Rx {i}\nsecond line"
            expected[physical] = ("control-character", "reference")
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow(row)
        data = out.getvalue().encode()
        if kind == "bad-encoding":
            data = data.replace(b"Rx ", b"R\xe9 ", 1)
            expected[physical] = ("bad-encoding", None)
        chunks.append(data)
        starts.append(physical)
        physical += data.count(b"\n")
    records = run(b"".join(chunks), "csv")

    assert len(records) == LINES
    assert [r.line for r in records] == starts
    assert starts[-1] > LINES + 1  # some records span two lines
    failed = {r.line: (r.error.code, r.error.field) for r in records if r.error is not None}
    assert failed == expected
    assert len(failed) == LINES // 100 + LINES // 250
    product = next(r for r in records if r.ok and r.result.order.source.kind == "tablets")
    assert product.result.order.source.product == 'Naltrexone 50 mg, "Accord"'
    for r in records[::991]:
        if r.ok:
            assert r.result == lc.run_order(good(r.record - 1), today=DAY)


# --- record by record ----------------------------------------------------------------------------


def test_blank_lines_crlf_bom_and_missing_final_newline():
    data = b"\xef\xbb\xbf" + line(capsules()) + b"\r\n\r\n   \n" + line(capsules())
    records = run(data)
    assert [(r.line, r.ok) for r in records] == [(1, True), (2, False), (3, False), (4, True)]
    assert {r.error.code for r in records if r.error} == {"blank-line"}


@pytest.mark.parametrize("end", [b"\n", b""])
def test_two_documents_on_one_line_say_one_order_per_line(end):
    """Probe F35: the refusal said only "Extra data at line 1 column 841"."""
    one = line(capsules())
    records = run(one + b"\n" + one + b" " + one + end)
    assert [r.ok for r in records] == [True, False]
    error = records[1].error
    assert error.code == "bad-json"
    assert error.message.startswith("the document is not valid JSON: Extra data at line 1")
    assert error.message.endswith(
        "something follows the end of the first document on the line; expected one order "
        "document per line."
    )


@pytest.mark.parametrize(
    ("data", "fmt", "fragment"),
    [
        (b"", "jsonl", "the input is empty"),
        (b"", "csv", "the input is empty"),
        (b"\xef\xbb\xbf", "csv", "the input is empty"),
        (b"schema\r\n", "csv", "a header but no rows"),
        (b"schema", "csv", "a header but no rows"),
    ],
)
def test_an_input_without_orders_is_refused_not_an_empty_success(data, fmt, fragment):
    with pytest.raises(lc.InputError, match=fragment) as err:
        run(data, fmt)
    assert err.value.code == "empty-input"


def test_an_input_beyond_the_batch_limit_stops_the_run(monkeypatch):
    monkeypatch.setattr(_batch, "_CHUNK", 64)  # CSV is read in chunks: small ones here
    for fmt, data in (
        ("jsonl", b"\n".join([line(capsules())] * 5)),
        ("csv", csv_bytes([flatten(capsules())] * 5)),
    ):
        monkeypatch.setattr(_batch, "MAX_BATCH_BYTES", len(data) // 2)
        records = lc.run_batch(io.BytesIO(data), input_format=fmt, today=DAY)  # type: ignore[arg-type]
        assert next(records).ok
        with pytest.raises(lc.InputError, match="larger than") as err:
            list(records)
        assert err.value.code == "input-too-large"


def test_a_truncated_last_line_that_happens_to_be_valid_json_is_still_checked_as_an_order():
    records = run(line(capsules()) + b"\n" + b'{"schema": "ldncompound/order/capsules/1"}')
    assert records[1].error.code == "missing-field"
    assert records[1].error.field == "dose"


def test_an_over_long_line_is_one_error_and_the_run_goes_on(monkeypatch):
    monkeypatch.setattr(_batch, "MAX_RECORD_BYTES", 4000)
    data = line(capsules()) + b"\n" + b"x" * 20_000 + b"\n" + line(capsules())
    records = run(data)
    assert [(r.line, r.ok) for r in records] == [(1, True), (2, False), (3, True)]
    assert records[1].error.code == "too-long"


def test_an_internal_failure_is_that_record_s_error(monkeypatch):
    def boom(order: lc.CapsuleOrder, *, today: dt.date | None = None) -> lc.CapsuleResult:
        if order.count == 31:
            raise RuntimeError("boom")
        return lc.formulate_capsules(order, today=today)

    schema = lc.CAPSULES_ORDER_SCHEMA
    prep = _registry.for_order(schema)
    monkeypatch.setitem(_preparation._BY_ORDER, schema, attrs.evolve(prep, formulate=boom))
    records = run(b"\n".join(line(capsules(count=n)) for n in (30, 31, 32)))
    assert [r.ok for r in records] == [True, False, True]
    assert records[1].error.code == "internal-error"
    assert "RuntimeError: boom" in records[1].error.message


def test_formulation_errors_are_records_too():
    records = run(line(capsules(compounded_on="2031-06-01", acknowledge=["compounded-on-future"])))
    assert records[0].error.code == "component-expired"


def test_the_batch_is_lazy_and_streams():
    """An endless input still yields its first records: nothing is read ahead or kept."""

    class Endless:
        def readline(self, _size=-1):
            return line(capsules()) + b"\n"

    first = list(itertools.islice(lc.run_batch(Endless(), today=DAY), 3))
    assert [r.line for r in first] == [1, 2, 3]


def test_unknown_input_format_is_refused():
    with pytest.raises(lc.InputError, match="input_format"):
        list(lc.run_batch(io.BytesIO(b""), input_format="xml"))  # type: ignore[arg-type]


# --- CSV specifics -------------------------------------------------------------------------------


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return out.getvalue().encode()


def test_csv_cells_become_typed_document_values():
    doc = full_capsules()
    cells = flatten(doc)
    assert cells["acknowledge"] == "dose-below-range"
    assert cells["study.matches_formula_vehicle_container"] == "true"
    records = run(csv_bytes([cells]), "csv")
    assert records[0].ok, records[0].error
    assert records[0].result.order == lc.load_order(doc)


def test_csv_object_columns_say_default_or_hold_fields():
    cells = flatten(capsules())
    header = [*cells, "filler.filler", "filler.lot"]
    conflict = cells | {"filler.lot": "F1"}
    given = cells | {"filler": "", "filler.filler": "mcc", "filler.lot": "F1"}
    records = run(csv_bytes([cells, conflict, given], header), "csv")
    assert records[0].ok
    assert records[1].error.code == "conflicting-columns"
    assert records[1].error.field == "filler"
    assert records[2].error.code == "missing-field"
    assert records[2].error.field == "filler.expiry"


def test_csv_lists_flags_and_counts_are_read_from_text():
    cells = flatten(full_capsules())
    rows = [
        cells | {"acknowledge": "[]"},
        cells | {"acknowledge": "dose-below-range; dose-above-range"},
        cells | {"study.matches_formula_vehicle_container": "yes"},
        cells | {"count": "30.5"},
        cells | {"count": "30.0"},
    ]
    records = run(csv_bytes(rows), "csv")
    assert records[0].result.order.acknowledge == ()
    assert records[1].result.order.acknowledge == ("dose-below-range", "dose-above-range")
    assert records[2].error.field == "study.matches_formula_vehicle_container"
    assert (
        str(records[3].error.message)
        == "count: '30.5' is not a whole number; expected a whole number such as 30."
    )
    # a count with a decimal point is refused, not rounded, and the sentence says why
    assert (records[4].error.code, records[4].error.field) == ("not-whole", "count")
    assert str(records[4].error.message) == (
        "count: '30.0' is written with a decimal point; expected a whole number such as 30, "
        "with no decimal point."
    )


@settings(max_examples=60, deadline=None)
@given(
    whole=st.integers(min_value=0, max_value=99_999),
    zeros=st.integers(min_value=1, max_value=4),
    field=st.sampled_from(["count", "source.tablets_weighed", "steps[2] days"]),
)
def test_a_count_with_a_decimal_point_is_refused_naming_field_value_and_a_whole_number(
    whole, zeros, field
):
    """Property: 'N.0', 'N.00'... is never read as N; the one sentence names the field, the
    value as written and 'a whole number such as 30'."""
    text = f"{whole}.{'0' * zeros}"
    with pytest.raises(lc.InputError) as info:
        parse_count(text, field=field)
    err = info.value
    assert (err.code, err.field) == ("not-whole", field)
    assert err.message == (
        f"{field}: {text!r} is written with a decimal point; expected a whole number such as 30, "
        "with no decimal point."
    )


def test_an_unterminated_quote_is_one_record_to_the_end_never_phantom_rows():
    """A quote never closed makes the rest of the input one cell, as CSV reads it: one error
    record, not a record for every line of what may be a multi-line cell."""
    cells = flatten(capsules())
    data = csv_bytes([cells, cells, cells])
    head, first, *rest = data.split(b"\n")
    broken = first.replace(b",Rx 1", b',"Rx 1', 1)
    assert broken != first
    records = run(b"\n".join([head, broken, *rest]), "csv")
    assert [(r.line, r.ok) for r in records] == [(2, False)]
    assert records[0].error.code == "unterminated-quote"
    assert "nothing after it was read" in records[0].error.message


def test_a_truncated_multi_line_cell_at_the_end_is_one_error():
    cells = flatten(capsules())
    data = csv_bytes([cells, cells | {"reference": "Rx 1\nsecond line\nthird"}])
    records = run(data[: data.rindex(b"third")], "csv")  # cut inside the quoted cell
    assert [(r.line, r.ok) for r in records] == [(2, True), (3, False)]
    assert records[1].error.code == "unterminated-quote"


def test_a_quoted_cell_may_span_many_lines():
    cells = flatten(capsules())
    reference = "\r\n".join("x" * 30)  # 29 line breaks: lines 2 to 31
    records = run(csv_bytes([cells | {"reference": reference}, cells]), "csv")
    assert [(r.line, r.ok) for r in records] == [(2, False), (32, True)]
    # read whole: the one record is refused for its line breaks, where the text begins
    assert (records[0].error.code, records[0].error.field) == ("control-character", "reference")


@pytest.mark.parametrize("ending", [b"\r", b"\n", b"\r\n"])
def test_csv_line_ends_may_be_cr_lf_or_crlf_and_mixed(ending):
    cells = flatten(capsules())
    rows = [b",".join(c.encode() for c in r) for r in (list(cells), *[list(cells.values())] * 3)]
    uniform = ending.join(rows) + ending
    mixed = rows[0] + b"\r" + rows[1] + b"\n" + rows[2] + b"\r\n" + rows[3] + ending
    for data in (uniform, mixed):
        records = run(data, "csv")
        assert [(r.line, r.ok) for r in records] == [(2, True), (3, True), (4, True)]


def test_a_last_row_without_a_line_break_is_refused_unless_its_last_cell_is_quoted():
    """A cut file may end inside an unquoted cell: '30' read as '3' would be a smaller count."""
    cells = flatten(capsules())
    header = list(cells)
    header.remove("count")
    header.append("count")  # the count is the last column
    data = csv_bytes([cells, cells], header).rstrip(b"\n")
    assert data.endswith(b",30")
    for cut in (data, data[:-1]):
        records = run(cut, "csv")
        assert [(r.line, r.ok) for r in records] == [(2, True), (3, False)]
        assert records[1].error.code == "truncated"
    quoted = data[: -len(b"30")] + b'"30"'
    assert [r.ok for r in run(quoted, "csv")] == [True, True]
    assert [r.ok for r in run(data + b"\r", "csv")] == [True, True]


def test_a_file_without_a_header_gives_every_row_an_error_record():
    cells = flatten(capsules())
    data = csv_bytes([cells, cells])
    headless = data[data.index(b"\n") + 1 :]
    records = run(headless, "csv")
    assert [(r.record, r.line, r.error.code) for r in records] == [
        (1, 1, "bad-header"),
        (2, 2, "bad-header"),
    ]


def test_csv_columns_cover_every_field_of_every_source_kind():
    columns = dict(lc.csv_columns(lc.CAPSULES_ORDER_SCHEMA))
    for doc in (capsules(), full_capsules(), capsules(source=examples.stock_source())):
        assert set(flatten(doc)) <= set(columns)
    assert columns["source.kind"] == "'api' or 'tablets' or 'stock'"
    assert "filler.pack_stat" in columns


@given(st.text(st.characters(exclude_categories=())))
def test_json_line_writes_the_standard_librarys_compact_text(text):
    """json_line uses orjson; its text must be json.dumps' compact text, byte for byte, for
    any text (control characters, quotes, non-ASCII, lone surrogates) and for a result."""
    error = lc.BatchError(code="bad-json", field=text, message=text)
    for record in (lc.BatchRecord(record=1, line=1, error=error), *run(line(good(1)))):
        expected = json.dumps(record.to_json(), ensure_ascii=False, separators=(",", ":"))
        assert record.json_line() == expected
        written = record.json_bytes()
        assert written.endswith(b"\n") and b"\n" not in written[:-1]
        assert json.loads(written) == json.loads(expected)
        if not any(0xD800 <= ord(c) < 0xE000 for c in text):
            assert written == expected.encode() + b"\n"


def test_json_line_falls_back_where_orjson_refuses():
    error = lc.BatchError(code="x", field="lot", message="\ud800")
    record = lc.BatchRecord(record=2**70, line=1, error=error)
    assert record.json_line() == json.dumps(
        record.to_json(), ensure_ascii=False, separators=(",", ":")
    )
    assert (
        record.json_bytes()
        == record.json_line()
        .encode("utf-8", "surrogatepass")
        .replace("\ud800".encode("utf-8", "surrogatepass"), b"\\ud800")
        + b"\n"
    )
    assert json.loads(record.json_bytes()) == record.to_json()


def test_json_line_matches_for_every_code_point():
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    error = lc.BatchError(code="x", field=text, message=text[::-1])
    record = lc.BatchRecord(record=1, line=1, error=error)
    assert record.json_line() == json.dumps(
        record.to_json(), ensure_ascii=False, separators=(",", ":")
    )


# --- the CSV record splitter: as Python's csv module, whatever the chunks -------------------------


def _split(data: bytes) -> list[tuple[int, bytes | str, bool]]:
    return [
        (line, raw if isinstance(raw, bytes) else raw.code, ended)
        for line, raw, ended in _batch._csv_records(io.BytesIO(data).read1)
    ]


@given(
    st.binary(max_size=60).map(lambda b: bytes(b'a,"\r\n'[x % 5] for x in b)),
    st.sampled_from([b"", b"\xef\xbb\xbf"]),
)
def test_csv_records_do_not_depend_on_how_the_stream_is_cut(data, bom):
    data = bom + data
    whole = _split(data)
    for chunk in (1, 2, 3):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(_batch, "_CHUNK", chunk)
            assert _split(data) == whole
    text = data.removeprefix(b"\xef\xbb\xbf").decode()
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=False))
    assert len(whole) == len(rows)
    for (_line, raw, _ended), row in zip(whole, rows, strict=True):
        if isinstance(raw, bytes):
            assert list(csv.reader([raw.decode()], strict=False)) in ([row], [])


def test_a_csv_record_over_the_limit_is_skipped_to_its_end(monkeypatch):
    monkeypatch.setattr(_batch, "MAX_RECORD_BYTES", 10)
    monkeypatch.setattr(_batch, "_CHUNK", 4)
    data = b'a,b\n"' + b"x" * 30 + b'\r\n",y\nlong' + b"z" * 30 + b"\nc\n"
    assert _split(data) == [
        (1, b"a,b", True),
        (2, "too-long", True),
        (4, "too-long", True),
        (5, b"c", True),
    ]
    assert _split(b'a"b,"c""d"\n') == [(1, b'a"b,"c""d"', True)]


def test_a_bad_header_alone_is_its_own_error_record():
    (record,) = run(b"Schema\n", "csv")
    assert (record.record, record.line, record.error.code) == (1, 1, "bad-header")
