#!/usr/bin/env bash
# Fetches and unpacks a Debian source package into build/third_party/<pkg>, through a
# project-local apt configuration (the machine's apt sources stay untouched). The mirror is
# taken from the machine's own apt configuration at run time, never written in the repo.
# Usage: scripts/fetch-debian-source.sh PACKAGE   → prints the unpacked directory
set -euo pipefail
pkg="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
apt_dir="$root/build/apt"
dest="$root/build/third_party/$pkg"
if [ -f "$dest/.unpacked" ]; then cat "$dest/.unpacked"; exit 0; fi
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dest"
# Every deb line the machine knows becomes a deb-src line in our own list.
apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Created-By: Packages' \
  | sort -u | while read -r uri suite comp; do echo "deb-src $uri $suite $comp"; done \
  > "$apt_dir/sources.list"
[ -s "$apt_dir/sources.list" ] || { echo "fetch-debian-source: no apt repositories configured" >&2; exit 1; }
opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o APT::Get::List-Cleanup=0)
if [ -z "$(ls "$apt_dir/lists" 2>/dev/null | grep -i sources)" ]; then
  apt-get "${opts[@]}" update -qq >&2
fi
# The newest version first. When its files are missing from the mirror (a security update
# the mirror's security archive does not have, which happened for zlib and python3.11),
# the newest one of the main archive alone (the security suites left out).
grep -v -- '-security' "$apt_dir/sources.list" > "$apt_dir/sources-main.list" || true
fetched=0
for list in sources.list sources-main.list; do
  [ -s "$apt_dir/$list" ] || continue
  find "$dest" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  if (cd "$dest" && apt-get "${opts[@]}" -o "Dir::Etc::sourcelist=$apt_dir/$list" source -qq "$pkg" >&2); then
    fetched=1
    break
  fi
  [ "$list" = sources.list ] && echo "fetch-debian-source: $pkg: the newest version could not be fetched; trying the main archive's" >&2
done
[ $fetched = 1 ] || { echo "fetch-debian-source: no version of $pkg could be fetched" >&2; exit 1; }
dir="$(find "$dest" -mindepth 1 -maxdepth 1 -type d | head -1)"
echo "$dir" > "$dest/.unpacked"
echo "$dir"
