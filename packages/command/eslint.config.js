import baseConfig from '@warehouse/eslint-config';

export default [...baseConfig, { languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } } }];
