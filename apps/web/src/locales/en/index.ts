// Every namespace of this language, in one chunk loaded on demand (lib/i18n.ts).
const files = import.meta.glob<{ default: Record<string, unknown> }>('./*.json', { eager: true });
export default Object.fromEntries(
  Object.entries(files).map(([path, mod]) => [/\.\/(\w+)\.json$/.exec(path)![1]!, mod.default]),
);
