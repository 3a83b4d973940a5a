// Who is signed in at this station, and which station this is. The station name is kept in
// localStorage so a fixed terminal asks only once; the session token is kept by rpc.ts.
// Also how this station reaches the host of the warehouse: a browser paired with it, or a
// desktop app in station mode, and whether the host answers.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { DemoOperator } from "./gen/DemoOperator";
import type { Paired } from "./gen/Paired";
import type { Role } from "./gen/Role";
import type { Session } from "./gen/Session";
import { onHostReach, rpc, setStationKey, setToken, transportKind } from "./rpc";
import { setLanguage, stationLanguage } from "./i18n/index.svelte";

/** Whether the host answers this station, or why it does not. */
export type HostState = "connected" | "unreachable" | "wrong_fingerprint" | "revoked";

/** The desktop shell's way of working: its own database, or a station of a host. */
export type StationMode = {
  mode: "local" | "station";
  host: string | null;
  station: string | null;
  fingerprint: string | null;
  state: HostState | null;
  message: string | null;
};

/** How often a station that lost the host asks whether it is back. */
export const HOST_POLL_MS = 2000;

const STATION_KEY = "backroom.station";

function stored(): string | null {
  try {
    return localStorage.getItem(STATION_KEY);
  } catch {
    return null;
  }
}

class Station {
  /** The station chosen at this terminal, before or after signing in. */
  name = $state<string | null>(stored());
  session = $state<Session | null>(null);
  /** Filled when this terminal loaded the demo, so the sign-in screen can show the demo badges. */
  demoOperators = $state<DemoOperator[]>([]);

  choose(name: string | null): void {
    this.name = name;
    try {
      if (name) localStorage.setItem(STATION_KEY, name);
      else localStorage.removeItem(STATION_KEY);
    } catch {
      // Private mode: the choice lasts until reload.
    }
  }

  signedIn(session: Session): void {
    setToken(session.token);
    this.session = session;
    this.choose(session.station);
    setLanguage(session.operator.language);
  }

  signedOut(): void {
    setToken(null);
    this.session = null;
    setLanguage(stationLanguage());
  }

  /** Whether the host answers; anything but `connected` shows the banner on every screen. */
  host = $state<{ state: HostState; message: string }>({ state: "connected", message: "" });
  /** The desktop shell's mode; null in a browser, or a shell that has no station mode. */
  mode = $state<StationMode | null>(null);

  /** Follows the host from now on: the shell's word under Tauri, and in any case the replies
   * (or their absence) to calls, asking `health` every few seconds while none come back. */
  watchHost(): () => void {
    let poll: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      poll = setTimeout(() => void rpc("health", {}).catch(ask), HOST_POLL_MS);
    };
    const stopReach = onHostReach((reachable) => {
      clearTimeout(poll);
      if (reachable) {
        if (this.host.state === "unreachable") this.host = { state: "connected", message: "" };
        return;
      }
      if (this.host.state === "connected") this.host = { state: "unreachable", message: "" };
      ask();
    });
    let stopShell = () => {};
    if (transportKind() === "tauri") {
      const listening = listen<{ state: HostState | null; message: string | null }>("backroom://host", (e) =>
        this.heard(e.payload.state, e.payload.message),
      );
      stopShell = () => void listening.then((unlisten) => unlisten());
      void this.loadMode();
    }
    return () => {
      clearTimeout(poll);
      stopReach();
      stopShell();
    };
  }

  /** The shell's mode, if it has station mode at all. */
  async loadMode(): Promise<StationMode | null> {
    try {
      this.useMode(await invoke<StationMode>("station_mode"));
    } catch {
      // A shell without station mode runs on its own database.
      this.mode = null;
    }
    return this.mode;
  }

  useMode(mode: StationMode): void {
    this.mode = mode;
    if (mode.station) this.choose(mode.station);
    this.heard(mode.state, mode.message);
  }

  private heard(state: HostState | null, message: string | null): void {
    this.host = { state: state ?? "connected", message: message ?? "" };
  }

  /** A browser kept the key the host handed it: it is that station from now on. */
  pairedBrowser(paired: Paired): void {
    setStationKey(paired.key);
    setToken(null);
    this.session = null;
    this.choose(paired.station);
  }

  /** The host refused this station's key; whoever was signed in here is signed out. */
  removed(): void {
    this.session = null;
    if (this.mode) this.host = { state: "revoked", message: "" };
  }

  /** A manager may do everything a picker or packer may. */
  may(role: Role): boolean {
    const mine = this.session?.operator.role;
    return mine === role || mine === "manager";
  }
}

export const station = new Station();

/**
 * A pairing code as the host reads it, `ABCD-EFGH`, from what was typed or scanned: any case,
 * with or without the dash or spaces. Null until it has eight letters and digits.
 */
export function pairingCode(typed: string): string | null {
  const plain = typed.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[A-Z0-9]{8}$/.test(plain)) return null;
  return `${plain.slice(0, 4)}-${plain.slice(4)}`;
}

/** A fingerprint in lines of four groups, to read aloud against the manager's screen. */
export function fingerprintLines(fingerprint: string): string[] {
  const groups = fingerprint.replace(/[^0-9A-Fa-f]/g, "").toUpperCase().match(/.{1,4}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(" "));
  return lines;
}

/** A host's address as typed at a desktop station: `https://` added when left out. */
export function hostAddress(typed: string): string | null {
  const text = typed.trim();
  if (!text) return null;
  return /^https?:\/\//i.test(text) ? text : `https://${text}`;
}
