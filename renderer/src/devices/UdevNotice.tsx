import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import type { UdevRuleInfoSchema } from '../../../shared/contract/devices';
import { getApi } from '../api';
import { useGuarded } from '../app/use-guarded';
import { ErrorNotice } from '../components/ErrorNotice';
import { RichText } from '../components/RichText';

type UdevRuleInfo = z.infer<typeof UdevRuleInfoSchema>;

/** Linux: without the udev rule a normal user cannot open Particle devices; offer to install it. */
export function UdevNotice() {
  const [info, setInfo] = useState<UdevRuleInfo | null>(null);
  const [installed, setInstalled] = useState(false);
  const { problem, guard } = useGuarded();

  const load = useCallback(() => {
    getApi()
      .call('devices.udevRule', {})
      .then(setInfo)
      .catch(() => setInfo(null));
  }, []);
  useEffect(load, [load]);

  if (!info || info.status === 'installed' || info.status === 'equivalent' || info.status === 'not-linux') {
    return installed ? (
      <p className="notice notice-ok" role="status">
        The udev rule is installed. Unplug and replug your device.
      </p>
    ) : null;
  }

  const install = () =>
    guard(async () => {
      const r = await getApi().call('devices.installUdevRule', {});
      setInstalled(r.installed);
      load();
    });

  return (
    <section className="notice notice-warn" data-testid="udev-notice" aria-labelledby="udev-title">
      <h3 id="udev-title">{info.title}</h3>
      <p>
        <RichText text={info.message} />
      </p>
      {info.offer && (
        <button type="button" className="btn btn-primary" data-testid="udev-install" onClick={() => void install()}>
          Install the rule (asks for your password)
        </button>
      )}
      <details>
        <summary>Do it by hand</summary>
        <p>
          <RichText text={info.manualFix} />
        </p>
        <pre className="udev-rule">{info.rule}</pre>
      </details>
      {problem && <ErrorNotice problem={problem} />}
    </section>
  );
}
