#!/usr/bin/env bash
# Builds echo-operator into an OCI image archive that `axolotl images import` loads into a node:
#   examples/operator/build-image.sh OUT.tar [IMAGE]      (IMAGE defaults to examples.axolotl.io/echo-operator:0.1.0)
# The app is published self-contained for linux-x64 and laid over the debian:12 image that ./axolotl built
# into .build/axolotl/seed-images, with the libraries the .NET runtime loads (libstdc++, OpenSSL…) copied from
# this Debian machine, as Axolotl's own seed images are made. Needs dotnet, python3, skopeo and umoci; no network
# beyond NuGet's restore.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(realpath -m "${1:?usage: build-image.sh OUT.tar [IMAGE]}")"
image="${2:-examples.axolotl.io/echo-operator:0.1.0}"
seed="${SEED_IMAGES:-$root/.build/axolotl/seed-images}"
for tool in dotnet python3 skopeo umoci ldd; do
  command -v "$tool" >/dev/null || { echo "build-image: $tool is required" >&2; exit 1; }
done
[[ -f "$seed/index.json" ]] || { echo "build-image: no seed image layout at $seed (run ./axolotl version first)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. The app: self-contained, so the image needs no .NET install.
dotnet publish "$here/EchoOperator.csproj" -c Release -r linux-x64 --self-contained -p:DebugType=none \
  -o "$work/rootfs/app" -v quiet -nologo >&2

# 2. The shared libraries the apphost, the runtime's native parts and OpenSSL (opened at the first TLS
#    handshake) load, at the path Debian's merged /usr gives them.
libs="$work/libs/usr/lib/x86_64-linux-gnu"
mkdir -p "$libs"
ssl=(/usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3)
{ ldd "$work/rootfs/app/echo-operator" "$work"/rootfs/app/*.so "${ssl[@]}" 2>/dev/null || true; } \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u | while read -r lib; do
    cp -L "$lib" "$libs/$(basename "$lib")"
  done
cp -L "${ssl[@]}" "$libs/"

# 3. debian:12 out of the seed layout (a view holding only its manifest, so skopeo finds it by name).
mkdir -p "$work/view"
cp "$seed/oci-layout" "$work/view/"
ln -s "$seed/blobs" "$work/view/blobs"
python3 - "$seed/index.json" "$work/view/index.json" <<'PY' || { echo "build-image: debian:12 is not in $seed" >&2; exit 1; }
import json, sys
index = json.load(open(sys.argv[1]))
base = [dict(m, annotations={"org.opencontainers.image.ref.name": "base"}) for m in index["manifests"]
        if m.get("annotations", {}).get("io.containerd.image.name") == "docker.io/library/debian:12"]
json.dump({"schemaVersion": 2, "manifests": base}, open(sys.argv[2], "w"))
sys.exit(0 if len(base) == 1 else 1)
PY
skopeo copy --quiet "oci:$work/view:base" "oci:$work/layout:operator"

# 4. One layer on top (the libraries and the app; umoci's unpack/repack, whose layers are complete tar
#    streams, where this umoci's `insert` ends its layers early), then the config: a non-root user, the app
#    as entrypoint.
umoci unpack --image "$work/layout:operator" "$work/bundle" >/dev/null
cp -a "$work/libs/usr/lib/x86_64-linux-gnu/." "$work/bundle/rootfs/usr/lib/x86_64-linux-gnu/"
cp -a "$work/rootfs/app" "$work/bundle/rootfs/app"
umoci repack --image "$work/layout:operator" "$work/bundle" >/dev/null
umoci config --image "$work/layout:operator" --clear=config.cmd --config.entrypoint /app/echo-operator \
  --config.workingdir /app --config.user 65532:65532 --config.env DOTNET_EnableDiagnostics=0 \
  --config.label org.opencontainers.image.source=examples/operator
rm -f "$out"
skopeo copy --quiet "oci:$work/layout:operator" "oci-archive:$out:$image"
echo "$image in $out"
