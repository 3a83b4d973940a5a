// Every screen at 1024x600, the smallest station screen: each fits or scrolls (wheel, and PgDn
// where no scan field holds the keys), nothing runs off the right edge, the manager's Home tiles
// all show (at 1366x768 too, without scrolling), Pick keeps the current stop and the next ones
// in view beside a usable map, and a return's items keep their rows (one that came back before
// is said to be back already). Screenshots:
// tests/e2e/out/small-*.png.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, screenshot, signIn, startBackroom } from "./harness.mjs";
import { assertNoSideways, assertShown, mainScroll, pageOfSize, unreachable } from "./screens-geometry.mjs";

let backroom;
let browser;
let stations;
let admin;
let manager;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  manager = backroom.operators.find((op) => op.role === "manager");
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

/** Asserts the screen fits or scrolls, then wheels to its end and shows the last of it. */
async function assertScrollsOrFits(page, what) {
  await assertNoSideways(page, what);
  assert.deepEqual(await unreachable(page), [], `${what}: everything can be scrolled to`);
  const before = await mainScroll(page);
  if (before.height > before.visible + 1) {
    const main = await page.locator("main").boundingBox();
    await page.mouse.move(main.x + main.width / 2, main.y + main.height / 2);
    const atEnd = () =>
      page.evaluate(() => {
        const m = document.querySelector("main");
        return m.scrollTop + m.clientHeight >= m.scrollHeight - 1;
      });
    for (let turn = 0; turn < 20 && !(await atEnd()); turn++) {
      await page.mouse.wheel(0, before.height);
      await page.waitForTimeout(150);
    }
    assert.ok(await atEnd(), `${what}: the wheel scrolls to the end`);
    const last = await page.evaluate(() => {
      const section = document.querySelector("main > section");
      const r = section.lastElementChild.getBoundingClientRect();
      return { bottom: r.bottom, height: innerHeight };
    });
    assert.ok(last.bottom <= last.height + 1, `${what}: the wheel brings the end into view: ${JSON.stringify(last)}`);
  }
}

async function home(page) {
  await page.getByTestId("nav-home").click();
  await page.getByTestId("home").waitFor();
}

test("every screen fits or scrolls at 1024x600, and the manager's Home tiles all show", async () => {
  const page = await pageOfSize(browser, 1024, 600);
  await signIn(page, backroom.url, stations, "Office", manager);
  const tiles = await page.getByTestId(/^tile-/).all();
  assert.equal(tiles.length, 10, "a manager has ten tiles");
  for (const tile of tiles) {
    await assertShown(page, `[data-testid="${await tile.getAttribute("data-testid")}"]`, "a Home tile");
  }
  await assertScrollsOrFits(page, "Home");
  await screenshot(page, "small-home");

  const screens = [
    ["lookup", "F1"],
    ["orders", "F2"],
    ["count", "Shift+F1"],
    ["holds", "Shift+F2"],
    ["pick", "F3"],
    ["receive", "F5"],
    ["returns", "Shift+F5"],
    ["manage", "F6"],
    ["settings", "F7"],
  ];
  for (const [name, key] of screens) {
    await home(page);
    await page.keyboard.press(key);
    await page.getByTestId(name).waitFor();
    await page.waitForTimeout(300);
    await assertScrollsOrFits(page, name);
    await screenshot(page, `small-${name}`);
  }

  // Lookup with a product found.
  await home(page);
  await page.keyboard.press("F1");
  await scan(page, "lookup-input", "BR-10001");
  await page.getByTestId("product").waitFor();
  await assertScrollsOrFits(page, "a product in Lookup");
  await assertShown(page, '[data-testid="product-name"]', "the product name");

  // The dashboard's overview is taller than the screen: PgDn scrolls it, the wheel to its end.
  await home(page);
  await page.keyboard.press("Shift+F6");
  await page.getByTestId("kpi-units").waitFor();
  await page.waitForTimeout(300);
  await screenshot(page, "small-dashboard");
  const top = await mainScroll(page);
  assert.ok(top.height > top.visible, "the overview is taller than the screen");
  await page.keyboard.press("PageDown");
  await page.waitForFunction(() => document.querySelector("main").scrollTop > 100);
  await assertScrollsOrFits(page, "the dashboard overview");
  await screenshot(page, "small-dashboard-end");
  for (const tab of ["fill", "stock", "manifest"]) {
    await page.getByTestId(`tab-${tab}`).click();
    await page.waitForTimeout(400);
    await assertScrollsOrFits(page, `the dashboard's ${tab} tab`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("at 1366x768 the manager's Home fits without scrolling", async () => {
  const page = await pageOfSize(browser, 1366, 768);
  await signIn(page, backroom.url, stations, "Office", manager);
  for (const tile of await page.getByTestId(/^tile-/).all()) {
    await assertShown(page, `[data-testid="${await tile.getAttribute("data-testid")}"]`, "a Home tile");
  }
  const home = await mainScroll(page);
  assert.ok(home.height <= home.visible + 1, `Home fits: ${JSON.stringify(home)}`);
  await page.context().close();
});

test("Pick at 1024x600: the current stop and the next ones in view beside a usable map", async () => {
  await backroom.api("plan_pick_lists", { totes: 8 }, admin);
  const [list] = (await backroom.api("list_pick_lists", {}, admin)).sort((a, b) => a.id - b.id);
  const view = await backroom.api("get_pick_list", { id: list.id }, admin);
  // Pick the first stops, as a picker already on the way would have.
  const picker = backroom.operators.find((op) => op.role === "picker");
  const token = (await backroom.api("sign_in", { station: "Pick 1", credential: picker.badge })).token;
  const walked = view.stops.slice(0, Math.min(4, view.stops.length - 2));
  for (const s of walked) await backroom.api("pick", { order: s.order, product: s.sku, bin: s.bin, qty: s.qty }, token);

  const page = await pageOfSize(browser, 1024, 600);
  await signIn(page, backroom.url, stations, "Pick 1", picker);
  await page.keyboard.press("F3");
  await page.locator(`[data-testid="pick-list-row"][data-id="${list.id}"]`).click();
  await page.getByTestId("pick-current").waitFor();
  await page.waitForTimeout(300);
  for (const [id, what] of [
    ["pick-input", "the scan field"],
    ["pick-current-bin", "the bin"],
    ["pick-current-name", "the product name"],
    ["pick-current-qty", "the quantity"],
    ["pick-tote", "the tote"],
  ]) {
    await assertShown(page, `[data-testid="${id}"]`, what);
  }
  const map = await assertShown(page, '[data-testid="pick-map"]', "the map");
  assert.ok(map.width >= 400 && map.height >= 380, `a usable map: ${map.width}x${map.height}`);

  // The current stop's row and the one after it show in the stop list, done ones scrolled away.
  const rows = await page.evaluate(() => {
    const list = document.querySelector(".stop-list").getBoundingClientRect();
    const all = [...document.querySelectorAll('[data-testid="pick-stop"]')];
    const at = all.findIndex((r) => r.classList.contains("current"));
    const box = (r) => r && r.getBoundingClientRect();
    return { list: { top: list.top, bottom: list.bottom }, current: box(all[at]), next: box(all[at + 1]), at };
  });
  assert.ok(rows.at >= walked.length, `the current stop comes after those picked: ${rows.at}`);
  for (const which of ["current", "next"]) {
    const r = rows[which];
    assert.ok(r && r.top >= rows.list.top - 1 && r.bottom <= rows.list.bottom + 1, `the ${which} stop is in view: ${JSON.stringify(rows)}`);
  }
  await assertNoSideways(page, "Pick");
  await screenshot(page, "small-pick");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("Returns at 1024x600: each item keeps its row, and an item back already is said so", async () => {
  const [shipped] = (await backroom.api("list_orders", { status: "shipped", limit: 1 }, admin)).rows;
  const page = await pageOfSize(browser, 1024, 600);
  await signIn(page, backroom.url, stations, "Receiving", manager);
  await page.keyboard.press("Shift+F5");
  await scan(page, "returns-input", shipped.number);
  await page.getByTestId("return-line").first().waitFor();
  const line = await assertShown(page, '[data-testid="return-line"]', "the first item");
  assert.ok(line.height <= 160, `the item is one compact row, not a collapsed column: ${line.height}px`);
  await assertShown(page, '[data-testid="return-reason"]', "why it came back");
  await assertShown(page, '[data-testid="return-disposition"]', "what becomes of it");
  await assertScrollsOrFits(page, "Returns");
  await screenshot(page, "small-returns");

  // An item of an order that all came back before is said to be back already, not "only 0".
  const [, earlier] = (await backroom.api("list_orders", { status: "shipped", limit: 2 }, admin)).rows;
  const { lines } = await backroom.api("get_order", { number: earlier.number }, admin);
  const back = lines[0];
  await backroom.api(
    "receive_return",
    { order: earlier.number, lines: [{ product: back.sku, qty: back.shipped, reason: "no_longer_wanted", disposition: "quarantine" }] },
    admin,
  );
  await page.keyboard.press("Escape");
  await scan(page, "returns-input", earlier.number);
  await page.locator(`[data-testid="return-line"][data-sku="${back.sku}"]`).waitFor();
  await scan(page, "returns-input", back.sku);
  await page.getByTestId("returns-error").waitFor();
  const said = (await page.getByTestId("returns-error").textContent()) ?? "";
  assert.match(said, new RegExp(`Every ${back.sku} of this order has come back already`));
  assert.doesNotMatch(said, /Only 0/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
