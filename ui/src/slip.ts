// Packing-slip helpers shared by Settings, Pack and the order detail: the preview request, PDF
// bytes to a blob, the logo file to base64, and a debounce that only the latest call survives.

import type { PageSize } from "./gen/PageSize";
import type { Printed } from "./gen/Printed";
import type { SlipFile } from "./gen/SlipFile";
import type { SlipRequest } from "./gen/SlipRequest";
import type { SlipSettings } from "./gen/SlipSettings";
import type { Station } from "./gen/Station";
import { saveBlob } from "./download";
import { t } from "./i18n/index.svelte";

export const PAGE_SIZES: { size: PageSize; label: string }[] = [
  { size: "letter", label: "Letter" },
  { size: "a4", label: "A4" },
  { size: "4x6", label: "4×6 label" },
];

export const MAX_RETURN_DAYS = 3650;

/** Why these settings cannot be previewed or saved yet, or null when they can. */
export function slipProblem(slip: SlipSettings): string | null {
  if (!slip.store_name.trim()) return t("common.slip.needsStoreName");
  const days = slip.return_window_days as unknown;
  if (typeof days !== "number" || !Number.isInteger(days) || days < 0 || days > MAX_RETURN_DAYS) {
    return t("common.slip.returnWindow", { max: MAX_RETURN_DAYS });
  }
  return null;
}

/** The `slip_pdf` request for a live preview of unsaved settings, or null without an order. */
export function previewRequest(order: string, slip: SlipSettings): SlipRequest | null {
  const number = order.trim();
  if (!number) return null;
  // A copy, so a later edit of the form cannot change a request already on its way.
  return { order: number, packer_copy: false, preview: { ...slip } };
}

/** Whether two slip settings differ in anything that would be saved. */
export function slipChanged(a: SlipSettings, b: SlipSettings): boolean {
  const keys = Object.keys({ ...a, ...b }) as (keyof SlipSettings)[];
  return keys.some((k) => a[k] !== b[k]);
}

/** The station as it was, with only its printer changed (an empty queue name clears it). */
export function withPrinter(station: Station, printer: string): Station {
  const queue = printer.trim();
  return { ...station, printer: queue || undefined };
}

/** Base64 text to bytes. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes to base64 text, in slices so a large logo does not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) {
    binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  }
  return btoa(binary);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** A chosen logo file as the base64 the settings store, or an error message for the form. */
export async function logoFromFile(file: Blob): Promise<{ logo: string } | { error: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!isPng(bytes)) return { error: t("common.slip.logoPng") };
  return { logo: toBase64(bytes) };
}

/** An `<img>` source for the stored logo, or null when it is a file path on the server. */
export function logoSrc(logo: string): string | null {
  const text = logo.trim();
  if (!text || text.toLowerCase().endsWith(".png")) return null;
  return text.startsWith("data:") ? text : `data:image/png;base64,${text}`;
}

export function pdfBlob(file: SlipFile): Blob {
  return new Blob([fromBase64(file.pdf_base64)], { type: "application/pdf" });
}

/** `1 page`, `2 pages`, with a note when the font lacked some characters. */
export function pagesText(file: SlipFile): string {
  const pages = t("floor.slip.pages", { count: file.pages });
  if (file.missing_glyphs === 0) return pages;
  return t("floor.slip.missingGlyphs", { pages, count: file.missing_glyphs });
}

export function printedText(p: Printed): string {
  return t("floor.slip.printed", { printer: p.printer, job: p.job_id });
}

/** Saves a PDF under its file name through a temporary link. */
export function download(file: SlipFile): void {
  saveBlob(pdfBlob(file), file.filename);
}

/**
 * Runs `task` once calls stop for `ms`, and hands `apply` only the result of the newest run:
 * a slow preview that returns after a newer one was asked for is dropped.
 */
export function latestDebounced<T>(
  ms: number,
  task: () => Promise<T>,
  apply: (result: { ok: true; value: T } | { ok: false; error: unknown }) => void,
) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  async function run() {
    clearTimeout(timer);
    timer = undefined;
    const mine = ++seq;
    try {
      const value = await task();
      if (mine === seq) apply({ ok: true, value });
    } catch (error) {
      if (mine === seq) apply({ ok: false, error });
    }
  }
  return {
    /** Asks for a run after the quiet time; each call restarts the wait. */
    schedule() {
      clearTimeout(timer);
      timer = setTimeout(() => void run(), ms);
    },
    /** Runs at once (Enter on the order field). */
    now: run,
    /** Stops a waiting run and drops any reply still on its way. */
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      seq++;
    },
  };
}
