// The server's timers, counted down on this device: the quiz's open question and an exercise's
// inject that moves on by itself. The server's messages carry its clock (`now`) and the
// deadlines, all in milliseconds since the epoch: the gap between `now` and this device's clock
// is measured from each one, so a device whose clock is wrong still shows the time the server
// keeps.
import { t } from "./i18n.js";

let offset = 0; // the server's clock minus this device's, in milliseconds
let quizDeadline = null;
let ticker = 0;
// Each node shown: when its time is up (a function, as the quiz's deadline changes under a
// node that stays on the page) and its words for the seconds left.
const nodes = new Map();

/** Take the clock (and the quiz's deadline, when it has one) from a server message. */
export function heard(message) {
  if (message && typeof message.now === "number") offset = message.now - Date.now();
  if (!message || !("deadline" in message)) return;
  quizDeadline = typeof message.deadline === "number" ? message.deadline : null;
  tick();
}

/** Milliseconds left on the server's clock until `deadline` (the quiz's by default), or null
 * when there is no running timer. */
export function remaining(deadline = quizDeadline) {
  return typeof deadline === "number" ? Math.max(0, deadline - (Date.now() + offset)) : null;
}

/** Show the quiz's countdown in `node` (kept up to date until it leaves the page). */
export function countdownIn(node) {
  return watch(node, () => quizDeadline, (seconds) => t("quiz.timeLeft", { seconds }));
}

/** Show the time left until `deadline` (ms on the server's clock, or null: none) in `node`,
 * worded by `words(seconds)`, kept up to date until it leaves the page. */
export function timerIn(node, deadline, words) {
  return watch(node, () => deadline, words);
}

function watch(node, deadline, words) {
  nodes.set(node, { deadline, words });
  tick();
  return node;
}

/** Paint now, and keep painting four times a second while some node has a running timer. */
function tick() {
  const running = paint();
  if (running && !ticker) ticker = setInterval(tick, 250);
  if (!running && ticker) {
    clearInterval(ticker);
    ticker = 0;
  }
}

function paint() {
  let running = false;
  for (const [node, timer] of nodes) {
    // A node is painted once before it joins the page; once gone from it, it is forgotten.
    if (!node.isConnected && node.dataset.painted) {
      nodes.delete(node);
      continue;
    }
    node.dataset.painted = "1";
    const left = remaining(timer.deadline());
    running = running || left !== null;
    node.hidden = left === null;
    node.textContent = left === null ? "" : timer.words(Math.ceil(left / 1000));
    node.classList.toggle("is-ending", left !== null && left <= 5000);
  }
  return running;
}
