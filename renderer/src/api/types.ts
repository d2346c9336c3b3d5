import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import type { RescueErrorData } from '../../../shared/errors';

/** The renderer's only view of main: the contract, over whichever transport this window has. */
export interface ApiClient {
  readonly transport: 'electron' | 'browser' | 'test';
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** A failed call: the contract's { code, message, fix }, never a stack. */
export class ApiError extends Error {
  readonly code: string;
  readonly fix: string;

  constructor(data: RescueErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
    this.fix = data.fix;
  }
}
