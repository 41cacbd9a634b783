// Finds a free loopback TCP port for a local module (the OS picks one; we release it and hand it to the child).
// Local stage (`edgeml run`). A child that loses the race fails with EADDRINUSE and is reported like any start failure.
import { createServer } from 'node:net';

export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
