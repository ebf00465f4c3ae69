"""A gold audit (``scoring.audit``'s ranked ``Suspect`` list) for people: each finding in
words with its sentence (the item between ⟦ ⟧) and every system's vote, as Markdown, rich
tables or JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..scoring.audit import SUSPECT_MEANINGS
from . import markdown
from .prose import decision_words, finding_sentence
from .terminal import plain_text

SCHEMA = "ecbench.audit/v1"
#: Marks around the audited span in its sentence.
OPEN, CLOSE = "⟦", "⟧"


def context_text(suspect, text: str | None) -> str:
    """The sentence around the finding, its span between ⟦ ⟧, on one line."""
    if text is None or suspect.context is None:
        return ""
    start, end = suspect.context
    span = suspect.span
    shown = (text[start:span.start] + OPEN + text[span.start:span.end] + CLOSE
             + text[span.end:end])
    return " ".join(shown.split())


def votes_text(suspect, text: str | None) -> str:
    """``for: a, b; c keeps the gold``: who voted, and what every other system did."""
    others = [f"{name} {decision_words(kind, pred, text)}"
              for name, (kind, pred) in suspect.decisions.items() if name not in suspect.votes]
    return "for: " + ", ".join(suspect.votes) + ("; " + "; ".join(others) if others else "")


def audit_dict(suspects: Sequence, texts: Mapping[str, str], systems: Sequence[str],
               min_votes: int) -> dict:
    """The ``ecbench.audit/v1`` object: the settings, then every finding, ranked."""
    return {"schema": SCHEMA, "systems": list(systems), "min_votes": min_votes,
            "kinds": dict(SUSPECT_MEANINGS),
            "suspects": [{"rank": i + 1, **s.to_dict(texts.get(s.doc_id))}
                         for i, s in enumerate(suspects)]}


def audit_rows(suspects: Sequence, texts: Mapping[str, str]) -> list[list[str]]:
    """One row per finding: rank, votes, kind, what the systems say, document, context, votes."""
    return [[str(i + 1), f"{len(s.votes)}/{s.n_systems}", s.kind.replace("_", " "),
             finding_sentence(s, texts.get(s.doc_id)), s.doc_id,
             context_text(s, texts.get(s.doc_id)), votes_text(s, texts.get(s.doc_id))]
            for i, s in enumerate(suspects)]


AUDIT_HEADER = ["#", "votes", "kind", "finding", "document", "in context", "systems"]


def method_note(n_systems: int, min_votes: int) -> str:
    return (f"Gold items that at least {min_votes} of the {n_systems} systems scored "
            "on mentions disagree with in the same way, most votes first; among as many votes, "
            "an alternative the systems agree on (a span, a label, boundaries) before a "
            "mention they all miss, then the voting systems' summed strict F1. A finding is a "
            "question for an annotator, not a verdict: check it against the guidelines.")


def audit_markdown(suspects: Sequence, texts: Mapping[str, str], n_systems: int,
                   min_votes: int, heading: str = "##") -> str:
    """The audit as a Markdown section: the method, then a table of the findings."""
    blocks = [f"{heading} Suspect gold", method_note(n_systems, min_votes)]
    if suspects:
        blocks.append(markdown.table(AUDIT_HEADER, audit_rows(suspects, texts),
                                     right=[True, True] + [False] * 5))
    else:
        blocks.append("No finding: no gold item has that many votes against it.")
    return "\n\n".join(blocks) + "\n"


def audit_table(suspects: Sequence, texts: Mapping[str, str], n_systems: int, min_votes: int):
    """The audit for the terminal: each finding as a short block (its words, its sentence, the
    votes), which reads at 80 columns where a seven-column table would not."""
    from rich.console import Group
    from rich.text import Text

    lines = [Text("Suspect gold", style="bold"), Text(method_note(n_systems, min_votes))]
    if not suspects:
        lines.append(Text("No finding: no gold item has that many votes against it."))
    for rank, votes, kind, finding, doc_id, context, systems in audit_rows(suspects, texts):
        lines += [Text(""), plain_text(f"{rank}. {finding} [{kind}]"),  # values from the files
                  plain_text(f"   {doc_id}: {context}" if context else f"   {doc_id}"),
                  plain_text(f"   {systems}")]
    return Group(*lines)
