import { testDialects } from '@cairn/core/test-support/databases';
import { integrityOf } from '@cairn/sdk/package';
import { expect } from 'chai';
import {
  errorOf,
  release,
  startTestRegistry,
  type TestPublisher,
  type TestRegistry,
} from '../test-support/registry.js';
import type { PackageList, PackagePage, VersionDetail } from './schemas.js';

const node = (id: string, title: string, category: string) => ({
  id,
  title,
  description: title,
  category,
  inputs: ['payload'],
  outputs: ['done'],
  config: { type: 'object' as const },
  permissions: {},
  resources: [],
});

const REVIEWS = {
  title: 'Review scoring',
  description: 'Routes reviews by their stars',
  nodes: [node('score-review', 'Score review', 'data')],
};
const MAILER = {
  title: 'Mailer',
  description: 'Sends e-mail through SMTP',
  nodes: [node('send-mail', 'Send mail', 'connectors')],
};
const SENTIMENT = {
  title: 'Sentiment',
  description: 'Scores text with a lexicon',
  nodes: [node('sentiment', 'Sentiment', 'data'), node('notify', 'Notify', 'connectors')],
};

for (const dialect of testDialects()) {
  describe(`search, package pages and downloads (${dialect.name})`, function () {
    this.timeout(60_000);
    let registry: TestRegistry;
    let acme: TestPublisher;
    let globex: TestPublisher;
    const tarballs = new Map<string, Buffer>();

    const get = async <T>(path: string): Promise<T> => {
      const response = await registry.request(path);
      expect(response.status, `${path}: ${await response.clone().text()}`).to.equal(200);
      return (await response.json()) as T;
    };
    const search = (query: string) => get<PackageList>(`/api/packages?${query}`);
    const names = (list: PackageList) => list.items.map((item) => item.name);
    const download = (name: string, version: string, headers: Record<string, string> = {}) =>
      registry.request(`/api/packages/${encodeURIComponent(name)}/${version}/tarball`, { headers });

    before(async () => {
      registry = await startTestRegistry(dialect);
      acme = await registry.publisher('acme');
      globex = await registry.publisher('globex');
      tarballs.set('@acme/reviews@1.0.0', await release(registry, acme, '@acme/reviews', '1.0.0', REVIEWS));
      tarballs.set(
        '@globex/sentiment@0.9.0',
        await release(registry, globex, '@globex/sentiment', '0.9.0', SENTIMENT),
      );
      await release(registry, acme, '@acme/mailer', '1.0.0', MAILER);
      await release(registry, acme, '@acme/reviews', '1.1.0', { ...REVIEWS, cairn: '^0.2.0' });
      await release(registry, globex, '@globex/withdrawn', '1.0.0', { title: 'Withdrawn' });
      const yank = await registry.request('/api/packages/%40globex%2Fwithdrawn/1.0.0/yank', {
        json: {},
        bearer: globex.token,
      });
      expect(yank.status).to.equal(200);
    });
    after(() => registry.stop());

    it('downloads the exact bytes published, with integrity and signature headers, and counts it', async () => {
      const tarball = tarballs.get('@globex/sentiment@0.9.0')!;
      const response = await download('@globex/sentiment', '0.9.0');
      expect(response.status).to.equal(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(tarball)).to.equal(true);
      expect(response.headers.get('content-type')).to.equal('application/gzip');
      expect(response.headers.get('etag')).to.equal(`"${integrityOf(tarball)}"`);
      expect(response.headers.get('x-cairn-integrity')).to.equal(integrityOf(tarball));
      expect(response.headers.get('x-cairn-key-id')).to.equal(globex.key.keyId);
      expect(response.headers.get('x-cairn-signature')).to.be.a('string');
      expect(response.headers.get('content-disposition')).to.contain('globex-sentiment-0.9.0.cairn.tgz');

      for (let i = 0; i < 2; i++) expect((await download('@globex/sentiment', '0.9.0')).status).to.equal(200);
      const head = await registry.request('/api/packages/%40globex%2Fsentiment/0.9.0/tarball', {
        method: 'HEAD',
      });
      expect(head.status).to.equal(200);
      await download('@acme/mailer', '1.0.0');

      const version = await get<VersionDetail>('/api/packages/%40globex%2Fsentiment/0.9.0');
      expect(version.downloads).to.equal(3);
      const page = await get<PackagePage>('/api/packages/%40globex%2Fsentiment');
      expect(page.downloads).to.equal(3);
    });

    it('answers 304 to a client that holds the tarball already, without counting a download', async () => {
      const tarball = tarballs.get('@acme/reviews@1.0.0')!;
      const before = (await get<VersionDetail>('/api/packages/%40acme%2Freviews/1.0.0')).downloads;
      const cached = await download('@acme/reviews', '1.0.0', {
        'if-none-match': `"${integrityOf(tarball)}"`,
      });
      expect(cached.status).to.equal(304);
      expect((await get<VersionDetail>('/api/packages/%40acme%2Freviews/1.0.0')).downloads).to.equal(before);
    });

    it('answers 404 for a version or package that does not exist', async () => {
      for (const path of [
        '/api/packages/%40acme%2Freviews/9.9.9',
        '/api/packages/%40acme%2Freviews/9.9.9/tarball',
        '/api/packages/%40acme%2Fnothing',
        '/api/packages/%40acme%2Freviews/1.0.0/icon',
      ]) {
        const response = await registry.request(path);
        expect(response.status, path).to.equal(404);
        expect((await errorOf(response)).code).to.equal('not_found');
      }
    });

    it('sorts by downloads, most downloaded first, and hides packages whose versions are all yanked', async () => {
      const list = await search('sort=downloads');
      expect(names(list)).to.deep.equal(['@globex/sentiment', '@acme/mailer', '@acme/reviews']);
      expect(list.items[0]).to.include({
        latest: '0.9.0',
        title: 'Sentiment',
        publisher: 'globex',
        downloads: 3,
        cairn: '^0.1.0',
      });
      expect(list.items[0]!.categories).to.deep.equal(['data', 'connectors']);
      expect(names(await search(''))).to.deep.equal(names(list));
    });

    it('sorts by date, most recently published first', async () => {
      const list = await search('sort=date');
      const expected = [...list.items]
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.name.localeCompare(b.name))
        .map((item) => item.name);
      expect(names(list)).to.deep.equal(expected);
      expect(new Set(names(list))).to.deep.equal(
        new Set(['@acme/reviews', '@acme/mailer', '@globex/sentiment']),
      );
      await release(registry, acme, '@acme/mailer', '1.0.1', MAILER);
      expect(names(await search('sort=date'))[0]).to.equal('@acme/mailer');
    });

    it('finds packages by every word of the query, in name, title, description, categories and node titles', async () => {
      expect(names(await search('q=lexicon'))).to.deep.equal(['@globex/sentiment']);
      expect(names(await search('q=SMTP%20mail'))).to.deep.equal(['@acme/mailer']);
      expect(names(await search('q=score&sort=date'))).to.have.members([
        '@acme/reviews',
        '@globex/sentiment',
      ]);
      expect(names(await search('q=acme%2Freviews'))).to.deep.equal(['@acme/reviews']);
      expect(names(await search('q=%25'))).to.deep.equal([]);
      expect(names(await search('q=withdrawn'))).to.deep.equal([]);
    });

    it('filters by node category', async () => {
      expect(names(await search('category=connectors'))).to.have.members([
        '@acme/mailer',
        '@globex/sentiment',
      ]);
      expect(names(await search('category=data'))).to.have.members(['@acme/reviews', '@globex/sentiment']);
      expect(names(await search('category=data&q=stars'))).to.deep.equal(['@acme/reviews']);
      expect(names(await search('category=nothing'))).to.deep.equal([]);
    });

    it('pages with a cursor through every package exactly once', async () => {
      for (const sort of ['downloads', 'date']) {
        const all = names(await search(`sort=${sort}`));
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: PackageList = await search(
            `sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(page.items.length).to.be.at.most(2);
          seen.push(...names(page));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).to.deep.equal(all);
      }
    });

    it('refuses an invalid query: a cursor of another listing, a limit out of range, an unknown sort', async () => {
      const first = await search('sort=downloads&limit=1');
      for (const query of [
        `sort=date&cursor=${encodeURIComponent(first.nextCursor!)}`,
        'cursor=garbage',
        'limit=0',
        'limit=101',
        'sort=stars',
        'page=2',
      ]) {
        const response = await registry.request(`/api/packages?${query}`);
        expect(response.status, query).to.equal(422);
        expect((await errorOf(response)).code, query).to.equal('validation_failed');
      }
    });

    it('shows a package page with every version, the latest manifest with nodes and permissions, and the README', async () => {
      const page = await get<PackagePage>('/api/packages/%40acme%2Freviews');
      expect(page).to.include({
        name: '@acme/reviews',
        publisher: 'acme',
        latest: '1.1.0',
        title: 'Review scoring',
      });
      expect(page.versions.map((v) => [v.version, v.cairn, v.yanked])).to.deep.equal([
        ['1.1.0', '^0.2.0', false],
        ['1.0.0', '^0.1.0', false],
      ]);
      expect(page.manifest?.version).to.equal('1.1.0');
      expect(page.manifest?.nodes[0]).to.include({ id: 'score-review', category: 'data' });
      expect(page.manifest?.nodes[0]?.permissions).to.deep.equal({});
      expect(page.readme).to.contain('# Review scoring');
      expect(page).not.to.have.property('latestCompatible');
    });

    it('tells which versions fit a Cairn plugin API version', async () => {
      const old = await get<PackagePage>('/api/packages/%40acme%2Freviews?cairn=0.1.4');
      expect(old.latestCompatible).to.equal('1.0.0');
      expect(old.versions.map((v) => v.compatible)).to.deep.equal([false, true]);
      const current = await get<PackagePage>('/api/packages/%40acme%2Freviews?cairn=0.2.1');
      expect(current.latestCompatible).to.equal('1.1.0');
      const none = await get<PackagePage>('/api/packages/%40acme%2Freviews?cairn=1.0.0');
      expect(none.latestCompatible).to.equal(null);
      const bad = await registry.request('/api/packages/%40acme%2Freviews?cairn=latest');
      expect(bad.status).to.equal(422);
      expect((await errorOf(bad)).path).to.equal('cairn');
    });

    it('keeps a pre-release out of latest while a release exists', async () => {
      await release(registry, acme, '@acme/reviews', '2.0.0-beta.1', REVIEWS);
      const page = await get<PackagePage>('/api/packages/%40acme%2Freviews');
      expect(page.latest).to.equal('1.1.0');
      expect(page.versions[0]!.version).to.equal('2.0.0-beta.1');
    });

    it('shows a deprecation on the version, the page and the search results, and takes it back', async () => {
      const path = '/api/packages/%40acme%2Fmailer/1.0.1/deprecate';
      const message = 'Use @acme/mailer-v2: this one drops attachments';
      const deprecated = await registry.request(path, { json: { message }, bearer: acme.token });
      expect(deprecated.status).to.equal(200);
      expect(await deprecated.json()).to.include({ deprecated: message, yanked: false, latest: '1.0.1' });
      expect((await get<VersionDetail>('/api/packages/%40acme%2Fmailer/1.0.1')).deprecated).to.equal(message);
      const page = await get<PackagePage>('/api/packages/%40acme%2Fmailer');
      expect(page.versions.find((v) => v.version === '1.0.1')?.deprecated).to.equal(message);
      const found = await search('q=mailer');
      expect(found.items[0]?.deprecated).to.equal(message);

      const undone = await registry.request(path, { json: { message: null }, bearer: acme.token });
      expect(await undone.json()).to.include({ deprecated: null });
      expect((await search('q=mailer')).items[0]?.deprecated).to.equal(null);
    });

    it('yanks a version out of latest and searches but keeps it downloadable by exact version', async () => {
      const yank = await registry.request('/api/packages/%40acme%2Freviews/1.1.0/yank', {
        bearer: acme.token,
        method: 'POST',
      });
      expect(yank.status).to.equal(200);
      expect(await yank.json()).to.include({ yanked: true, latest: '1.0.0' });

      const page = await get<PackagePage>('/api/packages/%40acme%2Freviews');
      expect(page.latest).to.equal('1.0.0');
      expect(page.manifest?.version).to.equal('1.0.0');
      expect(page.versions.find((v) => v.version === '1.1.0')?.yanked).to.equal(true);
      const listed = (await search('q=reviews')).items.find((item) => item.name === '@acme/reviews');
      expect(listed?.latest).to.equal('1.0.0');
      expect((await get<VersionDetail>('/api/packages/%40acme%2Freviews/1.1.0')).yanked).to.equal(true);
      expect((await download('@acme/reviews', '1.1.0')).status).to.equal(200);

      const withdrawn = await get<PackagePage>('/api/packages/%40globex%2Fwithdrawn');
      expect(withdrawn.latest).to.equal(null);
      expect(withdrawn.manifest).to.equal(null);
      expect((await download('@globex/withdrawn', '1.0.0')).status).to.equal(200);
    });

    it('lets only the owner deprecate or yank', async () => {
      for (const action of ['deprecate', 'yank']) {
        const path = `/api/packages/%40acme%2Freviews/1.0.0/${action}`;
        const json = action === 'deprecate' ? { message: 'no' } : {};
        const stranger = await registry.request(path, { json, bearer: globex.token });
        expect(stranger.status, action).to.equal(403);
        expect((await errorOf(stranger)).code).to.equal('not_owner');
        const anonymous = await registry.request(path, { json });
        expect(anonymous.status, action).to.equal(401);
      }
      const page = await get<PackagePage>('/api/packages/%40acme%2Freviews');
      expect(page.versions.find((v) => v.version === '1.0.0')).to.include({
        deprecated: null,
        yanked: false,
      });
    });
  });
}
