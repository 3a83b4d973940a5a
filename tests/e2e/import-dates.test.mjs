// A manager imports a real Shopify export that a spreadsheet re-saved (dates like
// `31/12/2023 22:36`, no offset): the check refuses it and asks how its dates are written; once
// the manager chooses, the whole file is read and imported from the screen alone.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { launchChromium, newStationPage, root, screenshot, signIn, startBackroom } from "./harness.mjs";

const FILE = path.join(root, "../shared/realdata/shopify/extra/orders_ca_CAD_2022-2023_spreadsheet-resaved.csv");
const skip = existsSync(FILE) ? false : "the shared real data folder is absent";

let backroom;
let browser;

before(async () => {
  if (skip) return;
  backroom = await startBackroom();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

test("a spreadsheet-resaved Shopify export imports once the manager says how its dates are written", { skip }, async () => {
  const csv = readFileSync(FILE, "utf8");
  const names = new Set(csv.split("\n").slice(1).map((line) => /^(#\d+),/.exec(line)?.[1]).filter(Boolean));
  const stations = (await backroom.api("list_stations")).map((s) => s.name);
  const manager = backroom.operators.find((op) => op.role === "manager");
  const admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
  const before = (await backroom.api("list_orders", { limit: 1 }, admin)).total;
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("F6");
  await page.getByTestId("import-table-orders").check();
  await page.getByTestId("import-file").setInputFiles({ name: "orders_ca.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });

  // Read as Shopify writes dates, every row is refused and the date choice appears.
  await page.getByTestId("import-refused").waitFor();
  assert.match((await page.getByTestId("import-row-error").first().textContent()) ?? "", /31\/12\/2023 22:36/);
  await page.getByTestId("import-dates").waitFor();
  await page.getByTestId("import-time-zone").fill("America/Toronto");
  await page.getByTestId("import-date-format").selectOption("%d/%m/%Y %H:%M");
  await page.getByTestId("import-checked").waitFor({ timeout: 180_000 });
  await screenshot(page, "import-dates");
  await page.getByTestId("import-run").click();
  await page.locator('[data-testid="import-done"], [data-testid="import-error"]').first().waitFor({ timeout: 180_000 });
  if (await page.getByTestId("import-error").count()) assert.fail(await page.getByTestId("import-error").textContent());

  // Every order of the file is in, its time read in Toronto's winter offset (-05:00).
  const order = await backroom.api("get_order", { number: "#4087" }, admin);
  assert.equal(order.placed_at, "2024-01-01T03:36:00Z");
  assert.equal(order.currency, "CAD");
  const after = (await backroom.api("list_orders", { limit: 1 }, admin)).total;
  assert.equal(after - before, names.size);
  await page.context().close();
});
