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
  // The transaction travels in the request context (src/database/unit-of-work/): no service holds a
  // DataSource or is handed an EntityManager. Entities, Repository and find operators stay open to
  // every module. Exceptions: the statement builders and the token repository's batched transactions,
  // which hold dialect SQL; specs that build a database of their own.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/database/**', 'src/common/database/**', 'src/tokens/token.repository.ts', 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'typeorm',
              importNames: ['DataSource', 'EntityManager', 'QueryRunner'],
              message: 'use UnitOfWork and transactional() from src/database/unit-of-work/',
            },
            {
              name: '@nestjs/typeorm',
              importNames: ['InjectDataSource', 'InjectEntityManager'],
              message: 'use UnitOfWork and transactional() from src/database/unit-of-work/',
            },
          ],
        },
      ],
    },
  },
  // Controllers parse, delegate and answer: no repository, no query of their own.
  {
    files: ['src/**/*.controller.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'typeorm', message: 'a controller reaches stored data through a service' },
            { name: '@nestjs/typeorm', message: 'a controller reaches stored data through a service' },
          ],
        },
      ],
    },
  },
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
  // The device grant (src/device/) is built as an outside module: it leaves its folder only for a
  // public-api.ts, and keeps the unit-of-work rule of src/ (its migrations excepted, as database/'s).
  {
    files: ['src/device/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'typeorm', importNames: ['DataSource', 'EntityManager', 'QueryRunner'], message: 'use UnitOfWork and transactional() from src/database/unit-of-work/' },
          ],
          patterns: [
            {
              regex: '^\\.\\./(?!(\\.\\./)*(tokens/grants|clients/authentication|authorize)/public-api$)',
              message: 'an extension imports the server only from a public-api.ts (tokens/grants, clients/authentication, authorize)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/device/migrations/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'a migration of the device module imports nothing of the server' }] },
      ],
    },
  },
);
