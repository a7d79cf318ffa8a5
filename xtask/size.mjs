// Prints "raw gzip brotli" byte counts (gzip level 9, brotli quality 11), one line per file
// given, in order: one process for the whole report.
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

for (const file of process.argv.slice(2)) {
  const data = readFileSync(file);
  const gzip = gzipSync(data, { level: 9 }).length;
  const brotli = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  }).length;
  console.log(`${data.length} ${gzip} ${brotli}`);
}
