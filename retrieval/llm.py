"""Optional: an OpenAI-compatible chat endpoint phrases the answer from the same evidence.

Off unless `settings.retrieval.llm_url` is set. The model sees the question and the cited
evidence as a numbered list and must cite it as [n]; every [n] it writes is checked
against that list: unknown numbers are dropped, only evidence it cites is kept, and an
answer citing nothing (or any HTTP or format error) leaves the extractive answer as it
was. The answer never depends on the endpoint being there.
"""

from __future__ import annotations

import re
from dataclasses import replace

import httpx

TIMEOUT_S = 20.0
MAX_EVIDENCE = 12
_CITE = re.compile(r"\[(\d{1,3})\]")
SYSTEM = (
    "You answer questions about a knowledge base of model, dataset and paper cards. "
    "Use only the numbered evidence. Lead with the direct answer, keep every number and "
    "name exactly as written, and cite each statement with its evidence number like [1]. "
    "If the evidence does not answer the question, say so."
)


def endpoint(url: str) -> str:
    """The chat-completions URL for a base URL ("http://host:8000/v1") or a full one."""
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def prompt(answer) -> list[dict]:
    """The chat messages: instructions, then the question with its numbered evidence."""
    lines = [
        f"[{i}] ({c.source}:{c.lines[0]}-{c.lines[1]}) {c.quote}"
        for i, c in enumerate(answer.citations[:MAX_EVIDENCE], 1)
    ]
    user = (
        f"Question: {answer.question}\n\nEvidence:\n" + "\n".join(lines) + "\n\n"
        f"Extractive answer for reference:\n{answer.answer}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def checked(answer, text: str):
    """The answer rewritten as `text`, keeping only the evidence it cites; None when the
    text cites no evidence that exists."""
    evidence = answer.citations[:MAX_EVIDENCE]
    cited = [int(n) for n in _CITE.findall(text) if 1 <= int(n) <= len(evidence)]
    if not cited:
        return None
    order = list(dict.fromkeys(cited))
    renumber = {old: new for new, old in enumerate(order, 1)}

    def fix(m: re.Match) -> str:
        n = int(m.group(1))
        return f"[{renumber[n]}]" if n in renumber else ""  # invented numbers are dropped

    clean = " ".join(_CITE.sub(fix, text).split())
    return replace(answer, answer=clean, citations=[evidence[n - 1] for n in order])


def rephrase(answer, settings, client: httpx.Client | None = None):
    """The answer phrased by the configured endpoint, or unchanged when that fails.

    Args:
        answer: the extractive `retrieval.answer.Answer` with its citations.
        settings: the retrieval settings (llm_url, llm_model).
        client: an httpx client to reuse (tests pass one); a short-lived one otherwise.
    """
    if not settings.llm_url or not answer.citations:
        return answer
    body = {"model": settings.llm_model or "default", "messages": prompt(answer), "temperature": 0}
    try:
        if client is None:
            with httpx.Client(timeout=TIMEOUT_S) as own:
                resp = own.post(endpoint(settings.llm_url), json=body)
        else:
            resp = client.post(endpoint(settings.llm_url), json=body)
        resp.raise_for_status()
        text = resp.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError):
        return answer
    if not isinstance(text, str) or not text.strip():
        return answer
    return checked(answer, text) or answer
