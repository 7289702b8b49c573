"""An English note in the same everyday style (fixtures/services-en.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyk8s.cards import generate_cards
from studyk8s.notes import (
    ABBREVIATION,
    DEFINITION,
    DIAGRAM,
    ENUMERATION,
    STATEMENT,
    Edge,
    parse_note,
)

FIXTURE = Path(__file__).parent / "fixtures" / "services-en.md"
PATH = "tests/notes/fixtures/services-en.md"


@pytest.fixture(scope="module")
def note():
    return parse_note(FIXTURE.read_bytes(), PATH)


def test_metadata(note):
    assert (note.title, note.lang, note.date, note.tags) == (
        "Kubernetes Services", "en", "2024-03-01", ("k8s", "networking"),
    )


def test_service_types_group(note):
    group = [f for f in note.facts if f.kind == DEFINITION and f.group == "Services"]
    assert [f.term for f in group] == ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]
    assert group[0].definition == (
        "Exposes the Service on a cluster-internal IP. This is the default type."
    )
    assert group[0].source == f"{PATH}:14"
    assert group[0].section == ("Services",)


def test_alias_and_abbreviation(note):
    (ingress,) = [f for f in note.facts if f.term == "Ingress"]
    assert (ingress.kind, ingress.aliases, ingress.group, ingress.line) == (
        DEFINITION, ("ING",), "", 19,
    )
    (dns,) = [f for f in note.facts if f.kind == ABBREVIATION]
    assert (dns.term, dns.definition) == ("DNS", "Domain Name System")


def test_heading_enumeration(note):
    (enum,) = [f for f in note.facts if f.kind == ENUMERATION]
    assert enum.term == "Why use Services"
    assert enum.items == ("stable addresses", "load balancing", "service discovery")


def test_statements_and_wrapped_line(note):
    stmts = [f for f in note.facts if f.kind == STATEMENT]
    assert [(f.line, f.cloze) for f in stmts] == [(9, "IP"), (10, "ClusterIP")]
    assert stmts[1].definition.endswith("reachable from inside the cluster.")


def test_diagram(note):
    (diagram,) = [f for f in note.facts if f.kind == DIAGRAM]
    assert diagram.term == "Traffic path"
    assert diagram.edges == (
        Edge("client", "Ingress"), Edge("Ingress", "Service"),
        Edge("Service", "Pod A"), Edge("Service", "Pod B"),
    )


def test_empty_label_warning(note):
    assert [(w.line, w.severity) for w in note.warnings] == [(36, "warning")]


def test_cards_are_in_english(note):
    cards = generate_cards(note)
    fronts = "\n".join(c.front for c in cards)
    assert "What is **ClusterIP** (Services)?" in fronts
    assert "What does **DNS** stand for?" in fronts
    assert "**ING** is short for which term?" in fronts
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in fronts)
    cloze = [c for c in cards if c.kind == "cloze" and "**ClusterIP**" in c.back]
    assert cloze[0].front.startswith("The default Service type is [...], and")
    assert cloze[0].back.startswith("The default Service type is **ClusterIP**, and")
    d2t = [c for c in cards if c.kind == "definition_term"]
    assert all("___" in c.front or c.fact_key.split("::")[-1] not in c.front for c in d2t)
