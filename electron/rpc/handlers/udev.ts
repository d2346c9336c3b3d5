import type { udevMethods } from '../../../shared/contract/devices';
import { UDEV_EXPLANATION, installUdevRule, shouldOfferUdevInstall, udevRuleStatus, type Exec, type RuleFiles } from '../../main/udev-helper';
import type { HandlerGroup } from '../handler-types';

export interface UdevHandlerDeps {
  platform: NodeJS.Platform;
  exec: Exec;
  files: RuleFiles;
}

export function udevHandlers(deps: UdevHandlerDeps): HandlerGroup<typeof udevMethods> {
  return {
    'devices.udevRule': async () => {
      const status = deps.platform === 'linux' ? await udevRuleStatus(deps.files) : 'not-linux';
      return {
        status,
        offer: status !== 'not-linux' && shouldOfferUdevInstall(deps.platform, status),
        title: UDEV_EXPLANATION.title,
        message: UDEV_EXPLANATION.message,
        rule: UDEV_EXPLANATION.rule,
        manualFix: UDEV_EXPLANATION.manualFix,
      };
    },
    'devices.installUdevRule': async () => {
      await installUdevRule(deps.exec, deps.files);
      return { installed: true };
    },
  };
}
