"""Upload an exported, checked dataset folder to the Hugging Face Hub.

``push`` refuses, before it changes anything, a missing token, a folder that fails
``hf.check_folder`` (it reads every config back) or whose card names another repository; it
then fills the Hub id into a card exported without one (put back if the upload fails) and
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
from ..problems import InputError, PushError
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


def _card_with_repo(out: Path, repo_id: str) -> tuple[str, str] | None:
    """``(the card's text, the text with the Hub id filled in)`` for a card exported without
    ``--repo-id``; None when it needs no change (or is missing: ``check_folder`` says so).
    A card that names another repository is refused (its usage snippet would load the wrong
    dataset). Nothing is written here."""
    try:
        text = (out / "README.md").read_text(encoding="utf-8")
    except OSError:
        return None
    named = repo_ids_named(text)
    if REPO_PLACEHOLDER in named:
        return text, fill_repo_id(text, repo_id)
    if named and named != {repo_id}:
        raise PushError(f"{out / 'README.md'}: the usage snippet loads "
                        f"{', '.join(sorted(named))}, not {repo_id}; re-export with "
                        f"`ecbench export hf --repo-id {repo_id}`")
    return None


def _write_card(out: Path, text: str) -> None:
    with atomic_writer(out / "README.md", inside=out) as fh:
        fh.write(text)


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
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise PushError(f"--repo-id: found {repo_id!r}, expected ORG/NAME")
    out = Path(out_dir)
    # everything that can refuse the push is asked before the card is touched: a refused push
    # leaves the folder as it was, so a later push with another id needs no new export
    card = _card_with_repo(out, repo_id)
    problems = check_folder(out_dir)  # reads only
    if problems:
        raise PushError(f"{out_dir} failed the export checks, not pushing: {problems[0]}"
                        + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    token = token or hub.get_token()
    if not token:
        raise PushError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
    files = files_to_upload(out_dir)
    api = api or hub.HfApi()
    if card is not None:
        try:
            _write_card(out, card[1])
        except InputError as e:
            raise PushError(str(e)) from None
    try:
        return _upload(api, out_dir, repo_id, files, token, private=private, create_pr=create_pr)
    except BaseException:
        if card is not None:  # not pushed: the card as it was exported
            _write_card(out, card[0])
        raise


def _upload(api, out_dir, repo_id: str, files: list[str], token: str, *, private: bool,
            create_pr: bool) -> PushResult:
    """``create_repo`` and ``upload_folder``, their failures as one-line ``PushError``s."""
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

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
