// A keyed list of the room's questions that moves, never jumps: each update reuses the rows
// it already shows, and a row that changes place slides there (FLIP: its old place is
// measured, the row is moved, then animated from the old place to the new one with a CSS
// transform). Readers who ask for less motion (prefers-reduced-motion) see it move at once.
import { el } from "./dom.js";

const still = () => !window.matchMedia || window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/**
 * Show `questions` in `list` (an <ol> or <ul>), in their order. `build(question)` makes a new
 * row; `refresh(row, question)` brings a row up to date. Rows are keyed by question id.
 */
export function showQuestions(list, questions, build, refresh) {
  const rows = new Map();
  for (const row of list.children) rows.set(row.dataset.id, row);
  const before = new Map();
  const animate = !still() && list.isConnected && list.offsetParent !== null;
  if (animate) for (const [id, row] of rows) before.set(id, row.getBoundingClientRect().top);
  const wanted = new Set(questions.map((q) => q.id));
  for (const [id, row] of rows) if (!wanted.has(id)) row.remove();
  let previous = null;
  for (const question of questions) {
    let row = rows.get(question.id);
    if (!row) {
      row = build(question);
      row.dataset.id = question.id;
    }
    refresh(row, question);
    const next = previous ? previous.nextSibling : list.firstChild;
    if (row !== next) list.insertBefore(row, next);
    previous = row;
  }
  if (!animate) return;
  for (const row of list.children) {
    const was = before.get(row.dataset.id);
    if (was === undefined) {
      row.animate && row.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 300 });
      continue;
    }
    const delta = was - row.getBoundingClientRect().top;
    if (!delta) continue;
    row.style.transition = "none";
    row.style.transform = `translateY(${delta}px)`;
    // Let the browser draw it at its old place, then slide it home.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        row.style.transition = "transform 400ms ease";
        row.style.transform = "";
      }),
    );
  }
}

/** The text of a question as written: its own language and direction, whatever the page's. */
export function questionText(question, className = "qna-text") {
  return el("p", { class: className, lang: question.language || null, dir: "auto", text: question.text });
}
