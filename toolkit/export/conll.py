"""CoNLL-2003 style BIO text: ``-DOCSTART-`` per document, one token per line, blank line
between sentences. Four columns, ``token -X- _ TAG`` (no POS or chunk tags).

The document line comes in two forms (``DOCSTARTS``): CoNLL-2003's own ``-DOCSTART- -X- -X- O``
(seqeval and most CoNLL readers), and ``-DOCSTART- -X- O O``, the only one ``spacy convert -c
ner`` recognises (with the other it makes the line a document of its own).

>>> print(conll_lines([("d1", [TaggedSentence(("Kim", "spoke"), ("B-PERSON", "O"), 0, 9)])]), end="")
-DOCSTART- -X- -X- O
<BLANKLINE>
Kim -X- _ B-PERSON
spoke -X- _ O
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Iterable

from . import require_gold
from .tokens import ExportWarning, TaggedSentence, bio_sentences

DOCSTARTS = {"conll2003": "-DOCSTART- -X- -X- O", "spacy": "-DOCSTART- -X- O O"}
DOCSTART = DOCSTARTS["conll2003"]


def conll_lines(documents: Iterable[tuple[str, list[TaggedSentence]]],
                docstart: str = "conll2003") -> str:
    """CoNLL text for ``(doc_id, sentences)`` pairs (the doc id is not part of the format);
    ``docstart`` names the document line's form (``DOCSTARTS``)."""
    out: list[str] = []
    for _doc_id, sents in documents:
        out += [DOCSTARTS[docstart], ""]
        for sent in sents:
            out += [f"{token} -X- _ {tag}" for token, tag in zip(sent.tokens, sent.tags)]
            out.append("")
    return "\n".join(out) + ("\n" if out else "")


def corpus_to_conll(corpus, docstart: str = "conll2003") -> tuple[str, list[ExportWarning]]:
    """CoNLL text for every gold document of ``corpus``, and the export warnings."""
    docs, warnings = [], []
    for document in require_gold(corpus):
        tagged, w = bio_sentences(document.text, document.gold)
        docs.append((document.id, tagged))
        warnings += w
    return conll_lines(docs, docstart), warnings

