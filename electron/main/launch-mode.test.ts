import { describe, expect, it } from 'vitest';
import { launchMode } from './launch-mode';

const commands = ['devices', 'diagnose', 'repair-keys'];
const packaged = (...args: string[]) => launchMode(['/opt/Particle Rescue/particle-rescue', ...args], true, commands);

describe('launch mode of the installed binary', () => {
  it('opens the GUI with no arguments, in a clone too', () => {
    expect(packaged()).toEqual({ kind: 'gui' });
    expect(launchMode(['electron', '.'], false, commands)).toEqual({ kind: 'gui' });
  });

  it('runs a CLI command with its own arguments', () => {
    expect(packaged('devices', '--json')).toEqual({ kind: 'cli', args: ['devices', '--json'] });
    expect(launchMode(['electron', '.', 'diagnose', 'abc'], false, commands)).toEqual({ kind: 'cli', args: ['diagnose', 'abc'] });
    expect(packaged('--version')).toEqual({ kind: 'cli', args: ['--version'] });
    expect(packaged('help', 'diagnose')).toEqual({ kind: 'cli', args: ['help', 'diagnose'] });
  });

  it('serves the rescue station on --station, with its options', () => {
    expect(packaged('--station', '--read-only')).toEqual({ kind: 'station', args: ['--station', '--read-only'] });
    expect(packaged('--browser', '--port', '8080')).toEqual({ kind: 'station', args: ['--port', '8080'] });
  });

  it('keeps the GUI for Chromium switches and desktop arguments it does not know', () => {
    expect(packaged('--no-sandbox')).toEqual({ kind: 'gui' });
    expect(packaged('--enable-logging', 'file.bin')).toEqual({ kind: 'gui' });
  });
});
