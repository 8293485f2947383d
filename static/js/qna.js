// The phone's Q&A tab: ask the room a question, upvote others' (a second tap takes the vote
// back). Questions and votes are acknowledged only once stored; errors say what to change.
import { el, fill } from "./dom.js";
import { formatNumber, language, t } from "./i18n.js";
import { questionText, showQuestions } from "./qnalist.js";

export const MAX_LENGTH = 280;
// Errors that only Q&A gives; `not_found`, `unavailable` and `rate_limited` are Q&A's too
// while one of its requests waits for an answer.
const OWN = ["qna_closed", "question_too_long", "question_empty", "ask_rate_limited"];
const SHARED = ["not_found", "unavailable", "rate_limited", "bad_request"];

export class QnaPanel {
  constructor(send) {
    this.send = send; // (message) => whether it went out
    this.state = null; // QNA as the room sees it
    this.voted = new Set();
    this.mine = new Map(); // the questions this phone asked, by id
    this.waiting = 0; // requests sent and not answered yet
    this.note = null; // {kind, text}: what the last request came to
    this.node = null;
  }

  get open() {
    return !!(this.state && this.state.open);
  }

  welcome(qna) {
    this.state = qna || null;
    this.voted = new Set((qna && qna.voted) || []);
    this.mine = new Map(((qna && qna.mine) || []).map((q) => [q.id, q]));
    this.waiting = 0;
    this.update();
  }

  onQna(message) {
    this.state = message;
    for (const question of message.questions) if (this.mine.has(question.id)) this.mine.set(question.id, question);
    this.update();
  }

  onAsked(message) {
    this.waiting = Math.max(0, this.waiting - 1);
    this.mine.set(message.question.id, message.question);
    if (this.input) this.input.value = "";
    const held = message.question.status === "pending";
    this.note = { kind: "ok", text: held ? t("qna.sentPending") : t("qna.sent") };
    this.update();
  }

  onVoted(message) {
    this.waiting = Math.max(0, this.waiting - 1);
    if (message.up) this.voted.add(message.id);
    else this.voted.delete(message.id);
    const shown = this.state && this.state.questions.find((q) => q.id === message.id);
    if (shown) shown.votes = message.votes;
    this.update();
  }

  /** Take an error meant for Q&A; false when it is not one. */
  takeError(message) {
    const code = message.code;
    if (OWN.indexOf(code) === -1 && !(this.waiting && SHARED.indexOf(code) !== -1)) return false;
    this.waiting = Math.max(0, this.waiting - 1);
    const texts = {
      qna_closed: () => t("qna.closed"),
      question_too_long: () => t("qna.tooLong", { max: MAX_LENGTH }),
      question_empty: () => t("qna.empty"),
      ask_rate_limited: () => t("qna.rateLimited", { seconds: message.retry_after || 60 }),
      not_found: () => t("qna.gone"),
    };
    this.note = { kind: "error", text: (texts[code] || (() => t("qna.notSaved")))() };
    this.update();
    return true;
  }

  ask() {
    const text = this.input.value.trim();
    if (!text) {
      this.note = { kind: "error", text: t("qna.empty") };
    } else if (this.send({ type: "ask", text })) {
      this.waiting += 1;
      this.note = { kind: "pending", text: t("join.sending") };
    } else {
      this.note = { kind: "error", text: t("join.notSent") };
    }
    this.update();
  }

  vote(id) {
    if (this.send({ type: "vote", id, up: !this.voted.has(id) })) this.waiting += 1;
    else this.note = { kind: "error", text: t("join.notSent") };
    this.update();
  }

  /** The tab's content, built once and then kept up to date in place. */
  element() {
    if (this.node && this.builtIn === language()) {
      this.update();
      return this.node;
    }
    const typed = this.input ? this.input.value : "";
    this.builtIn = language(); // built again in another language, keeping what was typed
    this.input = el("textarea", { id: "qna-input", class: "input qna-input", rows: "3", maxlength: String(MAX_LENGTH), dir: "auto", "aria-describedby": "qna-count" });
    this.counter = el("p", { class: "hint", id: "qna-count" });
    this.input.value = typed;
    this.input.addEventListener("input", () => this.count());
    this.feedback = el("div", { class: "feedback", id: "qna-feedback", role: "status", "aria-live": "polite" });
    this.pendingList = el("ul", { class: "qna-mine" });
    this.list = el("ol", { class: "qna-list", id: "qna-list" });
    this.empty = el("p", { class: "hint qna-empty" });
    const form = el(
      "form",
      { class: "qna-form", novalidate: true },
      el("label", { for: "qna-input", class: "entry-label", text: t("qna.askLabel") }),
      this.input,
      this.counter,
      el("button", { type: "submit", class: "submit", text: t("qna.ask") }),
      this.feedback,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.ask();
    });
    this.node = el(
      "section",
      { class: "card qna", id: "qna" },
      el("h2", { class: "prompt", text: t("qna.title") }),
      el("p", { class: "message-detail small", text: t("qna.anonymous") }),
      form,
      this.pendingList,
      this.empty,
      this.list,
    );
    this.update();
    return this.node;
  }

  count() {
    const left = MAX_LENGTH - this.input.value.length;
    this.counter.textContent = t("qna.charactersLeft", { count: left });
  }

  update() {
    if (!this.node || !this.state) return;
    this.count();
    this.feedback.dataset.kind = this.note ? this.note.kind : "";
    fill(this.feedback, this.note ? el("p", { class: "feedback-title", text: this.note.text }) : null);
    const listed = new Set(this.state.questions.map((q) => q.id));
    const held = [...this.mine.values()].filter((q) => !listed.has(q.id) && q.status === "pending");
    fill(
      this.pendingList,
      held.map((q) => el("li", { class: "qna-item is-pending" }, questionText(q), el("p", { class: "badge", text: t("qna.awaiting") }))),
    );
    this.empty.textContent = this.state.questions.length ? "" : t("qna.none");
    showQuestions(
      this.list,
      this.state.questions,
      (q) => {
        const button = el("button", { type: "button", class: "qna-vote" }, el("span", { class: "qna-arrow", "aria-hidden": "true", text: "▲" }), el("span", { class: "qna-votes" }));
        button.addEventListener("click", () => this.vote(q.id));
        return el("li", { class: "qna-item" }, questionText(q), el("p", { class: "qna-meta" }, button, el("span", { class: "badge qna-answered", text: t("qna.answered") })));
      },
      (row, q) => {
        row.querySelector(".qna-text").textContent = q.text;
        const button = row.querySelector(".qna-vote");
        const mine = this.voted.has(q.id);
        button.setAttribute("aria-pressed", String(mine));
        button.setAttribute("aria-label", mine ? t("qna.unvote", { count: q.votes }) : t("qna.vote", { count: q.votes }));
        row.querySelector(".qna-votes").textContent = formatNumber(q.votes);
        row.querySelector(".qna-answered").hidden = q.status !== "answered";
        row.classList.toggle("is-answered", q.status === "answered");
        row.classList.toggle("is-mine", this.mine.has(q.id));
      },
    );
  }
}
