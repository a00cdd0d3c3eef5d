"""robots.jp as a package: its public names, and no Prefect."""

from __future__ import annotations

import subprocess
import sys

import robots.jp
from robots.settings import PROJECT_ROOT


def test_all_names_exist() -> None:
    assert len(set(robots.jp.__all__)) == len(robots.jp.__all__)
    for name in robots.jp.__all__:
        assert hasattr(robots.jp, name), name


def test_importing_robots_jp_and_validation_does_not_import_prefect() -> None:
    code = (
        "import sys, robots.jp, robots.validation; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'prefect']; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=PROJECT_ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
