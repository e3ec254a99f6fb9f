"""Negative treatment mined from an opinion's own words: the sentences in which the court overrules (in whole or in
part), abrogates or disapproves an earlier case, and which cited case each acts on.

Pure text work: the caller says how a reporter citation or a case name resolves to an authority id. A sentence
counts when its verb is the court's act ("X is overruled", "we overrule X", "X must be regarded as overruled",
"so far as that case is not in accord ... it is overruled", a dissent's "in overruling X the Court"), and not when
it is a procedural ruling (a demurrer or objection overruled), a refusal or a wish ("we decline to overrule",
"I would overrule"), a request or a question ("petitioner asks us to overrule", "whether X should be overruled")
or history ("X was overruled by Y"). The case acted on is the one the clause names (before a passive verb, after
an active one), else the case the preceding sentences last named ("that case", "the former decision").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from research.corpus.citations import CASE_NAME, scan_reporter_citations
from research.corpus.sentences import split_sentences
from research.corpus.structure import court_opinion_end


class TreatmentKind(StrEnum):
    """How a later opinion treated an earlier one."""

    OVERRULED = "overruled"
    OVERRULED_IN_PART = "overruled in part"
    ABROGATED = "abrogated"


@dataclass(frozen=True)
class Treatment:
    """A later opinion's act on an earlier case, with the sentence that does it (`quote == text[start:end]`)."""

    kind: TreatmentKind
    target: str  # the authority id of the case acted on
    quote: str
    start: int
    end: int


_ACT = re.compile(
    r"\b(?:(?P<passive>(?:is|are|be|been|stands?|must be(?: (?:considered|regarded|"
    r"treated|deemed) as)?|should be,? and (?:it |they )?(?:is|are),?|should be|to be)\s+(?:\w+\s+){0,2}?"
    r"(?:overruled|abrogated|repudiated))"
    r"|(?P<active>(?:we|court|opinion|decision|today)\s+(?:\w+\s+){0,3}?(?:overrule[sd]?|overruling|disapprove[sd]?|"
    r"abrogate[sd]?|repudiate[sd]?)|(?:in|by|of|for)\s+overruling|overruling of|reached out to overrule|"
    r"judgment overruling|regard(?:ed)?\s+(?:\S+\s+){0,16}?as\s+(?:\w+\s+)?overruled)"
    r"|(?P<gone>no longer (?:good )?law|can no longer (?:be regarded as|stand)|"
    r"no longer (?:be )?(?:(?:deemed|considered|regarded as|treated as)\s+)?(?:an?\s+)?(?:followed|controlling)|"
    r"(?:latter|former|it|they) cannot survive|not to be regarded as controlling))\b",
    re.IGNORECASE)
_NOT_AN_ACT = re.compile(
    # a procedural ruling: the demurrer or objection overruled, or overruling it
    r"\b(?:demurrers?|objections?|motions?|exceptions?|pleas?|petitions?|assignments? of error)\s+(?:\w+\s+){0,6}?"
    r"(?:was|were|is|are|being|be)\s+(?:\w+\s+)?overruled"
    r"|\boverrul\w*\s+(?:the\s+|a\s+|such\s+|his\s+|its\s+|their\s+)?(?:general\s+|special\s+)?(?:demurrers?|"
    r"objections?|motions?|exceptions?|pleas?)\b"
    # a refusal or a wish, close before the verb
    r"|\b(?:decline[sd]?|refuse[sd]?|unwilling|need not|not|never|neither|nor|would|cannot|could not|"
    r"purport(?:s|ed)? to)\s+(?:\w+\s+){0,3}?(?:overrul|disapprov|abrogat)"
    # a justice's own view: "I would begin ... by overruling X", "I agree ... should be" (not "agree with the Court")
    r"|\bI\s+(?:\w+\s+){0,2}?(?:would|should|cannot|do not|am not|think|agree|believe|feel|doubt|suppose|prefer|"
    r"hope|am (?:\w+\s+)?of (?:the )?opinion)\b(?=[^.;]{0,250}?overrul)(?![^.]*\btoday\b)"
    r"(?![^.]*\b(?:agree with|join) the Court\b)(?![^.]*\bthe Court is right\b)"
    # overruling in general, of no case in particular: "when a case is overruled"
    r"|\b(?:a|an|any|every|each)\s+(?:\w+\s+)?(?:case|decision|precedent|opinion)s?\s+(?:is|are|be|was|were)\s+"
    r"(?:\w+\s+)?overruled"
    # a request, an argument or a question about overruling
    r"|\b(?:asks?|asked|urges?|urged|urging|invites?|invited|argues?|argued|contends?|contended|suggests?|suggested|"
    r"requests?|requested|insists?|insisted|argument that|whether|if|unless)\b\W+(?:\w+\W+){0,14}?"
    r"(?:overrul|disapprov|abrogat)"
    # history or habit: overruled before, by another case, or as this Court sometimes does
    r"|\b(?:has|have) (?:often|sometimes|frequently|occasionally|previously|repeatedly|not|never|since|already) "
    r"overruled"
    r"|\b(?:we|court)\s+(?:\w+\s+)?(?:overruled|repudiated|disapproved)\b(?![^.]{0,40}\btoday\b)"
    r"|\boverrul\w* (?:a|its|their|our) (?:own )?(?:prior|earlier|previous) (?:case|decision|precedent)s?\b(?! upon)"
    r"|\b(?:has|had|have) been (?:\w+ )?overruled|\b(?:was|were) (?:\w+ )?overruled"
    r"|overruled by\b(?! (?:this|our|today))",
    re.IGNORECASE)
# in a concurrence or dissent, a justice's wish or supposition ("X should be overruled", "if ..., the Court is
# overruling X", "we shall either overrule X or ...") is no act of the Court, unless it tells of this decision's own
# ("agree with the Court that X should be overruled", "the decision to overrule X today")
_WISH_OR_SUPPOSITION = re.compile(
    r"\b(?:should|must|would|ought to|could|might|shall)\s+(?:\w+\s+){0,3}?(?:overrul|repudiat|abrogat)"
    r"|\b(?:if|unless|whether)\b|\beither\b(?=[^.]{0,40}\b(?:overrul|repudiat|abrogat))", re.IGNORECASE)
_THIS_DECISIONS_ACT = re.compile(
    r"\btoday(?:'s)?\b|\bante\b|\b(?:with|join) the Court\b|\bthe Court is right\b|\bdecision to overrule\b|"
    r"\bthe Court (?:now |today )?(?:concludes|holds|decides|adopts|overrules|must now)\b",
    re.IGNORECASE)
# a sentence that sets the act in another case ("In the Mapp case, the Court in overruling Wolf ...") tells history
_IN_ANOTHER_CASE = re.compile(r"^\s*In (?:the )?[A-Z][\w'’.-]*(?:\s+v\.\s+[A-Z][\w'’.-]*)?(?:\s+cases?)?,")
_STAR = re.compile(r"\[\*\d+\]")
_ANAPHOR = re.compile(
    r"\b(?:that|those|these|such|the said|the former|the earlier|the prior|this court's former|our former|our earlier)"
    r"\s+(?:\w+\s+)?(?:case|cases|decision|decisions|opinion|holding|ruling|doctrine|rule)\b"
    r"|\bits (?:own )?(?:earlier|former|prior) decisions upon the point|\bposition there taken"
    r"|,\s+(?:it|they) (?:is|are|must|should)\b|\b(?:it|they) (?:is|are) (?:\w+ )?overruled"
    r"|\b(?:overrul|disapprov|repudiat)\w*\s+(?:it|them)\b",
    re.IGNORECASE)
_SETS_APART = re.compile(r"\b(?:that|which|who|in particular|reinforces|held|holding|is|was|were|has|have|had|"
                         r"see|under|in|on|by)\b")
_OWN_SUBJECT = re.compile(r",\s+the\s+(?:\w+\s+){0,3}?(?:statements?|rule|view|language|dicta|doctrine|"
                          r"reasoning|test|approach|principle)s?\b", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(r"\b(?:it|they)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_PLURAL = re.compile(r"\b(?:cases|decisions|those|these|they|holdings|rulings)\b", re.IGNORECASE)
_IN_PART = re.compile(r"\b(?:to the extent|so far as|insofar as|in so far as|in part|in so far)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r",?\s+\b(?:but|although|though|while|whereas|because|since|and that|and (?:we|the court))\b"
                         r"|;", re.IGNORECASE)
_CAPITALIZED = re.compile(r"\b[A-Z][\w'’-]+")
LOOKBACK_SENTENCES = 6
_ONE_LINE = str.maketrans({"\n": " ", "\r": " ", "\t": " "})

CitationResolver = Callable[[str], str | None]  # a reporter key ('261 u.s. 525') -> authority id
NameResolver = Callable[[str], str | None]  # a case name ('Adkins v. Children's Hospital') -> authority id


def rules_version() -> str:
    """A digest of these rules: treatments mined under other rules are mined again."""
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _kind(sentence: str, match: re.Match) -> TreatmentKind:
    verb = match.group(0).lower()
    if "abrogat" in verb:
        return TreatmentKind.ABROGATED
    return TreatmentKind.OVERRULED_IN_PART if _IN_PART.search(sentence) else TreatmentKind.OVERRULED


def find_treatments(text: str, citation_of: CitationResolver, name_of: NameResolver) -> list[Treatment]:
    """The treatments an opinion's text makes of the cases it names, in order (one per sentence and case)."""
    named: dict[str, str] = {}  # party word -> authority id, from the cases the opinion has named so far
    recent: list[list[str]] = []  # targets named by each of the last sentences
    treatments: list[Treatment] = []
    # opinions break lines inside sentences (around "v.", case names): read them as one line, offsets unchanged
    flat = _STAR.sub(lambda m: " " * len(m.group(0)), text.translate(_ONE_LINE))  # "is [*465] overruled"
    separate_opinions = court_opinion_end(text)
    for sentence in split_sentences(flat):
        mentions = _mentions(sentence.text, citation_of, name_of, named)
        act = _ACT.search(sentence.text)
        if act is not None and sentence.start >= separate_opinions \
                and _WISH_OR_SUPPOSITION.search(sentence.text) and not _THIS_DECISIONS_ACT.search(sentence.text):
            act = None
        if act is not None and not _NOT_AN_ACT.search(sentence.text) and not _IN_ANOTHER_CASE.match(sentence.text):
            clause = _clause(sentence.text, act)
            inside = [(position, target) for position, target in mentions if clause[0] <= position < clause[1]]
            pronoun = None if act.group("active") else _PRONOUN_SUBJECT.search(sentence.text, 0, act.start())
            if pronoun:  # "X, ..., have been so undermined ... that they should now be overruled": the first named
                chosen = _object(sentence.text, [m for m in mentions if m[0] < pronoun.start()])
            else:
                chosen = _object(sentence.text, inside) if act.group("active") else _subject(sentence.text, inside)
            targets = [target for _, target in chosen]
            # "In the light of Gideon, ..., the statements made in West ... can no longer be regarded as the law":
            # a subject of its own stands between the cases named and the verb
            own_subject = not act.group("active") and bool(inside) and _has_own_subject(sentence.text, inside[-1][0],
                                                                                         act.start())
            if own_subject:
                targets = []
            anaphor = _ANAPHOR.search(sentence.text) if not targets and not own_subject else None
            if anaphor:  # "that case", "we overrule it", "its earlier decisions": the cases last named before
                here = [target for position, target in mentions if position < act.start()]
                earlier = here or next((named_then for named_then in reversed(recent) if named_then), [])
                targets = earlier if _PLURAL.search(anaphor.group(0)) else earlier[-1:]
            kind = _kind(sentence.text, act)
            for target in dict.fromkeys(targets):
                treatments.append(Treatment(kind, target, text[sentence.start:sentence.end], sentence.start,
                                            sentence.end))
        recent = (recent + [[target for _, target in mentions]])[-LOOKBACK_SENTENCES:]
    return treatments


def _has_own_subject(sentence: str, last_named: int, verb: int) -> bool:
    """Whether a passive verb has a subject of its own ("..., the statements made in West ...") after the last case
    named before it (a clause "so far as it conflicts" between them leaves that case the subject)."""
    return bool(_OWN_SUBJECT.search(sentence, last_named, verb)) and not _IN_PART.search(sentence, last_named, verb)


def _subject(sentence: str, before: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Of the cases named before a passive verb, its subject: the last one, with those listed with it ("Collector
    v. Day, supra, and New York ex rel. Rogers v. Graves, supra, are overruled"), not the ones a clause between
    mentions ("in particular", "that") sets apart."""
    if not before:
        return []
    subject = [before[-1]]
    for position, target in reversed(before[:-1]):
        gap = sentence[position:subject[0][0]]
        if len(gap) > 160 or _SETS_APART.search(gap):
            break
        subject.insert(0, (position, target))
    return subject


def _object(sentence: str, after: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Of the cases named after an active verb, its object: the first one, with those listed with it."""
    if not after:
        return []
    chosen = [after[0]]
    for position, target in after[1:]:
        gap = sentence[chosen[-1][0]:position]
        if len(gap) > 160 or _SETS_APART.search(gap):
            break
        chosen.append((position, target))
    return chosen


def _clause(sentence: str, act: re.Match) -> tuple[int, int]:
    """The span of the sentence the act's object lies in: before a passive verb, after an active one."""
    if act.group("active"):
        after = _CLAUSE_END.search(sentence, act.end())
        return act.start(), after.start() if after else len(sentence)
    before = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, act.start())]
    return (before[-1] if before else 0), act.end()


def _mentions(sentence: str, citation_of: CitationResolver, name_of: NameResolver,
              named: dict[str, str]) -> list[tuple[int, str]]:
    """(position, authority id) of every case the sentence names: by reporter citation, full case name, or a party
    word of a case named before ("the Crain Case", "Adkins, supra")."""
    found: list[tuple[int, str]] = []
    previous_end = 0
    for citation in scan_reporter_citations(sentence):
        target = citation_of(citation.key)
        if target:
            found.append((citation.start, target))
            # "Metro Broadcasting, Inc. v. FCC, 497 U.S. 547": the words before a citation are the case's names
            window = sentence[max(previous_end, citation.start - 70):citation.start]
            window = re.split(r"[;)\]]|\bsupra\b", window)[-1]
            for word in _name_words(window):
                named.setdefault(word, target)  # a full name registered before is surer
        previous_end = citation.end
    for match in CASE_NAME.finditer(sentence):
        name = match.group(0).replace("’", "'")
        target = name_of(name)
        if target is None:  # "Wolf v. Colorado, 338 U.S. 25": the name is the citation's that follows it
            after = scan_reporter_citations(sentence[match.end():match.end() + 12])
            target = citation_of(after[0].key) if after and after[0].start <= 3 else None
        if target:
            found.append((match.start(), target))
            for word in _name_words(name):
                named[word] = target
    for match in _CAPITALIZED.finditer(sentence):  # "Hodges", "the Liggett case", "Adkins, supra"
        target = named.get(_word_key(match.group(0)))
        if target:
            found.append((match.start(), target))
    return sorted(set(found))


def _word_key(word: str) -> str:
    """A party word as looked up: lowercased, without edge punctuation, curly apostrophes or a line-break hyphen."""
    return word.strip(".,;:'’\"“”()").replace("’", "'").replace("-", "").lower()


def _name_words(name: str) -> list[str]:
    """The words a case can later be called by: every capitalized word of both parties but filler and the parties
    many cases share ('Pinar', 'Del', 'Rio' of 'Plamals v. S. S. "Pinar Del Rio"')."""
    keys = [_word_key(w) for w in re.findall(r"[A-Z][\w'’.-]*", name)]
    return [k for k in keys if len(k) > 2 and k not in _COMMON_PARTIES and k not in _FILLER]


# party words that name too many cases to stand for one ("United States", a state), and words of names that are
# not parties at all
_COMMON_PARTIES = frozenset("united state states commonwealth people city county town board commissioner "
                            "collector district territory america american national new york company corporation "
                            "insurance railroad railway bank inc ltd the ex rel co. corp. mayor court congress "
                            "constitution amendment alabama alaska arizona arkansas california colorado connecticut "
                            "delaware florida georgia hawaii idaho illinois indiana iowa kansas kentucky louisiana "
                            "maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska "
                            "nevada hampshire jersey mexico carolina dakota ohio oklahoma oregon pennsylvania rhode "
                            "island tennessee texas utah vermont virginia washington wisconsin wyoming columbia "
                            "west north south federal government department commission".split())
_FILLER = frozenset("the and of for in re ex rel v. co. inc. corp. ltd. s.s. u.s. see also accord compare but under "
                    "with supra ante post infra id. this that these those our its".split())


# a Colorado history's entries start "L. 96:" and hold semicolons of their own ("L. 2003: (1) amended; (4) added");
# elsewhere each enactment ends at a semicolon: "...; Apr. 24, 2007, D.C. Law 16-305" (D.C.), "...; am L 2019, c 5"
# (Hawaii), "...; amended Pub. L. 117-228, Dec. 13, 2022" (U.S. Code)
_SESSION_LAW_ENTRY = re.compile(r"(?<=\.)\s+(?=L\. \d+:)")


def history_entries(history: str) -> list[str]:
    """A section's history note split into its enactments."""
    entries = _SESSION_LAW_ENTRY.split(history) if _SESSION_LAW_ENTRY.search(history) else history.split(";")
    return [entry.strip() for entry in entries if entry.strip()]


_MONTHS = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec"), start=1)}
_HISTORY_DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2}),\s+(\d{4})")
_HISTORY_YEAR = re.compile(r"\bL\.?\s+(\d{4})\b")  # "L 2019, c 5" (Hawaii), "L. 2019: ..." (Colorado): a year only


def _entry_date(entry: str) -> date | None:
    """When a history entry was enacted: its date ("Mar. 3, 2015"), or the last day of its session year ("L 2019")."""
    found = _HISTORY_DATE.search(entry)
    if found:
        month, day, year = _MONTHS[found.group(1)[:3].lower()], int(found.group(2)), int(found.group(3))
        try:
            return date(year, month, day)
        except ValueError:
            return None
    year_only = _HISTORY_YEAR.search(entry)
    return date(int(year_only.group(1)), 12, 31) if year_only else None


def amended_after(history: str, as_of: date) -> dict[str, str] | None:
    """A treatment entry when a section's history lists a law enacted after the date its source's text is current
    to (the text read may not include that amendment): the last such entry as evidence; None otherwise."""
    entries = history_entries(history)
    later = [e for e in entries if (when := _entry_date(e)) is not None and when > as_of]
    if not later:
        return None
    by = later[-1].rstrip(".")
    return {"kind": "amended after the text's date", "by": by, "citation": by, "quote": by,
            "pin": f"text as of {as_of.isoformat()}"}


def repeal_entry(heading: str, text: str, history: str) -> dict[str, str]:
    """The treatment entry of a repealed section, with the history entry that repealed it (the one that says so,
    else the last) as evidence."""
    entries = history_entries(history)
    saying = [e for e in entries if re.search(r"\brepeal", e, re.IGNORECASE)]
    by = (saying or entries or [""])[-1].rstrip(".")
    quote = " ".join(text.split())[:300] or heading
    return {"kind": "repealed", "by": by, "citation": by, "quote": quote, "pin": ""}
