"""The gate's analyses kept on disk (``scoring.statement_cache``): a warm run reads them and
counts what a cold run counts; a corrupt, oversized or foreign shard is skipped; the folder
changes with what the analyses depend on; a folder that cannot be written leaves scoring as it
is."""

from __future__ import annotations

import msgspec
import pytest

from toolkit.schema import PredClaim
from toolkit.scoring import gate, lexicons, statement_cache
from toolkit.scoring.claims import score_claims
from toolkit.scoring.matchers import get
from toolkit.scoring.similarity import ClaimMatching

GOLD = ["North Korea sent more than 10,000 troops to Russia in October.",
        "Lavrov thanked North Korea for its unconditional support.",
        "Kim said the alliance would never be broken."]
PRED = ["North Korea dispatched over 50,000 troops to Russia in October.",  # number
        "Lavrov criticised North Korea for its conditional support.",  # stance
        "Kim said the alliance would be broken.",  # negation
        "North Korea sent over 10,000 troops to Russia in November."]  # date


@pytest.fixture(autouse=True)
def fresh_analyses():
    gate.analysed.cache_clear()
    yield
    gate.analysed.cache_clear()


def scored(cache_dir) -> tuple:
    matcher = get("token")
    matcher.cache_dir = str(cache_dir)
    gold = {"d": [PredClaim(statement=s) for s in GOLD]}
    pred = {"d": [PredClaim(statement=s) for s in PRED]}
    result = score_claims(gold, pred, threshold=0.3, matching=ClaimMatching(matcher))
    return ([(p.gold, p.pred, p.similarity) for p in result.pairs],
            [(r.gold, r.pred, r.similarity, r.reason) for r in result.refusals],
            sorted(result.assigned))


def shards(cache_dir) -> list:
    return sorted(cache_dir.glob("gate-*/*" + statement_cache.SUFFIX))


def test_a_warm_run_reads_the_analyses_and_counts_what_a_cold_run_counts(tmp_path, monkeypatch):
    cold = scored(tmp_path)
    assert any(r[3].startswith(("number", "stance", "negation", "date")) for r in cold[1])
    assert len(shards(tmp_path)) == 1
    gate.analysed.cache_clear()

    def analyse(text):
        raise AssertionError(f"analysed again: {text!r}")

    monkeypatch.setattr(gate.Statement, "of", classmethod(lambda cls, text: analyse(text)))
    assert scored(tmp_path) == cold
    assert len(shards(tmp_path)) == 1  # nothing new to write


def test_no_cache_dir_analyses_in_memory_only(tmp_path):
    assert scored("") == scored(tmp_path)
    assert not list(tmp_path.parent.glob("gate-*"))


@pytest.mark.parametrize("content", [
    b"not msgpack at all",
    msgspec.msgpack.encode({"identity": 1, "statements": []}),  # another schema
    msgspec.msgpack.encode({"identity": "x", "statements": {}, "extra": 1}),
    b"",
])
def test_a_corrupt_shard_is_skipped(tmp_path, content):
    cold = scored(tmp_path / "reference")
    folder = statement_cache.folder(tmp_path / "cache")
    folder.mkdir(parents=True)
    (folder / ("0" * 16 + statement_cache.SUFFIX)).write_bytes(content)
    gate.analysed.cache_clear()
    assert scored(tmp_path / "cache") == cold


def test_a_shard_of_another_identity_or_too_large_is_not_read(tmp_path, monkeypatch):
    """A shard holding a wrong analysis of every statement (none refused): under another
    identity, or larger than the bound, it is not read."""
    cold = scored(tmp_path / "reference")
    folder = statement_cache.folder(tmp_path / "cache")
    folder.mkdir(parents=True)
    harmless = gate.Statement.of("Nothing here.")
    planted = []
    for identity in ("ecbench gate analysis 0; another lexicon", statement_cache.identity()):
        shard = statement_cache.Shard(identity, {s: harmless for s in GOLD + PRED})
        planted.append(folder / f"{len(identity):016d}{statement_cache.SUFFIX}")
        planted[-1].write_bytes(msgspec.msgpack.encode(shard))
    monkeypatch.setattr(statement_cache, "MAX_SHARD_BYTES", 100)
    gate.analysed.cache_clear()
    assert scored(tmp_path / "cache") == cold
    for written in set(shards(tmp_path / "cache")) - set(planted):
        written.unlink()  # the analyses that run made
    monkeypatch.undo()
    gate.analysed.cache_clear()  # the planted shard of this identity read: its analyses taken
    assert not scored(tmp_path / "cache")[1]


def _broken(field: str):
    """An analysis of "over 10,000 troops in May" (a number, a date, stance words) as plain
    data, with one field set to what the comparisons cannot read."""
    data = msgspec.to_builtins(gate.Statement.of("Lavrov criticised over 10,000 troops in May."))
    if field == "unit":
        data["numbers"][0]["unit"] = "furlong"
    elif field == "bound":
        data["numbers"][0]["bound"] = "sideways"
    elif field == "dates":
        data["dates"] = ["smarch"]
    elif field == "bases":
        data["stance"]["bases"] = data["stance"]["bases"][:-1]
    elif field == "predicates":
        data["stance"]["polar"] = {}
    return data


@pytest.mark.parametrize("field", ["unit", "bound", "dates", "bases", "predicates"])
def test_a_shard_of_this_identity_that_the_checks_cannot_read_is_skipped(tmp_path, field):
    """A shard of the right identity and schema whose analysis breaks what the checks index by
    (an unknown unit, bound or date; lemmas not one per word; a predicate without a valence):
    it is not read, and scoring counts what a cold run counts, no traceback."""
    cold = scored(tmp_path / "reference")
    folder = statement_cache.folder(tmp_path / "cache")
    folder.mkdir(parents=True)
    planted = {"identity": statement_cache.identity(),
               "statements": {s: _broken(field) for s in GOLD + PRED}}
    (folder / ("0" * 16 + statement_cache.SUFFIX)).write_bytes(msgspec.msgpack.encode(planted))
    gate.analysed.cache_clear()
    assert statement_cache.read(folder, set(GOLD + PRED)) == {}
    assert scored(tmp_path / "cache") == cold


def test_the_folder_changes_with_the_lexicons_and_the_analysis_version(tmp_path, monkeypatch):
    folder = statement_cache.folder(tmp_path)
    installed = lexicons.available()
    monkeypatch.setattr(lexicons, "available", lambda: {**installed, "emolex": not installed["emolex"]})
    assert statement_cache.folder(tmp_path) != folder
    monkeypatch.undo()
    assert statement_cache.folder(tmp_path) == folder
    monkeypatch.setattr(statement_cache, "ANALYSIS_VERSION", gate.ANALYSIS_VERSION + 1)
    statement_cache._identity.cache_clear()
    assert statement_cache.folder(tmp_path) != folder
    monkeypatch.undo()
    statement_cache._identity.cache_clear()


def test_a_folder_that_cannot_be_written_leaves_scoring_as_it_is(tmp_path):
    cold = scored(tmp_path / "reference")
    blocked = tmp_path / "a file"
    blocked.write_text("in the way of the cache folder")
    gate.analysed.cache_clear()
    assert scored(blocked) == cold
    assert blocked.read_text() == "in the way of the cache folder"


def test_writing_a_shard_removes_the_shards_of_older_identities(tmp_path):
    """Three folders of other identities (written one after the other) and two things that are
    no identity's shards: the run keeps its own folder and the most recent other one, empties
    and removes the older ones, and touches nothing else."""
    import os

    old = []
    for k in range(3):
        folder = tmp_path / f"gate-{k:016x}"
        folder.mkdir()
        (folder / ("a" * 16 + statement_cache.SUFFIX)).write_bytes(b"an old analysis")
        if k == 0:
            (folder / "notes.txt").write_text("not a shard")
        os.utime(folder, (1_000_000 + k, 1_000_000 + k))
        old.append(folder)
    embeddings = tmp_path / "bcc2d1f1ddaf837b"
    embeddings.mkdir()
    (embeddings / "x.msgpack").write_bytes(b"not the gate's")
    scored(tmp_path)
    assert statement_cache.folder(tmp_path).is_dir()
    assert list(old[2].iterdir())  # the most recent other identity, kept whole
    assert not old[1].exists()  # emptied and removed
    assert [f.name for f in old[0].iterdir()] == ["notes.txt"]  # its shard gone, the rest kept
    assert (embeddings / "x.msgpack").exists()


def test_the_analyses_kept_are_bounded():
    analyses = gate.Analyses(limit=4)
    for k in range(7):
        analyses(f"statement {k}")
    assert len(analyses.known) <= 4 and "statement 6" in analyses.known
