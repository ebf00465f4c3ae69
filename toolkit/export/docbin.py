"""spaCy ``DocBin``: one ``Doc`` per document, readable by ``spacy evaluate`` and training.

- ``doc.ents``: the mentions BIO can hold (see ``tokens``), ``ent_id_`` = mention id
- ``doc.spans["mentions"]``: every mention, in gold order
- ``doc.spans["coref_clusters_<n>"]``: the mentions of the n-th entity (gold order, from 1),
  as spaCy's coreference components keep clusters; label = entity type, ``id_`` = entity id.
  Entities are in-document clusters, so ``kb_id_`` (spaCy's knowledge-base id) stays empty
- ``doc.spans["claims"]``: every claim span, label = claim type
- sentence boundaries (``token.is_sent_start``): the sentences the CoNLL and ``ner`` exports
  use, so ``doc.sents`` works without a parser
- ``doc.user_data["ecbench"]``: what spans cannot hold: doc id, mention and entity ids, the
  entities, and each claim's id, statement, claimant, cue, checkworthy and entities (lists in
  the same order as the span groups)

``docs_to_gold`` reads that back into ``DocumentGold``, so DocBin -> gold is exact.
"""

from __future__ import annotations

from ..runtime import import_extra
from ..schema import DocumentGold
from ..text import blank_english
from . import require_gold
from .tokens import NEEDED_BY, ExportWarning, gold_doc, sentence_bounds

KEY = "ecbench"
CLUSTERS = "coref_clusters_"  # the span-group prefix spaCy's coreference components use


def document_doc(text: str, gold):
    """A spaCy Doc carrying all of ``gold``; returns ``(doc, warnings)``."""
    Span = import_extra("spacy.tokens", NEEDED_BY).Span

    doc, warnings = gold_doc(text, gold)
    starts = {start for start, _ in sentence_bounds(doc)}
    for token in doc:  # every token decided, so doc.sents needs no parser
        token.is_sent_start = token.i == 0 or token.idx in starts
    by_entity = {e.id: [] for e in gold.entities}
    for m, span in zip(gold.mentions, doc.spans["mentions"]):
        by_entity.setdefault(m.entity, []).append(span)
    types = {e.id: e.type for e in gold.entities}
    for n, (entity_id, spans) in enumerate(by_entity.items(), start=1):
        doc.spans[f"{CLUSTERS}{n}"] = [
            Span(doc, s.start, s.end, label=types.get(entity_id, s.label_), span_id=entity_id)
            for s in spans]
    doc.user_data[KEY] = {
        "doc_id": gold.doc_id,
        "mentions": [{"id": m.id, "entity": m.entity} for m in gold.mentions],
        "entities": [e.model_dump() for e in gold.entities],
        "claims": [
            {"id": c.id, "statement": c.statement, "claimant": c.claimant,
             "cue": c.cue.model_dump() if c.cue else None, "checkworthy": c.checkworthy,
             "entities": list(c.entities)}
            for c in gold.claims
        ],
    }
    return doc, warnings


def corpus_to_docbin_bytes(corpus) -> tuple[bytes, list[ExportWarning]]:
    """The serialised DocBin of every gold document, and the export warnings."""
    DocBin = import_extra("spacy.tokens", NEEDED_BY).DocBin

    docbin, warnings = DocBin(store_user_data=True), []
    for document in require_gold(corpus):
        doc, w = document_doc(document.text, document.gold)
        docbin.add(doc)
        warnings += w
    return docbin.to_bytes(), warnings


def read_docbin(data: bytes) -> list:
    """Docs from DocBin bytes, with a blank English vocab (as ``spacy evaluate`` would)."""
    DocBin = import_extra("spacy.tokens", NEEDED_BY).DocBin

    return list(DocBin().from_bytes(data).get_docs(blank_english().vocab))


def _plain(value):
    # msgpack hands lists back as tuples
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def doc_to_gold(doc):
    """Our ``DocumentGold`` from a Doc written by ``document_doc``."""
    data = _plain(doc.user_data.get(KEY))
    if data is None:
        raise ValueError(f"Doc {doc.text[:40]!r}...: user_data has no {KEY!r} record; "
                         "expected a DocBin written by `ecbench export spacy`")
    mentions = [
        {"id": ids["id"], "start": s.start_char, "end": s.end_char, "label": s.label_,
         "text": s.text, "entity": ids["entity"]}
        for s, ids in zip(doc.spans["mentions"], data["mentions"], strict=True)
    ]
    claims = [
        {"id": attrs["id"], "span": {"start": s.start_char, "end": s.end_char, "text": s.text},
         "statement": attrs["statement"], "claimant": attrs["claimant"], "cue": attrs["cue"],
         "type": s.label_, "checkworthy": attrs["checkworthy"], "entities": attrs["entities"]}
        for s, attrs in zip(doc.spans["claims"], data["claims"], strict=True)
    ]
    return DocumentGold(doc_id=data["doc_id"], mentions=mentions, entities=data["entities"],
                        claims=claims)
