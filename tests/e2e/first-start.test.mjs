// First start on an empty database: load the demo with Enter, sign in with a PIN as the
// manager, check the ledger, sign out; the terminal remembers its station.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { focusedTestId, launchChromium, newStationPage, screenshot, startBackroom } from "./harness.mjs";

let backroom;
let browser;

before(async () => {
  backroom = await startBackroom({ demo: false });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

test("an empty Backroom offers the demo, then signs in by PIN", async () => {
  assert.equal((await backroom.api("health")).empty, true);
  const page = await newStationPage(browser);
  await page.goto(backroom.url);
  await page.getByTestId("load-demo").waitFor();
  await screenshot(page, "first-start");

  await page.keyboard.press("Enter");
  await page.getByTestId("demo-summary").waitFor();
  assert.equal((await backroom.api("health")).empty, false);
  await screenshot(page, "first-start-loaded");

  await page.keyboard.press("Enter");
  await page.getByTestId("station-option").first().waitFor();
  const stations = await page.getByTestId("station-option").evaluateAll((els) => els.map((e) => e.dataset.station));
  assert.deepEqual(stations, (await backroom.api("list_stations")).map((s) => s.name));
  await screenshot(page, "sign-in-station");
  const office = stations.findIndex((s) => /office/i.test(s));
  await page.keyboard.press(String((office >= 0 ? office : 0) + 1));
  await page.getByTestId("credential-input").waitFor();
  assert.equal(await focusedTestId(page), "credential-input");
  await page.getByTestId("demo-operators").waitFor();

  // A wrong PIN is refused loudly and the input is ready again.
  await page.keyboard.type("0000");
  await page.keyboard.press("Enter");
  await page.getByTestId("sign-in-error").waitFor();
  assert.equal(await page.getByTestId("credential-input").inputValue(), "");
  await screenshot(page, "sign-in-refused");

  const manager = (await page.getByTestId("demo-operators").locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())),
  )).find((cells) => /manager/i.test(cells[1]));
  assert.ok(manager, "the demo has a manager");
  const [name, , , pin] = manager;
  await page.keyboard.type(pin);
  await page.keyboard.press("Enter");
  await page.getByTestId("home").waitFor();
  assert.equal(await page.getByTestId("header-operator").textContent(), name);
  for (const tile of ["pick", "pack", "manage", "lookup", "orders"]) {
    await page.getByTestId(`tile-${tile}`).waitFor();
  }
  await screenshot(page, "home-manager");

  await page.keyboard.press("F6");
  await page.getByTestId("manage").waitFor();
  await page.keyboard.press("Enter");
  const result = page.getByTestId("ledger-result");
  await result.waitFor();
  assert.match((await result.textContent()) ?? "", /consistent/);

  // Esc twice: home, then signed out; the station is remembered.
  await page.keyboard.press("Escape");
  await page.getByTestId("home").waitFor();
  await page.keyboard.press("Escape");
  await page.getByTestId("credential-input").waitFor();
  assert.equal(await page.getByTestId("station-option").count(), 0);
  assert.deepEqual(page.errors, [], "no errors in the page");
  await page.context().close();
});
