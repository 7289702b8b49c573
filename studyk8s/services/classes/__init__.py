"""Classes, join codes, assignments of quiz sets, learners' assigned sets, and the results an
instructor reads: per learner (grade, attempts, time taken) and per question (Moodle's item
analysis). Owns its transactions.

    rosters       classes, join codes, members; joining and leaving
    assignments   sets assigned to classes; the learner's side; who reads which attempt
    results       the instructor's report and item analysis, and their CSV

Access: an instructor reads only their own classes and the attempts made for their
assignments; a learner only classes they joined and their own attempts; an admin all. "Not
yours" and "does not exist" raise the same NotFound.
"""

from .assignments import (  # noqa: F401
    _attempt_rows,
    _can_start,
    _close_overdue,
    _grading,
    _seconds,
    _summary,
    _times,
    _why_not,
    assign,
    assigned_sets,
    attempt_access,
    class_assignments,
    delete_assignment,
    get_assignment,
    learner_assignment,
    learner_view,
    start,
    state,
    update_assignment,
)
from .results import (  # noqa: F401
    _label,
    _minutes,
    _pct,
    _picked,
    _right,
    analyse_attempts,
    analysis,
    analysis_csv,
    report,
    report_csv,
    set_status,
)
from .rosters import (  # noqa: F401
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_NAME,
    _name,
    _new_code,
    archive_class,
    class_for_code,
    create_class,
    get_class,
    join,
    leave,
    list_classes,
    members,
    my_classes,
    new_code,
    normalize_code,
    remove_member,
    rename_class,
    set_joining,
)
