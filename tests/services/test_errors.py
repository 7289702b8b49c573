"""The services' one error vocabulary: a code, parameters, and the filled-in message."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from studyk8s.services import errors

SERVICES = Path(errors.__file__).parent


def test_an_error_carries_its_code_parameters_and_message():
    exc = errors.Conflict("review.card_suspended", "card {card_id} is suspended", card_id=7)
    assert exc.code == "review.card_suspended"
    assert exc.params == {"card_id": 7}
    assert str(exc) == "card 7 is suspended"
    assert isinstance(exc, errors.ServiceError)


def test_a_message_without_parameters_is_kept_as_written():
    assert str(errors.ServiceError("x.y", "use {braces} freely")) == "use {braces} freely"


def test_import_failed_lists_every_problem():
    exc = errors.ImportFailed(["a.md:1: bad", "b.md:2: worse"])
    assert exc.errors == ["a.md:1: bad", "b.md:2: worse"]
    assert str(exc) == "a.md:1: bad\nb.md:2: worse"


def _raised_codes() -> dict[str, list[str]]:
    """Every literal code a service passes to an error class, with where."""
    found: dict[str, list[str]] = {}
    names = {"ServiceError", "NotFound", "Conflict"}
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in names and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.setdefault(node.args[0].value, []).append(f"{path.name}:{node.lineno}")
    return found


def test_every_code_names_its_area_and_means_one_message():
    """A code is ``area.name`` and one code always means the same message (the key a
    translation will be looked up by)."""
    messages: dict[str, set[str]] = {}
    names = {"ServiceError", "NotFound", "Conflict"}
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in names and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant)):
                code = node.args[0].value
                assert isinstance(code, str) and code.count(".") == 1, (path, node.lineno)
                messages.setdefault(code, set()).add(node.args[1].value)
    assert len(messages) > 80
    assert {c: m for c, m in messages.items() if len(m) > 1} == {}


def test_no_service_knows_http():
    for path in SERVICES.rglob("*.py"):
        text = path.read_text()
        assert "status = 4" not in text and "import flask" not in text, path


@pytest.mark.parametrize("area", ["review", "quiz", "sets", "classes", "users"])
def test_each_area_raises_coded_errors(area):
    assert any(code.startswith(area + ".") for code in _raised_codes())
