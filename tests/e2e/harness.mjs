// Starts `backroom serve` on a fresh database, talks to its API, and drives headless Chromium.
// Paths are found from this file, so the tests run from any folder.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
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

/**
 * A running `backroom serve` on a new database in a temporary folder, filled with the demo
 * warehouse unless `demo` is false. Call `stop()` when done.
 */
export async function startBackroom({ demo = true } = {}) {
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
  const server = spawn(backroom, ["serve", "--db", db, "--addr", "127.0.0.1:0", "--ui", uiDist], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  server.stderr.on("data", (chunk) => (stderr += chunk));
  const url = await new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => fail("did not print its address within 20 s"), 20_000);
    function fail(why) {
      clearTimeout(timer);
      server.kill();
      reject(new Error(`backroom serve ${why}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }
    server.stdout.on("data", (chunk) => {
      stdout += chunk;
      const line = stdout.split("\n")[0];
      if (!stdout.includes("\n")) return;
      const m = /(https?:\/\/\S+)/.exec(line);
      clearTimeout(timer);
      if (m) resolve(m[1].endsWith("/") ? m[1] : `${m[1]}/`);
      else fail(`printed an unexpected first line: ${line}`);
    });
    server.on("exit", (code) => fail(`exited with ${code}`));
  });

  async function api(cmd, req = {}, token = null) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const reply = await fetch(`${url}api/${cmd}`, { method: "POST", headers, body: JSON.stringify(req) });
    const body = await reply.json();
    if (!reply.ok) {
      const error = new Error(`${cmd}: ${body.code}: ${body.message}`);
      error.code = body.code;
      throw error;
    }
    return body;
  }

  async function stop() {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  }

  return { url, operators, api, stop };
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

/** A 1024×768 page (the smallest station screen) that records uncaught errors in the page. */
export async function newStationPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
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

/** Signs in through the UI as `operator` at `station`, with the keyboard only. */
export async function signIn(page, url, stations, station, operator) {
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
