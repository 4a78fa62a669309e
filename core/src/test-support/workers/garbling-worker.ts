/**
 * A sandbox worker gone wrong, for the pool's tests: it starts like a real one, answers a run of
 * an event whose type is `garble` with a line that is not JSON, and any other run with an empty
 * result.
 */
import { Socket } from 'node:net';
import { readLines, writeLine } from '../../sandbox/lines.js';
import { CHANNEL_FD } from '../../sandbox/protocol.js';

const channel = new Socket({ fd: CHANNEL_FD, readable: true, writable: true });
readLines(channel, (line) => {
  if (line.startsWith('{')) {
    if ((JSON.parse(line) as { kind: string }).kind === 'configure') writeLine(channel, '{"kind":"ready"}');
    return;
  }
  const id = Number(line.slice(0, line.indexOf(' ')));
  if (line.includes('"type":"garble"')) writeLine(channel, '[{"id": not json');
  else {
    const result = { status: 'ok', traces: 'timings', operations: [], ux: [], response: {}, flows: [] };
    writeLine(channel, JSON.stringify([{ id, result }]));
  }
});
channel.on('end', () => process.exit(0));
