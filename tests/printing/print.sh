#!/usr/bin/env bash
# Prints packing slips through a real CUPS queue and checks what came out, then checks the
# errors a stopped and a missing queue give. The queue is a cups-pdf printer, which writes each
# job as a PDF file instead of paper.
#
# Needs the packages cups, printer-driver-cups-pdf and poppler-utils, and a built backroom
# (cargo build -p backroom; BACKROOM_BIN names another binary). Starts cupsd when it is not
# running, and stops it again at the end if it started it. Run as root, as CI does: adding a
# queue needs it.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BACKROOM_BIN:-$root/target/debug/backroom}
queue=BackroomPDF
work=$(mktemp -d)
db="$work/shop.db"
started_cupsd=""

fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
    lpadmin -x "$queue" 2>/dev/null || true
    if [ -n "$started_cupsd" ] && [ -f /run/cups/cupsd.pid ]; then
        kill "$(cat /run/cups/cupsd.pid)" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

[ -x "$bin" ] || fail "no backroom binary at $bin; run cargo build -p backroom first"
for tool in cupsd lpadmin lpstat cupsenable cupsdisable pdfinfo pdftotext; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
        fail "$tool is missing; install cups printer-driver-cups-pdf poppler-utils"
done

# The print service. Without systemd nothing starts it, and the package leaves it stopped.
if ! lpstat -r 2>/dev/null | grep -q "is running"; then
    mkdir -p /run/cups
    /usr/sbin/cupsd
    started_cupsd=yes
    for _ in $(seq 100); do lpstat -r 2>/dev/null | grep -q "is running" && break; sleep 0.1; done
    lpstat -r | grep -q "is running" || fail "cupsd did not start"
fi
# lpadmin warns that printer drivers are deprecated; the cups-pdf driver still works.
lpadmin -p "$queue" -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd 2>/dev/null
cupsenable "$queue"
cupsaccept "$queue"

# cups-pdf writes to the Out folder of its configuration, in the submitting user's home.
out_dir=$(awk '$1 == "Out" { print $2 }' /etc/cups/cups-pdf.conf 2>/dev/null)
out_dir=${out_dir:-'${HOME}/PDF'}
out_dir=${out_dir//\$\{HOME\}/$HOME}
mkdir -p "$out_dir"

# A shop with one product and an order long enough to take several pages.
b() { "$bin" --db "$db" "$@"; }
b call save_product '{"sku": "MUG-1", "name": "Mug, blue", "unit_weight": "350 g", "price_cents": 1299}' >/dev/null
b call save_product '{"sku": "BOOK-GR", "name": "Βιβλίο / Книга", "price_cents": 2500}' >/dev/null
lines=$(for i in $(seq 1 30); do printf '{"product": "MUG-1", "qty": %d},{"product": "BOOK-GR", "qty": 1},' "$i"; done)
b call create_order "{\"number\": \"PR-100\", \"customer\": {\"name\": \"Ada Lovelace\"},
    \"ship_to\": {\"name\": \"Ada Lovelace\", \"address1\": \"1 Main St\", \"city\": \"Springfield\",
    \"postal_code\": \"12345\", \"country\": \"us\"}, \"payment_status\": \"paid\",
    \"lines\": [${lines%,}]}" >/dev/null

# The PDF Backroom sends is the one `backroom slip` writes; check its text, since the printed
# copy has been through ghostscript and its text no longer extracts.
b slip --order PR-100 --size letter --out "$work/sent.pdf" >/dev/null
sent_pages=$(pdfinfo "$work/sent.pdf" | awk '/^Pages:/ { print $2 }')
[ "$sent_pages" -ge 2 ] || fail "a 60-line order fit on $sent_pages page"
sent_text=$(pdftotext -layout "$work/sent.pdf" -)
grep -q "Page $sent_pages of $sent_pages" <<<"$sent_text" || fail "no page x of y"
grep -q "Βιβλίο / Книга" <<<"$sent_text" || fail "Greek and Cyrillic lost"
grep -q "Ada Lovelace" <<<"$sent_text" || fail "no ship-to address"

touch "$work/before"
sleep 1
reply=$(b print --order PR-100 --printer "$queue" --size letter)
echo "$reply"
job=$(sed -n 's/.*job \([^ ]*\) .*/\1/p' <<<"$reply")
[ -n "$job" ] || fail "no job id in: $reply"
grep -q "($sent_pages pages)" <<<"$reply" || fail "expected $sent_pages pages in: $reply"

# Wait for CUPS to finish the job and for cups-pdf to write its file.
printed=""
for _ in $(seq 300); do
    if lpstat -W completed -o "$queue" | grep "^$job " >/dev/null; then
        printed=$(find "$out_dir" -name '*.pdf' -newer "$work/before" | head -n 1)
        [ -n "$printed" ] && break
    fi
    sleep 0.1
done
[ -n "$printed" ] || fail "job $job wrote no PDF in $out_dir"
file_type=$(head -c 5 "$printed")
[ "$file_type" = "%PDF-" ] || fail "$printed is not a PDF"
printed_pages=$(pdfinfo "$printed" | awk '/^Pages:/ { print $2 }')
[ "$printed_pages" = "$sent_pages" ] || fail "printed $printed_pages pages, sent $sent_pages"
echo "printed: $printed ($printed_pages pages)"
rm -f "$printed"

# A stopped printer: refused before sending, with how to start it again.
cupsdisable "$queue"
if err=$(b print --order PR-100 --printer "$queue" 2>&1); then fail "printed on a stopped queue"; fi
echo "$err"
grep -q "printer $queue is stopped" <<<"$err" || fail "unclear stopped-queue error: $err"
grep -q "start it again" <<<"$err" || fail "the error does not say how to start it: $err"
cupsenable "$queue"

# A queue that does not exist.
if err=$(b print --order PR-100 --printer NoSuchQueue 2>&1); then fail "printed on a missing queue"; fi
echo "$err"
grep -q "there is no printer queue “NoSuchQueue”" <<<"$err" || fail "unclear missing-queue error: $err"

checks=3
# The print service itself stopped: only when this script started it, so a running CUPS that
# serves other work is left alone.
if [ -n "$started_cupsd" ]; then
    lpadmin -x "$queue"
    kill "$(cat /run/cups/cupsd.pid)"
    for _ in $(seq 100); do lpstat -r 2>/dev/null | grep -q "not running" && break; sleep 0.1; done
    started_cupsd=""
    if err=$(b print --order PR-100 --printer "$queue" 2>&1); then fail "printed without CUPS"; fi
    echo "$err"
    grep -q "the print service (CUPS) is not running" <<<"$err" || fail "unclear no-CUPS error: $err"
    checks=4
fi

echo "printing: $checks passed, 0 failed"
