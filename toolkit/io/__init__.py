"""READ: every input the toolkit takes, one reader per format, into the canonical model
(``toolkit.schema``: document text plus character-offset mentions and claims).

- ``corpus``: a corpus folder (seeds, manifest, gold): ``load``, ``stream``, ``validate_corpus``
- ``gold``: gold JSON files (``read_gold_file``, giving ``Gold``, the read form of
  ``schema.DocumentGold``)
- ``predictions``: predictions JSONL files (``read_predictions``; ``read_table``: straight
  into ``spantable``'s columns for bulk scoring)
- ``annotations``: any of those as annotations in the prediction shape, for ``score``,
  ``agree`` and ``report`` (``load_annotations`` tells the source apart)
- ``documents``: documents to extract from (.txt folder, JSONL, parquet, HF dataset)
- ``jsonl``: JSON reading with located errors, atomic writes; ``paths``: path checks

Each reader is one function per format; where it has a fast path (msgspec) the located path
(pydantic, every problem named) is inside the same reader, taking whatever the fast path gives
up on, so what is accepted and every message are the located path's.

Adding a format (CoNLL, brat, DocBin, Label Studio, ...: ``io/formats/<name>.py``)
-------------------------------------------------------------------------------------
A format reader turns files into the same model the readers here give, so every command
(``validate``, ``score``, ``report``, ``agree``, ``stats``, ``export``) takes it unchanged:

- gold: ``corpus.Document`` objects (``id``, ``text``, ``meta`` a ``schema.ManifestEntry``,
  ``gold`` an ``io.gold.Gold``). Build the gold as a ``schema.DocumentGold`` (pydantic checks
  the fields) and turn it into its read form with ``Gold.from_model``, or build ``Gold`` structs
  directly where speed matters; then check it against the text with
  ``checks.document_problems`` (offsets, slices, ids), as ``read_gold_file`` does.
- predictions: ``(header or None, [schema.Prediction])``, the shape of ``read_predictions``;
  in the prediction shape, gold reaches the scorer the same way (``Gold.as_prediction``).
- errors: never a traceback, a silent skip or a silent zero. What the reader finds wrong is a
  ``problems.Problem`` (file, record: ``line 7`` or ``mentions[3] (id m4)``, field, what was
  found, what was expected); a reader that checks everything returns them all (``validate``
  prints each), one that stops at the first raises ``problems.InputError`` with the same parts,
  or ``problems.CorpusError`` with every Problem of a corpus. Messages show file values with
  ``problems.show`` (look-alike characters escaped).
- dispatch: ``annotations.load_annotations`` (and ``cli.corpus_cmds.validate_path``) tell a
  source apart by path and content; a new format adds its case there, so that ``--gold`` and
  ``--pred`` take it.
"""
