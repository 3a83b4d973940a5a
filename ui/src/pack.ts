// The packing bench's rules, apart from the screen: what goes in the box, when a scan is
// refused, and when the scale's reading is ready to be judged. The verdict itself is the
// server's (`weigh`); this only decides when to ask for it.

import type { ExpectedWeight } from "./gen/ExpectedWeight";
import type { Order } from "./gen/Order";
import type { ScaleStatus } from "./gen/ScaleStatus";

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
  if (at < 0) return { ok: false, message: `${name} (${sku}) is not in this order: take it out of the box` };
  const line = lines[at]!;
  if (line.scanned >= line.want) {
    return { ok: false, message: `All ${line.want} × ${line.name} are already in the box: take the extra one out` };
  }
  const counted = { ...line, scanned: line.scanned + 1 };
  return { ok: true, lines: lines.map((l, i) => (i === at ? counted : l)), line: counted };
}

export function unitsLeft(lines: PackLine[]): number {
  return lines.reduce((n, l) => n + (l.want - l.scanned), 0);
}

/** Grams in one of each unit a bench may type. */
const UNIT_GRAMS: Record<string, number> = { g: 1, kg: 1000, oz: 28.349523125, lb: 453.59237, lbs: 453.59237 };

/** What a packer typed at a bench without a scale: a weight, a refusal, or not a weight at all. */
export type TypedWeight = { grams: number } | { error: string } | null;

/**
 * Reads a weight typed at a bench without a scale: a number with an optional unit (`865`,
 * `865 g`, `1.2 kg`, `1,2kg`, `2 lb`), in grams; grams when no unit is given. Text that is no
 * number is `null`: it is a scan for the screen to handle. A number no package of this order
 * could weigh (more than four times the expected weight and ten kilograms over it), or a long
 * run of digits with no unit, is a barcode scanned into the weight field and is refused, as
 * the server refuses it.
 */
export function typedWeight(text: string, expectedG: number): TypedWeight {
  const m = /^(\d+(?:[.,]\d+)?)\s*(g|kg|oz|lbs?)?$/i.exec(text.trim());
  if (!m) return null;
  const [, number, unit] = m;
  const barcode = { error: "That looks like a barcode, not a weight: type the weight the scale shows" };
  if (!unit && /^\d{8,}$/.test(number!)) return barcode;
  const grams = Number(number!.replace(",", ".")) * UNIT_GRAMS[(unit ?? "g").toLowerCase()]!;
  if (grams > Math.max(expectedG * 4, expectedG + 10_000)) return barcode;
  return { grams: Math.round(grams * 10) / 10 };
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
