// What the setup wizard knows without a screen: its steps in words, the store details typed
// before a manager exists (kept across a reload until the manager can save them), and the
// time-zone search.

import type { SetupProgress } from "../../gen/SetupProgress";
import type { SetupStep } from "../../gen/SetupStep";
import type { WeightUnit } from "../../gen/WeightUnit";
import type { Settings } from "../../gen/Settings";
import { t } from "../../i18n/index.svelte";

/** A step's name, in the language shown. */
export function stepLabel(step: SetupStep): string {
  switch (step) {
    case "store":
      return t("setup.step.store");
    case "people":
      return t("setup.step.people");
    case "stations":
      return t("setup.step.stations");
    case "boxes":
      return t("setup.step.boxes");
    case "layout":
      return t("setup.step.layout");
    case "products":
      return t("setup.step.products");
    case "stock":
      return t("setup.step.stock");
    case "orders":
      return t("setup.step.orders");
  }
}

/** The step to open: the first not done, or the last when every one is. */
export function resumeAt(progress: SetupProgress): SetupStep {
  return progress.next ?? progress.steps[progress.steps.length - 1]?.step ?? "store";
}

/** The step after `step`, or null after the last. */
export function stepAfter(progress: SetupProgress, step: SetupStep): SetupStep | null {
  const i = progress.steps.findIndex((s) => s.step === step);
  return progress.steps[i + 1]?.step ?? null;
}

/** The step before `step`, or null before the first. */
export function stepBefore(progress: SetupProgress, step: SetupStep): SetupStep | null {
  const i = progress.steps.findIndex((s) => s.step === step);
  return i > 0 ? (progress.steps[i - 1]?.step ?? null) : null;
}

/** The store's details as the first step asks them. */
export type StoreDraft = {
  store_name: string;
  time_zone: string;
  currency: string;
  weight_unit: WeightUnit;
};

const DRAFT_KEY = "backroom.setup.store";

/** The store details typed before the first manager existed, if any. */
export function loadDraft(): StoreDraft | null {
  try {
    const text = globalThis.sessionStorage?.getItem(DRAFT_KEY);
    return text ? (JSON.parse(text) as StoreDraft) : null;
  } catch {
    return null;
  }
}

export function keepDraft(draft: StoreDraft | null): void {
  try {
    if (draft) globalThis.sessionStorage?.setItem(DRAFT_KEY, JSON.stringify(draft));
    else globalThis.sessionStorage?.removeItem(DRAFT_KEY);
  } catch {
    // Private mode: the details last until reload.
  }
}

/** The store step's fields from saved settings. */
export function draftOf(settings: Settings): StoreDraft {
  return {
    store_name: settings.slip.store_name,
    time_zone: settings.store.time_zone,
    currency: settings.store.currency,
    weight_unit: settings.store.weight_unit,
  };
}

/** Saved settings with the store step's fields put in. */
export function withDraft(settings: Settings, draft: StoreDraft): Settings {
  return {
    ...settings,
    store: {
      time_zone: draft.time_zone.trim(),
      currency: draft.currency.trim().toUpperCase(),
      weight_unit: draft.weight_unit,
    },
    slip: { ...settings.slip, store_name: draft.store_name.trim() },
  };
}

/** What is wrong with the store's details before they are sent, or null. */
export function draftProblem(draft: StoreDraft, zones: readonly string[]): string | null {
  if (!draft.store_name.trim()) return t("setup.problem.storeName");
  if (!zones.includes(draft.time_zone.trim())) return t("setup.problem.zone");
  if (!/^[A-Za-z]{3}$/.test(draft.currency.trim())) return t("setup.problem.currency");
  return null;
}

/** The IANA time-zone names this browser knows, with UTC. */
export function timeZones(): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return known.includes("UTC") ? known : ["UTC", ...known];
}

/**
 * The time zones matching what was typed, best first: a name that starts with it (or whose
 * city does, `lon` finds Europe/London), then one that contains it. Spaces match underscores.
 */
export function matchZones(query: string, zones: readonly string[], limit = 8): string[] {
  const q = query.trim().toLowerCase().replace(/ /g, "_");
  if (!q) return [];
  const starts: string[] = [];
  const contains: string[] = [];
  for (const zone of zones) {
    const z = zone.toLowerCase();
    const city = z.slice(z.lastIndexOf("/") + 1);
    if (z.startsWith(q) || city.startsWith(q)) starts.push(zone);
    else if (z.includes(q)) contains.push(zone);
  }
  return [...starts, ...contains].slice(0, limit);
}
