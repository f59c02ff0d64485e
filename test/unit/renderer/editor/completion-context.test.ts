// Where the cursor is in a statement, for column completion: the clause at the cursor's own
// nesting level and the tables the statement reads.
import { describe, expect, it } from 'vitest';
import { completionContext } from '../../../../src-renderer/editor/completion-items.ts';

/** Context at the `|` marker. */
function at(sqlWithCursor: string) {
  const offset = sqlWithCursor.indexOf('|');
  return completionContext(sqlWithCursor.replace('|', ''), offset);
}

describe('completionContext', () => {
  it('is the select list right after SELECT, between items, and inside a function call', () => {
    expect(at('SELECT |').clause).toBe('select');
    expect(at('SELECT ts_ns, new_|').clause).toBe('select');
    expect(at('SELECT count(|) FROM migrate_set_state').clause).toBe('select');
    expect(at('SELECT DISTINCT ne|').clause).toBe('select');
    expect(at('select ts_ns, |\n  FROM migrate_set_state').clause).toBe('select');
  });

  it('is not the select list after FROM, WHERE, ORDER BY', () => {
    expect(at('SELECT * FROM |').clause).toBe('from');
    expect(at('SELECT * FROM migrate_set_state WHERE new_|').clause).toBe('where');
    expect(at('SELECT * FROM migrate_set_state ORDER BY |').clause).toBe('order');
    expect(at('|').clause).toBeNull();
  });

  it('sees past a closed sub-query to the outer clause, and into an open one', () => {
    expect(at('SELECT (SELECT max(ts_ns) FROM events), |').clause).toBe('select');
    expect(at('SELECT * FROM events WHERE ts_ns > (SELECT |').clause).toBe('select');
    // Keywords in strings and comments are not syntax.
    expect(at("SELECT 'from', /* where */ |").clause).toBe('select');
  });

  it('lists the FROM and JOIN tables of the statement, with aliases, wherever the cursor is', () => {
    const c = at('SELECT s.|, d.ts_ns FROM migrate_set_state s JOIN migration_bitmap_sync_end AS d USING (trace_id)');
    expect(c.clause).toBe('select');
    expect(c.tables).toEqual([{ table: 'migrate_set_state', alias: 's' }, { table: 'migration_bitmap_sync_end', alias: 'd' }]);
    expect(at('SELECT |').tables).toEqual([]);
  });
});
