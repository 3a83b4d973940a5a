// Starts `backroom serve` on a fresh database, talks to its API, and drives headless Chromium.
// Paths are found from this file, so the tests run from any folder.
//
// With BACKROOM_E2E_LAN=1 every test runs against a host in LAN mode: HTTPS with the host's
// self-made certificate (Chromium is told to accept it; the tests compare its fingerprint
// instead), and each browser pairs with the host through the Join screen before it signs in.
// The tests' own API calls go to the host's plain HTTP port on loopback.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const outDir = path.join(root, "tests/e2e/out");
// The debug binary: BACKROOM_BIN names it, else it is in CARGO_TARGET_DIR or the repository's target/.
const backroom = process.env.BACKROOM_BIN
  ? path.resolve(process.env.BACKROOM_BIN)
  : path.join(process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, "target"), "debug/backroom");
const uiDist = path.join(root, "ui/dist");

/** Whether the suite runs against a host in LAN mode (HTTPS, paired browsers). */
export const lanMode = process.env.BACKROOM_E2E_LAN === "1";

// The running hosts by their address, so `signIn` can pair a browser with the right one.
const hosts = new Map();

function need(file, how) {
  if (!existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: ${how}`);
}

/** The demo operators as `backroom demo` prints them: `  role  name  badge B  PIN P`. */
export function parseOperators(text) {
  const operators = [];
  for (const line of text.split("\n")) {
    const m = /^\s+(\S+)\s+(.+?)\s+badge\s+(\S+)\s+PIN\s+(\S+)\s*$/.exec(line);
    if (m) operators.push({ role: m[1], name: m[2], badge: m[3], pin: m[4] });
  }
  return operators;
}

/** A TCP port nobody listens on now, for a host that must come back on the same address. */
async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * What `backroom serve` prints as it starts: its address on the first line and, in LAN mode,
 * the plain HTTP address on loopback and the certificate's fingerprint.
 */
export function parseServeOutput(text) {
  const lines = text.split("\n");
  const first = /(https?:\/\/\S+)/.exec(lines[0] ?? "");
  const loopback = /on this machine at (http:\/\/\S+)/.exec(text);
  const fingerprint = /certificate fingerprint \(SHA-256\): (.+)/.exec(text);
  const slash = (u) => (u.endsWith("/") ? u : `${u}/`);
  return {
    url: first ? slash(first[1]) : null,
    loopbackUrl: loopback ? slash(loopback[1]) : null,
    fingerprint: fingerprint ? fingerprint[1].trim() : null,
  };
}

/** Starts `backroom` with `args` and resolves with what it printed once it is serving. */
function launch(args, lan) {
  const server = spawn(backroom, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  server.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => fail("did not print its address within 20 s"), 20_000);
    function fail(why) {
      clearTimeout(timer);
      server.kill();
      reject(new Error(`backroom serve ${why}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }
    server.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!stdout.includes("\n")) return;
      const printed = parseServeOutput(stdout);
      if (!printed.url) return fail(`printed an unexpected first line: ${stdout.split("\n")[0]}`);
      // In LAN mode the fingerprint line comes last.
      if (lan && !printed.fingerprint) return;
      clearTimeout(timer);
      resolve({ server, ...printed });
    });
    server.on("exit", (code) => fail(`exited with ${code}`));
  });
}

/**
 * A running `backroom serve` on a new database in a temporary folder, filled with the demo
 * warehouse unless `demo` is false; in LAN mode (`lan`, BACKROOM_E2E_LAN=1 by default) on
 * HTTPS with `fingerprint` and `loopbackUrl` besides `url`. `kill()` stops it at once as a
 * crash would, `restart()` starts it again on the same database and addresses. Call `stop()`
 * when done.
 */
export async function startBackroom({ demo = true, lan = lanMode } = {}) {
  need(backroom, "run `cargo build -p backroom` at the repository root");
  need(path.join(uiDist, "index.html"), "run `npm ci && npm run build` in ui/");
  const dir = mkdtempSync(path.join(tmpdir(), "backroom-e2e-"));
  const db = path.join(dir, "demo.db");
  let operators = [];
  if (demo) {
    const printed = execFileSync(backroom, ["demo", "--db", db], { encoding: "utf8" });
    operators = parseOperators(printed);
    if (operators.length === 0) throw new Error(`\`backroom demo\` listed no operators:\n${printed}`);
  }
  // A LAN host listens on fixed ports, so a restarted host is found where it was.
  const args = lan
    ? ["serve", "--db", db, "--lan", "--addr", `127.0.0.1:${await freePort()}`, "--loopback-addr", `127.0.0.1:${await freePort()}`, "--ui", uiDist]
    : ["serve", "--db", db, "--addr", "127.0.0.1:0", "--ui", uiDist];
  let running = await launch(args, lan);
  const { url, loopbackUrl, fingerprint } = running;
  const apiUrl = loopbackUrl ?? url;

  async function api(cmd, req = {}, token = null) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const reply = await fetch(`${apiUrl}api/${cmd}`, { method: "POST", headers, body: JSON.stringify(req) });
    const body = await reply.json();
    if (!reply.ok) {
      const error = new Error(`${cmd}: ${body.code}: ${body.message}`);
      error.code = body.code;
      throw error;
    }
    return body;
  }

  async function halt(signal) {
    const { server } = running;
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill(signal);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (server.exitCode === null && server.signalCode === null) {
      server.kill("SIGKILL");
      await exited;
    }
  }

  /** The host gone at once, as when its computer loses power. */
  async function kill() {
    await halt("SIGKILL");
  }

  async function restart() {
    await halt("SIGKILL");
    running = await launch(args, lan);
    if (running.url !== url) throw new Error(`the host came back at ${running.url}, not ${url}`);
  }

  async function stop() {
    await halt("SIGINT");
    hosts.delete(url);
    rmSync(dir, { recursive: true, force: true });
  }

  // A manager's session over loopback, for making pairing codes.
  let managerToken = null;
  async function managerSession() {
    if (managerToken) return managerToken;
    const manager = operators.find((op) => op.role === "manager");
    if (!manager) throw new Error("pairing a browser needs the demo's manager");
    const station = (await api("list_stations")).find((s) => s.name === "Office")?.name ?? "Office";
    managerToken = (await api("sign_in", { station, credential: manager.badge })).token;
    return managerToken;
  }

  /** A pairing code for `station`, as a manager makes it on the Stations screen. */
  async function pairingCode(station) {
    return (await api("create_pairing_code", { station }, await managerSession())).code;
  }

  /**
   * Pairs the browser of `page` with the host as `station` through the Join screen, typing the
   * code as a person would (lower case, no dash), and confirms the fingerprint after checking it
   * is the host's. Ends on the sign-in screen of that station.
   */
  async function pairBrowser(page, station) {
    const code = await pairingCode(station);
    await page.goto(url);
    await page.getByTestId("sign-in").waitFor();
    await page.getByTestId("sign-in-join").click();
    await page.getByTestId("join-code").waitFor();
    await page.keyboard.type(code.replace("-", "").toLowerCase(), { delay: 5 });
    await page.keyboard.press("Enter");
    const shown = page.getByTestId("join-fingerprint");
    await shown.waitFor();
    const seen = await shown.getAttribute("data-fingerprint");
    if (seen !== fingerprint) throw new Error(`the Join screen shows ${seen}, the host printed ${fingerprint}`);
    await page.keyboard.press("y");
    await page.getByTestId("chosen-station").getByText(station, { exact: true }).waitFor();
  }

  const host = { url, loopbackUrl, fingerprint, lan, operators, api, kill, restart, stop, pairingCode, pairBrowser };
  hosts.set(url, host);
  return host;
}

/** Debian's Chromium, headless, without any network of its own. */
export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A 1024×768 page (the smallest station screen) that records uncaught errors in the page. In
 * LAN mode it accepts the host's self-made certificate. */
export async function newStationPage(browser, { viewport = { width: 1024, height: 768 } } = {}) {
  const context = await browser.newContext({ viewport, ignoreHTTPSErrors: lanMode });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(error.message));
  page.on("console", (message) => {
    // A refused command is a 4xx reply the page handles; Chromium still logs it.
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) {
      page.errors.push(message.text());
    }
  });
  return page;
}

export async function screenshot(page, name) {
  mkdirSync(outDir, { recursive: true });
  // Let the pass/fail flash settle so the picture shows the steady state.
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(outDir, `${name}.png`) });
}

/** Signs in through the UI as `operator` at `station`, with the keyboard only. A host in LAN
 * mode first pairs the browser as that station, unless it is already. */
export async function signIn(page, url, stations, station, operator) {
  const host = hosts.get(url);
  if (host?.lan) {
    await page.goto(url);
    const paired = await page.evaluate(
      (station) => !!localStorage.getItem("backroom.stationKey") && localStorage.getItem("backroom.station") === station,
      station,
    );
    if (!paired) await host.pairBrowser(page, station);
    await page.getByTestId("chosen-station").getByText(station, { exact: true }).waitFor();
    await page.keyboard.type(operator.badge);
    await page.keyboard.press("Enter");
    await page.getByTestId("home").waitFor();
    return;
  }
  await page.goto(url);
  await page.getByTestId("sign-in").waitFor();
  // A new terminal asks for its station first: press its number.
  await page.getByTestId("station-option").first().waitFor();
  await page.keyboard.press(String(stations.indexOf(station) + 1));
  await page.getByTestId("chosen-station").getByText(station, { exact: true }).waitFor();
  await page.keyboard.type(operator.badge);
  await page.keyboard.press("Enter");
  await page.getByTestId("home").waitFor();
}

/** The element that has focus, by its data-testid. */
export function focusedTestId(page) {
  return page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null);
}

/**
 * The scale simulator (`shared/tools/scale-sim`) on a pseudo-terminal. `device` is its port;
 * `control("weight 865")` changes what it shows and resolves with its `ok` reply.
 */
export async function startScale({ protocol = "mt-sics", unit = "g", weight = 0 } = {}) {
  const simulator = path.join(root, "../shared/tools/scale-sim/scale-sim");
  need(simulator, "the shared tools folder must sit beside the repository");
  const child = spawn(simulator, ["--protocol", protocol, "--unit", unit, "--weight", String(weight), "--exit-on-eof"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const waiting = [];
  let buffer = "";
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      // Attach and detach notices are not replies.
      if (!line.startsWith("event ")) waiting.shift()?.(line);
    }
  });
  const nextLine = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the scale simulator did not answer within 10 s")), 10_000);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const device = await nextLine();
  if (!device.startsWith("/dev/")) throw new Error(`the scale simulator said ${device}`);
  async function control(command) {
    const reply = nextLine();
    child.stdin.write(`${command}\n`);
    const line = await reply;
    if (!line.startsWith("ok")) throw new Error(`scale-sim \`${command}\`: ${line}`);
    return line;
  }
  function stop() {
    child.stdin.end();
    child.kill();
  }
  return { device, protocol, control, stop };
}
