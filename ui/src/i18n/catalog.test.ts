// The catalogs are complete and every screen speaks through them: a key a screen uses exists,
// English and Spanish have the same keys and placeholders, and no template holds bare English.

import { parse } from "svelte/compiler";
import { describe, expect, it } from "vitest";
import { catalogOf, language, setLanguage, t } from "./index.svelte";

// Every source file of the UI, as text, by its path from `src/`; generated types and tests left out.
const sources: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>(["../**/*.svelte", "../**/*.ts", "!../gen/**", "!../**/*.test.ts"], {
      query: "?raw",
      import: "default",
      eager: true,
    }),
  ).map(([path, text]) => [path.replace(/^\.\.\//, ""), text]),
);

const en = catalogOf("en");
const es = catalogOf("es");

/** Every `t("…")` with a literal key, with where it is. */
function keysUsed(): { key: string; at: string }[] {
  const used: { key: string; at: string }[] = [];
  for (const [file, text] of Object.entries(sources)) {
    for (const m of text.matchAll(/\bt\(\s*(["'])([\w.]+)\1/g)) {
      const line = text.slice(0, m.index).split("\n").length;
      used.push({ key: m[2]!, at: `${file}:${line}` });
    }
  }
  return used;
}

/** The base key of a plural variant: `floor.pick.items.one` → `floor.pick.items`. */
function known(catalog: Readonly<Record<string, string>>, key: string): boolean {
  return key in catalog || `${key}.other` in catalog;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

describe("catalogs", () => {
  it("has every key a screen asks for in English", () => {
    const missing = keysUsed().filter((u) => !known(en, u.key));
    expect(missing.map((u) => `${u.at} ${u.key}`)).toEqual([]);
  });

  it("has the same keys in English and Spanish", () => {
    expect(Object.keys(en).filter((k) => !(k in es))).toEqual([]);
    expect(Object.keys(es).filter((k) => !(k in en))).toEqual([]);
  });

  it("keeps the same placeholders in both languages", () => {
    const differ = Object.keys(en).filter((k) => {
      if (!(k in es)) return false;
      // A plural's `one` form may spell the number out ("un pedido"), so only `other` must keep it.
      const base = k.endsWith(".one") ? placeholders(en[k]!).filter((p) => p !== "count") : placeholders(en[k]!);
      const theirs = k.endsWith(".one") ? placeholders(es[k]!).filter((p) => p !== "count") : placeholders(es[k]!);
      return base.join() !== theirs.join();
    });
    expect(differ).toEqual([]);
  });

  it("has no Spanish string empty or left as its key", () => {
    const bad = Object.entries(es).filter(([k, v]) => v.trim() === "" || v === k);
    expect(bad).toEqual([]);
  });

  it("names keys by area, then screen or part, in lower camel case (a wire value as it is)", () => {
    const bad = Object.keys(en).filter((k) => !/^[a-z]+(\.[a-z0-9][a-zA-Z0-9_]*)+$/.test(k));
    expect(bad).toEqual([]);
  });
});

describe("t", () => {
  it("fills placeholders, picks plurals and falls back to English, then the key", () => {
    const before = language.current;
    try {
      setLanguage("en");
      expect(t("common.signOut")).toBe("Sign out");
      expect(t("no.such.key")).toBe("no.such.key");
      setLanguage("es");
      expect(t("common.signOut")).toBe("Cerrar sesión");
      expect(t("common.units", { count: 1 })).toBe("1 unidad");
      expect(t("common.units", { count: 3 })).toBe("3 unidades");
      expect(t("floor.pick.binOf", { seq: 2, last: 9 })).toBe("Ubicación 2 de 9");
      setLanguage("en");
      expect(t("floor.pick.binOf", { seq: 2 })).toBe("Bin 2 of {last}");
    } finally {
      setLanguage(before);
    }
  });
});

// Words a template may hold without a catalog: units, symbols, codes and names read the same
// in every language, and so do keys on the keyboard (`F10`, `Shift+F12`, `Alt+N`).
const ALLOWED = new Set(["Backroom", "g", "kg", "oz", "lb", "mm", "cm", "x", "×", "SKU", "GTIN", "PDF", "CSV", "ZPL", "OK"]);
const KEY = /^((Alt|Shift|Ctrl)\+)*(F\d{1,2}|[A-Z]|Enter|Esc|Tab|Del)$/;

// The attributes a person reads or hears.
const READ_ATTRIBUTES = new Set(["title", "placeholder", "aria-label", "alt", "label"]);

type Node = { type?: string; start?: number; data?: string; name?: string; value?: unknown };

/** The text a template shows outside `{…}`, with its offset in the file. */
function shownText(node: unknown, found: { text: string; start: number }[]): void {
  if (Array.isArray(node)) {
    for (const child of node) shownText(child, found);
    return;
  }
  if (!node || typeof node !== "object") return;
  const n = node as Node & Record<string, unknown>;
  if (n.type === "Text" && typeof n.data === "string") {
    found.push({ text: n.data, start: n.start ?? 0 });
    return;
  }
  if (n.type === "Attribute") {
    if (READ_ATTRIBUTES.has(n.name ?? "") && Array.isArray(n.value)) shownText(n.value, found);
    return;
  }
  // Script, style and the JavaScript inside `{…}` are not shown text.
  for (const [key, value] of Object.entries(n)) {
    if (key === "expression" || key === "instance" || key === "module" || key === "css") continue;
    if (key === "metadata" || key === "name_loc" || key === "loc") continue;
    shownText(value, found);
  }
}

function bareWords(text: string): boolean {
  const words = text.split(/[^\p{L}\p{N}+]+/u).filter((w) => /\p{L}/u.test(w));
  return words.some((w) => !ALLOWED.has(w) && !KEY.test(w));
}

describe("screens", () => {
  it("show no bare English: every word comes through t()", () => {
    const bare: string[] = [];
    for (const [file, source] of Object.entries(sources)) {
      if (!file.endsWith(".svelte")) continue;
      const ast = parse(source, { modern: true });
      const found: { text: string; start: number }[] = [];
      shownText(ast.fragment, found);
      for (const { text, start } of found) {
        if (!bareWords(text)) continue;
        const line = source.slice(0, start).split("\n").length;
        bare.push(`${file}:${line} ${JSON.stringify(text.trim())}`);
      }
    }
    expect(bare).toEqual([]);
  });
});
