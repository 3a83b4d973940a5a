#!/usr/bin/env bash
# Prints 4x6 packing slips through CUPS's own Zebra ZPL label driver (rastertolabel, from the
# cups packages) and checks what the printer would receive: one 4 x 6 in label per page
# (812 x 1218 dots at 203 dpi, 1200 x 1800 at 300) with the whole slip on it, nothing cut.
# Then checks that a Letter slip sent to an ordinary queue whose paper is A4 still comes out
# on Letter.
#
# Runs its own CUPS scheduler on a private socket with its own configuration, so the machine's
# CUPS and its queues are left alone and no root is needed; its queues write to files (a file:
# device). Needs the packages cups and poppler-utils, node, and a built backroom (cargo build
# -p backroom; BACKROOM_BIN names another binary).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BACKROOM_BIN:-$root/target/debug/backroom}
zpl="node $root/tests/printing/zpl.mjs"
work=$(mktemp -d)
db="$work/shop.db"
cups="$work/cups"
out="$work/out"
cupsd_pid=""

fail() {
    echo "FAIL: $*" >&2
    [ -f "$cups/log/error_log" ] && grep '^E ' "$cups/log/error_log" | tail -n 5 >&2
    exit 1
}
cleanup() {
    if [ -n "$cupsd_pid" ]; then
        kill "$cupsd_pid" 2>/dev/null || true
        wait "$cupsd_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

[ -x "$bin" ] || fail "no backroom binary at $bin; run cargo build -p backroom first"
for tool in lpadmin lpstat lp node pdfinfo pdftoppm; do
    command -v "$tool" >/dev/null || fail "$tool is missing; install cups poppler-utils nodejs"
done
[ -x /usr/sbin/cupsd ] || fail "cupsd is missing; install cups"
[ -x /usr/lib/cups/filter/rastertolabel ] || fail "rastertolabel is missing; install cups"

# A scheduler of our own: its files under $work, a socket instead of a port, and FileDevice
# so a queue may print into a file. Under root the filters run as the lp user, so they must
# reach these.
mkdir -p "$cups"/{etc,state,cache,spool,tmp,log} "$out"
chmod 755 "$work" "$cups"
chmod 1777 "$cups/tmp" "$out"
cat >"$cups/etc/cups-files.conf" <<EOF
ServerRoot $cups/etc
StateDir $cups/state
CacheDir $cups/cache
RequestRoot $cups/spool
TempDir $cups/tmp
ErrorLog $cups/log/error_log
AccessLog $cups/log/access_log
PageLog $cups/log/page_log
Printcap $cups/printcap
FileDevice Yes
SystemGroup root
EOF
cat >"$cups/etc/cupsd.conf" <<EOF
Listen $cups/cups.sock
LogLevel debug
WebInterface No
Browsing No
# Anyone who can reach the socket may run this scheduler: it holds only the test's queues.
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF
export CUPS_SERVER="$cups/cups.sock"
/usr/sbin/cupsd -f -c "$cups/etc/cupsd.conf" -s "$cups/etc/cups-files.conf" &
cupsd_pid=$!
for _ in $(seq 100); do lpstat -r 2>/dev/null | grep -q "is running" && break; sleep 0.1; done
lpstat -r | grep -q "is running" || fail "cupsd did not start"

# The Zebra queues keep their driver's own default label, 4 x 5 in (w288h360), as an installed
# printer would: the job has to say 4 x 6 itself. One prints at 300 dpi. The plain queue's
# paper is A4.
zebra_ppd=drv:///sample.drv/zebra.ppd
lpinfo -m | grep -q "^$zebra_ppd " || fail "CUPS lists no Zebra ZPL driver ($zebra_ppd)"
# lpadmin warns that printer drivers are deprecated; they still work.
lpadmin -p Zebra -E -v "file://$out/zebra.zpl" -m "$zebra_ppd" 2>/dev/null
lpadmin -p Zebra300 -E -v "file://$out/zebra300.zpl" -m "$zebra_ppd" -o Resolution=300dpi 2>/dev/null
lpadmin -p Plain -E -v "file://$out/plain.pdf" \
    -m lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd -o media-default=A4 2>/dev/null

# Waits for a job to finish and for its queue to have written the file.
wait_for() {
    local queue=$1 job=$2 file=$3
    for _ in $(seq 300); do
        if lpstat -W completed -o "$queue" | grep -q "^$job "; then
            [ -s "$file" ] || fail "job $job on $queue finished but printed nothing"
            return
        fi
        sleep 0.1
    done
    fail "job $job on $queue did not finish"
}
job_of() { sed -n 's/.*\(job\|request id is\) \([^ ]*\) .*/\2/p' <<<"$1"; }
field() { node -e 'const v = JSON.parse(process.argv[1]); console.log(eval("v." + process.argv[2]))' "$1" "$2"; }
# Whether two dot positions are within a few dots: the printer's renderer (ghostscript) and
# poppler round edges differently.
near() { [ $(($1 - $2)) -le 3 ] && [ $(($2 - $1)) -le 3 ]; }

# A shop with one product, a short order and one long enough for several labels.
b() { "$bin" --db "$db" "$@"; }
b call save_product '{"sku": "MUG-1", "name": "Mug, blue", "unit_weight": "350 g", "price_cents": 1299}' >/dev/null
order() {
    local number=$1 count=$2 lines
    lines=$(for i in $(seq 1 "$count"); do printf '{"product": "MUG-1", "qty": %d},' "$i"; done)
    b call create_order "{\"number\": \"$number\", \"customer\": {\"name\": \"Ada Lovelace\"},
        \"ship_to\": {\"name\": \"Ada Lovelace\", \"address1\": \"1 Main St\", \"city\": \"Springfield\",
        \"postal_code\": \"12345\", \"country\": \"us\"}, \"payment_status\": \"paid\",
        \"lines\": [${lines%,}]}" >/dev/null
}
order LB-1 6
order LB-2 40

# What the 4x6 slip should look like on a 203 dpi label: the PDF Backroom sends, drawn by
# poppler at the printer's resolution.
b slip --order LB-1 --size 4x6 --out "$work/sent.pdf" >/dev/null
pdfinfo "$work/sent.pdf" | grep -q "^Page size: *288 x 432 pts" || fail "the 4x6 slip is not 288 x 432 pt"
pdftoppm -r 203 -mono -singlefile "$work/sent.pdf" "$work/sent"
want=$($zpl --pbm "$work/sent.pbm")
echo "sent: $want"

# 1. The short order through Backroom: one label, 4 x 6 in, the whole slip on it.
reply=$(b print --order LB-1 --printer Zebra --size 4x6)
echo "$reply"
job=$(job_of "$reply")
[ -n "$job" ] || fail "no job id in: $reply"
wait_for Zebra "$job" "$out/zebra.zpl"
got=$($zpl "$out/zebra.zpl")
echo "printed: $got"
[ "$(field "$got" labels.length)" = 1 ] || fail "one page came out as $(field "$got" labels.length) labels"
[ "$(field "$got" 'labels[0].print_width')" = 812 ] || fail "print width is not 4 in at 203 dpi: $got"
[ "$(field "$got" 'labels[0].height_dots')" = 1218 ] || fail "the label is not 6 in long at 203 dpi: $got"
for edge in first_ink_row last_ink_row first_ink_column last_ink_column; do
    near "$(field "$got" "labels[0].$edge")" "$(field "$want" "$edge")" ||
        fail "the printed slip's $edge is $(field "$got" "labels[0].$edge"), the slip's $(field "$want" "$edge"): scaled or cut"
done
# The page footer sits at the bottom margin: ink in the last tenth of the label.
[ "$(field "$got" 'labels[0].last_ink_row')" -gt 1096 ] || fail "nothing printed near the bottom: $got"
rm -f "$out/zebra.zpl"

# 2. The same PDF without Backroom's options, as a plain lp sends it: the driver's 4 x 5 label,
# the slip cropped to it. This is what the media option prevents, and shows the checks above
# can tell.
wait_for Zebra "$(job_of "$(lp -d Zebra "$work/sent.pdf")")" "$out/zebra.zpl"
bare=$($zpl "$out/zebra.zpl")
echo "without the options: $bare"
[ "$(field "$bare" 'labels[0].height_dots')" = 1015 ] || fail "expected the driver's 4 x 5 default: $bare"
near "$(field "$bare" 'labels[0].first_ink_row')" "$(field "$want" first_ink_row)" &&
    fail "a 4 x 5 label held the whole 4 x 6 slip: $bare"
rm -f "$out/zebra.zpl"

# 3. A long order: as many 4 x 6 labels as the slip has pages.
reply=$(b print --order LB-2 --printer Zebra --size 4x6)
echo "$reply"
pages=$(sed -n 's/.*(\([0-9]*\) pages\?).*/\1/p' <<<"$reply")
[ "${pages:-0}" -ge 2 ] || fail "a 40-line order fit on ${pages:-no} 4x6 page: $reply"
wait_for Zebra "$(job_of "$reply")" "$out/zebra.zpl"
got=$($zpl "$out/zebra.zpl")
[ "$(field "$got" labels.length)" = "$pages" ] || fail "$pages pages came out as $(field "$got" labels.length) labels"
heights=$(field "$got" 'labels.map(l => l.height_dots).join(" ")')
[ "$(tr ' ' '\n' <<<"$heights" | sort -u)" = 1218 ] || fail "labels of other lengths: $heights"
# Each page repeats the header at the top and has its footer (page x of y) at the bottom.
top=$(field "$want" first_ink_row)
whole=$(field "$got" "labels.every(l => Math.abs(l.first_ink_row - $top) <= 3 && l.last_ink_row > 1096)")
[ "$whole" = true ] || fail "a label lost its top or bottom: $got"
echo "printed $pages whole labels of 1218 dots"
rm -f "$out/zebra.zpl"

# 4. On a 300 dpi printer the same slip is 1200 x 1800 dots.
reply=$(b print --order LB-1 --printer Zebra300 --size 4x6)
echo "$reply"
wait_for Zebra300 "$(job_of "$reply")" "$out/zebra300.zpl"
got=$($zpl "$out/zebra300.zpl")
echo "printed: $got"
size=$(field "$got" 'labels.map(l => l.print_width + "x" + l.height_dots).join(" ")')
[ "$size" = 1200x1800 ] || fail "at 300 dpi the slip came out as $size dots"
[ "$(field "$got" 'labels[0].last_ink_row')" -gt 1620 ] || fail "nothing printed near the bottom: $got"

# 5. A Letter slip on a queue whose paper is A4 still comes out on Letter.
reply=$(b print --order LB-1 --printer Plain --size letter)
echo "$reply"
wait_for Plain "$(job_of "$reply")" "$out/plain.pdf"
size=$(pdfinfo "$out/plain.pdf" | sed -n 's/^Page size: *//p')
echo "plain queue: $size"
[[ "$size" == "612 x 792 pts"* ]] || fail "a Letter slip came out as $size"

echo "label printing: 5 passed, 0 failed"
