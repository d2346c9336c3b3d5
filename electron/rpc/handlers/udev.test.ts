import { describe, expect, it } from 'vitest';
import { UDEV_RULES_TEXT } from '../../services/usb/udev-rule';
import { udevHandlers } from './udev';

const ctx = { transport: 'test' as const };

describe('udev handlers', () => {
  it('offers the install on Linux when the rule is missing, not when it is there or off Linux', async () => {
    const missing = udevHandlers({ platform: 'linux', exec: async () => ({ code: 0, stderr: '' }), readFile: async () => null });
    expect(await missing['devices.udevRule']({}, ctx)).toMatchObject({ status: 'missing', offer: true, rule: UDEV_RULES_TEXT });
    const present = udevHandlers({ platform: 'linux', exec: async () => ({ code: 0, stderr: '' }), readFile: async () => new TextEncoder().encode(UDEV_RULES_TEXT) });
    expect(await present['devices.udevRule']({}, ctx)).toMatchObject({ status: 'installed', offer: false });
    const mac = udevHandlers({ platform: 'darwin', exec: async () => ({ code: 0, stderr: '' }), readFile: async () => null });
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
      readFile: async () => (installed ? new TextEncoder().encode(UDEV_RULES_TEXT) : null),
    });
    await expect(ok['devices.installUdevRule']({}, ctx)).resolves.toEqual({ installed: true });
    expect(calls).toEqual(['pkexec']);
    const dismissed = udevHandlers({ platform: 'linux', exec: async () => ({ code: 126, stderr: '' }), readFile: async () => null });
    await expect(dismissed['devices.installUdevRule']({}, ctx)).rejects.toMatchObject({ code: 'USB_PERMISSION_DENIED' });
  });
});
