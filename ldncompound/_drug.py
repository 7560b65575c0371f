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
}
OTHER_DRUGS_SOURCE = (
    "naltrexone is contraindicated with opioid analgesics, in opioid dependence and withdrawal; "
    "a naloxone challenge precedes it (naltrexone labels; domain.md §7) [V]; naloxone and "
    "naltrexone are a look-alike pair (ISMP List of Confused Drug Names, recalled) [U]; the "
    "opioids and antagonists listed, general pharmacology [U]"
)

#: Words that name a form, a grade or a state of a drug rather than the drug.
SALT_WORDS = frozenset(
    {"hydrochloride", "hcl", "dihydrate", "anhydrous", "base", "salt", "powder", "api", "usp"}
)

#: Below this a form's "molar mass" is a relative mass (a drug built from a salt factor): it
#: identifies nothing.
_REAL_MOLAR_MASS = Decimal(10)


def drug_words(name: str) -> tuple[str, ...]:
    """A drug name's words as compared for identity: width forms, case, punctuation and the
    form words aside ("Naltrexone HCl", "naltrexone hydrochloride" and "naltrexone" are one)."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", name).casefold())
    return tuple(w for w in words if w not in SALT_WORDS)


def _contains(words: tuple[str, ...], key: tuple[str, ...]) -> bool:
    n = len(key)
    return n > 0 and any(words[i : i + n] == key for i in range(len(words) - n + 1))


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
        if _contains(words, drug_words(key)):
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
    words = drug_words(name)
    known = dict(OTHER_DRUGS)
    for builtin in BUILTIN_DRUGS.values():
        if builtin != drug:
            for key in (builtin.name, *DRUG_SYNONYMS.get(builtin.name, ())):
                known[key] = builtin.name
    for key, what in known.items():
        if _contains(words, drug_words(key)) and same_drug(drug, key) is None:
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
