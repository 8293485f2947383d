// The presenter's view of a table-top exercise: the room's step (title, body, the options and,
// once the vote is closed, its split) beside the scenario map; in teams mode the map with each
// team's marker and a line per team. Also what the clicker keys do while it is on screen.
import { $, el, fill } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { picture } from "./slides.js";
import { placeSteps, scenarioMap, teamColour, teamOrder } from "./scenariomap.js";
import { isEnding, lastDecision, moveOnTimer, optionLabel, statusText, stepBody, stepOf } from "./scenariostep.js";
import { showInLanguages } from "./languages.js";
import { isRtl, pick, setLanguage } from "./text.js";

const ROOM_COLUMNS = 5; // the widest map shown whole beside the room's step

/** Whether the presenter shows the exercise: one is running (not waiting to start, nor stopped). */
export function scenarioShown(scenario) {
  return Boolean(scenario && scenario.status === "running" && scenario.tracks && Object.keys(scenario.tracks).length);
}

/** The room's track in room mode, else null. */
export function roomTrack(scenario) {
  return scenarioShown(scenario) && scenario.mode !== "teams" ? scenario.tracks.room || Object.values(scenario.tracks)[0] : null;
}

/** The team name a command names for the room's track. */
function roomTeam(scenario) {
  const names = Object.keys(scenario.tracks);
  return names.indexOf("room") !== -1 ? "room" : names[0];
}

/**
 * What a presenter key does in room mode, as the message to send, or null for nothing:
 * `next` closes an open vote or goes on from an inject, `close` closes the vote, `pick`
 * (a digit) chooses that option whatever the votes say (an override).
 */
export function scenarioCommand(scenario, action, digit = 0) {
  const track = roomTrack(scenario);
  if (!track) return null;
  const team = roomTeam(scenario);
  const step = stepOf(scenario, track.step);
  if (!step || track.status === "ended") return null;
  if (action === "pick") {
    const option = step.kind === "decision" ? (step.options || [])[digit - 1] : null;
    return option ? { type: "scenario_choose", team, option: option.id } : null;
  }
  if (action === "close") return track.status === "open" ? { type: "scenario_close", team } : null;
  if (action === "next") {
    if (track.status === "open") return { type: "scenario_close", team };
    if (track.status === "reading" && !isEnding(step)) return { type: "scenario_next", team };
  }
  return null;
}

/** The label of the presenter's "next" button while the exercise is on screen. */
export function scenarioNextLabel(scenario) {
  const track = roomTrack(scenario);
  if (!track) return t("scenario.teamsAtOwnPace");
  if (track.status === "open") return t("scenario.closeVote");
  if (track.status === "tied") return t("scenario.pickBranch");
  if (track.status === "reading") return t("scenario.goOn");
  return statusText(track.status);
}

/** Bars of a vote's split: each option's count and share, the one taken marked. */
export function splitBars(step, split, chosen, lang, fallback) {
  const total = Object.values(split || {}).reduce((sum, n) => sum + n, 0);
  return el(
    "ul",
    { class: "scen-split" },
    (step.options || []).map((option, index) => {
      const count = (split || {})[option.id] || 0;
      const bar = el("span", { class: "scen-bar" });
      bar.style.setProperty("--share", String(total ? count / total : 0));
      const label = el("span", { class: "scen-option", text: `${formatNumber(index + 1)} · ${pick(option.label, lang, fallback)}` });
      setLanguage(label, lang);
      return el(
        "li",
        { class: `scen-split-row${chosen === option.id ? " is-chosen" : ""}`, "data-option": option.id },
        label,
        el("span", { class: "scen-count", text: formatNumber(count) }),
        bar,
      );
    }),
  );
}

/** Fill the exercise's view. `languages`: the bank languages on screen (the first is used
 * for the map), `fallback` the bank's default. */
export function renderScenarioView(scenario, languages, fallback) {
  const lang = languages[0];
  const rtl = isRtl(lang);
  const room = roomTrack(scenario);
  const head = $("#scen-head");
  const side = $("#scen-step");
  if (room) {
    const step = stepOf(scenario, room.step);
    fill(head);
    fill(side, step ? stepView(scenario, room, step, languages, fallback) : null);
    side.hidden = false;
  } else {
    fill(head, el("h1", { class: "scen-title", text: t("scenario.exercise") }));
    fill(side, teamList(scenario, lang, fallback));
    side.hidden = false;
  }
  $("#view-scenario").dataset.mode = room ? "room" : "teams";
  // Beside the room's step, a long scenario shows only the column before the step and the two
  // after it; teams mode shows it whole, to see every team at once.
  const places = placeSteps(scenario);
  const wide = Math.max(0, ...Object.values(places).map((place) => place[0])) + 1 > ROOM_COLUMNS;
  fill($("#scen-map"), scenarioMap(scenario, { lang, fallback, rtl, around: room && wide ? room.step : null }));
}

function stepView(scenario, track, step, languages, fallback) {
  const lang = languages[0];
  const ended = track.status === "ended" || isEnding(step);
  const parts = [
    el("p", { class: "q-meta" }, el("span", { class: "badge", id: "scen-status", "data-state": ended ? "ended" : track.status, text: ended ? t("scenario.ending") : statusText(track.status) })),
    moveOnTimer(track, { id: "scen-countdown" }),
  ];
  // The title in each language on screen, as a question's prompt; the rest in the first.
  const title = el("h1", { class: "q-prompt", id: "scen-prompt" });
  showInLanguages(title, step.title, languages, fallback);
  parts.push(title, stepBody(step, lang, fallback), picture(step.image, "screen", lang, fallback));
  if (step.kind === "decision") {
    // A tie shows its split for the facilitator's pick; an open vote shows none (no herding).
    const tied = track.status === "tied";
    parts.push(tied ? splitBars(step, track.split, null, lang, fallback) : optionList(step, lang, fallback));
    if (tied) parts.push(el("p", { class: "scen-note", text: t("scenario.tiedPresenter") }));
  }
  // The decision the track has just come from, with its split: what the room chose, and how.
  const last = lastDecision(track);
  const decided = last ? stepOf(scenario, last.step) : null;
  if (decided) {
    parts.push(
      el(
        "div",
        { class: "scen-last", id: "scen-last" },
        el("p", { class: "scen-last-title", text: decidedText(last, optionLabel(decided, last.choice, lang, fallback)) }),
        splitBars(decided, last.split, last.choice, lang, fallback),
      ),
    );
  }
  return parts;
}

/** How a decision was settled, in words: by the votes, by the facilitator's pick (on a tie),
 * or by the facilitator against the votes (an override). */
function decidedText(visit, option) {
  if (visit.override) return t("scenario.lastOverride", { option });
  if (visit.by === "facilitator") return t("scenario.lastPicked", { option });
  return t("scenario.lastDecision", { option });
}

/** The options of an open vote, numbered as the digit keys pick them. */
function optionList(step, lang, fallback) {
  return el(
    "ol",
    { class: "scen-options" },
    (step.options || []).map((option, index) => {
      const item = el("li", { "data-option": option.id }, el("span", { class: "scen-digit", "aria-hidden": "true", text: formatNumber(index + 1) }), pick(option.label, lang, fallback));
      setLanguage(item, lang);
      return item;
    }),
  );
}

/** Teams mode: each team in its colour, the step it is at and its state. */
function teamList(scenario, lang, fallback) {
  return el(
    "ul",
    { class: "scen-teams" },
    teamOrder(scenario)
      .filter((team) => scenario.tracks[team])
      .map((team) => {
        const track = scenario.tracks[team];
        const step = stepOf(scenario, track.step);
        const ended = track.status === "ended" || isEnding(step);
        const swatch = el("span", { class: "scen-swatch", "aria-hidden": "true" });
        swatch.style.background = teamColour(scenario, team);
        const where = el("span", { class: "scen-team-step", text: step ? pick(step.title, lang, fallback) : "" });
        setLanguage(where, lang);
        return el(
          "li",
          { class: "scen-team", "data-team": team },
          swatch,
          el("bdi", { class: "scen-team-name", text: team }),
          where,
          el("span", { class: "badge", "data-state": ended ? "ended" : track.status, text: ended ? t("scenario.ending") : statusText(track.status) }),
          moveOnTimer(track),
        );
      }),
  );
}
