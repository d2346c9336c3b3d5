import type { CliCommand } from '../types';
import { commands as backupCommands } from './backups';
import { command as devicesCommand } from './devices';
import { command as dfuCommand } from './dfu';
import { commands as firmwareCommands } from './firmware';
import { commands as keyCommands } from './keys';
import { command as labCommand } from './lab';
import { commands as reportCommands } from './reports';

export const allCommands: CliCommand[] = [devicesCommand, dfuCommand, ...keyCommands, ...backupCommands, ...firmwareCommands, ...reportCommands, labCommand];
