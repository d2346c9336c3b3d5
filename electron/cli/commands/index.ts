import type { CliCommand } from '../types';
import { commands as backupCommands } from './backups';
import { commands as cloudCommands } from './cloud';
import { command as devicesCommand } from './devices';
import { command as dfuCommand } from './dfu';
import { commands as firmwareCommands } from './firmware';
import { commands as keyCommands } from './keys';
import { command as labCommand } from './lab';
import { command as logsCommand } from './logs';
import { commands as reportCommands } from './reports';
import { commands as rescueCommands } from './rescue';
import { command as updateCommand } from './update';
import { command as wifiCommand } from './wifi';

export const allCommands: CliCommand[] = [devicesCommand, dfuCommand, ...keyCommands, ...backupCommands, ...firmwareCommands, updateCommand, ...rescueCommands, logsCommand, ...reportCommands, ...cloudCommands, labCommand, wifiCommand];
