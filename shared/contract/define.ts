import type { z } from 'zod';

/** One callable method: its input and output are checked at runtime on every transport. */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly summary: string;
  /** Methods that change a device, a file or the cloud; refused when the host runs read-only. */
  readonly mutates: boolean;
}

/** One event stream pushed from main to the renderer. */
export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  readonly summary: string;
}

export function query<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodDef<I, O> {
  return { input, output, summary, mutates: false };
}

export function command<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodDef<I, O> {
  return { input, output, summary, mutates: true };
}

export function event<P extends z.ZodType>(payload: P, summary: string): EventDef<P> {
  return { payload, summary };
}
