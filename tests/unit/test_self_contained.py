"""The project carries everything its code and tests read: a clone anywhere passes.

Nothing may point outside the project: not at a ``shared`` folder beside it (which exists only on
the developers' machines) and not at an absolute path of the machine the clone sits on.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.paths import PROJECT_ROOT, SLACK_REFERENCE

# Built from parts so that this file does not match itself.
OUTSIDE = ("../" + "shared", "shared" + "/reference", "shared" + "/trackingtime-api")


def project_files() -> list[Path]:
    """The files git tracks (a clone's files), or every file when this is no git checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        skipped = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
        return [
            p
            for p in PROJECT_ROOT.rglob("*")
            if p.is_file() and not skipped & set(p.relative_to(PROJECT_ROOT).parts)
        ]
    return [PROJECT_ROOT / name for name in listed.decode().split("\0") if name]


def texts() -> list[tuple[Path, str]]:
    found = []
    for path in project_files():
        if not path.is_file() or SLACK_REFERENCE in path.parents:
            continue  # vendored upstream data is left byte for byte as published
        try:
            found.append((path, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return found


def test_nothing_refers_to_a_folder_outside_the_project() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}: {needle}"
        for path, text in texts()
        for needle in OUTSIDE
        if needle in text
    ]
    assert offenders == []


def test_no_absolute_path_of_this_machine() -> None:
    here = f"{PROJECT_ROOT.resolve().parent}/"
    offenders = [str(path.relative_to(PROJECT_ROOT)) for path, text in texts() if here in text]
    assert offenders == []


@pytest.mark.parametrize(
    "folder", ["manifest-schema", "blockkit-schema", "payload-samples", "view-fixtures", "web-api"]
)
def test_vendored_reference_data_keeps_its_license(folder: str) -> None:
    licenses = list((SLACK_REFERENCE / folder).glob("LICENSE*"))
    assert licenses and "MIT License" in licenses[0].read_text()
    assert f"`{folder}/`" in (SLACK_REFERENCE / "README.md").read_text()
