// The host's refusals in the words of the person at the station. The host writes its messages
// in English: an English station shows them as they are (they name the order, the bin, the
// minutes to wait), and a station in another language shows the catalog's words for the codes
// the floor acts on, and the host's own words for the rest.

import { language, t } from "./index.svelte";
import { hostLostWords } from "../rpc";

/** The codes whose meaning the floor screens know well enough to say in any language. */
const KNOWN: Record<string, string> = {
  transport: "common.error.transport",
  busy: "common.error.busy",
  not_signed_in: "common.error.notSignedIn",
  locked_out: "common.error.lockedOut",
  not_paired: "common.error.notPaired",
  forbidden: "common.error.forbidden",
  pin_needed: "common.error.pinNeeded",
  storage: "common.error.storage",
  schema_too_new: "common.error.schemaTooNew",
};

/** A refusal as a person reads it: no backticks, a capital first letter. */
export function errorWords(error: { code?: string; message: string }): string {
  // No reply at all: the words of the banner every screen shows meanwhile.
  if (error.code === "transport") {
    const words = hostLostWords();
    return `${words.title} ${words.check}`;
  }
  const key = error.code === undefined ? undefined : KNOWN[error.code];
  if (key && (language.current !== "en" || error.code === "transport")) return t(key);
  const text = error.message.replace(/`/g, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Whatever was thrown, in words: an `RpcError`'s code and message, else the text of it. */
export function thrownWords(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) {
    const code = "code" in e && typeof e.code === "string" ? e.code : undefined;
    return errorWords({ code, message: String(e.message) });
  }
  return errorWords({ message: String(e) });
}
