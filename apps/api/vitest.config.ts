import { coverageFloor, warehouseVitest } from '@warehouse/vitest-config';

// No floor yet: the coverage run of 2026-12-07 did not complete here (the machine was at load 30).
// Set it just under the figures `pnpm test:coverage` prints for this package.
export default warehouseVitest(import.meta.url, { test: { coverage: coverageFloor() } });
