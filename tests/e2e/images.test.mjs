// Product pictures at pick and pack: a manager gives one product a picture (the slip logo, a
// real PNG), the other has none. The picker sees the picture beside the name at the current
// stop (large at a 1024x600 station, a thumbnail on a 360x640 handheld with bin, name, quantity
// and tote still in view), the packer sees it on its line and large for the item in hand; the
// product without one shows nothing at all: no frame, no broken picture.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { launchChromium, root, screenshot, signIn, startBackroom } from "./harness.mjs";
import { assertNoSideways, assertShown, pageOfSize } from "./screens-geometry.mjs";

const BIN_MUG = "A12-3-01-R";
const BIN_PEN = "A12-3-02-R";
const MUG = { sku: "IMG-MUG", name: "Picture Mug", barcode: "4006381333931", grams: 340 };
const PEN = { sku: "IMG-PEN", name: "Plain Pen", barcode: "5012345678900", grams: 12 };

let backroom;
let browser;
let stations;
let admin;
let picker;
let packer;
let pickerToken;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  const manager = backroom.operators.find((op) => op.role === "manager");
  picker = backroom.operators.find((op) => op.role === "picker");
  packer = backroom.operators.find((op) => op.role === "packer");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
  pickerToken = (await backroom.api("sign_in", { station: "Pick 1", credential: picker.badge })).token;
  for (const [p, bin] of [
    [MUG, BIN_MUG],
    [PEN, BIN_PEN],
  ]) {
    await backroom.api(
      "save_product",
      { sku: p.sku, name: p.name, category: "Test", unit_weight: `${p.grams} g`, price_cents: 500, barcodes: [p.barcode] },
      admin,
    );
    await backroom.api("receive", { product: p.sku, qty: 20, to: bin }, admin);
  }
  const png = readFileSync(path.join(root, "assets/logo.png")).toString("base64");
  const set = await backroom.api("set_product_image", { sku: MUG.sku, image: `data:image/png;base64,${png}` }, admin);
  assert.match(set.hash, /^[0-9a-f]{64}$/);
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

async function order(number) {
  const made = await backroom.api(
    "create_order",
    {
      number,
      customer: { name: "Ada Lee", email: "ada.e2e@example.com" },
      ship_to: { name: "Ada Lee", address1: "1 High Street", city: "Leeds", postal_code: "LS1 1AA", country: "GB" },
      billing_country: "GB",
      payment_status: "paid",
      lines: [
        { product: MUG.sku, qty: 1 },
        { product: PEN.sku, qty: 1 },
      ],
    },
    admin,
  );
  assert.equal(made.status, "allocated");
}

/** Whether the picture `testid` (of `sku`, when given) is loaded and wholly on the screen. */
async function pictureShown(page, testid, sku) {
  const selector = sku ? `[data-testid="${testid}"][data-sku="${sku}"]` : `[data-testid="${testid}"]`;
  await page.waitForFunction((selector) => {
    const img = document.querySelector(selector);
    return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
  }, selector);
  const box = await assertShown(page, selector, `the picture ${testid}`);
  assert.ok(box.width >= 20 && box.height >= 10, `a picture to see: ${JSON.stringify(box)}`);
  return box;
}

/** Nothing on the screen for a product without a picture: no element, so no frame or icon. */
async function noPicture(page, testid, sku) {
  const found = await page.locator(`[data-testid="${testid}"][data-sku="${sku}"]`).count();
  assert.equal(found, 0, `${sku} has no picture and shows none`);
}

/** Opens the pick list holding `number` with every stop before this order's picked, so the
 *  order's first stop is the current one. Returns the order's stops in walking order. */
async function walkTo(number) {
  await backroom.api("plan_pick_lists", { totes: 64 }, admin);
  const lists = await backroom.api("list_pick_lists", {}, admin);
  for (const summary of lists) {
    const list = await backroom.api("get_pick_list", { id: summary.id }, admin);
    const mine = list.stops.filter((s) => s.order === number && s.qty > 0);
    if (!mine.length) continue;
    for (const s of list.stops.filter((s) => s.qty > 0 && s.seq < mine[0].seq)) {
      await backroom.api("pick", { order: s.order, product: s.sku, bin: s.bin, qty: s.qty }, pickerToken);
    }
    return { id: summary.id, stops: mine };
  }
  throw new Error(`order ${number} is on no pick list`);
}

async function openPick(page, id) {
  await page.keyboard.press("F3");
  await page.getByTestId("pick").waitFor();
  await page.keyboard.type(String(id), { delay: 5 });
  await page.keyboard.press("Enter");
  await page.getByTestId("pick-current").waitFor();
}

async function atSku(page, sku) {
  await page.waitForFunction((sku) => document.querySelector('[data-testid="pick-current"]')?.getAttribute("data-sku") === sku, sku);
}

for (const [width, height, name] of [
  [1024, 600, "station"],
  [360, 640, "handheld"],
]) {
  test(`the current stop shows the product's picture on a ${width}x${height} ${name}`, async () => {
    const number = `IMG-PICK-${width}`;
    await order(number);
    const { id, stops } = await walkTo(number);
    assert.deepEqual(stops.map((s) => s.sku).sort(), [MUG.sku, PEN.sku]);
    const page = await pageOfSize(browser, width, height);
    await signIn(page, backroom.url, stations, "Pick 1", picker);
    await openPick(page, id);
    for (const stop of stops) {
      await atSku(page, stop.sku);
      await assertShown(page, '[data-testid="pick-current-bin"]', "the bin");
      await assertShown(page, '[data-testid="pick-current-name"]', "the product name");
      await assertShown(page, '[data-testid="pick-current-qty"]', "the quantity");
      await assertShown(page, '[data-testid="pick-tote"]', "the tote");
      await assertNoSideways(page, "Pick");
      if (stop.sku === MUG.sku) {
        const picture = await pictureShown(page, "pick-image", MUG.sku);
        const limit = name === "handheld" ? 72 : 132;
        assert.ok(picture.width <= limit + 0.5 && picture.height <= limit + 0.5, `within ${limit}px: ${JSON.stringify(picture)}`);
        if (name === "station") assert.ok(picture.width >= 90, `large at a station: ${JSON.stringify(picture)}`);
        await screenshot(page, `images-pick-${name}`);
      } else {
        await noPicture(page, "pick-image", stop.sku);
        assert.equal(await page.getByTestId("pick-image").count(), 0, "no picture, no frame");
        await screenshot(page, `images-pick-${name}-none`);
      }
      // Picked through the API; the screen moves on by itself.
      await backroom.api("pick", { order: stop.order, product: stop.sku, bin: stop.bin, qty: stop.qty }, pickerToken);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test("the packing bench shows the pictures on the lines and the item in hand large", async () => {
  const number = "IMG-PACK-1";
  await order(number);
  await backroom.api("pick", { order: number, product: MUG.sku, bin: BIN_MUG, qty: 1 }, pickerToken);
  const picked = await backroom.api("pick", { order: number, product: PEN.sku, bin: BIN_PEN, qty: 1 }, pickerToken);
  assert.equal(picked.status, "picked");

  const page = await pageOfSize(browser, 1024, 600);
  await signIn(page, backroom.url, stations, "Pack 1", packer);
  await page.keyboard.press("F4");
  await page.getByTestId("pack").waitFor();
  await page.keyboard.type(number, { delay: 5 });
  await page.keyboard.press("Enter");
  await page.locator(`[data-testid="pack-order"][data-number="${number}"]`).waitFor();

  // The mug's line has its thumbnail, the pen's nothing; the first item to go in is large.
  await pictureShown(page, "pack-line-image", MUG.sku);
  await noPicture(page, "pack-line-image", PEN.sku);
  const lines = await page.getByTestId("pack-line").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-sku")));
  const first = lines[0];
  if (first === MUG.sku) {
    const large = await pictureShown(page, "pack-image", MUG.sku);
    assert.ok(large.width >= 100, `large: ${JSON.stringify(large)}`);
  }
  await screenshot(page, "images-pack");

  // The pen scanned: it is the item in hand, and it has no picture to show.
  await page.keyboard.type(PEN.barcode, { delay: 5 });
  await page.keyboard.press("Enter");
  await page.locator(`[data-testid="pack-line"][data-sku="${PEN.sku}"] [data-testid="pack-line-count"]`).getByText("1 / 1").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="pack-image"]') === null);
  // The mug scanned: its picture is large above the weighing.
  await page.keyboard.type(MUG.barcode, { delay: 5 });
  await page.keyboard.press("Enter");
  await page.locator(`[data-testid="pack-line"][data-sku="${MUG.sku}"] [data-testid="pack-line-count"]`).getByText("1 / 1").waitFor();
  const large = await pictureShown(page, "pack-image", MUG.sku);
  assert.ok(large.width >= 100 && large.width <= 150.5, `large at 1024x600: ${JSON.stringify(large)}`);
  await assertNoSideways(page, "Pack");
  await screenshot(page, "images-pack-in-hand");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("lookup shows the picture of a product that has one and nothing for one that has not", async () => {
  const page = await pageOfSize(browser, 1024, 600);
  await signIn(page, backroom.url, stations, "Pick 1", picker);
  await page.keyboard.press("F1");
  await page.getByTestId("lookup-input").waitFor();
  await page.keyboard.type(MUG.barcode, { delay: 5 });
  await page.keyboard.press("Enter");
  await page.getByTestId("product-sku").getByText(MUG.sku).waitFor();
  await pictureShown(page, "lookup-image", MUG.sku);
  await page.keyboard.type(PEN.sku, { delay: 5 });
  await page.keyboard.press("Enter");
  await page.getByTestId("product-sku").getByText(PEN.sku).waitFor();
  assert.equal(await page.getByTestId("lookup-image").count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
