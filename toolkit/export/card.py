"""The dataset card (README.md) of the Hugging Face export, generated from the data.

YAML: ``DatasetCardData`` with ``configs`` (``MetadataConfigs``: ``data_files`` per split) and
``dataset_info`` (``DatasetInfosDict``: features in the current ``list:`` form). Prose: summary,
structure and an example record, label / claim-type / claimant tables with counts, splits,
annotation, benchmark results when present, bias, risks and limitations, licence, citation.
Nothing here reads the clock, so the card is the same for the same data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from ..markdown import table
from ..schema import AUTHOR, CLAIM_TYPES, LABELS
from .tokens import BIO_TAGS

PRETTY_NAME = "ecbench: entities and claims in news"
#: Licence ids the Hub accepts that a manifest licence may start with.
HUB_LICENCES = {"cc0-1.0", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0",
                "cc-by-3.0", "cc-by-sa-3.0", "odc-by", "odbl", "pddl", "apache-2.0", "mit"}


def hub_licence(licences: list[str]) -> tuple[str, str | None]:
    """Hub ``license`` id (and ``license_name`` when it is ``other``) from manifest licences.

    >>> hub_licence(["CC0-1.0 (written by the maintainers)"])
    ('cc0-1.0', None)
    >>> hub_licence(["CC0-1.0", "all rights reserved"])
    ('other', 'mixed-see-licence-section')
    """
    ids = {(lic.split() or ["?"])[0].lower() for lic in licences}
    if len(ids) == 1 and (only := ids.pop()) in HUB_LICENCES:
        return only, None
    return "other", "mixed-see-licence-section"


def size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "n>1M"




def _short(row: dict, chars: int = 200, items: int = 8) -> dict:
    """An example row cut down for the card: long text shortened, lists to a few items."""
    out = {}
    for key, value in row.items():
        if isinstance(value, str) and len(value) > chars:
            value = value[:chars] + "…"
        elif isinstance(value, list) and len(value) > items:
            value = value[:items] + [f"… {len(value) - items} more"]
        out[key] = value
    return out


def card_data(documents: list, infos, data_files: dict[str, dict[str, str]]):
    """The YAML header as ``DatasetCardData``; ``documents``: their manifest entries."""
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCardData

    licence, licence_name = hub_licence([d.licence for d in documents])
    languages = sorted({d.language for d in documents})
    data = DatasetCardData(
        pretty_name=PRETTY_NAME,
        language=languages,
        license=licence,
        license_name=licence_name,
        multilinguality="monolingual" if len(languages) == 1 else "multilingual",
        size_categories=[size_category(len(documents))],
        source_datasets=["original"],
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition", "fact-checking"],
        annotations_creators=["machine-generated"],  # see "How the data was annotated"
        tags=["claims", "claim-detection", "news", "entity-linking"],
    )
    MetadataConfigs({
        config: {"data_files": [{"split": s, "path": p} for s, p in files.items()],
                 **({"default": True} if config == "documents" else {})}
        for config, files in data_files.items()
    }).to_dataset_card_data(data)
    infos.to_dataset_card_data(data)
    return data


def _guidelines_section(guidelines: str | None) -> str:
    if not guidelines:
        return ("The annotation guidelines (`annotations/GUIDELINES.md` in the ecbench repository) "
                "were not present when this folder was exported.")
    paragraphs = [p.strip() for p in guidelines.split("\n\n")
                  if p.strip() and not p.lstrip().startswith("#")]
    headings = [line.lstrip("#").strip() for line in guidelines.splitlines()
                if line.startswith("## ")]
    parts = ["Annotated by hand following the project's guidelines, copied here as "
             "[GUIDELINES.md](GUIDELINES.md)."]
    if paragraphs:
        parts.append("> " + paragraphs[0].replace("\n", "\n> "))
    if headings:
        parts.append("They cover: " + "; ".join(headings) + ".")
    return "\n\n".join(parts)


@dataclass
class CorpusCounts:
    """What the card counts, gathered one document at a time (the export streams them)."""

    documents: list = field(default_factory=list)  # manifest entries
    n_entities: int = 0
    mentions: Counter = field(default_factory=Counter)  # label -> mentions
    entities: Counter = field(default_factory=Counter)  # type -> entities
    claims: Counter = field(default_factory=Counter)  # claim type -> claims
    checkworthy: Counter = field(default_factory=Counter)
    claimants: Counter = field(default_factory=Counter)  # name -> claims

    def add(self, document) -> None:
        g = document.gold
        self.documents.append(document.meta)
        self.n_entities += len(g.entities)
        self.mentions.update(m.label for m in g.mentions)
        self.entities.update(e.type for e in g.entities)
        self.claims.update(c.type for c in g.claims)
        self.checkworthy.update(c.type for c in g.claims if c.checkworthy)
        names = {e.id: e.name for e in g.entities}
        self.claimants.update("the article (author)" if c.claimant == AUTHOR
                              else names.get(c.claimant, c.claimant) for c in g.claims)


def render_card(counts: CorpusCounts, splits: dict, infos, data_files: dict, *,
                leaderboard: str | None, guidelines: str | None) -> str:
    """The whole README.md text. ``splits``: split -> ``hf.SplitSummary``."""
    from .. import __version__

    documents, n_entities = counts.documents, counts.n_entities
    mention_counts, entity_counts, claim_counts = counts.mentions, counts.entities, counts.claims
    checkworthy, claimants = counts.checkworthy, counts.claimants
    n_mentions, n_claims = sum(mention_counts.values()), sum(claim_counts.values())
    data = card_data(documents, infos, data_files)

    split_rows = [[split, s.documents, s.mentions, s.claims, s.sentences, s.tokens]
                  for split, s in splits.items()]
    config_rows = [[f"`{c}`" + (" (default)" if c == "documents" else ""),
                    ", ".join(f"`{p}`" for p in data_files[c].values()), desc]
                   for c, desc in (("documents", "one row per document: text and every gold annotation"),
                                   ("ner", "one row per sentence: tokens and BIO `ner_tags` (conll2003 style)"),
                                   ("claims", "one row per claim, flat, with its sentence"))]
    first = next(iter(splits.values()), None)
    examples = "\n\n".join(
        f"`{c}`:\n\n```json\n{json.dumps(_short(first.examples[c], items=8 if c == 'ner' else 1), ensure_ascii=False, indent=2)}\n```"
        for c in ("documents", "ner", "claims") if first and c in first.examples
    )
    licence_rows = [[d.id, d.licence, d.source] for d in documents]

    body = f"""
# {PRETTY_NAME}

## Summary

A gold-annotated news corpus for **entity and claim extraction**: {len(documents)} document(s) in
{", ".join(f"`{lang}`" for lang in data.language)}, with {n_mentions} typed entity mentions grouped
into {n_entities} entities (OntoNotes 5 labels, as spaCy uses) and {n_claims} factual claims
({sum(checkworthy.values())} marked check-worthy), each with its span, a standalone restatement, who asserts it, the attribution cue, a type
and the entities it is about. Generated from the gold JSON of the
ecbench toolkit (version {__version__}) by `ecbench export hf`; the gold
files stay the source of truth.

```python
from datasets import load_dataset
docs = load_dataset("ORG/NAME")            # documents (default)
ner = load_dataset("ORG/NAME", "ner")      # token classification
claims = load_dataset("ORG/NAME", "claims")
```

## Dataset structure

{table(["config", "files", "rows"], config_rows)}

Offsets are Python string indices (Unicode code points), end exclusive: `text[start:end]`.
In `claims`, `claimant` is an entity id of the same document or `author` (the article's own
voice); `cue` is null when the claim has no attribution cue.

`ner_tags` is a `ClassLabel` with these names, in this order (id = position): `O`, then
`B-`/`I-` for each label in the order {", ".join(f"`{lab}`" for lab in LABELS)}
({len(BIO_TAGS)} tags). Tokens are spaCy's blank English tokenizer's, split further wherever a
gold boundary falls inside a token (e.g. `2025` in `mid-2025`), so no mention is moved or lost.
BIO cannot nest: where mentions overlap, the longest is tagged; all of them are in `documents`.

### Example records

{examples}

## Labels

{table(["label", "mentions", "entities"],
       [[lab, mention_counts[lab], entity_counts[lab]] for lab in LABELS if mention_counts[lab] or entity_counts[lab]])}

## Claim types

{table(["type", "claims", "check-worthy"], [[t, claim_counts[t], checkworthy[t]] for t in CLAIM_TYPES])}

Who makes the claims:

{table(["claimant", "claims"], [[name, n] for name, n in sorted(claimants.items(), key=lambda kv: (-kv[1], kv[0]))])}

## Splits

{table(["split", "documents", "mentions", "claims", "ner sentences", "tokens"], split_rows)}

Splits are assigned per document in the corpus manifest, never within a document.

## How the data was annotated

{_guidelines_section(guidelines)}

Who annotated: both passes and the reconciliation were made by AI annotators (language-model
agent sessions) working from the written guidelines, the second pass without seeing the first;
the agreement figures before reconciliation are in `annotations/README.md` of the ecbench
repository. No human has reviewed the gold yet; read it as a carefully checked first version.

## Benchmark

{leaderboard.strip() if leaderboard else "No benchmark results (`benchmarks/results/LEADERBOARD.md`) were present when this folder was exported."}

## Bias, risks and limitations

- The texts report **claims made by state media and governments about a war** (North Korea's
  and Russia's, about Russia's war in Ukraine). A claim in this dataset is a statement someone
  made, annotated as check-worthy or not; it is **not** a verdict that the claim is true.
- Each document carries **one outlet's framing**: what it reports, whom it quotes and how it
  attributes are choices of that outlet. The claimant table above shows whose voice dominates.
- The corpus is tiny ({len(documents)} document(s)); scores on it have wide confidence
  intervals and say little about other domains, periods or languages.
- Labels follow OntoNotes 5 conventions, which differ from CoNLL-2003 (`PER`, `ORG`, `LOC`,
  `MISC`); map them before comparing with CoNLL-trained systems.

## Licence

The card's `license` field is derived from the per-document licence statements below, which
are the manifest's own words. The ecbench code is Apache-2.0.

{table(["document", "licence", "source"], licence_rows)}

## Citation

```bibtex
@misc{{ecbench,
  title        = {{ecbench: an entity-and-claim extraction benchmark}},
  note         = {{Dataset exported with ecbench {__version__}}},
  howpublished = {{Hugging Face dataset}}
}}
```
"""
    return f"---\n{data.to_yaml()}\n---\n{body}"
