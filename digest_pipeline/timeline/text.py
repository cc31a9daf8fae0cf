"""Text normalisation for matching news items written in different words and scripts.

Digests mix Traditional Chinese with simplified characters and mainland
vocabulary (資訊/信息, 軟體/軟件), full-width and half-width forms, and
several dash characters inside product names (GPT‑5.2, GPT–5.2, GPT-5.2).
Everything is folded to one form before any comparison: NFKC for width,
one ASCII hyphen for every dash, and OpenCC's Taiwan-to-simplified phrase
conversion (its dictionaries ship inside the package: nothing downloads).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

import opencc

# Every dash or hyphen-like character a writer or an editor may put inside a name. A regular
# expression, not str.translate: translating a CJK string costs ten times as much (7.9 against
# 0.6 µs for a 140-character item), and every item is folded twice in a full build.
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043]")
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""The CJK ideograph ranges, for a character class."""
CJK_RUN = re.compile(f"[{CJK}]+")
LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9.+]*[a-z0-9+]|[a-z0-9]")
# A number standing on its own (not part of a name such as GPT-5.2 or H200), with the unit or
# measure word written after it: 150 億, 40%, 1.2GW, 2,000 萬筆, 12 月.
_FIGURE = re.compile(
    rf"(?<![A-Za-z0-9.\-])(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?\s*([{CJK}]|%|[A-Za-z]{{1,3}}\b)?"
)
_YEAR = re.compile(r"(?:19|20)\d\d")


@functools.cache
def _converter() -> opencc.OpenCC:
    # tw2sp folds both characters and Taiwan vocabulary (資訊→信息, 晶片→芯片); one
    # converter per process, built on first use rather than at import.
    return opencc.OpenCC("tw2sp")


def fold_script(text: str) -> str:
    """Width, dashes and Chinese variants folded; case kept (names need it)."""
    if not unicodedata.is_normalized("NFKC", text):  # a quick check, far cheaper than normalizing
        text = unicodedata.normalize("NFKC", text)
    return _converter().convert(_DASHES.sub("-", text))


def cjk_bigrams(folded: str) -> Counter[str]:
    """Counts of overlapping character pairs inside each run of CJK characters.

    Character bigrams need no word segmenter and survive rewording better
    than words: 分層編輯 and 分層拆解 still share 分層.
    """
    grams: Counter[str] = Counter()
    for run in CJK_RUN.findall(folded):
        if len(run) == 1:
            grams[run] += 1
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def latin_words(folded: str) -> Counter[str]:
    """Counts of lower-cased Latin words and numbers (names, versions, figures)."""
    return Counter(LATIN_WORD.findall(folded.lower()))


def figures(folded: str) -> set[str]:
    """The figures an item quotes, each as number and unit: `150億`, `40%`, `1.2gw`, `1501`.

    The same amount, percentage or date in two items is strong evidence of
    one development written twice, in whatever words around it. Bare years
    and lone digits without a unit say nothing and are left out; how common
    a figure is (every item of a week says `12月`) is for the weights to judge.
    """
    found = set()
    for whole, fraction, unit in _FIGURE.findall(folded):
        number = whole.replace(",", "") + fraction
        if not unit and (len(number) < 2 or _YEAR.fullmatch(number)):
            continue
        found.add(number + unit.lower())
    return found
