"""A table-top scenario as a graph: its flaws at their lines, a Mermaid flowchart, a map layout.

Pure: the loader (core/banksteps.py) reads the steps and reports these flaws as bank problems;
`polling check --graph` prints `mermaid`; the presenter's map places steps by `layout`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from polling.core.model import Scenario, Step, StepKind


@dataclass(frozen=True)
class Flaw:
    """Something wrong with the shape of a scenario, at the 1-based line of the bank that causes it."""

    line: int
    message: str


Edges = dict[str, list[str]]


def _edges(scenario: Scenario) -> Edges:
    """Each step's following steps that exist, in bank order."""
    known = {s.id for s in scenario.steps}
    return {s.id: [t for t in s.following() if t in known] for s in scenario.steps}


def _ends_here(step: Step) -> bool:
    """The scenario can end at this step: an inject without next, or an option without one."""
    return step.is_ending or any(c.next is None for c in step.options)


def reachable(scenario: Scenario) -> list[str]:
    """The steps that can be reached from the start, nearest first (ties in bank order)."""
    return list(_distances(scenario))


def _distances(scenario: Scenario) -> dict[str, int]:
    """How many moves each reachable step is from the start, in the order a search finds them."""
    edges = _edges(scenario)
    if scenario.start not in edges:
        return {}
    found = {scenario.start: 0}
    queue = deque([scenario.start])
    while queue:
        here = queue.popleft()
        for there in edges[here]:
            if there not in found:
                found[there] = found[here] + 1
                queue.append(there)
    return found


def _can_end(scenario: Scenario, edges: Edges) -> set[str]:
    """The steps from which some path leads to an ending (or to an unknown step)."""
    backwards: Edges = {s.id: [] for s in scenario.steps}
    for here, theres in edges.items():
        for there in theres:
            backwards[there].append(here)
    # A step leading to a step that does not exist has its own flaw: counted as ending here.
    found = {s.id for s in scenario.steps if _ends_here(s) or len(edges[s.id]) < len(s.following())}
    queue = deque(found)
    while queue:
        for before in backwards[queue.popleft()]:
            if before not in found:
                found.add(before)
                queue.append(before)
    return found


def _loops(steps: Iterable[str], edges: Edges) -> list[list[str]]:
    """The loops among `steps` (strongly connected groups that go round), each in the order
    given, by their first step in that order. Iterative Tarjan: a long chain must not recurse."""
    order = list(steps)
    inside = set(order)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in order:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            followers = [t for t in edges[node] if t in inside]
            if position < len(followers):
                work.append((node, position + 1))
                there = followers[position]
                if there not in index:
                    work.append((there, 0))
                elif there in on_stack:
                    low[node] = min(low[node], index[there])
                continue
            if low[node] == index[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    loops = [g for g in groups if len(g) > 1 or any(s in edges[s] for s in g)]
    return sorted(([s for s in order if s in g] for g in loops), key=lambda g: order.index(g[0]))


def flaws(scenario: Scenario) -> list[Flaw]:
    """Every flaw of the scenario's graph, in line order: a step id used twice, an unknown
    start or next, a decision with fewer than 2 options, a step no path reaches, a loop with
    no way out, and a path that never ends (an option leading into such a loop)."""
    found: list[Flaw] = []
    by_id: dict[str, Step] = {}
    for step in scenario.steps:
        if step.id in by_id:
            found.append(
                Flaw(step.line, f"step id {step.id!r} is used twice (first on line {by_id[step.id].line})")
            )
        else:
            by_id[step.id] = step
    if scenario.start not in by_id:
        found.append(Flaw(scenario.line, f"start {scenario.start!r} is not a step of the scenario"))
    for step in scenario.steps:
        found.extend(_unknown_targets(step, by_id))
        if step.kind is StepKind.DECISION and len(step.options) < 2:
            count = len(step.options)
            found.append(Flaw(step.line, f"decision {step.id!r} needs at least 2 options, got {count}"))
    distances = _distances(scenario)
    if scenario.start in by_id:
        for step in scenario.steps:
            if step.id not in distances and by_id[step.id] is step:
                found.append(
                    Flaw(step.line, f"step {step.id!r} cannot be reached from the start {scenario.start!r}")
                )
    found.extend(_never_ending(scenario, by_id, distances))
    return sorted(found, key=lambda flaw: flaw.line)


def _unknown_targets(step: Step, by_id: dict[str, Step]) -> list[Flaw]:
    """A `next` of the step or of its options that names no step."""
    where = f"step {step.id!r}"
    if step.kind is StepKind.INJECT:
        targets = [(step.line, step.next, where)]
    else:
        targets = [(c.line or step.line, c.next, f"option {c.id!r} of {where}") for c in step.options]
    return [
        Flaw(line, f"next {target!r} of {owner} is not a step of the scenario")
        for line, target, owner in targets
        if target is not None and target not in by_id
    ]


def _never_ending(scenario: Scenario, by_id: dict[str, Step], distances: dict[str, int]) -> list[Flaw]:
    """Loops among the reachable steps that no path leaves, and the options that lead into them."""
    edges = _edges(scenario)
    can_end = _can_end(scenario, edges)
    if distances and not can_end:
        return [
            Flaw(
                scenario.line,
                "the scenario never ends: give an inject without next or an option without next",
            )
        ]
    stuck = [s for s in distances if s not in can_end]
    found = []
    for loop in _loops(sorted(stuck, key=lambda s: by_id[s].line), edges):
        steps = " -> ".join([*loop, loop[0]])
        message = f"loop with no way out: {steps}; give one of these steps a way to an ending"
        found.append(Flaw(by_id[loop[0]].line, message))
    for step_id in distances:
        step = by_id[step_id]
        for choice in step.options if step_id in can_end else ():
            if choice.next in by_id and choice.next not in can_end:
                message = (
                    f"option {choice.id!r} of step {step.id!r} leads to {choice.next!r}, "
                    "from which no path ever ends"
                )
                found.append(Flaw(choice.line or step.line, message))
    return found


def layout(scenario: Scenario) -> dict[str, tuple[int, int]]:
    """Where the map draws each step: (column, row). The column is the fewest moves from the
    start; the row is the order in which a breadth-first walk from the start, options in bank
    order, meets the step within its column. Steps no path reaches (only in a bank that failed
    its check) go in a last column, in bank order. The same scenario always gives the same map."""
    distances = _distances(scenario)
    columns = max(distances.values(), default=-1) + 1
    rows: dict[int, int] = {}
    placed: dict[str, tuple[int, int]] = {}
    order = [*distances, *(s.id for s in scenario.steps if s.id not in distances)]
    for step_id in order:
        if step_id in placed:
            continue
        column = distances.get(step_id, columns)
        placed[step_id] = (column, rows.get(column, 0))
        rows[column] = rows.get(column, 0) + 1
    return placed


# Characters that would end or change a Mermaid label, as the entity codes Mermaid reads.
_MERMAID_CODES = {char: f"#{ord(char)};" for char in '"#&<>|`;'}


def _label(text: str) -> str:
    """A text as a quoted Mermaid label: nothing in it can end the label or start markup."""
    flat = " ".join(text.split())
    return '"' + "".join(_MERMAID_CODES.get(char, char) for char in flat) + '"'


def mermaid(scenario: Scenario, language: str) -> str:
    """The scenario as a Mermaid `flowchart TD`, its texts in `language` (or the step's first
    language when it has none in it). Injects are boxes, decisions rhombuses, endings rounded
    and marked with the class `ending`; an option without next ends in a small circle."""
    names = {step.id: f"s{number}" for number, step in enumerate(scenario.steps, start=1)}

    def text(texts: dict[str, str]) -> str:
        return _label(texts.get(language) or next(iter(texts.values()), ""))

    nodes: list[str] = []
    links: list[str] = []
    stops = 0
    for step in scenario.steps:
        name = names[step.id]
        nodes.append(f"    %% {step.id}")
        if step.kind is StepKind.DECISION:
            nodes.append(f"    {name}{{{text(step.title)}}}")
        elif step.is_ending:
            nodes.append(f"    {name}([{text(step.title)}]):::ending")
        else:
            nodes.append(f"    {name}[{text(step.title)}]")
        if step.kind is StepKind.INJECT and step.next is not None:
            links.append(f"    {name} --> {names.get(step.next, step.next)}")
        for choice in step.options:
            if choice.next is None:
                stops += 1
                target = f"e{stops}((( ))):::ending"
            else:
                target = names.get(choice.next, choice.next)
            links.append(f"    {name} -->|{text(choice.label)}| {target}")
    start = names.get(scenario.start)
    marks = [f"    class {start} start"] if start is not None else []
    styles = [
        "    classDef ending stroke-width:3px",
        "    classDef start stroke-dasharray:5 3",
    ]
    return "\n".join(["flowchart TD", *nodes, *links, *marks, *styles]) + "\n"
