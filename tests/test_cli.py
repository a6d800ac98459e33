"""The command line, run as a user runs it: a separate process on a temporary data folder."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def qualcode(*args: str, data_dir: Path, url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QUALCODE_DATA_DIR=str(data_dir))
    env.pop("QUALCODE_DATABASE_URL", None)
    if url:
        env["QUALCODE_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "qualcode", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_migrate_demo_info(tmp_path):
    result = qualcode("migrate", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "qualcode.sqlite3").exists()
    result = qualcode("demo", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Demo project created" in result.stdout
    again = qualcode("demo", data_dir=tmp_path)
    assert "refreshed" in again.stdout and "0 documents added" in again.stdout
    info = qualcode("info", data_dir=tmp_path)
    assert info.returncode == 0
    assert "Demo: SIGAP 112" in info.stdout
    revision = re.search(r"schema revision: (\S+) \(head (\S+)\)", info.stdout)
    assert revision and revision.group(1) == revision.group(2)


def test_setup_if_empty_loads_the_demo_once(tmp_path):
    first = qualcode("setup", "--if-empty", data_dir=tmp_path)
    assert first.returncode == 0 and "demo project loaded" in first.stdout
    steps = [line for line in first.stdout.splitlines() if line.startswith("==> ")]
    assert [s.split()[1] for s in steps] == ["Database:", "Migrating", "Database", "Loading", "Database"], steps
    assert "qualcode.sqlite3" in steps[0] and re.search(r"\d+ documents…", steps[3])
    second = qualcode("setup", "--if-empty", data_dir=tmp_path)
    assert second.returncode == 0 and "1 project(s)" in second.stdout


def test_setup_never_shows_a_database_password(tmp_path):
    url = "postgresql://qualcode:s3cret-pw@127.0.0.1:1/none"
    result = qualcode("setup", data_dir=tmp_path, url=url)
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert "qualcode:***@127.0.0.1:1/none" in result.stdout


def test_unknown_command_fails_with_usage(tmp_path):
    result = qualcode("frobnicate", data_dir=tmp_path)
    assert result.returncode == 2 and "invalid choice" in result.stderr
