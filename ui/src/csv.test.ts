import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("CSV export", () => {
  it("quotes commas, quotes and line breaks, and leaves empty values empty", () => {
    const rows = [
      { sku: "MUG-1", name: 'Mug "Blue", large', qty: 3, note: null },
      { sku: "CAP", name: "Cap\nred", qty: 0, note: "ok" },
    ];
    const csv = toCsv(rows, [
      { header: "SKU", value: (r) => r.sku },
      { header: "Name", value: (r) => r.name },
      { header: "Qty", value: (r) => r.qty },
      { header: "Note", value: (r) => r.note },
    ]);
    expect(csv).toBe('SKU,Name,Qty,Note\r\nMUG-1,"Mug ""Blue"", large",3,\r\nCAP,"Cap\nred",0,ok\r\n');
  });
});
