// Schema-aware completion and hover for Monaco's SQL language. The schema comes from the engine
// and is refreshed when traces change; the logic itself lives in completion-items.ts.
import type { SchemaInfo } from '../../src-main/contract.ts';
import { completionItems, hoverMarkdown, wordBefore, type ItemKind } from './completion-items.ts';
import type { Monaco } from './monaco-setup.ts';
import { statementAt } from './sql-scan.ts';

export interface SchemaSource {
  /** The latest schema, waiting for a load in progress (right after start or an import). */
  ready(): Promise<SchemaInfo | null>;
}

export function registerSqlLanguage(monaco: Monaco, schema: SchemaSource): void {
  const K = monaco.languages.CompletionItemKind;
  const kindOf: Record<ItemKind, number> = {
    event: K.Event,
    table: K.Struct,
    view: K.Interface,
    column: K.Field,
    function: K.Function,
    keyword: K.Keyword,
  };

  monaco.languages.registerCompletionItemProvider('sql', {
    triggerCharacters: ['.', '"'],
    async provideCompletionItems(model, position) {
      const s = await schema.ready();
      if (!s) return { suggestions: [] };
      const text = model.getValue();
      const offset = model.getOffsetAt(position);
      const stmt = statementAt(text, offset) ?? { text: '', start: offset, end: offset };
      const base = Math.min(stmt.start, offset);
      const local = text.slice(base, Math.max(stmt.end, offset));
      const { start } = wordBefore(local, offset - base);
      const from = model.getPositionAt(base + start);
      const range = new monaco.Range(from.lineNumber, from.column, position.lineNumber, position.column);
      const items = completionItems(s, local, offset - base);
      return {
        suggestions: items.map((it) => ({
          label: { label: it.label, description: it.kind === 'keyword' ? undefined : it.detail },
          kind: kindOf[it.kind],
          detail: it.detail,
          documentation: it.documentation ? { value: it.documentation } : undefined,
          insertText: it.insertText,
          filterText: it.label,
          sortText: it.sortText,
          range,
        })),
      };
    },
  });

  monaco.languages.registerHoverProvider('sql', {
    async provideHover(model, position) {
      const s = await schema.ready();
      const w = model.getWordAtPosition(position);
      if (!s || !w) return null;
      const text = model.getValue();
      const wordEnd = model.getOffsetAt({ lineNumber: position.lineNumber, column: w.endColumn });
      const stmt = statementAt(text, wordEnd);
      if (!stmt) return null;
      const local = text.slice(stmt.start, stmt.end);
      const { qualifier } = wordBefore(local, wordEnd - stmt.start - w.word.length);
      const md = hoverMarkdown(s, local, w.word, qualifier);
      if (!md) return null;
      return {
        range: new monaco.Range(position.lineNumber, w.startColumn, position.lineNumber, w.endColumn),
        contents: [{ value: md }],
      };
    },
  });
}
