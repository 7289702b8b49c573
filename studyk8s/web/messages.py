"""The services' refusals as the learner reads them: each error code's message in the UI
language, filled in from the error's parameters (numbers the locale's way, counts with their
plural, the services' field labels translated). One table for the whole app: the error handler,
the forms that show an error inline, and ``i18n.translate`` all come here.

A code missing here falls back to the service's English text (``str(exc)``); the web layer's
own ``form.*`` refusals carry text that is already translated. tests/web/test_messages.py
fails on any code the services raise without an entry, and on any entry without Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..i18n import fmt_num
from ..services.errors import ServiceError

Params = Mapping[str, Any]


def _n(key: str, singular: str, plural: str) -> Callable[[Params], str]:
    """A message with a plural: ``key`` names the parameter that counts."""
    def render(p: Params) -> str:
        return ngettext(singular, plural, int(p.get(key) or 0), **p)
    return render


# The labels the services put in their messages (``label``/``name`` parameters).
LABELS = {
    "Desired retention": _l("Desired retention"),
    "New cards per day": _l("New cards per day"),
    "Reviews per day": _l("Reviews per day"),
    "the number of questions": _l("the number of questions"),
    "the time limit (minutes)": _l("the time limit (minutes)"),
    "The time limit (minutes)": _l("The time limit (minutes)"),
    "The pass mark (%)": _l("The pass mark (%)"),
    "Attempts allowed": _l("Attempts allowed"),
    "question kinds": _l("question kinds"),
    "sections": _l("sections"),
    "seed": _l("the seed"),
    "revision": _l("the revision"),
    "learner": _l("learner"),
    "instructor": _l("instructor"),
    "admin": _l("admin"),
}

_DOES_NOT_EXIST = _l("Not found: it does not exist, or it is not yours.")

MESSAGES: dict[str, Any] = {
    # the card browser
    "cards.bad_action": _l("Unknown action: %(kind)s"),
    "cards.bad_due": _l("Enter days like 0, 3 or 3-7"),
    "cards.no_action": _l("Choose an action"),
    "cards.none_selected": _l("Select at least one card"),
    # classes
    "classes.assignment_does_not_exist": _DOES_NOT_EXIST,
    "classes.attempt_does_not_exist": _DOES_NOT_EXIST,
    "classes.class_does_not_exist": _DOES_NOT_EXIST,
    "classes.class_name_has_most": _n(
        "MAX_NAME", "The class name has at most %(num)d character",
        "The class name has at most %(num)d characters"),
    "classes.class_needs_name": _l("The class needs a name"),
    "classes.close_time_must_after": _l("The close time must be after the open time"),
    "classes.could_not_make_new": _l("Could not make a new join code; try again"),
    "classes.instructors_create_classes": _l("Only instructors create classes"),
    "classes.learners_have_attempts_assignment": _l(
        "Learners have attempts at this assignment: close it (set a close time) instead of "
        "removing it, so their results stay"),
    "classes.no_open_class_has": _l(
        "No open class has this join code: check it with your instructor"),
    "classes.no_such_member": _l("No such member"),
    "classes.publish_set_before_assigning": _l("Publish the set before assigning it"),
    "classes.refused": _l("Refused: %(reason)s"),
    "classes.set_already_assigned_class": _l(
        "This set is already assigned to this class: change its times instead"),
    "classes.you_teach_class": _l("You teach this class"),
    # interop (imports of questions and sets)
    "interop.instructors_import_questions": _l("Only instructors import questions"),
    "interop.instructors_import_sets": _l("Only instructors import sets"),
    "interop.no_deck_name_imported": _l(
        "No deck “%(deck)s”: name an imported note's path, its file name or its title"),
    "interop.set_has_most_questions": _l(
        "A set has at most %(MAX_QUESTIONS)s questions (%(n_keep)s + %(n_items)s would be too "
        "many)"),
    # maintenance (backups)
    "maintenance.backup_damaged_not_restored": _l(
        "%(source)s: the backup is damaged (%(ok)s); not restored"),
    "maintenance.backup_not_supported": _l("Backup is not supported for %(name)s"),
    "maintenance.database_being_served": _l(
        "The app is serving this database: stop it (every gunicorn server using it) before "
        "restoring, or pass --force to restore under it (answers given during the restore are "
        "lost)"),
    "maintenance.memory_sqlite_database_has": _l(
        "An in-memory SQLite database has nothing to back up"),
    "maintenance.no_such_backup_file": _l("%(source)s: no such backup file"),
    "maintenance.not_sqlite_database": _l("%(source)s: not a SQLite database (%(exc)s)"),
    "maintenance.not_studyk_s_database": _l("%(source)s: not a studyk8s database; not restored"),
    "maintenance.pg_dump_not_path": _l("pg_dump is not on PATH"),
    "maintenance.pg_restore_not_path": _l("pg_restore is not on PATH"),
    "maintenance.restore_not_supported": _l("Restore is not supported for %(name)s"),
    # quiz and exams
    "quiz.answer_was_saved_same": _l(
        "This answer was saved at the same time from elsewhere; save it again"),
    "quiz.answers_quiz_set_are": _l(
        "The answers of this quiz set are not shown yet, so its wrong answers cannot be "
        "retried"),
    "quiz.attempt_already_submitted": _l("This attempt is already submitted"),
    "quiz.attempt_does_not_exist": _DOES_NOT_EXIST,
    "quiz.attempt_still_open_submit": _l(
        "This attempt is still open: submit it to see the results"),
    "quiz.decks_must_deck_ids": _l("Decks must be deck ids"),
    "quiz.flag_not_boolean": _l("A flag must be true or false"),
    "quiz.mode_must_one": _l("The mode must be one of %(value)s"),
    "quiz.must_between": _l("%(name)s must be between %(lo)s and %(hi)s"),
    "quiz.must_list_names": _l("%(name)s must be a list of names"),
    "quiz.must_whole_number": _l("%(name)s must be a whole number"),
    "quiz.no_questions_made_selection": _l(
        "No questions can be made from this selection: choose more decks or sections"),
    "quiz.nothing_retry_every_answer": _l("Nothing to retry: every answer was right"),
    "quiz.pass_mark_must_between": _l("The pass mark must be between 1%% and 100%%"),
    "quiz.pass_mark_must_number": _l("The pass mark must be a number"),
    "quiz.question_does_not_exist": _l("Question %(position)s does not exist in this attempt"),
    "quiz.refused": _l("Not accepted: %(reason)s"),
    "quiz.submit_attempt_before_retrying": _l(
        "Submit this attempt before retrying its wrong answers"),
    "quiz.time_up_attempt_was": _l(
        "Time is up: the attempt was closed with the answers saved before the deadline"),
    "quiz.topic_weight_must_between": _l(
        "The weight of topic “%(k)s” must be between 0 and 1000"),
    "quiz.topic_weight_must_number": _l("The weight of topic “%(k)s” must be a number"),
    "quiz.topic_weight_format": _l(
        "Topic weights, “%(k)s”: write a topic, a colon and a weight (Pod: 30)"),
    "quiz.topic_weight_not_number": _l("Topic weights, “%(k)s”: the weight must be a number"),
    "quiz.topic_weight_out_of_range": _l(
        "Topic weights, “%(k)s”: the weight must be between 0 and 1000"),
    "quiz.topic_weights_must_map": _l(
        "Topic weights must be lines of “section: weight”, the weight a number"),
    "quiz.unknown_deck_s": _n("n", "Unknown deck: %(value)s", "Unknown decks: %(value)s"),
    "quiz.unknown_question_kind_s": _n("n", "Unknown question kind: %(value)s",
                                       "Unknown question kinds: %(value)s"),
    "readiness.bad_exam_date": _l("The exam date must be a date like 2026-12-24"),
    # requests the browser's scripts make
    "request.bad_card": _l("The card selection could not be read; reload the page"),
    "request.no_response": _l("A response is required (null clears the answer)"),
    "request.not_integer": _l("%(key)s must be a whole number"),
    "request.not_json": _l("Expected a JSON object"),
    # review
    "review.bad_ahead_days": _l("Enter a number of days from 1 to 365"),
    "review.bad_flag": _l("The flag must be 0, 1, 2, 3 or 4"),
    "review.bad_client_id": _l("client_id must be 8–64 letters, digits or dashes"),
    "review.bad_rating": _l("The rating must be 1, 2, 3 or 4"),
    "review.bad_typed_answer": _l("Not accepted: %(why)s"),
    "review.card_changed_concurrently": _l("Card %(card_id)s changed at the same time elsewhere"),
    "review.card_does_not_exist": _DOES_NOT_EXIST,
    "review.card_not_available": _l("Card %(card_id)s is not available"),
    "review.card_not_typed": _l("This card is not answered by typing"),
    "review.card_suspended": _l("Card %(card_id)s is suspended"),
    "review.client_id_already_used": _l("This answer was already recorded"),
    "review.comment_too_long": _l("The comment is too long (2,000 characters at most)"),
    "review.nothing_to_undo": _l("Nothing to undo"),
    "review.stale_version": _l(
        "Card %(card_id)s changed since it was shown (version %(version)s, now %(current)s); "
        "reload it"),
    "review.undo_action_stale": _l("The card changed after that; it cannot be undone"),
    "review.undo_stale": _l("The card changed after that review; it cannot be undone"),
    # quiz sets
    "sets.add_least_one_question": _l("Add at least one question before publishing"),
    "sets.add_least_one_question_2": _l("Add at least one question first"),
    "sets.description_has_most_characters": _n(
        "MAX_DESCRIPTION", "The description has at most %(num)d character",
        "The description has at most %(num)d characters"),
    "sets.grading_must_one": _l("The grading must be one of %(value)s"),
    "sets.instructors_create_sets": _l("Only instructors create sets"),
    "sets.kind_must_one": _l("The kind must be one of %(value)s"),
    "sets.must_between": _l("%(label)s must be between %(lo)s and %(hi)s"),
    "sets.must_number": _l("%(label)s must be a number"),
    "sets.must_whole_number": _l("%(label)s must be a whole number"),
    "sets.new_order_must_list": _l("The new order must list every question of the set once"),
    "sets.no_attempts_left_set": _l("No attempts left at this set"),
    "sets.no_questions_made_set": _l("No questions can be made from this set right now"),
    "sets.order_lists_question_ids": _l("The order lists question ids"),
    "sets.pick_least_one_fact": _l("Pick at least one fact"),
    "sets.question": _l("Question %(value)s: %(value2)s"),
    "sets.question_does_not_exist": _DOES_NOT_EXIST,
    "sets.question_draws_which_not": _l(
        "Question %(value)s draws from “%(deck)s”, which is not an imported deck"),
    "sets.question_no_questions_made": _l(
        "Question %(value)s: no questions can be made from %(value2)s"),
    "sets.refused": _l("Refused: %(reason)s"),
    "sets.review_must_one": _l("The review setting must be one of %(value)s"),
    "sets.set_does_not_exist": _DOES_NOT_EXIST,
    "sets.set_has_most_questions": _n(
        "MAX_QUESTIONS", "A set has at most %(num)d question",
        "A set has at most %(num)d questions"),
    "sets.set_was_never_published": _l(
        "This set was never published: there is nothing to go back to"),
    "sets.sets_belong_instructors_admins": _l(
        "%(email)s is a %(role)s: sets belong to instructors or admins"),
    "sets.title_has_most_characters": _n(
        "MAX_TITLE", "The title has at most %(num)d character",
        "The title has at most %(num)d characters"),
    "sets.title_required": _l("The title is required"),
    # the optimiser
    "srs.too_few_reviews": _n(
        "n", "Only %(num)d cross-day review so far: too few to optimise (review for a few "
        "days, or import a history first)",
        "Only %(num)d cross-day reviews so far: too few to optimise (review for a few days, "
        "or import a history first)"),
    # accounts and settings
    "users.account_email_already_exists": _l("An account with this email already exists"),
    "users.account_not_found": _DOES_NOT_EXIST,
    "users.last_admin": _l("%(email)s is the only admin: make another account admin first"),
    "users.bad_exam_date": _l("The exam date must be a date like 2026-12-24"),
    "users.bad_extra_new": _l("Enter a number of cards from 1 to 1000"),
    "users.card_kinds_must_list": _l("Card kinds must be a list of names"),
    "users.choose_least_one_card": _l("Choose at least one card kind"),
    "users.choose_least_one_deck": _l("Choose at least one deck"),
    "users.current_password_not_right": _l("The current password is not right."),
    "users.decks_must_list_deck": _l("Decks must be a list of deck ids"),
    "users.enter_valid_email_address": _l("Enter a valid email address, like name@example.com"),
    "users.exam_date_out_of_range": _l("The exam date must be between the years 2000 and 2100"),
    "users.must_between_got": _l("%(label)s must be between %(lo)s and %(hi)s (got %(value)s)"),
    "users.must_number": _l("%(label)s must be a number"),
    "users.must_whole_number": _l("%(label)s must be a whole number"),
    "users.parameters_must_numbers_fsrs": _l(
        "Parameters must be %(FSRS_PARAMETER_COUNT)s numbers (FSRS-6), or none for the "
        "defaults"),
    "users.password_must_least_characters": _n(
        "MIN_PASSWORD_LENGTH", "The password must be at least %(num)d character long",
        "The password must be at least %(num)d characters long"),
    "users.password_too_common": _l(
        "This password is one of the most common passwords: choose another one."),
    "users.password_too_guessable": _l(
        "This password is too easy to guess (a repeated or sequential pattern, a common word "
        "or your email): add a few uncommon words."),
    "users.password_must_most_characters": _n(
        "MAX_PASSWORD_LENGTH", "The password must be at most %(num)d character long",
        "The password must be at most %(num)d characters long"),
    "users.unknown_card_kind": _n("n", "Unknown card kind: %(value)s",
                                  "Unknown card kinds: %(value)s"),
    "users.unknown_deck": _n("n", "Unknown deck: %(value)s", "Unknown decks: %(value)s"),
    "users.unknown_role_choose_one": _l("Unknown role “%(role)s”: choose one of %(value)s"),
    "users.unknown_setting": _n("n", "Unknown setting: %(value)s", "Unknown settings: %(value)s"),
    "users.unknown_time_zone_use": _l(
        "Unknown time zone “%(tz)s”: use an IANA name such as Asia/Shanghai"),
}


def _shown(key: str, value: Any) -> Any:
    """One parameter as the message shows it."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):  # ids and counts: as they are (no grouping in "card 1234")
        return value if key in _COUNTS else str(value)
    if isinstance(value, float):  # a measured value: the locale's way ("100,000")
        return fmt_num(value)
    text = str(value)
    label = LABELS.get(text)
    return str(label) if label is not None else text


# Counts given to ngettext: kept as numbers (ngettext formats %(num)d itself).
_COUNTS = frozenset({"n", "MAX_NAME", "MAX_DESCRIPTION", "MAX_QUESTIONS", "MAX_TITLE",
                     "MIN_PASSWORD_LENGTH", "MAX_PASSWORD_LENGTH"})


def message(exc: ServiceError) -> str:
    """``exc`` in the UI language: its code's message with its parameters filled in."""
    entry = MESSAGES.get(exc.code)
    if entry is None:
        return str(exc)
    params = {k: _shown(k, v) for k, v in exc.params.items()}
    text = entry(params) if callable(entry) else str(entry) % params
    lead = params.get("label") or params.get("name")  # "the time limit … must be": "The …"
    return text[:1].upper() + text[1:] if lead and text.startswith(lead) else text


def register(app) -> None:
    """``i18n.translate`` finds the message of the refusal being handled through the app (it
    sits below the web layer, so it cannot import this module)."""
    app.extensions["service_message"] = message


__all__ = ["LABELS", "MESSAGES", "message", "register"]
