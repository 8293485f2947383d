// Presenter view for the projector (/present/{id}), and its read-only copy (/screen/{id}/{key}).
import { errorText } from "./api.js";
import { askToken, ensureToken, forgetToken, token } from "./auth.js";
import { breakdownFigure, chartKind, cloudItems, figure } from "./charts.js";
import { $, el, fill, pathParts, toast } from "./dom.js";
import {
  browserLanguages,
  formatNumber,
  interfaceLanguage,
  language,
  languageSelector,
  savedLanguage,
  t,
  useLanguage,
} from "./i18n.js";
import { chosenLanguages, displayLanguages, fillDisplayControls, showInLanguages } from "./languages.js";
import { countdownIn, heard } from "./countdown.js";
import { renderPinned, renderQnaBoard } from "./qnaboard.js";
import { renderScenarioView, roomTrack, scenarioCommand, scenarioNextLabel, scenarioShown } from "./scenariopresent.js";
import { stepOf } from "./scenariostep.js";
import { isSlide, picture, slideBody } from "./slides.js";
import { connect } from "./socket.js";
import { isRtl, pick } from "./text.js";
import {
  applyState,
  applyTally,
  applyTexts,
  currentQuestion,
  emptyView,
  followingQuestion,
  nextStep,
  resultsHidden,
  stateLabel,
  textsKnown,
  showPacedResults,
} from "./view.js";

const [page, sessionId, screenKey] = pathParts();
const isScreen = page === "screen";
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
  q: "qna",
};

const view = emptyView();
let socket = null;
let frame = 0;
let stopped = null; // () => [title, detail]: a message that ends the page
let qna = null; // QNA of docs/protocol.md, as this role sees it
let showingQna = false; // the presenter shows the room's questions instead of the question
let qnaFrame = 0;
let pacedAt = 0; // self-paced: which question's results are shown (the arrows step through them)

const handlers = {
  welcome: onState,
  state: onState,
  tally(message) {
    if (!view.session) return;
    applyTally(view, message);
    if (view.session.self_paced) {
      const had = view.current;
      showPacedResults(view, pacedAt);
      if (had !== view.current) return render(); // results shown live (or hidden) just now
    }
    renderCounts();
    scheduleResults();
  },
  texts(message) {
    if (applyTexts(view, message)) scheduleResults();
  },
  qna(message) {
    qna = message;
    // At most once a frame, however fast the updates come.
    if (!qnaFrame) qnaFrame = requestAnimationFrame(() => {
      qnaFrame = 0;
      renderQna();
    });
  },
  ended() {
    if (view.session) view.session.status = "ended";
    render();
  },
  health(message) {
    view.storage = message.storage;
    renderStorage();
  },
  scenario(message) {
    if (!view.session) return;
    heard(message); // the server's clock, for the time left before an inject moves on
    const { type, ...scenario } = message; // the push holds the exercise's fields
    view.scenario = scenario;
    render();
  },
  error(message) {
    switch (message.code) {
      case "unauthorized":
        if (isScreen) stop(() => [t("present.badLink"), t("present.badLinkDetail")]);
        else reauthorize();
        break;
      case "not_found":
        if (!view.session) stop(() => [t("present.noSession"), t("present.noSessionDetail")]);
        else toast(t("errors.notFound"));
        break;
      default:
        toast(errorText(message));
    }
  },
  pong() {},
};

function onState(message) {
  heard(message);
  if (message.qna) qna = message.qna;
  applyState(view, message);
  if (view.session.self_paced) showPacedResults(view, pacedAt);
  render();
}

// -- rendering ------------------------------------------------------------------------

/** The screen's languages: the facilitator's choice of one or two bank languages. */
function shown() {
  return displayLanguages(view);
}

function fallback() {
  return view.session.languages[0];
}

function text(value) {
  return pick(value, shown()[0], fallback());
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
  if (stopped) {
    showMessage(...stopped());
    return;
  }
  if (!view.session) return;
  document.title = `${text(view.session.title)} · ${isScreen ? t("present.screenTitle") : t("present.pageTitle")}`;
  if (view.session.status === "ended" && !(view.session.self_paced && view.current !== null)) {
    showMessage(t("common.thankYou"), "");
    showInLanguages($("#message-text"), view.session.title, shown(), fallback());
  } else if (showingQna && qna) {
    showView("qna");
  } else if (scenarioShown(view.scenario)) {
    renderScenarioView(view.scenario, shown(), fallback());
    showView("scenario");
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
  renderQna();
  renderQuiz();
}

function renderQna() {
  if (!qna) return;
  renderQnaBoard(qna);
  renderPinned(showingQna ? null : qna); // the list itself shows every question already
  const toggle = $("#qna-toggle");
  if (toggle) toggle.setAttribute("aria-pressed", String(showingQna));
}

/** A revealed quiz question's explanation, and the leaderboard after a reveal and at the end. */
function renderQuiz() {
  const explanation = $("#q-explanation");
  const about = view.answer_key && view.answer_key.explanation;
  explanation.hidden = !about;
  if (about) showInLanguages(explanation, about, shown(), fallback());
  const board = $("#leaderboard");
  board.hidden = !view.leaderboard;
  if (!view.leaderboard) return;
  fill(
    $("#leaderboard-list"),
    view.leaderboard.map((line) =>
      el(
        "li",
        { class: "leaderboard-line" },
        el("span", { class: "leaderboard-rank", text: formatNumber(line.rank) }),
        el("bdi", { class: "leaderboard-name", text: line.nickname }),
        el("span", { class: "leaderboard-score", text: formatNumber(line.score) }),
      ),
    ),
  );
  const teams = view.team_scores || [];
  $("#teams-title").hidden = !teams.length;
  $("#teams-list").hidden = !teams.length;
  fill(
    $("#teams-list"),
    teams.map((team) =>
      el(
        "li",
        { class: "leaderboard-line" },
        el("bdi", { class: "leaderboard-name", text: team.team }),
        el("span", { class: "leaderboard-score", text: formatNumber(team.average, { maximumFractionDigits: 1 }) }),
      ),
    ),
  );
}

/** Tell the facilitator when answers cannot be saved (the screen never gets this). */
function renderStorage() {
  const warning = $("#storage");
  warning.hidden = !view.storage;
  warning.textContent = view.storage ? t("common.notSaved", { reason: view.storage }) : "";
}

/** The address a participant types: the server's, where the page asks for the code
 * (the QR code holds the full join link, with the code in it). */
function typedAddress(url) {
  return String(url || "")
    .replace(/^https?:\/\//, "")
    .replace(/\/j\/[^/]*$/, "");
}

function renderJoin() {
  const { session } = view;
  showInLanguages($("#join-title"), session.title, shown(), fallback());
  const qr = $("#join-qr");
  const src = `/qr/${encodeURIComponent(session.code)}.svg`;
  if (qr.getAttribute("src") !== src) qr.src = src;
  $("#join-url").textContent = typedAddress(session.join_url);
  $("#join-code").textContent = session.code;
  renderCounts();
}

function renderQuestion() {
  const question = currentQuestion(view);
  if (!question) return;
  const index = view.questions.indexOf(question);
  $("#q-number").textContent = t("present.questionNumber", { number: index + 1, total: view.questions.length });
  const badge = $("#q-state");
  const slide = isSlide(question);
  badge.textContent = slide ? t("type.slide") : stateLabel(view.state);
  badge.dataset.state = slide ? "slide" : view.state || "";
  showInLanguages($("#q-prompt"), question.prompt, shown(), fallback());
  renderSlide(question, slide);
  $("#q-join-url").textContent = typedAddress(view.session.join_url);
  $("#q-join-code").textContent = view.session.code;
  renderCounts();
}

/** A slide's body and any question's picture, at the projector's size; a slide has no
 * results or count of responses. */
function renderSlide(question, slide) {
  const key = `${question.id}|${shown().join(",")}`;
  const holder = $("#q-slide");
  if (holder.dataset.key !== key) {
    holder.dataset.key = key;
    holder.textContent = "";
    // The body in each language on screen, one under the other, as the title shows them.
    const bodies = shown().map((lang) => slideBody(question, lang, fallback())).filter(Boolean);
    const image = picture(question.image, "screen", shown()[0], fallback());
    if (bodies.length) holder.append(el("div", { class: `slide-bodies${bodies.length > 1 ? " is-bilingual" : ""}` }, bodies));
    if (image) holder.append(image);
    holder.hidden = !bodies.length && !image;
  }
  $("#q-results").hidden = slide;
  $("#q-count").hidden = slide;
}

function renderCounts() {
  if (!view.session) return;
  const participants = view.session.participants || 0;
  const phones = t("common.participants", { count: participants });
  // Self-paced: how many phones started the questionnaire and how many submitted it.
  const paced = view.session.self_paced
    ? ` · ${t("console.started", { count: formatNumber(view.session.answered || 0) })} · ${t("console.finished", { count: formatNumber(view.session.finished || 0) })}`
    : "";
  $("#join-participants").textContent = phones + paced;
  $("#q-responses").textContent = formatNumber(view.responses);
  $("#q-responses-label").textContent = t("common.responsesLabel", { count: view.responses });
}

function scheduleResults() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (view.session && view.current !== null && (view.session.status !== "ended" || view.session.self_paced)) renderResults();
  });
}

function renderResults() {
  const question = currentQuestion(view);
  if (!question || isSlide(question)) return;
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

let plotted = ""; // what the chart was last drawn for

function drawPlot(question) {
  const chart = $("#chart");
  if (!window.Plotly) return t("present.noCharts");
  const languages = shown();
  const options = {
    languages,
    fallback: fallback(),
    fontSize: fontSize(),
    responses: view.responses,
    t,
    number: formatNumber,
    rtl: isRtl(languages[0]),
    correct: view.answer_key && question.type !== "ranking" ? view.answer_key.correct : null,
  };
  const segment = view.questions.find((q) => q.id === view.segment) || null;
  const grouped = view.breakdown ? breakdownFigure(question, view.breakdown, segment, options) : null;
  const { data, layout } = grouped || figure(question, view.results, options);
  renderBreakdownNote(segment, grouped !== null);
  // A new question, new languages, a mirrored layout or a breakdown shown or taken away: draw
  // afresh, as plotly's automatic margins do not follow an axis that moves from one side to the other.
  const drawing = `${question.id}|${languages.join(",")}|${language()}|${grouped ? view.segment : ""}`;
  if (drawing !== plotted) {
    plotted = drawing;
    window.Plotly.newPlot(chart, data, layout, PLOT_CONFIG);
  } else {
    window.Plotly.react(chart, data, layout, PLOT_CONFIG);
  }
  // A chart drawn while its view was hidden has the wrong size.
  const full = chart._fullLayout;
  if (full && (Math.abs(full.width - chart.clientWidth) > 2 || Math.abs(full.height - chart.clientHeight) > 2)) {
    window.Plotly.Plots.resize(chart);
  }
  return "";
}

/** Under a breakdown, by what and how small groups are kept out; the reason when it is withheld. */
function renderBreakdownNote(segment, drawn) {
  const note = $("#breakdown-note");
  const k = view.breakdown ? view.breakdown.k : 0;
  if (!segment || !view.breakdown) {
    note.hidden = true;
    return;
  }
  const by = pick(segment.prompt, shown()[0], fallback());
  note.textContent = drawn ? t("present.breakdownNote", { segment: by, k }) : t("present.breakdownWithheld", { k });
  note.hidden = false;
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
      word = el("span", { class: "cloud-word", dir: "auto", text: item.word });
      cloud.append(word);
      cloudWords.set(item.word, word);
    }
    word.style.fontSize = `calc(var(--cloud-scale, 1) * ${Math.max(1.1, biggest * item.weight).toFixed(2)}rem)`;
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
  return items.length ? "" : t("present.wordsEmpty");
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
  return approved.length ? "" : t("present.cardsEmpty");
}

// -- language -------------------------------------------------------------------------

/** The interface language: a ?lang= in the screen's link, else this browser's choice, else its languages. */
function startLanguage() {
  const param = new URLSearchParams(location.search).get("lang");
  const wanted = isScreen ? [param, savedLanguage()] : [savedLanguage(), param];
  return interfaceLanguage(wanted.filter(Boolean).concat(browserLanguages()));
}

function keyAction(event) {
  // Digits pick a branch of the exercise's decision (by place too: Arabic-Indic digits).
  const digit = /^(?:Digit|Numpad)([1-9])$/.exec(event.code || "") || /^([1-9])$/.exec(event.key);
  if (digit) return `pick${digit[1]}`;
  const action = KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key];
  // Letter shortcuts by their place on the keyboard, so that O opens voting on a Russian
  // or Arabic layout too.
  const letter = /^Key([A-Z])$/.exec(event.code || "");
  return action || (letter ? KEYS[letter[1].toLowerCase()] : undefined);
}

// -- controls (facilitator only) ------------------------------------------------------

/** Self-paced: the arrows step through the questions' results on this screen alone; the
 * toggle shows results live or keeps them for the end. */
function renderPacedControls(buttons, toggle, ended) {
  const has = view.current !== null;
  buttons.previous.disabled = !has || pacedAt === 0;
  buttons.open.disabled = true;
  buttons.close.disabled = true;
  buttons["show-next"].disabled = true;
  toggle.hidden = false;
  toggle.disabled = ended;
  toggle.dataset.command = view.session.live_results ? "hide" : "reveal";
  toggle.textContent = view.session.live_results ? t("console.hideLive") : t("console.showLive");
  $("#next").disabled = !has || pacedAt >= view.questions.length - 1;
  $("#next-label").textContent = has ? t("step.next") : t("console.selfPaced");
}

function stepPaced(step) {
  if (view.current === null) return;
  pacedAt = Math.max(0, Math.min(pacedAt + step, view.questions.length - 1));
  showPacedResults(view, pacedAt);
  render();
}

function renderControls() {
  const has = view.current !== null;
  const ended = view.session.status === "ended";
  const buttons = {};
  for (const button of document.querySelectorAll("#controls [data-command]")) buttons[button.dataset.command] = button;
  const toggle = $("#toggle-results");
  const next = $("#next");
  if (view.session.self_paced) {
    renderPacedControls(buttons, toggle, ended);
  } else {
    buttons.previous.disabled = ended || !has;
    buttons.open.disabled = ended || !has || isSlide(currentQuestion(view)) || !["shown", "closed"].includes(view.state);
    buttons.close.disabled = ended || view.state !== "open";
    toggle.hidden = !view.session.hide_results;
    toggle.disabled = ended || !has;
    toggle.dataset.command = view.revealed ? "hide" : "reveal";
    toggle.textContent = view.revealed ? t("present.hideResults") : t("present.revealResults");
    buttons["show-next"].disabled = ended || !has || !followingQuestion(view);
    const step = nextStep(view);
    next.disabled = !step.enabled;
    $("#next-label").textContent = step.ends && endArmed ? t("step.endAgain") : step.label;
  }
  const end = $("#end-session");
  end.disabled = ended;
  end.textContent = endArmed ? t("step.endAgain") : t("step.end");
  end.classList.toggle("danger", Boolean(endArmed));
  next.title = t("present.nextTitle", { keys: `→, ${t("present.keySpace")}, Page Down` });
  buttons.previous.title = t("present.previousTitle", { keys: "←, Page Up" });
  const many = fillDisplayControls($("#display-lang-1"), $("#display-lang-2"), view);
  $("#display-langs").hidden = !many;
  renderScenarioControls(buttons, toggle, next, ended);
}

/** While the exercise is on screen, the bar drives the room's track: close the vote, pick a
 * branch (also the digit keys), go on; the question buttons step aside. */
function renderScenarioControls(buttons, toggle, next, ended) {
  const on = scenarioShown(view.scenario) && !showingQna && !ended;
  const box = $("#scen-controls");
  box.hidden = !on;
  for (const name of ["previous", "open", "close", "reveal", "show-next"]) if (buttons[name]) buttons[name].hidden = on;
  if (on) toggle.hidden = true;
  if (!on) return;
  const track = roomTrack(view.scenario);
  const step = track && stepOf(view.scenario, track.step);
  const picks = step && step.kind === "decision" && ["open", "tied"].includes(track.status) ? step.options || [] : [];
  fill(
    box,
    picks.map((option, index) =>
      el("button", {
        type: "button",
        class: "button",
        "data-command": `pick${index + 1}`,
        title: t("scenario.pickTitle", { key: formatNumber(index + 1) }),
        text: `${formatNumber(index + 1)} · ${text(option.label)}`,
      }),
    ),
  );
  const command = scenarioCommand(view.scenario, "next");
  next.disabled = !command;
  $("#next-label").textContent = scenarioNextLabel(view.scenario);
}

function act(action) {
  if (view.session && view.session.self_paced && ["next", "previous", "show-next"].includes(action)) {
    stepPaced(action === "previous" ? -1 : 1);
    return;
  }
  // While the exercise is on screen the clicker drives it, and never the questions behind it.
  const picking = /^pick\d$/.test(action);
  const driving = scenarioShown(view.scenario) && !showingQna && view.session.status !== "ended";
  if (picking || (driving && ["next", "previous", "open", "close", "reveal", "hide", "show-next"].includes(action))) {
    const command = driving ? scenarioCommand(view.scenario, picking ? "pick" : action, picking ? Number(action.slice(4)) : 0) : null;
    if (command) send(command);
    return;
  }
  switch (action) {
    case "blank":
      $("#blank").hidden = !$("#blank").hidden;
      return;
    case "unblank":
      $("#blank").hidden = true;
      return;
    case "qna":
      showingQna = !showingQna;
      render();
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
    case "end-session":
      askToEnd();
      return;
    case "next": {
      $("#blank").hidden = true;
      const step = view.session ? nextStep(view) : { enabled: false };
      if (step.ends) askToEnd();
      else if (step.enabled) send({ type: "next" });
      return;
    }
    default: {
      // A key whose button is off now (voting already closed, the first question) does
      // nothing: the room never sees an error for a press that had nothing to do.
      const button = document.querySelector(`#controls [data-command="${action}"]`);
      if (!button || button.disabled || button.hidden) return;
      if (action === "previous") $("#blank").hidden = true;
      send({ type: action });
    }
  }
}

const END_CONFIRM_MS = 5000;
let endArmed = 0; // the timer of a first press on "end", waiting for the second

/** End the session on a second press within a few seconds; the first only asks. */
function askToEnd() {
  if (endArmed) {
    clearTimeout(endArmed);
    endArmed = 0;
    send({ type: "end" });
  } else {
    endArmed = setTimeout(() => {
      endArmed = 0;
      if (view.session) renderControls();
    }, END_CONFIRM_MS);
    toast(t("step.endAgain"), "info");
  }
  renderControls();
}

function send(message) {
  if (!socket || !socket.send(message)) toast(t("common.notSent"));
}

function wireControls() {
  const controls = $("#controls");
  controls.hidden = false;
  keepClearOf(controls);
  $("#console-link").href = `/console/${encodeURIComponent(sessionId)}`;
  controls.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-command]");
    if (!button) return;
    act(button.dataset.command);
    // After a mouse click, give the keyboard back to the clicker keys.
    if (event.detail > 0) button.blur();
  });
  languageSelector($("#lang"), () => {
    render();
    $("#lang").blur();
  });
  const first = $("#display-lang-1");
  const second = $("#display-lang-2");
  const choose = (event) => {
    send({ type: "languages", languages: chosenLanguages(first, second) });
    event.target.blur();
  };
  first.addEventListener("change", choose);
  second.addEventListener("change", choose);
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, .auth")) return;
    if ((event.key === " " || event.key === "Enter") && target.closest && target.closest("button, a")) return;
    const action = keyAction(event);
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

/** Keep the bottom of the stage free for the control bar, however many rows it wraps to. */
function keepClearOf(controls) {
  const reserve = () => {
    const box = controls.getBoundingClientRect();
    const space = box.height ? window.innerHeight - box.top + 8 : 0;
    document.documentElement.style.setProperty("--controls-space", `${Math.ceil(space)}px`);
    scheduleResults();
  };
  if (window.ResizeObserver) new ResizeObserver(reserve).observe(controls);
  window.addEventListener("resize", reserve);
  reserve();
}

// -- connection -----------------------------------------------------------------------

function hello() {
  const texts_version = textsKnown(view);
  return isScreen
    ? { type: "hello", role: "screen", session: sessionId, key: screenKey, texts_version }
    : { type: "hello", role: "facilitator", session: sessionId, token: token(), texts_version };
}

function onStatus(connected) {
  const dot = $("#status");
  dot.classList.toggle("is-online", connected);
  dot.title = connected ? t("common.connected") : t("common.reconnecting");
  dot.textContent = connected ? "" : t("common.reconnecting");
}

function start() {
  socket = connect({ hello, handlers, onStatus });
}

function stop(message) {
  if (socket) socket.close();
  stopped = message;
  render();
}

async function reauthorize() {
  socket.close();
  forgetToken();
  await askToken(t("auth.refused"));
  start();
}

async function main() {
  await useLanguage(startLanguage());
  window.addEventListener("resize", scheduleResults);
  if (isScreen) {
    document.body.classList.add("is-screen");
  } else {
    await ensureToken();
    wireControls();
  }
  countdownIn($("#q-countdown"));
  start();
}

main();
