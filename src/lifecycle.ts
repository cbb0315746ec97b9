/**
 * What start-up has started, to be stopped in reverse order. A failure at any
 * step of start-up and a normal stop() run the same code: whatever was started
 * is stopped, newest first; a step that fails to stop does not keep the older
 * ones running.
 */
export interface StopStack {
  /** Registers how to undo what was just started. */
  defer(name: string, stop: () => Promise<void> | void): void;
  /** Stops everything once; later calls wait for the same stop. Resolves with the names that failed to stop. */
  unwind(): Promise<string[]>;
}

export function createStopStack(onError: (name: string, error: unknown) => void): StopStack {
  const steps: { name: string; stop: () => Promise<void> | void }[] = [];
  let unwinding: Promise<string[]> | undefined;
  const run = async () => {
    const failed: string[] = [];
    for (const step of steps.splice(0).reverse()) {
      try {
        await step.stop();
      } catch (error) {
        failed.push(step.name);
        onError(step.name, error);
      }
    }
    return failed;
  };
  return {
    defer(name, stop) {
      if (unwinding) throw new Error(`cannot start ${name}: stopping`);
      steps.push({ name, stop });
    },
    unwind: () => (unwinding ??= run()),
  };
}
