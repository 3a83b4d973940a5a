// Cycle counts from the station screens: a manager raises a count of a bin, a picker counts it
// blind (no ledger quantity on screen until the round is in), a large variance asks for a
// recount (as blind as the first round), and the manager approves the second round, which
// posts the difference.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { focusedTestId, launchChromium, newStationPage, screenshot, signIn, startBackroom } from "./harness.mjs";

let backroom;
let browser;
let stations;
let admin;
let bin;
const SKU = "E2E-COUNT";

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  const manager = backroom.operators.find((op) => op.role === "manager");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
  await backroom.api("save_product", { sku: SKU, name: "E2E counted product", category: "Test", price_cents: 500, barcodes: [] }, admin);
  // An empty bin, so the count is of this product alone.
  const bins = await backroom.api("list_locations", { kind: "bin", limit: 5000 }, admin);
  for (const b of bins.reverse()) {
    const held = await backroom.api("stock_in_location", { location: b.code }, admin);
    if (held.products.length === 0 && !held.counting) {
      bin = b.code;
      break;
    }
  }
  assert.ok(bin, "the demo has an empty bin");
  await backroom.api("receive", { product: SKU, qty: 20, to: bin }, admin);
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

// A scanner types into whatever has focus; wait until the scan field has it, as a person
// waits for the screen to change before scanning the next label.
async function scan(page, text) {
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "count-input");
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press("Enter");
}

const byName = (role) => backroom.operators.find((op) => op.role === role);

test("a blind count with a large variance is counted again, then approved by a manager", async () => {
  const manager = byName("manager");
  const picker = byName("picker");

  // The manager raises the count: type the bin, Alt+N.
  let page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("Shift+F1");
  await page.getByTestId("count").waitFor();
  assert.equal(await focusedTestId(page), "count-input");
  await page.keyboard.type(bin, { delay: 5 });
  await page.keyboard.press("Alt+n");
  await page.locator(`[data-testid="count-task"][data-bin="${bin}"]`).waitFor();
  await page.context().close();

  // The picker counts it: scan the bin label, then the product; 15 and Enter sets the count.
  page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Pick 1", picker);
  await page.keyboard.press("Shift+F1");
  await page.locator(`[data-testid="count-task"][data-bin="${bin}"]`).waitFor();
  await scan(page, bin);
  await page.getByTestId("counting").waitFor();
  await scan(page, SKU);
  await page.getByTestId("count-line").waitFor();
  await scan(page, "15");
  await page.waitForFunction(() => document.querySelector('[data-testid="count-qty"]')?.textContent === "15");
  // Blind: the ledger's 20 is nowhere on the counting screen.
  assert.doesNotMatch((await page.getByTestId("counting").textContent()) ?? "", /\b20\b/);
  await screenshot(page, "count-blind");
  await page.keyboard.press("F9");
  await page.getByTestId("count-result").waitFor();
  assert.equal(await page.getByTestId("count-result").getAttribute("data-status"), "recount");
  // The recount is blind too: which product differs, never the ledger's 20 nor the variance.
  assert.equal(await page.getByTestId("count-recount-ask").getAttribute("data-differs"), SKU);
  assert.equal(await page.getByTestId("count-variance").count(), 0);
  assert.doesNotMatch((await page.getByTestId("count").textContent()) ?? "", /\b20\b|-5\b/);
  await screenshot(page, "count-recount");

  // Enter starts the second round.
  await page.keyboard.press("Enter");
  await page.getByTestId("counting").waitFor();
  await scan(page, SKU);
  await scan(page, "16");
  await page.waitForFunction(() => document.querySelector('[data-testid="count-qty"]')?.textContent === "16");
  await page.keyboard.press("F9");
  await page.getByTestId("count-result").waitFor();
  assert.equal(await page.getByTestId("count-result").getAttribute("data-status"), "counted");
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // The manager sees the variance and approves with Alt+A: the ledger now says 16.
  page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("Shift+F1");
  const task = page.locator(`[data-testid="count-task"][data-bin="${bin}"]`);
  await task.waitFor();
  assert.equal(await task.getAttribute("data-status"), "counted");
  await scan(page, bin);
  await page.getByTestId("count-review").waitFor();
  assert.equal(await page.locator(`[data-testid="count-variance"][data-sku="${SKU}"]`).getAttribute("data-variance"), "-4");
  await page.keyboard.press("Alt+a");
  await page.getByTestId("count-allocation").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="count-review"]')?.dataset.status === "approved");
  await screenshot(page, "count-approved");
  const held = await backroom.api("stock_in_location", { location: bin }, admin);
  assert.equal(held.products.find((p) => p.sku === SKU).on_hand, 16);
  assert.equal(held.counting, false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a manager changes the store's rules in Settings", async () => {
  const manager = byName("manager");
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("F7");
  await page.getByTestId("set-auto-release").waitFor();
  await page.getByTestId("set-auto-release").uncheck();
  await page.getByTestId("set-policy-ship_complete").check();
  await page.getByTestId("set-country-over").fill("");
  await page.getByTestId("set-recount-units").fill("5");
  await page.getByTestId("settings-dirty").waitFor();
  await page.keyboard.press("F9");
  await page.getByTestId("settings-outcome").waitFor();
  assert.match((await page.getByTestId("settings-outcome").textContent()) ?? "", /saved/i);
  const saved = await backroom.api("get_settings", {}, admin);
  assert.equal(saved.orders.auto_release, false);
  assert.equal(saved.orders.backorder_policy, "ship_complete");
  assert.equal(saved.holds.country_mismatch_over_cents, null);
  assert.equal(saved.stock.recount_over_units, 5);
  // A value the server would refuse is caught on the form.
  await page.getByTestId("set-history-share").fill("150");
  await page.keyboard.press("F9");
  await page.waitForFunction(() => /history share/i.test(document.querySelector('[data-testid="settings-outcome"]')?.textContent ?? ""));
  await page.getByTestId("set-auto-release").scrollIntoViewIfNeeded();
  await screenshot(page, "settings-rules");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
