// The text of the progress line: what the worker reports during a load or a fit.
import type { ProgressMessage } from '../protocol.js';
import { count, fmt, megabytes } from './dom.js';

/** What the live status line says during each phase of a request. */
export const PHASE_TEXT: Record<ProgressMessage['phase'], string> = {
  read: 'Reading the data…',
  design: 'Building the design matrix…',
  fit: 'Fitting…',
  summary: 'Computing the tables and the plot…',
};

/** The detail line beside the progress bar (the live status line names the phase). */
export function describeProgress(p: ProgressMessage): string {
  switch (p.phase) {
    case 'read': return `${count(p.rowsRead)} rows read (${megabytes(p.bytesRead)} of ${megabytes(p.totalBytes)})`;
    case 'design': return `${count(p.rowsRead)} rows`;
    case 'fit': return `${p.fit ? `${p.fit}: ` : ''}Newton iteration ${p.iteration ?? '…'}${p.deviance !== undefined ? `, deviance ${fmt(p.deviance, 8)}` : ''}`;
    case 'summary': return '';
  }
}
