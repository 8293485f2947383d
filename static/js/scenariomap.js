// The map of a table-top scenario as inline SVG: a box per step where the server's `layout`
// puts it (columns: distance from the start), an arrow per way on, the path each team took
// drawn over them in the team's colour, and each team's marker on the step it is at. Sized
// in the SVG's own units and scaled to its box, so that it reads from the back of a room.
import { t } from "./i18n.js";
import { pick } from "./text.js";

const SVG = "http://www.w3.org/2000/svg";
// Narrow, tall boxes with few words a line: a scenario is many columns wide and few rows high,
// and the map is as large as the width of the screen allows.
const BOX_W = 230;
const BOX_H = 150;
const GAP_X = 50;
const GAP_Y = 40;
const FONT = 26;
const LINE = 31;
const MARKER_H = 34;
// Dark enough for white text (4.5:1 and more), far apart for the eye.
export const TEAM_COLOURS = ["#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4d7c0f"];

function node(tag, attrs = {}, ...children) {
  const made = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) made.setAttribute(key, String(value));
  for (const child of children) if (child) made.append(child);
  return made;
}

/** A title cut into at most three lines of about `width` characters, the last one shortened. */
export function wrap(text, width = 13, lines = 4) {
  const words = String(text).split(/\s+/).filter(Boolean);
  const out = [];
  let line = "";
  for (const word of words) {
    if (line && (line + " " + word).length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  if (out.length > lines) {
    out.length = lines;
    out[lines - 1] = `${out[lines - 1].slice(0, width - 1)}…`;
  }
  return out.map((part) => (part.length > width + 4 ? `${part.slice(0, width + 3)}…` : part));
}

/** The steps a track went through, in order: each visit, then the step it is at now. */
export function pathOf(track) {
  const steps = (track.history || []).map((visit) => visit.step);
  if (track.step && steps[steps.length - 1] !== track.step) steps.push(track.step);
  return steps;
}

/** Every way on from each step, as [from, to] pairs, in bank order without repeats. */
function edgesOf(steps) {
  const edges = [];
  for (const step of steps) {
    const targets = step.kind === "decision" ? (step.options || []).map((o) => o.next) : [step.next];
    for (const target of new Set(targets.filter(Boolean))) edges.push([step.id, target]);
  }
  return edges;
}

/** Each step's [column, row]: the server's `layout` where it sends one, else columns by
 * distance from the start and rows in bank order within a column (steps never reached last). */
export function placeSteps(scenario) {
  const given = scenario.layout || null;
  if (given && Object.keys(given).length) {
    const places = {};
    for (const [id, at] of Object.entries(given)) {
      places[id] = Array.isArray(at) ? at : [at.column !== undefined ? at.column : at.col, at.row];
    }
    return places;
  }
  const byId = new Map(scenario.steps.map((step) => [step.id, step]));
  const start = scenario.start && byId.has(scenario.start) ? scenario.start : scenario.steps.length ? scenario.steps[0].id : null;
  const depth = new Map(start ? [[start, 0]] : []);
  const queue = start ? [start] : [];
  while (queue.length) {
    const id = queue.shift();
    for (const [, to] of edgesOf([byId.get(id)])) {
      if (byId.has(to) && !depth.has(to)) {
        depth.set(to, depth.get(id) + 1);
        queue.push(to);
      }
    }
  }
  const last = Math.max(0, ...depth.values()) + 1;
  const rows = new Map();
  const places = {};
  for (const step of scenario.steps) {
    const column = depth.has(step.id) ? depth.get(step.id) : last;
    const row = rows.get(column) || 0;
    rows.set(column, row + 1);
    places[step.id] = [column, row];
  }
  return places;
}

/** The teams in the order they get colours: the scenario's own list, else its tracks'. */
export function teamOrder(scenario) {
  const named = scenario.teams && scenario.teams.length ? scenario.teams : [];
  return named.concat(Object.keys(scenario.tracks || {}).filter((team) => named.indexOf(team) === -1));
}

export function teamColour(scenario, team) {
  const index = Math.max(0, teamOrder(scenario).indexOf(team));
  return TEAM_COLOURS[index % TEAM_COLOURS.length];
}

/** Only the columns from `first` to `last` of a layout, renumbered from 0 (rows packed). */
function windowed(layout, first, last) {
  const kept = {};
  const rows = new Map();
  for (const [id, [column]] of Object.entries(layout).sort((a, b) => a[1][0] - b[1][0] || a[1][1] - b[1][1])) {
    if (column < first || column > last) continue;
    const packed = rows.get(column) || 0;
    rows.set(column, packed + 1);
    kept[id] = [column - first, packed];
  }
  return kept;
}

/**
 * The map as an <svg> element. `options`: `lang` and `fallback` (the bank language to show
 * titles in), `rtl` (columns run right to left), `label` (the map's accessible name), `around`
 * (a step id: show only the column before it and the two after, so that a long scenario stays
 * readable beside the step it is at).
 */
export function scenarioMap(scenario, options) {
  const { lang, fallback, rtl = false } = options;
  let layout = placeSteps(scenario);
  if (options.around && layout[options.around]) {
    const column = layout[options.around][0];
    layout = windowed(layout, column - 1, column + 2);
  }
  const steps = scenario.steps.filter((step) => layout[step.id]);
  const columns = Math.max(1, ...steps.map((step) => layout[step.id][0] + 1));
  const rows = Math.max(1, ...steps.map((step) => layout[step.id][1] + 1));
  const width = columns * BOX_W + (columns - 1) * GAP_X + 20;
  const height = rows * (BOX_H + MARKER_H) + (rows - 1) * GAP_Y + 20;
  const at = (id) => {
    const [column, row] = layout[id];
    const place = rtl ? columns - 1 - column : column;
    return { x: 10 + place * (BOX_W + GAP_X), y: 10 + MARKER_H + row * (BOX_H + MARKER_H + GAP_Y) };
  };
  const tracks = scenario.tracks || {};
  const teams = teamOrder(scenario).filter((team) => tracks[team]);
  const room = scenario.mode !== "teams";
  const visited = new Set();
  const current = new Set();
  const taken = []; // [from, to, team]
  for (const team of teams) {
    const path = pathOf(tracks[team]);
    path.forEach((id, index) => {
      visited.add(id);
      if (index) taken.push([path[index - 1], id, team]);
    });
    if (tracks[team].step) current.add(tracks[team].step);
  }
  const svg = node("svg", {
    class: "scenario-map",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": options.label || t("scenario.mapLabel"),
    preserveAspectRatio: "xMidYMid meet",
  });
  svg.append(
    node(
      "defs",
      {},
      node("marker", { id: "scen-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, node("path", { d: "M0,0 L10,5 L0,10 z", class: "scen-arrowhead" })),
    ),
  );
  const line = (from, to, offset) => {
    const a = at(from);
    const b = at(to);
    const forward = rtl ? b.x < a.x : b.x > a.x;
    const x1 = forward ? a.x + (rtl ? 0 : BOX_W) : a.x + BOX_W / 2;
    const x2 = forward ? b.x + (rtl ? BOX_W : 0) : b.x + BOX_W / 2;
    const y1 = (forward ? a.y + BOX_H / 2 : a.y + BOX_H) + offset;
    const y2 = (forward ? b.y + BOX_H / 2 : b.y + BOX_H) + offset;
    if (forward) {
      const mid = (x1 + x2) / 2;
      return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
    }
    // Back to an earlier column (a loop): under the boxes, so it never crosses a title.
    const dip = Math.max(y1, y2) + GAP_Y * 0.8;
    return `M${x1},${y1} C${x1},${dip} ${x2},${dip} ${x2},${y2}`;
  };
  const edges = node("g", { class: "scen-edges" });
  for (const [from, to] of edgesOf(steps)) {
    if (!layout[to]) continue;
    edges.append(node("path", { d: line(from, to, 0), class: "scen-edge", "marker-end": "url(#scen-arrow)", "data-from": from, "data-to": to }));
  }
  svg.append(edges);
  const paths = node("g", { class: "scen-taken" });
  for (const [from, to, team] of taken) {
    if (!layout[from] || !layout[to]) continue;
    const offset = room ? 0 : (teams.indexOf(team) - (teams.length - 1) / 2) * 6;
    paths.append(node("path", { d: line(from, to, offset), class: "scen-path", stroke: room ? null : teamColour(scenario, team), "data-team": team, "data-from": from, "data-to": to }));
  }
  svg.append(paths);
  const boxes = node("g", { class: "scen-boxes" });
  for (const step of steps) {
    const { x, y } = at(step.id);
    const ending = step.kind !== "decision" && !step.next;
    const classes = ["scen-box", `is-${step.kind}`];
    if (ending) classes.push("is-ending");
    if (visited.has(step.id)) classes.push("is-visited");
    if (current.has(step.id)) classes.push("is-current");
    if (scenario.hold === step.id) classes.push("is-hold");
    const group = node("g", { class: classes.join(" "), "data-step": step.id });
    group.append(node("rect", { x, y, width: BOX_W, height: BOX_H, rx: ending ? 30 : 10 }));
    const title = wrap(pick(step.title, lang, fallback));
    const text = node("text", { x: x + BOX_W / 2, y: y + BOX_H / 2 - ((title.length - 1) * LINE) / 2 + FONT / 3, "font-size": FONT, "text-anchor": "middle", direction: rtl ? "rtl" : null, lang });
    title.forEach((part, index) => text.append(node("tspan", { x: x + BOX_W / 2, dy: index ? LINE : 0 }, document.createTextNode(part))));
    group.append(text);
    boxes.append(group);
  }
  svg.append(boxes);
  svg.append(markers(scenario, layout, teams, at, room));
  return svg;
}

/** Each team's name in a pill of its colour above the box of the step it is at. */
function markers(scenario, layout, teams, at, room) {
  const group = node("g", { class: "scen-markers" });
  if (room) return group;
  const byStep = new Map();
  for (const team of teams) {
    const step = scenario.tracks[team].step;
    if (!step || !layout[step]) continue;
    if (!byStep.has(step)) byStep.set(step, []);
    byStep.get(step).push(team);
  }
  for (const [step, here] of byStep) {
    const { x, y } = at(step);
    const width = (BOX_W - (here.length - 1) * 4) / here.length;
    here.forEach((team, index) => {
      const left = x + index * (width + 4);
      const label = team.length > Math.max(3, Math.floor(width / 14)) ? `${team.slice(0, Math.max(2, Math.floor(width / 14) - 1))}…` : team;
      group.append(
        node(
          "g",
          { class: "scen-marker", "data-team": team, "data-step": step },
          node("rect", { x: left, y: y - MARKER_H - 2, width, height: MARKER_H, rx: MARKER_H / 2, fill: teamColour(scenario, team) }),
          // As large as the pill allows, so that three teams at one step still fit.
          node("text", { x: left + width / 2, y: y - 10, "font-size": Math.min(22, Math.floor(width / (Math.max(3, label.length) * 0.62))), "text-anchor": "middle" }, document.createTextNode(label)),
        ),
      );
    });
  }
  return group;
}
