// A course's learning gain (/course/COURSE): the paired phones, and per question and overall
// the share correct and mean score before and after, the normalised gain and the confidence.
import { api, download, errorText } from "./api.js";
import { ensureToken } from "./auth.js";
import { $, el, fill, pathParts, toast } from "./dom.js";
import { browserLanguages, formatNumber, interfaceLanguage, language, languageSelector, savedLanguage, t, useLanguage } from "./i18n.js";
import { pick } from "./text.js";

const REFRESH_EVERY = 10000;
const courseId = pathParts()[1] || "";
const base = `/api/courses/${encodeURIComponent(courseId)}`;

const percent = (share) => formatNumber(share, { style: "percent", maximumFractionDigits: 0 });
const number = (value) => (value === null || value === undefined ? "–" : formatNumber(value, { maximumFractionDigits: 2 }));

/** "before → after", the arrow pointing the way the page reads (right to left in Arabic). */
function change(before, after) {
  return `${before} ${document.documentElement.dir === "rtl" ? "←" : "→"} ${after}`;
}

function row(label, line, lang) {
  return el(
    "tr",
    {},
    el("th", { scope: "row", dir: "auto", lang, text: label }),
    el("td", { text: percent(line.pre.share_correct) }),
    el("td", { text: percent(line.post.share_correct) }),
    el("td", { text: `${change(number(line.pre.mean_score), number(line.post.mean_score))} / ${formatNumber(line.max_score)}` }),
    el("td", { text: line.gain === null ? t("course.noRoom") : number(line.gain) }),
    el("td", { text: change(number(line.pre.mean_confidence), number(line.post.mean_confidence)) }),
  );
}

async function load() {
  let gain;
  try {
    gain = await api(`${base}/gain.json`);
  } catch (error) {
    toast(errorText(error));
    return;
  }
  const title = $("#title");
  title.textContent = gain.course.name;
  document.title = `${gain.course.name} · ${t("course.pageTitle")}`;
  const counts = t("course.counts", {
    paired: formatNumber(gain.paired),
    pre: formatNumber(gain.unpaired_pre),
    post: formatNumber(gain.unpaired_post),
  });
  $("#counts").textContent = gain.overall ? counts : `${counts} ${t("course.tooFew", { count: formatNumber(gain.min_paired) })}`;
  $("#gain").hidden = !gain.overall;
  if (!gain.overall) return fill($("#gain-body"), []);
  const lang = language();
  const rows = gain.questions.map((line) => row(pick(line.prompt, lang, Object.keys(line.prompt)[0]), line, lang));
  fill($("#gain-body"), row(t("course.overall"), gain.overall, lang), rows);
}

async function main() {
  await useLanguage(interfaceLanguage([savedLanguage()].filter(Boolean).concat(browserLanguages())));
  languageSelector($("#lang"), load);
  $("#export-csv").addEventListener("click", () => download(`${base}/gain.csv`).catch((error) => toast(errorText(error))));
  $("#export-json").addEventListener("click", () => download(`${base}/gain.json`).catch((error) => toast(errorText(error))));
  await ensureToken();
  await load();
  setInterval(() => {
    if (document.visibilityState === "visible") load();
  }, REFRESH_EVERY);
}

main();
