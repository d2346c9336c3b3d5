import { useEffect } from 'react';
import { useDevices } from '../app/devices-store';
import { ErrorNotice } from '../components/ErrorNotice';
import { FocusHeading } from '../components/FocusHeading';
import { DeviceCard } from './DeviceCard';
import { loadPendingRepairs } from './repairs-store';
import { UdevNotice } from './UdevNotice';
import { useLastAttached, VirtualDeviceOffer } from './VirtualDeviceOffer';

export function DevicesView() {
  const { devices, usb, loaded, problem } = useDevices();
  const none = loaded && devices.length === 0;
  const lastAttached = useLastAttached((s) => s.deviceId);
  useEffect(() => {
    void loadPendingRepairs();
  }, []);
  return (
    <div className="view" data-testid="devices-view">
      <FocusHeading testId="view-heading">Devices</FocusHeading>
      {problem && <ErrorNotice problem={problem} />}
      {usb?.problem && (
        <div className="notice notice-warn" role="status" data-testid="usb-problem">
          <p>{usb.problem.message}</p>
          <p>
            <strong>What you can do: </strong>
            {usb.problem.fix}
          </p>
        </div>
      )}
      {/* Without real USB (lab-only host) the rule would not change anything. */}
      {usb?.available !== false && <UdevNotice />}
      {!loaded && <p className="muted">Looking for devices…</p>}
      {lastAttached && !none && (
        <p role="status" data-testid="attached-virtual-status" data-device-id={lastAttached}>
          Virtual device {lastAttached} plugged in. Its card is below.
        </p>
      )}
      {none && <p data-testid="no-devices">No Particle device is plugged in. Connect one with a USB data cable, or try a virtual device below.</p>}
      <div className="device-grid" aria-live="polite">
        {devices.map((d) => (
          <DeviceCard key={d.deviceId} device={d} />
        ))}
      </div>
      {none ? (
        <VirtualDeviceOffer prominent />
      ) : (
        <details className="more">
          <summary>Demo: plug in another virtual device</summary>
          <VirtualDeviceOffer prominent={false} />
        </details>
      )}
    </div>
  );
}
