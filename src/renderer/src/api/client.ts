import type { Contract, OperationName } from '../../../shared/contract';
import type { InputOf, OutputOf } from '../../../shared/contract/define';
import type { ErrorInfo } from '../../../shared/errors';
import type { EventHandler, Transport } from './transport';

export class ApiError extends Error {
  readonly code: ErrorInfo['code'];
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.code = info.code;
  }
}

/** The typed client the pages use; it never knows whether it runs in Electron or a browser. */
export interface Api {
  readonly kind: Transport['kind'];
  call<K extends OperationName>(name: K, input: InputOf<Contract, K>): Promise<OutputOf<Contract, K>>;
  subscribe(handler: EventHandler, onConnected?: () => void): () => void;
}

export function createApi(transport: Transport): Api {
  return {
    kind: transport.kind,
    async call(name, input) {
      const result = await transport.call(name, input);
      if (!result.ok) throw new ApiError(result.error);
      return result.value as never;
    },
    subscribe: (handler, onConnected) => transport.subscribe(handler, onConnected),
  };
}
