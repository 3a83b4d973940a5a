import { describe, expect, it } from "vitest";
import type { SetupProgress } from "../../gen/SetupProgress";
import type { Settings } from "../../gen/Settings";
import { draftProblem, matchZones, resumeAt, stepAfter, stepBefore, withDraft } from "./setup";

const ZONES = ["Africa/Lagos", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "UTC"];

function progress(done: boolean[]): SetupProgress {
  const steps = (["store", "people", "stations", "boxes", "layout", "products", "stock", "orders"] as const).map(
    (step, i) => ({ step, done: done[i] ?? false, count: done[i] ? 1 : 0 }),
  );
  return { steps, next: steps.find((s) => !s.done)?.step ?? null, open: true };
}

describe("resuming", () => {
  it("opens the first step not done, or the last when all are", () => {
    expect(resumeAt(progress([true, true, true, false, true]))).toBe("boxes");
    expect(resumeAt(progress(Array(8).fill(true)))).toBe("orders");
  });
  it("walks forward and back in order", () => {
    const p = progress([]);
    expect(stepAfter(p, "store")).toBe("people");
    expect(stepAfter(p, "orders")).toBeNull();
    expect(stepBefore(p, "store")).toBeNull();
    expect(stepBefore(p, "stock")).toBe("products");
  });
});

describe("time zones", () => {
  it("finds a zone by its city, with spaces for underscores", () => {
    expect(matchZones("lon", ZONES)).toEqual(["Europe/London"]);
    expect(matchZones("los ang", ZONES)).toEqual(["America/Los_Angeles"]);
  });
  it("lists names that start with the text before those that contain it", () => {
    expect(matchZones("lin", ["Europe/Berlin", "Australia/Lindeman"])).toEqual(["Australia/Lindeman", "Europe/Berlin"]);
    expect(matchZones("", ZONES)).toEqual([]);
    expect(matchZones("europe", ZONES, 1)).toEqual(["Europe/London"]);
  });
});

describe("the store's details", () => {
  const draft = { store_name: "Corner Goods", time_zone: "Europe/London", currency: "gbp", weight_unit: "kg" as const };
  it("are checked before anything is sent", () => {
    expect(draftProblem(draft, ZONES)).toBeNull();
    expect(draftProblem({ ...draft, store_name: " " }, ZONES)).toMatch(/name/);
    expect(draftProblem({ ...draft, time_zone: "Europe/Londn" }, ZONES)).toMatch(/time zone/);
    expect(draftProblem({ ...draft, currency: "pound" }, ZONES)).toMatch(/three-letter/);
  });
  it("go into the settings with the currency in capitals, keeping every other field", () => {
    const settings = { store: { time_zone: "UTC", currency: "USD", weight_unit: "g" }, slip: { store_name: "x", thank_you: "Thanks" } } as unknown as Settings;
    const saved = withDraft(settings, draft);
    expect(saved.store).toEqual({ time_zone: "Europe/London", currency: "GBP", weight_unit: "kg" });
    expect(saved.slip.store_name).toBe("Corner Goods");
    expect(saved.slip.thank_you).toBe("Thanks");
  });
});
