#!/bin/bash
# Debian postrm for Particle Rescue. On an upgrade the new postinst puts everything back, so only a
# real removal takes the command link and the AppArmor profile away. dpkg removes the packaged udev
# rule itself; udev is reloaded so it forgets it. Other packages' rules are never touched.

EXECUTABLE='${executable}'
APP_DIR='/opt/${sanitizedProductName}'

case "$1" in
  remove|purge) ;;
  *) exit 0 ;;
esac

if type update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove "$EXECUTABLE" "$APP_DIR/$EXECUTABLE" || true
else
  rm -f "/usr/bin/$EXECUTABLE"
fi

APPARMOR_PROFILE_TARGET="/etc/apparmor.d/$EXECUTABLE"
if [ -f "$APPARMOR_PROFILE_TARGET" ]; then
  if apparmor_status --enabled >/dev/null 2>&1 && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
    apparmor_parser --remove "$APPARMOR_PROFILE_TARGET" || true
  fi
  rm -f "$APPARMOR_PROFILE_TARGET"
fi

if [ -d /run/udev ] && type udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
fi

exit 0
