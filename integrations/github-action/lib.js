'use strict';
// canarykit GitHub Action: the runner protocol (inputs, outputs, state, masks, environment files) and the API calls,
// with no dependencies: Node 18+ (global fetch). Secrets are masked before anything could print them and never logged.
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

function input(name, fallback = '') {
  const v = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}

function command(name, value) {
  process.stdout.write(`::${name}::${String(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}${os.EOL}`);
}

const mask = (secret) => command('add-mask', secret);
const warning = (message) => command('warning', message);
const info = (message) => process.stdout.write(message + os.EOL);

// name<<DELIMITER / value / DELIMITER, the runner's multi-line-safe form for GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE
function appendFileCommand(variable, name, value) {
  const file = process.env[variable];
  if (!file) {
    throw new Error(`${variable} is not set: run this inside a GitHub Actions job`);
  }
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  if (name.includes(delimiter) || String(value).includes(delimiter)) {
    throw new Error('unexpected delimiter in value');
  }
  fs.appendFileSync(file, `${name}<<${delimiter}${os.EOL}${value}${os.EOL}${delimiter}${os.EOL}`, { encoding: 'utf8' });
}

const setOutput = (name, value) => appendFileCommand('GITHUB_OUTPUT', name, value);
const saveState = (name, value) => appendFileCommand('GITHUB_STATE', name, value);
const exportVariable = (name, value) => appendFileCommand('GITHUB_ENV', name, value);
const state = (name) => process.env[`STATE_${name}`] || '';

// The server must be https, except on a loopback address (tests).
function apiUrl(server, suffix) {
  const u = new URL(suffix, server.endsWith('/') ? server : server + '/');
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new Error(`the canarykit server must be an https:// URL, not ${u.protocol}//${u.host}`);
  }
  return u;
}

async function idToken(audience) {
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) {
    throw new Error('no ID token available: give the job "permissions: id-token: write"');
  }
  const u = new URL(url);
  u.searchParams.set('audience', audience);
  const r = await fetch(u, { headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' } });
  if (!r.ok) {
    throw new Error(`requesting the job's ID token failed: HTTP ${r.status}`);
  }
  const body = await r.json();
  if (typeof body.value !== 'string' || body.value.length === 0) {
    throw new Error('the ID token answer has no token');
  }
  mask(body.value);
  return body.value;
}

async function call(server, method, suffix, token, body) {
  const r = await fetch(apiUrl(server, suffix), {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch (e) {
    json = {};
  }
  return { status: r.status, json };
}

function failOrWarn(message) {
  if (input('fail-on-error', 'false') === 'true') {
    command('error', message);
    process.exitCode = 1;
  } else {
    warning(message);
  }
}

// Plain values only: access key ids, base64 secrets and session tokens never hold newlines or quotes.
function plain(name, value) {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/=]+$/.test(value)) {
    throw new Error(`the server's answer has no usable ${name}`);
  }
  return value;
}

function writeEnvFile(file, entries) {
  const lines = entries.map(([k, v]) => `${k}=${v}`).join(os.EOL) + os.EOL;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.appendFileSync(file, lines, { encoding: 'utf8', mode: 0o600 });
}

function writeCredentialsFile(file, profile, credential) {
  let existing = '';
  try {
    existing = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  if (existing.split(/\r?\n/).some((l) => l.trim() === `[${profile}]`)) {
    throw new Error(`${file} already has a [${profile}] profile; choose another aws-profile`);
  }
  const section = [`[${profile}]`, `aws_access_key_id = ${credential.accessKeyId}`,
    `aws_secret_access_key = ${credential.secretAccessKey}`];
  if (credential.sessionToken) section.push(`aws_session_token = ${credential.sessionToken}`);
  const sep = existing.length === 0 || existing.endsWith('\n') ? '' : os.EOL;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.appendFileSync(file, sep + (existing.length ? os.EOL : '') + section.join(os.EOL) + os.EOL,
    { encoding: 'utf8', mode: 0o600 });
}

module.exports = {
  input, info, warning, mask, setOutput, saveState, exportVariable, state, idToken, call, failOrWarn, plain,
  writeEnvFile, writeCredentialsFile,
};
