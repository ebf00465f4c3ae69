"""Commands: export_cmds (registered on toolkit.cli.app)."""

from . import app  # noqa: F401
