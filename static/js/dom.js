// Small DOM helpers. Text always goes in as text nodes, never as HTML.

/** Create an element: props sets classes, attributes, listeners; children are nodes or text. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  append(node, children);
  return node;
}

// Plain loops rather than Array.flat and replaceChildren, for older phones.
function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

/** The first element matching a selector. */
export const $ = (selector, root = document) => root.querySelector(selector);

/** Replace an element's children. */
export function fill(node, ...children) {
  node.textContent = "";
  append(node, children);
  return node;
}

let toastTimer = 0;

/** Show a short message at the bottom of the page for a few seconds. */
export function toast(message, kind = "error") {
  let node = $(".toast");
  if (!node) {
    node = el("div", { class: "toast", role: "status", "aria-live": "polite" });
    document.body.append(node);
  }
  node.textContent = message;
  node.dataset.kind = kind;
  node.classList.add("is-visible");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => node.classList.remove("is-visible"), 4000);
}

/** The session id (and screen key) from /present/{id}, /console/{id}, /screen/{id}/{key}. */
export function pathParts() {
  return location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
}
