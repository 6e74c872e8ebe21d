"""PostgreSQL's own tools (pg_dump, pg_restore) run on the database of a URL.

The connection goes to them through the libpq environment (PGHOST, PGPASSWORD, ...),
never on the command line, where any user of the machine could read a password in the
process list.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

#: libpq variables for the query parameters a database URL may carry
_QUERY_VARIABLES = {"host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE",
                    "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                    "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
                    "application_name": "PGAPPNAME", "passfile": "PGPASSFILE"}


class ToolError(RuntimeError):
    """A PostgreSQL tool is missing or failed; the message says which and why."""


def tool(name: str) -> str:
    """The path of pg_dump or pg_restore: on PATH, else Debian's newest installed one."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                       key=lambda path: _version(path.parent.parent.name))
    if installed:
        return str(installed[-1])
    raise ToolError(f"{name} is not installed (Debian: apt-get install postgresql-client)")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def environment(url: str) -> dict[str, str]:
    """This process's environment plus the libpq variables naming the URL's database."""
    parsed = make_url(url)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {"PGHOST": parsed.host, "PGPORT": parsed.port, "PGUSER": parsed.username,
              "PGPASSWORD": parsed.password, "PGDATABASE": parsed.database}
    for key, value in parsed.query.items():
        if key in _QUERY_VARIABLES:
            values[_QUERY_VARIABLES[key]] = value if isinstance(value, str) else value[-1]
    env.update({key: str(value) for key, value in values.items() if value not in (None, "")})
    return env


def run(name: str, arguments: list[str], url: str) -> None:
    """Run the tool on the URL's database; raises ToolError with its own message."""
    command = [tool(name), *arguments]
    result = subprocess.run(command, env=environment(url), capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ToolError(f"{name} failed: {detail[0] if detail else f'exit {result.returncode}'}")
