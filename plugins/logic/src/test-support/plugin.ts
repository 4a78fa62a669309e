import { fileURLToPath } from 'node:url';
import type { NodeRunResult } from '@cairn/sdk';
import { loadBuiltPlugin } from '@cairn/sdk/sandbox';
import { type RunNodeOptions, runNode, SandboxError } from '@cairn/sdk/testing';
import { expect } from 'chai';

/** The bundle `npm run build` writes: the specs run the same script the server loads. */
export const PLUGIN_DIR = fileURLToPath(new URL('../plugin', import.meta.url));

export const builtPlugin = await loadBuiltPlugin(PLUGIN_DIR);

/** A profile with a little of everything the specs read. */
export const ann = {
  id: 'profile-ann',
  traits: { name: 'Ann', plan: 'pro', age: 42 },
  segments: ['customers'],
  stats: { visits: 12, counters: { orders: 3 } },
};

export const checkout = {
  id: 'event-1',
  type: 'checkout',
  properties: { plan: 'enterprise', total: 99.5, items: [{ sku: 'A1' }] },
};

/** Runs one node of the built plugin in the sandbox. */
export function run(
  node: string,
  options: Omit<RunNodeOptions, 'plugin' | 'node'> = {},
): Promise<NodeRunResult> {
  return runNode({ plugin: builtPlugin, node, ...options });
}

/** Runs a node that must fail and returns its sandbox failure. */
export async function runFailing(
  node: string,
  options: Omit<RunNodeOptions, 'plugin' | 'node'> = {},
): Promise<SandboxError> {
  try {
    await run(node, options);
  } catch (error) {
    expect(error).to.be.instanceOf(SandboxError);
    return error as SandboxError;
  }
  expect.fail(`node '${node}' was expected to fail but succeeded`);
}
