// Labels: a manager opens Labels from Manage with L, previews an aisle's bin labels and a
// product's labels, and the screen fits a 1366×768 and a 1024×600 station. At Receive, F9 asks
// for labels of the units just received; with no printer to hand the message says so and the
// labels can be saved as a PDF instead.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { focusedTestId, launchChromium, newStationPage, screenshot, signIn, startBackroom } from "./harness.mjs";

let backroom;
let browser;
let stations;
let manager;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  manager = backroom.operators.find((op) => op.role === "manager");
  stations = (await backroom.api("list_stations")).map((s) => s.name);
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

/** Asserts the element lies wholly inside the viewport. */
async function inView(page, testId) {
  const box = await page.getByTestId(testId).boundingBox();
  const view = page.viewportSize();
  assert.ok(box, `${testId} is shown`);
  assert.ok(box.x >= 0 && box.y >= 0, `${testId} starts inside the window`);
  assert.ok(box.x + box.width <= view.width + 1, `${testId} fits the width ${view.width}`);
  assert.ok(box.y + box.height <= view.height + 1, `${testId} fits the height ${view.height}`);
}

test("a manager previews bin and product labels", async () => {
  const token = (await backroom.api("sign_in", { station: stations[0], credential: manager.pin })).token;
  const aisle = await backroom.api("list_locations", { kind: "bin", prefix: "A01", limit: 10000 }, token);
  assert.ok(aisle.length > 0, "the demo layout has an aisle A01");

  const page = await newStationPage(browser);
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, backroom.url, stations, stations[0], manager);
  await page.keyboard.press("F6");
  await page.getByTestId("manage").waitFor();
  await page.keyboard.press("l");
  await page.getByTestId("labels").waitFor();

  await page.getByTestId("labels-aisle").fill("A01");
  const reply = page.waitForResponse((r) => r.url().endsWith("/api/labels_pdf"));
  await page.keyboard.press("Control+Enter");
  const file = await (await reply).json();
  assert.equal(file.labels, aisle.length, "one label per bin of the aisle");
  await page.getByTestId("labels-frame").waitFor();
  assert.match((await page.getByTestId("labels-frame").getAttribute("src")) ?? "", /^blob:/);
  assert.match(await page.getByTestId("labels-message").textContent(), new RegExp(`^${aisle.length} labels on`));
  for (const id of ["labels-preview", "labels-print", "labels-save", "labels-frame"]) await inView(page, id);
  await screenshot(page, "labels-bins-1366");

  // Products: scan a SKU, make it three labels, preview on the small roll (a page each).
  const product = (await backroom.api("search_products", { limit: 1 }, token)).rows[0];
  await page.getByTestId("labels-kind-products").click();
  await page.getByTestId("labels-stock").selectOption("roll-2.25x1.25");
  await page.getByTestId("labels-product").focus();
  await page.keyboard.type(product.sku, { delay: 5 });
  await page.keyboard.press("Enter");
  await page.locator(`[data-testid="labels-products"] tr[data-sku="${product.sku}"]`).waitFor();
  assert.equal(await focusedTestId(page), "labels-product", "the scan field keeps focus for the next scan");
  await page.locator(`[data-testid="labels-products"] tr[data-sku="${product.sku}"] input`).fill("3");
  const products = page.waitForResponse((r) => r.url().endsWith("/api/labels_pdf"));
  await page.keyboard.press("Control+Enter");
  const productFile = await (await products).json();
  assert.equal(productFile.labels, 3);
  assert.equal(productFile.pages, 3);

  await page.setViewportSize({ width: 1024, height: 600 });
  for (const id of ["labels-preview", "labels-print", "labels-save"]) await inView(page, id);
  await screenshot(page, "labels-products-1024x600");

  // Esc closes the preview, then returns to Manage.
  await page.keyboard.press("Escape");
  await page.getByTestId("labels-frame").waitFor({ state: "detached" });
  await page.keyboard.press("Escape");
  await page.getByTestId("manage").waitFor();
  assert.deepEqual(page.errors, []);
});

test("Receive offers labels for the units just received", async () => {
  const receiver = backroom.operators.find((op) => op.role === "picker") ?? manager;
  const token = (await backroom.api("sign_in", { station: stations[0], credential: manager.pin })).token;
  const product = (await backroom.api("search_products", { limit: 1 }, token)).rows[0];
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, stations[0], receiver);
  await page.keyboard.press("F5");
  await page.getByTestId("receive").waitFor();
  await page.keyboard.type(product.sku, { delay: 5 });
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector('[data-testid="steps"]')?.getAttribute("data-step") === "qty");
  await page.keyboard.type("2", { delay: 5 });
  await page.keyboard.press("Enter");
  await page.getByTestId("receive-print-labels").waitFor();
  assert.match(await page.getByTestId("receive-print-labels").textContent(), new RegExp(`2 × ${product.sku}`));

  const printed = page.waitForResponse((r) => r.url().endsWith("/api/print_labels"));
  await page.keyboard.press("F9");
  const reply = await printed;
  const request = reply.request().postDataJSON();
  assert.deepEqual(request.products, [{ product: product.sku, count: 2 }]);
  if (reply.status() >= 400) {
    // No printer at this station (or no CUPS here): the message says so, and the PDF is offered.
    await page.getByTestId("receive-error").waitFor();
    const said = (await page.getByTestId("receive-error").textContent()) ?? "";
    assert.match(said, /^\s*(No printer is set up for this bench|Printer offline): call a manager/, said);
    assert.ok(!said.includes("`"), said);
    await page.getByTestId("receive-save-labels").waitFor();
    await inView(page, "receive-save-labels");
  }
  await inView(page, "receive-print-labels");
  await screenshot(page, "receive-labels");
  assert.deepEqual(page.errors, []);
});
