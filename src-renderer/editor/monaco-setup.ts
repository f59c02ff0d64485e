// Monaco with only what a SQL editor needs: the bare API plus the contributions we use
// (suggest, hover, find, markers, comments, ...). The full `editor.main` would pull in every
// language and the TypeScript worker for nothing.
import * as monaco from 'monaco-editor/editor/editor.api';
// monaco-editor's package exports map only .js files; vite.config.ts aliases its CSS folder.
import 'monaco-codicons/codicon.css';
import 'monaco-codicons/codicon-modifiers.css';
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/browser/widget/codeEditor/codeEditorWidget';
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
import 'monaco-editor/editor/contrib/comment/browser/comment';
import 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu';
import 'monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo';
import 'monaco-editor/editor/contrib/find/browser/findController';
import 'monaco-editor/editor/contrib/folding/browser/folding';
import 'monaco-editor/editor/contrib/gotoError/browser/gotoError';
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations';
import 'monaco-editor/editor/contrib/multicursor/browser/multicursor';
import 'monaco-editor/editor/contrib/placeholderText/browser/placeholderText.contribution';
import 'monaco-editor/editor/contrib/snippet/browser/snippetController2';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter';
import 'monaco-editor/editor/contrib/wordOperations/browser/wordOperations';
import 'monaco-editor/editor/common/standaloneStrings';
import 'monaco-editor/languages/definitions/sql/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

let ready = false;

export function setupMonaco(): typeof monaco {
  if (ready) return monaco;
  ready = true;
  // The bundled worker file keeps worker-src 'self'; nothing is loaded from elsewhere.
  window.MonacoEnvironment = { getWorker: () => new EditorWorker() };
  monaco.editor.defineTheme('qtw-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'keyword', foreground: '569cd6', fontStyle: 'bold' },
      { token: 'string', foreground: 'ce9178' },
      { token: 'number', foreground: 'b5cea8' },
      { token: 'comment', foreground: '6a9955', fontStyle: 'italic' },
      { token: 'predefined', foreground: 'dcdcaa' },
    ],
    colors: {
      'editor.background': '#1b1d21',
      'editor.lineHighlightBackground': '#24272d',
      'editorGutter.background': '#1b1d21',
      'editorLineNumber.foreground': '#5a606b',
    },
  });
  return monaco;
}

export type Monaco = typeof monaco;
