// Sign in as the demo picker, then look products up the way a scanner does: type the barcode
// into the focused input and press Enter. What the screen shows must equal what the API says.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  focusedTestId,
  launchChromium,
  newStationPage,
  screenshot,
  signIn,
  startBackroom,
} from "./harness.mjs";

let backroom;
let browser;
let picker;
let station;
let stations;
let token;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  picker = backroom.operators.find((op) => op.role === "picker");
  assert.ok(picker, `the demo has a picker: ${JSON.stringify(backroom.operators)}`);
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  station = stations.find((name) => /pick/i.test(name)) ?? stations[0];
  token = (await backroom.api("sign_in", { station, credential: picker.badge })).token;
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

/** A product with a barcode and stock in as many locations as the demo has. */
async function productWithStock() {
  const page = await backroom.api("search_products", { text: "", include_inactive: false, limit: 1000 }, token);
  let best = null;
  for (const row of page.rows.filter((r) => r.stock.on_hand > 0).slice(0, 40)) {
    const stock = await backroom.api("lookup_product", { code: row.sku }, token);
    if (stock.product.barcodes.length === 0) continue;
    if (!best || stock.locations.length > best.locations.length) best = stock;
  }
  assert.ok(best, "the demo has a product with a barcode and stock");
  return best;
}

async function startLookup(page, { screenshots = false } = {}) {
  await signIn(page, backroom.url, stations, station, picker);
  assert.equal(await page.getByTestId("header-operator").textContent(), picker.name);
  assert.match((await page.getByTestId("header-role").textContent()) ?? "", /picker/i);
  // A picker's home has Pick, Lookup and Orders, not Pack or Manage.
  await page.getByTestId("tile-pick").waitFor();
  assert.equal(await page.getByTestId("tile-manage").count(), 0);
  if (screenshots) await screenshot(page, "home-picker");
  await page.keyboard.press("F1");
  await page.getByTestId("lookup").waitFor();
  // Scanner-first: the input has focus without a click.
  assert.equal(await focusedTestId(page), "lookup-input");
}

async function scan(page, code) {
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press("Enter");
}

test("a scanned barcode shows the product and its stock per location", async () => {
  const expected = await productWithStock();
  const barcode = expected.product.barcodes[0].code;
  const page = await newStationPage(browser);
  await startLookup(page, { screenshots: true });
  await screenshot(page, "lookup-empty");

  await scan(page, barcode);
  const product = page.getByTestId("product");
  await product.waitFor();
  assert.equal(await page.getByTestId("product-sku").textContent(), expected.product.sku);
  assert.equal(await page.getByTestId("product-name").textContent(), expected.product.name);
  const shownCodes = await page.getByTestId("barcode").evaluateAll((els) => els.map((e) => e.firstChild.textContent.trim()));
  assert.deepEqual(shownCodes.sort(), expected.product.barcodes.map((b) => b.code).sort());
  assert.equal(Number(await page.getByTestId("total-on-hand").textContent()), expected.totals.on_hand);
  assert.equal(Number(await page.getByTestId("total-reserved").textContent()), expected.totals.reserved);
  assert.equal(Number(await page.getByTestId("total-available").textContent()), expected.totals.available);

  const rows = await page.getByTestId("stock-row").evaluateAll((trs) =>
    trs.map((tr) => {
      const cell = (col) => tr.querySelector(`[data-col="${col}"]`).textContent.trim();
      return {
        location: cell("location"),
        on_hand: Number(cell("on_hand")),
        reserved: Number(cell("reserved")),
        available: Number(cell("available")),
      };
    }),
  );
  const want = expected.locations.map(({ location, on_hand, reserved, available }) => ({ location, on_hand, reserved, available }));
  assert.deepEqual(rows, want);

  // The pass state is green, and the input is ready for the next scan.
  const border = await product.evaluate((el) => getComputedStyle(el).borderLeftColor);
  assert.equal(border, "rgb(23, 163, 74)");
  assert.equal(await page.getByTestId("lookup-input").inputValue(), "");
  assert.equal(await focusedTestId(page), "lookup-input");
  await screenshot(page, "lookup-product");

  // Stock received elsewhere shows up without another scan (server-sent events). Goods are
  // received into a bin, a receiving or a quarantine area, never straight into packing.
  const receivable = ["bin", "receiving", "quarantine"];
  const bin = (expected.locations.find((l) => receivable.includes(l.kind)) ?? expected.locations[0]).location;
  await backroom.api("receive", { product: expected.product.sku, qty: 3, to: bin }, token);
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="total-on-hand"]')?.textContent === String(n),
    expected.totals.on_hand + 3,
    { timeout: 5000 },
  );
  const after = await backroom.api("lookup_product", { code: barcode }, token);
  const binRow = page.locator(`[data-testid="stock-row"][data-location="${bin}"] [data-col="on_hand"]`);
  assert.equal(Number(await binRow.textContent()), after.locations.find((l) => l.location === bin).on_hand);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("an unknown barcode shows the red not-found state", async () => {
  const unknown = "0000000000017";
  await assert.rejects(backroom.api("lookup_product", { code: unknown }, token), { code: "not_found" });
  const page = await newStationPage(browser);
  await startLookup(page);

  await scan(page, unknown);
  const error = page.getByTestId("lookup-error");
  await error.waitFor();
  assert.match((await error.textContent()) ?? "", /not found/i);
  assert.match((await error.textContent()) ?? "", new RegExp(unknown));
  assert.equal(await page.getByTestId("product").count(), 0);
  // Red once the flash has settled.
  const background = await error.evaluate(async (el) => {
    await Promise.all(el.getAnimations().map((a) => a.finished));
    return getComputedStyle(el).backgroundColor;
  });
  const [r, g, b] = background.match(/\d+/g).map(Number);
  assert.ok(r > 180 && g < 90 && b < 90, `the not-found state is red, not ${background}`);
  assert.equal(await focusedTestId(page), "lookup-input");
  await screenshot(page, "lookup-unknown");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("typed text with no exact hit lists matches; arrows and Enter open one", async () => {
  // A word of a product name that several products share.
  const all = await backroom.api("search_products", { text: "", include_inactive: true, limit: 1000 }, token);
  let word = null;
  let matches = null;
  for (const candidate of new Set(all.rows.flatMap((r) => r.name.split(/[\s,;()/]+/)).filter((w) => w.length >= 4))) {
    const page = await backroom.api("search_products", { text: candidate, include_inactive: true, limit: 50 }, token);
    const exact = await backroom.api("lookup_product", { code: candidate }, token).catch(() => null);
    if (!exact && page.rows.length >= 2) {
      word = candidate;
      matches = page;
      break;
    }
  }
  assert.ok(word, "the demo has a word shared by two product names");
  const page = await newStationPage(browser);
  await startLookup(page);

  await scan(page, word);
  await page.getByTestId("search-results").waitFor();
  const skus = await page.getByTestId("result-row").evaluateAll((trs) => trs.map((tr) => tr.dataset.sku));
  assert.deepEqual(skus, matches.rows.map((r) => r.sku));
  await screenshot(page, "lookup-list");

  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.getByTestId("product").waitFor();
  assert.equal(await page.getByTestId("product-sku").textContent(), matches.rows[1].sku);
  // Esc goes back to the list, then to the empty screen, then home.
  await page.keyboard.press("Escape");
  await page.getByTestId("search-results").waitFor();
  await page.keyboard.press("Escape");
  await page.getByTestId("lookup-idle").waitFor();
  await page.keyboard.press("Escape");
  await page.getByTestId("home").waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
