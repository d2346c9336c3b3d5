import Particle from 'particle-api-js';
import { RescueError } from '../../../shared/errors';

export type KeyAlgorithm = 'rsa' | 'ecc';

export interface PublicKeyUpload {
  deviceId: string;
  publicKeyPem: string;
  algorithm: KeyAlgorithm;
  productId?: number;
}

export interface CloudDeviceInfo {
  online: boolean;
  connected: boolean;
  lastHeard: string | null;
}

export type PasswordLogin = { token: string } | { mfaToken: string };

/** The cloud calls the service makes, one profile's base URL; errors are particle-api-js errors. */
export interface CloudApi {
  login(username: string, password: string): Promise<PasswordLogin>;
  sendOtp(mfaToken: string, otp: string): Promise<string>;
  username(token: string): Promise<string>;
  device(token: string, deviceId: string, productId?: number): Promise<CloudDeviceInfo>;
  sendPublicKey(token: string, upload: PublicKeyUpload): Promise<void>;
}

/** What particle-api-js throws: statusCode is absent for network errors. */
export interface ApiError {
  statusCode?: number;
  body?: { error?: string; error_description?: string; mfa_token?: string };
  timedOut?: boolean;
}

export function apiError(error: unknown): ApiError {
  return typeof error === 'object' && error !== null ? (error as ApiError) : {};
}

/**
 * particle-api-js has no request timeout, so each call races a timer; a late answer is dropped.
 * The library makes no request of its own (no telemetry), only the calls below, to `baseUrl`.
 */
export function particleCloudApi(baseUrl: string, timeoutMs: number): CloudApi {
  const particle = new Particle({ baseUrl });
  const call = <T>(promise: Promise<T>): Promise<T> => withTimeout(promise, timeoutMs);
  return {
    async login(username, password) {
      try {
        const res = await call(particle.login({ username, password }));
        return { token: accessToken(res.body) };
      } catch (error) {
        const { statusCode, body } = apiError(error);
        if (statusCode === 403 && body?.error === 'mfa_required' && body.mfa_token) return { mfaToken: body.mfa_token };
        throw error;
      }
    },
    async sendOtp(mfaToken, otp) {
      const res = await call(particle.sendOtp({ mfaToken, otp }));
      return accessToken(res.body);
    },
    async username(token) {
      const res = await call(particle.getUserInfo({ auth: token }));
      return res.body.username;
    },
    async device(token, deviceId, productId) {
      const res = await call(particle.getDevice({ deviceId, product: productId, auth: token }));
      return { online: res.body.online === true, connected: res.body.connected === true, lastHeard: res.body.last_heard ?? null };
    },
    async sendPublicKey(token, upload) {
      if (upload.productId === undefined) {
        await call(particle.sendPublicKey({ deviceId: upload.deviceId, key: upload.publicKeyPem, algorithm: upload.algorithm, auth: token }));
        return;
      }
      // sendPublicKey has no product parameter; the same request with product_id added.
      await call(
        particle.post({
          uri: `/v1/provisioning/${upload.deviceId}`,
          auth: token,
          data: {
            deviceID: upload.deviceId,
            publicKey: upload.publicKeyPem,
            filename: 'particle-api',
            order: `manual_${Date.now()}`,
            algorithm: upload.algorithm,
            product_id: upload.productId,
          },
        }),
      );
    },
  };
}

function accessToken(body: { access_token?: unknown }): string {
  if (typeof body.access_token === 'string' && body.access_token.length > 0) return body.access_token;
  throw new RescueError('CLOUD_REJECTED', 'The cloud accepted the login but sent no access token.', 'Check that the cloud profile points at a Particle Cloud API.');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject({ timedOut: true } satisfies ApiError), ms);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
