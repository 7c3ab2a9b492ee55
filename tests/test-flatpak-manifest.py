#!/usr/bin/env python3
"""Checks flatpak/io.github.motcua.Desk.json offline, as far as a machine without the
GNOME runtime can: the manifest's shape (against flatpak/manifest.schema.json when
python3-jsonschema is there, and by hand in any case), its sandbox, its sources, and that
what it names is what `meson install` puts in /app (from the build tree's introspection).

Usage: test-flatpak-manifest.py MANIFEST SCHEMA SOURCE_ROOT BUILD_ROOT
Prints TAP."""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET

APP_ID = "io.github.motcua.Desk"

results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))
    return ok


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def svg_size(path):
    """(width, height) of an SVG's root, from width/height or else the viewBox."""
    root = ET.parse(path).getroot()

    def number(value):
        m = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", value or "")
        return float(m.group(1)) if m else None

    width, height = number(root.get("width")), number(root.get("height"))
    if width is None or height is None:
        box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(box) == 4:
            width, height = float(box[2]), float(box[3])
    return width, height


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    manifest_path, schema_path, source_root, build_root = sys.argv[1:]

    # 1. JSON, and the schema.
    try:
        manifest = load_json(manifest_path)
        check("manifest is valid JSON", True)
    except (OSError, ValueError) as e:
        check("manifest is valid JSON", False, str(e))
        return report()

    schema = load_json(schema_path)
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema is None:
        results.append(("manifest matches manifest.schema.json # SKIP python3-jsonschema is not installed", True, ""))
    else:
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(manifest), key=lambda e: list(e.path))
        check("manifest matches manifest.schema.json", not errors,
              "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors))

    # 2. Top-level keys, by hand (the schema may be missing a validator).
    check("id is the application id", manifest.get("id") == APP_ID, repr(manifest.get("id")))
    check("runtime is org.gnome.Platform", manifest.get("runtime") == "org.gnome.Platform", repr(manifest.get("runtime")))
    version = str(manifest.get("runtime-version", ""))
    check("runtime-version is a numbered release, at least 45",
          version.isdigit() and int(version) >= 45, repr(version))
    check("sdk is org.gnome.Sdk", manifest.get("sdk") == "org.gnome.Sdk", repr(manifest.get("sdk")))

    # 3. The sandbox: what the app uses, nothing more.
    args = manifest.get("finish-args", [])
    for needed in ["--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
                   "--device=dri", "--talk-name=org.freedesktop.secrets"]:
        check(f"finish-args has {needed}", needed in args, repr(args))
    forbidden = [a for a in args
                 if re.fullmatch(r"--filesystem=(home|host|host-os|host-etc|~)(/.*)?(:(rw|ro|create))?", a)
                 or a in ("--device=all", "--socket=x11", "--socket=session-bus", "--socket=system-bus",
                          "--talk-name=org.freedesktop.Flatpak")]
    check("finish-args has no home or host access, no --device=all, no bus or X11 holes", not forbidden, repr(forbidden))

    # 4. Modules: every remote source pinned; the app last, from this tree.
    modules = manifest.get("modules", [])
    check("modules is a non-empty list", isinstance(modules, list) and modules)
    unpinned = []
    for module in modules:
        if not isinstance(module, dict):
            unpinned.append(repr(module))
            continue
        for source in module.get("sources", []):
            kind = source.get("type")
            if kind in ("archive", "file") and "url" in source:
                if not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
                    unpinned.append(f"{module.get('name')}: {source.get('url')}")
                if not source["url"].startswith("https://"):
                    unpinned.append(f"{module.get('name')}: not https: {source.get('url')}")
            elif kind == "git":
                if not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")):
                    unpinned.append(f"{module.get('name')}: git {source.get('url')} without a commit")
    check("every remote source has a sha256 or a git commit", not unpinned, "\n".join(unpinned))

    names = [m.get("name") for m in modules if isinstance(m, dict)]
    check("poppler (not in the GNOME runtime) is built as a module", "poppler" in names, repr(names))
    # The slips' QR codes: libqrencode is not in the GNOME runtime either. Its release
    # tarball's sha256 was taken from other packagers (Homebrew), not downloaded here.
    check("libqrencode (not in the GNOME runtime) is built as a module", "libqrencode" in names, repr(names))
    # Printing needs no hole: GTK 4 prints through the print portal inside a sandbox.
    check("printing goes through the portal: no CUPS socket or /run/cups access",
          not [a for a in args if a in ("--socket=cups", "--filesystem=/run/cups")], repr(args))

    app = modules[-1] if modules and isinstance(modules[-1], dict) else {}
    app_sources = app.get("sources", [])
    check("the last module is built with meson", app.get("buildsystem") == "meson", repr(app.get("buildsystem")))
    dir_sources = [s for s in app_sources if s.get("type") == "dir"]
    source_ok = len(dir_sources) == 1 and len(app_sources) == 1
    if source_ok:
        resolved = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(manifest_path)), dir_sources[0]["path"]))
        source_ok = resolved == os.path.realpath(source_root)
    check("the last module is this source tree (a dir source)", source_ok, repr(app_sources))

    # The app's -D options must be ones the build declares.
    with open(os.path.join(source_root, "meson_options.txt"), encoding="utf-8") as f:
        declared = set(re.findall(r"option\(\s*'([^']+)'", f.read()))
    builtin = {"buildtype", "optimization", "debug", "b_lto", "b_ndebug", "prefix", "libdir", "werror"}
    unknown = []
    for opt in app.get("config-opts", []):
        m = re.match(r"-D([^=]+)=", opt) or re.match(r"--([^=]+)=", opt)
        if not m or (m.group(1) not in declared and m.group(1) not in builtin):
            unknown.append(opt)
    check("the app's config-opts are options the build declares", not unknown, repr(unknown))

    # 5. What the manifest names is what meson installs.
    installed = load_json(os.path.join(build_root, "meson-info", "intro-installed.json"))
    dests = {dest.replace("\\", "/") for dest in installed.values()}

    def installed_under(suffix):
        return [d for d in dests if d.endswith(suffix)]

    command = manifest.get("command", "")
    check(f"command {command!r} is an installed program", installed_under("/bin/" + command), repr(sorted(dests)))
    for suffix in [f"/share/applications/{APP_ID}.desktop",
                   f"/share/metainfo/{APP_ID}.metainfo.xml",
                   f"/share/glib-2.0/schemas/{APP_ID}.gschema.xml",
                   f"/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
                   f"/share/icons/hicolor/symbolic/apps/{APP_ID}-symbolic.svg"]:
        check(f"meson installs …{suffix}", installed_under(suffix))

    # 6. Icons: the files flatpak exports, at the sizes their folders promise.
    icons = {d: src for src, d in installed.items() if "/share/icons/hicolor/" in d.replace("\\", "/")}
    for dest, src in sorted(icons.items()):
        rel = dest.replace("\\", "/").split("/share/icons/hicolor/")[1]
        size_dir = rel.split("/")[0]
        try:
            width, height = svg_size(src) if src.endswith(".svg") else (None, None)
        except (OSError, ET.ParseError) as e:
            check(f"icon {rel} is a readable SVG", False, str(e))
            continue
        if size_dir == "scalable":
            ok = src.endswith(".svg") and width and width == height and width >= 128
            check(f"icon {rel} is a square SVG of at least 128 px", ok, f"{width}x{height}")
        elif size_dir == "symbolic":
            ok = src.endswith("-symbolic.svg") and width == height == 16
            check(f"icon {rel} is a 16x16 symbolic SVG", ok, f"{width}x{height}")
        else:
            m = re.fullmatch(r"(\d+)x(\d+)(@2)?", size_dir)
            check(f"icon {rel} sits in a known size folder", m is not None, size_dir)
    # The desktop file and the metainfo name the same icon and component.
    with open(os.path.join(source_root, "data", f"{APP_ID}.desktop.in"), encoding="utf-8") as f:
        desktop = f.read()
    check("the desktop file's Icon is the application id", re.search(rf"^Icon={re.escape(APP_ID)}$", desktop, re.M))
    metainfo = ET.parse(os.path.join(source_root, "data", f"{APP_ID}.metainfo.xml.in")).getroot()
    check("the metainfo's id is the application id", metainfo.findtext("id") == APP_ID, metainfo.findtext("id"))
    launchable = metainfo.find("launchable[@type='desktop-id']")
    check("the metainfo launches the desktop file",
          launchable is not None and launchable.text == f"{APP_ID}.desktop")

    return report()


def report():
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {name}")
        if not ok:
            failed += 1
            for line in str(detail).splitlines():
                print(f"# {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
