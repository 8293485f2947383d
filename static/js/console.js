// Console for the facilitator's phone (/console/{id}): drive the session, moderate, export.
import { api, download, errorText, exportLinks } from "./api.js";
import { askToken, ensureToken, forgetToken, token } from "./auth.js";
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
import { chosenLanguages, displayLanguages, fillDisplayControls } from "./languages.js";
import { breakdownParts } from "./charts.js";
import { renderQnaPanel, statusLabel as moderationLabel, wireQnaPanel } from "./qnamod.js";
import { isSlide } from "./slides.js";
import { renderLeaderboard, wireLeaderboard } from "./quizconsole.js";
import { heard } from "./countdown.js";
import { renderScenarioPanel } from "./scenarioconsole.js";
import { connect } from "./socket.js";
import { isRtl, matchLanguage, pick } from "./text.js";
import {
  applyState,
  applyTally,
  applyTexts,
  currentQuestion,
  emptyView,
  followingQuestion,
  nextStep,
  stateLabel,
  textsKnown,
  showPacedResults,
} from "./view.js";

const [, sessionId] = pathParts();

const view = emptyView();
let socket = null;
let missing = false; // no such session: the banner says so, in any language
let armed = null; // a question tapped once while another one is open
let armedTimer = 0;
let qna = null; // QNA of docs/protocol.md, every question
let pacedAt = 0; // self-paced: the question whose results are shown (stepped through here alone)
let localSegment = null; // the segment this console breaks the current question down by

const handlers = {
  welcome: onState,
  state: onState,
  tally(message) {
    if (!view.session) return;
    const changed = applyTally(view, message); // always, in a self-paced session
    if (view.session.self_paced) showPacedResults(view, pacedAt);
    if (changed) renderNow();
    renderParticipants();
  },
  texts(message) {
    if (applyTexts(view, message)) renderModeration();
  },
  qna(message) {
    qna = message;
    renderQnaPanel(qna, send);
  },
  players(message) {
    view.nicknames = message.nicknames;
    view.teams = message.teams;
    renderLeaderboard(view, send);
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
    renderScenarioPanel(view, text, send);
  },
  error(message) {
    switch (message.code) {
      case "unauthorized":
        reauthorize();
        break;
      case "not_found":
        if (!view.session) {
          missing = true;
          showBanner(t("console.noSession"));
        } else {
          toast(t("errors.notFound"));
        }
        break;
      default:
        toast(errorText(message));
    }
  },
  pong() {},
};

function onState(message) {
  if (message.qna) qna = message.qna;
  applyState(view, message);
  if (view.session.self_paced) showPacedResults(view, pacedAt);
  render();
}

/** Bank texts on the console: in the facilitator's language where the bank has it, else in
 * the first language of the presenter screen. */
function textLanguage() {
  return matchLanguage([language()], view.session.languages) || displayLanguages(view)[0];
}

function text(value) {
  return pick(value, textLanguage(), view.session.languages[0]);
}

/** A node holding bank text: marked with its language and direction. */
function bankText(tag, props, value) {
  const lang = textLanguage();
  return el(tag, { ...props, lang, dir: isRtl(lang) ? "rtl" : "ltr", text: text(value) });
}

function markLanguage(node) {
  const lang = textLanguage();
  node.lang = lang;
  node.dir = isRtl(lang) ? "rtl" : "ltr";
}

function showBanner(message) {
  const banner = $("#banner");
  banner.textContent = message;
  banner.hidden = !message;
}

// -- rendering ------------------------------------------------------------------------

function render() {
  if (!view.session) {
    if (missing) showBanner(t("console.noSession"));
    return;
  }
  const { session } = view;
  document.title = `${text(session.title)} · ${t("console.pageTitle")}`;
  $("#title").textContent = text(session.title);
  markLanguage($("#title"));
  $("#code").textContent = session.code;
  showBanner(session.status === "ended" ? t("console.ended") : "");
  renderParticipants();
  renderNow();
  renderModeration();
  renderQuestions();
  renderLinks();
  renderPad();
  renderStorage();
  if (qna) renderQnaPanel(qna, send);
  renderLeaderboard(view, send);
  renderScenarioPanel(view, text, send);
}

function renderStorage() {
  const warning = $("#storage");
  warning.hidden = !view.storage;
  warning.textContent = view.storage ? t("common.notSaved", { reason: view.storage }) : "";
}

function renderParticipants() {
  const { participants = 0, answered = 0, joined = 0, max_participants: limit } = view.session;
  $("#participants").textContent = t("common.participants", { count: participants });
  // Phones that joined over the session, against the limit: far more than answered, or than
  // the room holds, is a script saying hello as new phones.
  $("#joined").textContent = limit
    ? t("console.joinedLimit", { count: formatNumber(joined), limit: formatNumber(limit) })
    : t("console.joined", { count: formatNumber(joined) });
  // Connected phones come and go; the ones that answered are the session's participants.
  $("#answered").textContent = view.session.self_paced
    ? `${t("console.started", { count: formatNumber(answered) })} · ${t("console.finished", { count: formatNumber(view.session.finished || 0) })}`
    : t("common.answered", { count: formatNumber(answered) });
  const field = $("#limit");
  if (document.activeElement !== field) field.value = limit || "";
}

/** Set how many phones may join (empty: no limit); phones already in stay. */
async function setLimit() {
  const limit = Number.parseInt($("#limit").value, 10);
  try {
    await api(`/api/sessions/${encodeURIComponent(sessionId)}/limit`, {
      method: "POST",
      body: { max_participants: Number.isFinite(limit) && limit > 0 ? limit : null },
    });
  } catch (error) {
    toast(errorText(error));
  }
}

function renderNow() {
  const question = currentQuestion(view);
  const stateBadge = $("#now-state");
  const visibility = $("#now-visibility");
  const prompt = $("#now-prompt");
  if (!question) {
    $("#now-number").textContent = "";
    stateBadge.hidden = true;
    visibility.hidden = true;
    prompt.textContent = view.session.self_paced ? t("console.selfPacedDetail") : t("console.joinScreen");
    prompt.removeAttribute("lang");
    prompt.removeAttribute("dir");
    $("#now-responses").parentElement.hidden = true;
    fill($("#mini"), el("p", { class: "muted", text: t("console.joinWith", { code: view.session.code }) }));
  } else {
    const index = view.questions.indexOf(question);
    $("#now-number").textContent = t("present.questionNumber", { number: index + 1, total: view.questions.length });
    stateBadge.hidden = false;
    stateBadge.textContent = stateLabel(view.state);
    stateBadge.dataset.state = view.state;
    visibility.hidden = !view.session.hide_results;
    visibility.textContent = view.revealed ? t("console.resultsRevealed") : t("present.resultsHidden");
    visibility.dataset.state = view.revealed ? "open" : "closed";
    prompt.textContent = text(question.prompt);
    markLanguage(prompt);
    $("#now-responses").parentElement.hidden = false;
    $("#now-responses").textContent = formatNumber(view.responses);
    $("#now-responses-label").textContent = t("common.responsesLabel", { count: view.responses });
    renderMini(question);
  }
  renderBreakdown(question);
  const following = followingQuestion(view);
  const upNext = $("#up-next");
  if (following) {
    upNext.textContent = text(following.prompt);
    markLanguage(upNext);
  } else {
    upNext.textContent = t("console.nothingNext");
    upNext.removeAttribute("lang");
    upNext.removeAttribute("dir");
  }
}

/** The current question broken down by the segment chosen here (the console's own choice), and
 * the button that puts that breakdown on the presenter screen. */
function renderBreakdown(question) {
  const box = $("#breakdown");
  const segments = view.questions.filter((q) => q.segment);
  box.hidden = !question || !segments.length || view.session.self_paced;
  if (box.hidden) return;
  const select = $("#breakdown-segment");
  if (select.options.length !== segments.length + 1) {
    fill(select, el("option", { value: "", text: t("console.breakdownNone") }));
    for (const segment of segments) select.append(el("option", { value: segment.id, text: text(segment.prompt) }));
    select.value = localSegment || "";
  }
  const present = $("#breakdown-present");
  present.setAttribute("aria-pressed", String((view.segment || null) === localSegment));
  const shown = localSegment ? (view.breakdowns || {})[localSegment] : null;
  const target = $("#breakdown-view");
  if (!shown) {
    fill(target);
    return;
  }
  if (shown.withheld) {
    fill(target, el("p", { class: "muted", text: t("present.breakdownWithheld", { k: shown.k }) }));
    return;
  }
  const segment = segments.find((s) => s.id === localSegment);
  const parts = breakdownParts(question, shown, segment, text, t);
  const blocks = [];
  for (const part of parts) {
    blocks.push(el("h3", { class: "breakdown-group", text: `${part.name} · ${formatNumber(part.responses)} ${t("common.responsesLabel", { count: part.responses })}` }));
    const rows = part.items.map((item) => {
      const share = item.share;
      const bar = el("span", { class: "mini-bar" });
      bar.style.setProperty("--share", String(share === null ? 0 : share));
      const figure = share === null
        ? formatNumber(item.value, { maximumFractionDigits: 2 })
        : formatNumber(share, { style: "percent", maximumFractionDigits: 0 });
      return el("li", { class: "mini-row" }, el("span", { class: "mini-label", dir: "auto", text: item.label }), el("span", { class: "mini-count", text: figure }), bar);
    });
    blocks.push(el("ul", { class: "mini-rows" }, ...rows));
  }
  fill(target, ...blocks);
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
    for (let point = question.min; point <= question.max; point += 1) rows.push([formatNumber(point), results.counts[String(point)] || 0]);
  } else if (question.type === "ranking") {
    const labels = {};
    for (const option of question.options) labels[option.id] = text(option.label);
    for (const row of results.ranking || []) {
      const rank = row.mean_rank === null ? "" : ` (${t("chart.meanRank", { value: formatNumber(row.mean_rank, { maximumFractionDigits: 1 }) })})`;
      rows.push([`${labels[row.id] || row.id}${rank}`, row.borda]);
    }
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
      el("span", { class: "mini-count", text: formatNumber(count) }),
      bar,
    );
  });
  const facts = [];
  if (question.type === "scale" && results.mean !== null) {
    facts.push(t("chart.mean", { value: formatNumber(results.mean, { maximumFractionDigits: 1 }) }));
  }
  if (question.type === "number" && results.count) {
    facts.push(t("chart.mean", { value: formatNumber(results.mean, { maximumFractionDigits: 2 }) }));
    facts.push(t("chart.median", { value: formatNumber(results.median, { maximumFractionDigits: 2 }) }));
    facts.push(t("console.range", { min: results.min, max: results.max }));
  }
  if (question.type === "text") {
    facts.push(t("console.moderationCounts", { pending: results.pending, approved: results.approved, hidden: results.hidden }));
  }
  fill(mini, bars.length ? el("ul", { class: "mini-rows" }, bars) : null, facts.length ? el("p", { class: "mini-facts", text: facts.join(" · ") }) : null);
}

/** A question's state in the list, in one word. */
function listLabel(state) {
  switch (state) {
    case "shown":
      return t("console.listShown");
    case "open":
      return t("console.listOpen");
    case "closed":
      return t("console.listClosed");
    default:
      return t("console.listPending");
  }
}

/** A question type in words. */
function typeLabel(type) {
  switch (type) {
    case "single":
      return t("type.single");
    case "multiple":
      return t("type.multiple");
    case "scale":
      return t("type.scale");
    case "number":
      return t("type.number");
    case "wordcloud":
      return t("type.wordcloud");
    case "text":
      return t("type.text");
    case "ranking":
      return t("type.ranking");
    case "slide":
      return t("type.slide");
    default:
      return type;
  }
}

const answerNodes = new Map();
let answersOf = null;
// The moderation list is shown a page at a time, newest first: a flood of answers must not
// make the facilitator's phone build thousands of rows.
const PAGE_SIZE = 50;
let page = 0;

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
    page = 0;
  }
  const seen = new Set();
  const counts = { pending: 0, approved: 0, hidden: 0 };
  for (const answer of view.texts) counts[answer.status] = (counts[answer.status] || 0) + 1;
  const total = view.texts.length;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  page = Math.min(page, pages - 1);
  const last = total - page * PAGE_SIZE; // newest first: the page ends this far into the list
  const first = Math.max(0, last - PAGE_SIZE);
  view.texts.slice(first, last).forEach((answer, offset) => {
    const index = first + offset;
    let node = answerNodes.get(answer.id);
    if (!node) {
      node = answerItem(question.id, answer.id);
      list.append(node);
      answerNodes.set(answer.id, node);
    }
    node.querySelector(".answer-text").textContent = answer.text;
    const badge = node.querySelector(".badge");
    badge.textContent = moderationLabel(answer.status);
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
  const summary = view.texts.length ? t("console.moderationCounts", counts) : t("console.noTextAnswers");
  $("#moderation-summary").textContent = `${summary} ${t("console.onlyApproved")}`;
  renderPager(total, pages, first, last);
}

function renderPager(total, pages, first, last) {
  const pager = $("#answers-pager");
  pager.hidden = pages < 2;
  if (pager.hidden) return;
  $("#answers-range").textContent = t("console.answersRange", {
    from: formatNumber(total - last + 1),
    to: formatNumber(total - first),
    total: formatNumber(total),
  });
  $("#answers-newer").disabled = page === 0;
  $("#answers-older").disabled = page >= pages - 1;
}

function turnPage(step) {
  page = Math.max(0, page + step);
  renderModeration();
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
      el("button", { type: "button", class: "button", "data-status": "approved", onclick: moderate("approved"), text: t("console.approve") }),
      el("button", { type: "button", class: "button", "data-status": "hidden", onclick: moderate("hidden"), text: t("console.hide") }),
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
      el("span", { class: "question-number", text: formatNumber(index + 1) }),
      el(
        "span",
        { class: "question-body" },
        bankText("span", { class: "question-prompt" }, question.prompt),
        el("span", { class: "question-type", text: armed === question.id ? t("console.tapAgain") : typeLabel(question.type) }),
      ),
      el("span", { class: "badge", "data-state": state, text: listLabel(state) }),
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
  const many = fillDisplayControls($("#display-lang-1"), $("#display-lang-2"), view);
  $("#display-langs").hidden = !many;
  if (linksDone) return;
  linksDone = true;
  $("#presenter-link").href = `/present/${encodeURIComponent(session.id)}`;
  // Built by the server from the join link's address, which other devices can reach.
  $("#screen-link").value = session.screen_url;
  // A session of a course: its learning gain, across the pre and post sessions.
  $("#course-link").hidden = !session.course;
  if (session.course) $("#course-link a").href = `/course/${encodeURIComponent(session.course)}`;
  renderExports();
}

function renderExports() {
  if (!view.session) return;
  fill(
    $("#exports"),
    exportLinks(view.session).map(([label, path]) =>
      el("button", {
        type: "button",
        class: "button",
        text: label,
        onclick: () => download(path).catch((error) => toast(errorText(error))),
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
  buttons.open.disabled = ended || !has || isSlide(currentQuestion(view)) || !["shown", "closed"].includes(view.state);
  buttons.close.disabled = ended || view.state !== "open";
  buttons["show-next"].disabled = ended || !has || !followingQuestion(view);
  const toggle = $("#toggle-results");
  if (view.session.self_paced) return renderPacedPad(buttons, toggle, ended);
  toggle.disabled = ended || !has || !view.session.hide_results;
  toggle.dataset.command = view.revealed ? "hide" : "reveal";
  toggle.textContent = view.revealed && view.session.hide_results ? t("console.hide") : t("console.reveal");
  toggle.title = view.session.hide_results ? "" : t("console.alwaysVisible");
  const step = nextStep(view);
  const next = $("#next");
  next.disabled = !step.enabled;
  $("#next-label").textContent = step.label;
  $("#end").disabled = ended;
  if (ended) $("#end-confirm").hidden = true;
}

/** A self-paced session has no question to step through: the one toggle shows every
 * question's results on the screen live, or hides them until the end. */
function renderPacedPad(buttons, toggle, ended) {
  for (const name of ["open", "close"]) buttons[name].disabled = true;
  // Previous and next step through the questions' results on this console alone.
  buttons.previous.disabled = view.current === null || pacedAt === 0;
  buttons["show-next"].disabled = view.current === null || pacedAt >= view.questions.length - 1;
  $("#next").disabled = true;
  $("#next-label").textContent = t("console.selfPaced");
  toggle.disabled = ended;
  toggle.dataset.command = view.session.live_results ? "hide" : "reveal";
  toggle.textContent = view.session.live_results ? t("console.hideLive") : t("console.showLive");
  toggle.title = "";
  $("#end").disabled = ended;
  if (ended) $("#end-confirm").hidden = true;
}

// -- actions --------------------------------------------------------------------------

function send(message) {
  if (!socket || !socket.send(message)) toast(t("common.notSent"));
}

function act(command) {
  if (view.session && view.session.self_paced && (command === "previous" || command === "show-next")) {
    pacedAt = Math.max(0, Math.min(pacedAt + (command === "previous" ? -1 : 1), view.questions.length - 1));
    showPacedResults(view, pacedAt);
    render();
  } else if (command === "next" && nextStep(view).ends) {
    // Past the last question, "next" offers to end the session, as the End button does.
    $("#end").click();
  } else if (command === "show-next") {
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
  languageSelector($("#lang"), () => {
    answersOf = null; // rebuild the moderation buttons in the new language
    renderExports();
    render();
  });
  const first = $("#display-lang-1");
  const second = $("#display-lang-2");
  const choose = () => send({ type: "languages", languages: chosenLanguages(first, second) });
  first.addEventListener("change", choose);
  second.addEventListener("change", choose);
  $("#set-limit").addEventListener("click", setLimit);
  wireQnaPanel(send);
  $("#breakdown-segment").addEventListener("change", (event) => {
    localSegment = event.target.value || null;
    renderNow();
  });
  $("#breakdown-present").addEventListener("click", () => send({ type: "segment", segment: localSegment }));
  wireLeaderboard(view, send);
  $("#answers-newer").addEventListener("click", () => turnPage(-1));
  $("#answers-older").addEventListener("click", () => turnPage(1));
  $("#copy-screen").addEventListener("click", () => {
    const input = $("#screen-link");
    input.select();
    const copied = navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject(new Error());
    copied
      .then(() => toast(t("console.copied"), "info"))
      .catch(() => {
        const ok = document.execCommand && document.execCommand("copy");
        toast(ok ? t("console.copied") : t("console.copyYourself"), "info");
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
  return { type: "hello", role: "facilitator", session: sessionId, token: token(), texts_version: textsKnown(view) };
}

function onStatus(connected) {
  const dot = $("#status");
  dot.classList.toggle("is-online", connected);
  dot.title = connected ? t("common.connected") : t("common.reconnecting");
  dot.textContent = connected ? "" : t("common.reconnecting");
  document.body.classList.toggle("is-offline", !connected);
}

function start() {
  socket = connect({ hello, handlers, onStatus });
}

async function reauthorize() {
  socket.close();
  forgetToken();
  await askToken(t("auth.refused"));
  start();
}

async function main() {
  await useLanguage(interfaceLanguage([savedLanguage()].filter(Boolean).concat(browserLanguages())));
  wire();
  await ensureToken();
  start();
}

main();
