"""READ: every input the toolkit takes, one reader per format, into the canonical model
(``toolkit.schema``: document text plus character-offset mentions and claims).

- ``corpus``: a corpus folder (seeds, manifest, gold): load, stream, validate
- ``gold``: gold JSON files; ``predictions``: predictions JSONL files (``fastread``: their
  fast path, ``spantable``: their columns for bulk scoring)
- ``annotations``: any of those as annotations in the prediction shape, for scoring
- ``documents``: documents to extract from (.txt folder, JSONL, parquet, HF dataset)
- ``jsonl``: JSON reading with located errors, atomic writes; ``paths``: path checks
"""
