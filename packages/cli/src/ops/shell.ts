import { $, chalk } from 'zx';
import { colourEnabled } from '@warehouse/command';

// zx's own output (`$` verbose lines, its error messages) follows the same colour rule as ours. Set
// here, where `$` is imported, not in output.ts, which every script loads before it parses argv:
// importing zx costs ~0.25 CPU-s (2026-12-07), which --help and usage errors do not need.
chalk.level = colourEnabled() ? chalk.level || 1 : 0;

/** zx's `$`, with its colour set by our rule. The ops modules import `$` from here, never from zx. */
export { $ };
