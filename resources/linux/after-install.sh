#!/bin/bash
# Debian postinst for Particle Rescue. electron-builder renders ${executable} and
# ${sanitizedProductName}. Besides the usual desktop integration it installs the udev rule that lets
# the app open Particle devices (vendor 0x2b04, normal and DFU mode) without root, and reloads udev
# so devices already plugged in pick it up.

APP_DIR='/opt/${sanitizedProductName}'
EXECUTABLE='${executable}'
UDEV_RULE_SOURCE="$APP_DIR/resources/udev/50-particle.rules"
UDEV_RULE_TARGET='/etc/udev/rules.d/50-particle.rules'
# The Particle CLI installs a rule at the same path. postrm runs after our files are gone, so it
# keeps this copy to tell our rule from one someone else put there later, and removes only ours.
UDEV_RULE_RECORD='/var/lib/particle-rescue/50-particle.rules'

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

if [ -f "$UDEV_RULE_SOURCE" ]; then
  install -D -m 0644 "$UDEV_RULE_SOURCE" "$UDEV_RULE_TARGET"
  install -D -m 0644 "$UDEV_RULE_SOURCE" "$UDEV_RULE_RECORD"
  # /run/udev exists only where udevd runs (not in chroots or image builds).
  if [ -d /run/udev ] && type udevadm >/dev/null 2>&1; then
    udevadm control --reload-rules || true
    udevadm trigger --action=add --subsystem-match=usb --attr-match=idVendor=2b04 || true
  fi
fi

if type update-desktop-database >/dev/null 2>&1; then
  update-desktop-database /usr/share/applications || true
fi

exit 0
