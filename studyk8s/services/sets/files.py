"""Set files (YAML under content/quizzes or uploaded): a set as a file, and files imported as
sets, all or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...notes.model import Problem
from ...persistence.engine import write_transaction
from ...persistence.models import QuizSet, User
from ...quiz.model import QFact
from ...sets.model import (
    SetSpec,
    Settings,
    entry_from_dict,
)
from ...sets.schema import validate
from ..errors import ImportFailed, ServiceError
from .drafts import (
    _draft_doc,
    _free_name,
    _hash,
    draft_rows,
    entry_of,
    find_by_name,
    is_author,
    replace_entries,
    slugify,
)
from .publishing import _publish, deck_facts

# --- files ---------------------------------------------------------------------------------


def spec_of(session: Session, qset: QuizSet, *, published: bool = False) -> SetSpec:
    """The set (its draft, or its published version) as a file-level spec."""
    if published and qset.published:
        snap = qset.published
        entries = [entry_from_dict(e["data"], uid=e["uid"]) for e in snap["entries"]]
        return SetSpec(name=qset.name, title=snap["title"], description=snap["description"],
                       settings=Settings.from_dict(snap["settings"]), entries=tuple(entries))
    rows = draft_rows(session, qset)
    return SetSpec(name=qset.name, title=qset.title, description=qset.description,
                   settings=Settings.from_dict(qset.settings),
                   entries=tuple(entry_of(r) for r in rows),
                   published=qset.published is not None)


@dataclass
class SetsReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged")


def set_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    files, errors = [], []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml")
                           and not x.name.startswith("."))
            if not found:
                errors.append(Problem(str(p), 0, "no quiz sets (*.yaml) found", "error"))
            files += found
        elif p.exists():
            files.append(p)
        else:
            errors.append(Problem(str(p), 0, "no such file or directory", "error"))
    return files, errors


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def import_files(session: Session, paths: Sequence[str | Path], owner: User, *,
                 now: datetime, base: Path | None = None) -> SetsReport:
    """Load set files into the database in one transaction: a file already imported updates
    its set (matched by path; questions matched by id), an unchanged file is skipped. Raises
    ImportFailed, writing nothing, if any file has an error."""
    with write_transaction(session):
        if not is_author(owner):
            raise ServiceError("sets.sets_belong_instructors_admins",
                "{email} is a {role}: sets belong to instructors or admins",
                email=owner.email, role=owner.role)
        files, errors = set_files(paths)
        parsed: list[tuple[str, str, SetSpec]] = []
        report = SetsReport()
        cache: dict[str, list[QFact] | None] = {}

        def resolve(deck: str) -> list[QFact] | None:
            if deck not in cache:
                cache[deck] = deck_facts(session, deck)
            return cache[deck]

        for f in files:
            name = _display(f, base)
            try:
                data = f.read_bytes()
            except OSError as e:
                errors.append(Problem(name, 0, f"cannot read: {e.strerror or e}", "error"))
                continue
            checked = validate(data, name, name=f.stem, resolve=resolve)
            errors += checked.errors
            report.warnings += checked.warnings
            if checked.spec is not None:
                parsed.append((name, hashlib.sha256(data).hexdigest(), checked.spec))
        if errors:
            raise ImportFailed(errors)
        for name, digest, spec in parsed:
            _import_spec(session, owner, name, digest, spec, now, report)
        return report


def _import_spec(session: Session, owner: User, path: str, digest: str, spec: SetSpec,
                 now: datetime, report: SetsReport) -> None:
    qset = session.scalar(select(QuizSet).where(QuizSet.source_path == path))
    if qset is not None and qset.source_hash == digest:
        report.unchanged.append(qset.name)
        return
    if qset is None:
        taken = find_by_name(session, slugify(spec.name))
        name = slugify(spec.name) if taken is None else _free_name(session, spec.name)
        qset = QuizSet(owner_id=owner.id, name=name, title=spec.title, settings={},
                       source_path=path, created_at=now, updated_at=now, version=0)
        session.add(qset)
        session.flush()
        report.added.append(qset.name)
    else:
        report.updated.append(qset.name)
    qset.title, qset.description = spec.title, spec.description
    qset.settings = spec.settings.to_dict()
    qset.source_hash = digest
    qset.updated_at = now
    replace_entries(session, qset, spec.entries)
    if spec.published and (qset.published is None or qset.published.get("hash") != _hash(
            _draft_doc(qset, draft_rows(session, qset)))):
        _publish(session, qset, now)
