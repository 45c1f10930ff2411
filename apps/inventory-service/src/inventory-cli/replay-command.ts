import { ProgressBar } from '@app/console';
import { replayDeadLetters, type ReplayFilter } from '../ingestion';
import { loadServiceConfig } from '../platform/config';
import { UsageError } from './cli-database';

export async function replay(args: string[]): Promise<void> {
  const filter: ReplayFilter = {};
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i];
    if (flag === '--dry-run') filter.dryRun = true;
    else if (flag === '--source-topic' && args[i + 1]) filter.sourceTopic = args[++i];
    else if (flag === '--reason-contains' && args[i + 1]) filter.reasonContains = args[++i];
    else
      throw new UsageError(`replay-dead-letters does not take ${JSON.stringify(flag)}${flag?.startsWith('--') ? ' without a value' : ''}`);
  }
  const config = loadServiceConfig();
  let bar: ProgressBar | null = null;
  const outcome = await replayDeadLetters(config, filter, (done, total) => {
    bar ??= new ProgressBar('replay dead letters', total);
    bar.update(done);
  });
  const reasons = Object.entries(outcome.byReason)
    .map(([reason, n]) => `\n  ${n} × ${reason}`)
    .join('');
  process.stdout.write(
    `${filter.dryRun ? 'would replay' : 'replayed'} ${filter.dryRun ? Object.values(outcome.byReason).reduce((a, b) => a + b, 0) : outcome.replayed} of ${outcome.read} dead letters from ${config.kafka.topics.deadLetters} (${outcome.skipped} did not match)${reasons}\n`,
  );
}
