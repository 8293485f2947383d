// Home page (/): the banks, the sessions, and creating a session.
import { ApiError, api, download, errorText, exportLinks } from "./api.js";
import { ensureToken, forgetToken } from "./auth.js";
import { $, el, fill, toast } from "./dom.js";
import {
  browserLanguages,
  formatDate,
  formatNumber,
  interfaceLanguage,
  language,
  languageSelector,
  savedLanguage,
  t,
  useLanguage,
} from "./i18n.js";
import { courseChoice, loadCourses, wireCourses } from "./courses.js";
import { isRtl, languageName, matchLanguage, pick } from "./text.js";

const REFRESH_EVERY = 15000;
const BANKS_EVERY = 4000;

/** A bank's title: in the facilitator's language where the bank has it, else its default. */
function titleNode(tag, className, text, languages) {
  const lang = matchLanguage([language()], languages) || languages[0];
  return el(tag, { class: className, lang, dir: isRtl(lang) ? "rtl" : "ltr", text: pick(text, lang, languages[0]) });
}

function languageList(languages) {
  return languages.map((code) => `${languageName(code)} (${code})`).join(", ");
}

function statusLabel(status) {
  switch (status) {
    case "waiting":
      return t("home.statusWaiting");
    case "running":
      return t("home.statusRunning");
    case "ended":
      return t("home.statusEnded");
    default:
      return status;
  }
}

// -- banks ----------------------------------------------------------------------------

let banksShown = ""; // the bank list as last drawn, so that an unchanged list is left alone

/** Load the banks; redraw only when they changed (a file added, fixed or broken), or `force`. */
async function loadBanks(force = false) {
  const status = $("#banks-status");
  try {
    const { banks } = await api("/api/banks");
    const drawn = JSON.stringify(banks);
    if (drawn === banksShown && !force) return;
    banksShown = drawn;
    status.textContent = banks.length ? "" : t("home.noBanks");
    status.hidden = banks.length > 0;
    fill($("#banks"), banks.map(bankItem));
  } catch (error) {
    banksShown = "";
    status.hidden = false;
    status.textContent = t("home.banksFailed", { reason: errorText(error) });
  }
}

function bankItem(bank) {
  const errors = bank.errors || [];
  const warnings = bank.warnings || [];
  const list = (kind, lines) =>
    lines.length ? el("ul", { class: `bank-problems is-${kind}`, dir: "ltr", lang: "en" }, lines.map((line) => el("li", { text: line }))) : null;
  const body = el(
    "div",
    { class: "bank-body" },
    el(
      "p",
      { class: "bank-heading" },
      titleNode("span", "bank-title", bank.title, bank.languages),
      bank.ok ? null : el("span", { class: "bank-unusable", text: t("home.bankUnusable") }),
    ),
    // Each part isolated, so that ids and language names keep their order in Arabic.
    el(
      "p",
      { class: "bank-meta" },
      el("bdi", { dir: "ltr", text: bank.id }),
      " · ",
      el("bdi", { text: bank.ok ? t("home.questionCount", { count: bank.questions }) : t("home.bankBroken") }),
      " · ",
      el("bdi", { dir: "ltr", text: languageList(bank.languages) }),
    ),
    list("error", errors),
    list("warning", warnings),
  );
  const create = bank.ok
    ? el("button", { type: "button", class: "button primary", text: t("home.start"), onclick: (event) => createSession(bank, event.currentTarget) })
    : null;
  return el("li", { class: `bank${bank.ok ? "" : " has-problems"}`, "data-bank": bank.id }, body, create);
}

/** The limit typed on the home page: a whole number of phones, or null for none. */
function phoneLimit() {
  const limit = Number.parseInt($("#max-participants").value, 10);
  return Number.isFinite(limit) && limit > 0 ? limit : null;
}

/** The smallest group a breakdown shows, typed for this session; null: the server's default. */
function minGroup() {
  const k = Number.parseInt($("#min-group").value, 10);
  return Number.isFinite(k) ? k : null;
}

async function createSession(bank, button) {
  button.disabled = true;
  try {
    const session = await api("/api/sessions", {
      method: "POST",
      body: {
        bank: bank.id,
        hide_results: $("#hide-results").checked,
        phone_results: $("#phone-results").checked,
        max_participants: phoneLimit(),
        min_group: minGroup(),
        self_paced: $("#self-paced").checked,
        qna: $("#qna").checked || $("#premoderate").checked,
        premoderate: $("#premoderate").checked,
        ...courseChoice(),
      },
    });
    location.href = `/present/${encodeURIComponent(session.id)}`;
  } catch (error) {
    button.disabled = false;
    if (error instanceof ApiError && error.body.problems) {
      toast(t("home.bankInvalid", { problems: error.body.problems.join("; ") }));
    } else {
      toast(errorText(error));
    }
  }
}

// -- sessions -------------------------------------------------------------------------

async function loadSessions() {
  const status = $("#sessions-status");
  try {
    const { sessions } = await api("/api/sessions");
    status.hidden = sessions.length > 0;
    status.textContent = t("home.noSessions");
    $("#sessions").hidden = !sessions.length;
    fill($("#sessions-body"), sessions.map(sessionRow));
  } catch (error) {
    status.hidden = false;
    status.textContent = t("home.sessionsFailed", { reason: errorText(error) });
  }
}

function sessionRow(session) {
  const id = encodeURIComponent(session.id);
  const screen = `/screen/${id}/${encodeURIComponent(session.screen_key)}`;
  const created = formatDate(session.created);
  return el(
    "tr",
    {},
    el(
      "td",
      {},
      titleNode("div", "session-title", session.title, session.languages),
      el("div", {
        class: "session-created",
        text: [
          created,
          session.hide_results ? t("home.hiddenNote") : "",
          session.self_paced ? t("home.selfPacedNote") : "",
          session.course_role === "pre" ? t("home.rolePre") : session.course_role === "post" ? t("home.rolePost") : "",
        ].filter(Boolean).join(" · "),
      }),
    ),
    el("td", { class: "session-code", dir: "ltr", text: session.code }),
    el("td", {}, el("span", { class: "badge", "data-state": session.status, text: statusLabel(session.status) })),
    participantsCell(session),
    el(
      "td",
      {},
      el(
        "div",
        { class: "links" },
        el("a", { class: "button", href: `/present/${id}`, text: t("home.presenter") }),
        el("a", { class: "button", href: `/console/${id}`, text: t("present.console") }),
        el("a", { class: "button", href: screen, target: "_blank", rel: "noopener", text: t("home.screen") }),
      ),
    ),
    el(
      "td",
      {},
      el(
        "div",
        { class: "links" },
        exportLinks(session).map(([label, path]) =>
          el("button", {
            type: "button",
            class: "button",
            text: label,
            onclick: () => download(path).catch((error) => toast(errorText(error))),
          }),
        ),
        deleteButton(session),
      ),
    ),
  );
}

/** Delete a session and all its answers, after a second click to confirm. */
/** The phones that answered (what a report counts), and while the session runs the phones
 * connected now and, where there is a limit, the phones that joined against it. */
function participantsCell(session) {
  const answered = el("div", { text: t("common.answered", { count: formatNumber(session.answered || 0) }) });
  if (session.status === "ended") return el("td", {}, answered);
  const connected = el("div", { class: "session-created", text: t("home.connectedNow", { count: formatNumber(session.participants || 0) }) });
  if (!session.max_participants) return el("td", {}, answered, connected);
  // The limit counts the phones that joined over the session, not those connected now.
  const joined = t("console.joinedLimit", { count: formatNumber(session.joined || 0), limit: formatNumber(session.max_participants) });
  return el("td", {}, answered, connected, el("div", { class: "session-created", text: joined }));
}

function deleteButton(session) {
  let armed = 0;
  const button = el("button", { type: "button", class: "button quiet", text: t("home.delete") });
  button.addEventListener("click", async () => {
    if (!armed) {
      button.textContent = t("home.deleteConfirm");
      button.className = "button danger";
      armed = setTimeout(() => {
        armed = 0;
        button.textContent = t("home.delete");
        button.className = "button quiet";
      }, 4000);
      return;
    }
    clearTimeout(armed);
    button.disabled = true;
    try {
      await api(`/api/sessions/${encodeURIComponent(session.id)}`, { method: "DELETE" });
      toast(t("home.deleted"), "info");
    } catch (error) {
      toast(errorText(error));
    }
    loadSessions();
  });
  return button;
}

// -- start ----------------------------------------------------------------------------

async function main() {
  await useLanguage(interfaceLanguage([savedLanguage()].filter(Boolean).concat(browserLanguages())));
  languageSelector($("#lang"), () => {
    loadBanks(true);
    loadCourses();
    loadSessions();
  });
  $("#forget").addEventListener("click", () => {
    forgetToken();
    location.reload();
  });
  $("#refresh").addEventListener("click", loadSessions);
  wireCourses();
  await ensureToken();
  await loadBanks();
  await loadCourses();
  await loadSessions();
  setInterval(() => {
    if (document.visibilityState === "visible") {
      loadSessions();
      loadCourses();
    }
  }, REFRESH_EVERY);
  // Bank files change while the page is open (a trainer fixes one): list them as they are.
  setInterval(() => {
    if (document.visibilityState === "visible") loadBanks();
  }, BANKS_EVERY);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") loadSessions();
  });
}

main();
