import { describe, expect, it } from "vitest";
import { pictureOf, picturesChanged } from "./images";
import { type Transport, useTransport } from "./rpc";

/** A transport answering `product_image` from `pictures` (hash by SKU), counting the calls. */
function fake(kind: Transport["kind"], pictures: Record<string, string | null>) {
  const calls: unknown[] = [];
  const transport: Transport = {
    kind,
    async call(cmd, req) {
      calls.push(req);
      const { code } = req as { code: string };
      const hash = pictures[code] ?? null;
      return { sku: code, hash, data_url: hash ? `data:image/png;base64,${hash}` : null, source: null, error: null };
    },
    subscribe: () => () => {},
  };
  useTransport(transport);
  return calls;
}

describe("product pictures", () => {
  it("load from the server's /images over HTTP, once per product until a picture changes", async () => {
    const calls = fake("http", { MUG: "ab12" });
    expect(await pictureOf("MUG")).toBe("/images/ab12");
    expect(await pictureOf("MUG")).toBe("/images/ab12");
    expect(await pictureOf("PEN")).toBeNull();
    expect(calls).toEqual([
      { code: "MUG", inline: false },
      { code: "PEN", inline: false },
    ]);
    expect(picturesChanged({ type: "data_changed", what: "product_images" })).toBe(true);
    expect(picturesChanged({ type: "data_changed", what: "boxes" })).toBe(false);
    await pictureOf("MUG");
    expect(calls).toHaveLength(3);
  });

  it("come inline in the desktop window", async () => {
    picturesChanged({ type: "data_changed", what: "all" });
    const calls = fake("tauri", { MUG: "cd34" });
    expect(await pictureOf("MUG")).toBe("data:image/png;base64,cd34");
    expect(calls).toEqual([{ code: "MUG", inline: true }]);
  });
});
