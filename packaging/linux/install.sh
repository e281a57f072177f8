#!/bin/sh
# Install the one-folder app for one user (default) or system-wide (PREFIX=/usr/local, as root):
#   <prefix>/lib/creator-kit/     the bundle
#   <prefix>/bin/creator-kit      a link to its binary
#   <prefix>/share/...            menu entry, icons, AppStream metadata, .ckproj/.ckpack types
# Run from the bundle folder: ./share/install.sh   (uninstall: ./share/install.sh --uninstall)
set -eu
PREFIX="${PREFIX:-$HOME/.local}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ID=app.creatorkit.CreatorKit
SHARE="$PREFIX/share"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$PREFIX/lib/creator-kit" "$PREFIX/bin/creator-kit" \
    "$SHARE/applications/$ID.desktop" "$SHARE/metainfo/$ID.metainfo.xml" \
    "$SHARE/mime/packages/$ID.xml"
  find "$SHARE/icons/hicolor" -name "$ID.*" -delete 2>/dev/null || true
else
  mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$SHARE/applications" "$SHARE/metainfo" \
    "$SHARE/mime/packages" "$SHARE/icons"
  if [ "$HERE" != "$PREFIX/lib/creator-kit" ]; then
    rm -rf "$PREFIX/lib/creator-kit"
    cp -a "$HERE" "$PREFIX/lib/creator-kit"
  fi
  ln -sf "$PREFIX/lib/creator-kit/creator-kit" "$PREFIX/bin/creator-kit"
  # The menu entry runs the installed binary by its full path: ~/.local/bin is often not on
  # the PATH of the desktop session.
  sed "s|^Exec=creator-kit |Exec=$PREFIX/bin/creator-kit |; s|^TryExec=creator-kit|TryExec=$PREFIX/bin/creator-kit|" \
    "$HERE/share/applications/$ID.desktop" > "$SHARE/applications/$ID.desktop"
  cp "$HERE/share/metainfo/$ID.metainfo.xml" "$SHARE/metainfo/"
  cp "$HERE/share/mime/packages/$ID.xml" "$SHARE/mime/packages/"
  cp -r "$HERE/share/icons/hicolor" "$SHARE/icons/"
fi
# Refresh the caches when the tools are there (they are on every desktop Linux).
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$SHARE/mime" || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$SHARE/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true
echo "done: $PREFIX/bin/creator-kit"
