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

/** The screening rules, in words a person at a station reads. */
const HOLD_RULES: Record<string, string> = {
  payment: "Payment not captured",
  address: "Address problem",
  country_mismatch: "Billing and shipping countries differ",
  customer_history: "Customer's return or chargeback history",
  manual: "Held by a person",
};

/** Every hold rule, for the filter chips. */
export const HOLD_RULE_NAMES = ["payment", "address", "country_mismatch", "customer_history", "manual"] as const;

/** A hold rule in words (`country_mismatch` → "Billing and shipping countries differ"). */
export function holdRuleLabel(rule: string): string {
  return HOLD_RULES[rule] ?? sentence(rule);
}

/** A short name for a hold rule, for a chip or a table cell. */
export function holdRuleShort(rule: string): string {
  const short: Record<string, string> = {
    payment: "Payment",
    address: "Address",
    country_mismatch: "Country",
    customer_history: "History",
    manual: "Manual",
  };
  return short[rule] ?? sentence(rule);
}

/** `ship_available` → "Ship available". */
export function sentence(code: string): string {
  const words = code.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a back-order policy does, in words. */
export function policyLabel(policy: string | null): string {
  switch (policy) {
    case null:
      return "Store setting";
    case "ship_available":
      return "Ship what is there, the rest follows";
    case "ship_complete":
      return "Wait and ship complete";
    case "cancel_rest":
      return "Ship what is there, cancel the rest";
    default:
      return sentence(policy);
  }
}

/** A whole quantity typed or scanned at a station: digits only, at least `min`. */
export function parseQty(text: string, min = 1): number | null {
  const t = text.trim();
  if (!/^\d{1,7}$/.test(t)) return null;
  const n = Number(t);
  return n >= min ? n : null;
}

/** `+3`, `-2`, `0`: a variance with its sign. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** Why a customer sent something back, in words. */
export const RETURN_REASONS: { reason: string; label: string }[] = [
  { reason: "no_longer_wanted", label: "No longer wanted" },
  { reason: "damaged", label: "Damaged" },
  { reason: "wrong_item", label: "Wrong item sent" },
  { reason: "not_as_described", label: "Not as described" },
  { reason: "too_late", label: "Arrived too late" },
  { reason: "other", label: "Other" },
];

/** What becomes of a returned item, in words. */
export const DISPOSITIONS: { disposition: string; label: string }[] = [
  { disposition: "restock", label: "Restock in a bin" },
  { disposition: "quarantine", label: "Quarantine" },
  { disposition: "scrap", label: "Scrap" },
];

/**
 * The order number a packing slip's barcode gives: a scanner may wrap it in an AIM symbology
 * prefix (`]C0`) or control characters. A leading `#` is kept; Backroom accepts it.
 */
export function slipOrderNumber(scan: string): string {
  // eslint-disable-next-line no-control-regex
  const text = scan.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  const m = /^\]C\d(.*)$/.exec(text);
  return (m ? m[1]! : text).trim();
}
