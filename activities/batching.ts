/**
 * Group commit for activities that run many at once in one worker: calls that arrive while a batch is being written
 * wait, and go together in the next one (one transaction and a few statements for up to `maxBatch` of them, instead
 * of a transaction each). When a batch fails, its calls are run one at a time, so one bad input fails only itself.
 */
export function batched<I, O>(
  run: (inputs: I[]) => Promise<O[]>,
  options: { maxBatch: number; maxInFlight: number },
): (input: I) => Promise<O> {
  const waiting: { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[] = [];
  let inFlight = 0;
  let scheduled = false;

  const runBatch = async (batch: typeof waiting) => {
    try {
      const outputs = await run(batch.map((call) => call.input));
      batch.forEach((call, i) => call.resolve(outputs[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((call) => run([call.input]).then(([output]) => call.resolve(output!), call.reject)));
    }
  };

  const pump = () => {
    scheduled = false;
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, options.maxBatch);
      inFlight++;
      void runBatch(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      // Let the calls of this turn of the event loop join the same batch.
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    });
}
