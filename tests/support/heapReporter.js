/**
 * For finding what a test file leaves in memory: run jest in band under `node --expose-gc` with
 * `--reporters default --reporters ./tests/support/heapReporter.js`; after each file it collects garbage and prints the
 * heap, and writes a heap snapshot after the files numbered in HEAP_SNAPSHOT_AFTER (e.g. `2,6`) to compare.
 */
const v8 = require('node:v8');

class HeapReporter {
  files = 0;

  onTestFileResult(test) {
    this.files += 1;
    if (typeof global.gc === 'function') for (let i = 0; i < 3; i++) global.gc();
    const { heapUsed, rss } = process.memoryUsage();
    const mb = (bytes) => (bytes / 1048576).toFixed(1);
    process.stdout.write(`heap after file ${this.files} (${test.path}): ${mb(heapUsed)} MB used, ${mb(rss)} MB resident\n`);
    if ((process.env.HEAP_SNAPSHOT_AFTER ?? '').split(',').map(Number).includes(this.files))
      process.stdout.write(`heap snapshot: ${v8.writeHeapSnapshot(`heap-after-${this.files}.heapsnapshot`)}\n`);
  }
}
module.exports = HeapReporter;
