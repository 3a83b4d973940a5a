import { describe, expect, it } from "vitest";
import type { HourCount } from "./gen/HourCount";
import { setLanguage } from "./i18n/index.svelte";
import { causeLabel, holdRuleName, perHour, percent, statusName } from "./reports";

describe("manager numbers", () => {
  it("shows rates as percentages and nothing as a dash", () => {
    expect(percent(0.95)).toBe("95.0%");
    expect(percent(1)).toBe("100.0%");
    expect(percent(null)).toBe("—");
  });

  it("names audit causes in words", () => {
    expect(causeLabel("item_missing")).toBe("Item missing");
    expect(causeLabel("something_new")).toBe("something_new");
  });

  it("speaks the language shown, and a code it has no words for stays readable", () => {
    setLanguage("es");
    try {
      expect(percent(0.953)).toBe("95,3\u00a0%");
      expect(causeLabel("underweight")).toBe("Demasiado ligero");
      expect(statusName("held")).toBe("Retenido");
      expect(holdRuleName("some_new_rule")).toBe("Some new rule");
    } finally {
      setLanguage("en");
    }
  });

  it("sums today's work per hour across stations", () => {
    const row = (hour: string, station: string, picked: number, packed: number): HourCount => ({
      hour: `2026-11-23T${hour}:00Z`,
      station,
      operator: "x",
      picked_units: picked * 2,
      picked_orders: picked,
      packed_orders: packed,
    });
    expect(perHour([row("10", "Pack 1", 0, 3), row("09", "Pick 1", 4, 0), row("10", "Pick 1", 2, 0)])).toEqual([
      { hour: "09:00", picked: 4, packed: 0 },
      { hour: "10:00", picked: 2, packed: 3 },
    ]);
  });
});
