"""Quiz sets: authoring (a working draft and a published snapshot), YAML import, and attempts
taken from a set with the quiz service's attempt machinery. Owns its transactions.

    drafts       access, names, settings, the draft's questions
    publishing   questions from facts; publish and discard
    files        YAML set files in and out
    taking       attempts at a set, preview, the list of sets

A set's columns and ``set_questions`` rows are the draft the instructor edits. Publishing
copies the draft into ``quiz_sets.published`` (a JSON snapshot with a version number);
learners always start from that snapshot, and every attempt snapshots its own questions, so
neither editing the draft nor publishing again ever changes an attempt already made.

Every read checks the owner: a set that is not yours reads exactly like one that does not
exist (NotFound), except for admins, who see all.
"""

from .drafts import (  # noqa: F401
    AUTHORS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    _check_entry,
    _draft_doc,
    _free_name,
    _hash,
    _renumber,
    _row_data,
    _title,
    _touch,
    add_entry,
    create_set,
    delete_entry,
    delete_set,
    draft_rows,
    entry_of,
    find_by_name,
    get_entry,
    get_set,
    is_author,
    move_entry,
    parse_settings,
    reorder,
    replace_entries,
    slugify,
    status,
    update_entry,
    update_settings,
)
from .files import SetsReport, _display, _import_spec, import_files, set_files, spec_of  # noqa: F401
from .publishing import (  # noqa: F401
    _check_publishable,
    _publish,
    add_from_facts,
    deck_facts,
    discard_changes,
    fact_choices,
    publish,
    resolve_deck,
)
from .taking import (  # noqa: F401
    attempt_settings,
    attempt_size,
    build_questions,
    list_sets,
    preview_questions,
    start_attempt,
    try_set,
)
