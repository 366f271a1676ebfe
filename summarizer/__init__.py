"""summarizer: offline French news → English translations and decision briefs on local open models."""

from importlib.metadata import PackageNotFoundError, version

try:  # one version, pyproject's, read from the installed distribution's metadata
    __version__ = version("summarizer-fr-en")
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"
