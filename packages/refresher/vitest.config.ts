import { coverageFloor, warehouseVitest } from '@warehouse/vitest-config';

export default warehouseVitest(import.meta.url, {
  test: { coverage: coverageFloor({ statements: 88, branches: 78, functions: 82, lines: 91 }) },
});
