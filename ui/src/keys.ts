// Keyboard moves shared by the list screens: ↑ and ↓ step through rows and stop at the ends.

/** The row ↑ or ↓ moves to from `selected` in a list of `count` rows; `null` for other keys. */
export function stepRow(key: string, selected: number, count: number): number | null {
  if (key !== "ArrowDown" && key !== "ArrowUp") return null;
  if (count <= 0) return 0;
  return Math.min(count - 1, Math.max(0, selected + (key === "ArrowDown" ? 1 : -1)));
}
