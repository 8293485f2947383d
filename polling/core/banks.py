"""Question banks: YAML files read into `Bank` values, with every problem at its line.

The entry for the rest of the package: the reading itself is in polling.core.bankreader (the
shared machinery and problems), bankquestions (questions) and banksteps (a scenario's steps)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from polling.core.bankquestions import (
    ANY_TYPE_KEYS,
    COMMON_KEYS,
    MAX_LENGTH_LIMIT,
    MAX_POINTS,
    MAX_SCALE_POINTS,
    OPTION_KEYS,
    OPTION_REQUIRED,
    QUESTION_KEYS,
    QUIZ_QUESTION_KEYS,
    SEGMENT_KEYS,
    SLIDE_KEYS,
    TYPE_KEYS,
    TYPE_NAMES,
    QuestionReader,
    allowed_keys,
    heading_key,
)
from polling.core.bankreader import (
    ERROR,
    ID_PATTERN,
    ID_RULE,
    IMAGE_SUFFIXES,
    KINDS,
    MAX_NUMBER,
    MAX_TIME_LIMIT,
    MERGE_TAG,
    MIN_TIME_LIMIT,
    PICTURE_KEYS,
    TEXT_KIND,
    WARNING,
    BankError,
    Fields,
    Loaded,
    Problem,
)
from polling.core.banksteps import (
    CHOICE_KEYS,
    CHOICE_REQUIRED,
    MAX_AFTER,
    MIN_AFTER,
    SCENARIO_KEYS,
    STEP_KEYS,
    STEP_KINDS,
    STEP_ONLY,
    StepReader,
)
from polling.core.model import Bank, QuizSettings

# Every name other modules and the tests take from here, wherever it is defined.
__all__ = [
    "ANY_TYPE_KEYS",
    "BANK_KEYS",
    "CHOICE_KEYS",
    "CHOICE_REQUIRED",
    "COMMON_KEYS",
    "ERROR",
    "ID_PATTERN",
    "ID_RULE",
    "IMAGE_SUFFIXES",
    "KINDS",
    "LANGUAGE_KIND",
    "LANGUAGE_PATTERN",
    "MAX_AFTER",
    "MAX_LENGTH_LIMIT",
    "MAX_NUMBER",
    "MAX_POINTS",
    "MAX_SCALE_POINTS",
    "MAX_TIME_LIMIT",
    "MERGE_TAG",
    "MIN_AFTER",
    "MIN_TIME_LIMIT",
    "OPTION_KEYS",
    "OPTION_REQUIRED",
    "PICTURE_KEYS",
    "QUESTION_KEYS",
    "QUIZ_KEYS",
    "QUIZ_QUESTION_KEYS",
    "SCENARIO_KEYS",
    "SEGMENT_KEYS",
    "SLIDE_KEYS",
    "STEP_KEYS",
    "STEP_KINDS",
    "STEP_ONLY",
    "TEXT_KIND",
    "TYPE_KEYS",
    "TYPE_NAMES",
    "WARNING",
    "BankError",
    "Fields",
    "FileCheck",
    "Loaded",
    "Problem",
    "allowed_keys",
    "bank_files",
    "check",
    "heading_key",
    "load_bank",
    "load_banks",
    "parse_bank",
]

LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
LANGUAGE_KIND = "a language code such as en, ru or sr-Latn"
BANK_KEYS = ("title", "languages", "questions", "quiz", "scenario")
QUIZ_KEYS = ("time_limit", "speed_bonus")


class _Reader(QuestionReader, StepReader):
    """Reads a whole bank: its title, languages and quiz here, the rest by the readers above."""

    def bank(self, root: Node, bank_id: str) -> Bank | None:
        if not ID_PATTERN.fullmatch(bank_id):
            self.error(1, f"bank id {bank_id!r} (the file name) {ID_RULE}: rename the file")
        fields = self.mapping(root, "the bank", BANK_KEYS, ("title",))
        if isinstance(root, MappingNode) and "questions" not in fields and "scenario" not in fields:
            message = "the bank is missing required key 'questions' (or 'scenario'): it needs at least one"
            self.error(root, message)
        if "languages" in fields:
            self.languages = self.language_list(*fields["languages"])
        title = self.text(fields["title"], "title") if "title" in fields else None
        quiz = self.quiz(fields["quiz"][1]) if "quiz" in fields else None
        questions = self.questions(*fields["questions"]) if "questions" in fields else []
        scenario = self.scenario(*fields["scenario"]) if "scenario" in fields else None
        if self.errors() or title is None or self.languages is None:
            return None
        return Bank(bank_id, title, self.languages, tuple(questions), quiz, scenario)

    def quiz(self, node: Node) -> QuizSettings:
        fields = self.mapping(node, "quiz", QUIZ_KEYS, ())
        limit = self.time_limit(fields["time_limit"][1]) if "time_limit" in fields else None
        bonus = False
        if "speed_bonus" in fields:
            value_node = fields["speed_bonus"][1]
            value = self.value(value_node)
            if isinstance(value, bool):
                bonus = value
            else:
                self.wrong(value_node, value, "speed_bonus", "true or false", quote=False)
        return QuizSettings(limit, bonus)

    def language_list(self, key_node: Node, node: Node) -> tuple[str, ...] | None:
        kind = "a list of language codes, e.g. [en, ru]"
        if not isinstance(node, SequenceNode) or not node.value:
            self.wrong(node, self.value(node), "languages", kind, quote=False)
            return None
        found: list[str] = []
        for item in node.value:
            code = self.string(item, "a language", LANGUAGE_KIND)
            if code is not None and not LANGUAGE_PATTERN.fullmatch(code):
                self.error(item, f"{code!r} is not {LANGUAGE_KIND}")
            elif code is not None and code in found:
                self.error(item, f"language {code!r} is listed twice")
            elif code is not None:
                found.append(code)
        return tuple(found) if len(found) == len(node.value) else None


def _yaml_problem(exc: yaml.YAMLError, text: str, path: str) -> Problem:
    """A YAML syntax error as a Problem at the line where the parser gave up."""
    line, message = 1, f"invalid YAML: {exc}"
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"invalid YAML: {exc.problem or exc}"
        if exc.problem == "but found another document":
            message = "a bank file holds one YAML document, but another one starts here"
        elif exc.context and exc.context_mark is not None:
            message += f" ({exc.context} on line {exc.context_mark.line + 1})"
        if "'\\t'" in message:
            message += ": indent with spaces, YAML does not allow tabs"
        elif "flow" in (exc.context or ""):
            message += ": inside { } or [ ], quote texts that contain , : ? [ ] { } or #"
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"invalid YAML: the character U+{char:04X} is not allowed"
    return Problem(path, line, message, ERROR)


def parse_bank(text: str, path: str, bank_id: str) -> Loaded:
    """Read a bank from YAML text; the bank is None when there is any error."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                message = "the file is empty: a bank needs a title and questions"
                return None, [Problem(path, 1, message, ERROR)]
            reader = _Reader(path, loader)
            bank = reader.bank(root, bank_id)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(exc, text, path)]
    except RecursionError:
        return None, [Problem(path, 1, "the file is nested too deeply to be a bank", ERROR)]
    return bank, sorted(reader.problems, key=lambda problem: problem.line)


def load_bank(path: str | Path) -> Loaded:
    """Read a bank file (UTF-8); its id is the file name without the extension."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), 1, f"cannot read the file: {exc.strerror}", ERROR)]
    try:
        text = data.decode("utf-8-sig")  # editors on Windows often start the file with a BOM
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = "the file is not UTF-8 text: save it with the UTF-8 encoding"
        return None, [Problem(str(path), line, message, ERROR)]
    return parse_bank(text, str(path), path.stem)


def bank_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: a directory gives its *.yaml and *.yml files, sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = [p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()]
            files.extend(sorted(found, key=lambda p: p.name))
        else:
            files.append(path)
    return files


def load_banks(directory: str | Path) -> dict[str, Loaded]:
    """Every bank of a directory by id, sorted by id; a missing directory has none."""
    banks: dict[str, Loaded] = {}
    if not Path(directory).is_dir():
        return banks
    for file in bank_files([directory]):
        bank, problems = load_bank(file)
        if file.stem in banks:
            # a.yaml and a.yml: neither can be trusted to be the bank the trainer meant.
            message = f"bank id {file.stem!r} is used by two files: rename one of them"
            problems = [*banks[file.stem][1], *problems, Problem(str(file), 1, message, ERROR)]
            bank = None
        banks[file.stem] = (bank, problems)
    return dict(sorted(banks.items()))


# What a bank's files on disk add to its problems (its pictures: see polling.media.images).
FileCheck = Callable[[Bank, Path], list[Problem]]


def check(
    paths: Iterable[str | Path], strict: bool = False, files: FileCheck | None = None
) -> tuple[list[Problem], bool]:
    """All problems of the given files and directories, and whether they pass; `files` checks
    what a bank that loads names on disk."""
    given = [Path(path) for path in paths]
    problems = [
        Problem(str(path), 1, "no .yaml or .yml files in this directory", ERROR)
        for path in given
        if path.is_dir() and not bank_files([path])
    ]
    for file in bank_files(given):
        bank, found = load_bank(file)
        if bank is not None and files is not None:
            found = sorted([*found, *files(bank, file)], key=lambda problem: problem.line)
        problems.extend(found)
    failing = (ERROR, WARNING) if strict else (ERROR,)
    return problems, not any(problem.severity in failing for problem in problems)
