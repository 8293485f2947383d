// The quiz on a phone: its own feedback after the reveal, its score and rank, and the
// nickname and team it may choose to show while the facilitator has the leaderboard on.
import { $, el, fill } from "./dom.js";
import { formatNumber, t } from "./i18n.js";

/** The feedback card of a revealed quiz question. `describe` puts a value in words, `shown`
 * picks a bank text in the language the question is shown in, `mark` sets its language. */
export function feedbackBlock(feedback, { describe, shown, mark }) {
  let verdict = "wrong";
  if (!feedback.answered) verdict = "none";
  else if (feedback.correct) verdict = "right";
  else if (feedback.credit > 0) verdict = "partly";
  const titles = { none: t("quiz.noAnswer"), right: t("quiz.right"), partly: t("quiz.partly"), wrong: t("quiz.wrong") };
  return el(
    "section",
    { class: `quiz-feedback is-${verdict}`, id: "quiz-feedback", "data-verdict": verdict },
    el("p", { class: "quiz-verdict", text: titles[verdict] }),
    feedback.answered ? el("p", { dir: "auto", text: t("quiz.yourAnswer", { answer: describe(feedback.answer) }) }) : null,
    el("p", { class: "quiz-right", dir: "auto", text: t("quiz.rightAnswer", { answer: describe(feedback.right) }) }),
    feedback.explanation ? mark(el("p", { class: "quiz-explanation", text: shown(feedback.explanation) })) : null,
    el("p", { class: "quiz-points", text: t("quiz.points", { points: formatNumber(feedback.points) }) }),
  );
}

/** The panel under the question: score and rank, and the nickname form while it is allowed. */
export class PlayerPanel {
  constructor(send) {
    this.send = send; // (message) => void: sends over the socket
    this.on = false;
    this.teams = [];
    this.score = null; // the last `score` message
    this.problem = null; // an error code from the server about the nickname
    this.saved = false;
    this.shownKey = "";
  }

  /** Take in the quiz fields of a `question` message. */
  heard(message) {
    if (typeof message.leaderboard_on === "boolean") this.on = message.leaderboard_on;
    if (Array.isArray(message.teams)) this.teams = message.teams;
  }

  render() {
    const panel = $("#player");
    if (!panel) return;
    const score = this.score;
    panel.hidden = !this.on && !score;
    const key = `${this.on}|${this.teams.join("\n")}|${t("quiz.nickname")}`;
    if (key !== this.shownKey) {
      this.shownKey = key;
      fill(panel, el("p", { class: "quiz-score", id: "quiz-score", role: "status" }), this.on ? this.form() : null);
    }
    const line = $("#quiz-score");
    const parts = [];
    if (score) parts.push(t("quiz.score", { score: formatNumber(score.score) }));
    if (score && score.rank) parts.push(t("quiz.rank", { rank: formatNumber(score.rank), count: formatNumber(score.of) }));
    line.textContent = parts.join(" · ");
    const status = $("#player-status");
    if (status) {
      status.dataset.kind = this.problem ? "error" : this.saved ? "ok" : "";
      status.textContent = this.problem ? problemText(this.problem) : this.saved ? t("quiz.saved") : "";
    }
  }

  form() {
    const current = this.score || {};
    const input = el("input", {
      id: "nickname",
      type: "text",
      maxlength: "24",
      autocomplete: "off",
      dir: "auto",
      "aria-describedby": "nickname-hint player-status",
    });
    input.value = current.nickname || "";
    const teamSelect = this.teams.length
      ? el(
          "select",
          { id: "team", class: "select" },
          el("option", { value: "", text: t("quiz.noTeam") }),
          this.teams.map((team) => el("option", { value: team, text: team, selected: team === current.team })),
        )
      : null;
    return el(
      "form",
      {
        class: "player-form",
        onsubmit: (event) => {
          event.preventDefault();
          const nickname = input.value.trim();
          const team = teamSelect && teamSelect.value ? teamSelect.value : null;
          this.problem = null;
          this.saved = false;
          this.send({ type: "nickname", nickname: nickname || null, team });
          this.render();
        },
      },
      el("label", { for: "nickname", text: t("quiz.nickname") }),
      el("p", { class: "small", id: "nickname-hint", text: t("quiz.nicknameHint") }),
      input,
      teamSelect ? el("label", { for: "team", text: t("quiz.team") }) : null,
      teamSelect,
      el("button", { type: "submit", class: "button", text: t("quiz.save") }),
      el("p", { class: "player-status", id: "player-status", role: "status", "aria-live": "polite" }),
    );
  }

  /** A `player` message: the server kept this nickname and team. */
  kept(message) {
    this.saved = true;
    this.problem = null;
    this.score = { ...(this.score || { score: 0, rank: null, of: null }), nickname: message.nickname, team: message.team };
    this.render();
  }

  refused(code) {
    this.problem = code;
    this.saved = false;
    this.render();
  }
}

function problemText(code) {
  if (code === "leaderboard_off") return t("quiz.errorLeaderboardOff");
  if (code === "team_unknown") return t("quiz.errorTeam");
  return t("quiz.errorNickname");
}

/** The error codes about a nickname. */
export const NICKNAME_ERRORS = ["leaderboard_off", "nickname_empty", "nickname_too_long", "nickname_invalid", "team_unknown"];
