import { describe, expect, it } from "vitest";
import { setLanguage } from "./i18n/index.svelte";
import type { ExpectedWeight } from "./gen/ExpectedWeight";
import type { Order } from "./gen/Order";
import type { OrderLine } from "./gen/OrderLine";
import type { PackBox } from "./gen/PackBox";
import type { ScaleStatus } from "./gen/ScaleStatus";
import type { Weighed } from "./gen/Weighed";
import {
  WeighTrigger,
  atZero,
  boxChoices,
  floorText,
  gaugePercent,
  loaded,
  packLines,
  printerTrouble,
  scaleCondition,
  scanItem,
  showWeight,
  typedWeight,
  unitsLeft,
  unscanLast,
  verdictView,
} from "./pack";

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

describe("a weight typed in the store's unit", () => {
  it("reads pounds and ounces together, as a scale in pounds shows them", () => {
    // 2 lb 3.5 oz = 907.18474 + 99.2233 g.
    expect(typedWeight("2 lb 3.5 oz", 1000)).toEqual({ grams: 1006.4 });
    expect(typedWeight("2lbs 3oz", 1000)).toEqual({ grams: 992.2 });
    expect(typedWeight("0 lb 12,5 oz", 1000)).toEqual({ grams: 354.4 });
  });

  it("takes a bare number in the store's unit", () => {
    expect(typedWeight("2.2", 1000, "lb")).toEqual({ grams: 997.9 });
    expect(typedWeight("35", 1000, "oz")).toEqual({ grams: 992.2 });
    expect(typedWeight("1", 1000, "kg")).toEqual({ grams: 1000 });
    expect(typedWeight("865", 1000)).toEqual({ grams: 865 });
    // A unit typed wins over the store's.
    expect(typedWeight("865 g", 1000, "lb")).toEqual({ grams: 865 });
  });

  it("refuses a barcode, and a weight no package of the order could weigh, in any unit", () => {
    expect(typedWeight("40063813", 1000, "lb")).toHaveProperty("error");
    expect(typedWeight("30 lb 2 oz", 1000)).toHaveProperty("error");
    expect(typedWeight("2 lb 3", 1000)).toBeNull();
    expect(typedWeight("lb 3 oz", 1000)).toBeNull();
  });
});

describe("weights as the bench shows them", () => {
  it("shows pounds and ounces where the store weighs in pounds", () => {
    expect(showWeight(1006.4, "lb")).toBe("2 lb 3.5 oz");
    expect(showWeight(453.59237, "lb")).toBe("1 lb 0 oz");
    expect(showWeight(340, "lb")).toBe("12 oz");
    // 15.99 oz rounds to a whole pound, never "0 lb 16 oz".
    expect(showWeight(453.3, "lb")).toBe("1 lb 0 oz");
  });

  it("shows grams, kilograms and ounces", () => {
    expect(showWeight(865, "g")).toBe("865 g");
    expect(showWeight(1234.5, "kg")).toBe("1.235 kg");
    expect(showWeight(340, "oz")).toBe("12 oz");
    expect(showWeight(-15, "g")).toBe("−15 g");
  });
});

describe("what the scale's reading means at the bench", () => {
  const status = (state: ScaleStatus["state"], grams: number | null = null) => ({ state, grams }) as ScaleStatus;

  it("asks for a re-zero instead of showing a weight under zero", () => {
    expect(scaleCondition(status("stable", -5))).toBe("needs_zero");
    expect(scaleCondition(status("motion", -0.2))).toBe("needs_zero");
    expect(scaleCondition(status("under"))).toBe("needs_zero");
    expect(scaleCondition(status("stable", 0))).toBe("settled");
    expect(scaleCondition(status("motion", 120))).toBe("weighing");
  });

  it("sends a scale that is unplugged, silent or faulty to reconnecting, and a sleeping one to wake", () => {
    for (const state of ["offline", "silent", "fault"] as const) expect(scaleCondition(status(state))).toBe("reconnecting");
    expect(scaleCondition(status("asleep"))).toBe("asleep");
    expect(scaleCondition(status("over"))).toBe("overloaded");
    expect(scaleCondition(null)).toBe("waiting");
  });

  it("knows a settled zero, as a USB scale shows after its ZERO key", () => {
    expect(atZero(status("stable", 0))).toBe(true);
    expect(atZero(status("motion", 0))).toBe(false);
    expect(atZero(status("stable", 5))).toBe(false);
    expect(atZero(null)).toBe(false);
  });
});

describe("box and contents", () => {
  it("takes the last item scanned back out, one at a time", () => {
    let lines = packLines(order([line("MUG", 2, 2), line("PEN", 1, 1)]));
    let scans: string[] = [];
    for (const sku of ["MUG", "PEN", "MUG"]) {
      const scanned = scanItem(lines, sku);
      if (!scanned.ok) throw new Error(scanned.message);
      lines = scanned.lines;
      scans = [...scans, sku];
    }
    const out = unscanLast(lines, scans)!;
    expect(out.line).toMatchObject({ sku: "MUG", scanned: 1 });
    expect(out.scans).toEqual(["MUG", "PEN"]);
    const again = unscanLast(out.lines, out.scans)!;
    expect(again.line).toMatchObject({ sku: "PEN", scanned: 0 });
    expect(unitsLeft(again.lines)).toBe(2);
    expect(unscanLast(packLines(order([line("MUG", 1, 1)])), [])).toBeNull();
  });

  it("offers the suggested box first, then the rest in their order", () => {
    const box = (code: string) => ({ code, name: code }) as PackBox;
    const all = [box("S"), box("M"), box("L")];
    expect(boxChoices(all, box("M")).map((b) => b.code)).toEqual(["M", "S", "L"]);
    expect(boxChoices(all, null).map((b) => b.code)).toEqual(["S", "M", "L"]);
  });
});

describe("the verdict panel", () => {
  const weighed = (verdict: Weighed["verdict"], status: Weighed["status"] = "picked") =>
    ({ verdict, status, weighing: { actual_g: 525 } }) as Weighed;

  it("says by how much and the likeliest cause of a failure, in the store's unit", () => {
    const fail = weighed({ kind: "fail", delta_g: -340.6, cause: "about one mug missing", finding: "item_missing" } as Weighed["verdict"]);
    expect(verdictView(fail)).toEqual({ tone: "fail", title: "Fail", amount: "Under by 341 g", cause: "about one mug missing", grams: 525 });
    expect(verdictView(fail, "lb").amount).toBe("Under by 12 oz");
    expect(verdictView({ ...fail, status: "packed" }).title).toBe("Fail · overridden");
  });

  it("keeps a pass green and no verdict neutral, without a weight to hold", () => {
    expect(verdictView(weighed({ kind: "pass", delta_g: -1.2 }, "packed"))).toEqual({
      tone: "pass",
      title: "Pass",
      amount: "",
      cause: "Packed · −1 g from expected",
      grams: 525,
    });
    const typed = { ...weighed({ kind: "pass", delta_g: 0.2 }, "packed") };
    typed.weighing = { ...typed.weighing, typed_by: "Morgan Reyes" };
    expect(verdictView(typed).cause).toBe("Packed · right on expected · typed weight approved by Morgan Reyes");
    const none = verdictView(weighed({ kind: "no_verdict", reason: "unstable", message: "keep it still" } as Weighed["verdict"]));
    expect(none).toMatchObject({ tone: "none", cause: "keep it still", grams: null });
  });
});

describe("messages at the bench", () => {
  it("says the host cannot be reached, not that an order was not found", () => {
    expect(floorText({ code: "transport", message: "cannot reach Backroom: Failed to fetch" }).title).toBe("Cannot reach the host — reconnecting…");
    expect(floorText({ code: "not_found", message: "no order `X1`" })).toEqual({ title: "Not found", text: "No order X1" });
  });

  it("puts printer trouble in the packer's words, details for the manager", () => {
    const trouble = printerTrouble("lp: The printer or class does not exist (queue `Slips`)");
    expect(trouble.text).toBe("Printer offline: call a manager");
    expect(trouble.details).toBe("lp: The printer or class does not exist (queue Slips)");
    const none = printerTrouble("this station has no printer: choose its CUPS queue in Settings, or name one (--printer)");
    expect(none.text).toBe("No printer is set up for this bench: call a manager");
  });
});

describe("the bench in Spanish", () => {
  const weighed = (verdict: Weighed["verdict"], status: Weighed["status"] = "picked") =>
    ({ verdict, status, weighing: { actual_g: 525 } }) as Weighed;

  it("gives the verdict, the refusals and the host's refusals in the packer's language", () => {
    setLanguage("es");
    try {
      const fail = weighed({ kind: "fail", delta_g: -341, cause: "about one mug missing", finding: "item_missing" } as Weighed["verdict"]);
      expect(verdictView(fail)).toMatchObject({
        title: "Incorrecto",
        amount: "Faltan 341 g",
        cause: "Parece que falta un artículo: compare la caja con la lista",
      });
      expect(verdictView(weighed({ kind: "pass", delta_g: 4 }, "packed")).cause).toBe("Empaquetado · +4 g respecto a lo esperado");
      const lines = [{ sku: "MUG-1", name: "Taza", want: 1, scanned: 1 }];
      expect(scanItem(lines, "PEN-1", "Bolígrafo")).toEqual({ ok: false, message: "Bolígrafo (PEN-1) no está en este pedido: sáquelo de la caja" });
      expect(scanItem(lines, "MUG-1")).toMatchObject({ message: "Ya está en la caja 1 × Taza: saque la unidad de más" });
      expect(typedWeight("036000291452", 500)).toEqual({ error: "Eso parece un código de barras, no un peso: escriba el peso que muestra la báscula" });
      // The host writes English: a code the floor knows is said in the catalog's words instead.
      expect(floorText({ code: "forbidden", message: "a manager must approve this" })).toEqual({
        title: "Rechazado",
        text: "Su función no permite hacer esto: debe aprobarlo un responsable.",
      });
      // What only the host can say (which order was not found) stays in its words.
      expect(floorText({ code: "not_found", message: "no order `X1`" })).toEqual({ title: "No encontrado", text: "No order X1" });
      expect(showWeight(1234, "kg")).toBe("1,234 kg");
    } finally {
      setLanguage("en");
    }
    expect(floorText({ code: "forbidden", message: "a manager must approve this" }).text).toBe("A manager must approve this");
  });
});
