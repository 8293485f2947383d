// The presenter state as the server sends it (welcome, state, tally, texts), and what
// follows from it: the current question, whether results are hidden, what `next` does.
import { t } from "./i18n.js";

/** An empty presenter state, filled by the server's messages. */
export function emptyView() {
  return {
    session: null,
    questions: [],
    states: {},
    display_languages: [],
    current: null,
    state: null,
    revealed: false,
    responses: 0,
    results: null,
    all_results: null, // self-paced: {QUESTION_ID: {responses, results}} where this role may see them
    texts: [],
    texts_version: null,
    storage: null,
    segment: null, // the segment the presenter breaks the current question down by
    breakdown: null, // that BREAKDOWN, where this role may see it
    breakdowns: {}, // the facilitator's: the current question's BREAKDOWN by every segment
    answer_key: null, // the right answer and explanation, once a quiz question is revealed
    leaderboard: null,
    team_scores: null,
    leaderboard_on: false,
    teams: [],
    nicknames: [],
    scenario: null, // the table-top exercise as this role sees it, or null when none runs
  };
}

/** Take in a `welcome` or `state` message (the fields of PRESENTER_STATE). Its `texts` are
 * the whole list, or (with `texts_since`) only what changed since the version we hold. */
export function applyState(view, message) {
  const changedOnly = Boolean(message.texts_since) && message.current === view.current;
  for (const key of Object.keys(view)) {
    if (key !== "texts" && message[key] !== undefined) view[key] = message[key];
  }
  if (changedOnly) mergeTexts(view, message.texts || []);
  else view.texts = message.texts || [];
}

/** What a presenter says in its `hello` so that a reconnect brings only what changed. */
export function textsKnown(view) {
  return view.texts_version || undefined;
}

/** Apply the text answers that changed: new ones join the end, changed ones are replaced, and
 * one sent without its text (a screen's answer no longer approved) leaves the list. */
function mergeTexts(view, changed) {
  const at = new Map(view.texts.map((answer, index) => [answer.id, index]));
  let removed = false;
  for (const answer of changed) {
    const index = at.get(answer.id);
    if (answer.text === undefined) {
      if (index !== undefined) {
        view.texts[index] = null;
        removed = true;
      }
    } else if (index === undefined) {
      at.set(answer.id, view.texts.length);
      view.texts.push(answer);
    } else {
      view.texts[index] = answer;
    }
  }
  if (removed) view.texts = view.texts.filter(Boolean);
}

/** Take in a `tally` message; true when it is about the current question. */
export function applyTally(view, message) {
  if (view.session && message.participants !== undefined) view.session.participants = message.participants;
  if (view.session && message.answered !== undefined) view.session.answered = message.answered;
  if (view.session && message.joined !== undefined) view.session.joined = message.joined;
  if (view.session && message.finished !== undefined) view.session.finished = message.finished;
  if (message.all_results !== undefined) view.all_results = message.all_results;
  if (view.session && view.session.self_paced) return true; // its results are in all_results
  if (message.question !== view.current) return false;
  view.responses = message.responses;
  view.results = message.results;
  if (message.breakdown !== undefined) view.breakdown = message.breakdown;
  if (message.breakdowns !== undefined) view.breakdowns = message.breakdowns;
  if (message.segment !== undefined) view.segment = message.segment;
  return true;
}

/** Take in a `texts` message (the answers that changed); true when it is about the current question. */
export function applyTexts(view, message) {
  if (message.question !== view.current) return false;
  mergeTexts(view, message.texts || []);
  view.texts_version = message.version;
  return true;
}

/** Self-paced: show the results of the question at `index` (of those the results cover) as a
 * live session's current question, so that the same charts draw them; false while there are
 * none to show (the facilitator has not ended the session nor shown results live). */
export function showPacedResults(view, index) {
  const all = view.all_results;
  if (!all || !view.questions.length) {
    view.current = null;
    return false;
  }
  const question = view.questions[Math.max(0, Math.min(index, view.questions.length - 1))];
  const shown = all[question.id] || { responses: 0, results: null };
  view.current = question.id;
  view.state = view.session.status === "ended" ? "closed" : "open";
  view.responses = shown.responses;
  view.results = shown.results;
  view.revealed = true;
  return true;
}

/** The current question object, or null. */
export function currentQuestion(view) {
  return view.questions.find((question) => question.id === view.current) || null;
}

/** The question after the current one (the first one from the join screen), or null. */
export function followingQuestion(view) {
  const questions = view.questions || [];
  if (view.current === null || view.current === undefined) return questions[0] || null;
  const index = questions.findIndex((question) => question.id === view.current);
  return index >= 0 ? questions[index + 1] || null : null;
}

/** Whether results are hidden from the room for the current question. */
export function resultsHidden(view) {
  return view.results === null || view.results === undefined || (view.session.hide_results && !view.revealed);
}

/** What `next` does now: {label, enabled, ends}, the label in the interface language; `ends`
 * when the step is ending the session. */
export function nextStep(view) {
  if (view.session.status === "ended") return { label: t("step.ended"), enabled: false };
  if (view.current === null || view.current === undefined) {
    return { label: view.questions.length ? t("step.showFirst") : t("step.noQuestions"), enabled: view.questions.length > 0 };
  }
  // A slide takes no answers: the step from it goes on to what follows.
  const slide = (currentQuestion(view) || {}).type === "slide";
  if (view.state === "shown" && !slide) return { label: t("step.open"), enabled: true };
  if (view.state === "open") return { label: t("step.close"), enabled: true };
  if (view.session.hide_results && !view.revealed && !slide) return { label: t("step.reveal"), enabled: true };
  if (followingQuestion(view)) return { label: t("step.next"), enabled: true };
  // Past the last question the one step left is ending the session, confirmed by a second press.
  return { label: t("step.end"), enabled: true, ends: true };
}

/** A question state in words, as the room sees it ("Voting open"). */
export function stateLabel(state) {
  switch (state) {
    case "pending":
      return t("state.pending");
    case "shown":
      return t("state.shown");
    case "open":
      return t("state.open");
    case "closed":
      return t("state.closed");
    default:
      return "";
  }
}
