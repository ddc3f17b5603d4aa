// Checks that every relative link in README.md and docs/*.md (of the folder given, else this repository) names a file that exists, and a heading there when it has an #anchor.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')) : [];
const pages = ['README.md', ...docs.filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];

/** GitHub's anchor of a heading: lower case, punctuation but - and _ dropped, spaces as -. */
const slug = (heading) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
const anchorsOf = (file) =>
  new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, ''))),
  );

const broken = [];
for (const page of pages) {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue;
    const [path, anchor] = target.split('#');
    const file = path === '' ? join(root, page) : resolve(join(root, dirname(page)), path);
    if (!existsSync(file)) broken.push(`${page}: ${target} (no such file)`);
    else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor)) broken.push(`${page}: ${target} (no such heading)`);
  }
}
if (broken.length > 0) {
  console.error(broken.join('\n'));
  process.exit(1);
}
console.log(`links: ${pages.length} pages, all relative links resolve`);
