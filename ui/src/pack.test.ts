import { describe, expect, it } from "vitest";
import type { ExpectedWeight } from "./gen/ExpectedWeight";
import type { Order } from "./gen/Order";
import type { OrderLine } from "./gen/OrderLine";
import type { ScaleStatus } from "./gen/ScaleStatus";
import { WeighTrigger, gaugePercent, loaded, packLines, scanItem, typedWeight, unitsLeft } from "./pack";

function line(sku: string, qty: number, picked: number, more: Partial<OrderLine> = {}): OrderLine {
  return {
    line_no: 1,
    sku,
    name: `${sku} name`,
    qty,
    unit_price_cents: 100,
    reserved: 0,
    picked,
    shipped: 0,
    cancelled: 0,
    returned: 0,
    backordered: 0,
    ...more,
  };
}

function order(lines: OrderLine[]): Order {
  return { lines } as Order;
}

// 2 × 340 g + 3 × 12 g in a 150 g box with 10 g of packing: 876 ± 20 g.
const exp = {
  tare_g: 150,
  expected_g: 876,
  tolerance_g: 20,
  min_g: 856,
  max_g: 896,
} as ExpectedWeight;

function stable(grams: number): ScaleStatus {
  return { state: "stable", grams } as ScaleStatus;
}

describe("what goes in the box", () => {
  it("counts what was picked, leaving out lines with nothing picked", () => {
    const lines = packLines(order([line("MUG", 2, 2), line("PEN", 3, 1), line("CAP", 1, 0)]));
    expect(lines.map((l) => [l.sku, l.want])).toEqual([
      ["MUG", 2],
      ["PEN", 1],
    ]);
  });

  it("counts what is still open when nothing is picked yet", () => {
    const lines = packLines(order([line("MUG", 5, 0, { cancelled: 1, shipped: 2 })]));
    expect(lines.map((l) => l.want)).toEqual([2]);
  });

  it("refuses a product not in the order, and one unit too many", () => {
    let lines = packLines(order([line("MUG", 2, 2)]));
    const stranger = scanItem(lines, "PEN", "Pen");
    expect(stranger).toEqual({ ok: false, message: "Pen (PEN) is not in this order: take it out of the box" });
    for (let i = 0; i < 2; i++) {
      const r = scanItem(lines, "MUG");
      if (!r.ok) throw new Error(r.message);
      lines = r.lines;
    }
    expect(unitsLeft(lines)).toBe(0);
    const extra = scanItem(lines, "MUG");
    expect(extra.ok).toBe(false);
    expect(!extra.ok && extra.message).toContain("already in the box");
  });
});

describe("the scale", () => {
  it("sees a package only from half the box's tare", () => {
    expect(loaded(0, exp)).toBe(false);
    expect(loaded(74, exp)).toBe(false);
    expect(loaded(75, exp)).toBe(true);
    expect(loaded(null, exp)).toBe(false);
  });

  it("draws the passing band as the middle third of the gauge", () => {
    expect(gaugePercent(856, exp)).toBeCloseTo(100 / 3);
    expect(gaugePercent(896, exp)).toBeCloseTo(200 / 3);
    expect(gaugePercent(0, exp)).toBe(0);
    expect(gaugePercent(5000, exp)).toBe(100);
  });

  it("judges a settled package once, and again only after it moved or changed", () => {
    const t = new WeighTrigger();
    expect(t.next(stable(0), exp)).toBe(false);
    expect(t.next({ state: "motion", grams: 500 } as ScaleStatus, exp)).toBe(false);
    expect(t.next(stable(536), exp)).toBe(true);
    expect(t.next(stable(536), exp)).toBe(false);
    expect(t.next(stable(539), exp)).toBe(false);
    // An item added: judged at once, even without motion in between.
    expect(t.next(stable(875), exp)).toBe(true);
    // Lifted off and put back: judged again.
    expect(t.next(stable(0), exp)).toBe(false);
    expect(t.next(stable(875), exp)).toBe(true);
    expect(t.next({ state: "offline", grams: null } as ScaleStatus, exp)).toBe(false);
    expect(t.next(stable(875), exp)).toBe(true);
    t.rejudge();
    expect(t.next(stable(875), exp)).toBe(true);
  });

  it("does not judge the last order's package against the next order", () => {
    const t = new WeighTrigger();
    t.startOrder(stable(865));
    expect(t.next(stable(865), exp)).toBe(false);
    expect(t.next(stable(525), exp)).toBe(true);

    t.startOrder(stable(865));
    // Lifted while the items were scanned: the package put down next is judged.
    t.see(stable(0));
    expect(t.next(stable(865), exp)).toBe(true);

    t.startOrder(stable(0));
    expect(t.next(stable(865), exp)).toBe(true);
  });
});

describe("a weight typed at a bench without a scale", () => {
  it("reads a number with an optional unit as grams", () => {
    expect(typedWeight("865", 860)).toEqual({ grams: 865 });
    expect(typedWeight(" 865 g ", 860)).toEqual({ grams: 865 });
    expect(typedWeight("1.2 kg", 860)).toEqual({ grams: 1200 });
    expect(typedWeight("1,2kg", 860)).toEqual({ grams: 1200 });
    expect(typedWeight("2 lb", 860)).toEqual({ grams: 907.2 });
    expect(typedWeight("30 OZ", 860)).toEqual({ grams: 850.5 });
  });

  it("refuses a barcode scanned into the weight field", () => {
    for (const code of ["7600007004389", "036000291452", "50000"]) {
      expect(typedWeight(code, 860)).toEqual({
        error: "That looks like a barcode, not a weight: type the weight the scale shows",
      });
    }
    // A heavy order may weigh what a short number says.
    expect(typedWeight("50000", 45_000)).toEqual({ grams: 50_000 });
  });

  it("leaves text that is no number to the scan", () => {
    expect(typedWeight("BR-10001", 860)).toBeNull();
    expect(typedWeight("BOX-S", 860)).toBeNull();
    expect(typedWeight("", 860)).toBeNull();
  });
});
