#!/usr/bin/env bash
# The desktop app as a station of a host on the network, on a virtual display: a real host
# (`backroom serve --lan` over the demo warehouse, HTTPS on loopback), the real window and
# webview, driven through WebKitWebDriver. Needs target/debug/backroom-desktop (built after the
# UI, which it embeds) and target/debug/backroom, plus xvfb, webkit2gtk-driver, python3 and curl.
#
#   bash tests/desktop/station.sh      # screenshots and logs land in tests/desktop/out/
#
# webdriver_station.py says what is checked: joining with a manager's code, the host's
# stations on the station's sign-in screen, the host stopped and restarted, a revoked station.
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

for tool in Xvfb WebKitWebDriver python3 curl; do
  command -v "$tool" >/dev/null ||
    fail "$tool is missing; install xvfb webkit2gtk-driver python3 curl"
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
rm -f "$out"/station-*.png "$out"/station-*.log "$out"/host-*.log

# A private X server on a display number it picks itself, as in smoke.sh.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$out/station-xvfb.log" &
xvfb=$!
for _ in $(seq 100); do
  [[ -s $work/display ]] && break
  sleep 0.1
done
[[ -s $work/display ]] || fail "Xvfb did not start; see $out/station-xvfb.log"
DISPLAY=":$(cat "$work/display")"
export DISPLAY GDK_BACKEND=x11
unset WAYLAND_DISPLAY

# Fresh XDG folders: the webview's storage and the OS data folder start empty, and the user's
# own station key, if any, is left alone.
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
unset BACKROOM_DB BACKROOM_STATION_FILE

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
# The driver starts the app for each session; without this variable the app does not enable
# automation, and session creation hangs.
TAURI_WEBVIEW_AUTOMATION=true WebKitWebDriver --host=127.0.0.1 --port="$port" \
  >"$out/station-webdriver.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/status" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/status" >/dev/null ||
  fail "WebKitWebDriver did not answer on port $port; see $out/station-webdriver.log"

timeout 300 python3 "$here/webdriver_station.py" --webdriver "http://127.0.0.1:$port" \
  --app "$app" --cli "$cli" --work "$work" --out "$out" ||
  fail "the station checks failed (above); see $out/station-webdriver.log and $out/host-*.log"

echo "PASS: desktop station test in $((SECONDS - started))s; screenshots $out/station-*.png"
