import { describe, expect, it } from "vitest";
import { count, grams, money, shortWhen } from "./format";

describe("station formats", () => {
  it("writes weights in g below a kilogram and kg above", () => {
    expect(grams(144)).toBe("144 g");
    expect(grams(1250)).toBe("1.25 kg");
    expect(grams(null)).toBe("not weighed");
  });

  it("writes cents as money", () => {
    expect(money(4897)).toBe("48.97");
    expect(money(5)).toBe("0.05");
  });

  it("shortens dates for table cells", () => {
    expect(shortWhen("2026-11-14")).toBe("Nov 14");
    expect(shortWhen(new Date(2026, 10, 13, 14, 54).toISOString())).toBe("Nov 13 14:54");
    expect(shortWhen(null)).toBe("—");
  });

  it("counts in words", () => {
    expect(count(1, "order")).toBe("1 order");
    expect(count(200, "order")).toBe("200 orders");
  });
});
