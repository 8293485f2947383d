"""The phone's page loads in as few round trips as it can: every module it needs is preloaded."""

from __future__ import annotations

import re

from tests.conftest import ROOT

STATIC = ROOT / "static"
IMPORT = re.compile(r"""^import\s[^;]*?from\s+"\./([\w.-]+\.js)";""", re.M | re.S)
PRELOAD = re.compile(r"""<link rel="modulepreload" href="/static/js/([\w.-]+\.js)">""")


def imported(module: str) -> set[str]:
    """The modules `module` imports, directly or through others."""
    found: set[str] = set()
    todo = [module]
    while todo:
        for name in IMPORT.findall((STATIC / "js" / todo.pop()).read_text(encoding="utf-8")):
            if name not in found:
                found.add(name)
                todo.append(name)
    return found


def test_the_join_page_preloads_every_module_its_script_imports() -> None:
    """join.html names each module join.js needs, so they all load beside it, not one level after another."""
    needed = imported("join.js")
    assert {"dom.js", "i18n.js", "socket.js", "text.js"} <= needed
    preloaded = set(PRELOAD.findall((STATIC / "join.html").read_text(encoding="utf-8")))
    assert needed <= preloaded, f"not preloaded in join.html: {sorted(needed - preloaded)}"
