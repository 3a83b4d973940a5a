// Fulfilment from the station screens, keyboard and scanner only: a manager imports an orders
// file in Manage; the order held for its payment shows in Holds with why, is released there and
// becomes allocated. A back-ordered order becomes allocated when its product is received and
// put away at Receive. A shipped item comes back at Returns, is restocked into its bin, and the
// bin's available stock goes up.
//
// The tests run in order: the second one receives stock for an order the first one imported.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { focusedTestId, launchChromium, newStationPage, screenshot, signIn, startBackroom } from "./harness.mjs";

let backroom;
let browser;
let stations;
let manager;
let admin; // the manager's API token, for setting up and checking
let bin; // the bin the test products live in

const HELD_SKU = "E2E-HELD";
const WAIT_SKU = "E2E-WAIT";
const RETURN_SKU = "E2E-RET";

// Pending payment: screening holds it. Paid but for a product with no stock: back-ordered.
const ORDERS_CSV = [
  "number,placed_at,customer_name,customer_email,customer_phone,ship_name,ship_address1,ship_city,ship_postal_code,ship_country,billing_country,payment_status,sku,qty",
  `E2E-1001,2026-11-20,Ada Lee,ada.e2e@example.com,+44 113 496 0000,Ada Lee,12 Harbour Road,Leeds,LS1 1AA,GB,GB,pending,${HELD_SKU},2`,
  `E2E-1002,2026-11-20,Ben Ode,ben.e2e@example.com,,Ben Ode,7 Mill Lane,York,YO1 7HH,GB,GB,paid,${WAIT_SKU},3`,
].join("\n");

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  manager = backroom.operators.find((op) => op.role === "manager");
  assert.ok(manager, "the demo has a manager");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
  // Three products of our own, so no demo order competes for their stock.
  for (const sku of [HELD_SKU, WAIT_SKU, RETURN_SKU]) {
    await backroom.api(
      "save_product",
      { sku, name: `E2E product ${sku}`, category: "Test", unit_weight: "250 g", price_cents: 1000, barcodes: [] },
      admin,
    );
  }
  const bins = await backroom.api("list_locations", { kind: "bin", limit: 50 }, admin);
  bin = bins[bins.length - 1].code;
  await backroom.api("receive", { product: HELD_SKU, qty: 10, to: bin }, admin);
  await backroom.api("receive", { product: RETURN_SKU, qty: 5, to: bin }, admin);
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

const operator = (name) => {
  const op = backroom.operators.find((o) => o.name === name);
  assert.ok(op, `the demo has ${name}`);
  return op;
};

/** Waits until an element's attribute has a value. */
async function attribute(page, testId, name, value) {
  await page.waitForFunction(
    ([id, n, v]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(n) === v,
    [testId, name, value],
  );
}

async function scan(page, text) {
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press("Enter");
}

test("an imported order held for payment is released in Holds and becomes allocated", async () => {
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);

  // Manage: import the orders file; it is checked first, then imported.
  await page.keyboard.press("F6");
  await page.getByTestId("manage").waitFor();
  await page.getByTestId("import-file").setInputFiles({ name: "orders.csv", mimeType: "text/csv", buffer: Buffer.from(ORDERS_CSV) });
  await page.getByTestId("import-checked").waitFor();
  assert.match((await page.getByTestId("import-checked").textContent()) ?? "", /2 new/);
  await page.getByTestId("import-run").click();
  await page.getByTestId("import-done").waitFor();
  await screenshot(page, "manage-import");

  const held = await backroom.api("get_order", { number: "E2E-1001" }, admin);
  assert.equal(held.status, "held");
  assert.deepEqual(held.holds.map((h) => h.rule), ["payment"]);

  // Holds: the order is there with its reason in words and how to reach the customer.
  await page.keyboard.press("Shift+F2");
  await page.getByTestId("holds").waitFor();
  assert.equal(await focusedTestId(page), "holds-filter");
  const row = page.locator('[data-testid="hold-row"][data-number="E2E-1001"]');
  await row.waitFor();
  assert.match((await row.getByTestId("hold-row-reason").textContent()) ?? "", /payment not captured/i);
  assert.equal(await row.getByTestId("hold-email").getAttribute("href"), "mailto:ada.e2e@example.com");
  assert.match((await row.textContent()) ?? "", /\+44 113 496 0000/);
  assert.match((await row.textContent()) ?? "", /pending/i);
  // The payment chip counts it.
  const paymentHolds = (await backroom.api("list_holds", { rule: "payment" }, admin)).length;
  assert.equal(await page.getByTestId("hold-chip-payment").getAttribute("data-count"), String(paymentHolds));
  await screenshot(page, "holds");

  // Scan the order number, Enter opens it; Alt+R asks why, Enter releases.
  await scan(page, "E2E-1001");
  await page.getByTestId("order-detail").waitFor();
  assert.equal(await page.getByTestId("detail-status").textContent(), "Held");
  assert.match((await page.getByTestId("hold-reason").textContent()) ?? "", /payment not captured/i);
  await page.keyboard.press("Alt+r");
  await page.getByTestId("reason-input").waitFor();
  assert.equal(await focusedTestId(page), "reason-input");
  await page.keyboard.type("payment confirmed by phone", { delay: 2 });
  await page.keyboard.press("Enter");
  await page.getByTestId("action-outcome").waitFor();
  assert.match((await page.getByTestId("action-outcome").textContent()) ?? "", /allocated/i);
  await attribute(page, "order-detail", "data-status", "allocated");
  assert.equal(await page.getByTestId("detail-status").textContent(), "Allocated");
  // The decision is in the history, with who made it; the scan input has focus again.
  assert.match((await page.getByTestId("detail-history").textContent()) ?? "", /payment confirmed by phone/);
  assert.match((await page.getByTestId("detail-history").textContent()) ?? "", new RegExp(manager.name));
  assert.equal(await focusedTestId(page), "holds-filter");
  await screenshot(page, "holds-released");

  const released = await backroom.api("get_order", { number: "E2E-1001" }, admin);
  assert.equal(released.status, "allocated");
  assert.equal(released.lines[0].reserved, 2);
  // Back in the list, it is no longer held.
  await page.keyboard.press("Escape");
  await page.getByTestId("holds-table").waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="hold-row"][data-number="E2E-1001"]'));

  // Orders: the back-order filter shows the other order with its 3 waiting units.
  await page.keyboard.press("F2");
  await page.getByTestId("orders-table").waitFor();
  await page.keyboard.press("Alt+b");
  await attribute(page, "filter-backordered", "class", "chip small active");
  const waiting = page.locator('[data-testid="order-row"][data-number="E2E-1002"]');
  await waiting.waitFor();
  assert.equal((await waiting.getByTestId("row-backordered").textContent())?.trim(), "3");
  assert.equal(await waiting.getAttribute("data-status"), "released");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("receiving and putting away stock allocates the order waiting for it", async () => {
  const before = await backroom.api("get_order", { number: "E2E-1002" }, admin);
  assert.equal(before.status, "released", "the first test imported a back-ordered order");
  assert.equal(before.lines[0].backordered, 3);

  const receiver = operator("Priya Raman");
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Receiving", receiver);
  await page.keyboard.press("F5");
  await page.getByTestId("receive").waitFor();
  assert.equal(await focusedTestId(page), "receive-input");

  // Scan the product, then the quantity: the goods land on the dock and a bin is suggested.
  await scan(page, WAIT_SKU);
  await attribute(page, "steps", "data-step", "qty");
  await scan(page, "3");
  await attribute(page, "steps", "data-step", "bin");
  const suggested = ((await page.getByTestId("suggested-bin").textContent()) ?? "").trim();
  assert.match(suggested, /^[A-Z]\d+-/, "a pick bin is suggested");
  assert.equal(await page.getByTestId("received-qty").textContent(), "3");
  await screenshot(page, "receive-suggested");

  // Enter takes the suggested bin: the stock is put away and the order waiting for it is served.
  await page.keyboard.press("Enter");
  await page.getByTestId("putaway-result").waitFor();
  assert.equal(await page.getByTestId("putaway-result").getAttribute("data-bin"), suggested);
  await attribute(page, "putaway-allocation", "data-allocated", "1");
  assert.equal(await page.getByTestId("putaway-allocation").getAttribute("data-reserved"), "3");
  assert.equal(await focusedTestId(page), "receive-input");
  await screenshot(page, "receive-put-away");

  const after = await backroom.api("get_order", { number: "E2E-1002" }, admin);
  assert.equal(after.status, "allocated");
  assert.equal(after.lines[0].backordered, 0);
  assert.equal(after.lines[0].reserved, 3);

  // The order's detail says so too.
  await page.keyboard.press("F2");
  await page.getByTestId("order-row").first().waitFor();
  await scan(page, "E2E-1002");
  await page.getByTestId("order-detail").waitFor();
  assert.equal(await page.getByTestId("detail-status").textContent(), "Allocated");
  const line = page.getByTestId("detail-line").first();
  assert.equal(await line.locator('[data-col="reserved"]').textContent(), "3");
  assert.equal((await line.locator('[data-col="backordered"]').textContent())?.trim(), "0");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a shipped item returned and restocked makes its bin's stock available again", async () => {
  // Enter, pick, weigh (which packs it) and ship an order through the API, as the floor would.
  const order = await backroom.api(
    "create_order",
    {
      number: "E2E-1003",
      customer: { name: "Cy Park", email: "cy.e2e@example.com" },
      ship_to: { name: "Cy Park", address1: "3 Quay Street", city: "Hull", postal_code: "HU1 1AA", country: "GB" },
      billing_country: "GB",
      payment_status: "paid",
      lines: [{ product: RETURN_SKU, qty: 2 }],
    },
    admin,
  );
  assert.equal(order.status, "allocated");
  const picker = operator("Sam Okafor");
  const packer = operator("Tomás Novák");
  const pickToken = (await backroom.api("sign_in", { station: "Pick 1", credential: picker.badge })).token;
  // Pack 2 has no connected scale, so the packer types the weight the scale shows.
  const packToken = (await backroom.api("sign_in", { station: "Pack 2", credential: packer.badge })).token;
  const picked = await backroom.api("pick", { order: "E2E-1003", product: RETURN_SKU, bin, qty: 2 }, pickToken);
  assert.equal(picked.status, "picked");
  const expected = await backroom.api("expected_weight", { order: "E2E-1003", box: "BOX-S" }, packToken);
  const weighed = await backroom.api(
    "weigh",
    { order: "E2E-1003", box: "BOX-S", grams: expected.expected_g, stable: true },
    packToken,
  );
  assert.equal(weighed.status, "packed");
  const shipped = await backroom.api("ship_order", { number: "E2E-1003" }, packToken);
  assert.equal(shipped.status, "shipped");

  const availableIn = async () =>
    (await backroom.api("stock_in_location", { location: bin }, admin)).products.find((p) => p.sku === RETURN_SKU).available;
  const before = await availableIn();
  assert.equal(before, 3);

  // Returns: scan the slip, then the item, choose why, scan the bin, F9.
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Receiving", packer);
  await page.keyboard.press("Shift+F5");
  await page.getByTestId("returns").waitFor();
  assert.equal(await focusedTestId(page), "returns-input");
  await scan(page, "E2E-1003");
  const line = page.locator(`[data-testid="return-line"][data-sku="${RETURN_SKU}"]`);
  await line.waitFor();
  assert.match((await line.textContent()) ?? "", /2/);
  await scan(page, RETURN_SKU);
  await page.waitForFunction(() => document.querySelector('[data-testid="return-qty"]')?.textContent === "1");
  await line.getByTestId("return-reason").selectOption("no_longer_wanted");
  // Choosing the reason hands focus back to the scan input, ready for the bin label.
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "returns-input");
  await scan(page, bin);
  await page.waitForFunction((b) => document.querySelector('[data-testid="return-bin"]')?.textContent?.trim() === b, bin);
  assert.equal(await line.getByTestId("return-disposition").inputValue(), "restock");
  await screenshot(page, "returns");
  await page.keyboard.press("F9");
  await page.getByTestId("return-done").waitFor();
  const item = page.locator(`[data-testid="return-done-item"][data-sku="${RETURN_SKU}"]`);
  assert.match((await item.textContent()) ?? "", new RegExp(`Restock in a bin: ${bin}`));
  await screenshot(page, "returns-done");

  assert.equal(await availableIn(), before + 1);
  const back = await backroom.api("get_order", { number: "E2E-1003" }, admin);
  assert.equal(back.lines[0].returned, 1);

  // Stock lookup by bin label shows the item available again.
  await page.keyboard.press("F1");
  await page.getByTestId("lookup").waitFor();
  await scan(page, bin);
  await page.getByTestId("location").waitFor();
  const row = page.locator(`[data-testid="location-row"][data-sku="${RETURN_SKU}"]`);
  assert.equal(await row.locator('[data-col="available"]').textContent(), String(before + 1));
  await screenshot(page, "lookup-bin");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a manager holds an order from its detail, then cancels it, each with a reason", async () => {
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("F2");
  await page.getByTestId("order-row").first().waitFor();
  await scan(page, "E2E-1002");
  await page.getByTestId("order-detail").waitFor();
  assert.equal(await page.getByTestId("detail-status").textContent(), "Allocated");

  // Alt+H asks why; Esc steps back without holding, and the order is still open.
  await page.keyboard.press("Alt+h");
  await page.getByTestId("reason-input").waitFor();
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector('[data-testid="reason-input"]'));
  await page.getByTestId("order-detail").waitFor();
  assert.equal(await focusedTestId(page), "orders-filter");

  // An empty reason is refused on the spot; a typed one holds the order and frees its stock.
  await page.keyboard.press("Alt+h");
  await page.getByTestId("reason-input").waitFor();
  await page.keyboard.press("Enter");
  await page.getByTestId("reason-missing").waitFor();
  await page.keyboard.type("customer asked to wait", { delay: 2 });
  await page.keyboard.press("Enter");
  await attribute(page, "order-detail", "data-status", "held");
  const hold = page.getByTestId("hold-reason");
  assert.equal(await hold.getAttribute("data-rule"), "manual");
  assert.match((await hold.textContent()) ?? "", /customer asked to wait/);
  assert.match((await hold.textContent()) ?? "", new RegExp(manager.name));
  assert.equal(await page.locator('[data-testid="detail-line"] [data-col="reserved"]').textContent(), "0");

  await page.keyboard.press("Alt+c");
  await page.getByTestId("reason-input").waitFor();
  await page.keyboard.type("customer cancelled", { delay: 2 });
  await page.keyboard.press("Enter");
  await attribute(page, "order-detail", "data-status", "cancelled");
  assert.match((await page.getByTestId("detail-reason").textContent()) ?? "", /customer cancelled/);
  // Nothing more to decide on a cancelled order.
  assert.equal(await page.getByTestId("action-cancel").count(), 0);
  assert.equal((await backroom.api("get_order", { number: "E2E-1002" }, admin)).status, "cancelled");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
