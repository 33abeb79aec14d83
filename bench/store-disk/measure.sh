#!/usr/bin/env bash
# The SQLite store's db + wal size under churn, before and after a change (issue 37, item 1): builds
# bench/store-disk against this tree and against BASE (a commit, exported to a temporary directory with
# git archive), runs both with the same arguments and prints both tables.
#   bench/store-disk/measure.sh BASE [WRITES KEYS VALUE WINDOW]     (default 100000 600 3000 2500)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="$1"; shift
run_args=("${1:-100000}" "${2:-600}" "${3:-3000}" "${4:-2500}")
work="$(mktemp -d /tmp/axolotl-store-disk-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT

git -C "$root" archive "$base" src/Axolotl.Storage src/Axolotl.Api src/Axolotl.Hosting \
  Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig | tar -x -C "$work"
mkdir -p "$work/bench/store-disk"
cp "$root/bench/store-disk/StoreDisk.csproj" "$root/bench/store-disk/Program.cs" "$work/bench/store-disk/"

for tree in "$work" "$root"; do
  label="$([[ "$tree" == "$root" ]] && echo "after ($(git -C "$root" rev-parse --short HEAD))" || echo "before ($base)")"
  dotnet build "$tree/bench/store-disk/StoreDisk.csproj" -c Release -o "$tree/.build/store-disk" --nologo -v quiet -clp:ErrorsOnly >&2
  dotnet "$tree/.build/store-disk/StoreDisk.dll" "${run_args[@]}" "$label"
  echo
done
