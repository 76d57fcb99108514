/**
 * The layering of ../shared/DESIGN.md, checked by `npm test` (`npm run deps`). Any violation
 * fails the run (see docs/architecture.md).
 *
 * "Folders" are the first level under src/ (cli, core, flows, store …); the top-level files
 * (app.ts, config.ts …) are named by their own paths.
 */

const OUTER = '^src/(channels/|console/|cli/|app\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'inner-imports-outer',
      severity: 'error',
      comment: 'core, flows, staff and llm never import channels, console, cli or app: those are built on top of them.',
      from: { path: '^src/(core|flows|staff|llm)/' },
      to: { path: OUTER },
    },
    {
      name: 'knowledge-stands-alone',
      severity: 'error',
      comment:
        'knowledge never imports core, flows, staff, llm, channels, console or config: the engine uses it, and settings are passed in.',
      from: { path: '^src/knowledge/' },
      to: { path: '^src/(core/|flows/|staff/|llm/|channels/|console/|config\\.ts$|cli/|app\\.ts$)' },
    },
    {
      name: 'store-imports-only-lib',
      severity: 'error',
      comment: 'store imports only lib: records go in and out as plain data, so any implementation can stand behind the interface.',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|lib)/' },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'No two folders import each other, directly or round a longer loop: every dependency goes one way.',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
    {
      name: 'database-driver-only-in-store',
      severity: 'error',
      comment: 'Only src/store touches a database driver (tests included): everything else goes through the Store.',
      from: { pathNot: '^src/store/' },
      to: { path: '^node_modules/(@types/)?(better-sqlite3|pg|pg-[^/]+)/' },
    },
    {
      name: 'database-only-in-store-tests',
      severity: 'error',
      comment:
        'Tests outside test/store/ never open the SQLite file or its migrations: they check behaviour through the Store (app.records), the knowledge base (app.kb), the CLI or the console. The schema itself is tested in test/store/.',
      from: { path: '^test/', pathNot: '^test/store/' },
      to: { path: '^src/store/(sqlite\\.ts$|migrations)' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json', '.d.ts'] },
  },
};
