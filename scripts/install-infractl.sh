#!/usr/bin/env bash
# Builds infractl as a .NET tool package (ReadyToRun for this machine's runtime) and installs it for this
# user: `dotnet tool install --global`, or into DIR with `--tool-path DIR`. Then run plain `infractl`.
set -euo pipefail
cd "$(dirname "$0")/.."
feed=.artifacts/tools
rm -rf "$feed"
# ReadyToRun for this machine's runtime identifier: a RID-specific tool package (.NET 10) with precompiled code.
rid=$(dotnet --info | sed -nE 's/^ *RID: *([^ ]+).*/\1/p' | head -n 1)
dotnet pack src/InfraGrpc.Cli -c Release -o "$feed" -nologo -clp:ErrorsOnly -p:RuntimeIdentifiers="$rid" -p:PublishReadyToRun=true
where=(--global)
if [ "${1:-}" = "--tool-path" ]; then
  where=(--tool-path "$2")
fi
dotnet tool uninstall "${where[@]}" InfraGrpc.Infractl >/dev/null 2>&1 || true
dotnet tool install "${where[@]}" InfraGrpc.Infractl --add-source "$feed" --version "$(sed -nE 's:.*<Version>(.*)</Version>.*:\1:p' Directory.Build.props)"
if [ "${where[0]}" = "--global" ] && ! command -v infractl >/dev/null; then
  echo "installed; add ~/.dotnet/tools to PATH to run infractl"
fi
