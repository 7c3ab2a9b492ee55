# Sourced by the other scripts: installs the Debian 12 packages Motcua needs, only
# those missing, so a second run costs nothing.

MOTCUA_PACKAGES="
  gcc pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev libsqlite3-dev
  libgtk-4-dev libadwaita-1-dev libpoppler-glib-dev libcairo2-dev libgdk-pixbuf-2.0-dev
  libsoup-3.0-dev glib-networking gnutls-bin
  libgnutls28-dev libp11-kit-dev softhsm2
  libpango1.0-dev libqrencode-dev libzbar-dev zbar-tools fonts-liberation2
  libsecret-1-dev gnome-keyring dbus-daemon
  xvfb xauth fonts-dejavu-core desktop-file-utils appstream
  python3 python3-jsonschema util-linux x11-utils
"

motcua_install_deps () {
  missing=""
  for pkg in $MOTCUA_PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing="$missing $pkg"
  done
  [ -z "$missing" ] && return 0

  echo "Installing:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing </dev/null
}

motcua_build () {
  top=$1
  if [ ! -f "$top/build/build.ninja" ]; then
    meson setup "$top/build" "$top" --buildtype=debugoptimized
  fi
  ninja -C "$top/build"
}
