"""The tests that need an extra outside the ``test`` set (torch through ``semantic``, Ray, the
Label Studio SDK) skip without it, naming the set that installs it; CI installs ``test-full``."""

from __future__ import annotations

import pytest

from toolkit.runtime import installed

FULL = "pip install -e '.[test-full]' (README: torch's CPU build first)"


def needs(module: str, extra: str):
    """A mark: skip the test unless ``module`` (of ``extra``) is installed."""
    return pytest.mark.skipif(not installed(module),
                              reason=f"needs {module}, the {extra} extra: {FULL}")


def require(module: str, extra: str):
    """``module`` imported, or the whole test module skipped naming the extra."""
    return pytest.importorskip(module, reason=f"needs {module}, the {extra} extra: {FULL}")
