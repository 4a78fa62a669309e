/**
 * The collector alone, in one process: CPU per event of storing `/track` batches for existing
 * profiles, and of storing them and then committing a flow's profile operations and event status
 * (what a flow event adds to the writes), 32 requests at a time as the HTTP benchmark sends them.
 * `node --no-node-snapshot core/dist/bench/collector.js <database url> [--json]`
 */
import { type CollectBatch, Collector } from '../collector/collector.js';
import { openDatabase } from '../storage/orm.js';

const PROFILES = 500;
const EVENTS = 20_000;
const CONCURRENCY = 32;
const ROUNDS = 3;

const db = await openDatabase(process.argv[2]!);
await db.migrate();
const collector = new Collector(db, { writeLanes: 4, maxGroup: 64 });

const batch = (profileId: string | undefined, sessionId: string): CollectBatch => ({
  sourceId: 'bench',
  profileId,
  unknownProfile: 'new',
  sessionId,
  profileLess: false,
  context: {},
  events: [
    { type: 'page-view', properties: { url: 'https://shop.example.com/products/42', title: 'Trail shoe' } },
  ],
  request: { ip: '127.0.0.1', userAgent: 'autocannon', language: undefined },
});

const existing: { profile: string; session: string }[] = [];
for (let i = 0; i < PROFILES; i++) {
  const session = `bench-session-${i}`;
  const stored = await collector.collect(batch(undefined, session));
  existing.push({ profile: stored.profile!.id, session });
}

/** CPU µs per event of `CONCURRENCY` request loops storing `EVENTS` events, best of the rounds. */
async function measure(withCommit: boolean): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let next = 0;
    const started = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < EVENTS) {
          const pick = existing[next++ % PROFILES]!;
          // With a flow, the event is stored pending, as `/track` stores it when a rule routes it.
          const stored = await collector.collect({
            ...batch(pick.profile, pick.session),
            ...(withCommit ? { withFlows: new Set(['page-view']) } : {}),
          });
          if (!withCommit) continue;
          await collector.commit({
            profileId: pick.profile,
            operations: [],
            events: new Map([
              [
                stored.events[0]!,
                {
                  status: 'processed',
                  operations: [
                    { op: 'set', path: 'traits.last_page', value: 'Trail shoe' },
                    { op: 'increment', path: 'stats.counters.good_views', by: 1 },
                  ],
                },
              ],
            ]),
            refused: [],
          });
        }
      }),
    );
    const used = process.cpuUsage(started);
    rounds.push((used.user + used.system) / EVENTS);
  }
  return Math.min(...rounds);
}

const results = { collect: await measure(false), collectAndCommit: await measure(true) };
await db.close();
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else {
  console.log(`store the event: ${results.collect.toFixed(1)} µs CPU per event`);
  console.log(
    `store it and commit a flow's operations: ${results.collectAndCommit.toFixed(1)} µs CPU per event`,
  );
}
