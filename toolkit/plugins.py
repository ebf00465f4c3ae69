"""Load a plugin class named ``module:Class`` (``-e``, ``--claim-match``): the one loader every
plugin registry uses, so the same policy holds everywhere.

The policy (docs/security.md): a plugin is a class in an installed module or a module in the
working directory, named by dotted Python identifiers. Refused before anything is imported: a
malformed name (``..x:Y``) and a module of Python's standard library (``os:environ``,
``builtins:print``, ``this:x``: none holds a plugin, and importing ``this`` would run it). After
the import, what was found must be a subclass of the plugin base; otherwise the message names
its type, never its value (``os:environ`` would print the environment, keys included).
Registered plugins (entry points) are found by ``registered`` and ``registered_as`` (ecbench's
own registrations win a name another package registers too) and loaded by the registries
themselves.

>>> load_class("toolkit.problems:InputError", Exception, "plugin", ValueError, "Exception").__name__
'InputError'
"""

from __future__ import annotations

import importlib
import importlib.util
import keyword
import os
import sys
from importlib.metadata import EntryPoint, PackageNotFoundError, distribution, entry_points

#: the distribution whose entry points register the built-in plugins
DISTRIBUTION = "ecbench"


def registered(group: str) -> dict[str, EntryPoint]:
    """Every plugin registered in ``group``, by name, not imported: every installed
    distribution's, ecbench's own where another registers the same name."""
    return {**_everyones(group), **_own(group)}


def registered_as(group: str, name: str) -> EntryPoint | None:
    """The plugin registered as ``name`` in ``group``, not imported: ecbench's own, read from
    its one distribution (a built-in name needs no scan of every installed package's entry
    points), else any distribution's; None when none is."""
    return _own(group).get(name) or _everyones(group).get(name)


def _everyones(group: str) -> dict[str, EntryPoint]:
    """Every installed distribution's entry points of ``group``, by name (the scan)."""
    return {ep.name: ep for ep in sorted(entry_points(group=group), key=lambda ep: ep.name)}


def _own(group: str) -> dict[str, EntryPoint]:
    try:
        points = distribution(DISTRIBUTION).entry_points
    except PackageNotFoundError:  # a checkout that was never installed
        return {}
    return {ep.name: ep for ep in points if ep.group == group}


def is_dotted_name(name: str) -> bool:
    """``a.b_c`` yes; ``..x``, ``a-b``, ``class`` no.

    >>> is_dotted_name("pkg.mod"), is_dotted_name("..x"), is_dotted_name("")
    (True, False, False)
    """
    parts = name.split(".")
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in parts)


def load_class(path: str, base: type, what: str, error: type[Exception], base_name: str) -> type:
    """The class ``path`` (``module:Class``, ``module:Outer.Inner``) names, checked to be a
    subclass of ``base`` (called ``base_name`` in messages); ``error`` (one line naming ``what``
    and ``path``) otherwise."""
    module, _, attr = path.partition(":")
    if not (is_dotted_name(module) and is_dotted_name(attr)):
        raise error(f"{what} {path!r}: expected module:Class, both dotted Python names")
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        raise error(f"{what} {path!r}: {top!r} is a module of Python's standard library, which holds "
                    "no plugin (it is not imported)")
    if "" not in sys.path and os.getcwd() not in sys.path:
        # module:Class finds modules in the working directory, as ``python -m`` does (the
        # ``ecbench`` script's own folder is on sys.path instead)
        sys.path.insert(0, "")
    if importlib.util.find_spec(top) is None:
        raise error(f"{what} {path!r}: cannot import module {module!r} (No module named {top!r})")
    try:
        obj = importlib.import_module(module)
    except ImportError as e:
        raise error(f"{what} {path!r}: cannot import module {module!r} ({e})") from None
    except Exception as e:  # third-party code failing at import: one line, not a traceback
        raise error(f"{what} {path!r}: importing module {module!r} failed: {type(e).__name__}: {e}") from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise error(f"{what} {path!r}: module {module!r} has no {attr!r}") from None
    return checked_class(obj, path, base, what, error, base_name)


def checked_class(obj: object, path: str, base: type, what: str, error: type[Exception],
                  base_name: str) -> type:
    """``obj`` if it is a subclass of ``base``; else ``error`` naming what was found by its type
    (a value could be a secret)."""
    if isinstance(obj, type) and issubclass(obj, base):
        return obj
    found = f"the class {obj.__qualname__!r}" if isinstance(obj, type) else f"a {type(obj).__name__!r} object"
    raise error(f"{what} {path!r}: found {found}, expected a subclass of {base_name}")
