/**
 * A minimal SMTP server for one fault smtp-server cannot script: the message
 * is received whole and kept (as a real MTA would have queued it), but the
 * connection dies before the client reads the final `250` (a dropped link,
 * a crashed proxy, a timeout). The client cannot know whether it was sent.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../src/devstack/free-port.js';

export interface LossySmtp {
  readonly url: string;
  /** Every message whose DATA was received completely, in order (including the ones whose ack was lost). */
  readonly received: Buffer[];
  /** The next `n` completed DATA transactions lose their ack: the socket is destroyed instead of answering 250. */
  dropAckNext(n: number): void;
  stop(): Promise<void>;
}

export async function startLossySmtp(): Promise<LossySmtp> {
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  let drops = 0;

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let inData = false;
    const say = (line: string): void => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    say('220 lossy.test ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const body = buf.subarray(0, end + 2);
          buf = buf.subarray(end + 5);
          inData = false;
          received.push(Buffer.from(body.toString('latin1').replace(/^\.\./gm, '.'), 'latin1'));
          if (drops > 0) {
            drops--;
            socket.destroy();
            return;
          }
          say(`250 2.0.0 queued as lossy-${received.length}`);
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString('latin1');
        buf = buf.subarray(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') say('250-lossy.test\r\n250 8BITMIME');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') say('250 OK');
        else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
          return;
        } else say('502 5.5.2 command not recognized');
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    dropAckNext(n) {
      drops += n;
    },
    stop() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
