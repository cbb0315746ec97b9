/**
 * Freezes an answer and everything in it. A handler that answers from a cache freezes the cached answer: nothing
 * can change it between requests, and the HTTP edge serialises a frozen answer once.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
