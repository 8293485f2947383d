"""End to end in Chromium: table-top exercises run from the console, the presenter's keys and phones."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BROWSER_TESTS, PROJECTOR, TEST_BANKS, LiveServer
from tests.test_browser_a11y import serious_violations

pytestmark = BROWSER_TESTS


@pytest.fixture
def exercise_server(server_factory: Any, banks_dir: Path) -> LiveServer:
    """A running server with tests/banks/browser-exercise.yaml: an inject, two decisions, three endings."""
    shutil.copy(TEST_BANKS / "browser-exercise.yaml", banks_dir / "browser-exercise.yaml")
    live: LiveServer = server_factory()
    live.start()
    return live


def taken(presenter: Page) -> list[tuple[str, str]]:
    """The map's highlighted edges, as (from, to) step ids."""
    edges: list[list[str]] = presenter.locator(".scen-path").evaluate_all(
        "paths => paths.map(p => [p.dataset.from, p.dataset.to])"
    )
    return [(a, b) for a, b in edges]


def vote(phone: Page, label: str) -> None:
    """Tap an option of the step on a phone and wait for the server's acknowledgement."""
    phone.get_by_role("button", name=label).click()
    expect(phone.locator("#scenario-feedback")).to_contain_text("Vote received")


def test_a_room_exercise_driven_from_the_presenter_with_the_clicker_keys(
    exercise_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """Started from the console, the room's exercise moves on with the presenter's keys: space goes
    on from an inject, C closes a vote and the majority leads on, a tie waits and a digit picks the
    branch (an override); the map highlights the path taken and the phones reach the ending."""
    server = exercise_server
    info = server.create_session("browser-exercise")
    token = f"#token={server.token}"
    console = open_page(f"{server.url}/console/{info['id']}{token}")
    presenter = open_page(f"{server.url}/present/{info['id']}{token}", PROJECTOR)
    phones = [open_page(f"{server.url}/j/{info['code']}") for _ in range(3)]
    expect(presenter.locator("#view-join")).to_be_visible()  # waiting: the join screen as ever

    console.locator("#scenario-go").click()  # room mode is the default
    prompt = presenter.locator("#scen-prompt")
    expect(prompt).to_have_text("A lorry at the crossing")
    expect(presenter.locator("#scen-step .slide-body strong")).to_have_text("used furniture")
    current = presenter.locator(".scen-box.is-current")
    expect(current).to_have_attribute("data-step", "arrival")
    for phone in phones:
        expect(phone.locator("#prompt")).to_have_text("A lorry at the crossing")
        expect(phone.locator("#scenario")).to_contain_text("The facilitator moves on")

    presenter.keyboard.press("Space")
    expect(prompt).to_have_text("What do you do with the lorry?")
    expect(presenter.locator(".scen-options li")).to_have_text(["1Inspect the load", "2Let it go"])
    vote(phones[0], "Inspect the load")
    vote(phones[1], "Inspect the load")
    vote(phones[2], "Let it go")
    track = console.locator('.scenario-track[data-team="room"]')
    expect(track.locator(".mini-count")).to_have_text(["2", "1"])  # the facilitator's live counts
    expect(track.locator(".scenario-voters")).to_have_text("3 phones voted")

    presenter.keyboard.press("c")
    expect(prompt).to_have_text("Icons under the blankets: now what?")
    last = presenter.locator("#scen-last")
    expect(last.locator(".scen-last-title")).to_have_text("Decided: Inspect the load")
    expect(last.locator(".scen-count")).to_have_text(["2", "1"])
    expect(phones[2].locator(".scenario-chosen")).to_have_text("Decided: Inspect the load")

    vote(phones[0], "Seize them")
    vote(phones[1], "Call an expert")
    presenter.keyboard.press("ArrowRight")  # next closes the vote: one each, a tie
    expect(presenter.locator("#scen-status")).to_have_attribute("data-state", "tied")
    expect(presenter.locator("#scen-step > .scen-split .scen-count")).to_have_text(["1", "1"])
    expect(phones[0].locator("#scenario-status")).to_have_text("Tied: the facilitator decides")
    presenter.keyboard.press("2")
    expect(prompt).to_have_text("The expert dates them to the 17th century")
    expect(last.locator(".scen-last-title")).to_have_text("The facilitator chose: Call an expert")
    expect(current).to_have_attribute("data-step", "assessed")
    assert taken(presenter) == [("arrival", "papers"), ("papers", "search"), ("search", "assessed")]
    expect(presenter.locator(".scen-box.is-visited")).to_have_count(4)
    for phone in phones:
        expect(phone.locator("#scenario-status")).to_have_text("End of the exercise")
        expect(phone.locator("#prompt")).to_have_text("The expert dates them to the 17th century")

    presenter.keyboard.press("Space")  # nothing follows an ending: the key does nothing
    expect(prompt).to_have_text("The expert dates them to the 17th century")
    assert serious_violations(presenter) == []
    assert serious_violations(phones[0]) == []


def test_two_teams_on_four_phones_end_in_different_places(
    exercise_server: LiveServer, open_page: Callable[..., Page], tmp_path: Path
) -> None:
    """Two teams of two phones (one of them in Arabic, right to left) each go at their own pace:
    a member's "continue" moves the team on, a majority settles its vote at once, and the teams
    end at different endings, as the phones, the presenter's map, the console and the debrief
    (from the server, then from the exported file) show."""
    server = exercise_server
    info = server.create_session("browser-exercise")
    token = f"#token={server.token}"
    console = open_page(f"{server.url}/console/{info['id']}{token}")
    presenter = open_page(f"{server.url}/present/{info['id']}{token}", PROJECTOR)
    north = [open_page(f"{server.url}/j/{info['code']}") for _ in range(2)]
    join = f"{server.url}/j/{info['code']}"
    south = [open_page(join), open_page(join, locale="ar")]

    console.get_by_label("Teams, each at its own pace").check()
    console.locator("#scenario-teams").fill("North\nSouth")
    console.locator("#scenario-decide").select_option("majority")
    console.locator("#scenario-go").click()
    arabic = south[1]
    expect(arabic.locator("#prompt")).to_have_text("اختر فريقك")
    assert arabic.locator("#scenario").evaluate("node => getComputedStyle(node).direction") == "rtl"
    for team, phones in (("North", north), ("South", south)):
        for phone in phones:
            phone.locator(f'.choice[data-value="{team}"]').click()
            expect(phone.locator("#prompt")).to_have_text("A lorry at the crossing")
    expect(north[0].locator(".scenario-team")).to_have_text("Team North")

    north[0].locator("#scenario-continue").click()
    for phone in north:
        expect(phone.locator("#prompt")).to_have_text("What do you do with the lorry?")
    expect(south[0].locator("#prompt")).to_have_text("A lorry at the crossing")  # each at its own pace
    marker = presenter.locator(".scen-marker")
    expect(marker.and_(presenter.locator('[data-team="North"]'))).to_have_attribute("data-step", "papers")
    expect(marker.and_(presenter.locator('[data-team="South"]'))).to_have_attribute("data-step", "arrival")

    vote(north[0], "Inspect the load")
    expect(console.locator('.scenario-track[data-team="North"] .scenario-voters')).to_have_text(
        "1 of 2 phones of the team voted"
    )
    # One vote of two is no majority: the team is still deciding.
    expect(north[0].locator("#prompt")).to_have_text("What do you do with the lorry?")
    north[1].get_by_role("button", name="Inspect the load").click()
    for phone in north:
        expect(phone.locator("#prompt")).to_have_text("Icons under the blankets: now what?")
    south[1].locator("#scenario-continue").click()
    for phone in south:
        expect(phone.locator("#prompt")).to_have_text("What do you do with the lorry?")
    vote(south[0], "Let it go")
    south[1].locator('.choice[data-value="release"]').click()
    for phone in south:
        expect(phone.locator("#scenario-status")).not_to_have_attribute("data-state", "open")
        expect(phone.locator("#prompt")).to_have_text("The lorry drives on")
    vote(north[1], "Seize them")
    north[0].get_by_role("button", name="Seize them").click()
    for phone in north:
        expect(phone.locator("#prompt")).to_have_text("The icons are seized")
        expect(phone.locator("#scenario-status")).to_have_text("End of the exercise")
    expect(south[0].locator("#scenario-status")).to_have_text("End of the exercise")

    expect(marker.and_(presenter.locator('[data-team="North"]'))).to_have_attribute("data-step", "seized")
    expect(marker.and_(presenter.locator('[data-team="South"]'))).to_have_attribute("data-step", "released")
    teams = presenter.locator(".scen-team")
    expect(teams.locator(".scen-team-step")).to_have_text(["The icons are seized", "The lorry drives on"])
    assert sorted(taken(presenter)) == [
        ("arrival", "papers"),
        ("arrival", "papers"),
        ("papers", "released"),
        ("papers", "search"),
        ("search", "seized"),
    ]
    cards = console.locator(".scenario-track")
    ends = ["The icons are seized", "The lorry drives on"]
    expect(cards.locator(".scenario-track-step")).to_have_text(ends)
    assert serious_violations(presenter) == []
    assert serious_violations(arabic) == []
    assert serious_violations(console) == []

    debrief = open_page(f"{server.url}/debrief/{info['id']}{token}", PROJECTOR)
    check_debrief(debrief, ends)
    assert serious_violations(debrief) == []
    exported = server.api("GET", f"/api/sessions/{info['id']}/scenario.json")
    saved = tmp_path / "debrief.json"
    saved.write_bytes(exported.content)
    opened = open_page(f"{server.url}/debrief", PROJECTOR)  # no session, no token: the file alone
    opened.locator("#debrief-file").set_input_files(str(saved))
    expect(opened.locator("#debrief-status")).to_have_text("From the file debrief.json")
    check_debrief(opened, ends)


def check_debrief(page: Page, ends: list[str]) -> None:
    """The debrief of the two-team exercise: the teams side by side, where each ended, the
    decision they took differently and where their paths parted."""
    table = page.locator("#debrief-table")
    expect(table.locator("thead th")).to_have_text(["Step", "North", "South"])
    expect(table.locator("tr.debrief-end td")).to_have_text(ends)
    first = table.locator("tbody tr").first
    expect(first.locator("td .debrief-step")).to_have_text(["A lorry at the crossing"] * 2)
    expect(table.locator("tbody tr.is-different").first.locator("td .debrief-choice")).to_have_text(
        ["Decided: Inspect the load", "Decided: Let it go"]
    )
    expect(table.locator("tr.debrief-total td")).to_have_text(["0 minutes · 0 overrides"] * 2)
    papers = page.locator('#debrief-compare li[data-step="papers"]')
    expect(papers).to_contain_text("North: Inspect the load · South: Let it go")
    parted = "Their paths parted after: What do you do with the lorry?"
    expect(page.locator("#debrief-parted")).to_have_text(parted)
    expect(page.locator('.scen-marker[data-team="South"]')).to_have_attribute("data-step", "released")


def test_the_debrief_page_refuses_a_file_that_is_no_debrief(
    exercise_server: LiveServer, open_page: Callable[..., Page], tmp_path: Path
) -> None:
    """A JSON file of another kind opened on the debrief page gets a clear refusal, and no table."""
    other = tmp_path / "export.json"
    other.write_text(json.dumps({"session": {}, "answers": []}), encoding="utf-8")
    page = open_page(f"{exercise_server.url}/debrief", PROJECTOR)
    expect(page.locator("#debrief-status")).to_have_text(
        "Open a debrief file exported from a session to show its exercise."
    )
    page.locator("#debrief-file").set_input_files(str(other))
    expect(page.locator("#debrief-status")).to_have_text("This file is not an exercise debrief.")
    expect(page.locator("#debrief-table")).to_have_count(0)


def test_a_spokesperson_decides_for_the_team_and_the_console_holds_releases_and_stops(
    exercise_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    """With one team deciding by spokesperson, the phone that ticked "I speak for my team" votes
    and the other waits; the console holds the team at the decision, releases it, and stops the
    run, after which phones are back to the session and the console offers a new run."""
    server = exercise_server
    info = server.create_session("browser-exercise")
    console = open_page(f"{server.url}/console/{info['id']}#token={server.token}")
    console.get_by_label("Teams, each at its own pace").check()
    console.locator("#scenario-teams").fill("Red")
    console.locator("#scenario-decide").select_option("spokesperson")
    console.locator("#scenario-go").click()
    expect(console.locator("#scenario-mode")).to_have_text("Teams, each deciding through its spokesperson")
    speaker, member = (open_page(f"{server.url}/j/{info['code']}") for _ in range(2))
    speaker.get_by_label("I speak for my team").check()
    speaker.locator('.choice[data-value="Red"]').click()
    expect(speaker.locator(".scenario-team")).to_have_text("Team Red · spokesperson")
    member.locator('.choice[data-value="Red"]').click()
    expect(member.locator(".scenario-team")).to_have_text("Team Red")

    console.locator("#scenario-hold-step").select_option("papers")
    console.locator("#scenario-hold").click()
    holding = "Every team stops at: What do you do with the lorry?"
    expect(console.locator(".scenario-hold")).to_contain_text(holding)
    member.locator("#scenario-continue").click()
    expect(speaker.locator("#prompt")).to_have_text("What do you do with the lorry?")
    expect(speaker.locator("#scenario-status")).to_have_text("Paused")
    expect(speaker.get_by_role("button", name="Let it go")).to_be_disabled()
    expect(console.locator('.scenario-track[data-team="Red"] .badge')).to_have_text("Paused")

    console.locator("#scenario-release").click()
    expect(speaker.locator("#scenario-status")).to_have_text("Vote open")
    expect(member.get_by_role("button", name="Let it go")).to_be_disabled()
    expect(member.locator("#hint")).to_have_text("Your team's spokesperson votes for the team.")
    speaker.get_by_role("button", name="Let it go").click()
    for phone in (speaker, member):
        expect(phone.locator("#prompt")).to_have_text("The lorry drives on")
        expect(phone.locator(".scenario-chosen")).to_have_text("Decided: Let it go")

    stop = console.locator("#scenario-stop")
    stop.click()
    expect(stop).to_have_text("Press again to stop the exercise")
    stop.click()
    expect(console.locator("#scenario-start")).to_be_visible()  # a new run may begin
    for phone in (speaker, member):
        expect(phone.locator("#scenario")).to_have_count(0)
        expect(phone.locator(".message.is-waiting")).to_be_visible()
