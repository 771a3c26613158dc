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
(cd "$dest" && apt-get "${opts[@]}" source -qq "$pkg" >&2)
dir="$(find "$dest" -mindepth 1 -maxdepth 1 -type d | head -1)"
echo "$dir" > "$dest/.unpacked"
echo "$dir"
