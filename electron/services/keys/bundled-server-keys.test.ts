import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledServerKeyDirs, findBundledServerKeys } from './bundled-server-keys';
import { analyzeServerKeySlot, assertTrustedServerKey } from './server-key';

/** The files the app ships, pinned by hash: a changed byte in resources/server-keys fails here. */
const PINNED = {
  tcp: { file: 'rsa.pub.der', size: 512, sha256: '2a1c82fb5f28fe1ba95b4af966aca326eb22398b977fa2540233dbe703fddb16' },
  udp: { file: 'ec.pub.der', size: 320, sha256: '8bf15949f650e70f7a575b15585084ac12af597642427a5ca00a427d421affa4' },
} as const;

describe('server keys shipped as app resources (no ../shared, no Particle CLI)', () => {
  it('resources/server-keys holds both slot images with their pinned SHA-256', async () => {
    const found = await findBundledServerKeys();
    expect(found.map((f) => f.protocol)).toEqual(['tcp', 'udp']);
    for (const { protocol, path } of found) {
      const data = readFileSync(path);
      expect(path.endsWith(join('resources', 'server-keys', PINNED[protocol].file))).toBe(true);
      expect(data.length).toBe(PINNED[protocol].size);
      expect(createHash('sha256').update(data).digest('hex')).toBe(PINNED[protocol].sha256);
    }
  });

  it('each file is judged genuine by the server-key check, with the default address', async () => {
    for (const { protocol, path } of await findBundledServerKeys()) {
      const analysis = analyzeServerKeySlot(new Uint8Array(readFileSync(path)), protocol, null);
      expect(analysis.state).toBe('genuine');
      expect(analysis.address).toMatchObject({ kind: 'domain', port: protocol === 'tcp' ? 5683 : 5684 });
      expect(() => assertTrustedServerKey(analysis.spki!, protocol, null)).not.toThrow();
    }
  });

  it('a packaged app looks in <resources>/server-keys first; an empty folder is skipped', async () => {
    const builder = readFileSync(join(__dirname, '../../../electron-builder.yml'), 'utf8');
    expect(builder).toMatch(/- from: resources\/server-keys\n\s+to: server-keys/);
    expect(bundledServerKeyDirs('/opt/app/resources')[0]).toBe(join('/opt/app/resources', 'server-keys'));
    const empty = await mkdtemp(join(tmpdir(), 'no-keys-'));
    try {
      const found = await findBundledServerKeys([empty, ...bundledServerKeyDirs(undefined)]);
      expect(found).toHaveLength(2);
      expect(await findBundledServerKeys([empty])).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
