import { coverageFloor, warehouseVitest } from '@warehouse/vitest-config';

export default warehouseVitest(import.meta.url, {
  test: { coverage: coverageFloor({ statements: 87, branches: 77, functions: 81, lines: 90 }) },
});
