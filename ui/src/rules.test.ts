import { describe, expect, it } from "vitest";
import { rulesChanged, rulesForm, rulesFromForm, type Rules } from "./rules";

const saved: Rules = {
  holds: {
    hold_uncaptured_payment: true,
    check_address: true,
    require_house_number: true,
    country_mismatch_over_cents: 25000,
    history_share_percent: 50,
    history_min_orders: 2,
  },
  orders: { auto_release: true, backorder_policy: "ship_available" },
  stock: { adjustment_reasons: ["damaged", "lost"], recount_over_units: 2, recount_over_percent: 10 },
  planning: { service_level: 0.975, lead_time_days: 7, history_days: 90, order_cycle_days: 14 },
  shipping: { default_carrier: "Royal Mail", default_service: "Tracked 48" },
  security: { ship_only_weighed: true, managers_need_badge_and_pin: false },
};

describe("store rules in the settings form", () => {
  it("round-trips the saved rules", () => {
    const form = rulesForm(saved);
    expect(form.country_mismatch_over).toBe("250");
    expect(form.adjustment_reasons).toBe("damaged\nlost");
    expect(form.service_level_percent).toBe("97.5");
    expect(rulesFromForm(form)).toEqual(saved);
    expect(rulesChanged(saved, form)).toBe(false);
  });

  it("reads an empty threshold as off and amounts as cents", () => {
    const form = { ...rulesForm(saved), country_mismatch_over: "99.5", history_share_percent: " " };
    const rules = rulesFromForm(form);
    expect("error" in rules).toBe(false);
    if ("error" in rules) return;
    expect(rules.holds.country_mismatch_over_cents).toBe(9950);
    expect(rules.holds.history_share_percent).toBeNull();
    expect(rulesChanged(saved, form)).toBe(true);
  });

  it("refuses what the server would refuse, saying what to fix", () => {
    const form = rulesForm(saved);
    expect(rulesFromForm({ ...form, service_level_percent: "100" })).toEqual({
      error: "The service level must be a number from 50 to 99.99",
    });
    expect(rulesFromForm({ ...form, history_days: "3" })).toEqual({
      error: "The days of demand history must be a whole number from 7 to 730",
    });
    expect(rulesFromForm({ ...form, history_share_percent: "120" })).toEqual({
      error: "The history share must be a whole number from 0 to 100",
    });
    expect(rulesFromForm({ ...form, adjustment_reasons: " \n " })).toEqual({
      error: "Keep at least one adjustment reason code",
    });
    expect("error" in rulesFromForm({ ...form, country_mismatch_over: "abc" })).toBe(true);
    expect("error" in rulesFromForm({ ...form, recount_over_units: "-1" })).toBe(true);
  });

  it("drops blank and repeated reason codes", () => {
    const rules = rulesFromForm({ ...rulesForm(saved), adjustment_reasons: "damaged\n\n lost \ndamaged" });
    expect("error" in rules ? null : rules.stock.adjustment_reasons).toEqual(["damaged", "lost"]);
  });
});
