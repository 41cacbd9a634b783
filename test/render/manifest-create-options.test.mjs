// createOptions: derived from typed fields, deep-merged with the spec's raw options, minified, chunked and re-joined.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeContext, makeIR, makeModule } from '../helpers/ir-fixtures.mjs';
import {
  chunkCreateOptions,
  deepMerge,
  deriveCreateOptions,
  joinCreateOptions,
  renderCreateOptions,
} from '../../dist/render/manifest/create-options.js';
import { renderManifest } from '../../dist/render/manifest/index.js';

test('ports: ExposedPorts for every port, PortBindings only for host ports, with host IP when given', () => {
  const options = deriveCreateOptions(
    makeModule({
      ports: [
        { container: 80, protocol: 'tcp', host: 8080, hostIp: '127.0.0.1' },
        { container: 9000, protocol: 'udp' },
      ],
    }),
  );
  assert.equal(options, {
    ExposedPorts: { '80/tcp': {}, '9000/udp': {} },
    HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080', HostIp: '127.0.0.1' }] } },
  });
});

test('volumes: binds as Binds strings (":ro" when read-only), named volumes as Mounts', () => {
  const options = deriveCreateOptions(
    makeModule({
      volumes: [
        { kind: 'bind', source: '/data/in', target: '/in', readOnly: true },
        { kind: 'bind', source: '/data/out', target: '/out', readOnly: false },
        { kind: 'volume', source: 'models', target: '/models', readOnly: true },
      ],
    }),
  );
  assert.equal(options.HostConfig.Binds, ['/data/in:/in:ro', '/data/out:/out']);
  assert.equal(options.HostConfig.Mounts, [{ Type: 'volume', Source: 'models', Target: '/models', ReadOnly: true }]);
});

test('devices and GPUs', () => {
  const options = deriveCreateOptions(
    makeModule({
      devices: [{ host: '/dev/video0', container: '/dev/video0', permissions: 'rwm' }],
      gpu: 'all',
    }),
  );
  assert.equal(options.HostConfig.Devices, [{ PathOnHost: '/dev/video0', PathInContainer: '/dev/video0', CgroupPermissions: 'rwm' }]);
  assert.equal(options.HostConfig.DeviceRequests, [{ Driver: '', Count: -1, Capabilities: [['gpu']] }]);
  assert.equal(deriveCreateOptions(makeModule({ gpu: 2 })).HostConfig.DeviceRequests[0].Count, 2);
  assert.equal(deriveCreateOptions(makeModule()), {});
});

test('env never goes into createOptions, and NetworkingConfig only when the user wrote it', () => {
  const plain = renderCreateOptions(makeModule({ env: [{ name: 'A', value: 'b' }], ports: [{ container: 1, protocol: 'tcp' }] }));
  assert.not.ok(plain.includes('Env'));
  assert.not.ok(plain.includes('NetworkingConfig'));
  const user = renderCreateOptions(makeModule({ createOptions: { NetworkingConfig: { EndpointsConfig: { host: {} } } } }));
  assert.ok(user.includes('"NetworkingConfig"'));
});

test('deep merge: objects merge, arrays and scalars from the escape hatch win', () => {
  const merged = deepMerge(
    {
      HostConfig: { Binds: ['/a:/a'], PortBindings: { '80/tcp': [{ HostPort: '80' }] }, Privileged: false },
      ExposedPorts: { '80/tcp': {} },
    },
    { HostConfig: { Binds: ['/b:/b'], Privileged: true, ShmSize: 1024 }, Labels: { x: 'y' } },
  );
  assert.equal(merged, {
    HostConfig: { Binds: ['/b:/b'], PortBindings: { '80/tcp': [{ HostPort: '80' }] }, Privileged: true, ShmSize: 1024 },
    ExposedPorts: { '80/tcp': {} },
    Labels: { x: 'y' },
  });
});

test('rendered createOptions are minified with sorted keys at every level', () => {
  const text = renderCreateOptions(
    makeModule({
      ports: [{ container: 80, protocol: 'tcp', host: 80 }],
      createOptions: { HostConfig: { ShmSize: 1, LogConfig: { Type: 'json-file' } }, Env: undefined },
    }),
  );
  assert.is(
    text,
    '{"ExposedPorts":{"80/tcp":{}},"HostConfig":{"LogConfig":{"Type":"json-file"},"PortBindings":{"80/tcp":[{"HostPort":"80"}]},"ShmSize":1}}',
  );
});

test('a 1,500-character createOptions string is split into 3 chunks of at most 512 and re-joined exactly', () => {
  const text = JSON.stringify({ Labels: { big: 'v'.repeat(1500 - 21) } });
  assert.is(text.length, 1500);
  const chunks = chunkCreateOptions(text);
  assert.equal(Object.keys(chunks), ['createOptions', 'createOptions01', 'createOptions02']);
  assert.equal(
    Object.values(chunks).map((c) => c.length),
    [512, 512, 476],
  );
  assert.is(joinCreateOptions({ image: 'x', ...chunks }), text);
  // edgeAgent reads chunk keys case-insensitively and in numeric order, whatever the key order in the object.
  assert.is(
    joinCreateOptions({
      createOptions02: chunks.createOptions02,
      CreateOptions: chunks.createOptions,
      createoptions01: chunks.createOptions01,
    }),
    text,
  );
});

test('chunking never splits a surrogate pair', () => {
  const text = 'a'.repeat(511) + '😀' + 'b';
  const chunks = chunkCreateOptions(text);
  assert.is(Array.from(chunks.createOptions).length, 512);
  assert.ok(chunks.createOptions.endsWith('😀'));
  assert.is(joinCreateOptions(chunks), text);
});

test('joinCreateOptions rejects a gap in the chunk sequence, as edgeAgent does', () => {
  assert.throws(() => joinCreateOptions({ createOptions: '{', createOptions02: '}' }), /createOptions01/);
});

test('the manifest carries the chunks; more than 8 chunks is EML4001 naming the module and size', () => {
  const mid = makeModule({ name: 'mid', createOptions: { Labels: { a: 'x'.repeat(1200) } } });
  const ok = renderManifest(makeContext(makeIR({ modules: [mid], routes: [] })), new Map([['mid', 'r/mid:1']]));
  const settings = ok.modulesContent.$edgeAgent['properties.desired'].modules.mid.settings;
  assert.equal(Object.keys(settings).sort(), ['createOptions', 'createOptions01', 'createOptions02', 'image']);
  assert.equal(JSON.parse(joinCreateOptions(settings)), { Labels: { a: 'x'.repeat(1200) } });
  assert.equal(ok.diagnostics, []);

  const huge = makeModule({ name: 'huge', createOptions: { Labels: { a: 'x'.repeat(4200) } } });
  const bad = renderManifest(makeContext(makeIR({ modules: [huge], routes: [] })), new Map([['huge', 'r/huge:1']]));
  assert.equal(
    bad.diagnostics.map((d) => d.id),
    ['manifest/createOptionsTooLarge'],
  );
  assert.is(bad.diagnostics[0].code, 'EML4001');
  assert.ok(bad.diagnostics[0].message.includes("'huge'"));
  const size = JSON.stringify({ Labels: { a: 'x'.repeat(4200) } }).length;
  assert.ok(bad.diagnostics[0].message.includes(`${size} characters`), bad.diagnostics[0].message);
});

test.run();
