"""Find claim checks by name: the built-ins, the entry point group ``ecbench.claim_checks``
(a third party's), or ``module:Class``.

>>> [c.name for c in build("atomic,redundant")]
['atomic', 'redundant']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...plugins import load_class, registered
from ...problems import ClaimCheckError
from .base import ClaimCheck

GROUP = "ecbench.claim_checks"
#: the built-in checks, in the order the reports show them
BUILTIN = {"supported": "toolkit.scoring.claim_checks.supported:SupportedCheck",
           "standalone": "toolkit.scoring.claim_checks.standalone:StandaloneCheck",
           "atomic": "toolkit.scoring.claim_checks.atomic:AtomicCheck",
           "redundant": "toolkit.scoring.claim_checks.redundant:RedundantCheck"}
#: ``--claim-checks`` values that are not names
ALL, NONE = "all", "none"
BASE_NAME = "toolkit.scoring.claim_checks.ClaimCheck"


def available() -> dict[str, str]:
    """Check names -> where they are defined (``module:Class``), not imported: the built-ins,
    then the registered ones."""
    found = {name: point.value for name, point in registered(GROUP).items()}
    return {**BUILTIN, **{k: v for k, v in found.items() if k not in BUILTIN}}


def resolve(name_or_path: str) -> type[ClaimCheck]:
    """The class a registered name or a ``module:Class`` path names, loaded by the one plugin
    loader (``plugins.load_class``: no standard-library module imported, a wrong object named
    by its type, never its value)."""
    known = available()
    path = known.get(name_or_path, name_or_path)
    if ":" not in path:
        raise ClaimCheckError(f"unknown claim check {name_or_path!r}; available: "
                              f"{', '.join(known)} (or give module:Class, all or none)")
    return load_class(path, ClaimCheck, "claim check", ClaimCheckError, BASE_NAME)


def build(selection: str | None = ALL,
          options: Mapping[str, Mapping[str, Any]] | None = None) -> list[ClaimCheck]:
    """The checks a ``--claim-checks`` value names (comma-separated names, ``all``: the
    built-ins, ``none``: no check), each built with its ``options`` (check name -> keyword
    arguments); an option for a check not selected is an error too."""
    selection = ALL if selection is None else selection.strip()
    names = (list(BUILTIN) if selection == ALL else [] if selection == NONE else
             list(dict.fromkeys(n.strip() for n in selection.split(",") if n.strip())))
    options = dict(options or {})
    stray = sorted(set(options) - set(names))
    if stray:
        raise ClaimCheckError(f"claim check options for {', '.join(stray)}: that check is not "
                              f"selected (selected: {', '.join(names) or 'none'})")
    checks = []
    for name in names:
        cls = resolve(name)
        try:
            checks.append(cls(**dict(options.get(name, {}))))
        except TypeError as e:
            raise ClaimCheckError(f"claim check {name!r}: bad options "
                                  f"{sorted(options.get(name, {}))} ({e})") from None
    return checks
