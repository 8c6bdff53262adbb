// Child process: downloads argv[2] to argv[3] with the real network layer and prints
// `{"bytes":…,"sha256":…}`. A crash inside the HTTP client (an uncatchable assertion) kills this
// process, which is what the parent test watches for.
import { downloadFile } from '../../../src/net/index.js';

const [url, destination] = process.argv.slice(2) as [string, string];
const result = await downloadFile(url, destination, { hashes: ['sha256'], settings: { http: { retryCount: 0 } } });
console.log(JSON.stringify({ bytes: result.bytes, sha256: result.hashes.sha256 }));
