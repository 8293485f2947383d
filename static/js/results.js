// What a phone shows of the results, where the facilitator allows it: a question's counts
// as plain bars (no chart library on phones), and what it answered and saw, kept for the end.
import { el } from "./dom.js";
import { formatNumber, t } from "./i18n.js";
import { pick } from "./text.js";

const MAX_WORDS = 10;

/** Rows of [label, count] for a question's results; the labels in `lang`. */
function rows(question, results, lang, fallback) {
  const text = (value) => pick(value, lang, fallback);
  switch (question.type) {
    case "single":
    case "multiple":
      return question.options.map((option) => [text(option.label), results.counts[option.id] || 0]);
    case "scale":
      return Object.keys(results.counts)
        .map(Number)
        .sort((a, b) => a - b)
        .map((point) => {
          const end = point === question.min ? question.min_label : point === question.max ? question.max_label : null;
          const label = end ? `${formatNumber(point)} · ${text(end)}` : formatNumber(point);
          return [label, results.counts[String(point)] || 0];
        });
    case "ranking": {
      // Best first, as the server sorts them; the bar is the Borda score.
      const labels = {};
      for (const option of question.options) labels[option.id] = text(option.label);
      return (results.ranking || []).map((row, index) => [`${formatNumber(index + 1)}. ${labels[row.id] || row.id}`, row.borda]);
    }
    case "wordcloud":
      return (results.words || []).slice(0, MAX_WORDS).map(([word, count]) => [word, count]);
    default:
      return [];
  }
}

/** A line under the bars: the average of a scale, or the average and median of numbers. */
function summary(question, results) {
  const number = (value) => formatNumber(value, { maximumFractionDigits: 2 });
  if (question.type === "scale" && results.mean !== null && results.mean !== undefined) {
    return t("join.resultsMean", { mean: number(results.mean) });
  }
  if (question.type === "ranking") return t("join.resultsBorda");
  if (question.type === "number" && results.count) {
    return t("join.resultsNumbers", { mean: number(results.mean), median: number(results.median) });
  }
  return "";
}

/** The results of one question as a phone shows them: bars with their counts. */
export function resultsBlock(question, results, lang, fallback, heading = t("join.resultsTitle")) {
  const lines = rows(question, results, lang, fallback);
  const most = Math.max(1, ...lines.map(([, count]) => count));
  const note = summary(question, results);
  return el(
    "section",
    { class: "results" },
    // dir auto: a prompt in another script than the page's keeps its punctuation in place.
    el("h3", { class: "results-title", dir: "auto", text: heading }),
    lines.length
      ? el(
          "ul",
          { class: "results-rows" },
          lines.map(([label, count]) =>
            el(
              "li",
              { class: "results-row" },
              el("span", { class: "results-label", dir: "auto", lang, text: label }),
              el("span", { class: "results-count", text: formatNumber(count) }),
              el("span", { class: "results-bar", "aria-hidden": "true", style: `width: ${((100 * count) / most).toFixed(1)}%` }),
            ),
          ),
        )
      : null,
    note ? el("p", { class: "results-note", text: note }) : null,
  );
}

/** What this phone answered and the results it was shown, kept on the phone for the end. */
export class Memory {
  constructor(store, code) {
    this.store = store;
    this.key = `polling.memory.${code}`;
    let saved = null;
    try {
      saved = JSON.parse(store.get(this.key));
    } catch (error) {
      saved = null;
    }
    this.answered = new Set((saved && saved.answered) || []);
    this.seen = (saved && saved.seen) || {}; // question id -> {question, results}
  }

  answer(questionId) {
    if (this.answered.has(questionId)) return;
    this.answered.add(questionId);
    this.save();
  }

  saw(question, results) {
    this.seen[question.id] = { question, results };
    this.save();
  }

  save() {
    this.store.set(this.key, JSON.stringify({ answered: [...this.answered], seen: this.seen }));
  }
}

/** The end of the session on a phone: how many questions it answered, and the results it saw. */
export function endSummary(memory, lang, fallback) {
  const count = memory.answered.size;
  const seen = Object.keys(memory.seen).map((id) => memory.seen[id]);
  return [
    el("p", { class: "message-detail", text: t("join.answeredCount", { count }) }),
    seen.length ? el("h2", { class: "summary-title", text: t("join.resultsSeen") }) : null,
    seen.map(({ question, results }) =>
      resultsBlock(question, results, lang, fallback, pick(question.prompt, lang, fallback)),
    ),
  ];
}
