// Presenter view for the projector (/present/{id}), and its read-only copy (/screen/{id}/{key}).
import { askToken, ensureToken, forgetToken, token } from "./auth.js";
import { chartKind, cloudItems, figure } from "./charts.js";
import { $, el, pathParts, toast } from "./dom.js";
import { connect } from "./socket.js";
import {
  STATE_LABELS,
  applyState,
  applyTally,
  applyTexts,
  currentQuestion,
  emptyView,
  followingQuestion,
  nextStep,
  plural,
  resultsHidden,
} from "./view.js";
import { languageName, pick, setLanguage } from "./text.js";

const [page, sessionId, screenKey] = pathParts();
const isScreen = page === "screen";
const LANG_KEY = "polling.present.lang";
const PLOT_CONFIG = { staticPlot: true, responsive: true, displayModeBar: false };
const KEYS = {
  ArrowRight: "next",
  PageDown: "next",
  " ": "next",
  Enter: "next",
  ArrowLeft: "previous",
  PageUp: "previous",
  o: "open",
  c: "close",
  r: "reveal",
  h: "hide",
  b: "blank",
  ".": "blank",
  f: "fullscreen",
  Escape: "unblank",
};

const view = emptyView();
let lang = null;
let socket = null;
let frame = 0;

const handlers = {
  welcome: onState,
  state: onState,
  tally(message) {
    if (!view.session) return;
    applyTally(view, message);
    renderCounts();
    scheduleResults();
  },
  texts(message) {
    if (applyTexts(view, message)) scheduleResults();
  },
  ended() {
    if (view.session) view.session.status = "ended";
    render();
  },
  health(message) {
    view.storage = message.storage;
    renderStorage();
  },
  error(message) {
    switch (message.code) {
      case "unauthorized":
        if (isScreen) stop("This screen link is not valid", "Ask the facilitator for the current screen link.");
        else reauthorize();
        break;
      case "not_found":
        if (!view.session) stop("No such session", "Check the address: this session does not exist.");
        else toast(message.message);
        break;
      default:
        toast(message.message || message.code);
    }
  },
  pong() {},
};

function onState(message) {
  applyState(view, message);
  render();
}

// -- rendering ------------------------------------------------------------------------

function text(value) {
  return pick(value, lang, view.session.languages[0]);
}

function showView(name) {
  for (const section of document.querySelectorAll(".view")) {
    section.hidden = section.id !== `view-${name}`;
  }
}

function showMessage(title, detail = "") {
  $("#message-title").textContent = title;
  $("#message-text").textContent = detail;
  showView("message");
}

function render() {
  if (!view.session) return;
  chooseLanguage();
  document.title = `${text(view.session.title)} · ${isScreen ? "Screen" : "Presenter"}`;
  if (view.session.status === "ended") {
    showMessage("Thank you!", text(view.session.title));
  } else if (view.current === null) {
    renderJoin();
    showView("join");
  } else {
    renderQuestion();
    showView("question");
    renderResults();
  }
  if (!isScreen) renderControls();
  renderStorage();
}

/** Tell the facilitator when answers cannot be saved (the screen never gets this). */
function renderStorage() {
  const warning = $("#storage");
  warning.hidden = !view.storage;
  warning.textContent = view.storage ? `Answers are not being saved: ${view.storage}` : "";
}

function displayUrl(url) {
  return String(url || "").replace(/^https?:\/\//, "");
}

function renderJoin() {
  const { session } = view;
  $("#join-title").textContent = text(session.title);
  const qr = $("#join-qr");
  const src = `/qr/${encodeURIComponent(session.code)}.svg`;
  if (qr.getAttribute("src") !== src) qr.src = src;
  $("#join-url").textContent = displayUrl(session.join_url);
  $("#join-code").textContent = session.code;
  renderCounts();
}

function renderQuestion() {
  const question = currentQuestion(view);
  if (!question) return;
  const index = view.questions.indexOf(question);
  $("#q-number").textContent = `${index + 1} / ${view.questions.length}`;
  const badge = $("#q-state");
  badge.textContent = STATE_LABELS[view.state] || "";
  badge.dataset.state = view.state || "";
  $("#q-prompt").textContent = text(question.prompt);
  $("#q-join-url").textContent = displayUrl(view.session.join_url);
  $("#q-join-code").textContent = view.session.code;
  renderCounts();
}

function renderCounts() {
  if (!view.session) return;
  const participants = view.session.participants || 0;
  $("#join-participants").textContent = plural(participants, "participant", "participants");
  $("#q-responses").textContent = String(view.responses);
  $("#q-responses-label").textContent = view.responses === 1 ? "response" : "responses";
}

function scheduleResults() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (view.session && view.current !== null && view.session.status !== "ended") renderResults();
  });
}

function renderResults() {
  const question = currentQuestion(view);
  if (!question) return;
  const kind = chartKind(question);
  const hidden = resultsHidden(view);
  $("#results-hidden").hidden = !hidden;
  $("#chart").hidden = hidden || kind !== "plot";
  $("#cloud").hidden = hidden || kind !== "cloud";
  $("#cards").hidden = hidden || kind !== "cards";
  let empty = "";
  if (!hidden && kind === "plot") empty = drawPlot(question);
  if (!hidden && kind === "cloud") empty = drawCloud(question);
  if (!hidden && kind === "cards") empty = drawCards(question);
  const emptyNode = $("#results-empty");
  emptyNode.hidden = !empty;
  emptyNode.textContent = empty;
}

function fontSize() {
  return parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.95;
}

function drawPlot(question) {
  const chart = $("#chart");
  if (!window.Plotly) return "Charts are unavailable: /vendor/plotly.min.js did not load.";
  const options = { lang, fallback: view.session.languages[0], fontSize: fontSize(), responses: view.responses };
  const { data, layout } = figure(question, view.results, options);
  window.Plotly.react(chart, data, layout, PLOT_CONFIG);
  // A chart drawn while its view was hidden has the wrong size.
  const full = chart._fullLayout;
  if (full && (Math.abs(full.width - chart.clientWidth) > 2 || Math.abs(full.height - chart.clientHeight) > 2)) {
    window.Plotly.Plots.resize(chart);
  }
  return "";
}

const cloudWords = new Map();
let cloudOf = null;

function drawCloud(question) {
  const cloud = $("#cloud");
  if (cloudOf !== question.id) {
    cloud.textContent = "";
    cloudWords.clear();
    cloudOf = question.id;
  }
  const items = cloudItems(view.results);
  const seen = new Set();
  const biggest = items.length > 30 ? 3.2 : items.length > 12 ? 4.2 : 5.2;
  for (const item of items) {
    let word = cloudWords.get(item.word);
    if (!word) {
      word = el("span", { class: "cloud-word", text: item.word });
      cloud.append(word);
      cloudWords.set(item.word, word);
    }
    word.style.fontSize = `calc(var(--cloud-scale, 1) * ${(1.1 + (biggest - 1.1) * Math.sqrt(item.weight)).toFixed(2)}rem)`;
    word.style.color = item.color;
    word.style.order = String(item.order);
    word.title = String(item.count);
    seen.add(item.word);
  }
  for (const [key, word] of cloudWords) {
    if (!seen.has(key)) {
      word.remove();
      cloudWords.delete(key);
    }
  }
  fitCloud(cloud);
  return items.length ? "" : "Words appear here as they arrive";
}

function fitCloud(cloud) {
  let scale = 1;
  cloud.style.setProperty("--cloud-scale", "1");
  while (scale > 0.35 && cloud.scrollHeight > cloud.clientHeight + 1) {
    scale *= 0.88;
    cloud.style.setProperty("--cloud-scale", scale.toFixed(3));
  }
}

const cards = new Map();
let cardsOf = null;

function drawCards(question) {
  const box = $("#cards");
  if (cardsOf !== question.id) {
    box.textContent = "";
    cards.clear();
    cardsOf = question.id;
  }
  const approved = view.texts.filter((answer) => answer.status === "approved");
  const seen = new Set();
  approved.forEach((answer, index) => {
    let card = cards.get(answer.id);
    if (!card) {
      card = el("blockquote", { class: "card", dir: "auto" });
      box.append(card);
      cards.set(answer.id, card);
    }
    if (card.textContent !== answer.text) card.textContent = answer.text;
    card.style.order = String(-index); // newest first
    seen.add(answer.id);
  });
  for (const [key, card] of cards) {
    if (!seen.has(key)) {
      card.remove();
      cards.delete(key);
    }
  }
  box.dataset.size = approved.length <= 4 ? "large" : approved.length <= 12 ? "medium" : "small";
  return approved.length ? "" : "Approved answers appear here";
}

// -- language -------------------------------------------------------------------------

function chooseLanguage() {
  const languages = view.session.languages;
  const params = new URLSearchParams(location.search);
  const stored = localStorage.getItem(LANG_KEY);
  // The screen has no selector: a ?lang= in its link decides; the presenter's choice wins on its own page.
  const wanted = isScreen ? [params.get("lang"), stored] : [stored, params.get("lang")];
  const chosen = wanted.find((code) => code && languages.includes(code)) || languages[0];
  if (chosen !== lang) {
    lang = chosen;
    // Only the bank's texts are in this language; the interface around them is not.
    for (const id of ["#join-title", "#q-prompt", "#chart", "#cloud", "#cards"]) setLanguage($(id), lang);
  }
  const select = $("#lang");
  if (select.options.length !== languages.length) {
    select.textContent = "";
    for (const code of languages) select.append(el("option", { value: code, text: languageName(code) }));
  }
  select.value = lang;
  select.hidden = languages.length < 2;
}

// -- controls (facilitator only) ------------------------------------------------------

function renderControls() {
  const has = view.current !== null;
  const ended = view.session.status === "ended";
  const buttons = {};
  for (const button of document.querySelectorAll("#controls [data-command]")) buttons[button.dataset.command] = button;
  buttons.previous.disabled = ended || !has;
  buttons.open.disabled = ended || !has || !["shown", "closed"].includes(view.state);
  buttons.close.disabled = ended || view.state !== "open";
  const toggle = $("#toggle-results");
  toggle.hidden = !view.session.hide_results;
  toggle.disabled = ended || !has;
  toggle.dataset.command = view.revealed ? "hide" : "reveal";
  toggle.textContent = view.revealed ? "Hide results" : "Reveal results";
  buttons["show-next"].disabled = ended || !has || !followingQuestion(view);
  const step = nextStep(view);
  const next = $("#next");
  next.disabled = !step.enabled;
  next.textContent = `${step.label} ▶`;
}

function act(action) {
  switch (action) {
    case "blank":
      $("#blank").hidden = !$("#blank").hidden;
      return;
    case "unblank":
      $("#blank").hidden = true;
      return;
    case "fullscreen":
      if (document.fullscreenElement) document.exitFullscreen();
      else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
      return;
    case "show-next": {
      const following = followingQuestion(view);
      if (following) send({ type: "show", question: following.id });
      return;
    }
    case "next":
    case "previous":
      $("#blank").hidden = true;
      send({ type: action });
      return;
    default:
      send({ type: action });
  }
}

function send(message) {
  if (!socket || !socket.send(message)) toast("Not connected: the command was not sent.");
}

function wireControls() {
  const controls = $("#controls");
  controls.hidden = false;
  $("#console-link").href = `/console/${encodeURIComponent(sessionId)}`;
  controls.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-command]");
    if (!button) return;
    act(button.dataset.command);
    // After a mouse click, give the keyboard back to the clicker keys.
    if (event.detail > 0) button.blur();
  });
  $("#lang").addEventListener("change", (event) => {
    localStorage.setItem(LANG_KEY, event.target.value);
    lang = null;
    render();
    event.target.blur();
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, .auth")) return;
    if ((event.key === " " || event.key === "Enter") && target.closest && target.closest("button, a")) return;
    const action = KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action) return;
    event.preventDefault();
    if (!event.repeat) act(action);
  });
  let idle = 0;
  const wake = () => {
    document.body.classList.remove("is-idle");
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (!controls.matches(":hover, :focus-within")) document.body.classList.add("is-idle");
    }, 2500);
  };
  document.addEventListener("mousemove", wake);
  controls.addEventListener("focusin", wake);
  wake();
}

// -- connection -----------------------------------------------------------------------

function hello() {
  return isScreen
    ? { type: "hello", role: "screen", session: sessionId, key: screenKey }
    : { type: "hello", role: "facilitator", session: sessionId, token: token() };
}

function onStatus(connected) {
  const dot = $("#status");
  dot.classList.toggle("is-online", connected);
  dot.title = connected ? "Connected" : "Reconnecting…";
  dot.textContent = connected ? "" : "Reconnecting…";
}

function start() {
  socket = connect({ hello, handlers, onStatus });
}

function stop(title, detail) {
  if (socket) socket.close();
  showMessage(title, detail);
}

async function reauthorize() {
  socket.close();
  forgetToken();
  await askToken("That token was not accepted. Check it and try again.");
  start();
}

async function main() {
  window.addEventListener("resize", scheduleResults);
  if (isScreen) {
    document.body.classList.add("is-screen");
  } else {
    await ensureToken();
    wireControls();
  }
  start();
}

main();
