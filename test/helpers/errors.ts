// Catching the SoftlogitError a call is expected to throw (or a promise to reject with), so a test
// can check its code and message: anything else thrown, or nothing, fails the test.
import { expect } from 'vitest';
import { SoftlogitError } from '../../src/errors.js';

/** The SoftlogitError `fn` throws; fails the test when it throws anything else or nothing. */
export function catchError(fn: () => unknown): SoftlogitError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SoftlogitError);
    return error as SoftlogitError;
  }
  throw new Error('expected a SoftlogitError, nothing was thrown');
}

/** The SoftlogitError `promise` rejects with; fails the test when it rejects with anything else or resolves. */
export async function rejection(promise: Promise<unknown>): Promise<SoftlogitError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SoftlogitError);
    return error as SoftlogitError;
  }
  throw new Error('expected a SoftlogitError, nothing was thrown');
}
