// Unit tests for providers/azure/errors.ts: Azure error codes from SDK errors, and secrets scrubbed from messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { azureErrorCode, createRedactor, parseIotHubErrorBody, toProviderError } from '../../dist/providers/azure/errors.js';
import { ProviderError } from '../../dist/providers/types.js';

test('IoT Hub error bodies give their ErrorCode', () => {
  const body = JSON.stringify({ Message: 'ErrorCode:DeviceNotFound;Device d1 not registered.', ExceptionMessage: 'Tracking ID:1' });
  assert.equal(parseIotHubErrorBody(body), { code: 'DeviceNotFound', message: 'Device d1 not registered.' });
  const error = Object.assign(new Error('Not found'), { responseBody: body, response: { statusCode: 404 } });
  assert.is(azureErrorCode(error), 'DeviceNotFound');
  const pe = toProviderError(error, 'iothub.getDevice', createRedactor());
  assert.ok(pe instanceof ProviderError);
  assert.equal([pe.code, pe.status, pe.retryable, pe.operation], ['DeviceNotFound', 404, false, 'iothub.getDevice']);
  assert.match(pe.message, /^iothub\.getDevice failed \(HTTP 404\): DeviceNotFound: Device d1 not registered\.$/);
});

test('ARM RestErrors give their error.code; status-only errors get a local code', () => {
  const rest = Object.assign(new Error('Resource group x could not be found.'), {
    name: 'RestError',
    code: 'ResourceGroupNotFound',
    statusCode: 404,
    response: {
      status: 404,
      bodyAsText: JSON.stringify({ error: { code: 'ResourceGroupNotFound', message: 'Resource group x could not be found.' } }),
    },
  });
  assert.is(toProviderError(rest, 'arm.getIotHub', createRedactor()).code, 'ResourceGroupNotFound');
  const bare = Object.assign(new Error('nope'), { statusCode: 503 });
  const pe = toProviderError(bare, 'arm.getIotHub', createRedactor());
  assert.equal([pe.code, pe.retryable], ['ServiceUnavailable', true]);
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const net = toProviderError(reset, 'iothub.getDevice', createRedactor());
  assert.equal([net.code, net.status, net.retryable], ['ConnectionReset', undefined, true]);
});

test('socket errors get local codes from a table, also when wrapped', () => {
  const cases = [
    [{ code: 'ECONNREFUSED' }, 'ConnectionRefused', true],
    [{ code: 'AttemptTimeout' }, 'Timeout', true],
    [{ name: 'AbortError', message: 'The operation was aborted.' }, 'Timeout', true],
    [{ code: 'ENOTFOUND' }, 'HostNotFound', false],
    [{ message: 'request failed', cause: { code: 'ETIMEDOUT' } }, 'Timeout', true],
    [{ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, 'TlsCertificateInvalid', false],
  ];
  for (const [fields, code, retryable] of cases) {
    const pe = toProviderError(Object.assign(new Error(fields.message ?? 'x'), fields), 'arm.getIotHub', createRedactor());
    assert.equal([pe.code, pe.retryable], [code, retryable], JSON.stringify(fields));
  }
});

test('known secrets, SAS tokens, bearer tokens and key=value secrets are scrubbed', () => {
  const key = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=';
  const redactor = createRedactor([key]);
  const text = redactor.redact(
    `key ${key}; Authorization: SharedAccessSignature sr=h&sig=abc%3D&se=1&skn=o; Bearer eyJhbGciOi.x.y; HostName=h;SharedAccessKey=zzz; password=hunter22`,
  );
  assert.not.ok(text.includes(key));
  assert.not.ok(text.includes('sig=abc'));
  assert.not.ok(text.includes('eyJhbGciOi'));
  assert.not.ok(text.includes('zzz'));
  assert.not.ok(text.includes('hunter22'));
  assert.ok(text.includes('(sensitive)'));
  const pe = toProviderError(new Error(`failed with key ${key}`), 'x.y', redactor);
  assert.not.ok(pe.message.includes(key));
});

test('short values are not treated as secrets (would blank ordinary words)', () => {
  const redactor = createRedactor(['abc']);
  assert.is(redactor.redact('abcdef'), 'abcdef');
});

test('a ProviderError passes through unchanged', () => {
  const original = new ProviderError({ code: 'KeyNotFound', message: 'm', operation: 'o' });
  assert.is(toProviderError(original, 'other', createRedactor()), original);
});

test.run();
