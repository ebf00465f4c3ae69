"""Fixtures several test modules share."""

from __future__ import annotations

import pytest


@pytest.fixture
def hf_offline(monkeypatch, tmp_path):
    """Hugging Face libraries offline, with a private cache: a test can never reach the Hub."""
    import datasets

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    datasets.disable_progress_bars()
