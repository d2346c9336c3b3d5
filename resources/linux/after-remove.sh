#!/bin/bash
# Debian postrm for Particle Rescue. On an upgrade the new postinst puts everything back, so only a
# real removal takes the command link, the AppArmor profile and the udev rule away.

EXECUTABLE='${executable}'
APP_DIR='/opt/${sanitizedProductName}'
UDEV_RULE_TARGET='/etc/udev/rules.d/50-particle.rules'
UDEV_RULE_RECORD='/var/lib/particle-rescue/50-particle.rules'

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

# Only the rule we installed goes: a different file at that path (the Particle CLI's) stays.
if [ -f "$UDEV_RULE_TARGET" ] && [ -f "$UDEV_RULE_RECORD" ] && cmp -s "$UDEV_RULE_TARGET" "$UDEV_RULE_RECORD"; then
  rm -f "$UDEV_RULE_TARGET"
  if [ -d /run/udev ] && type udevadm >/dev/null 2>&1; then
    udevadm control --reload-rules || true
  fi
fi
rm -rf /var/lib/particle-rescue

exit 0
