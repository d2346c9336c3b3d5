import { platform, release } from 'node:os';
import type { Services } from '../../services/container';
import type { HandlerMap } from '../handler-types';
import { appHandlers } from './app';
import { backupsHandlers } from './backups';
import { cloudHandlers } from './cloud';
import { devicesHandlers } from './devices';
import { diagnosisHandlers } from './diagnosis';
import { firmwareHandlers } from './firmware';
import { keysHandlers } from './keys';
import { labHandlers } from './lab';
import { logsHandlers } from './logs';
import { reportsHandlers } from './reports';
import { udevHandlers } from './udev';
import { wifiHandlers } from './wifi';
import { spawnExec, systemRuleFiles } from '../../main/udev-system';

export interface HandlerExtras {
  transport: 'electron' | 'browser';
  openExternal: (url: string) => Promise<boolean>;
}

/** Every contract method, bound to the one service graph; the compiler checks none is missing. */
export function buildHandlers(s: Services, extras: HandlerExtras): HandlerMap {
  const { operations } = s;
  return {
    ...appHandlers({
      info: { version: s.config.version, transport: extras.transport, readOnly: s.config.readOnly, station: s.config.station, os: `${platform()} ${release()}` },
      operations,
      opLog: s.opLog,
      openExternal: extras.openExternal,
    }),
    ...devicesHandlers({ devices: s.devices, dfu: s.dfu, operations }),
    ...udevHandlers({ platform: process.platform, exec: spawnExec, files: systemRuleFiles() }),
    ...labHandlers({ lab: s.lab, devices: s.devices }),
    ...diagnosisHandlers({ diagnosis: s.diagnosis, operations }),
    ...keysHandlers({ keys: s.keys, operations }),
    ...backupsHandlers({ backups: s.backups, keys: s.keys, operations }),
    ...firmwareHandlers({ firmware: s.firmware, operations }),
    ...cloudHandlers({ cloud: s.cloud }),
    ...logsHandlers({ serial: s.serial, devices: s.devices }),
    ...wifiHandlers({ wifi: s.wifi }),
    ...reportsHandlers({ reports: s.reports }),
  };
}
