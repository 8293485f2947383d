// What the phone, the presenter and the console share about a scenario's steps: finding a
// step, its body in a language, a track's status in words and the time before an inject moves
// on by itself.
import { timerIn } from "./countdown.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { blockNodes } from "./slides.js";
import { pick, setLanguage } from "./text.js";

/** The step of a scenario with this id, or null. */
export function stepOf(scenario, id) {
  return (scenario && scenario.steps.find((step) => step.id === id)) || null;
}

/** Whether nothing follows this step: the scenario ends there. */
export function isEnding(step) {
  return Boolean(step) && step.kind !== "decision" && !step.next;
}

/** A step's body in `lang` (else the bank's default language), or null when it has none:
 * the server's parsed blocks where it sends them (as for slides), else paragraphs of text. */
export function stepBody(step, lang, fallback, className = "slide-body") {
  let nodes = null;
  let shown = lang;
  if (step.blocks) {
    shown = step.blocks[lang] ? lang : fallback;
    nodes = blockNodes(step.blocks[shown]);
  } else if (step.body) {
    shown = step.body[lang] !== undefined ? lang : fallback;
    const text = pick(step.body, lang, fallback);
    nodes = text.split(/\n\s*\n/).filter((part) => part.trim()).map((part) => el("p", { text: part.trim() }));
  }
  if (!nodes || !nodes.length) return null;
  const node = el("div", { class: className }, nodes);
  setLanguage(node, shown);
  return node;
}

/** A track's status in words. */
export function statusText(status) {
  switch (status) {
    case "open":
      return t("scenario.statusOpen");
    case "tied":
      return t("scenario.statusTied");
    case "reading":
      return t("scenario.statusReading");
    case "held":
      return t("scenario.statusHeld");
    case "ended":
      return t("scenario.statusEnded");
    default:
      return t("scenario.statusWaiting");
  }
}

/** The seconds left before the track's inject moves on by itself, counted on the server's
 * clock, as a node with `props`; null while no timer runs (no `after`, held, or not an inject). */
export function moveOnTimer(track, props = {}) {
  if (!track || track.status !== "reading" || typeof track.deadline !== "number") return null;
  const node = el("p", { ...props, class: `countdown scen-countdown ${props.class || ""}`.trim(), role: "timer" });
  return timerIn(node, track.deadline, (seconds) => t("scenario.movesOn", { seconds }));
}

/** An option's label by id, in `lang`. */
export function optionLabel(step, id, lang, fallback) {
  const option = step && (step.options || []).find((o) => o.id === id);
  return option ? pick(option.label, lang, fallback) : id;
}

/** The decision the track has just settled (the visit it came to its step from, or the step
 * it ended at when an option led nowhere), or null. An ending's own visit, which the history
 * keeps once reached, is passed over. */
export function lastDecision(track) {
  const history = track.history || [];
  let last = history[history.length - 1];
  if (last && last.step === track.step && last.visit === track.visit && !last.choice) last = history[history.length - 2];
  return last && last.choice && (last.visit === track.visit - 1 || last.visit === track.visit) ? last : null;
}
