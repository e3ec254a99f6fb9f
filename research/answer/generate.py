"""The optional generator: a chat model (through LangChain) drafts sentences that cite passage keys.

The model sees passages only under opaque keys ([P1], [P2], ...). This module renders the prompt,
calls the model, logs the call, and parses the reply into sentences with the keys they cite;
keys that were not given are reported as invented and dropped. Checking each sentence against its
passage happens in `research.answer.researcher`, which also falls back to the extractive answer.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from research.answer.prompts import PromptTemplate
from research.domain.answer import CANNOT_ANSWER

log = logging.getLogger(__name__)

_KEYS_BEFORE_STOP = re.compile(r"\s*((?:\[P\d+\](?:,?\s*)?)+)\s*([.!?])")
_SENTENCE = re.compile(r"(?P<body>[^\[]+?(?:[.!?]|(?=\s*\[)|$))(?P<keys>(?:\s*\[P\d+\])*)", re.DOTALL)
_KEY = re.compile(r"\[(P\d+)\]")
_KEY_LIST = re.compile(r"\[\s*(P\d+(?:\s*[,;]\s*P\d+)+)\s*\]")


class ModelUnavailable(RuntimeError):
    """The configured model endpoint could not be reached or did not answer in time."""


@dataclass(frozen=True)
class DraftSentence:
    """A generated sentence and the passage keys it cites (only keys that were given)."""

    text: str
    keys: tuple[str, ...]


@dataclass
class Draft:
    """The model's reply, parsed."""

    sentences: list[DraftSentence]
    cannot_answer: bool
    invented_keys: list[str] = field(default_factory=list)
    raw: str = ""


def passage_key(index: int) -> str:
    """The opaque key of the passage at 0-based `index`: P1, P2, ..."""
    return f"P{index + 1}"


def parse_reply(reply: str, given_keys: set[str]) -> Draft:
    """Sentences with their cited keys; keys not in `given_keys` are dropped and listed as invented."""
    text = reply.strip()
    if text.startswith(CANNOT_ANSWER) or not text:
        return Draft([], True, raw=reply)
    text = _KEY_LIST.sub(lambda m: "".join(f"[{k.strip()}]" for k in re.split(r"[,;]", m.group(1))), text)
    text = _KEYS_BEFORE_STOP.sub(lambda m: f"{m.group(2)} {m.group(1).replace(',', ' ')}", text)
    sentences: list[DraftSentence] = []
    invented: list[str] = []
    for match in _SENTENCE.finditer(text):
        body = " ".join(match.group("body").split())
        keys = _KEY.findall(match.group("keys"))
        if len(body.split()) < 3:
            continue
        invented += [k for k in keys if k not in given_keys]
        kept = tuple(dict.fromkeys(k for k in keys if k in given_keys))
        sentences.append(DraftSentence(body, kept))
    return Draft(sentences, False, invented, reply)


class ChatModel(Protocol):
    """A LangChain chat model as the generator uses it: messages in, one message out."""

    def invoke(self, messages: list[BaseMessage], /) -> BaseMessage: ...


class Generator:
    """Drafts an answer with a LangChain chat model; every call is logged (to `call_log` as JSON lines)."""

    def __init__(self, chat_model: ChatModel, prompt: PromptTemplate, model_name: str, call_log: Path | None = None):
        self.chat_model = chat_model
        self.prompt = prompt
        self.model_name = model_name
        self.call_log = call_log

    def draft(self, question: str, jurisdictions: tuple[str, ...], passages: list[str]) -> Draft:
        """Ask the model; raises ModelUnavailable when the endpoint fails or times out."""
        keyed = "\n\n".join(f"[{passage_key(i)}] {text}" for i, text in enumerate(passages))
        system, user = self.prompt.render(
            question=question, jurisdictions=", ".join(jurisdictions) or "all", passages=keyed,
            cannot_answer=CANNOT_ANSWER)
        started = time.perf_counter()
        error: str | None = None
        reply = ""
        try:
            message = self.chat_model.invoke([SystemMessage(system), HumanMessage(user)])
            reply = message.content if isinstance(message.content, str) else str(message.content)
        except Exception as failure:  # any transport or server failure means: no model answer
            error = f"{type(failure).__name__}: {failure}"
        self._log(question, system, user, reply, error, time.perf_counter() - started)
        if error is not None:
            raise ModelUnavailable(error)
        return parse_reply(reply, {passage_key(i) for i in range(len(passages))})

    def _log(self, question: str, system: str, user: str, reply: str, error: str | None, seconds: float) -> None:
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "model": self.model_name,
                  "prompt_version": self.prompt.version, "seconds": round(seconds, 3), "question": question,
                  "system": system, "user": user, "reply": reply, "error": error}
        log.info("model call %s (%s) in %.2fs%s", self.model_name, self.prompt.version, seconds,
                 f" failed: {error}" if error else "")
        if self.call_log is not None:
            self.call_log.parent.mkdir(parents=True, exist_ok=True)
            with self.call_log.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")


def openai_chat_model(base_url: str, model: str, api_key: str | None, timeout_s: float,
                      max_tokens: int) -> ChatModel:
    """A LangChain chat model for an OpenAI-compatible endpoint, with no retries (failures fall back fast) and
    replies cut at `max_tokens` (a model that runs on would otherwise hold the answer until the timeout)."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    # the key as the SecretStr and max_tokens under the alias its field declares: what pydantic would make of
    # a plain string and of `max_tokens=`, spelt so that the type checker accepts them
    return ChatOpenAI(base_url=base_url, model=model, api_key=SecretStr(api_key or "not-needed"), timeout=timeout_s,
                      max_retries=0, temperature=0, max_completion_tokens=max_tokens)
