import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FIRMWARE_FILE_MAX_BYTES, FIRMWARE_SET_MAX_BYTES } from '../../../shared/contract/firmware';
import { FirmwarePicker, sizeProblem, type FirmwareFile } from './FirmwarePicker';

/** A File that claims a size without holding the bytes, and records whether anyone read it. */
function fakeFile(name: string, size: number, bytes = new Uint8Array([1, 2, 3])): File & { reads: number } {
  const file = new File([bytes], name) as File & { reads: number };
  file.reads = 0;
  Object.defineProperty(file, 'size', { value: size });
  Object.defineProperty(file, 'arrayBuffer', {
    value: async () => {
      file.reads += 1;
      return bytes.buffer.slice(0);
    },
  });
  return file;
}

function pick(input: HTMLElement, files: File[]): void {
  fireEvent.change(input, { target: { files } });
}

describe('FirmwarePicker refuses oversize files before reading them', () => {
  it('names the file and the limit for a 40 MB pick, reads nothing and hands on no files', async () => {
    const onChange = vi.fn<(files: FirmwareFile[]) => void>();
    render(<FirmwarePicker label="Device OS" hint="Pick the system parts." testId="firmware-os" onChange={onChange} />);
    const huge = fakeFile('backup.tar', 40 * 1024 * 1024);
    pick(screen.getByTestId('firmware-os'), [huge]);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/backup\.tar is 40\.0 MB.*larger than 8 MB/);
    expect(huge.reads).toBe(0);
    expect(onChange).toHaveBeenCalledWith([]);
  });

  it('refuses a set that is too big together, then accepts a good pick and clears the message', async () => {
    const onChange = vi.fn<(files: FirmwareFile[]) => void>();
    render(<FirmwarePicker label="Device OS" hint="Pick the system parts." testId="firmware-os" onChange={onChange} />);
    const parts = [0, 1, 2].map((i) => fakeFile(`part${i}.bin`, FIRMWARE_FILE_MAX_BYTES));
    pick(screen.getByTestId('firmware-os'), parts);
    expect((await screen.findByRole('alert')).textContent).toMatch(/together, more than 16 MB/);
    expect(parts.every((p) => p.reads === 0)).toBe(true);

    pick(screen.getByTestId('firmware-os'), [fakeFile('system-part1.bin', 3)]);
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith([{ fileName: 'system-part1.bin', dataBase64: 'AQID' }]));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Chosen: system-part1.bin')).toBeTruthy();
  });

  it('sizeProblem draws the line exactly at the contract limits', () => {
    expect(sizeProblem([{ name: 'a.bin', size: FIRMWARE_FILE_MAX_BYTES }])).toBeNull();
    expect(sizeProblem([{ name: 'a.bin', size: FIRMWARE_FILE_MAX_BYTES + 1 }])).toMatch(/a\.bin/);
    expect(sizeProblem([{ name: 'a.bin', size: FIRMWARE_SET_MAX_BYTES / 2 }, { name: 'b.bin', size: FIRMWARE_SET_MAX_BYTES / 2 }])).toBeNull();
    const quarter = FIRMWARE_SET_MAX_BYTES / 4;
    expect(sizeProblem([{ name: 'a.bin', size: 2 * quarter }, { name: 'b.bin', size: quarter }, { name: 'c.bin', size: quarter + 1 }])).toMatch(/together/);
  });
});
