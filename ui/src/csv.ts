// Any table on screen as a CSV file a manager can open in a spreadsheet: RFC 4180 quoting, CRLF
// line ends, a BOM so spreadsheet programs read UTF-8 names correctly.

import { saveBlob } from "./download";

export type Column<T> = { header: string; value: (row: T) => string | number | null | undefined };

function field(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(rows: T[], columns: Column<T>[]): string {
  const lines = [columns.map((c) => field(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => field(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** Saves `csv` as a download named `filename`. */
export function downloadCsv(filename: string, csv: string): void {
  saveBlob(new Blob(["\ufeff", csv], { type: "text/csv;charset=utf-8" }), filename);
}
