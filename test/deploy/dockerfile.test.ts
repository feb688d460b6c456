import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

// There is no Docker engine here to build server/Dockerfile, so this reads it: the shape the
// deployment relies on, and what the production-only image would miss.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's instructions, continuation lines joined and comments dropped, by stage. */
function stages(text: string): Instruction[][] {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const result: Instruction[][] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const instruction = { keyword: match[1]!.toUpperCase(), args: match[2]!.replace(/\s+/g, ' ').trim() };
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

const args = (stage: readonly Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword).map((i) => i.args);

const packageJson = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

describe('server/Dockerfile', () => {
  const [build, final, ...more] = stages(read('server/Dockerfile'));

  it('has a build stage and a final stage, both on Node 20', () => {
    expect(more).toEqual([]);
    expect(args(build!, 'FROM')).toEqual([expect.stringMatching(/^node:20\S* AS build$/i)]);
    expect(args(final!, 'FROM')).toEqual([expect.stringMatching(/^node:20\S*$/)]);
  });

  it('builds the browser client with every dependency in the build stage', () => {
    const runs = args(build!, 'RUN');
    expect(runs.some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build:client\b/.test(r))).toBe(true);
  });

  it('installs production dependencies only in the final image, and copies the built client in', () => {
    const runs = args(final!, 'RUN');
    expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm (ci|install)\b/.test(r) && !/--omit=dev/.test(r))).toBe(false);
    const copies = args(final!, 'COPY');
    expect(copies).toContain('--from=build /app/dist/client/ dist/client/');
    for (const source of ['package.json', 'package-lock.json', 'server/', 'shared/']) {
      expect(copies.some((c) => c.split(' ').slice(0, -1).includes(source)), source).toBe(true);
    }
    // Nothing of the client's sources or the tests goes into the final image.
    expect(copies.some((c) => /\b(client|test)\//.test(c.replace('/app/dist/client/ dist/client/', '')))).toBe(false);
  });

  it('runs the server as the node user, without building the client at start', () => {
    const keywords = final!.map((i) => i.keyword);
    expect(args(final!, 'USER')).toEqual(['node']);
    expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));
    expect(args(final!, 'ENV').join(' ')).toMatch(/\bSKIP_CLIENT_BUILD=1\b/);
    expect(args(final!, 'EXPOSE')).toEqual(['3000']);
    expect(args(final!, 'CMD')).toEqual(['["node", "--import", "tsx", "server/main.ts"]']);
  });

  it('checks its health on /health with node\'s fetch', () => {
    const [check, ...others] = args(final!, 'HEALTHCHECK');
    expect(others).toEqual([]);
    expect(check).toMatch(/CMD \["node", "-e", ".*fetch\(.*\/health.*"\]$/);
  });

  it('needs nothing at run time that --omit=dev leaves out', () => {
    // The CMD runs TypeScript through tsx: it must be a production dependency.
    expect(packageJson.dependencies).toHaveProperty('tsx');
    const imports = runtimeImports();
    // The scan sees the imports there are (tsx: the reference worker registers it itself).
    expect(imports).toEqual(expect.arrayContaining(['express', 'socket.io', 'tsx', 'zod']));
    const missing = imports.filter((name) => !(name in packageJson.dependencies));
    expect(missing, 'imported by server/ or shared/ but not in "dependencies"').toEqual([]);
  });
});

describe('.dockerignore', () => {
  const rules = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('sends only what the image needs, and never node_modules', () => {
    expect(rules[0]).toBe('*');
    expect(rules).toContain('**/node_modules');
    const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1).replace(/\/$/, ''));
    const [build, final] = stages(read('server/Dockerfile'));
    const sources = [...args(build!, 'COPY'), ...args(final!, 'COPY')]
      .filter((c) => !c.startsWith('--from='))
      .flatMap((c) => c.split(' ').slice(0, -1))
      .map((s) => s.replace(/\/$/, ''));
    for (const source of sources) expect(allowed, source).toContain(source);
  });
});

/** The packages that server/ and shared/ import at run time (type-only imports are erased). */
function runtimeImports(): string[] {
  const names = new Set<string>();
  const builtins = new Set(builtinModules);
  for (const file of sourceFiles(['server', 'shared'])) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(/^\s*import\s+(?!type\s)(?:[\w$*{},\s]+?\s+from\s+)?['"]([^'"]+)['"]/gm),
      ...text.matchAll(/^\s*export\s+(?!type\s)(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/gm),
      ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1]!);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      const parts = specifier.split('/');
      names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return [...names].sort();
}

function sourceFiles(dirs: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs|js)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of dirs) walk(join(ROOT, dir));
  return files;
}
