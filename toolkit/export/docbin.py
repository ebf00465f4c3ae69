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

``io.formats.docbin`` reads it back (``doc_to_gold``, ``read_docbin``: importable from here
too) into ``DocumentGold``, so DocBin -> gold is exact.
"""

from __future__ import annotations

from ..io.formats.docbin import KEY, MENTIONS, doc_to_gold, read_docbin
from ..runtime import import_extra
from . import require_gold
from .tokens import NEEDED_BY, ExportWarning, gold_doc, sentence_bounds

__all__ = ["CLUSTERS", "KEY", "corpus_to_docbin_bytes", "doc_to_gold", "document_doc",
           "read_docbin"]

CLUSTERS = "coref_clusters_"  # the span-group prefix spaCy's coreference components use


def document_doc(text: str, gold):
    """A spaCy Doc carrying all of ``gold``; returns ``(doc, warnings)``."""
    Span = import_extra("spacy.tokens", NEEDED_BY).Span

    doc, warnings = gold_doc(text, gold)
    starts = {start for start, _ in sentence_bounds(doc)}
    for token in doc:  # every token decided, so doc.sents needs no parser
        token.is_sent_start = token.i == 0 or token.idx in starts
    by_entity = {e.id: [] for e in gold.entities}
    for m, span in zip(gold.mentions, doc.spans[MENTIONS]):
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
