import type { ReactNode } from 'react';
import { getApi } from '../api';

/** Documentation and console links open in the system browser through the allow-listed app method. */
export function ExternalLink({ href, children }: { href: string; children: ReactNode }) {
  const open = (event: React.MouseEvent) => {
    event.preventDefault();
    getApi()
      .call('app.openExternal', { url: href })
      .catch(() => undefined);
  };
  return (
    <a href={href} onClick={open} rel="noreferrer">
      {children}
    </a>
  );
}
