"""Several actives in one capsule (issue 13, section 1): each active with its own source, its
share of the capsule summed, the filler what is left, each weighed on its own plan.

Every published answer names its source in the docstring of its test.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound import Quantity, Unit

EXP = dt.date(2028, 1, 1)
DAY = dt.date(2026, 11, 21)
TINY = Decimal("1e-24")


def mg(text: str | int) -> Quantity:
    return Quantity(Decimal(text), Unit.MG)


def pct(text: str | int) -> Quantity:
    return Quantity(Decimal(text), Unit.PERCENT)


def generic(name: str, mw: str = "288.42") -> lc.Drug:
    return lc.Drug(
        name=name,
        forms=(lc.SaltForm(key="base", name=name, short_name=name, molar_mass=Decimal(mw)),),
        default_basis="base",
    )


def api(drug: lc.Drug | None = None, **kwargs: object) -> lc.ApiLot:
    if drug is None:
        return lc.ApiLot(
            form="hcl",
            assay=pct(100),
            assay_basis=lc.AssayBasis.AS_IS,
            expiry=EXP,
            lot="N1",
            **kwargs,  # type: ignore[arg-type]
        )
    return lc.ApiLot(
        form="base",
        assay=pct(100),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=EXP,
        lot=drug.name[:3].upper(),
        drug=drug,
        **kwargs,  # type: ignore[arg-type]
    )


DHEA = generic("DHEA")
ANALYTICAL = lc.Balance.documented(minimum_weight=mg(10), readability=mg(1))


def order(**kwargs: object) -> lc.CapsuleOrder:
    base: dict[str, object] = {
        "dose": lc.mass("4.5 mg"),
        "count": 30,
        "source": api(),
        "compounded_on": DAY,
        "additional_actives": (lc.CapsuleActive(dose=lc.mass("20 mg"), source=api(DHEA)),),
    }
    base.update(kwargs)
    return lc.CapsuleOrder(**base)  # type: ignore[arg-type]


# --- worked examples --------------------------------------------------------------------------


def test_we28_three_ingredient_capsules_q_s_to_300_mg():
    """WE-28 (tipscollege.com, chapter 26) [S]: 36 capsules of 0.5 mg X + 15 mg Y + Z to
    300 mg -> 18 mg X, 540 mg Y, 10,242 mg Z. No overage; a balance that weighs 18 mg
    (minimum 10 mg, readability 1 mg), so no trituration."""
    x, y = generic("X", "100"), generic("Y", "200")
    r = lc.formulate_capsules(
        lc.CapsuleOrder(
            dose=lc.mass("0.5 mg"),
            count=36,
            source=api(x),
            additional_actives=(lc.CapsuleActive(dose=lc.mass("15 mg"), source=api(y)),),
            overage=pct(0),
            method=lc.CapsuleMethod.FIXED_WEIGHT,
            fill_weight=mg(300),
            filler=lc.FillerLot(filler="lactose", lot="L", expiry=EXP),
            balance=ANALYTICAL,
            compounded_on=DAY,
        )
    )
    assert [w.amount for w in r.weighings] == [mg(18), mg(540), mg(10242)]
    assert [i.per_capsule for i in r.ingredients] == [mg("0.5"), mg(15), mg("284.5")]
    (y_amount,) = r.additional_actives
    assert y_amount.dose_planned == mg(15)
    assert r.dose_planned == mg("0.5")


def test_we10c_dhea_with_ldn_lactose_q_s_400_mg():
    """WE-10 (c) (vdocuments.net "Weight & Measurements", Arya Mehr) [S]: DHEA 20 mg, lactose
    q.s. 400 mg, 50 capsules + 10 % = 55 -> DHEA 1100 mg. With 4.5 mg naltrexone HCl as the
    order's own active (247.5 mg for 55 capsules, weighable on a 1 mg balance), DHEA is still
    1100 mg and the lactose 55 x (400 - 20 - 4.5) = 20,652.5 mg [D] (20,900 without LDN)."""
    r = lc.formulate_capsules(
        order(
            count=50,
            overage=pct(10),
            method=lc.CapsuleMethod.FIXED_WEIGHT,
            fill_weight=mg(400),
            filler=lc.FillerLot(filler="lactose", lot="L", expiry=EXP),
            balance=lc.Balance.documented(minimum_weight=mg(100), readability=mg("0.1")),
        )
    )
    assert r.batch_count == 55
    assert [w.amount for w in r.weighings] == [mg("247.5"), mg(1100), mg("20652.5")]
    assert r.filler_per_capsule == mg("375.5")
    assert r.additional_actives[0].dose_planned == mg(20)


def test_volume_method_with_two_actives_domain_4_1_and_4_2():
    """domain.md §4.1 [V]: diluent per capsule = (V - m_drug / rho_drug) x rho_diluent, and
    §4.2 [V]/[D]: an ingredient's fraction of the capsule = m_i / PS_i(size). Size 1 (0.50 mL),
    lactose packed at 0.978 g/mL -> 489 mg; naltrexone HCl 4.5 mg at 0.5 g/mL -> 4.5 / 250;
    DHEA 20 mg with a pack stat of 250 mg in size 1 -> 20 / 250; filler
    (1 - 24.5 / 250) x 489 = 441.078 mg."""
    r = lc.formulate_capsules(
        order(
            source=api(bulk_density=lc.Quantity(Decimal("0.5"), Unit.G_PER_ML)),
            additional_actives=(
                lc.CapsuleActive(
                    dose=lc.mass("20 mg"),
                    source=api(DHEA),
                    pack_stat=lc.ActivePackStat(size="1", per_capsule=mg(250)),
                ),
            ),
            size="1",
            filler=lc.FillerLot(filler="lactose", lot="L", expiry=EXP),
        )
    )
    assert r.filler_per_capsule == mg("441.078")
    assert r.fill_weight == mg("465.578")
    assert r.additional_actives[0].volume_share == pct(8)
    share = next(s for s in r.trace if s.key == "material-share")
    assert share.result == pct("9.8")


def test_an_overfill_is_refused_with_the_share_each_active_takes():
    with pytest.raises(lc.FormulationError) as err:
        lc.formulate_capsules(
            order(
                size="3",
                additional_actives=(lc.CapsuleActive(dose=lc.mass("100 mg"), source=api(DHEA)),),
            )
        )
    assert err.value.code == "overfill"
    assert str(err.value) == (
        "size: '3' overfills: the drug materials alone (104.5 mg) need 116.1 % of the capsule "
        "(naltrexone HCl powder (API) 5 %, DHEA powder (API) 111 %); expected size 2 or larger."
    )


# --- refusals and warnings per active ---------------------------------------------------------


def test_each_drug_once_and_a_dose_guard_for_naltrexone_only():
    with pytest.raises(lc.InputError) as err:
        order(additional_actives=(lc.CapsuleActive(dose=lc.mass("1 mg"), source=api()),))
    assert err.value.code == "duplicate-active"
    assert err.value.field == "additional_actives[0].source.drug"
    # naltrexone as the additional active keeps its dose range; DHEA has none (warned)
    with pytest.raises(lc.InputError) as err:
        lc.formulate_capsules(
            order(
                dose=lc.mass("20 mg"),
                source=api(DHEA),
                additional_actives=(lc.CapsuleActive(dose=lc.mass("50 mg"), source=api()),),
            )
        )
    assert err.value.code == "dose-above-range"
    assert str(err.value).startswith("additional_actives[0].dose: '50 mg as naltrexone HCl'")
    r = lc.formulate_capsules(order())
    warned = {(w.code, w.field) for w in r.warnings}
    assert ("no-dose-range-check", "additional_actives[0].dose") in warned
    assert any(d.field == "additional_actives[0].dose_basis" for d in r.defaults)


def test_bad_additional_actives_are_refused():
    with pytest.raises(lc.InputError, match="at most 9 additional actives") as err:
        order(
            additional_actives=tuple(
                lc.CapsuleActive(dose=lc.mass("1 mg"), source=api(generic(f"D{i}")))
                for i in range(10)
            )
        )
    assert err.value.code == "too-many-actives"
    with pytest.raises(lc.InputError, match="not a tuple of actives"):
        order(additional_actives=[])
    with pytest.raises(lc.InputError, match="is not an active"):
        order(additional_actives=("DHEA",))
    with pytest.raises(lc.InputError, match="together with a density"):
        lc.CapsuleActive(
            dose=lc.mass("20 mg"),
            source=api(DHEA, bulk_density=lc.Quantity(Decimal("0.5"), Unit.G_PER_ML)),
            pack_stat=lc.ActivePackStat(size="1", per_capsule=mg(250)),
        )
    with pytest.raises(lc.InputError, match="is not positive"):
        lc.CapsuleActive(dose=Quantity(Decimal(0), Unit.MG), source=api(DHEA))
    with pytest.raises(lc.DimensionError):
        lc.CapsuleActive(dose=lc.volume("1 mL"), source=api(DHEA))
    with pytest.raises(lc.InputError, match="is not a quantity"):
        lc.CapsuleActive(dose="20 mg", source=api(DHEA))  # type: ignore[arg-type]
    with pytest.raises(lc.InputError, match="is not a form of DHEA"):
        lc.CapsuleActive(dose=lc.mass("20 mg"), source=api(DHEA), dose_basis="hcl")


def test_a_refusal_about_an_additional_active_names_its_place():
    bad = lc.ApiLot(
        form="base",
        assay=pct(90),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=EXP,
        lot="X",
        drug=lc.NALTREXONE,
    )
    with pytest.raises(lc.InputError) as err:
        lc.formulate_capsules(
            order(
                dose=lc.mass("20 mg"),
                source=api(DHEA),
                additional_actives=(lc.CapsuleActive(dose=lc.mass("1 mg"), source=bad),),
            )
        )
    assert err.value.code == "assay-implausible"
    assert err.value.field == "additional_actives[0].api.assay"
    assert str(err.value).startswith("additional_actives[0].api.assay: ")


def test_small_additional_actives_are_triturated_and_tablets_crushed():
    """A 0.5 mg second active on a Class III balance (minimum 120 mg) is triturated like LDN;
    an additional active from tablets gets its tablets to crush."""
    tabs = lc.TabletSource(
        average_weight=mg("201.4"), expiry=EXP, lot="T1", tablets_weighed=20, drug=lc.NALTREXONE
    )
    r = lc.formulate_capsules(
        order(
            dose=lc.mass("0.5 mg"),
            source=api(DHEA),
            additional_actives=(lc.CapsuleActive(dose=lc.mass("1.5 mg"), source=tabs),),
            count=60,
        )
    )
    (ldn,) = r.additional_actives
    assert ldn.tablets_to_crush is not None and ldn.tablets_to_crush >= 1
    assert r.plan.stages  # 0.5 mg x 66 = 33 mg of DHEA: below the minimum, triturated
    for a in (r.plan, ldn.plan):
        assert a.aliquot >= mg(120)
    assert abs(ldn.dose_deviation.m_as(Unit.PERCENT)) <= Decimal("0.5")
    assert "lactose" in r.allergens  # from the tablets
    assert sum(1 for i in r.ingredients if i.role == "active") == 2


def test_rounding_beyond_the_tolerance_is_refused_for_an_additional_active():
    with pytest.raises(lc.FormulationError) as err:
        lc.formulate_capsules(
            order(
                rounding_tolerance=pct("0.05"),
                additional_actives=(lc.CapsuleActive(dose=lc.mass("0.77 mg"), source=api(DHEA)),),
            )
        )
    assert err.value.code == "rounding-beyond-tolerance"
    assert "cannot be kept for DHEA" in str(err.value)


# --- documents and JSON -----------------------------------------------------------------------

DOCUMENT_ACTIVE = {
    "dose": "20 mg",
    "source": {
        "kind": "api",
        "form": "base",
        "assay": "100 %",
        "assay_basis": "as-is",
        "expiry": "2028-01-01",
        "lot": "DHE",
        "assay_as": "default",
        "water_content": "default",
        "loss_on_drying": "default",
        "bulk_density": "default",
        "supplier": "default",
        "drug": {
            "name": "DHEA",
            "forms": [
                {
                    "key": "base",
                    "name": "DHEA",
                    "short_name": "DHEA",
                    "molar_mass": "288.42",
                    "anhydrous": "default",
                    "water": 0,
                }
            ],
            "default_basis": "base",
        },
    },
    "dose_basis": "default",
    "pack_stat": "default",
}


def test_an_order_document_with_additional_actives_gives_the_api_result():
    single = lc.order_document(order(additional_actives=()))
    assert "additional_actives" not in single  # earlier documents are unchanged
    document = dict(single, additional_actives=[DOCUMENT_ACTIVE])
    assert lc.load_order(json.dumps(document)) == order()
    assert lc.run_order(json.dumps(document)) == lc.formulate_capsules(order())
    assert lc.order_document(order()) == document


def test_results_round_trip_and_one_active_writes_no_new_field():
    several = lc.formulate_capsules(order())
    assert lc.from_json(json.loads(lc.dumps(several))) == several
    data = lc.to_json(several)
    assert data["additional_actives"][0]["drug"] == "DHEA"
    one = lc.to_json(lc.formulate_capsules(order(additional_actives=())))
    assert "additional_actives" not in one
    assert "additional_actives" not in one["order"]
    assert "active_pack_stat" not in one["order"]
    assert "additional_actives" not in repr(order(additional_actives=()))


def test_the_worksheet_lists_every_active():
    text = " ".join(lc.render_worksheet(lc.formulate_capsules(order())).split())
    assert "naltrexone HCl 4.5 mg + DHEA 20 mg capsules" in text
    assert "DHEA powder (API), lot DHE" in text
    assert "Combine the weighed naltrexone HCl powder (API) and DHEA powder (API)" in text


# --- properties -------------------------------------------------------------------------------

doses = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(40), places=1)


@settings(max_examples=25, deadline=None)
@given(doses, doses, st.sampled_from(["0", "1", "00"]))
def test_shares_and_filler_fill_the_capsule_and_mass_balances(d1, d2, size):
    """At capacity the actives' shares and the filler's share make exactly one capsule, and
    each active's material in the batch is at least what the batch's capsules need."""
    y = generic("Y")
    r = lc.formulate_capsules(
        order(
            source=api(DHEA),
            dose=Quantity(d1, Unit.MG),
            size=size,
            additional_actives=(lc.CapsuleActive(dose=Quantity(d2, Unit.MG), source=api(y)),),
        )
    )
    share = next(s for s in r.trace if s.key == "material-share").result
    capacity = next(s for s in r.trace if s.key == "filler-capacity").result
    assert isinstance(share, Quantity) and isinstance(capacity, Quantity)
    whole = share.m_as(Unit.ONE) + r.filler_per_capsule.magnitude / capacity.magnitude
    assert abs(whole - 1) < TINY
    for ing in r.ingredients[:-1]:
        assert ing.in_batch.magnitude >= r.batch_count * ing.per_capsule.magnitude - TINY
    total = sum((i.in_batch.magnitude for i in r.ingredients), Decimal(0))
    assert abs(total - r.total_mix.magnitude) < TINY


@settings(max_examples=15, deadline=None)
@given(doses, doses)
def test_the_order_of_the_additional_actives_does_not_change_their_amounts(d1, d2):
    y, z = generic("Y"), generic("Z")
    a = lc.CapsuleActive(dose=Quantity(d1, Unit.MG), source=api(y))
    b = lc.CapsuleActive(dose=Quantity(d2, Unit.MG), source=api(z))
    outcomes = []
    for actives in ((a, b), (b, a)):
        try:
            outcomes.append(lc.formulate_capsules(order(additional_actives=actives)))
        except lc.FormulationError as err:  # a refusal is one too: the same for either order
            outcomes.append(err.code)
    one, two = outcomes
    if isinstance(one, str) or isinstance(two, str):
        assert one == two
        return
    assert one.additional_actives == two.additional_actives[::-1]
    assert one.fill_weight == two.fill_weight
    assert sorted(w.amount for w in one.weighings) == sorted(w.amount for w in two.weighings)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["20 mg", "0.02 g", "20000 mcg"]))
def test_an_additional_dose_in_any_mass_unit_gives_the_same_amounts(dose):
    r = lc.formulate_capsules(
        order(additional_actives=(lc.CapsuleActive(dose=lc.mass(dose), source=api(DHEA)),))
    )
    ref = lc.formulate_capsules(order())
    assert [w.amount for w in r.weighings] == [w.amount for w in ref.weighings]
    assert r.additional_actives[0].material_per_capsule == mg(20)


def test_the_label_and_the_master_record_list_every_active():
    r = lc.formulate_capsules(order())
    label = lc.build_label(
        r,
        lc.LabelOrder(
            patient="A. Patient",
            prescriber="Dr B",
            pharmacy=lc.Pharmacy(name="P", address="1 Road", phone="555"),
            rx_number="Rx1",
            record_id="CR-1",
            doses_per_day=Decimal(1),
        ),
    )
    assert label.strength_text == "4.5 mg per capsule, with DHEA 20 mg per capsule"
    assert "naltrexone HCl 4.5 mg per capsule, with DHEA 20 mg per capsule" in " ".join(
        lc.render_label(label).split()
    )
    master = lc.make_record(r, record_id="R1", compounded_by="C").master
    assert master.name == "naltrexone HCl 4.5 mg + DHEA 20 mg capsules"
    assert master.ingredients[:2] == (
        "active: naltrexone HCl powder (API) (4.5 mg per capsule; salt form naltrexone HCl)",
        "active: DHEA powder (API) (20 mg per capsule; salt form DHEA)",
    )


# --- capsule volumes and pack stats as inputs -------------------------------------------------


def test_a_suppliers_shell_volume_replaces_the_table_and_is_echoed():
    """domain.md §3.1: size 00 is 0.95 mL in the UNC table [V] and 0.90-0.91 mL from other
    manufacturers [S]. With 0.91 mL, lactose packed at 0.978 g/mL holds 0.91 x 978 = 889.98 mg."""
    r = lc.formulate_capsules(
        order(
            additional_actives=(),
            size="00",
            filler=lc.FillerLot(filler="lactose", lot="L", expiry=EXP),
            shell_volumes=(lc.ShellVolume(size="00", volume=lc.volume("0.91 mL")),),
        )
    )
    assert r.capsule_volume == lc.volume("0.91 mL")
    assert r.order.shell_volumes[0].volume == lc.volume("0.91 mL")
    capacity = next(s for s in r.trace if s.key == "filler-capacity")
    assert capacity.result == mg("889.98")
    assert next(s for s in r.trace if s.key == "capsule-volume").result == lc.volume("0.91 mL")
    table = {t.key: t for t in lc.make_record(r, record_id="R", compounded_by="C").table_values}
    assert table["capsule_size.00.volume"].value == lc.volume("0.91 mL")
    assert "given in the order" in table["capsule_size.00.volume"].source
    document = lc.order_document(r.order)
    assert document["shell_volumes"] == [{"size": "00", "volume": "0.91 mL"}]
    assert lc.load_order(json.dumps(document)) == r.order


@pytest.mark.parametrize(
    ("volumes", "code"),
    [
        ((("1", "5 mL"),), "shell-volume-implausible"),
        ((("0", "0.05 mL"),), "shell-volume-implausible"),
        ((("1", "0.36 mL"),), "shell-volume-implausible"),  # below size 2's 0.37 mL
        ((("1", "0.5 mL"), ("1", "0.48 mL")), "duplicate-size"),
    ],
)
def test_implausible_shell_volumes_are_refused(volumes, code):
    with pytest.raises(lc.InputError) as err:
        order(shell_volumes=tuple(lc.ShellVolume(size=s, volume=lc.volume(v)) for s, v in volumes))
    assert err.value.code == code
    with pytest.raises(lc.InputError, match="not a tuple of shell volumes"):
        order(shell_volumes=[lc.ShellVolume(size="1", volume=lc.volume("0.5 mL"))])


def test_the_order_s_own_active_may_have_a_pack_stat():
    """domain.md §4.2 [V]: the fraction of the capsule an ingredient takes is m / PS(size);
    naltrexone HCl 4.5 mg with a pack stat of 250 mg in size 1 takes 1.8 %."""
    ps = lc.ActivePackStat(size="1", per_capsule=mg(250))
    r = lc.formulate_capsules(order(additional_actives=(), size="1", active_pack_stat=ps))
    assert next(s for s in r.trace if s.key == "active-share").result == pct("1.8")
    assert not any(d.field == "source.density" for d in r.defaults)
    scaled = lc.formulate_capsules(
        order(
            additional_actives=(),
            size="0",
            active_pack_stat=ps,
            shell_volumes=(lc.ShellVolume(size="0", volume=lc.volume("0.7 mL")),),
        )
    )
    assert "pack-stat-extrapolated" in {w.code for w in scaled.warnings}
    # 250 mg x 0.7 / 0.5 = 350 mg of the material fills a size 0 capsule of 0.7 mL
    share = next(s for s in scaled.trace if s.key == "active-share")
    assert share.inputs["C_a"] == mg(350)
    with pytest.raises(lc.InputError, match="together with a density"):
        order(
            source=api(bulk_density=lc.Quantity(Decimal("0.5"), Unit.G_PER_ML)),
            active_pack_stat=ps,
        )


def test_an_implausible_active_pack_stat_is_refused_unless_acknowledged():
    tiny = lc.ActivePackStat(size="1", per_capsule=mg(5))  # 0.01 g/mL: not a powder
    with pytest.raises(lc.InputError) as err:
        lc.formulate_capsules(order(active_pack_stat=tiny))
    assert err.value.code == "pack-stat-implausible"
    assert err.value.field == "active_pack_stat"
    with pytest.raises(lc.InputError) as err:
        lc.formulate_capsules(
            order(
                additional_actives=(
                    lc.CapsuleActive(dose=lc.mass("1 mg"), source=api(DHEA), pack_stat=tiny),
                )
            )
        )
    assert err.value.field == "additional_actives[0].pack_stat"
    r = lc.formulate_capsules(
        order(
            additional_actives=(
                lc.CapsuleActive(
                    dose=lc.mass("1 mg"),
                    source=api(DHEA),
                    pack_stat=lc.ActivePackStat(size="0", per_capsule=mg(400)),
                ),
            ),
            size="1",
        )
    )
    assert ("pack-stat-extrapolated", "additional_actives[0].pack_stat") in {
        (w.code, w.field) for w in r.warnings
    }


def test_the_fhir_export_lists_every_active():
    tabs = lc.TabletSource(average_weight=mg("201.4"), expiry=EXP, lot="T1", tablets_weighed=20)
    r = lc.formulate_capsules(
        order(
            dose=lc.mass("20 mg"),
            source=api(DHEA),
            additional_actives=(lc.CapsuleActive(dose=lc.mass("4.5 mg"), source=tabs),),
        )
    )
    medication = next(
        e["resource"]
        for e in lc.to_fhir(r)["entry"]
        if e["resource"]["resourceType"] == "Medication"
    )
    active = [i for i in medication["ingredient"] if i["isActive"]]
    assert [i["itemCodeableConcept"]["text"] for i in active] == ["DHEA", "naltrexone HCl"]
    assert active[1]["itemCodeableConcept"]["coding"][0]["code"] == "203174"
    assert active[1]["strength"]["numerator"]["value"] == 4.5


def test_triturations_larger_than_the_mix_enlarge_the_batch():
    """One 60 mg capsule (size 3: a size 5 holds only about 30 mg of this fill) with 0.1 mg of
    naltrexone HCl and two 0.05 mg actives: at first the
    three triturations' aliquots (each at least the 120 mg minimum) outweigh the whole mix, so
    the batch grows until the filler to add is at or above the minimum again."""
    r = lc.formulate_capsules(
        order(
            dose=lc.mass("0.1 mg"),
            count=1,
            size="3",
            method=lc.CapsuleMethod.FIXED_WEIGHT,
            fill_weight=mg(60),
            additional_actives=tuple(
                lc.CapsuleActive(dose=lc.mass("0.05 mg"), source=api(generic(f"Q{i}")))
                for i in range(2)
            ),
            dose_basis="hcl",
        )
    )
    assert all(w.amount >= mg(120) for w in r.weighings)
    for a in r.additional_actives:
        assert abs(a.dose_deviation.m_as(Unit.PERCENT)) <= Decimal("0.5")
        assert a.dose_basis == "base"


def test_drug_objects_in_documents_are_read_strictly():
    document = dict(
        lc.order_document(order(additional_actives=())),
        additional_actives=[DOCUMENT_ACTIVE | {"dose_basis": "base"}],
    )
    assert lc.run_order(json.dumps(document)).additional_actives[0].dose_basis == "base"
    for change, code, field in (
        (5, "wrong-type", "additional_actives[0].source.drug"),
        (
            DOCUMENT_ACTIVE["source"]["drug"]  # type: ignore[index]
            | {"forms": [{**DOCUMENT_ACTIVE["source"]["drug"]["forms"][0], "water": "2"}]},  # type: ignore[index]
            "wrong-type",
            "additional_actives[0].source.drug.forms[0].water",
        ),
    ):
        active = json.loads(json.dumps(DOCUMENT_ACTIVE))
        active["source"]["drug"] = change
        with pytest.raises(lc.InputError) as err:
            lc.run_order(json.dumps(dict(document, additional_actives=[active])))
        assert (err.value.code, err.value.field) == (code, field)
    profiled = attrs.evolve(DHEA, profile=lc.NALTREXONE.profile)
    with pytest.raises(lc.InputError, match="dose profile or solubility"):
        lc.order_document(
            order(additional_actives=(lc.CapsuleActive(dose=mg(20), source=api(profiled)),))
        )


# --- command line: the supplier's volumes and the active's pack stat --------------------------

CLI_ORDER = (
    "capsules",
    *("--dose", "4.5 mg", "--count", "30", "--source", "api", "--api-form", "hcl"),
    *("--assay", "100 %", "--assay-basis", "as-is", "--lot", "A1", "--expiry", "2028-01-01"),
    *("--class-iii", "--compounded-on", "2026-11-21", "--format", "json"),
)


def test_the_command_line_takes_shell_volumes_and_an_active_pack_stat():
    from click.testing import CliRunner  # noqa: PLC0415
    from ldncompound_cli import cli  # noqa: PLC0415

    runner = CliRunner()
    ok = runner.invoke(
        cli,
        [
            *CLI_ORDER,
            *("--size", "00", "--shell-volume", "00=0.91 mL", "--shell-volume", "1=0.48 mL"),
            *("--active-pack-stat", "250 mg", "--active-pack-stat-size", "1"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data["capsule_volume"] == {"value": "0.91", "unit": "mL"}
    assert data["order"]["shell_volumes"][1] == {
        "size": "1",
        "volume": "0.48 mL",
    }
    assert data["order"]["active_pack_stat"]["per_capsule"] == "250 mg"
    for extra, start in (
        (("--shell-volume", "00:0.91 mL"), "Error: --shell-volume: '00:0.91 mL' is not SIZE="),
        (("--shell-volume", "7=0.91 mL"), "Error: --shell-volume: '7=0.91 mL' is not SIZE="),
        (("--shell-volume", "1=5 mL"), "Error: --shell-volume: '5 mL' is implausible"),
        (("--shell-volume", "1=0.5 mg"), "Error: --shell-volume: '0.5 mg' is a mass"),
        (
            ("--active-pack-stat", "250 mg"),
            "Error: --active-pack-stat-size is required with --active-pack-stat.",
        ),
        (("--active-pack-stat-size", "1"), "Error: --active-pack-stat-size needs"),
        (
            ("--active-pack-stat", "2 mg", "--active-pack-stat-size", "1"),
            "Error: --active-pack-stat: '2 mg' in a size 1 capsule",
        ),
    ):
        bad = runner.invoke(cli, [*CLI_ORDER, *extra])
        assert bad.exit_code == 2, bad.output
        # under --format json the refusal is a JSON object on standard error
        assert json.loads(bad.output)["error"]["message"].startswith(start.removeprefix("Error: "))


@pytest.mark.parametrize(
    ("count", "first", "second", "filler"), [(50, 1500, 1000, 22500), (100, 3000, 2000, 45000)]
)
def test_we25_we26_calibration_with_filler_and_two_actives(count, first, second, filler):
    """WE-25 (leanbulk.com "Capping 101") and WE-26 (steroidwiki.com "How to cap 101") [S]: a
    capsule holds 500 mg of filler (600 mg filled - 100 mg empty shell); 50 mg of active
    replaces filler 1:1 by weight -> 450 mg filler per capsule; 50 capsules: 2.5 g active +
    22.5 g filler, 100 capsules: 5 g + 45 g. The 50 mg split into two actives of 30 mg and
    20 mg (each packing 1:1) leaves the same 450 mg of filler [D]."""
    stat = lc.PackStat.from_weights(
        size="00", filled=mg(6000), empty=mg(1000), capsules=10, method="tamped"
    )
    r = lc.formulate_capsules(
        lc.CapsuleOrder(
            dose=lc.mass("30 mg"),
            count=count,
            source=api(generic("A", "100")),
            additional_actives=(lc.CapsuleActive(dose=mg(20), source=api(generic("B", "100"))),),
            overage=pct(0),
            filler=lc.FillerLot(filler="mcc", lot="F", expiry=EXP, pack_stat=stat),
            balance=lc.Balance.documented(minimum_weight=mg(100), readability=mg(10)),
            compounded_on=DAY,
        )
    )
    assert r.filler_per_capsule == mg(450)
    assert [w.amount for w in r.weighings] == [mg(first), mg(second), mg(filler)]


def test_a_record_of_several_actives_reads_back_and_verifies():
    r = lc.formulate_capsules(
        order(shell_volumes=(lc.ShellVolume(size="1", volume=lc.volume("0.48 mL")),))
    )
    record = lc.make_record(r, record_id="R1", compounded_by="C")
    data = json.loads(lc.dumps(record))
    assert lc.read_record(data) == record
    assert lc.verify_record(data).differences == ()


def test_a_titration_kit_of_several_actives_is_refused():
    with pytest.raises(lc.InputError) as err:
        lc.CapsuleKit(template=order())
    assert err.value.code == "actives-in-kit"
    assert lc.CapsuleKit(template=order(additional_actives=())).template.additional_actives == ()


@pytest.mark.parametrize("spelling", ["DHEA ", " dhea", "ＤＨＥＡ", "DHEA\u00a0"])
def test_one_drug_spelt_with_other_spaces_case_or_width_is_the_same_active(spelling):
    """A hostile test added DHEA twice as "DHEA" and "DHEA ": weighed twice, labelled twice."""
    with pytest.raises(lc.InputError) as err:
        order(
            additional_actives=(
                lc.CapsuleActive(dose=lc.mass("20 mg"), source=api(DHEA)),
                lc.CapsuleActive(dose=lc.mass("10 mg"), source=api(generic(spelling))),
            )
        )
    assert (err.value.code, err.value.field) == (
        "duplicate-active",
        "additional_actives[1].source.drug",
    )


def test_an_expired_additional_active_is_named_by_its_place():
    """A hostile test found an expired DHEA lot refused as `active.expiry`, the name of the
    order's own source: the refusal now names the additional active."""
    old = attrs.evolve(api(DHEA), expiry=dt.date(2026, 1, 1))
    with pytest.raises(lc.LdnCompoundError) as err:
        lc.formulate_capsules(
            order(additional_actives=(lc.CapsuleActive(dose=lc.mass("20 mg"), source=old),))
        )
    assert (err.value.code, err.value.field) == (
        "component-expired",
        "additional_actives[0].source.expiry",
    )
