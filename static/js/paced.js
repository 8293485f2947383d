// A self-paced questionnaire on the phone: every question at once, its own pace, back and
// forward, a review before submitting. It is kept on the phone too, so that a reload without
// network opens it again where the participant was.
import { el } from "./dom.js";
import { formatNumber, t } from "./i18n.js";

export class Questionnaire {
  /** store: {get, set, remove}; code: the session's join code. */
  constructor(store, code, saved) {
    this.store = store;
    this.key = `polling.paced.${code}`;
    this.session = saved.session;
    this.questions = saved.questions;
    this.answers = saved.answers || {}; // question id -> {value, rev}, as the server has them
    this.finished = !!saved.finished;
    this.index = saved.index || 0;
    this.reviewing = !!saved.reviewing;
  }

  /** The questionnaire this phone kept for this code, or null. */
  static restore(store, code) {
    try {
      const saved = JSON.parse(store.get(`polling.paced.${code}`));
      return saved && saved.questions ? new Questionnaire(store, code, saved) : null;
    } catch (error) {
      return null;
    }
  }

  /** From the server's welcome, keeping where this phone was. */
  static fromWelcome(store, code, message, before) {
    const where = before ? { index: before.index, reviewing: before.reviewing } : {};
    const paced = new Questionnaire(store, code, { ...message, ...where });
    paced.index = Math.min(paced.index, paced.questions.length - 1);
    paced.save();
    return paced;
  }

  save() {
    const { session, questions, answers, finished, index, reviewing } = this;
    this.store.set(this.key, JSON.stringify({ session, questions, answers, finished, index, reviewing }));
  }

  get question() {
    return this.questions[this.index];
  }

  /** The server stored this answer (or a newer one). */
  stored(questionId, value, rev) {
    const known = this.answers[questionId];
    if (!known || rev >= known.rev) this.answers[questionId] = { value, rev };
    this.save();
  }

  go(index) {
    this.index = Math.max(0, Math.min(index, this.questions.length - 1));
    this.reviewing = false;
    this.save();
  }

  review() {
    this.reviewing = true;
    this.save();
  }
}

/** How far the participant is: a bar and "3 of 12 answered", read out as a progress bar;
 * `steps` (slides included) counts the pages, `total` the questions to answer. */
export function progress(answered, total, position, steps = total) {
  const label = t("paced.progress", { number: formatNumber(position + 1), total: formatNumber(steps) });
  return el(
    "div",
    { class: "paced-progress" },
    el("p", { class: "paced-position", text: label }),
    el(
      "div",
      {
        class: "paced-bar",
        role: "progressbar",
        "aria-label": t("paced.answered", { count: formatNumber(answered), total: formatNumber(total) }),
        "aria-valuemin": "0",
        "aria-valuemax": String(total),
        "aria-valuenow": String(answered),
      },
      el("span", { class: "paced-fill", style: `width: ${total ? (100 * answered) / total : 0}%` }),
    ),
    el("p", { class: "paced-count", text: t("paced.answered", { count: formatNumber(answered), total: formatNumber(total) }) }),
  );
}

/** Back and forward under a question; forward from the last one leads to the review. */
export function navigation(index, total, { back, next, review }) {
  const last = index === total - 1;
  return el(
    "nav",
    { class: "paced-nav", "aria-label": t("paced.navigation") },
    el("button", { type: "button", class: "secondary paced-back", disabled: index === 0, text: t("paced.back"), onclick: back }),
    last
      ? el("button", { type: "button", class: "submit paced-next", text: t("paced.review"), onclick: review })
      : el("button", { type: "button", class: "submit paced-next", text: t("paced.next"), onclick: next }),
  );
}

/** The review before submitting: each question with the answer given (a tap goes back to it),
 * what still waits on the phone, and the submit button. */
export function reviewCard(rows, { waiting, connected, submitQueued, edit, submit }) {
  const list = el("ol", { class: "paced-review" });
  rows.forEach((row, index) => {
    if (row.slide) return; // a slide has nothing to review; the others keep their place
    list.append(
      el(
        "li",
        {},
        el(
          "button",
          { type: "button", class: "paced-item", onclick: () => edit(index) },
          el("span", { class: "paced-item-prompt", text: row.prompt, lang: row.lang, dir: "auto" }),
          el("span", { class: `paced-item-answer${row.answer ? "" : " is-missing"}`, dir: "auto", text: row.answer || t("paced.notAnswered") }),
          row.kept ? el("span", { class: "paced-item-kept", text: t("paced.savedOnPhone") }) : null,
        ),
      ),
    );
  });
  const note = waiting && !connected ? el("p", { class: "note paced-waiting", role: "status", text: t("paced.waiting", { count: formatNumber(waiting) }) }) : null;
  return el(
    "section",
    { class: "card paced-summary" },
    el("h2", { class: "prompt", id: "review-title", text: t("paced.reviewTitle") }),
    el("p", { class: "hint", text: t("paced.reviewDetail") }),
    list,
    note,
    submitQueued
      ? el("p", { class: "feedback", "data-kind": "pending", role: "status", text: t("paced.submitQueued") })
      : el("button", { type: "button", class: "submit paced-submit", text: t("paced.submit"), onclick: submit }),
  );
}
