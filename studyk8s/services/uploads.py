"""Notes uploaded in the browser: ``.md`` files, or a ``.zip`` of a folder of them, read with
the same reader and checks as ``flask notes check`` and imported in one transaction
(``content.import_parsed``). Every problem names the file and line; nothing is written while
any file has one."""

from __future__ import annotations

import base64
import binascii
import io
import posixpath
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..notes import NoteError, ParsedNote, parse_note
from ..persistence.models import Note
from .content import ImportReport, import_parsed
from .errors import ImportFailed

PREFIX = "uploads/"  # uploaded notes are named uploads/<name as uploaded>
MAX_FILES = 500


@dataclass(frozen=True)
class Upload:
    name: str  # as it will be stored: uploads/…
    data: bytes


def _clean_name(name: str) -> str | None:
    """A safe relative name for a note (``a/b.md``), or None for anything else."""
    name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts or any(p.startswith(".") for p in parts) or parts[0] == \
            "__MACOSX" or not parts[-1].lower().endswith(".md"):
        return None
    return posixpath.join(*parts)


def read_files(files: Sequence[tuple[str, bytes]], *, max_bytes: int) -> list[Upload]:
    """The notes in the uploaded files: each ``.md`` file, and the ``.md`` files inside each
    ``.zip`` (hidden files and folders skipped). Raises ImportFailed naming each bad file."""
    out: list[Upload] = []
    errors: list[NoteError] = []
    for filename, data in files:
        base = posixpath.basename(filename.replace("\\", "/")) or "upload"
        if base.lower().endswith(".zip"):
            out += _from_zip(base, data, max_bytes=max_bytes, errors=errors)
        elif base.lower().endswith(".md"):
            if len(data) > max_bytes:
                errors.append(NoteError(base, 1, f"file is {len(data)} bytes, over the limit "
                                                 f"of {max_bytes}"))
            else:
                out.append(Upload(PREFIX + base, data))
        else:
            errors.append(NoteError(base, 0, "not a note: upload .md files or a .zip of them"))
    if not out and not errors:
        errors.append(NoteError("upload", 0, "no file chosen"))
    names = [u.name for u in out]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.append(NoteError(name, 0, "uploaded twice"))
    if len(out) > MAX_FILES:
        errors.append(NoteError("upload", 0, f"{len(out)} notes, over the limit of {MAX_FILES}"))
    if errors:
        raise ImportFailed(errors)
    return out


def _from_zip(zipname: str, data: bytes, *, max_bytes: int,
              errors: list[NoteError]) -> list[Upload]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        errors.append(NoteError(zipname, 0, "not a zip file (or a damaged one)"))
        return []
    out = []
    for info in members:
        if info.is_dir():
            continue
        name = _clean_name(info.filename)
        if name is None:
            continue
        shown = f"{zipname}/{name}"
        if info.file_size > max_bytes:  # before reading: a zip bomb is refused unread
            errors.append(NoteError(shown, 1, f"file is {info.file_size} bytes, over the limit "
                                              f"of {max_bytes}"))
            continue
        try:
            with archive.open(info) as fh:
                body = fh.read(max_bytes + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            errors.append(NoteError(shown, 0, f"cannot read from the zip: {exc}"))
            continue
        if len(body) > max_bytes:
            errors.append(NoteError(shown, 1, f"file is over the limit of {max_bytes} bytes"))
            continue
        out.append(Upload(PREFIX + name, body))
    if not out and not any(e.path.startswith(zipname) for e in errors):
        errors.append(NoteError(zipname, 0, "no notes (*.md) in the zip"))
    return out


def from_form(pairs: Iterable[tuple[str, str]], *, max_bytes: int) -> list[Upload]:
    """The uploads a preview page carried back (name, base64 body), each checked as if new:
    a name outside ``uploads/``, a damaged body or one over the limit refuses them all."""
    out, errors = [], []
    for name, body in pairs:
        clean = _clean_name(name[len(PREFIX):]) if name.startswith(PREFIX) else None
        try:
            data = base64.b64decode(body, validate=True)
        except (ValueError, binascii.Error):
            data = None
        if clean is None or data is None:
            errors.append(NoteError(name[:200] or "upload", 0,
                                    "the form was damaged: upload the files again"))
        elif len(data) > max_bytes:
            errors.append(NoteError(name, 1, f"file is {len(data)} bytes, over the limit of "
                                             f"{max_bytes}"))
        else:
            out.append(Upload(PREFIX + clean, data))
    if not out and not errors:
        errors.append(NoteError("upload", 0, "no file chosen"))
    if errors:
        raise ImportFailed(errors)
    return out


def check(uploads: Sequence[Upload]) -> list[ParsedNote]:
    """Parse every upload (the reader of ``flask notes check``); ImportFailed lists every
    note that cannot be read, as ``file:line: error: message``."""
    parsed, errors = [], []
    for u in uploads:
        try:
            parsed.append(parse_note(u.data, u.name))
        except NoteError as e:
            errors.append(e)
    if errors:
        raise ImportFailed(errors)
    return parsed


def preview(session: Session, uploads: Sequence[Upload]) -> list[dict[str, Any]]:
    """What an import would do, note by note: its title, facts, warnings, and whether it is
    new or replaces the note of the same name. Writes nothing."""
    parsed = check(uploads)
    known = set(session.scalars(select(Note.path).where(
        Note.path.in_([p.path for p in parsed]), Note.retired_at.is_(None))))
    session.rollback()
    return [{"path": p.path, "title": p.title, "lang": p.lang, "facts": len(p.facts),
             "warnings": [str(w) for w in p.warnings], "replaces": p.path in known}
            for p in parsed]


def import_uploads(session: Session, uploads: Sequence[Upload], *, now: datetime
                   ) -> ImportReport:
    """Check every upload again, then import them all in one transaction (or nothing)."""
    return import_parsed(session, check(uploads), now=now)
