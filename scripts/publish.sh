#!/usr/bin/env bash
# Publishes the three programs (framework-dependent, Release) into <out>/web, <out>/rendezvous and <out>/cli.
# Run each from inside its folder: cd <out>/web && dotnet WebPeerBridge.Web.dll
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$PWD/artifacts/publish}"
dotnet publish src/WebPeerBridge.Web -c Release -o "$out/web" --nologo -v quiet
# The server is published ReadyToRun for this machine's runtime (its csproj says why): still framework-dependent.
dotnet publish src/WebPeerBridge.Rendezvous -c Release -o "$out/rendezvous" --use-current-runtime --self-contained false --nologo -v quiet
dotnet publish src/WebPeerBridge.Cli -c Release -o "$out/cli" --nologo -v quiet
echo "published to $out"
