import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Admin } from 'kafkajs';
import { eventually } from './test-kafka';

const KAFKA_SH = resolve(__dirname, '../../infra/kafka/kafka.sh');
const run = promisify(execFile);

/**
 * The three-node cluster `infra/kafka/kafka.sh cluster start` runs (what `infra/test-cluster.sh` points
 * KAFKA_BROKERS at), driven the way a failover drill needs: SIGKILL a node, find the active controller,
 * bring the node back. KAFKA_CLUSTER_* variables pass through to kafka.sh, so it finds the same nodes.
 */
export const kafkaCluster = {
  /** Whether the tests run against the cluster (test-cluster.sh sets KAFKA_CLUSTER_TESTS=1). */
  configured: process.env.KAFKA_CLUSTER_TESTS === '1',

  async kill(nodeId: number): Promise<void> {
    await run('bash', [KAFKA_SH, 'cluster', 'kill', String(nodeId)]);
  },

  /** Starts whatever node is down and waits until every node answers. */
  async start(): Promise<void> {
    await run('bash', [KAFKA_SH, 'cluster', 'start'], { timeout: 180_000 });
  },

  /** The node id of the KRaft quorum's leader. */
  async controller(): Promise<number> {
    const { stdout } = await run('bash', [KAFKA_SH, 'cluster', 'controller']);
    return Number(stdout.trim());
  },
};

export interface PartitionLeadership {
  /** Partitions led per broker id (brokers leading none are absent). */
  leadersByBroker: Map<number, number>;
  /** Partitions whose in-sync replica set is smaller than their replica set. */
  underReplicated: number;
  /** Partitions with no leader (-1), or led by a broker not in `alive`. */
  leaderless: number;
  replicationFactors: Set<number>;
}

export async function partitionLeadership(
  admin: Admin,
  topics: readonly string[],
  alive?: ReadonlySet<number>,
): Promise<PartitionLeadership> {
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  const leadersByBroker = new Map<number, number>();
  let underReplicated = 0;
  let leaderless = 0;
  const replicationFactors = new Set<number>();
  for (const topic of metadata.topics) {
    for (const partition of topic.partitions) {
      replicationFactors.add(partition.replicas.length);
      if (partition.isr.length < partition.replicas.length) underReplicated += 1;
      if (partition.leader < 0 || (alive && !alive.has(partition.leader))) leaderless += 1;
      else leadersByBroker.set(partition.leader, (leadersByBroker.get(partition.leader) ?? 0) + 1);
    }
  }
  return { leadersByBroker, underReplicated, leaderless, replicationFactors };
}

/** The broker leading the most of these partitions. */
export async function busiestLeader(admin: Admin, topics: readonly string[]): Promise<number> {
  const { leadersByBroker } = await partitionLeadership(admin, topics);
  return [...leadersByBroker].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

/** Waits until every partition of these topics has all its replicas in sync again. */
export async function awaitFullIsr(admin: Admin, topics: readonly string[], timeoutMs = 120_000): Promise<void> {
  await eventually(
    async () => {
      const { underReplicated, leaderless } = await partitionLeadership(admin, topics);
      if (underReplicated > 0 || leaderless > 0) throw new Error(`${underReplicated} under-replicated, ${leaderless} leaderless`);
    },
    { timeoutMs, intervalMs: 250 },
  );
}
