// Type-aware lint for the Workers' footguns: a floating promise in a Worker is work that may be
// cut off when the response is sent (use ctx.waitUntil or await), and `any` or `!` hide the
// mistakes the type checker would otherwise catch. Formatting is Prettier's, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '**/.wrangler/',
      '**/dist/',
      'web/dist/',
      '.ci-tmp/',
      'worker-configuration.d.ts',
      'src/processor/worker-configuration.d.ts',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.node.json', './web/tsconfig.json', './web/sw/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      // An async function that does not await yet keeps the Promise signature its callers and
      // interfaces expect; flagging it is noise.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Every suppression must say why (`-- reason`).
    },
  },
  {
    // The codecs index typed arrays in hot loops whose bounds are established by the format's own
    // header checks; `noUncheckedIndexedAccess` cannot see that, and a branch per pixel would cost.
    // Tests and benchmarks: a wrong `!` fails the test that made it, which is the point of a test.
    files: ['src/processor/pipeline/**', 'web/src/ui/blurhash.ts', 'test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Vitest's asymmetric matchers (`expect.any`, `expect.stringMatching`) are typed `any` by Vitest.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // DOM event handlers in the web app are async by design; each catches and shows its own errors.
    files: ['web/**'],
    rules: {
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, properties: false } },
      ],
    },
  },
);
