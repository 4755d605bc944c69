/**
 * Free TCP port discovery for integration-test servers.
 *
 * @packageDocumentation
 */
import net from 'node:net';

/**
 * Asks the kernel for a currently unused TCP port on 127.0.0.1.
 *
 * Listens on `127.0.0.1:0`, reads the port the kernel assigned and closes the
 * listener again. The port is free at the moment the promise resolves but is
 * not reserved: another process could take it before the caller binds it, so
 * server starters should retry with a fresh port on "address in use".
 *
 * @returns A TCP port number that was unused a moment ago.
 */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('freePort: listener has no TCP address'));
        return;
      }
      const { port } = addr;
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
