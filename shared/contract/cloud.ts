import { z } from 'zod';
import { command, query } from './define';
import { Base64Schema, DeviceIdSchema } from '../domain';

export const ServerEndpointSchema = z.object({ host: z.string().min(1).max(64), port: z.number().int().min(1).max(65535) });

export const CloudProfileSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  name: z.string().min(1).max(80),
  kind: z.enum(['particle', 'private', 'virtual']),
  apiBaseUrl: z.string().url(),
  /** Server public keys (SPKI DER, base64) for a private cloud; absent = the genuine Particle keys. */
  serverKeys: z.object({ tcp: Base64Schema.optional(), udp: Base64Schema.optional() }),
  serverAddress: z.object({ tcp: ServerEndpointSchema.optional(), udp: ServerEndpointSchema.optional() }),
  /** Which cloud instance this is (the lab's virtual cloud: one per lab); records of keys a cloud holds are tied to it. */
  instanceId: z.string().max(80).optional(),
});
export type CloudProfile = z.infer<typeof CloudProfileSchema>;

export const CloudSessionSchema = z.object({
  profileId: z.string(),
  loggedIn: z.boolean(),
  username: z.string().nullable(),
  tokenStorage: z.enum(['safe-storage', 'os-keyring', 'memory']),
  queuedUploads: z.number().int(),
});
export type CloudSession = z.infer<typeof CloudSessionSchema>;

export const LoginResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), session: CloudSessionSchema }),
  z.object({ status: z.literal('mfa-required'), mfaToken: z.string() }),
]);

/** A public key waiting for the cloud (the key itself stays on disk, it is not needed to show the queue). */
export const QueuedUploadSchema = z.object({
  deviceId: DeviceIdSchema,
  algorithm: z.enum(['rsa', 'ecc']),
  productId: z.number().int().positive().optional(),
  profileId: z.string(),
  queuedAt: z.string(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
});
export type QueuedUploadInfo = z.infer<typeof QueuedUploadSchema>;

export const cloudMethods = {
  'cloud.profiles': query(z.object({}), z.object({ profiles: z.array(CloudProfileSchema), activeId: z.string() }), 'Configured cloud profiles.'),
  'cloud.saveProfile': command(CloudProfileSchema, z.object({ saved: z.boolean() }), 'Add or change a private cloud profile.'),
  'cloud.useProfile': command(z.object({ profileId: z.string() }), CloudSessionSchema, 'Switch the active cloud profile.'),
  'cloud.session': query(z.object({}), CloudSessionSchema, 'Who is logged in, where the token is kept.'),
  'cloud.login': command(
    z.object({ username: z.string().min(1).max(254), password: z.string().min(1).max(1024) }),
    LoginResultSchema,
    'Log in with user and password; may ask for a one-time code.',
  ),
  'cloud.loginMfa': command(
    z.object({ mfaToken: z.string().min(1).max(4096), otp: z.string().regex(/^[0-9]{6}$/, 'The one-time code has 6 digits.') }),
    LoginResultSchema,
    'Finish a login with the one-time code from the authenticator app.',
  ),
  'cloud.setToken': command(z.object({ token: z.string().min(20).max(4096) }), CloudSessionSchema, 'Use a pasted access token.'),
  'cloud.logout': command(z.object({}), CloudSessionSchema, 'Forget the token.'),
  'cloud.deviceStatus': query(
    z.object({ deviceId: DeviceIdSchema, productId: z.number().int().positive().optional() }),
    z.object({ online: z.boolean(), connected: z.boolean(), lastHeard: z.string().nullable() }),
    'What the cloud says about a device.',
  ),
  'cloud.uploads': query(z.object({}), z.object({ uploads: z.array(QueuedUploadSchema) }), 'Public keys queued for upload while the cloud was unreachable.'),
  'cloud.retryUploads': command(
    z.object({}),
    z.object({ uploaded: z.array(DeviceIdSchema), uploads: z.array(QueuedUploadSchema) }),
    'Try every queued public key upload again now.',
  ),
} as const;
