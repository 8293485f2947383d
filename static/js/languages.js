// The languages of the presenter screen: the one or two bank languages the facilitator
// chose (`display_languages`), the controls that choose them, and bank texts shown in them.
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { languageName, pick, setLanguage } from "./text.js";

/** The bank languages the screen shows, first one first: the facilitator's choice, else the default. */
export function displayLanguages(view) {
  const bank = view.session ? view.session.languages : [];
  const chosen = (view.display_languages || []).filter((code) => bank.includes(code));
  return chosen.length ? chosen.slice(0, 2) : bank.slice(0, 1);
}

/** A text in each of `languages`: [{lang, text}], leaving out a translation identical to the
 * one before it (a plain-string text, or one the bank did not translate). */
export function inLanguages(value, languages, fallback) {
  const out = [];
  for (const lang of languages) {
    const text = pick(value, lang, fallback);
    if (!out.some((item) => item.text === text)) out.push({ lang, text });
  }
  return out;
}

/** Show a bank text in the screen's languages: one line per language, each marked with its
 * own `lang` and `dir` so that Arabic and English sit together correctly. */
export function showInLanguages(node, value, languages, fallback) {
  const items = inLanguages(value, languages, fallback);
  node.textContent = "";
  if (items.length === 1) {
    node.textContent = items[0].text;
    setLanguage(node, items[0].lang);
    node.classList.remove("is-bilingual");
    return;
  }
  node.removeAttribute("lang");
  node.removeAttribute("dir");
  node.classList.add("is-bilingual");
  items.forEach((item, index) => {
    const line = el("span", { class: `lang-line${index ? " is-second" : ""}`, text: item.text });
    setLanguage(line, item.lang);
    node.append(line);
  });
}

/** Fill the two selects that choose the screen's languages; false when the bank has only one. */
export function fillDisplayControls(first, second, view) {
  const bank = view.session.languages;
  const shown = displayLanguages(view);
  const firstOptions = bank.map((code) => [code, languageName(code)]);
  const secondOptions = [["", t("present.noSecondLanguage")]].concat(
    bank.filter((code) => code !== shown[0]).map((code) => [code, languageName(code)]),
  );
  fillOptions(first, firstOptions, shown[0]);
  fillOptions(second, secondOptions, shown[1] || "");
  return bank.length > 1;
}

function fillOptions(select, options, value) {
  const same =
    select.options.length === options.length &&
    options.every(([code, name], index) => select.options[index].value === code && select.options[index].textContent === name);
  if (!same) {
    select.textContent = "";
    for (const [code, name] of options) {
      const option = el("option", { value: code, text: name });
      if (code) option.lang = code;
      select.append(option);
    }
  }
  select.value = value;
}

/** The languages the two selects now say: [first] or [first, second]. */
export function chosenLanguages(first, second) {
  return second.value && second.value !== first.value ? [first.value, second.value] : [first.value];
}
