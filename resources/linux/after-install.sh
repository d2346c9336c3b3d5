#!/bin/bash
# Debian postinst for Particle Rescue. electron-builder renders ${executable} and
# ${sanitizedProductName}. Besides the usual desktop integration it makes udev load the packaged rule
# that lets the app open Particle devices (vendor 0x2b04, normal and DFU mode, and their serial port)
# without root.

APP_DIR='/opt/${sanitizedProductName}'
EXECUTABLE='${executable}'
# The rule itself is a package file (/usr/lib/udev/rules.d/70-particle-rescue.rules), so dpkg owns and
# removes it; no other package's rule is read, written or removed here.
# Earlier builds of this package copied their rule to /etc/udev/rules.d/50-particle.rules, the Particle CLI's path,
# and kept this record of it: that copy goes only while it is still byte for byte the one we wrote.
LEGACY_RULE='/etc/udev/rules.d/50-particle.rules'
LEGACY_RECORD='/var/lib/particle-rescue/50-particle.rules'

if type update-alternatives >/dev/null 2>&1; then
  update-alternatives --install "/usr/bin/$EXECUTABLE" "$EXECUTABLE" "$APP_DIR/$EXECUTABLE" 100 \
    || ln -sf "$APP_DIR/$EXECUTABLE" "/usr/bin/$EXECUTABLE"
else
  ln -sf "$APP_DIR/$EXECUTABLE" "/usr/bin/$EXECUTABLE"
fi

# Chromium's sandbox needs the setuid helper only where unprivileged user namespaces are unavailable.
if [[ -L /proc/self/ns/user ]] && unshare --user true 2>/dev/null; then
  chmod 0755 "$APP_DIR/chrome-sandbox" || true
else
  chmod 4755 "$APP_DIR/chrome-sandbox" || true
fi

# Ubuntu 24.04+ restricts user namespaces through AppArmor; electron-builder ships a profile that
# allows them for this executable. Older AppArmor cannot parse it and runs the app fine without.
if apparmor_status --enabled >/dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE="$APP_DIR/resources/apparmor-profile"
  APPARMOR_PROFILE_TARGET="/etc/apparmor.d/$EXECUTABLE"
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" >/dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET" || true
    fi
  fi
fi

if [ -f "$LEGACY_RULE" ] && [ -f "$LEGACY_RECORD" ] && cmp -s "$LEGACY_RULE" "$LEGACY_RECORD"; then
  rm -f "$LEGACY_RULE"
fi
rm -rf "$(dirname "$LEGACY_RECORD")"

# /run/udev exists only where udevd runs (not in chroots or image builds). Devices already plugged in
# are replayed, their serial ports too, so they work without replugging.
if [ -d /run/udev ] && type udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
  udevadm trigger --action=add --subsystem-match=usb --attr-match=idVendor=2b04 || true
  udevadm trigger --action=change --subsystem-match=tty || true
fi

if type update-desktop-database >/dev/null 2>&1; then
  update-desktop-database /usr/share/applications || true
fi

exit 0
