"""The fact gate's analyses of statements (``gate.Statement``: numbers, dates, negation,
stance) kept on disk between runs, as the semantic matcher keeps its embeddings: a warm run
reads them back instead of analysing every statement again (about 0.2 ms a statement, more
than the rest of the gate once the embeddings are cached).

Where: ``CACHE_DIR/gate-IDENTITY/``, ``CACHE_DIR`` the matcher's (``ClaimMatcher.cache_dir``:
the semantic matcher's embedding cache), ``IDENTITY`` a digest of what the analysis depends
on (``identity``: ``gate.ANALYSIS_VERSION``, a digest of the analysing modules' source, and
which lexicon packages are installed, with their versions), so an analysis made by other code or other lexicons is never read. One shard
per run that analysed new statements, written atomically (msgpack, by msgspec: data only, no
code runs on reading it); writing one removes the shards of all but the most recent other
identity (``prune``). A shard is untrusted input: one larger than ``MAX_SHARD_BYTES``, one
that does not decode to the shard's schema, or one of another identity is skipped (its
statements are analysed again); a folder that cannot be written only leaves the next run cold.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import msgspec

from ..io.jsonl import atomic_writer
from ..problems import InputError
from ..runtime import collector_paused
from . import gate, lexicons, stance
from .gate import ANALYSIS_VERSION, Statement, analysed

#: a shard larger than this is not read (a run's shard of 20,000 statements is about 10 MB)
MAX_SHARD_BYTES = 256 * 1024 * 1024
SUFFIX = ".msgpack"
#: how many folders of other identities (an earlier ecbench, other lexicons) the cache keeps
#: beside this one's, the most recently written first: the others' shards are removed when this
#: identity writes one, so upgrades do not pile up analyses no run reads any more
KEEP_OTHER_IDENTITIES = 1
#: the name of an identity's folder (``folder``)
_FOLDER_NAME = re.compile(r"gate-[0-9a-f]{16}")


class Shard(msgspec.Struct, forbid_unknown_fields=True):
    """One file of the cache: the identity it was written under, and text -> analysis."""

    identity: str
    statements: dict[str, Statement]


_DECODER = msgspec.msgpack.Decoder(Shard)


@lru_cache(maxsize=4)
def _identity(available: tuple[tuple[str, bool], ...]) -> str:
    from importlib.metadata import PackageNotFoundError, version

    def installed(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:  # found on the path without its metadata
            return "unknown version"

    packages = [f"{lexicons.PACKAGES[name]} {installed(lexicons.PACKAGES[name]) if present else 'absent'}"
                for name, present in available]
    code = hashlib.sha256()
    for module in (gate, stance, lexicons):  # a change the version constant missed
        try:
            code.update(Path(module.__file__).read_bytes())
        except (OSError, TypeError):  # no source file: the version constant alone
            code.update(module.__name__.encode())
    return (f"ecbench gate analysis {ANALYSIS_VERSION} (code {code.hexdigest()[:16]}); "
            + "; ".join(packages))


def identity() -> str:
    """What the analyses depend on: the analysis version (and the source of the modules that
    analyse: ``gate``, ``stance``, ``lexicons``), and each lexicon package (its version, or
    absent)."""
    return _identity(tuple(sorted(lexicons.available().items())))


def folder(cache_dir: str | Path) -> Path:
    """The folder of this identity's shards inside ``cache_dir``."""
    return Path(cache_dir) / f"gate-{hashlib.sha256(identity().encode()).hexdigest()[:16]}"


def read(where: Path, wanted: set[str]) -> dict[str, Statement]:
    """The analyses of ``wanted`` texts the shards in ``where`` hold (those of this identity
    that can be read)."""
    found: dict[str, Statement] = {}
    if not where.is_dir():
        return found
    expected = identity()
    for shard in sorted(where.glob("*" + SUFFIX)):
        try:
            if shard.stat().st_size > MAX_SHARD_BYTES:
                continue
            with collector_paused():  # a million small objects, no cycle among them
                data = _DECODER.decode(shard.read_bytes())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            continue  # an unreadable shard only costs analysing its statements again
        if data.identity != expected:
            continue
        found.update((t, s) for t, s in data.statements.items() if t in wanted)
    return found


def write(where: Path, analyses: dict[str, Statement]) -> None:
    """One new shard with these analyses (nothing when the folder cannot be written)."""
    if not analyses:
        return
    name = hashlib.sha256("\n".join(sorted(analyses)).encode()).hexdigest()[:16] + SUFFIX
    try:
        with atomic_writer(where / name, "wb") as fh:
            fh.write(msgspec.msgpack.encode(Shard(identity(), analyses)))
        prune(where)
    except (OSError, InputError):
        pass  # a read-only cache: scoring goes on, the next run analyses them again


def prune(where: Path) -> None:
    """Remove the shards of the identity folders beside ``where`` but the
    ``KEEP_OTHER_IDENTITIES`` most recently written, and each folder left empty; nothing but
    shards in folders named as ``folder`` names them is touched."""
    others = [f for f in where.parent.iterdir()
              if f != where and f.is_dir() and _FOLDER_NAME.fullmatch(f.name)]
    others.sort(key=lambda f: f.stat().st_mtime, reverse=True)
    for stale in others[KEEP_OTHER_IDENTITIES:]:
        for shard in stale.glob("*" + SUFFIX):
            shard.unlink(missing_ok=True)
        try:
            stale.rmdir()
        except OSError:
            pass  # something else is in it: left as it is


def prepare(texts: Iterable[str], cache_dir: str | Path | None) -> None:
    """Make the gate's analysis of every text ready (``gate.analysed``): read from the shards
    in ``cache_dir``, the others analysed now and written there as one new shard. Without a
    ``cache_dir`` nothing is done: the gate analyses a text when it first reads it, and only
    the texts of the pairs it reads."""
    if not cache_dir:
        return
    todo = {t for t in texts if t not in analysed.known}
    if not todo:
        return
    where = folder(cache_dir)
    found = read(where, todo)
    analysed.remember(found)
    write(where, {t: analysed(t) for t in sorted(todo - found.keys())})
