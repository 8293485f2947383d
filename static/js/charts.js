// Pure chart building: a question, its results and a language in, plotly data and
// layout (or word-cloud items) out. No DOM, no socket.
import { formatNumber, pick } from "./text.js";

export const PALETTE = [
  "#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed",
  "#0891b2", "#dc2626", "#65a30d", "#c026d3", "#0d9488",
];
const INK = "#0b1220";
const MUTED = "#475569";
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

/** The plotly figure {data, layout} for a single, multiple, scale or number question. */
export function figure(question, results, { lang, fallback, fontSize = 20, responses = 0 } = {}) {
  const text = (value) => pick(value, lang, fallback);
  switch (question.type) {
    case "single":
    case "multiple":
      return choiceFigure(question, results, text, fontSize, responses);
    case "scale":
      return scaleFigure(question, results, text, fontSize, lang);
    case "number":
      return numberFigure(results, fontSize, lang);
    default:
      return null;
  }
}

function choiceFigure(question, results, text, fontSize, responses) {
  const counts = (results && results.counts) || {};
  const options = question.options || [];
  const values = options.map((option) => counts[option.id] || 0);
  const total = question.type === "single" ? values.reduce((a, b) => a + b, 0) : responses;
  const top = Math.max(1, ...values);
  const width = options.length > 6 ? 40 : 30;
  const positions = options.map((_, index) => index);
  const data = [
    {
      type: "bar",
      orientation: "h",
      ids: options.map((option) => option.id),
      y: positions,
      x: values,
      text: values.map((n) => `<b>${n}</b>  ${percent(n, total)}%`),
      textposition: "outside",
      cliponaxis: false,
      textfont: { size: fontSize * 1.05, color: INK },
      marker: { color: options.map((_, index) => PALETTE[index % PALETTE.length]) },
      hoverinfo: "none",
    },
  ];
  const layout = {
    ...baseLayout(fontSize),
    yaxis: {
      autorange: "reversed",
      automargin: true,
      tickmode: "array",
      tickvals: positions,
      ticktext: options.map((option) => wrapLabel(text(option.label), width)),
      tickfont: { size: fontSize * 1.05, color: INK },
      showgrid: false,
      zeroline: false,
      fixedrange: true,
    },
    xaxis: { visible: false, range: [0, top * 1.28], fixedrange: true },
  };
  return { data, layout };
}

function scaleFigure(question, results, text, fontSize, lang) {
  const counts = (results && results.counts) || {};
  const low = question.min === undefined ? 1 : question.min;
  const high = question.max === undefined ? 5 : question.max;
  const points = [];
  for (let point = low; point <= high; point += 1) points.push(point);
  const values = points.map((point) => counts[String(point)] || 0);
  const top = Math.max(1, ...values);
  const ticks = points.map((point) => {
    let label = `<b>${point}</b>`;
    if (point === low && question.min_label) label += `<br>${wrapLabel(text(question.min_label), 16)}`;
    if (point === high && question.max_label) label += `<br>${wrapLabel(text(question.max_label), 16)}`;
    return label;
  });
  const mean = results ? results.mean : null;
  const layout = {
    ...baseLayout(fontSize),
    margin: { l: 12, r: 12, t: fontSize * 2.4, b: 12, pad: 6 },
    xaxis: {
      tickmode: "array",
      tickvals: points,
      ticktext: ticks,
      range: [low - 0.6, high + 0.6],
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
    layout.annotations.push(lineLabel(mean, `Mean ${formatNumber(mean, lang, 1)}`, "center", INK, fontSize));
  }
  const data = [
    {
      type: "bar",
      ids: points.map(String),
      x: points,
      y: values,
      text: values.map((n) => `<b>${n}</b>`),
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

function numberFigure(results, fontSize, lang) {
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
      text: "No answers yet",
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
      text: bins.map((bin) => (bin.count ? `<b>${bin.count}</b>` : "")),
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
    layout.annotations.push(lineLabel(mean, `Mean ${formatNumber(mean, lang)}`, side, INK, fontSize));
  }
  if (median !== null && median !== undefined && median !== mean) {
    layout.shapes.push(meanLine(median, "#b45309"));
    const side = meanFirst ? "left" : "right";
    layout.annotations.push(lineLabel(median, `Median ${formatNumber(median, lang)}`, side, "#b45309", fontSize));
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

/** Word-cloud items for {"words": [[word, n], ...]}: weight 0..1, colour, and an order that puts big words in the middle. */
export function cloudItems(results) {
  const words = (results && results.words) || [];
  if (!words.length) return [];
  const counts = words.map((pair) => pair[1]);
  const most = Math.max(...counts);
  const least = Math.min(...counts);
  const sorted = words.slice().sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return sorted.map(([word, count], index) => ({
    word,
    count,
    weight: most === least ? 1 : (count - least) / (most - least),
    color: PALETTE[hash(word) % PALETTE.length],
    order: index % 2 === 0 ? index : -index,
  }));
}

function hash(text) {
  let value = 0;
  for (let i = 0; i < text.length; i += 1) value = (value * 31 + text.charCodeAt(i)) >>> 0;
  return value;
}
