import { beforeEach, describe, expect, it } from 'vitest';
import { reconnectDelay, useConnection } from './connection';
import { addressWithoutToken, createWsClient } from './ws-client';

/** A scripted WebSocket: the test opens, answers and closes it. */
class FakeSocket extends EventTarget {
  static made: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.made.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  open() {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  close() {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
  reply(frame: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
}

beforeEach(() => {
  FakeSocket.made = [];
  useConnection.setState({ state: 'connecting', attempt: 0, nextInMs: null, generation: 0 });
});

describe('browser-mode socket', () => {
  it('strips the token once open, reconnects with growing pauses with the token kept in memory, and keeps listeners', async () => {
    const timers: { fn: () => void; ms: number }[] = [];
    let stripped = 0;
    const api = createWsClient('ws://127.0.0.1:1/rpc?token=secret', {
      createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
      schedule: (fn, ms) => timers.push({ fn, ms }),
      onFirstOpen: () => stripped++,
    });
    const events: unknown[] = [];
    api.on('devices.changed', (p) => events.push(p));
    FakeSocket.made[0].open();
    expect(stripped).toBe(1);
    expect(useConnection.getState().state).toBe('open');

    const call = api.call('devices.list', {});
    await Promise.resolve();
    FakeSocket.made[0].close();
    await expect(call).rejects.toMatchObject({ message: /connection to the rescue host was lost/ });
    expect(useConnection.getState()).toMatchObject({ state: 'lost', attempt: 1 });
    expect(timers.map((t) => t.ms)).toEqual([500]);

    timers[0].fn();
    FakeSocket.made[1].close();
    expect(timers.map((t) => t.ms)).toEqual([500, 1000]);
    timers[1].fn();
    expect(FakeSocket.made[2].url).toBe('ws://127.0.0.1:1/rpc?token=secret');
    FakeSocket.made[2].readyState = 1;
    FakeSocket.made[2].open();
    expect(useConnection.getState()).toMatchObject({ state: 'open', attempt: 0, generation: 1 });
    expect(stripped).toBe(1);

    FakeSocket.made[2].reply({ type: 'event', event: 'devices.changed', payload: { devices: [] } });
    expect(events).toHaveLength(1);
  });

  it('backs off to at most 10 s', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(reconnectDelay)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('takes the token out of the address and keeps the rest', () => {
    expect(addressWithoutToken({ pathname: '/', search: '?token=abc', hash: '' })).toBe('/');
    expect(addressWithoutToken({ pathname: '/', search: '?token=abc&view=logs', hash: '#main' })).toBe('/?view=logs#main');
  });
});
