/** A local HTTP server that counts every connection and request (for the no-network tests). */
import { createServer, type Server } from 'node:http';

export interface CountingServer {
  server: Server;
  port: number;
  requests: string[];
  connections: number;
}

/** An HTTP server on 127.0.0.1 that records every request and connection (and answers 200). */
export async function countingServer(): Promise<CountingServer> {
  const state: CountingServer = { server: createServer(), port: 0, requests: [], connections: 0 };
  state.server.on('connection', () => state.connections++);
  state.server.on('request', (request, response) => {
    state.requests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('x');
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.port = (state.server.address() as { port: number }).port;
  return state;
}
