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

/**
 * Currencies whose ISO 4217 minor unit is not two digits; every other prints two. The slip
 * prints from the same table (`backroom-core/src/money.rs`), so a screen and the customer's
 * paper agree: ¥1,200, not ¥1,200.00; 12.500 KWD.
 */
// prettier-ignore
const MINOR_UNITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** The digits after the point a currency prints: `JPY` 0, `USD` 2, `KWD` 3. */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency.trim().toUpperCase()] ?? 2;
}

/**
 * An amount kept in hundredths of the main unit (as Backroom keeps every price), the number
 * alone with the currency's decimals: `48.97`, `1,200` for yen; two decimals without a currency.
 */
export function money(cents: number, currency = ""): string {
  const digits = minorUnits(currency);
  return (cents / 100).toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * The store's time zone (an IANA name, from Settings). Every time on a screen is shown on the
 * store's clock, whatever the zone of the computer showing it; until the store's zone is known
 * the computer's own is used.
 */
let zone: string | undefined;

/** Sets the zone every time is shown in; a name the browser does not know is ignored. */
export function setStoreZone(name: string | null | undefined): void {
  if (!name) return;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    zone = name;
  } catch {
    // Saving the settings refuses unknown names, so this is an older browser's gap.
  }
}

export function storeZone(): string {
  return zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A moment's calendar fields on the store's clock. */
function clock(d: Date): { year: string; month: number; day: number; hour: string; minute: string } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    year: get("year"),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: get("hour"),
    minute: get("minute"),
  };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A stored time as `2026-11-23 14:05` on the store's clock; a bare date as it is. */
export function when(text: string | null): string {
  if (!text) return "—";
  if (DATE_ONLY.test(text)) return text;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return text;
  const c = clock(d);
  return `${c.year}-${pad(c.month)}-${pad(c.day)} ${c.hour}:${c.minute}`;
}

/** The time of day of a stored time on the store's clock: `14:05`. */
export function timeOfDay(text: string | null): string {
  if (!text) return "—";
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return text;
  const c = clock(d);
  return `${c.hour}:${c.minute}`;
}

/** The store's date of `now` (today unless told), `2026-11-23`: what "today" means. */
export function storeToday(now: Date = new Date()): string {
  const c = clock(now);
  return `${c.year}-${pad(c.month)}-${pad(c.day)}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A stored time for a table cell: `Nov 13 14:54` on the store's clock, `Nov 13` for a date. */
export function shortWhen(text: string | null): string {
  if (!text) return "—";
  if (DATE_ONLY.test(text)) {
    const [, m, d] = text.split("-").map(Number);
    return `${MONTHS[m! - 1]} ${d}`;
  }
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return text;
  const c = clock(d);
  return `${MONTHS[c.month - 1]} ${c.day} ${c.hour}:${c.minute}`;
}

/** Money with its currency, `$12.99`, `€12.99`, `¥1,200`, `12.99 CHF`; the number alone without one. */
export function moneyIn(cents: number, currency: string): string {
  const code = currency.trim().toUpperCase();
  if (!code) return money(cents);
  const digits = minorUnits(code);
  try {
    return new Intl.NumberFormat("en", {
      style: "currency",
      currency: code,
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(cents / 100);
  } catch {
    return `${money(cents, code)} ${code}`;
  }
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
