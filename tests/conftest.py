"""Shared fixtures. The real embedded model is loaded once per session, for the `model` tests."""

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def default_runtime() -> Iterator:
    """The embedded default model in llama.cpp, two slots, as `summarize` runs it."""
    from summarizer.models import default_model
    from summarizer.runtimes import load_runtime

    with load_runtime(default_model(), parallel=2, context=4096) as runtime:
        yield runtime
