import { parseDuration, type MigratorEvent } from '@warehouse/migrate';
import { CliError } from '@warehouse/command';
import { c, info, ms } from './output.ts';

// The flags of the db:migrate family and intFlag are in flags.ts (light, read before argv is parsed).

/** A duration flag (`5s`, `500ms`, `2min`, bare ms; 0 = no limit) in ms, or a usage error naming the flag. */
export function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parseDuration(value);
  if (n === undefined)
    throw new CliError(
      'E_USAGE',
      `--${name} must be a duration like 5s, 500ms or 2min (0 = no limit), got ${JSON.stringify(value)}`,
    );
  return n;
}

/** Progress of the runner on stderr (stdout stays data). */
export function logMigratorEvent(event: MigratorEvent): void {
  switch (event.type) {
    case 'applied':
      info(
        `${event.total ? c.dim(`[${event.index}/${event.total}] `) : ''}${c.ok('✓')} ${event.name} ${c.dim(ms(event.ms))}`,
      );
      break;
    case 'failed':
      info(
        `${event.total ? c.dim(`[${event.index}/${event.total}] `) : ''}${c.err('✗')} ${event.name} ${c.dim(ms(event.ms))}`,
      );
      break;
    case 'retrying':
      info(c.warn(event.message));
      break;
    case 'waiting-for-lock':
      info(c.warn(event.message));
      break;
    case 'warning':
      info(`${c.warn('warning')} ${event.message}`);
      break;
    case 'filling':
      info(c.dim(`  filling [${event.index}/${event.total}] ${event.relation} (new version, beside the old one)…`));
      break;
    case 'filled':
      info(`  ${c.ok('filled')} ${event.relation}: ${event.rows.toLocaleString('en-US')} rows ${c.dim(ms(event.ms))}`);
      break;
    case 'swapped':
      info(
        `${c.ok('⇄')} ${event.name}: swapped in ${event.objects.join(', ')} ${c.dim(`(fill ${ms(event.fillMs)}; locks held ${ms(event.lockMs)})`)}`,
      );
      break;
  }
}
