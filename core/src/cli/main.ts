import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { Accounts, Password, randomPassword, UserInputSchema, userView } from '../auth/accounts.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { ApiError } from '../http/errors.js';
import { validator } from '../http/validation.js';
import { startServer } from '../server.js';
import { SourceInputSchema, SourceRegistry, viewOf } from '../sources/sources.js';
import { openDatabase } from '../storage/orm.js';

const USAGE = `Usage: cairn <command>

Commands:
  serve                         start the server (applies pending migrations first)
  migrate                       apply pending database migrations and exit
  source create --name N --type rest|javascript|webhook
                [--id ID] [--origin ORIGIN]... [--write-key KEY] [--profile-path PATH] [--disabled]
                                create an event source and print it as JSON
  source list                   print all event sources as JSON
  user create --email E --name N --role admin|developer|marketer|maintainer [--role …]
              [--password P] [--expires ISO-DATE]
                                create a user; prints a generated password once
  user reset-password --email E [--password P]
                                set a new password (generated and printed when absent)
                                and end the user's sessions
  user list                     print all users as JSON

Configuration comes from CAIRN_* environment variables (see the README).`;

const validateSource = validator(SourceInputSchema, 'source');

async function withDatabase<T>(
  work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(loadConfig().databaseUrl);
  try {
    await db.migrate();
    return await work(db);
  } finally {
    await db.close();
  }
}

async function sourceCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'list') {
    await withDatabase(async (db) => {
      console.log(JSON.stringify((await new SourceRegistry(db).list()).map(viewOf), null, 2));
    });
    return;
  }
  if (action !== 'create') throw new UsageError(`unknown source action "${action ?? ''}"`);
  const { values } = parseArgs({
    args: rest,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'write-key': { type: 'string' },
      'profile-path': { type: 'string' },
      disabled: { type: 'boolean' },
    },
    strict: true,
  });
  const input = validateSource({
    ...(values.id !== undefined ? { id: values.id } : {}),
    name: values.name,
    type: values.type,
    enabled: !values.disabled,
    ...(values.origin ? { allowedOrigins: values.origin } : {}),
    ...(values['write-key'] !== undefined ? { writeKey: values['write-key'] } : {}),
    ...(values['profile-path'] !== undefined ? { config: { profilePath: values['profile-path'] } } : {}),
  });
  await withDatabase(async (db) => {
    console.log(JSON.stringify(viewOf(await new SourceRegistry(db).create(input)), null, 2));
  });
}

const validateUser = validator(UserInputSchema, 'user');

async function userCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'list') {
    await withDatabase(async (db) => {
      console.log(JSON.stringify((await new Accounts(db).list()).map(userView), null, 2));
    });
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      password: { type: 'string' },
      expires: { type: 'string' },
    },
    strict: true,
  });
  const generated = values.password === undefined ? randomPassword() : undefined;
  const password = values.password ?? generated!;
  if (action === 'create') {
    const input = validateUser({
      email: values.email,
      name: values.name ?? values.email,
      roles: values.role ?? [],
      password,
      ...(values.expires !== undefined ? { expiresAt: values.expires } : {}),
    });
    await withDatabase(async (db) => {
      const user = await new Accounts(db).create(input);
      console.log(
        JSON.stringify({ ...userView(user), ...(generated ? { password: generated } : {}) }, null, 2),
      );
    });
    return;
  }
  if (action === 'reset-password') {
    if (!values.email) throw new UsageError('user reset-password needs --email');
    validator(Type.Object({ password: Password }), 'password')({ password });
    await withDatabase(async (db) => {
      const accounts = new Accounts(db);
      const user = await accounts.findByEmail(values.email!);
      if (!user) throw new ApiError(404, 'not_found', `No user has the e-mail "${values.email}".`);
      await accounts.setPassword(user.id, password);
      console.log(
        JSON.stringify(
          { email: user.email, reset: true, ...(generated ? { password: generated } : {}) },
          null,
          2,
        ),
      );
    });
    return;
  }
  throw new UsageError(`unknown user action "${action ?? ''}"`);
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const server = await startServer(loadConfig());
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop).once('SIGTERM', stop);
      return -1;
    }
    case 'migrate': {
      const db = await openDatabase(loadConfig().databaseUrl);
      try {
        console.log(JSON.stringify({ applied: await db.migrate() }));
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'source':
      await sourceCommand(rest);
      return 0;
    case 'user':
      await userCommand(rest);
      return 0;
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`cairn: ${(error as Error).message}\n\n${USAGE}`);
    } else if (error instanceof ConfigError) {
      console.error(`cairn: configuration error: ${error.message}`);
    } else if (error instanceof ApiError) {
      console.error(`cairn: ${error.message}${error.path ? ` (${error.path})` : ''}`);
    } else {
      console.error('cairn:', error);
    }
    process.exitCode = 1;
  },
);
