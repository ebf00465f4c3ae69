"""`ecbench benchmark` reads well in an 80-column terminal: one table per task, F1 first, no
header or number cut, and it ends by naming the files it wrote."""

from __future__ import annotations

from rich.console import Console
from test_runner import make_corpus
from typer.testing import CliRunner

from toolkit.benchmark import benchmark_one, leaderboard_rows, leaderboard_table
from toolkit.cli import app
from toolkit.extractors.oracle import EmptyExtractor, GoldExtractor
from toolkit.io.corpus import load


def _render(rows, width: int = 80) -> list[str]:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    console.print(leaderboard_table(rows))
    return console.export_text().splitlines()


def test_leaderboard_fits_80_columns_one_table_per_task(tmp_path):
    corpus = load(make_corpus(tmp_path / "corpus"))
    results = {name: benchmark_one(ex, corpus, n_resamples=50)[1].to_dict()
               for name, ex in (("gold", GoldExtractor()), ("empty", EmptyExtractor()))}
    results["rules-claims"] = {**results["gold"], "mentions": None, "entities": None,
                               "provenance": {"extractor": "rules-claims"}}
    lines = _render(leaderboard_rows(results))
    assert max(len(line.rstrip()) for line in lines) <= 80
    assert not any("…" in line for line in lines)  # nothing cut
    text = "\n".join(lines)
    assert text.index("Entities") < text.index("Claims") < text.index("Runs")
    entity_head = lines[lines.index(next(line for line in lines if line.startswith("Entities"))) + 1:][:2]
    assert entity_head[0].split()[0] == "strict" and entity_head[1].split()[:2] == ["extractor", "F1"]
    claims_at = next(i for i, line in enumerate(lines) if line.startswith("Claims"))
    assert lines[claims_at + 1].split()[:2] == ["extractor", "F1"]
    # an extractor that does not produce a task has no row in that task's table
    entity_rows = text.split("Claims")[0]
    assert "rules-claims" not in entity_rows and "rules-claims" in text.split("Claims")[1]


def test_benchmark_command_ends_by_naming_the_files(tmp_path):
    root = make_corpus(tmp_path / "corpus")
    results = tmp_path / "results"
    res = CliRunner().invoke(app, ["benchmark", "-e", "gold", "-e", "empty", "--corpus", str(root),
                                   "--results-dir", str(results), "--n-resamples", "0",
                                   "--no-progress"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    tail = [line for line in res.output.splitlines() if line.strip()][-5:]
    assert tail == [f"wrote {results / 'gold.json'}", f"wrote {results / 'empty.json'}",
                    f"wrote {results / 'LEADERBOARD.md'}", f"wrote {results / 'LEADERBOARD.json'}",
                    f"wrote {results / 'report.html'}"]
