// The console's Q&A panel: open or close Q&A, pre-moderation and order, then each question of
// the room with its votes and what can be done with it (approve, hide, mark answered, pin).
import { $, el, fill } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { questionText, showQuestions } from "./qnalist.js";

// The moves docs/protocol.md allows from each status, as buttons.
const MOVES = {
  pending: ["approved", "hidden"],
  approved: ["answered", "hidden"],
  hidden: ["approved"],
  answered: ["approved", "hidden"],
};

/** A status of a question or of an open-text answer, in one word. */
export function statusLabel(status) {
  switch (status) {
    case "pending":
      return t("console.pending");
    case "approved":
      return t("console.approved");
    case "hidden":
      return t("console.hidden");
    default:
      return t("qna.answered");
  }
}

function moveLabel(status) {
  switch (status) {
    case "approved":
      return t("console.approve");
    case "hidden":
      return t("console.hide");
    default:
      return t("qna.markAnswered");
  }
}

/** Keep the console's Q&A panel up to date with QNA; `send` sends a command. */
export function renderQnaPanel(qna, send) {
  $("#qna-open").checked = qna.open;
  $("#qna-premoderate").checked = qna.premoderate;
  $("#qna-order").value = qna.order;
  const counts = qna.counts || { pending: 0, approved: 0, hidden: 0, answered: 0 };
  $("#qna-summary").textContent = qna.questions.length ? t("qna.counts", counts) : t("qna.none");
  showQuestions(
    $("#qna-moderation"),
    qna.questions,
    () => el("li", { class: "answer qna-answer" }, questionText({ text: "", language: null }, "answer-text qna-text"), el("div", { class: "answer-actions" })),
    (row, question) => {
      const text = row.querySelector(".qna-text");
      text.textContent = question.text;
      text.lang = question.language || "";
      row.dataset.status = question.status;
      const pinned = qna.pinned === question.id;
      const moves = MOVES[question.status].map((status) =>
        el("button", { type: "button", class: "button", "data-status": status, text: moveLabel(status), onclick: () => send({ type: "qna_moderate", id: question.id, status }) }),
      );
      const pin =
        question.status === "approved" || question.status === "answered"
          ? el("button", { type: "button", class: "button", "aria-pressed": String(pinned), text: pinned ? t("qna.unpin") : t("qna.pin"), onclick: () => send({ type: "qna_settings", pinned: pinned ? null : question.id }) })
          : null;
      fill(
        row.querySelector(".answer-actions"),
        el("span", { class: "badge", "data-state": question.status, text: statusLabel(question.status) }),
        el("span", { class: "qna-votes", text: t("qna.votesCount", { count: question.votes, shown: formatNumber(question.votes) }) }),
        moves,
        pin,
      );
    },
  );
}

/** Send the settings the facilitator changes. */
export function wireQnaPanel(send) {
  $("#qna-open").addEventListener("change", (event) => send({ type: "qna_settings", open: event.target.checked }));
  $("#qna-premoderate").addEventListener("change", (event) => send({ type: "qna_settings", premoderate: event.target.checked }));
  $("#qna-order").addEventListener("change", (event) => send({ type: "qna_settings", order: event.target.value }));
}
