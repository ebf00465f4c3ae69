"""What the tests ask of a command that fails on bad input, in one place: exit status 1, one
``error:`` line on stderr naming what went wrong, and no traceback anywhere."""

from __future__ import annotations


def one_line(result, *needles: str) -> str:
    """The error line of a failed ``CliRunner`` result, after checking its shape and that it
    names every needle."""
    assert result.exit_code == 1, result.output
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in message, message
    return message
