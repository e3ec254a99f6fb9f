"""User and source text inside Markdown: shown as the text itself, never as markup, a link or raw HTML."""

from __future__ import annotations

import html
import re

# signs that make markup anywhere in a line: emphasis, code, links and images, tables, strikethrough, maths
_INLINE = re.compile(r"([\\`*_\[\]|~$#])")
# signs that make a list at the start of a line ("- ", "+ ", "1. "; a quote's ">" is already "&gt;")
_LIST_MARK = re.compile(r"^(\s*)(?:([-+])|(\d+)(?=[.)]))", re.MULTILINE)
# what turns bare text into a live link (GFM autolinks) or a script: a scheme's colon, "www."'s dot
_LINK_START = re.compile(r"\b(https?|ftp|mailto|javascript|data|file|vbscript)(:)|\b(www)(\.)", re.IGNORECASE)


def escape_markdown(text: str) -> str:
    """`text` for a Markdown document: HTML escaped, and the signs that would make markup or a link backslashed
    (the rest of the text is left as it is, so the Markdown source stays readable)."""
    escaped = _INLINE.sub(r"\\\1", html.escape(text or "", quote=False))
    escaped = _LIST_MARK.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\"),
                             escaped)
    return _LINK_START.sub(lambda m: (m.group(1) or m.group(3)) + "\\" + (m.group(2) or m.group(4)), escaped)
