"""The recorder: what it records is what the classes' own constructors build."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound import Quantity, Unit
from ldncompound._trace import DefaultUsed, Provenance, Recorder, ResultWarning, Stamp, Step, stamp

texts = st.text(max_size=20)
values = st.one_of(
    texts,
    st.builds(
        Quantity,
        st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**6),
        st.sampled_from(list(Unit)),
    ),
)


@given(texts, texts, texts, st.dictionaries(texts, values, max_size=3), values, st.none() | texts)
def test_recorded_objects_equal_the_constructed_ones(
    key, description, formula, inputs, result, field
):
    rec = Recorder()
    assert rec.step(key, description, formula, result, **inputs) is result
    rec.warn(key, description, field)
    rec.default(formula, result, description)
    expected = (
        Step(key=key, description=description, formula=formula, inputs=inputs, result=result),
        ResultWarning(code=key, message=description, field=field),
        DefaultUsed(field=formula, value=result, source=description),
    )
    for got, built in zip((rec.steps[0], rec.warnings[0], rec.defaults[0]), expected, strict=True):
        assert type(got) is type(built)
        assert got == built
        if not isinstance(got, Step):  # a step holds a dict: unhashable either way
            assert hash(got) == hash(built)
        assert repr(got) == repr(built)
        assert attrs.asdict(got, recurse=False) == attrs.asdict(built, recurse=False)
        assert attrs.evolve(got) == built


def test_a_warning_is_recorded_once_per_code_and_field():
    rec = Recorder()
    rec.warn("a", "first", "x")
    rec.warn("a", "second", "x")
    rec.warn("a", "third", None)
    assert [(w.code, w.message, w.field) for w in rec.warnings] == [
        ("a", "first", "x"),
        ("a", "third", None),
    ]


def test_provenance_is_the_recording_frozen_at_that_moment():
    rec = Recorder()
    rec.step("a", "first", "a = 1", "1")
    rec.warn("w", "warned", "x")
    rec.default("f", "v", "source")
    kept = rec.provenance()
    rec.step("b", "second", "b = 2", "2")
    rec.warn("v", "warned again")
    rec.default("g", "u", "source")
    assert list(kept) == list(Provenance.__annotations__)
    assert kept == {
        "warnings": (rec.warnings[0],),
        "defaults": (rec.defaults[0],),
        "trace": (rec.steps[0],),
    }


#: every document class the library stamps; those whose recorder gives their provenance
STAMPED = (lc.CalibrationResult, lc.Label, lc.CompoundingRecord)
WITH_PROVENANCE = (
    lc.CapsuleResult,
    lc.TrocheResult,
    lc.LiquidResult,
    lc.DropsResult,
    lc.TitrationResult,
)


def test_every_stamped_document_begins_with_its_stamp():
    assert stamp("ldncompound/x/1") == {
        "schema": "ldncompound/x/1",
        "library_version": lc.__version__,
    }
    for cls in (*STAMPED, *WITH_PROVENANCE):
        names = [a.name for a in attrs.fields(cls)]
        assert names[:2] == list(Stamp.__annotations__), cls.__name__


def test_every_result_declares_its_provenance_together_in_one_order():
    """A result's JSON shows warnings, defaults and trace side by side, in that order."""
    wanted = list(Provenance.__annotations__)
    for cls in WITH_PROVENANCE:
        names = [a.name for a in attrs.fields(cls)]
        at = names.index(wanted[0])
        assert names[at : at + len(wanted)] == wanted, cls.__name__
