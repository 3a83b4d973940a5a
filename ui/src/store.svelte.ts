// The store's zone, currency and weight unit, read once a station has someone signed in (the
// `store_info` read is open to the floor; the full settings are a manager's). Every time the
// screens show goes through `format.ts`, which this sets to the store's zone.

import { rpc } from "./rpc";
import { setStoreZone } from "./format";
import type { StoreSettings } from "./gen/StoreSettings";

export const store = $state<{ info: StoreSettings | null }>({ info: null });

/** Reads the store's settings and puts every screen on the store's clock. */
export async function loadStore(): Promise<void> {
  try {
    applyStore(await rpc("store_info", {}));
  } catch {
    // Times stay on this computer's clock until the next sign-in reads the store's.
  }
}

/** Uses settings just read or saved. */
export function applyStore(info: StoreSettings): void {
  store.info = info;
  setStoreZone(info.time_zone);
}
