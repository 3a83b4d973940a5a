// How the manager's numbers are shown: rates as percentages, audit causes in words, today's
// work summed per hour, and what each fill rate means.

import type { HourCount } from "./gen/HourCount";

/** A rate (0 to 1) as a percentage with one decimal; a dash when nothing counts towards it. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "—";
  return `${(rate * 100).toFixed(1)}%`;
}

const CAUSES: Record<string, string> = {
  item_missing: "Item missing",
  item_extra: "Extra item",
  underweight: "Too light",
  overweight: "Too heavy",
  offline: "Scale offline",
  out_of_range: "Over/under range",
  unstable: "Not settled",
  stale: "Reading too old",
  cannot_audit: "No product weight",
  other: "Other",
};

export function causeLabel(cause: string): string {
  return CAUSES[cause] ?? cause;
}

/** Orders picked and packed per hour across stations and operators, hours in order. */
export function perHour(rows: HourCount[]): { hour: string; picked: number; packed: number }[] {
  const hours = new Map<string, { hour: string; picked: number; packed: number }>();
  for (const r of rows) {
    const hour = r.hour.slice(11, 16);
    const h = hours.get(hour) ?? { hour, picked: 0, packed: 0 };
    h.picked += r.picked_orders;
    h.packed += r.packed_orders;
    hours.set(hour, h);
  }
  return [...hours.values()].sort((a, b) => a.hour.localeCompare(b.hour));
}

/** The definitions, as written in the core's `fill_rate` module, for people. */
export const DEFINITIONS: { term: string; meaning: string }[] = [
  { term: "Unit fill", meaning: "units shipped ÷ units ordered." },
  { term: "Line fill", meaning: "order lines shipped complete ÷ order lines." },
  { term: "Order fill", meaning: "orders shipped complete, with nothing back-ordered ÷ orders." },
  { term: "Value fill", meaning: "value shipped ÷ value ordered, at the lines' prices." },
  {
    term: "First time / final",
    meaning:
      "first time counts only what left in the order's first shipment; final counts everything shipped so far, back orders included.",
  },
  {
    term: "Perfect order",
    meaning:
      "shipped complete, complete on or before its ship-by date, its weighing passed (an override is not a pass), and nothing returned damaged or wrong.",
  },
  {
    term: "Which orders count",
    meaning:
      "orders placed in the period that shipped something, have nothing left open, or are past their ship-by date. A line cancelled for want of stock counts as not shipped; an order cancelled whole before shipping is left out; returns do not change fill.",
  },
];
