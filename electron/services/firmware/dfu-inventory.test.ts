import { describe, expect, it } from 'vitest';
import { labPlatform } from '../../lab/platforms/lab-platforms';
import { RELEASES, releaseModules } from '../../lab/scenarios/firmware-sets';
import { readDfuInventory } from './dfu-inventory';
import type { FlashSession } from './firmware-ports';

/** Internal flash as DFU alt 0 shows it: erased (0xFF) except where modules were placed. */
function flashWith(modules: { address: number; image: Uint8Array }[]): FlashSession & { reads: number } {
  const session = {
    reads: 0,
    async read(alt: number, address: number, length: number) {
      session.reads += 1;
      const out = new Uint8Array(length).fill(0xff);
      for (const m of modules) {
        for (let i = 0; i < m.image.length; i++) {
          const at = m.address + i - address;
          if (at >= 0 && at < length) out[at] = m.image[i];
        }
      }
      return out;
    },
    write: async () => undefined,
    verify: async () => undefined,
    leave: async () => undefined,
    close: async () => undefined,
  };
  return session;
}

const view = (modules: Awaited<ReturnType<typeof readDfuInventory>>) =>
  (modules ?? []).map((m) => `${m.function}:${m.index} v${m.version} failed=${m.failedChecks}`);

describe('readDfuInventory', () => {
  it('P2: bootloader at +0x20, system part at 0x08060000, and the user part found where its size put it (grows down)', async () => {
    const modules = releaseModules(labPlatform(32), RELEASES['6.2.0'], 3);
    expect(view(await readDfuInventory(flashWith(modules), 32))).toEqual(['bootloader:0 v3100 failed=0', 'systemPart:1 v6200 failed=0', 'userPart:2 v6 failed=0']);
  });

  it('a damaged system part fails integrity and what depends on it fails dependencies; a missing app is simply absent', async () => {
    const modules = releaseModules(labPlatform(32), RELEASES['6.2.0'], 3);
    const system = modules.find((m) => m.address === 0x08060000)!;
    system.image = new Uint8Array(system.image);
    system.image[0x100] ^= 0x40;
    expect(view(await readDfuInventory(flashWith(modules), 32))).toEqual(['bootloader:0 v3100 failed=0', 'systemPart:1 v6200 failed=2', 'userPart:2 v6 failed=4']);
    const noApp = modules.filter((m) => m.address < 0x08480000);
    expect(view(await readDfuInventory(flashWith(noApp), 32)).map((l) => l.split(' ')[0])).toEqual(['bootloader:0', 'systemPart:1']);
  });

  it('a module built for another platform fails the platform check', async () => {
    const argon = releaseModules(labPlatform(12), RELEASES['4.2.0'], 1);
    expect(view(await readDfuInventory(flashWith(argon), 13))).toContainEqual(expect.stringMatching(/^systemPart:1 v4200 failed=\d*/));
    expect((await readDfuInventory(flashWith(argon), 13))?.every((m) => (m.failedChecks & 0x10) === 0x10)).toBe(true);
  });
});
