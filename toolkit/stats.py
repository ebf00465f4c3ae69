"""Count tables of a corpus (what ``ecbench stats`` prints). Pure: data in, DataFrames out."""

from __future__ import annotations

import pandas as pd

from .io.corpus import Corpus


def corpus_stats(corpus: Corpus) -> dict[str, pd.DataFrame]:
    """Count tables of a corpus: overview, documents, mentions by label, entities by type,
    claims by type and by claimant."""
    mentions = corpus.mentions_frame()
    claims = corpus.claims_frame()
    entities = pd.DataFrame(
        [{"doc_id": d.id, **e.model_dump()} for d in corpus if d.gold for e in d.gold.entities],
        columns=["doc_id", "id", "name", "type"])
    names = {(row.doc_id, row.id): row.name for row in entities.itertuples()}

    documents = pd.DataFrame([{
        "document": d.id, "split": d.meta.split, "characters": len(d.text),
        "mentions": len(d.gold.mentions) if d.gold else 0,
        "entities": len(d.gold.entities) if d.gold else 0,
        "claims": len(d.gold.claims) if d.gold else 0,
    } for d in corpus],
        columns=["document", "split", "characters", "mentions", "entities", "claims"])

    def counts(series: pd.Series, name: str) -> pd.DataFrame:
        table = series.value_counts().rename_axis(name).reset_index(name="count")
        table["share"] = (table["count"] / max(len(series), 1)).round(3)
        return table.sort_values(["count", name], ascending=[False, True], ignore_index=True)

    claimants = claims.apply(
        lambda c: c.claimant if c.claimant == "author"
        else f"{names.get((c.doc_id, c.claimant), c.claimant)} ({c.claimant})", axis=1
    ) if len(claims) else pd.Series([], dtype=str)
    overview = pd.DataFrame([
        ("documents", len(documents)),
        ("characters", int(documents["characters"].sum())),
        ("mentions", len(mentions)),
        ("entities", len(entities)),
        ("claims", len(claims)),
        ("check-worthy claims", int(claims["checkworthy"].sum()) if len(claims) else 0),
    ], columns=["measure", "count"])
    return {
        "overview": overview,
        "documents": documents,
        "mentions by label": counts(mentions["label"], "label"),
        "entities by type": counts(entities["type"], "type"),
        "claims by type": counts(claims["type"], "type"),
        "claims by claimant": counts(claimants, "claimant"),
    }
