# Sourced by ./axolotl before it builds: what the build and the seed images need from the OS
# (scripts/host-packages.tsv). As root it installs the missing packages with apt-get, one line per
# package saying what and why; AXOLOTL_INSTALL_PACKAGES=no (tests, or a user who manages packages)
# turns that off. Whatever is still missing is named with what it costs, and the build goes on.

host_packages_table() {
  grep -v '^#' "$1/scripts/host-packages.tsv" | grep -v '^$'
}

# Prints the packages of the table that are missing: the file of the fourth column when there is one
# (npm may come with another vendor's nodejs), else dpkg's status (every such one without dpkg-query).
host_packages_missing() {
  local root="$1" names="" status="" name why cost file
  while IFS=$'\t' read -r name why cost file; do
    if [[ -n "$file" ]]; then
      [[ -e "$file" ]] || echo "$name"
    else
      names+=" $name"
    fi
  done < <(host_packages_table "$root")
  if ! command -v dpkg-query >/dev/null 2>&1; then
    printf '%s\n' $names
    return
  fi
  # shellcheck disable=SC2086
  status=$(dpkg-query -W -f='${Package} ${Status}\n' $names 2>/dev/null || true)
  for name in $names; do
    grep -qx "$name install ok installed" <<<"$status" || echo "$name"
  done
}

host_packages_prepare() {
  local root="$1" log="$2" missing package why cost
  missing=$(host_packages_missing "$root")
  [[ -z "$missing" ]] && return 0
  if [[ "${AXOLOTL_INSTALL_PACKAGES:-yes}" != no && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    for package in $missing; do
      why=$(host_packages_table "$root" | awk -F'\t' -v p="$package" '$1 == p { print $2 }')
      echo "axolotl: installing $package: $why" >&2
    done
    # The postgres image needs PostgreSQL's files, not a cluster of the host's own on port 5432.
    if ! dpkg-query -W -f='${Status}' postgresql-common 2>/dev/null | grep -q 'install ok installed'; then
      mkdir -p /etc/postgresql-common/createcluster.d
      echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/axolotl.conf
    fi
    # shellcheck disable=SC2086
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; } >>"$log" 2>&1; then
      echo "axolotl: apt-get install failed (log: $log); going on without what is missing" >&2
    fi
    # Likewise nginx's own service, where systemd started it: the image needs its files only.
    if [[ " $missing " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
      echo "axolotl: stopping and disabling the host's nginx service (installed for the nginx seed image's files)" >&2
      systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
    missing=$(host_packages_missing "$root")
  elif [[ "$(id -u)" != 0 ]]; then
    echo "axolotl: not root: not installing packages (run as root, or apt-get install them)" >&2
  fi
  for package in $missing; do
    cost=$(host_packages_table "$root" | awk -F'\t' -v p="$package" '$1 == p { print $3 }')
    echo "axolotl: warning: $package not installed: $cost" >&2
  done
}

# True when the seed images were built without a package that is installed now: build them again.
seed_images_stale() {
  local skipped="$1" package
  [[ -s "$skipped" ]] || return 1
  command -v dpkg-query >/dev/null 2>&1 || return 1
  for package in $(cut -f1 "$skipped" | sort -u); do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' && return 0
  done
  return 1
}
