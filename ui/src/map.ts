// The warehouse map's geometry, in metres, as crates/backroom-core/src/layout.rs defines it:
// aisles run along y (away from the depot), x goes across them, cross aisles split the aisles
// into blocks, and the depot sits on the front cross aisle. A bin's pick point is on its
// aisle's centreline; the walk between two bins follows aisle and cross-aisle centrelines.

import type { Layout } from "./gen/Layout";

export type Point = { x: number; y: number };
export type Rect = { x: number; y: number; width: number; height: number };

/** Storage length of one block (`B = S·ℓ`). */
export function blockLength(l: Layout): number {
  return l.slots_per_side * l.slot_length_m;
}

/** x of aisle `a` (1-based). */
export function aisleX(l: Layout, aisle: number): number {
  return Math.max(0, aisle - 1) * l.aisle_pitch_m;
}

/** y of the centreline of cross aisle `k` (0 = front, `blocks` = back). */
export function crossAisleY(l: Layout, k: number): number {
  return l.cross_aisle_m / 2 + k * (blockLength(l) + l.cross_aisle_m);
}

/** y of the centre of slot `s` in block `j` (both 1-based). */
export function slotY(l: Layout, block: number, slot: number): number {
  return l.cross_aisle_m + Math.max(0, block - 1) * (blockLength(l) + l.cross_aisle_m) + (slot - 0.5) * l.slot_length_m;
}

/** The depot: a point on the front cross aisle. */
export function depot(l: Layout): Point {
  return { x: l.depot_x_m, y: crossAisleY(l, 0) };
}

/** The pick point of a bin, on its aisle's centreline. */
export function pickPoint(l: Layout, bin: { aisle: number; block: number; slot: number }): Point {
  return { x: aisleX(l, bin.aisle), y: slotY(l, bin.block, bin.slot) };
}

/** y where block `j` (1-based) starts, on the depot's side. */
export function blockStartY(l: Layout, block: number): number {
  return l.cross_aisle_m + (block - 1) * (blockLength(l) + l.cross_aisle_m);
}

/** The whole floor: from x = −pitch/2 to the last aisle + pitch/2, y from 0 to the back. */
export function floor(l: Layout): Rect {
  return {
    x: -l.aisle_pitch_m / 2,
    y: 0,
    width: l.aisles * l.aisle_pitch_m,
    height: l.blocks * (blockLength(l) + l.cross_aisle_m) + l.cross_aisle_m,
  };
}

// Of an aisle's pitch, the walkway in the middle takes this share; the racks share the rest.
const WALKWAY = 0.4;

/** The racks of one aisle in one block: left (smaller x) and right of the walkway. */
export function racks(l: Layout, aisle: number, block: number): { left: Rect; right: Rect } {
  const x = aisleX(l, aisle);
  const half = (l.aisle_pitch_m * WALKWAY) / 2;
  const depth = (l.aisle_pitch_m * (1 - WALKWAY)) / 2;
  const y = blockStartY(l, block);
  const height = blockLength(l);
  return {
    left: { x: x - half - depth, y, width: depth, height },
    right: { x: x + half, y, width: depth, height },
  };
}

/** The shelf face of one bin: a slot of the rack on its side of the aisle. */
export function binRect(l: Layout, bin: { aisle: number; block: number; slot: number; side: string }): Rect {
  const rack = racks(l, bin.aisle, bin.block)[bin.side === "L" ? "left" : "right"];
  return {
    x: rack.x,
    y: blockStartY(l, bin.block) + (bin.slot - 1) * l.slot_length_m,
    width: rack.width,
    height: l.slot_length_m,
  };
}

/**
 * The walk from `a` to `b` along centrelines. In one aisle (same x) straight; otherwise to the
 * cross aisle that makes the walk shortest (the front or back of the blocks they are in),
 * along it, and into the other aisle. The depot is on the front cross aisle, so a walk from it
 * starts sideways. Returns the corner points from `a` to `b`, both included.
 */
export function walk(l: Layout, a: Point, b: Point): Point[] {
  if (same(a.x, b.x)) return dedupe([a, b]);
  let best = 0;
  let bestCost = Infinity;
  for (let k = 0; k <= l.blocks; k++) {
    const y = crossAisleY(l, k);
    const cost = Math.abs(a.y - y) + Math.abs(b.y - y);
    if (cost < bestCost - 1e-9) {
      best = k;
      bestCost = cost;
    }
  }
  const y = crossAisleY(l, best);
  return dedupe([a, { x: a.x, y }, { x: b.x, y }, b]);
}

/** The length of a polyline. */
export function length(points: Point[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += Math.abs(points[i]!.x - points[i - 1]!.x) + Math.abs(points[i]!.y - points[i - 1]!.y);
  return total;
}

/**
 * The route's legs: depot → first stop → … → last stop → depot, each leg a polyline along
 * the centrelines. `stops` are pick points in walking order (one per bin).
 */
export function routeLegs(l: Layout, stops: Point[]): Point[][] {
  const home = depot(l);
  const points = [home, ...stops, home];
  const legs: Point[][] = [];
  for (let i = 1; i < points.length; i++) legs.push(walk(l, points[i - 1]!, points[i]!));
  return legs;
}

/** Stops sharing a `seq` are one bin: one point per seq, in seq order. */
export function binsInOrder<T extends { seq: number }>(stops: T[]): T[] {
  const seen = new Map<number, T>();
  for (const s of [...stops].sort((a, b) => a.seq - b.seq)) if (!seen.has(s.seq)) seen.set(s.seq, s);
  return [...seen.values()];
}

/** A polyline as an SVG `points` attribute. */
export function svgPoints(points: Point[]): string {
  return points.map((p) => `${round(p.x)},${round(p.y)}`).join(" ");
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function same(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

function dedupe(points: Point[]): Point[] {
  return points.filter((p, i) => i === 0 || !(same(p.x, points[i - 1]!.x) && same(p.y, points[i - 1]!.y)));
}
