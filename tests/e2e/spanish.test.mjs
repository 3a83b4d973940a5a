// The floor in Spanish, chosen per operator. A packer whose language is Spanish signs in and
// the screens speak Spanish: the Pack screen at a 1024x600 bench, with the verdict panel (PASS
// and FAIL, whose Spanish words run longer) inside the screen; signing out brings the station's
// own language back. A picker set to Spanish by a manager walks a pick list on a 360x640
// handheld with the current stop whole. Before anyone signs in the station keeps the language
// last chosen on it, and Alt+L switches a signed-in operator's language, which the host keeps.
// Screenshots: tests/e2e/out/spanish-*.png.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, screenshot, signIn, startBackroom, startScale } from "./harness.mjs";
import { assertNoSideways, assertShown, pageOfSize } from "./screens-geometry.mjs";

const STATION = "Pack 1";
const BIN = "A12-3-01-R";
const MUG = { sku: "E2E-MUG", name: "E2E Blue Mug", barcode: "4006381333931", grams: 340 };
const PEN = { sku: "E2E-PEN", name: "E2E Pen", barcode: "5012345678900", grams: 12 };
// 2 × 340 g + 3 × 12 g in the demo's small box (140 g) with 10 g of packing: 866 ± 20 g.
const GOOD_WEIGHT = 865;

let backroom;
let browser;
let scale;
let stations;
let admin;
let packer;
let picker;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  scale = await startScale({ protocol: "mt-sics", unit: "g", weight: 0 });
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  const manager = backroom.operators.find((op) => op.role === "manager");
  packer = backroom.operators.find((op) => op.role === "packer");
  picker = backroom.operators.find((op) => op.role === "picker");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
  const bench = (await backroom.api("list_stations")).find((s) => s.name === STATION);
  await backroom.api(
    "save_station",
    { ...bench, scale: { port: scale.device, protocol: "mt-sics", baud: 9600, data_bits: 8, parity: "none", stop_bits: 1 } },
    admin,
  );
  for (const p of [MUG, PEN]) {
    await backroom.api(
      "save_product",
      { sku: p.sku, name: p.name, category: "Test", unit_weight: `${p.grams} g`, price_cents: 500, barcodes: [p.barcode] },
      admin,
    );
    await backroom.api("receive", { product: p.sku, qty: 20, to: BIN }, admin);
  }
  for (const number of ["ES-P1", "ES-P2"]) await pickedOrder(number);
  // The packer chooses Spanish for themselves; the picker's manager sets it for them.
  const own = (await backroom.api("sign_in", { station: STATION, credential: packer.badge })).token;
  assert.equal((await backroom.api("set_my_language", { language: "es" }, own)).language, "es");
  await backroom.api("sign_out", {}, own);
  const people = await backroom.api("list_operators", {}, admin);
  const them = people.find((p) => p.badge === picker.badge);
  const saved = await backroom.api("save_operator", { id: them.id, name: them.name, role: them.role, badge: them.badge, language: "es" }, admin);
  assert.equal(saved.language, "es");
});

after(async () => {
  await browser?.close();
  scale?.stop();
  await backroom?.stop();
});

/** An order of 2 mugs and 3 pens, allocated and picked through the API. */
async function pickedOrder(number) {
  await backroom.api(
    "create_order",
    {
      number,
      customer: { name: "Lucía Pérez", email: "lucia.e2e@example.com" },
      ship_to: { name: "Lucía Pérez", address1: "Calle Mayor 1", city: "Madrid", postal_code: "28013", country: "ES" },
      billing_country: "ES",
      payment_status: "paid",
      lines: [
        { product: MUG.sku, qty: 2 },
        { product: PEN.sku, qty: 3 },
      ],
    },
    admin,
  );
  const token = (await backroom.api("sign_in", { station: "Pick 1", credential: picker.badge })).token;
  await backroom.api("pick", { order: number, product: MUG.sku, bin: BIN, qty: 2 }, token);
  await backroom.api("pick", { order: number, product: PEN.sku, bin: BIN, qty: 3 }, token);
  await backroom.api("sign_out", {}, token);
}

async function scan(page, testid, text) {
  await page.waitForFunction((id) => document.activeElement?.getAttribute("data-testid") === id, testid);
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press("Enter");
}

async function packItems(page, number) {
  await scan(page, "pack-input", number);
  await page.locator(`[data-testid="pack-order"][data-number="${number}"]`).waitFor();
  for (const [product, times] of [[MUG, 2], [PEN, 3]]) {
    for (let n = 1; n <= times; n++) {
      await scan(page, "pack-input", product.barcode);
      await page.locator(`[data-testid="pack-line"][data-sku="${product.sku}"] [data-testid="pack-line-count"]`).getByText(`${n} / ${times}`).waitFor();
    }
  }
  await scan(page, "pack-input", "BOX-S");
  await page.getByTestId("pack-expected").waitFor();
}

async function text(page, testid) {
  return ((await page.getByTestId(testid).first().textContent()) ?? "").replace(/\s+/g, " ").trim();
}

test("a Spanish-speaking packer packs in Spanish at 1024x600, the verdict in view; signing out brings English back", async () => {
  const page = await pageOfSize(browser, 1024, 600);
  await signIn(page, backroom.url, stations, STATION, packer);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "es");
  assert.match(await page.locator('[data-testid="home"] h1').textContent(), /^Hola, /);
  assert.equal(await text(page, "tile-pack"), "F4 Empaquetar Pese, compruebe y empaquete los pedidos recogidos");
  assert.equal(await text(page, "sign-out"), "Salir F10");

  await page.keyboard.press("F4");
  await page.getByTestId("pack").waitFor();
  assert.equal(await text(page, "pack-step"), "Escanee o escriba un número de pedido y pulse Enter");
  await screenshot(page, "spanish-pack-idle-1024x600");

  await packItems(page, "ES-P1");
  assert.match(await text(page, "pack-expected"), /^Esperado 866 g ± /);
  await scale.control(`weight ${GOOD_WEIGHT}`);
  await page.locator('[data-testid="pack-verdict"][data-verdict="pass"]').waitFor();
  assert.match(await text(page, "pack-verdict"), /^Correcto Empaquetado · −1 g respecto a lo esperado Pesado 865 g$/);
  await assertShown(page, '[data-testid="pack-verdict"]', "the PASS panel");
  await assertNoSideways(page, "Pack in Spanish");
  await screenshot(page, "spanish-pack-pass-1024x600");

  // One pen short: FAIL with its amount and the likely cause in Spanish, still inside the screen.
  await scale.control("weight 0");
  await page.keyboard.press("Escape");
  await scan(page, "pack-input", "ES-P2");
  await page.locator('[data-testid="pack-order"][data-number="ES-P2"]').waitFor();
  await scan(page, "pack-input", PEN.barcode);
  await scan(page, "pack-input", PEN.barcode);
  await scan(page, "pack-input", PEN.barcode);
  await scan(page, "pack-input", PEN.barcode);
  await page.getByTestId("pack-refused").waitFor();
  assert.equal(await text(page, "pack-refused"), "Rechazado Ya están en la caja las 3 × E2E Pen: saque la unidad de más");
  await screenshot(page, "spanish-pack-refused-1024x600");
  for (const n of [1, 2]) {
    await scan(page, "pack-input", MUG.barcode);
    await page.locator(`[data-testid="pack-line"][data-sku="${MUG.sku}"] [data-testid="pack-line-count"]`).getByText(`${n} / 2`).waitFor();
  }
  await scan(page, "pack-input", "BOX-S");
  await page.getByTestId("pack-expected").waitFor();
  await scale.control(`weight ${GOOD_WEIGHT - MUG.grams}`);
  await page.locator('[data-testid="pack-verdict"][data-verdict="fail"]').waitFor();
  assert.equal(await text(page, "pack-delta"), "Faltan 341 g");
  assert.equal(await text(page, "pack-cause"), "Parece que falta un artículo: compare la caja con la lista");
  await assertShown(page, '[data-testid="pack-verdict"]', "the FAIL panel");
  await assertShown(page, '[data-testid="pack-input"]', "the scan field under the verdict");
  await assertNoSideways(page, "a failed weighing in Spanish");
  await screenshot(page, "spanish-pack-fail-1024x600");
  await scale.control("weight 0");

  // Signing out returns the station to its own language: nobody chose one here, so English.
  await page.keyboard.press("F10");
  await page.getByTestId("sign-in").waitFor();
  assert.match(await page.locator('[data-testid="sign-in"] h1').textContent(), /^Sign in at /);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.deepEqual(page.errors, []);
});

test("a picker set to Spanish walks a pick list on a 360x640 handheld", async () => {
  await backroom.api("plan_pick_lists", { totes: 4 }, admin);
  const page = await pageOfSize(browser, 360, 640);
  await signIn(page, backroom.url, stations, "Pick 1", picker);
  // The header has no room for the language on a handheld: Home offers it.
  await assertShown(page, '[data-testid="home"] [data-testid="language-picker"]', "the language on Home");
  assert.equal(await page.locator('[data-testid="home"] [data-testid="language-picker"]').inputValue(), "es");
  await page.getByTestId("tile-pick").tap();
  await page.getByTestId("pick").waitFor();
  await page.getByTestId("pick-list-row").first().waitFor();
  assert.equal(await text(page, "pick-take"), "Tomar la siguiente lista Alt+N");
  await assertNoSideways(page, "the pick lists in Spanish");
  await screenshot(page, "spanish-pick-lists-360x640");

  await page.keyboard.press("Enter");
  await page.getByTestId("pick-current").waitFor();
  const bin = await page.getByTestId("pick-current").getAttribute("data-bin");
  const tote = await page.getByTestId("pick-current").getAttribute("data-tote");
  assert.equal(await page.locator(".scan-label").first().textContent(), `Vaya a ${bin} y escanee la etiqueta de la ubicación`);
  assert.equal(await text(page, "pick-tote"), `Cubeta ${tote}`);
  for (const [selector, what] of [
    ['[data-testid="header-station"]', "the station in the header"],
    ['[data-testid="sign-out"]', "the sign-out button"],
    ['[data-testid="pick-input"]', "the scan field"],
    ['[data-testid="pick-current-bin"]', "the bin"],
    ['[data-testid="pick-current-name"]', "the product name"],
    ['[data-testid="pick-current-qty"]', "the quantity"],
    ['[data-testid="pick-tote"]', "the tote"],
  ]) {
    await assertShown(page, selector, `Pick in Spanish: ${what}`);
  }
  await assertNoSideways(page, "Pick in Spanish");
  await screenshot(page, "spanish-pick-stop-360x640");

  // A wrong bin is refused in Spanish.
  await scan(page, "pick-input", "A99-9-99-L");
  await page.getByTestId("pick-error").waitFor();
  assert.equal(await text(page, "pick-error"), `Ubicación equivocada: «A99-9-99-L». Vaya a ${bin} y escanee su etiqueta.`);
  await assertShown(page, '[data-testid="pick-error"]', "the refusal");
  await screenshot(page, "spanish-pick-refused-360x640");

  // Stock lookup on the same handheld: a bin label shows what the bin holds, in Spanish.
  await page.keyboard.press("F1");
  await page.getByTestId("lookup").waitFor();
  await scan(page, "lookup-input", bin);
  await page.getByTestId("location").waitFor();
  assert.equal(await page.locator('[data-testid="location"] .verdict').textContent(), "Ubicación de recogida");
  assert.equal(await page.locator(".totals .label").first().textContent(), "Existencias");
  await assertShown(page, '[data-testid="location-code"]', "the bin code");
  await assertNoSideways(page, "Lookup in Spanish");
  await screenshot(page, "spanish-lookup-360x640");
  assert.deepEqual(page.errors, []);
});

test("a station keeps the language chosen before sign-in, and Alt+L switches the operator's own", async () => {
  const page = await pageOfSize(browser, 1024, 600);
  await page.goto(backroom.url);
  await page.getByTestId("sign-in").waitFor();
  await page.getByTestId("station-option").first().waitFor();
  assert.equal(await page.locator('[data-testid="sign-in"] h1').textContent(), "Which station is this?");
  await page.getByTestId("language-picker").selectOption("es");
  assert.equal(await page.locator('[data-testid="sign-in"] h1').textContent(), "¿Qué estación es esta?");
  await page.reload();
  await page.getByTestId("station-option").first().waitFor();
  assert.equal(await page.locator('[data-testid="sign-in"] h1').textContent(), "¿Qué estación es esta?", "kept on the station");
  await page.keyboard.press(String(stations.indexOf("Pick 1") + 1));
  await screenshot(page, "spanish-sign-in-1024x600");

  // The manager speaks English: the screens follow them, and the station's Spanish comes back after.
  const manager = backroom.operators.find((op) => op.role === "manager");
  await page.keyboard.type(manager.badge);
  await page.keyboard.press("Enter");
  await page.getByTestId("home").waitFor();
  assert.match(await page.locator('[data-testid="home"] h1').textContent(), /^Hello, /);
  await page.keyboard.press("Alt+L");
  await page.locator('[data-testid="home"] h1', { hasText: /^Hola, / }).waitFor();
  const session = await page.evaluate(() => localStorage.getItem("backroom.token"));
  const me = await backroom.api("whoami", {}, session);
  assert.equal(me.operator.language, "es", "the host keeps the operator's choice");
  await page.keyboard.press("Alt+L");
  await page.locator('[data-testid="home"] h1', { hasText: /^Hello, / }).waitFor();
  assert.equal((await backroom.api("whoami", {}, session)).operator.language, "en");
  await page.keyboard.press("F10");
  await page.getByTestId("sign-in").waitFor();
  assert.match(await page.locator('[data-testid="sign-in"] h1').textContent(), /^Iniciar sesión en /);
  assert.deepEqual(page.errors, []);
});
