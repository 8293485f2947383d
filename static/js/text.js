// Texts in several languages: pick one, match a reader's languages, name a language, and
// mark an element with its language and direction.

const RTL = ["ar", "fa", "he", "ur", "ps", "dv", "yi", "ckb"];

/** The text in `lang`, else in `fallback` (the bank's default language), else any. */
export function pick(text, lang, fallback) {
  if (text === null || text === undefined) return "";
  if (typeof text === "string") return text;
  if (text[lang] !== undefined) return text[lang];
  if (text[fallback] !== undefined) return text[fallback];
  const values = Object.values(text);
  return values.length ? values[0] : "";
}

// Own names that Intl.DisplayNames gets wrong or lacks on older phones.
const NAMES = {
  en: "English",
  ru: "Русский",
  uk: "Українська",
  fr: "Français",
  de: "Deutsch",
  es: "Español",
  it: "Italiano",
  ar: "العربية",
  "sr-Latn": "Srpski",
  sq: "Shqip",
  mk: "Македонски",
  tr: "Türkçe",
};

/** A language's own name, e.g. "Русский" for ru; the code itself where unknown. */
export function languageName(code) {
  if (NAMES[code]) return NAMES[code];
  try {
    const name = new Intl.DisplayNames([code], { type: "language" }).of(code);
    if (name && name !== code) return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch (error) {
    // Older browsers have no Intl.DisplayNames.
  }
  return code.toUpperCase();
}

/** Whether a language is written right to left. */
export function isRtl(code) {
  return RTL.indexOf(String(code).split("-")[0].toLowerCase()) !== -1;
}

/** Mark an element's content as being in `lang`, with its writing direction. */
export function setLanguage(node, lang) {
  node.lang = lang;
  node.dir = isRtl(lang) ? "rtl" : "ltr";
}

/** The first of `available` that a browser preferring `wanted` reads, or null: each wanted
 * language matches exactly, then the longest available code it starts with (sr-Latn-RS →
 * sr-Latn), then any available code with the same primary subtag (sr → sr-Latn, ru-RU → ru). */
export function matchLanguage(wanted, available) {
  const lower = available.map((code) => code.toLowerCase());
  for (const want of wanted) {
    if (!want) continue;
    const code = String(want).toLowerCase();
    let index = lower.indexOf(code);
    if (index === -1) {
      let best = 0;
      lower.forEach((item, i) => {
        if (code.startsWith(`${item}-`) && item.length > best) {
          best = item.length;
          index = i;
        }
      });
    }
    if (index === -1) index = lower.findIndex((item) => item.split("-")[0] === code.split("-")[0]);
    if (index !== -1) return available[index];
  }
  return null;
}
