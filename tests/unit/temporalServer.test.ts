import fs from 'node:fs';
import path from 'node:path';
import {
  composeTemporalVersion,
  freeTemporalServerPorts,
  repositoryRoot,
  temporalServerConfig,
  temporalServerPrograms,
  TEMPORAL_ROLE,
} from '../../dev/temporalServer';

describe('the Temporal server run as a process (dev/temporalServer.ts)', () => {
  it('builds the server and its SQL tool at the version docker-compose.yml pins', () => {
    const version = composeTemporalVersion();
    expect(fs.readFileSync(path.join(repositoryRoot(), 'docker-compose.yml'), 'utf8')).toContain(
      `temporalio/server:\${TEMPORAL_VERSION:-${version}}`,
    );
    const programs = temporalServerPrograms(version);
    expect(programs.server).toMatchObject({
      binary: 'server',
      variable: 'TEMPORAL_SERVER_PATH',
      module: `go.temporal.io/server/cmd/server@v${version}`,
    });
    expect(programs.sqlTool).toMatchObject({
      binary: 'sql',
      variable: 'TEMPORAL_SQL_TOOL_PATH',
      module: `go.temporal.io/server/cmd/tools/sql@v${version}`,
    });
  });

  it('writes a postgres12 config with compose shard count and dynamic config, on ports Temporal can store (below 32768)', async () => {
    const ports = await freeTemporalServerPorts();
    const all = [ports.grpc, ports.http, ports.history, ports.matching, ports.worker, ports.metrics, ...Object.values(ports.membership)];
    expect(new Set(all).size).toBe(all.length);
    for (const port of all) expect(port).toBeLessThan(32768);

    const dynamicConfigFile = path.join(repositoryRoot(), 'deploy', 'temporal', 'dynamicconfig', 'docker.yaml');
    const config = JSON.parse(
      temporalServerConfig({
        databases: { adminUrl: 'postgres://postgres@127.0.0.1:5433/postgres', temporal: 'run_temporal', visibility: 'run_visibility' },
        ports,
        dynamicConfigFile,
      }),
    ) as {
      persistence: {
        numHistoryShards: number;
        datastores: Record<string, { sql: { pluginName: string; databaseName: string; connectAddr: string; user: string } }>;
      };
      services: { frontend: { rpc: { grpcPort: number } } };
      dynamicConfigClient: { filepath: string };
    };
    expect(config.persistence.numHistoryShards).toBe(4);
    expect(Object.values(config.persistence.datastores).map((d) => d.sql)).toEqual([
      expect.objectContaining({
        pluginName: 'postgres12',
        databaseName: 'run_temporal',
        connectAddr: '127.0.0.1:5433',
        user: TEMPORAL_ROLE.user,
      }),
      expect.objectContaining({
        pluginName: 'postgres12',
        databaseName: 'run_visibility',
        connectAddr: '127.0.0.1:5433',
        user: TEMPORAL_ROLE.user,
      }),
    ]);
    expect(config.services.frontend.rpc.grpcPort).toBe(ports.grpc);
    expect(fs.existsSync(config.dynamicConfigClient.filepath)).toBe(true);
  });
});
