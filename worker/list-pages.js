// Pages through ListSecrets off the main thread, so that drawing rows never delays the next
// request. index.html requests the first page itself (as early as possible), then starts this
// worker from that page's NextToken; the app takes the pages over (src/api/list_feed.rs) and
// re-reads each one itself.
//
// This worker only handles the happy path. On the first answer that is not a 2xx, on a network
// failure, or when paging looks wrong (no, empty or repeated NextToken, unreadable JSON), it says
// `stop` and ends: the app requests that page again itself, with its retries and its error
// messages.
//
// In:  { url, firstBody, token }   the absolute URL of the proxy's /api/secretsmanager, the first
//                                  page's request body, and the NextToken to continue from
// Out: { token, text, date }       a 2xx answer to the request with this NextToken, and its `Date`
//                                  header: the app counts time left with the proxy's clock when
//                                  the browser's is off
//      { stop: true }              nothing more will come
'use strict';

async function walk(url, firstBody, token) {
  const seen = new Set([token]);
  for (;;) {
    let response, text;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': 'secretsmanager.ListSecrets',
        },
        // The first page's request plus the token, as the app sends it (src/state.rs).
        body: firstBody.slice(0, -1) + ',"NextToken":' + JSON.stringify(token) + '}',
      });
      if (!response.ok) return;
      text = await response.text();
    } catch (_) {
      return;
    }
    postMessage({ token, text, date: response.headers.get('date') });
    let next;
    try {
      next = JSON.parse(text).NextToken;
    } catch (_) {
      return;
    }
    if (typeof next !== 'string' || next === '' || seen.has(next)) return;
    seen.add(next);
    token = next;
  }
}

onmessage = async ({ data }) => {
  try {
    await walk(data.url, data.firstBody, data.token);
  } finally {
    postMessage({ stop: true });
  }
};
