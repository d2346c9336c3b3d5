import type { VirtualParticleDevice } from '../../../lab';
import { labPlatform } from '../../../lab/platforms/lab-platforms';
import { RELEASES, releaseModules } from '../../../lab/scenarios/firmware-sets';
import { FirmwareService } from '../../firmware/firmware-service';
import type { FirmwareFile } from '../../firmware/inspect';
import { startLabRig, type LabRig } from '../../keys/testing/lab-rig';
import { ReportService } from '../../reports/report-service';
import { DiagnosisService } from '../diagnosis-service';

export interface DiagnosisRig extends LabRig {
  reports: ReportService;
  diagnosis: DiagnosisService;
  /** Attach and wait until the device has settled: online, showing a cloud error, or in a mode of its own. */
  attach(scenario: string): Promise<VirtualParticleDevice>;
}

/** The real services on the device lab and virtual cloud, plus the diagnosis service over them. */
export async function startDiagnosisRig(): Promise<DiagnosisRig> {
  const rig = await startLabRig();
  const reports = new ReportService({ dataDir: rig.dataDir });
  const firmware = new FirmwareService({ dfu: rig.dfu, devices: rig.devices, backups: rig.backups, opLog: rig.opLog });
  const diagnosis = new DiagnosisService({
    devices: rig.devices,
    dfu: rig.dfu,
    keys: rig.keys,
    cloud: rig.cloudService,
    firmware,
    reports,
    lab: rig.lab,
    opLog: rig.opLog,
  });
  return {
    ...rig,
    reports,
    diagnosis,
    async attach(scenario) {
      const device = await rig.lab.attach(scenario, { timing: 'fast' });
      const settled = (): boolean => device.cloudOnline || device.led().patternId.includes('burst') || device.mode !== 'normal';
      for (let i = 0; i < 500 && !settled(); i++) await new Promise((r) => setTimeout(r, 10));
      return device;
    },
    async close() {
      reports.dispose();
      await rig.close();
    },
  };
}

/** A valid Device OS 2.3.1 system part set for the Photon, as the user would pick it. */
export function photonSystemParts(seed = 7): FirmwareFile[] {
  const modules = releaseModules(labPlatform(6), RELEASES['2.3.1'], seed);
  const at = (address: number) => modules.find((m) => m.address === address)!.image;
  return [
    { fileName: 'system-part1.bin', data: at(0x08020000) },
    { fileName: 'system-part2.bin', data: at(0x08060000) },
  ];
}
