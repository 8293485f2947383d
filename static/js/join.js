// Participant page (/j/{code}): pick a language, answer the current question, and
// never lose or double an answer across sleeps, reloads and reconnects.
import { $, el, fill, pathParts } from "./dom.js";
import { connect } from "./socket.js";
import { bestLanguage, languageName, pick, setLanguage } from "./text.js";

// Every interface string, in one place (to become static/i18n/<code>.json).
const STRINGS = {
  title: "Polling",
  language: "Language",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  waiting: "Waiting for the next question",
  waitingDetail: "The question appears here as soon as the facilitator shows it.",
  anonymous: "Your answers are anonymous.",
  opensSoon: "Voting opens soon",
  open: "Voting open",
  closed: "Voting closed",
  yourAnswer: "Your answer: {answer}",
  noAnswer: "You did not answer this question.",
  received: "Answer received",
  canChange: "You can change your answer while voting is open.",
  sending: "Sending…",
  notSent: "Not sent yet: it will be sent as soon as the connection is back.",
  send: "Send",
  change: "Change answer",
  chooseOne: "Choose one answer",
  chooseUpTo: "Choose up to {n}",
  chooseAny: "Choose all that apply",
  chooseScale: "Choose from {min} to {max}",
  numberBetween: "A number from {min} to {max}",
  numberFrom: "A number from {min}",
  numberUpTo: "A number up to {max}",
  numberAny: "A number",
  numberInvalid: "Enter a number.",
  numberRange: "Enter a number from {min} to {max}.",
  wordHint: "A word or a few words",
  textHint: "Your answer",
  charactersLeft: "{n} characters left",
  ended: "Thank you!",
  endedDetail: "The session has ended. You can close this page.",
  notFound: "No session with this code",
  notFoundDetail: "Check the code, or scan the QR code again.",
  full: "This session is full",
  fullDetail: "Ask the facilitator to make room, then reload this page.",
  errors: {
    invalid_answer: "This answer does not fit the question: {message}",
    not_open: "Voting is not open on this question.",
    unavailable: "The answer could not be saved yet. Trying again…",
    ended: "The session has ended.",
  },
};

/** An interface string with its {placeholders} filled in. */
function t(key, values = {}) {
  const template = key.split(".").reduce((node, part) => (node ? node[part] : undefined), STRINGS);
  return String(template === undefined ? key : template).replace(/\{(\w+)\}/g, (_, name) =>
    values[name] === undefined ? "" : String(values[name]),
  );
}

// localStorage can be missing or full (private browsing on old phones): fall back to memory.
const memory = {};
const store = {
  get(key) {
    try {
      const value = localStorage.getItem(key);
      return value === null ? (key in memory ? memory[key] : null) : value;
    } catch (error) {
      return key in memory ? memory[key] : null;
    }
  },
  set(key, value) {
    memory[key] = value;
    try {
      localStorage.setItem(key, value);
    } catch (error) {
      // Kept in memory for this visit.
    }
  },
  remove(key) {
    delete memory[key];
    try {
      localStorage.removeItem(key);
    } catch (error) {
      // Nothing stored.
    }
  },
};

const code = pathParts()[1] || "";
const TOKEN_KEY = `polling.participant.${code}`;
const PENDING_KEY = `polling.pending.${code}`;
const LANG_KEY = "polling.lang";
const ACK_TIMEOUT = 8000;

let session = null; // {id, title, languages, status}
let question = null;
let questionState = null;
let answer = null; // this phone's answer as the server has it
let answerRev = 0;
let pending = readPending(); // an answer not acknowledged yet: {question, value, lang, rev}
let problem = ""; // an error to show by the form
let fatal = null; // {title, detail}: not found or ended
let lang = store.get(LANG_KEY);
let shownKey = "";
let ackTimer = 0;
let socket = null;

const handlers = {
  welcome(message) {
    if (message.participant) store.set(TOKEN_KEY, message.participant);
    session = message.session;
    chooseLanguage();
    if (session.status === "ended") return finish(t("ended"), t("endedDetail"));
    onQuestion(message);
  },
  question: onQuestion,
  ack(message) {
    const confirmed = pending && message.question === pending.question && message.rev >= pending.rev;
    if (confirmed) clearPending();
    if (question && message.question === question.id && message.rev >= answerRev) {
      answer = message.value;
      answerRev = message.rev;
      problem = "";
    }
    render();
    // Make sure the confirmation is seen, even below a long list of options.
    const feedback = $("#feedback");
    if (confirmed && feedback && feedback.scrollIntoView) feedback.scrollIntoView({ block: "nearest" });
  },
  ended() {
    finish(t("ended"), t("endedDetail"));
  },
  error(message) {
    switch (message.code) {
      case "not_found":
        if (!session) finish(t("notFound"), t("notFoundDetail"));
        else failAnswer(message);
        break;
      case "ended":
        finish(t("ended"), t("endedDetail"));
        break;
      case "full":
        finish(t("full"), t("fullDetail"));
        break;
      case "unavailable":
        // Not stored: keep it and send it again shortly.
        problem = t("errors.unavailable");
        resendSoon();
        break;
      case "rate_limited":
        // Dropped unread: if it was the answer, send it again in a moment.
        resendSoon();
        break;
      case "invalid_answer":
      case "not_open":
        failAnswer(message);
        break;
      default:
        break;
    }
  },
  pong() {},
};

function onQuestion(message) {
  question = message.question;
  questionState = message.state;
  answer = message.answer === undefined ? null : message.answer;
  answerRev = message.rev || 0;
  if (question) bumpRev(question.id, answerRev);
  if (pending) {
    if (!question || pending.question !== question.id || pending.rev <= answerRev) {
      // Stale (another question is current) or already stored (its ack was lost).
      clearPending();
    } else if (questionState === "open") {
      sendPending();
    } else if (questionState === "closed") {
      clearPending();
    }
  }
  if (!question || questionState !== "open") problem = "";
  render();
}

function resendSoon() {
  if (!pending) return;
  clearTimeout(ackTimer);
  ackTimer = setTimeout(sendPending, 1500);
  render();
}

function failAnswer(message) {
  if (pending && (!message.question || message.question === pending.question)) clearPending();
  problem = message.code === "invalid_answer" ? t("errors.invalid_answer", { message: message.message || "" }) : t(`errors.${message.code}`);
  render();
}

function finish(title, detail) {
  fatal = { title, detail };
  clearPending();
  if (socket) socket.close();
  $("#offline").hidden = true;
  render();
}

// -- answers --------------------------------------------------------------------------

function readPending() {
  try {
    return JSON.parse(store.get(PENDING_KEY)) || null;
  } catch (error) {
    return null;
  }
}

function clearPending() {
  pending = null;
  clearTimeout(ackTimer);
  store.remove(PENDING_KEY);
}

function revKey(questionId) {
  return `polling.rev.${code}.${questionId}`;
}

function bumpRev(questionId, atLeast) {
  const current = parseInt(store.get(revKey(questionId)), 10) || 0;
  if (atLeast > current) store.set(revKey(questionId), String(atLeast));
}

/** Record a new answer, keep it until acknowledged, and send it. */
function submit(value) {
  const rev = (parseInt(store.get(revKey(question.id)), 10) || 0) + 1;
  store.set(revKey(question.id), String(rev));
  pending = { question: question.id, value, lang, rev };
  store.set(PENDING_KEY, JSON.stringify(pending));
  problem = "";
  sendPending();
  render();
}

function sendPending() {
  if (!pending || !socket) return;
  const sent = socket.send({ type: "answer", question: pending.question, value: pending.value, lang: pending.lang, rev: pending.rev });
  clearTimeout(ackTimer);
  // No ack in time: the connection is probably dead; reconnecting resends it.
  if (sent) ackTimer = setTimeout(() => pending && socket.restart(), ACK_TIMEOUT);
}

function currentValue() {
  return pending && question && pending.question === question.id ? pending.value : answer;
}

function describe(value) {
  if (value === null || value === undefined) return "";
  const label = (id) => {
    const option = (question.options || []).find((o) => o.id === id);
    return option ? text(option.label) : id;
  };
  if (question.type === "single") return label(value);
  if (question.type === "multiple") return value.map(label).join(", ");
  return String(value);
}

// -- rendering ------------------------------------------------------------------------

function text(value) {
  return pick(value, lang, session ? session.languages[0] : lang);
}

function render() {
  const main = $("#main");
  let key;
  if (fatal) key = `fatal|${fatal.title}`;
  else if (!session) key = "connecting";
  else if (!question) key = "waiting";
  else key = `question|${question.id}|${questionState}|${lang}`;
  if (key !== shownKey) {
    shownKey = key;
    if (fatal) fill(main, messageCard(fatal.title, fatal.detail, "is-final"));
    else if (!session) fill(main, messageCard(t("connecting"), ""));
    else if (!question) fill(main, messageCard(t("waiting"), t("waitingDetail"), "is-waiting"));
    else fill(main, questionCard());
  }
  if (session && question && !fatal) renderStatus();
}

function messageCard(title, detail, className = "") {
  return el(
    "section",
    { class: `card message ${className}` },
    el("p", { class: "message-title", text: title }),
    detail ? el("p", { class: "message-detail", text: detail }) : null,
    className === "is-waiting" ? el("p", { class: "message-detail small", text: t("anonymous") }) : null,
  );
}

function questionCard() {
  const readOnly = questionState !== "open";
  const body = el("div", { class: "answer-area" });
  hint = el("p", { class: "hint", id: "hint" });
  const card = el(
    "section",
    { class: `card question is-${questionState}` },
    el("p", { class: "state", "data-state": questionState, text: readOnly ? (questionState === "closed" ? t("closed") : t("opensSoon")) : t("open") }),
    inLanguage(el("h2", { class: "prompt", text: text(question.prompt) })),
    hint,
    body,
    el("div", { class: "feedback", id: "feedback", role: "status", "aria-live": "polite" }),
  );
  const builders = { single: choiceButtons, multiple: checkboxes, scale: scaleButtons, number: numberField, wordcloud: textField, text: textField };
  const build = builders[question.type];
  if (build) build(body, readOnly);
  if (questionState === "closed") hint.textContent = "";
  return card;
}

/** Mark a node as holding the bank's text in the participant's language (and its direction). */
function inLanguage(node) {
  setLanguage(node, lang);
  return node;
}

let hint = null; // the hint line of the question card being built

function setHint(message) {
  hint.textContent = message;
}

function choiceButtons(body, readOnly) {
  setHint(t("chooseOne"));
  const list = el("div", { class: "choices", role: "group" });
  for (const option of question.options) {
    list.append(
      inLanguage(el("button", {
        type: "button",
        class: "choice",
        "data-value": option.id,
        "aria-pressed": "false",
        disabled: readOnly,
        text: text(option.label),
        onclick: () => submit(option.id),
      })),
    );
  }
  body.append(list);
}

function checkboxes(body, readOnly) {
  const most = question.max_choices;
  setHint(most && most < question.options.length ? t("chooseUpTo", { n: most }) : t("chooseAny"));
  const chosen = new Set(Array.isArray(currentValue()) ? currentValue() : []);
  const list = el("div", { class: "choices", role: "group" });
  const send = el("button", { type: "submit", class: "submit", text: answer === null ? t("send") : t("change") });
  const sync = () => {
    for (const box of list.children) {
      const on = chosen.has(box.dataset.value);
      box.setAttribute("aria-checked", String(on));
      box.disabled = readOnly || (!on && most && chosen.size >= most);
    }
    send.disabled = readOnly || chosen.size === 0;
  };
  for (const option of question.options) {
    list.append(
      inLanguage(el("button", {
        type: "button",
        class: "choice is-check",
        role: "checkbox",
        "data-value": option.id,
        text: text(option.label),
        onclick: () => {
          if (chosen.has(option.id)) chosen.delete(option.id);
          else chosen.add(option.id);
          sync();
        },
      })),
    );
  }
  const form = el("form", { class: "answer-form" }, list, readOnly ? null : send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // Keep the bank's order of options.
    if (chosen.size) submit(question.options.map((o) => o.id).filter((id) => chosen.has(id)));
  });
  body.append(form);
  sync();
}

function scaleButtons(body, readOnly) {
  setHint(t("chooseScale", { min: question.min, max: question.max }));
  const row = el("div", { class: "scale", role: "group" });
  for (let point = question.min; point <= question.max; point += 1) {
    row.append(
      el("button", {
        type: "button",
        class: "scale-point",
        "data-value": String(point),
        "aria-pressed": "false",
        disabled: readOnly,
        text: String(point),
        onclick: () => submit(point),
      }),
    );
  }
  body.append(
    row,
    el(
      "div",
      { class: "scale-labels" },
      inLanguage(el("span", { text: question.min_label ? text(question.min_label) : "" })),
      inLanguage(el("span", { text: question.max_label ? text(question.max_label) : "" })),
    ),
  );
}

function numberField(body, readOnly) {
  if (questionState === "closed") return; // the feedback line shows the answer
  const { min, max } = question;
  const has = (x) => x !== undefined && x !== null;
  if (has(min) && has(max)) setHint(t("numberBetween", { min, max }));
  else if (has(min)) setHint(t("numberFrom", { min }));
  else if (has(max)) setHint(t("numberUpTo", { max }));
  else setHint(t("numberAny"));
  const value = currentValue();
  const input = el("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    class: "input number",
    "aria-labelledby": "hint",
    disabled: readOnly,
    value: value === null || value === undefined ? "" : String(value),
  });
  const form = el("form", { class: "answer-form" }, input, readOnly ? null : el("button", { type: "submit", class: "submit", text: t("send") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const raw = input.value.trim().replace(/\s/g, "").replace(",", ".");
    const number = Number(raw);
    if (!raw || !isFinite(number)) {
      problem = t("numberInvalid");
    } else if ((has(min) && number < min) || (has(max) && number > max)) {
      problem = t("numberRange", { min: has(min) ? min : "−∞", max: has(max) ? max : "∞" });
    } else {
      submit(number);
      return;
    }
    render();
  });
  body.append(form);
}

function textField(body, readOnly) {
  if (questionState === "closed") return; // the feedback line shows the answer
  const long = question.type === "text";
  const limit = question.max_length || (long ? 500 : 40);
  setHint(long ? t("textHint") : t("wordHint"));
  const value = currentValue();
  const input = el(long ? "textarea" : "input", {
    class: long ? "input textarea" : "input",
    type: long ? null : "text",
    rows: long ? "4" : null,
    maxlength: String(limit),
    autocomplete: "off",
    dir: "auto",
    "aria-labelledby": "hint",
    disabled: readOnly,
  });
  input.value = value === null || value === undefined ? "" : String(value);
  const counter = el("p", { class: "counter", "aria-live": "polite" });
  const count = () => {
    counter.textContent = t("charactersLeft", { n: limit - input.value.length });
  };
  input.addEventListener("input", count);
  count();
  const form = el("form", { class: "answer-form" }, input, readOnly ? null : counter, readOnly ? null : el("button", { type: "submit", class: "submit", text: t("send") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value) submit(value);
  });
  body.append(form);
}

/** Update the selection and the feedback line without rebuilding the form. */
function renderStatus() {
  const value = currentValue();
  for (const button of document.querySelectorAll(".choice:not(.is-check), .scale-point")) {
    button.setAttribute("aria-pressed", String(value !== null && value !== undefined && button.dataset.value === String(value)));
  }
  const submitButton = $(".answer-form .submit");
  if (submitButton && question.type === "multiple") submitButton.textContent = answer === null ? t("send") : t("change");
  const feedback = $("#feedback");
  if (!feedback) return;
  const parts = [];
  const isPending = pending && pending.question === question.id;
  if (problem) {
    feedback.dataset.kind = "error";
    parts.push(el("p", { class: "feedback-title", text: problem }));
  } else if (isPending) {
    feedback.dataset.kind = "pending";
    parts.push(el("p", { class: "feedback-title", text: socket && socket.connected ? t("sending") : t("notSent") }));
  } else if (questionState === "closed") {
    feedback.dataset.kind = "closed";
    parts.push(el("p", { class: "feedback-title", text: answer === null ? t("noAnswer") : t("yourAnswer", { answer: describe(answer) }) }));
  } else if (answer !== null && questionState === "open") {
    feedback.dataset.kind = "ok";
    parts.push(
      el("p", { class: "feedback-title", text: t("received") }),
      el("p", { class: "feedback-answer", dir: "auto", text: describe(answer) }),
      el("p", { class: "feedback-detail", text: t("canChange") }),
    );
  } else {
    feedback.dataset.kind = "";
  }
  fill(feedback, parts);
}

// -- language -------------------------------------------------------------------------

function chooseLanguage() {
  const languages = session.languages;
  const stored = store.get(LANG_KEY);
  if (languages.indexOf(stored) !== -1) lang = stored;
  else lang = bestLanguage(navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""], languages);
  document.title = text(session.title) || t("title");
  const title = $("#title");
  title.textContent = text(session.title);
  setLanguage(title, lang);
  const select = $("#lang");
  if (select.options.length !== languages.length) {
    fill(select, languages.map((code) => el("option", { value: code, text: languageName(code) })));
  }
  select.value = lang;
  $("#lang-field").hidden = languages.length < 2;
}

function wire() {
  $("#lang-label").textContent = t("language");
  $("#lang").addEventListener("change", (event) => {
    store.set(LANG_KEY, event.target.value);
    chooseLanguage();
    render();
  });
}

// -- connection -----------------------------------------------------------------------

function hello() {
  return { type: "hello", role: "participant", code, participant: store.get(TOKEN_KEY), lang: lang || navigator.language || null };
}

let offlineTimer = 0;

function onStatus(connected) {
  clearTimeout(offlineTimer);
  const offline = $("#offline");
  if (connected || fatal) {
    offline.hidden = true;
  } else {
    // A blip shorter than a second is not worth a banner.
    offlineTimer = setTimeout(() => {
      offline.textContent = t("reconnecting");
      offline.hidden = false;
    }, 1000);
  }
  if (session && question) renderStatus();
}

wire();
render();
socket = connect({ hello, handlers, onStatus });
