"""The docs cannot drift: every message, endpoint, error, command, option and bank field is in them."""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

from starlette.routing import Route, WebSocketRoute

from polling.cli import build_parser
from polling.core import banks
from polling.core.model import Option, Question, QuestionType
from polling.live.app import Socket, create_app

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text()
BANKS = (ROOT / "docs" / "banks.md").read_text()
README = (ROOT / "README.md").read_text()
SOURCE = "\n".join(p.read_text() for p in sorted((ROOT / "polling").rglob("*.py")))


def documented(doc: str, word: str) -> bool:
    return f"`{word}`" in doc or re.search(rf"`{re.escape(word)}[`\s/.{{]", doc) is not None


def sent_message_types() -> set[str]:
    """Every `type` the server puts in a message it sends."""
    return set(re.findall(r'"type":\s*"(\w+)"', SOURCE))


def error_codes() -> set[str]:
    """Every error code the server can answer with."""
    return set(re.findall(r'Refused\(\s*"(\w+)"', SOURCE))


def test_every_message_a_client_may_send_is_documented(tmp_path: Path) -> None:
    """Each WebSocket message type the server handles appears in docs/protocol.md."""
    app = create_app(tmp_path / "db.sqlite3", tmp_path, "t", "http://x")
    socket = next(r for r in app.routes if isinstance(r, WebSocketRoute))
    assert socket.path in PROTOCOL
    from polling.live.service import Polling

    handlers = Socket(Polling.__new__(Polling)).handlers
    missing = [kind for kind in handlers if not documented(PROTOCOL, kind)]
    assert not missing, f"client messages missing from docs/protocol.md: {missing}"


def test_every_message_the_server_sends_is_documented() -> None:
    """Each message type the server sends appears in docs/protocol.md."""
    kinds = sent_message_types()
    assert {"welcome", "question", "ack", "tally", "state", "error"} <= kinds
    missing = [kind for kind in kinds if not documented(PROTOCOL, kind)]
    assert not missing, f"server messages missing from docs/protocol.md: {missing}"


def test_every_error_code_is_documented() -> None:
    """Each error code the server can send appears in docs/protocol.md."""
    codes = error_codes() | {"too_large", "bad_json"}
    missing = [code for code in codes if not documented(PROTOCOL, code)]
    assert not missing, f"error codes missing from docs/protocol.md: {missing}"


def test_every_http_endpoint_is_documented(tmp_path: Path) -> None:
    """Each route of the app appears in docs/protocol.md with its path."""
    app = create_app(tmp_path / "db.sqlite3", tmp_path, "t", "http://x")
    paths = {r.path for r in app.routes if isinstance(r, Route)}
    missing = [path for path in paths if path not in PROTOCOL]
    assert not missing, f"endpoints missing from docs/protocol.md: {missing}"


def cli_commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_cli_command_and_option_is_in_the_readme() -> None:
    """Each `polling` command and each of its options is described in README.md."""
    missing = []
    for name, parser in cli_commands().items():
        if f"polling {name}" not in README:
            missing.append(name)
        for action in parser._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help" and flag not in README:
                    missing.append(f"{name} {flag}")
    assert not missing, f"missing from README.md: {missing}"


def test_every_environment_variable_is_in_the_readme() -> None:
    """Each POLLING_* variable the CLI reads is named in README.md."""
    names = set(re.findall(r'_env\("(\w+)"', SOURCE))
    assert names >= {"HOST", "PORT", "DB", "BANKS", "TOKEN", "PUBLIC_URL"}
    missing = [f"POLLING_{n}" for n in names if f"POLLING_{n}" not in README]
    assert not missing, f"environment variables missing from README.md: {missing}"


def test_every_bank_field_and_type_is_documented() -> None:
    """Each field of a bank, question, option, scenario step and decision option, and each question
    type, is in docs/banks.md."""
    fields = {f.name for f in dataclasses.fields(Question)} | {f.name for f in dataclasses.fields(Option)}
    fields |= {"title", "languages", "questions"}
    fields |= {*banks.BANK_KEYS, *banks.SCENARIO_KEYS, *banks.STEP_KEYS, *banks.CHOICE_KEYS}
    fields |= {t.value for t in QuestionType}
    missing = [name for name in fields if not documented(BANKS, name)]
    assert not missing, f"missing from docs/banks.md: {missing}"


def test_every_bundled_bank_is_listed() -> None:
    """docs/banks.md lists each bank in question_banks/."""
    missing = [p.name for p in (ROOT / "question_banks").glob("*.yaml") if p.name not in BANKS]
    assert not missing, f"bundled banks missing from docs/banks.md: {missing}"


def test_readme_quickstart_commands_exist() -> None:
    """The README's set-up commands are real Makefile targets."""
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, re.M)


def test_every_test_named_in_the_security_doc_exists() -> None:
    """docs/security.md names, for each promise, tests that really exist."""
    security = (ROOT / "docs" / "security.md").read_text()
    named = re.findall(r"`(tests/\w+\.py)(?:::(\w+))?`", security)
    assert len(named) > 15
    missing = []
    for path, test in named:
        source = ROOT / path
        if not source.exists() or (test and f"def {test}(" not in source.read_text()):
            missing.append(f"{path}::{test}")
    every_test = "\n".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py"))
    missing += [name for name in re.findall(r"`(test_\w+)`", security) if f"def {name}(" not in every_test]
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"


def test_the_readme_shows_the_facilitator_link_as_the_server_prints_it() -> None:
    """README's example facilitator link has the /host path that `polling serve` prints."""
    assert re.search(r"http://[\d.]+:\d+/host#token=", README)
