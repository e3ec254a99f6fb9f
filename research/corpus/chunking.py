"""Structure-aware chunking.

Statute sections split at subsection boundaries (`(a)`, `(1)`, `(A)`, `(i)`, ...) into chunks of at
most `max_tokens`; each chunk knows its pin (`(b)(2)`) and its character span in the section text.
Opinions split at paragraphs; the pin is the reporter page in force, from the star paging
(`[*514]` -> `at 514`).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from research.corpus.tokens import count_tokens
from research.domain.types import Authority, Chunk, Kind

_LABEL = re.compile(r"\(([A-Za-z]{1,6}|\d{1,3}(?:\.\d+)?[A-Za-z]?)\)")
_HI_PREFIX = re.compile(r"^\s*\[?§+\s*[\w.\-:]+(?:\s+to\s+[\w.\-:]+)?\]?\s*")
_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
STAR_PAGE = re.compile(r"\[\*(\d+)\]")  # a reporter page break in an opinion's text: "[*647]"
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z(\"'])")


@dataclass(frozen=True)
class Span:
    """A piece of source text with its pin, before it is packed into chunks."""

    start: int
    end: int
    pin: str
    top_level: bool


def _label_type(label: str, stack: list[tuple[str, str]]) -> str:
    """Classify a subsection label: digit, lower, upper, lroman, uroman (ambiguity by context)."""
    if label[0].isdigit():
        return "digit"
    for kind, roman_kind, is_case in (("lower", "lroman", str.islower), ("upper", "uroman", str.isupper)):
        if not is_case(label):
            continue
        if _ROMAN.match(label.lower()):
            previous_letter = next((lab for typ, lab in reversed(stack) if typ == kind), None)
            if len(label) == 1 and previous_letter and ord(previous_letter[-1]) == ord(label) - 1:
                return kind
            if len(label) == 1 and not any(typ == roman_kind for typ, _ in stack) and label.lower() not in "iv":
                return kind
            return roman_kind
        return kind
    return "other"


def _leading_labels(line: str) -> tuple[int, list[str]]:
    """Indentation and the subsection labels that open a line, e.g. '  (b)(2) text' -> (2, ['b', '2'])."""
    indent = len(line) - len(line.lstrip(" "))
    labels, pos, body = [], 0, line.lstrip(" ")
    while True:
        match = _LABEL.match(body, pos)
        if not match:
            break
        labels.append(match.group(1))
        pos = match.end()
    return indent, labels


def statute_spans(text: str) -> list[Span]:
    """Split section text into lines, each with the pin of the subsection it belongs to."""
    spans: list[Span] = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    use_indent = any(
        text[s:e].startswith(" ") and _leading_labels(text[s:e])[1] for s, e in lines
    )
    stack: list[tuple[int, str, str]] = []  # (indent, type, label)
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        if index == 0:
            prefix = _HI_PREFIX.match(line)
            if prefix and "§" in prefix.group(0):
                # Hawaii: "§521-44 Security deposits. (a) ..." -- look for a label after the heading
                after = re.search(r"\.\s+(?=\()", line)
                if after:
                    line = line[after.end():]
        indent, labels = _leading_labels(line)
        if not line.strip():
            continue
        top_level = False
        for position, label in enumerate(labels):
            if use_indent and position == 0:
                while stack and stack[-1][0] >= indent:
                    stack.pop()
            label_type = _label_type(label, [(t, lab) for _, t, lab in stack])
            existing = next((i for i, (_, t, _) in enumerate(stack) if t == label_type), None)
            if existing is not None:
                del stack[existing:]
            stack.append((indent + position, label_type, label))
            top_level = top_level or len(stack) == 1
        pin = "".join(f"({lab})" for _, _, lab in stack)
        spans.append(Span(start, end, pin, top_level))
    return spans


def _cut_by_words(text: str, start: int, end: int, max_tokens: int, pieces: list[tuple[int, int]]) -> int:
    """Append pieces of max_tokens // 2 words from text[start:end]; return where the unfinished rest begins."""
    words = [start + m.end() for m in re.finditer(r"\S+\s*", text[start:end])]
    step = max(1, max_tokens // 2)
    for i in range(step, len(words), step):
        pieces.append((start, words[i - 1]))
        start = words[i - 1]
    return start


def _split_long(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    """Cut an over-long span at sentence ends (or hard at max_tokens words) into bounded pieces."""
    pieces: list[tuple[int, int]] = []
    piece_start = start
    cuts = [start + m.start() for m in _SENTENCE_END.finditer(text[start:end])] + [end]
    last_ok = None
    for cut in cuts:
        if count_tokens(text[piece_start:cut]) <= max_tokens:
            last_ok = cut
            continue
        if last_ok is not None:
            pieces.append((piece_start, last_ok))
            piece_start = last_ok
            if count_tokens(text[piece_start:cut]) <= max_tokens:
                last_ok = cut
                continue
        piece_start = _cut_by_words(text, piece_start, cut, max_tokens, pieces)  # one sentence too long
        last_ok = cut
    if piece_start < end:
        pieces.append((piece_start, end))
    return pieces


def pin_range(first: str, last: str) -> str:
    """'(a)(1)-(a)(3)' for a chunk from (a)(1) to (a)(3). When the last label sorts before the first (a cross
    reference read as a label, or a code that lists out of order) a range would read backwards: the chunk is
    pinned to the labels both share instead ('(d)' for '(d)(3)' .. '(d)(1)(C)')."""
    if not first or first == last:
        return first or last
    if not last:
        return first
    first_labels, last_labels = _PIN_LABEL.findall(first), _PIN_LABEL.findall(last)
    if _label_key(last_labels) < _label_key(first_labels):
        shared = []
        for a, b in zip(first_labels, last_labels):
            if a != b:
                break
            shared.append(a)
        return "".join(f"({label})" for label in shared) or first
    return f"{first}-{last}"


_PIN_LABEL = re.compile(r"\(([^()]+)\)")


def _label_key(labels: list[str]) -> list[tuple[int, int | str]]:
    """Labels in an order that compares: numbers as numbers, letters alphabetically."""
    return [(0, int(label)) if label.isdigit() else (1, label.lower()) for label in labels]


def _context(authority: Authority) -> str:
    if authority.kind == Kind.OPINION:
        year = f" ({authority.year})" if authority.year else ""
        return f"{authority.heading}, {authority.citation}{year}"
    path = " > ".join(authority.heading_path)
    return f"{authority.citation} {authority.heading}" + (f"\n{path}" if path else "")


def _make_chunk(authority: Authority, ordinal: int, start: int, end: int, pin: str) -> Chunk:
    text, context = authority.text[start:end], _context(authority)
    # the context is embedded and indexed with the text: a changed heading path makes a new chunk
    key = f"{authority.id}\x00{start}\x00{end}\x00{pin}\x00{context}\x00{text}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return Chunk(
        id=f"{authority.id}#{ordinal}:{digest}", authority_id=authority.id, source=authority.source,
        jurisdiction=authority.jurisdiction, kind=authority.kind, citation=authority.citation,
        pin=pin, start=start, end=end, text=text, context=context, ordinal=ordinal,
    )


def _pack(authority: Authority, spans: list[Span], max_tokens: int, pin_of) -> list[Chunk]:
    """Greedily pack consecutive spans into chunks of at most max_tokens, preferring top-level breaks."""
    chunks: list[Chunk] = []
    group: list[Span] = []
    group_tokens = 0

    def flush():
        nonlocal group, group_tokens
        if group:
            first_pinned = next((span for span in group if span.pin), group[0])
            chunks.append(_make_chunk(authority, len(chunks), group[0].start, group[-1].end,
                                      pin_of(first_pinned, group[-1])))
        group, group_tokens = [], 0

    for span in spans:
        tokens = count_tokens(authority.text[span.start:span.end])
        if tokens > max_tokens:
            flush()
            for s, e in _split_long(authority.text, span.start, span.end, max_tokens):
                chunks.append(_make_chunk(authority, len(chunks), s, e, pin_of(span, span)))
            continue
        if group and (group_tokens + tokens > max_tokens or (span.top_level and group_tokens >= max_tokens // 2)):
            flush()
        group.append(span)
        group_tokens += tokens
    flush()
    return chunks


def chunk_statute(authority: Authority, max_tokens: int = 256) -> list[Chunk]:
    """Chunks of a statute section; a section that fits in one chunk keeps an empty pin."""
    text = authority.text
    if count_tokens(text) <= max_tokens:
        start = len(text) - len(text.lstrip())
        return [_make_chunk(authority, 0, start, len(text.rstrip()), "")]
    spans = statute_spans(text)
    return _pack(authority, spans, max_tokens, lambda first, last: pin_range(first.pin, last.pin))


def first_page(citation: str) -> int | None:
    """The first page of a reporter citation: '384 U.S. 436' -> 436."""
    match = re.search(r"(\d+)\s*$", citation)
    return int(match.group(1)) if match else None


def chunk_opinion(authority: Authority, max_tokens: int = 256) -> list[Chunk]:
    """Chunks of an opinion at paragraph boundaries, each pinned to its reporter page(s)."""
    text = authority.text
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)]
    positions, pages = [], []
    for match in STAR_PAGE.finditer(text):
        positions.append(match.start())
        pages.append(int(match.group(1)))
    start_page = first_page(authority.citation)

    def page_at(offset: int) -> int | None:
        index = bisect.bisect_right(positions, offset)
        return pages[index - 1] if index else start_page

    def pin_of(first: Span, last: Span) -> str:
        begin, finish = page_at(first.start), page_at(last.end - 1)
        if begin is None:
            return ""
        return f"at {begin}" if finish in (None, begin) else f"at {begin}-{finish}"

    spans = [Span(s, e, "", False) for s, e in paragraphs]
    return _pack(authority, spans, max_tokens, pin_of)


def chunk_authority(authority: Authority, max_tokens: int = 256) -> list[Chunk]:
    """Chunks of any authority, by its kind."""
    if authority.kind == Kind.OPINION:
        return chunk_opinion(authority, max_tokens)
    return chunk_statute(authority, max_tokens)


def heading_text(authority: Authority) -> str:
    """What the heading tier embeds: the last two levels of the heading path and the heading."""
    return (" ".join(authority.heading_path[-2:]) + ". " + authority.heading).strip(" .")


def heading_entry(authority: Authority) -> Chunk:
    """A statute's heading as an index entry (id '<authority>#h:<digest>'; no span of the text)."""
    text = heading_text(authority)
    digest = hashlib.sha1(f"{authority.id}\x00{text}".encode()).hexdigest()[:12]
    return Chunk(
        id=f"{authority.id}#h:{digest}", authority_id=authority.id, source=authority.source,
        jurisdiction=authority.jurisdiction, kind=authority.kind, citation=authority.citation,
        pin="", start=0, end=0, text=text, context="", ordinal=-1,
    )
