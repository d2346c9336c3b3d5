import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { udevRuleStatus } from './udev-helper';
import { readFileBytes, spawnExec, systemRuleFiles } from './udev-system';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'udev-system-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('spawnExec', () => {
  it('feeds stdin to the program and reports its exit code and error output', async () => {
    const out = join(dir, 'out');
    const result = await spawnExec('/bin/sh', ['-c', `cat > '${out}'; echo refused >&2; exit 3`], 'rule text\n');
    expect(result).toEqual({ code: 3, stderr: 'refused\n' });
    expect(readFileSync(out, 'utf8')).toBe('rule text\n');
  });

  it('reports a program that is not installed as code null', async () => {
    expect(await spawnExec(join(dir, 'no-such-pkexec'), [], '')).toEqual({ code: null, stderr: '' });
  });
});

describe('readFileBytes', () => {
  it('returns the bytes, or null for a missing file', async () => {
    writeFileSync(join(dir, 'rules'), 'abc');
    expect(Buffer.from((await readFileBytes(join(dir, 'rules')))!).toString()).toBe('abc');
    expect(await readFileBytes(join(dir, 'missing'))).toBeNull();
  });

  it('passes on other errors', async () => {
    await expect(readFileBytes(dir)).rejects.toThrow(/EISDIR/);
  });
});

describe('systemRuleFiles', () => {
  it("reads udev's folders below a root, as udevRuleStatus sees them", async () => {
    mkdirSync(join(dir, 'etc/udev/rules.d'), { recursive: true });
    writeFileSync(join(dir, 'etc/udev/rules.d/50-particle.rules'), 'x');
    const files = systemRuleFiles(dir);
    expect(await files.list('/etc/udev/rules.d')).toEqual(['50-particle.rules']);
    expect(await files.list('/usr/lib/udev/rules.d')).toEqual([]);
    expect(Buffer.from((await files.read('/etc/udev/rules.d/50-particle.rules'))!).toString()).toBe('x');
  });

  it('leaves a Particle CLI rule in a fake root alone and calls it equivalent', async () => {
    const cli = 'SUBSYSTEM=="usb", ATTRS{idVendor}=="2b04", ATTRS{idProduct}=="[cd]0??", MODE="0666", GROUP="plugdev"\n';
    mkdirSync(join(dir, 'etc/udev/rules.d'), { recursive: true });
    writeFileSync(join(dir, 'etc/udev/rules.d/50-particle.rules'), cli);
    expect(await udevRuleStatus(systemRuleFiles(dir))).toBe('equivalent');
    expect(readFileSync(join(dir, 'etc/udev/rules.d/50-particle.rules'), 'utf8')).toBe(cli);
  });
});
