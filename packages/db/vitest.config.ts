import { warehouseVitest } from '@warehouse/vitest-config';

export default warehouseVitest(import.meta.url);
