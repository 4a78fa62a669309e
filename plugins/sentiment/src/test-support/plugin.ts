import { fileURLToPath } from 'node:url';
import type { Json, JsonObject, NodeRunResult } from '@cairn/sdk';
import { loadBuiltPlugin } from '@cairn/sdk/sandbox';
import { type RunNodeOptions, runNode, SandboxError } from '@cairn/sdk/testing';
import { expect } from 'chai';

/** The bundle `npm run build` writes: the specs run the same script the server loads. */
export const PLUGIN_DIR = fileURLToPath(new URL('../plugin', import.meta.url));

export const builtPlugin = await loadBuiltPlugin(PLUGIN_DIR);

export type ScoreOptions = Omit<RunNodeOptions, 'plugin' | 'node'>;

/** The config the server would hand the node with every default applied. */
export const DEFAULTS = {
  provider: 'local',
  text: 'event@properties.text',
  positiveThreshold: 0.05,
  negativeThreshold: -0.05,
  timeoutMs: 2000,
  retries: 0,
};

/** An event carrying `text` in its properties, as the default config reads it; none when undefined. */
export function review(text: Json | undefined): JsonObject {
  return { id: 'event-1', type: 'review-submitted', properties: text === undefined ? {} : { text } };
}

/** Runs `score-sentiment` of the built plugin in the sandbox. */
export function scoreSentiment(options: ScoreOptions): Promise<NodeRunResult> {
  return runNode({ plugin: builtPlugin, node: 'score-sentiment', ...options });
}

/** Runs a call that must fail and returns its sandbox failure. */
export async function scoreSentimentFailing(options: ScoreOptions): Promise<SandboxError> {
  try {
    await scoreSentiment(options);
  } catch (error) {
    expect(error).to.be.instanceOf(SandboxError);
    return error as SandboxError;
  }
  expect.fail('score-sentiment was expected to fail but succeeded');
}
