// Prints "raw gzip brotli" byte counts of one file (gzip level 9, brotli quality 11).
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const data = readFileSync(process.argv[2]);
const gzip = gzipSync(data, { level: 9 }).length;
const brotli = brotliCompressSync(data, {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  },
}).length;
console.log(`${data.length} ${gzip} ${brotli}`);
