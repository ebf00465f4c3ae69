"""What a reader read (``FormatRead``) as what the commands take: the checks every document
gets (``read_problems``), the entity each mention belongs to (``entity_ids``), and gold
documents (``to_documents``). The prediction shape (``AnnotationSet``) is made by
``io.annotations.annotation_set_of``.

Entities. Gold needs every mention in an entity. Where the format says which mentions are one
entity (``FormatMention.entity``, a key), that key is the entity's id. Where it does not (CoNLL,
HF token datasets, brat without coreference, DocBin ``doc.ents``, Doccano), the rule is: one
entity per distinct label and normalised text within a document (text case-folded, runs of
whitespace made one space), so "Kim Jong Un" and "KIM JONG UN" labelled PERSON are one entity
and "Kim" is another. Its id is ``e_`` and the normalised text with every run of non-word
characters made ``_`` (``e_kim_jong_un``; ``_2``, ``_3`` where two entities would share one),
its name the text of its first mention, its type the label. Mention ids are ``m1``, ``m2``, ...
in the order the reader gives them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from itertools import repeat
from pathlib import Path

import msgspec
from pydantic import ValidationError

from ...checks import document_problems, plain_span, span_problems
from ...problems import CorpusError, Problem, pydantic_problems, record_locator, show
from ...schema import Claim, Manifest, ManifestEntry
from ..corpus import Corpus, Document
from ..gold import Gold, GoldClaim, GoldEntity, GoldMention
from . import FormatDocument, FormatRead

_NON_WORD = re.compile(r"\W+")
_PUNCTUATION = re.compile(r"[^\w\x00]+")  # \x00 joins names
_UNDERSCORES = re.compile(r"__+")
_WHITESPACE = re.compile(r"\s+")
#: longest entity id slug (the text's first characters)
SLUG_LENGTH = 40


def normalised(text: str) -> str:
    """A mention text as the entity rule compares it: case-folded, whitespace runs one space.

    >>> normalised("Kim  Jong\\nUN")
    'kim jong un'
    """
    return " ".join(text.split()).casefold()


def entity_ids(documents: Sequence[FormatDocument]) -> list[list[str]]:
    """The entity id of each mention of each document (see the module docstring). A large
    file has tens of thousands of mentions: their texts are normalised, and the ids made, by
    a few string operations over all of them joined, and each mention costs a look-up."""
    flat = [(d, m) for d, document in enumerate(documents) for m in document.mentions]
    keys, number = _rule_entities([d for d, _ in flat], [m.label for _, m in flat],
                                  [documents[d].text[m.start:m.end] for d, m in flat],
                                  [m.entity for _, m in flat])
    taken = {(d, m.entity) for d, m in flat if m.entity is not None}  # (document, id)
    made = []
    for (d, _, _), slug in zip(number, _slugs([name for _, _, name in number])):
        if (d, slug) in taken:
            slug = _unique(slug, d, taken)
        taken.add((d, slug))
        made.append(slug)
    ids = [key if isinstance(key, str) else made[key] for key in keys]
    out, at = [], 0
    for document in documents:
        out.append(ids[at:at + len(document.mentions)])
        at += len(document.mentions)
    return out


def entity_numbers(read: FormatRead):
    """The entity of each row of ``read.columns`` (a reader that gives columns gives no entity
    keys) as a number, unique within the read: the rule of ``entity_ids``, without making the
    ids (what span tables need)."""
    import numpy as np  # only with columns, which a numpy reader made

    columns = read.columns
    texts = [d.text for d in read.documents]
    document = columns.document.tolist()
    keys, _ = _rule_entities(document, columns.label.tolist(), [
        texts[d][s:e] for d, s, e in zip(document, columns.start.tolist(),
                                         columns.end.tolist())], repeat(None))
    return np.array(keys, dtype=np.int64)


def _rule_entities(documents: Sequence[int], labels: Sequence, texts: list[str], keys
                   ) -> tuple[list, dict[tuple, int]]:
    """Each mention's entity: its format key where it has one, else the number of its
    ``(document, label, normalised text)``; and those numbered keys, in order."""
    number: dict[tuple, int] = {}
    found = [key if key is not None else number.setdefault((d, label, name), len(number))
             for d, label, name, key in zip(documents, labels, _normalised_all(texts), keys)]
    return found, number


def _normalised_all(texts: list[str]) -> list[str]:
    """``normalised`` of each text, by a few passes over all of them joined."""
    joined = "\x00".join(texts)
    if not texts or joined.count("\x00") != len(texts) - 1:  # a text holds the separator
        return [normalised(t) for t in texts]
    # whitespace other than single spaces is rare: every other whitespace character is
    # unprintable, so a printable text without double spaces needs no change
    if "  " in joined or not joined.replace(" ", "").replace("\x00", "").isprintable():
        joined = _WHITESPACE.sub(" ", joined)
    return joined.casefold().split("\x00")


def _slugs(names: list[str]) -> list[str]:
    """``e_`` and each (normalised) name with each run of spaces and other non-word characters
    made ``_``, its first ``SLUG_LENGTH`` characters: a few passes over all the names joined."""
    joined = "\x00".join(names).replace(" ", "_")
    if not names or joined.count("\x00") != len(names) - 1:
        slugs = [_NON_WORD.sub("_", name).strip("_") for name in names]
    elif joined.replace("\x00", "").replace("_", "").isalnum():  # letters and digits only
        slugs = joined.split("\x00")
    else:  # other characters made _, runs of _ one, none at either end
        slugs = [slug.strip("_") for slug in _UNDERSCORES.sub(
            "_", _PUNCTUATION.sub("_", joined)).split("\x00")]
    return ["e_" + (slug if len(slug) <= SLUG_LENGTH else slug[:SLUG_LENGTH].rstrip("_"))
            if slug else "e_entity" for slug in slugs]


def _unique(slug: str, document: int, taken: set[tuple]) -> str:
    """``slug`` with ``_2``, ``_3``: the first that ``document`` has not ``taken``."""
    k = 2
    while (document, f"{slug}_{k}") in taken:
        k += 1
    return f"{slug}_{k}"


# --- checks ---------------------------------------------------------------------------------------


def read_problems(read: FormatRead) -> list[Problem]:
    """Every problem of what a reader gave: ids (present, unique), labels (present), spans
    (inside the text, not empty, no padding whitespace) and claim spans, each located by the
    document's file and the mention's place in it."""
    return [p for _, found in _document_problems(read) for p in found]


def gold_problems_of(read: FormatRead) -> list[Problem]:
    """What ``ecbench validate`` says of a source: ``read_problems``, and the gold checks
    (``gold_of``) of every document those find nothing in."""
    problems, sound = [], []
    for document, found in _document_problems(read):
        problems += found
        if not found:
            sound.append(document)
    for document, ids in zip(sound, entity_ids(sound)):
        problems += gold_of(document, ids)[1]
    return problems


def _document_problems(read: FormatRead) -> Iterator[tuple[FormatDocument, list[Problem]]]:
    """Each document and its ``read_problems`` (with columns, the mentions of the documents
    whose columns pass are not read one by one)."""
    sound = _sound_documents(read) if read.columns is not None else None
    seen: dict[str, str] = {}
    for index, document in enumerate(read.documents):
        file = document.file or read.source.get("file") or read.source.get("folder") or read.format
        where = document.where or f"document {document.id}"
        problems = []
        if not document.id:
            problems.append(Problem(file, where, "id", "an empty id", "a document id"))
        elif document.id in seen:
            problems.append(Problem(file, where, "id", show(document.id),
                                    f"a unique document id (also at {seen[document.id]})"))
        else:
            seen[document.id] = where
        if sound is None or not sound[index]:
            problems += _mention_problems(document, file)
        problems += _claim_problems(document, file)
        yield document, problems


#: the characters ``str.isspace`` is true of (tested against it)
WHITESPACE = (*range(9, 14), *range(28, 33), 133, 160, 5760, *range(8192, 8203), 8232, 8233,
              8239, 8287, 12288)


def _sound_documents(read: FormatRead):
    """Whether each document's mentions pass ``_mention_problems``, from ``read.columns``
    with array operations: offsets inside the text and in order, no whitespace at either end
    (the characters read from all texts at once, as UTF-32), labels not empty."""
    import numpy as np  # only with columns, which a numpy reader made

    columns, n = read.columns, len(read.documents)
    lengths = np.fromiter(map(len, (d.text for d in read.documents)), np.int64, n)
    base = np.concatenate(([0], np.cumsum(lengths)))
    doc, start, end = columns.document, columns.start, columns.end
    bad = (start < 0) | (end <= start) | (end > lengths[doc])
    chars = np.frombuffer("".join(d.text for d in read.documents).encode("utf-32-le"),
                          dtype="<u4")
    fine = np.flatnonzero(~bad)
    edges = np.concatenate((base[doc[fine]] + start[fine], base[doc[fine]] + end[fine] - 1))
    spaced = np.isin(chars[edges], WHITESPACE).reshape(2, -1).any(axis=0)
    bad[fine[spaced]] = True
    empty = [k for k, label in enumerate(columns.labels) if not isinstance(label, str) or not label]
    bad |= np.isin(columns.label, empty)
    sound = np.ones(n, dtype=bool)
    sound[doc[bad]] = False
    return sound


def _mention_problems(document: FormatDocument, file: str) -> list[Problem]:
    """The spans and labels of a document's mentions."""
    problems = []
    text = document.text
    for index, (start, end, label, _, where) in enumerate(document.mentions):
        if plain_span(start, end, None, text) and isinstance(label, str) and label:
            continue  # the common case: nothing to name
        record = _mention_record(document, index, where)
        if not isinstance(label, str) or not label:
            problems.append(Problem(file, record, "label", show(label), "a non-empty label"))
        problems += span_problems(file, record, "mention", start, end, None, text)
    return problems


def _claim_problems(document: FormatDocument, file: str) -> list[Problem]:
    """The spans of a document's claims (span and cue)."""
    problems = []
    for index, claim in enumerate(document.claims):
        for name in ("span", "cue"):
            span = getattr(claim, name, None)
            if span is not None:
                problems += span_problems(file, f"{document.where or document.id}: claims[{index}]",
                                          name, span.start, span.end, span.text, document.text)
    return problems


def label_problems(read: FormatRead, labels: Collection[str], hint: str) -> list[Problem]:
    """One problem per label not in ``labels``, at its first mention, with how many mentions
    have it; ``hint`` ends the expectation (how to map it)."""
    first: dict[str, tuple] = {}
    count: dict[str, int] = {}
    for document in read.documents:
        for index, m in enumerate(document.mentions):
            if m.label not in labels:
                first.setdefault(m.label, (document, index, m.where))
                count[m.label] = count.get(m.label, 0) + 1
    return [Problem(d.file or d.id, _mention_record(d, i, where), "label",
                    f"{show(label)} ({count[label]} mention(s))", f"one of {', '.join(labels)}"
                    f" ({hint.format(label=label)})")
            for label, (d, i, where) in first.items()]


def relabelled(read: FormatRead, label_map: Mapping[str, str | None]) -> FormatRead:
    """``read`` with each mention's label mapped as ``score --label-map`` maps it (a label
    mapped to None: its mentions left out). A document that holds its whole gold is kept as
    it is: its reader mapped it (``FormatOptions.label_map``) or its labels are ecbench's."""
    documents = [d if d.gold is not None else
                 replace(d, mentions=[m._replace(label=label_map.get(m.label, m.label))
                                      for m in d.mentions
                                      if label_map.get(m.label, m.label) is not None])
                 for d in read.documents]
    return replace(read, documents=documents, columns=None)


def _mention_record(document: FormatDocument, index: int, where: str | None) -> str:
    """How a message names mention ``index`` of a document."""
    return where or f"{document.where or 'document ' + document.id}: mentions[{index}]"


# --- gold documents ---------------------------------------------------------------------------------


def gold_of(document: FormatDocument, ids: list[str]) -> tuple[Gold, list[Problem]]:
    """A document's gold, its mentions in the entities ``ids`` (``entity_ids``), with the
    problems ``checks.document_problems`` finds in it, located as the source locates them.
    Labels are taken as they are (``import`` checks them against the OntoNotes set). Where
    the reader gave the document's whole gold (``document.gold``), that is the gold, as it is
    (``ids`` unused): ids, entities and claims survive a round trip."""
    file = document.file or document.id
    text = document.text
    if document.gold is not None:
        gold = document.gold
        gold = gold if isinstance(gold, Gold) else Gold.from_model(gold)
        return gold, [_relocated(p, document)
                      for p in document_problems(gold, text, file)]
    mentions, entities, seen = [], [], set()
    for index, ((start, end, label, _, _), entity) in enumerate(zip(document.mentions, ids)):
        mentions.append(GoldMention(f"m{index + 1}", start, end, label, text[start:end], entity))
        if entity not in seen:  # an entity's type is its first mention's label
            seen.add(entity)
            entities.append(GoldEntity(entity, text[start:end] or entity, label))
    claims, claim_problems = _gold_claims(document, file)
    gold = Gold(doc_id=document.id, mentions=mentions, entities=entities, claims=claims)
    found = document_problems(gold, text, file) + claim_problems
    return gold, [_relocated(p, document) for p in found]


def _gold_claims(document: FormatDocument, file: str) -> tuple[list, list[Problem]]:
    """A document's claims as gold claims: each must have what a gold claim needs (a span, a
    statement, a claimant, a type, checkworthy); ids ``c1``, ``c2``, ... where it has none."""
    if not document.claims:
        return [], []
    claims, problems = [], []
    data = {"claims": []}
    for index, claim in enumerate(document.claims):
        fields = claim.model_dump(exclude_none=True)
        fields.setdefault("id", f"c{index + 1}")
        data["claims"].append(fields)
        try:
            claims.append(Claim.model_validate(fields, strict=True))
        except ValidationError as e:
            problems += pydantic_problems(file, e, record_locator(data), prefix=("claims", index))
    # the struct form, as read_gold_file gives it
    return [msgspec.convert(c.model_dump(), GoldClaim) for c in claims], problems


def _relocated(problem: Problem, document: FormatDocument) -> Problem:
    """A problem ``document_problems`` names by ``mentions[3] (id m4)``, named by the mention's
    place in the source where the reader gave one."""
    match = re.match(r"mentions\[(\d+)\]", problem.record or "")
    if match is None:
        return problem
    index = int(match[1])
    record = _mention_record(document, index, document.mentions[index].where)
    return Problem(problem.file, record, problem.field, problem.found, problem.expected)


def to_documents(read: FormatRead, entry: Callable[[FormatDocument], ManifestEntry]
                 ) -> Iterator[tuple[Document, list[Problem]]]:
    """Each document of ``read`` as a corpus ``Document`` with its gold, and the problems
    found in it. ``entry`` makes each document's manifest entry."""
    for document, ids in zip(read.documents, entity_ids(read.documents)):
        gold, problems = gold_of(document, ids)
        yield Document(document.id, document.text, entry(document), gold), problems


def corpus_of(read: FormatRead):
    """What a reader read as an in-memory ``corpus.Corpus`` (what ``ecbench stats`` counts);
    the first document with a problem raises ``CorpusError`` with its problems. The manifest
    entries are views, not checked: the split is the source's (or ``-``), the language ``und``,
    the source the path read."""
    where = read.source.get("file") or read.source.get("folder") or read.format

    def entry(document: FormatDocument) -> ManifestEntry:
        sha = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        meta = document.meta or {}  # what the format records, where it does
        return ManifestEntry.model_construct(id=document.id, sha256=sha,
                                             language=meta.get("language", "und"),
                                             split=document.split or "-",
                                             source=meta.get("source", where),
                                             licence=meta.get("licence", "unknown"))

    documents = []
    for document, problems in to_documents(read, entry):
        if problems:
            raise CorpusError(problems)
        documents.append(document)
    manifest = Manifest.model_construct(documents=[d.meta for d in documents])
    return Corpus(root=Path(where), manifest=manifest, documents=tuple(documents))
