"""Fixtures for the workflow tests: a tiny index of our own Alpha model, git repositories.

The reference code under data/alpha/ was written for these tests.  The index is built
once per session with ``lineage.api.build`` from a manifest naming that directory.
Repositories are real git repositories in tmp_path, with an isolated git configuration.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import git
import pytest
from click.testing import CliRunner, Result

from lineage import api
from lineage.cli.audit import audit
from lineage.cli.baseline import baseline
from lineage.cli.history import history
from lineage.cli.hook import hook
from lineage.cli.verify import verify
from tests.fixture_notices import copy_with_notices, with_notice

DATA = Path(__file__).parent / "data"
REFERENCE = DATA / "alpha" / "modeling_alpha.py"
ZHIPU_LINE = "# Copyright 2025 The Zhipu AI team. All rights reserved."
ACME_LINE = "# Copyright 2025 Acme Corp. All rights reserved."
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_TERMINAL_PROMPT": "0",
}

ORIGINAL = '''"""Helpers of our own: nothing here comes from a reference."""

from __future__ import annotations


def count_tokens(batches: list[list[int]], pad: int = 0) -> dict[str, int]:
    total = 0
    padded = 0
    for batch in batches:
        for token in batch:
            if token == pad:
                padded += 1
            else:
                total += 1
    return {"tokens": total, "padding": padded, "batches": len(batches)}


def schedule(step: int, warmup: int, peak: float, floor: float, horizon: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, horizon - warmup))
    return floor + (peak - floor) * (1.0 - progress) ** 2
'''


@dataclass
class Repo:
    path: Path
    repo: git.Repo

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def add(self, *rels: str) -> None:
        self.repo.git.add("--", *rels)

    def commit(self, message: str, *, date: str = "", author: str = "Test") -> str:
        env = {"GIT_AUTHOR_NAME": author, "GIT_COMMITTER_NAME": author}
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        with self.repo.git.custom_environment(**env):
            self.repo.git.commit("-q", "-m", message)
        return self.repo.head.commit.hexsha


def reference_text() -> str:
    return with_notice(REFERENCE)


def renamed_copy(holder_line: str = ACME_LINE) -> str:
    """The reference with its classes renamed and its notice swapped: a concealed copy."""
    text = reference_text().replace(ZHIPU_LINE, holder_line)
    return re.sub(r"\bAlpha", "Beta", text).replace("alpha_", "beta_").replace("ALPHA_", "BETA_")


def unit_source(name: str) -> str:
    """The source of one top-level def/class of the reference, by name."""
    lines = reference_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"(class|def) {name}\b", line))
    end = start + 1
    while end < len(lines) and (not lines[end] or lines[end].startswith((" ", ")"))):
        end += 1
    return "\n".join(lines[start:end]).rstrip() + "\n"


@pytest.fixture(scope="session")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("index")
    data = copy_with_notices(DATA, where / "data")
    manifest = where / "fix.toml"
    manifest.write_text(
        f'[source]\nname = "fix"\nkind = "dir"\npath = "{data}"\nlicence = "Apache-2.0"\n\n'
        '[[family]]\nname = "alpha"\ninclude = ["alpha/*.py"]\norg = "Zhipu AI"\nfirst_seen = "2025-07-28"\n',
        encoding="utf-8",
    )
    out = where / "fix.lineage"
    api.build([manifest], out, workers=1)
    return out


@pytest.fixture(autouse=True)
def git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith("LINEAGE_")]:
        monkeypatch.delenv(key)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    """A repository with one committed original file; the working directory is its root."""
    path = tmp_path / "project"
    path.mkdir()
    handle = git.Repo.init(path, initial_branch="main")
    r = Repo(path, handle)
    r.write("pkg/helpers.py", ORIGINAL)
    r.add("pkg/helpers.py")
    r.commit("initial")
    monkeypatch.chdir(path)
    yield r
    handle.close()


@click.group()
def cli() -> None:
    """Local group for the workflow commands (the lead registers them on the real one)."""


for _command in (hook, baseline, audit, verify, history):
    cli.add_command(_command)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
