"""READ: every input the toolkit takes, one reader per format, into the canonical model
(``toolkit.schema``: document text plus character-offset mentions and claims).

- ``corpus``: a corpus folder (seeds, manifest, gold): ``load``, ``stream``, ``validate_corpus``
- ``gold``: gold JSON files (``read_gold_file``, giving ``Gold``, the read form of
  ``schema.DocumentGold``)
- ``predictions``: predictions JSONL files (``read_predictions``; ``read_table``: straight
  into ``spantable``'s columns for bulk scoring)
- ``annotations``: any of those as annotations in the prediction shape, for ``score``,
  ``agree`` and ``report`` (``load_annotations`` tells the source apart)
- ``formats``: the formats people already have (CoNLL, ...), one reader each, into one model;
  ``formats.convert``, ``formats.pairing``: what every format shares
- ``documents``: documents to extract from (.txt folder, JSONL, parquet, HF dataset)
- ``corpus_writer``: documents written into a corpus folder, all or nothing
- ``jsonl``: JSON reading with located errors, atomic writes; ``paths``: path checks

Each reader is one function per format; where it has a fast path (msgspec) the located path
(pydantic, every problem named) is inside the same reader, taking whatever the fast path gives
up on, so what is accepted and every message are the located path's.

Adding a format (CoNLL, brat, DocBin, Label Studio, ...: ``io/formats/<name>.py``)
-------------------------------------------------------------------------------------
A format reader turns files into one model, ``formats.FormatRead`` (documents: text,
character-offset mentions, claims, tokens where the format has them), and registers in
``formats.FORMATS``; the interface and the detection order are in ``io.formats``'s docstring.
Everything after it is shared, so every command (``validate``, ``score``, ``report``,
``agree``, ``stats``, ``import``) takes the format unchanged:

- ``annotations.load_annotations`` detects it (or is told it: ``--gold-format``,
  ``--pred-format``) and ``annotations.annotation_set_of`` gives the prediction shape the
  scorer takes (gold enters scoring that way too, ``Gold.as_prediction``);
- ``formats.convert`` checks each document (``checks`` on offsets, slices, ids; located by the
  source's file and line or record), makes the entities gold needs where the format has none,
  and gives ``corpus.Document`` objects with their ``gold.Gold``;
- ``formats.pairing`` pairs a source that names no documents (CoNLL) with the other side, by
  position and tokens;
- ``corpus_writer`` writes any of it as a corpus (``ecbench import``).

Errors: never a traceback, a silent skip or a silent zero. What a reader finds wrong raises
``problems.InputError`` (file, line or record, field, what was found, what was expected);
the checks return ``problems.Problem`` s (``validate`` prints each). Messages show file values
with ``problems.show`` (look-alike characters escaped).
"""
