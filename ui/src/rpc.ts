// The one seam between the UI and Backroom. Every screen calls `rpc(cmd, req)`; whether that
// goes through the Tauri shell or over HTTP to `backroom serve` is decided once, at start.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { ApiError } from "./gen/ApiError";
import { COMMAND_KINDS, type CommandName, type Commands } from "./gen/commands";
import type { ErrorCode } from "./gen/ErrorCode";
import type { Event } from "./gen/Event";
import { t } from "./i18n/index.svelte";

/** The server's error codes, plus `transport` when no reply could be had or read. */
export type RpcErrorCode = ErrorCode | "transport";

export class RpcError extends Error {
  readonly code: RpcErrorCode;
  constructor(code: RpcErrorCode, message: string) {
    super(message);
    this.name = "RpcError";
    this.code = code;
  }
}

/** No reply came back at all (the network dropped, the server restarted): a write may or may
 * not have been applied, so it is sent again with the same request id. */
export class ConnectionLost extends RpcError {
  constructor(message: string) {
    super("transport", message);
    this.name = "ConnectionLost";
  }
}

/** How commands and events travel. */
export interface Transport {
  readonly kind: "tauri" | "http";
  /** `requestId` goes with a write: a retry with the same id is answered, not applied again. */
  call(cmd: string, req: unknown, token: string | null, requestId?: string): Promise<unknown>;
  /** Calls `handler` with each event; returns a function that stops listening. */
  subscribe(handler: (event: Event) => void): () => void;
}

/** Turns whatever a transport rejected with into an `RpcError`. */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  if (isApiError(error)) return new RpcError(error.code, error.message);
  if (typeof error === "string") return new RpcError("transport", error);
  if (error instanceof Error) return new RpcError("transport", error.message);
  return new RpcError("transport", "the command failed for an unknown reason");
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiError).code === "string" &&
    typeof (value as ApiError).message === "string"
  );
}

/** Tauri: one `rpc` command in the shell, errors arrive as the `{code, message}` object. */
export function tauriTransport(): Transport {
  return {
    kind: "tauri",
    async call(cmd, req, token, requestId) {
      try {
        return await invoke("rpc", requestId ? { cmd, req, token, requestId } : { cmd, req, token });
      } catch (error) {
        // In station mode the shell says `transport` when the host gave no reply at all.
        if (isApiError(error) && (error.code as string) === "transport") throw new ConnectionLost(error.message);
        throw toRpcError(error);
      }
    },
    subscribe(handler) {
      const stop = listen<Event>("backroom://event", (e) => handler(e.payload));
      return () => void stop.then((unlisten) => unlisten());
    },
  };
}

/** The header a paired browser sends its station key in. */
export const STATION_KEY_HEADER = "Backroom-Station-Key";

/** HTTP: `POST /api/{cmd}` with a JSON body; non-2xx replies carry `{code, message}`. A browser
 * paired with the host sends its station key with every call. The event stream goes without
 * it: `backroom serve` hands events to any page of its own origin, and an `EventSource` cannot
 * send a header. */
export function httpTransport(
  fetchFn: typeof fetch = (...args) => fetch(...args),
  openEvents: (url: string) => EventSource = (url) => new EventSource(url),
  keyFn: () => string | null = getStationKey,
): Transport {
  return {
    kind: "http",
    async call(cmd, req, token, requestId) {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (requestId) headers["Idempotency-Key"] = requestId;
      const key = keyFn();
      if (key) headers[STATION_KEY_HEADER] = key;
      let reply: Response;
      try {
        reply = await fetchFn(`/api/${cmd}`, { method: "POST", headers, body: JSON.stringify(req ?? {}) });
      } catch (error) {
        throw new ConnectionLost(`cannot reach Backroom: ${toRpcError(error).message}`);
      }
      let body: unknown;
      try {
        body = await reply.json();
      } catch {
        throw new RpcError("transport", `Backroom answered ${reply.status} without a readable reply`);
      }
      if (!reply.ok) {
        if (isApiError(body)) throw new RpcError(body.code, body.message);
        throw new RpcError("transport", `Backroom answered ${reply.status}`);
      }
      return body;
    },
    subscribe(handler) {
      const source = openEvents("/api/events");
      let dropped = false;
      source.onmessage = (message) => {
        try {
          handler(JSON.parse(message.data) as Event);
        } catch {
          // A message we cannot read is skipped; the next refresh catches up.
        }
      };
      // EventSource reconnects by itself, but events sent while it was away are lost.
      source.onerror = () => {
        dropped = true;
      };
      source.onopen = () => {
        if (dropped) handler({ type: "data_changed", what: "all" });
        dropped = false;
      };
      return () => source.close();
    },
  };
}

/** Tauri when the shell injected its internals, else HTTP. */
export function chooseTransport(scope: object = globalThis): Transport {
  return "__TAURI_INTERNALS__" in scope ? tauriTransport() : httpTransport();
}

// The session token, kept across reloads so a station stays signed in.
const TOKEN_KEY = "backroom.token";

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

let token: string | null = storage()?.getItem(TOKEN_KEY) ?? null;

export function getToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  if (value) storage()?.setItem(TOKEN_KEY, value);
  else storage()?.removeItem(TOKEN_KEY);
}

// The station key of a browser paired with the host, kept across reloads. A desktop station's
// key lives with the shell, never here.
const STATION_KEY_STORE = "backroom.stationKey";

let stationKey: string | null = storage()?.getItem(STATION_KEY_STORE) ?? null;

export function getStationKey(): string | null {
  return stationKey;
}

export function setStationKey(value: string | null): void {
  stationKey = value;
  if (value) storage()?.setItem(STATION_KEY_STORE, value);
  else storage()?.removeItem(STATION_KEY_STORE);
}

let transport: Transport | null = null;

/** Replaces the transport (tests use this); normally it is chosen on the first call. */
export function useTransport(t: Transport): void {
  transport = t;
}

function current(): Transport {
  transport ??= chooseTransport();
  return transport;
}

export function transportKind(): Transport["kind"] {
  return current().kind;
}

const sessionEndedHandlers = new Set<() => void>();

/** Called when the server says the stored session is over (signed out elsewhere, operator deactivated). */
export function onSessionEnded(handler: () => void): () => void {
  sessionEndedHandlers.add(handler);
  return () => sessionEndedHandlers.delete(handler);
}

const stationRemovedHandlers = new Set<() => void>();

/** Called when the host refuses this station's key: a manager revoked it. The browser's key is
 * already forgotten by then. */
export function onStationRemoved(handler: () => void): () => void {
  stationRemovedHandlers.add(handler);
  return () => stationRemovedHandlers.delete(handler);
}

const hostHandlers = new Set<(reachable: boolean) => void>();
let hostReachable = true;

/** Called when the host stops answering, and again when it answers. */
export function onHostReach(handler: (reachable: boolean) => void): () => void {
  hostHandlers.add(handler);
  return () => hostHandlers.delete(handler);
}

function reached(reachable: boolean): void {
  if (reachable === hostReachable) return;
  hostReachable = reachable;
  for (const handler of hostHandlers) handler(reachable);
}

/** The words the bench shows while the host gives no reply: the one place that says it. */
export function hostLostWords(): { title: string; check: string } {
  return { title: t("host.lost.title"), check: t("host.lost.check") };
}

/** The error a call ends with when the host gave no reply, in the bench's words, so a scan
 * says the host is away rather than "not found". */
export function hostLost(): ConnectionLost {
  const words = hostLostWords();
  return new ConnectionLost(`${words.title} ${words.check}`);
}

/** How long to wait before each further try of a write whose reply was lost. */
export const WRITE_RETRY_DELAYS_MS = [500, 2000, 5000];

/** A fresh request id: 128 random bits in hex. `crypto.randomUUID` exists only on HTTPS and
 * localhost pages, a station on the LAN may be neither. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends a command; a write whose reply was lost on the way is sent again, a few times, with
 * the same request id, so the server answers it from the first run instead of running it twice. */
async function send(cmd: CommandName, req: unknown, sentToken: string | null): Promise<unknown> {
  if (COMMAND_KINDS[cmd] !== "write") return current().call(cmd, req, sentToken);
  const requestId = newRequestId();
  for (const delay of WRITE_RETRY_DELAYS_MS) {
    try {
      return await current().call(cmd, req, sentToken, requestId);
    } catch (error) {
      if (!(error instanceof ConnectionLost)) throw error;
      await sleep(delay);
    }
  }
  return current().call(cmd, req, sentToken, requestId);
}

/** Runs one command as the signed-in operator. Rejects with an `RpcError`. */
export async function rpc<K extends CommandName>(
  cmd: K,
  req: Commands[K]["req"],
): Promise<Commands[K]["res"]> {
  const sentToken = token;
  const sentKey = stationKey;
  try {
    const reply = (await send(cmd, req, sentToken)) as Commands[K]["res"];
    reached(true);
    return reply;
  } catch (error) {
    if (error instanceof ConnectionLost) {
      reached(false);
      throw hostLost();
    }
    reached(true);
    const e = toRpcError(error);
    if (e.code === "not_signed_in" && sentToken !== null && sentToken === token) {
      setToken(null);
      for (const handler of sessionEndedHandlers) handler();
    }
    if (e.code === "not_paired" && stationRemoved(sentKey)) {
      for (const handler of stationRemovedHandlers) handler();
    }
    throw e;
  }
}

/** Whether a `not_paired` refusal means this station was removed: a browser whose key was
 * refused forgets it (and the session bound to it); a desktop station's shell holds its key. */
function stationRemoved(sentKey: string | null): boolean {
  if (current().kind === "tauri") return true;
  if (sentKey === null || sentKey !== stationKey) return false;
  setStationKey(null);
  setToken(null);
  return true;
}

/** Listens to Backroom's events (stock, order and data changes). */
export function onEvent(handler: (event: Event) => void): () => void {
  return current().subscribe(handler);
}
