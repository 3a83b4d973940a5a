// The floor screens on a handheld in portrait (360x640, an Android scanner that types into the
// focused field and ends with Enter): Pick, Lookup, Receive, Count and Returns, one-handed. The
// header, the scan field and what the person acts on (the bin, the product's name, the
// quantity, the tote) are inside the screen and not cut off, nothing runs off the right edge,
// and the pick map is one tap (or Alt+M) away. Screenshots: tests/e2e/out/handheld-*.png.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, screenshot, signIn, startBackroom } from "./harness.mjs";
import { assertNoSideways, assertShown, pageOfSize } from "./screens-geometry.mjs";

let backroom;
let browser;
let stations;
let admin;
let picker;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  const manager = backroom.operators.find((op) => op.role === "manager");
  picker = backroom.operators.find((op) => op.role === "picker");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

async function scan(page, testid, text) {
  await page.waitForFunction((id) => document.activeElement?.getAttribute("data-testid") === id, testid);
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press("Enter");
}

/** A picker's handheld, signed in at Pick 1, on Home. */
async function handheld() {
  const page = await pageOfSize(browser, 360, 640);
  await signIn(page, backroom.url, stations, "Pick 1", picker);
  await assertShown(page, '[data-testid="sign-out"]', "the sign-out button");
  await assertNoSideways(page, "Home");
  return page;
}

/** Back to Home with a tap on the brand, then a tap on a tile. */
async function open(page, tile, screen) {
  await page.getByTestId("nav-home").tap();
  await page.getByTestId("home").waitFor();
  await page.getByTestId(`tile-${tile}`).tap();
  await page.getByTestId(screen).waitFor();
}

async function assertHeader(page, what) {
  await assertShown(page, ".bar", `${what}: the header`);
  await assertShown(page, '[data-testid="header-station"]', `${what}: the station in the header`);
  await assertShown(page, '[data-testid="sign-out"]', `${what}: the sign-out button`);
}

test("Pick on a handheld: the current stop large and whole, the map a tap away, picked by scanning", async () => {
  await backroom.api("plan_pick_lists", { totes: 4 }, admin);
  const page = await handheld();
  await open(page, "pick", "pick");
  await page.getByTestId("pick-list-row").first().waitFor();
  await assertNoSideways(page, "the pick lists");
  const id = Number(await page.getByTestId("pick-list-row").first().getAttribute("data-id"));
  const list = await backroom.api("get_pick_list", { id }, admin);
  const first = list.stops.find((s) => s.qty > 0);

  await page.keyboard.press("Enter");
  await page.getByTestId("pick-current").waitFor();
  await assertHeader(page, "Pick");
  await assertShown(page, '[data-testid="pick-input"]', "the scan field");
  const bin = await assertShown(page, '[data-testid="pick-current-bin"]', "the bin");
  await assertShown(page, '[data-testid="pick-current-name"]', "the product name");
  await assertShown(page, '[data-testid="pick-current-qty"]', "the quantity");
  await assertShown(page, '[data-testid="pick-tote"]', "the tote");
  assert.equal((await page.getByTestId("pick-current-name").textContent())?.trim(), first.name, "the whole name");
  assert.ok(bin.height >= 40, `the bin is large: ${bin.height}px`);
  await assertShown(page, '[data-testid="pick-stop"].current td:nth-child(2)', "the current stop's bin in the list");
  await assertNoSideways(page, "Pick");
  await screenshot(page, "handheld-pick");

  // The map is a tap away and fills the width; the stops come back with another tap.
  assert.equal(await page.getByTestId("pick-map").isVisible(), false);
  await page.getByTestId("pick-map-toggle").tap();
  await page.getByTestId("pick-map").waitFor();
  await page.getByTestId("pick-map").scrollIntoViewIfNeeded();
  const map = await assertShown(page, '[data-testid="pick-map"]', "the map");
  assert.ok(map.width >= 300 && map.height >= 300, `a usable map: ${map.width}x${map.height}`);
  await assertNoSideways(page, "Pick with the map");
  await screenshot(page, "handheld-pick-map");
  await page.keyboard.press("Alt+m");
  await page.getByTestId("pick-stops").waitFor();

  // Scanning the bin and the product picks a unit.
  await scan(page, "pick-input", first.bin);
  await page.waitForFunction(() => document.querySelector('[data-testid="pick-current"]')?.getAttribute("data-step") === "product");
  await scan(page, "pick-input", first.sku);
  await page.waitForFunction(
    ({ bin, sku, order }) =>
      document.querySelector(`[data-testid="pick-stop"][data-bin="${bin}"][data-sku="${sku}"][data-order="${order}"]`)?.getAttribute("data-picked") === "1",
    first,
  );
  await assertShown(page, '[data-testid="pick-current-bin"]', "the next bin");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("Lookup, Receive, Count and Returns fit a handheld", async () => {
  const page = await handheld();
  const sku = "BR-10001";
  const found = await backroom.api("lookup_product", { code: sku }, admin);

  // Lookup: the product, its figures and its bins, within the width.
  await open(page, "lookup", "lookup");
  await scan(page, "lookup-input", sku);
  await page.getByTestId("product").waitFor();
  await assertHeader(page, "Lookup");
  await assertShown(page, '[data-testid="lookup-input"]', "the scan field");
  await assertShown(page, '[data-testid="product-sku"]', "the SKU");
  await assertShown(page, '[data-testid="product-name"]', "the product name");
  await assertNoSideways(page, "Lookup");
  await screenshot(page, "handheld-lookup");

  // Receive: product, quantity, then a bin. The fullest bin of the product waits for a count,
  // so it is not suggested, and goods put away there fill no waiting order, which is said.
  const fullest = found.locations.filter((l) => l.kind === "bin").sort((a, b) => b.on_hand - a.on_hand)[0].location;
  await backroom.api("create_counts", { bins: [fullest] }, admin);
  await backroom.api(
    "create_order",
    {
      number: "E2E-HANDHELD",
      customer: { name: "Ada Park" },
      ship_to: { name: "Ada Park", address1: "1 Quay Street", city: "Hull", postal_code: "HU1 1AA", country: "GB" },
      billing_country: "GB",
      payment_status: "paid",
      lines: [{ product: sku, qty: found.totals.available + 3 }],
    },
    admin,
  );
  await open(page, "receive", "receive");
  await scan(page, "receive-input", sku);
  await page.waitForFunction(() => document.querySelector('[data-testid="steps"]')?.getAttribute("data-step") === "qty");
  await scan(page, "receive-input", "2");
  await page.getByTestId("suggested-bin").waitFor();
  await assertHeader(page, "Receive");
  await assertShown(page, '[data-testid="receive-input"]', "the scan field");
  await assertShown(page, '[data-testid="received-qty"]', "the quantity received");
  await assertShown(page, '[data-testid="suggested-bin"]', "the suggested bin");
  await assertNoSideways(page, "Receive");
  await screenshot(page, "handheld-receive");
  assert.notEqual((await page.getByTestId("suggested-bin").textContent())?.trim(), fullest, "a bin being counted is not suggested");
  await scan(page, "receive-input", fullest);
  await page.getByTestId("putaway-result").waitFor();
  const allocation = page.getByTestId("putaway-allocation");
  assert.equal(await allocation.getAttribute("data-unfilled"), "true");
  assert.match((await allocation.textContent()) ?? "", new RegExp(`${fullest} is waiting for a count`));
  await assertShown(page, '[data-testid="putaway-allocation"]', "why no order was filled");
  await assertNoSideways(page, "Receive, put away");
  await screenshot(page, "handheld-receive-counted");

  // Count: the bin a manager asked for, counted blind.
  const bin = fullest;
  await open(page, "count", "count");
  await page.locator(`[data-testid="count-task"][data-bin="${bin}"]`).waitFor();
  await assertNoSideways(page, "the count tasks");
  await scan(page, "count-input", bin);
  await page.getByTestId("counting").waitFor();
  await scan(page, "count-input", sku);
  await page.getByTestId("count-line").waitFor();
  await scan(page, "count-input", "3");
  await page.waitForFunction(() => document.querySelector('[data-testid="count-qty"]')?.textContent === "3");
  await assertHeader(page, "Count");
  await assertShown(page, '[data-testid="count-input"]', "the scan field");
  await assertShown(page, '[data-testid="count-qty"]', "the counted quantity");
  await assertNoSideways(page, "Count");
  await screenshot(page, "handheld-count");

  // Returns: a shipped order's slip, then an item.
  const [shipped] = (await backroom.api("list_orders", { status: "shipped", limit: 1 }, admin)).rows;
  assert.ok(shipped, "the demo has a shipped order");
  const order = await backroom.api("get_order", { number: shipped.number }, admin);
  await open(page, "returns", "returns");
  await scan(page, "returns-input", shipped.number);
  await page.getByTestId("return-line").first().waitFor();
  await scan(page, "returns-input", order.lines[0].sku);
  await page.waitForFunction(() => document.querySelector('[data-testid="return-qty"]')?.textContent === "1");
  await assertHeader(page, "Returns");
  await assertShown(page, '[data-testid="returns-input"]', "the scan field");
  await assertShown(page, '[data-testid="return-qty"]', "the quantity coming back");
  await assertNoSideways(page, "Returns");
  await screenshot(page, "handheld-returns");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
