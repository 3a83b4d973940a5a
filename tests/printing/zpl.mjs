// Reads what CUPS's rastertolabel sent to a Zebra ZPL printer and says what would come out:
// the print width, each label's size in dots and where the ink is. Prints one JSON object.
//
//   node zpl.mjs JOB.zpl [PAGE.pbm]   a print job; with PAGE.pbm, its first label as an image
//   node zpl.mjs --pbm PAGE.pbm       the same figures for an image (pdftoppm -mono), to compare
//
// rastertolabel stores each page as a graphic (~DG, in ZPL's compressed hex) and then prints it
// in a label format (^XA ... ^XGR:name ... ^XZ), so a label is as long as its graphic has rows.
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (!args.length) {
  console.error('usage: node zpl.mjs JOB.zpl [PAGE.pbm] | node zpl.mjs --pbm PAGE.pbm');
  process.exit(2);
}

// ZPL's compression: G..Y repeat the next hex digit 1..19 times, g..z add 20..400; a comma
// ends the row with zeros, an exclamation mark with ones, a colon repeats the previous row.
function repeatCount(c) {
  if (c >= 'G' && c <= 'Y') return c.charCodeAt(0) - 'G'.charCodeAt(0) + 1;
  if (c >= 'g' && c <= 'z') return (c.charCodeAt(0) - 'g'.charCodeAt(0) + 1) * 20;
  return 0;
}

function decodeGraphic(data, totalBytes, rowBytes) {
  const rowDigits = rowBytes * 2;
  const rows = [];
  let row = '';
  let previous = '0'.repeat(rowDigits);
  let count = 0;
  const endRow = () => {
    rows.push(row);
    previous = row;
    row = '';
  };
  for (const c of data) {
    if (/\s/.test(c)) continue;
    const n = repeatCount(c);
    if (n) {
      count += n;
      continue;
    }
    if (c === ',' || c === '!') {
      row = row.padEnd(rowDigits, c === ',' ? '0' : 'F');
      endRow();
    } else if (c === ':') {
      row = previous;
      endRow();
    } else if (/[0-9A-Fa-f]/.test(c)) {
      row += c.toUpperCase().repeat(count || 1);
      if (row.length > rowDigits) throw new Error(`a row is longer than ${rowBytes} bytes`);
      if (row.length === rowDigits) endRow();
    } else {
      throw new Error(`unexpected character ${JSON.stringify(c)} in graphic data`);
    }
    count = 0;
  }
  if (row) throw new Error('the graphic ends inside a row');
  if (rows.length * rowBytes !== totalBytes) {
    throw new Error(`the graphic has ${rows.length} rows of ${rowBytes} bytes, header says ${totalBytes} bytes`);
  }
  return rows.map((hex) => Buffer.from(hex, 'hex'));
}

function dark(rows) {
  return rows.map((r) => r.reduce((sum, byte) => sum + popcount(byte), 0));
}

// The leftmost and rightmost dot with ink on any row.
function inkColumns(rows) {
  let first = null;
  let last = null;
  for (const row of rows) {
    row.forEach((byte, i) => {
      if (!byte) return;
      const left = i * 8 + Math.clz32(byte) - 24;
      const right = i * 8 + 7 - (31 - Math.clz32(byte & -byte));
      if (first === null || left < first) first = left;
      if (last === null || right > last) last = right;
    });
  }
  return { first, last };
}

function popcount(byte) {
  let n = 0;
  for (let b = byte; b; b >>= 1) n += b & 1;
  return n;
}

// The size of a page in dots and where its ink starts and ends, down and across.
function measure(rows, width = rows[0] ? rows[0].length * 8 : 0) {
  const ink = dark(rows);
  const inked = ink.map((n, i) => (n ? i : -1)).filter((i) => i >= 0);
  const columns = inkColumns(rows);
  return {
    width_dots: width,
    height_dots: rows.length,
    first_ink_row: inked.length ? inked[0] : null,
    last_ink_row: inked.length ? inked[inked.length - 1] : null,
    first_ink_column: columns.first,
    last_ink_column: columns.last,
    dark_dots: ink.reduce((a, b) => a + b, 0),
  };
}

// A binary PBM (P4): a text header with the size, then rows of bits, 1 for black.
function readPbm(path) {
  const bytes = readFileSync(path);
  const header = bytes.toString('latin1', 0, 64).match(/^P4\s+(?:#.*\s+)*(\d+)\s+(\d+)\s/);
  if (!header) throw new Error(`${path} is not a binary PBM image`);
  const [head, width, height] = [header[0].length, Number(header[1]), Number(header[2])];
  const rowBytes = Math.ceil(width / 8);
  const rows = [];
  for (let y = 0; y < height; y++) rows.push(bytes.subarray(head + y * rowBytes, head + (y + 1) * rowBytes));
  return { rows, width };
}

function readJob(path, image) {
  const zpl = readFileSync(path, 'latin1');
  // In the order sent: graphics downloaded (~DG) and label formats (^XA ... ^XZ) printing
  // them. rastertolabel reuses one graphic name for every page, and after each label sends a
  // format that deletes it (^ID) and prints nothing.
  const graphics = new Map();
  const labels = [];
  for (const m of zpl.matchAll(/~DG([^,]+),(\d+),(\d+),([^~^]*)|\^XA([\s\S]*?)\^XZ/g)) {
    const [, name, total, perRow, data, body] = m;
    if (name) {
      graphics.set(name, decodeGraphic(data, Number(total), Number(perRow)));
      continue;
    }
    const recall = body.match(/\^XG([^,^]+)/);
    if (!recall) continue;
    const rows = graphics.get(recall[1]);
    if (!rows) throw new Error(`a label prints ${recall[1]}, which was never downloaded`);
    const number = (re) => (re.test(body) ? Number(body.match(re)[1]) : null);
    labels.push({ print_width: number(/\^PW(\d+)/), ...measure(rows) });
    if (image && labels.length === 1) {
      const header = Buffer.from(`P4\n${rows[0].length * 8} ${rows.length}\n`, 'latin1');
      writeFileSync(image, Buffer.concat([header, ...rows]));
    }
  }
  return { labels };
}

function measurePbm(path) {
  const { rows, width } = readPbm(path);
  return measure(rows, width);
}

console.log(JSON.stringify(args[0] === '--pbm' ? measurePbm(args[1]) : readJob(args[0], args[1])));
