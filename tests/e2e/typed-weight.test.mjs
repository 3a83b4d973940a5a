// A packing bench without a scale: the packer types the weight the scale shows, with or without
// its unit. A barcode scanned into the weight field is refused on the screen, and nothing is
// logged; the typed weight then passes and packs the order.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, newStationPage, screenshot, signIn, startBackroom } from "./harness.mjs";

// The demo's second bench has no scale.
const STATION = "Pack 2";
const BIN = "A12-3-02-R";
const MUG = { sku: "E2E-TW-MUG", name: "E2E Typed Mug", barcode: "4006381333948", grams: 340 };

let backroom;
let browser;
let stations;
let admin;
let packer;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  const manager = backroom.operators.find((op) => op.role === "manager");
  packer = backroom.operators.find((op) => op.role === "packer");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
  const bench = (await backroom.api("list_stations")).find((s) => s.name === STATION);
  assert.equal(bench.scale ?? null, null, "the bench types its weights");
  await backroom.api(
    "save_product",
    { sku: MUG.sku, name: MUG.name, category: "Test", unit_weight: `${MUG.grams} g`, price_cents: 500, barcodes: [MUG.barcode] },
    admin,
  );
  await backroom.api("receive", { product: MUG.sku, qty: 5, to: BIN }, admin);
  const order = await backroom.api(
    "create_order",
    {
      number: "E2E-TW1",
      customer: { name: "Ada Lee" },
      ship_to: { name: "Ada Lee", address1: "1 High Street", city: "Leeds", postal_code: "LS1 1AA", country: "GB" },
      billing_country: "GB",
      payment_status: "paid",
      lines: [{ product: MUG.sku, qty: 2 }],
    },
    admin,
  );
  assert.equal(order.status, "allocated");
  const picker = backroom.operators.find((op) => op.role === "picker");
  const token = (await backroom.api("sign_in", { station: "Pick 1", credential: picker.badge })).token;
  assert.equal((await backroom.api("pick", { order: "E2E-TW1", product: MUG.sku, bin: BIN, qty: 2 }, token)).status, "picked");
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

async function scan(page, text) {
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "pack-input");
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press("Enter");
}

test("a barcode in the weight field is refused; the typed weight with its unit packs the order", async () => {
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, STATION, packer);
  await page.keyboard.press("F4");
  await page.getByTestId("pack").waitFor();
  await scan(page, "E2E-TW1");
  await page.locator('[data-testid="pack-order"][data-number="E2E-TW1"]').waitFor();
  await scan(page, MUG.barcode);
  await scan(page, MUG.barcode);
  await scan(page, "BOX-S");
  await page.getByTestId("typed-scale").waitFor();
  const expected = Number(await page.getByTestId("pack-expected").getAttribute("data-expected"));

  await scan(page, "7600007004389");
  await page.getByTestId("pack-refused").getByText("looks like a barcode").waitFor();
  assert.equal((await backroom.api("list_weighings", { order: "E2E-TW1" }, admin)).length, 0, "nothing logged");

  await scan(page, `${(expected / 1000).toFixed(3)} kg`);
  await page.locator('[data-testid="pack-verdict"][data-verdict="pass"]').waitFor();
  await screenshot(page, "pack-typed-weight-pass");
  assert.equal((await backroom.api("get_order", { number: "E2E-TW1" }, admin)).status, "packed");
});
