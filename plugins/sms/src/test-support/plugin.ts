import { fileURLToPath } from 'node:url';
import type { NodeRunResult } from '@cairn/sdk';
import { loadBuiltPlugin } from '@cairn/sdk/sandbox';
import { type RunNodeOptions, runNode } from '@cairn/sdk/testing';

/** The bundle `npm run build` writes: the specs run the same script the server loads. */
export const PLUGIN_DIR = fileURLToPath(new URL('../plugin', import.meta.url));

export const builtPlugin = await loadBuiltPlugin(PLUGIN_DIR);

/** Runs `send-sms` of the built plugin in the sandbox, allowed to reach servers on loopback. */
export function sendSms(options: Omit<RunNodeOptions, 'plugin' | 'node' | 'http'>): Promise<NodeRunResult> {
  return runNode({ plugin: builtPlugin, node: 'send-sms', http: { allow: ['127.0.0.1'] }, ...options });
}
