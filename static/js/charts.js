// Pure chart building: a question, its results and the screen's languages in, plotly data
// and layout (or word-cloud items) out. No DOM, no socket.
import { inLanguages } from "./languages.js";

export const PALETTE = [
  "#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed",
  "#0891b2", "#dc2626", "#65a30d", "#c026d3", "#0d9488",
];
const INK = "#0b1220";
const MUTED = "#475569";
const SECOND = "#334155"; // the second language of a two-language label
const RIGHT = "#15803d"; // a quiz question's right option, once revealed
const WRONG = "#cbd5e1"; // the other options then
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif';

/** How a question's results are drawn: "plot" (plotly), "cloud" or "cards". */
export function chartKind(question) {
  if (!question) return null;
  if (question.type === "wordcloud") return "cloud";
  if (question.type === "text") return "cards";
  return "plot";
}

/** Escape text for plotly, whose labels understand a little HTML. */
export function escapeLabel(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escape text and break it into lines of about `width` characters. */
export function wrapLabel(text, width) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map(escapeLabel).join("<br>");
}

function baseLayout(fontSize) {
  return {
    font: { family: FONT, size: fontSize, color: INK },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    showlegend: false,
    hovermode: false,
    dragmode: false,
    bargap: 0.22,
    margin: { l: 12, r: 24, t: 12, b: 12, pad: 6 },
  };
}

function percent(count, total) {
  return total > 0 ? Math.round((100 * count) / total) : 0;
}

/** Format a number; the caller passes the interface language's own (Intl). */
function plainNumber(value, options = {}) {
  if (value === null || value === undefined) return "–";
  const digits = options.maximumFractionDigits === undefined ? 2 : options.maximumFractionDigits;
  if (options.style === "percent") return `${Math.round(value * 100)}%`;
  return String(Math.round(value * 10 ** digits) / 10 ** digits);
}

/** A bank text as a chart label in the screen's one or two languages: each language wrapped
 * to about `width` characters, the second one in its own colour below the first. */
export function bilingualLabel(value, languages, fallback, width) {
  return inLanguages(value, languages, fallback)
    .map((item, index) => {
      const wrapped = wrapLabel(item.text, width);
      if (!index) return wrapped;
      return wrapped
        .split("<br>")
        .map((line) => `<span style="color:${SECOND}">${line}</span>`)
        .join("<br>");
    })
    .join("<br>");
}

/**
 * The plotly figure {data, layout} for a single, multiple, scale, number or ranking question.
 * languages: the screen's one or two bank languages; fallback: the bank's default language;
 * t: the interface strings; number: the interface language's number format; rtl: mirror
 * the chart for a right-to-left first language.
 */
export function figure(question, results, options = {}) {
  const {
    languages = [],
    fallback,
    fontSize = 20,
    responses = 0,
    t = (key) => key,
    number = plainNumber,
    rtl = false,
    correct = null,
  } = options;
  const label = (value, width) => bilingualLabel(value, languages.length ? languages : [fallback], fallback, width);
  // The right option(s) of a revealed quiz question: marked, the others greyed.
  const right = correct === null ? null : new Set(Array.isArray(correct) ? correct : [correct]);
  const context = { label, fontSize, responses, t, number, rtl, twoLines: languages.length > 1, right };
  switch (question.type) {
    case "single":
    case "multiple":
      return choiceFigure(question, results, context);
    case "scale":
      return scaleFigure(question, results, context);
    case "number":
      return numberFigure(results, context);
    case "ranking":
      return rankingFigure(question, results, context);
    default:
      return null;
  }
}

function choiceFigure(question, results, { label, fontSize, responses, number, rtl, twoLines, right }) {
  const counts = (results && results.counts) || {};
  const options = question.options || [];
  const values = options.map((option) => counts[option.id] || 0);
  const total = question.type === "single" ? values.reduce((a, b) => a + b, 0) : responses;
  const width = options.length > 6 || twoLines ? 40 : 30;
  const share = (n) => number(total > 0 ? n / total : 0, { style: "percent", maximumFractionDigits: 0 });
  return horizontalBars({
    ids: options.map((option) => option.id),
    values,
    texts: values.map((n) => (rtl ? `${share(n)}  <b>${number(n)}</b>` : `<b>${number(n)}</b>  ${share(n)}`)),
    ticks: options.map((option) => (right && right.has(option.id) ? "✓ " : "") + label(option.label, width)),
    headroom: 1.28,
    fontSize,
    rtl,
    twoLines,
    right,
  });
}

/** A ranking: one bar per option, its Borda score, sorted highest first as the server sends
 * them, each with its mean rank beside the score. */
function rankingFigure(question, results, { label, fontSize, t, number, rtl, twoLines }) {
  const options = question.options || [];
  const empty = options.map((option) => ({ id: option.id, borda: 0, mean_rank: null }));
  const rows = (results && results.ranking) || empty;
  const byId = {};
  for (const option of options) byId[option.id] = option;
  const width = rows.length > 6 || twoLines ? 40 : 30;
  const note = (row) => {
    if (row.mean_rank === null || row.mean_rank === undefined) return "";
    return escapeLabel(t("chart.meanRank", { value: number(row.mean_rank, { maximumFractionDigits: 1 }) }));
  };
  const name = (row) => (byId[row.id] ? label(byId[row.id].label, width) : escapeLabel(row.id));
  return horizontalBars({
    ids: rows.map((row) => row.id),
    values: rows.map((row) => row.borda),
    texts: rows.map((row) => (rtl ? `${note(row)}  <b>${number(row.borda)}</b>` : `<b>${number(row.borda)}</b>  ${note(row)}`)),
    ticks: rows.map((row, index) => `<b>${number(index + 1)}.</b> ${name(row)}`),
    headroom: 1.5, // the mean rank beside the score needs more room than a share
    fontSize,
    rtl,
    twoLines,
  });
}

/** Labelled horizontal bars, first at the top; right to left they grow leftwards from labels
 * on the right. `headroom`: the axis' length as a multiple of the longest bar, for its text. */
function horizontalBars({ ids, values, texts, ticks, headroom, fontSize, rtl, twoLines, right = null }) {
  const top = Math.max(1, ...values);
  const positions = ids.map((_, index) => index);
  const data = [
    {
      type: "bar",
      orientation: "h",
      ids,
      y: positions,
      x: values,
      text: texts,
      textposition: "outside",
      cliponaxis: false,
      textfont: { size: fontSize * 1.05, color: INK },
      marker: { color: ids.map((id, index) => (right ? (right.has(id) ? RIGHT : WRONG) : PALETTE[index % PALETTE.length])) },
      hoverinfo: "none",
    },
  ];
  const layout = {
    ...baseLayout(fontSize),
    ...barAxes(positions, ticks, fontSize * (twoLines ? 0.95 : 1.05), top * headroom, rtl),
  };
  if (rtl) layout.margin = { ...layout.margin, l: 24, r: 12 };
  return { data, layout };
}

function scaleFigure(question, results, { label, fontSize, t, number, rtl }) {
  const counts = (results && results.counts) || {};
  const low = question.min === undefined ? 1 : question.min;
  const high = question.max === undefined ? 5 : question.max;
  const points = [];
  for (let point = low; point <= high; point += 1) points.push(point);
  const values = points.map((point) => counts[String(point)] || 0);
  const top = Math.max(1, ...values);
  const ticks = points.map((point) => {
    let tick = `<b>${number(point)}</b>`;
    if (point === low && question.min_label) tick += `<br>${label(question.min_label, 16)}`;
    if (point === high && question.max_label) tick += `<br>${label(question.max_label, 16)}`;
    return tick;
  });
  const mean = results ? results.mean : null;
  const layout = {
    ...baseLayout(fontSize),
    margin: { l: 12, r: 12, t: fontSize * 2.4, b: 12, pad: 6 },
    xaxis: {
      tickmode: "array",
      tickvals: points,
      ticktext: ticks,
      // Right to left: the lowest point on the right, as on the phones.
      range: rtl ? [high + 0.6, low - 0.6] : [low - 0.6, high + 0.6],
      tickfont: { size: fontSize * 1.05, color: INK },
      automargin: true,
      showgrid: false,
      zeroline: false,
      fixedrange: true,
    },
    yaxis: { visible: false, range: [0, top * 1.22], fixedrange: true },
    shapes: [],
    annotations: [],
  };
  if (mean !== null && mean !== undefined) {
    layout.shapes.push(meanLine(mean, INK));
    const text = t("chart.mean", { value: number(mean, { maximumFractionDigits: 1 }) });
    layout.annotations.push(lineLabel(mean, text, "center", INK, fontSize));
  }
  const data = [
    {
      type: "bar",
      ids: points.map(String),
      x: points,
      y: values,
      text: values.map((n) => `<b>${number(n)}</b>`),
      textposition: "outside",
      cliponaxis: false,
      textfont: { size: fontSize * 1.05, color: INK },
      marker: { color: PALETTE[0] },
      width: 0.7,
      hoverinfo: "none",
    },
  ];
  return { data, layout };
}

function numberFigure(results, { fontSize, t, number }) {
  const bins = (results && results.bins) || [];
  const count = results ? results.count || 0 : 0;
  const layout = {
    ...baseLayout(fontSize),
    margin: { l: 12, r: 12, t: fontSize * 2.4, b: 12, pad: 6 },
    bargap: 0.04,
    xaxis: {
      automargin: true,
      showgrid: false,
      zeroline: false,
      ticks: "outside",
      tickfont: { size: fontSize, color: INK },
      fixedrange: true,
    },
    yaxis: { visible: false, fixedrange: true },
    shapes: [],
    annotations: [],
  };
  if (!count || !bins.length) {
    layout.xaxis.visible = false;
    layout.annotations.push({
      text: escapeLabel(t("chart.noAnswers")),
      showarrow: false,
      xref: "paper",
      yref: "paper",
      x: 0.5,
      y: 0.5,
      font: { size: fontSize * 1.3, color: MUTED },
    });
    return { data: [{ type: "bar", x: [], y: [] }], layout };
  }
  const top = Math.max(1, ...bins.map((bin) => bin.count));
  layout.yaxis.range = [0, top * 1.22];
  const data = [
    {
      type: "bar",
      x: bins.map((bin) => (bin.from + bin.to) / 2),
      y: bins.map((bin) => bin.count),
      width: bins.map((bin) => (bin.to > bin.from ? (bin.to - bin.from) * 0.96 : 1)),
      text: bins.map((bin) => (bin.count ? `<b>${number(bin.count)}</b>` : "")),
      textposition: "outside",
      cliponaxis: false,
      textfont: { size: fontSize, color: INK },
      marker: { color: "#0f766e" },
      hoverinfo: "none",
    },
  ];
  const first = bins[0].from;
  const last = bins[bins.length - 1].to;
  if (last > first) {
    layout.xaxis.range = [first - (last - first) * 0.03, last + (last - first) * 0.03];
  }
  const { mean, median } = results;
  const meanFirst = mean !== null && median !== null && mean < median;
  if (mean !== null && mean !== undefined) {
    layout.shapes.push(meanLine(mean, INK));
    const side = median === null || median === undefined || mean === median ? "center" : meanFirst ? "right" : "left";
    layout.annotations.push(lineLabel(mean, t("chart.mean", { value: number(mean) }), side, INK, fontSize));
  }
  if (median !== null && median !== undefined && median !== mean) {
    layout.shapes.push(meanLine(median, "#b45309"));
    const side = meanFirst ? "left" : "right";
    layout.annotations.push(lineLabel(median, t("chart.median", { value: number(median) }), side, "#b45309", fontSize));
  }
  return { data, layout };
}

function meanLine(x, color) {
  return {
    type: "line",
    xref: "x",
    yref: "paper",
    x0: x,
    x1: x,
    y0: 0,
    y1: 1.02,
    line: { color, width: 3, dash: "dash" },
  };
}

function lineLabel(x, label, side, color, fontSize) {
  return {
    x,
    xref: "x",
    yref: "paper",
    y: 1.03,
    yanchor: "bottom",
    xanchor: side,
    text: `<b>${escapeLabel(label)}</b>`,
    showarrow: false,
    font: { size: fontSize, color },
  };
}

/** Word-cloud items for {"words": [[word, n], ...]}: weight (0..1], the size against the biggest word, colour, and an order that puts big words in the middle. */
export function cloudItems(results) {
  const words = (results && results.words) || [];
  if (!words.length) return [];
  const most = Math.max(...words.map((pair) => pair[1]));
  const sorted = words.slice().sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return sorted.map(([word, count], index) => ({
    word,
    count,
    weight: cloudWeight(count, most),
    color: PALETTE[hash(word) % PALETTE.length],
    order: index % 2 === 0 ? index : -index,
  }));
}

// Counts added before comparing: 2 votes against 1 reads as a near tie, 40 against 1 as a landslide.
const CLOUD_SMOOTHING = 3;

/** A word's size as a fraction of the biggest word's (0 to 1]: by the square root of its
 * count, so that the area of the word follows the votes, smoothed so small counts stay close. */
function cloudWeight(count, most) {
  return Math.sqrt((count + CLOUD_SMOOTHING) / (most + CLOUD_SMOOTHING));
}

function hash(text) {
  let value = 0;
  for (let i = 0; i < text.length; i += 1) value = (value * 31 + text.charCodeAt(i)) >>> 0;
  return value;
}

/** The parts of a BREAKDOWN as a client shows them: each group shown (named by the segment's
 * option label), then "other", each with its responses and its items' shares (a number
 * question: its mean alone). `name(text)` picks a bank text's language. */
export function breakdownParts(question, breakdown, segment, name, t = (key) => key) {
  if (!breakdown || breakdown.withheld || !breakdown.groups) return [];
  const labels = {};
  for (const option of (segment && segment.options) || []) labels[option.id] = option.label;
  const parts = breakdown.groups.map((group) => ({
    name: labels[group.id] ? name(labels[group.id]) : group.id,
    ...group,
  }));
  if (breakdown.other) parts.push({ name: t("chart.otherGroup"), other: true, ...breakdown.other });
  return parts.map((part) => ({ ...part, items: breakdownItems(question, part, name, t) }));
}

function breakdownItems(question, part, name, t) {
  const results = part.results || {};
  if (question.type === "number") return [{ id: "mean", label: t("chart.groupMean"), value: results.mean, share: null }];
  const labels = {};
  for (const option of question.options || []) labels[option.id] = name(option.label);
  return Object.keys(results.counts || {}).map((id) => ({
    id,
    label: labels[id] || id,
    value: results.counts[id],
    share: (part.shares || {})[id] || 0,
  }));
}

/** A question broken down by a segment: grouped bars, one colour per group, the share of each
 * item within the group (a number question: each group's mean). */
export function breakdownFigure(question, breakdown, segment, options = {}) {
  const { languages = [], fallback, fontSize = 20, t = (key) => key, number = plainNumber, rtl = false } = options;
  const name = (value) => bilingualLabel(value, languages.length ? languages : [fallback], fallback, 28);
  const parts = breakdownParts(question, breakdown, segment, name, (key) => escapeLabel(t(key)));
  if (!parts.length) return null;
  const isNumber = question.type === "number";
  const items = parts[0].items;
  const positions = items.map((_, index) => index);
  const data = parts.map((part, index) => ({
    type: "bar",
    orientation: "h",
    name: `${part.name} (${number(part.responses)})`,
    y: positions,
    x: part.items.map((item) => (isNumber ? item.value || 0 : item.share)),
    text: part.items.map((item) =>
      isNumber ? number(item.value, { maximumFractionDigits: 1 }) : number(item.share, { style: "percent", maximumFractionDigits: 0 }),
    ),
    textposition: "outside",
    cliponaxis: false,
    textfont: { size: fontSize * 0.8, color: INK },
    marker: { color: part.other ? MUTED : PALETTE[index % PALETTE.length] },
    hoverinfo: "none",
  }));
  const top = isNumber ? Math.max(1, ...data.flatMap((trace) => trace.x)) : 1;
  const layout = {
    ...baseLayout(fontSize),
    showlegend: true,
    legend: { orientation: "h", x: rtl ? 1 : 0, xanchor: rtl ? "right" : "left", y: 1.02, yanchor: "bottom", font: { size: fontSize * 0.8 } },
    barmode: "group",
    ...barAxes(positions, items.map((item) => item.label), fontSize * 0.9, top * 1.25, rtl),
  };
  return { data, layout };
}

/** The axes of horizontal bars: labels down the side (on the right, right to left), first at
 * the top, and a hidden value axis `length` long (growing leftwards right to left). */
function barAxes(positions, ticks, tickSize, length, rtl) {
  return {
    yaxis: {
      autorange: "reversed",
      automargin: true,
      side: rtl ? "right" : "left",
      tickmode: "array",
      tickvals: positions,
      ticktext: ticks,
      tickfont: { size: tickSize, color: INK },
      showgrid: false,
      zeroline: false,
      fixedrange: true,
    },
    xaxis: { visible: false, range: rtl ? [length, 0] : [0, length], fixedrange: true },
  };
}
