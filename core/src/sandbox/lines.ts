import type { Socket } from 'node:net';

/**
 * The channel between the server and a sandbox worker: a stream of text lines over a pipe. Every
 * message (runs, their outcomes, control messages) is JSON text, and JSON text never holds a raw
 * line feed (`JSON.stringify` escapes it), so a line feed ends each message. One pipe keeps them
 * in order (a plugin installed before a run is loaded before it runs), and writing a string to a
 * pipe costs a fraction of what Node's IPC channel spends serialising a message around the same
 * string.
 */
export function readLines(socket: Socket, onLine: (line: string) => void): void {
  socket.setEncoding('utf8');
  /** The start of a line whose end has not arrived yet, in pieces. */
  let partial: string[] = [];
  socket.on('data', (chunk: string) => {
    let from = 0;
    for (let end = chunk.indexOf('\n'); end >= 0; end = chunk.indexOf('\n', from)) {
      let line = chunk.slice(from, end);
      if (partial.length > 0) {
        partial.push(line);
        line = partial.join('');
        partial = [];
      }
      from = end + 1;
      onLine(line);
    }
    if (from < chunk.length) partial.push(chunk.slice(from));
  });
}

/** A message as one line: `text` must not hold a raw line feed (JSON text never does). */
export function writeLine(socket: Socket, text: string): void {
  socket.write(`${text}\n`);
}
