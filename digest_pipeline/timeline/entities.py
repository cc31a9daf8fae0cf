"""Product and organisation names in a news item, in one canonical spelling.

The strongest sign that two items report the same development is that they
name the same specific thing: `Qwen-Image-Layered`, `GPT-5.2-Codex`,
`Qwen Code v0.5.0`. Names are read by structure (runs of Latin words that
look like names: capitals, digits, hyphens), never from a list of known
products, so other models' digests work unchanged. A short gazetteer only
maps Chinese names of well-known organisations to their English name
(谷歌 → Google), because no structure can tell those apart.

Canonical form: lower case, every separator (space, any dash) one `-`,
letters and digits split (`GPT5` = `GPT 5` = `gpt-5`), a version's `v`
dropped (`v0.5.0` = `0.5.0`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from digest_pipeline.timeline.text import fold_script

# Chinese (and a few English) names of organisations and people that digests
# write either way. Keys are folded like the text before matching.
ORGANISATION_ALIASES: dict[str, str] = {
    "谷歌": "Google",
    "Alphabet": "Google",
    "微軟": "Microsoft",
    "輝達": "NVIDIA",
    "英偉達": "NVIDIA",
    "蘋果": "Apple",
    "亞馬遜": "Amazon",
    "臉書": "Meta",
    "Facebook": "Meta",
    "甲骨文": "Oracle",
    "軟銀": "SoftBank",
    "三星": "Samsung",
    "台積電": "TSMC",
    "英特爾": "Intel",
    "超微": "AMD",
    "高通": "Qualcomm",
    "博通": "Broadcom",
    "騰訊": "Tencent",
    "百度": "Baidu",
    "華為": "Huawei",
    "小米": "Xiaomi",
    "阿里雲": "Alibaba Cloud",
    "阿里巴巴": "Alibaba",
    "阿里": "Alibaba",
    "通義千問": "Qwen",
    "千問": "Qwen",
    "通義": "Qwen",
    "深度求索": "DeepSeek",
    "字節跳動": "ByteDance",
    "字節": "ByteDance",
    "豆包": "Doubao",
    "月之暗面": "Moonshot",
    "智譜": "Zhipu",
    "抱抱臉": "Hugging Face",
    "馬斯克": "Musk",
    "黃仁勳": "Jensen Huang",
    "奧特曼": "Altman",
    "阿特曼": "Altman",
    "祖克柏": "Zuckerberg",
    "扎克伯格": "Zuckerberg",
    "皮查伊": "Pichai",
    "歐盟": "EU",
    "白宮": "White House",
    "五角大廈": "Pentagon",
}

# First words too generic to make two names siblings (AI Arena vs AI Agent).
GENERIC_HEADS = frozenset(
    {
        *("ai", "api", "app", "apps", "agi", "llm", "llms", "gpu", "gpus", "cpu", "pc", "web", "cloud"),
        *("open", "new", "the", "model", "models", "agent", "agents", "chat", "data", "mcp"),
        *("ceo", "cto", "cfo", "us", "eu", "uk"),
    }
)
_STOP_WORDS = frozenset(
    {
        *("a", "an", "and", "or", "the", "of", "for", "with", "in", "on", "to", "by", "at"),
        *("as", "is", "are", "was", "be", "vs", "via", "from", "into"),
    }
)

# Words that name an interface or platform of a thing, not another thing: `GPT-5.2 API` is GPT-5.2.
GENERIC_TAILS = frozenset(
    {"api", "apis", "app", "apps", "sdk", "cli", "web", "pc", "ios", "android", "mac", "windows", "beta"}
)

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+_-]*(?: +[A-Za-z0-9][A-Za-z0-9.+_-]*)*")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")


@dataclass(frozen=True)
class Name:
    """One name as written, canonicalised: its parts and whether it is specific."""

    parts: tuple[str, ...]
    word_starts: tuple[int, ...] = (0,)
    """Index of the first part of each written word (`OpenAI GPT-5.2` is words at 0 and 1), and of
    each later piece of a hyphenated word that starts a shorter form of at least two parts:
    `DeepSeek-Coder-V3` is written Coder-V3 too (starts 0 and 1), `GPT-5.2-Codex` is not Codex."""

    @property
    def key(self) -> str:
        return "-".join(self.parts)

    @property
    def family(self) -> str:
        return self.parts[0]

    @property
    def is_specific(self) -> bool:
        """A particular product or version (GPT-5.2, Qwen Chat Memory), not a bare brand."""
        return len(self.parts) >= 2 and self.family not in GENERIC_HEADS

    @property
    def is_brand(self) -> bool:
        """A bare brand or organisation (Google, Avocado): one part, not a generic word or a letter."""
        return len(self.parts) == 1 and self.family not in GENERIC_HEADS and len(self.family) >= 2

    def prefixes(self) -> list[str]:
        return ["-".join(self.parts[:n]) for n in range(1, len(self.parts) + 1)]


@functools.cache
def _alias_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    folded = {fold_script(alias): name for alias, name in ORGANISATION_ALIASES.items()}
    # Longest first, so 阿里雲 wins over 阿里.
    ordered = sorted(folded, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))), folded


def substitute_aliases(folded: str) -> str:
    """Write organisation names in English, padded with spaces so they join adjacent names."""
    pattern, names = _alias_pattern()
    return pattern.sub(lambda match: f" {names[match.group(0)]} ", folded)


def _canonical_pieces(word: str) -> list[list[str]]:
    """The canonical parts of each hyphen-separated piece of a word."""
    pieces: list[list[str]] = []
    for piece in word.strip(".").split("-"):
        piece = piece.strip(".").lower()
        if not piece:
            continue
        version = _VERSION.match(piece)
        if version:
            pieces.append([version.group(1)])
            continue
        parts = [p for p in _LETTER_DIGIT.split(piece) if p]
        if parts:
            pieces.append(parts)
    return pieces


def _inner_starts(pieces: list[list[str]]) -> list[int]:
    """Where a hyphenated word's shorter forms start (offsets into its parts): each later piece
    that starts with a word, when at least two parts follow from it. Writers drop a brand from
    the front of a name (DeepSeek-Coder-V3 becomes Coder-V3), as they drop a leading word."""
    starts, offset = [], 0
    total = sum(map(len, pieces))
    for n, piece in enumerate(pieces):
        if n and piece and not _NUMBER.match(piece[0]) and total - offset >= 2:
            starts.append(offset)
        offset += len(piece)
    return starts


def _is_name_word(word: str, alone: bool) -> bool:
    if word.lower() in _STOP_WORDS:
        return False
    if alone:
        return True
    return any(c.isupper() or c.isdigit() for c in word) or "-" in word or "." in word.strip(".")


# A number followed by one of these is an amount or a date, not a version: "xAI 200 億美元",
# "Kimi K3 1.6 兆參數", "LMArena 1501 分", "OpenAI 5 月". Only units that cannot start another
# word: 分 only before a non-CJK character ("Gemini 3 分析師" keeps its 3).
_QUANTITY_UNITS = ("億", "萬", "兆", "%", "倍", "美元", "歐元", "元", "個", "筆", "顆", "年", "月", "日")


def _spellings(words: tuple[str, ...]) -> str:
    """A regex alternation of the words as written and as folded (text is matched either way)."""
    return "|".join(sorted({re.escape(f) for word in words for f in (word, fold_script(word))}))


_QUANTITY_AFTER = re.compile(rf"\s*(?:{_spellings(_QUANTITY_UNITS)}|分(?![\u3400-\u9fff]))")


# A Chinese product name with a version (文心 5.5, 混元 3.0, 豆包大模型 2.5): a run of CJK
# characters directly before a version (one digit, a dot, one or two digits: a score such as
# 得分 82.4 has more) that no unit follows. Only the run's last two
# characters name the product, once a generic tail (大模型) is dropped: Chinese writes the
# verb or owner against the name (騰訊發布混元 3.0), and two characters are what product
# names are (文心, 混元, 元寶, 盤古). A run ending or starting in a function character
# (切換至 2.5 版本) is a phrase, not a name.
_CJK_VERSIONED = re.compile(r"([\u3400-\u9fff]{2,8})\s*([1-9]\.\d{1,2})(?![\d.])")
_CJK_GENERIC_TAILS = ("大模型", "模型", "系列", "家族")
_CJK_FUNCTION = frozenset(
    f
    for c in "第約達至近逾超僅為到從破升降增減漲跌共每比入出活戶剩餘的了與和及或在於是離給較換續用"
    for f in (c, fold_script(c))
)
# After the number: a unit makes it an amount (3.16 億, 1.25 美元, the units above and more);
# 版 or 代 a version of something named elsewhere (1.5 版, 3.5 世代); a Latin word a Latin name
# written without its family (改用 3.5 Flash), so the characters before it are a verb, not a name.
_NOT_A_NAME_UNITS = (*_QUANTITY_UNITS, *"千百英鎊秒分家次名人件款張條篇台部週天小時度版代", "世代")
_NOT_A_NAME_AFTER = re.compile(rf"\s*(?:{_spellings(_NOT_A_NAME_UNITS)}|[A-Za-z])")


def _cjk_versioned_names(text: str) -> list[tuple[int, Name]]:
    """Chinese names with a version in `text`, each with where it starts."""
    names: list[tuple[int, Name]] = []
    for match in _CJK_VERSIONED.finditer(text):
        if _NOT_A_NAME_AFTER.match(text, match.end()):
            continue
        word, end = match.group(1), match.end(1)
        for tail in _CJK_GENERIC_TAILS:
            if word.endswith(tail):
                word, end = word[: -len(tail)], end - len(tail)
                break
        word = word[-2:]
        if len(word) < 2 or word[0] in _CJK_FUNCTION or word[-1] in _CJK_FUNCTION:
            continue  # 豆包大模型 2.5 is Doubao's: the alias before it is the name
        names.append((end - 2, Name((word, match.group(2)), (0, 1))))
    return names


def extract_names(folded: str) -> list[Name]:
    """Names in folded text, in order of appearance (repeats kept): runs of Latin words, and
    Chinese names with a version.

    A trailing number that an amount or date unit follows is left out of the
    name: "xAI 200 億美元" names xAI; as `xai-200` it would look like a
    sibling of "xAI 20 億美元"'s `xai-20`, a subject conflict between two
    reports of one funding round.
    """
    text = substitute_aliases(folded)
    names: list[Name] = []
    chinese = _cjk_versioned_names(text)
    for match in _SEGMENT.finditer(text):
        while chinese and chinese[0][0] < match.start():
            names.append(chinese.pop(0)[1])
        words = match.group(0).split()
        if len(words) > 1 and _NUMBER.match(words[-1]) and _QUANTITY_AFTER.match(text, match.end()):
            words.pop()
        names.extend(_names_in_run(tuple(words)))
    names.extend(name for _, name in chinese)
    return names


def _is_variant_word(word: str) -> bool:
    """A short lower-case word that names a variant when it follows a version (mini, nano, turbo)."""
    return word.isalpha() and word.isascii() and len(word) <= 6 and word not in _STOP_WORDS


@functools.lru_cache(maxsize=1 << 16)
def _names_in_run(words: tuple[str, ...]) -> tuple[Name, ...]:
    """The names in one run of Latin words, in order.

    Cached: digests write the same few hundred names over and over, and this is
    most of the cost of reading names (the parse and the timeline read every item's).
    """
    names: list[Name] = []
    run: list[str] = []
    for word in (*words, ""):
        if word and _is_name_word(word, alone=len(words) == 1):
            run.append(word)
            continue
        if word and run and run[-1][-1].isdigit() and _is_variant_word(word):
            run.append(word)  # GPT-5.5 mini: a lower-case variant after a version is part of the name
            continue
        name = _name_from_words(run)
        if name:
            names.append(name)
        run = []
    return tuple(names)


def _name_from_words(words: list[str]) -> Name | None:
    parts: list[str] = []
    starts: list[int] = []
    for word in words:
        pieces = _canonical_pieces(word)
        # A name starts with a word, not a number: "2025 年" is a date, "Nemotron 3" a name.
        if not parts:
            while pieces and _NUMBER.match(pieces[0][0]):
                pieces[0].pop(0)
                if not pieces[0]:
                    pieces.pop(0)
        word_parts = [part for piece in pieces for part in piece]
        if word_parts:
            starts.append(len(parts))
            starts.extend(len(parts) + inner for inner in _inner_starts(pieces))
            parts.extend(word_parts)
    while len(parts) > 1 and parts[-1] in GENERIC_TAILS:
        parts.pop()
        starts = [s for s in starts if s < len(parts)]
    return Name(tuple(parts), tuple(starts)) if parts else None


def name_keys(names: list[Name]) -> set[str]:
    """Every name and every leading part of it: `qwen-code-0.5.0` also counts as `qwen-code`, `qwen`.

    Sub-names starting at a later word are kept too (`openai-gpt-5.2` names `gpt-5.2`).
    """
    keys: set[str] = set()
    for name in names:
        keys.update(_keys_of(name))
    return keys


@functools.lru_cache(maxsize=1 << 16)
def _keys_of(name: Name) -> tuple[str, ...]:
    keys = name.prefixes()
    for start in name.word_starts[1:]:
        if not _NUMBER.match(name.parts[start]):
            keys.extend(Name(name.parts[start:]).prefixes())
    return tuple(keys)


def is_version_refinement(general: Name, specific: Name) -> bool:
    """True when `specific` is `general` plus only version numbers (Qwen Code → Qwen Code 0.5.0)."""
    n = len(general.parts)
    return (
        len(specific.parts) > n
        and specific.parts[:n] == general.parts
        and all(_NUMBER.match(part) for part in specific.parts[n:])
    )


def are_siblings(a: Name, b: Name) -> bool:
    """Two different specific things of one family: GPT-5.2 vs GPT-5.2-Codex, Qwen-Image-2512 vs -Layered.

    Not siblings: the same name, or a name and its versioned form (one is a
    looser mention of the other).
    """
    if not (a.is_specific and b.is_specific) or a.family != b.family or a.parts == b.parts:
        return False
    return not (is_version_refinement(a, b) or is_version_refinement(b, a))
