import { describe, expect, it } from "vitest";
import type { Layout } from "./gen/Layout";
import {
  aisleX,
  binRect,
  binsInOrder,
  crossAisleY,
  depot,
  floor,
  length,
  pickPoint,
  racks,
  routeLegs,
  slotY,
  svgPoints,
  walk,
} from "./map";

// The worked example of layout.rs: 3 aisles, 2 blocks of 4 slots of 1 m, pitch 3 m, cross 2 m.
const worked: Layout = {
  name: "worked",
  aisles: 3,
  blocks: 2,
  slots_per_side: 4,
  slot_length_m: 1,
  aisle_pitch_m: 3,
  cross_aisle_m: 2,
  depot_x_m: 0,
};

describe("layout geometry, as the core computes it", () => {
  it("follows the benchmark's worked example", () => {
    expect(depot(worked)).toEqual({ x: 0, y: 1 });
    expect([0, 1, 2].map((k) => crossAisleY(worked, k))).toEqual([1, 7, 13]);
    expect(slotY(worked, 1, 1)).toBe(2.5);
    expect(slotY(worked, 2, 4)).toBe(11.5);
    expect(aisleX(worked, 3)).toBe(6);
    expect(pickPoint(worked, { aisle: 2, block: 2, slot: 1 })).toEqual({ x: 3, y: 8.5 });
  });

  it("puts the depot where the layout says", () => {
    expect(depot({ ...worked, depot_x_m: 4.5 })).toEqual({ x: 4.5, y: 1 });
  });

  it("draws racks either side of the walkway and a bin on its side", () => {
    const { left, right } = racks(worked, 2, 1);
    expect(left.x + left.width).toBeLessThan(3);
    expect(right.x).toBeGreaterThan(3);
    expect(left.y).toBe(2);
    expect(left.height).toBe(4);
    const bin = binRect(worked, { aisle: 2, block: 2, slot: 3, side: "R" });
    expect(bin).toEqual({ x: right.x, y: 10, width: right.width, height: 1 });
    expect(binRect(worked, { aisle: 2, block: 1, slot: 1, side: "L" }).x).toBe(left.x);
    expect(floor(worked)).toEqual({ x: -1.5, y: 0, width: 9, height: 14 });
  });
});

describe("walking between bins", () => {
  it("goes straight within one aisle", () => {
    const a = pickPoint(worked, { aisle: 1, block: 1, slot: 1 });
    const b = pickPoint(worked, { aisle: 1, block: 2, slot: 4 });
    expect(walk(worked, a, b)).toEqual([a, b]);
  });

  it("crosses at the front when both bins are near the front", () => {
    const a = pickPoint(worked, { aisle: 1, block: 1, slot: 1 }); // y 2.5
    const b = pickPoint(worked, { aisle: 3, block: 1, slot: 2 }); // y 3.5
    expect(walk(worked, a, b)).toEqual([a, { x: 0, y: 1 }, { x: 6, y: 1 }, b]);
  });

  it("crosses at the middle or the back when that is shorter", () => {
    const a = pickPoint(worked, { aisle: 1, block: 1, slot: 4 }); // y 5.5
    const b = pickPoint(worked, { aisle: 2, block: 2, slot: 1 }); // y 8.5
    expect(walk(worked, a, b)).toEqual([a, { x: 0, y: 7 }, { x: 3, y: 7 }, b]);
    const c = pickPoint(worked, { aisle: 2, block: 2, slot: 4 }); // y 11.5
    const d = pickPoint(worked, { aisle: 3, block: 2, slot: 4 });
    expect(walk(worked, c, d)).toEqual([c, { x: 3, y: 13 }, { x: 6, y: 13 }, d]);
  });

  it("leaves the depot along the front cross aisle", () => {
    const home = depot({ ...worked, depot_x_m: 4.5 });
    const b = pickPoint(worked, { aisle: 1, block: 2, slot: 1 });
    expect(walk({ ...worked, depot_x_m: 4.5 }, home, b)).toEqual([home, { x: 0, y: 1 }, b]);
  });

  it("only ever moves along x or y, so the path stays in the aisles", () => {
    const stops = [
      pickPoint(worked, { aisle: 3, block: 2, slot: 2 }),
      pickPoint(worked, { aisle: 1, block: 1, slot: 3 }),
      pickPoint(worked, { aisle: 2, block: 2, slot: 4 }),
    ];
    const legs = routeLegs(worked, stops);
    expect(legs).toHaveLength(4);
    expect(legs[0]![0]).toEqual(depot(worked));
    expect(legs[3]!.at(-1)).toEqual(depot(worked));
    for (const leg of legs) {
      for (let i = 1; i < leg.length; i++) {
        const [p, q] = [leg[i - 1]!, leg[i]!];
        expect(p.x === q.x || p.y === q.y).toBe(true);
        // Sideways moves happen on a cross aisle only.
        if (p.y === q.y && p.x !== q.x) expect([1, 7, 13]).toContain(p.y);
      }
    }
    // depot→(6,9.5): 6+8.5; →(0,4.5): 2.5+6+2.5 via y 7; →(3,11.5): 2.5+3+4.5 via 7; home: 10.5+3
    expect(legs.map(length)).toEqual([14.5, 11, 10, 13.5]);
  });

  it("takes one point per bin, in walking order", () => {
    const stops = [
      { seq: 2, bin: "b" },
      { seq: 1, bin: "a" },
      { seq: 2, bin: "b" },
      { seq: 3, bin: "c" },
    ];
    expect(binsInOrder(stops).map((s) => s.bin)).toEqual(["a", "b", "c"]);
  });

  it("writes SVG points", () => {
    expect(svgPoints([{ x: 0, y: 1 }, { x: 1.234, y: 2 }])).toBe("0,1 1.23,2");
  });
});
