"""Commands the app prints for a person to type work as printed (issue 14: newcomer
friction): in a plain shell at the project's root, with no DJANGO_ variable set."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from core.management.commands.demo_accounts import manage_py

ROOT = Path(__file__).resolve().parent.parent


def shell_environment(**env: str) -> dict[str, str]:
    """A newcomer's shell: none of the variables make exports."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return environment


def test_the_hint_names_this_python_and_debug_in_development(settings):
    settings.DEBUG = True
    words = shlex.split(manage_py("changepassword", "committee"))
    assert words[0] == "DJANGO_DEBUG=1"
    assert (ROOT / words[1]).absolute() == Path(sys.executable).absolute()  # not `python`
    assert words[2:] == ["manage.py", "changepassword", "committee"]
    settings.DEBUG = False  # production: the server's own variables are set
    assert shlex.split(manage_py("changepassword", "committee"))[0] != "DJANGO_DEBUG=1"


def test_the_changepassword_hint_of_demo_accounts_runs_as_printed(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'newcomer.sqlite3'}"}
    # As `make run` runs them: DJANGO_DEBUG=1 comes from the Makefile.
    for command in (["migrate", "-v0"], ["demo_accounts"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=shell_environment(DJANGO_DEBUG="1", **database),
            check=True,
            capture_output=True,
            timeout=120,
        )
    again = subprocess.run(
        [sys.executable, "manage.py", "demo_accounts"],
        cwd=ROOT,
        env=shell_environment(DJANGO_DEBUG="1", **database),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    hint = re.search(r"^\s*committee .*: (\S.*changepassword committee)$", again, re.MULTILINE)
    assert hint, again
    # Typed in a shell without make's variables; no terminal, so the password is read from
    # standard input (getpass falls back to it).
    typed = subprocess.run(
        ["bash", "-c", hint.group(1)],
        cwd=ROOT,
        env=shell_environment(**database),
        input="a-new-password-long-enough\n" * 2,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )
    assert typed.returncode == 0, typed.stderr
    assert "Password changed successfully for user 'committee'" in typed.stdout
