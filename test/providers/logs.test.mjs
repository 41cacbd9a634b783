// Secrets never reach logs: runs logs.scenario.mjs with the Azure SDK loggers at their most verbose
// (AZURE_LOG_LEVEL=verbose, DEBUG=azure*) and checks its whole output for every key, password and client secret;
// also that the process exits promptly after a dropped connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturesUnavailable } from '../fixtures/azure/tls.mjs';
import { testUnless } from '../helpers/requires.mjs';

const dir = mkdtempSync(join(tmpdir(), 'edgeml-logs-'));
// The scenario deletes its certificate folder when it exits, so keep the certificate apart from secrets.json.
const tlsDir = join(dir, 'tls');
mkdirSync(tlsDir);
const unavailable = await fixturesUnavailable(tlsDir); // also writes cert.pem/key.pem into tlsDir

testUnless(test, unavailable)('verbose SDK logging and printed errors/objects contain no secret', async () => {
  try {
    const cert = join(tlsDir, 'cert.pem');
    const secretsFile = join(dir, 'secrets.json');
    const child = spawn(process.execPath, [fileURLToPath(new URL('./logs.scenario.mjs', import.meta.url))], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: cert,
        EDGEML_TEST_TLS_DIR: tlsDir,
        EDGEML_SECRETS_OUT: secretsFile,
        AZURE_LOG_LEVEL: 'verbose',
        DEBUG: 'azure*',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = Date.now();
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.is(code, 0, output.slice(-2000));
    if (process.env.EDGEML_SHOW_SCENARIO) console.log(output);
    assert.ok(output.includes('SCENARIO DONE'), 'scenario ran to the end');
    // A request timer left running after a dropped connection would hold the process for attemptTimeoutMs (60 s).
    assert.ok(Date.now() - started < 20_000, `the process exited promptly (${Date.now() - started} ms)`);
    assert.ok(/azure:|azure-iothub/.test(output), 'SDK logging was really on');
    assert.ok(output.includes('expected failure: ProviderError'), 'the auth failure was printed');
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8'));
    assert.is(secrets.length, 6);
    for (const secret of secrets) {
      assert.ok(typeof secret === 'string' && secret.length >= 16, 'secret recorded');
      assert.not.ok(output.includes(secret), `a secret (${secret.slice(0, 4)}…) appears in the output`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

if (unavailable) rmSync(dir, { recursive: true, force: true });
test.run();
