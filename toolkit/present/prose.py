"""Sentences for people: what a paired comparison or a gold audit found, from the Jinja2
template ``templates/prose.j2`` (one macro per kind of sentence), so the Markdown, terminal
and HTML views say the same thing in the same words.

>>> signed(0.05), signed(-0.031), p_text(0.213), p_text(0.0001)
('+0.050', '−0.031', 'p = 0.21', 'p < 0.001')
"""

from __future__ import annotations

from functools import cache

MINUS = "−"  # U+2212, the typographic minus sign


def signed(value: float) -> str:
    """A difference with its sign: ``+0.050``, ``−0.031``, ``0.000``."""
    text = f"{value:+.3f}"
    if text in ("+0.000", "-0.000"):
        return "0.000"
    return text.replace("-", MINUS)


def plain(value: float) -> str:
    """A number with a typographic minus when negative: ``0.120``, ``−0.031``."""
    return f"{value:.3f}".replace("-", MINUS)


def interval_text(interval) -> str:
    """``−0.030…0.120``."""
    return f"{plain(interval[0])}…{plain(interval[1])}"


def p_value(p: float) -> str:
    """A p-value for a table cell: ``0.21``, ``0.004``, ``< 0.001``."""
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def p_text(p: float) -> str:
    """``p = 0.21``, ``p = 0.004``, ``p < 0.001``."""
    shown = p_value(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def percent(level: float) -> str:
    """``95%``."""
    return f"{level * 100:g}%"


def slice_of(text: str | None, span) -> str:
    """The span's text, or its offsets when the text is unknown."""
    return text[span.start:span.end] if text is not None else f"{span.start}–{span.end}"


@cache
def _macros():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("toolkit.present", "templates"),
                             autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(signed=signed, interval=interval_text, p=p_text, percent=percent,
                       slice_of=slice_of, count=lambda n: f"{n:,}")
    return env.get_template("prose.j2").module


def difference_sentence(difference, level: float) -> str:
    """``spacy vs rules: ΔF1 +0.050, 95% CI −0.030…0.120, p = 0.21: not distinguishable on
    this corpus`` (a ``compare.PairedDifference``)."""
    return str(_macros().difference(difference, level)).strip()


def method_sentence(comparison, n_units: int) -> str:
    """How a ``compare.Comparison`` was tested, in a few sentences on one line."""
    return " ".join(str(_macros().method(comparison, n_units)).split())


def finding_sentence(suspect, text: str | None) -> str:
    """What an ``audit.Suspect`` says, e.g. ``3 of 3 systems mark the gold DATE “previous
    year” as “the previous year”``."""
    return str(_macros().finding(suspect, text)).strip()


def decision_words(kind: str, pred, text: str | None) -> str:
    """One system's decision on an audited item, in a few words (``keeps the gold``)."""
    return str(_macros().decision(kind, pred, text)).strip()
