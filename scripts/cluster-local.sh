#!/usr/bin/env bash
# The compose file's cluster profile without Docker: the same programs with the same settings, on loopback addresses of
# this machine. A 3-node NATS JetStream cluster, two rendezvous nodes on it, two web nodes (the published output, each
# run from inside its folder as the images do) and Caddy in front of them with the repo's Caddyfile (cookie-sticky).
#
#   bash scripts/cluster-local.sh [--publish DIR] [--seconds N] [--keep] [--check]
#
# Publishes this tree into artifacts/publish (scripts/publish.sh), or runs what DIR already holds (publish.sh's layout).
# Prints the URL and a terminal peer's command line, then runs until Ctrl+C or for N seconds (default 1800), and stops
# every process it started, by its PID, in compose's order (proxy, web, rendezvous, NATS). --check instead runs the
# checks a person would (scripts/cluster-check.mjs: two browsers, a terminal peer, a rendezvous node and a NATS server
# killed) and stops; its exit code says whether they passed. --keep keeps the logs and data folders.
#
# Needs the .NET 10 SDK, nats-server 2.9+ and caddy (Debian: apt-get install --no-install-recommends nats-server caddy)
# and curl; --check also node, Chromium (CHROMIUM_PATH, else chromium) and the Playwright package of the browser tests
# in the NuGet cache (dotnet restore tests/WebPeerBridge.EndToEnd.Tests).
#
# Addresses, as the compose network's fixed ones: NATS 127.0.0.41-43, rendezvous 127.0.0.11-12, web 127.0.0.21-22,
# proxy 127.0.0.30; none listens on 127.0.0.1, where every loopback connection of this machine takes its ephemeral port.
# Ports from WPB_CLUSTER_BASE_PORT (default 54000): proxy and web +80, rendezvous +234, NATS +222 (clients) and +622
# (routes), the web nodes' peer ports +100-199 and +200-299, a terminal peer's +300-399.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

publish=""
seconds=1800
keep=false
check=false
while [ $# -gt 0 ]; do
  case "$1" in
    --publish) publish="$(realpath -m "$2")"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --keep) keep=true; shift ;;
    --check) check=true; shift ;;
    -h|--help) sed -n '/^set -euo/q; 2,$p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

tools=(dotnet nats-server caddy curl)
if $check; then tools+=(node); fi
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "!! $tool not found (see --help)" >&2; exit 1; }
done
if $check; then
  chromium="${CHROMIUM_PATH:-$(command -v chromium || true)}"
  playwright_version="$(sed -n 's/.*Include="Microsoft.Playwright" Version="\([^"]*\)".*/\1/p' "$repo/Directory.Packages.props")"
  nuget="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
  playwright="${nuget%/}/microsoft.playwright/$playwright_version/.playwright/package"
  [ -x "$chromium" ] || { echo "!! Chromium not found: set CHROMIUM_PATH or install chromium" >&2; exit 1; }
  [ -d "$playwright" ] || { echo "!! $playwright missing: dotnet restore tests/WebPeerBridge.EndToEnd.Tests" >&2; exit 1; }
fi

base="${WPB_CLUSTER_BASE_PORT:-54000}"
nats_port=$((base + 222)); route_port=$((base + 622)); rdv_port=$((base + 234)); http_port=$((base + 80))
nats_urls="nats://127.0.0.41:$nats_port,nats://127.0.0.42:$nats_port,nats://127.0.0.43:$nats_port"
servers="127.0.0.11:$rdv_port,127.0.0.12:$rdv_port"
proxy="127.0.0.30"
url="http://$proxy:$http_port"
# Linux sends every loopback connection from 127.0.0.1 whatever address it dials: that is the address the rendezvous
# nodes see for the web nodes' agents and the web nodes see for the proxy (Caddy 2.6 cannot pick a source address).
# In the compose network each container has its own (172.28.0.21, .22, .30).
seen_as="127.0.0.1"

# Without --publish, the programs of this tree, published afresh; with it, what that folder holds (published if empty).
if [ -z "$publish" ] || [ ! -f "$publish/web/WebPeerBridge.Web.dll" ] || [ ! -f "$publish/rendezvous/WebPeerBridge.Rendezvous.dll" ] \
  || [ ! -f "$publish/cli/WebPeerBridge.Cli.dll" ]; then
  publish="${publish:-$repo/artifacts/publish}"
  echo "== Publishing to $publish"
  bash "$repo/scripts/publish.sh" "$publish"
fi

for endpoint in 127.0.0.41:$nats_port 127.0.0.42:$nats_port 127.0.0.43:$nats_port 127.0.0.41:$route_port 127.0.0.42:$route_port \
  127.0.0.43:$route_port 127.0.0.11:$rdv_port 127.0.0.12:$rdv_port 127.0.0.21:$http_port 127.0.0.22:$http_port $proxy:$http_port; do
  if (exec 3<>"/dev/tcp/${endpoint%:*}/${endpoint#*:}") 2>/dev/null; then
    echo "!! $endpoint is already in use: stop what listens there or set WPB_CLUSTER_BASE_PORT" >&2; exit 1
  fi
done

run="$(mktemp -d /tmp/cluster-local.XXXXXX)"
pids=()
names=()
tiers=()
stopping=false

# Stops tier by tier, highest first (proxy 4, web 3, rendezvous 2, NATS 1: the reverse of compose's depends_on, so the
# agents say bye and the nodes write their last presence while NATS is still there); SIGTERM, SIGKILL after 10 s.
stop_all() {
  $stopping && return
  stopping=true
  trap - INT TERM
  echo
  echo "== Stopping"
  local started=$SECONDS
  for tier in 4 3 2 1; do
    local i
    for ((i = 0; i < ${#pids[@]}; i++)); do
      [ "${tiers[$i]}" = "$tier" ] && kill -TERM "${pids[$i]}" 2>/dev/null || true
    done
    local deadline=$((SECONDS + 10))
    for ((i = 0; i < ${#pids[@]}; i++)); do
      [ "${tiers[$i]}" = "$tier" ] || continue
      while kill -0 "${pids[$i]}" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
      if kill -0 "${pids[$i]}" 2>/dev/null; then
        echo "   ${names[$i]} (pid ${pids[$i]}) did not stop within 10 s: SIGKILL"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
      fi
      wait "${pids[$i]}" 2>/dev/null || true
    done
  done
  echo "   all ${#pids[@]} stopped in $((SECONDS - started)) s"
  if $keep; then echo "   logs and data kept in $run"; else rm -rf "$run"; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# start TIER NAME DIR COMMAND...: runs COMMAND inside DIR (exec: the PID kept is the program's own), output to run/NAME.log.
start() {
  local tier="$1" name="$2" dir="$3"; shift 3
  (cd "$dir" && exec "$@") >"$run/$name.log" 2>&1 &
  pids+=("$!"); names+=("$name"); tiers+=("$tier")
  echo "   $name: pid $!, log $run/$name.log"
}

pid_of() {
  local i
  for ((i = 0; i < ${#names[@]}; i++)); do [ "${names[$i]}" = "$1" ] && echo "${pids[$i]}"; done
}

# The images' environment: Production, nothing from the caller's shell that would override the compose settings.
clean_env=(env -u ASPNETCORE_ENVIRONMENT -u DOTNET_ENVIRONMENT -u ASPNETCORE_URLS -u DOTNET_URLS)

echo "== Starting in $run"
for i in 1 2 3; do
  routes=""
  for j in 1 2 3; do [ "$j" = "$i" ] || routes="${routes:+$routes,}nats://127.0.0.4$j:$route_port"; done
  mkdir -p "$run/nats-$i"
  start 1 "nats-$i" "$run" nats-server -js -a "127.0.0.4$i" -p "$nats_port" -sd "$run/nats-$i" --server_name "nats-$i" \
    --cluster_name wpb --cluster "nats://127.0.0.4$i:$route_port" --routes "$routes"
done

# As compose starts them: right after NATS, not once it is ready (a node waits for JetStream by itself).
for i in 1 2; do
  start 2 "rendezvous-$i" "$publish/rendezvous" "${clean_env[@]}" \
    Rendezvous__Nats__Replicas=3 Rendezvous__TrustedAddresses__0="$seen_as" \
    dotnet WebPeerBridge.Rendezvous.dll --port "$rdv_port" --bind "127.0.0.1$i" --nats "$nats_urls" --node "rendezvous-$i"
done

for i in 1 2; do
  other=$((3 - i))
  mkdir -p "$run/web-$i-data"
  start 3 "web-$i" "$publish/web" "${clean_env[@]}" \
    ASPNETCORE_URLS="http://127.0.0.2$i:$http_port" \
    Rendezvous__Servers__0="127.0.0.1$i:$rdv_port" Rendezvous__Servers__1="127.0.0.1$other:$rdv_port" \
    Bridge__AdvertisedHost="127.0.0.2$i" Bridge__PeerPortMin=$((base + 100 * i)) Bridge__PeerPortMax=$((base + 100 * i + 99)) \
    Bridge__BindAddress="127.0.0.2$i" Bridge__DataPath="$run/web-$i-data" Bridge__TrustedProxies__0="$seen_as" \
    dotnet WebPeerBridge.Web.dll
done

# The committed Caddyfile with only what differs on loopback: the listen address and the web nodes' addresses.
mkdir -p "$run/caddy"
sed -e "s|^:8080 {|:$http_port {\n\tbind $proxy|" \
    -e "s|reverse_proxy web-1:5080 web-2:5080|reverse_proxy 127.0.0.21:$http_port 127.0.0.22:$http_port|" \
    "$repo/deploy/cluster/Caddyfile" >"$run/caddy/Caddyfile"
if ! grep -q "bind $proxy" "$run/caddy/Caddyfile" || ! grep -q "reverse_proxy 127.0.0.21" "$run/caddy/Caddyfile"; then
  echo "!! deploy/cluster/Caddyfile no longer has the lines this script adapts (':8080 {', 'reverse_proxy web-1:5080 web-2:5080')" >&2
  exit 1
fi
start 4 proxy "$run/caddy" env HOME="$run/caddy" XDG_DATA_HOME="$run/caddy/data" XDG_CONFIG_HOME="$run/caddy/config" \
  caddy run --config "$run/caddy/Caddyfile" --adapter caddyfile

# Ready when both web nodes report every rendezvous node reachable and the proxy answers.
echo "== Waiting for the web nodes and the proxy (at most 90 s)"
started=$SECONDS
for target in "http://127.0.0.21:$http_port/healthz" "http://127.0.0.22:$http_port/healthz" "$url/alive"; do
  until curl -fsS --max-time 2 "$target" 2>/dev/null | tr -d ' \n' | grep -q '^{"status":"Healthy"'; do
    for ((i = 0; i < ${#pids[@]}; i++)); do
      kill -0 "${pids[$i]}" 2>/dev/null || { echo "!! ${names[$i]} exited; its log:" >&2; tail -n 20 "$run/${names[$i]}.log" >&2; exit 1; }
    done
    [ $((SECONDS - started)) -lt 90 ] || { echo "!! $target not ready after 90 s" >&2; exit 1; }
    sleep 0.5
  done
done
echo "   ready after $((SECONDS - started)) s"

if ! $check; then
  cat <<EOF

Open $url (each browser sticks to one web node by the proxy's cookie wpb_node).
A terminal peer on both rendezvous nodes:
  cd $publish/cli && dotnet WebPeerBridge.Cli.dll --name you --server $servers --bind 127.0.0.51 --advertise-host 127.0.0.51 --port-range $((base + 300))-$((base + 399))
To see a failover, kill a node by its pid above (kill -KILL <pid>).
Running for at most $seconds s; Ctrl+C stops everything.
EOF
  end=$((SECONDS + seconds))
  while [ $SECONDS -lt $end ]; do sleep 1; done
  exit 0
fi

# ---- --check ----------------------------------------------------------------------------------------------------------
failed=0
cookie() { awk -v name="$2" '$6 == name { print $7 }' "$1"; }
mkdir -p "$run/check"

# From addresses of their own: the browsers of the last check (127.0.0.1) keep their page allowance (120 a minute).
echo "== Check: the proxy is cookie-sticky (curl: fresh cookie jars until both web nodes had some, 10 reloads each)"
declare -A per_node=()
jars=0
while [ $jars -lt 8 ] || { [ "${#per_node[@]}" -lt 2 ] && [ $jars -lt 20 ]; }; do
  jars=$((jars + 1))
  jar="$run/check/jar-$jars"
  curl -fsS --interface 127.0.0.62 -c "$jar" -b "$jar" -o /dev/null "$url/"
  node="$(cookie "$jar" wpb_node)"; session="$(cookie "$jar" wpb-session)"
  for r in 1 2 3 4 5 6 7 8 9 10; do curl -fsS --interface 127.0.0.62 -c "$jar" -b "$jar" -o /dev/null "$url/"; done
  if [ -z "$node" ] || [ "$(cookie "$jar" wpb_node)" != "$node" ] || [ "$(cookie "$jar" wpb-session)" != "$session" ]; then
    echo "   !! jar $jars changed web node or session over its reloads"; failed=1
  fi
  per_node[$node]=$((${per_node[$node]:-0} + 1))
done
echo "   $jars jars on ${#per_node[@]} web nodes (per node: ${per_node[*]}); each kept its node and its session over 10 reloads"
[ "${#per_node[@]}" = 2 ] || { echo "   !! expected jars on both web nodes"; failed=1; }

echo "== Check: the web nodes count the address the proxy forwards, and believe no one else (curl)"
# Bridge:PageRequestsPerAddressPerMinute is 120: one browser address past it is refused, the next one is not.
jar="$run/check/jar-1"
codes="$(for r in $(seq 121); do curl -s --interface 127.0.0.60 -b "$jar" -o /dev/null -w '%{http_code}\n' "$url/"; done | sort | uniq -c | xargs)"
other="$(curl -s --interface 127.0.0.61 -b "$jar" -o /dev/null -w '%{http_code}' "$url/")"
spoofed="$(for i in 1 2; do curl -s --interface 127.0.0.61 -H 'X-Forwarded-For: 127.0.0.60' -o /dev/null -w '%{http_code} ' \
  "http://127.0.0.2$i:$http_port/"; done | xargs)"
echo "   121 pages from 127.0.0.60 through the proxy: $codes; then 127.0.0.61 through the proxy: $other;"
echo "   127.0.0.61 straight to each web node claiming X-Forwarded-For 127.0.0.60: $spoofed"
case "$codes" in *"120 200"*"1 429"*) ;; *) echo "   !! expected 120 pages and one 429"; failed=1 ;; esac
[ "$other" = 200 ] && [ "$spoofed" = "200 200" ] || { echo "   !! expected 200 for all three"; failed=1; }

echo "== Check: browsers, a terminal peer, a rendezvous node and a NATS server killed (Chromium; at most 300 s)"
# The NATS server that leads the broadcast stream now: the last to announce it.
leader="$(grep -H "new stream leader for '\$G > WPB_BROADCASTS'" "$run"/nats-*.log | sed 's|.*/\(nats-[0-9]\)\.log:\[[0-9]*\] \([^[]*\)\[.*|\2 \1|' | sort | tail -n 1 | awk '{ print $NF }')"
[ -n "$leader" ] || leader="nats-1"
CHROMIUM_PATH="$chromium" timeout 300 node "$repo/scripts/cluster-check.mjs" --url "$url" \
  --web-1 "127.0.0.21:$http_port" --web-2 "127.0.0.22:$http_port" --cli "$publish/cli" --servers "$servers" \
  --peer-ports "$((base + 300))-$((base + 399))" --kill-rendezvous "$(pid_of rendezvous-1)" --kill-nats "$(pid_of "$leader")" \
  --playwright "$playwright" --artifacts "$run/check" || failed=1

if [ "$failed" = 0 ]; then echo "== All checks passed"; else echo "== Some checks FAILED (logs: --keep)"; fi
exit "$failed"
