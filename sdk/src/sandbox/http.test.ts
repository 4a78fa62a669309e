import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { BuiltPlugin } from '../build/index.js';
import type { NodeRunInput } from '../contract.js';
import { buildFixture } from '../fixtures/build-fixture.js';
import { runNode } from '../testing/index.js';
import { AddressPolicy } from './address-policy.js';
import { HttpCapability, hostPermitted } from './http-capability.js';
import { PluginSandbox } from './plugin-sandbox.js';

describe('http capability', () => {
  let server: Server;
  let base: string;
  const received: { method?: string; url?: string; body: string; contentType?: string }[] = [];

  before(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        received.push({
          method: request.method,
          url: request.url,
          body,
          contentType: request.headers['content-type'],
        });
        if (request.url === '/hang') return;
        if (request.url === '/big') {
          response.end('z'.repeat(64 * 1024));
          return;
        }
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ echoed: JSON.parse(body || 'null'), path: request.url }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  describe('through the sandbox', () => {
    let scoring: BuiltPlugin;
    let hostile: BuiltPlugin;
    before(async () => {
      scoring = await buildFixture('scoring-plugin');
      hostile = await buildFixture('hostile-plugin');
    });

    it('performs a permitted request to loopback when the operator allows 127.0.0.1', async () => {
      const result = await runNode({
        plugin: scoring,
        node: 'lookup',
        payload: { sku: 'A-1' },
        config: { url: `${base}/catalog?x=1` },
        http: { allow: ['127.0.0.1'] },
      });
      expect(result.emissions).to.deep.equal([
        {
          port: 'found',
          payload: {
            status: 200,
            json: { echoed: { asked: { sku: 'A-1' } }, path: '/catalog?x=1' },
            type: 'application/json',
          },
        },
      ]);
      expect(received.at(-1)).to.deep.include({
        method: 'POST',
        body: '{"asked":{"sku":"A-1"}}',
        contentType: 'application/json',
      });
    });

    it('still refuses the metadata address when loopback is allowed', async () => {
      const failure = await runNode({
        plugin: hostile,
        node: 'fetch',
        config: { url: 'http://169.254.169.254/latest/meta-data/' },
        http: { allow: ['127.0.0.1'] },
      }).catch((error: unknown) => error);
      expect(failure).to.include({
        code: 'plugin-error',
        message:
          'Error: http.fetch http://169.254.169.254/latest/meta-data/: 169.254.169.254: address 169.254.169.254 is in the linkLocal range',
      });
    });

    it('refuses a host the node did not declare even when its address is allowed', async () => {
      const result = await runNode({
        plugin: scoring,
        node: 'lookup',
        config: { url: 'http://127.0.0.2/' },
        http: { allow: ['127.0.0.0/8'] },
      });
      expect(result.emissions).to.deep.equal([
        {
          port: 'error',
          payload: {
            message:
              "http.fetch http://127.0.0.2/: host 127.0.0.2 is not in the node's permissions.http.hosts (127.0.0.1, localhost, *.example.test)",
          },
        },
      ]);
    });

    it('fails the call at the wall-time limit while a request hangs, then serves again', async () => {
      const sandbox = new PluginSandbox(hostile, {
        limits: { wallMs: 300 },
        http: new HttpCapability({ allow: ['127.0.0.1'], timeoutMs: 10_000 }),
      });
      const input = (url: string): NodeRunInput => ({
        event: {},
        profile: null,
        session: null,
        payload: null,
        config: { url },
        flow: {},
      });
      try {
        const started = Date.now();
        const hung = await sandbox.call('fetch', input(`${base}/hang`));
        expect(hung).to.deep.equal({
          ok: false,
          error: { code: 'timeout', message: "node 'fetch' exceeded the wall-time limit of 300 ms" },
          logs: [],
        });
        expect(Date.now() - started).to.be.below(3000);
        const next = await sandbox.call('fetch', input(`${base}/ok`));
        expect(next.ok && next.result.emissions[0]?.payload).to.deep.include({ status: 200 });
        expect(sandbox.isolatesCreated).to.equal(2);
      } finally {
        sandbox.dispose();
      }
    });
  });

  describe('HttpCapability', () => {
    const never = new AbortController().signal;
    const ask = (capability: HttpCapability, url: string, hosts = ['127.0.0.1', 'localhost'], extra = {}) =>
      capability
        .handle(JSON.stringify({ url, method: 'GET', headers: {}, body: null, ...extra }), hosts, never)
        .then((text) => JSON.parse(text) as { ok: boolean; error?: string; status?: number; body?: string });

    it('caps the response body', async () => {
      const reply = await ask(
        new HttpCapability({ allow: ['127.0.0.1'], maxResponseBytes: 1024 }),
        `${base}/big`,
      );
      expect(reply).to.deep.equal({ ok: false, error: 'response body exceeds 1024 bytes' });
    });

    it('gives up on a request after its timeout', async () => {
      const reply = await ask(new HttpCapability({ allow: ['127.0.0.1'], timeoutMs: 150 }), `${base}/hang`);
      expect(reply.ok).to.equal(false);
      expect(reply.error).to.match(/^request aborted/);
    });

    it('resolves host names and connects only when every address passes', async () => {
      const url = `${base.replace('127.0.0.1', 'localhost')}/x`;
      const refused = await ask(new HttpCapability(), url);
      expect(refused.error).to.match(/^localhost: address (127\.0\.0\.1|::1) is in the loopback range$/);
      const allowed = await ask(new HttpCapability({ allow: ['127.0.0.0/8', '::1'] }), url);
      expect(allowed).to.deep.include({ ok: true, status: 200 });
    });

    it('refuses non-HTTP schemes, credentials in URLs, odd methods and a Host header', async () => {
      const capability = new HttpCapability({ allow: ['127.0.0.1'] });
      expect((await ask(capability, 'file:///etc/passwd')).error).to.equal('scheme file: is not allowed');
      expect((await ask(capability, 'http://user:pw@127.0.0.1/')).error).to.equal(
        'credentials in the URL are not allowed',
      );
      expect((await ask(capability, `${base}/`, undefined, { method: 'TRACE' })).error).to.equal(
        'method TRACE is not allowed',
      );
      expect(
        (await ask(capability, `${base}/`, undefined, { headers: { Host: 'internal' } })).error,
      ).to.equal('the host header is set by the host');
    });
  });

  describe('AddressPolicy', () => {
    it('allows public unicast addresses and refuses special ranges', () => {
      const policy = new AddressPolicy();
      expect(policy.refusal('93.184.216.34')).to.equal(null);
      expect(policy.refusal('2606:2800:220:1:248:1893:25c8:1946')).to.equal(null);
      expect(policy.refusal('10.1.2.3')).to.equal('address 10.1.2.3 is in the private range');
      expect(policy.refusal('192.168.1.1')).to.equal('address 192.168.1.1 is in the private range');
      expect(policy.refusal('100.64.0.1')).to.equal('address 100.64.0.1 is in the carrierGradeNat range');
      expect(policy.refusal('0.0.0.0')).to.equal('address 0.0.0.0 is in the unspecified range');
      expect(policy.refusal('::1')).to.equal('address ::1 is in the loopback range');
      expect(policy.refusal('fd00:ec2::254')).to.equal('address fd00:ec2::254 is in the uniqueLocal range');
      expect(policy.refusal('fe80::1')).to.equal('address fe80::1 is in the linkLocal range');
    });

    it('judges IPv4-mapped IPv6 addresses as the IPv4 address they carry', () => {
      expect(new AddressPolicy().refusal('::ffff:127.0.0.1')).to.equal(
        'address ::ffff:127.0.0.1 is in the loopback range',
      );
      expect(new AddressPolicy().refusal('::ffff:169.254.169.254')).to.contain('linkLocal');
    });

    it('lets the operator allow-list open single addresses and CIDR ranges', () => {
      const policy = new AddressPolicy(['127.0.0.1', '10.0.0.0/8']);
      expect(policy.refusal('127.0.0.1')).to.equal(null);
      expect(policy.refusal('::ffff:127.0.0.1')).to.equal(null);
      expect(policy.refusal('10.200.0.1')).to.equal(null);
      expect(policy.refusal('127.0.0.2')).to.contain('loopback');
      expect(() => new AddressPolicy(['not-an-ip'])).to.throw(
        "HTTP allow-list entry 'not-an-ip' is not an IP address or CIDR range",
      );
    });
  });

  describe('declared hosts', () => {
    it('matches exact names and sub-domain wildcards only', () => {
      expect(hostPermitted('api.example.com', ['api.example.com'])).to.equal(true);
      expect(hostPermitted('eu.api.example.com', ['*.example.com'])).to.equal(true);
      expect(hostPermitted('example.com', ['*.example.com'])).to.equal(false);
      expect(hostPermitted('evilexample.com', ['*.example.com'])).to.equal(false);
      expect(hostPermitted('api.example.com.evil.test', ['api.example.com'])).to.equal(false);
    });
  });
});
