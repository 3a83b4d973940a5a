import { describe, expect, it } from "vitest";
import type { Layout } from "./gen/Layout";
import { setLanguage } from "./i18n/index.svelte";
import {
  areaSize,
  binChanges,
  binCode,
  binCount,
  binRange,
  checkDraft,
  depotPlace,
  describeChanges,
  draftOf,
  exportFileName,
  layoutJson,
  readLayoutFile,
  rustFloat,
  sameLayout,
} from "./layout";

// The demo's layout (crates/backroom-api/src/demo.rs).
const DEMO: Layout = {
  name: "Demo warehouse",
  aisles: 12,
  blocks: 3,
  slots_per_side: 10,
  slot_length_m: 1.2,
  aisle_pitch_m: 3.0,
  cross_aisle_m: 2.5,
  depot_x_m: 0.0,
};

// The benchmark's worked example (bench/pickpath README, §1).
const WORKED: Layout = {
  name: "warehouse",
  aisles: 3,
  blocks: 2,
  slots_per_side: 4,
  slot_length_m: 1,
  aisle_pitch_m: 3,
  cross_aisle_m: 2,
  depot_x_m: 0,
};

describe("bins", () => {
  it("counts aisles × blocks × slots × 2", () => {
    expect(binCount(DEMO)).toBe(720);
    expect(binCount({ ...DEMO, aisles: 14 })).toBe(840);
    expect(binCount(WORKED)).toBe(48);
  });

  it("writes codes as Rust's BinCode Display", () => {
    expect(binCode(3, 1, 12, "L")).toBe("A03-1-12-L");
    expect(binCode(12, 3, 10, "R")).toBe("A12-3-10-R");
    expect(binCode(1, 10, 1, "L")).toBe("A01-10-01-L");
    expect(binCode(100, 2, 120, "R")).toBe("A100-2-120-R");
  });

  it("runs from the first bin to the last", () => {
    expect(binRange(DEMO)).toEqual({ first: "A01-1-01-L", last: "A12-3-10-R" });
    expect(binRange({ aisles: 1, blocks: 1, slots_per_side: 1 })).toEqual({ first: "A01-1-01-L", last: "A01-1-01-R" });
  });

  it("counts bins added and left out by a change", () => {
    expect(binChanges(DEMO, { ...DEMO, aisles: 14 })).toEqual({ added: 120, removed: 0 });
    expect(binChanges(DEMO, { ...DEMO, aisles: 2 })).toEqual({ added: 0, removed: 600 });
    // More aisles, fewer slots: both.
    expect(binChanges(DEMO, { ...DEMO, aisles: 13, slots_per_side: 9 })).toEqual({ added: 702 - 648, removed: 720 - 648 });
    expect(binChanges(null, DEMO)).toEqual({ added: 720, removed: 0 });
  });
});

describe("area", () => {
  it("is aisles × pitch wide and the blocks with their cross aisles deep", () => {
    // Demo: 12 × 3 m; 3 blocks of 10 × 1.2 m and 4 cross aisles of 2.5 m.
    expect(areaSize(DEMO)).toEqual({ width_m: 36, depth_m: 46 });
    // Worked example: cross aisles at Y = 1, 7, 13, so the back edge is at 14.
    expect(areaSize(WORKED)).toEqual({ width_m: 9, depth_m: 14 });
  });

  it("places the depot at or between aisles", () => {
    expect(depotPlace(DEMO)).toBe("at aisle 1");
    expect(depotPlace({ ...WORKED, depot_x_m: 4.5 })).toBe("between aisles 2 and 3");
    expect(depotPlace({ ...WORKED, depot_x_m: 6 })).toBe("at aisle 3");
    expect(depotPlace({ ...DEMO, aisle_pitch_m: 0.1, depot_x_m: 0.3 })).toBe("at aisle 4");
  });
});

describe("checkDraft", () => {
  it("accepts the demo and the worked example", () => {
    expect(checkDraft(draftOf(DEMO))).toEqual({ layout: DEMO, problems: [] });
    expect(checkDraft(draftOf(WORKED)).layout).toEqual(WORKED);
  });

  it("wants whole counts of at least 1", () => {
    const r = checkDraft({ ...draftOf(DEMO), aisles: 0, blocks: 1.5, slots_per_side: null });
    expect(r.layout).toBeNull();
    expect(r.problems).toEqual([
      { field: "aisles", message: "Aisles must be a whole number, 1 or more (not 0)." },
      { field: "blocks", message: "Blocks must be a whole number, 1 or more (not 1.5)." },
      { field: "slots_per_side", message: "Slots per side: enter a whole number, 1 or more." },
    ]);
  });

  it("wants lengths above zero, the cross aisle zero or more", () => {
    expect(checkDraft({ ...draftOf(DEMO), cross_aisle_m: 0 }).problems).toEqual([]);
    const r = checkDraft({ ...draftOf(DEMO), slot_length_m: 0, aisle_pitch_m: -3, cross_aisle_m: -0.5 });
    expect(r.problems.map((p) => p.field)).toEqual(["slot_length_m", "aisle_pitch_m", "cross_aisle_m"]);
    expect(r.problems[0]?.message).toBe("Slot length must be more than zero metres (not 0).");
    expect(r.problems[2]?.message).toBe("Cross-aisle width must be zero or more metres (not -0.5).");
    expect(checkDraft({ ...draftOf(DEMO), slot_length_m: Infinity }).problems).toHaveLength(1);
  });

  it("keeps the depot between aisle 1 and the last aisle", () => {
    // (12 − 1) × 3 = 33 m: the last aisle is fine, past it is not.
    expect(checkDraft({ ...draftOf(DEMO), depot_x_m: 33 }).problems).toEqual([]);
    expect(checkDraft({ ...draftOf(DEMO), depot_x_m: 33.5 }).problems).toEqual([
      { field: "depot_x_m", message: "Depot position must be between 0 and 33 m, the x of aisle 12 (not 33.5)." },
    ]);
    expect(checkDraft({ ...draftOf(DEMO), depot_x_m: -1 }).problems.map((p) => p.field)).toEqual(["depot_x_m"]);
    // The worked example's rule from Rust's tests: 7 m is past aisle 3 at 6 m.
    expect(checkDraft({ ...draftOf(WORKED), depot_x_m: 7 }).problems.map((p) => p.field)).toEqual(["depot_x_m"]);
    // One aisle: the depot must be at it.
    expect(checkDraft({ ...draftOf(DEMO), aisles: 1, depot_x_m: 0 }).problems).toEqual([]);
    expect(checkDraft({ ...draftOf(DEMO), aisles: 1, depot_x_m: 1 }).problems).toHaveLength(1);
  });
});

describe("changes", () => {
  it("lists the bins, then every changed field", () => {
    expect(describeChanges(DEMO, { ...DEMO, aisles: 14 })).toEqual(["+120 bins", "aisles 12 → 14"]);
    expect(describeChanges(DEMO, { ...DEMO, aisles: 2, slot_length_m: 1.5, name: "Small" })).toEqual([
      "−600 bins",
      "name Demo warehouse → Small",
      "aisles 12 → 2",
      "slot length 1.2 → 1.5 m",
    ]);
    expect(describeChanges(DEMO, DEMO)).toEqual([]);
    expect(describeChanges(null, WORKED)).toEqual(["+48 bins", "a new layout"]);
  });

  it("knows when the form says the stored layout", () => {
    expect(sameLayout(draftOf(DEMO), DEMO)).toBe(true);
    expect(sameLayout({ ...draftOf(DEMO), aisles: 14 }, DEMO)).toBe(false);
    expect(sameLayout(draftOf(DEMO), null)).toBe(false);
  });
});

describe("the layout file", () => {
  it("is exactly the JSON Rust stores", () => {
    expect(layoutJson(DEMO)).toBe(
      '{"name":"Demo warehouse","aisles":12,"blocks":3,"slots_per_side":10,"slot_length_m":1.2,"aisle_pitch_m":3.0,"cross_aisle_m":2.5,"depot_x_m":0.0}',
    );
    expect(JSON.parse(layoutJson(DEMO))).toEqual(DEMO);
    expect(layoutJson({ ...DEMO, name: 'Hall "B"\n' })).toContain('"name":"Hall \\"B\\"\\n"');
  });

  // Each value checked against serde_json 1.0.154 (the version in Cargo.lock).
  it("writes floats as serde_json does", () => {
    expect(rustFloat(3)).toBe("3.0");
    expect(rustFloat(0)).toBe("0.0");
    expect(rustFloat(-2)).toBe("-2.0");
    expect(rustFloat(1.2)).toBe("1.2");
    expect(rustFloat(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(rustFloat(1234.5)).toBe("1234.5");
    expect(rustFloat(0.0001)).toBe("0.0001");
    expect(rustFloat(0.00001)).toBe("0.00001");
    expect(rustFloat(0.000012)).toBe("0.000012");
    expect(rustFloat(0.000001)).toBe("1e-6");
    expect(rustFloat(0.0000099)).toBe("9.9e-6");
    expect(rustFloat(1e15)).toBe("1000000000000000.0");
    expect(rustFloat(9999999999999998)).toBe("9999999999999998.0");
    expect(rustFloat(1e16)).toBe("1e+16");
    expect(rustFloat(1.5e17)).toBe("1.5e+17");
    expect(rustFloat(-0)).toBe("-0.0");
  });

  it("is named after the layout", () => {
    expect(exportFileName(DEMO)).toBe("layout-Demo-warehouse.json");
    expect(exportFileName({ name: "medium-3b" })).toBe("layout-medium-3b.json");
    expect(exportFileName({ name: " Halle Süd / 2 " })).toBe("layout-Halle-Süd-2.json");
    expect(exportFileName({ name: "" })).toBe("layout-warehouse.json");
  });

  it("reads a benchmark file with the same defaults as Rust", () => {
    const r = readLayoutFile('{"aisles":3,"blocks":2,"slots_per_side":4,"slot_length_m":1.0,"aisle_pitch_m":3.0,"cross_aisle_m":2.0}');
    expect(r).toEqual({ ok: true, draft: draftOf(WORKED) });
    const exported = readLayoutFile(layoutJson(DEMO));
    expect(exported).toEqual({ ok: true, draft: draftOf(DEMO) });
    // Extra keys are ignored, as serde does.
    expect(readLayoutFile('{"aisles":3,"blocks":2,"slots_per_side":4,"slot_length_m":1,"aisle_pitch_m":3,"cross_aisle_m":2,"note":"x"}').ok).toBe(true);
  });

  it("reads out-of-range values into the form, for the form to name", () => {
    const r = readLayoutFile('{"aisles":0,"blocks":2,"slots_per_side":4,"slot_length_m":1.0,"aisle_pitch_m":3.0,"cross_aisle_m":2.0}');
    expect(r.ok).toBe(true);
    if (r.ok) expect(checkDraft(r.draft).problems.map((p) => p.field)).toEqual(["aisles"]);
  });

  it("says why a file is not a layout", () => {
    expect(readLayoutFile("{aisles: 3")).toMatchObject({ ok: false, message: expect.stringMatching(/^the file is not valid JSON/) });
    expect(readLayoutFile("[1, 2]")).toMatchObject({ ok: false });
    expect(readLayoutFile('{"aisles":3,"blocks":2}')).toEqual({
      ok: false,
      message: "the file is not a layout: `slots_per_side`, `slot_length_m`, `aisle_pitch_m`, `cross_aisle_m` are missing",
    });
    expect(readLayoutFile('{"aisles":"3","blocks":2.5,"slots_per_side":4,"slot_length_m":"1","aisle_pitch_m":3,"cross_aisle_m":2}')).toEqual({
      ok: false,
      message:
        "the file is not a layout: `aisles` must be a whole number; `blocks` must be a whole number; `slot_length_m` must be a number of metres",
    });
  });
});

describe("in Spanish", () => {
  it("words the checks, the depot and the changes in the language shown", () => {
    setLanguage("es");
    try {
      expect(checkDraft({ ...draftOf(DEMO), slot_length_m: 0 }).problems[0]?.message).toBe(
        "Largo del hueco debe ser más de cero metros (no 0).",
      );
      expect(depotPlace({ ...WORKED, depot_x_m: 4.5 })).toBe("entre los pasillos 2 y 3");
      expect(describeChanges(DEMO, { ...DEMO, aisles: 14 })).toEqual(["+120 ubicaciones", "pasillos 12 → 14"]);
      expect(readLayoutFile('{"aisles":3,"blocks":2}')).toMatchObject({ ok: false, message: expect.stringMatching(/^el archivo no es una distribución: faltan `slots_per_side`, /) });
    } finally {
      setLanguage("en");
    }
  });
});
