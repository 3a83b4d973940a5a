// The store's rules as a manager edits them in Settings: screening thresholds (holds), how
// orders flow (release, back orders), stock corrections (reason codes, recount thresholds),
// stock planning (service level, lead time, history), the default carrier, and the security
// rules (shipping only weighed packages, badge and PIN for managers).
// The form keeps what was typed as text; `rulesFromForm` turns it back into settings or says
// what is wrong, before anything is sent.

import type { BackorderPolicy } from "./gen/BackorderPolicy";
import { t } from "./i18n/index.svelte";
import type { HoldRules } from "./gen/HoldRules";
import type { OrderSettings } from "./gen/OrderSettings";
import type { PlanningSettings } from "./gen/PlanningSettings";
import type { SecuritySettings } from "./gen/SecuritySettings";
import type { Settings } from "./gen/Settings";
import type { ShippingSettings } from "./gen/ShippingSettings";
import type { StockSettings } from "./gen/StockSettings";

export interface RulesForm {
  hold_uncaptured_payment: boolean;
  check_address: boolean;
  require_house_number: boolean;
  /** An amount such as `250` or `250.00`; empty turns the rule off. */
  country_mismatch_over: string;
  /** A whole percentage; empty turns the rule off. */
  history_share_percent: string;
  history_min_orders: string;
  auto_release: boolean;
  backorder_policy: BackorderPolicy;
  /** One reason code per line. */
  adjustment_reasons: string;
  recount_over_units: string;
  recount_over_percent: string;
  /** A percentage such as `95` or `97.5`. */
  service_level_percent: string;
  lead_time_days: string;
  history_days: string;
  order_cycle_days: string;
  default_carrier: string;
  default_service: string;
  ship_only_weighed: boolean;
  managers_need_badge_and_pin: boolean;
}

export type Rules = {
  holds: HoldRules;
  orders: OrderSettings;
  stock: StockSettings;
  planning: PlanningSettings;
  shipping: ShippingSettings;
  security: SecuritySettings;
};

type RuleSections = Pick<Settings, "holds" | "orders" | "stock" | "planning" | "shipping" | "security">;

export const BACKORDER_POLICIES: { policy: BackorderPolicy; label: string; text: string }[] = [
  { policy: "ship_available", label: "Ship what is there", text: "the rest follows when it arrives" },
  { policy: "ship_complete", label: "Ship complete", text: "wait until everything is reserved" },
  { policy: "cancel_rest", label: "Cancel the rest", text: "ship what is there, cancel what is not" },
];

export function rulesForm(s: RuleSections): RulesForm {
  const h = s.holds;
  return {
    hold_uncaptured_payment: h.hold_uncaptured_payment,
    check_address: h.check_address,
    require_house_number: h.require_house_number,
    country_mismatch_over: h.country_mismatch_over_cents === null ? "" : centsText(h.country_mismatch_over_cents),
    history_share_percent: h.history_share_percent === null ? "" : String(h.history_share_percent),
    history_min_orders: String(h.history_min_orders),
    auto_release: s.orders.auto_release,
    backorder_policy: s.orders.backorder_policy,
    adjustment_reasons: s.stock.adjustment_reasons.join("\n"),
    recount_over_units: String(s.stock.recount_over_units),
    recount_over_percent: String(s.stock.recount_over_percent),
    service_level_percent: String(Math.round(s.planning.service_level * 10000) / 100),
    lead_time_days: String(s.planning.lead_time_days),
    history_days: String(s.planning.history_days),
    order_cycle_days: String(s.planning.order_cycle_days),
    default_carrier: s.shipping.default_carrier,
    default_service: s.shipping.default_service,
    ship_only_weighed: s.security.ship_only_weighed,
    managers_need_badge_and_pin: s.security.managers_need_badge_and_pin,
  };
}

/** A number typed in the form, within bounds, or what to correct. */
function decimal(text: string, what: string, min: number, max: number): number | string {
  const typed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(typed) || Number(typed) < min || Number(typed) > max) {
    return t("common.rules.number", { what: t(what), min, max });
  }
  return Number(typed);
}

function centsText(cents: number): string {
  return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
}

function whole(text: string, what: string, max = 1_000_000): number | string {
  const typed = text.trim();
  if (!/^\d+$/.test(typed) || Number(typed) > max) return t("common.rules.wholeNumber", { what: t(what), min: 0, max });
  return Number(typed);
}

/** The settings the form says, or what to correct. */
export function rulesFromForm(f: RulesForm): Rules | { error: string } {
  let over: number | null = null;
  const amount = f.country_mismatch_over.trim();
  if (amount) {
    if (!/^\d+(\.\d{1,2})?$/.test(amount)) return { error: t("common.rules.countryMismatchAmount") };
    over = Math.round(Number(amount) * 100);
  }
  let share: number | null = null;
  if (f.history_share_percent.trim()) {
    const n = whole(f.history_share_percent, "common.rules.historyShare", 100);
    if (typeof n === "string") return { error: n };
    share = n;
  }
  const minOrders = whole(f.history_min_orders, "common.rules.historyMinOrders");
  if (typeof minOrders === "string") return { error: minOrders };
  const units = whole(f.recount_over_units, "common.rules.recountUnits");
  if (typeof units === "string") return { error: units };
  const percent = whole(f.recount_over_percent, "common.rules.recountPercent", 1000);
  if (typeof percent === "string") return { error: percent };
  const reasons = [...new Set(f.adjustment_reasons.split("\n").map((r) => r.trim()).filter(Boolean))];
  if (reasons.length === 0) return { error: t("common.rules.keepOneReason") };
  const service = decimal(f.service_level_percent, "common.rules.serviceLevel", 50, 99.99);
  if (typeof service === "string") return { error: service };
  const lead = decimal(f.lead_time_days, "common.rules.leadTime", 0, 365);
  if (typeof lead === "string") return { error: lead };
  const history = whole(f.history_days, "common.rules.historyDays", 730);
  if (typeof history === "string") return { error: history };
  if (history < 7) return { error: t("common.rules.wholeNumber", { what: t("common.rules.historyDays"), min: 7, max: 730 }) };
  const cycle = decimal(f.order_cycle_days, "common.rules.orderCycle", 1, 365);
  if (typeof cycle === "string") return { error: cycle };
  return {
    holds: {
      hold_uncaptured_payment: f.hold_uncaptured_payment,
      check_address: f.check_address,
      require_house_number: f.require_house_number,
      country_mismatch_over_cents: over,
      history_share_percent: share,
      history_min_orders: minOrders,
    },
    orders: { auto_release: f.auto_release, backorder_policy: f.backorder_policy },
    stock: { adjustment_reasons: reasons, recount_over_units: units, recount_over_percent: percent },
    planning: {
      service_level: Math.round(service * 100) / 10000,
      lead_time_days: lead,
      history_days: history,
      order_cycle_days: cycle,
    },
    shipping: { default_carrier: f.default_carrier.trim(), default_service: f.default_service.trim() },
    security: {
      ship_only_weighed: f.ship_only_weighed,
      managers_need_badge_and_pin: f.managers_need_badge_and_pin,
    },
  };
}

/** Whether the form differs from the saved settings. */
export function rulesChanged(saved: RuleSections, f: RulesForm): boolean {
  return JSON.stringify(rulesForm(saved)) !== JSON.stringify(f);
}
