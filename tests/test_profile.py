"""The pharmacy profile: reading the TOML file (every refusal names the file, line and key),
filling orders with what the caller did not give (echoed as defaults from the pharmacy
profile), and ``ldncompound profile init|check`` with the --profile / variable / folder lookup."""

from __future__ import annotations

import json
import re
from typing import Any

import attrs
import orders
import pytest
from click.testing import CliRunner
from ldncompound_cli import _profile, cli

import ldncompound as lc

TEMPLATE = lc.profile_template()
FROM = lc.PROFILE_SOURCE

#: the issue's command line: with a profile, nothing else is needed
ACCEPTANCE = (
    "capsules",
    "--dose",
    "4.5 mg",
    "--count",
    "30",
    "--source",
    "tablets",
    "--tablet-weight",
    "201.4 mg",
)


def read(text: str) -> lc.PharmacyProfile:
    return lc.read_profile(text, file="p.toml")


def refused(text: str) -> lc.InputError:
    with pytest.raises(lc.InputError) as info:
        read(text)
    message = str(info.value)
    assert message.startswith("p.toml"), message
    assert message.endswith(".") and "\n" not in message
    return info.value


def tablets_doc(**source: Any) -> dict[str, Any]:
    """The valid capsule document with only the source fields given here (and none of the
    profile's tables: balance, filler, shells 'default')."""
    doc = orders.document("capsules")
    doc["source"] = {
        k: v if k in ("kind", "drug") else "default"
        for k, v in doc["source"].items()
        if k not in ("expiry", "average_weight")  # no default: the profile or the caller
    }
    doc["source"].update(source)
    doc["balance"] = "default"
    return doc


def profile_defaults(result: Any) -> dict[str, Any]:
    return {d.field: d.value for d in result.defaults if d.source == FROM}


# --- reading --------------------------------------------------------------------------------


def test_the_template_loads_with_every_table():
    p = read(TEMPLATE)
    assert p.pharmacy is not None and p.pharmacy.name == "Example Compounding Pharmacy"
    assert p.balances[0].minimum_weight == lc.mass("50 mg")
    assert p.filler is not None and p.filler.lot == "F-2291"
    assert p.shells is not None and p.shells.weight == lc.mass("96 mg")
    (tab,) = p.tablets
    assert (tab.strength, tab.average_weight, tab.tablets_weighed) == (
        lc.mass("50 mg"),
        lc.mass("201.4 mg"),
        20,
    )
    assert [s.cap for s in p.syringes] == [1, 5]
    assert p.droppers[0].calibration.per_ml == 20
    assert p.vehicles[0].lot == "V-77"
    assert p.acknowledge == ()


def test_an_empty_profile_fills_nothing():
    p = read("")
    doc = tablets_doc(average_weight="201.4 mg", expiry="2028-01-01")
    assert lc.apply_profile(doc, p)["from_profile"] == []
    assert lc.apply_profile(doc, None) is doc


@pytest.mark.parametrize(
    ("text", "line", "code", "words"),
    [
        ("[pharmacy]\nname = \n", 2, "bad-toml", "not valid TOML"),
        ("[[tablets]]\nproduct = 'x'\nproduct = 'y'\n", 3, "bad-toml", "not valid TOML"),
        ("[pharmacie]\nname = 'x'\n", 1, "invalid-profile", "pharmacie"),
        ("[pharmacy]\nname = 'A'\naddress = 'B'\nphone = '1'\nfax = '2'\n", 5, None, "fax"),
        ("[pharmacy]\nname = 'A'\naddress = 'B'\n", 1, None, "phone is missing"),
        ("[pharmacy]\nname = 'A'\naddress = 'B'\nphone = 5\n", 4, None, "is not text"),
        ('[pharmacy]\nname = "A\\u001b[2J"\naddress = "B"\nphone = "5"\n', 2, None, "name"),
        ("pharmacy = 'x'\n", 1, None, "is not a table"),
        ("tablets = 'x'\n", 1, None, "is not a list of tables"),
    ],
)
def test_syntax_shape_and_text_refusals_name_the_line(text, line, code, words):
    err = refused(text)
    assert str(err).startswith(f"p.toml, line {line}: "), str(err)
    assert words in str(err)
    if code is not None:
        assert err.code == code


TABLET = """\
[[tablets]]
product = "Generic 50"
strength = "50 mg"
lot = "T1"
expiry = 2028-01-01
average_weight = "{weight}"
tablets_weighed = {count}
"""


@pytest.mark.parametrize(
    ("weight", "count", "code", "key"),
    [
        ("2014 mg", "20", "tablet-weight-implausible", "tablets[1].average_weight"),
        ("201,4 mg", "20", None, "tablets[1].average_weight"),
        ("201.4 mL", "20", "wrong-dimension", "tablets[1].average_weight"),
        ("201.4", "20", "missing-unit", "tablets[1].average_weight"),
        ("", "20", None, "tablets[1].average_weight"),
        ("40 mg", "20", None, "tablets[1].average_weight"),
        ("201.4 mg", "0", None, "tablets[1].tablets_weighed"),
        ("201.4 mg", "'20'", None, "tablets[1].tablets_weighed"),
    ],
)
def test_tablet_figures_are_refused_with_line_and_key(weight, count, code, key):
    err = refused(TABLET.format(weight=weight, count=count))
    line = 7 if key.endswith("tablets_weighed") else 6
    assert str(err).startswith(f"p.toml, line {line}: {key}"), str(err)
    assert err.field == key
    if code is not None:
        assert err.code == code


def test_a_number_where_an_amount_belongs_names_the_unit():
    err = refused(TABLET.format(weight="x", count="20").replace('"x"', "201.4"))
    assert "is not an amount with its unit" in str(err)


def test_an_acknowledged_figure_loads_and_is_acknowledged_on_the_order():
    text = TABLET.format(weight="450 mg", count="20") + (
        '[[acknowledge]]\ncode = "tablet-weight-implausible"\nreason = "film-coated, checked"\n'
    )
    p = read(text)
    assert p.tablets[0].acknowledged == {"tablet-weight-implausible"}
    doc = lc.apply_profile(tablets_doc(), p)
    assert doc["acknowledge"] == ["tablet-weight-implausible"]
    assert "acknowledge[0]" in doc["from_profile"]
    result = lc.run_order(doc, today=orders.DAY)
    assert "tablet-weight-implausible" in {w.code for w in result.warnings}
    assert profile_defaults(result)["acknowledge[0]"] == "tablet-weight-implausible"
    # the caller's own weighing is not covered by the profile's acknowledgement
    mine = lc.apply_profile(tablets_doc(average_weight="2014 mg"), p)
    assert mine["acknowledge"] == []
    with pytest.raises(lc.InputError) as info:
        lc.run_order(mine, today=orders.DAY)
    assert info.value.code == "tablet-weight-implausible"


@pytest.mark.parametrize(
    ("ack", "words"),
    [
        ('code = "dose-above-range"\nreason = "x"', "is not a check a profile can acknowledge"),
        ('code = "density-implausible"\nreason = "x"', "acknowledges no figure"),
        ('code = "density-implausible"', "reason is missing"),
    ],
)
def test_acknowledgements_are_checked(ack, words):
    assert words in str(refused(f"[[acknowledge]]\n{ack}\n"))


def test_an_acknowledgement_is_given_once():
    text = TABLET.format(weight="450 mg", count="20") + 2 * (
        '[[acknowledge]]\ncode = "tablet-weight-implausible"\nreason = "x"\n'
    )
    err = refused(text)
    assert str(err).startswith("p.toml, line 12: acknowledge[2].code")


BALANCE = "[[balances]]\n{body}\n"


@pytest.mark.parametrize(
    ("body", "minimum"),
    [
        ('rule = "usp41"\nreadability = "0.1 mg"', "82 mg"),
        (
            'rule = "sensitivity"\nreadability = "10 mg"\nsensitivity = "6 mg"\nmax_error = "5 %"',
            "120 mg",
        ),
        ('rule = "class-iii"\nname = "Torbal"', "120 mg"),
        ('rule = "class-iii"', "120 mg"),
    ],
)
def test_every_balance_rule(body, minimum):
    (b,) = read(BALANCE.format(body=body)).balances
    assert b.minimum_weight == lc.mass(minimum)


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('rule = "guess"', 2, "is not a balance rule"),
        ('rule = "usp41"', 1, "readability is missing"),
        ('rule = "class-iii"\nreadability = "1 mg"', 3, "is not used by the rule"),
        (
            'rule = "documented"\nreadability = "10 mg"\nminimum_weight = "5 mg"',
            4,
            "minimum_weight",
        ),
        ('rule = "documented"\nreadability = "1 g"\nminimum_weight = "5 g"', 3, "too coarse"),
        ('readability = "1 mg"', 1, "rule is missing"),
    ],
)
def test_balance_refusals(body, line, words):
    err = refused(BALANCE.format(body=body))
    assert str(err).startswith(f"p.toml, line {line}: balances[1]"), str(err)
    assert words in str(err)


FILLER = '[filler]\nfiller = "mcc"\nlot = "F1"\n{extra}\n'


def test_filler_pack_stat_and_density():
    p = read(
        FILLER.format(
            extra='pack_stat = "98 mg"\npack_stat_size = "1"\npack_stat_method = "tamped"'
        )
    )
    assert p.filler is not None and p.filler.pack_stat is not None
    assert p.filler.pack_stat.filler_per_capsule == lc.mass("98 mg")
    text = FILLER.format(extra='density = "1.8 g/mL"')
    assert refused(text).code == "density-implausible"
    p = read(text + '[[acknowledge]]\ncode = "density-implausible"\nreason = "checked"\n')
    assert p.filler_acknowledged == {"density-implausible"}
    doc = lc.apply_profile(tablets_doc(average_weight="201.4 mg", expiry="2028-01-01"), p)
    assert doc["filler"]["density"] == "1.8 g/mL"
    assert doc["acknowledge"] == ["density-implausible"]
    own = tablets_doc(average_weight="201.4 mg", expiry="2028-01-01", powder_density="0.5 g/mL")
    assert lc.apply_profile(own, p)["acknowledge"] == []  # not over the caller's own density


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('pack_stat = "98 mg"', "pack_stat_size is missing"),
        ('pack_stat_size = "1"', "is given without a pack stat"),
        (
            'pack_stat = "98 mg"\npack_stat_size = "1"\ndensity = "0.4 g/mL"',
            "together with a pack stat",
        ),
        ('pack_stat = "98 mg"\npack_stat_size = "99"', "not a capsule size"),
    ],
)
def test_filler_refusals(extra, words):
    import re  # noqa: PLC0415

    err = refused(FILLER.format(extra=extra))
    assert re.search(words, str(err)), str(err)


def test_an_unknown_filler_is_refused_at_its_line():
    err = refused('[filler]\nfiller = "sawdust"\n')
    assert str(err).startswith("p.toml, line 2: filler.filler"), str(err)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('key = "oral-5ml"\nname = "x"', "is given with a table key"),
        ('key = "cylinder-10ml"', "is not an oral syringe"),
        ('key = "oral-7ml"', "is not a device in the table"),
        ('name = "x"\ncapacity = "5 mL"\ngraduation = "0.3 mL"', "does not divide"),
        ('name = "x"\ncapacity = "5 mL"', "graduation is missing"),
    ],
)
def test_syringe_refusals(body, words):
    assert words in str(refused(f"[[syringes]]\n{body}\n"))


@pytest.mark.parametrize(
    ("body", "words", "code"),
    [
        (
            'dropper = "D"\nvehicle = "mct-oil"\ndrops = 40\nvolume = "0.5 mL"',
            "plausible",
            "dropper-implausible",
        ),
        ('dropper = "D"\nvehicle = "gin"\ndrops = 40\nvolume = "2 mL"', "not a vehicle", None),
        ('dropper = "D"\nvehicle = "mct-oil"\ndrops = 4000\nvolume = "2 mL"', "drops", None),
    ],
)
def test_dropper_refusals(body, words, code):
    err = refused(f"[[droppers]]\n{body}\n")
    assert words in str(err)
    if code:
        assert err.code == code


def test_shells_and_vehicles_refusals():
    assert "shells.weight" in str(refused('[shells]\nweight = "-96 mg"\n'))
    assert "vehicles[1].expiry" in str(
        refused('[[vehicles]]\nvehicle = "mct-oil"\nexpiry = "31/03/2027"\n')
    )
    assert "is not a date" in str(
        refused('[[vehicles]]\nvehicle = "mct-oil"\nexpiry = 2027-03-31T10:00:00\n')
    )
    assert "is not a date" in str(refused('[[vehicles]]\nvehicle = "mct-oil"\nexpiry = 5\n'))


def test_load_profile_refuses_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(lc.InputError) as info:
        lc.load_profile(tmp_path / "none.toml")
    assert info.value.code == "cannot-read"
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'[pharmacy]\nname = "Apotheke M\xfcller"\n')
    with pytest.raises(lc.InputError) as info:
        lc.load_profile(bad)
    assert info.value.code == "bad-encoding"
    assert str(info.value).startswith(str(bad))
    good = tmp_path / "good.toml"
    good.write_text(TEMPLATE, encoding="utf-8")
    assert lc.load_profile(good).file == str(good)


# --- filling orders -------------------------------------------------------------------------


def test_the_issue_order_needs_only_dose_count_and_tablet_weight():
    p = read(TEMPLATE)
    doc = lc.apply_profile(tablets_doc(average_weight="201.4 mg"), p)
    result = lc.run_order(doc, today=orders.DAY)
    echoed = profile_defaults(result)
    assert echoed["tablets.lot"] == "TB-118"
    assert echoed["tablets.expiry"] == "2027-09-30"
    assert echoed["tablets.product"] == "Naltrexone HCl 50 mg film-coated tablets"
    assert echoed["balance"].startswith("analytical balance B1")
    assert echoed["filler.lot"] == "F-2291"
    assert echoed["shells.weight"] == lc.mass("96 mg")
    # the caller's weighing wins and is not echoed (nor the count of the profile's weighing)
    assert "tablets.average_weight" not in echoed
    assert "tablets.tablets_weighed" not in echoed
    assert result.order.source.tablets_weighed is None
    # the result computes again from its own order (labels and records check that)
    lc.check_recomputes(result)
    lc.check_recomputes(lc.read_result(lc.dumps(result)))


def test_a_caller_value_always_wins():
    p = read(TEMPLATE)
    doc = tablets_doc(average_weight="201.4 mg", lot="TB-118", expiry="2027-09-30")
    doc["balance"] = {"rule": "class-iii"}
    doc["shells"] = {"material": "gelatin", "lot": "S-5120", "expiry": "default", "weight": "90 mg"}
    out = lc.apply_profile(doc, p)
    assert out["balance"] == {"rule": "class-iii"}
    assert out["shells"]["weight"] == "90 mg"
    assert out["shells"]["expiry"] == "2028-01-31"
    assert "source.lot" not in out["from_profile"]
    assert "source.product" in out["from_profile"]
    assert "shells.weight" not in out["from_profile"]


def test_another_lot_is_not_the_profiles():
    p = read(TEMPLATE)
    out = lc.apply_profile(tablets_doc(average_weight="201.4 mg", lot="OTHER"), p)
    assert "expiry" not in out["source"]
    doc = tablets_doc(average_weight="201.4 mg", expiry="2028-01-01")
    doc["shells"] = {"material": "hpmc", "lot": "default", "expiry": "default", "weight": "default"}
    doc["filler"] = {"filler": "lactose", "lot": "default", "expiry": "default",
                     "pack_stat": "default", "density": "default"}  # fmt: skip
    out = lc.apply_profile(doc, p)
    assert out["shells"]["lot"] == "default"
    assert out["filler"]["lot"] == "default"


def test_a_filler_measured_by_the_caller_keeps_its_own_figures():
    p = read(FILLER.format(extra='density = "0.42 g/mL"\nexpiry = 2027-01-01'))
    doc = tablets_doc(average_weight="201.4 mg", expiry="2028-01-01")
    doc["filler"] = {"filler": "mcc", "lot": "default", "expiry": "default",
                     "pack_stat": "default", "density": "0.35 g/mL"}  # fmt: skip
    out = lc.apply_profile(doc, p)
    assert out["filler"]["density"] == "0.35 g/mL"
    assert out["filler"]["lot"] == "F1"
    assert out["filler"]["expiry"] == "2027-01-01"


def test_only_a_product_of_the_orders_strength_is_taken():
    p = read(TEMPLATE)
    out = lc.apply_profile(tablets_doc(average_weight="101 mg", strength="25 mg"), p)
    assert out["source"]["lot"] == "default"
    api = lc.order_document(orders.capsules(source=orders.api()))
    assert not any(x.startswith("source.") for x in lc.apply_profile(api, p)["from_profile"])


def test_several_products_of_one_strength_must_be_chosen():
    two = TABLET.format(weight="201.4 mg", count="20") + TABLET.format(
        weight="205 mg", count="10"
    ).replace("T1", "T2").replace("Generic 50", "Brand 50")
    p = read(two)
    with pytest.raises(lc.InputError) as info:
        lc.apply_profile(tablets_doc(), p)
    message = str(info.value)
    assert info.value.code == "profile-ambiguous"
    assert "Generic 50 (50 mg, lot T1)" in message and "Brand 50 (50 mg, lot T2)" in message
    chosen = lc.apply_profile(tablets_doc(product="Brand 50"), p)
    assert chosen["source"]["average_weight"] == "205 mg"
    assert lc.apply_profile(tablets_doc(lot="T1"), p)["source"]["tablets_weighed"] == 20


def test_an_order_object_is_filled_too():
    p = read(TEMPLATE)
    order = orders.capsules(balance=None)
    filled = lc.apply_profile(order, p)
    assert isinstance(filled, lc.CapsuleOrder)
    assert filled.balance == p.balances[0]
    assert filled.source.lot == "T1"  # the caller's lot: the profile's product is another
    assert "balance" in filled.from_profile


def test_liquids_take_the_vehicle_lot_of_the_table_vehicle_they_name():
    p = read(TEMPLATE)
    doc = orders.document("liquid")
    doc["vehicle"]["lot"] = "default"
    doc["vehicle"]["expiry"] = "default"
    doc["balance"] = "default"
    out = lc.apply_profile(doc, p)
    assert out["vehicle"]["lot"] == "default"  # purified water: the profile has no lot of it
    assert out["equipment"] == "default"  # the profile's syringes never become the equipment
    assert profile_defaults(lc.run_order(out, today=orders.DAY))["balance"].startswith("analytical")
    doc["vehicle"] = lc.order_document(orders.liquid(vehicle=MCT))["vehicle"]
    out = lc.apply_profile(doc, p)
    assert (out["vehicle"]["lot"], out["vehicle"]["expiry"]) == ("V-77", "2027-03-31")


MCT = lc.VehicleLot(vehicle=lc.vehicle("mct-oil"))


def test_drops_take_the_dropper_calibrated_with_their_vehicle():
    p = read(TEMPLATE)
    doc = orders.document("drops")
    doc["calibration"] = "default"
    doc["vehicle"] = lc.order_document(orders.drops(vehicle=MCT))["vehicle"]
    out = lc.apply_profile(doc, p)
    assert out["calibration"]["dropper"] == "amber dropper D7"
    assert out["vehicle"]["lot"] == "V-77"
    result = lc.run_order(out, today=orders.DAY)
    assert profile_defaults(result)["calibration"] == "40 drops in 2 mL from amber dropper D7"
    assert profile_defaults(result)["vehicle.lot"] == "V-77"
    two = (
        TEMPLATE
        + '[[droppers]]\ndropper = "D9"\nvehicle = "mct-oil"\ndrops = 38\nvolume = "2 mL"\n'
    )
    with pytest.raises(lc.InputError) as info:
        lc.apply_profile(doc, read(two))
    assert "amber dropper D7, D9" in str(info.value)
    nominal = lc.apply_profile(doc | {"accept_nominal_dropper": True}, read(two))
    assert nominal["calibration"] == "default"


def test_troches_take_the_balance_and_the_tablets():
    p = read(TEMPLATE)
    doc = orders.document("troches")
    doc["balance"] = "default"
    result = lc.run_order(lc.apply_profile(doc, p), today=orders.DAY)
    assert profile_defaults(result)["balance"].startswith("analytical balance B1")


@pytest.mark.parametrize(
    ("paths", "words"),
    [
        (("source.product",), "names a field the order does not give"),
        (("source.lot", "source.lot"), "names a field twice"),
        (("nonsense[x]",), "names a field the order does not give"),
        (("acknowledge[3]",), "names a field the order does not give"),
        ("source.lot", "is not a list of field paths"),
    ],
)
def test_from_profile_names_values_the_order_holds(paths, words):
    with pytest.raises(lc.InputError) as info:
        attrs.evolve(orders.capsules(), from_profile=paths)
    assert words in str(info.value)


def test_a_document_without_from_profile_is_valid_and_written_without_it():
    doc = orders.document("capsules")
    assert "from_profile" not in doc
    assert lc.load_order(doc).from_profile == ()
    result = lc.run_order(doc, today=orders.DAY)
    assert "from_profile" not in json.loads(lc.dumps(result))["order"]


# --- the command line -----------------------------------------------------------------------


@pytest.fixture
def profile_file(tmp_path):
    path = tmp_path / "ldncompound.toml"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path


def run(*args: str, **kw: Any) -> Any:
    return CliRunner().invoke(cli, list(args), **kw)


def test_cli_the_issue_command_with_a_profile(profile_file):
    res = run(*ACCEPTANCE, "--profile", str(profile_file), "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    echoed = {d["field"]: d["value"] for d in data["defaults"] if d["source"] == FROM}
    assert echoed["tablets.expiry"] == "2027-09-30"
    assert echoed["tablets.lot"] == "TB-118"
    assert echoed["filler.lot"] == "F-2291"
    text = run(*ACCEPTANCE, "--profile", str(profile_file))
    assert text.exit_code == 0, text.output
    assert "tablets.lot = TB-118: pharmacy profile" in text.output


def test_cli_finds_the_profile_by_variable_then_folder(profile_file, monkeypatch, tmp_path):
    assert run(*ACCEPTANCE).exit_code == 2  # no profile: --expiry is required
    monkeypatch.setenv(lc.PROFILE_ENV, str(profile_file))
    assert run(*ACCEPTANCE).exit_code == 0
    res = run(*ACCEPTANCE, "--no-profile")
    assert res.exit_code == 2 and "--expiry is required" in res.output
    monkeypatch.delenv(lc.PROFILE_ENV)
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / lc.PROFILE_FILE).write_text(TEMPLATE, encoding="utf-8")
    monkeypatch.setattr(_profile, "config_dir", lambda: str(folder))
    assert run(*ACCEPTANCE).exit_code == 0
    res = run(*ACCEPTANCE, "--profile", str(profile_file), "--no-profile")
    assert res.exit_code == 2 and "contradict" in res.output


def test_cli_default_config_dir_is_clicks():
    assert _profile.default_path().name == lc.PROFILE_FILE


def test_cli_an_acknowledged_tablet_weight_is_carried(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        TABLET.format(weight="450 mg", count="20")
        + '[[acknowledge]]\ncode = "tablet-weight-implausible"\nreason = "film-coated"\n',
        encoding="utf-8",
    )
    args = ("capsules", "--dose", "4.5 mg", "--count", "30", "--source", "tablets")
    res = run(
        *args, "--profile", str(path), "--acknowledge", "dose-below-range", "--format", "json"
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["order"]["acknowledge"] == ["dose-below-range", "tablet-weight-implausible"]
    assert "tablet-weight-implausible" in {w["code"] for w in data["warnings"]}


def test_cli_every_preparation_takes_the_profile(profile_file):
    p = str(profile_file)
    liquid = orders.command("liquid", **{"--min-weight": None, "--readability": None})
    res = run(*liquid, "--profile", p, "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["order"]["balance"]["name"] == "analytical balance B1"
    drops = orders.command(
        "drops",
        **{
            "--calibration-drops": None,
            "--calibration-volume": None,
            "--dropper": None,
            "--vehicle-lot": None,
            "--vehicle-expiry": None,
        },
    )
    res = run(*drops, "--profile", p, "--format", "json")
    assert res.exit_code == 2 and "--calibration-drops" in res.output  # no dropper for nz-preserved
    mct = orders.command(
        "drops",
        **{
            "--calibration-drops": None,
            "--calibration-volume": None,
            "--dropper": None,
            "--vehicle": "mct-oil",
            "--vehicle-lot": None,
            "--vehicle-expiry": None,
        },
    )
    res = run(*mct, "--profile", p, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["order"]["calibration"]["dropper"] == "amber dropper D7"
    assert data["order"]["vehicle"]["lot"] == "V-77"
    troches = orders.command("troches", **{"--lot": None, "--expiry": None})
    res = run(*troches, "--profile", p, "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["order"]["source"]["lot"] == "TB-118"


def test_cli_a_bad_profile_is_one_sentence_with_file_and_line(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(TABLET.format(weight="2014 mg", count="20"), encoding="utf-8")
    res = run(*ACCEPTANCE, "--profile", str(path))
    assert res.exit_code == 2
    assert f"Error: {path}, line 6: tablets[1].average_weight: '2014 mg'" in res.output
    res = run("profile", "check", str(path))
    assert res.exit_code == 2
    assert f"{path}, line 6" in res.output


def test_cli_two_products_are_chosen_by_tablet_product(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        TABLET.format(weight="201.4 mg", count="20")
        + TABLET.format(weight="205 mg", count="10").replace("Generic 50", "Brand 50"),
        encoding="utf-8",
    )
    args = ("capsules", "--dose", "4.5 mg", "--count", "30", "--source", "tablets")
    res = run(*args, "--profile", str(path))
    assert res.exit_code == 2 and "Error: --tablet-product is not given" in res.output
    res = run(*args, "--profile", str(path), "--tablet-product", "Brand 50", "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["order"]["source"]["average_weight"] == "205 mg"


def test_cli_profile_init_and_check(tmp_path, monkeypatch):
    target = tmp_path / "sub" / "ldncompound.toml"
    res = run("profile", "init", str(target))
    assert res.exit_code == 0, res.output
    assert target.read_text(encoding="utf-8") == TEMPLATE
    res = run("profile", "init", str(target))
    assert res.exit_code == 2 and "exists already" in res.output
    assert run("profile", "init", str(target), "--force").exit_code == 0
    res = run("profile", "check", str(target))
    assert res.exit_code == 0, res.output
    assert "tablets: Naltrexone HCl 50 mg film-coated tablets (50 mg, lot TB-118)" in res.output
    assert "dropper: amber dropper D7 with mct-oil, 40 drops in 2 mL (20.0 drops/mL)" in res.output
    res = run("profile", "check")
    assert res.exit_code == 2 and "is not given" in res.output
    monkeypatch.setattr(_profile, "config_dir", lambda: str(tmp_path / "cfg"))
    assert run("profile", "init").exit_code == 0
    assert (tmp_path / "cfg" / lc.PROFILE_FILE).is_file()
    assert run("profile", "check").exit_code == 0
    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")
    res = run("profile", "init", str(blocked / "p.toml"))
    assert res.exit_code == 2 and "cannot be written" in res.output


def test_cli_check_shows_every_kind_of_value(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        FILLER.format(extra='pack_stat = "98 mg"\npack_stat_size = "1"')
        + TABLET.format(weight="450 mg", count="20")
        + '[[acknowledge]]\ncode = "tablet-weight-implausible"\nreason = "film-coated"\n'
        + '[[balances]]\nrule = "class-iii"\n',
        encoding="utf-8",
    )
    res = run("profile", "check", str(path))
    assert res.exit_code == 0, res.output
    assert "pack stat 98 mg in size 1" in res.output
    assert "acknowledged: tablet-weight-implausible: film-coated" in res.output
    path.write_text(FILLER.format(extra='density = "0.4 g/mL"'), encoding="utf-8")
    assert "density 0.4 g/mL" in run("profile", "check", str(path)).output


# --- the docs -------------------------------------------------------------------------------


def test_the_docs_show_the_template_and_it_loads():
    from pathlib import Path  # noqa: PLC0415

    text = (Path(__file__).resolve().parents[1] / "docs" / "profile.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    assert block == TEMPLATE
    profile = read(block)
    assert profile.tablets[0].average_weight == lc.mass("201.4 mg")
    for code in lc.PROFILE_ACKNOWLEDGEABLE:
        assert f"| `{code}` |" in text
    wrong = block.replace("201.4 mg", "2014 mg")
    with pytest.raises(lc.InputError) as info:
        lc.read_profile(wrong)
    assert str(info.value) in text


def test_cli_a_label_takes_the_profiles_pharmacy(profile_file, tmp_path):
    result = tmp_path / "result.json"
    result.write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())), encoding="utf-8")
    args = ("label", str(result), "--patient", "Jane Doe", "--prescriber", "Dr A", "--rx", "RX1")
    args = (*args, "--record-id", "CR-1")
    res = run(*args, "--profile", str(profile_file), "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["pharmacy"]["name"] == "Example Compounding Pharmacy"
    echoed = {d["field"]: d["value"] for d in data["defaults"] if d["source"] == FROM}
    assert echoed == {
        "pharmacy": "Example Compounding Pharmacy, 1 Example Street, Springfield, 555-0100"
    }
    mine = ("--pharmacy-name", "P", "--pharmacy-address", "A", "--pharmacy-phone", "1")
    res = run(*args, *mine, "--profile", str(profile_file), "--format", "json")
    assert json.loads(res.output)["pharmacy"]["name"] == "P"
    res = run(*args, "--pharmacy-name", "P", "--profile", str(profile_file))
    assert res.exit_code == 2 and "Error: --pharmacy-address is required" in res.output
    res = run(*args)
    assert res.exit_code == 2 and "Error: --pharmacy-name is required" in res.output
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    assert run(*args, "--profile", str(empty)).exit_code == 2


# --- oral syringes ---------------------------------------------------------------------------

ONE_ML, FIVE_ML = "1 mL oral syringe", "5 mL oral syringe (0.1 mL scale)"


def liquid_doc(**changes: Any) -> dict[str, Any]:
    doc = orders.document("liquid")
    doc["syringe"] = "default"
    doc.update(changes)
    return doc


@pytest.mark.parametrize(
    ("changes", "chosen"),
    [
        ({}, FIVE_ML),  # 4.5 mg at 2.5 mg/mL: 1.8 mL, more than the 1 mL syringe holds
        ({"dose": "0.625 mg"}, ONE_ML),  # 0.25 mL: on the 1 mL syringe's 0.01 mL marks
        ({"dose": "0.75 mg"}, ONE_ML),  # 0.3 mL on both: the smaller, as the library takes
        ({"concentration": "default"}, FIVE_ML),  # no concentration: a 5 mL syringe first
    ],
)
def test_a_liquid_takes_the_syringe_the_library_chooses_among_the_profiles(changes, chosen):
    p = read(TEMPLATE)
    out = lc.apply_profile(liquid_doc(**changes), p)
    assert out["syringe"]["name"] == chosen
    assert "syringe" in out["from_profile"]
    result = lc.run_order(out, today=orders.DAY)
    assert result.syringe.name == chosen
    assert profile_defaults(result)["syringe"].startswith(chosen)


def test_the_library_would_choose_the_same_syringe_from_the_same_stock():
    p = read(TEMPLATE)
    others = tuple(d for d in lc.DEVICES if d.kind is not lc.DeviceKind.ORAL_SYRINGE)
    for dose in ("0.625 mg", "0.75 mg", "1.5 mg", "4.5 mg"):
        filled = lc.apply_profile(orders.liquid(dose=lc.mass(dose)), p)
        own = orders.liquid(dose=lc.mass(dose), equipment=(*others, *p.syringes))
        assert filled.syringe == lc.formulate_liquid(own).syringe, dose


def test_one_syringe_in_stock_is_the_liquids_and_the_callers_wins():
    (one,) = read(TEMPLATE).syringes[:1]
    p = lc.PharmacyProfile(file="p.toml", syringes=(one,))
    out = lc.apply_profile(liquid_doc(), p)
    assert out["syringe"]["name"] == ONE_ML  # the library then says why it cannot measure 1.8 mL
    with pytest.raises(lc.FormulationError) as info:
        lc.run_order(out, today=orders.DAY)
    assert info.value.code == "dose-above-syringe"
    mine = lc.order_document(orders.liquid(syringe=lc.device("oral-10ml")))
    out = lc.apply_profile(mine, read(TEMPLATE))
    assert out["syringe"]["key"] == "oral-10ml"
    assert "syringe" not in out["from_profile"]


def test_no_syringe_of_the_profile_measures_the_dose_is_refused_naming_them():
    p = read(TEMPLATE)
    with pytest.raises(lc.InputError) as info:
        lc.apply_profile(liquid_doc(concentration="0.5 mg/mL"), p)  # 9 mL a dose
    err = info.value
    assert (err.code, err.field) == ("profile-no-syringe", "syringe")
    assert f"({ONE_ML}, {FIVE_ML})" in err.message and "p.toml" in err.message


def test_a_liquid_the_library_refuses_is_refused_by_the_library_not_the_profile():
    p = read(TEMPLATE)
    out = lc.apply_profile(liquid_doc(dose="45 mg"), p)
    assert out["syringe"] == "default"
    with pytest.raises(lc.InputError) as info:
        lc.run_order(out, today=orders.DAY)
    assert info.value.code == "dose-above-range"


def test_drops_take_no_syringe():
    doc = orders.document("drops")
    out = lc.apply_profile(doc, read(TEMPLATE))
    assert "syringe" not in out and "syringe" not in out["from_profile"]


def test_cli_a_liquid_takes_the_profiles_syringe(profile_file):
    liquid = orders.command("liquid", **{"--dose": "0.75 mg"})
    res = run(*liquid, "--profile", str(profile_file), "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["order"]["syringe"]["name"] == ONE_ML
    assert "syringe" in data["order"]["from_profile"]
    echoed = {d["field"]: d["value"] for d in data["defaults"] if d["source"] == FROM}
    assert echoed["syringe"].startswith(ONE_ML)
    text = run(*liquid, "--profile", str(profile_file))
    assert text.exit_code == 0, text.output
    assert f"syringe = {ONE_ML}" in text.output and ": pharmacy profile" in text.output
    own = run(  # 0.3 mL is 10 % of the 3 mL syringe: measured only when acknowledged
        *liquid,
        *("--profile", str(profile_file), "--syringe", "oral-3ml", "--format", "json"),
        *("--acknowledge", "dose-below-measurable-fraction"),
    )
    assert json.loads(own.output)["order"]["syringe"]["key"] == "oral-3ml"
    none = run(
        *orders.command("liquid", **{"--concentration": "0.5 mg/mL"}),
        "--profile",
        str(profile_file),
    )
    assert none.exit_code == 2
    assert "Error: --syringe is not given and none of the 2 oral syringes" in none.output


def test_a_profile_larger_than_a_mebibyte_or_a_device_is_refused_not_read_whole(tmp_path):
    """A hostile test gave /dev/zero as the profile: it was read until memory ran out."""
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (1 << 20) + b"\n")
    for path in (big, "/dev/zero"):
        with pytest.raises(lc.InputError) as info:
            lc.load_profile(path)
        assert info.value.code == "too-large"


def test_one_acknowledgement_cannot_cover_a_second_figure_outside_its_window():
    """A hostile test acknowledged a 420 mg film-coated product, and a second product's 2014 mg
    (a slipped decimal point) went through under the same acknowledgement."""
    text = (
        TABLET.format(weight="420 mg", count="20")
        + TABLET.format(weight="2014 mg", count="20").replace("Generic 50", "Other 50")
        + '[[acknowledge]]\ncode = "tablet-weight-implausible"\nreason = "film-coated, checked"\n'
    )
    err = refused(text)
    assert err.code == "invalid-profile"
    assert "would cover 2 figures (tablets[1], tablets[2])" in str(err)
    assert "line " in str(err)


def test_two_lots_of_one_vehicle_are_refused_until_the_lot_is_given():
    """A hostile test listed two lots of mct-oil: nothing was filled and only a generic
    'expiry not given' warning said so."""
    two = (
        '[[vehicles]]\nvehicle = "mct-oil"\nlot = "V-1"\nexpiry = 2027-01-01\n'
        '[[vehicles]]\nvehicle = "mct-oil"\nlot = "V-77"\nexpiry = 2027-03-31\n'
    )
    p = read(two)
    doc = liquid_doc()
    doc["vehicle"] = {"vehicle": {"key": "mct-oil"}, "lot": "default", "expiry": "default"}
    with pytest.raises(lc.InputError) as info:
        lc.apply_profile(doc, p)
    assert (info.value.code, info.value.field) == ("profile-ambiguous", "vehicle.lot")
    assert "V-1, V-77" in str(info.value)
    doc["vehicle"]["lot"] = "V-77"
    assert lc.apply_profile(doc, p)["vehicle"]["expiry"] == "2027-03-31"


# --- hostile tests of the profile (brief safety.md) -------------------------------------------

#: one entry of each list, and what tells two apart (changed to make the second another one)
ENTRIES = {
    "tablets": (TABLET.format(weight="201.4 mg", count="20"), 'lot = "T1"', 'lot = "T2"'),
    "balances": (
        '[[balances]]\nname = "B1"\nrule = "usp41"\nreadability = "1 mg"\n',
        'name = "B1"',
        'name = "B2"',
    ),
    "syringes": (
        '[[syringes]]\nname = "S1"\ncapacity = "5 mL"\ngraduation = "0.1 mL"\n',
        'name = "S1"',
        'name = "S2"',
    ),
    "droppers": (
        '[[droppers]]\ndropper = "D1"\nvehicle = "mct-oil"\ndrops = 40\nvolume = "2 mL"\n',
        'vehicle = "mct-oil"',
        'vehicle = "purified-water"',
    ),
    "vehicles": (
        '[[vehicles]]\nvehicle = "mct-oil"\nlot = "V1"\nexpiry = 2027-03-31\n',
        'lot = "V1"',
        'lot = "V2"',
    ),
}


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_two_entries_of_a_list_that_an_order_cannot_tell_apart_are_refused(name):
    """A hostile test listed one tablet product and lot twice (with different weights):
    `profile check` accepted it, and which entry a run would take was left unsaid."""
    entry, ident, other = ENTRIES[name]
    assert len(getattr(read(entry + entry.replace(ident, other)), name)) == 2
    err = refused(entry + entry)
    assert err.code == "profile-duplicate"
    assert err.field == f"{name}[2]"
    assert str(err).startswith(f"p.toml, line {entry.count(chr(10)) + 1}: {name}[2]: ")
    assert f"of {name}[1] again" in str(err)


def test_a_tablet_lot_differing_only_in_case_is_the_same_lot():
    text = TABLET.format(weight="201.4 mg", count="20")
    err = refused(text + text.replace('lot = "T1"', 'lot = "t1"'))
    assert err.code == "profile-duplicate"
    assert "'Generic 50 / t1' is the product and lot of tablets[1] again" in str(err)


@pytest.mark.parametrize(
    "text",
    [
        TABLET.format(weight="201.4 mg", count="20").replace('lot = "T1"', 'lot = "default"'),
        TABLET.format(weight="201.4 mg", count="20").replace('lot = "T1"', 'lot = " Default"'),
        '[filler]\nfiller = "mcc"\nlot = "DEFAULT"\n',
        '[shells]\nlot = "default"\n',
        '[[vehicles]]\nvehicle = "mct-oil"\nlot = "default"\n',
        '[pharmacy]\nname = "default"\naddress = "B"\nphone = "1"\n',
    ],
)
def test_the_documents_reserved_word_is_refused_as_a_value(text):
    """A hostile test wrote lot = "default": `profile check` accepted it, and an order
    document reads "default" as "not given"."""
    err = refused(text)
    assert err.code == "reserved-word"
    assert "is reserved: an order document reads it as a value not given" in str(err)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2027-09-30T10:00:00", "2027-09-30T10:00:00"),
        ("2027-09-30 10:00:00Z", "2027-09-30T10:00:00+00:00"),
        ("2027-09-30", "2027-09-30"),
        ("10:00:00", "10:00:00"),
        ("true", "true"),
        ("[1, 2.5]", "[1, 2.5]"),
        ("{ a = 1 }", "{a = 1}"),
        ("[" + ", ".join(["123456789"] * 10) + "]", "[123456789, 123456789"),
    ],
)
def test_a_toml_value_of_the_wrong_type_is_shown_as_written(value, shown):
    """A hostile test wrote a TOML datetime where an amount belongs: the refusal showed
    datetime.datetime(2027, 9, 30, 10, 0)."""
    err = refused(TABLET.format(weight="x", count="20").replace('"x"', value))
    assert f"tablets[1].average_weight: {shown}" in str(err)
    assert "datetime" not in str(err) and "True" not in str(err)
    assert len(str(err)) < 250


@pytest.mark.parametrize(
    "text",
    [
        FILLER.format(extra='pack_stat = "98"\npack_stat_size = "1"'),
        FILLER.format(extra='pack_stat = "98 mg"\npack_stat_size = 1'),
        FILLER.format(extra='pack_stat = "9800 mg"\npack_stat_size = "1"'),
        FILLER.format(extra="lot2 = 1").replace('lot = "F1"', "lot = 7"),
        FILLER.format(extra='expiry = "x"'),
        '[[droppers]]\ndropper = "D"\nvehicle = "mct-oil"\ndrops = "x"\nvolume = "2 mL"\n',
        '[[droppers]]\ndropper = 7\nvehicle = "mct-oil"\ndrops = 40\nvolume = "2 mL"\n',
        '[[droppers]]\ndropper = "D"\nvehicle = "mct-oil"\ndrops = 400\nvolume = "2 mL"\n',
        '[[syringes]]\nname = "S"\ncapacity = 5\ngraduation = "0.1 mL"\n',
        "[[syringes]]\nkey = 1\n",
        '[[vehicles]]\nvehicle = "mct-oil"\nlot = 77\n',
        '[[vehicles]]\nvehicle = "mct-oil"\nexpiry = "x"\n',
        '[[vehicles]]\nvehicle = "olive-oil"\n',
        '[shells]\nweight = "9600 mg"\n',
        '[shells]\nexpiry = "2028-13-31"\n',
        TABLET.format(weight="2014 mg", count="20"),
        TABLET.format(weight="201.4 mg", count="'x'"),
        '[[balances]]\nrule = "usp41"\nreadability = 1\n',
        '[[balances]]\nrule = "documented"\nreadability = "1 mg"\nminimum_weight = "0.5 mg"\n',
        '[pharmacy]\nname = 1\naddress = "B"\nphone = "1"\n',
        '[[acknowledge]]\ncode = "density-implausible"\nreason = "x"\n',
        "[[tablets]]\nproduct = 'x'\nproduct = 'y'\n",
    ],
)
def test_every_refusal_names_the_file_and_line_once(text):
    """A hostile test found refusals reading "p.toml, line 61: p.toml, line 61: ..."."""
    err = refused(text)
    assert str(err).count("p.toml") == 1, str(err)
    assert len(re.findall(r"\bline [0-9]+", str(err))) == 1, str(err)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('[shells]\nweight = "9600 mg"\nsize = "4"\n', "shell-weight-implausible"),
        ('[shells]\nweight = "9.6 mg"\nsize = "0"\n', "shell-weight-implausible"),
        (
            FILLER.format(extra='pack_stat = "9800 mg"\npack_stat_size = "1"'),
            "pack-stat-implausible",
        ),
        (TABLET.format(weight="2014 mg", count="20"), "tablet-weight-implausible"),
    ],
)
def test_an_implausible_figure_of_the_profile_is_acknowledged_in_the_profile(text, code):
    """The refusal advised "the acknowledgement ... on the order" for a figure of the profile."""
    err = refused(text)
    assert err.code == code
    assert "on the order" not in str(err)
    assert f"an [[acknowledge]] table with code = {code!r} and its reason in the profile" in str(
        err
    )


def test_shell_weight_has_a_window_for_the_order_the_option_and_the_profile():
    """A hostile test gave 9600 mg for an empty shell: it was used for the gross weights."""
    doc = orders.document("capsules")
    doc["shells"] = {
        "material": "gelatin",
        "lot": "S1",
        "expiry": "2028-01-01",
        "weight": "9600 mg",
    }
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert (info.value.code, info.value.field) == ("shell-weight-implausible", "shells.weight")
    assert "26.6-49.4 mg for one empty size 4 hard capsule shell" in str(info.value)
    doc["acknowledge"] = ["shell-weight-implausible"]
    result = lc.run_order(doc, today=orders.DAY)
    assert "shell-weight-implausible" in {w.code for w in result.warnings}
    doc["shells"]["weight"] = "38 mg"
    doc["acknowledge"] = []
    assert "shell-weight-implausible" not in {w.code for w in lc.run_order(doc).warnings}
    res = run(*orders.command("capsules", **{"--shell-weight": "9600 mg"}))
    assert res.exit_code == 2 and "Error: --shell-weight: '9600 mg' is outside" in res.output
    # the profile's own acknowledgement is carried to an order that takes the figure
    text = (
        '[shells]\nmaterial = "gelatin"\nlot = "S9"\nweight = "260 mg"\nsize = "000"\n'
        '[[acknowledge]]\ncode = "shell-weight-implausible"\nreason = "size 000el, weighed"\n'
    )
    p = read(text)
    assert p.shells_acknowledged == {"shell-weight-implausible"}
    capsules = orders.document("capsules")
    capsules["shells"] = "default"
    capsules["size"] = "000"
    filled = lc.apply_profile(capsules, p)
    assert filled["acknowledge"] == ["shell-weight-implausible"]
    assert "shell-weight-implausible" in {w.code for w in lc.run_order(filled).warnings}
    capsules["shells"] = {"material": "gelatin", "lot": "S9", "weight": "96 mg"}
    assert lc.apply_profile(capsules, p)["acknowledge"] == []  # the caller's own weighing


def test_a_pack_stat_of_the_profile_is_checked_and_its_acknowledgement_carried():
    text = FILLER.format(extra='pack_stat = "800 mg"\npack_stat_size = "1"') + (
        '[[acknowledge]]\ncode = "pack-stat-implausible"\nreason = "dense filler, measured"\n'
    )
    p = read(text)
    assert p.filler_acknowledged == {"pack-stat-implausible"}
    doc = orders.document("capsules")
    doc["filler"] = "default"
    assert lc.apply_profile(doc, p)["acknowledge"] == ["pack-stat-implausible"]
    doc["active_pack_stat"] = {"size": "1", "per_capsule": "300 mg"}  # the caller's own
    assert lc.apply_profile(doc, p)["acknowledge"] == []


def expired_profile(tmp_path: Any) -> Any:
    path = tmp_path / "ldncompound.toml"
    path.write_text(
        TEMPLATE.replace('expiry = "2027-09-30"', 'expiry = "2026-01-30"'), encoding="utf-8"
    )
    return path


def test_a_refusal_of_a_value_from_the_profile_names_the_profile(tmp_path):
    """A hostile test's profile held expired tablets: the refusal named --expiry, an option
    the user had not given."""
    path = expired_profile(tmp_path)
    p = lc.load_profile(path)
    doc = lc.apply_profile(tablets_doc(), p)
    order = lc.load_order(doc)
    with pytest.raises(lc.LdnCompoundError) as info:
        lc.formulate_capsules(order, today=orders.DAY)
    said = p.refusal(info.value, order)
    assert type(said) is type(info.value) and said.code == "component-expired"
    assert said.field == "tablets[1].expiry"
    assert str(said).startswith(f"{path}, line 47: tablets[1].expiry: '2026-01-30' is before")
    assert str(said).endswith(
        "the value is the pharmacy profile's: correct it there, or give the order its own."
    )
    # a value the caller gave is refused as it was
    mine = lc.load_order(lc.apply_profile(tablets_doc(expiry="2026-01-30"), p))
    with pytest.raises(lc.LdnCompoundError) as info:
        lc.formulate_capsules(mine, today=orders.DAY)
    assert p.refusal(info.value, mine) is info.value
    # an order the profile did not fill, and a refusal of no value of the profile
    other = orders.capsules()
    err = lc.InputError("dose: '45 mg' is high.", field="dose")
    assert p.refusal(err, other) is err
    assert p.refusal(err, order) is err


@pytest.mark.parametrize(
    ("key", "err", "path"),
    [
        ("balances[1].minimum_weight", "balance.minimum_weight", "balance"),
        ("shells.expiry", "shells.expiry", "shells.expiry"),
        ("vehicles[1].lot", "vehicle.lot", "vehicle.lot"),
        ("droppers[1]", "calibration", "calibration"),
        ("syringes[2]", "syringe", "syringe"),
        ("syringes", "syringe", "syringe"),
    ],
)
def test_each_kind_of_profile_value_is_found_at_its_key(key, err, path):
    p = read(TEMPLATE)
    order = orders.drops() if path == "calibration" else orders.liquid()
    held = {
        "calibration": {"calibration": p.droppers[0].calibration},
        "syringe": {"syringe": p.syringes[1] if key == "syringes[2]" else lc.device("oral-3ml")},
        "balance": {"balance": p.balances[0]},
        "vehicle.lot": {"vehicle": p.vehicles[0]},
    }
    if path in held:
        order = attrs.evolve(order, **held[path], from_profile=(path,))
    said = p.refusal(lc.InputError(f"{err}: 'x' is wrong; expected y.", field=err), order)
    if key == "shells.expiry":  # a liquid holds no shells: nothing of the profile refused
        assert said.field == err
        return
    assert said.field == key
    if key == "syringes":  # a syringe the profile does not hold: the file, without a line
        assert str(said).startswith("p.toml: syringes: 'x' is wrong")
    else:
        assert re.match(rf"p\.toml, line [0-9]+: {re.escape(key)}: 'x' is wrong", str(said))


def test_cli_a_refused_value_of_the_profile_names_the_profile_not_an_option(tmp_path):
    path = expired_profile(tmp_path)
    res = run(*ACCEPTANCE, "--profile", str(path), "--compounded-on", "2026-11-21")
    assert res.exit_code == 1
    assert f"Error: {path}, line 47: tablets[1].expiry: '2026-01-30' is before" in res.output
    assert "--expiry" not in res.output
    res = run(
        *ACCEPTANCE,
        "--profile",
        str(path),
        "--expiry",
        "2026-02-01",
        "--compounded-on",
        "2026-11-21",
    )
    assert res.exit_code == 1 and "Error: --expiry: '2026-02-01'" in res.output  # the user's own
    one = tmp_path / "one.toml"
    one.write_text(
        TEMPLATE.replace('[[syringes]]\nkey = "oral-1ml"\n\n', "").replace('"5 mL"', '"3 mL"'),
        encoding="utf-8",
    )
    liquid = (
        *("liquid", "--dose", "4.5 mg", "--doses-per-day", "1", "--days", "30"),
        *("--source", "tablets", "--vehicle", "mct-oil", "--concentration", "1 mg/mL"),
    )
    res = run(*liquid, "--profile", str(one), "--compounded-on", "2026-11-21")
    assert f"Error: {one}, line 52: syringes[1]: '5 mL oral syringe" in res.output, res.output
    assert "--syringe" not in res.output


TITRATE = (
    *("titrate", "--step", "1.5 mg:7", "--step", "3 mg:7", "--maintenance", "4.5 mg"),
    *("--maintenance-days", "14", "--start", "2026-11-21", "--compounded-on", "2026-11-21"),
    *("--source", "tablets", "--tablet-weight", "201.4 mg"),
)


@pytest.mark.parametrize(
    ("form", "extra", "fills"),
    [
        ("capsules", (), "capsule_batches"),
        ("liquid", ("--vehicle", "mct-oil"), "liquid_fills"),
        ("drops", ("--vehicle", "mct-oil"), "drops_fills"),
    ],
)
def test_cli_titrate_takes_the_profile(profile_file, form, extra, fills):
    """A hostile test found that titrate listed --profile but never read it."""
    args = (*TITRATE, "--form", form, *extra)
    res = run(*args, "--profile", str(profile_file), "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    echoed = {d["field"]: d["value"] for d in data[fills][0]["defaults"] if d["source"] == FROM}
    assert echoed["tablets.lot"] == "TB-118"
    assert echoed["tablets.expiry"] == "2027-09-30"
    res = run(*args, "--profile", str(profile_file), "--no-profile")
    assert res.exit_code == 2 and "contradict" in res.output
    res = run(*args, "--no-profile")
    assert res.exit_code == 2 and "--expiry is required" in res.output


def test_cli_titrate_refuses_a_bad_profile_and_a_refused_profile_value(tmp_path, profile_file):
    bad = tmp_path / "bad.toml"
    bad.write_text('[shells]\nweight = "9600 mg"\nsize = "4"\n', encoding="utf-8")
    res = run(*TITRATE, "--form", "capsules", "--profile", str(bad), "--expiry", "2027-01-01")
    assert res.exit_code == 2
    assert f"Error: {bad}, line 2: shells.weight: '9600 mg' is outside" in res.output
    expired = expired_profile(tmp_path)
    res = run(*TITRATE, "--form", "capsules", "--profile", str(expired))
    assert res.exit_code == 1
    assert f"{expired}, line 47: tablets[1].expiry" in res.output and "--expiry" not in res.output
    template = tmp_path / "drops.json"
    doc = orders.document("drops")
    doc["balance"] = "default"
    template.write_text(json.dumps(doc), encoding="utf-8")
    res = run(
        *TITRATE[: TITRATE.index("--source")],
        *("--form", "drops", "--template", str(template), "--profile", str(profile_file)),
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    echoed = {
        d["field"]
        for d in json.loads(res.output)["drops_fills"][0]["defaults"]
        if d["source"] == FROM
    }
    assert echoed == {"balance"}


def test_cli_a_label_refusing_the_profiles_pharmacy_names_the_profile(tmp_path):
    """A hostile test's profile named its pharmacy in Chinese: the PDF label's refusal named
    --pharmacy-name, which the user had not given."""
    path = tmp_path / "p.toml"
    path.write_text(
        TEMPLATE.replace("Example Compounding Pharmacy", "药房 Pharmacy"), encoding="utf-8"
    )
    result = tmp_path / "result.json"
    result.write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())), encoding="utf-8")
    args = ("label", str(result), "--patient", "Jane Doe", "--prescriber", "Dr A", "--rx", "RX1")
    args = (*args, "--record-id", "CR-1")
    pdf = ("--format", "pdf", "--output", str(tmp_path / "l.pdf"))
    res = run(*args, "--profile", str(path), *pdf)
    assert res.exit_code == 2
    assert f"Error: {path}, line 9: pharmacy.name: '药房 Pharmacy' has the character" in res.output
    assert "--pharmacy-name" not in res.output
    assert run(*args, "--profile", str(path)).exit_code == 0  # a text label prints it
    mine = ("--pharmacy-name", "药房", "--pharmacy-address", "A", "--pharmacy-phone", "1")
    res = run(*args, *mine, "--profile", str(path), *pdf)
    assert res.exit_code == 2 and "Error: --pharmacy-name: '药房'" in res.output  # the user's own
    path.write_text(TEMPLATE.replace("Example Compounding Pharmacy", "P" * 30), encoding="utf-8")
    res = run(*args, "--profile", str(path), "--width", "20")
    assert res.exit_code == 2 and f"Error: {path}, line 8: pharmacy: 'PPP" in res.output
