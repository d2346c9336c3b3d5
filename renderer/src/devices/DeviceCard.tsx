import type { DeviceSummary } from '../../../shared/domain';
import { getApi } from '../api';
import { go } from '../app/nav-store';
import { useGuarded } from '../app/use-guarded';
import { CopyButton } from '../components/CopyButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { useWizard } from '../wizard/wizard-store';
import { HealthBadge } from './HealthBadge';
import { KeyRepair } from './KeyRepair';
import { MODE_TEXT } from './mode-text';

export function DeviceCard({ device }: { device: DeviceSummary }) {
  const { problem, guard } = useGuarded();
  const title = `${device.platformName}${device.virtual ? ' — Virtual device (demo)' : ''}`;

  const unplug = () => guard(async () => void (await getApi().call('lab.detach', { deviceId: device.deviceId })));

  return (
    <article
      className={`device-card${device.virtual ? ' virtual' : ''}`}
      data-testid={`device-card-${device.deviceId}`}
      data-device-card=""
      data-scenario={device.scenario ?? ''}
      data-mode={device.mode}
      aria-label={title}
    >
      <header className="device-card-head">
        <h3>{device.platformName}</h3>
        {device.virtual && (
          <span className="badge badge-virtual" data-testid="virtual-label">
            Virtual device (demo)
          </span>
        )}
        <HealthBadge health={device.health} />
      </header>
      <dl className="facts">
        <dt>Device ID</dt>
        <dd>
          <code data-testid="device-id">{device.deviceId}</code> <CopyButton text={device.deviceId} label={`Copy device ID ${device.deviceId}`} />
        </dd>
        <dt>Mode</dt>
        <dd data-testid="device-mode">{MODE_TEXT[device.mode]}</dd>
        <dt>Device OS</dt>
        <dd>{device.deviceOsVersion ?? 'Not known yet'}</dd>
        {device.scenario && (
          <>
            <dt>Demo scenario</dt>
            <dd>{device.scenario}</dd>
          </>
        )}
      </dl>
      {device.busy && <p className="muted">Busy with an operation…</p>}
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="rescue-device"
          onClick={() => {
            useWizard.getState().selectDevice(device.deviceId);
            go('rescue', { deviceId: device.deviceId });
          }}
        >
          Diagnose and rescue
        </button>
        <button type="button" className="btn" data-testid="device-logs" onClick={() => go('logs', { deviceId: device.deviceId })}>
          Logs
        </button>
        {device.virtual && (
          <button type="button" className="btn" data-testid="unplug-virtual" onClick={unplug}>
            Unplug virtual device
          </button>
        )}
      </div>
      <KeyRepair device={device} />
      {problem && <ErrorNotice problem={problem} />}
    </article>
  );
}
