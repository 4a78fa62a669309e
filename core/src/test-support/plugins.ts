import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '@cairn/sdk/build';
import { expect } from 'chai';
import type { TestServer } from './server.js';

let built: Promise<string> | undefined;

/** Builds the test-kit plugin (once per test run) and returns the folder to load it from. */
export function testKitPlugin(): Promise<string> {
  built ??= (async () => {
    const entry = fileURLToPath(new URL('../../src/test-support/plugins/test-kit.ts', import.meta.url));
    const outDir = join(mkdtempSync(join(tmpdir(), 'cairn-test-kit-')), 'plugin');
    await buildPlugin({ entry, outDir });
    return outDir;
  })();
  return built;
}

export const TEST_KIT = { plugin: '@cairn/plugin-test-kit', version: '1.0.0' } as const;

type Config = Record<string, unknown>;

/** A Vue Flow node of the test kit. */
export function kitNode(id: string, node: string, config: Config = {}, x = 0) {
  return { id, type: 'cairn', position: { x, y: 0 }, data: { ...TEST_KIT, node, config } };
}

export function edge(source: string, sourceHandle: string, target: string, targetHandle = 'in') {
  return { id: `${source}.${sourceHandle}->${target}`, source, sourceHandle, target, targetHandle };
}

/** Server settings that load the test kit and approve its permissions, as an operator would. */
export async function testKitEnv(): Promise<Record<string, string>> {
  return {
    CAIRN_PLUGIN_DIRS: await testKitPlugin(),
    CAIRN_PLUGIN_APPROVED: `${TEST_KIT.plugin}@${TEST_KIT.version}`,
  };
}

/** Saves a flow named after `eventType`, checks it is valid, deploys it and routes `eventType` to it; its id. */
export async function deployFlow(
  server: TestServer,
  eventType: string,
  nodes: unknown[],
  edges: unknown[],
): Promise<string> {
  const created = await server.request('/api/flows', {
    admin: true,
    json: { name: eventType, draft: { nodes, edges } },
  });
  const flow = (await created.json()) as { id: string; validation: { errors: unknown[] } };
  expect(flow.validation.errors, eventType).to.deep.equal([]);
  expect(
    (await server.request(`/api/flows/${flow.id}/deploy`, { admin: true, method: 'POST' })).status,
  ).to.equal(201);
  const rule = await server.request('/api/rules', {
    admin: true,
    json: { name: eventType, eventType, flowId: flow.id },
  });
  expect(rule.status).to.equal(201);
  return flow.id;
}

/** start → bump: counts `stats.counters.views` and adds the `viewers` segment (nodes, edges). */
export const viewsFlow: [unknown[], unknown[]] = [
  [kitNode('start', 'start'), kitNode('bump', 'bump', { path: 'stats.counters.views', segment: 'viewers' })],
  [edge('start', 'out', 'bump')],
];
