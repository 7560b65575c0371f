"""Drugs, their salt and hydrate forms, and dose bases.

The engine is drug-agnostic: a :class:`Drug` is a name, its forms (each with a molar mass, or
a relative mass when only a salt factor is published), the form doses are stated in unless an
order says otherwise, and an optional dose profile. :data:`NALTREXONE` is built in.

Converting between forms is mass x M(to) / M(from): the same moles of the active moiety.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

import attrs

from ._errors import InputError
from ._numbers import CONTEXT, plain
from ._units import Quantity, Unit


def _positive_decimal(_i: object, a: attrs.Attribute[Decimal], value: Decimal) -> None:
    if type(value) is not Decimal or not value.is_finite() or value <= 0:
        raise InputError.about(a.name, value, "is not a positive decimal", "a positive Decimal")


@attrs.frozen(kw_only=True)
class SaltForm:
    """One chemical form of a drug.

    ``molar_mass`` is in g/mol (or a relative mass when the drug was built from a salt
    factor). ``anhydrous`` names the water-free form of a hydrate (``None`` for forms that
    are themselves anhydrous); ``water`` is the number of molecules of water of crystallisation.
    """

    key: str
    name: str
    short_name: str
    molar_mass: Decimal = attrs.field(validator=_positive_decimal)
    anhydrous: str | None = None
    water: int = 0
    source: str = ""


@attrs.frozen(kw_only=True)
class DoseProfile:
    """The dose range a drug is normally compounded in, per single dose and per day.

    Doses outside it are blocked unless the order acknowledges them (see the safety docs).
    ``low`` and ``high`` bound a single dose; ``daily_high`` bounds the daily total.
    """

    low: Quantity
    high: Quantity
    daily_high: Quantity
    source: str


@attrs.frozen(kw_only=True)
class Drug:
    """A drug: its forms, the default dose basis, and its dose profile (if documented)."""

    name: str
    forms: tuple[SaltForm, ...]
    default_basis: str
    profile: DoseProfile | None = None
    water_solubility: Quantity | None = None
    solubility_source: str = ""

    def __attrs_post_init__(self) -> None:
        keys = [f.key for f in self.forms]
        if len(set(keys)) != len(keys):
            raise InputError.about("drug.forms", keys, "repeats a form key", "unique keys")
        self.form(self.default_basis)
        for f in self.forms:
            if f.anhydrous is not None:
                self.form(f.anhydrous)

    def form(self, key: str) -> SaltForm:
        """The form with ``key``; refuses unknown keys naming the known ones."""
        for f in self.forms:
            if f.key == key:
                return f
        known = ", ".join(f.key for f in self.forms)
        raise InputError.about(
            "form", key, f"is not a form of {self.name}", f"one of {known}", code="unknown-form"
        )

    def anhydrous_of(self, key: str) -> SaltForm:
        """The water-free form of ``key`` (the form itself when it has no water)."""
        f = self.form(key)
        return self.form(f.anhydrous) if f.anhydrous is not None else f

    def factor(self, from_key: str, to_key: str) -> Decimal:
        """Mass of ``to_key`` that holds the same moles as 1 mass unit of ``from_key``."""
        if from_key == to_key:
            return Decimal(1)
        return CONTEXT.divide(self.form(to_key).molar_mass, self.form(from_key).molar_mass)

    def convert(self, amount: Quantity, from_key: str, to_key: str) -> Quantity:
        """``amount`` of ``from_key`` expressed as the equivalent mass of ``to_key``."""
        return Quantity(
            CONTEXT.multiply(amount.magnitude, self.factor(from_key, to_key)), amount.unit
        )

    def describe(self, key: str) -> str:
        """E.g. ``"naltrexone HCl"`` (used on worksheets and labels)."""
        return self.form(key).short_name

    @classmethod
    def from_salt_factor(
        cls,
        name: str,
        *,
        base_name: str,
        salt_name: str,
        factor: Decimal,
        default_basis: str = "salt",
        source: str = "",
    ) -> Drug:
        """A drug known only by its salt factor (mg of salt per mg of base).

        The forms are ``"base"`` (relative mass 1) and ``"salt"`` (relative mass ``factor``).
        """
        _positive_decimal(None, attrs.fields(SaltForm).molar_mass, factor)
        return cls(
            name=name,
            forms=_forms(
                source,
                ("base", base_name, base_name, Decimal(1)),
                ("salt", salt_name, salt_name, factor),
            ),
            default_basis=default_basis,
        )


def _forms(source: str, *forms: tuple[str, str, str, Decimal]) -> tuple[SaltForm, ...]:
    """Forms without water of crystallisation whose molar masses have one source, each
    ``(key, name, short name, molar mass)``."""
    return tuple(
        SaltForm(key=key, name=name, short_name=short_name, molar_mass=mass, source=source)
        for key, name, short_name, mass in forms
    )


NALTREXONE = Drug(
    name="naltrexone",
    forms=(
        *_forms(
            "USP 28 monograph; USP DI (domain.md §1.1) [V]",
            ("base", "naltrexone", "naltrexone (base)", Decimal("341.41")),
            ("hcl", "naltrexone hydrochloride", "naltrexone HCl", Decimal("377.86")),
        ),
        SaltForm(
            key="hcl-dihydrate",
            name="naltrexone hydrochloride dihydrate",
            short_name="naltrexone HCl dihydrate",
            molar_mass=Decimal("413.89"),
            anhydrous="hcl",
            water=2,
            source="377.86 + 2 x 18.015 (domain.md §1.1) [D]",
        ),
    ),
    default_basis="hcl",
    profile=DoseProfile(
        low=Quantity(Decimal("0.1"), Unit.MG),
        high=Quantity(Decimal(5), Unit.MG),
        daily_high=Quantity(Decimal(5), Unit.MG),
        source=(
            "LDN 0.1-4.5 mg per day (Toljan & Vrooman 2018; Marcus et al. 2024; "
            "domain.md §7) [V]; microgram doses are very-low-dose practice [S]"
        ),
    ),
    water_solubility=Quantity(Decimal(100), Unit.MG_PER_ML),
    solubility_source="naltrexone HCl in water, about 100 mg/mL (REVIA label; domain.md §1.3) [V]",
)


#: Drugs known by name in JSON documents (a built-in drug is written as its name).
BUILTIN_DRUGS: dict[str, Drug] = {NALTREXONE.name: NALTREXONE}


@attrs.frozen(kw_only=True)
class Certificate:
    """What a certificate of analysis and a marketed tablet of a drug plausibly show.

    ``assay`` is the monograph's window in % on the anhydrous (or dried) basis;
    ``tablet_strengths`` are the marketed tablet strengths in mg of the drug's default basis.
    The plausibility checks (safety docs) refuse figures outside them unless acknowledged.
    """

    assay: tuple[Decimal, Decimal]
    assay_source: str
    tablet_strengths: tuple[Decimal, ...]
    tablet_source: str


#: Certificate data of the built-in drugs (a drug built by the caller has none: its checks
#: are reported as not made).
CERTIFICATES: dict[str, Certificate] = {
    NALTREXONE.name: Certificate(
        assay=(Decimal(98), Decimal(102)),
        assay_source=(
            "USP 28 monograph: 98.0-102.0 % of C20H23NO4·HCl on the anhydrous, solvent-free basis "
            "(domain.md §1.1) [V]"
        ),
        tablet_strengths=(Decimal(25), Decimal(50), Decimal(100)),
        tablet_source=(
            "50 mg naltrexone HCl film-coated tablets (openFDA NDC records, REVIA label; domain.md "
            "§1.5) [V]; 25 mg and 100 mg tablets were marketed in some markets (e.g. Depade) [U]"
        ),
    ),
}


def certificate_of(drug: Drug) -> Certificate | None:
    """The certificate data of ``drug`` when it is a built-in drug, else ``None``."""
    builtin = BUILTIN_DRUGS.get(drug.name)
    if builtin is not drug and builtin != drug:  # (the built-in object itself: no field compare)
        return None
    return CERTIFICATES.get(drug.name)


def forms_summary(drug: Drug) -> str:
    """A one-line summary of a drug's forms and molar masses (for worksheets)."""
    return "; ".join(f"{f.short_name} {plain(f.molar_mass)} g/mol" for f in drug.forms)


# --- the drug's identity: one check for every preparation's other ingredients -----------------

#: Other names the built-in drugs are written under (prescriptions, catalogues, brands, other
#: languages), by drug name: "LDN" is naltrexone, whatever the strength. An ingredient named by
#: any of them is the drug itself (:func:`same_drug`). Sources: :data:`DRUG_SYNONYMS_SOURCE`.
DRUG_SYNONYMS: dict[str, tuple[str, ...]] = {
    "naltrexone": (
        "ldn",
        "low dose naltrexone",
        "ntx",
        "naltrexona",
        "naltrexon",
        "naltrexonum",
        "revia",
        "depade",
        "vivitrol",
        "nalorex",
        "adepend",
        "contrave",
        "mysimba",
        "trexan",
        "nemexin",
        "celupan",
        "antaxone",
        "narcoral",
    ),
}
DRUG_SYNONYMS_SOURCE = (
    "naltrexone brands ReVia, Depade and Vivitrol (US; shatterproof.org, drug references at "
    "minclinic.eu) [S]; Nalorex and Adepend 50 mg film-coated tablets of naltrexone "
    "hydrochloride (UK patient leaflets, medicines.org.uk emc 3559, MHRA) [V]; Contrave "
    "(naltrexone with bupropion) [S]; NTX, the usual abbreviation [S]; LDN, low-dose "
    "naltrexone (domain.md §7) [S]; Mysimba, Trexan, Nemexin, Celupan, Antaxone, Narcoral and "
    "the Latin, Spanish and German names recalled [U]"
)

#: Drugs that are not the order's drug and never an excipient: opioid antagonists (naloxone is
#: naltrexone's look-alike name) and the opioids naltrexone is contraindicated with. An other
#: ingredient, additive or vehicle named by one is refused (:func:`refuse_drug_in_excipient`): it
#: would be weighed with no dose check and no label line. Source: :data:`OTHER_DRUGS_SOURCE`.
OTHER_DRUGS: dict[str, str] = {
    "naloxone": "an opioid antagonist",
    "narcan": "naloxone, an opioid antagonist",
    "nalmefene": "an opioid antagonist",
    "methylnaltrexone": "a peripheral opioid antagonist",
    "relistor": "methylnaltrexone, a peripheral opioid antagonist",
    "naloxegol": "a peripheral opioid antagonist",
    "naldemedine": "a peripheral opioid antagonist",
    "nalbuphine": "an opioid",
    "buprenorphine": "an opioid",
    "suboxone": "buprenorphine with naloxone",
    "subutex": "buprenorphine, an opioid",
    "butorphanol": "an opioid",
    "pentazocine": "an opioid",
    "methadone": "an opioid",
    "morphine": "an opioid",
    "codeine": "an opioid",
    "dihydrocodeine": "an opioid",
    "oxycodone": "an opioid",
    "hydrocodone": "an opioid",
    "hydromorphone": "an opioid",
    "oxymorphone": "an opioid",
    "fentanyl": "an opioid",
    "tramadol": "an opioid",
    "tapentadol": "an opioid",
    "pethidine": "an opioid",
    "meperidine": "an opioid",
    "levorphanol": "an opioid",
    "loperamide": "an opioid",
    "bupropion": "an antidepressant (with naltrexone in Contrave)",
    "heroin": "diamorphine, an opioid",
    "diamorphine": "an opioid",
    "diacetylmorphine": "diamorphine, an opioid",
    "oxycontin": "oxycodone, an opioid",
    "roxicodone": "oxycodone, an opioid",
    "percocet": "oxycodone with paracetamol, an opioid",
    "vicodin": "hydrocodone with paracetamol, an opioid",
    "norco": "hydrocodone with paracetamol, an opioid",
    "dilaudid": "hydromorphone, an opioid",
    "duragesic": "fentanyl, an opioid",
    "ultram": "tramadol, an opioid",
    "nucynta": "tapentadol, an opioid",
    "ms contin": "morphine, an opioid",
    "dolophine": "methadone, an opioid",
    "methadose": "methadone, an opioid",
    "demerol": "pethidine (meperidine), an opioid",
    "sublocade": "buprenorphine, an opioid",
    "butrans": "buprenorphine, an opioid",
    "zubsolv": "buprenorphine with naloxone",
    "kloxxado": "naloxone, an opioid antagonist",
    "zimhi": "naloxone, an opioid antagonist",
    "wellbutrin": "bupropion, an antidepressant",
    "zyban": "bupropion, an antidepressant",
}

#: Products that hold the drug WITH another drug: as an excipient they are the drug itself
#: (``duplicate-active``), as the drug's source they bring the other drug in
#: (:func:`refuse_product_of_another_drug`). Source: :data:`DRUG_SYNONYMS_SOURCE`.
COMBINATIONS: dict[str, str] = {
    "contrave": "naltrexone with bupropion, extended-release",
    "mysimba": "naltrexone with bupropion, extended-release",
}
OTHER_DRUGS_SOURCE = (
    "naltrexone is contraindicated with opioid analgesics, in opioid dependence and withdrawal; "
    "a naloxone challenge precedes it (naltrexone labels; domain.md §7) [V]; naloxone and "
    "naltrexone are a look-alike pair (ISMP List of Confused Drug Names, recalled) [U]; the "
    "opioids and antagonists listed, general pharmacology [U]; the brand names (OxyContin, "
    "Roxicodone, Percocet, Vicodin, Norco, Dilaudid, Duragesic, Ultram, Nucynta, MS Contin, "
    "Dolophine, Methadose, Demerol, Sublocade, Butrans, Zubsolv, Kloxxado, Zimhi, Wellbutrin, "
    "Zyban) and heroin as diamorphine, US labels and BNF names recalled, not checked here [U]"
)

#: Words that name a form, a grade or a state of a drug rather than the drug (also in the
#: German and Latin spellings of the hydrochloride).
SALT_WORDS = frozenset(
    {
        "hydrochloride",
        "hydrochlorid",
        "hydrochloridum",
        "hcl",
        "dihydrate",
        "anhydrous",
        "base",
        "salt",
        "powder",
        "api",
        "usp",
    }
)

#: The salt words that are written glued to a drug's name ("NaltrexoneHCl",
#: "Naltrexonhydrochlorid"): cut from the end of a longer word.
_GLUED_SALT = ("hydrochloridum", "hydrochloride", "hydrochlorid", "hcl", "dihydrate", "base")

#: A one-word key of at least this many letters also names the drug at the start of a longer
#: word ("naltrexonesalz"); shorter keys ("ldn", "ntx", "ultram", not "ultramarine") only as
#: whole words. No ordinary excipient name starts with one (tests/test_drug_identity.py).
_PREFIX_LETTERS = 7

#: A key of at least this many letters also names the drug written across spaces
#: ("nal trexone"); a shorter one only spelled in single letters ("L D N").
_SPREAD_LETTERS = 6

#: Below this a form's "molar mass" is a relative mass (a drug built from a salt factor): it
#: identifies nothing.
_REAL_MOLAR_MASS = Decimal(10)

#: A dot, hyphen, apostrophe or middle dot between two letters or digits: "L.D.N.",
#: "Nal-trexone", "Re-Via" are one word when joined.
_INNER_MARK = re.compile(r"(?<=[^\W_])[.\-\u2010\u2011'\u2019\u00b7](?=[^\W_])")


def _split_word(word: str) -> tuple[str, ...]:
    """A word cut where letters meet digits ("ldn4" -> "ldn", "4"), a glued salt word cut
    from its end ("naltrexonehcl" -> "naltrexone")."""
    return tuple(_cut_salt(part) for part in re.findall(r"\d+|\D+", word))


def _cut_salt(word: str) -> str:
    """``word`` without the salt words glued to its end, leaving at least 3 letters."""
    for salt in _GLUED_SALT:
        if word.endswith(salt) and len(word) - len(salt) >= 3:
            return _cut_salt(word[: -len(salt)])
    return word


def _words_of(text: str) -> tuple[str, ...]:
    words = [part for word in re.findall(r"[^\W_]+", text) for part in _split_word(word)]
    return tuple(w for w in words if w not in SALT_WORDS)


def drug_words(name: str) -> tuple[str, ...]:
    """A drug name's words as compared for identity: width forms, case, punctuation and the
    form words aside ("Naltrexone HCl", "naltrexone hydrochloride" and "naltrexone" are one);
    letters and digits glued together are two words ("LDN4.5")."""
    return _words_of(unicodedata.normalize("NFKC", name).casefold())


def _spellings(name: str) -> tuple[tuple[str, ...], ...]:
    """The ways ``name``'s words are read: as written, with the dots and hyphens inside words
    taken out ("L.D.N." -> "ldn", "Nal-trexone" -> "naltrexone")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return (_words_of(text), _words_of(_INNER_MARK.sub("", text)))


def _contains(words: tuple[str, ...], key: tuple[str, ...]) -> bool:
    n = len(key)
    return n > 0 and any(words[i : i + n] == key for i in range(len(words) - n + 1))


def _names(name: str, key: str) -> bool:
    """``name`` names ``key`` however written: its words hold the key's words; or words in a
    row spell the key ("nal trexone", "L D N": a key of :data:`_SPREAD_LETTERS`+ letters, or
    single letters); or a word, or words in a row, start with a one-word key of
    :data:`_PREFIX_LETTERS`+ letters ("naltrexonehydrochloridedihydrate")."""
    key_words = drug_words(key)
    letters = "".join(key_words)
    prefix = len(key_words) == 1 and len(letters) >= _PREFIX_LETTERS
    for words in _spellings(name):
        if _contains(words, key_words):
            return True
        for i in range(len(words)):
            run = ""
            for j in range(i, len(words)):
                run += words[j]
                spread = j == i or len(letters) >= _SPREAD_LETTERS
                spread = spread or all(len(w) == 1 for w in words[i : j + 1])
                if spread and (run == letters or (prefix and run.startswith(letters))):
                    return True
                if len(run) >= len(letters):
                    break
    return False


def molar_masses(drug: Drug) -> frozenset[Decimal]:
    """The molar masses of ``drug``'s forms that are real molar masses (not relative ones)."""
    return frozenset(f.molar_mass for f in drug.forms if f.molar_mass > _REAL_MOLAR_MASS)


def same_drug(drug: Drug, name: str, masses: Iterable[Decimal] = ()) -> str | None:
    """Why an ingredient named ``name`` (with its forms' ``masses``) is ``drug`` itself, or
    ``None``: its name holds the drug's name or a synonym (salt words aside), equals one of the
    drug's form names, or (for a built-in drug, whose forms are known) one of its molar masses
    is one of the drug's forms'."""
    words = drug_words(name)
    for key in (drug.name, *DRUG_SYNONYMS.get(drug.name, ())):
        if words == drug_words(key):
            return drug.name if key == drug.name else f"{drug.name} (another name of it)"
        if _names(name, key):
            return f"{drug.name} (the name holds {key!r})"
    for form in drug.forms:
        if words and words in (drug_words(form.name), drug_words(form.short_name)):
            return f"{drug.name} (the name of its form {form.short_name})"
    if BUILTIN_DRUGS.get(drug.name) != drug:
        return None  # a caller's drug: isomers share a molar mass (DHEA and testosterone)
    for mass in sorted(molar_masses(drug) & frozenset(masses)):
        form = next(f for f in drug.forms if f.molar_mass == mass)
        return f"{drug.name} (the molar mass {plain(mass)} g/mol of {form.short_name})"
    return None


def same_drug_as(drug: Drug, other: Drug) -> str | None:
    """Why the drug object ``other`` is ``drug`` itself, whichever of the two names the other."""
    why = same_drug(drug, other.name, molar_masses(other))
    if why is None and same_drug(other, drug.name, molar_masses(drug)) is not None:
        why = f"{drug.name} under another name"
    return why


def other_drug(drug: Drug, name: str) -> str | None:
    """Why an ingredient named ``name`` is another drug than ``drug``, or ``None``: its name
    holds one of :data:`OTHER_DRUGS`, or the name or a synonym of a built-in drug that is not
    ``drug`` (salt words aside, as :func:`drug_words` compares them)."""
    known = dict(OTHER_DRUGS)
    for builtin in BUILTIN_DRUGS.values():
        if builtin != drug:
            for key in (builtin.name, *DRUG_SYNONYMS.get(builtin.name, ())):
                known[key] = builtin.name
    for key, what in known.items():
        if _names(name, key) and same_drug(drug, key) is None:
            return what if key == what else f"{key}, {what}"
    return None


def refuse_drug_in_excipient(
    drug: Drug, field: str, name: str, *, what: str, itself: bool = True
) -> None:
    """Refuse an excipient (``what``: "a flavour", "an ingredient") named ``name`` that is
    ``drug`` itself (:func:`same_drug`: the preparation would hold the dose twice, labelled
    once; ``duplicate-active``; not asked when ``itself`` is false) or another drug
    (:func:`other_drug`: weighed with no dose check and no label line; ``drug-as-excipient``)."""
    why = same_drug(drug, name) if itself else None
    if why is not None:
        problem = f"is {why}, already the active of this order, not an excipient to add as {what}"
        expected, code = "an excipient that is not a drug", "duplicate-active"
    else:
        other = other_drug(drug, name)
        if other is None:
            return
        problem = f"is another drug ({other}), not an excipient to add as {what}"
        expected = (
            "an excipient that is not a drug (another active is compounded on its own order, "
            "or in capsules given as an additional active with its dose)"
        )
        code = "drug-as-excipient"
    raise InputError.about(field, name, problem, expected, code=code)


def refuse_product_of_another_drug(drug: Drug, field: str, name: str) -> None:
    """Refuse a product named as ``drug``'s source (tablets crushed) whose name names another
    drug (:func:`other_drug`) or a combination of ``drug`` with one (:data:`COMBINATIONS`):
    the preparation would be made from it and labelled ``drug`` (``source-is-another-drug``)."""
    other = other_drug(drug, name)
    if other is None:
        other = next((f"{k}, {v}" for k, v in COMBINATIONS.items() if _names(name, k)), None)
    if other is not None:
        raise InputError.about(
            field,
            name,
            f"names another drug ({other}), not a product of {drug.name} alone",
            f"the name of the {drug.name} product the preparation is made from",
            code="source-is-another-drug",
        )
