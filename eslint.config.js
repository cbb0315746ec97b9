import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'var/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config.ts reads process.env.' },
      ],
    },
  },
  // Layers (DESIGN.md): services are the business and know nothing of Slack, views, listeners,
  // schedules, HTTP, local mode or the CLI; views take services' types only; listeners and HTTP
  // routes call services and run no SQL.
  {
    files: ['src/services/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@slack/*'], message: 'Services never import Slack; take a Notifier or a Publisher.' },
            {
              group: [
                '**/views/*',
                '**/listeners/*',
                '**/listeners/**',
                '**/schedules/*',
                '**/schedules/**',
                '**/http/*',
                '**/local/*',
                '**/cli/*',
                '**/app.js',
                '**/wiring.js',
                '**/bolt.js',
                '**/notifier/*',
              ],
              message:
                'Services import nothing from the outer layers: return data and let views, listeners and schedules use it.',
            },
          ],
        },
      ],
      // Text for people lives in views and the message catalogues, in both languages.
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          selector: 'Literal[value=/[\\u3040-\\u30ff\\u4e00-\\u9fff]/]',
          message: 'Japanese text belongs in views/ and the message catalogues.',
        },
        {
          selector: 'TemplateElement[value.raw=/[\\u3040-\\u30ff\\u4e00-\\u9fff]/]',
          message: 'Japanese text belongs in views/ and the message catalogues.',
        },
        { selector: 'Literal[value=/<[@#!]|<https?:/]', message: 'Slack markup belongs in views/.' },
        { selector: 'TemplateElement[value.raw=/<[@#!]|<https?:/]', message: 'Slack markup belongs in views/.' },
      ],
    },
  },
  {
    files: ['src/views/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/**', '**/schedules/**'],
              allowTypeImports: true,
              message: 'Views are pure: they may import only types from services.',
            },
            {
              group: ['**/listeners/**', '**/http/*', '**/local/*', '**/cli/*', '**/db/*', 'knex'],
              message: 'Views are pure functions of data.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/listeners/**/*.ts', 'src/http/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['knex', '**/db/*'], message: 'Listeners and HTTP routes run no SQL: call a service.' }],
        },
      ],
    },
  },
  {
    files: ['bin/*.js', 'scripts/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
