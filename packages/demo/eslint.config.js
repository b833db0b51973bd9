import baseConfig from '@warehouse/eslint-config';
import { boundaries } from '@warehouse/eslint-config/boundaries';

export default [
  ...baseConfig,
  ...boundaries('@warehouse/demo'),
  { languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } } },
];
