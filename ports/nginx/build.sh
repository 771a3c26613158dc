#!/usr/bin/env bash
# nginx, Debian's nginx (the "bin" flavour of debian/rules) and nginx-common's
# configuration: its configure line with Debian's flags and modules, in debian/build-bin as
# debian/rules does, with the SDK as the compiler. nginx's configure is not autoconf: it
# runs each probe it compiles (type sizes, epoll, sendfile...) as ./objs/autotest, and a
# Debian cross build has no answer for that but qemu's binfmt; here `wasmux binfmt run`
# makes those probes run as wasm. The modules debian/rules builds as dynamic ones (geoip,
# image-filter, perl, xslt, mail, stream: Debian's separate libnginx-mod-* packages) are
# left out: nginx loads them with dlopen, which a wasm program does not have.
set -euo pipefail
debian_cflags="$DEB_CFLAGS -fPIC $DEB_CPPFLAGS"
debian_ldflags="$DEB_LDFLAGS -fPIC"
basic_configure_flags=(--prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf
  --http-log-path=/var/log/nginx/access.log --error-log-path=stderr --lock-path=/var/lock/nginx.lock
  --pid-path=/run/nginx.pid --modules-path=/usr/lib/nginx/modules
  --http-client-body-temp-path=/var/lib/nginx/body --http-fastcgi-temp-path=/var/lib/nginx/fastcgi
  --http-proxy-temp-path=/var/lib/nginx/proxy --http-scgi-temp-path=/var/lib/nginx/scgi
  --http-uwsgi-temp-path=/var/lib/nginx/uwsgi --with-compat --with-debug --with-pcre-jit
  --with-http_ssl_module --with-http_stub_status_module --with-http_realip_module
  --with-http_auth_request_module --with-http_v2_module --with-http_dav_module
  --with-http_slice_module --with-threads)
bin_configure_flags=(--with-cc-opt="$debian_cflags" --with-ld-opt="$debian_ldflags"
  "${basic_configure_flags[@]}" --with-http_addition_module --with-http_flv_module
  --with-http_gunzip_module --with-http_gzip_static_module --with-http_mp4_module
  --with-http_random_index_module --with-http_secure_link_module --with-http_sub_module
  --with-mail_ssl_module --with-stream_ssl_module --with-stream_ssl_preread_module
  --with-stream_realip_module)
mkdir -p debian/build-bin
cp -Pa auto conf configure contrib src man debian/build-bin/
cd debian/build-bin
CC="$HOST-gcc" "$WASMUX_ROOT/bin/wasmux" binfmt run ./configure "${bin_configure_flags[@]}"
make -j"$JOBS" build
cd ../..
# debian/nginx.install, nginx-common.install and .dirs, and what nginx-common's postinst
# makes: the default site enabled and Debian's welcome page in /var/www/html.
install -D -m 0755 debian/build-bin/objs/nginx "$PORT_STAGE/usr/sbin/nginx"
mkdir -p "$PORT_STAGE/etc/nginx"
cp -a debian/conf/. "$PORT_STAGE/etc/nginx/"
for d in conf.d modules-available modules-enabled sites-enabled; do mkdir -p "$PORT_STAGE/etc/nginx/$d"; done
ln -s /etc/nginx/sites-available/default "$PORT_STAGE/etc/nginx/sites-enabled/default"
install -D -m 0644 html/index.html "$PORT_STAGE/usr/share/nginx/html/index.html"
install -D -m 0644 html/index.html "$PORT_STAGE/var/www/html/index.nginx-debian.html"
mkdir -p "$PORT_STAGE/var/lib/nginx" "$PORT_STAGE/var/log/nginx" "$PORT_STAGE/usr/lib/nginx/modules"
