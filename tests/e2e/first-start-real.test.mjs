// First start of a real warehouse, from the UI alone: on an empty database the manager walks
// every setup step (store, themselves and the team, stations, a box, a layout template, then
// products, opening stock and orders from files), leaving twice by reloading the page and
// coming back where they left off. Then a picker picks the imported order on the Pick screen and
// a packer packs it at a bench without a scale, typing the weight. Each step is photographed at
// 1024x600, and its buttons must be in view there and at 1366x768.

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { launchChromium, newStationPage, root, screenshot, signIn, startBackroom } from "./harness.mjs";

const FIXTURES = path.join(root, "tests/e2e/fixtures");
const MANAGER = { name: "Mara Manager", badge: "MGR-1", pin: "4321" };
const PICKER = { name: "Pat Picker", badge: "PICK-1", pin: "1111" };
const PACKER = { name: "Pia Packer", badge: "PACK-1", pin: "2222" };
const ORDER = "1001";
// What the orders file asks for, and the barcodes the products file gives them.
const LINES = [
  { sku: "MUG-1", qty: 2, barcode: "036000291452" },
  { sku: "TEE-M", qty: 1, barcode: "4006381333931" },
];

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

/** A manager's session for checking what the screens did, through the API. */
async function managerToken() {
  return (await backroom.api("sign_in", { station: "Office", credential: MANAGER.pin })).token;
}

/** The step the wizard shows, once it shows `step`. */
async function atStep(page, step) {
  await page.locator(`[data-testid="setup"][data-step="${step}"]`).waitFor();
  await page.getByTestId(`step-${step}`).waitFor();
}

/** Every part of the wizard a person needs is inside the window, and nothing runs off its right edge. */
async function assertInView(page, step) {
  const viewport = page.viewportSize();
  for (const id of ["setup-step-store", "setup-step-orders", "setup-back", last(step) ? "setup-finish" : "setup-next"]) {
    const box = await page.getByTestId(id).boundingBox();
    assert.ok(box, `${step}: ${id} is shown`);
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height,
      `${step}: ${id} is inside the ${viewport.width}x${viewport.height} window: ${JSON.stringify(box)}`);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${step}: nothing runs off the right edge (${overflow} px)`);
}

const last = (step) => step === "orders";

/** Checks the step at the small station screen and photographs it, then checks it at the larger one. */
async function photograph(page, step) {
  await assertInView(page, step);
  await screenshot(page, `setup-${step}`);
  await page.setViewportSize({ width: 1366, height: 768 });
  await assertInView(page, step);
  await page.setViewportSize({ width: 1024, height: 600 });
}

/** The steps the step list shows done. */
function doneSteps(page) {
  return page.locator('[data-testid^="setup-step-"][data-done="true"]').evaluateAll((els) =>
    els.map((e) => e.getAttribute("data-testid").replace("setup-step-", "")),
  );
}

async function importFile(page, step, file) {
  await page.getByTestId(`import-table-${step}`).waitFor();
  assert.equal(await page.getByTestId(`import-table-${step}`).isChecked(), true, `${step}: the file kind is chosen`);
  await page.getByTestId("import-file").setInputFiles(path.join(FIXTURES, file));
  await page.getByTestId("import-checked").waitFor();
  await page.getByTestId("import-run").click();
  await page.getByTestId("import-done").waitFor();
  await page.locator(`[data-testid="setup-step-${step}"][data-done="true"]`).waitFor();
}

/** The next step, from the keyboard. */
async function next(page) {
  await page.keyboard.press("PageDown");
}

test("a manager sets up a real warehouse from the UI; its first order is picked and packed", async () => {
  assert.equal((await backroom.api("health")).empty, true);
  const page = await newStationPage(browser);
  await page.setViewportSize({ width: 1024, height: 600 });
  await page.goto(backroom.url);
  await page.getByTestId("start-setup").waitFor();
  await screenshot(page, "setup-first-start");
  await page.keyboard.press("s");

  // The store: a name, a time zone found by its city, the currency and kilograms.
  await atStep(page, "store");
  await page.getByTestId("store-name").fill("Corner Goods");
  await page.getByTestId("store-zone-search").fill("london");
  await page.getByTestId("store-zone-option").first().waitFor();
  await page.keyboard.press("Enter");
  assert.equal(await page.getByTestId("store-zone").textContent(), "Europe/London");
  await page.getByTestId("store-currency").fill("gbp");
  await page.getByTestId("store-unit-kg").check();
  await photograph(page, "store");
  await page.getByTestId("store-save").click();

  // Nobody exists yet, so the store waits in this browser; leave and come back: setting up
  // goes on, at the store, whose details are still there.
  await atStep(page, "people");
  await page.reload();
  await atStep(page, "store");
  assert.equal(await page.getByTestId("store-name").inputValue(), "Corner Goods");
  await page.keyboard.press("Enter");

  // The first manager is created and signed in; the store is saved with them.
  await atStep(page, "people");
  await page.getByTestId("manager-name").fill(MANAGER.name);
  await page.getByTestId("manager-station").fill("Office");
  await page.getByTestId("manager-pin").fill(MANAGER.pin);
  await page.getByTestId("manager-badge").fill(MANAGER.badge);
  await photograph(page, "people-first");
  await page.getByTestId("manager-create").click();
  await page.getByTestId("people-notice").waitFor();
  const admin = await managerToken();
  const settings = await backroom.api("get_settings", {}, admin);
  assert.deepEqual(settings.store, { time_zone: "Europe/London", currency: "GBP", weight_unit: "kg" });
  assert.equal(settings.slip.store_name, "Corner Goods");
  // The open door is shut now that someone exists.
  await assert.rejects(
    backroom.api("create_first_manager", { name: "Intruder", pin: "9999", station: "Office" }),
    (e) => e.code === "conflict",
  );

  // The team: a picker and a packer, each with a badge and a PIN.
  for (const [person, role] of [[PICKER, "picker"], [PACKER, "packer"]]) {
    await page.getByTestId(`person-role-${role}`).check();
    await page.getByTestId("person-name").fill(person.name);
    await page.getByTestId("person-badge").fill(person.badge);
    await page.getByTestId("person-pin").fill(person.pin);
    await page.keyboard.press("Enter");
    await page.locator(`[data-testid="person"][data-role="${role}"]`).waitFor();
  }
  await photograph(page, "people");
  await next(page);

  // Stations: the office exists; a picking cart and a packing bench without a scale. PgUp goes
  // back a step and PgDn forward again.
  await atStep(page, "stations");
  await page.keyboard.press("PageUp");
  await atStep(page, "people");
  await next(page);
  await atStep(page, "stations");
  for (const name of ["Pick 1", "Pack 1"]) {
    await page.getByTestId("station-name").fill(name);
    await page.keyboard.press("Enter");
    await page.getByTestId("station-item").getByText(name, { exact: true }).waitFor();
  }
  await photograph(page, "stations");
  await next(page);

  await atStep(page, "boxes");
  for (const [id, value] of [["code", "BOX-M"], ["name", "Medium box"], ["tare", "180"], ["length", "300"], ["width", "220"], ["height", "150"]]) {
    await page.getByTestId(`box-${id}`).fill(value);
  }
  await page.keyboard.press("Enter");
  await page.getByTestId("box-item").waitFor();
  await photograph(page, "boxes");
  await next(page);

  // The layout: the small template, by its number key.
  await atStep(page, "layout");
  await page.getByTestId("layout-template-small").waitFor();
  await page.keyboard.press("1");
  await page.getByTestId("layout-current").waitFor();
  await photograph(page, "layout");
  const layout = await backroom.api("get_layout", {}, admin);
  assert.equal(layout.bins, 80);
  assert.equal(layout.areas, 5, "receiving, packing, shipping, quarantine and returns came with it");

  // Leave again: signed in, the station comes back to the first step not done.
  await page.reload();
  await atStep(page, "products");
  assert.deepEqual(await doneSteps(page), ["store", "people", "stations", "boxes", "layout"]);

  await importFile(page, "products", "setup-products.csv");
  await photograph(page, "products");
  await next(page);

  await atStep(page, "stock");
  await importFile(page, "stock", "setup-stock.csv");
  await photograph(page, "stock");
  await next(page);

  await atStep(page, "orders");
  await importFile(page, "orders", "setup-orders.csv");
  await photograph(page, "orders");
  assert.deepEqual(await doneSteps(page), ["store", "people", "stations", "boxes", "layout", "products", "stock", "orders"]);
  assert.equal((await backroom.api("get_order", { number: ORDER }, admin)).status, "allocated");

  await page.getByTestId("setup-finish").click();
  await page.getByTestId("home").waitFor();
  assert.equal((await backroom.api("setup_progress")).open, false);
  assert.deepEqual(page.errors, [], "no errors in the page");
  await page.context().close();
});

test("the picker picks the imported order and the packer packs it with a typed weight", async () => {
  const admin = await managerToken();
  const stations = (await backroom.api("list_stations")).map((s) => s.name);
  assert.deepEqual(stations, ["Office", "Pack 1", "Pick 1"]);

  // Picking: take the next list (a cart of 4), which opens at once, and at each stop scan the
  // bin, then the product per unit.
  const picking = await newStationPage(browser);
  await picking.setViewportSize({ width: 1024, height: 600 });
  await signIn(picking, backroom.url, stations, "Pick 1", PICKER);
  await picking.keyboard.press("F3");
  await picking.getByTestId("pick").waitFor();
  await scan(picking, "pick-input", "4", "Alt+n");
  await picking.getByTestId("pick-current").waitFor();
  const taken = await backroom.api("list_pick_lists", {}, admin);
  assert.equal(taken.length, 1, "one list was taken");
  const id = taken[0].id;
  for (let round = 0; round < 20; round++) {
    const view = await backroom.api("get_pick_list", { id }, admin);
    const stop = view.stops.find((s) => s.qty > 0);
    if (!stop) break;
    await picking.waitForFunction(
      ({ bin, sku }) => {
        const el = document.querySelector('[data-testid="pick-current"]');
        return el?.getAttribute("data-bin") === bin && el?.getAttribute("data-sku") === sku;
      },
      stop,
    );
    if ((await picking.getByTestId("pick-current").getAttribute("data-step")) === "bin") {
      await scan(picking, "pick-input", stop.bin);
      await picking.locator('[data-testid="pick-current"][data-step="product"]').waitFor();
    }
    for (let n = 1; n <= stop.qty; n++) {
      await scan(picking, "pick-input", stop.sku);
      await picking.waitForFunction(
        ({ selector, picked }) =>
          document.querySelector(selector)?.getAttribute("data-picked") === String(picked) ||
          document.querySelector('[data-testid="pick-lists"]') !== null,
        { selector: `[data-testid="pick-stop"][data-bin="${stop.bin}"][data-sku="${stop.sku}"]`, picked: stop.picked + n },
      );
    }
  }
  await picking.getByTestId("pick-lists").waitFor();
  await screenshot(picking, "setup-picked");
  assert.equal((await backroom.api("get_order", { number: ORDER }, admin)).status, "picked");
  assert.deepEqual(picking.errors, [], "no errors on the Pick screen");
  await picking.context().close();

  // Packing at Pack 1, which has no scale: the order, each item, the box, then the weight typed.
  const packing = await newStationPage(browser);
  await packing.setViewportSize({ width: 1024, height: 600 });
  await signIn(packing, backroom.url, stations, "Pack 1", PACKER);
  await packing.keyboard.press("F4");
  await packing.getByTestId("pack").waitFor();
  await scan(packing, "pack-input", ORDER);
  await packing.locator(`[data-testid="pack-order"][data-number="${ORDER}"]`).waitFor();
  for (const line of LINES) {
    for (let n = 0; n < line.qty; n++) await scan(packing, "pack-input", line.barcode);
  }
  await scan(packing, "pack-input", "BOX-M");
  await packing.getByTestId("typed-scale").waitFor();
  const expected = Number(await packing.getByTestId("pack-expected").getAttribute("data-expected"));
  assert.ok(expected > 900, `two mugs, a T-shirt and the box weigh more than 900 g: ${expected}`);
  await scan(packing, "pack-input", `${Math.round(expected)} g`);
  await packing.locator('[data-testid="pack-verdict"][data-verdict="pass"]').waitFor();
  await screenshot(packing, "setup-packed");
  const order = await backroom.api("get_order", { number: ORDER }, admin);
  assert.equal(order.status, "packed");
  const weighings = await backroom.api("list_weighings", { order: ORDER }, admin);
  assert.equal(weighings[0].verdict, "pass");
  assert.deepEqual(packing.errors, [], "no errors on the Pack screen");
  await packing.context().close();
});

/** Types into the screen's scan field once it has focus, as a scanner does, then presses `key`. */
async function scan(page, input, text, key = "Enter") {
  await page.waitForFunction((id) => document.activeElement?.getAttribute("data-testid") === id, input);
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press(key);
}
