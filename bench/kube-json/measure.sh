#!/usr/bin/env bash
# KubeJson before and after a change: builds bench/kube-json against BASE (a commit, exported with git archive) and
# against this tree, then runs them alternately PAIRS times, each run a fresh process (so each prints its cold cost).
#   bench/kube-json/measure.sh BASE [PAIRS [ROUNDS PASSES WARMUP]]     (default 3, then 7 20000 20000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="$1"; pairs="${2:-3}"
run_args=("${3:-7}" "${4:-20000}" "${5:-20000}")
work="$(mktemp -d /tmp/axolotl-kube-json-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT

git -C "$root" archive "$base" src/Axolotl.Api Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig | tar -x -C "$work"
mkdir -p "$work/bench/kube-json"
cp "$root/bench/kube-json/KubeJsonBench.csproj" "$root/bench/kube-json/Program.cs" "$work/bench/kube-json/"
for tree in "$work" "$root"; do
  dotnet build "$tree/bench/kube-json/KubeJsonBench.csproj" -c Release -o "$tree/.build/kube-json" --nologo -v quiet -clp:ErrorsOnly >&2
done
echo "| tree | first pass CPU | first pass wall | methods JIT-compiled by it | steady CPU per pass (median) | range |"
echo "|---|---:|---:|---:|---:|---|"
for ((pair = 1; pair <= pairs; pair++)); do
  for tree in "$work" "$root"; do
    label="$([[ "$tree" == "$root" ]] && echo "after ($(git -C "$root" rev-parse --short HEAD))" || echo "before ($base)")"
    dotnet "$tree/.build/kube-json/KubeJsonBench.dll" "${run_args[@]}" "$label, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
