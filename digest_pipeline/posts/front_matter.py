"""Front matter: safe YAML (or Hugo's TOML) loading, identity (model + date) and field coercion.

Sites disagree on small things: tags quoted or bare or a comma string, a
date as a YAML date, a datetime or a string, `ai_summary` missing, `image`
as `/`, a path or a mapping, the model under `llm:` or the date under
`pubDate:`. These functions accept all of that and say clearly when a post
cannot be identified at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from pathlib import PurePath

import frontmatter
import yaml

from digest_pipeline.posts.records import PostIdentity

_YAML = frontmatter.YAMLHandler()
_TOML_BOUNDARY = re.compile(r"^\+{3}[ \t]*\r?$", re.MULTILINE)
"""Hugo's TOML front matter opens and closes with `+++` lines instead of YAML's `---`."""
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{4})[-/._年](\d{1,2})[-/._月](\d{1,2})(?!\d)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_ORDINAL_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_ORDINAL_DAY},?\s+(\d{{4}})(?!\d)", re.I)
"""`Aug 25, 2025`, `August 25th 2025`: English sites write dates so."""
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d){_ORDINAL_DAY}\s+{_MONTH},?\s+(\d{{4}})(?!\d)", re.I)
"""`25 Aug 2025`, `25th August, 2025`."""
_NUMERIC_YEAR_LAST = re.compile(r"(?<!\d)(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?!\d)")
"""`25/08/2025` or `08/25/2025`: read only when one part cannot be a month."""
_MODEL_SLUG = re.compile(r"[^0-9a-z.+]+")
_KEY_SEPARATORS = re.compile(r"[\s_-]+")

MODEL_KEYS = ("model", "ai_model", "model_name", "llm", "models")
"""Front matter keys a post's model is read from, most preferred first.

`model` is what our sites write; the others are spellings other sites use. `models` (or any of
them) may be a list naming exactly one model; a list naming several is refused, not guessed."""
DATE_KEYS = (
    "date",
    "pub_date",
    "publish_date",
    "published",
    "published_at",
    "date_published",
    "created",
    "created_at",
    "date_created",
)
"""Front matter keys a post's date is read from, most preferred first.

`date` is what our sites write; the others say when the post was published or written, so each
is the post's date when no earlier key gives one. Keys that say when it was last changed
(`updated`, `lastmod`) are not read: a post edited a day later still reports its own day."""


IDENTITY_VERSION = "4"
"""Bump when a change to reading a post's identity (model, date) can accept a file rejected before.

A scan does not read a file again while its size and mtime stay the same, so a reject would
stay one after such a change; when the version the warehouse's last scan identified with
differs, the next scan reads its rejected files again (`warehouse.versions.record_scan`).
Version 2 (2026-12-04): dates with an English month name, and year-last dates that read only
one way. Version 3 (the same day): the model and date under other sites' key names (`llm`,
`models: [x]`, `pubDate`, `published`, ...; `MODEL_KEYS`, `DATE_KEYS`). Version 4: Hugo's TOML
front matter between `+++` lines."""


class PostRejected(ValueError):
    """The input cannot become a post; the message is the reason analysts will read."""


class AmbiguousDate(PostRejected):
    """A date that reads two ways (`05/08/2025`): a fallback may still settle the post's date."""


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """Split a post into its front matter (as JSON-ready values) and markdown body.

    YAML is loaded with the safe loader only, so tags such as
    `!!python/object` are refused rather than executed. Keys become strings
    and dates ISO strings as written (no time-zone conversion), so the
    mapping can be stored whole and dates still read as the writer meant.
    """
    if text.startswith("+++"):
        return _split_toml_front_matter(text)
    if not _YAML.detect(text):
        raise PostRejected(
            "no front matter: the file does not start with a '---' YAML block (or a '+++' TOML one)"
        )
    try:
        raw_yaml, body = _YAML.split(text)
    except ValueError as err:  # an opening '---' with no closing one
        raise PostRejected("front matter is not closed: no second '---' line") from err
    try:
        meta = _YAML.load(raw_yaml)
    except yaml.constructor.ConstructorError as err:
        raise PostRejected(f"front matter uses a YAML tag that is not allowed: {err.problem}") from err
    except yaml.YAMLError as err:
        raise PostRejected(f"front matter is not valid YAML: {_first_line(err)}") from err
    except ValueError as err:  # e.g. `date: 2025-13-45` fails inside the YAML timestamp constructor
        raise PostRejected(f"front matter has an impossible value: {err}") from err
    except RecursionError as err:
        raise PostRejected("front matter is nested too deeply to read") from err
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise PostRejected(f"front matter is a {type(meta).__name__}, not a mapping")
    try:
        # Plain JSON values from here on: what cannot be stored whole is not a post.
        return front_matter_json(meta), body
    except RecursionError as err:
        raise PostRejected(
            "front matter refers to itself (recursive YAML alias) or is nested too deeply"
        ) from err


def _split_toml_front_matter(text: str) -> tuple[dict[str, object], str]:
    """Front matter in TOML between `+++` lines, as Hugo sites write it; read with the standard
    library's `tomllib` (python-frontmatter's TOML handler needs the `toml` package)."""
    boundaries = list(_TOML_BOUNDARY.finditer(text, 0, len(text)))
    if len(boundaries) < 2 or boundaries[0].start() != 0:
        raise PostRejected("front matter is not closed: no second '+++' line")
    opening, closing = boundaries[0], boundaries[1]
    try:
        meta = tomllib.loads(text[opening.end() : closing.start()])
    except tomllib.TOMLDecodeError as err:
        raise PostRejected(f"front matter is not valid TOML: {_first_line(err)}") from err
    return front_matter_json(meta), text[closing.end() :].lstrip("\r\n")


def front_matter_body(text: str) -> str:
    """The markdown after the front matter, for a text `split_front_matter` has already accepted."""
    if text.startswith("+++"):
        return _split_toml_front_matter(text)[1]
    return _YAML.split(text)[1]


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def coerce_date(value: object) -> dt.date | None:
    """A calendar date from a YAML date, datetime or date-like string; None if there is none.

    Raises PostRejected for a date that is written but impossible (2025-13-45).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    text = str(value)
    found = _year_month_day(text)
    if found is None:
        return None
    (year, month, day), written = found
    try:
        return dt.date(year, month, day)
    except ValueError as err:
        raise PostRejected(f"impossible date {written!r}: {err}") from err


def _year_month_day(text: str) -> tuple[tuple[int, int, int], str] | None:
    """(year, month, day) and the text they were read from, trying the unambiguous forms first.

    Year first (`2025-08-25`, `2025年8月25日`) is what digests write; then an English month name
    in either order; then a year-last numeric date when one of its first two parts is over 12,
    so it can only be the day. `05/08/2025` could be 5 August or 8 May: rather than guess, it is
    rejected, and the post goes to `ingest_rejects` saying why.
    """
    if match := _DATE_IN_TEXT.search(text):
        year, month, day = (int(g) for g in match.groups())
        return (year, month, day), match.group(0)
    if match := _MONTH_DAY_YEAR.search(text):
        month_name, day, year = match.groups()
        return (int(year), _MONTHS.index(month_name.lower()) + 1, int(day)), match.group(0)
    if match := _DAY_MONTH_YEAR.search(text):
        day, month_name, year = match.groups()
        return (int(year), _MONTHS.index(month_name.lower()) + 1, int(day)), match.group(0)
    if match := _NUMERIC_YEAR_LAST.search(text):
        first, _, second, year = match.groups()
        a, b = int(first), int(second)
        if a > 12 >= b:
            return (int(year), b, a), match.group(0)
        if b > 12 >= a or a == b:
            return (int(year), a, b), match.group(0)
        if a <= 12 and b <= 12:
            raise AmbiguousDate(
                f"ambiguous date {match.group(0)!r}: day and month could be either way round; "
                "write it as YYYY-MM-DD"
            )
        return (int(year), a, b), match.group(0)  # both over 12: impossible, reported by the caller
    return None


def model_key(value: object) -> str:
    """The model as an identifier: NFKC, lower case, runs of other characters as '-'."""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return _MODEL_SLUG.sub("-", text).strip("-")


def _model_from_file_name(path: str) -> str:
    stem = _DATE_IN_TEXT.sub(" ", PurePath(path).stem)
    words = [w for w in re.split(r"[\s_-]+", stem.lower()) if w.isascii() and w.isalpha()]
    return model_key(words[0]) if len(words) == 1 else ""


@functools.lru_cache(maxsize=1024)
def _key_name(key: str) -> str:
    """The form key names are compared by, so `pubDate`, `pub_date` and `pub-date` are one key.
    Cached: every post of a site writes the same few keys."""
    return _KEY_SEPARATORS.sub("", key).casefold()


def _keyed_values(meta: dict[str, object], preferred: tuple[str, ...]) -> Iterator[tuple[str, object]]:
    """(key as written, value) for each front matter key spelling one of `preferred`, in its order.

    Where two keys spell the same name (`date` and `Date`), the exact spelling comes first, so a
    post that has `date:` is read from it as before. Lazily: the caller stops at the first key
    that gives what it looks for, which for our sites' posts is the first one.
    """
    names = [(_key_name(str(key)), key) for key in meta]
    for name in preferred:
        wanted = _key_name(name)
        spellings = sorted(
            (key for key_name, key in names if key_name == wanted), key=lambda key: key != name
        )
        for key in spellings:
            yield str(key), meta[key]


def _model_from_value(key: str, value: object) -> str:
    """The model a front matter value names: a scalar, or a list naming exactly one model.

    A list naming several (`models: [gpt, claude]`) is refused: the post is filed under one model,
    and picking one of several would be a guess.
    """
    if not isinstance(value, list | tuple):
        return model_key(value if value is not None else "")
    models = list(dict.fromkeys(m for m in (model_key(v) for v in value if v is not None) if m))
    if len(models) > 1:
        raise PostRejected(
            f"ambiguous model: front matter {key!r} names several ({', '.join(models)}); "
            "a post is filed under one model"
        )
    return models[0] if models else ""


def _model_from_front_matter(meta: dict[str, object]) -> tuple[str, str]:
    """The model and the key it was read from: the first of `MODEL_KEYS` that names one."""
    for key, value in _keyed_values(meta, MODEL_KEYS):
        if model := _model_from_value(key, value):
            return model, key
    return "", ""


def _date_from_front_matter(meta: dict[str, object]) -> tuple[dt.date | None, str]:
    """The date and the key it was read from: the first of `DATE_KEYS` that holds a date.

    A key whose date is impossible (2025-13-45) rejects the post, as a written date that is wrong
    should not be replaced by a guess; one that reads two ways (05/08/2025) lets the later keys,
    then the file name and title, settle it, and is raised only if none does.
    """
    ambiguous: AmbiguousDate | None = None
    for key, value in _keyed_values(meta, DATE_KEYS):
        try:
            found = coerce_date(value)
        except AmbiguousDate as err:
            ambiguous = ambiguous or err
            continue
        if found:
            return found, key
    if ambiguous:
        raise ambiguous
    return None, ""


def _date_fallback(meta: dict[str, object], source_file: str) -> tuple[dt.date | None, str]:
    for label, value in (("file name", PurePath(source_file).name), ("title", meta.get("title"))):
        try:
            found = coerce_date(value)
        except PostRejected:
            continue  # a fallback that looks like a date but is not one is simply no fallback
        if found:
            return found, f"date from {label}"
    return None, ""


def post_identity(meta: dict[str, object], source_file: str) -> PostIdentity:
    """Model and date from front matter; the file name (then the title) only as a fallback.

    The model is read from the first of `MODEL_KEYS` that names one, the date from the first of
    `DATE_KEYS` that holds one; a datetime keeps the calendar date written in its own time zone.
    `identity_source` is `front_matter` when both come from `model` and `date`, else it says
    where each came from: `model from 'llm'`, `date from 'pubDate'`, `date from file name`.
    """
    model, model_note = _post_model(meta, source_file)
    post_date, date_note = _post_date(meta, source_file)
    notes = [note for note in (model_note, date_note) if note]
    return PostIdentity(model, post_date, "; ".join(notes) or "front_matter")


def _post_model(meta: dict[str, object], source_file: str) -> tuple[str, str]:
    """The post's model and a note saying where it came from unless that was `model`."""
    model, key = _model_from_front_matter(meta)
    if model:
        return model, "" if key == "model" else f"model from {key!r}"
    if model := _model_from_file_name(source_file):
        return model, "model from file name"
    keys = ", ".join(MODEL_KEYS[1:])
    raise PostRejected(f"no model: front matter has no 'model' (nor {keys}) and the file name names none")


def _post_date(meta: dict[str, object], source_file: str) -> tuple[dt.date, str]:
    """The post's date and a note saying where it came from unless that was `date`."""
    ambiguous: AmbiguousDate | None = None
    try:
        post_date, key = _date_from_front_matter(meta)
    except AmbiguousDate as err:  # the file name or title may say which way round it is
        post_date, key, ambiguous = None, "", err
    if post_date:
        return post_date, "" if key == "date" else f"date from {key!r}"
    post_date, note = _date_fallback(meta, source_file)
    if post_date:
        return post_date, note
    keys = ", ".join(DATE_KEYS[1:])
    raise ambiguous or PostRejected(
        f"no date: front matter has no usable 'date' (nor {keys}) and no fallback has one"
    )


def as_text(value: object) -> str | None:
    """A scalar front matter value as text; mappings and lists as compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return str(value)


def as_list(value: object) -> tuple[str, ...]:
    """Tags or categories as written: a YAML list, or a string split on commas (else spaces)."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        items = [as_text(v) or "" for v in value]
    else:
        text = str(value)
        items = re.split(r"[,，、]", text) if re.search(r"[,，、]", text) else text.split()
    return tuple(item.strip() for item in items if item and item.strip())


def tag_key(tag: str) -> str:
    """The form tags are compared by: NFKC, case-folded, trimmed, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", tag).casefold().split())


def front_matter_json(meta: dict[str, object]) -> dict[str, object]:
    """Front matter as plain JSON values: string keys, dates as ISO strings, the rest as text.

    Raises RecursionError for self-referencing YAML aliases, which cannot be stored.
    """
    return _jsonable(meta)  # type: ignore[return-value]


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(_jsonable(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
