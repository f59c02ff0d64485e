// The QueryFailure an engine call rejects with, for tests that expect a refusal.
import type { QueryFailure } from '../../src-main/contract.ts';

export async function failure(p: Promise<unknown>): Promise<QueryFailure> {
  try {
    await p;
  } catch (e) {
    return e as QueryFailure;
  }
  throw new Error('expected a failure');
}
