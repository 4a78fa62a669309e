import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { readLines, writeLine } from './lines.js';

/** A stream in place of the pipe: what is written comes out the other side in the chunks given. */
function pipe(): { stream: Socket; lines: string[] } {
  const stream = new PassThrough() as unknown as Socket;
  const lines: string[] = [];
  readLines(stream, (line) => lines.push(line));
  return { stream, lines };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('the sandbox channel, lines of JSON text', () => {
  it('reads several messages from one chunk and one message from many chunks', async () => {
    const { stream, lines } = pipe();
    const first = JSON.stringify({ kind: 'ready' });
    const second = JSON.stringify([{ id: 1, result: { text: 'line\nfeed inside a string' } }]);
    stream.write(`${first}\n${second}\n${second.slice(0, 5)}`);
    await flushed();
    expect(lines).to.deep.equal([first, second]);
    stream.write(second.slice(5, 9));
    stream.write(`${second.slice(9)}\n`);
    await flushed();
    expect(lines).to.deep.equal([first, second, second]);
    expect(JSON.parse(lines[1]!)[0].result.text).to.equal('line\nfeed inside a string');
  });

  it('keeps characters whose bytes arrive in different chunks, and long lines whole', async () => {
    const { stream, lines } = pipe();
    const text = JSON.stringify({ name: 'Zoë 🌲 ünïcode', long: 'x'.repeat(1_000_000) });
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    // Split inside the four bytes of the tree emoji, and again further on.
    const cut = Buffer.from('{"name":"Zoë ', 'utf8').length + 2;
    stream.write(bytes.subarray(0, cut));
    stream.write(bytes.subarray(cut, cut + 70_000));
    stream.write(bytes.subarray(cut + 70_000));
    await flushed();
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!).name).to.equal('Zoë 🌲 ünïcode');
    expect(lines[0]).to.equal(text);
  });

  it('writes each message as one line', async () => {
    const { stream, lines } = pipe();
    writeLine(stream, JSON.stringify({ a: 'b\nc' }));
    writeLine(stream, '7 {"x":1}');
    await flushed();
    expect(lines).to.deep.equal(['{"a":"b\\nc"}', '7 {"x":1}']);
  });
});
