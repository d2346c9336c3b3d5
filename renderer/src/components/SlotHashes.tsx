import type { z } from 'zod';
import type { SlotHashesSchema } from '../../../shared/contract/keys';

type SlotHashes = z.infer<typeof SlotHashesSchema>;

const short = (h: string | null) => (h ? `${h.slice(0, 12)}…` : 'empty');

/** Before/after fingerprints of the key slots: hashes only, never key material. */
export function SlotHashes({ before, after }: { before: SlotHashes | null; after: SlotHashes | null }) {
  const rows: [string, keyof SlotHashes][] = [
    ['Device private key', 'privateKeySha256'],
    ['Server public key', 'serverKeySha256'],
  ];
  return (
    <table className="slot-hashes" data-testid="slot-hashes">
      <caption>Key slots (SHA-256 fingerprints)</caption>
      <thead>
        <tr>
          <th scope="col">Slot</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, key]) => {
          const b = before?.[key] ?? null;
          const a = after?.[key] ?? null;
          return (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td title={b ?? undefined}>
                <code>{short(b)}</code>
              </td>
              <td title={a ?? undefined}>
                <code>{short(a)}</code> {b !== a && <span className="badge badge-info">changed</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
