"""Upload an exported, checked dataset folder to the Hugging Face Hub.

``push`` fills the Hub id into a card exported without one, refuses a folder that fails
``hf.check_folder`` (it reads every config back) or whose card names another repository, then
calls ``HfApi.create_repo`` and ``HfApi.upload_folder`` with only the files the card lists
(plus README.md and GUIDELINES.md); parquet files on the Hub that are no longer part of the
export are deleted in the same commit. The token comes from ``HF_TOKEN`` or the
``huggingface_hub`` login.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..io.jsonl import atomic_writer
from ..problems import PushError
from ..runtime import import_extra
from .card import REPO_PLACEHOLDER, fill_repo_id, repo_ids_named
from .evalresults import EVAL_YAML
from .hf import check_folder

NEEDED_BY = "push"


@dataclass(frozen=True)
class PushResult:
    repo_id: str
    files: tuple[str, ...]
    commit_url: str | None
    pr_url: str | None


def files_to_upload(out_dir: str | os.PathLike) -> list[str]:
    """README.md, GUIDELINES.md and eval.yaml (the Hub's benchmark file) if present, and every
    data file the card's configs list."""
    DatasetCard = import_extra("huggingface_hub", NEEDED_BY).DatasetCard
    out = Path(out_dir)
    card = DatasetCard.load(out / "README.md")
    files = ["README.md", *(name for name in ("GUIDELINES.md", EVAL_YAML) if (out / name).is_file())]
    for config in card.data.get("configs") or []:
        for entry in config.get("data_files") or []:
            paths = entry["path"] if isinstance(entry["path"], list) else [entry["path"]]
            files += paths
    return files


def _name_repo_in_card(out: Path, repo_id: str) -> None:
    """Fill the Hub id into a card exported without ``--repo-id``; refuse a card that names
    another repository (its usage snippet would load the wrong dataset)."""
    card = out / "README.md"
    try:
        text = card.read_text(encoding="utf-8")
    except OSError:
        return  # check_folder reports the missing card
    named = repo_ids_named(text)
    if REPO_PLACEHOLDER in named:
        with atomic_writer(card) as fh:
            fh.write(fill_repo_id(text, repo_id))
    elif named and named != {repo_id}:
        raise PushError(f"{card}: the usage snippet loads {', '.join(sorted(named))}, not "
                        f"{repo_id}; re-export with `ecbench export hf --repo-id {repo_id}`")


def _network_errors() -> tuple[type[BaseException], ...]:
    # huggingface_hub speaks HTTP through httpx2 (1.x: httpx); both raise TransportError
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError]
    for module in ("httpx2", "httpx"):
        try:
            errors.append(__import__(module).TransportError)
        except (ImportError, AttributeError):
            pass
    return tuple(errors)


def push(out_dir: str | os.PathLike, repo_id: str, *, private: bool = False,
         create_pr: bool = False, token: str | None = None, api=None) -> PushResult:
    """Check ``out_dir``, create the dataset repo if needed and upload the folder."""
    hub = import_extra("huggingface_hub", NEEDED_BY)
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise PushError(f"--repo-id: found {repo_id!r}, expected ORG/NAME")
    _name_repo_in_card(Path(out_dir), repo_id)
    problems = check_folder(out_dir)
    if problems:
        raise PushError(f"{out_dir} failed the export checks, not pushing: {problems[0]}"
                        + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    token = token or hub.get_token()
    if not token:
        raise PushError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
    files = files_to_upload(out_dir)
    api = api or hub.HfApi()
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True, token=token)
        commit = api.upload_folder(
            repo_id=repo_id, repo_type="dataset", folder_path=str(out_dir), token=token,
            allow_patterns=files, delete_patterns=["*.parquet"], create_pr=create_pr,
            commit_message="Update dataset from `ecbench export hf`")
    except OfflineModeIsEnabled:
        raise PushError("cannot push: HF_HUB_OFFLINE is set (offline mode)") from None
    except HfHubHTTPError as e:
        status = e.response.status_code if getattr(e, "response", None) is not None else "?"
        hint = " (is the token valid, with write access to this namespace?)" if status in (401, 403) else ""
        raise PushError(f"the Hub refused the push of {repo_id}: HTTP {status}{hint}: "
                        f"{str(e).splitlines()[0]}") from None
    except _network_errors() as e:
        raise PushError(f"cannot reach the Hugging Face Hub ({type(e).__name__}: {e}); "
                        "check the network and try again") from None
    return PushResult(repo_id, tuple(files), getattr(commit, "commit_url", None),
                      getattr(commit, "pr_url", None))
