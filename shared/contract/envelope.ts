import { z } from 'zod';
import { RescueErrorDataSchema, type RescueErrorData } from '../errors';

/** What every transport carries back for a call: a value or an error as data (never a thrown stack). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: RescueErrorData };

/** WebSocket frames of browser mode. Electron IPC uses the same envelope inside ipcRenderer.invoke. */
export const WsRequestSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(64),
  input: z.unknown(),
});
export type WsRequest = z.infer<typeof WsRequestSchema>;

export const WsReplySchema = z.object({
  type: z.literal('reply'),
  id: z.number().int(),
  ok: z.boolean(),
  value: z.unknown().optional(),
  error: RescueErrorDataSchema.optional(),
});

export const WsEventSchema = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });

export const WsServerFrameSchema = z.discriminatedUnion('type', [WsReplySchema, WsEventSchema]);
export type WsServerFrame = z.infer<typeof WsServerFrameSchema>;
