// The console's table-top exercise panel: start it (room or teams, how a team decides), then
// per track close the vote, pick a branch (an override), or go on from an inject, with the
// live counts; hold every team at a step and release them; stop; open the debrief.
import { $, el, fill } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { isEnding, moveOnTimer, statusText, stepOf } from "./scenariostep.js";
import { teamColour, teamOrder } from "./scenariomap.js";

let stopArmed = 0; // the timer of a first tap on "stop", waiting for the second

/** Whether the session's bank holds an exercise: the server then sends it, waiting to start. */
export function hasScenario(view) {
  return Boolean(view.scenario && view.scenario.steps);
}

function running(scenario) {
  return scenario.status === "running";
}

/** Keep the panel up to date; `text(value)` picks a bank text, `send` sends a command. */
export function renderScenarioPanel(view, text, send) {
  const panel = $("#scenario-panel");
  panel.hidden = !hasScenario(view);
  if (panel.hidden) return;
  const scenario = view.scenario;
  const ended = view.session.status === "ended";
  const body = $("#scenario-console");
  const debrief = el("a", { class: "button", id: "scenario-debrief", href: `/debrief/${encodeURIComponent(view.session.id)}`, target: "_blank", rel: "noopener", text: t("scenario.openDebrief") });
  if (!running(scenario)) {
    // A form typed into is left alone: the next push must not wipe what the facilitator chose.
    if (!body.querySelector("#scenario-start") || body.dataset.ended !== String(ended)) fill(body, ended ? null : startForm(view, send), el("p", { class: "links" }, debrief));
    body.dataset.ended = String(ended);
    return;
  }
  body.dataset.ended = "";
  const held = $("#scenario-hold-step"); // the step chosen to hold at, kept across pushes
  const chosen = held ? held.value : null;
  fill(
    body,
    el("p", { class: "muted", id: "scenario-mode", text: scenario.mode === "teams" ? (scenario.decide === "spokesperson" ? t("scenario.modeTeamsSpokes") : t("scenario.modeTeamsMajority")) : t("scenario.modeRoom") }),
    el("ul", { class: "scenario-tracks" }, teamOrder(scenario).filter((team) => scenario.tracks[team]).map((team) => trackCard(scenario, team, text, send))),
    ended ? null : holdRow(scenario, text, send),
    el("p", { class: "links" }, ended ? null : stopButton(send), debrief),
  );
  if (chosen && $("#scenario-hold-step")) $("#scenario-hold-step").value = chosen;
}

function startForm(view, send) {
  const teams = el("textarea", { id: "scenario-teams", rows: "3", class: "input" });
  teams.value = (view.teams || []).join("\n");
  const decide = el(
    "select",
    { id: "scenario-decide", class: "select" },
    el("option", { value: "majority", text: t("scenario.decideMajority") }),
    el("option", { value: "spokesperson", text: t("scenario.decideSpokesperson") }),
  );
  const teamFields = el(
    "div",
    { class: "scenario-team-fields", hidden: true },
    el("label", { class: "field", for: "scenario-teams", text: t("scenario.teamsLabel") }),
    teams,
    el("label", { class: "field", for: "scenario-decide", text: t("scenario.decideLabel") }),
    decide,
  );
  const mode = (value, label) =>
    el(
      "label",
      { class: "check" },
      el("input", { type: "radio", name: "scenario-mode", value, checked: value === "room", onchange: () => (teamFields.hidden = value !== "teams") }),
      " ",
      el("span", { text: label }),
    );
  const form = el(
    "form",
    { class: "scenario-start", id: "scenario-start" },
    el("fieldset", { class: "display-field" }, el("legend", { class: "field", text: t("scenario.modeLabel") }), mode("room", t("scenario.modeRoom")), mode("teams", t("scenario.modeTeams"))),
    teamFields,
    el("button", { type: "submit", class: "button primary", id: "scenario-go", text: t("scenario.start") }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = form.querySelector('input[name="scenario-mode"]:checked').value;
    const message = { type: "scenario_start", mode: chosen };
    if (chosen === "teams") {
      message.teams = teams.value.split("\n").map((line) => line.trim()).filter(Boolean);
      message.decide = decide.value;
    }
    send(message);
  });
  return form;
}

/** One track: where it is, its live counts, and what the facilitator can do there. */
function trackCard(scenario, team, text, send) {
  const track = scenario.tracks[team];
  const step = stepOf(scenario, track.step);
  const ended = track.status === "ended" || isEnding(step);
  const teams = scenario.mode === "teams";
  const swatch = el("span", { class: "scen-swatch", "aria-hidden": "true" });
  swatch.style.background = teamColour(scenario, team);
  const counts = track.counts || track.split || {};
  const actions = [];
  if (step && !ended && step.kind === "decision" && track.status === "open") {
    actions.push(el("button", { type: "button", class: "button", "data-action": "close", text: t("scenario.closeVote"), onclick: () => send({ type: "scenario_close", team }) }));
  }
  if (step && !ended && step.kind === "decision" && ["open", "tied"].includes(track.status)) {
    for (const option of step.options || []) {
      actions.push(el("button", { type: "button", class: "button", "data-action": "pick", "data-option": option.id, dir: "auto", text: t("scenario.pick", { option: text(option.label) }), onclick: () => send({ type: "scenario_choose", team, option: option.id }) }));
    }
  }
  if (step && !ended && step.kind !== "decision" && track.status === "reading") {
    actions.push(el("button", { type: "button", class: "button", "data-action": "next", text: t("scenario.goOn"), onclick: () => send({ type: "scenario_next", team }) }));
  }
  const rows =
    step && step.kind === "decision"
      ? (step.options || []).map((option) =>
          el("li", { class: "mini-row" }, el("span", { class: "mini-label", dir: "auto", text: text(option.label) }), el("span", { class: "mini-count", text: formatNumber(counts[option.id] || 0) })),
        )
      : [];
  return el(
    "li",
    { class: "scenario-track", "data-team": team },
    el(
      "p",
      { class: "scenario-track-head" },
      teams ? swatch : null,
      el("bdi", { class: "scenario-track-name", text: teams ? team : t("scenario.theRoom") }),
      " ",
      el("span", { class: "badge", "data-state": ended ? "ended" : track.status, text: ended ? t("scenario.ending") : statusText(track.status) }),
    ),
    el("p", { class: "scenario-track-step", dir: "auto", text: step ? text(step.title) : "" }),
    ended ? null : moveOnTimer(track),
    rows.length ? el("ul", { class: "mini-rows" }, rows) : null,
    rows.length && typeof track.voters === "number" ? el("p", { class: "muted scenario-voters", text: voters(track, teams) }) : null,
    actions.length ? el("div", { class: "links" }, actions) : null,
  );
}

/** How many phones voted on the track's decision; in teams mode, of the team's members. */
function voters(track, teams) {
  if (teams) return t("scenario.votersOf", { voters: formatNumber(track.voters), members: formatNumber(track.members) });
  return t("scenario.voters", { count: track.voters });
}

function holdRow(scenario, text, send) {
  if (scenario.hold) {
    const step = stepOf(scenario, scenario.hold);
    return el(
      "p",
      { class: "scenario-hold" },
      el("span", { dir: "auto", text: t("scenario.holding", { step: step ? text(step.title) : scenario.hold }) }),
      " ",
      el("button", { type: "button", class: "button", id: "scenario-release", text: t("scenario.release"), onclick: () => send({ type: "scenario_release" }) }),
    );
  }
  const select = el("select", { id: "scenario-hold-step", class: "select" }, scenario.steps.map((step) => el("option", { value: step.id, text: text(step.title) })));
  return el(
    "p",
    { class: "scenario-hold" },
    el("label", { for: "scenario-hold-step", text: t("scenario.holdLabel") }),
    " ",
    select,
    " ",
    el("button", { type: "button", class: "button", id: "scenario-hold", text: t("scenario.hold"), onclick: () => send({ type: "scenario_hold", step: select.value }) }),
  );
}

/** Stop on a second tap within a few seconds; the first only asks. */
function stopButton(send) {
  const button = el("button", { type: "button", class: `button${stopArmed ? " danger" : ""}`, id: "scenario-stop", text: stopArmed ? t("scenario.stopAgain") : t("scenario.stop") });
  button.addEventListener("click", () => {
    if (stopArmed) {
      clearTimeout(stopArmed);
      stopArmed = 0;
      send({ type: "scenario_stop" });
      return;
    }
    stopArmed = setTimeout(() => {
      stopArmed = 0;
      const shown = $("#scenario-stop"); // the panel may have been drawn again meanwhile
      if (!shown) return;
      shown.textContent = t("scenario.stop");
      shown.classList.remove("danger");
    }, 5000);
    button.textContent = t("scenario.stopAgain");
    button.classList.add("danger");
  });
  return button;
}
