#!/bin/sh
# Build creator_kit.app and creator-kit-0.1.0.dmg on a Mac (see packaging/README.md, "macOS").
# Needs: Python 3.11+ (python.org universal2 or Homebrew), Xcode command line tools.
# Optional signing: DEVELOPER_ID="Developer ID Application: NAME (TEAMID)" and, for
# notarisation, a notarytool keychain profile named in NOTARY_PROFILE.
set -eu
cd "$(dirname "$0")/../.."
python3 -m venv .venv-mac
.venv-mac/bin/pip install -e '.[package]'
.venv-mac/bin/python packaging/icons/draw_icons.py build/icons
.venv-mac/bin/python -m PyInstaller --noconfirm --distpath dist --workpath build/pyinstaller \
  packaging/creator-kit.spec
APP=dist/creator_kit.app
if [ -n "${DEVELOPER_ID:-}" ]; then
  codesign --deep --force --options runtime --timestamp --sign "$DEVELOPER_ID" "$APP"
fi
rm -f dist/creator-kit-0.1.0.dmg
hdiutil create -volname creator_kit -srcfolder "$APP" -ov -format UDZO dist/creator-kit-0.1.0.dmg
if [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit dist/creator-kit-0.1.0.dmg --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple dist/creator-kit-0.1.0.dmg
fi
echo "done: dist/creator-kit-0.1.0.dmg"
