"""The dataset card (README.md) of the Hugging Face export, generated from the data.

Built with ``huggingface_hub.DatasetCard.from_template`` (the Hub's standard dataset card
template), every section filled from the corpus: the YAML header is ``DatasetCardData`` with
``configs`` (``MetadataConfigs``) and ``dataset_info`` (``DatasetInfosDict``); the prose takes
counts, labels, claimants, persons named, licences and sources (the manifest's own words),
the agreement of the two annotation passes and the leaderboard from what it is given.
Nothing here reads the clock, so the card is the same for the same data.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..present.markdown import table
from ..schema import AUTHOR, CLAIM_TYPES, LABELS
from .tokens import BIO_TAGS

PRETTY_NAME = "ecbench: entities and claims in news"
AUTHORS = "the ecbench maintainers"
#: The year the dataset was first published (the citation's year; not read from the clock).
YEAR = 2026
#: The annotations are the project's own work, whatever the licence of the texts.
ANNOTATION_LICENCE = ("cc-by-4.0", "CC BY 4.0")
#: Text licences (a manifest licence's first word) that may be shared with CC BY 4.0 notes.
OPEN_TEXT_LICENCES = {"cc0-1.0", "cc-by-4.0", "pddl"}
#: Licence ids the Hub accepts that a manifest licence may start with.
HUB_LICENCES = {"cc0-1.0", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0",
                "cc-by-3.0", "cc-by-sa-3.0", "odc-by", "odbl", "pddl", "apache-2.0", "mit"}
#: Stands for the Hub id until one is given (``export hf --repo-id`` or ``push``).
REPO_PLACEHOLDER = "ORG/NAME"
PLACEHOLDER_NOTE = ("The Hub id of this dataset is to be filled in: replace `ORG/NAME` below "
                    "with it (`ecbench export hf --repo-id ORG/NAME` and `ecbench push` do).")
NEEDS_DATASETS = "datasets>=4.0"  # the `List` feature type of the parquet schemas
#: The manifest marks a document written for ecbench rather than found (see annotations/README.md).


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
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCardData

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


# --- sections ----------------------------------------------------------------------------------


def _guidelines_text(guidelines: str | None) -> str:
    if not guidelines:
        return ("The annotation guidelines (`annotations/GUIDELINES.md` in the ecbench repository) "
                "were not present when this folder was exported.")
    paragraphs = [p.strip() for p in guidelines.split("\n\n")
                  if p.strip() and not p.lstrip().startswith("#")]
    headings = [line.lstrip("#").strip() for line in guidelines.splitlines()
                if line.startswith("## ")]
    parts = ["The annotators followed the project's written guidelines, copied here as "
             "[GUIDELINES.md](GUIDELINES.md)."]
    if paragraphs:
        parts.append("> " + paragraphs[0].replace("\n", "\n> "))
    if headings:
        parts.append("They cover: " + "; ".join(headings) + ".")
    return "\n\n".join(parts)


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _agreement_text(agreement: Mapping | None) -> str:
    """The two-pass agreement (``toolkit.scoring.agreement.agreement`` output) as a table."""
    if not agreement:
        return ("Agreement figures: the two independent annotation passes "
                "(`annotations/passes/a` and `b`) were not present when this folder was exported.")
    m, claims = agreement.get("mentions", {}), agreement.get("claims", {})
    rows = [[f"mentions, {s} F1", _fmt(m[s]["f1"])] for s in ("strict", "exact", "partial", "type")
            if s in m]
    for label, value in (("entity-level F1", agreement.get("entities", {}).get("f1")),
                         ("Cohen's kappa over token labels", agreement.get("kappa")),
                         ("claims F1 (span IoU threshold "
                          f"{claims.get('threshold', '?')})", claims.get("f1")),
                         ("claimant agreement", claims.get("claimant_agreement")),
                         ("type agreement", claims.get("type_agreement")),
                         ("check-worthiness agreement", claims.get("checkworthy_agreement")),
                         ("statement token F1 (mean)", claims.get("statement_token_f1"))):
        if value is not None:
            rows.append([label, _fmt(value)])
    docs = agreement.get("documents", {}).get("both", "?")
    return (f"Agreement of the two passes before reconciliation, on the {docs} document(s) both "
            "annotated (`ecbench agree annotations/passes/a annotations/passes/b`):\n\n"
            + table(["measure", "value"], rows, right=[False, True]) +
            "\n\nThe guidelines were written from the first documents annotated, so these "
            "figures say the guidelines are decisive rather than estimate agreement on a new "
            "article (see `annotations/README.md` in the ecbench repository).")


def leaderboard_section(markdown: str | None) -> str:
    """LEADERBOARD.md as a card subsection: its H1 and "do not edit" line dropped, headings
    moved below the card's ``###``.

    >>> print(leaderboard_section("# Board\\n\\nGenerated; do not edit by hand.\\nMicro.\\n\\n## Entities\\n\\n| a |"))
    Micro.
    <BLANKLINE>
    #### Entities
    <BLANKLINE>
    | a |
    """
    if not markdown:
        return ("No benchmark results (`benchmarks/results/LEADERBOARD.md`) were present when "
                "this folder was exported.")
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


def check_repo_id(repo_id: str) -> str:
    """``repo_id`` if it is a Hub id ``ORG/NAME``, else ``ValueError`` saying so.

    >>> check_repo_id("org/ecbench")
    'org/ecbench'
    """
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*", repo_id):
        raise ValueError(f"--repo-id: found {repo_id!r}, expected ORG/NAME (letters, digits, "
                         "'-', '_', '.')")
    return repo_id


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
                agreement: Mapping | None = None) -> str:
    """The whole README.md text. ``splits``: split -> ``hf.SplitSummary``."""
    from huggingface_hub import DatasetCard

    from .. import __version__

    if repo_id is not None:
        check_repo_id(repo_id)
    repo = repo_id or REPO_PLACEHOLDER
    documents, n_entities = counts.documents, counts.n_entities
    mention_counts, entity_counts, claim_counts = counts.mentions, counts.entities, counts.claims
    checkworthy, claimants = counts.checkworthy, counts.claimants
    n_mentions, n_claims = sum(mention_counts.values()), sum(claim_counts.values())
    persons = sorted(counts.persons)
    data = card_data(documents, infos, data_files)
    languages = ", ".join(f"`{lang}`" for lang in data.language)
    code_url = _repository_url()
    hub_url = f"https://huggingface.co/datasets/{repo}"
    licence_id, _ = hub_licence([d.licence for d in documents])

    split_rows = [[split, s.documents, s.mentions, s.claims, s.sentences, s.tokens]
                  for split, s in splits.items()]
    config_rows = [[f"`{c}`" + (" (default)" if c == "documents" else ""),
                    ", ".join(f"`{p}`" for p in data_files[c].values()) or "(none)", desc]
                   for c, desc in (("documents", "one row per document: text and every gold annotation"),
                                   ("ner", "one row per sentence: tokens and BIO `ner_tags` (conll2003 style)"),
                                   ("claims", "one row per claim, flat, with its sentence"))]
    first = next(iter(splits.values()), None)
    examples = "\n\n".join(
        f"`{c}`:\n\n```json\n{json.dumps(_short(first.examples[c], items=8 if c == 'ner' else 1), ensure_ascii=False, indent=2)}\n```"
        for c in ("documents", "ner", "claims") if first and c in first.examples
    )
    source_rows = [[d.id, d.source, d.licence] for d in documents]

    summary = (
        f"A gold-annotated news corpus for **entity and claim extraction**: {len(documents)} "
        f"document(s) in {languages}, with {n_mentions} typed entity mentions grouped into "
        f"{n_entities} entities (OntoNotes 5 labels, as spaCy uses) and {n_claims} factual claims "
        f"({sum(checkworthy.values())} marked check-worthy), each with its span, a standalone "
        "restatement, who asserts it, the attribution cue, a type and the entities it is about.")
    usage = ("" if repo_id else PLACEHOLDER_NOTE + "\n\n") + f"""```python
from datasets import load_dataset  # needs {NEEDS_DATASETS}
docs = load_dataset("{repo}")            # documents (default)
ner = load_dataset("{repo}", "ner")      # token classification
claims = load_dataset("{repo}", "claims")
```"""
    description = (
        f"{usage}\n\nGenerated from the gold JSON of the ecbench toolkit (version "
        f"{__version__}) by `ecbench export hf`; the gold files in the ecbench repository stay "
        "the source of truth, and the toolkit scores any system against them "
        "(`ecbench score --pred predictions.jsonl`).")
    if licence_id == "other":
        licence_text = (f"other: {_licence_details(documents)}")
    else:
        licence_text = (f"{ANNOTATION_LICENCE[1]} (`{licence_id}`): the annotations are "
                        f"{ANNOTATION_LICENCE[1]} by {AUTHORS}; every document text carries an "
                        "open licence that allows this (see *Source Data*).")

    structure = f"""Loading needs `{NEEDS_DATASETS}` (the parquet schemas use its `List` feature
type; 3.x reads `ner_tags` without their `ClassLabel` names).

{table(["config", "files", "rows"], config_rows)}

Offsets are Python string indices (Unicode code points), end exclusive: `text[start:end]`.
Entities are clusters of mentions *within one document* (an entity id is local to its
document), not links to a knowledge base. In `claims`, `claimant` is an entity id of the same
document or `author` (the article's own voice); `cue` is null when the claim has no
attribution cue.

`ner_tags` is a `ClassLabel` with these names, in this order (id = position): `O`, then
`B-`/`I-` for each label in the order {", ".join(f"`{lab}`" for lab in LABELS)}
({len(BIO_TAGS)} tags). Tokens are spaCy's blank English tokenizer's, split further wherever a
gold boundary falls inside a token (e.g. `2025` in `mid-2025`), so no mention is moved or lost.
BIO cannot nest: where mentions overlap, the longest is tagged; all of them are in `documents`.

### Example records

{examples}

### Labels

{table(["label", "mentions", "entities"],
       [[lab, mention_counts[lab], entity_counts[lab]] for lab in LABELS if mention_counts[lab] or entity_counts[lab]])}

### Claim types

{table(["type", "claims", "check-worthy"], [[t, claim_counts[t], checkworthy[t]] for t in CLAIM_TYPES])}

Who makes the claims:

{table(["claimant", "claims"], [[name, n] for name, n in sorted(claimants.items(), key=lambda kv: (-kv[1], kv[0]))])}

### Splits

{table(["split", "documents", "mentions", "claims", "ner sentences", "tokens"], split_rows)}

Splits are assigned per document in the corpus manifest, never within a document."""

    sections = dict(
        pretty_name=PRETTY_NAME,
        dataset_summary=summary,
        dataset_description=description,
        curators=AUTHORS,
        funded_by="No funding is recorded for this dataset.",
        shared_by=repo.split("/")[0] if repo_id else f"{AUTHORS} (the Hub namespace is to be filled in)",
        language=f"{languages} (see the `language` field of each document's metadata)",
        license=licence_text,
        repo=(f"{code_url} (toolkit, gold files and guidelines)" if code_url else
              "the ecbench toolkit and its gold files; the repository URL is not published yet "
              "(to be filled in)") + f"; this dataset: {hub_url}",
        paper="None.",
        demo="None.",
        direct_use=(
            "- Evaluating named-entity recognition and claim extraction systems on news text, "
            "with the ecbench toolkit's scorer (SemEval-2013 schemes, claim matching, bootstrap "
            "confidence intervals) or any other.\n"
            "- Error analysis: every mention, entity cluster, claim, claimant and cue is "
            "annotated, so a system's misses can be read in context.\n"
            "- Testing converters between annotation formats (the toolkit also exports CoNLL, "
            "spaCy DocBin, Label Studio and Doccano)."),
        out_of_scope_use=(
            "- **Training** models: the corpus is far too small, and texts that are not openly "
            "licensed are included for research evaluation only.\n"
            "- **Fact-checking verdicts**: a claim here is a statement someone made, marked "
            "check-worthy or not; nothing in the data says whether it is true.\n"
            "- Profiling or tracking the people named, or drawing conclusions about them.\n"
            "- Estimating performance on other domains, periods or languages."),
        dataset_structure=structure,
        curation_rationale_section=(
            "Entity extraction and claim extraction are usually benchmarked apart, on different "
            "texts. ecbench annotates both on the same news text, deeply (entity clusters, "
            "claim spans with standalone restatements, claimants and attribution cues), so a "
            "pipeline that finds who said what can be scored end to end. Depth was chosen over "
            "breadth: few documents, every annotation checked by the toolkit's validator."),
        data_collection_and_processing_section=(
            "Each document's text is stored byte for byte as obtained (`seeds/<id>.txt`, never "
            "edited; its sha256 is recorded in the corpus manifest and checked), so every "
            "offset points into the original. No filtering or normalisation was applied. The "
            "export splits sentences and tokens with spaCy's blank English pipeline (rules, no "
            "model)."),
        source_data_producers_section=(
            "Per document, in the corpus manifest's own words:\n\n"
            + table(["document", "source", "licence"], source_rows)),
        annotation_process_section=(
            _guidelines_text(guidelines) + "\n\n"
            "Each document was annotated twice, independently (the second annotator did not see "
            "the first pass), the passes were compared with the toolkit, and every difference "
            "was reconciled by the guidelines; the toolkit's validator checks every offset, "
            "slice, id and reference of the result.\n\n" + _agreement_text(agreement)),
        who_are_annotators_section=(
            "AI language models: both annotation passes and the reconciliation were made by "
            "language-model agent sessions of the ecbench project, working from the written "
            "guidelines. No human has reviewed the gold; read it as a carefully checked first "
            "version (`annotations_creators: machine-generated`)."),
        personal_and_sensitive_information=(
            "The texts name real people, public figures reported in their public roles"
            + (f" ({', '.join(persons)})" if persons else "") + ", and report political and "
            "military statements. Nothing was anonymised: the names are what the task is "
            "about."),
        bias_risks_limitations=(
            "- The texts report **claims made by governments, officials and media**. A claim "
            "in this dataset is a statement someone made; it is **not** a verdict that the "
            "claim is true.\n"
            "- Each document carries **one outlet's framing**: what it reports, whom it quotes "
            "and how it attributes are that outlet's choices. The claimant table shows whose "
            "voice dominates.\n"
            f"- The corpus is tiny ({len(documents)} document(s)); scores on it have wide "
            "confidence intervals and say little about other domains, periods or languages.\n"
            "- Systematic errors of the annotating models (see *Who are the annotators?*) "
            "would not show in the agreement figures.\n"
            "- Labels follow OntoNotes 5 conventions, which differ from CoNLL-2003 (`PER`, "
            "`ORG`, `LOC`, `MISC`)."),
        bias_recommendations=(
            "Report confidence intervals (the toolkit's bootstrap) with every score; map labels "
            "(`ecbench score --label-map conll`) before comparing with CoNLL-trained systems; "
            "do not read claims as facts; check the licence statement of each document before "
            "reusing its text."),
        citation_bibtex=f"""```bibtex
@misc{{ecbench_{YEAR},
  author       = {{{{ecbench maintainers}}}},
  title        = {{{{ecbench}}: entities and claims in news}},
  year         = {{{YEAR}}},
  howpublished = {{Hugging Face dataset}},
  url          = {{{hub_url}}},
  note         = {{Exported with ecbench {__version__}}}
}}
```""",
        citation_apa=f"ecbench maintainers. ({YEAR}). *ecbench: entities and claims in news* "
                     f"[Data set]. Hugging Face. {hub_url}",
        glossary=(
            "- **mention**: a typed span of the text naming something (OntoNotes label).\n"
            "- **entity**: the mentions of one thing within a document, grouped.\n"
            "- **claim**: a span asserting something checkable, with a standalone restatement.\n"
            "- **claimant**: who asserts the claim (an entity, or `author` for the article).\n"
            "- **cue**: the words that attribute the claim (`the agency said`).\n"
            "- **check-worthy**: whether a fact-checker would check the claim.\n"
            "- **strict / exact / partial / type**: the SemEval-2013 task 9.1 matching schemes."),
        more_information=("### Leaderboard\n\n" + leaderboard_section(leaderboard)),
        dataset_card_authors=f"{AUTHORS}; the card is generated by `ecbench export hf` from the data.",
        dataset_card_contact=(f"Open an issue in the ecbench repository ({code_url})" if code_url else
                              "Open an issue in the ecbench repository")
                             + f", or a discussion on {hub_url}.",
    )
    card = DatasetCard.from_template(data, **sections)
    return str(card) if str(card).endswith("\n") else str(card) + "\n"
