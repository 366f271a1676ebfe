"""Errors a user can act on. The CLI prints their message and exits non-zero, without a traceback."""

from pydantic import ValidationError


class SummarizerError(Exception):
    """A failure with a message meant for the user."""

    exit_code = 1


class InputError(SummarizerError):
    """The input document cannot be used (missing, binary, empty, …)."""

    exit_code = 2


class ModelError(SummarizerError):
    """A model cannot be resolved, assembled or loaded."""

    exit_code = 3


class GenerationError(SummarizerError):
    """The model produced output that could not be used, even after a retry."""

    exit_code = 4


def describe_validation(exc: ValidationError, limit: int | None = None, root: str = "input") -> str:
    """A pydantic error as one line: `field.path: message; …` (the first `limit` problems)."""
    errors = exc.errors()[:limit]
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or root}: {e['msg']}" for e in errors)
