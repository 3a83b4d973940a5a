// How the manager's numbers are shown: rates as percentages, audit causes, statuses, roles and
// hold rules in the language shown, today's work summed per hour, and what each fill rate means.

import type { HourCount } from "./gen/HourCount";
import type { OrderStatus } from "./gen/OrderStatus";
import type { PaymentStatus } from "./gen/PaymentStatus";
import type { Role } from "./gen/Role";
import { holdRuleLabel, holdRuleShort, paymentLabel, policyLabel, roleLabel, statusLabel } from "./format";
import { locale, t } from "./i18n/index.svelte";

/** A rate (0 to 1) as a percentage with one decimal; a dash when nothing counts towards it. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

/** A weight-audit cause in words; a cause this screen does not know yet as its code. */
export function causeLabel(cause: string): string {
  return named("manager.cause", cause, cause);
}

/** An order status in words. */
export function statusName(status: OrderStatus): string {
  return named("manager.status", status, statusLabel(status));
}

/** A payment status in words. */
export function paymentName(payment: PaymentStatus): string {
  return named("manager.payment", payment, paymentLabel(payment));
}

/** An operator's role in words. */
export function roleName(role: Role): string {
  return named("manager.role", role, roleLabel(role));
}

/** A hold rule in words (`country_mismatch` → "Billing and shipping countries differ"). */
export function holdRuleName(rule: string): string {
  return named("manager.holdRule", rule, holdRuleLabel(rule));
}

/** A short name for a hold rule, for a chip or a table cell. */
export function holdRuleShortName(rule: string): string {
  return named("manager.holdShort", rule, holdRuleShort(rule));
}

/** What a back-order policy does, in words; null is the store's own setting. */
export function policyName(policy: string | null): string {
  return named("manager.policy", policy ?? "store", policyLabel(policy));
}

/**
 * The words for `prefix` and a code from the server (`item_missing` is the key
 * `prefix.itemMissing`), or `fallback` when the catalog has none for it yet.
 */
export function named(prefix: string, code: string, fallback: string): string {
  const key = `${prefix}.${code.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())}`;
  const text = t(key);
  return text === key ? fallback : text;
}

/** Orders picked and packed per hour across stations and operators, hours in order. */
export function perHour(rows: HourCount[]): { hour: string; picked: number; packed: number }[] {
  const hours = new Map<string, { hour: string; picked: number; packed: number }>();
  for (const r of rows) {
    const hour = r.hour.slice(11, 16);
    const h = hours.get(hour) ?? { hour, picked: 0, packed: 0 };
    h.picked += r.picked_orders;
    h.packed += r.packed_orders;
    hours.set(hour, h);
  }
  return [...hours.values()].sort((a, b) => a.hour.localeCompare(b.hour));
}

/** The definitions, as written in the core's `fill_rate` module, for people. */
export function definitions(): { term: string; meaning: string }[] {
  return [
    { term: t("manager.define.unitFill"), meaning: t("manager.define.unitFillMeaning") },
    { term: t("manager.define.lineFill"), meaning: t("manager.define.lineFillMeaning") },
    { term: t("manager.define.orderFill"), meaning: t("manager.define.orderFillMeaning") },
    { term: t("manager.define.valueFill"), meaning: t("manager.define.valueFillMeaning") },
    { term: t("manager.define.firstFinal"), meaning: t("manager.define.firstFinalMeaning") },
    { term: t("manager.define.perfect"), meaning: t("manager.define.perfectMeaning") },
    { term: t("manager.define.counted"), meaning: t("manager.define.countedMeaning") },
  ];
}
