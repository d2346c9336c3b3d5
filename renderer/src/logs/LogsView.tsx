import { useDevices } from '../app/devices-store';
import { go, useNav } from '../app/nav-store';
import { FocusHeading } from '../components/FocusHeading';
import { DeviceLog } from './DeviceLog';
import { OperationLogPanel } from './OperationLogPanel';

export function LogsView() {
  const devices = useDevices((s) => s.devices);
  const deviceId = useNav((s) => s.deviceId);
  const current = devices.find((d) => d.deviceId === deviceId) ?? devices[0];
  return (
    <div className="view" data-testid="logs-view">
      <FocusHeading testId="view-heading">Logs</FocusHeading>
      <label className="field-inline">
        <span>Device</span>
        <select data-testid="logs-device" value={current?.deviceId ?? ''} onChange={(e) => go('logs', { deviceId: e.target.value })}>
          {devices.length === 0 && <option value="">No device attached</option>}
          {devices.map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.platformName} {d.deviceId}
              {d.virtual ? ' — virtual device (demo)' : ''}
            </option>
          ))}
        </select>
      </label>
      <div className="logs-columns">
        {current ? <DeviceLog key={current.deviceId} deviceId={current.deviceId} /> : <p className="muted">Attach a device to see its serial log.</p>}
        <OperationLogPanel />
      </div>
    </div>
  );
}
