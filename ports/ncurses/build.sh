#!/usr/bin/env bash
# ncurses, Debian's libncurses-dev, ncurses-bin and ncurses-base: debian/rules' configure
# arguments (CONFARGS, with the cross-build answers it exports) for its wide-character
# build with the programs, static (its wide static build's options: wasm has no shared
# libraries), with the SDK's triple; the terminfo entries of ncurses-base in /lib/terminfo
# (the rest, ncurses-term, stays out of the image). Its test programs are interactive
# (debian/rules builds them as ncurses-examples and runs none).
set -euo pipefail
cp -f /usr/share/misc/config.sub config.sub
cp -f /usr/share/misc/config.guess config.guess
# debian/rules: the configure checks that cannot run when cross-building.
export cf_cv_type_of_bool='unsigned char' cf_cv_working_poll=yes
mkdir -p obj-wide-static
cd obj-wide-static
CC=$HOST-gcc CXX=$HOST-g++ CFLAGS="$DEB_CFLAGS" CXXFLAGS="$DEB_CXXFLAGS" CPPFLAGS="$DEB_CPPFLAGS" \
  LDFLAGS="$DEB_LDFLAGS" ../configure --prefix=/usr --build="$BUILD" --host="$HOST" \
  --with-build-cc=gcc --without-shared --without-gpm --enable-widec --with-progs \
  --mandir=/usr/share/man --with-manpage-format=normal --without-profile --without-debug \
  --disable-rpath --enable-echo --disable-stripping --enable-const --enable-pc-files \
  --with-pkg-config-libdir=/usr/lib/pkgconfig --libdir=/usr/lib --without-ada --without-tests \
  --enable-symlinks --disable-root-environ --disable-termcap --with-default-terminfo-dir=/etc/terminfo \
  --with-terminfo-dirs="/etc/terminfo:/lib/terminfo:/usr/share/terminfo" --with-ticlib=tic \
  --with-termlib=tinfo --disable-wattr-macros --disable-relink --disable-pkg-ldflags \
  --enable-overwrite --with-xterm-kbs=del
make -j"$JOBS"
make install DESTDIR="$PORT_STAGE"
cd "$PORT_STAGE"
mv etc/terminfo usr/share/terminfo
# debian/rules: Debian's own entries, compiled with the build machine's tic.
for ti in hurd rxvt rxvt-unicode; do TERMINFO="$PORT_STAGE/usr/share/terminfo" tic -x "$PORT_SRC/debian/$ti.ti"; done
libterminfofiles="$(sed -n '/^libterminfofiles=/,/[^\\]$/p' "$PORT_SRC/debian/rules" | sed 's/^libterminfofiles=//; s/\\$//')"
for f in $libterminfofiles; do
  mkdir -p "lib/terminfo/$(dirname "$f")"
  mv "usr/share/terminfo/$f" "lib/terminfo/$f"
done
rm -rf usr/share/terminfo
mkdir -p etc/terminfo
install -m 644 "$PORT_SRC/debian/README.etc" etc/terminfo/README
# debian/rules: the headers under ncursesw/ too. Debian's libncurses-dev also has the
# narrow libraries; here their names are the wide ones (a superset of the same functions
# with the same types), as distributions with only a wide build do, so -lncurses links.
mkdir -p usr/include/ncursesw
for h in usr/include/*.h; do ln -sf "../${h##*/}" usr/include/ncursesw/; done
for l in ncurses form menu panel; do
  ln -sf "lib${l}w.a" "usr/lib/lib$l.a"
  ln -sf "${l}w.pc" "usr/lib/pkgconfig/$l.pc"
done
