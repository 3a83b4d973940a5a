import { describe, expect, it } from "vitest";
import { stepRow } from "./keys";

describe("stepping through a list", () => {
  it("moves one row and stops at the ends", () => {
    expect(stepRow("ArrowDown", 0, 3)).toBe(1);
    expect(stepRow("ArrowDown", 2, 3)).toBe(2);
    expect(stepRow("ArrowUp", 1, 3)).toBe(0);
    expect(stepRow("ArrowUp", 0, 3)).toBe(0);
    expect(stepRow("ArrowDown", 0, 0)).toBe(0);
  });

  it("leaves other keys alone", () => {
    expect(stepRow("Enter", 1, 3)).toBeNull();
  });
});
