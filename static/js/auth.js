// The facilitator token: taken from /#token=..., kept in localStorage, asked for when missing.
import { el } from "./dom.js";
import { t } from "./i18n.js";

const KEY = "polling.token";

/** The stored token, or null. */
export function token() {
  return localStorage.getItem(KEY);
}

/** Forget the stored token (it was refused). */
export function forgetToken() {
  localStorage.removeItem(KEY);
}

/** Store a token given as #token=... in the URL, and take it out of the address bar. */
function takeTokenFromHash() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!match) return;
  const value = decodeURIComponent(match[1]).trim();
  if (value) localStorage.setItem(KEY, value);
  history.replaceState(null, "", location.pathname + location.search);
}

let asking = null;

/** Show a small form asking for the token; resolves with it once entered. */
export function askToken(message = "") {
  if (asking) return asking;
  asking = new Promise((resolve) => {
    const input = el("input", {
      type: "password",
      name: "token",
      id: "auth-token",
      autocomplete: "off",
      required: true,
      spellcheck: "false",
    });
    const form = el(
      "form",
      { class: "auth-box" },
      el("h1", { text: t("auth.title") }),
      el("p", { class: "muted", text: t("auth.explain") }),
      message ? el("p", { class: "auth-error", role: "alert", text: message }) : null,
      el("label", { for: "auth-token", text: t("auth.label") }),
      input,
      el("button", { type: "submit", class: "button primary", text: t("auth.continue") }),
    );
    const overlay = el("div", { class: "auth" }, form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) return;
      localStorage.setItem(KEY, value);
      overlay.remove();
      asking = null;
      resolve(value);
    });
    document.body.append(overlay);
    input.focus();
  });
  return asking;
}

/** The token: from the URL, from storage, or asked for. */
export async function ensureToken() {
  takeTokenFromHash();
  return token() || askToken();
}
