// The server's quiz timer, counted down on this device. The server's messages carry its clock
// (`now`) and the open question's `deadline`, both in milliseconds since the epoch: the gap
// between `now` and this device's clock is measured from each one, so a phone whose clock is
// wrong still shows the time the server keeps.
import { t } from "./i18n.js";

let offset = 0; // the server's clock minus this device's, in milliseconds
let deadline = null;
let ticker = 0;
const nodes = new Set();

/** Take the clock and the deadline from a server message that carries them. */
export function heard(message) {
  if (typeof message.now === "number") offset = message.now - Date.now();
  if (!("deadline" in message)) return;
  deadline = typeof message.deadline === "number" ? message.deadline : null;
  clearInterval(ticker);
  ticker = deadline === null ? 0 : setInterval(paint, 250);
  paint();
}

/** Milliseconds left on the server's clock, or null when the question has no running timer. */
export function remaining() {
  return deadline === null ? null : Math.max(0, deadline - (Date.now() + offset));
}

/** Show the countdown in `node` (kept up to date until it leaves the page). */
export function countdownIn(node) {
  nodes.add(node);
  paint();
  return node;
}

function paint() {
  const left = remaining();
  for (const node of nodes) {
    if (!node.isConnected && node.dataset.painted) {
      nodes.delete(node);
      continue;
    }
    node.dataset.painted = "1";
    node.hidden = left === null;
    node.textContent = left === null ? "" : t("quiz.timeLeft", { seconds: Math.ceil(left / 1000) });
    node.classList.toggle("is-ending", left !== null && left <= 5000);
  }
}
