import { describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../shared/domain';
import { RescueError } from '../../shared/errors';
import { UsageError } from './args';
import { chooseDevice } from './device-choice';

const device = (deviceId: string, platformName: string, virtual = false): DeviceSummary => ({
  deviceId,
  platformId: 6,
  platformName,
  mode: 'normal',
  usbMode: 'normal',
  deviceOsVersion: '2.3.1',
  virtual,
  scenario: null,
  health: 'unknown',
  busy: false,
});

const a = device('0123456789abcdef01234567', 'Photon');
const b = device('89abcdef0123456789abcdef', 'Argon', true);

describe('chooseDevice', () => {
  it('takes a given ID, lower-cased, whatever is attached', () => {
    expect(chooseDevice('0123456789ABCDEF01234567', [a, b])).toBe(a.deviceId);
  });

  it('refuses something that is not a device ID as a usage mistake', () => {
    expect(() => chooseDevice('my-photon', [a])).toThrow(UsageError);
  });

  it('takes the only attached device when none is named', () => {
    expect(chooseDevice(undefined, [b])).toBe(b.deviceId);
  });

  it('lists several attached devices instead of guessing', () => {
    let error: unknown;
    try {
      chooseDevice(undefined, [a, b]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `2 devices are attached; say which one by its ID:\n  ${a.deviceId}  Photon (normal, Device OS 2.3.1)\n  ${b.deviceId}  Argon (normal, Device OS 2.3.1) — virtual`,
    );
  });

  it('says no device is attached, with what to check', () => {
    expect(() => chooseDevice(undefined, [])).toThrow(RescueError);
    expect(() => chooseDevice(undefined, [])).toThrow(/No Particle device is attached/);
  });
});
