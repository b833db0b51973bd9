import { coverageFloor, warehouseVitest } from '@warehouse/vitest-config';

export default warehouseVitest(import.meta.url, {
  test: { coverage: coverageFloor({ statements: 74, branches: 65, functions: 71, lines: 75 }) },
});
