import { coverageFloor, warehouseVitest } from '@warehouse/vitest-config';

export default warehouseVitest(import.meta.url, {
  test: { coverage: coverageFloor({ statements: 0, branches: 0, functions: 0, lines: 0 }) },
});
