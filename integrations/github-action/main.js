'use strict';
// canarykit GitHub Action, main step: issue this run's canary and plant it where the workflow asked.
const os = require('os');
const path = require('path');
const lib = require('./lib');

async function main() {
  const server = lib.input('server');
  const audience = lib.input('audience');
  if (!server || !audience) {
    throw new Error('the inputs server and audience are required');
  }
  const request = { profile: lib.input('profile', 'return') };
  const kind = lib.input('kind');
  if (kind) request.kind = kind;

  const token = await lib.idToken(audience);
  const { status, json } = await lib.call(server, 'POST', 'v1/canaries', token, request);
  if (status !== 201) {
    throw new Error(`the canarykit server refused the canary: HTTP ${status}: ${json.error || 'no reason given'}`);
  }
  const id = String(json.canaryId || '');
  if (!/^[0-9A-Z]{26}$/.test(id)) {
    throw new Error('the server answered no canary id');
  }
  lib.saveState('canary_id', id); // for the post step, even if planting fails below
  lib.setOutput('canary-id', id);
  const c = json.credential;
  if (!c) {
    lib.info(`canary ${id} planted by the server (profile ${request.profile})`);
    return;
  }
  const credential = {
    accessKeyId: lib.plain('access key id', c.accessKeyId),
    secretAccessKey: lib.plain('secret access key', c.secretAccessKey),
    sessionToken: c.sessionToken ? lib.plain('session token', c.sessionToken) : null,
  };
  lib.mask(credential.secretAccessKey);
  if (credential.sessionToken) lib.mask(credential.sessionToken);

  const target = lib.input('target', 'github-env');
  const prefix = lib.input('prefix', 'AWS_');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) {
    throw new Error(`prefix '${prefix}' must be letters, digits and _`);
  }
  const entries = [[`${prefix}ACCESS_KEY_ID`, credential.accessKeyId],
    [`${prefix}SECRET_ACCESS_KEY`, credential.secretAccessKey]];
  if (credential.sessionToken) entries.push([`${prefix}SESSION_TOKEN`, credential.sessionToken]);
  if (target === 'github-env') {
    entries.forEach(([k, v]) => lib.exportVariable(k, v));
  } else if (target === 'env-file') {
    const file = lib.input('path');
    if (!file) throw new Error('target env-file needs the input path');
    lib.writeEnvFile(file, entries);
  } else if (target === 'credentials-file') {
    const file = lib.input('path') || path.join(os.homedir(), '.aws', 'credentials');
    lib.writeCredentialsFile(file, lib.input('aws-profile', 'default'), credential);
  } else {
    throw new Error(`unknown target '${target}': use github-env, env-file or credentials-file`);
  }
  lib.info(`canary ${id} planted (${target})`);
}

main().catch((e) => lib.failOrWarn(`canarykit: ${e.message}`));
