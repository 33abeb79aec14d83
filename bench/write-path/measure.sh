#!/usr/bin/env bash
# CPU per request of the pod write path, in process, before and after a change (issue 34 item 3): builds
# bench/write-path against BASE (a commit, exported with git archive; it must have ApiServerHost.Pipeline) and
# against this tree, then runs them alternately PAIRS times with the same arguments and prints each table.
#   bench/write-path/measure.sh BASE [PAIRS [ROUNDS PODS WARMUP]]     (default 2, then 5 2000 2)
#   bench/write-path/measure.sh BASE transcript    (BASE's transcript of the differential test's writes, to stdout)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="$1"; pairs="${2:-2}"
run_args=("${3:-5}" "${4:-2000}" "${5:-2}")
work="$(mktemp -d /tmp/axolotl-write-path-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT

git -C "$root" archive "$base" src/Axolotl.ApiServer src/Axolotl.Storage src/Axolotl.Api src/Axolotl.Hosting src/Axolotl.Cel \
  src/Axolotl.Dashboard Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig | tar -x -C "$work"
# The dashboard the server embeds is taken as built here (its npm packages and Vite output), not rebuilt.
ln -s "$root/src/Axolotl.Dashboard/node_modules" "$work/src/Axolotl.Dashboard/node_modules"
mkdir -p "$work/src/Axolotl.ApiServer/obj" && cp -a "$root/src/Axolotl.ApiServer/obj/dashboard" "$work/src/Axolotl.ApiServer/obj/"
mkdir -p "$work/bench/write-path"
cp "$root/bench/write-path/WritePath.csproj" "$root/bench/write-path/Program.cs" "$work/bench/write-path/"
mkdir -p "$work/tests/Axolotl.ApiServer.Tests/Rest"
cp "$root/tests/Axolotl.ApiServer.Tests/Rest/WritePathTranscript.cs" "$work/tests/Axolotl.ApiServer.Tests/Rest/"
if [[ "$pairs" == "transcript" ]]; then
  dotnet build "$work/bench/write-path/WritePath.csproj" -c Release -o "$work/.build/write-path" --nologo -v quiet -clp:ErrorsOnly >&2
  dotnet "$work/.build/write-path/WritePath.dll" --transcript
  exit 0
fi
for tree in "$work" "$root"; do
  dotnet build "$tree/bench/write-path/WritePath.csproj" -c Release -o "$tree/.build/write-path" --nologo -v quiet -clp:ErrorsOnly >&2
done
for ((pair = 1; pair <= pairs; pair++)); do
  for tree in "$work" "$root"; do
    label="$([[ "$tree" == "$root" ]] && echo "after ($(git -C "$root" rev-parse --short HEAD))" || echo "before ($base)")"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    dotnet "$tree/.build/write-path/WritePath.dll" "${run_args[@]}" "$label"
    echo
  done
done
