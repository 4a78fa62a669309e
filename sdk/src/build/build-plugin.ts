import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import type { PluginManifest } from '../contract.js';
import { type ManifestIssue, validatePluginManifest } from '../manifest/validate.js';
import { IsolateInstance } from '../sandbox/isolate-instance.js';
import { DEFAULT_SANDBOX_LIMITS } from '../sandbox/limits.js';
import { PLUGIN_MANIFEST_FILE, PLUGIN_SCRIPT_FILE } from '../sandbox/load.js';

export interface BuildPluginOptions {
  /** The plugin's entry file; it must `export default definePlugin({ ... })`. */
  entry: string;
  /** Directory that receives `plugin.js` and `manifest.json`; created if missing. */
  outDir: string;
  /** Minify the bundle. Default false, so stack traces stay readable. */
  minify?: boolean;
}

export interface BuiltPlugin {
  script: string;
  manifest: PluginManifest;
  scriptPath: string;
  manifestPath: string;
}

/** The build failed; `issues` lists every problem with the field or file it concerns. */
export class PluginBuildError extends Error {
  readonly issues: ManifestIssue[];
  constructor(entry: string, issues: ManifestIssue[]) {
    super(
      `cannot build plugin ${entry}:\n${issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n')}`,
    );
    this.name = 'PluginBuildError';
    this.issues = issues;
  }
}

/** Global the IIFE bundle assigns the entry's exports to; the sandbox reads it once. */
const BUNDLE_GLOBAL = '__cairnPlugin';

async function bundle(entry: string, minify: boolean): Promise<string> {
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: BUNDLE_GLOBAL,
      // A plain isolate has no module system and no Node built-ins: resolve everything now.
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2023',
      minify,
      logLevel: 'silent',
      legalComments: 'none',
    });
    const output = result.outputFiles[0];
    if (output === undefined)
      throw new PluginBuildError(entry, [{ path: entry, message: 'esbuild wrote no output' }]);
    return output.text;
  } catch (error) {
    if (error instanceof PluginBuildError) throw error;
    const failure = error as Partial<esbuild.BuildFailure>;
    if (!Array.isArray(failure.errors)) throw error;
    throw new PluginBuildError(
      entry,
      failure.errors.map((message) => ({
        path: message.location
          ? `${message.location.file}:${message.location.line}:${message.location.column}`
          : entry,
        message: message.text,
      })),
    );
  }
}

/** Evaluate the bundle inside a sandbox isolate (never in the build process) and read its definitions. */
function describe(entry: string, script: string): unknown {
  let instance: IsolateInstance;
  try {
    instance = new IsolateInstance(
      script,
      DEFAULT_SANDBOX_LIMITS.memoryMb,
      DEFAULT_SANDBOX_LIMITS.outputBytes,
      {
        log: () => undefined,
        fetch: async () => JSON.stringify({ ok: false, error: 'no network while building' }),
      },
      {},
    );
  } catch (error) {
    throw new PluginBuildError(entry, [
      { path: entry, message: `the bundle fails to load in the sandbox: ${(error as Error).message}` },
    ]);
  }
  try {
    const description = JSON.parse(instance.description) as {
      ok: boolean;
      manifest?: unknown;
      message?: string;
    };
    if (!description.ok)
      throw new PluginBuildError(entry, [{ path: entry, message: String(description.message) }]);
    return description.manifest;
  } finally {
    instance.dispose();
  }
}

/**
 * Bundle a plugin into one self-contained script a bare isolate can evaluate (no `require`, no
 * imports) and write it with a `manifest.json` derived from the plugin's definitions, so a
 * server can read nodes, ports, config schemas and permissions without running plugin code.
 * Throws `PluginBuildError` when bundling fails or the manifest is invalid.
 *
 * @example
 * ```ts
 * const built = await buildPlugin({ entry: 'src/index.ts', outDir: 'dist/plugin' });
 * console.log(built.manifest.nodes.map((node) => node.id));
 * ```
 */
export async function buildPlugin(options: BuildPluginOptions): Promise<BuiltPlugin> {
  const entry = resolve(options.entry);
  const script = await bundle(entry, options.minify ?? false);
  const manifest = describe(entry, script);
  const issues = validatePluginManifest(manifest);
  if (issues.length > 0) throw new PluginBuildError(entry, issues);
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const scriptPath = join(outDir, PLUGIN_SCRIPT_FILE);
  const manifestPath = join(outDir, PLUGIN_MANIFEST_FILE);
  await writeFile(scriptPath, script);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { script, manifest: manifest as PluginManifest, scriptPath, manifestPath };
}
