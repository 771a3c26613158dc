#!/usr/bin/env bash
# busybox for wasmux (run by ports/build.sh in the patched source copy): the applets
# switched on in busybox.config, one static busybox.wasm, a /bin symlink per applet.
set -euo pipefail
cc="$WASMUX_ROOT/bin"
# LDLIBS empty: libm and the rest are all in libc.a (musl), and scripts/trylink relinks,
# Asyncify pass included (~10 s), once per library it tries to drop.
make_args=(CC="$cc/wasmux-cc" AR="$cc/wasmux-ar" RANLIB="$cc/wasmux-ranlib" HOSTCC=cc
  SKIP_STRIP=y LDLIBS=)

# Debian's platform-linux.diff hides Linux-only applets unless the compiler defines
# __linux__. wasmux-cc does not (the target is wasm32-unknown-unknown), but the guest ABI
# is Linux's (its syscalls, /proc, /dev): say so before the Makefile asks the compiler.
printf 'config PLATFORM_LINUX\n\tbool\n\tdefault y\n' > .platform.in

# The configuration: allnoconfig, our options on top, then oldconfig gives the options
# that became visible their defaults. busybox's kconfig drops KCONFIG_ALLCONFIG's values
# in allnoconfig's second pass, hence the edit of .config.
make "${make_args[@]}" allnoconfig
wanted="$(grep -E '^CONFIG_[A-Z0-9_]+=' "$PORT_DIR/busybox.config")"
while IFS= read -r line; do
  name="${line%%=*}"
  sed -i -e "/^# $name is not set\$/d" -e "/^$name=/d" .config
  echo "$line" >> .config
done <<< "$wanted"
make "${make_args[@]}" oldconfig < <(yes "") > /dev/null
# An option whose dependencies are off is silently dropped: a typo or a missing parent.
missing=0
while IFS= read -r line; do
  grep -qx "$line" .config || { echo "busybox.config: $line did not take (missing dependency?)" >&2; missing=1; }
done <<< "$wanted"
[ "$missing" = 0 ]

make -j"$JOBS" "${make_args[@]}" busybox busybox.links
install -D -m 0755 busybox "$PORT_STAGE/bin/busybox"
# busybox.links names /bin, /sbin, /usr/bin, /usr/sbin: all of them are /bin in our root
# (the others are symlinks to it). /bin/sh stays dash's.
while IFS= read -r link; do
  name="${link##*/}"
  [ "$name" = sh ] && continue
  ln -s busybox "$PORT_STAGE/bin/$name"
done < busybox.links
# The configuration it was built with, for tests/external/busybox-ash (which builds the
# same busybox natively); the image leaves docs out.
install -D -m 0644 .config "$PORT_STAGE/usr/share/doc/busybox/config"
