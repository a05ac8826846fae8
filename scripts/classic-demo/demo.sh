#!/usr/bin/env bash
# Drives the classroom's original tkinter client.py next to the web app and a terminal peer, on one X display,
# as a user would (xdotool types and clicks). It fetches nothing: bring your own copy of client.py.
# See docs/CLASSIC-CLIENTS.md for the whole walk-through. Every process it starts is recorded in $DEMO_DIR/*.pid
# and "demo.sh stop" ends them by those ids.
#
#   demo.sh display                    Xvfb on $DEMO_DISPLAY (1700x960, 80 dpi: client.py's fixed window fits its widgets there)
#   demo.sh bridge <rendezvous-port>   the web app on http://127.0.0.1:$WEB_PORT, embedded rendezvous server on that port
#   demo.sh terminal <name>            a terminal peer in an xterm under the classic window
#   demo.sh say <line>                 types a line into that terminal peer
#   demo.sh browser                    a Chromium window on the right, at the web app
#   demo.sh browser-click <x> <y>      clicks in the screen (the browser's coordinates, see the guide)
#   demo.sh browser-type <text>        types into the browser's focused field and presses Enter
#   demo.sh classic <client.py> <port> copies client.py, sets its PORT to <port>, starts it with Debian's python3
#   demo.sh classic-join <name>        types the user name and clicks Join
#   demo.sh classic-send <text>        empties the message box, types <text>, clicks Send
#   demo.sh classic-clear              empties the message box
#   demo.sh shot <file.png>            screenshot of the display
#   demo.sh stop                       ends every process this script started
set -euo pipefail

DEMO_DIR="${DEMO_DIR:-/tmp/classic-demo}"
export DISPLAY="${DEMO_DISPLAY:-:91}"
WEB_PORT="${WEB_PORT:-5080}"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$DEMO_DIR/logs"

# Where client.py's widgets are, relative to its 600x600 window, at 80 dpi with Debian's DejaVu fonts.
USER_ENTRY=(324 19)
JOIN_BUTTON=(506 19)
MESSAGE_ENTRY=(241 580)
SEND_BUTTON=(525 580)

started() { echo "$2" > "$DEMO_DIR/$1.pid"; echo "started $1 (pid $2)"; }

classic_window() { xdotool search --name '^Messenger Client$' | head -1; }

click_in() { # window x y: clicks at x,y inside the window and gives it the keyboard (there is no window manager)
  local window=$1 x=$2 y=$3 wx wy
  eval "$(xdotool getwindowgeometry --shell "$window" | grep -E '^(X|Y)=')"
  wx=$X; wy=$Y
  xdotool mousemove $((wx + x)) $((wy + y)) click 1
  xdotool windowfocus "$window"
  sleep 0.3
}

empty_entry() { xdotool key End; xdotool key --repeat 80 --delay 5 BackSpace; }

case "${1:-}" in
  display)
    Xvfb "$DISPLAY" -screen 0 1700x960x24 -dpi 80 -nolisten tcp > "$DEMO_DIR/logs/xvfb.log" 2>&1 &
    started xvfb $!
    sleep 1 ;;
  bridge)
    port=${2:?rendezvous port}
    rm -f "$DEMO_DIR/logs/web.log"
    (cd "$REPO" && Rendezvous__Port="$port" Rendezvous__HistoryPath=":memory:" Rendezvous__BindAddress=127.0.0.1 \
      Bridge__BindAddress=127.0.0.1 Bridge__AdvertisedHost=127.0.0.1 \
      exec dotnet run --project src/WebPeerBridge.Web -- --urls "http://127.0.0.1:$WEB_PORT") > "$DEMO_DIR/logs/web.log" 2>&1 &
    started web $!
    for _ in $(seq 1 120); do grep -q "Now listening on" "$DEMO_DIR/logs/web.log" && break; sleep 1; done
    grep -E "Rendezvous server listening|Now listening" "$DEMO_DIR/logs/web.log" ;;
  terminal)
    name=${2:?name}
    rm -f "$DEMO_DIR/terminal.in"; mkfifo "$DEMO_DIR/terminal.in"
    port=$(grep -oE "Rendezvous server listening on [0-9.]+:[0-9]+" "$DEMO_DIR/logs/web.log" | grep -oE "[0-9]+$")
    cat > "$DEMO_DIR/terminal.sh" <<EOF
#!/bin/sh
cd "$REPO"
dotnet run --project src/WebPeerBridge.Cli -- --name "$name" --server 127.0.0.1:$port --bind 127.0.0.1 \\
  --advertise-host 127.0.0.1 --port-range 41000-41099 < "$DEMO_DIR/terminal.in" 2>&1 | tee "$DEMO_DIR/logs/terminal.log"
EOF
    chmod +x "$DEMO_DIR/terminal.sh"
    sleep 1000000 > "$DEMO_DIR/terminal.in" &   # holds the fifo open; stopping it ends the terminal peer's input
    started terminal-input $!
    xterm -T "terminal peer: $name" -geometry 68x20+0+606 -fa "DejaVu Sans Mono" -fs 13 -bg "#101418" -fg "#e6e6e6" \
      -e "$DEMO_DIR/terminal.sh" > "$DEMO_DIR/logs/xterm.log" 2>&1 &
    started terminal $!
    sleep 2
    xdotool windowsize "$(xdotool search --name "terminal peer: $name" | head -1)" 603 354 ;;
  say)
    printf '%s\n' "${2:?line}" > "$DEMO_DIR/terminal.in" ;;
  browser)
    chromium --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync \
      --no-first-run --no-default-browser-check --password-store=basic --test-type \
      --user-data-dir="$DEMO_DIR/chromium-profile" --window-position=605,0 --window-size=1095,960 \
      --app="http://127.0.0.1:$WEB_PORT/" > "$DEMO_DIR/logs/chromium.log" 2>&1 &
    started browser $!
    sleep 8 ;;
  browser-click)
    xdotool mousemove "${2:?x}" "${3:?y}" click 1
    xdotool windowfocus "$(xdotool search --onlyvisible --class chromium | head -1)"
    sleep 0.5 ;;
  browser-type)
    xdotool type --delay 40 "${2:?text}"; sleep 0.7; xdotool key Return; sleep 1 ;;
  classic)
    source_py=${2:?path to client.py}; port=${3:?rendezvous port}
    cp "$source_py" "$DEMO_DIR/client.py"
    # Only the PORT constant changes. The file has CRLF line ends: match the number, not the end of the line.
    sed -i -E "s/^PORT = [0-9]+/PORT = $port/" "$DEMO_DIR/client.py"
    grep -E "^(HOST|PORT) =" "$DEMO_DIR/client.py" | tr -d '\r'
    (cd "$DEMO_DIR" && exec /usr/bin/python3 -u client.py) > "$DEMO_DIR/logs/classic.log" 2>&1 &
    started classic $!
    for _ in $(seq 1 20); do [ -n "$(classic_window)" ] && break; sleep 0.5; done ;;
  classic-join)
    w=$(classic_window)
    click_in "$w" "${USER_ENTRY[@]}"; xdotool type --delay 60 "${2:?name}"
    click_in "$w" "${JOIN_BUTTON[@]}"; sleep 1 ;;
  classic-send)
    w=$(classic_window)
    click_in "$w" "${MESSAGE_ENTRY[@]}"; empty_entry; xdotool type --delay 40 "${2:?text}"
    click_in "$w" "${SEND_BUTTON[@]}"; sleep 1 ;;
  classic-clear)
    click_in "$(classic_window)" "${MESSAGE_ENTRY[@]}"; empty_entry ;;
  shot)
    import -window root "${2:?file.png}" ;;
  stop)
    for name in browser classic terminal-input terminal web xvfb; do
      if [ -f "$DEMO_DIR/$name.pid" ]; then
        pid=$(cat "$DEMO_DIR/$name.pid")
        kill "$pid" 2>/dev/null && echo "stopped $name (pid $pid)" || true
        rm -f "$DEMO_DIR/$name.pid"
        sleep 1
      fi
    done ;;
  *)
    sed -n '2,20p' "$0"; exit 2 ;;
esac
