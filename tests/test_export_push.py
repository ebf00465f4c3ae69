"""push: checks the folder, then create_repo + upload_folder (patched: no network here), and
says in one line why it cannot push (no token, offline, refused, bad folder)."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import datasets
import pytest
from test_export_fixture import load_fixture

from toolkit.export.hf import export_hf
from toolkit.export.push import push
from toolkit.problems import PushError


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    datasets.disable_progress_bars()
    out = tmp_path_factory.mktemp("hf")
    export_hf(load_fixture(tmp_path_factory.mktemp("corpus")), out)
    return out


def fake_api(**errors):
    api = mock.Mock()
    api.create_repo.side_effect = errors.get("create_repo")
    api.upload_folder.return_value = SimpleNamespace(commit_url="https://hub/c/1", pr_url=None)
    return api


def test_push_uploads_the_checked_files(folder):
    api = fake_api()
    result = push(folder, "org/ecbench", private=True, create_pr=True, token="hf_x", api=api)
    api.create_repo.assert_called_once_with("org/ecbench", repo_type="dataset", private=True,
                                            exist_ok=True, token="hf_x")
    kwargs = api.upload_folder.call_args.kwargs
    assert kwargs["repo_type"] == "dataset" and kwargs["create_pr"] is True
    assert kwargs["folder_path"] == str(folder)
    expected = {"README.md", "eval.yaml",
                *(p.relative_to(folder).as_posix() for p in folder.glob("*/*.parquet"))}
    assert set(kwargs["allow_patterns"]) == expected == set(result.files)
    assert len(expected) == 8  # README, the Hub's benchmark file, 3 configs x 2 splits


def test_push_without_a_token_says_so(folder, monkeypatch):
    monkeypatch.setattr("huggingface_hub.get_token", lambda: None)
    api = fake_api()
    with pytest.raises(PushError, match="no Hugging Face token: set HF_TOKEN"):
        push(folder, "org/ecbench", api=api)
    api.create_repo.assert_not_called()


def test_push_when_the_network_fails(folder):
    import httpx2

    api = fake_api(create_repo=httpx2.ConnectError("Name or service not known"))
    with pytest.raises(PushError, match=r"cannot reach the Hugging Face Hub \(ConnectError"):
        push(folder, "org/ecbench", token="hf_x", api=api)
    from huggingface_hub.errors import OfflineModeIsEnabled

    api = fake_api(create_repo=OfflineModeIsEnabled("offline"))
    with pytest.raises(PushError, match="HF_HUB_OFFLINE is set"):
        push(folder, "org/ecbench", token="hf_x", api=api)
    api.upload_folder.assert_not_called()


def test_push_when_the_hub_refuses(folder):
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    response = httpx2.Response(401, request=httpx2.Request("POST", "https://huggingface.co/api/repos/create"))
    api = fake_api(create_repo=HfHubHTTPError("401 Unauthorized", response=response))
    with pytest.raises(PushError, match="HTTP 401 .is the token valid"):
        push(folder, "org/ecbench", token="hf_bad", api=api)


def test_push_refuses_a_bad_folder(tmp_path):
    api = fake_api()
    with pytest.raises(PushError, match="failed the export checks, not pushing: .*no README.md"):
        push(tmp_path, "org/ecbench", token="hf_x", api=api)
    with pytest.raises(PushError, match="--repo-id: found 'ecbench', expected ORG/NAME"):
        push(tmp_path, "ecbench", token="hf_x", api=api)
    api.create_repo.assert_not_called()
