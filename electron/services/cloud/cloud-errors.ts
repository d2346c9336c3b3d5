import { RescueError } from '../../../shared/errors';
import { apiError } from './particle-api';

export type CloudCall = 'login' | 'otp' | 'token' | 'upload' | 'status';

interface CallContext {
  cloudName: string;
  deviceId?: string;
  productId?: number;
}

/** Network failures, timeouts and server errors are worth another try; a 4xx answer is final. */
export function isTransient(error: unknown): boolean {
  const { statusCode, timedOut } = apiError(error);
  return timedOut === true || statusCode === undefined || statusCode >= 500;
}

/** Turns what particle-api-js threw into a RescueError; never echoes a token, a request body or a URL query. */
export function cloudError(error: unknown, call: CloudCall, ctx: CallContext): RescueError {
  if (error instanceof RescueError) return error;
  const { statusCode, body } = apiError(error);
  const said = body?.error_description ? ` The cloud said: ${body.error_description}` : '';
  if (isTransient(error)) {
    return new RescueError(
      'CLOUD_UNREACHABLE',
      statusCode === undefined ? `${ctx.cloudName} could not be reached.` : `${ctx.cloudName} answered with a server error (${statusCode}).`,
      call === 'upload'
        ? 'Check the internet connection. The new public key is kept queued and uploaded again when the cloud is reachable (Settings → Cloud → Retry uploads).'
        : 'Check the internet connection (or that the private cloud is running) and try again.',
    );
  }
  if (call === 'login' && (statusCode === 400 || statusCode === 401)) {
    return new RescueError('CLOUD_AUTH_REQUIRED', `${ctx.cloudName} did not accept this user name and password.${said}`, 'Check them and log in again in Settings → Cloud.');
  }
  if (call === 'otp') {
    return new RescueError('CLOUD_MFA_REQUIRED', `The one-time code was not accepted.${said}`, 'Enter the current 6-digit code from your authenticator app; if the login timed out, log in again.');
  }
  if (statusCode === 401 || call === 'token') {
    return new RescueError(
      'CLOUD_AUTH_REQUIRED',
      `${ctx.cloudName} refused the access token; it is missing, expired or revoked.`,
      'Log in again in Settings → Cloud, or paste a new access token.',
    );
  }
  if (statusCode === 403) return forbidden(ctx, said);
  if (statusCode === 404) {
    const what = body?.error_description?.startsWith('Product') ? `Product ${ctx.productId}` : `Device ${ctx.deviceId ?? ''}`.trim();
    return new RescueError(call === 'status' ? 'NOT_FOUND' : 'CLOUD_REJECTED', `${what} is not known to ${ctx.cloudName}.`, 'Check the device ID (and product ID), and that the right cloud profile is active.');
  }
  return new RescueError('CLOUD_REJECTED', `${ctx.cloudName} refused the request (${statusCode}).${said}`, 'Check the input; if it looks right, export the operation log and contact support.');
}

function forbidden(ctx: CallContext, said: string): RescueError {
  const fix =
    ctx.productId !== undefined
      ? `Make sure the account you are logged in with is a team member of product ${ctx.productId} and the device belongs to that product.`
      : 'The device is claimed by another account or belongs to a product: log in as its owner, or give the product ID so the key is uploaded through the product.';
  return new RescueError('CLOUD_FORBIDDEN', `${ctx.cloudName} says this account may not manage device ${ctx.deviceId ?? ''}.${said}`.replace(' .', '.'), fix);
}
