/** The only code that touches the network. */
export { downloadFile, type DownloadFileOptions, type DownloadFileResult, type HashAlgorithm } from './download-file.js';
export { fetchBuffer, type FetchBufferOptions, type FetchBufferResult } from './fetch-buffer.js';
export { applyUrlRewrites } from './url-rewrites.js';
export { isLoopbackHost } from './url-policy.js';
export { prepareUrl } from './get-with-retries.js';
export { isRetryable, isRetryableStatus } from './net-errors.js';
export {
  DEFAULT_HTTP,
  type HttpSettings,
  type NetSettings,
  type TransferProgress,
  type UrlRewrite,
} from './net-settings.js';
