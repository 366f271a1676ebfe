"""The install is reproducible: every range in pyproject.toml is pinned, compatibly, in the lock."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt pins exact versions only: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def test_lock_pins_every_requirement_of_pyproject_compatibly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    pins = _pins()
    problems = []
    for text in requirements:
        req = Requirement(text)
        pinned = pins.get(canonicalize_name(req.name))
        if pinned is None:
            problems.append(f"{req.name} is not in constraints.txt")
        elif not req.specifier.contains(pinned, prereleases=True):
            problems.append(f"{req.name}=={pinned} does not satisfy {req}")
    assert not problems, "constraints.txt disagrees with pyproject.toml (run bash .ci/lock): " + "; ".join(problems)


def test_html_extraction_dependencies_are_declared():
    """trafilatura needs lxml.html.clean, which lxml 6 no longer provides: pyproject must name it."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert "lxml-html-clean" in {canonicalize_name(Requirement(d).name) for d in deps}


def test_the_wheel_ships_manifests_and_prompts():
    """pyproject maps models/ and prompts/ into the package, where `data_dir` looks first."""
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]
    assert build["targets"]["wheel"]["force-include"] == {
        "models": "summarizer/_data/models", "prompts": "summarizer/_data/prompts"}
    from summarizer.resources import data_dir

    assert (data_dir("models") / "qwen2.5-coder-1.5b-instruct-q4km.toml").is_file()
    assert (data_dir("prompts") / "glossary.toml").is_file()
