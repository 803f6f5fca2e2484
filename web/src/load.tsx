// Loading data for a page, and showing what went wrong in words.
import { useCallback, useEffect, useRef, useState, type DependencyList } from "react";
import { Code, explain, isCode } from "./api";
import { useSession } from "./session";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change; a later load wins over an earlier one still in flight. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    latest
      .current(abort.signal)
      .then((value) => {
        if (abort.signal.aborted) return;
        setData(value);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (!abort.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!abort.signal.aborted) setLoading(false);
      });
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** An error explained in words; an UNAUTHENTICATED answer ends the session and shows the sign-in form. */
export function ErrorNote({ error }: { error: unknown }) {
  const { expired } = useSession();
  const unauthenticated = error !== undefined && isCode(error, Code.Unauthenticated);
  useEffect(() => {
    if (unauthenticated) expired();
  }, [unauthenticated, expired]);
  if (error === undefined || error === null) return null;
  return (
    <p className="error" role="alert">
      {explain(error)}
    </p>
  );
}

/** Runs an action, tracking whether it is busy and what error it ended with. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
