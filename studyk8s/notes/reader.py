"""Read note files and directories from disk into a NoteSet.

Errors are collected, not raised, so one bad note does not hide the others; the import
service decides whether a set with errors may be written (DESIGN: it writes nothing).
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

from .handson import attach
from .model import NoteError, NoteSet
from .parser import parse_note


def _as_str(path: object) -> str:
    return path.as_posix() if isinstance(path, PurePath) else os.fspath(path)


def _expand_dir(path: str) -> list[str]:
    """All ``*.md`` below ``path``, sorted, skipping hidden files and folders (.git, .obsidian)."""
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_root = os.path.relpath(root, path)
        for name in files:
            if name.lower().endswith(".md") and not name.startswith("."):
                rel = name if rel_root == "." else os.path.join(rel_root, name)
                found.append(rel.replace(os.sep, "/"))
    found.sort()
    base = path.rstrip("/\\") or path
    return [f"{base}/{rel}" for rel in found]


def _read(path: str, max_bytes: int) -> bytes:
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise NoteError(path, 0, "not a regular file")
        if st.st_size > max_bytes:
            raise NoteError(path, 1, f"file is {st.st_size} bytes, over the limit of {max_bytes}")
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as e:
        raise NoteError(path, 0, f"cannot read: {e.strerror or e}") from None
    if len(data) > max_bytes:  # grew since stat
        raise NoteError(path, 1, f"file is over the limit of {max_bytes} bytes")
    return data


def _display(path: str, base: str | None) -> str:
    """How a note is named: as given, or with ``base``, relative to ``base`` when it lies inside
    it (a note's identity must not depend on where the checkout or the current directory is)."""
    if base is None:
        return path
    full = os.path.abspath(os.path.join(base, path))
    rel = os.path.relpath(full, base)
    return full if rel == ".." or rel.startswith("../") else rel.replace(os.sep, "/")


def note_files(
    paths, *, base: str | PurePath | None = None
) -> tuple[list[tuple[str, str]], list[NoteError]]:
    """The note files named by ``paths`` as (name, path on disk), plus errors for paths that
    are missing or hold no notes. Names are as given, or relative to ``base`` (where relative
    inputs are taken from too). Order: as given, each directory sorted; no file twice."""
    if isinstance(paths, (str, PurePath)):
        paths = [paths]
    base = None if base is None else os.fspath(base)
    found: list[tuple[str, str]] = []
    errors: list[NoteError] = []
    seen: set[str] = set()
    for given in paths:
        path = _display(_as_str(given), base)
        real = path if base is None else os.path.join(base, path)
        if os.path.isdir(real):
            files = [path.rstrip("/") + f[len(real.rstrip("/")):] for f in _expand_dir(real)]
            if not files:
                errors.append(NoteError(path, 0, "no notes (*.md) found"))
                continue
        elif os.path.lexists(real):
            files = [path]
        else:
            errors.append(NoteError(path, 0, "no such file or directory"))
            continue
        for file in files:
            disk = file if base is None else os.path.join(base, file)
            key = os.path.realpath(disk)
            if key not in seen:
                seen.add(key)
                found.append((file, disk))
    return found, errors


def read_bytes(name: str, disk: str, max_bytes: int) -> bytes:
    """A note's bytes, refusing non-files and files over ``max_bytes`` (errors carry ``name``)."""
    try:
        return _read(disk, max_bytes)
    except NoteError as e:
        raise NoteError(name, e.line, e.message) from None


def read_notes(paths, *, max_bytes: int = 1_048_576, base: str | PurePath | None = None) -> NoteSet:
    """Parse every note named by ``paths`` (files, or directories searched for ``*.md``).

    Errors are collected, not raised; see ``note_files`` for naming and order.
    """
    files, errors = note_files(paths, base=base)
    result = NoteSet(errors=errors)
    with collector_paused():
        for name, disk in files:
            try:
                data = read_bytes(name, disk, max_bytes)
                result.notes.append(attach(parse_note(data, name), data))
            except NoteError as e:
                result.errors.append(e)
    return result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Reading many notes keeps every parsed note (and an import, its rows) until the end, and
    each full pass of the cyclic garbage collector walks them all: a fifth of importing 1,000
    notes. Reading notes makes no reference cycles (an import leaves none to collect), so
    the collector waits until the work is done; it is turned back on only if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
