// bundle-worker.mjs DIR — turns the service worker's ES modules in
// DIR/background into one script, DIR/background/sw.js. The modules stay
// beside it for the extension's pages (and tests) that import them; the
// worker loads only the bundle. Chromium loads each
// module of a worker as a request of its own: 17 of them cost a cold start
// 13–17 ms before the worker ran a line, one file 8–10 (RATIONALE.md, "Why is
// the service worker one bundled file?").
//
// It handles the subset of module syntax the worker is written in, and
// refuses anything else rather than guess: one-line `import { a, b as c }
// from './x.js';`, `export` before a function, class, const or let
// declaration, `export { a, b };` and `export { a } from './x.js';`. Each
// module becomes a function scope that returns its exports, evaluated in the
// order the module graph would evaluate them (dependencies first), so
// modules keep their own top-level names.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, dirname, basename } from 'node:path';

const IMPORT = /^import\s*\{([^}]*)\}\s*from\s*'(\.\/[\w.-]+\.js)';\s*$/;
const REEXPORT = /^export\s*\{([^}]*)\}\s*from\s*'(\.\/[\w.-]+\.js)';\s*$/;
const EXPORT_LIST = /^export\s*\{([^}]*)\};\s*$/;
const EXPORT_DECL = /^export\s+((?:async\s+)?function\*?|class|const|let)\s+([\w$]+)/;

/** BundleError names the file and line it cannot take. */
export class BundleError extends Error {}

// names splits "a, b as c" into [[imported, local], ...].
const names = (list) => list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
  const [from, as] = s.split(/\s+as\s+/);
  return [from, as ?? from];
});

/** parse reads one module: its imports, its exports and its body without either. */
export function parse(file, source) {
  const deps = [];      // [{ spec, bindings: [[imported, local]] }]
  const exports = [];   // [[exported, local]]
  const body = [];
  source.split('\n').forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    let m;
    if ((m = IMPORT.exec(line))) {
      deps.push({ spec: m[2], bindings: names(m[1]) });
    } else if ((m = REEXPORT.exec(line))) {
      const bindings = names(m[1]);
      deps.push({ spec: m[2], bindings });
      for (const [, local] of bindings) exports.push([local, local]);
    } else if ((m = EXPORT_LIST.exec(line))) {
      for (const [local, as] of names(m[1])) exports.push([as, local]);
    } else if ((m = EXPORT_DECL.exec(line))) {
      exports.push([m[2], m[2]]);
      body.push(line.replace(/^export\s+/, ''));
    } else if (/^\s*(import|export)\b/.test(line)) {
      throw new BundleError(`${where}: unsupported module syntax: ${line.trim()}`);
    } else {
      body.push(line);
    }
  });
  return { deps, exports, body: body.join('\n') };
}

/** bundle returns the script for entry (a path) and the module files it took, in evaluation order. */
export function bundle(entry) {
  const modules = new Map();   // path → parsed module
  const order = [];
  const visiting = new Set();
  const visit = (path) => {
    if (modules.has(path)) return;
    if (visiting.has(path)) throw new BundleError(`${path}: circular import`);
    visiting.add(path);
    const parsed = parse(path, readFileSync(path, 'utf8'));
    for (const d of parsed.deps) visit(join(dirname(path), d.spec));
    visiting.delete(path);
    modules.set(path, parsed);
    order.push(path);
  };
  visit(entry);
  const id = (path) => `$${basename(path, '.js').replace(/[^\w$]/g, '_')}`;
  const ids = new Set(order.map(id));
  if (ids.size !== order.length) throw new BundleError('two modules share a file name; the bundle names each by it');
  const bindings = (path, m) => m.deps.map((d) => {
    const list = d.bindings.map(([from, local]) => (from === local ? from : `${from}: ${local}`)).join(', ');
    return `const { ${list} } = ${id(join(dirname(path), d.spec))};`;
  }).join('\n');
  const parts = [`// Bundled by tools/bundle-worker.mjs from ${order.length} modules; the sources are extension/src/background/.`];
  for (const path of order) {
    const m = modules.get(path);
    if (path === entry) {
      parts.push(`// --- ${basename(path)}\n${bindings(path, m)}\n${m.body}`);
    } else {
      const ret = m.exports.map(([as, local]) => (as === local ? as : `${as}: ${local}`)).join(', ');
      parts.push(`// --- ${basename(path)}\nconst ${id(path)} = (() => {\n${bindings(path, m)}\n${m.body}\nreturn { ${ret} };\n})();`);
    }
  }
  return { script: parts.join('\n'), files: order };
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: bundle-worker.mjs DIR (the assembled extension folder)');
    process.exit(2);
  }
  try {
    const entry = join(dir, 'background', 'sw.js');
    const { script, files } = bundle(entry);
    writeFileSync(entry, script);
    console.log(`bundled ${relative(dir, entry)}: ${files.length} modules, ${script.length} bytes`);
  } catch (e) {
    console.error(`bundle-worker.mjs: ${e.message}`);
    process.exit(1);
  }
}
