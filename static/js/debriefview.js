// A table-top exercise's debrief from its debrief JSON (the server's, or an exported file
// opened from disk): the map with every path taken, then the paths side by side, a column per
// track, each step with its minutes and each decision with its split and any override; where
// teams chose differently and where each one ended stand out.
import { el, fill } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { scenarioMap, teamColour } from "./scenariomap.js";
import { optionLabel, stepOf } from "./scenariostep.js";
import { isRtl, pick, setLanguage } from "./text.js";

/** Whole minutes between two times (UTC minutes as "2026-12-01T10:04Z", or milliseconds). */
function minutesBetween(from, to) {
  const start = typeof from === "number" ? from : Date.parse(from);
  const end = typeof to === "number" ? to : Date.parse(to);
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, Math.round((end - start) / 60000)) : null;
}

/** The debrief's parts whatever the file's age: the scenario, its languages and each track's
 * visits in order, with the step it ended at. Throws when the data is no debrief. */
export function readDebrief(data) {
  const scenario = data && (data.scenario || data);
  if (!scenario || !Array.isArray(scenario.steps) || !scenario.tracks) throw new Error("not a debrief");
  const session = data.session || {};
  const languages = session.languages || data.languages || Object.keys(scenario.steps[0].title || {});
  const tracks = Object.entries(scenario.tracks).map(([team, track]) => {
    const visits = (track.path || track.history || track.visits || []).map((visit) => ({
      ...visit,
      minutes: visit.minutes !== undefined && visit.minutes !== null ? visit.minutes : minutesBetween(visit.entered, visit.left),
    }));
    const last = visits[visits.length - 1];
    return { team, visits, step: track.step || (last && last.step) || null, status: track.status || null };
  });
  return { session, scenario, languages, tracks };
}

/** Whether the steps the tracks took at place `index` differ (or some have none there). */
function differs(tracks, index) {
  const taken = tracks.map((track) => {
    const visit = track.visits[index];
    return visit ? `${visit.step}|${visit.choice || ""}` : "";
  });
  return new Set(taken).size > 1;
}

function cell(debrief, visit, lang, fallback) {
  const step = stepOf(debrief.scenario, visit.step);
  const title = el("p", { class: "debrief-step", text: step ? pick(step.title, lang, fallback) : visit.step });
  setLanguage(title, lang);
  const parts = [title];
  if (visit.minutes !== null && visit.minutes !== undefined) parts.push(el("p", { class: "debrief-minutes", text: t("scenario.minutes", { count: visit.minutes }) }));
  if (visit.choice && step) {
    const chosen = el("p", { class: "debrief-choice", text: t("scenario.chosen", { option: optionLabel(step, visit.choice, lang, fallback) }) });
    setLanguage(chosen, lang);
    parts.push(chosen);
    if (visit.override) parts.push(el("p", { class: "badge debrief-by", "data-by": "override", text: t("scenario.override") }));
    else if (visit.by === "facilitator") parts.push(el("p", { class: "badge debrief-by", "data-by": "facilitator", text: t("scenario.picked") }));
    const split = visit.split || {};
    const counts = (step.options || []).map((option) => `${pick(option.label, lang, fallback)}: ${formatNumber(split[option.id] || 0)}`);
    const votes = el("p", { class: "debrief-split", text: counts.join(" · ") });
    setLanguage(votes, lang);
    parts.push(votes);
  }
  return parts;
}

/** Draw the debrief into `holder`, in bank language `lang` (else the bank's first). */
export function renderDebrief(holder, debrief, lang) {
  const fallback = debrief.languages[0];
  const shown = debrief.languages.indexOf(lang) !== -1 ? lang : fallback;
  const teams = debrief.scenario.mode === "teams";
  const tracks = debrief.tracks;
  const rows = Math.max(0, ...tracks.map((track) => track.visits.length));
  const name = (track) => (teams ? track.team : t("scenario.theRoom"));
  const head = el(
    "tr",
    {},
    el("th", { scope: "col", text: t("scenario.stepNumber") }),
    tracks.map((track) => {
      const swatch = el("span", { class: "scen-swatch", "aria-hidden": "true" });
      swatch.style.background = teamColour(debrief.scenario, track.team);
      return el("th", { scope: "col", "data-team": track.team }, teams ? swatch : null, el("bdi", { text: name(track) }));
    }),
  );
  const body = [];
  for (let index = 0; index < rows; index += 1) {
    body.push(
      el(
        "tr",
        { class: differs(tracks, index) && tracks.length > 1 ? "is-different" : "" },
        el("th", { scope: "row", text: formatNumber(index + 1) }),
        tracks.map((track) => el("td", { "data-team": track.team }, track.visits[index] ? cell(debrief, track.visits[index], shown, fallback) : null)),
      ),
    );
  }
  const endings = el(
    "tr",
    { class: "debrief-end" },
    el("th", { scope: "row", text: t("scenario.endedAt") }),
    tracks.map((track) => {
      const step = stepOf(debrief.scenario, track.step);
      const node = el("td", { "data-team": track.team, text: step ? pick(step.title, shown, fallback) : "" });
      setLanguage(node, shown);
      return node;
    }),
  );
  const mapData = { ...debrief.scenario, tracks: Object.fromEntries(tracks.map((track) => [track.team, { step: track.step, history: track.visits }])) };
  fill(
    holder,
    el("div", { class: "debrief-map", dir: "ltr" }, scenarioMap(mapData, { lang: shown, fallback, rtl: isRtl(shown), label: t("scenario.debriefMapLabel") })),
    el("div", { class: "table-wrap" }, el("table", { class: "sessions debrief-table", id: "debrief-table" }, el("thead", {}, head), el("tbody", {}, body, endings))),
    tracks.length > 1 ? el("p", { class: "muted", text: t("scenario.differentNote") }) : null,
  );
}
