import { describe, expect, it } from 'vitest';
import { UDEV_RULES_PATH, UDEV_RULES_TEXT } from '../../services/usb/udev-rule';
import { udevHandlers } from './udev';

const ctx = { transport: 'test' as const };
const none = { read: async () => null, list: async () => [] };
const ours = (present: () => boolean) => ({
  read: async (path: string) => (present() && path === UDEV_RULES_PATH ? new TextEncoder().encode(UDEV_RULES_TEXT) : null),
  list: async () => [],
});

describe('udev handlers', () => {
  it('offers the install on Linux when the rule is missing, not when it is there or off Linux', async () => {
    const missing = udevHandlers({ platform: 'linux', exec: async () => ({ code: 0, stderr: '' }), files: none });
    expect(await missing['devices.udevRule']({}, ctx)).toMatchObject({ status: 'missing', offer: true, rule: UDEV_RULES_TEXT });
    const present = udevHandlers({ platform: 'linux', exec: async () => ({ code: 0, stderr: '' }), files: ours(() => true) });
    expect(await present['devices.udevRule']({}, ctx)).toMatchObject({ status: 'installed', offer: false });
    const mac = udevHandlers({ platform: 'darwin', exec: async () => ({ code: 0, stderr: '' }), files: none });
    expect(await mac['devices.udevRule']({}, ctx)).toMatchObject({ status: 'not-linux', offer: false });
  });

  it('installs through pkexec and reports a dismissed password dialog as a typed error', async () => {
    let installed = false;
    const calls: string[] = [];
    const ok = udevHandlers({
      platform: 'linux',
      exec: async (command, _args, stdin) => {
        calls.push(command);
        installed = stdin === UDEV_RULES_TEXT;
        return { code: 0, stderr: '' };
      },
      files: ours(() => installed),
    });
    await expect(ok['devices.installUdevRule']({}, ctx)).resolves.toEqual({ installed: true });
    expect(calls).toEqual(['pkexec']);
    const dismissed = udevHandlers({ platform: 'linux', exec: async () => ({ code: 126, stderr: '' }), files: none });
    await expect(dismissed['devices.installUdevRule']({}, ctx)).rejects.toMatchObject({ code: 'USB_PERMISSION_DENIED' });
  });
});
