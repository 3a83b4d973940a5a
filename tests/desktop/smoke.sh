#!/usr/bin/env bash
# Smoke test of the desktop app on a virtual display: the real window, the real webview and
# real `rpc` calls into a real database. Needs target/debug/backroom-desktop (built after the
# UI, which it embeds) and target/debug/backroom, plus xvfb, xdotool, imagemagick,
# webkit2gtk-driver, python3 and curl.
#
#   bash tests/desktop/smoke.sh      # screenshots and logs land in tests/desktop/out/
#
# 1. Start the app as a user would (BACKROOM_DB set), wait until its window is mapped, and check
#    a screenshot of the display is not blank.
# 2. Drive the webview with WebKitWebDriver on an empty database: the first-start screen.
# 3. The same on the demo warehouse: the sign-in screen lists the stations, and a change
#    reaches the page as a `backroom://event`. Skipped, with a notice, while `load_demo` fails,
#    unless BACKROOM_SMOKE_REQUIRE_DEMO=1.
# BACKROOM_DESKTOP and BACKROOM_BIN point at other builds of the two binaries.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
app=$(realpath -m "${BACKROOM_DESKTOP:-$root/target/debug/backroom-desktop}")
cli=$(realpath -m "${BACKROOM_BIN:-$root/target/debug/backroom}")
out=$here/out

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

for tool in Xvfb xdotool import identify WebKitWebDriver python3 curl; do
  command -v "$tool" >/dev/null ||
    fail "$tool is missing; install xvfb xdotool imagemagick webkit2gtk-driver python3 curl"
done
[[ -x $app ]] || fail "$app is not built; build the UI, then: cargo build --workspace"
[[ -x $cli ]] || fail "$cli is not built; run: cargo build --workspace"

started=$SECONDS
work=$(mktemp -d)
pids=()
xvfb=
cleanup() {
  for pid in "${pids[@]}"; do
    # The app WebKitWebDriver started is its child; end it with the driver.
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  if [[ -n $xvfb ]]; then kill "$xvfb" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM
mkdir -p "$out"
rm -f "$out"/*.png "$out"/*.log "$out"/*.json

# A private X server, so the test neither needs nor disturbs a desktop. Xvfb picks a free display
# number itself (-displayfd), so parallel runs cannot race for one the way `xvfb-run -a` can.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$out/xvfb.log" &
xvfb=$!
for _ in $(seq 100); do
  [[ -s $work/display ]] && break
  sleep 0.1
done
[[ -s $work/display ]] || fail "Xvfb did not start; see $out/xvfb.log"
DISPLAY=":$(cat "$work/display")"
export DISPLAY GDK_BACKEND=x11
unset WAYLAND_DISPLAY

# The webview keeps its storage (the remembered station, the session token) in the XDG folders;
# fresh ones make every run start from a new terminal, and leave the user's own alone.
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache

demo=no
if "$cli" --db "$work/demo.db" call load_demo >"$out/demo.json" 2>"$out/demo.log"; then
  demo=yes
elif [[ "${BACKROOM_SMOKE_REQUIRE_DEMO:-}" == 1 ]]; then
  fail "backroom call load_demo failed: $(cat "$out/demo.log")"
else
  echo "NOTICE: no demo warehouse ($(cat "$out/demo.log")); the sign-in checks are skipped"
fi
first_db=$work/empty.db
if [[ $demo == yes ]]; then first_db=$work/demo.db; fi

echo "== 1. the window, started with BACKROOM_DB"
launched=$SECONDS
BACKROOM_DB=$first_db "$app" >"$out/app.log" 2>&1 &
app_pid=$!
pids+=("$app_pid")
# A debug build on a busy two-core machine has taken over 30 s to show its window.
for _ in $(seq 180); do
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited at start; see $out/app.log"
  xdotool search --onlyvisible --name '^Backroom$' >/dev/null && break
  sleep 0.5
done
xdotool search --onlyvisible --name '^Backroom$' >/dev/null ||
  fail "no window titled Backroom was mapped within 90 s; see $out/app.log"
echo "  window mapped within $((SECONDS - launched + 1))s"
# A white page has a handful of colours; the rendered UI, with its text, has hundreds.
colours=0
for _ in $(seq 30); do
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited; see $out/app.log"
  import -window root "$out/window.png"
  colours=$(identify -format %k "$out/window.png")
  ((colours >= 100)) && break
  sleep 0.5
done
((colours >= 100)) || fail "the window stayed blank ($colours colours); see $out/window.png"
# The first painted frame may still say "Connecting"; give the first `rpc` calls time to land.
sleep 2
kill -0 "$app_pid" 2>/dev/null || fail "the app exited; see $out/app.log"
import -window root "$out/window.png"
colours=$(identify -format %k "$out/window.png")
((colours >= 100)) || fail "the window went blank ($colours colours); see $out/window.png"
echo "  screenshot of the display: $colours colours, $out/window.png"
kill "$app_pid"
wait "$app_pid" 2>/dev/null || true
pids=()

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
# The driver starts the app for each session. Without this variable the app does not enable
# automation, and session creation hangs.
TAURI_WEBVIEW_AUTOMATION=true WebKitWebDriver --host=127.0.0.1 --port="$port" \
  >"$out/webdriver.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/status" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/status" >/dev/null ||
  fail "WebKitWebDriver did not answer on port $port; see $out/webdriver.log"

drive() {
  timeout 120 python3 "$here/webdriver_smoke.py" --webdriver "http://127.0.0.1:$port" \
    --app "$app" "$@" || fail "the WebDriver checks failed (above); see $out/webdriver.log"
}

echo "== 2. WebKitWebDriver, empty database: the first-start screen"
drive --db "$work/empty.db" --expect first-start --screenshot "$out/first-start.png"
cp "$out/first-start.png" "$out/desktop.png"

if [[ $demo == yes ]]; then
  echo "== 3. WebKitWebDriver, demo warehouse: the sign-in screen and events"
  drive --db "$work/demo.db" --expect sign-in --demo "$out/demo.json" \
    --screenshot "$out/sign-in.png"
  cp "$out/sign-in.png" "$out/desktop.png"
fi

echo "PASS: desktop smoke test in $((SECONDS - started))s; screenshot $out/desktop.png"
