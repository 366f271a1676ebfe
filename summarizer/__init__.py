"""summarizer: offline French news → English translations and decision briefs on local open models."""

from pathlib import Path

__version__ = "0.1.0"

#: Repository data folders (model manifests, prompt templates) sit beside the package.
ROOT = Path(__file__).resolve().parent.parent
