// Home page (/): the banks, the sessions, and creating a session.
import { ApiError, api, download, exportLinks } from "./api.js";
import { ensureToken, forgetToken } from "./auth.js";
import { $, el, fill, toast } from "./dom.js";
import { languageName, pick } from "./text.js";

const STATUS_LABELS = { waiting: "Waiting", running: "Running", ended: "Ended" };
const REFRESH_EVERY = 15000;

function title(text, languages) {
  return pick(text, languages[0], languages[0]);
}

function languageList(languages) {
  return languages.map((code) => `${languageName(code)} (${code})`).join(", ");
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

// -- banks ----------------------------------------------------------------------------

async function loadBanks() {
  const status = $("#banks-status");
  try {
    const { banks } = await api("/api/banks");
    status.textContent = banks.length ? "" : "No banks found: put YAML question banks in the banks directory and reload.";
    status.hidden = !banks.length ? false : true;
    fill($("#banks"), banks.map(bankItem));
  } catch (error) {
    status.hidden = false;
    status.textContent = `Could not load the banks: ${error.message}`;
  }
}

function bankItem(bank) {
  const problems = bank.problems || [];
  const body = el(
    "div",
    { class: "bank-body" },
    el("p", { class: "bank-title", dir: "auto", text: title(bank.title, bank.languages) }),
    el("p", {
      class: "bank-meta",
      text: [bank.id, plural(bank.questions, "question", "questions"), languageList(bank.languages)].filter(Boolean).join(" · "),
    }),
    problems.length ? el("ul", { class: "bank-problems" }, problems.map((problem) => el("li", { text: problem }))) : null,
  );
  const create = bank.ok
    ? el("button", { type: "button", class: "button primary", text: "Start session", onclick: (event) => createSession(bank, event.currentTarget) })
    : null;
  return el("li", { class: `bank${bank.ok ? "" : " has-problems"}` }, body, create);
}

async function createSession(bank, button) {
  button.disabled = true;
  try {
    const session = await api("/api/sessions", {
      method: "POST",
      body: { bank: bank.id, hide_results: $("#hide-results").checked },
    });
    location.href = `/present/${encodeURIComponent(session.id)}`;
  } catch (error) {
    button.disabled = false;
    const problems = error instanceof ApiError && error.body.problems ? `: ${error.body.problems.join("; ")}` : "";
    toast(`${error.message}${problems}`);
  }
}

// -- sessions -------------------------------------------------------------------------

async function loadSessions() {
  const status = $("#sessions-status");
  try {
    const { sessions } = await api("/api/sessions");
    status.hidden = sessions.length > 0;
    status.textContent = "No sessions yet: start one from a bank above.";
    $("#sessions").hidden = !sessions.length;
    fill($("#sessions-body"), sessions.map(sessionRow));
  } catch (error) {
    status.hidden = false;
    status.textContent = `Could not load the sessions: ${error.message}`;
  }
}

function formatCreated(created) {
  const date = new Date(created);
  if (isNaN(date.getTime())) return created || "";
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function sessionRow(session) {
  const id = encodeURIComponent(session.id);
  const screen = `/screen/${id}/${encodeURIComponent(session.screen_key)}`;
  return el(
    "tr",
    {},
    el(
      "td",
      {},
      el("div", { class: "session-title", dir: "auto", text: title(session.title, session.languages) }),
      el("div", {
        class: "session-created",
        text: `${formatCreated(session.created)}${session.hide_results ? " · results hidden until revealed" : ""}`,
      }),
    ),
    el("td", { class: "session-code", text: session.code }),
    el("td", {}, el("span", { class: "badge", "data-state": session.status, text: STATUS_LABELS[session.status] || session.status })),
    el("td", { text: session.max_participants ? `${session.participants} / ${session.max_participants}` : String(session.participants) }),
    el(
      "td",
      {},
      el(
        "div",
        { class: "links" },
        el("a", { class: "button", href: `/present/${id}`, text: "Presenter" }),
        el("a", { class: "button", href: `/console/${id}`, text: "Console" }),
        el("a", { class: "button", href: screen, target: "_blank", rel: "noopener", text: "Screen" }),
      ),
    ),
    el(
      "td",
      {},
      el(
        "div",
        { class: "links" },
        exportLinks(session).map(([label, path, filename]) =>
          el("button", {
            type: "button",
            class: "button",
            text: label,
            onclick: () => download(path, filename).catch((error) => toast(error.message)),
          }),
        ),
        deleteButton(session),
      ),
    ),
  );
}

/** Delete a session and all its answers, after a second click to confirm. */
function deleteButton(session) {
  let armed = 0;
  const button = el("button", { type: "button", class: "button quiet", text: "Delete…" });
  button.addEventListener("click", async () => {
    if (!armed) {
      button.textContent = "Delete for good?";
      button.className = "button danger";
      armed = setTimeout(() => {
        armed = 0;
        button.textContent = "Delete…";
        button.className = "button quiet";
      }, 4000);
      return;
    }
    clearTimeout(armed);
    button.disabled = true;
    try {
      await api(`/api/sessions/${encodeURIComponent(session.id)}`, { method: "DELETE" });
      toast("Session deleted with all its answers", "info");
    } catch (error) {
      toast(error.message);
    }
    loadSessions();
  });
  return button;
}

// -- start ----------------------------------------------------------------------------

async function main() {
  $("#forget").addEventListener("click", () => {
    forgetToken();
    location.reload();
  });
  $("#refresh").addEventListener("click", loadSessions);
  await ensureToken();
  await loadBanks();
  await loadSessions();
  setInterval(() => {
    if (document.visibilityState === "visible") loadSessions();
  }, REFRESH_EVERY);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") loadSessions();
  });
}

main();
