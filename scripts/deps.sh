# Sourced by the other scripts: installs the Debian 12 packages Motcua needs, only
# those missing, so a second run costs nothing.

MOTCUA_PACKAGES="
  gcc pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev libsqlite3-dev
  libgtk-4-dev libadwaita-1-dev libpoppler-glib-dev libcairo2-dev libgdk-pixbuf-2.0-dev
  libsoup-3.0-dev glib-networking gnutls-bin
  libgnutls28-dev libp11-kit-dev softhsm2
  libpango1.0-dev libqrencode-dev libzbar-dev zbar-tools fonts-liberation2
  libsecret-1-dev gnome-keyring dbus-daemon libxtst-dev
  xvfb xauth fonts-dejavu-core desktop-file-utils appstream
  python3 python3-jsonschema util-linux x11-utils locales
"

motcua_install_deps () {
  missing=""
  for pkg in $MOTCUA_PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing="$missing $pkg"
  done
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if [ -n "$missing" ]; then
    echo "Installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq </dev/null
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing </dev/null
  fi
  motcua_vietnamese_locale
}

# Offices run with Vietnamese regional formats (200.000 hồ sơ, 66,2 %); the Vietnamese
# window tests and the screenshots use them too. A minimal Debian has only C.UTF-8.
motcua_vietnamese_locale () {
  locale -a 2>/dev/null | grep -qix 'vi_VN.utf-\{0,1\}8' && return 0
  echo "Generating the vi_VN.UTF-8 locale"
  # Not fatal: without it the window only groups digits the C way, and the one test
  # of the Vietnamese formats says it skipped.
  $SUDO localedef -i vi_VN -f UTF-8 vi_VN.UTF-8 ||
    echo "Could not generate vi_VN.UTF-8; going on with the C formats" >&2
}

motcua_build () {
  top=$1
  if [ ! -f "$top/build/build.ninja" ]; then
    meson setup "$top/build" "$top" --buildtype=debugoptimized
  fi
  ninja -C "$top/build"
}
