"""The dataset card (README.md of the Hugging Face export), generated from the data.

The layout is huggingface_hub's standard dataset card template (``DatasetCard.from_template``);
the prose of every section is the Jinja2 template ``templates/card.md.j2``; this module computes
only what they show: the YAML header (``card_data``: ``DatasetCardData`` with ``configs`` and
``dataset_info``) and the plain facts the prose takes (``card_facts``: counts, labels,
claimants, persons named, licences and sources in the manifest's own words, the agreement of the
two annotation passes, the leaderboard). Nothing here reads the clock, so the card is the same
for the same data.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .. import __version__
from ..present.markdown import table
from ..runtime import import_extra
from ..schema import AUTHOR, CLAIM_TYPES, LABELS
from . import check_repo_id
from .evalresults import DOCS_URL
from .evalresults import SPLIT as EVAL_SPLIT
from .evalresults import TASKS as EVAL_TASKS
from .tokens import BIO_TAGS

NEEDED_BY = "the dataset card"

#: The prose of every section, in ``templates/`` (Jinja2).
TEMPLATE = "card.md.j2"
PRETTY_NAME = "ecbench: entities and claims in news"
AUTHORS = "the ecbench maintainers"
#: The year the dataset was first published (the citation's year; not read from the clock).
YEAR = 2026
#: The annotations are the project's own work, whatever the licence of the texts.
ANNOTATION_LICENCE = ("cc-by-4.0", "CC BY 4.0")
#: Text licences (a manifest licence's first word) that may be shared with CC BY 4.0 notes.
OPEN_TEXT_LICENCES = {"cc0-1.0", "cc-by-4.0", "pddl"}
#: Stands for the Hub id until one is given (``export hf --repo-id`` or ``push``).
REPO_PLACEHOLDER = "ORG/NAME"
PLACEHOLDER_NOTE = ("The Hub id of this dataset is to be filled in: replace `ORG/NAME` below "
                    "with it (`ecbench export hf --repo-id ORG/NAME` and `ecbench push` do).")
NEEDS_DATASETS = "datasets>=4.0"  # the `List` feature type of the parquet schemas


def hub_licence(licences: list[str]) -> tuple[str, str | None]:
    """Hub ``license`` id (and ``license_name`` when it is ``other``) from the manifest's text
    licences, for texts together with the CC BY 4.0 annotations.

    >>> hub_licence(["CC0-1.0 (written by the maintainers)"])
    ('cc-by-4.0', None)
    >>> hub_licence(["Copyright the publisher; not openly licensed"])
    ('other', 'ecbench-research-evaluation')
    """
    ids = {(lic.split() or ["?"])[0].lower() for lic in licences}
    if ids <= OPEN_TEXT_LICENCES:
        return ANNOTATION_LICENCE[0], None
    return "other", "ecbench-research-evaluation"


def size_category(n: int) -> str:
    """The Hub's ``size_categories`` id for ``n`` examples (datasets' size_categories.json)."""
    limits = ((10**3, "n<1K"), (10**4, "1K<n<10K"), (10**5, "10K<n<100K"), (10**6, "100K<n<1M"),
              (10**7, "1M<n<10M"), (10**8, "10M<n<100M"), (10**9, "100M<n<1B"),
              (10**10, "1B<n<10B"), (10**11, "10B<n<100B"), (10**12, "100B<n<1T"))
    return next((name for limit, name in limits if n < limit), "n>1T")


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


def _licence_details(documents) -> str | None:
    licence, _ = hub_licence([d.licence for d in documents])
    if licence != "other":
        return None
    return ("The document texts belong to their publishers and are not openly licensed; they "
            "are included for research evaluation only (see each document's licence statement "
            f"in the card). The annotations are {ANNOTATION_LICENCE[1]} by {AUTHORS}.")


def card_data(documents: list, infos, data_files: dict[str, dict[str, str]]):
    """The YAML header as ``DatasetCardData``; ``documents``: their manifest entries."""
    MetadataConfigs = import_extra("datasets.utils.metadata", NEEDED_BY).MetadataConfigs
    DatasetCardData = import_extra("huggingface_hub", NEEDED_BY).DatasetCardData

    licence, licence_name = hub_licence([d.licence for d in documents])
    languages = sorted({d.language for d in documents})
    details = _licence_details(documents)
    data = DatasetCardData(
        pretty_name=PRETTY_NAME,
        language=languages,
        license=licence,
        license_name=licence_name,
        **({"license_details": details} if details else {}),
        multilinguality="monolingual" if len(languages) == 1 else "multilingual",
        size_categories=[size_category(len(documents))],
        source_datasets=["original"],
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition", "fact-checking"],
        annotations_creators=["machine-generated"],  # AI annotators; see "Who are the annotators?"
        language_creators=["found"],  # the corpus holds published articles only
        tags=["claims", "claim-detection", "news", "ontonotes"],
    )
    MetadataConfigs({
        config: {"data_files": [{"split": s, "path": p} for s, p in files.items()],
                 **({"default": True} if config == "documents" else {})}
        for config, files in data_files.items()
    }).to_dataset_card_data(data)
    infos.to_dataset_card_data(data)
    return data


def leaderboard_section(markdown: str | None) -> str | None:
    """LEADERBOARD.md as a card subsection: its H1 and "do not edit" line dropped, headings
    moved below the card's ``###`` (None: no leaderboard).

    >>> print(leaderboard_section("# Board\\n\\nGenerated; do not edit by hand.\\nMicro.\\n\\n## Entities\\n\\n| a |"))
    Micro.
    <BLANKLINE>
    #### Entities
    <BLANKLINE>
    | a |
    """
    if not markdown:
        return None
    lines = [line for line in markdown.strip().splitlines()
             if not re.match(r"#\s", line) and "do not edit by hand" not in line]
    lines = [f"##{line}" if re.match(r"#{2,4}\s", line) else line for line in lines]
    return "\n".join(lines).strip()


def _repository_url() -> str | None:
    """The code repository, from the package metadata (``[project.urls]`` in pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("ecbench").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    found = dict(u.split(", ", 1) for u in urls if ", " in u)
    return found.get("Repository") or found.get("Source") or found.get("Homepage")


def fill_repo_id(card_text: str, repo_id: str) -> str:
    """The card with the Hub id filled in where the placeholder stands (``push`` uses it)."""
    return (card_text.replace(PLACEHOLDER_NOTE + "\n\n", "")
            .replace(PLACEHOLDER_NOTE, "").replace(REPO_PLACEHOLDER, repo_id))


def repo_ids_named(card_text: str) -> set[str]:
    """The dataset ids the card's usage snippet loads."""
    return set(re.findall(r'load_dataset\("([^"]+)"', card_text))


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
    persons: set = field(default_factory=set)  # names of PERSON entities

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
        self.persons.update(e.name for e in g.entities if e.type == "PERSON")


def render_card(counts: CorpusCounts, splits: dict, infos, data_files: dict, *,
                leaderboard: str | None, guidelines: str | None, repo_id: str | None = None,
                agreement: Mapping | None = None, benchmark: bool = False) -> str:
    """The whole README.md text. ``splits``: split -> ``hf.SplitSummary``; ``data_files``:
    config -> split -> path; ``benchmark``: the folder has the Hub's ``eval.yaml``."""
    DatasetCard = import_extra("huggingface_hub", NEEDED_BY).DatasetCard
    if repo_id is not None:
        check_repo_id(repo_id)
    data = card_data(counts.documents, infos, data_files)
    facts = card_facts(counts, splits, data_files, data.language, leaderboard=leaderboard,
                       guidelines=guidelines, repo_id=repo_id, agreement=agreement,
                       benchmark=benchmark)
    module = _environment().get_template(TEMPLATE).make_module(facts)
    sections = {name: str(text) for name, text in vars(module).items() if not name.startswith("_")}
    card = str(DatasetCard.from_template(data, pretty_name=PRETTY_NAME, **sections))
    return card if card.endswith("\n") else card + "\n"


def card_facts(counts: CorpusCounts, splits: dict, data_files: dict, languages: list[str], *,
               leaderboard: str | None, guidelines: str | None, repo_id: str | None,
               agreement: Mapping | None, benchmark: bool = False) -> dict[str, Any]:
    """What the card's prose shows, as plain data (the template's variables)."""
    dataset_id = repo_id or REPO_PLACEHOLDER
    licence_id, _ = hub_licence([d.licence for d in counts.documents])
    first = next(iter(splits.values()), None)
    return {
        "version": __version__, "year": YEAR, "authors": AUTHORS, "repo_id": repo_id,
        "dataset_id": dataset_id, "hub_url": f"https://huggingface.co/datasets/{dataset_id}",
        "code_url": _repository_url(), "placeholder_note": PLACEHOLDER_NOTE,
        "needs_datasets": NEEDS_DATASETS, "annotation_licence": ANNOTATION_LICENCE[1],
        "licence_id": licence_id, "licence_details": _licence_details(counts.documents),
        "languages": languages, "n_documents": len(counts.documents),
        "n_mentions": sum(counts.mentions.values()), "n_entities": counts.n_entities,
        "n_claims": sum(counts.claims.values()), "n_checkworthy": sum(counts.checkworthy.values()),
        "labels": LABELS, "n_bio_tags": len(BIO_TAGS),
        "data_files": {config: list(files.values()) for config, files in data_files.items()},
        "examples": [(c, _short(first.examples[c], items=8 if c == "ner" else 1))
                     for c in ("documents", "ner", "claims") if first and c in first.examples],
        "label_rows": [[lab, counts.mentions[lab], counts.entities[lab]] for lab in LABELS
                       if counts.mentions[lab] or counts.entities[lab]],
        "claim_type_rows": [[t, counts.claims[t], counts.checkworthy[t]] for t in CLAIM_TYPES],
        "claimant_rows": [[name, n] for name, n in
                          sorted(counts.claimants.items(), key=lambda kv: (-kv[1], kv[0]))],
        "split_rows": [[split, s.documents, s.mentions, s.claims, s.sentences, s.tokens]
                       for split, s in splits.items()],
        "source_rows": [[d.id, d.source, d.licence] for d in counts.documents],
        "persons": sorted(counts.persons),
        **_guidelines_facts(guidelines),
        "agreement_rows": _agreement_rows(agreement) if agreement else None,
        "agreement_documents": (agreement or {}).get("documents", {}).get("both", "?"),
        "leaderboard": leaderboard_section(leaderboard),
        "benchmark": benchmark, "eval_docs_url": DOCS_URL, "eval_split": EVAL_SPLIT,
        "eval_tasks": [[f"`{t.id}`", f"`{t.config}`", EVAL_SPLIT, t.title] for t in EVAL_TASKS],
    }


def _guidelines_facts(guidelines: str | None) -> dict[str, Any]:
    """The guidelines' first paragraph (not a heading) and their ``##`` headings."""
    paragraphs = [p.strip() for p in (guidelines or "").split("\n\n")
                  if p.strip() and not p.lstrip().startswith("#")]
    return {"has_guidelines": bool(guidelines),
            "guidelines_opening": paragraphs[0] if paragraphs else None,
            "guidelines_headings": [line.lstrip("#").strip() for line in
                                    (guidelines or "").splitlines() if line.startswith("## ")]}


def _agreement_rows(agreement: Mapping) -> list[list[str]]:
    """The two-pass agreement (``toolkit.scoring.agreement.agreement`` output) as table rows:
    measure, value."""
    m, claims = agreement.get("mentions") or {}, agreement.get("claims") or {}
    rows = [[f"mentions, {scheme} F1", _fmt(scores["f1"])] for scheme, scores in m.items()]
    for label, value in (("entity-level F1", agreement.get("entities", {}).get("f1")),
                         ("Cohen's kappa over token labels", agreement.get("kappa")),
                         (f"claims F1 (span IoU threshold {claims.get('threshold', '?')})",
                          claims.get("f1")),
                         ("claimant agreement", claims.get("claimant_agreement")),
                         ("type agreement", claims.get("type_agreement")),
                         ("check-worthiness agreement", claims.get("checkworthy_agreement")),
                         ("statement token F1 (mean)", claims.get("statement_token_f1"))):
        if value is not None:
            rows.append([label, _fmt(value)])
    return rows


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("toolkit.export", "templates"), autoescape=False,
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["code"] = lambda value: f"`{value}`"
    env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2)
    env.globals["table"] = table
    return env
