import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const { fingerprintLines, hostAddress, pairingCode } = await import("./station.svelte");

describe("pairing codes", () => {
  it("reads a code typed in any case, with or without the dash or spaces", () => {
    expect(pairingCode("abcd-efgh")).toBe("ABCD-EFGH");
    expect(pairingCode("ABCDEFGH")).toBe("ABCD-EFGH");
    expect(pairingCode(" k7mp 2xq9 ")).toBe("K7MP-2XQ9");
  });

  it("refuses a code too short, too long or with other characters", () => {
    expect(pairingCode("ABCD-EFG")).toBeNull();
    expect(pairingCode("ABCD-EFGHJ")).toBeNull();
    expect(pairingCode("ABCD_EFGH")).toBeNull();
    expect(pairingCode("")).toBeNull();
  });
});

describe("the host's fingerprint", () => {
  it("is shown as four lines of four groups, whatever separators it came with", () => {
    const hex = "0123456789abcdef".repeat(4);
    const spaced = hex.toUpperCase().match(/.{4}/g)!.join(" ");
    const lines = fingerprintLines(spaced);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("0123 4567 89AB CDEF");
    expect(fingerprintLines(hex.match(/../g)!.join(":"))).toEqual(lines);
  });
});

describe("the host's address", () => {
  it("adds https when it is left out and keeps what was given", () => {
    expect(hostAddress(" 192.168.1.20:7878 ")).toBe("https://192.168.1.20:7878");
    expect(hostAddress("https://office.local:7878")).toBe("https://office.local:7878");
    expect(hostAddress("   ")).toBeNull();
  });
});
