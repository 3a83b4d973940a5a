// The words on every screen, in the language of the person at the station.
//
// Each area of the UI keeps its strings in `catalog/<area>.<language>.ts`; every catalog file is
// loaded here by name, so adding an area needs no edit to this file. A key missing in a language
// falls back to English, then to the key itself, so a gap shows up as a readable key rather than
// an empty label.

export type Language = "en" | "es";

/** The languages a station offers, each named in its own language. */
export const LANGUAGES: { code: Language; name: string }[] = [
  { code: "en", name: "English" },
  { code: "es", name: "Español" },
];

type Catalog = Record<string, string>;

/** Where a station remembers the language it shows before anyone signs in. */
const STATION_LANGUAGE = "backroom.language";

const files = import.meta.glob<{ default: Catalog }>("./catalog/*.ts", { eager: true });

/** Every language's strings, merged across areas. */
const catalogs: Record<Language, Catalog> = { en: {}, es: {} };
for (const [path, module] of Object.entries(files)) {
  const match = /\/[^/]+\.(en|es)\.ts$/.exec(path);
  if (!match) continue;
  Object.assign(catalogs[match[1] as Language], module.default);
}

/** The language shown now; markup that calls `t()` re-renders when it changes. */
export const language: { current: Language } = $state({ current: stationLanguage() });

export function isLanguage(code: unknown): code is Language {
  return LANGUAGES.some((l) => l.code === code);
}

export function setLanguage(lang: Language): void {
  language.current = lang;
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

/** The locale numbers and dates are written in for the language shown now. */
export function locale(): Language {
  return language.current;
}

const plurals = new Map<Language, Intl.PluralRules>();
function pluralRules(lang: Language): Intl.PluralRules {
  let rules = plurals.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    plurals.set(lang, rules);
  }
  return rules;
}

/** The text of `key` in `lang`, falling back to English; `undefined` when neither has it. */
function lookup(lang: Language, key: string, count: number | undefined): string | undefined {
  for (const from of lang === "en" ? [catalogs.en] : [catalogs[lang], catalogs.en]) {
    if (count !== undefined) {
      const form = pluralRules(from === catalogs.en ? "en" : lang).select(count);
      const plural = from[`${key}.${form}`] ?? from[`${key}.other`];
      if (plural !== undefined) return plural;
    }
    const text = from[key];
    if (text !== undefined) return text;
  }
  return undefined;
}

/**
 * The words for `key` in the current language, with `{name}` placeholders filled from `params`.
 * A key with `.one` / `.other` variants picks one by `params.count`.
 */
export function t(key: string, params?: Record<string, string | number>): string {
  const count = typeof params?.count === "number" ? params.count : undefined;
  const text = lookup(language.current, key, count) ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Every key of a language, for the catalog tests. */
export function catalogOf(lang: Language): Readonly<Catalog> {
  return catalogs[lang];
}

/**
 * The language a station shows before anyone signs in: the last one used on it, else the
 * browser's when it is one we have, else English.
 */
export function stationLanguage(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(STATION_LANGUAGE);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage may be refused (private windows); the browser's language still counts.
  }
  const browser = globalThis.navigator?.language?.slice(0, 2);
  return isLanguage(browser) ? browser : "en";
}

/** Shows `lang` and remembers it as this station's language. */
export function useLanguage(lang: Language): void {
  setLanguage(lang);
  try {
    globalThis.localStorage?.setItem(STATION_LANGUAGE, lang);
  } catch {
    // Not remembered; the station falls back to the browser's language next time.
  }
}

// The page says which language it is in from the start, for screen readers and hyphenation.
if (typeof document !== "undefined") document.documentElement.lang = language.current;
