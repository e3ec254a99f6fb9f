"""Legal research assistant: cited answers from statutes and case law, on your own machine.

The public API (see the README):

    import research
    service = research.open_researcher()            # answers (and files, given a matter)
    answer = service.ask("How long ...?", ("US-DC",))
    print(answer.to_dict()["brief_answer"])
    hits = research.open_index().retriever().search("retaliatory eviction")

Imports are lazy, so `import research.domain.types` does not load the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from research.service import ResearchService
    from research.settings import Settings
    from research.wiring import ResearchIndex

__all__ = ["open_index", "open_researcher"]


def open_researcher(settings: Settings | None = None) -> ResearchService:
    """The research service over the index and app database of `settings` (default: environment and
    research.toml): `ask(question, jurisdictions, kinds, history=(), mode=...)`, `survey(...)`, `research(request)`."""
    from research.wiring import research_service

    return research_service(settings)


def open_index(settings: Settings | None = None) -> ResearchIndex:
    """The index of `settings`: `retriever().search(query, SearchFilter(...), k=10)`, `corpus_overview()`,
    `ingest()`."""
    from research.wiring import ResearchIndex, default_index

    return default_index() if settings is None else ResearchIndex(settings)
