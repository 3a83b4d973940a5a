// Where things are on the screen, for the layout tests: inside the viewport, not cut off,
// nothing running off the right edge, and whether the page scrolls to what does not fit.

import assert from "node:assert/strict";

/** A page of `width`×`height` that records uncaught errors in the page. */
export async function pageOfSize(browser, width, height) {
  const context = await browser.newContext({ viewport: { width, height }, hasTouch: width < 600 });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) page.errors.push(message.text());
  });
  return page;
}

/** Asserts that the element is wholly inside the viewport as the screen stands, and that its
 *  text is not cut off (no ellipsis, no clamped lines). */
export async function assertShown(page, selector, what) {
  const facts = await page.evaluate((selector) => {
    const el = document.querySelector(selector);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {
      box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height },
      viewport: { width: innerWidth, height: innerHeight },
      cut: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
    };
  }, selector);
  assert.ok(facts, `${what} (${selector}) is on the screen`);
  const { box, viewport } = facts;
  assert.ok(box.width > 0 && box.height > 0, `${what} has a size: ${JSON.stringify(box)}`);
  assert.ok(
    box.left >= 0 && box.top >= 0 && box.right <= viewport.width + 0.5 && box.bottom <= viewport.height + 0.5,
    `${what} is inside the ${viewport.width}x${viewport.height} viewport: ${JSON.stringify(box)}`,
  );
  assert.ok(!facts.cut, `${what} is not cut off`);
  return box;
}

/** Asserts that nothing runs off the right edge: not the page, the shell, the screen, nor any
 *  list that scrolls on its own. */
export async function assertNoSideways(page, what) {
  const wide = await page.evaluate(() => {
    const checked = [document.documentElement, document.querySelector(".bar"), document.querySelector("main"), ...document.querySelectorAll("main section, .scroll")];
    return checked
      .filter((el) => el && el.scrollWidth > el.clientWidth)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${el.scrollWidth} > ${el.clientWidth}`);
  });
  assert.deepEqual(wide, [], `${what}: nothing is wider than the screen`);
}

/** How far the shell's main area scrolls, and how much of it there is. */
export function mainScroll(page) {
  return page.evaluate(() => {
    const main = document.querySelector("main");
    return { top: main.scrollTop, height: main.scrollHeight, visible: main.clientHeight };
  });
}

/** Elements of the open screen that no scrolling can bring into view: below the viewport with
 *  no box around them that scrolls, or in a scrolling box that cannot itself be brought into
 *  view. */
export function unreachable(page) {
  return page.evaluate(() => {
    const main = document.querySelector("main");
    const scrolls = (el) => /auto|scroll/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight + 1;
    const scroller = (el) => {
      let box = el.parentElement;
      while (box && !scrolls(box)) box = box === main ? null : box.parentElement;
      return box;
    };
    // A box can be brought into view when its own scroller can, or it fits the screen as is.
    const reachable = (el) => {
      const around = scroller(el);
      if (around) return reachable(around);
      return el.getBoundingClientRect().bottom <= innerHeight + 1;
    };
    const lost = [];
    for (const el of main.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (!reachable(el)) lost.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
    }
    return [...new Set(lost)].slice(0, 8);
  });
}
