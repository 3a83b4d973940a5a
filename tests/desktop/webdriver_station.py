#!/usr/bin/env python3
"""The desktop app as a station of a host on the network, driven through WebKitWebDriver.
tests/desktop/station.sh starts Xvfb and the driver and runs this once.

It runs a real host (`backroom serve --lan` over the demo warehouse, HTTPS on loopback) and:
1. starts the app on its own (empty) database, reads the host's fingerprint through
   `probe_host`, is refused when the fingerprint or the code is wrong, and joins with a
   manager's code through `join_warehouse`;
2. starts the app again, now a station: it opens no database of its own, and its sign-in
   screen lists the host's stations, among them one that exists only on the host;
3. stops the host: `rpc` is refused at once as `transport` with the reconnecting message, and
   `backroom://host` says `unreachable`; restarts it: calls work again, a write sent twice
   with one request id is applied once, and `backroom://host` says `connected`;
4. a manager removes the station on the host: `rpc` is refused as `not_paired`, and
   `backroom://host` says `revoked`; "Leave this warehouse" on the sign-in screen asks first,
   then forgets the key;
5. starts the app with a key pinned to another certificate: every call is refused as
   `wrong_fingerprint`, naming both fingerprints, and `backroom://host` says so.
It prints two figures: `list_stations` timed inside the page, on the app's own database and
through the shell to the host.
"""

import argparse
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time

# The smoke test's WebDriver session, reused; no bytecode cache left in the tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver_smoke import Failed, Session, visible_text, wait_for  # noqa: E402

# The station this test pairs as: it exists in the host's database only.
STATION = "Remote bench"
UNREACHABLE = "Cannot reach the host; reconnecting…"

# Collects the payloads of one Tauri event in `window.__events[name]`.
LISTEN = """
const done = arguments[arguments.length - 1];
const name = arguments[0];
const internals = window.__TAURI_INTERNALS__;
window.__events = window.__events || {};
window.__events[name] = [];
const handler = internals.transformCallback((e) => window.__events[name].push(e.payload));
internals.invoke("plugin:event|listen", { event: name, target: { kind: "Any" }, handler })
  .then(() => done({ ok: true }), (err) => done({ err: String(err) }));
"""

# Times `n` calls of one command through the shell, one after another, from inside the page.
TIMING = """
const done = arguments[arguments.length - 1];
const [cmd, n] = arguments;
(async () => {
  const times = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await window.__TAURI_INTERNALS__.invoke("rpc", { cmd, req: {} });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  done({ median: times[Math.floor(n / 2)], p95: times[Math.floor(n * 0.95)] });
})().catch((err) => done({ err: String(err) }));
"""


class App(Session):
    """A WebDriver session over the app started with `args`."""

    def __init__(self, url, app, args):  # pylint: disable=super-init-not-called
        self.url = url.rstrip("/")
        caps = {"webkitgtk:browserOptions": {"binary": app, "args": args}}
        reply = self.send("POST", "/session", {"capabilities": {"alwaysMatch": caps}}, 60)
        self.base = "/session/" + reply["sessionId"]
        self.send("POST", self.base + "/timeouts", {"script": 15000})
        wait_for("the Tauri internals", lambda: self.script("return !!window.__TAURI_INTERNALS__;"))

    def command(self, name, args=None):
        """Invokes a shell command; returns ("ok", value) or ("err", error)."""
        reply = self.invoke(name, args or {})
        return ("err", reply["err"]) if "err" in reply else ("ok", reply["ok"])

    def ok(self, name, args=None):
        kind, value = self.command(name, args)
        if kind != "ok":
            raise Failed(f"{name} {args} was refused: {value}")
        return value

    def refused(self, name, args, code):
        kind, value = self.command(name, args)
        if kind != "err" or not isinstance(value, dict) or value.get("code") != code:
            raise Failed(f"{name} {args} should be refused with {code}, got {kind} {value}")
        if not value.get("message"):
            raise Failed(f"{name} was refused without a message: {value}")
        return value["message"]

    def click(self, css):
        query = {"using": "css selector", "value": css}
        found = wait_for(
            f"an element {css}", lambda: self.send("POST", self.base + "/elements", query)
        )
        element = next(iter(found[0].values()))
        self.send("POST", f"{self.base}/element/{element}/click", {})

    def timing(self, cmd="list_stations", n=50):
        """The median and 95th percentile of `n` calls of `cmd`, timed inside the page."""
        body = {"script": TIMING, "args": [cmd, n]}
        reply = self.send("POST", self.base + "/execute/async", body)
        if "err" in reply:
            raise Failed(f"timing {cmd} failed: {reply['err']}")
        return f"median {reply['median']:.1f} ms, p95 {reply['p95']:.1f} ms over {n} calls"

    def listen(self, event):
        reply = self.send("POST", self.base + "/execute/async", {"script": LISTEN, "args": [event]})
        if "err" in reply:
            raise Failed(f"cannot listen for {event}: {reply['err']}")

    def heard(self, event):
        return self.script("return (window.__events || {})[arguments[0]] || [];", event)


class Host:
    """`backroom serve --lan` on a fixed loopback port, so a restart is at the same address."""

    def __init__(self, cli, db, port, out):
        self.cli, self.db, self.port, self.out = cli, db, port, out
        self.process = None
        self.starts = 0

    def backroom(self, *args):
        done = subprocess.run(
            [self.cli, "--db", self.db, *args], capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            raise Failed(f"backroom {' '.join(args)} failed: {done.stderr.strip()}")
        return json.loads(done.stdout) if done.stdout.strip() else None

    def start(self):
        self.starts += 1
        log = os.path.join(self.out, f"host-{self.starts}.log")
        with open(log, "w") as stdout:
            self.process = subprocess.Popen(
                [self.cli, "--db", self.db, "serve", "--lan", "--addr", f"127.0.0.1:{self.port}",
                 "--loopback-addr", "off"],
                stdout=stdout, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )

        def fingerprint():
            if self.process.poll() is not None:
                raise Failed(f"the host stopped at start; see {log}")
            with open(log) as f:
                for line in f:
                    if line.startswith("certificate fingerprint (SHA-256): "):
                        return line.split(": ", 1)[1].strip()
            return None

        self.fingerprint = wait_for("the host to print its fingerprint", fingerprint, 30)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"


def normal(fingerprint):
    return "".join(c for c in fingerprint.upper() if c in "0123456789ABCDEF")


def join(s, host, station_file, out):
    """The app on its own database joins the host's warehouse."""
    mode = s.ok("station_mode")
    if mode["mode"] != "local" or mode["host"] is not None:
        raise Failed(f"with no station key the app should be local, got {mode}")
    print(f"  figure: list_stations on the app's own database: {s.timing()}")

    probe = s.ok("probe_host", {"host": host.address})
    if normal(probe["fingerprint"]) != normal(host.fingerprint):
        raise Failed(f"probe_host saw {probe['fingerprint']}, the host shows {host.fingerprint}")
    print(f"  probe_host: {probe['fingerprint'][:19]}… as the host shows it")

    code = host.backroom("call", "create_pairing_code", json.dumps({"station": STATION}))["code"]
    wrong = "00" * 32
    message = s.refused(
        "join_warehouse", {"host": host.address, "code": code, "fingerprint": wrong},
        "wrong_fingerprint",
    )
    if "0000 0000" not in message or host.fingerprint not in message:
        raise Failed(f"a wrong fingerprint should name both fingerprints: {message!r}")
    message = s.refused(
        "join_warehouse",
        {"host": host.address, "code": "ZZZZ-ZZZZ", "fingerprint": probe["fingerprint"]},
        "invalid",
    )
    if "code" not in message or not message[0].isupper():
        raise Failed(f"an unknown code should be refused in a sentence about the code: {message!r}")
    if os.path.exists(station_file):
        raise Failed("a refused join kept a station key")
    print("  join_warehouse: refused with another fingerprint (both named) and an unknown code")

    mode = s.ok(
        "join_warehouse",
        {"host": f"https://{host.address}/", "code": code, "fingerprint": probe["fingerprint"]},
    )
    expected = {"mode": "station", "host": f"https://{host.address}", "station": STATION}
    if any(mode.get(k) != v for k, v in expected.items()):
        raise Failed(f"join_warehouse answered {mode}, expected {expected}")
    bits = stat.S_IMODE(os.stat(station_file).st_mode)
    if bits != 0o600:
        raise Failed(f"the station key is kept with mode {oct(bits)}, not 0600")
    # The running app is the station now, without a restart.
    names = [st["name"] for st in s.ok("rpc", {"cmd": "list_stations", "req": {}})]
    if STATION not in names:
        raise Failed(f"after joining, list_stations should come from the host: {names}")
    print(f"  join_warehouse: paired as {STATION!r}, key kept 0600, calls go to the host")
    s.screenshot(os.path.join(out, "station-joined.png"))


def host_state(s, state):
    """Waits for `backroom://host` to have said `state`; returns its message."""
    said = wait_for(
        f"backroom://host to say {state}",
        lambda: [e for e in s.heard("backroom://host") if e.get("state") == state],
        30,
    )
    return said[-1]["message"]


def work_as_station(s, host, local_db, demo, out):
    """The app started as a station: the host's stations, then the host going away."""
    s.listen("backroom://host")
    s.listen("backroom://event")
    mode = wait_for(
        "station_mode to say connected",
        lambda: (lambda m: m if m.get("state") == "connected" else None)(s.ok("station_mode")),
    )
    if mode["mode"] != "station" or mode["station"] != STATION:
        raise Failed(f"the app should start as the station {STATION!r}: {mode}")
    if os.path.exists(local_db):
        raise Failed(f"a station opened a database of its own: {local_db}")
    # The station's own scale and printer run too, and say how they stand with the host.
    wait_for(
        "the station's devices to report to the window",
        lambda: STATION in (s.ok("station_mode").get("devices") or ""),
    )

    health = s.ok("rpc", {"cmd": "health"})
    if health.get("empty") is not False:
        raise Failed(f"health should be the host's demo warehouse, got {health}")
    names = [st["name"] for st in s.ok("rpc", {"cmd": "list_stations", "req": {}})]
    if STATION not in names:
        raise Failed(f"the host's stations should include {STATION!r}: {names}")
    # A paired station signs in at itself: the screen names it, a station only the host knows.
    wait_for(f"the sign-in screen to name {STATION!r}", lambda: STATION in visible_text(s))
    s.screenshot(os.path.join(out, "station-sign-in.png"))
    # Changing the station lists every station of the host's warehouse.
    s.click('[data-testid="change-station"]')
    wait_for(
        f"the sign-in screen to list the host's stations {names}",
        lambda: all(name in visible_text(s) for name in names),
    )
    print(f"  sign-in screen: at {STATION!r}, choosing among the host's stations "
          f"{', '.join(names)}")
    # While the host takes this station's key, nobody at the bench can unpair it.
    query = {"using": "css selector", "value": '[data-testid="sign-in-leave"]'}
    if s.send("POST", s.base + "/elements", query):
        raise Failed("a station the host still takes offers to leave its warehouse")
    s.screenshot(os.path.join(out, "station-stations.png"))
    print(f"  figure: list_stations through the shell to the host over HTTPS: {s.timing()}")

    # Signing in here needs this station's key, so this shows the key goes with each call.
    manager = next(op for op in demo["operators"] if op["role"] == "manager")
    session = s.ok("rpc", {"cmd": "sign_in", "req": {"station": STATION,
                                                      "credential": manager["pin"]}})
    token = session["token"]
    s.ok("rpc", {"cmd": "whoami", "req": {}, "token": token})
    print(f"  rpc: signed in at {STATION!r} on the host as {manager['name']}")

    host.stop()
    host_state(s, "unreachable")
    started = time.monotonic()
    message = s.refused("rpc", {"cmd": "list_stations", "req": {}}, "transport")
    took = time.monotonic() - started
    if message != UNREACHABLE:
        raise Failed(f"a call while the host is down should say {UNREACHABLE!r}: {message!r}")
    mode = s.ok("station_mode")
    if mode["state"] != "unreachable":
        raise Failed(f"station_mode should say unreachable: {mode}")
    print(f"  host stopped: rpc refused as transport ({message!r}) in {took * 1000:.0f} ms; "
          "backroom://host unreachable")
    s.screenshot(os.path.join(out, "station-unreachable.png"))

    host.start()
    wait_for(
        "calls to work again after the host restarted",
        lambda: s.command("rpc", {"cmd": "list_stations", "req": {}})[0] == "ok",
        30,
    )
    host_state(s, "connected")
    refresh = {"type": "data_changed", "what": "all"}
    wait_for("a refresh-everything event after reconnecting",
             lambda: refresh in s.heard("backroom://event"), 30)
    # A write sent again with its request id (its reply lost) is answered, not applied again.
    write = {"cmd": "create_pairing_code", "req": {"station": "Spare bench"}, "token": token,
             "requestId": "0123456789abcdef0123456789abcdef"}
    first, again = s.ok("rpc", write), s.ok("rpc", write)
    if first != again:
        raise Failed(f"a write sent twice with one request id ran twice: {first} then {again}")
    print("  host restarted: calls work again, backroom://host connected, the window told to "
          "refresh; a write retried with its request id answered once")
    s.screenshot(os.path.join(out, "station-reconnected.png"))

    host.backroom("call", "revoke_station", json.dumps({"station": STATION}))
    message = s.refused("rpc", {"cmd": "list_stations", "req": {}}, "not_paired")
    if "removed by a manager" not in message:
        raise Failed(f"a revoked station should say a manager removed it: {message!r}")
    host_state(s, "revoked")
    print(f"  revoked on the host: rpc refused as not_paired ({message!r})")


def another_certificate(s, host, out):
    """A station whose host now shows another certificate stops and names both."""
    message = s.refused("rpc", {"cmd": "list_stations", "req": {}}, "wrong_fingerprint")
    if "0000 0000" not in message or host.fingerprint not in message:
        raise Failed(f"another certificate should be named with the expected one: {message!r}")
    # The link found it at start, before this page listened: the shell's mode says it.
    mode = s.ok("station_mode")
    if mode["state"] != "wrong_fingerprint" or mode["message"] != message:
        raise Failed(f"station_mode should say what the refusal says: {mode}")
    # Stopped: a call now is refused without asking the host again.
    again = s.refused("rpc", {"cmd": "health"}, "wrong_fingerprint")
    if again != message:
        raise Failed(f"the station should stay stopped with the same words: {again!r}")
    print("  another certificate: rpc refused as wrong_fingerprint naming both, and it stays so")
    s.screenshot(os.path.join(out, "station-wrong-fingerprint.png"))


def leave(s, station_file, out):
    """Leaves the warehouse from the sign-in screen, saying yes to the question."""
    s.click('[data-testid="sign-in-leave"]')
    wait_for("the question before leaving", lambda: "works on its own again" in visible_text(s))
    s.screenshot(os.path.join(out, "station-leave-question.png"))
    if not os.path.exists(station_file):
        raise Failed("the key went before anyone said yes")
    s.click('[data-testid="leave-yes"]')
    mode = wait_for(
        "station_mode to say local",
        lambda: (lambda m: m if m.get("mode") == "local" else None)(s.ok("station_mode")),
    )
    if os.path.exists(station_file):
        raise Failed(f"leaving should forget the key: {mode}")
    print("  Leave this warehouse, then Yes: the key forgotten, back on this computer's own "
          "database")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--webdriver", required=True, help="WebKitWebDriver URL")
    parser.add_argument("--app", required=True, help="absolute path of backroom-desktop")
    parser.add_argument("--cli", required=True, help="absolute path of backroom")
    parser.add_argument("--work", required=True, help="a fresh folder for the databases")
    parser.add_argument("--out", required=True, help="where screenshots and logs go")
    args = parser.parse_args()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    host = Host(args.cli, os.path.join(args.work, "host.db"), port, args.out)
    demo = host.backroom("call", "load_demo")
    station_file = os.path.join(args.work, "station.json")
    first_db = os.path.join(args.work, "own.db")
    station_db = os.path.join(args.work, "never-opened.db")
    forged_file = os.path.join(args.work, "another-certificate.json")
    host.start()
    try:
        for step, app_args, run in [
            ("1. on its own database: joining the host's warehouse",
             ["--db", first_db, "--station-file", station_file],
             lambda s: join(s, host, station_file, args.out)),
            ("2. started as a station: the host's stations, the host going away and back",
             ["--db", station_db, "--station-file", station_file],
             lambda s: (work_as_station(s, host, station_db, demo, args.out),
                        leave(s, station_file, args.out))),
            ("3. a station whose host shows another certificate",
             ["--db", station_db, "--station-file", forged_file],
             lambda s: another_certificate(s, host, args.out)),
        ]:
            print(f"== {step}")
            if step.startswith("3."):
                # As if the host's certificate changed since pairing, or another machine
                # took its address.
                with open(forged_file, "w") as f:
                    json.dump({"host": f"https://{host.address}", "station": STATION,
                               "key": "ab" * 32, "fingerprint": "00" * 32}, f)
            s = App(args.webdriver, args.app, app_args)
            try:
                run(s)
            except Failed:
                try:
                    s.screenshot(os.path.join(args.out, "station-failure.png"))
                    print(f"  page text: {visible_text(s)[:500]!r}", file=sys.stderr)
                except (Failed, OSError):
                    pass
                raise
            finally:
                s.close()
    finally:
        if host.process.poll() is None:
            host.stop()


if __name__ == "__main__":
    # Stopped by `timeout`: still stop the host, in main's `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        main()
    except (Failed, OSError, subprocess.SubprocessError) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
