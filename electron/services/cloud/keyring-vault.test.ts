import { describe, expect, it } from 'vitest';
import { createKeyringVault, type RunTool } from './keyring-vault';

/** A stand-in secret-tool with one secret slot, recording every call. */
function fakeSecretTool(available = true) {
  let secret: string | null = null;
  const calls: { args: readonly string[]; stdin: string }[] = [];
  const run: RunTool = async (command, args, stdin) => {
    calls.push({ args, stdin });
    if (!available || command !== 'secret-tool') return { code: null, stdout: '' };
    if (args[0] === 'store') secret = stdin;
    if (args[0] === 'clear') secret = null;
    if (args[0] === 'lookup') return secret === null ? { code: 1, stdout: '' } : { code: 0, stdout: secret };
    return { code: 0, stdout: '' };
  };
  return { run, calls };
}

describe('keyring token vault (CLI)', () => {
  it('keeps the token in the Secret Service, passed on stdin and never as an argument', async () => {
    const tool = fakeSecretTool();
    const vault = createKeyringVault(tool.run, 'linux');
    await vault.save('tok-123');
    expect(await createKeyringVault(tool.run, 'linux').load()).toBe('tok-123');
    expect(vault.kind).toBe('os-keyring');
    expect(tool.calls.every((c) => !c.args.includes('tok-123'))).toBe(true);
    await vault.clear();
    expect(await createKeyringVault(tool.run, 'linux').load()).toBeNull();
  });

  it('without a keyring keeps the token in memory only and says so', async () => {
    const tool = fakeSecretTool(false);
    const vault = createKeyringVault(tool.run, 'linux');
    await vault.save('tok-123');
    expect(vault.kind).toBe('memory');
    expect(await vault.load()).toBe('tok-123');
    expect(await createKeyringVault(tool.run, 'linux').load()).toBeNull();
  });

  it('off Linux never calls a tool and keeps memory only', async () => {
    const tool = fakeSecretTool();
    const vault = createKeyringVault(tool.run, 'win32');
    await vault.save('tok');
    expect(vault.kind).toBe('memory');
    expect(tool.calls).toEqual([]);
  });
});
