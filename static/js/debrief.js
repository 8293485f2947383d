// The debrief page: /debrief/{session} shows a session's exercise from the server (facilitator
// token), and any debrief JSON exported before can be opened from disk, with no server data.
import { api, download, errorText } from "./api.js";
import { ensureToken } from "./auth.js";
import { $, pathParts } from "./dom.js";
import { browserLanguages, interfaceLanguage, language, languageSelector, savedLanguage, t, useLanguage } from "./i18n.js";
import { readDebrief, renderDebrief } from "./debriefview.js";
import { matchLanguage, pick } from "./text.js";

const sessionId = pathParts()[1] || "";
const endpoint = `/api/sessions/${encodeURIComponent(sessionId)}/scenario`;
let shown = null; // the debrief on the page

function status(message) {
  $("#debrief-status").textContent = message;
}

function render() {
  if (!shown) return;
  const lang = matchLanguage([language()], shown.languages) || shown.languages[0];
  const title = shown.session.title ? pick(shown.session.title, lang, shown.languages[0]) : "";
  $("#title").textContent = title ? `${t("scenario.debriefTitle")}: ${title}` : t("scenario.debriefTitle");
  document.title = $("#title").textContent;
  renderDebrief($("#debrief"), shown, lang);
}

function show(data, where) {
  try {
    shown = readDebrief(data);
  } catch (error) {
    status(t("scenario.notDebrief"));
    return;
  }
  status(where);
  render();
}

async function openFile(file) {
  if (!file) return;
  let data;
  try {
    data = JSON.parse(await file.text());
  } catch (error) {
    status(t("scenario.notDebrief"));
    return;
  }
  show(data, t("scenario.fromFile", { name: file.name }));
}

async function main() {
  await useLanguage(interfaceLanguage([savedLanguage()].filter(Boolean).concat(browserLanguages())));
  languageSelector($("#lang"), render);
  $("#debrief-file").addEventListener("change", (event) => openFile(event.target.files[0]));
  if (!sessionId) {
    status(t("scenario.openFileHint"));
    return;
  }
  await ensureToken();
  const button = $("#debrief-export");
  button.hidden = false;
  button.addEventListener("click", () => download(endpoint).catch((error) => status(errorText(error))));
  try {
    show(await api(endpoint), "");
  } catch (error) {
    status(errorText(error));
  }
}

main();
