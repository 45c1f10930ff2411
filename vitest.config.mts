import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests are compiled without decorator metadata: every Nest constructor parameter names its token with @Inject.
const alias = {
  '@app/contracts': resolve(root, 'libs/contracts/src'),
  '@app/stock-domain': resolve(root, 'libs/stock-domain/src'),
  '@app/event-store': resolve(root, 'libs/event-store/src'),
  '@app/console': resolve(root, 'libs/console/src'),
  '@app/kafka-delivery': resolve(root, 'libs/kafka-delivery/src'),
};

const shared = {
  resolve: { alias },
};

// Specs that need the three-node Kafka cluster: only `bash infra/test-cluster.sh` (npm run test:cluster) runs them,
// with KAFKA_CLUSTER_TESTS=1; the quick suite leaves them out.
const clusterSpecs = [
  'test/broker-failover.e2e.spec.ts',
  'test/instances-come-and-go.e2e.spec.ts',
  'test/leader-moves-mid-send.e2e.spec.ts',
];
const clusterProject = {
  ...shared,
  test: {
    name: 'cluster',
    include: clusterSpecs,
    environment: 'node',
    testTimeout: 900_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['libs/**/*.unit.spec.ts', 'apps/**/*.unit.spec.ts'],
          environment: 'node',
        },
      },
      {
        ...shared,
        test: {
          name: 'int',
          include: ['test/**/*.int.spec.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.spec.ts'],
          exclude: clusterSpecs,
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      ...(process.env.KAFKA_CLUSTER_TESTS === '1' ? [clusterProject] : []),
    ],
  },
});
