import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, EnvHttpProxyAgent } from 'undici';
import { dispatcherFor } from '../../../src/net/dispatcher.js';
import { isRetryable, isRetryableStatus } from '../../../src/net/index.js';
import { HttpStatusFailure, TruncatedBodyFailure } from '../../../src/net/net-errors.js';

describe('what is retried', () => {
  it('retries 408, 429 and 5xx only', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599]) assert.equal(isRetryableStatus(status), true, String(status));
    for (const status of [400, 401, 403, 404, 410, 418, 301]) assert.equal(isRetryableStatus(status), false, String(status));
  });

  it('retries network errors and truncated bodies, not programming errors', () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      assert.equal(isRetryable(withCode(code)), true, code);
    }
    assert.equal(isRetryable(new TruncatedBodyFailure(1, 2)), true);
    assert.equal(isRetryable(new HttpStatusFailure(503, undefined)), true);
    assert.equal(isRetryable(new HttpStatusFailure(404, undefined)), false);
    assert.equal(isRetryable(new TypeError('bug')), false);
    assert.equal(isRetryable(withCode('UND_ERR_ABORTED')), false);
  });
});

describe('proxies', () => {
  it('uses HTTPS_PROXY/HTTP_PROXY from the environment, settings first, never for loopback', () => {
    const remote = new URL('https://example.com/f');
    assert.ok(dispatcherFor(remote, { env: {} }) instanceof Agent);
    assert.ok(dispatcherFor(remote, { env: { HTTPS_PROXY: 'http://proxy.corp:3128' } }) instanceof EnvHttpProxyAgent);
    assert.ok(dispatcherFor(remote, { env: { https_proxy: 'http://proxy.corp:3128' } }) instanceof EnvHttpProxyAgent);
    assert.ok(dispatcherFor(remote, { env: {}, http: { proxies: ['http://proxy.corp:3128'] } }) instanceof EnvHttpProxyAgent);
    const local = new URL('http://127.0.0.1:9/f');
    assert.ok(dispatcherFor(local, { env: { HTTP_PROXY: 'http://proxy.corp:3128' } }) instanceof Agent);
    assert.ok(!(dispatcherFor(local, { env: { HTTP_PROXY: 'http://proxy.corp:3128' } }) instanceof EnvHttpProxyAgent));
  });
});
