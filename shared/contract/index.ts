import type { z } from 'zod';
import { appEvents, appMethods } from './app';
import { backupsMethods } from './backups';
import { cloudMethods } from './cloud';
import { devicesEvents, devicesMethods, udevMethods } from './devices';
import { diagnosisMethods } from './diagnosis';
import { firmwareMethods } from './firmware';
import { keysMethods } from './keys';
import { labMethods } from './lab';
import { logsEvents, logsMethods } from './logs';
import { reportsMethods } from './reports';
import { wifiMethods } from './wifi';

/** The only door between renderer and main: every method and event, with runtime schemas. */
export const contract = {
  methods: {
    ...appMethods,
    ...devicesMethods,
    ...udevMethods,
    ...labMethods,
    ...diagnosisMethods,
    ...keysMethods,
    ...backupsMethods,
    ...firmwareMethods,
    ...cloudMethods,
    ...logsMethods,
    ...reportsMethods,
    ...wifiMethods,
  },
  events: {
    ...appEvents,
    ...devicesEvents,
    ...logsEvents,
  },
} as const;

export type Methods = typeof contract.methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof contract.events;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof contract.events)[E]['payload']>;

export const METHOD_NAMES = Object.keys(contract.methods) as MethodName[];
export const EVENT_NAMES = Object.keys(contract.events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract.methods, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract.events, name);
}

/** Electron IPC channel names, derived from the contract so preload and main cannot disagree. */
export const ipcChannel = (method: MethodName): string => `rpc:${method}`;
export const ipcEventChannel = (eventName: EventName): string => `evt:${eventName}`;

export * from './app';
export * from './backups';
export * from './cloud';
export * from './devices';
export * from './diagnosis';
export * from './firmware';
export * from './keys';
export * from './lab';
export * from './logs';
export * from './reports';
export * from './define';
export * from './wifi';
