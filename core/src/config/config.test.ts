import { resolve } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('defaults to port 8686 and an SQLite file in ./data', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(8686);
    expect(config.dataDir).to.equal(resolve('data'));
    expect(config.databaseUrl).to.equal(`sqlite:${resolve('data', 'cairn.sqlite')}`);
    expect(config.maxBodyBytes).to.equal(1024 * 1024);
    expect(config.maxEventsPerRequest).to.equal(100);
    expect(config.adminToken).to.equal(undefined);
  });

  it('reads sizes with units and a MySQL URL', () => {
    const config = loadConfig({
      CAIRN_MAX_BODY: '256kb',
      CAIRN_DATABASE_URL: 'mysql://cairn:secret@db:3306/cairn',
      CAIRN_DATA_DIR: '/var/lib/cairn',
    });
    expect(config.maxBodyBytes).to.equal(256 * 1024);
    expect(config.databaseUrl).to.equal('mysql://cairn:secret@db:3306/cairn');
    expect(config.dataDir).to.equal('/var/lib/cairn');
  });

  it('puts the default SQLite file in CAIRN_DATA_DIR', () => {
    expect(loadConfig({ CAIRN_DATA_DIR: '/srv/cairn' }).databaseUrl).to.equal(
      'sqlite:/srv/cairn/cairn.sqlite',
    );
  });

  it('names the variable at fault', () => {
    const cases: Record<string, string>[] = [
      { CAIRN_PORT: 'eighty' },
      { CAIRN_PORT: '70000' },
      { CAIRN_MAX_BODY: 'lots' },
      { CAIRN_MAX_EVENTS: '0' },
      { CAIRN_DATABASE_URL: 'postgres://x' },
      { CAIRN_ADMIN_TOKEN: 'short' },
      { CAIRN_TRUST_PROXY: 'maybe' },
      { CAIRN_LOG_LEVEL: 'loud' },
    ];
    for (const env of cases) {
      const [variable] = Object.keys(env);
      expect(() => loadConfig(env), variable)
        .to.throw(ConfigError)
        .with.property('variable', variable);
    }
  });
});
