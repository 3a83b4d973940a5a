// The packing bench's rules, apart from the screen: what goes in the box (and back out), when
// a scan is refused, when the scale's reading is ready to be judged, what a reading means for
// the packer, and how weights, verdicts and errors read at the bench. The verdict itself is the
// server's (`weigh`); this only decides when to ask for it and how to show it.

import type { ExpectedWeight } from "./gen/ExpectedWeight";
import type { Order } from "./gen/Order";
import type { PackBox } from "./gen/PackBox";
import type { ScaleStatus } from "./gen/ScaleStatus";
import type { Weighed } from "./gen/Weighed";
import type { WeightUnit } from "./gen/WeightUnit";
import { errorWords } from "./i18n/errors";
import { language, locale, t } from "./i18n/index.svelte";
import { hostLostWords } from "./rpc";

/** One product going into the box: how many, and how many are scanned in so far. */
export type PackLine = { sku: string; name: string; want: number; scanned: number };

/**
 * What goes into the box, line by line: what was picked, or, while nothing is picked yet, what
 * is still open. Lines with nothing going in are left out. The server counts the same way.
 */
export function packLines(order: Order): PackLine[] {
  const anyPicked = order.lines.some((l) => l.picked > 0);
  return order.lines
    .map((l) => ({
      sku: l.sku,
      name: l.name,
      want: anyPicked ? l.picked : l.qty - l.cancelled - l.shipped,
      scanned: 0,
    }))
    .filter((l) => l.want > 0);
}

export type ItemScan = { ok: true; lines: PackLine[]; line: PackLine } | { ok: false; message: string };

/** Counts one scanned unit of `sku` into the box; a product not in the order, or one too many, is refused. */
export function scanItem(lines: PackLine[], sku: string, name = sku): ItemScan {
  const at = lines.findIndex((l) => l.sku === sku);
  if (at < 0) return { ok: false, message: t("floor.pack.notInOrder", { name, sku }) };
  const line = lines[at]!;
  if (line.scanned >= line.want) {
    return { ok: false, message: t("floor.pack.alreadyInBox", { count: line.want, name: line.name }) };
  }
  const counted = { ...line, scanned: line.scanned + 1 };
  return { ok: true, lines: lines.map((l, i) => (i === at ? counted : l)), line: counted };
}

export type ItemUnscan = { lines: PackLine[]; scans: string[]; line: PackLine } | null;

/**
 * Takes the last unit scanned into the box back out (the packer pressed the un-scan key):
 * `scans` is the SKUs in the order they were scanned. `null` when nothing is scanned.
 */
export function unscanLast(lines: PackLine[], scans: string[]): ItemUnscan {
  const sku = scans.at(-1);
  const at = lines.findIndex((l) => l.sku === sku && l.scanned > 0);
  if (sku === undefined || at < 0) return null;
  const line = { ...lines[at]!, scanned: lines[at]!.scanned - 1 };
  return { lines: lines.map((l, i) => (i === at ? line : l)), scans: scans.slice(0, -1), line };
}

export function unitsLeft(lines: PackLine[]): number {
  return lines.reduce((n, l) => n + (l.want - l.scanned), 0);
}

/** Grams in one of each unit a bench may type. */
const UNIT_GRAMS: Record<string, number> = { g: 1, kg: 1000, oz: 28.349523125, lb: 453.59237, lbs: 453.59237 };

/** How far a passing weight is from the expected one: `+4 g from expected`, `right on expected`. */
function signedWeight(delta: number, unit: WeightUnit): string {
  const rounded = Math.round(delta);
  if (rounded === 0) return t("floor.pack.onExpected");
  return t("floor.pack.fromExpected", { weight: `${rounded < 0 ? "−" : "+"}${showWeight(Math.abs(rounded), unit)}` });
}

/** What a packer typed at a bench without a scale: a weight, a refusal, or not a weight at all. */
export type TypedWeight = { grams: number } | { error: string } | null;

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const POUNDS_AND_OUNCES = new RegExp(String.raw`^${NUMBER}\s*lbs?\s+${NUMBER}\s*oz$`, "i");
const ONE_UNIT = new RegExp(String.raw`^${NUMBER}\s*(g|kg|oz|lbs?)?$`, "i");

function num(text: string): number {
  return Number(text.replace(",", "."));
}

/**
 * Reads a weight typed at a bench: a number with an optional unit (`865`, `865 g`, `1.2 kg`,
 * `1,2kg`, `2 lb`), or pounds and ounces as a scale in pounds shows them (`2 lb 3.5 oz`), in
 * grams. A bare number is in the store's unit (`bare`, grams unless told). Text that is no
 * number is `null`: it is a scan for the screen to handle. A number no package of this order
 * could weigh (more than four times the expected weight and ten kilograms over it), or a long
 * run of digits with no unit, is a barcode scanned into the weight field and is refused, as
 * the server refuses it.
 */
export function typedWeight(text: string, expectedG: number, bare: WeightUnit = "g"): TypedWeight {
  const trimmed = text.trim();
  const both = POUNDS_AND_OUNCES.exec(trimmed);
  const one = both ? null : ONE_UNIT.exec(trimmed);
  if (!both && !one) return null;
  const barcode = { error: t("floor.pack.barcodeNotWeight") };
  if (one && !one[2] && /^\d{8,}$/.test(one[1]!)) return barcode;
  const grams = both
    ? num(both[1]!) * UNIT_GRAMS.lb! + num(both[2]!) * UNIT_GRAMS.oz!
    : num(one![1]!) * UNIT_GRAMS[(one![2] ?? bare).toLowerCase()]!;
  if (grams > Math.max(expectedG * 4, expectedG + 10_000)) return barcode;
  return { grams: Math.round(grams * 10) / 10 };
}

/**
 * A weight as the bench shows it in the store's unit: pounds and ounces where the store uses
 * pounds (`2 lb 5.6 oz`), ounces, kilograms, or grams. Grams are what is stored.
 */
export function showWeight(grams: number, unit: WeightUnit = "g"): string {
  const sign = grams < 0 ? "−" : "";
  const g = Math.abs(grams);
  const fixed = (n: number, digits: number) => n.toLocaleString(locale(), { maximumFractionDigits: digits });
  switch (unit) {
    case "lb": {
      const totalOz = Math.round((g / UNIT_GRAMS.oz!) * 10) / 10;
      const lb = Math.floor(totalOz / 16);
      const oz = Math.round((totalOz - lb * 16) * 10) / 10;
      return lb > 0 ? `${sign}${lb} lb ${fixed(oz, 1)} oz` : `${sign}${fixed(oz, 1)} oz`;
    }
    case "oz":
      return `${sign}${fixed(g / UNIT_GRAMS.oz!, 1)} oz`;
    case "kg":
      return `${sign}${fixed(g / 1000, 3)} kg`;
    case "g":
      return `${sign}${fixed(g, 1)} g`;
  }
}

/** What the scale's reading means for the packer, beyond the number. */
export type ScaleCondition =
  | "waiting"
  | "weighing"
  | "settled"
  | "needs_zero"
  | "overloaded"
  | "reconnecting"
  | "asleep";

/**
 * Sorts a scale status into what the bench shows: a weight, a "needs re-zero" prompt in place
 * of a weight under zero, an overload, or a scale to reconnect (unplugged, silent, faulty) or
 * wake (a USB scale that switched itself off).
 */
export function scaleCondition(status: ScaleStatus | null): ScaleCondition {
  if (!status) return "waiting";
  switch (status.state) {
    case "under":
      return "needs_zero";
    case "over":
    case "out_of_range":
      return "overloaded";
    case "offline":
    case "silent":
    case "fault":
      return "reconnecting";
    case "asleep":
      return "asleep";
    case "stable":
    case "motion":
      if (status.grams !== null && status.grams < 0) return "needs_zero";
      return status.state === "stable" ? "settled" : "weighing";
  }
}

/** The scale shows a settled zero: a USB scale's "stable at zero" after its ZERO key. */
export function atZero(status: ScaleStatus | null): boolean {
  return status?.state === "stable" && status.grams !== null && Math.abs(status.grams) < 0.5;
}

/** The boxes the packer chooses from: the suggested one first, then the rest smallest first. */
export function boxChoices(boxes: PackBox[], suggested: PackBox | null): PackBox[] {
  if (!suggested) return boxes;
  return [suggested, ...boxes.filter((b) => b.code !== suggested.code)];
}

/** The verdict as the bench shows it: its tone colours the whole screen. */
export type VerdictView = {
  tone: "pass" | "fail" | "none";
  title: string;
  /** How far off, such as `Under by 341 g`; empty for a pass or no verdict. */
  amount: string;
  /** The likeliest cause or what to do. */
  cause: string;
  /** The weight the verdict rests on, in grams; null when there was none to judge. */
  grams: number | null;
};

/**
 * The host's words where the station speaks English (they name the item likely missing), the
 * catalog's words for the same finding in any other language.
 */
function hostOr(host: string, key: string): string {
  return language.current === "en" ? host : t(key);
}

/** What the verdict panel says about a weighing, weights in the store's unit. */
export function verdictView(weighed: Weighed, unit: WeightUnit = "g"): VerdictView {
  const v = weighed.verdict;
  const grams = weighed.weighing.actual_g;
  const overridden = weighed.status === "packed" && v.kind !== "pass";
  switch (v.kind) {
    case "pass": {
      const typed = weighed.weighing.typed_by ? t("floor.pack.typedApprovedBy", { name: weighed.weighing.typed_by }) : "";
      const cause = t("floor.pack.passCause", { delta: signedWeight(v.delta_g, unit) }) + typed;
      return { tone: "pass", title: t("floor.pack.pass"), amount: "", cause, grams };
    }
    case "fail": {
      const off = showWeight(Math.abs(Math.round(v.delta_g)), unit);
      return {
        tone: "fail",
        title: overridden ? t("floor.pack.failOverridden") : t("floor.pack.fail"),
        amount: v.delta_g < 0 ? t("floor.pack.underBy", { weight: off }) : t("floor.pack.overBy", { weight: off }),
        cause: hostOr(v.cause, `floor.pack.finding.${v.finding}`),
        grams,
      };
    }
    case "no_verdict":
      return {
        tone: "none",
        title: overridden ? t("floor.pack.noVerdictOverridden") : t("floor.pack.noVerdict"),
        amount: "",
        cause: hostOr(v.message, `floor.pack.noVerdictWhy.${v.reason}`),
        grams: null,
      };
    case "cannot_audit":
      return {
        tone: "fail",
        title: overridden ? t("floor.pack.cannotAuditOverridden") : t("floor.pack.cannotAudit"),
        amount: "",
        cause: t("floor.pack.noWeightOnFile", { skus: v.skus.join(", ") }),
        grams: null,
      };
  }
}

/**
 * Whether a package is on the scale, not an empty pan or a hand resting on it: at least half
 * the box's tare. An empty box with nothing in it still counts, and fails.
 */
export function loaded(grams: number | null, exp: ExpectedWeight): boolean {
  return grams !== null && grams >= Math.max(5, exp.tare_g / 2);
}

/**
 * Where the live weight stands against the band that passes, for the gauge: the band is the
 * middle third of the scale drawn, so both "too light" and "too heavy" have room.
 */
export function gaugePercent(grams: number, exp: ExpectedWeight): number {
  const span = Math.max(exp.max_g - exp.min_g, 1);
  const percent = ((grams - (exp.min_g - span)) / (3 * span)) * 100;
  return Math.min(100, Math.max(0, percent));
}

/**
 * Decides when to ask the server for a verdict. A settled load is judged once; after that the
 * package must be lifted, moved or changed before it is judged again, so a failed box on the
 * scale does not fail over and over, and a repacked box is judged as soon as it settles. A
 * package left on the scale from the last order is never judged against the next one.
 */
export class WeighTrigger {
  private armed = true;
  private judged: number | null = null;

  /** Watches a status while the bench is not ready to weigh: a lifted or moving load re-arms. */
  see(status: ScaleStatus): void {
    if (status.state !== "stable" || status.grams === null || status.grams < 5) this.armed = true;
  }

  /** Feeds one scale status while ready to weigh; true when this reading should be judged now. */
  next(status: ScaleStatus, exp: ExpectedWeight): boolean {
    const settled = status.state === "stable" && loaded(status.grams, exp);
    if (!settled) {
      // Motion, an empty pan or a dropped scale: whatever comes next is a new weighing.
      this.armed = true;
      return false;
    }
    // A scale's last digit may flicker; a real change is more than a quarter of the band.
    const changed = this.judged !== null && Math.abs(status.grams! - this.judged) > exp.tolerance_g / 4;
    if (this.armed || changed) {
      this.armed = false;
      this.judged = status.grams;
      return true;
    }
    return false;
  }

  /** Judge the next settled reading even if unchanged (the packer asked, or chose another box). */
  rejudge(): void {
    this.armed = true;
  }

  /** A new order at the bench: a package already settled on the scale must move or change first. */
  startOrder(live: ScaleStatus | null): void {
    const left = live !== null && live.state === "stable" && live.grams !== null && live.grams >= 5;
    this.armed = !left;
    this.judged = left ? live.grams : null;
  }
}

/**
 * A message from the server as the bench shows it: no backticks. When no reply came at all the
 * host is unreachable, which is not the packer's "not found".
 */
export function floorText(error: { code?: string; message: string }): { title: string; text: string } {
  if (error.code === "transport") {
    const words = hostLostWords();
    return { title: words.title, text: words.check };
  }
  const title = error.code === "not_found" ? t("floor.pack.notFound") : t("floor.pack.refused");
  return { title, text: errorWords(error) };
}

/**
 * Printer trouble in the packer's words, with the details a manager needs kept apart: a
 * printer that is off, out of paper or missing is the same call at the bench.
 */
export function printerTrouble(message: string): { text: string; details: string } {
  const details = message.replace(/`/g, "");
  if (/has no printer/.test(message)) return { text: t("floor.slip.noPrinter"), details };
  return { text: t("floor.slip.printerOffline"), details };
}

/** A manager's approval given at the bench, with the weight typed when the scale is offline. */
export type Approval = { manager: string; pin?: string; reason: string; grams?: number };
