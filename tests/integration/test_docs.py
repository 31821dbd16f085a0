"""Every hook specification is documented in docs/plugins.md under a heading with its exact signature
(datasette's tests/test_docs.py is the model)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from acctgraph import hookspecs

PLUGINS_DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HOOKS = sorted(
    name for name, value in vars(hookspecs).items() if inspect.isfunction(value) and hasattr(value, "acctgraph_spec")
)


def documented_headings() -> set[str]:
    return set(re.findall(r"^### (\S+\(.*\))$", PLUGINS_DOC.read_text(), flags=re.MULTILINE))


def test_the_hook_list_is_not_empty() -> None:
    assert {"register_connectors", "records_synced", "health_measures", "alerts_raised", "startup"} <= set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_exact_signature(hook: str) -> None:
    parameters = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert f"{hook}({parameters})" in documented_headings(), f"docs/plugins.md lacks '### {hook}({parameters})'"
