"""The reading of a bank's table-top `scenario:`: its steps, their decisions and options.

Whether the steps make a sound graph (every next exists, every step is reached) is
polling.core.scenario's: this module reads each step and hands the whole to it."""

from __future__ import annotations

from yaml.nodes import Node, SequenceNode

from polling.core import scenario as graph
from polling.core.bankreader import (
    ID_PATTERN,
    ID_RULE,
    MAX_TIME_LIMIT,
    MIN_TIME_LIMIT,
    PICTURE_KEYS,
    Fields,
    Reader,
    line_of,
)
from polling.core.model import Choice, Scenario, Step, StepKind

# A table-top scenario: its steps, and which one it starts at (the first by default).
SCENARIO_KEYS = ("start", "steps")
# A step is an inject or a decision: the key that says which holds its title.
STEP_KINDS = tuple(str(kind) for kind in StepKind)
STEP_KEYS = ("id", *STEP_KINDS, "body", *PICTURE_KEYS, "after", "next", "options")
# Keys that only one kind of step takes: an inject leads on by itself, a decision by its options.
STEP_ONLY: dict[StepKind, tuple[str, ...]] = {
    StepKind.INJECT: ("after", "next"),
    StepKind.DECISION: ("options",),
}
CHOICE_KEYS = ("id", "label", "next")
CHOICE_REQUIRED = ("id", "label")
# Seconds before an inject leads on by itself: as a question's time_limit, at least 5.
MIN_AFTER = MIN_TIME_LIMIT
MAX_AFTER = MAX_TIME_LIMIT


class StepReader(Reader):
    """Reads the `scenario` of a bank."""

    def reference(self, node: Node, what: str) -> str | None:
        """The id of a step named by `start` or `next`: whether the step exists is the graph's."""
        value = self.string(node, what, "a step id")
        if value is not None and not ID_PATTERN.fullmatch(value):
            self.error(node, f"{what} {value!r} {ID_RULE}")
            return None
        return value

    def scenario(self, key_node: Node, node: Node) -> Scenario | None:
        """A table-top scenario: its steps in bank order; the graph is checked by core/scenario."""
        fields = self.mapping(node, "scenario", SCENARIO_KEYS, ("steps",))
        if not fields:
            return None
        before = self.errors()
        steps: list[Step] = []
        if "steps" in fields:
            steps_key, steps_node = fields["steps"]
            if not isinstance(steps_node, SequenceNode):
                self.wrong(steps_node, self.value(steps_node), "steps", "a list of steps", quote=False)
            elif not steps_node.value:
                self.error(steps_key, "steps must not be empty: a scenario needs at least one step")
            else:
                seen: dict[str, int] = {}
                steps = [step for item in steps_node.value if (step := self.step(item, seen)) is not None]
        start, line = (steps[0].id if steps else None), line_of(key_node)
        if "start" in fields:
            start_node = fields["start"][1]
            start, line = self.reference(start_node, "start"), line_of(start_node)
        if self.errors() > before or start is None:
            return None
        scenario = Scenario(start, tuple(steps), line)
        # Only a scenario whose every step was read: a step left out would make false flaws.
        for flaw in graph.flaws(scenario):
            self.error(flaw.line, flaw.message)
        return None if self.errors() > before else scenario

    def step_kind(self, node: Node, fields: Fields) -> StepKind | None:
        """Whether a step is an inject or a decision: exactly one of the two keys."""
        kinds = [StepKind(key) for key in STEP_KINDS if key in fields]
        if not kinds:
            self.error(node, "a step needs inject (a development of the story) or decision (a choice)")
            return None
        if len(kinds) > 1:
            message = "a step is an inject or a decision, not both: make them two steps"
            self.error(fields[str(kinds[1])][0], message)
            return None
        return kinds[0]

    def step(self, node: Node, seen: dict[str, int]) -> Step | None:
        before = self.errors()
        fields = self.mapping(node, "step", STEP_KEYS, ("id",))
        sid = self.ident(fields["id"][1], "step id", seen) if "id" in fields else None
        owner = f" of step {sid!r}" if sid else ""
        kind = self.step_kind(node, fields) if fields else None
        title = self.text(fields[str(kind)], str(kind), owner) if kind is not None else None
        body = self.text(fields["body"], "body", owner) if "body" in fields else None
        image = self.picture(fields, owner)
        for other, keys in STEP_ONLY.items():
            for key in keys:
                if kind is not None and other is not kind and key in fields:
                    message = f"{key} does not apply to {'an' if kind is StepKind.INJECT else 'a'} {kind}"
                    self.error(fields[key][0], f"{message} (only to {other} steps)")
        after = next_id = None
        if kind is StepKind.INJECT and "next" in fields:
            next_id = self.reference(fields["next"][1], "next")
        if kind is StepKind.INJECT and "after" in fields:
            after_key, after_node = fields["after"]
            after = self.integer(after_node, "after", MIN_AFTER, MAX_AFTER)
            if "next" not in fields:
                message = "after leads on by itself, but this inject has no next: it is an ending"
                self.error(after_key, message)
        options: tuple[Choice, ...] = ()
        if kind is StepKind.DECISION:
            if "options" in fields:
                options = self.choices(*fields["options"], sid)
            else:
                self.error(node, "a decision needs options, each naming the step it leads to with next")
        if self.errors() > before or sid is None or kind is None or title is None:
            return None
        return Step(sid, kind, title, body, image, after, next_id, options, line_of(node))

    def choices(self, key_node: Node, node: Node, sid: str | None) -> tuple[Choice, ...]:
        """The options of a decision; how many there must be is the graph's rule (core/scenario)."""
        if not isinstance(node, SequenceNode):
            self.wrong(node, self.value(node), "options", "a list of options", quote=False)
            return ()
        seen: dict[str, int] = {}
        found: list[Choice] = []
        for item in node.value:
            fields = self.mapping(item, "option", CHOICE_KEYS, CHOICE_REQUIRED)
            oid = self.ident(fields["id"][1], "option id", seen) if "id" in fields else None
            owner = (f" of option {oid!r}" if oid else "") + (f" in step {sid!r}" if sid else "")
            label = self.text(fields["label"], "label", owner) if "label" in fields else None
            target = self.reference(fields["next"][1], "next") if "next" in fields else None
            if oid is not None and label is not None:
                found.append(Choice(oid, label, target, line_of(item)))
        return tuple(found)
