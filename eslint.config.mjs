import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'no-console': 'off' } },
  // Extensions written as an outside author writes them: the server only through its public entry files.
  {
    files: [
      'src/tokens/grants/token-exchange.grant.ts',
      'src/tokens/grants/dto/token-exchange.request.ts',
      'test/fixtures/custom-grant.module.ts',
      'test/fixtures/ticket-grant.module.ts',
      'test/fixtures/client-key-header.module.ts',
      'test/fixtures/hello-page.module.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(?!(\\.\\./)*(src/tokens/grants/|src/clients/authentication/|src/authorize/)?public-api$|dto/token-exchange\\.request$)',
              message: 'an extension imports the server only from a public-api.ts (tokens/grants, clients/authentication, authorize)',
            },
          ],
        },
      ],
    },
  },
);
