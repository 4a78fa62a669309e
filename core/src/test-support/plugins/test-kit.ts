// A plugin for the server's end-to-end and containment tests, written with the public SDK only.
import { defineNode, definePlugin, Resource } from '@cairn/sdk';
import { Type } from '@sinclair/typebox';

const start = defineNode({
  id: 'start',
  title: 'Start',
  description: 'Starts the flow with the event',
  category: 'test',
  inputs: [],
  outputs: ['out'],
  run: (ctx) => ctx.emit('out', ctx.payload),
});

const gate = defineNode({
  id: 'gate',
  title: 'Rating gate',
  description: 'Passes events whose rating is at least the minimum',
  category: 'test',
  inputs: ['in'],
  outputs: ['pass', 'fail'],
  config: Type.Object({ min: Type.Number() }),
  run(ctx) {
    const rating = (ctx.event.properties as { rating?: number } | undefined)?.rating ?? 0;
    return ctx.emit(rating >= ctx.config.min ? 'pass' : 'fail', ctx.payload);
  },
});

const bump = defineNode({
  id: 'bump',
  title: 'Bump',
  description: 'Increments a profile counter and tags the profile',
  category: 'test',
  inputs: ['in'],
  outputs: ['out'],
  permissions: { profile: { write: ['stats.counters', 'segments'] } },
  config: Type.Object({ path: Type.String(), segment: Type.String() }),
  run(ctx) {
    ctx.profile.increment(ctx.config.path);
    ctx.segments.add(ctx.config.segment);
    return ctx.emit('out', ctx.payload);
  },
});

const reply = defineNode({
  id: 'reply',
  title: 'Reply',
  description: 'Puts a value into the /track response and shows a widget',
  category: 'test',
  inputs: ['in'],
  outputs: [],
  config: Type.Object({ key: Type.String(), value: Type.String() }),
  run(ctx) {
    ctx.response.set(ctx.config.key, ctx.config.value);
    ctx.ux.show({ type: 'toast', text: ctx.config.value });
    ctx.log.info(`replied ${ctx.config.key}`);
  },
});

/** Attacks on the sandbox; each must fail only its own node. */
const attack = defineNode({
  id: 'attack',
  title: 'Attack',
  description: 'Tries one way out of the sandbox, chosen by config',
  category: 'test',
  inputs: ['in'],
  outputs: ['out', 'error'],
  config: Type.Object({ kind: Type.String(), url: Type.Optional(Type.String()) }),
  permissions: { http: { hosts: ['127.0.0.1', '169.254.169.254', 'localhost'] } },
  async run(ctx) {
    switch (ctx.config.kind) {
      case 'spin':
        for (;;) {
          // burns CPU until the limit stops it
        }
      case 'memory': {
        // Big arrays on the isolate's heap reach its limit in a few steps, long before the CPU limit.
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array(1 << 21).fill(hoard.length + 0.5));
      }
      case 'output':
        return ctx.emit('out', 'y'.repeat(2 << 20));
      case 'process': {
        const makeFunction = (ctx as unknown as { constructor: { constructor: FunctionConstructor } })
          .constructor.constructor;
        return ctx.emit('out', makeFunction('return process.env')());
      }
      case 'require':
        return ctx.emit('out', String((globalThis as { require?: unknown }).require ?? 'no require'));
      case 'fetch': {
        const response = await ctx.http.fetch(ctx.config.url ?? '', {});
        return ctx.emit('out', { status: response.status });
      }
      default:
        throw new Error(`unknown attack ${ctx.config.kind}`);
    }
  },
});

const mail = defineNode({
  id: 'mail',
  title: 'Mail',
  description: 'Sends an e-mail if the profile consented',
  category: 'test',
  inputs: ['in'],
  outputs: ['sent', 'no-consent'],
  config: Type.Object({ server: Resource('smtp'), to: Type.String() }),
  permissions: { smtp: true },
  resources: ['smtp'],
  async run(ctx) {
    if (!ctx.consents.has('marketing-email')) return ctx.emit('no-consent', null);
    const receipt = await ctx.smtp.send({
      resource: ctx.config.server,
      to: ctx.config.to,
      subject: 'Hi',
      text: 'Hello',
    });
    const server = ctx.resources.get(ctx.config.server);
    return ctx.emit('sent', {
      accepted: [...receipt.accepted],
      host: (server?.config.host as string) ?? null,
    });
  },
});

const call = defineNode({
  id: 'call',
  title: 'Call',
  description: 'Calls an API with a stored credential',
  category: 'test',
  inputs: ['in'],
  outputs: ['out'],
  config: Type.Object({ auth: Resource('http-auth'), url: Type.String() }),
  permissions: { http: { hosts: ['127.0.0.1'] } },
  resources: ['http-auth'],
  async run(ctx) {
    const response = await ctx.http.fetch(ctx.config.url, { resource: ctx.config.auth });
    return ctx.emit('out', { status: response.status });
  },
});

export default definePlugin({
  name: '@cairn/plugin-test-kit',
  version: '1.0.0',
  title: 'Test kit',
  description: 'Nodes for the server tests',
  cairn: '^0.1.0',
  nodes: [start, gate, bump, reply, attack, mail, call],
});
