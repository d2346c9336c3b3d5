import WebSocket from 'ws';
import { expect, snap, test } from './fixtures';

function socketStatus(url: string, origin?: string): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: origin ? { Origin: origin } : {} });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

test('browser mode serves the app on a loopback URL with a token', async ({ page, host }) => {
  expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Particle Rescue');
  await snap(page, 'app-start');
});

test('the WebSocket refuses a missing token and a foreign Origin', async ({ host }) => {
  const origin = `http://127.0.0.1:${host.port}`;
  expect(await socketStatus(`ws://127.0.0.1:${host.port}/rpc?token=${host.token}`, origin)).toBe('open');
  expect(await socketStatus(`ws://127.0.0.1:${host.port}/rpc`, origin)).toBe(401);
  expect(await socketStatus(`ws://127.0.0.1:${host.port}/rpc?token=${host.token}`, 'http://evil.example')).toBe(403);
});
