import type { wifiMethods } from '../../../shared/contract/wifi';
import type { WifiService } from '../../services/wifi/wifi-service';
import type { HandlerGroup } from '../handler-types';

export interface WifiHandlerDeps {
  wifi: Pick<WifiService, 'scan' | 'listStored' | 'setCredentials'>;
}

export function wifiHandlers(deps: WifiHandlerDeps): HandlerGroup<typeof wifiMethods> {
  return {
    'wifi.scan': ({ deviceId }) => deps.wifi.scan(deviceId),
    'wifi.listStored': ({ deviceId }) => deps.wifi.listStored(deviceId),
    'wifi.setCredentials': ({ deviceId, credentials }) => deps.wifi.setCredentials(deviceId, credentials),
  };
}
