// Product pictures for the floor screens. Over HTTP a picture is an address on the server
// (`/images/<hash>`, cached by the browser for good, as the name is the content's hash); in the
// desktop window, which has no such address, it comes inline as a `data:` URL. One look-up per
// product, kept until a picture changes.

import type { Changed } from "./gen/Changed";
import type { Event } from "./gen/Event";
import { rpc, transportKind } from "./rpc";

const found = new Map<string, Promise<string | null>>();
const seen = new WeakSet<Event>();
/** The changes after which a picture may differ: a new picture, a product's address, or anything. */
const PICTURE_CHANGES: readonly Changed[] = ["product_images", "products", "all"];

/** Where to load the picture of the product with this SKU or barcode; null when it has none. */
export function pictureOf(code: string): Promise<string | null> {
  let picture = found.get(code);
  if (!picture) {
    picture = lookUp(code);
    found.set(code, picture);
  }
  return picture;
}

async function lookUp(code: string): Promise<string | null> {
  const inline = transportKind() === "tauri";
  try {
    const image = await rpc("product_image", { code, inline });
    if (inline) return image.data_url;
    return image.hash ? `/images/${image.hash}` : null;
  } catch {
    // No picture is never a problem on the floor: the screen shows the product without one.
    found.delete(code);
    return null;
  }
}

/** Whether an event may have changed pictures; the first caller per event forgets them all. */
export function picturesChanged(e: Event): boolean {
  const changed = e.type === "data_changed" && PICTURE_CHANGES.includes(e.what);
  if (changed && !seen.has(e)) {
    seen.add(e);
    found.clear();
  }
  return changed;
}
