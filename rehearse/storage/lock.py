"""One writer per data folder, and one owner per recording, with locks the kernel cleans up.

The app holds ``rehearse.lock`` in the data folder for its whole session (and ``doctor --repair``
while it rebuilds the history): a second copy of the app on the same folder finds it taken and
opens read-only. The file holds the holder's pid, so the second copy can say who has it.

Both locks are ``flock`` locks: the kernel releases them when their process ends, however it
ends (``kill -9`` included), so a lock file left by a dead process is never honoured; the next
process simply takes it over and writes its own pid. ``flock`` locks also conflict between two
opens in one process, so two apps in one test process behave like two processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from rehearse.errors import StorageError

LOCK_FILE = "rehearse.lock"


class FolderBusy(StorageError):
    """Another live process holds the data folder's lock."""

    def __init__(self, directory: Path, pid: int | None) -> None:
        who = f"another rehearse (pid {pid})" if pid else "another rehearse"
        super().__init__(f"{who} is using the data folder {directory}")
        self.pid = pid


class FolderLock:
    """The data folder's writer lock, held from ``acquire`` until ``release`` or process exit."""

    def __init__(self, path: Path, fd: int, stale_pid: int | None) -> None:
        self.path = path
        self._fd: int | None = fd
        self.stale_pid = stale_pid
        """The pid a dead process left in the file, when this lock took it over."""

    @classmethod
    def acquire(cls, directory: Path) -> FolderLock:
        """Take the lock of ``directory`` (which must exist), or raise ``FolderBusy``."""
        path = directory / LOCK_FILE
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StorageError(
                    f"cannot create the lock file {path}: {exc.strerror or exc}"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid = _read_pid(fd)
                os.close(fd)
                raise FolderBusy(directory, pid) from None
            # The holder before us may have removed the file between our open and our lock:
            # then we locked a file nobody else will open. Start again on the current one.
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        stale = _read_pid(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return cls(path, fd, stale if stale != os.getpid() else None)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Give the lock up (idempotent); the file goes, so a stale one is never left behind."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        # Remove while still holding it: whoever opens the path next gets a fresh file.
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(fd)

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def claim_file(path: Path, create: bool) -> int | None:
    """Lock one recording for this process: the fd holding the lock, or None if another has it.

    With ``create`` the file is made empty and exclusively (the name is then this process's,
    even if another process picked the same name in the same second); ``FileExistsError`` then.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL if create else os.O_RDONLY
    fd = os.open(path, flags, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd
