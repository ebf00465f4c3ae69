"""The README's Python snippet runs as written and keeps what the header declares."""

from __future__ import annotations

import re
from pathlib import Path

import toolkit
from toolkit.io.predictions import write_predictions
from toolkit.schema import PredictionsHeader

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_python_snippet_scores_a_mentions_only_file_on_mentions_only(tmp_path, monkeypatch):
    [snippet] = [block for block in re.findall(r"```python\n(.*?)```", README.read_text("utf-8"),
                                               re.S) if "read_predictions" in block]
    preds = [d.gold.as_prediction().model_copy(update={"claims": []}) for d in toolkit.load()]
    write_predictions(tmp_path / "preds.jsonl", preds, PredictionsHeader(produces=["mentions"]))
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(snippet, scope)  # the README's own code
    report = scope["report"]
    assert report.mentions["micro"]["strict"]["f1"] == 1.0
    assert report.claims is None and "claims" in report.skipped  # "not scored", not 0.000
