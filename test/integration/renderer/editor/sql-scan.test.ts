// Statement splitting and the statement under the cursor, checked against DuckDB's own parser
// on real queries over the a-precopy sample.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencedTables, splitStatements, statementAt } from '../../../../src-renderer/editor/sql-scan.ts';
import { openSampleWorkspace, type SampleWorkspace } from '../../../helpers/sample-workspace.ts';

let w: SampleWorkspace;
beforeAll(async () => {
  w = await openSampleWorkspace();
});
afterAll(() => w?.close());

const SCRIPT = `-- states; with a ; in a comment
SELECT side, new_state FROM migrate_set_state ORDER BY side, seq;

/* block comment ; */ SELECT 'a;b' AS "semi;colon", count(*) FROM events WHERE name = 'migrate_set_state';
SELECT $$dollar ; quoted$$ AS d;
SELECT e.name, t.side
  FROM events e JOIN traces t ON t.trace_id = e.trace_id
 WHERE e.seq < 3
`;

describe('splitStatements', () => {
  it('splits where DuckDB does, ignoring ; inside strings, identifiers, comments and $$', async () => {
    const stmts = splitStatements(SCRIPT);
    const extracted = await w.engine.ws.conn.extractStatements(SCRIPT);
    expect(stmts.length).toBe(extracted.count);
    // Each piece runs on its own and gives the same rows as DuckDB running it inside the script.
    for (const s of stmts) await w.rows(s.text);
    expect(await w.rows(stmts[1].text)).toEqual(await w.rows(`SELECT 'a;b' AS "semi;colon", count(*) FROM events WHERE name = 'migrate_set_state'`));
  });
});

describe('statementAt', () => {
  it('picks the statement containing the cursor, and the one above for a cursor after its ;', () => {
    const stmts = splitStatements(SCRIPT);
    for (const s of stmts) {
      expect(statementAt(SCRIPT, s.start)?.text).toBe(s.text);
      expect(statementAt(SCRIPT, s.end)?.text).toBe(s.text);
      expect(statementAt(SCRIPT, Math.floor((s.start + s.end) / 2))?.text).toBe(s.text);
    }
    // Right after the first `;` (end of line): still the first statement.
    const afterSemi = SCRIPT.indexOf(';', SCRIPT.indexOf('SELECT')) + 1;
    expect(statementAt(SCRIPT, afterSemi)?.text).toBe(stmts[0].text);
    // In the comment before the second statement: the second one (no blank line in between).
    expect(statementAt(SCRIPT, SCRIPT.indexOf('block comment'))?.text).toBe(stmts[1].text);
    expect(statementAt('  \n -- only a comment', 3)).toBeNull();
  });
});

describe('referencedTables', () => {
  it('finds FROM/JOIN tables with aliases, and each exists in the workspace', () => {
    const last = splitStatements(SCRIPT).at(-1)!;
    const refs = referencedTables(last.text);
    expect(refs).toEqual([{ table: 'events', alias: 'e' }, { table: 'traces', alias: 't' }]);
    const names = new Set(w.schema.tables.map((t) => t.name));
    for (const r of refs) expect(names.has(r.table)).toBe(true);
    expect(referencedTables('SELECT * FROM migrate_set_state m, traces WHERE 1').map((r) => [r.table, r.alias])).toEqual([
      ['migrate_set_state', 'm'],
      ['traces', null],
    ]);
    expect(referencedTables('SELECT * FROM range(10) r')).toEqual([]);
  });
});
