import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/**
 * Replaces each `graphql(`…`)` call with the document codegen generated for it (`<Name>Document` or
 * `<Name>FragmentDoc` in src/gql/graphql.ts), as the client preset's Babel plugin does. Without it, the
 * preset's `graphql()` looks documents up in a map of every operation of the app, so the entry chunk carries
 * every page's queries; with it, each page's chunk holds only its own.
 */
export function gqlDocuments(generatedFile: string): Plugin {
  let exported: Set<string> | null = null;
  const exportsOf = () =>
    (exported ??= new Set([...readFileSync(generatedFile, 'utf8').matchAll(/^export const (\w+) = /gm)].map((m) => m[1]!)));
  return {
    name: 'ruche-gql-documents',
    enforce: 'pre',
    buildStart() {
      exported = null;
    },
    transform(code, id) {
      if (!/\.tsx?$/.test(id) || id.includes('/src/gql/') || !code.includes('graphql(`')) return null;
      const names: string[] = [];
      const out = code.replace(/\bgraphql\(\s*`([^`]*)`\s*\)/g, (call, body: string) => {
        const operation = /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(body);
        const fragment = /^\s*fragment\s+(\w+)/.exec(body);
        const name = operation ? `${pascal(operation[1]!)}Document` : fragment ? `${pascal(fragment[1]!)}FragmentDoc` : null;
        if (!name || !exportsOf().has(name)) return call; // not generated yet: the preset's map still answers
        names.push(name);
        return `__gql_${name}`;
      });
      if (!names.length) return null;
      const imports = [...new Set(names)].map((n) => `${n} as __gql_${n}`).join(', ');
      return { code: `import { ${imports} } from ${JSON.stringify(generatedFile)};\n${out}`, map: null };
    },
  };
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
