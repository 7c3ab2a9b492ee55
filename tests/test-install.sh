#!/bin/sh
# Installs the build into a temporary DESTDIR, validates what was installed (desktop file,
# metainfo, schema, translation, icons) and starts the installed programs from there:
# motcua and motcua-server, and motcua-desk under its own Xvfb when xvfb-run is there.
#
# Usage: test-install.sh BUILD_ROOT
# Prints TAP.
set -u

build=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

app_id=io.github.motcua.Desk
n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
skip () { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
# check NAME COMMAND...: one TAP line for the command's exit status, its output as comments.
check () {
  name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then ok "$name"; else not_ok "$name"; sed 's/^/# /' "$tmp/out"; fi
}
has () { command -v "$1" >/dev/null 2>&1; }

# The install directories, as the build was configured (absolute prefix, relative rest).
meson introspect "$build" --buildoptions >"$tmp/options.json" || { echo "Bail out! meson introspect failed"; exit 1; }
option () {
  python3 -c 'import json, sys
print(next(o["value"] for o in json.load(open(sys.argv[1])) if o["name"] == sys.argv[2]))' "$tmp/options.json" "$1"
}
prefix=$(option prefix)
under_prefix () { case $1 in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
root=$tmp/root
bindir=$root$(under_prefix "$(option bindir)")
datadir=$root$(under_prefix "$(option datadir)")
localedir=$root$(under_prefix "$(option localedir)")

# 1. Install.
if meson install -C "$build" --destdir "$root" --no-rebuild >"$tmp/install.log" 2>&1; then
  ok "meson install --destdir"
else
  not_ok "meson install --destdir"; sed 's/^/# /' "$tmp/install.log"
  echo "1..$n"; exit 1
fi

# 2. What was installed.
for program in motcua motcua-desk motcua-server; do
  check "bin/$program is installed and executable" test -x "$bindir/$program"
done
desktop=$datadir/applications/$app_id.desktop
metainfo=$datadir/metainfo/$app_id.metainfo.xml
check "the desktop file is installed" test -f "$desktop"
check "the metainfo is installed" test -f "$metainfo"
check "the GSettings schema is installed" test -f "$datadir/glib-2.0/schemas/$app_id.gschema.xml"
check "the Vietnamese catalog is installed" test -s "$localedir/vi/LC_MESSAGES/motcua.mo"
check "the scalable icon is installed" test -s "$datadir/icons/hicolor/scalable/apps/$app_id.svg"
check "the symbolic icon is installed" test -s "$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
exec_program=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop" 2>/dev/null | head -n 1)
check "the desktop file's Exec ($exec_program) is an installed program" \
  test -n "$exec_program" -a -f "$bindir/$exec_program" -a -x "$bindir/$exec_program"

if has desktop-file-validate; then
  check "desktop-file-validate on the installed desktop file" desktop-file-validate "$desktop"
else
  skip "desktop-file-validate on the installed desktop file" "desktop-file-validate is not installed"
fi
if has appstreamcli; then
  check "appstreamcli validate --no-net on the installed metainfo" appstreamcli validate --no-net --explain "$metainfo"
else
  skip "appstreamcli validate --no-net on the installed metainfo" "appstreamcli is not installed"
fi
# A DESTDIR install leaves the schemas uncompiled (meson skips post-install there), as
# the packagers' tools compile them: do it here, strictly, into a directory of our own.
schemas=$tmp/schemas
mkdir -p "$schemas"
check "the installed schema compiles (glib-compile-schemas --strict)" \
  glib-compile-schemas --strict --targetdir="$schemas" "$datadir/glib-2.0/schemas"

# 3. Start the installed programs, in a home of their own. The programs link only system
# libraries (libmotcua-core is static), so no LD_LIBRARY_PATH; the catalog is looked up
# in the staged prefix, since the build's LOCALEDIR points at the real one.
mkdir -p "$tmp/home"
run_env () {
  env HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/data" XDG_CONFIG_HOME="$tmp/home/config" \
    XDG_CACHE_HOME="$tmp/home/cache" XDG_STATE_HOME="$tmp/home/state" \
    XDG_DATA_DIRS="$datadir:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
    MOTCUA_LOCALEDIR="$localedir" GSETTINGS_SCHEMA_DIR="$schemas" GSETTINGS_BACKEND=memory \
    PATH="$bindir:$PATH" "$@"
}
db=$tmp/office.db
check "motcua --help" run_env "$bindir/motcua" --help
if run_env env LANG=C.UTF-8 LC_ALL= LANGUAGE=vi "$bindir/motcua" --help 2>&1 | grep -q "Cách dùng"; then
  ok "motcua --help speaks Vietnamese from the installed catalog"
else
  not_ok "motcua --help speaks Vietnamese from the installed catalog"
fi
check "motcua --db DB init --demo" run_env "$bindir/motcua" --db "$db" init --demo
check "motcua --db DB check" run_env "$bindir/motcua" --db "$db" check
check "motcua-server --help" run_env "$bindir/motcua-server" --help

# 4. The window: alive after 3 seconds, then ended by us, not by a crash.
if has xvfb-run; then
  cat >"$tmp/desk.sh" <<'EOF'
"$@" &
pid=$!
# Alive after 3 s; mapped on the screen (when xwininfo, from x11-utils, can tell) within
# 30 s, since a loaded machine may take that long to show a first frame.
sleep 3
shown () {
  ! command -v xwininfo >/dev/null 2>&1 ||
    xwininfo -root -tree | grep '("motcua-desk" ' | grep -v ' 1x1+' | grep -q .
}
for _ in $(seq 60); do
  kill -0 "$pid" 2>/dev/null || break
  if shown; then kill "$pid"; wait "$pid"; exit 0; fi
  sleep 0.5
done
if kill -0 "$pid" 2>/dev/null; then
  echo "motcua-desk runs but shows no window"; xwininfo -root -tree; kill "$pid"; wait "$pid"; exit 1
fi
wait "$pid"; echo "motcua-desk ended by itself, status $?"; exit 1
EOF
  # A private session bus when there is one to start, so GApplication registers there
  # and not with a desktop session that may be running already.
  bus=""
  has dbus-run-session && bus="dbus-run-session --"
  # shellcheck disable=SC2086
  check "the installed motcua-desk runs and shows its window under Xvfb" \
    run_env env GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1 LANG=C.UTF-8 LC_ALL= LANGUAGE=vi \
      $bus xvfb-run -a -s "-screen 0 1366x768x24" sh "$tmp/desk.sh" "$bindir/motcua-desk" --db "$db"
  if grep -E "CRITICAL|Gtk-WARNING|GLib-GIO-WARNING|Adwaita-WARNING" "$tmp/out" >/dev/null 2>&1; then
    not_ok "motcua-desk started without criticals or warnings"; sed 's/^/# /' "$tmp/out"
  else
    ok "motcua-desk started without criticals or warnings"
  fi
else
  skip "the installed motcua-desk runs for 3 s under Xvfb" "xvfb-run is not installed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
