"""Reading and writing files safely: bounded reads, whole-or-nothing writes.

``read_bounded(path, limit) -> bytes`` reads any kind of file (a regular file, a pipe
such as ``<(cat f)``, a FIFO, a device) and never more than ``limit`` bytes, and never
waits forever for a pipe that nobody writes to. ``write_file(path, data)`` replaces a
regular file atomically, with the permissions of an ordinary write, and writes to a
device or FIFO as a stream. Both raise :class:`FileError` (one line for a user) when
they cannot; callers turn it into a diagnostic or ``treatycheck: error: ...``.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .interrupt import checkpoint

#: How long a pipe, FIFO or device may stay silent (before its first byte or between
#: two) before reading gives up: a FIFO that no program writes to would otherwise
#: block for ever.
PIPE_WAIT_SECONDS = 10.0

#: Prefix of the temporary file a write puts beside its target.
TEMP_PREFIX = ".treatycheck-"

#: Test hook (used by tests/test_faults.py): when set to a path, :func:`write_file` creates that
#: file once the data is written but before it is put in place, then waits (up to a
#: minute, Ctrl-C honoured), so that a test can interrupt or kill the command there.
HOLD_ENV = "TREATYCHECK_TEST_HOLD_BEFORE_COMMIT"

_CHUNK = 1 << 20


class FileError(Exception):
    """A file could not be read or written. ``str(err)`` is one line for a user;
    ``kind`` is ``missing``, ``directory``, ``too-large``, ``silent`` or ``other``."""

    def __init__(self, message: str, kind: str = "other"):
        super().__init__(message)
        self.kind = kind


def _mib(n: int) -> str:
    return str(n // 2**20) if n % 2**20 == 0 else f"{n / 2**20:.1f}"


def _why(e: OSError) -> str:
    return e.strerror or str(e)


# ------------------------------------------------------------------------- reading


def read_bounded(path: str, limit: int, wait: float = PIPE_WAIT_SECONDS) -> bytes:
    """The bytes of ``path`` (at most ``limit``), or FileError saying why not.

    A regular file's size is checked first; anything else (a pipe, FIFO, device,
    whose reported size means nothing) is read in chunks, at most ``limit + 1`` bytes,
    and refused once past the limit or when it sends nothing for ``wait`` seconds.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileError(f"no such file `{path}`", "missing") from None
    except OSError as e:
        raise FileError(f"cannot read `{path}`: {_why(e)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileError(f"`{path}` is a directory", "directory")
    regular = stat.S_ISREG(st.st_mode)
    if regular and st.st_size > limit:
        raise FileError(
            f"`{path}` is too large ({st.st_size / 2**20:.1f} MiB; the limit is {_mib(limit)} MiB)", "too-large"
        )
    # a FIFO opened without O_NONBLOCK blocks in open() until a writer appears
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | (0 if regular else getattr(os, "O_NONBLOCK", 0))
    try:
        fd = _open(path, flags)
    except OSError as e:
        raise FileError(f"cannot read `{path}`: {_why(e)}") from None
    try:
        data = _read_file(fd, limit) if regular else _read_stream(fd, path, limit, wait)
    except OSError as e:
        raise FileError(f"cannot read `{path}`: {_why(e)}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileError(f"`{path}` is too large (more than the limit of {_mib(limit)} MiB)", "too-large")
    return data


def _open(path: str, flags: int) -> int:
    """``os.open``, kept apart so that a test can make it fail (running as root,
    ``chmod 000`` does not)."""
    return os.open(path, flags)


def _read_file(fd: int, limit: int) -> bytes:
    chunks, total = [], 0
    while total <= limit:  # the file may have grown since it was measured
        chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _read_stream(fd: int, path: str, limit: int, wait: float) -> bytes:
    """Read a pipe or device until end of file, ``limit + 1`` bytes, or ``wait``
    seconds of silence. Polls in short steps so that Ctrl-C is honoured."""
    import select

    if not hasattr(select, "poll"):  # pragma: no cover - not POSIX: a plain read
        os.set_blocking(fd, True)
        return _read_file(fd, limit)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    chunks, total = [], 0
    quiet_since = time.monotonic()
    while total <= limit:
        checkpoint()
        if not poller.poll(200):
            if time.monotonic() - quiet_since > wait:
                raise FileError(f"nothing arrived from `{path}` for {wait:g} s; is a program writing to it?", "silent")
            continue
        try:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        except BlockingIOError:
            continue
        if not chunk:  # every writer closed it
            break
        chunks.append(chunk)
        total += len(chunk)
        quiet_since = time.monotonic()
    return b"".join(chunks)


# ------------------------------------------------------------------------- writing


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to ``path``, or raise FileError saying why not.

    A regular file (or a new one) is replaced whole or not at all: the data goes to
    a temporary file in the same directory that is renamed over the target, with the
    target's mode (a new file gets ``0o666 & ~umask``, like any program's output). A
    symbolic link is followed, so the file it points to is replaced and the link
    stays. A device or FIFO is opened and written as a stream, never replaced. Ctrl-C
    before the data is in place (:func:`~treatycheck.interrupt.checkpoint`) leaves
    the target as it was.
    """
    descriptor = _descriptor(path)
    if descriptor is not None:  # /dev/stdout and the like: the stream the shell set up
        checkpoint()
        try:
            _write_all(descriptor, data)
        except OSError as e:
            raise FileError(f"cannot write `{path}`: {_why(e)}") from None
        return
    try:
        st: os.stat_result | None = os.stat(path)  # follows every link, /proc's too
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise FileError(f"cannot write `{path}`: {_why(e)}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise FileError(f"cannot write `{path}`: it is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_stream(path, st, data)
        return
    target = os.path.realpath(path)  # the file a symbolic link points to is the one replaced
    directory, name = os.path.split(target)
    try:
        dir_fd = os.open(directory or ".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        missing = directory if os.path.islink(path) else os.path.dirname(path) or "."
        raise FileError(f"cannot write `{path}`: directory `{missing}` does not exist") from None
    except OSError as e:
        raise FileError(f"cannot write `{path}`: {_why(e)}") from None
    try:
        _sweep(dir_fd)
        if not _write_unnamed(dir_fd, name, st, data):
            _write_named(dir_fd, name, st, data)
    except OSError as e:
        raise FileError(f"cannot write `{path}`: {_why(e)}") from None
    finally:
        os.close(dir_fd)


def _fill(fd: int, data: bytes, st: os.stat_result | None) -> None:
    """Write all of ``data`` to a new file and give it the old file's mode and owner."""
    _write_all(fd, data)
    if st is not None and hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(st.st_mode))
        if hasattr(os, "geteuid") and os.geteuid() == 0 and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            try:  # root rewriting someone's report: it stays theirs
                os.fchown(fd, st.st_uid, st.st_gid)
            except OSError:
                pass
    os.fsync(fd)


def _ready() -> None:
    """The last moment to stop: Ctrl-C up to here leaves the target as it was."""
    hold_for_tests()
    checkpoint()


_unnamed_works = hasattr(os, "O_TMPFILE")
#: What linking an unnamed file into place fails with where it cannot be done.
_LINK_REFUSED = (errno.ENOENT, errno.EXDEV, errno.EPERM, errno.EACCES, errno.ENOTSUP)


def _write_unnamed(dir_fd: int, name: str, st: os.stat_result | None, data: bytes) -> bool:
    """Write through a Linux ``O_TMPFILE``: the data goes to a file without a name,
    linked into the directory only when complete, so even SIGKILL leaves nothing
    behind. False (nothing written) where the system cannot."""
    global _unnamed_works
    if not _unnamed_works:
        return False
    try:
        fd = os.open(".", os.O_TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o666, dir_fd=dir_fd)
    except OSError as e:
        if e.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            _unnamed_works = False  # the file system (or kernel) has no O_TMPFILE
            return False
        raise
    try:
        _fill(fd, data, st)
        _ready()
        # os.link() with no directory fd calls link(2), which does not follow the
        # /proc magic link; with dst_dir_fd it calls linkat(AT_SYMLINK_FOLLOW)
        source = f"/proc/self/fd/{fd}"
        if st is None:
            try:  # a new file appears whole, in one step
                os.link(source, name, dst_dir_fd=dir_fd, follow_symlinks=True)
                return True
            except FileExistsError:
                pass
            except OSError as e:
                if e.errno in _LINK_REFUSED:
                    _unnamed_works = False  # no /proc, or links refused: use a named file
                    return False
                raise
        tmp = _temp_name()
        with _removed_on_signal(dir_fd, tmp):
            try:
                os.link(source, tmp, dst_dir_fd=dir_fd, follow_symlinks=True)
            except OSError as e:
                if e.errno in _LINK_REFUSED:
                    _unnamed_works = False  # no /proc, or links refused: use a named file
                    return False
                raise
            _commit(dir_fd, tmp, name)
        return True
    finally:
        os.close(fd)


def _write_named(dir_fd: int, name: str, st: os.stat_result | None, data: bytes) -> None:
    """Write through a named temporary file (where there is no ``O_TMPFILE``): it
    exists only while the data is written, is removed on Ctrl-C, SIGTERM and SIGHUP,
    and one left by a killed process is removed by the next write (:func:`_sweep`)."""
    while True:
        tmp = _temp_name()
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            with _removed_on_signal(dir_fd, tmp):
                fd = os.open(tmp, flags, 0o666, dir_fd=dir_fd)  # the umask applies, as to any file
                try:
                    _fill(fd, data, st)
                finally:
                    os.close(fd)
                _ready()
                _commit(dir_fd, tmp, name)
            return
        except FileExistsError:
            continue


def _commit(dir_fd: int, tmp: str, name: str) -> None:
    try:
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        _unlink(dir_fd, tmp)
        raise


def _unlink(dir_fd: int, tmp: str) -> None:
    try:
        os.unlink(tmp, dir_fd=dir_fd)
    except OSError:
        pass


def _host() -> str:
    import hashlib
    import socket

    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _temp_name() -> str:
    # host and process in the name, so that _sweep knows whose it is
    return f"{TEMP_PREFIX}{_host()}-{os.getpid()}-{secrets.token_hex(4)}"


def _sweep(dir_fd: int) -> None:
    """Remove the temporary files that killed treatycheck processes of this host
    left in the directory (SIGKILL cannot be caught; a named temporary file is only
    used where the system has no ``O_TMPFILE``)."""
    mine = f"{TEMP_PREFIX}{_host()}-"
    try:
        names = [n for n in os.listdir(dir_fd) if n.startswith(mine)]
    except OSError:
        return
    for n in names:
        pid = n[len(mine) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            _unlink(dir_fd, n)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


@contextmanager
def _removed_on_signal(dir_fd: int, tmp: str) -> Iterator[None]:
    """While a named temporary file exists, Ctrl-C, SIGTERM and SIGHUP remove it
    before the process stops (main thread only: elsewhere signals cannot be handled,
    and the main thread's handlers stay)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    wanted = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    before = {s: signal.signal(s, stop) for s in wanted}
    try:
        yield
    except BaseException:
        _unlink(dir_fd, tmp)
        raise
    finally:
        for s, handler in before.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def _descriptor(path: str) -> int | None:
    """The open descriptor a path such as ``/dev/stdout`` or ``/dev/fd/3`` names, if
    it is open: written to directly, at the position (and with the append mode) the
    shell gave it. Opening ``/dev/stdout`` anew would start a redirected file at its
    first byte, and a pipe's ``/proc`` link cannot be resolved to a name."""
    names = {"/dev/stdout": 1, "/dev/stderr": 2}
    fd = names.get(path)
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        if path.startswith(prefix) and path[len(prefix) :].isdigit():
            fd = int(path[len(prefix) :])
    if fd is None:
        return None
    try:
        os.fstat(fd)
    except OSError:
        return None
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_stream(path: str, st: os.stat_result, data: bytes) -> None:
    """Write to a device or FIFO in place (replacing ``/dev/null`` would break the
    machine). A FIFO must have a reader within PIPE_WAIT_SECONDS."""
    checkpoint()
    flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)
    fifo = stat.S_ISFIFO(st.st_mode)
    deadline = time.monotonic() + PIPE_WAIT_SECONDS
    while True:
        try:
            # without O_NONBLOCK, opening a FIFO blocks until a reader comes
            fd = os.open(path, flags | (getattr(os, "O_NONBLOCK", 0) if fifo else 0))
            break
        except OSError as e:
            if fifo and e.errno == errno.ENXIO and time.monotonic() < deadline:
                checkpoint()
                time.sleep(0.05)
                continue
            if fifo and e.errno == errno.ENXIO:
                raise FileError(f"cannot write `{path}`: no program reads from it") from None
            raise FileError(f"cannot write `{path}`: {_why(e)}") from None
    try:
        os.set_blocking(fd, True)
        _write_all(fd, data)
    except OSError as e:
        raise FileError(f"cannot write `{path}`: {_why(e)}") from None
    finally:
        os.close(fd)


def hold_for_tests() -> None:
    """The fault-injection point of HOLD_ENV (nothing when it is unset): called by
    every write just before its data is put in place."""
    marker = os.environ.get(HOLD_ENV)
    if not marker:
        return
    with open(marker, "w", encoding="utf-8"):
        pass
    end = time.monotonic() + 60
    while time.monotonic() < end:
        checkpoint()
        time.sleep(0.02)
