// Participant page: at / and /j/ a single field for the code on the screen; at /j/{code}
// pick a language, answer the current question, and never lose or double an answer
// across sleeps, reloads and reconnects.
import { $, el, fill, pathParts } from "./dom.js";
import {
  INTERFACE_LANGUAGES,
  LANG_KEY,
  browserLanguages,
  fillLanguageSelect,
  formatNumber,
  interfaceLanguage,
  language,
  t,
  useLanguage,
} from "./i18n.js";
import { countdownIn, heard } from "./countdown.js";
import { Outbox } from "./outbox.js";
import { isSlide, picture, slideBody } from "./slides.js";
import { connect } from "./socket.js";
import { Memory, endSummary, resultsBlock } from "./results.js";
import { matchLanguage, pick, setLanguage } from "./text.js";

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
const ACK_TIMEOUT = 8000;

const kept = new Memory(store, code); // what this phone answered and saw, for the end
// Self-paced: the whole questionnaire (kept on the phone, so a reload offline opens it), and
// the answers not acknowledged yet, kept on the phone until they are.
let paced = null;
const outbox = new Outbox(store, code);
const COURSE_KEY = "polling.course";

let session = null; // {id, title, languages, status}
let question = null;
let questionState = null;
let answer = null; // this phone's answer as the server has it
let answerRev = 0;
let results = null; // the current question's results, when the facilitator lets phones see them
let pending = readPending(); // an answer not acknowledged yet: {question, value, lang, rev}
let problem = null; // an error to show by the form: () => its text in the interface language
let fatal = null; // "enter", "ended", "notFound" or "full": the page shows only that
let typed = code; // the code in the entry field, kept across re-renders
let entryProblem = null; // why the typed code did not lead anywhere: "empty", "notFound" or "unreachable"
let choice = store.get(LANG_KEY); // the language picked on this phone, or null to follow the browser
let lang = null; // the bank language the question is shown in
let draft = null; // {question, value}: a choice or text not sent yet, kept across re-renders
let shownKey = "";
let ackTimer = 0;
let socket = null;
let tab = "question"; // "question" or "qna": which tab the phone shows while Q&A is open
let qna = null; // the Q&A panel, once the session's Q&A is open (qna.js)
let qnaWelcome = null; // the welcome's Q&A, for a panel made later
// Segment questions asked as the phone joins (agency, experience), before any question, and
// this phone's answers to them: an option id, or null once it chose not to say.
let joinQuestions = [];
const joinAnswers = JSON.parse(store.get(`polling.join.${code}`) || "{}");
let feedback = null; // this phone's own result on the current quiz question, once revealed
let player = null; // the nickname and score panel, once a quiz or leaderboard needs it (quizphone.js)
let quizFields = {}; // the quiz fields of the last question message, for a panel made later
let scenario = null; // the table-top exercise's panel, once the session runs one (scenario.js)

// The modules of features a session may not use load when a message shows that it does,
// not with the page: a slow phone fetches only what the first question needs.
const modules = {}; // name -> the loaded module
const loading = {}; // name -> the promise of it
// Each feature: its module, and what the page makes of it once loaded.
const FEATURES = {
  qna: {
    module: () => import("./qna.js"),
    start(module) {
      qna = new module.QnaPanel(send);
      qna.welcome(qnaWelcome);
    },
  },
  quiz: {
    module: () => import("./quizphone.js"),
    start(module) {
      player = new module.PlayerPanel(send);
      player.heard(quizFields);
    },
  },
  paced: { module: () => import("./paced.js") },
  ranking: { module: () => import("./ranking.js") },
  scenario: {
    module: () => import("./scenario.js"),
    start(module) {
      scenario = new module.ScenarioPanel({ send, changed: render, language: () => [lang, session.languages[0]] });
    },
  },
};

/** Send a message if connected; whether it went out. */
function send(message) {
  return !!socket && socket.send(message);
}

function load(name) {
  if (!loading[name]) {
    const feature = FEATURES[name];
    loading[name] = feature.module().then((module) => {
      modules[name] = module;
      if (feature.start) feature.start(module);
    });
    // Without network the import may work next time.
    loading[name].catch(() => delete loading[name]);
  }
  return loading[name];
}

/** The feature modules a message needs before it is handled. */
function featuresFor(message) {
  const names = [];
  if (["qna", "asked", "voted"].indexOf(message.type) !== -1 || (message.qna && message.qna.open)) names.push("qna");
  if (message.leaderboard_on || message.feedback || message.type === "score" || message.type === "player") names.push("quiz");
  if (message.session && message.session.self_paced) names.push("paced");
  const questions = (message.questions || []).concat(message.question ? [message.question] : []);
  if (questions.some((q) => q && q.type === "ranking")) names.push("ranking");
  // A table-top exercise: the push itself, or the welcome's copy, once it runs.
  const exercise = message.type === "scenario" ? message : message.scenario;
  if (exercise && exercise.status === "running") names.push("scenario");
  return names;
}

const handlers = {
  welcome(message) {
    if (message.participant) store.set(TOKEN_KEY, message.participant);
    session = message.session;
    qnaWelcome = message.qna;
    if (qna) qna.welcome(message.qna);
    applyLanguage();
    if (session.status === "ended") return finish("ended");
    if (session.self_paced) return onQuestionnaire(message);
    paced = null;
    joinQuestions = message.join_questions || [];
    for (const [id, given] of Object.entries(message.join_answers || {})) joinAnswers[id] = given.value;
    if (scenario) {
      scenario.onScenario(message.scenario);
      scenario.resend(); // a vote not acknowledged before a reconnect
    }
    onQuestion(message);
  },
  question(message) {
    if (!paced) onQuestion(message);
  },
  scenario(message) {
    if (scenario) scenario.onScenario(message);
  },
  scenario_member(message) {
    if (scenario) scenario.onMember(message);
  },
  scenario_voted(message) {
    if (scenario) scenario.onVoted(message);
  },
  qna(message) {
    if (!qna) return;
    const was = qna.open;
    qna.onQna(message);
    if (qna.open !== was) render();
  },
  asked(message) {
    if (qna) qna.onAsked(message);
  },
  voted(message) {
    if (qna) qna.onVoted(message);
  },
  submitted() {
    if (!paced) return;
    paced.finished = true;
    paced.save();
    outbox.wantSubmit(false);
    render();
  },
  ack(message) {
    if (paced) return onPacedAck(message);
    if (joinQuestions.some((asked) => asked.id === message.question)) return keepJoinAnswer(message.question, message.value);
    const confirmed = pending && message.question === pending.question && message.rev >= pending.rev;
    if (confirmed) clearPending();
    kept.answer(message.question);
    if (question && message.question === question.id && message.rev >= answerRev) {
      answer = message.value;
      answerRev = message.rev;
      problem = null;
    }
    render();
    // Make sure the confirmation is seen, even below a long list of options.
    const feedback = $("#feedback");
    if (confirmed && feedback && feedback.scrollIntoView) feedback.scrollIntoView({ block: "nearest" });
  },
  ended() {
    finish("ended");
  },
  error(message) {
    if ((qna && qna.takeError(message)) || (scenario && scenario.takeError(message))) return;
    if (player && modules.quiz.NICKNAME_ERRORS.indexOf(message.code) !== -1) {
      player.refused(message.code);
      return;
    }
    switch (message.code) {
      case "not_found":
        if (!session) finish("notFound");
        else failAnswer(message);
        break;
      case "ended":
        finish("ended");
        break;
      case "full":
        finish("full");
        break;
      case "unavailable":
        if (paced) {
          problem = () => t("join.errorUnavailable");
          clearTimeout(ackTimer);
          ackTimer = setTimeout(flush, 1500);
          break;
        }
        // Not stored: keep it and send it again shortly.
        problem = () => t("join.errorUnavailable");
        resendSoon();
        break;
      case "rate_limited":
        if (paced) {
          clearTimeout(ackTimer);
          ackTimer = setTimeout(flush, 1500);
          break;
        }
        // Dropped unread: if it was the answer, send it again in a moment.
        resendSoon();
        break;
      case "invalid_answer":
      case "not_open":
      case "time_up":
        failAnswer(message);
        break;
      default:
        break;
    }
  },
  score(message) {
    if (!player) return;
    player.score = message;
    player.render();
  },
  player(message) {
    if (player) player.kept(message);
  },
  pong() {},
};

function onQuestion(message) {
  heard(message);
  quizFields = { leaderboard_on: message.leaderboard_on, teams: message.teams };
  if (player) player.heard(message);
  feedback = message.feedback || null;
  question = message.question;
  questionState = message.state;
  answer = message.answer === undefined ? null : message.answer;
  answerRev = message.rev || 0;
  results = message.results || null;
  if (question) bumpRev(question.id, answerRev);
  if (question && answer !== null) kept.answer(question.id);
  if (question && results) kept.saw(question, results);
  if (!question || (draft && draft.question !== question.id)) draft = null;
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
  if (!question || questionState !== "open") problem = null;
  render();
}

function resendSoon() {
  if (!pending) return;
  clearTimeout(ackTimer);
  ackTimer = setTimeout(sendPending, 1500);
  render();
}

function failAnswer(message) {
  if (paced && message.question) outbox.drop(message.question);
  if (pending && (!message.question || message.question === pending.question)) clearPending();
  const code = message.code;
  problem = () => {
    if (code === "not_open") return t("join.errorNotOpen");
    if (code === "time_up") return t("join.errorTimeUp");
    if (code === "not_found") return t("join.errorNotFound");
    return t("join.errorInvalid");
  };
  render();
}

/** The title and detail of a page that is over: [title, detail]. */
function fatalText() {
  switch (fatal) {
    case "notFound":
      return [t("join.notFound"), t("join.notFoundDetail")];
    case "full":
      return [t("join.full"), t("join.fullDetail")];
    default:
      return [t("common.thankYou"), t("join.endedDetail")];
  }
}

function finish(kind) {
  fatal = kind;
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

/** Record a new answer, keep it until acknowledged, and send it in the language it was read in. */
function submit(value) {
  if (paced) return keepAnswer(value);
  const rev = (parseInt(store.get(revKey(question.id)), 10) || 0) + 1;
  store.set(revKey(question.id), String(rev));
  pending = { question: question.id, value, lang: shownLanguage(), rev };
  store.set(PENDING_KEY, JSON.stringify(pending));
  problem = null;
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
  const waiting = paced && question ? outbox.get(question.id) : null;
  if (waiting) return waiting.value;
  return pending && question && pending.question === question.id ? pending.value : answer;
}

/** What the form starts from: while voting is open, the unsent draft if any; else the answer. */
function startValue() {
  const drafted = draft && question && draft.question === question.id && questionState === "open";
  return drafted ? draft.value : currentValue();
}

function keepDraft(value) {
  draft = { question: question.id, value };
}

/** "A, B and C" in the language the options are shown in ("A وB وC" in Arabic). */
function listOf(items) {
  try {
    return new Intl.ListFormat(lang, { type: "conjunction" }).format(items);
  } catch (error) {
    return items.join(", ");
  }
}

function describe(value) {
  if (value === null || value === undefined) return "";
  const label = (id) => {
    const option = (question.options || []).find((o) => o.id === id);
    return option ? text(option.label) : id;
  };
  if (question.type === "single") return label(value);
  if (question.type === "multiple") return listOf(value.map(label));
  if (question.type === "ranking" && modules.ranking) return modules.ranking.describeOrder(value, label, listOf);
  if (question.type === "scale" || question.type === "number") return formatNumber(value, { maximumFractionDigits: 10 });
  return String(value);
}

// -- rendering ------------------------------------------------------------------------

/** The bank language the current question is shown in: the participant's, unless the bank
 * lacks a translation of this question (then the bank's default language). */
function shownLanguage() {
  const fallback = session ? session.languages[0] : lang;
  return question && (question.missing || []).indexOf(lang) !== -1 ? fallback : lang;
}

function text(value) {
  return pick(value, shownLanguage(), session ? session.languages[0] : lang);
}

function render() {
  const main = $("#main");
  let key;
  if (fatal) key = `fatal|${fatal}|${entryProblem}`;
  else if (!session) key = "connecting";
  else if (paced) key = pacedKey();
  else if (nextJoinQuestion()) key = `join|${nextJoinQuestion().id}|${lang}`;
  else if (scenario && scenario.active) key = `scenario|${scenario.key()}`;
  else if (!question) key = "waiting";
  else key = `question|${question.id}|${questionState}|${lang}|${results ? "results" : ""}|${JSON.stringify(feedback)}`;
  const tabs = session && !fatal && qna && qna.open;
  if (!tabs) tab = "question";
  key += `|${language()}|${tabs ? tab : ""}`;
  if (key !== shownKey) {
    shownKey = key;
    if (fatal === "enter" || fatal === "notFound") fill(main, entryCard());
    else if (fatal === "ended" && session) fill(main, messageCard(...fatalText(), "is-final"), endCard());
    else if (fatal) fill(main, messageCard(...fatalText(), "is-final"));
    else if (!session) fill(main, messageCard(t("common.connecting"), ""));
    else if (nextJoinQuestion()) fill(main, joinCard(nextJoinQuestion()));
    else if (tab === "qna") fill(main, tabBar(), qna.element());
    else if (paced) fill(main, tabs ? tabBar() : null, pacedCards());
    else if (scenario && scenario.active) fill(main, tabs ? tabBar() : null, scenario.element());
    else if (!question) fill(main, tabs ? tabBar() : null, messageCard(t("join.waiting"), t("join.waitingDetail"), "is-waiting"));
    else fill(main, tabs ? tabBar() : null, questionCard());
  }
  if (session && question && !fatal && tab === "question") renderStatus();
  if (session && !fatal && player) player.render();
}

/** The two tabs of a session with Q&A open: the current question, and the room's questions. */
function tabBar() {
  const button = (name, label) =>
    el("button", {
      type: "button",
      class: "tab",
      id: `tab-${name}`,
      "aria-pressed": String(tab === name),
      text: label,
      onclick: () => {
        tab = name;
        render();
      },
    });
  return el("nav", { class: "tabs", "aria-label": t("qna.tabs") }, button("question", t("qna.questionTab")), button("qna", t("qna.tab")));
}

/** The first segment question asked at join that this phone has not answered nor declined. */
function nextJoinQuestion() {
  return joinQuestions.find((asked) => !(asked.id in joinAnswers)) || null;
}

function keepJoinAnswer(questionId, value) {
  joinAnswers[questionId] = value;
  store.set(`polling.join.${code}`, JSON.stringify(joinAnswers));
  render();
}

/** One segment question before the first question: a tap answers it (stored and acknowledged
 * like any answer), "Prefer not to say" leaves this phone in no group. */
function joinCard(asked) {
  const list = el("div", { class: "choices", role: "group", "aria-labelledby": "prompt", "aria-describedby": "hint" });
  for (const option of asked.options) {
    list.append(inLanguage(el("button", {
      type: "button",
      class: "choice",
      "data-value": option.id,
      text: text(option.label),
      onclick: () => {
        const rev = (parseInt(store.get(revKey(asked.id)), 10) || 0) + 1;
        store.set(revKey(asked.id), String(rev));
        // Not sent (offline): the card stays, and a tap once connected answers it.
        if (socket && socket.send({ type: "answer", question: asked.id, value: option.id, lang: shownLanguage(), rev })) {
          keepJoinAnswer(asked.id, option.id);
        } else $("#hint").textContent = t("join.aboutYouOffline");
      },
    })));
  }
  return el(
    "section",
    { class: "card question is-join" },
    el("p", { class: "state", "data-state": "join", text: t("join.aboutYou") }),
    inLanguage(el("h2", { class: "prompt", id: "prompt", text: text(asked.prompt) })),
    el("p", { class: "hint", id: "hint", text: t("join.aboutYouHint") }),
    list,
    el("button", { type: "button", class: "button", text: t("join.preferNotToSay"), onclick: () => keepJoinAnswer(asked.id, null) }),
  );
}

function messageCard(title, detail, className = "") {
  return el(
    "section",
    { class: `card message ${className}` },
    el("p", { class: "message-title", text: title }),
    detail ? el("p", { class: "message-detail", text: detail }) : null,
    className === "is-waiting" ? el("p", { class: "message-detail small", text: t("join.anonymous") }) : null,
  );
}

// -- entering a code -----------------------------------------------------------------

/** The code field: what a participant who typed the address sees, and where a wrong code leads. */
function entryCard() {
  const problem = entryProblem || (fatal === "notFound" ? "notFound" : null);
  const input = el("input", {
    id: "code",
    name: "code",
    type: "text",
    class: "input code-input",
    dir: "ltr",
    autocomplete: "off",
    autocapitalize: "characters",
    autocorrect: "off",
    spellcheck: "false",
    enterkeyhint: "go",
    maxlength: "16",
    "aria-describedby": "code-help",
    "aria-invalid": problem ? "true" : null,
  });
  input.value = typed;
  input.addEventListener("input", () => {
    typed = input.value;
  });
  const problemText = {
    empty: [t("join.codeEmpty")],
    notFound: [t("join.notFound"), t("join.notFoundDetail")],
    unreachable: [t("join.unreachable")],
  }[problem];
  const form = el(
    "form",
    { class: "entry-form", novalidate: true },
    el("label", { class: "entry-label", for: "code", text: t("join.codeLabel") }),
    input,
    el("p", { class: "hint", id: "code-help", text: t("join.codeHelp") }),
    el("button", { type: "submit", class: "submit", text: t("join.enter") }),
    el(
      "div",
      { class: "feedback", id: "entry-problem", role: "alert", "data-kind": "error" },
      problemText ? problemText.map((line, index) => el("p", { class: index ? "feedback-detail" : "feedback-title", text: line })) : null,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    enterCode(form);
  });
  return [
    el("section", { class: "card entry" }, el("h2", { class: "entry-title", text: t("join.enterTitle") }), form, el("p", { class: "message-detail small", text: t("join.anonymous") })),
    el("p", { class: "entry-host" }, el("a", { href: "/host", text: t("join.facilitator") })),
  ];
}

/** Check the typed code with the server, then go to its session; else say why not. */
async function enterCode(form) {
  const wanted = typed.replace(/\s+/g, "").toUpperCase();
  let outcome = "empty";
  if (wanted) {
    form.querySelector("button").disabled = true;
    try {
      const response = await fetch(`/api/join/${encodeURIComponent(wanted)}`, { cache: "no-store" });
      if (response.ok) {
        location.assign(`/j/${encodeURIComponent(wanted)}`);
        return;
      }
      outcome = response.status === 404 ? "notFound" : "unreachable";
    } catch (error) {
      outcome = "unreachable";
    }
  }
  entryProblem = outcome;
  shownKey = "";
  render();
  const input = $("#code");
  if (input) input.focus();
}

/** Below the thank-you: how many questions this phone answered, and the results it saw. */
function endCard() {
  return el("section", { class: "card summary" }, endSummary(kept, lang, session.languages[0]));
}

function stateLabel() {
  if (questionState === "open") return t("state.open");
  if (questionState === "closed") return t("state.closed");
  return t("join.opensSoon");
}

/** A slide: its title, body and picture, with nothing to answer. */
function slideCard() {
  return el(
    "section",
    { class: "card question slide" },
    el("p", { class: "state", "data-state": "slide", text: t("type.slide") }),
    inLanguage(el("h2", { class: "prompt", id: "prompt", text: text(question.prompt) })),
    slideBody(question, shownLanguage(), session.languages[0]),
    picture(question.image, "phone", shownLanguage(), session.languages[0]),
  );
}

/** An option's picture, on the phone's copy, below its label. */
function optionPicture(button, option) {
  const image = picture(option.image, "phone", shownLanguage(), session.languages[0], "option-image");
  if (image) button.append(image);
  return button;
}

function questionCard() {
  if (isSlide(question)) return slideCard();
  const readOnly = questionState !== "open";
  const body = el("div", { class: "answer-area" });
  hint = el("p", { class: "hint", id: "hint" });
  const card = el(
    "section",
    { class: `card question is-${questionState}` },
    paced ? null : el("p", { class: "state", "data-state": questionState, text: stateLabel() }),
    questionState === "open" ? countdownIn(el("p", { class: "countdown", role: "timer", id: "countdown" })) : null,
    inLanguage(el("h2", { class: "prompt", id: "prompt", text: text(question.prompt) })),
    picture(question.image, "phone", shownLanguage(), session.languages[0]),
    hint,
    body,
    el("div", { class: "feedback", id: "feedback", role: "status", "aria-live": "polite" }),
  );
  const builders = {
    single: choiceButtons,
    multiple: checkboxes,
    scale: scaleButtons,
    number: numberField,
    wordcloud: textField,
    text: textField,
    ranking: rankingField,
  };
  const build = builders[question.type];
  if (build) build(body, readOnly);
  if (questionState === "closed") hint.textContent = "";
  if (results && questionState === "closed") card.append(resultsBlock(question, results, shownLanguage(), session.languages[0]));
  if (feedback && modules.quiz) card.append(modules.quiz.feedbackBlock(feedback, { describe, shown: text, mark: inLanguage }));
  return card;
}

/** Mark a node as holding the bank's text in the language shown (and its direction). */
function inLanguage(node) {
  setLanguage(node, shownLanguage());
  return node;
}

let hint = null; // the hint line of the question card being built

function setHint(message) {
  hint.textContent = message;
}

// The options of a question form a group named by the question and described by its hint,
// so that a screen reader entering the options says what they answer.
const GROUP_PROPS = { class: "choices", role: "group", "aria-labelledby": "prompt", "aria-describedby": "hint" };

/** A scale point as a screen reader says it: "3 of 5", with the end's label at either end. */
function scalePointName(point) {
  const values = { value: point, max: question.max };
  const label = point === question.min ? question.min_label : point === question.max ? question.max_label : null;
  return label ? t("join.scalePointLabel", { ...values, label: text(label) }) : t("join.scalePoint", values);
}

function choiceButtons(body, readOnly) {
  setHint(t("join.chooseOne"));
  const list = el("div", GROUP_PROPS);
  for (const option of question.options) {
    list.append(
      inLanguage(optionPicture(el("button", {
        type: "button",
        class: "choice",
        "data-value": option.id,
        "aria-pressed": "false",
        disabled: readOnly,
        text: text(option.label),
        onclick: () => submit(option.id),
      }), option)),
    );
  }
  body.append(list);
}

function checkboxes(body, readOnly) {
  const most = question.max_choices;
  setHint(most && most < question.options.length ? t("join.chooseUpTo", { count: most }) : t("join.chooseAny"));
  const start = startValue();
  const chosen = new Set(Array.isArray(start) ? start : []);
  const list = el("div", GROUP_PROPS);
  const send = el("button", { type: "submit", class: "submit", text: answer === null ? t("join.send") : t("join.change") });
  const sync = () => {
    for (const box of list.children) {
      const on = chosen.has(box.dataset.value);
      box.setAttribute("aria-checked", String(on));
      box.disabled = readOnly || (!on && most && chosen.size >= most);
    }
    send.disabled = readOnly || chosen.size === 0;
  };
  const ordered = () => question.options.map((o) => o.id).filter((id) => chosen.has(id));
  for (const option of question.options) {
    list.append(
      inLanguage(optionPicture(el("button", {
        type: "button",
        class: "choice is-check",
        role: "checkbox",
        "data-value": option.id,
        text: text(option.label),
        onclick: () => {
          if (chosen.has(option.id)) chosen.delete(option.id);
          else chosen.add(option.id);
          keepDraft(ordered());
          sync();
        },
      }), option)),
    );
  }
  const form = el("form", { class: "answer-form" }, list, readOnly ? null : send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // Keep the bank's order of options.
    if (chosen.size) submit(ordered());
  });
  body.append(form);
  sync();
}

function rankingField(body, readOnly) {
  if (!modules.ranking) {
    // Its module could not be fetched with the message: try again, then show the question.
    load("ranking").then(() => {
      shownKey = "";
      render();
    }, () => {});
    return;
  }
  setHint(t("join.rankHint"));
  modules.ranking.rankingForm(body, {
    question,
    text,
    inLanguage,
    readOnly,
    start: startValue(),
    sendLabel: answer === null ? t("join.send") : t("join.change"),
    onChange: keepDraft,
    onSubmit: submit,
  });
}

function scaleButtons(body, readOnly) {
  setHint(t("join.chooseScale", { min: question.min, max: question.max }));
  const row = el("div", { ...GROUP_PROPS, class: "scale" });
  for (let point = question.min; point <= question.max; point += 1) {
    row.append(
      el("button", {
        type: "button",
        class: "scale-point",
        "data-value": String(point),
        "aria-pressed": "false",
        "aria-label": scalePointName(point),
        disabled: readOnly,
        text: formatNumber(point),
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

// Digits as an Arabic or Persian keyboard types them, and the Arabic decimal separator.
const DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;

/** The number typed in a field, or NaN: accepts "1 234,5", "1234.5" and "١٢٣٤٫٥". */
function parseNumber(raw) {
  const plain = String(raw)
    .replace(DIGITS, (digit) => String(digit.charCodeAt(0) & 0xf))
    .replace(/\u066b/g, ".")
    .replace(/[\s\u066c\u00a0\u202f]/g, "")
    .replace(",", ".")
    .replace(/^\u2212/, "-");
  return plain ? Number(plain) : NaN;
}

function numberField(body, readOnly) {
  if (questionState === "closed") return; // the feedback line shows the answer
  const { min, max } = question;
  const has = (x) => x !== undefined && x !== null;
  if (has(min) && has(max)) setHint(t("join.numberBetween", { min, max }));
  else if (has(min)) setHint(t("join.numberFrom", { min }));
  else if (has(max)) setHint(t("join.numberUpTo", { max }));
  else setHint(t("join.numberAny"));
  const value = startValue();
  const input = el("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    class: "input number",
    dir: "ltr",
    "aria-labelledby": "hint",
    disabled: readOnly,
  });
  input.value = value === null || value === undefined ? "" : String(value);
  input.addEventListener("input", () => keepDraft(input.value));
  const form = el("form", { class: "answer-form" }, input, readOnly ? null : el("button", { type: "submit", class: "submit", text: t("join.send") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const number = parseNumber(input.value);
    if (!isFinite(number)) {
      problem = () => t("join.numberInvalid");
    } else if ((has(min) && number < min) || (has(max) && number > max)) {
      problem = () => {
        if (has(min) && has(max)) return t("join.numberRange", { min, max });
        return has(min) ? t("join.numberTooSmall", { min }) : t("join.numberTooLarge", { max });
      };
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
  setHint(long ? t("join.textHint") : t("join.wordHint"));
  const value = startValue();
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
    counter.textContent = t("join.charactersLeft", { count: limit - input.value.length });
  };
  input.addEventListener("input", () => {
    keepDraft(input.value);
    count();
  });
  count();
  // Free text reaches the screen only once the facilitator approves it: say so before it is sent.
  const reviewed = long ? el("p", { class: "note", text: t("join.textReviewed") }) : null;
  const form = el("form", { class: "answer-form" }, input, readOnly ? null : counter, reviewed, readOnly ? null : el("button", { type: "submit", class: "submit", text: t("join.send") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value) submit(value);
  });
  body.append(form);
}

/** Update the selection and the feedback line without rebuilding the form. */
function renderStatus() {
  if (scenario && scenario.active) return; // the exercise's card keeps its own state
  const value = currentValue();
  for (const button of document.querySelectorAll(".choice:not(.is-check), .scale-point")) {
    button.setAttribute("aria-pressed", String(value !== null && value !== undefined && button.dataset.value === String(value)));
  }
  const submitButton = $(".answer-form .submit");
  if (submitButton && (question.type === "multiple" || question.type === "ranking")) submitButton.textContent = answer === null ? t("join.send") : t("join.change");
  const feedback = $("#feedback");
  if (!feedback) return;
  const parts = [];
  const isPending = paced ? !!outbox.get(question.id) : pending && pending.question === question.id;
  if (problem) {
    feedback.dataset.kind = "error";
    parts.push(el("p", { class: "feedback-title", text: problem() }));
  } else if (isPending) {
    feedback.dataset.kind = "pending";
    const offlineText = paced ? t("paced.savedOnPhone") : t("join.notSent");
    parts.push(el("p", { class: "feedback-title", text: socket && socket.connected ? t("join.sending") : offlineText }));
  } else if (questionState === "closed") {
    feedback.dataset.kind = "closed";
    const said = answer === null ? t("join.noAnswer") : t("join.yourAnswer", { answer: describe(answer) });
    parts.push(el("p", { class: "feedback-title", text: said }));
  } else if (answer !== null && questionState === "open") {
    feedback.dataset.kind = "ok";
    parts.push(
      el("p", { class: "feedback-title", text: t("join.received") }),
      el("p", { class: "feedback-answer", dir: "auto", text: describe(answer) }),
      el("p", { class: "feedback-detail", text: t("join.canChange") }),
    );
  } else {
    feedback.dataset.kind = "";
  }
  fill(feedback, parts);
}

// -- language -------------------------------------------------------------------------

/** The bank's languages that no interface language covers (say Tajik): offered as well, for the questions. */
function questionOnlyLanguages() {
  return session ? session.languages.filter((code) => !matchLanguage([code], INTERFACE_LANGUAGES)) : [];
}

/** The participant's language: the one picked on this phone, else the browser's first that
 * the page can show, as interface or as question language. */
function wantedLanguage() {
  const extra = questionOnlyLanguages();
  const offered = INTERFACE_LANGUAGES.concat(extra);
  if (choice) {
    const picked = matchLanguage([choice], offered);
    if (picked) return picked;
  }
  for (const want of browserLanguages()) {
    const found = matchLanguage([want], INTERFACE_LANGUAGES) || matchLanguage([want], extra);
    if (found) return found;
  }
  return "en";
}

let switching = 0;

/** Put the interface in the participant's language (loading its catalogue if needed) and the
 * questions in that language where the bank has it, else in the bank's default language. */
async function applyLanguage() {
  const wanted = wantedLanguage();
  const turn = ++switching;
  lang = session ? matchLanguage([wanted], session.languages) || session.languages[0] : null;
  // A question-only language (Tajik) keeps the browser's interface language.
  const target = interfaceLanguage([wanted].concat(browserLanguages()));
  if (target !== language()) await useLanguage(target);
  if (turn !== switching) return; // a later choice won
  const offered = INTERFACE_LANGUAGES.concat(questionOnlyLanguages());
  fillLanguageSelect($("#lang"), offered, offered.indexOf(wanted) === -1 ? language() : wanted);
  const title = $("#title");
  if (session) {
    const name = pick(session.title, lang, session.languages[0]);
    title.textContent = name;
    setLanguage(title, lang);
    document.title = name || t("common.appName");
  } else {
    title.textContent = t("common.appName");
    document.title = t("common.appName");
  }
  const offline = $("#offline");
  if (!offline.hidden) offline.textContent = t("common.reconnecting");
  render();
}

function wire() {
  $("#lang").addEventListener("change", (event) => {
    choice = event.target.value;
    store.set(LANG_KEY, choice);
    applyLanguage();
  });
}

// -- self-paced ----------------------------------------------------------------------

function onQuestionnaire(message) {
  paced = modules.paced.Questionnaire.fromWelcome(store, code, message, paced);
  for (const [id, known] of Object.entries(paced.answers)) {
    bumpRev(id, known.rev);
    outbox.acked(id, known.rev); // stored before the connection dropped: its ack was lost
  }
  if (paced.finished) {
    for (const entry of outbox.entries()) outbox.drop(entry.question);
    outbox.wantSubmit(false);
  }
  shownKey = "";
  render();
  flush();
}

/** Send every answer kept on the phone, then the submission once they are all stored. */
function flush() {
  if (!paced || !socket) return;
  for (const entry of outbox.entries()) sendKept(entry);
  if (!outbox.size && outbox.submit) socket.send({ type: "submit" });
}

function sendKept(entry) {
  const sent = socket && socket.send({ type: "answer", question: entry.question, value: entry.value, lang: entry.lang, rev: entry.rev });
  clearTimeout(ackTimer);
  // No ack in time: the connection is probably dead; reconnecting sends what is kept again.
  if (sent) ackTimer = setTimeout(() => outbox.size && socket.restart(), ACK_TIMEOUT);
}

/** Keep a new answer on the phone, then send it if the network allows. */
function keepAnswer(value) {
  const rev = (parseInt(store.get(revKey(question.id)), 10) || 0) + 1;
  store.set(revKey(question.id), String(rev));
  const entry = { question: question.id, value, lang: shownLanguage(), rev };
  outbox.put(entry);
  problem = null;
  sendKept(entry);
  render();
}

function onPacedAck(message) {
  outbox.acked(message.question, message.rev);
  paced.stored(message.question, message.value, message.rev);
  kept.answer(message.question);
  if (question && message.question === question.id) {
    answer = message.value;
    answerRev = message.rev;
    problem = null;
  }
  if (!outbox.size) clearTimeout(ackTimer);
  if (!outbox.size && outbox.submit) socket.send({ type: "submit" });
  if (paced.reviewing) shownKey = "";
  render();
}

function pacedKey() {
  const waiting = paced.reviewing ? `${outbox.size}|${outbox.submit}|${socket && socket.connected}` : "";
  const answered = askedQuestions().filter((q) => givenValue(q.id) !== null).length; // the progress bar
  return `paced|${paced.index}|${paced.reviewing}|${paced.finished}|${answered}|${waiting}|${lang}`;
}

/** The value this phone gave a question: kept on it, else as the server has it. */
function givenValue(questionId) {
  const waiting = outbox.get(questionId);
  if (waiting) return waiting.value;
  const known = paced.answers[questionId];
  return known ? known.value : null;
}

/** The questionnaire's questions that take an answer: not its slides. */
function askedQuestions() {
  return paced.questions.filter((q) => !isSlide(q));
}

function pacedCards() {
  if (paced.finished) return messageCard(t("paced.submitted"), t("paced.submittedDetail"), "is-final");
  const steps = paced.questions.length;
  const total = askedQuestions().length;
  const answered = askedQuestions().filter((q) => givenValue(q.id) !== null).length;
  if (paced.reviewing) {
    const rows = paced.questions.map((q) => {
      question = q; // the texts of each question as it is shown
      const value = givenValue(q.id);
      return { prompt: text(q.prompt), lang: shownLanguage(), answer: value === null ? "" : describe(value), kept: !!outbox.get(q.id), slide: isSlide(q) };
    });
    question = null;
    const actions = {
      waiting: outbox.size,
      connected: !!(socket && socket.connected),
      submitQueued: outbox.submit,
      edit: (index) => {
        paced.go(index);
        render();
      },
      submit: () => {
        outbox.wantSubmit(true);
        shownKey = "";
        flush();
        render();
      },
    };
    const { progress, reviewCard } = modules.paced;
    return [progress(answered, total, steps - 1, steps), reviewCard(rows, actions)];
  }
  question = paced.question;
  questionState = "open";
  results = null;
  const known = paced.answers[question.id];
  answer = known ? known.value : null;
  answerRev = known ? known.rev : 0;
  if (draft && draft.question !== question.id) draft = null;
  const move = (index) => {
    problem = null;
    paced.go(index);
    render();
    window.scrollTo(0, 0);
  };
  const moves = {
    back: () => move(paced.index - 1),
    next: () => move(paced.index + 1),
    review: () => {
      paced.review();
      render();
    },
  };
  const { navigation, progress } = modules.paced;
  return [progress(answered, total, paced.index, steps), questionCard(), navigation(paced.index, steps, moves)];
}

/** The phone's random course token, made once and kept: its answers in a course's pre and
 * post sessions pair up by it (the server keeps only a keyed hash of it). */
function courseToken() {
  let token = store.get(COURSE_KEY);
  if (!token) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    store.set(COURSE_KEY, token);
  }
  return token;
}

// -- connection -----------------------------------------------------------------------

function hello() {
  return { type: "hello", role: "participant", code, participant: store.get(TOKEN_KEY), lang: lang || wantedLanguage(), course_token: courseToken() };
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
      offline.textContent = t("common.reconnecting");
      offline.hidden = false;
    }, 1000);
  }
  // Self-paced: the review says what still waits on the phone, so its key holds the connection
  // state; a question card is left alone (a reconnect attempt never takes the focus away).
  if (paced && !fatal) render();
  else if (session && question) renderStatus();
}

/** A self-paced questionnaire kept on this phone opens again, even without network. */
async function restorePaced() {
  if (!code || !store.get(`polling.paced.${code}`)) return;
  await load("paced");
  paced = modules.paced.Questionnaire.restore(store, code);
  if (!paced) return;
  if (paced.questions.some((q) => q.type === "ranking")) await load("ranking").catch(() => {});
  session = paced.session;
}

function main() {
  // A facilitator link from before the facilitator's page moved to /host.
  if (!code && /(?:^#|&)token=/.test(location.hash)) {
    location.replace(`/host${location.hash}`);
    return;
  }
  wire();
  if (!code) fatal = "enter";
  // Kept by a service worker, the page opens again without network (docs/protocol.md).
  if (code && "serviceWorker" in navigator) {
    // After the page has loaded: the worker's caching must not compete with the first question
    // for a slow connection.
    const register = () => navigator.serviceWorker.register("/sw.js", { scope: "/j/" }).catch(() => {});
    if (document.readyState === "complete") register();
    else addEventListener("load", register, { once: true });
  }
  // The catalogue and the connection load side by side; messages wait for the catalogue, for a
  // self-paced questionnaire kept on the phone, and each for the feature modules it needs, in
  // the order they came.
  let queue = Promise.all([applyLanguage(), restorePaced()]).then(() => paced && applyLanguage());
  if (!code) return;
  const after = {};
  for (const [type, handler] of Object.entries(handlers)) {
    after[type] = (message) => {
      const needed = Promise.all(featuresFor(message).map(load)).catch(() => {});
      queue = queue.catch(() => {}).then(() => needed).then(() => handler(message));
    };
  }
  socket = connect({ hello, handlers: after, onStatus });
}

main();
