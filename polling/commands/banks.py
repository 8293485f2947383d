"""`polling check` and `polling import`: question banks checked, drawn and converted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def check(args: argparse.Namespace) -> int:
    """Print every problem of the banks; 1 when any is an error (or a warning, with --strict)."""
    from polling.core.banks import bank_files
    from polling.core.banks import check as check_banks
    from polling.media.images import check_images

    files = bank_files(args.paths)
    problems, ok = check_banks(args.paths, strict=args.strict, files=check_images)
    # With --graph, standard output carries the flowcharts alone, to be pasted or redirected.
    for problem in problems:
        print(problem, file=sys.stderr if args.graph else sys.stdout)
    if args.graph:
        print_graphs(files, args.lang)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{len(files)} bank(s) checked: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 0 if ok else 1


def print_graphs(files: list[Path], language: str | None) -> None:
    """The scenario of each bank that loads and has one, as Mermaid, each under a comment with
    its file; a bank without `language` is drawn in its default language, and says so."""
    from polling.core.banks import load_bank
    from polling.core.scenario import mermaid

    drawn = [(file, bank) for file in files if (bank := load_bank(file)[0]) is not None and bank.scenario]
    for number, (file, bank) in enumerate(drawn):
        assert bank.scenario is not None
        chosen = language if language in bank.languages else bank.default_language
        if language is not None and chosen != language:
            note = f"{file}: has no language {language!r}: its graph is in {chosen!r}"
            print(note, file=sys.stderr)
        print(("\n" if number else "") + f"%% {file} ({chosen})")
        print(mermaid(bank.scenario, chosen), end="")


def import_bank(args: argparse.Namespace) -> int:
    """Convert a file of questions into a bank, then check the bank as `polling check` does."""
    from polling.core.banks import ID_PATTERN, ID_RULE, LANGUAGE_KIND, LANGUAGE_PATTERN, load_bank
    from polling.reports.imports import SourceError, guess_format
    from polling.reports.imports.convert import convert, title_of

    source, out = Path(args.file), Path(args.out)
    if not ID_PATTERN.fullmatch(out.stem) or out.suffix not in (".yaml", ".yml"):
        raise SystemExit(
            f"polling: --out {out.name}: name a .yaml file whose name {ID_RULE} (it is the bank id)"
        )
    if not LANGUAGE_PATTERN.fullmatch(args.lang):
        raise SystemExit(f"polling: --lang {args.lang!r} is not {LANGUAGE_KIND}")
    try:
        raw = source.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise SystemExit(f"polling: cannot read {source}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        print(f"{source}:{line}: error: the file is not UTF-8 text: save it with the UTF-8 encoding")
        return 1
    fmt = args.format or guess_format(source.name, text)
    try:
        bank, notices = convert(text, fmt, args.lang, source.name, title_of(source.stem))
    except SourceError as error:
        print(f"{source}:{error.line}: error: {error.message}")
        return 1
    for notice in notices:
        print(f"{source}:{notice.line}: warning: {notice.message}")
    if bank is None:
        print(f"{source}: error: no question could be converted from it as {fmt}")
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(bank, encoding="utf-8")
    loaded, problems = load_bank(out)
    for problem in problems:
        print(problem)
    count = len(loaded.questions) if loaded else 0
    print(
        f"{count} question(s) converted from {source} ({fmt}) into {out}; "
        f"{len(notices)} thing(s) left out or changed",
        file=sys.stderr,
    )
    return 0 if loaded is not None else 1
