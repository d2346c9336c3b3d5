import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualCloud } from './virtual-cloud';

let cloud: VirtualCloud;
let port: number;

function get(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  cloud = new VirtualCloud();
  const { baseUrl } = await cloud.start();
  port = Number(new URL(baseUrl).port);
});
afterAll(() => cloud.stop());

describe('virtual cloud: the Host check (DNS rebinding)', () => {
  it('answers at 127.0.0.1 and localhost with its own port', async () => {
    expect((await get('/v1/user', `127.0.0.1:${port}`)).status).toBe(401);
    expect((await get('/v1/user', `localhost:${port}`)).status).toBe(401);
  });

  it.each(['rebind.example', `rebind.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.rebind.example:${port}`])(
    'refuses Host %s with 421 before any route runs',
    async (host) => {
      const before = cloud.requests().length;
      const res = await get('/v1/user', host);
      expect(res.status).toBe(421);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'misdirected_request' });
      expect(cloud.requests().slice(before)).toEqual([{ method: 'GET', path: '/v1/user', status: 421 }]);
    },
  );

  it('answers malformed percent-encoding with 400, and keeps answering', async () => {
    const login = await fetch(`http://127.0.0.1:${port}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('particle:particle').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'demo@particle.rescue', password: 'rescue-demo' }).toString(),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const res = await get(`/v1/devices/%ff?access_token=${token}`, `127.0.0.1:${port}`);
    expect(res.status).toBe(400);
    expect((await get('/v1/user', `127.0.0.1:${port}`)).status).toBe(401);
  });
});
