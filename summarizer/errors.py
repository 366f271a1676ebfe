"""Errors a user can act on. The CLI prints their message and exits non-zero, without a traceback."""


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
