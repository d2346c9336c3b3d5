import { useState } from 'react';
import type { z } from 'zod';
import type { FirmwareFileSchema } from '../../../shared/contract/firmware';

export type FirmwareFile = z.infer<typeof FirmwareFileSchema>;

/** Binary files cross the contract as base64; chunks keep String.fromCharCode within its argument limit. */
export async function toFirmwareFile(file: File): Promise<FirmwareFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { fileName: file.name, dataBase64: btoa(binary) };
}

/**
 * Files for a reflash step, chosen before the rescue starts. Without them the step is left to the
 * user with advice (the app ships no firmware of its own).
 */
export function FirmwarePicker({ label, hint, testId, onChange }: { label: string; hint: string; testId: string; onChange: (files: FirmwareFile[]) => void }) {
  const [names, setNames] = useState<string[]>([]);
  const pick = async (list: FileList | null) => {
    const files = await Promise.all([...(list ?? [])].map(toFirmwareFile));
    setNames(files.map((f) => f.fileName));
    onChange(files);
  };
  return (
    <label className="field firmware-picker">
      <span>{label}</span>
      <input type="file" multiple accept=".bin,.zip" data-testid={testId} onChange={(e) => void pick(e.target.files)} />
      <span className="muted">{names.length > 0 ? `Chosen: ${names.join(', ')}` : hint}</span>
    </label>
  );
}
