// Test helper: the error a promise rejects with (uvu's assert.throws is for synchronous code only).
import * as assert from 'uvu/assert';

export async function rejects(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.unreachable('expected a rejection');
}
