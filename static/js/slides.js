// Slides and pictures: a slide's body (parsed by the server into paragraphs, lists and
// bold runs) and a bank picture, built with DOM calls. Bank text only ever becomes text
// nodes here: `<script>` in a bank shows as those characters.
import { el } from "./dom.js";
import { pick, setLanguage } from "./text.js";

/** Whether a question of the bank is a slide (shown, never opened for answers). */
export function isSlide(question) {
  return Boolean(question) && question.type === "slide";
}

function runs(items) {
  return items.map((run) => (run.bold ? el("strong", { text: run.text }) : run.text));
}

/** The blocks of a slide body (see docs/protocol.md, slides) as elements. */
export function blockNodes(blocks) {
  return (blocks || []).map((block) => {
    if (block.kind === "paragraph") return el("p", {}, runs(block.runs));
    const tag = block.kind === "numbered" ? "ol" : "ul";
    return el(tag, {}, block.items.map((item) => el("li", {}, runs(item))));
  });
}

/** A slide's body in `lang` (else the bank's default language), or null when it has none. */
export function slideBody(question, lang, fallback) {
  if (!question.blocks) return null;
  const chosen = question.blocks[lang] ? lang : fallback;
  const node = el("div", { class: "slide-body" }, blockNodes(question.blocks[chosen]));
  setLanguage(node, chosen);
  return node;
}

/** A bank picture at `size` ("phone" or "screen") with its alt text in `lang`, or null. */
export function picture(image, size, lang, fallback, className = "bank-image") {
  if (!image || !image.urls) return null;
  const alt = pick(image.alt, lang, fallback);
  const node = el("img", { class: className, src: image.urls[size], alt, decoding: "async" });
  node.lang = lang;
  return node;
}
