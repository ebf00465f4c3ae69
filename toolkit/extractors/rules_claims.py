"""``rules-claims``: a general claim baseline from sentence signals, knowing nothing of any article.

A sentence (with a verb) is a claim when it carries a check-worthy signal: a number or amount (CARDINAL,
QUANTITY, MONEY, PERCENT or a numeric token), a date or time, a reporting verb (say, report, tell,
...) or an attribution cue ("according to X"). The claimant is the subject of the reporting verb
or the object of "according to", given as the text of the predicted entity mention it contains
(a he/she subject takes the last PERSON mentioned before it); ``author`` when nothing attributes
the sentence. Type: ``quantity`` if numbers, else ``statement`` if a reporting verb, else ``event``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from ..io.corpus import Document
from ..problems import ExtractorError
from ..runtime import import_extra
from ..schema import AUTHOR, PredClaim, Prediction, PredSpan
from .base import Extractor
from .spacy_ner import DEFAULT_MODEL, load_pipeline, pipeline_info

#: lemmas of verbs that report or attribute speech, belief or findings (generic English)
REPORTING_VERBS = frozenset({
    "say", "tell", "report", "announce", "estimate", "warn", "state", "claim", "confirm", "add",
    "note", "deny", "insist", "accuse", "allege", "assert", "declare", "explain", "reveal",
    "write", "quote", "cite", "argue", "believe", "predict", "acknowledge", "disclose", "show",
})
NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
DATE_LABELS = frozenset({"DATE", "TIME"})
PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})


@dataclass(frozen=True)
class Attribution:
    claimant: str
    cue_start: int  # token indices, end exclusive
    cue_end: int


class RulesClaimsExtractor(Extractor):
    name = "rules-claims"
    version = "1"
    description = ("Claim baseline: sentences with numbers, dates, reporting verbs or attribution "
                   "cues; claimant from the reporting verb's subject or 'according to X'.")
    produces = frozenset({"claims"})
    parallel_safe = True

    class Settings(Extractor.Settings):
        model: str = Field(DEFAULT_MODEL, description="installed spaCy pipeline with a parser and NER")
        batch_size: int = Field(64, ge=1, description="texts per nlp.pipe batch")
        require_signal: bool = Field(True, description="keep only sentences with a check-worthy signal")

    def setup(self) -> None:
        self.nlp  # noqa: B018 - a missing pipeline stops the run before it starts

    @property
    def nlp(self):
        return with_line_breaks(load_pipeline(self.settings.model, False))

    def model_info(self) -> dict[str, Any]:
        return pipeline_info(self.nlp)

    def extract(self, docs: Sequence[Document]) -> list[Prediction]:
        # whole documents, so entity predictions see the same context as the `spacy` extractor
        parsed = self.nlp.pipe((d.text for d in docs), batch_size=self.settings.batch_size)
        out = []
        for doc, sdoc in zip(docs, parsed):
            claims, last_person = [], None
            for sent in sdoc.sents:
                claim, last_person = sentence_claim(sent, last_person,
                                                    require_signal=self.settings.require_signal)
                if claim is not None:
                    claims.append(claim)
            out.append(Prediction(doc_id=doc.id, claims=claims))
        return out


LINE_BREAKS = "ecbench_line_breaks"


def with_line_breaks(nlp):
    """Add (once) a component before the parser that starts a sentence after every line break,
    so a headline or paragraph never runs into the next one."""
    Language = import_extra("spacy.language", "the spaCy pipeline", failure=ExtractorError).Language

    if not Language.has_factory(LINE_BREAKS):
        Language.component(LINE_BREAKS, func=_line_breaks)
    if LINE_BREAKS not in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS, before="parser" if "parser" in nlp.pipe_names else None)
    return nlp


def _line_breaks(doc):
    for tok in doc[:-1]:
        if "\n" in tok.text or "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
    return doc


def sentence_claim(sent, last_person: str | None, *, require_signal: bool = True
                   ) -> tuple[PredClaim | None, str | None]:
    """The claim a parsed sentence makes (or None) and the last PERSON it mentions."""
    ents = list(sent.ents)
    persons = [e.text for e in ents if e.label_ == "PERSON"]
    has_number = any(e.label_ in NUMBER_LABELS for e in ents) or any(t.like_num for t in sent)
    has_date = any(e.label_ in DATE_LABELS for e in ents)
    reporting = [t for t in sent if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in REPORTING_VERBS]
    attribution = according_to(sent) or reported_by(sent, reporting, last_person)
    has_predicate = any(t.pos_ in ("VERB", "AUX") for t in sent)  # datelines, captions: no claim
    if not has_predicate or (require_signal and not (has_number or has_date or reporting or attribution)):
        return None, persons[-1] if persons else last_person
    text = sent.text.strip()
    if not text:
        return None, persons[-1] if persons else last_person
    start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
    cue = None
    if attribution is not None:
        cue_span = sent.doc[attribution.cue_start:attribution.cue_end]
        cue = PredSpan(start=cue_span.start_char, end=cue_span.end_char, text=cue_span.text)
    claim = PredClaim(
        span=PredSpan(start=start, end=start + len(text), text=text),
        statement=text,
        claimant=attribution.claimant if attribution else AUTHOR,
        cue=cue,
        type="quantity" if has_number else "statement" if reporting else "event",
        checkworthy=True,
    )
    return claim, persons[-1] if persons else last_person


def according_to(sent) -> Attribution | None:
    """``according to X``: the claimant is X."""
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
            to = tok.doc[tok.i + 1]
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if objects:
                obj = objects[0]
                return Attribution(phrase_name(obj), tok.i, obj.right_edge.i + 1)
    return None


def reported_by(sent, reporting: list, last_person: str | None) -> Attribution | None:
    """The subject of a reporting verb (the root's first, else the first one with a subject)."""
    ordered = sorted(reporting, key=lambda t: (t.dep_ != "ROOT", t.i))
    for verb in ordered:
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
        if not subjects and verb.dep_ == "conj":  # "He called it X and said ...": shared subject
            subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "csubj")]
        if not subjects:
            continue
        subj = subjects[0]
        if subj.lower_ in PERSONAL_PRONOUNS:
            claimant = last_person
        elif subj.pos_ == "PRON":
            claimant = None  # "it", "they": unresolved without coreference
        else:
            claimant = phrase_name(subj)
        if not claimant:
            continue
        start, end = min(subj.left_edge.i, verb.i), max(subj.right_edge.i, verb.i) + 1
        if verb.dep_ == "conj" and subj.head is not verb:  # the cue is just the verb
            start, end = verb.i, verb.i + 1
        elif subj.i < verb.i:  # "X said" rather than "said X": the cue is subject ... verb
            start, end = subj.left_edge.i, verb.i + 1
        return Attribution(claimant, start, end)
    return None


def phrase_name(head) -> str:
    """The predicted entity mention holding the phrase's head, else the noun phrase itself."""
    doc = head.doc
    # the head itself, else a compound modifier ("the TASS news agency"), never a possessor
    for tok in (head, *(c for c in head.lefts if c.dep_ == "compound")):
        if tok.ent_iob_ != "O":
            for ent in doc.ents:
                if ent.start <= tok.i < ent.end:
                    return ent.text
    # e.g. "state media": the head with its compound and adjective modifiers
    left = head
    for child in head.lefts:
        if child.dep_ in ("compound", "amod", "poss", "nmod", "det", "case"):
            left = child.left_edge if child.dep_ == "poss" else child
            break
    return doc[left.i:head.i + 1].text
