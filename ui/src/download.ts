// Saving a file the server or the page made: a temporary link the browser (or the desktop
// window's web view) downloads from.

/** Saves `blob` as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download asynchronously; give it a moment before freeing the blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
