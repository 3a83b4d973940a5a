// How numbers, dates and codes read on a station screen.

import type { LocationKind } from "./gen/LocationKind";
import type { OrderStatus } from "./gen/OrderStatus";
import type { PaymentStatus } from "./gen/PaymentStatus";

/** Every order status, in lifecycle order (for the filter chips). */
export const ORDER_STATUSES: OrderStatus[] = [
  "new",
  "held",
  "released",
  "allocated",
  "picking",
  "picked",
  "packed",
  "shipped",
  "cancelled",
];

export function statusLabel(status: OrderStatus): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

export function paymentLabel(payment: PaymentStatus): string {
  const words = payment.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function locationKindLabel(kind: LocationKind): string {
  return kind === "bin" ? "Pick bin" : kind.charAt(0).toUpperCase() + kind.slice(1);
}

export function grams(g: number | null): string {
  if (g === null) return "not weighed";
  if (g >= 1000) return `${(g / 1000).toLocaleString("en", { maximumFractionDigits: 3 })} kg`;
  return `${g.toLocaleString("en", { maximumFractionDigits: 1 })} g`;
}

export function money(cents: number): string {
  return (cents / 100).toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A stored timestamp or date as `2026-11-23 14:05` (local time), or the date alone. */
export function when(text: string | null): string {
  if (!text) return "—";
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return text;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A timestamp or date for a table cell: `Nov 13 14:54`, or `Nov 13` for a bare date. */
export function shortWhen(text: string | null): string {
  if (!text) return "—";
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const d = new Date(dateOnly ? `${text}T00:00:00` : text);
  if (Number.isNaN(d.getTime())) return text;
  const day = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  if (dateOnly) return day;
  return `${day} ${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}

/** `1 order`, `3 orders`. */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
