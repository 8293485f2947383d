// Console for the facilitator's phone (/console/{id}): drive the session, moderate, export.
import { download, exportLinks } from "./api.js";
import { askToken, ensureToken, forgetToken, token } from "./auth.js";
import { $, el, fill, pathParts, toast } from "./dom.js";
import { connect } from "./socket.js";
import { formatNumber, languageName, pick } from "./text.js";
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
} from "./view.js";

const [, sessionId] = pathParts();
const LANG_KEY = "polling.present.lang";
const MODERATION_LABELS = { pending: "Pending", approved: "Approved", hidden: "Hidden" };
const LIST_LABELS = { pending: "Not shown", shown: "Shown", open: "Open", closed: "Closed" };

const view = emptyView();
let lang = null;
let socket = null;
let armed = null; // a question tapped once while another one is open
let armedTimer = 0;

const handlers = {
  welcome: onState,
  state: onState,
  tally(message) {
    if (!view.session) return;
    if (applyTally(view, message)) renderNow();
    renderParticipants();
  },
  texts(message) {
    if (applyTexts(view, message)) renderModeration();
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
        reauthorize();
        break;
      case "not_found":
        if (!view.session) showBanner("No such session: check the address.");
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

function text(value) {
  return pick(value, lang, view.session.languages[0]);
}

function showBanner(message) {
  const banner = $("#banner");
  banner.textContent = message;
  banner.hidden = !message;
}

// -- rendering ------------------------------------------------------------------------

function render() {
  if (!view.session) return;
  chooseLanguage();
  const { session } = view;
  document.title = `${text(session.title)} · Console`;
  $("#title").textContent = text(session.title);
  $("#code").textContent = session.code;
  showBanner(session.status === "ended" ? "This session has ended. The exports below hold its results." : "");
  renderParticipants();
  renderNow();
  renderModeration();
  renderQuestions();
  renderLinks();
  renderPad();
  renderStorage();
}

function renderStorage() {
  const warning = $("#storage");
  warning.hidden = !view.storage;
  warning.textContent = view.storage ? `Answers are not being saved: ${view.storage}` : "";
}

function renderParticipants() {
  const { participants = 0, max_participants: limit } = view.session;
  const count = plural(participants, "participant", "participants");
  $("#participants").textContent = limit ? `${count} (limit ${limit})` : count;
}

function renderNow() {
  const question = currentQuestion(view);
  const stateBadge = $("#now-state");
  const visibility = $("#now-visibility");
  if (!question) {
    $("#now-number").textContent = "";
    stateBadge.hidden = true;
    visibility.hidden = true;
    $("#now-prompt").textContent = "Join screen";
    $("#now-responses").parentElement.hidden = true;
    fill($("#mini"), el("p", { class: "muted", text: `Participants join with code ${view.session.code}.` }));
  } else {
    const index = view.questions.indexOf(question);
    $("#now-number").textContent = `${index + 1} / ${view.questions.length}`;
    stateBadge.hidden = false;
    stateBadge.textContent = STATE_LABELS[view.state] || view.state;
    stateBadge.dataset.state = view.state;
    visibility.hidden = !view.session.hide_results;
    visibility.textContent = view.revealed ? "Results revealed" : "Results hidden";
    visibility.dataset.state = view.revealed ? "open" : "closed";
    $("#now-prompt").textContent = text(question.prompt);
    $("#now-responses").parentElement.hidden = false;
    $("#now-responses").textContent = String(view.responses);
    $("#now-responses-label").textContent = view.responses === 1 ? "response" : "responses";
    renderMini(question);
  }
  const following = followingQuestion(view);
  $("#up-next").textContent = following ? text(following.prompt) : "Nothing: this is the last question";
}

/** A small text summary of the results, so the facilitator sees them without the projector. */
function renderMini(question) {
  const results = view.results;
  const mini = $("#mini");
  if (!results) {
    fill(mini);
    return;
  }
  const rows = [];
  if (question.type === "single" || question.type === "multiple") {
    for (const option of question.options) rows.push([text(option.label), results.counts[option.id] || 0]);
  } else if (question.type === "scale") {
    for (let point = question.min; point <= question.max; point += 1) rows.push([String(point), results.counts[String(point)] || 0]);
  } else if (question.type === "wordcloud") {
    for (const [word, count] of (results.words || []).slice(0, 8)) rows.push([word, count]);
  }
  const top = Math.max(1, ...rows.map((row) => row[1]));
  const bars = rows.map(([label, count]) => {
    const bar = el("span", { class: "mini-bar" });
    bar.style.setProperty("--share", String(count / top));
    return el(
      "li",
      { class: "mini-row" },
      el("span", { class: "mini-label", dir: "auto", text: label }),
      el("span", { class: "mini-count", text: String(count) }),
      bar,
    );
  });
  const facts = [];
  if (question.type === "scale" && results.mean !== null) facts.push(`Mean ${formatNumber(results.mean, lang, 1)}`);
  if (question.type === "number" && results.count) {
    facts.push(`Mean ${formatNumber(results.mean, lang)}`, `Median ${formatNumber(results.median, lang)}`);
    facts.push(`Range ${formatNumber(results.min, lang)}–${formatNumber(results.max, lang)}`);
  }
  if (question.type === "text") {
    facts.push(`${results.approved} approved`, `${results.pending} pending`, `${results.hidden} hidden`);
  }
  fill(mini, bars.length ? el("ul", { class: "mini-rows" }, bars) : null, facts.length ? el("p", { class: "mini-facts", text: facts.join(" · ") }) : null);
}

const answerNodes = new Map();
let answersOf = null;

function renderModeration() {
  const question = currentQuestion(view);
  const panel = $("#moderation");
  panel.hidden = !question || question.type !== "text";
  if (panel.hidden) return;
  const list = $("#answers");
  if (answersOf !== question.id) {
    list.textContent = "";
    answerNodes.clear();
    answersOf = question.id;
  }
  const seen = new Set();
  const counts = { pending: 0, approved: 0, hidden: 0 };
  view.texts.forEach((answer, index) => {
    counts[answer.status] = (counts[answer.status] || 0) + 1;
    let node = answerNodes.get(answer.id);
    if (!node) {
      node = answerItem(question.id, answer.id);
      list.append(node);
      answerNodes.set(answer.id, node);
    }
    node.querySelector(".answer-text").textContent = answer.text;
    const badge = node.querySelector(".badge");
    badge.textContent = MODERATION_LABELS[answer.status] || answer.status;
    badge.dataset.state = answer.status;
    node.dataset.status = answer.status;
    node.querySelector('[data-status="approved"]').hidden = answer.status === "approved";
    node.querySelector('[data-status="hidden"]').hidden = answer.status === "hidden";
    node.style.order = String(-index); // newest first
    seen.add(answer.id);
  });
  for (const [key, node] of answerNodes) {
    if (!seen.has(key)) {
      node.remove();
      answerNodes.delete(key);
    }
  }
  $("#moderation-summary").textContent = view.texts.length
    ? `${counts.pending} pending · ${counts.approved} approved · ${counts.hidden} hidden. Only approved answers appear on the screen.`
    : "No answers yet. Only approved answers appear on the screen.";
}

function answerItem(questionId, answerId) {
  const moderate = (status) => () => send({ type: "moderate", question: questionId, answer: answerId, status });
  return el(
    "li",
    { class: "answer" },
    el("p", { class: "answer-text", dir: "auto" }),
    el(
      "div",
      { class: "answer-actions" },
      el("span", { class: "badge" }),
      el("button", { type: "button", class: "button", "data-status": "approved", onclick: moderate("approved"), text: "Approve" }),
      el("button", { type: "button", class: "button", "data-status": "hidden", onclick: moderate("hidden"), text: "Hide" }),
    ),
  );
}

function renderQuestions() {
  const list = $("#questions");
  const items = view.questions.map((question, index) => {
    const state = view.states[question.id] || "pending";
    const isCurrent = question.id === view.current;
    const button = el(
      "button",
      {
        type: "button",
        class: "question",
        "aria-current": isCurrent ? "true" : null,
        "data-armed": armed === question.id ? "true" : null,
        disabled: view.session.status === "ended",
        onclick: () => showQuestion(question.id),
      },
      el("span", { class: "question-number", text: String(index + 1) }),
      el(
        "span",
        { class: "question-body" },
        el("span", { class: "question-prompt", dir: "auto", text: text(question.prompt) }),
        el("span", { class: "question-type", text: armed === question.id ? "Tap again to show it (voting on the current question closes)" : question.type }),
      ),
      el("span", { class: "badge", "data-state": state, text: LIST_LABELS[state] || state }),
    );
    return el("li", {}, button);
  });
  fill(list, items);
}

function showQuestion(questionId) {
  if (questionId === view.current) return;
  // Showing another question closes an open vote: ask for a second tap first.
  if (view.state === "open" && armed !== questionId) {
    armed = questionId;
    clearTimeout(armedTimer);
    armedTimer = setTimeout(() => {
      armed = null;
      renderQuestions();
    }, 4000);
    renderQuestions();
    return;
  }
  armed = null;
  send({ type: "show", question: questionId });
}

let linksDone = false;

function renderLinks() {
  const { session } = view;
  if (linksDone) return;
  linksDone = true;
  $("#presenter-link").href = `/present/${encodeURIComponent(session.id)}`;
  $("#screen-link").value = `${location.origin}/screen/${encodeURIComponent(session.id)}/${encodeURIComponent(session.screen_key)}`;
  fill(
    $("#exports"),
    exportLinks(session).map(([label, path, filename]) =>
      el("button", {
        type: "button",
        class: "button",
        text: label,
        onclick: () => download(path, filename).catch((error) => toast(error.message)),
      }),
    ),
  );
}

function renderPad() {
  const ended = view.session.status === "ended";
  const has = view.current !== null;
  const buttons = {};
  for (const button of document.querySelectorAll("#pad [data-command]")) buttons[button.dataset.command] = button;
  buttons.previous.disabled = ended || !has;
  buttons.open.disabled = ended || !has || !["shown", "closed"].includes(view.state);
  buttons.close.disabled = ended || view.state !== "open";
  buttons["show-next"].disabled = ended || !has || !followingQuestion(view);
  const toggle = $("#toggle-results");
  toggle.disabled = ended || !has || !view.session.hide_results;
  toggle.dataset.command = view.revealed ? "hide" : "reveal";
  toggle.textContent = view.revealed && view.session.hide_results ? "Hide" : "Reveal";
  toggle.title = view.session.hide_results ? "" : "Results are always visible in this session";
  const step = nextStep(view);
  const next = $("#next");
  next.disabled = !step.enabled;
  next.textContent = `${step.label} ▶`;
  $("#end").disabled = ended;
  if (ended) $("#end-confirm").hidden = true;
}

// -- language -------------------------------------------------------------------------

function chooseLanguage() {
  const languages = view.session.languages;
  const stored = localStorage.getItem(LANG_KEY);
  lang = languages.includes(stored) ? stored : languages[0];
  const select = $("#lang");
  if (select.options.length !== languages.length) {
    fill(select, languages.map((code) => el("option", { value: code, text: languageName(code) })));
  }
  select.value = lang;
  $("#lang-field").hidden = languages.length < 2;
}

// -- actions --------------------------------------------------------------------------

function send(message) {
  if (!socket || !socket.send(message)) toast("Not connected: try again in a moment.");
}

function act(command) {
  if (command === "show-next") {
    const following = followingQuestion(view);
    if (following) send({ type: "show", question: following.id });
  } else {
    send({ type: command });
  }
}

function wire() {
  $("#pad").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-command]");
    if (button) act(button.dataset.command);
  });
  $("#lang").addEventListener("change", (event) => {
    localStorage.setItem(LANG_KEY, event.target.value);
    render();
  });
  $("#copy-screen").addEventListener("click", () => {
    const input = $("#screen-link");
    input.select();
    const copied = navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject(new Error());
    copied
      .then(() => toast("Screen link copied", "info"))
      .catch(() => {
        const ok = document.execCommand && document.execCommand("copy");
        toast(ok ? "Screen link copied" : "Select the link and copy it", "info");
      });
  });
  $("#end").addEventListener("click", () => {
    $("#end-confirm").hidden = false;
    $("#end").hidden = true;
  });
  $("#end-no").addEventListener("click", () => {
    $("#end-confirm").hidden = true;
    $("#end").hidden = false;
  });
  $("#end-yes").addEventListener("click", () => {
    send({ type: "end" });
    $("#end-confirm").hidden = true;
    $("#end").hidden = false;
  });
}

// -- connection -----------------------------------------------------------------------

function hello() {
  return { type: "hello", role: "facilitator", session: sessionId, token: token() };
}

function onStatus(connected) {
  const dot = $("#status");
  dot.classList.toggle("is-online", connected);
  dot.title = connected ? "Connected" : "Reconnecting…";
  dot.textContent = connected ? "" : "Reconnecting…";
  document.body.classList.toggle("is-offline", !connected);
}

function start() {
  socket = connect({ hello, handlers, onStatus });
}

async function reauthorize() {
  socket.close();
  forgetToken();
  await askToken("That token was not accepted. Check it and try again.");
  start();
}

async function main() {
  wire();
  await ensureToken();
  start();
}

main();
