"""Label Studio: gold as tasks with predictions, for the labelling config ``LABEL_CONFIG``.

One task per document, ``data`` = ``{"text", "doc_id", "entities"}`` and one prediction
holding every gold annotation (mentions with their entity ids, claims with their statement,
claimant, entities, check-worthiness and cue), in the conventions ``io.formats.labelstudio``
reads back (its ``tasks_to_gold`` and ``task_to_gold`` are importable from here too).
"""

from __future__ import annotations

from ..io.formats.labelstudio import CLAIM, CUE, MENTION, task_to_gold, tasks_to_gold
from ..schema import CLAIM_TYPES, LABELS, DocumentGold
from . import require_gold

__all__ = ["LABEL_CONFIG", "corpus_to_tasks", "gold_to_task", "task_to_gold", "tasks_to_gold"]

MODEL_VERSION = "ecbench-gold"


def _choices(name: str, values) -> str:
    inner = "\n".join(f'    <Label value="{v}"/>' for v in values)
    return f'  <Labels name="{name}" toName="text">\n{inner}\n  </Labels>'


LABEL_CONFIG = f"""<View>
{_choices(MENTION, LABELS)}
{_choices(CLAIM, CLAIM_TYPES)}
{_choices(CUE, ["cue"])}
  <Text name="text" value="$text"/>
  <Relations><Relation value="cue-of"/></Relations>
  <View visibleWhen="region-selected" whenTagName="{MENTION}">
    <TextArea name="entity" toName="text" perRegion="true" maxSubmissions="1" placeholder="entity id"/>
  </View>
  <View visibleWhen="region-selected" whenTagName="{CLAIM}">
    <TextArea name="statement" toName="text" perRegion="true" maxSubmissions="1"/>
    <TextArea name="claimant" toName="text" perRegion="true" maxSubmissions="1" placeholder="entity id or author"/>
    <TextArea name="entities" toName="text" perRegion="true" placeholder="entity ids, one per line"/>
    <Choices name="checkworthy" toName="text" perRegion="true" choice="single">
      <Choice value="yes"/><Choice value="no"/>
    </Choices>
  </View>
</View>
"""


def _region(region_id: str, control: str, start: int, end: int, text: str, label: str) -> dict:
    return {"id": region_id, "from_name": control, "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def _per_region(region_id: str, control: str, start: int, end: int, kind: str, value) -> dict:
    key = "text" if kind == "textarea" else "choices"
    return {"id": region_id, "from_name": control, "to_name": "text", "type": kind,
            "value": {"start": start, "end": end, key: value}}


def gold_to_task(text: str, gold: DocumentGold) -> dict:
    """One Label Studio task with the gold as its prediction."""
    result: list[dict] = []
    for m in gold.mentions:
        result.append(_region(m.id, MENTION, m.start, m.end, m.text, m.label))
        result.append(_per_region(m.id, "entity", m.start, m.end, "textarea", [m.entity]))
    relations = []
    for c in gold.claims:
        s, e = c.span.start, c.span.end
        result.append(_region(c.id, CLAIM, s, e, c.span.text, c.type))
        result.append(_per_region(c.id, "statement", s, e, "textarea", [c.statement]))
        result.append(_per_region(c.id, "claimant", s, e, "textarea", [c.claimant]))
        if c.entities:
            result.append(_per_region(c.id, "entities", s, e, "textarea", list(c.entities)))
        result.append(_per_region(c.id, "checkworthy", s, e, "choices",
                                  ["yes" if c.checkworthy else "no"]))
        if c.cue is not None:
            cue_id = f"{c.id}-cue"
            result.append(_region(cue_id, CUE, c.cue.start, c.cue.end, c.cue.text, "cue"))
            relations.append({"from_id": cue_id, "to_id": c.id, "type": "relation",
                              "direction": "right", "labels": ["cue-of"]})
    return {
        "data": {"text": text, "doc_id": gold.doc_id,
                 "entities": [e.model_dump() for e in gold.entities]},
        "predictions": [{"model_version": MODEL_VERSION, "result": result + relations}],
    }


def corpus_to_tasks(corpus) -> list[dict]:
    return [gold_to_task(d.text, d.gold) for d in require_gold(corpus)]
