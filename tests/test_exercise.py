"""The pure rules of running a table-top exercise: votes, ties, teams, overrides, holds and loops."""

from __future__ import annotations

from typing import Any

import pytest

from polling.core.exercise import Exercise, replay
from polling.core.tracks import ROOM, Decide, ExerciseError, Member, Mode, Status, check_start
from tests.scenariodata import SCENARIO

MINUTE = 60_000


def run(exercise: Exercise, event: dict[str, Any] | None) -> dict[str, Any]:
    """Apply an event as the live service does once it is stored."""
    assert event is not None
    exercise.apply(event)
    return event


def room() -> Exercise:
    return Exercise(SCENARIO, Mode.ROOM, [ROOM], None, at=0)


def teams(decide: Decide = Decide.MAJORITY, sizes: dict[str, int] | None = None) -> Exercise:
    sizes = sizes or {"north": 3, "south": 3}
    exercise = Exercise(SCENARIO, Mode.TEAMS, list(sizes), decide, at=0)
    for team, size in sizes.items():
        for n in range(size):
            exercise.set_member(f"{team}-{n}", Member(team, decide is Decide.SPOKESPERSON and n == 0))
    return exercise


def vote(exercise: Exercise, phone: str, option: str, at: int = MINUTE) -> dict[str, Any] | None:
    """A phone votes; returns the event that settles its team's decision, if any (applied)."""
    track = exercise.track_of(phone)
    assert track is not None
    exercise.check_vote(phone, track.step, track.visit, option)
    exercise.vote(track.name, track.visit, phone, option)
    event = exercise.settled(track.name, at)
    if event is not None:
        exercise.apply(event)
    return event


def test_room_mode_moves_on_by_the_option_with_most_votes() -> None:
    """Room mode: the facilitator moves the inject on, closes the decision, and the leader leads on."""
    exercise = room()
    track = exercise.tracks[ROOM]
    assert (track.step, track.visit, track.status) == ("arrival", 1, Status.READING)
    run(exercise, exercise.next(ROOM, 2 * MINUTE))
    assert (track.step, track.visit, track.status) == ("papers", 2, Status.OPEN)
    for phone, option in [("a", "inspect"), ("b", "inspect"), ("c", "release"), ("b", "inspect")]:
        vote(exercise, phone, option)
    assert track.status is Status.OPEN  # room mode never settles by itself
    event = run(exercise, exercise.close(ROOM, 5 * MINUTE))
    assert event["kind"] == "choose" and event["split"] == {"inspect": 2, "release": 1, "call": 0}
    assert (track.step, track.visit, track.status) == ("inspection", 3, Status.READING)
    assert [(v.step, v.choice, v.by, v.override) for v in track.history] == [
        ("arrival", None, "facilitator", False),
        ("papers", "inspect", "votes", False),
    ]
    assert (track.history[1].entered, track.history[1].left) == (2 * MINUTE, 5 * MINUTE)


def test_a_tie_or_no_vote_waits_for_the_facilitators_pick() -> None:
    """A tie closes the decision without moving on; votes are refused; the pick leads on, not an override."""
    exercise = room()
    run(exercise, exercise.next(ROOM, 0))
    vote(exercise, "a", "inspect")
    vote(exercise, "b", "release")
    run(exercise, exercise.close(ROOM, MINUTE))
    track = exercise.tracks[ROOM]
    assert (track.step, track.status) == ("papers", Status.TIED)
    with pytest.raises(ExerciseError) as refused:
        exercise.check_vote("c", "papers", track.visit, "inspect")
    assert refused.value.code == "not_open"
    with pytest.raises(ExerciseError) as refused:
        exercise.close(ROOM, MINUTE)
    assert refused.value.code == "invalid_transition"
    event = run(exercise, exercise.choose(ROOM, "release", 2 * MINUTE))
    assert (event["by"], event["override"], event["split"]["release"]) == ("facilitator", False, 1)
    assert (track.step, track.status) == ("released", Status.ENDED)
    # Nobody voted on a decision: closing it waits for the pick as well.
    exercise = room()
    run(exercise, exercise.next(ROOM, 0))
    assert run(exercise, exercise.close(ROOM, MINUTE))["kind"] == "tie"


def test_a_pick_against_the_vote_is_an_override_and_a_wrong_option_is_refused() -> None:
    """The facilitator may pick at any time; picking what the room did not choose is recorded as override."""
    exercise = room()
    run(exercise, exercise.next(ROOM, 0))
    vote(exercise, "a", "inspect")
    vote(exercise, "b", "inspect")
    with pytest.raises(ExerciseError) as refused:
        exercise.choose(ROOM, "shrug", MINUTE)
    assert refused.value.code == "invalid_option"
    run(exercise, exercise.choose(ROOM, "release", MINUTE))
    decided = exercise.tracks[ROOM].history[-2]  # the last is the ending it led to
    assert (decided.choice, decided.override, decided.split) == (
        "release",
        True,
        {"inspect": 2, "release": 0, "call": 0},
    )


def test_team_majority_settles_as_soon_as_more_than_half_agree() -> None:
    """Teams mode: two of three members agreeing settle at once; the other team is not moved."""
    exercise = teams()
    for team in ("north", "south"):
        run(exercise, exercise.next(team, 0))
    assert vote(exercise, "north-0", "inspect") is None
    event = vote(exercise, "north-1", "inspect")
    assert event is not None and event["split"] == {"inspect": 2, "release": 0, "call": 0}
    assert exercise.tracks["north"].step == "inspection"
    assert (exercise.tracks["south"].step, exercise.tracks["south"].status) == ("papers", Status.OPEN)


def test_team_majority_once_everyone_voted_a_leader_or_a_tie() -> None:
    """With every member voted and no majority: the leader leads on, a tie waits for the facilitator."""
    exercise = teams(sizes={"four": 4, "three": 3})
    for team in ("four", "three"):
        run(exercise, exercise.next(team, 0))
    for phone, option in [("four-0", "inspect"), ("four-1", "inspect"), ("four-2", "release")]:
        assert vote(exercise, phone, option) is None  # 2 of 4 is not more than half
    assert vote(exercise, "four-3", "call") is not None
    assert exercise.tracks["four"].history[-1].choice == "inspect"
    for phone, option in [("three-0", "inspect"), ("three-1", "release")]:
        assert vote(exercise, phone, option) is None
    event = vote(exercise, "three-2", "call")
    assert event is not None and event["kind"] == "tie"
    assert exercise.tracks["three"].status is Status.TIED


def test_a_spokesperson_speaks_for_the_team() -> None:
    """Spokesperson mode: others' votes are refused, the spokesperson's settles, a newcomer takes over."""
    exercise = teams(Decide.SPOKESPERSON)
    run(exercise, exercise.next("north", 0))
    track = exercise.tracks["north"]
    with pytest.raises(ExerciseError) as refused:
        exercise.check_vote("north-1", "papers", track.visit, "inspect")
    assert refused.value.code == "not_spokesperson"
    exercise.set_member("north-2", exercise.join("north-2", "north", True))
    assert not exercise.members["north-0"].spokesperson
    assert vote(exercise, "north-2", "release") is not None
    assert (track.step, track.status, track.history[-2].split) == (
        "released",
        Status.ENDED,
        {"inspect": 0, "release": 1, "call": 0},
    )


def test_phones_need_a_team_and_a_known_team() -> None:
    """Teams mode: no team is no_team, an unknown one team_unknown, and a switch drops the vote."""
    exercise = teams()
    run(exercise, exercise.next("north", 0))
    with pytest.raises(ExerciseError) as refused:
        exercise.check_vote("newcomer", "papers", 2, "inspect")
    assert refused.value.code == "no_team"
    with pytest.raises(ExerciseError) as refused:
        exercise.join("newcomer", "west", False)
    assert refused.value.code == "team_unknown"
    vote(exercise, "north-0", "inspect")
    exercise.set_member("north-0", exercise.join("north-0", "south", False))
    assert exercise.tracks["north"].votes == {}


def test_teams_follow_their_own_paths_to_different_endings() -> None:
    """Each team goes at its own pace: a member's continue moves its team's inject on, and they end apart."""
    exercise = teams()
    north, south = exercise.tracks["north"], exercise.tracks["south"]
    run(exercise, exercise.check_continue("north-2", "arrival", 1, MINUTE))
    assert (north.step, south.step) == ("papers", "arrival")
    with pytest.raises(ExerciseError) as refused:
        exercise.check_continue("north-2", "arrival", 1, MINUTE)
    assert refused.value.code == "step_moved"
    vote(exercise, "north-0", "release")
    vote(exercise, "north-1", "release")
    run(exercise, exercise.check_continue("south-0", "arrival", 1, MINUTE))
    vote(exercise, "south-0", "inspect")
    vote(exercise, "south-1", "inspect")
    run(exercise, exercise.check_continue("south-0", "inspection", south.visit, MINUTE))
    vote(exercise, "south-1", "keep")
    vote(exercise, "south-2", "keep")
    assert [v.step for v in north.history] == ["arrival", "papers", "released"]
    assert [v.step for v in south.history] == ["arrival", "papers", "inspection", "seize", "seized"]
    assert north.status is south.status is Status.ENDED
    with pytest.raises(ExerciseError) as refused:
        exercise.check_continue("north-1", "released", north.visit, MINUTE)
    assert refused.value.code == "invalid_transition"


def test_hold_keeps_every_track_at_a_step_until_release() -> None:
    """A track at the held step, or reaching it, waits there; release lets it go on from that moment."""
    exercise = teams()
    run(exercise, exercise.check_hold("papers", 0))
    run(exercise, exercise.next("north", MINUTE))
    north, south = exercise.tracks["north"], exercise.tracks["south"]
    assert (north.step, north.status, south.status) == ("papers", Status.HELD, Status.READING)
    with pytest.raises(ExerciseError) as refused:
        exercise.check_vote("north-0", "papers", north.visit, "inspect")
    assert refused.value.code == "held"
    run(exercise, exercise.next("south", 2 * MINUTE))
    assert south.status is Status.HELD
    run(exercise, exercise.check_release(3 * MINUTE))
    assert (north.status, south.status, exercise.hold) == (Status.OPEN, Status.OPEN, None)
    # Holding the step a track reads now holds it too, and its `after` stops counting.
    exercise = teams()
    assert exercise.deadlines() == {"north": 60_000, "south": 60_000}
    run(exercise, exercise.check_hold("arrival", 10_000))
    assert exercise.tracks["north"].status is Status.HELD and exercise.deadlines() == {}
    run(exercise, exercise.check_release(100_000))
    assert exercise.deadlines() == {"north": 160_000, "south": 160_000}
    with pytest.raises(ExerciseError) as refused:
        exercise.check_hold("nowhere", 0)
    assert refused.value.code == "unknown_step"


def test_an_inject_with_after_moves_on_by_itself() -> None:
    """`after` seconds past the inject's start, the timer's event moves it on, recorded as by the timer."""
    exercise = room()
    assert exercise.due(59_999) == []
    (event,) = exercise.due(60_000)
    run(exercise, event)
    assert exercise.tracks[ROOM].step == "papers"
    assert exercise.tracks[ROOM].history[0].by == "timer"
    exercise.apply(event)  # the same event from a second process: no change
    assert exercise.tracks[ROOM].step == "papers" and len(exercise.tracks[ROOM].history) == 1


def test_a_loop_revisits_a_step_with_a_new_visit() -> None:
    """Going round a loop enters the step again with a higher visit; a vote for the old one is step_moved."""
    exercise = room()
    run(exercise, exercise.next(ROOM, 0))
    track = exercise.tracks[ROOM]
    first = track.visit
    vote(exercise, "a", "call")
    run(exercise, exercise.close(ROOM, MINUTE))
    run(exercise, exercise.next(ROOM, 2 * MINUTE))
    assert (track.step, track.visit) == ("papers", first + 2)
    assert track.votes == {}
    with pytest.raises(ExerciseError) as refused:
        exercise.check_vote("a", "papers", first, "inspect")
    assert refused.value.code == "step_moved"
    assert [(v.step, v.visit) for v in track.history] == [("arrival", 1), ("papers", 2), ("phone_call", 3)]


def test_replay_rebuilds_every_track_with_its_history_and_votes() -> None:
    """The stored events, team choices and votes replayed give the same tracks, history and open votes."""
    events: list[dict[str, Any]] = [{"kind": "start", "mode": "teams", "teams": ["north", "south"],
                                     "decide": "majority", "at": 0}]  # fmt: skip
    live = Exercise.started(SCENARIO, events[0])
    members = [(f"{t}-{n}", t, False) for t in ("north", "south") for n in range(3)]
    for phone, team, speaks in members:
        live.set_member(phone, Member(team, speaks))
    votes: list[tuple[int, str, int, str, str]] = []
    events.append(run(live, live.next("north", MINUTE)))
    events.append(run(live, live.next("south", MINUTE)))
    for phone, option in [("north-0", "inspect"), ("north-1", "inspect"), ("south-0", "call")]:
        track = live.track_of(phone)
        assert track is not None
        votes.append((1, track.name, track.visit, phone, option))
        settled = vote(live, phone, option)
        if settled:
            events.append(settled)
    events.append(run(live, live.check_hold("seize", 3 * MINUTE)))
    again = replay(SCENARIO, events, votes, members)
    assert again is not None and again.hold == "seize"
    for name in ("north", "south"):
        a, b = live.tracks[name], again.tracks[name]
        assert (a.step, a.visit, a.status, a.votes) == (b.step, b.visit, b.status, b.votes)
        assert a.history == b.history
    assert again.tracks["south"].votes == {"south-0": "call"}
    # A second start begins a new run: the votes of the first do not count in it.
    restarted = replay(SCENARIO, [*events, {**events[0], "at": 9 * MINUTE}], votes, members)
    assert restarted is not None and restarted.run == 2 and restarted.tracks["north"].history == []
    assert replay(SCENARIO, [], votes, members) is None


def test_start_settings_are_checked() -> None:
    """A run needs a scenario, a mode, and in teams mode distinct team names and a known rule."""
    assert check_start(SCENARIO, "room", None, None) == {"mode": "room", "teams": [ROOM], "decide": None}
    assert check_start(SCENARIO, "teams", [" Table  1 ", "Table 2"], None)["teams"] == ["Table 1", "Table 2"]
    for args, code in [
        ((None, "room", None, None), "scenario_off"),
        ((SCENARIO, "crowd", None, None), "bad_request"),
        ((SCENARIO, "teams", ["a", "a"], None), "bad_request"),
        ((SCENARIO, "teams", [], None), "bad_request"),
        ((SCENARIO, "teams", ["a"], "loudest"), "bad_request"),
    ]:
        with pytest.raises(ExerciseError) as refused:
            check_start(*args)
        assert refused.value.code == code
