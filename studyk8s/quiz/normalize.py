"""Answer normalisation and typo distance, for typed answers and for telling choices apart.

``normalize`` folds what a learner should not be marked down for: Unicode compatibility forms
(NFKC turns full-width ``ＡＰＩ`` into ``API``), case, spaces and punctuation (``Kube-proxy`` =
``kube proxy`` = ``kubeproxy``). Typos are counted with the optimal-string-alignment variant of
Damerau-Levenshtein (a swapped pair of letters is one typo), and forgiven only in Latin-script
terms long enough for a typo not to make another word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_WORD = re.compile(r"[\W_]+")
_LATIN = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")

MIN_TYPO_LETTERS = 6  # "ETCD" with a typo is another word; "Kubelet" with one is not
TWO_TYPOS_LETTERS = 9  # from this length on, two typos are forgiven


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The comparison key: NFKC, case-folded, without spaces, punctuation or symbols."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def is_latin(norm: str) -> bool:
    """A normalised string made only of ASCII letters and digits."""
    return bool(norm) and _LATIN.fullmatch(norm) is not None


def letter_count(norm: str) -> int:
    return sum(c.isalpha() for c in norm)


def allowed_typos(norm: str) -> int:
    """Typos forgiven in an answer whose normalised form is ``norm``."""
    if not is_latin(norm):
        return 0
    letters = letter_count(norm)
    if letters >= TWO_TYPOS_LETTERS:
        return 2
    return 1 if letters >= MIN_TYPO_LETTERS else 0


@lru_cache(maxsize=65536)
def cjk_ratio(text: str) -> float:
    """Share of CJK characters among the letters of ``text`` (0 = all Latin, 1 = all CJK)."""
    cjk = len(_CJK.findall(text))
    letters = sum(c.isalpha() for c in text)
    return cjk / letters if letters else 0.0


@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Roughly how wide a string looks: a CJK character is as wide as two Latin ones."""
    return len(text) + len(_CJK.findall(text))


def osa_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap two neighbours).

    With ``limit``, returns ``limit + 1`` as soon as the distance is known to exceed it.
    """
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    if not a or not b:
        return max(len(a), len(b))
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        ai = a[i - 1]
        for j in range(1, len(b) + 1):
            cost = 0 if ai == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        if limit is not None and min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]
