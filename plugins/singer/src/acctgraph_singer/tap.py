"""Running a Singer tap: ``tap --config FILE [--state FILE] [--catalog FILE]`` as a subprocess whose
stdout is read line by line as Singer messages (SCHEMA, RECORD, STATE ...).

The configuration and state files live in a private temporary directory for the run only. A read
stopped early (the generator closed) kills the tap; a tap that exits non-zero raises :class:`TapFailed`
with the end of what it wrote to stderr.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

logger = logging.getLogger("acctgraph.singer")


class TapFailed(Exception):
    """The tap exited with a non-zero status."""

    def __init__(self, status: int, stderr_tail: str) -> None:
        self.status, self.stderr_tail = status, stderr_tail
        super().__init__(f"exit status {status}: {stderr_tail}")


def _private_file(directory: Path, name: str, content: Mapping[str, Any]) -> Path:
    path = directory / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(content, handle)
    return path


def _tail(path: Path, lines: int = 3) -> str:
    with path.open(errors="replace") as handle:
        last = deque((line.strip() for line in handle if line.strip()), maxlen=lines)
    return " | ".join(last) or "(nothing on stderr)"


def run_tap(
    executable: str,
    config: Mapping[str, Any],
    state: Mapping[str, Any] | None = None,
    catalog: tuple[str, Path] | None = None,
) -> Iterator[dict[str, Any]]:
    """The tap's messages, in order; ``catalog`` is ``("catalog" | "properties", path)``."""
    with tempfile.TemporaryDirectory(prefix="acctgraph-singer-") as name:
        directory = Path(name)
        command = [executable, "--config", str(_private_file(directory, "config.json", config))]
        if state:
            command += ["--state", str(_private_file(directory, "state.json", state))]
        if catalog is not None:
            command += [f"--{catalog[0]}", str(catalog[1])]
        stderr_path = directory / "stderr.log"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1)
            try:
                yield from _messages(process)
                status = process.wait()
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
                if process.stdout is not None:
                    process.stdout.close()
        if status != 0:
            raise TapFailed(status, _tail(stderr_path))


def _messages(process: subprocess.Popen[str]) -> Iterator[dict[str, Any]]:
    assert process.stdout is not None
    for line in process.stdout:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            logger.warning("a tap wrote a line that is not a Singer message: %.200s", line)
            continue
        if isinstance(message, dict) and "type" in message:
            yield message
