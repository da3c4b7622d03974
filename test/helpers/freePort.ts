// A free TCP port on 127.0.0.1 for the database servers the SQL tests start (test/setup/).
import { createServer } from 'node:net';

/** A port the system just handed out on 127.0.0.1 and released again. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
