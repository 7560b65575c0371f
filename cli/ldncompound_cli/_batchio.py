"""Where `ldncompound batch` writes, and how it stops: no record lost, clobbered or cut.

- The output is never the input: the same file, a link to it or standard input redirected
  from it is refused (compared by device and inode) before anything is read.
- A file is written to a temporary file in the same folder and renamed over the output only
  when the run ends, so an interrupted or refused run leaves an earlier file as it was; an
  existing file is replaced only with ``--force``; an output that cannot be written is
  refused before the first order is computed.
- SIGINT and SIGTERM stop the run between two lines, never inside one: the lines written so
  far are complete (on standard output; a file output is left unchanged), and the exit
  status is 128 + the signal (130, 143).
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any

import ldncompound as lc

__all__ = ["Interrupted", "Signals", "Sink", "identity"]

Identity = tuple[int, int]
#: Bytes buffered before a write call to an output file (written through a temporary file).
_FILE_BUFFER = 1 << 20


def identity(stream: Any) -> tuple[Identity, os.stat_result] | None:
    """(device, inode) and the status of the file behind an open stream, if it has one."""
    try:
        info = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino), info


def _refuse(message: str, code: str) -> lc.InputError:
    return lc.InputError(message, field="--output", code=code)


class Sink:
    """The batch output: standard output, a device or pipe named by path, or a file written
    through a temporary file and renamed when the run ends."""

    def __init__(
        self, stream: IO[bytes], *, final: Path | None, temp: Path | None, owned: bool
    ) -> None:
        self.stream = stream
        self.final = final
        self.temp = temp
        self.owned = owned  # opened here (closed here), unlike standard output

    @classmethod
    def create(cls, path: str, *, force: bool, source: Identity | None) -> Sink:
        """Check and open the output; refuses (InputError, exit 2) before anything is read."""
        if path == "-":
            return cls._standard_output(source)
        real = Path(path).resolve()
        try:
            info: os.stat_result | None = real.stat()
        except FileNotFoundError:
            info = None
        except OSError as err:
            raise _refuse(
                f"--output: {path!r} cannot be used ({err.strerror}).", "bad-output"
            ) from None
        if info is not None and not _regular(info):
            return cls._device(path, real, info)
        if info is not None:
            _check_replaceable(path, real, info, force=force, source=source)
        return cls._temporary(path, real, info)

    @classmethod
    def _standard_output(cls, source: Identity | None) -> Sink:
        stdout = sys.stdout.buffer
        found = identity(stdout)
        if source is not None and found and found[0] == source and _regular(found[1]):
            raise _refuse(
                "--output: standard output is redirected to the input file; it would "
                "overwrite the orders as they are read. Write the records to another file.",
                "output-is-input",
            )
        return cls(stdout, final=None, temp=None, owned=False)

    @classmethod
    def _device(cls, path: str, real: Path, info: os.stat_result) -> Sink:
        """A folder is refused; a pipe or a device is written as it is (a terminal may be
        both standard input and output, so it is never compared with the input)."""
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(f"--output: {path!r} is a folder; expected a file.", "bad-output")
        try:
            return cls(real.open("wb"), final=None, temp=None, owned=True)
        except OSError as err:
            raise _refuse(
                f"--output: {path!r} cannot be written ({err.strerror}).", "bad-output"
            ) from None

    @classmethod
    def _temporary(cls, path: str, real: Path, info: os.stat_result | None) -> Sink:
        """A temporary file beside the output, renamed over it when the run ends."""
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".partial", dir=real.parent)
        except OSError as err:
            raise _refuse(
                f"--output: {path!r} cannot be written ({err.strerror}); nothing was computed.",
                "bad-output",
            ) from None
        os.fchmod(fd, stat.S_IMODE(info.st_mode) if info is not None else _default_mode())
        # a large buffer: a result line (about 12 kB) is larger than the default 8 kB, so
        # each would be one write call; nothing is read from the file before the rename
        return cls(
            os.fdopen(fd, "wb", buffering=_FILE_BUFFER), final=real, temp=Path(temp), owned=True
        )

    def commit(self) -> None:
        """Flush; a file output replaces the output file now, whole."""
        self.stream.flush()
        if self.temp is None or self.final is None:
            return
        os.fsync(self.stream.fileno())
        self.stream.close()
        self.temp.replace(self.final)
        self.temp = None

    def discard(self) -> None:
        """Drop a temporary file not committed (the output file stays as it was)."""
        if self.temp is None:
            if not self.stream.closed:  # standard output, a device, or a file committed
                with contextlib.suppress(OSError):
                    self.stream.flush()
                    if self.owned:
                        self.stream.close()
            return
        self.stream.close()
        self.temp.unlink(missing_ok=True)
        self.temp = None

    @property
    def name(self) -> str:
        return "standard output" if self.final is None else repr(str(self.final))


def _check_replaceable(
    path: str, real: Path, info: os.stat_result, *, force: bool, source: Identity | None
) -> None:
    """An existing regular file may be replaced only if it is not the input, with --force,
    and when it is writable."""
    if source is not None and (info.st_dev, info.st_ino) == source:
        raise _refuse(
            f"--output: {path!r} is the input file (or a link to it); writing it would "
            "destroy the orders before they are read. Write the records to another file.",
            "output-is-input",
        )
    if not force:
        raise _refuse(
            f"--output: {path!r} exists; give --force to replace it (it is replaced "
            "only when the run ends).",
            "output-exists",
        )
    if not os.access(real, os.W_OK):
        raise _refuse(f"--output: {path!r} is not writable; nothing was computed.", "bad-output")


def _regular(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode)


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: the run stops between two lines."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


class Signals:
    """While active, SIGINT and SIGTERM raise :class:`Interrupted` at once, except while a
    line is being written (``writing``): then it is raised once the line is complete.
    ``deferred`` (a run across processes) always waits for the next complete line, so that
    the signal never lands inside the process pool's own bookkeeping."""

    def __init__(self, *, deferred: bool = False) -> None:
        self.deferred = deferred
        self.writing = False
        self.pending: int | None = None
        self._saved: dict[int, Any] = {}

    def __enter__(self) -> Signals:  # noqa: PYI034 - a final class in all but name
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._saved[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.deferred or self.writing or self.pending is not None:
            self.pending = self.pending or signum
            return
        self.pending = signum
        raise Interrupted(signum)

    def written(self) -> None:
        """A line is complete: stop now if a signal came while it was written."""
        self.writing = False
        if self.pending is not None:
            self.writing = True  # the rest is cleaning up: later signals only wait
            raise Interrupted(self.pending)

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)


def note(text: str) -> None:
    """One line on standard error."""
    sys.stderr.write(f"ldncompound batch: {text}\n")
    sys.stderr.flush()
