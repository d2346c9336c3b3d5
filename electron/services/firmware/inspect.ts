import { RescueError } from '../../../shared/errors';
import type { FileProblem, InspectResult } from '../../../shared/contract/firmware';
import { integrityProblems, problem, slotProblems } from './module-checks';
import { parseModule, type ParsedModule } from './module-parser';
import { isZip, readZip } from './zip-reader';

export interface FirmwareFile {
  fileName: string;
  data: Uint8Array;
}

export interface InspectedFile {
  fileName: string;
  /** A release archive: members this app cannot write (e.g. the bootloader) are skipped, not fatal. */
  archive: boolean;
  modules: ParsedModule[];
  problems: FileProblem[];
}

function asProblem(error: unknown): FileProblem {
  if (error instanceof RescueError) return problem(error.code, error.message, error.fix);
  throw error;
}

/** Names from archives are shown to people: control characters (terminal escapes, new lines) become '?'. */
export function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

/** Release archives carry notes and manifests next to the modules; only `.bin` members are firmware. */
function expand(file: FirmwareFile): { members: FirmwareFile[]; problems: FileProblem[] } {
  if (!isZip(file.data)) {
    const misnamed = file.fileName.toLowerCase().endsWith('.zip')
      ? [problem('FIRMWARE_INVALID', `${file.fileName} is named .zip but is not a zip archive.`, 'Download the Device OS release archive again, or rename the file if it is a .bin module.')]
      : [];
    return { members: [file], problems: misnamed };
  }
  try {
    const members = readZip(file.fileName, file.data)
      .filter((e) => e.name.toLowerCase().endsWith('.bin'))
      .map((e) => ({ fileName: `${file.fileName}/${printable(e.name)}`, data: e.data }));
    if (members.length > 0) return { members, problems: [] };
    return {
      members,
      problems: [problem('FIRMWARE_INVALID', `${file.fileName} holds no .bin modules.`, 'Choose a Device OS release archive or the .bin files themselves.')],
    };
  } catch (error) {
    return { members: [], problems: [asProblem(error)] };
  }
}

/** Parse and check every file; never throws for bad input: what is wrong lands in `problems`. */
export function inspectFiles(files: FirmwareFile[]): InspectedFile[] {
  return files.map((file) => {
    const { members, problems } = expand(file);
    const modules: ParsedModule[] = [];
    for (const member of members) {
      try {
        const parsed = parseModule(member.fileName, member.data);
        modules.push(parsed);
        problems.push(...integrityProblems(parsed), ...slotProblems(parsed));
      } catch (error) {
        problems.push(asProblem(error));
      }
    }
    return { fileName: file.fileName, archive: isZip(file.data), modules, problems };
  });
}

export function toInspectResult(inspected: InspectedFile[]): InspectResult {
  return { files: inspected.map((f) => ({ fileName: f.fileName, modules: f.modules.map((m) => m.info), problems: f.problems })) };
}
