// A table-top exercise's debrief from its debrief JSON (the server's, or an exported file
// opened from disk): the map with every path taken, then the paths side by side, a column per
// track, each step with its minutes and each decision with its split and any override; where
// teams chose differently and where each one ended stand out.
import { el, fill } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { scenarioMap, teamColour } from "./scenariomap.js";
import { optionLabel, stepOf } from "./scenariostep.js";
import { isRtl, pick, setLanguage } from "./text.js";

const FORMAT = "polling-debrief";
const VERSION = 1;

/** The debrief's parts (DEBRIEF of docs/protocol.md): the scenario, its languages and each
 * track's visits in order, with the step it ended at or stands at. Throws when the data is
 * not a debrief this page can read (another kind of file, or a later version). */
export function readDebrief(data) {
  if (!data || data.format !== FORMAT || !(data.version <= VERSION)) throw new Error("not a debrief");
  const scenario = data.scenario;
  if (!scenario || !Array.isArray(scenario.steps) || !scenario.steps.length || !Array.isArray(data.tracks)) throw new Error("not a debrief");
  const session = data.session || {};
  const languages = session.languages || Object.keys(scenario.steps[0].title || {});
  const tracks = data.tracks.map((track) => ({ ...track, team: track.name, visits: track.visits || [] }));
  return { session, scenario: { ...scenario, mode: data.mode, teams: tracks.map((track) => track.team) }, languages, tracks, comparison: data.comparison || null };
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
  const totals = el(
    "tr",
    { class: "debrief-total" },
    el("th", { scope: "row", text: t("scenario.total") }),
    tracks.map((track) => el("td", { "data-team": track.team, text: `${t("scenario.minutes", { count: track.minutes || 0 })} · ${t("scenario.overrideCount", { count: track.overrides || 0 })}` })),
  );
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
    el("div", { class: "table-wrap" }, el("table", { class: "sessions debrief-table", id: "debrief-table" }, el("thead", {}, head), el("tbody", {}, body, endings, totals))),
    tracks.length > 1 ? el("p", { class: "muted", text: t("scenario.differentNote") }) : null,
    tracks.length > 1 ? comparison(debrief, shown, fallback) : null,
  );
}

/** Where the tracks chose differently, decision by decision, and the step their paths parted after. */
function comparison(debrief, lang, fallback) {
  const compared = debrief.comparison;
  if (!compared) return null;
  const differ = (compared.decisions || []).filter((decision) => decision.differ);
  const title = (id) => {
    const step = stepOf(debrief.scenario, id);
    return step ? pick(step.title, lang, fallback) : id;
  };
  const items = differ.map((decision) => {
    const step = stepOf(debrief.scenario, decision.step);
    const choices = Object.entries(decision.choices).map(([team, options]) => `${team}: ${options.map((id) => optionLabel(step, id, lang, fallback)).join(", ")}`);
    const item = el("li", { "data-step": decision.step }, el("b", { text: title(decision.step) }), " ", el("span", { text: choices.join(" · ") }));
    setLanguage(item, lang);
    return item;
  });
  const parted = compared.parted_after ? el("p", { id: "debrief-parted", text: t("scenario.partedAfter", { step: title(compared.parted_after) }) }) : null;
  if (parted) setLanguage(parted, lang);
  return el(
    "section",
    { class: "debrief-compare", id: "debrief-compare" },
    el("h2", { text: t("scenario.choseDifferently") }),
    items.length ? el("ul", {}, items) : el("p", { class: "muted", text: t("scenario.choseAlike") }),
    parted,
  );
}
