import type { QueuedUploadInfo, cloudMethods } from '../../../shared/contract/cloud';
import type { CloudService, QueuedUpload } from '../../services/cloud/cloud-service';
import type { HandlerGroup } from '../handler-types';

/** What the UI may see of a queued upload: everything but the key itself. */
function uploadInfo({ publicKeyPem: _key, ...info }: QueuedUpload): QueuedUploadInfo {
  return info;
}

export function cloudHandlers(deps: { cloud: CloudService }): HandlerGroup<typeof cloudMethods> {
  const { cloud } = deps;
  return {
    'cloud.profiles': () => cloud.profiles(),
    'cloud.saveProfile': (profile) => cloud.saveProfile(profile),
    'cloud.useProfile': ({ profileId }) => cloud.useProfile(profileId),
    'cloud.session': () => cloud.session(),
    'cloud.login': ({ username, password }) => cloud.login(username, password),
    'cloud.loginMfa': ({ mfaToken, otp }) => cloud.loginMfa(mfaToken, otp),
    'cloud.setToken': ({ token }) => cloud.setToken(token),
    'cloud.logout': () => cloud.logout(),
    'cloud.deviceStatus': ({ deviceId, productId }) => cloud.deviceStatus(deviceId, productId),
    'cloud.uploads': async () => ({ uploads: (await cloud.queued()).map(uploadInfo) }),
    'cloud.retryUploads': async () => {
      const { uploaded, remaining } = await cloud.flushQueue();
      return { uploaded, uploads: remaining.map(uploadInfo) };
    },
  };
}
