// The interface in the reader's language: catalogues in /static/i18n/<code>.json (flat keys),
// {placeholders} and {count, plural, ...} messages, the page direction, and numbers and dates
// in the language's own format. A page loads one catalogue: every catalogue has every key
// (tests/test_i18n.py), so English is fetched only when the wanted one cannot be, or, as a
// safety net, once a key turns out to be missing.
import { isRtl, languageName, matchLanguage } from "./text.js";

/** The interface languages, in the order the language selector lists them. */
export const INTERFACE_LANGUAGES = ["en", "ru", "uk", "fr", "de", "es", "it", "ar", "sr-Latn", "sq", "mk", "tr"];

/** Where a browser keeps its reader's choice of language (the same on every page). */
export const LANG_KEY = "polling.lang";

const FALLBACK = "en";
const catalogues = new Map(); // code -> Promise of the catalogue
let current = null; // until a catalogue is loaded
let strings = {};
let english = {};
const pluralRules = new Map();
const numberFormats = new Map();

function fetchCatalogue(code) {
  if (!catalogues.has(code)) {
    const loading = fetch(`/static/i18n/${encodeURIComponent(code)}.json`).then((response) => {
      if (!response.ok) throw new Error(`${code}: HTTP ${response.status}`);
      return response.json();
    });
    // A failed fetch (the phone lost the network) may succeed next time.
    loading.catch(() => catalogues.delete(code));
    catalogues.set(code, loading);
  }
  return catalogues.get(code);
}

/** The reader's languages as the browser states them, most wanted first. */
export function browserLanguages() {
  const list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  return Array.prototype.filter.call(list, Boolean);
}

/** The interface language for a reader who wants `wanted` (in order): the first that has a
 * catalogue (ru-RU → ru, sr → sr-Latn, mk-MK → mk), else English. */
export function interfaceLanguage(wanted) {
  return matchLanguage(wanted, INTERFACE_LANGUAGES) || FALLBACK;
}

/** The stored choice of language on this browser, or null. */
export function savedLanguage() {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch (error) {
    return null;
  }
}

/** Remember the reader's choice of language on this browser. */
export function saveLanguage(code) {
  try {
    localStorage.setItem(LANG_KEY, code);
  } catch (error) {
    // Private browsing: the choice lasts for this visit.
  }
}

/** Load the catalogue of an interface language and switch the page to it: `lang` and `dir`
 * on <html>, and every [data-i18n] element. Resolves with the language in use: when the
 * catalogue cannot be fetched, the page keeps its language (English on the first load). */
export async function useLanguage(code) {
  const wanted = interfaceLanguage([code]);
  try {
    strings = await fetchCatalogue(wanted);
    current = wanted;
  } catch (error) {
    if (!Object.keys(strings).length) {
      try {
        strings = await fetchCatalogue(FALLBACK);
        current = FALLBACK;
      } catch (failure) {
        // Without any catalogue, strings show nothing rather than their names.
      }
    }
  }
  if (current === FALLBACK) english = strings;
  const root = document.documentElement;
  root.lang = current;
  root.dir = direction();
  translatePage();
  return current;
}

/** The interface language in use; null before the first catalogue is loaded. */
export function language() {
  return current;
}

/** The writing direction of the interface: "rtl" or "ltr". */
export function direction() {
  return isRtl(current || FALLBACK) ? "rtl" : "ltr";
}

function template(key) {
  const own = strings[key];
  if (typeof own === "string" && own) return { text: own, locale: current };
  const fallback = english[key];
  if (typeof fallback === "string" && fallback) return { text: fallback, locale: FALLBACK };
  loadEnglish();
  return null;
}

let englishAsked = false;

// A key missing from a catalogue: English is fetched once, for the strings asked for after it came.
function loadEnglish() {
  if (englishAsked || current === FALLBACK) return;
  englishAsked = true;
  fetchCatalogue(FALLBACK).then(
    (catalogue) => {
      english = catalogue;
    },
    () => {
      englishAsked = false;
    },
  );
}

/** The interface string `key` with its {placeholders} filled in from `values`; numbers are
 * written the language's way. A key missing from every catalogue gives "", never its name. */
export function t(key, values = {}) {
  const found = template(key);
  if (!found) {
    if (window.console) console.warn(`i18n: no string for ${key}`);
    return "";
  }
  return format(found.text, values, found.locale);
}

function matching(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === "{") depth += 1;
    else if (text[i] === "}") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function format(text, values, locale) {
  let out = "";
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf("{", at);
    const close = open === -1 ? -1 : matching(text, open);
    if (close === -1) {
      out += text.slice(at);
      break;
    }
    out += text.slice(at, open) + argument(text.slice(open + 1, close), values, locale);
    at = close + 1;
  }
  return out;
}

// {name} or {name, plural, one {# answer} other {# answers}}, with `#` for the number.
function argument(body, values, locale) {
  const parts = body.split(",");
  const name = parts[0].trim();
  const value = values[name];
  if (parts.length < 3 || parts[1].trim() !== "plural") return display(value, locale);
  const choices = {};
  const rest = parts.slice(2).join(",");
  let at = 0;
  while (at < rest.length) {
    const open = rest.indexOf("{", at);
    const close = open === -1 ? -1 : matching(rest, open);
    if (close === -1) break;
    choices[rest.slice(at, open).trim()] = rest.slice(open + 1, close);
    at = close + 1;
  }
  const count = Number(value);
  let branch = choices[`=${count}`];
  if (branch === undefined) branch = choices[pluralCategory(count, locale)];
  if (branch === undefined) branch = choices.other || "";
  return format(branch.replace(/#/g, display(count, locale)), values, locale);
}

function pluralCategory(count, locale) {
  try {
    if (!pluralRules.has(locale)) pluralRules.set(locale, new Intl.PluralRules(locale));
    return pluralRules.get(locale).select(count);
  } catch (error) {
    return count === 1 ? "one" : "other";
  }
}

function display(value, locale) {
  if (typeof value === "number") return formatNumber(value, {}, locale);
  return value === undefined || value === null ? "" : String(value);
}

/** A number written the interface language's way (digits, separators); "–" for none. */
export function formatNumber(value, options = {}, locale = current || FALLBACK) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const key = `${locale}|${JSON.stringify(options)}`;
  try {
    if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(locale, options));
    return numberFormats.get(key).format(value);
  } catch (error) {
    return String(value);
  }
}

/** A date and time written the interface language's way. */
export function formatDate(value, options = { dateStyle: "medium", timeStyle: "short" }) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value || "");
  try {
    return new Intl.DateTimeFormat(current || FALLBACK, options).format(date);
  } catch (error) {
    return date.toLocaleString();
  }
}

/** Fill `node` with the string `key`, putting the given nodes where its {placeholders} are:
 * "Join at {url} · code {code}" with {url: <b>, code: <b>}. */
export function fillTemplate(node, key, slots) {
  const found = template(key);
  const text = found ? found.text : "";
  node.textContent = "";
  text.split(/\{(\w+)\}/).forEach((part, index) => {
    if (index % 2 === 0) {
      if (part) node.append(part);
    } else if (slots[part]) {
      node.append(slots[part]);
    }
  });
}

const ATTRIBUTES = ["title", "aria-label", "alt", "placeholder"];

/** Translate the page's static text: [data-i18n] sets the text (keeping its [data-slot]
 * children in their placeholders), [data-i18n-title] and the like set attributes. */
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    const slotted = node.querySelectorAll("[data-slot]");
    if (slotted.length) {
      const slots = {};
      for (const slot of slotted) slots[slot.dataset.slot] = slot;
      fillTemplate(node, node.dataset.i18n, slots);
    } else {
      node.textContent = t(node.dataset.i18n);
    }
  }
  for (const name of ATTRIBUTES) {
    for (const node of root.querySelectorAll(`[data-i18n-${name}]`)) {
      node.setAttribute(name, t(node.getAttribute(`data-i18n-${name}`)));
    }
  }
}

/** Fill a <select> with languages by their own names ("Русский", "العربية", "Shqip"). */
export function fillLanguageSelect(select, codes, value) {
  const same = select.options.length === codes.length && codes.every((code, index) => select.options[index].value === code);
  if (!same) {
    select.textContent = "";
    for (const code of codes) {
      const option = document.createElement("option");
      option.value = code;
      option.lang = code;
      option.textContent = languageName(code);
      select.append(option);
    }
  }
  select.value = value;
}

/** Wire an interface-language selector: it lists the 12 languages, shows the one in use,
 * and on change loads the new catalogue, remembers it and calls `onChange(code)`. */
export function languageSelector(select, onChange) {
  fillLanguageSelect(select, INTERFACE_LANGUAGES, current || FALLBACK);
  select.addEventListener("change", async () => {
    const code = await useLanguage(select.value);
    saveLanguage(code);
    select.value = code;
    onChange(code);
  });
}
