/**
 * The demo page's engine as a dedicated module worker (see ../protocol.ts for the messages):
 * a thin shell that hands each message to the Engine (./session.ts) and posts its answers.
 *
 * The page starts it with
 *   new Worker(new URL('./engine/worker.ts', import.meta.url), { type: 'module' })
 */
/// <reference lib="webworker" />
import type { PageToWorker } from '../protocol.js';
import { Engine } from './session.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const engine = new Engine((message, transfer = []) => scope.postMessage(message, transfer));
scope.addEventListener('message', (event: MessageEvent<PageToWorker>) => {
  void engine.handle(event.data);
});
