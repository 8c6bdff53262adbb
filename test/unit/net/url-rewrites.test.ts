import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyUrlRewrites, isLoopbackHost, prepareUrl } from '../../../src/net/index.js';

describe('applyUrlRewrites', () => {
  it('applies every rule in order, replacing every match', () => {
    const rewrites: Array<[RegExp | string, string]> = [
      ['github\\.com/(\\w+)/(\\w+)', 'gh-mirror.corp/$1/$2'],
      [/mirror\.corp/, 'mirror.internal'],
    ];
    assert.equal(
      applyUrlRewrites('https://github.com/moonrepo/proto/releases/x', rewrites),
      'https://gh-mirror.internal/moonrepo/proto/releases/x',
    );
    assert.equal(applyUrlRewrites('https://a/b/b', [['b', 'c']]), 'https://a/c/c');
  });

  it("understands Rust's ${n} and ${name} replacement syntax", () => {
    assert.equal(applyUrlRewrites('https://x.org/v1/f.tgz', [['https://x\\.org/(?<rest>.*)', 'https://m.org/${rest}']]), 'https://m.org/v1/f.tgz');
    assert.equal(applyUrlRewrites('https://x.org/f', [['x\\.(org)', 'y.${1}']]), 'https://y.org/f');
    assert.equal(applyUrlRewrites('https://x.org/f', [['x', 'a$$b']]), 'https://a$b.org/f');
  });

  it('leaves URLs alone without rules', () => {
    assert.equal(applyUrlRewrites('https://x.org/f', undefined), 'https://x.org/f');
  });
});

describe('URL policy', () => {
  it('allows https anywhere and http only on loopback', () => {
    assert.equal(prepareUrl('https://example.com/f', {}), 'https://example.com/f');
    assert.equal(prepareUrl('http://127.0.0.1:8080/f', {}), 'http://127.0.0.1:8080/f');
    assert.equal(prepareUrl('http://localhost/f', {}), 'http://localhost/f');
    assert.equal(prepareUrl('http://[::1]:9/f', {}), 'http://[::1]:9/f');
    assert.throws(() => prepareUrl('http://example.com/f', {}), { code: 'net.insecure_url' });
    assert.throws(() => prepareUrl('ftp://example.com/f', {}), { code: 'net.invalid_url' });
    assert.throws(() => prepareUrl('not a url', {}), { code: 'net.invalid_url' });
  });

  it('checks the URL after rewriting, and says so', () => {
    const rewrites: Array<[string, string]> = [['^https://', 'http://']];
    assert.throws(() => prepareUrl('https://example.com/f', { urlRewrites: rewrites }), (error: Error) => {
      assert.match(error.message, /rewritten from https:\/\/example\.com\/f/);
      return true;
    });
    assert.equal(prepareUrl('https://example.com/f', { urlRewrites: [['^https://example\\.com', 'http://127.0.0.1:1']] }), 'http://127.0.0.1:1/f');
  });

  it('knows loopback hosts', () => {
    for (const host of ['localhost', 'a.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['example.com', '10.0.0.1', '128.0.0.1', 'localhost.evil.com']) assert.equal(isLoopbackHost(host), false, host);
  });
});
