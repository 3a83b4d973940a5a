import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const {
  RpcError,
  chooseTransport,
  getStationKey,
  hostLostWords,
  httpTransport,
  onHostReach,
  onSessionEnded,
  onStationRemoved,
  rpc,
  getToken,
  setStationKey,
  setToken,
  tauriTransport,
  useTransport,
} = await import("./rpc");

type Call = { url: string; init: RequestInit };

/** A fetch that records its calls and answers with `status` and `body` (a string is sent as is). */
function fakeFetch(status: number, body: unknown) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { "Content-Type": "application/json" } });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof RpcError>> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RpcError);
    return error as InstanceType<typeof RpcError>;
  }
  throw new Error("expected the call to fail");
}

beforeEach(() => {
  setToken(null);
  setStationKey(null);
  invoke.mockReset();
});

describe("transport selection", () => {
  it("uses HTTP in a plain browser", () => {
    expect(chooseTransport({}).kind).toBe("http");
  });

  it("uses Tauri when the shell injected its internals", () => {
    expect(chooseTransport({ __TAURI_INTERNALS__: {} }).kind).toBe("tauri");
  });
});

describe("HTTP transport", () => {
  it("posts the request as JSON to /api/{cmd} and returns the reply", async () => {
    const product = { product: { sku: "TEE-BLK-M" }, totals: {}, locations: [] };
    const { fn, calls } = fakeFetch(200, product);
    useTransport(httpTransport(fn));
    const reply = await rpc("lookup_product", { code: "4006381333931" });
    expect(reply).toEqual(product);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe("/api/lookup_product");
    expect(calls[0]!.init.method).toBe("POST");
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ code: "4006381333931" });
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it("sends the session token as a bearer token once signed in", async () => {
    const { fn, calls } = fakeFetch(200, { ok: true });
    useTransport(httpTransport(fn));
    setToken("abc123");
    await rpc("sign_out", {});
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe("Bearer abc123");
  });

  it("maps a {code, message} error reply to an RpcError", async () => {
    const message = "no product has the SKU or barcode `X`";
    const { fn } = fakeFetch(404, { code: "not_found", message });
    useTransport(httpTransport(fn));
    const e = await rejection(rpc("lookup_product", { code: "X" }));
    expect(e.code).toBe("not_found");
    expect(e.message).toBe(message);
  });

  it("reports an unreadable error reply as a transport error with the status", async () => {
    const { fn } = fakeFetch(502, "<html>Bad gateway</html>");
    useTransport(httpTransport(fn));
    const e = await rejection(rpc("health", {}));
    expect(e.code).toBe("transport");
    expect(e.message).toContain("502");
  });

  it("reports an unreachable server as a transport error in the bench's words", async () => {
    const fn = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    useTransport(httpTransport(fn));
    const e = await rejection(rpc("lookup_product", { code: "TEE-BLK-M" } as never));
    expect(e.code).toBe("transport");
    expect(e.message).toBe(`${hostLostWords().title} ${hostLostWords().check}`);
    expect(e.message).toMatch(/^Cannot reach the host — reconnecting…/);
    expect(e.message).not.toMatch(/not found/i);
  });

  it("tells listeners once when the host stops answering and once when it answers again", async () => {
    let up = true;
    const fn = (async () => {
      if (!up) throw new TypeError("Failed to fetch");
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    }) as unknown as typeof fetch;
    useTransport(httpTransport(fn));
    await rpc("health", {});
    const seen: boolean[] = [];
    const stop = onHostReach((reachable) => seen.push(reachable));
    up = false;
    await rejection(rpc("health", {}));
    await rejection(rpc("whoami", {}));
    up = true;
    await rpc("health", {});
    await rpc("health", {});
    stop();
    expect(seen).toEqual([false, true]);
  });

  it("forgets the token and tells listeners when the server ends the session", async () => {
    const { fn } = fakeFetch(403, { code: "not_signed_in", message: "this session has ended" });
    useTransport(httpTransport(fn));
    setToken("stale");
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    const e = await rejection(rpc("whoami", {}));
    stop();
    expect(e.code).toBe("not_signed_in");
    expect(getToken()).toBeNull();
    expect(ended).toHaveBeenCalledOnce();
  });

  it("sends a paired browser's station key with every call, and none when unpaired", async () => {
    const { fn, calls } = fakeFetch(200, { ok: true });
    useTransport(httpTransport(fn));
    await rpc("whoami", {});
    setStationKey("k3y");
    await rpc("whoami", {});
    await rpc("sign_out", {});
    const header = (c: Call) => (c.init.headers as Record<string, string>)["Backroom-Station-Key"];
    expect(calls.map(header)).toEqual([undefined, "k3y", "k3y"]);
  });

  it("forgets a key the host refuses, with the session bound to it, and says the station was removed", async () => {
    const { fn } = fakeFetch(401, { code: "not_paired", message: "this station is not paired (or was revoked)" });
    useTransport(httpTransport(fn));
    setStationKey("revoked");
    setToken("bound");
    const removed = vi.fn();
    const stop = onStationRemoved(removed);
    const e = await rejection(rpc("whoami", {}));
    stop();
    expect(e.code).toBe("not_paired");
    expect(getStationKey()).toBeNull();
    expect(getToken()).toBeNull();
    expect(removed).toHaveBeenCalledOnce();
  });

  it("does not call an unpaired browser removed when the host wants a key it never had", async () => {
    const { fn } = fakeFetch(401, { code: "not_paired", message: "this station is not paired" });
    useTransport(httpTransport(fn));
    setToken("mine");
    const removed = vi.fn();
    const stop = onStationRemoved(removed);
    await rejection(rpc("sign_in", { station: "Bench 2", credential: "1234" }));
    stop();
    expect(removed).not.toHaveBeenCalled();
    expect(getToken()).toBe("mine");
  });

  it("keeps the token when the role is refused", async () => {
    const { fn } = fakeFetch(403, { code: "forbidden", message: "ask a manager" });
    useTransport(httpTransport(fn));
    setToken("good");
    const e = await rejection(rpc("check_ledger", {}));
    expect(e.code).toBe("forbidden");
    expect(getToken()).toBe("good");
  });

  it("delivers server-sent events and asks for a refresh after a reconnect", () => {
    class FakeSource {
      onmessage: ((m: { data: string }) => void) | null = null;
      onerror: (() => void) | null = null;
      onopen: (() => void) | null = null;
      closed = false;
      close() {
        this.closed = true;
      }
    }
    let source: FakeSource | undefined;
    let opened = "";
    const transport = httpTransport(fakeFetch(200, {}).fn, (url) => {
      opened = url;
      source = new FakeSource();
      return source as unknown as EventSource;
    });
    const seen: unknown[] = [];
    const stop = transport.subscribe((e) => seen.push(e));
    expect(opened).toBe("/api/events");
    source!.onmessage!({ data: '{"type":"stock_changed","skus":["A"]}' });
    source!.onmessage!({ data: "not json" });
    source!.onerror!();
    source!.onopen!();
    stop();
    expect(seen).toEqual([
      { type: "stock_changed", skus: ["A"] },
      { type: "data_changed", what: "all" },
    ]);
    expect(source!.closed).toBe(true);
  });
});

describe("Tauri transport", () => {
  it("invokes the shell's rpc command with the command, request and token", async () => {
    invoke.mockResolvedValue({ ok: true, version: "0.1.0", schema: 1, empty: false });
    useTransport(tauriTransport());
    setToken("t0k");
    const health = await rpc("health", {});
    expect(health.ok).toBe(true);
    expect(invoke).toHaveBeenCalledWith("rpc", { cmd: "health", req: {}, token: "t0k" });
  });

  it("maps the {code, message} rejection to an RpcError", async () => {
    invoke.mockRejectedValue({ code: "conflict", message: "not enough stock" });
    useTransport(tauriTransport());
    const e = await rejection(rpc("record_movement", {} as never));
    expect(e.code).toBe("conflict");
    expect(e.message).toBe("not enough stock");
  });

  it("reads the shell's `transport` as the host lost, and sends a write again with its id", async () => {
    vi.useFakeTimers();
    try {
      invoke.mockRejectedValueOnce({ code: "transport", message: "Cannot reach the host; reconnecting…" });
      invoke.mockResolvedValueOnce({ picked: 1, left_to_pick: 0 });
      useTransport(tauriTransport());
      const reply = rpc("pick", { order: "1001", product: "MUG-1", bin: "A01-1-01-L", qty: 1 } as never);
      await vi.runAllTimersAsync();
      expect(await reply).toEqual({ picked: 1, left_to_pick: 0 });
      const ids = invoke.mock.calls.map((c) => (c[1] as { requestId?: string }).requestId);
      expect(ids).toHaveLength(2);
      expect(ids[0]).toBe(ids[1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("maps a plain string rejection from the shell to a transport error", async () => {
    invoke.mockRejectedValue("command rpc not found");
    useTransport(tauriTransport());
    const e = await rejection(rpc("health", {}));
    expect(e.code).toBe("transport");
    expect(e.message).toBe("command rpc not found");
  });
});

describe("request ids and retries of writes", () => {
  /** A fetch whose first `drops` calls fail as a dropped connection, then answers `body`. */
  function droppingFetch(drops: number, body: unknown) {
    const calls: Call[] = [];
    const fn = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (calls.length <= drops) throw new TypeError("Failed to fetch");
      return new Response(JSON.stringify(body), { status: 200 });
    }) as unknown as typeof fetch;
    return { fn, calls };
  }

  const key = (call: Call) => (call.init.headers as Record<string, string>)["Idempotency-Key"];

  it("sends each write with a fresh request id and a read with none", async () => {
    const { fn, calls } = fakeFetch(200, { ok: true });
    useTransport(httpTransport(fn));
    await rpc("sign_out", {});
    await rpc("sign_out", {});
    await rpc("whoami", {});
    expect(key(calls[0]!)).toMatch(/^[0-9a-f]{32}$/);
    expect(key(calls[1]!)).toMatch(/^[0-9a-f]{32}$/);
    expect(key(calls[0]!)).not.toBe(key(calls[1]!));
    expect(key(calls[2]!)).toBeUndefined();
  });

  it("sends a write again with the same id when the connection drops, and returns that reply", async () => {
    vi.useFakeTimers();
    try {
      const picked = { picked: 1, left_to_pick: 0 };
      const { fn, calls } = droppingFetch(2, picked);
      useTransport(httpTransport(fn));
      const reply = rpc("pick", { order: "1001", product: "MUG-1", bin: "A01-1-01-L", qty: 1 } as never);
      await vi.runAllTimersAsync();
      expect(await reply).toEqual(picked);
      expect(calls).toHaveLength(3);
      expect(new Set(calls.map(key)).size).toBe(1);
      expect(calls.map((c) => c.init.body)).toEqual(Array(3).fill(calls[0]!.init.body));
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives up on a write after a few tries and says Backroom cannot be reached", async () => {
    vi.useFakeTimers();
    try {
      const { fn, calls } = droppingFetch(100, {});
      useTransport(httpTransport(fn));
      const failed = rejection(rpc("sign_out", {}));
      await vi.runAllTimersAsync();
      const e = await failed;
      expect(e.code).toBe("transport");
      expect(e.message).toContain("Cannot reach the host");
      expect(calls).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not send a read again, nor a write the server answered with an error", async () => {
    const dropped = droppingFetch(1, {});
    useTransport(httpTransport(dropped.fn));
    await rejection(rpc("whoami", {}));
    expect(dropped.calls).toHaveLength(1);
    const busy = fakeFetch(503, { code: "busy", message: "Backroom is busy; try again in a moment" });
    useTransport(httpTransport(busy.fn));
    const e = await rejection(rpc("sign_out", {}));
    expect(e.code).toBe("busy");
    expect(busy.calls).toHaveLength(1);
  });

  it("gives the shell a write's request id", async () => {
    invoke.mockResolvedValue({ ok: true });
    useTransport(tauriTransport());
    await rpc("sign_out", {});
    const args = invoke.mock.calls[0]![1] as { requestId?: string };
    expect(args.requestId).toMatch(/^[0-9a-f]{32}$/);
  });
});
