// Texts in several languages: pick one, name a language, set the page direction.

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

/** A language's own name, e.g. "Русский" for ru; the code itself where unknown. */
export function languageName(code) {
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

/** The best of `available` for a browser preferring `wanted`, in its order of preference:
 * each wanted language matches exactly, or else by its primary subtag (ru-RU → ru). */
export function bestLanguage(wanted, available) {
  const lower = available.map((code) => code.toLowerCase());
  for (const want of wanted) {
    const code = String(want).toLowerCase();
    let index = lower.indexOf(code);
    if (index === -1) index = lower.findIndex((item) => item.split("-")[0] === code.split("-")[0]);
    if (index !== -1) return available[index];
  }
  return available[0];
}

/** A number for display, e.g. 3.5 or 1 234. */
export function formatNumber(value, lang, digits = 2) {
  if (value === null || value === undefined) return "–";
  try {
    return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
  } catch (error) {
    return String(Math.round(value * 100) / 100);
  }
}
