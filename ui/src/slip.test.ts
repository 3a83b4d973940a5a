import { afterEach, describe, expect, it, vi } from "vitest";
import type { SlipSettings } from "./gen/SlipSettings";
import {
  fromBase64,
  isPng,
  latestDebounced,
  logoFromFile,
  logoSrc,
  pagesText,
  pdfBlob,
  previewRequest,
  printedText,
  slipChanged,
  slipProblem,
  toBase64,
  withPrinter,
} from "./slip";

const slip: SlipSettings = {
  store_name: "Backroom Goods",
  contact: "1 Dock Road",
  logo: "",
  page_size: "letter",
  return_window_days: 30,
  return_instructions: "Within {return_window_days} days.",
  thank_you: "Thanks!",
};

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

afterEach(() => {
  vi.useRealTimers();
});

describe("preview request", () => {
  it("sends the unsaved settings as the preview for the trimmed order number", () => {
    const req = previewRequest("  #1001 ", { ...slip, store_name: "New name" });
    expect(req).toEqual({ order: "#1001", packer_copy: false, preview: { ...slip, store_name: "New name" } });
  });

  it("is null without an order number", () => {
    expect(previewRequest("   ", slip)).toBeNull();
  });

  it("copies the settings so later edits do not change it", () => {
    const form = { ...slip };
    const req = previewRequest("1001", form)!;
    form.thank_you = "changed";
    expect(req.preview!.thank_you).toBe("Thanks!");
  });
});

describe("settings checks", () => {
  it("accepts the defaults", () => {
    expect(slipProblem(slip)).toBeNull();
  });

  it("needs a store name", () => {
    expect(slipProblem({ ...slip, store_name: "  " })).toMatch(/store name/);
  });

  it("needs a whole number of return days in range", () => {
    for (const days of [-1, 2.5, 3651, null, Number.NaN]) {
      expect(slipProblem({ ...slip, return_window_days: days as number })).toMatch(/whole number/);
    }
    expect(slipProblem({ ...slip, return_window_days: 0 })).toBeNull();
  });

  it("notices a changed field", () => {
    expect(slipChanged(slip, { ...slip })).toBe(false);
    expect(slipChanged(slip, { ...slip, page_size: "a4" })).toBe(true);
  });
});

describe("station printer", () => {
  it("keeps the scale and changes only the printer", () => {
    const scale = { port: "/dev/ttyUSB0", protocol: "nci", baud: 9600, data_bits: 7, parity: "even", stop_bits: 1 };
    expect(withPrinter({ name: "Pack 1", scale, printer: "PDF" }, " Zebra ")).toEqual({
      name: "Pack 1",
      scale,
      printer: "Zebra",
    });
  });

  it("clears the printer when the queue name is empty", () => {
    expect(withPrinter({ name: "Pack 2", printer: "PDF" }, " ").printer).toBeUndefined();
  });
});

describe("bytes", () => {
  it("round-trips base64", () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });

  it("recognises a PNG by its signature", () => {
    expect(isPng(PNG)).toBe(true);
    expect(isPng(new Uint8Array([0xff, 0xd8, 0xff]))).toBe(false);
  });

  it("reads a PNG logo file as base64 and refuses anything else", async () => {
    expect(await logoFromFile(new Blob([PNG]))).toEqual({ logo: toBase64(PNG) });
    expect(await logoFromFile(new Blob(["GIF89a"]))).toEqual({ error: "The logo must be a PNG image." });
  });

  it("shows a base64 logo as a data URL, but not a server file path", () => {
    expect(logoSrc("iVBOR")).toBe("data:image/png;base64,iVBOR");
    expect(logoSrc("data:image/png;base64,iVBOR")).toBe("data:image/png;base64,iVBOR");
    expect(logoSrc("assets/logo.png")).toBeNull();
    expect(logoSrc("")).toBeNull();
  });

  it("turns the slip file into a PDF blob", async () => {
    const blob = pdfBlob({ filename: "slip-1001.pdf", pdf_base64: btoa("%PDF-1.7"), pages: 1, missing_glyphs: 0 });
    expect(blob.type).toBe("application/pdf");
    expect(await blob.text()).toBe("%PDF-1.7");
  });
});

describe("texts", () => {
  it("counts pages and missing characters", () => {
    const file = { filename: "x.pdf", pdf_base64: "", pages: 1, missing_glyphs: 0 };
    expect(pagesText(file)).toBe("1 page");
    expect(pagesText({ ...file, pages: 2, missing_glyphs: 1 })).toBe("2 pages · 1 character the font cannot print");
  });

  it("says where it printed", () => {
    expect(printedText({ printer: "PDF", job_id: "PDF-7", pages: 1 })).toBe("Printed on PDF, job PDF-7");
  });
});

describe("latest debounced", () => {
  it("runs once after the quiet time, however often it was asked", async () => {
    vi.useFakeTimers();
    const task = vi.fn(async () => "pdf");
    const apply = vi.fn();
    const d = latestDebounced(400, task, apply);
    d.schedule();
    await vi.advanceTimersByTimeAsync(300);
    d.schedule();
    await vi.advanceTimersByTimeAsync(300);
    expect(task).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(task).toHaveBeenCalledTimes(1);
    expect(apply).toHaveBeenCalledWith({ ok: true, value: "pdf" });
  });

  it("drops a slow reply when a newer run was started", async () => {
    const resolvers: ((v: string) => void)[] = [];
    const task = () => new Promise<string>((resolve) => resolvers.push(resolve));
    const apply = vi.fn();
    const d = latestDebounced(400, task, apply);
    const first = d.now();
    const second = d.now();
    resolvers[1]!("new");
    resolvers[0]!("old");
    await Promise.all([first, second]);
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply).toHaveBeenCalledWith({ ok: true, value: "new" });
  });

  it("hands over errors, and nothing after cancel", async () => {
    vi.useFakeTimers();
    const apply = vi.fn();
    const d = latestDebounced(400, async () => Promise.reject(new Error("no order")), apply);
    await d.now();
    expect(apply).toHaveBeenCalledWith({ ok: false, error: new Error("no order") });
    apply.mockClear();
    d.schedule();
    d.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(apply).not.toHaveBeenCalled();
  });
});
