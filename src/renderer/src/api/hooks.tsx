import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Contract, OperationName } from '../../../shared/contract';
import type { InputOf, OutputOf } from '../../../shared/contract/define';
import { ApiError, type Api } from './client';

const ApiContext = createContext<Api | null>(null);

export function ApiProvider({ api, children }: { api: Api; children: ReactNode }): React.JSX.Element {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export interface OperationState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ code: 'internal_error', message: String(error) });
}

/** Runs a read operation when `key` changes and keeps the last good value while reloading. */
export function useOperation<K extends OperationName>(
  name: K,
  input: InputOf<Contract, K>,
  key: string = '',
): OperationState<OutputOf<Contract, K>> {
  const api = useApi();
  const [data, setData] = useState<OutputOf<Contract, K>>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const inputRef = useRef(input);
  inputRef.current = input;

  useEffect(() => {
    let live = true;
    setLoading(true);
    api.call(name, inputRef.current).then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (reason: unknown) => {
        if (!live) return;
        setError(asApiError(reason));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, name, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}

/** A write operation with its pending and error state, for forms and buttons. */
export function useMutation<K extends OperationName>(name: K) {
  const api = useApi();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (input: InputOf<Contract, K>): Promise<OutputOf<Contract, K> | undefined> => {
      setPending(true);
      setError(null);
      try {
        return await api.call(name, input);
      } catch (reason) {
        setError(asApiError(reason));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [api, name],
  );
  return { run, pending, error, clearError: () => setError(null) };
}
