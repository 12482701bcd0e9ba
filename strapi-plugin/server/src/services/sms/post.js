'use strict';

// One POST for the SMS providers: over HTTPS (TLS verification on), or HTTP for a
// gateway or test double on a private network; connections are kept alive between
// messages, and the whole exchange has a deadline. Node's own client rather than
// fetch: fetch's web streams cost each message several times the CPU (BENCHMARKS.md).
const http = require('node:http');
const https = require('node:https');

// An idle kept-alive connection is closed after this long (as fetch does), before most
// servers close theirs: a message is never written to a connection the far end dropped.
const IDLE_MS = 4000;
const AGENT = { keepAlive: true, timeout: IDLE_MS };
const CLIENTS = {
  'https:': { request: https.request, agent: new https.Agent(AGENT) },
  'http:': { request: http.request, agent: new http.Agent(AGENT) },
};
// An answer's body is read up to this size (a provider's error), the rest dropped.
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs `body` (a string) to `url` with `headers`; resolves to `{ ok, status, text }` (`ok`
 * for a 2xx answer) once the answer is read, rejects on a network error or when
 * `timeoutMs` pass first.
 */
module.exports = (url, { headers, body, timeoutMs }) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = CLIENTS[target.protocol];
    if (!client) throw new Error(`cannot POST over ${target.protocol}`);
    const request = client.request(target, {
      method: 'POST',
      agent: client.agent,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    });
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error) => {
      clearTimeout(deadline);
      reject(error);
    };
    request.on('error', fail);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        if (text.length < MAX_ANSWER_BYTES) text += chunk.slice(0, MAX_ANSWER_BYTES - text.length);
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(deadline);
        const status = response.statusCode;
        resolve({ ok: status >= 200 && status <= 299, status, text });
      });
    });
    request.end(body);
  });
