import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlugin, PluginBuildError } from '../build/build-plugin.js';
import type { PluginManifest } from '../contract.js';
import { parsePluginManifest } from '../manifest/validate.js';
import {
  generateSigningKey,
  integrityOf,
  keyIdOf,
  PackageError,
  packPlugin,
  publicKeyOf,
  readPluginPackage,
  signPackage,
} from '../package/package.js';
import { defaultKeyPath, saveToken, tokenFor, writePrivate } from './home.js';
import { login, publish, RegistryError, registerKey, registryUrl } from './registry-client.js';
import { ScaffoldError, scaffoldPlugin } from './scaffold.js';

export const USAGE = `Usage: cairn-plugin <command> [options]

  init <dir> --name @scope/plugin-x   scaffold a plugin package with one node and a test
  build [entry=src/index.ts] [--out dist/plugin] [--minify]
                                      bundle the plugin and write manifest.json
  test                                build, then run test/ (node --test) in the real sandbox
  pack [--out file] [--license file]  pack dist/plugin, README.md, LICENSE and icon into <name>-<version>.cairn.tgz
  sign <tarball> [--key file]         write <tarball>.sig, for installing from a package folder without a registry
  keygen [--out file] [--force] [--register] [--registry URL]
                                      create an ed25519 signing key (default ~/.cairn-plugin/signing-key.pem)
                                      and print its public key; --register adds it to your publisher account
  login --name PUBLISHER [--registry URL]
                                      sign in to a registry (password from CAIRN_REGISTRY_PASSWORD or stdin)
  publish [tarball] [--key file] [--registry URL]
                                      sign the package and publish it (packs first when no tarball is given)

The registry defaults to CAIRN_REGISTRY_URL or http://localhost:8690.`;

export class UsageError extends Error {}

const exists = (path: string) => existsSync(path);

async function readLine(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split('\n')[0]!.trim();
}

async function pack(
  cwd: string,
  out?: string,
  licenseFile = 'LICENSE',
): Promise<{ path: string; tarball: Buffer; manifest: PluginManifest }> {
  const dist = join(cwd, 'dist/plugin');
  if (!exists(join(dist, 'manifest.json'))) {
    throw new UsageError('dist/plugin/manifest.json is missing: run `cairn-plugin build` first.');
  }
  const manifest = parsePluginManifest(JSON.parse(await readFile(join(dist, 'manifest.json'), 'utf8')));
  for (const file of ['README.md', licenseFile]) {
    if (!exists(resolve(cwd, file)))
      throw new UsageError(`${file} is missing: a package needs a README.md and a LICENSE.`);
  }
  const iconName = ['icon.svg', 'icon.png'].find((name) => exists(join(cwd, name))) as
    | 'icon.svg'
    | 'icon.png'
    | undefined;
  const tarball = await packPlugin({
    manifest,
    script: await readFile(join(dist, 'plugin.js'), 'utf8'),
    readme: await readFile(join(cwd, 'README.md'), 'utf8'),
    license: await readFile(resolve(cwd, licenseFile), 'utf8'),
    ...(iconName ? { icon: { name: iconName, data: await readFile(join(cwd, iconName)) } } : {}),
  });
  // What others will read must pass the same checks here.
  await readPluginPackage(tarball);
  const file = out ?? `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.cairn.tgz`;
  const path = resolve(cwd, file);
  await writeFile(path, tarball);
  return { path, tarball, manifest };
}

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.on('error', reject).on('exit', (code) => resolvePromise(code ?? 1));
  });
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      out: { type: 'string', short: 'o' },
      minify: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      register: { type: 'boolean', default: false },
      registry: { type: 'string' },
      key: { type: 'string' },
      license: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const registry = registryUrl(values.registry);
  switch (command) {
    case 'init': {
      const [dir] = positionals;
      if (!dir || !values.name)
        throw new UsageError('init needs a folder and --name, e.g. init greeter --name @acme/plugin-greeter');
      const files = await scaffoldPlugin(resolve(cwd, dir), values.name);
      console.log(`created ${values.name} in ${dir}: ${files.join(', ')}`);
      return 0;
    }
    case 'build': {
      const [entry = 'src/index.ts'] = positionals;
      const built = await buildPlugin({
        entry: resolve(cwd, entry),
        outDir: resolve(cwd, values.out ?? 'dist/plugin'),
        minify: values.minify,
      });
      const nodes = built.manifest.nodes.map((node) => node.id).join(', ');
      console.log(`built ${built.manifest.name}@${built.manifest.version} (${nodes}) -> ${built.scriptPath}`);
      return 0;
    }
    case 'test': {
      await main(['build'], cwd);
      return run(process.execPath, ['--no-node-snapshot', '--test', 'test/**/*.test.js'], cwd);
    }
    case 'pack': {
      const { path, tarball, manifest } = await pack(cwd, values.out, values.license);
      console.log(
        `packed ${manifest.name}@${manifest.version}: ${path} (${tarball.length} bytes, ${integrityOf(tarball)})`,
      );
      return 0;
    }
    case 'keygen': {
      const path = resolve(cwd, values.out ?? defaultKeyPath());
      let publicKey: string;
      if (exists(path) && !values.force) {
        if (!values.register)
          throw new UsageError(`${path} exists; pass --force to replace it (the old key stops being yours).`);
        publicKey = publicKeyOf(await readFile(path, 'utf8'));
      } else {
        const key = generateSigningKey();
        await writePrivate(path, key.privateKey);
        publicKey = key.publicKey;
        console.log(`private key written to ${path} (keep it secret)`);
      }
      console.log(`public key: ${publicKey}\nkey id:     ${keyIdOf(publicKey)}`);
      if (values.register) {
        const token = await tokenFor(registry);
        if (!token) throw new UsageError(`not signed in to ${registry}: run cairn-plugin login first.`);
        const { keyId } = await registerKey(registry, token, publicKey);
        console.log(`registered key ${keyId} with ${registry}`);
      }
      return 0;
    }
    case 'sign': {
      const [file] = positionals;
      if (!file) throw new UsageError('sign needs the package file.');
      const keyPath = resolve(cwd, values.key ?? defaultKeyPath());
      if (!exists(keyPath)) throw new UsageError(`no signing key at ${keyPath}: run cairn-plugin keygen.`);
      const privateKey = await readFile(keyPath, 'utf8');
      const tarball = await readFile(resolve(cwd, file));
      await readPluginPackage(tarball);
      const keyId = keyIdOf(publicKeyOf(privateKey));
      await writeFile(
        resolve(cwd, `${file}.sig`),
        `${JSON.stringify({ signature: signPackage(tarball, privateKey), keyId })}\n`,
      );
      console.log(`signed ${file} with key ${keyId} -> ${file}.sig`);
      return 0;
    }
    case 'login': {
      if (!values.name) throw new UsageError('login needs --name <publisher>.');
      const password = process.env.CAIRN_REGISTRY_PASSWORD || (await readLine('password: '));
      const { token } = await login(registry, values.name, password);
      await saveToken(registry, values.name, token);
      console.log(`signed in to ${registry} as ${values.name}`);
      return 0;
    }
    case 'publish': {
      const token = await tokenFor(registry);
      if (!token) throw new UsageError(`not signed in to ${registry}: run cairn-plugin login first.`);
      const keyPath = resolve(cwd, values.key ?? defaultKeyPath());
      if (!exists(keyPath))
        throw new UsageError(`no signing key at ${keyPath}: run cairn-plugin keygen --register.`);
      const privateKey = await readFile(keyPath, 'utf8');
      const [given] = positionals;
      const tarball = given ? await readFile(resolve(cwd, given)) : (await pack(cwd)).tarball;
      const { manifest } = await readPluginPackage(tarball);
      const signature = signPackage(tarball, privateKey);
      const keyId = keyIdOf(publicKeyOf(privateKey));
      const published = await publish(
        registry,
        token,
        manifest.name,
        manifest.version,
        tarball,
        signature,
        keyId,
      );
      console.log(
        `published ${published.name}@${published.version} to ${registry} (${published.integrity}, key ${keyId})`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Runs the CLI and turns every expected failure into a one-line message and exit code 1. */
export async function cli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`cairn-plugin: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof PluginBuildError || error instanceof ScaffoldError)
      console.error((error as Error).message);
    else if (error instanceof PackageError)
      console.error(`cairn-plugin: ${error.message}${error.path ? ` (${error.path})` : ''}`);
    else if (error instanceof RegistryError)
      console.error(`cairn-plugin: the registry refused: ${error.message} [${error.code}]`);
    else console.error('cairn-plugin:', error);
    return 1;
  }
}
