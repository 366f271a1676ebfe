"""Models are data: TOML manifests say what a model is and where its weights come from.

Shipped manifests live in ``models/`` (inside the package once installed, see ``resources``);
users add or override models in ``user_config_dir("summarizer")/models`` and ``$SUMMARIZER_MODELS_DIR`` (``os.pathsep``-separated),
later folders winning on equal ids; ``$SUMMARIZER_MODEL`` picks the default (every variable is read through ``settings``).
Only `hub_reachable` and `pull` ever touch the network: everything else must work, and fail fast, on an offline machine.

`spec` defines a manifest, `registry` finds manifests and resolves `-m`, and `sources` has one module per
kind of weight source (PyPI parts, Hub, local path, server) behind one interface. This package imports
nothing of summarizer but `settings`, `errors` and `resources`.
"""

from .registry import default_model, load_manifest, load_manifests, manifest_dirs, resolve
from .sources import availability, disk_usage, local_path, pull, remove
from .sources.base import Progress, human_size
from .sources.hub import hub_reachable
from .spec import HubSource, ModelSpec, PathSource, PypiPart, PypiPartsSource, ServerSource, Source

__all__ = [
    "HubSource", "ModelSpec", "PathSource", "Progress", "PypiPart", "PypiPartsSource", "ServerSource", "Source",
    "availability", "default_model", "disk_usage", "hub_reachable", "human_size", "load_manifest",
    "load_manifests", "local_path", "manifest_dirs", "pull", "remove", "resolve",
]
