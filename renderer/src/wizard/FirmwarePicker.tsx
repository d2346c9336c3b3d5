import { useState } from 'react';
import type { z } from 'zod';
import { FIRMWARE_FILE_MAX_BYTES, FIRMWARE_SET_MAX_BYTES, type FirmwareFileSchema } from '../../../shared/contract/firmware';

export type FirmwareFile = z.infer<typeof FirmwareFileSchema>;

/** Binary files cross the contract as base64; chunks keep String.fromCharCode within its argument limit. */
export async function toFirmwareFile(file: File): Promise<FirmwareFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { fileName: file.name, dataBase64: btoa(binary) };
}

const MB = 1024 * 1024;

/** Why these files are refused before being read (the contract refuses them too), or null. */
export function sizeProblem(files: readonly { name: string; size: number }[]): string | null {
  const big = files.find((f) => f.size > FIRMWARE_FILE_MAX_BYTES);
  if (big) {
    return `${big.name} is ${(big.size / MB).toFixed(1)} MB: no Particle firmware file is larger than ${FIRMWARE_FILE_MAX_BYTES / MB} MB. Choose the .bin or .zip of a Device OS release or of your application.`;
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > FIRMWARE_SET_MAX_BYTES) {
    return `These files are ${(total / MB).toFixed(1)} MB together, more than ${FIRMWARE_SET_MAX_BYTES / MB} MB. Choose only the files this step needs.`;
  }
  return null;
}

/**
 * Files for a reflash step, chosen before the rescue starts. Without them the step is left to the
 * user with advice (the app ships no firmware of its own).
 */
export function FirmwarePicker({ label, hint, testId, onChange }: { label: string; hint: string; testId: string; onChange: (files: FirmwareFile[]) => void }) {
  const [names, setNames] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const pick = async (list: FileList | null) => {
    const chosen = [...(list ?? [])];
    const refused = sizeProblem(chosen);
    setProblem(refused);
    if (refused) {
      setNames([]);
      onChange([]);
      return;
    }
    const files = await Promise.all(chosen.map(toFirmwareFile));
    setNames(files.map((f) => f.fileName));
    onChange(files);
  };
  return (
    <label className="field firmware-picker">
      <span>{label}</span>
      <input type="file" multiple accept=".bin,.zip" data-testid={testId} onChange={(e) => void pick(e.target.files)} />
      {problem ? (
        <span role="alert" data-testid={`${testId}-problem`}>{problem}</span>
      ) : (
        <span className="muted">{names.length > 0 ? `Chosen: ${names.join(', ')}` : hint}</span>
      )}
    </label>
  );
}
