"""The package's shape: no module grows past 500 lines (migrations and tests aside), and
importing the domain loads no Flask. (The import layers are .importlinter's, `make lint`.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "studyk8s"
MAX_LINES = 500
# Owned by other work (the question gate): to split when
# that work lands, not here (see the restructuring issue's report).
NOT_YET: set[str] = set()


def test_no_module_over_500_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(long) <= NOT_YET, long


def test_importing_the_domain_loads_no_flask():
    code = ("import sys, studyk8s.notes, studyk8s.cards, studyk8s.srs, studyk8s.quiz, "
            "studyk8s.sets, studyk8s.charts, studyk8s.persistence.models; "
            "print(sorted(m for m in ('flask', 'werkzeug', 'click', 'jinja2') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
