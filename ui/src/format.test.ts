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

describe("the store's clock", () => {
  it("shows stored times in the store's zone, whatever the computer's", async () => {
    const { setStoreZone, storeZone, when, shortWhen, timeOfDay, storeToday } = await import("./format");
    const at = "2026-12-01T03:30:00Z";
    setStoreZone("America/Los_Angeles");
    expect(storeZone()).toBe("America/Los_Angeles");
    expect(when(at)).toBe("2026-11-30 19:30");
    expect(shortWhen(at)).toBe("Nov 30 19:30");
    expect(timeOfDay(at)).toBe("19:30");
    expect(storeToday(new Date(at))).toBe("2026-11-30");
    setStoreZone("Asia/Tokyo");
    expect(when(at)).toBe("2026-12-01 12:30");
    expect(storeToday(new Date(at))).toBe("2026-12-01");
    // A bare date is a date everywhere.
    expect(shortWhen("2026-11-14")).toBe("Nov 14");
    // An unknown name leaves the zone as it was.
    setStoreZone("Mars/Olympus_Mons");
    expect(storeZone()).toBe("Asia/Tokyo");
  });

  it("writes money with its currency", async () => {
    const { moneyIn } = await import("./format");
    expect(moneyIn(1299, "EUR")).toBe("€12.99");
    expect(moneyIn(1299, "usd")).toBe("$12.99");
    expect(moneyIn(1299, "")).toBe("12.99");
  });

  it("prints each currency's own decimals (ISO 4217 minor units)", async () => {
    const { money, moneyIn, minorUnits } = await import("./format");
    // Backroom keeps hundredths of the main unit whatever the currency: ¥1,200 is 120000.
    expect(moneyIn(120000, "JPY")).toBe("¥1,200");
    expect(moneyIn(120000, "krw")).toBe("₩1,200");
    expect(money(120000, "JPY")).toBe("1,200");
    expect(money(150, "JPY")).toBe("2");
    for (const code of ["ISK", "CLP", "VND"]) {
      expect(minorUnits(code)).toBe(0);
      expect(moneyIn(1250000, code)).not.toMatch(/\.\d/);
    }
    expect(moneyIn(1250, "KWD")).toMatch(/^KWD\s?12\.500$/);
    expect(money(1250, "BHD")).toBe("12.500");
    expect(minorUnits("EUR")).toBe(2);
    expect(minorUnits("")).toBe(2);
    // Text that is no currency code falls back to the number and the text.
    expect(moneyIn(1299, "EURO")).toBe("12.99 EURO");
  });
});

describe("station words", () => {
  it("says hold rules in words", async () => {
    const { holdRuleLabel, holdRuleShort, policyLabel } = await import("./format");
    expect(holdRuleLabel("country_mismatch")).toBe("Billing and shipping countries differ");
    expect(holdRuleLabel("payment")).toBe("Payment not captured");
    expect(holdRuleShort("customer_history")).toBe("History");
    expect(holdRuleLabel("something_new")).toBe("Something new");
    expect(policyLabel(null)).toBe("Store setting");
  });

  it("reads quantities typed at a station", async () => {
    const { parseQty, signed } = await import("./format");
    expect(parseQty("12")).toBe(12);
    expect(parseQty(" 3 ")).toBe(3);
    expect(parseQty("0")).toBeNull();
    expect(parseQty("0", 0)).toBe(0);
    expect(parseQty("4006381333931")).toBeNull();
    expect(parseQty("2x")).toBeNull();
    expect(signed(3)).toBe("+3");
    expect(signed(-2)).toBe("-2");
    expect(signed(0)).toBe("0");
  });

  it("reads the order number from a slip scan", async () => {
    const { slipOrderNumber } = await import("./format");
    expect(slipOrderNumber("]C0#1042\r")).toBe("#1042");
    expect(slipOrderNumber(" 1042 ")).toBe("1042");
    expect(slipOrderNumber("]C1SO-7")).toBe("SO-7");
  });
});
