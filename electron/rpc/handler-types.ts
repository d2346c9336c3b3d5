import type { MethodName, MethodOutput, ParsedInput } from '../../shared/contract';

export interface CallContext {
  transport: 'electron' | 'browser' | 'cli' | 'test';
}

export type Handler<M extends MethodName> = (input: ParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;

/** Handlers for one domain of the contract: the compiler checks names, inputs and outputs. */
export type HandlerGroup<Ms> = { [K in keyof Ms & MethodName]: Handler<K> };

export type HandlerMap = { [K in MethodName]: Handler<K> };
