// The warehouse layout as a manager edits it: the form's draft, the same checks as Rust's
// `Layout::validate()` (crates/backroom-core/src/layout.rs), what a layout amounts to (bins,
// bin codes, floor size), what a new one changes, and the layout file in exactly the JSON that
// Backroom stores (the pick-path benchmark's format). Pure: no DOM, no calls.

import type { Layout } from "./gen/Layout";
import { t } from "./i18n/index.svelte";

/** The layout's fields in the order Rust serializes them (and the form shows them). */
export const FIELDS = [
  "name",
  "aisles",
  "blocks",
  "slots_per_side",
  "slot_length_m",
  "aisle_pitch_m",
  "cross_aisle_m",
  "depot_x_m",
] as const satisfies readonly (keyof Layout)[];

export type Field = (typeof FIELDS)[number];
export type CountField = "aisles" | "blocks" | "slots_per_side";
export type LengthField = "slot_length_m" | "aisle_pitch_m" | "cross_aisle_m" | "depot_x_m";

export const COUNT_FIELDS: CountField[] = ["aisles", "blocks", "slots_per_side"];
export const LENGTH_FIELDS: LengthField[] = ["slot_length_m", "aisle_pitch_m", "cross_aisle_m", "depot_x_m"];

/** How each field reads on screen, in the language shown. */
export function fieldLabel(field: Field): string {
  switch (field) {
    case "name":
      return t("manager.layout.field.name");
    case "aisles":
      return t("manager.layout.field.aisles");
    case "blocks":
      return t("manager.layout.field.blocks");
    case "slots_per_side":
      return t("manager.layout.field.slotsPerSide");
    case "slot_length_m":
      return t("manager.layout.field.slotLengthM");
    case "aisle_pitch_m":
      return t("manager.layout.field.aislePitchM");
    case "cross_aisle_m":
      return t("manager.layout.field.crossAisleM");
    case "depot_x_m":
      return t("manager.layout.field.depotXM");
  }
}

/** The form: a number input gives `null` while it is empty. */
export type LayoutDraft = {
  name: string;
  aisles: number | null;
  blocks: number | null;
  slots_per_side: number | null;
  slot_length_m: number | null;
  aisle_pitch_m: number | null;
  cross_aisle_m: number | null;
  depot_x_m: number | null;
};

/** Where a form starts when no layout is stored yet. */
export const NEW_LAYOUT: Layout = {
  name: "warehouse",
  aisles: 10,
  blocks: 1,
  slots_per_side: 20,
  slot_length_m: 1,
  aisle_pitch_m: 3,
  cross_aisle_m: 3,
  depot_x_m: 0,
};

export function draftOf(layout: Layout): LayoutDraft {
  return { ...layout };
}

export type Problem = { field: Field; message: string };
export type Checked = { layout: Layout; problems: [] } | { layout: null; problems: Problem[] };

const U32_MAX = 4_294_967_295;

/** x of aisle `a` (1-based), as Rust's `Layout::aisle_x`. */
export function aisleX(layout: Pick<Layout, "aisle_pitch_m">, aisle: number): number {
  return Math.max(aisle - 1, 0) * layout.aisle_pitch_m;
}

/**
 * The same rules as `Layout::validate()`, every broken one at once and worded for the form:
 * counts are whole numbers of at least 1, slot length and aisle pitch more than zero metres,
 * the cross-aisle width zero or more, and the depot on the front cross aisle between aisle 1
 * and the last aisle.
 */
export function checkDraft(draft: LayoutDraft): Checked {
  const problems: Problem[] = [];
  for (const field of COUNT_FIELDS) {
    const v = draft[field];
    const label = fieldLabel(field);
    if (v === null || Number.isNaN(v)) problems.push({ field, message: t("manager.layout.check.enterCount", { label }) });
    else if (!Number.isInteger(v) || v < 1) problems.push({ field, message: t("manager.layout.check.count", { label, value: v }) });
    else if (v > U32_MAX) problems.push({ field, message: t("manager.layout.check.atMost", { label, max: U32_MAX, value: v }) });
  }
  const lengths: [LengthField, boolean][] = [
    ["slot_length_m", false],
    ["aisle_pitch_m", false],
    ["cross_aisle_m", true],
  ];
  for (const [field, allowZero] of lengths) {
    const v = draft[field];
    const label = fieldLabel(field);
    if (v === null || Number.isNaN(v)) {
      const message = allowZero ? t("manager.layout.check.enterZeroOrMore", { label }) : t("manager.layout.check.enterMoreThanZero", { label });
      problems.push({ field, message });
    } else if (!Number.isFinite(v) || !(v > 0 || (allowZero && v === 0))) {
      const message = allowZero
        ? t("manager.layout.check.zeroOrMore", { label, value: v })
        : t("manager.layout.check.moreThanZero", { label, value: v });
      problems.push({ field, message });
    }
  }
  const depot = draft.depot_x_m;
  const aislesOk = !problems.some((p) => p.field === "aisles" || p.field === "aisle_pitch_m");
  const depotLabel = fieldLabel("depot_x_m");
  if (depot === null || Number.isNaN(depot)) {
    problems.push({ field: "depot_x_m", message: t("manager.layout.check.enterDepot", { label: depotLabel }) });
  } else if (aislesOk) {
    const maxX = aisleX({ aisle_pitch_m: draft.aisle_pitch_m as number }, draft.aisles as number);
    if (!(Number.isFinite(depot) && depot >= 0 && depot <= maxX)) {
      problems.push({
        field: "depot_x_m",
        message: t("manager.layout.check.depotRange", { label: depotLabel, max: metres(maxX), aisles: draft.aisles as number, value: depot }),
      });
    }
  } else if (!Number.isFinite(depot) || depot < 0) {
    problems.push({ field: "depot_x_m", message: t("manager.layout.check.depotPositive", { label: depotLabel, value: depot }) });
  }
  if (problems.length > 0) return { layout: null, problems };
  return {
    layout: {
      name: draft.name,
      aisles: draft.aisles as number,
      blocks: draft.blocks as number,
      slots_per_side: draft.slots_per_side as number,
      slot_length_m: draft.slot_length_m as number,
      aisle_pitch_m: draft.aisle_pitch_m as number,
      cross_aisle_m: draft.cross_aisle_m as number,
      depot_x_m: depot as number,
    },
    problems: [],
  };
}

/** A bin's code exactly as Rust's `BinCode` Display writes it: `A{aisle:02}-{block}-{slot:02}-{side}`. */
export function binCode(aisle: number, block: number, slot: number, side: "L" | "R"): string {
  return `A${String(aisle).padStart(2, "0")}-${block}-${String(slot).padStart(2, "0")}-${side}`;
}

/** Every slot has a bin on each side of its aisle: aisles × blocks × slots × 2. */
export function binCount(layout: Pick<Layout, CountField>): number {
  return layout.aisles * layout.blocks * layout.slots_per_side * 2;
}

/** The first and the last bin code, in Rust's `Layout::bins()` order. */
export function binRange(layout: Pick<Layout, CountField>): { first: string; last: string } {
  return {
    first: binCode(1, 1, 1, "L"),
    last: binCode(layout.aisles, layout.blocks, layout.slots_per_side, "R"),
  };
}

/**
 * The pick area's floor in metres. Width: every aisle with its racks on both sides takes one
 * aisle pitch (`aisles · pitch`). Depth: the blocks' storage and the cross aisles before, between
 * and behind them (`blocks · slots · slot length + (blocks + 1) · cross-aisle width`), the back
 * edge of the back cross aisle in the benchmark's coordinates.
 */
export function areaSize(layout: Layout): { width_m: number; depth_m: number } {
  const block = layout.slots_per_side * layout.slot_length_m;
  return {
    width_m: round(layout.aisles * layout.aisle_pitch_m),
    depth_m: round(layout.blocks * block + (layout.blocks + 1) * layout.cross_aisle_m),
  };
}

/** Where the depot sits on the front cross aisle: at an aisle or between two. */
export function depotPlace(layout: Pick<Layout, "depot_x_m" | "aisle_pitch_m">): string {
  const at = layout.depot_x_m / layout.aisle_pitch_m + 1;
  if (Math.abs(at - Math.round(at)) < 1e-9) return t("manager.layout.atAisle", { aisle: Math.round(at) });
  return t("manager.layout.betweenAisles", { from: Math.floor(at), to: Math.floor(at) + 1 });
}

/** Metres for people: at most 2 decimals, no trailing zeros. */
export function metres(m: number): string {
  return `${round(m)} m`;
}

function round(m: number): number {
  return Math.round(m * 100) / 100;
}

/** Bins a change of layout adds and leaves out (a bin is kept when its aisle, block and slot still fit). */
export function binChanges(from: Layout | null, to: Layout): { added: number; removed: number } {
  if (!from) return { added: binCount(to), removed: 0 };
  const kept = binCount({
    aisles: Math.min(from.aisles, to.aisles),
    blocks: Math.min(from.blocks, to.blocks),
    slots_per_side: Math.min(from.slots_per_side, to.slots_per_side),
  });
  return { added: binCount(to) - kept, removed: binCount(from) - kept };
}

const UNITS: Record<Field, string> = {
  name: "",
  aisles: "",
  blocks: "",
  slots_per_side: "",
  slot_length_m: " m",
  aisle_pitch_m: " m",
  cross_aisle_m: " m",
  depot_x_m: " m",
};

/**
 * What saving `to` over `from` changes, one line each: the bins first ("+120 bins",
 * "−600 bins"), then every field that differs ("aisles 12 → 14", "slot length 1.2 → 1.5 m").
 */
export function describeChanges(from: Layout | null, to: Layout): string[] {
  const { added, removed } = binChanges(from, to);
  const lines: string[] = [];
  if (added > 0) lines.push(t("manager.layout.change.added", { count: added }));
  if (removed > 0) lines.push(t("manager.layout.change.removed", { count: removed }));
  if (!from) return [...lines, t("manager.layout.change.newLayout")];
  for (const field of FIELDS) {
    if (from[field] === to[field]) continue;
    const label = fieldLabel(field).toLowerCase();
    lines.push(t("manager.layout.change.field", { label, from: from[field], to: to[field], unit: UNITS[field] }));
  }
  return lines;
}

/** The download's name: `layout-NAME.json`, the name kept to letters, digits, `.`, `_` and `-`. */
export function exportFileName(layout: Pick<Layout, "name">): string {
  const name = layout.name
    .replace(/[^\p{L}\p{N}._-]+/gu, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return `layout-${name || "warehouse"}.json`;
}

/**
 * A float as serde_json 1.0.154 writes an `f64`: the shortest digits that read back the same, a
 * whole number keeps `.0`, and from 1e16 up or below 1e-5 it switches to `1.5e+16`, `1e-6`.
 */
export function rustFloat(x: number): string {
  if (!Number.isFinite(x)) return "null"; // serde_json writes NaN and infinities as null
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa = "", exp = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const k = Number(exp) + 1; // where the decimal point goes, counted from the first digit
  const n = digits.length;
  if (n <= k && k <= 16) return `${sign}${digits}${"0".repeat(k - n)}.0`;
  if (0 < k && k <= 16) return `${sign}${digits.slice(0, k)}.${digits.slice(k)}`;
  if (-5 < k && k <= 0) return `${sign}0.${"0".repeat(-k)}${digits}`;
  const e = k - 1;
  const exponent = `e${e < 0 ? "-" : "+"}${Math.abs(e)}`;
  return n === 1 ? `${sign}${digits}${exponent}` : `${sign}${digits[0]}.${digits.slice(1)}${exponent}`;
}

/** The layout file: exactly the JSON Backroom stores (`serde_json::to_string(&layout)`). */
export function layoutJson(layout: Layout): string {
  const fields = [
    `"name":${JSON.stringify(layout.name)}`,
    `"aisles":${layout.aisles}`,
    `"blocks":${layout.blocks}`,
    `"slots_per_side":${layout.slots_per_side}`,
    `"slot_length_m":${rustFloat(layout.slot_length_m)}`,
    `"aisle_pitch_m":${rustFloat(layout.aisle_pitch_m)}`,
    `"cross_aisle_m":${rustFloat(layout.cross_aisle_m)}`,
    `"depot_x_m":${rustFloat(layout.depot_x_m)}`,
  ];
  return `{${fields.join(",")}}`;
}

export type ReadFile = { ok: true; draft: LayoutDraft } | { ok: false; message: string };

/**
 * Reads a layout file the way Rust's `Layout::from_json` does before it validates: `name`
 * defaults to "warehouse" and `depot_x_m` to 0, other keys are ignored, counts are whole numbers
 * of 0 or more and lengths are numbers. The ranges are left to `checkDraft`, so a file that reads
 * fills the form and the form says what is wrong with it.
 */
export function readLayoutFile(text: string): ReadFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: t("manager.layout.file.notJson", { problem: e instanceof Error ? e.message : String(e) }) };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: t("manager.layout.file.notObject") };
  }
  const o = value as Record<string, unknown>;
  const missing: string[] = [];
  const wrong: string[] = [];
  if (o.name !== undefined && typeof o.name !== "string") wrong.push(t("manager.layout.file.nameText"));
  for (const field of COUNT_FIELDS) {
    const v = o[field];
    if (v === undefined) missing.push(`\`${field}\``);
    else if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > U32_MAX) wrong.push(t("manager.layout.file.wholeNumber", { field }));
  }
  for (const field of LENGTH_FIELDS) {
    const v = o[field];
    if (v === undefined) {
      if (field !== "depot_x_m") missing.push(`\`${field}\``);
    } else if (typeof v !== "number") wrong.push(t("manager.layout.file.metres", { field }));
  }
  const gone = missing.length ? [t("manager.layout.file.missing", { fields: missing.join(", "), count: missing.length })] : [];
  const faults = [...gone, ...wrong];
  if (faults.length) return { ok: false, message: t("manager.layout.file.notLayout", { faults: faults.join("; ") }) };
  return {
    ok: true,
    draft: {
      name: (o.name as string | undefined) ?? "warehouse",
      aisles: o.aisles as number,
      blocks: o.blocks as number,
      slots_per_side: o.slots_per_side as number,
      slot_length_m: o.slot_length_m as number,
      aisle_pitch_m: o.aisle_pitch_m as number,
      cross_aisle_m: o.cross_aisle_m as number,
      depot_x_m: (o.depot_x_m as number | undefined) ?? 0,
    },
  };
}

/** Whether the form says the same as a stored layout. */
export function sameLayout(draft: LayoutDraft, layout: Layout | null): boolean {
  return !!layout && FIELDS.every((f) => draft[f] === layout[f]);
}
