import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Registry } from 'prom-client';
import { metricsEndpoint } from './endpoint';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** A process without a web server of its own (the worker) serves GET /metrics on a port of its own. */
export async function serveMetrics(options: {
  host: string;
  port: number;
  registry: Registry;
  more?: () => Promise<string>;
}): Promise<MetricsServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsEndpoint(options.registry, options.more));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
