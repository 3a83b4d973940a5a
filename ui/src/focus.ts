// Scanner-first screens keep one input focused: a scanner "types" into whatever has focus, so a
// click anywhere else must not swallow the next scan.

export function keepFocus(node: HTMLInputElement) {
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
      node.removeEventListener("blur", refocus);
      window.removeEventListener("focus", refocus);
    },
  };
}
