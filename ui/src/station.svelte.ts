// Who is signed in at this station, and which station this is. The station name is kept in
// localStorage so a fixed terminal asks only once; the session token is kept by rpc.ts.

import type { DemoOperator } from "./gen/DemoOperator";
import type { Role } from "./gen/Role";
import type { Session } from "./gen/Session";
import { setToken } from "./rpc";

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
  }

  signedOut(): void {
    setToken(null);
    this.session = null;
  }

  /** A manager may do everything a picker or packer may. */
  may(role: Role): boolean {
    const mine = this.session?.operator.role;
    return mine === role || mine === "manager";
  }
}

export const station = new Station();
