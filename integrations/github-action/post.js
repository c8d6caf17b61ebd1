'use strict';
// canarykit GitHub Action, post step (runs when the job ends, even after a failure): report the run's end, so any
// later use of the canary alerts as "used after the run finished".
const lib = require('./lib');

async function post() {
  const id = lib.state('canary_id');
  if (!id) {
    lib.info('canarykit: no canary was issued in this job; nothing to complete');
    return;
  }
  const server = lib.input('server');
  const token = await lib.idToken(lib.input('audience'));
  const { status, json } = await lib.call(server, 'POST', `v1/canaries/${encodeURIComponent(id)}/complete`, token, {});
  if (status === 200) {
    lib.info(`canary ${id} completed`);
    return;
  }
  throw new Error(`completing canary ${id} failed: HTTP ${status}: ${json.error || 'no reason given'}`);
}

post().catch((e) => lib.failOrWarn(`canarykit: ${e.message}`));
