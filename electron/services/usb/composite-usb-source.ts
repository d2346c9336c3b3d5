import type { UsbSource, UsbSourceDevice, UsbSourceProblem } from './usb-source';

/** Hardware and lab side by side: one list, one change stream; a hardware problem stays visible. */
export class CompositeUsbSource implements UsbSource {
  constructor(private readonly sources: readonly UsbSource[]) {}

  async list(): Promise<UsbSourceDevice[]> {
    const lists = await Promise.all(this.sources.map((s) => s.list().catch(() => [] as UsbSourceDevice[])));
    return lists.flat();
  }

  onChange(listener: Parameters<UsbSource['onChange']>[0]): () => void {
    const unsubscribes = this.sources.map((s) => s.onChange(listener));
    return () => unsubscribes.forEach((u) => u());
  }

  problem(): UsbSourceProblem | null {
    for (const source of this.sources) {
      const problem = source.problem();
      if (problem) return problem;
    }
    return null;
  }
}
