"""The one `Brain` interface the agents think with, and its implementations. A brain is injected into the graph
(`agents.graph.build_graph`), never imported by an agent:

- `OfflineBrain` (the default): deterministic rules that write complete artefacts from the brief and the
  template's beats, in the brief's language; no network, no tokens.
- `ScriptedBrain`: canned structured outputs for tests (invalid ones and failures included), recording calls.
- `ChatModelBrain`: any LangChain chat model asked for JSON; `gemini_brain()` builds one on Gemini, only when
  GOOGLE_API_KEY is set.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from agents import offline, prompts

# USD per million tokens (input, output): the ledger's estimate of what a call cost.
PRICES: dict[str, tuple[float, float]] = {
    "offline": (0.0, 0.0),
    "scripted": (1.0, 4.0),  # nonzero so tests see costs add up and caps bite
    "gemini-2.5-flash": (0.30, 2.50),
    "gemini-2.5-pro": (1.25, 10.0),
}


@dataclass(frozen=True)
class BrainRequest:
    agent: str  # vrd | scriptsmith | shotmaster | critic
    kind: str  # the artefact kind asked for (or critiqued)
    context: Mapping[
        str, Any
    ]  # brief, template, upstream artefacts, previous draft, reviewer requests, problems


@dataclass(frozen=True)
class Usage:
    model: str
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def cost(self) -> float:
        price_in, price_out = PRICES.get(self.model, PRICES["gemini-2.5-pro"])
        return (self.input_tokens * price_in + self.output_tokens * price_out) / 1e6


@dataclass(frozen=True)
class BrainReply:
    data: Any  # the structured output, validated by the caller against the artefact's schema
    usage: Usage


class BrainError(RuntimeError):
    """A model call that failed (timeout, refusal, unreachable): the caller retries with backoff."""


class Brain(Protocol):
    name: str

    def draft(self, request: BrainRequest, schema: type[BaseModel]) -> BrainReply:
        """An artefact's fields as JSON-like data (validated by the caller)."""
        ...

    def critique(self, request: BrainRequest) -> BrainReply:
        """`{"problems": [{"message": str, "blocking": bool}]}` about `request.context["draft"]`."""
        ...


class OfflineBrain:
    name = "offline"

    def draft(self, request: BrainRequest, schema: type[BaseModel]) -> BrainReply:
        return BrainReply(offline.draft(request.kind, request.context), Usage("offline"))

    def critique(self, request: BrainRequest) -> BrainReply:
        # The deterministic checks already ran; the rules have no taste of their own to add.
        return BrainReply({"problems": []}, Usage("offline"))


def _estimate_tokens(value: Any) -> int:
    return max(1, len(json.dumps(value, ensure_ascii=False, default=str)) // 4)


@dataclass
class ScriptedBrain:
    """Canned replies per agent, taken in order. A reply is the data to return, or `{"__error__": why}` to fail
    the call, with an optional `"__delay_s__"`. An agent with no replies left is answered by `fallback`
    (the offline brain unless told otherwise). Every call is recorded in `calls`, and appended to `call_log`
    (one JSON line, flushed, before the reply) so another process can count them."""

    replies: dict[str, list[Any]] = field(default_factory=dict)
    fallback: Brain | None = field(default_factory=OfflineBrain)
    call_log: Path | None = None
    sleep: Callable[[float], None] = time.sleep
    name: str = "scripted"
    calls: list[BrainRequest] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path) -> ScriptedBrain:
        spec = json.loads(path.read_text(encoding="utf-8"))
        log = spec.get("call_log")
        return cls(replies=spec.get("replies", {}), call_log=Path(log) if log else None)

    def _next(self, request: BrainRequest) -> Any:
        self.calls.append(request)
        if self.call_log is not None:
            with self.call_log.open("a", encoding="utf-8") as log:
                log.write(json.dumps({"agent": request.agent, "kind": request.kind}) + "\n")
                log.flush()
                os.fsync(log.fileno())
        queue = self.replies.get(request.agent) or []
        if not queue:
            return None
        reply = queue.pop(0)
        if isinstance(reply, dict) and "__delay_s__" in reply:
            self.sleep(float(reply["__delay_s__"]))
            reply = {k: v for k, v in reply.items() if k != "__delay_s__"}
            if not reply:
                return None
        if isinstance(reply, dict) and "__error__" in reply:
            raise BrainError(str(reply["__error__"]))
        return {"__reply__": reply}

    def draft(self, request: BrainRequest, schema: type[BaseModel]) -> BrainReply:
        canned = self._next(request)
        if canned is None:
            if self.fallback is None:
                raise BrainError(f"no scripted reply left for {request.agent}")
            data = self.fallback.draft(request, schema).data
        else:
            data = canned["__reply__"]
        usage = Usage("scripted", _estimate_tokens(dict(request.context)), _estimate_tokens(data))
        return BrainReply(data, usage)

    def critique(self, request: BrainRequest) -> BrainReply:
        canned = self._next(request)
        data = {"problems": []} if canned is None else canned["__reply__"]
        return BrainReply(
            data, Usage("scripted", _estimate_tokens(dict(request.context)), _estimate_tokens(data))
        )


def _json_from_text(text: str) -> Any:
    """The JSON object in a model's answer (models sometimes wrap it in a Markdown fence)."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise BrainError("the model answered without a JSON object")
    try:
        return json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        raise BrainError("the model's JSON does not parse") from None


@dataclass
class ChatModelBrain:
    """A LangChain chat model asked for JSON that fits the artefact's schema; usage from its metadata."""

    model: Any  # a langchain_core BaseChatModel
    model_name: str
    name: str = "chat"

    def _ask(self, system: str, user: str) -> BrainReply:
        try:
            message = self.model.invoke([("system", system), ("human", user)])
        except Exception as error:  # network, quota, safety block: all retried the same way
            raise BrainError(f"{self.model_name}: {type(error).__name__}") from None
        content = message.content if isinstance(message.content, str) else json.dumps(message.content)
        usage = getattr(message, "usage_metadata", None) or {}
        return BrainReply(
            _json_from_text(content),
            Usage(self.model_name, int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))),
        )

    def draft(self, request: BrainRequest, schema: type[BaseModel]) -> BrainReply:
        return self._ask(prompts.system_prompt(request.agent), prompts.draft_prompt(request, schema))

    def critique(self, request: BrainRequest) -> BrainReply:
        return self._ask(prompts.system_prompt("critic"), prompts.critique_prompt(request))


def gemini_brain(
    env: Mapping[str, str] | None = None, model_name: str = "gemini-2.5-flash"
) -> ChatModelBrain:
    env = os.environ if env is None else env
    if not env.get("GOOGLE_API_KEY"):
        raise BrainError("the Gemini brain needs GOOGLE_API_KEY; without it the offline brain is used")
    from langchain_google_genai import ChatGoogleGenerativeAI  # the gemini extra

    model = ChatGoogleGenerativeAI(model=model_name, temperature=0.4, response_mime_type="application/json")
    return ChatModelBrain(model, model_name, name="gemini")


def brain_from_name(spec: str, env: Mapping[str, str] | None = None) -> Brain:
    """`offline`, `gemini`, or `scripted:<file.json>` (tests), as the CLI and the MCP server name them."""
    if spec == "offline":
        return OfflineBrain()
    if spec == "gemini":
        return gemini_brain(env)
    if spec.startswith("scripted:"):
        return ScriptedBrain.from_file(Path(spec.split(":", 1)[1]))
    raise ValueError(f"unknown brain {spec!r}: offline, gemini or scripted:<file.json>")


def default_brain(env: Mapping[str, str] | None = None) -> Brain:
    env = os.environ if env is None else env
    return brain_from_name(env.get("KIJKOCUT_AGENTS_BRAIN", "offline"), env)
