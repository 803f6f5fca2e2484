#!/usr/bin/env bash
# infractl's start-up: `infractl --version` and `infractl chart list` (against a live server) against a
# hello-world .NET console app built in the same run, as wall-time ratios (medians of 15 runs).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
./scripts/install-infractl.sh --tool-path "$work/tools" >/dev/null
mkdir -p "$work/hello" && cat > "$work/hello/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
</Project>
XML
echo 'System.Console.WriteLine("hello");' > "$work/hello/Program.cs"
dotnet build "$work/hello" -c Release -o "$work/hello/out" -nologo -clp:ErrorsOnly >/dev/null
dotnet build src/InfraGrpc.Server -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet src/InfraGrpc.Server/bin/Release/net10.0/InfraGrpc.Server.dll --InfraGrpc:GrpcUrl=http://127.0.0.1:0 --InfraGrpc:HttpUrl=http://127.0.0.1:0 \
  --InfraGrpc:DataDirectory="$work/data" > "$work/server.log" 2>&1 &
server=$!
timeout 60 grep -q -m 1 "gRPC on " <(tail -F "$work/server.log")
export INFRAGRPC_SERVER=$(sed -nE 's/.*gRPC on (http:\/\/[0-9.:]+)\/?,.*/\1/p' "$work/server.log" | head -n 1)

median() { # command... → median wall seconds of 15 runs (after one warm-up)
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq 15); do
    start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" "BEGIN { print b - a }"
  done | sort -n | sed -n 8p
}
hello=$(median "$work/hello/out/hello")
version=$(median "$work/tools/infractl" --version)
list=$(median "$work/tools/infractl" chart list)
printf "hello world          %.3f s\n" "$hello"
printf "infractl --version   %.3f s  (x%.2f of hello world; goal <= 2)\n" "$version" "$(awk -v a="$version" -v b="$hello" "BEGIN { print a / b }")"
printf "infractl chart list  %.3f s  (x%.2f of hello world)\n" "$list" "$(awk -v a="$list" -v b="$hello" "BEGIN { print a / b }")"
