// The room's questions on the presenter screen: the approved ones by votes (or newest), and the
// pinned one in a banner over every view. Counts change as votes arrive; the order changes at
// most once every few seconds, and rows slide to their new place, so nobody loses the line
// they were reading.
import { $, el, fill } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { questionText, showQuestions } from "./qnalist.js";

const REORDER_EVERY = 2000; // ms between two changes of order
let reorderedAt = 0;
let later = 0;
let latest = null;

function build() {
  return el(
    "li",
    { class: "qna-row" },
    el("span", { class: "qna-count" }, el("b", { class: "qna-votes" }), el("span", { class: "qna-votes-label" })),
    questionText({ text: "", language: null }),
    el("span", { class: "badge qna-answered", text: t("qna.answered") }),
  );
}

function refresh(row, question) {
  row.querySelector(".qna-text").textContent = question.text;
  row.querySelector(".qna-text").lang = question.language || "";
  row.querySelector(".qna-votes").textContent = formatNumber(question.votes);
  row.querySelector(".qna-votes-label").textContent = t("qna.votes", { count: question.votes });
  row.querySelector(".qna-answered").hidden = question.status !== "answered";
  row.classList.toggle("is-answered", question.status === "answered");
}

/** The order to show now: the server's, unless the last change of order was too recent; then
 * rows keep their places (new ones at the end) until it is time. */
function steady(list, questions) {
  const now = Date.now();
  if (now - reorderedAt >= REORDER_EVERY) {
    reorderedAt = now;
    return questions;
  }
  clearTimeout(later);
  later = setTimeout(() => latest && renderQnaBoard(latest), reorderedAt + REORDER_EVERY - now);
  const place = new Map([...list.children].map((row, index) => [row.dataset.id, index]));
  const at = (q) => (place.has(q.id) ? place.get(q.id) : place.size + questions.indexOf(q));
  return questions.slice().sort((a, b) => at(a) - at(b));
}

/** Show Q&A as the screen sees it: its list, and whether phones may ask. */
export function renderQnaBoard(qna) {
  latest = qna;
  const list = $("#qna-board");
  // The facilitator's presenter is sent every question: the room sees only these.
  const shown = qna.questions.filter((q) => q.status === "approved" || q.status === "answered");
  showQuestions(list, steady(list, shown), build, refresh);
  $("#qna-empty").hidden = shown.length > 0;
  $("#qna-status").textContent = qna.open ? t("qna.openOnPhones") : t("qna.closedOnPhones");
}

/** The pinned question over every view, or nothing. */
export function renderPinned(qna) {
  const pinned = qna && qna.pinned ? qna.questions.find((q) => q.id === qna.pinned) : null;
  const banner = $("#qna-pinned");
  banner.hidden = !pinned;
  if (pinned) fill($("#qna-pinned-text"), questionText(pinned, "qna-text"));
}
