/**
 * What the engine's long steps need from their caller: somewhere to send progress, a way to let
 * the worker's message queue run (so a `cancel` message can arrive), and the cancel flag. The
 * worker passes real ones; tests pass their own (or {@link NO_HOOKS}).
 */
import type { ProgressMessage } from '../protocol.js';

/** A progress report; the size fields are filled in by the session from the loaded data when absent. */
export type ProgressUpdate = Pick<ProgressMessage, 'phase'> & Partial<Omit<ProgressMessage, 'type' | 'requestId' | 'phase'>>;

export interface Hooks {
  progress(update: ProgressUpdate): void;
  /** Resolves after the worker has had a chance to handle its queued messages (a macrotask). */
  pause(): Promise<void>;
  /** Whether the request has been cancelled (checked after each pause). */
  cancelled(): boolean;
}

/** Thrown by a step that noticed the cancel flag; the session answers `cancelled`. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** Hooks that report nothing and never cancel. */
export const NO_HOOKS: Hooks = {
  progress: () => {},
  pause: () => Promise.resolve(),
  cancelled: () => false,
};

/** A macrotask turn: lets a worker's pending `message` events run before the work goes on. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Pauses, then throws {@link Cancelled} if the request was cancelled meanwhile. */
export async function checkpoint(hooks: Hooks): Promise<void> {
  await hooks.pause();
  if (hooks.cancelled()) throw new Cancelled();
}
