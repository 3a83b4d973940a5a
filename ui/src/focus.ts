// Scanner-first screens keep one input focused: a scanner "types" into whatever has focus, so a
// click anywhere else must not swallow the next scan.

// The scan inputs on screen, newest last, so a closed dialog can hand focus back.
const scanInputs: HTMLInputElement[] = [];

/**
 * Gives focus back to the screen's scan input (after a dialog or prompt closes). `force` takes
 * it from another field too, once that field's value is in (a select just chosen).
 */
export function focusScan(force = false): void {
  setTimeout(() => {
    const node = scanInputs.findLast((n) => n.isConnected && !n.disabled);
    const active = document.activeElement;
    const typing =
      !force &&
      active !== node &&
      active?.isConnected &&
      (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement || active instanceof HTMLSelectElement);
    if (node && !typing) node.focus();
  }, 0);
}

export function keepFocus(node: HTMLInputElement) {
  scanInputs.push(node);
  const refocus = () =>
    setTimeout(() => {
      if (!node.isConnected || node.disabled) return;
      const active = document.activeElement;
      // Another text field (a dialog, a form) may keep focus on purpose.
      const typing =
        active !== node &&
        (active instanceof HTMLInputElement ||
          active instanceof HTMLTextAreaElement ||
          active instanceof HTMLSelectElement);
      if (!typing) node.focus();
    }, 0);
  node.focus();
  node.addEventListener("blur", refocus);
  window.addEventListener("focus", refocus);
  return {
    destroy() {
      scanInputs.splice(scanInputs.indexOf(node), 1);
      node.removeEventListener("blur", refocus);
      window.removeEventListener("focus", refocus);
    },
  };
}

/** Focuses a field as it appears (a prompt inside a screen); the scan input gets focus back when it goes. */
export function takeFocus(node: HTMLInputElement) {
  node.focus();
  return {
    destroy() {
      // Not forced: when the prompt moves to its next field, that field keeps focus.
      focusScan();
    },
  };
}
