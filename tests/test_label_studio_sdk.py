"""Label Studio's own SDK is the oracle for what ecbench writes for Label Studio and reads back.

The labelling config must pass the SDK's config validation, every exported task's prediction
must pass its region validation (labels, types, control and object names, relations), and
regions built with the SDK's own region API must import as the gold they describe.
"""

from __future__ import annotations

import copy
import json

import pytest
from extras import require

require("label_studio_sdk", "test-full")
from label_studio_sdk.label_interface import LabelInterface  # noqa: E402
from label_studio_sdk.label_interface.region import Region  # noqa: E402
from test_export_fixture import load_fixture
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.export.labelstudio import LABEL_CONFIG, corpus_to_tasks, tasks_to_gold
from toolkit.schema import CLAIM_TYPES, LABELS

# the SDK's own region code calls pydantic's deprecated .dict(): not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:The `dict` method is deprecated")

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def interface():
    return LabelInterface(LABEL_CONFIG)


def _errors(interface: LabelInterface, task: dict) -> list[str]:
    """The SDK's complaints about one task: missing object data, then each prediction's regions."""
    errors = [f"data has no {obj.value_name!r}" for obj in interface.objects
              if obj.value_is_variable and task["data"].get(obj.value_name) is None]
    for prediction in task.get("predictions", []):
        errors += interface.validate_prediction(prediction, return_errors=True)
    return errors


def test_the_labelling_config_passes_the_sdk_validation(interface):
    interface.validate()  # raises LabelStudioValidationErrorSentryIgnored on a bad config
    assert set(interface.get_control("label").labels) == set(LABELS)
    assert set(interface.get_control("claim").labels) == set(CLAIM_TYPES)
    assert {c.name for c in interface.controls} == {
        "label", "claim", "cue", "entity", "statement", "claimant", "entities", "checkworthy"}


def test_every_exported_task_passes_the_sdk_validation(corpus, interface):
    tasks = json.loads(json.dumps(corpus_to_tasks(corpus)))  # through JSON, as on disk
    assert tasks and all(t["predictions"][0]["result"] for t in tasks)
    for task in tasks:
        assert _errors(interface, task) == [], task["data"]["doc_id"]


@pytest.mark.parametrize("break_it, complaint", [
    (lambda r: r["value"].update(labels=["PER"]), "Invalid value for control 'label'"),
    (lambda r: r.update(from_name="mention"), "'from_name' 'mention' not found"),
    (lambda r: r.update(type="choices"), "does not match expected type 'labels'"),
])
def test_the_sdk_oracle_refuses_a_broken_task(corpus, interface, break_it, complaint):
    # the check above can fail: the same oracle on a task broken the way a writer could break it
    task = copy.deepcopy(corpus_to_tasks(corpus)[0])
    break_it(task["predictions"][0]["result"][0])
    assert any(complaint in e for e in _errors(interface, task))


def test_regions_built_with_the_sdk_import_as_gold(interface):
    text = "Lavrov said Kim pledged support for Russia."
    kim, lavrov = text.index("Kim"), text.index("Lavrov")
    claim_span = (kim, len(text) - 1)

    def labels(control, label, start, end, **kw):
        return interface.get_control(control).label(label, start=start, end=end,
                                                    text=text[start:end], **kw)

    def per_region(region: Region, control: str, **value):
        tag = interface.get_control(control)
        return {"id": region.id, "from_name": tag.name, "to_name": "text",
                "type": tag.tag.lower(), "value": {"start": region.value.start,
                                                   "end": region.value.end, **value}}

    m_kim = labels("label", "PERSON", kim, kim + 3)
    m_lavrov = labels("label", "PERSON", lavrov, lavrov + 6)
    claim = labels("claim", "event", *claim_span)
    cue = labels("cue", "cue", 0, len("Lavrov said"))
    cue.add_relation(claim, direction="right")
    result = [json.loads(r.to_json()) for r in (m_kim, m_lavrov, claim, cue)]
    result += [per_region(m_kim, "entity", text=["kim"]),
               per_region(m_lavrov, "entity", text=["lavrov"]),
               per_region(claim, "statement", text=["Kim pledged support for Russia."]),
               per_region(claim, "claimant", text=["lavrov"]),
               per_region(claim, "checkworthy", choices=["yes"])]
    result += json.loads(cue.to_json_relations())
    annotation = {"result": result}
    assert interface.validate_annotation(annotation)  # the SDK accepts what it built

    [(got_text, gold)] = tasks_to_gold([{"id": 3, "data": {"text": text}, "annotations": [annotation]}])
    assert got_text == text
    assert [(m.text, m.label, m.entity) for m in gold.mentions] == [
        ("Kim", "PERSON", "kim"), ("Lavrov", "PERSON", "lavrov")]
    [c] = gold.claims
    assert (c.span.text, c.type, c.claimant, c.cue.text, c.checkworthy) == (
        "Kim pledged support for Russia", "event", "lavrov", "Lavrov said", True)


def test_the_export_command_writes_what_the_sdk_accepts(tmp_path):
    tasks_file = tmp_path / "tasks.json"
    res = CliRunner().invoke(app, ["export", "label-studio", str(tasks_file)])
    assert res.exit_code == 0, res.output
    interface = LabelInterface(tasks_file.with_suffix(".xml").read_text(encoding="utf-8"))
    interface.validate()
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    assert tasks and all(_errors(interface, t) == [] for t in tasks)
