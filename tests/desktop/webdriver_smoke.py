#!/usr/bin/env python3
"""Drives the real Backroom window through WebKitWebDriver: W3C WebDriver over plain HTTP,
standard library only. tests/desktop/smoke.sh starts the driver under Xvfb and runs this once
per database.

It checks the shell's contract from inside the page (the `rpc` command, its `{code, message}`
errors, the `backroom://event` forwarding) and that the UI rendered what `rpc` returned: the
demo offer on an empty database, the stations on the sign-in screen of the demo warehouse.
"""

import argparse
import base64
import json
import sys
import time
import urllib.error
import urllib.request

# W3C asynchronous script: the last argument is the callback. The page's Tauri internals carry
# the call exactly as @tauri-apps/api does.
INVOKE = """
const done = arguments[arguments.length - 1];
window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
  .then((ok) => done({ ok }), (err) => done({ err: err === undefined ? null : err }));
"""

LISTEN = """
const done = arguments[arguments.length - 1];
const internals = window.__TAURI_INTERNALS__;
window.__smokeEvents = [];
const handler = internals.transformCallback((e) => window.__smokeEvents.push(e.payload));
internals.invoke("plugin:event|listen", { event: arguments[0], target: { kind: "Any" }, handler })
  .then(() => done({ ok: true }), (err) => done({ err: String(err) }));
"""


class Failed(Exception):
    pass


class Session:
    def __init__(self, url, app, db):
        self.url = url.rstrip("/")
        caps = {"webkitgtk:browserOptions": {"binary": app, "args": ["--db", db]}}
        reply = self.send("POST", "/session", {"capabilities": {"alwaysMatch": caps}}, 60)
        self.base = "/session/" + reply["sessionId"]
        self.send("POST", self.base + "/timeouts", {"script": 15000})

    def send(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return json.load(reply)["value"]
        except urllib.error.HTTPError as e:
            value = json.load(e).get("value", {})
            raise Failed(f"WebDriver {method} {path}: {value.get('error')}: {value.get('message')}")

    def script(self, source, *args):
        body = {"script": source, "args": list(args)}
        return self.send("POST", self.base + "/execute/sync", body)

    def invoke(self, command, args):
        return self.send(
            "POST", self.base + "/execute/async", {"script": INVOKE, "args": [command, args]}
        )

    def rpc(self, cmd, req=None, token=None):
        """Calls the shell's `rpc` command; returns the reply or raises with the error."""
        reply = self.invoke("rpc", {"cmd": cmd, "req": req, "token": token})
        if "err" in reply:
            raise Failed(f"rpc {cmd} failed: {reply['err']}")
        return reply["ok"]

    def screenshot(self, path):
        # The screenshot can lag the last DOM change by a frame or two.
        time.sleep(0.5)
        png = base64.b64decode(self.send("GET", self.base + "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)

    def close(self):
        try:
            self.send("DELETE", self.base, timeout=10)
        except (Failed, OSError):
            pass  # The app is going away either way.


def wait_for(what, probe, seconds=20):
    """Polls `probe` until it returns something truthy; fails naming `what`."""
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {seconds}s waiting for {what}")
        time.sleep(0.2)


def visible_text(s):
    return s.script("return document.body ? document.body.innerText : '';") or ""


def check_shell(s, expect_empty):
    """The `rpc` command and its errors, independent of any screen."""
    wait_for("the Tauri internals", lambda: s.script("return !!window.__TAURI_INTERNALS__;"))
    # No `req` at all means no arguments, as an empty HTTP body does.
    reply = s.invoke("rpc", {"cmd": "health"})
    health = reply.get("ok") or {}
    if health.get("ok") is not True:
        raise Failed(f"rpc health without req did not answer ok: {reply}")
    if health.get("empty") is not expect_empty:
        raise Failed(f"health says empty={health.get('empty')}, expected {expect_empty}")
    for cmd, code in [("no_such_command", "unknown_command"), ("whoami", "not_signed_in")]:
        err = s.invoke("rpc", {"cmd": cmd, "req": {}, "token": None}).get("err")
        if not (isinstance(err, dict) and err.get("code") == code and err.get("message")):
            raise Failed(f"rpc {cmd} should reject with {{code: {code}, message}}, got {err}")
    print(f"  rpc: health ok (schema {health.get('schema')}), errors arrive as {{code, message}}")


def check_first_start(s):
    """An empty database: the UI asked `health` and offers the demo warehouse."""
    xpath = "//button[contains(translate(normalize-space(.), 'DEMO', 'demo'), 'demo')]"
    wait_for(
        "the first-start screen's demo button",
        lambda: s.send("POST", s.base + "/elements", {"using": "xpath", "value": xpath}),
    )
    print("  ui: the first-start screen offers the demo warehouse")


def check_sign_in(s, demo):
    """The demo warehouse: the sign-in screen lists the stations `list_stations` returns, and a
    committed change reaches the page as a `backroom://event`."""
    stations = s.rpc("list_stations", {})
    names = [st["name"] for st in stations]
    if not names:
        raise Failed("the demo database has no stations")
    wait_for(
        f"the sign-in screen to list the stations {names}",
        lambda: all(name in visible_text(s) for name in names),
    )
    print(f"  ui: the sign-in screen lists the stations {', '.join(names)}")

    listening = s.send(
        "POST", s.base + "/execute/async", {"script": LISTEN, "args": ["backroom://event"]}
    )
    if "err" in listening:
        raise Failed(f"cannot listen for backroom://event: {listening['err']}")
    manager = next((op for op in demo["operators"] if op["role"] == "manager"), None)
    if manager is None:
        raise Failed("the demo has no manager to sign in as")
    session = s.rpc("sign_in", {"station": names[0], "credential": manager["pin"]})
    token = session["token"]
    try:
        # Saving a station unchanged is harmless and announces that stations changed.
        s.rpc("save_station", stations[0], token)
        events = wait_for(
            "a backroom://event after save_station",
            lambda: s.script("return window.__smokeEvents;"),
            10,
        )
    finally:
        s.rpc("sign_out", {}, token)
    expected = {"type": "data_changed", "what": "stations"}
    if expected not in events:
        raise Failed(f"expected the event {expected}, got {events}")
    print(f"  events: backroom://event delivered {events[0]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--webdriver", required=True, help="WebKitWebDriver URL")
    parser.add_argument("--app", required=True, help="absolute path of backroom-desktop")
    parser.add_argument("--db", required=True, help="the database the app opens")
    parser.add_argument("--expect", required=True, choices=["first-start", "sign-in"])
    parser.add_argument("--demo", help="the load_demo reply (JSON), for --expect sign-in")
    parser.add_argument("--screenshot", required=True, help="where to write the PNG")
    args = parser.parse_args()

    started = time.monotonic()
    s = Session(args.webdriver, args.app, args.db)
    try:
        def page_title():
            text = s.send("GET", s.base + "/title") or ""
            return text if "Backroom" in text else None

        title = wait_for("the page title to say Backroom", page_title)
        wait_for("Backroom in the page", lambda: "Backroom" in visible_text(s))
        print(f"  window: title {title!r}, session up in {time.monotonic() - started:.1f}s")
        check_shell(s, expect_empty=args.expect == "first-start")
        if args.expect == "first-start":
            check_first_start(s)
        else:
            with open(args.demo) as f:
                check_sign_in(s, json.load(f))
    except Failed:
        # Keep what the window showed, for the failure report.
        try:
            s.screenshot(args.screenshot)
            print(f"  screenshot at failure: {args.screenshot}", file=sys.stderr)
            print(f"  page text: {visible_text(s)[:500]!r}", file=sys.stderr)
        except (Failed, OSError):
            pass
        raise
    else:
        s.screenshot(args.screenshot)
        print(f"  screenshot: {args.screenshot}")
    finally:
        s.close()
    print(f"  done in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    try:
        main()
    except (Failed, OSError) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
