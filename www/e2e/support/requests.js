// Which files of pkg/ a page asks the network for (the politeness and checkout tests count them).
'use strict';

/** Paths under /pkg/ the page requests from now on (reset with `.length = 0`). */
function pkgRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith('/pkg/')) seen.push(p);
  });
  return seen;
}

module.exports = { pkgRequests };
