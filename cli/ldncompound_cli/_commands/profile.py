"""The ``profile`` command: ``profile init`` writes a commented template of the pharmacy
profile, ``profile check`` reads one and prints what it holds (docs/profile.md)."""

from __future__ import annotations

from pathlib import Path

import click

import ldncompound as lc
from ldncompound_cli._common import library_errors
from ldncompound_cli._profile import default_path, locate


def _show_profile(profile: lc.PharmacyProfile) -> list[str]:
    """What a profile holds, one line each."""
    out = [f"Pharmacy profile {profile.file}"]
    if profile.pharmacy is not None:
        p = profile.pharmacy
        out.append(f"  pharmacy: {p.name}, {p.address}, {p.phone}")
    for i, b in enumerate(profile.balances):
        used = " (used by orders that name none)" if i == 0 else ""
        out.append(
            f"  balance: {b.name}, readability {b.readability}, minimum weight "
            f"{b.minimum_weight} ({b.rule.value}){used}"
        )
    if profile.filler is not None:
        f = profile.filler
        extra = f", density {f.density}" if f.density is not None else ""
        if f.pack_stat is not None:
            extra = f", pack stat {f.pack_stat.filler_per_capsule} in size {f.pack_stat.size}"
        out.append(f"  filler: {f.spec.name}, lot {f.lot or '-'}, expiry {f.expiry or '-'}{extra}")
    if profile.shells is not None:
        s = profile.shells
        out.append(
            f"  capsule shells: {s.material}, lot {s.lot or '-'}, expiry {s.expiry or '-'}, "
            f"weight {s.weight or '-'}"
        )
    for t in profile.tablets:
        weighed = f" ({t.tablets_weighed} weighed)" if t.tablets_weighed else ""
        out.append(
            f"  tablets: {t.described}, expiry {t.expiry}, average weight "
            f"{t.average_weight}{weighed}"
        )
    out += [f"  oral syringe: {d.described}" for d in profile.syringes]
    for d in profile.droppers:
        c = d.calibration
        out.append(
            f"  dropper: {c.dropper} with {d.vehicle}, {c.drops} drops in {c.volume} "
            f"({c.per_ml:.1f} drops/mL)"
        )
    out += [
        f"  vehicle: {v.vehicle.name}, lot {v.lot or '-'}, expiry {v.expiry or '-'}"
        for v in profile.vehicles
    ]
    out += [f"  acknowledged: {a.code}: {a.reason}" for a in profile.acknowledge]
    return out


@click.group("profile")
def profile() -> None:
    """The pharmacy profile: what the pharmacy states once (identity, balances, lots, tablets,
    syringes, droppers), filled into every order that does not give it."""


def _path(path: str | None) -> Path:
    if path is not None:
        return Path(path)
    return locate(None) or default_path()


@profile.command("init")
@click.argument("path", required=False)
@click.option("--force", is_flag=True, help="replace an existing file")
def init(path: str | None, force: bool) -> None:
    """Write a commented template to PATH [default: the configuration folder's]."""

    @library_errors
    def run() -> None:
        where = _path(path)
        try:
            exists = where.exists()
        except ValueError:  # a NUL or a lone surrogate: no file can have that name
            raise lc.InputError.about(
                "PATH", str(where), "is not a usable path", "a file name", code="cannot-write"
            ) from None
        if exists and not force:
            raise lc.InputError.about(
                "PATH",
                str(where),
                "exists already",
                "another path, or --force to replace it",
                code="exists",
            )
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            where.write_text(lc.profile_template(), encoding="utf-8")
        except OSError as err:
            raise lc.InputError.about(
                "PATH",
                str(where),
                f"cannot be written ({err.strerror or err})",
                "a file in a folder that can be written to",
                code="cannot-write",
            ) from None
        click.echo(f"{where} written: put the pharmacy's own figures in place of its examples.")

    run()


@profile.command("check")
@click.argument("path", required=False)
def check(path: str | None) -> None:
    """Read the profile at PATH [default: the one in use] and print what it holds."""

    @library_errors
    def run() -> None:
        where = locate(path)
        if where is None:
            raise lc.InputError.about(
                "PATH",
                None,
                f"is not given, ${lc.PROFILE_ENV} is not set and {default_path()} does not exist",
                "the path of a pharmacy profile (ldncompound profile init writes one)",
                code="missing",
            )
        click.echo("\n".join(_show_profile(lc.load_profile(where))))

    run()
