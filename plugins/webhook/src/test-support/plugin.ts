import { fileURLToPath } from 'node:url';
import type { NodeRunResult } from '@cairn/sdk';
import { loadBuiltPlugin } from '@cairn/sdk/sandbox';
import { type RunNodeOptions, runNode, SandboxError } from '@cairn/sdk/testing';
import { expect } from 'chai';

/** The bundle `npm run build` writes: the specs run the same script the server loads. */
export const PLUGIN_DIR = fileURLToPath(new URL('../plugin', import.meta.url));

export const builtPlugin = await loadBuiltPlugin(PLUGIN_DIR);

export type CallOptions = Omit<RunNodeOptions, 'plugin' | 'node'>;

/** Runs `call-webhook` of the built plugin in the sandbox. */
export function callWebhook(options: CallOptions): Promise<NodeRunResult> {
  return runNode({ plugin: builtPlugin, node: 'call-webhook', ...options });
}

/** Runs a call that must fail and returns its sandbox failure. */
export async function callWebhookFailing(options: CallOptions): Promise<SandboxError> {
  try {
    await callWebhook(options);
  } catch (error) {
    expect(error).to.be.instanceOf(SandboxError);
    return error as SandboxError;
  }
  expect.fail('call-webhook was expected to fail but succeeded');
}
