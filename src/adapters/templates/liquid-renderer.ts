/**
 * Reply templates: `templates/<lang>/<id>.liquid`, first line `Subject: ...`,
 * a blank line, then the plain-text body. Rendered with LiquidJS, which
 * runs no code from a template (no JS expressions, own properties only), so
 * admins can edit templates safely. A bilingual reply is the sender's
 * language first, then the post's other languages, under one subject.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { Liquid, type FS, type Template } from 'liquidjs';
import type { Language } from '../../core/types.js';
import type { ReplyContext } from '../../core/compose-reply.js';
import { TriageError } from '../../runtime/errors.js';

export interface RenderedReply {
  subject: string;
  text: string;
  languages: Language[];
}

/** Between language blocks of a bilingual reply. */
export const LANGUAGE_SEPARATOR = '\n\n' + '—'.repeat(36) + '\n\n';

/** Renders must be bounded: a template loop over a huge value must not stall a worker. */
const RENDER_LIMIT_MS = 2_000;

/**
 * Every template file as it was read at one moment: absolute path -> text.
 * Plain data, so a pipeline thread receives the very templates its main
 * thread checked, whatever happens to the files afterwards.
 */
export type TemplateSnapshot = Record<string, string>;

export class TemplateRenderer {
  private readonly engines = new Map<Language, Liquid>();
  /** Parsed once per template and language: a reply only renders. */
  private readonly sources = new Map<string, { subject: Template[]; body: Template[] }>();
  private readonly fs: FS | undefined;

  /**
   * @param snapshot Render from these files instead of the disk (see
   *   {@link TemplateRenderer.snapshot}); partials resolve among them too.
   */
  constructor(
    private readonly dir: string,
    private readonly snap?: TemplateSnapshot,
  ) {
    this.fs = snap ? snapshotFs(snap) : undefined;
  }

  /** Reads every `<lang>/*.liquid` under the templates folder, once. */
  async snapshot(): Promise<TemplateSnapshot> {
    const out: TemplateSnapshot = {};
    let entries;
    try {
      entries = await readdir(this.dir, { withFileTypes: true });
    } catch (cause) {
      throw new TriageError('TEMPLATE_NOT_FOUND', `cannot read the templates folder ${this.dir}: ${(cause as Error).message}`, { cause });
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const langDir = resolve(this.dir, entry.name);
      for (const file of await readdir(langDir)) {
        if (file.endsWith('.liquid')) out[join(langDir, file)] = await readFile(join(langDir, file), 'utf8');
      }
    }
    return out;
  }

  private engine(lang: Language): Liquid {
    let e = this.engines.get(lang);
    if (!e) {
      e = new Liquid({
        root: [resolve(this.dir, lang)],
        partials: [resolve(this.dir, lang)],
        extname: '.liquid',
        ...(this.fs ? { fs: this.fs } : {}),
        cache: true,
        strictFilters: true,
        ownPropertyOnly: true,
        renderLimit: RENDER_LIMIT_MS,
      });
      this.engines.set(lang, e);
    }
    return e;
  }

  async exists(id: string, lang: Language): Promise<boolean> {
    const file = this.file(id, lang);
    if (this.snap) return file in this.snap;
    try {
      await access(file);
      return true;
    } catch {
      return false;
    }
  }

  private file(id: string, lang: Language): string {
    if (!/^[a-z0-9_]+$/.test(id)) throw new TriageError('TEMPLATE_NOT_FOUND', `invalid template id "${id}"`);
    return resolve(this.dir, lang, `${id}.liquid`);
  }

  private async source(id: string, lang: Language): Promise<{ subject: Template[]; body: Template[] }> {
    const key = `${lang}/${id}`;
    const cached = this.sources.get(key);
    if (cached) return cached;
    let text: string;
    try {
      const file = this.file(id, lang);
      if (!this.snap) text = await readFile(file, 'utf8');
      else if (file in this.snap) text = this.snap[file]!;
      else throw new Error(`${file}: not in the templates read at start`);
    } catch (cause) {
      throw new TriageError('TEMPLATE_NOT_FOUND', `template ${lang}/${id}.liquid not found in ${this.dir}`, { cause });
    }
    const m = /^Subject:[ \t]?(.*)\r?\n\r?\n([\s\S]*)$/.exec(text);
    if (!m) throw new TriageError('TEMPLATE_INVALID', `${lang}/${id}.liquid must start with "Subject: ..." and a blank line`);
    const engine = this.engine(lang);
    let parsed;
    try {
      parsed = { subject: engine.parse(m[1] ?? ''), body: engine.parse(m[2] ?? '') };
    } catch (cause) {
      throw new TriageError('TEMPLATE_INVALID', `${lang}/${id}.liquid: ${(cause as Error).message}`, { cause });
    }
    this.sources.set(key, parsed);
    return parsed;
  }

  /** Renders one language block. */
  async renderOne(id: string, lang: Language, ctx: ReplyContext): Promise<{ subject: string; text: string }> {
    const src = await this.source(id, lang);
    const engine = this.engine(lang);
    try {
      // Synchronous: the templates are parsed and the partials cached, so
      // nothing waits on I/O, and the promise machinery would cost more
      // than the render itself.
      const subject = engine.renderSync(src.subject, ctx) as string;
      const text = engine.renderSync(src.body, ctx) as string;
      return { subject: subject.replace(/\s+/g, ' ').trim(), text: text.replace(/\n{3,}/g, '\n\n').trim() };
    } catch (cause) {
      throw new TriageError('TEMPLATE_INVALID', `${lang}/${id}.liquid: ${(cause as Error).message}`, { cause });
    }
  }

  /** The reply as sent: each language's block, the first language's subject. */
  async render(id: string, languages: readonly Language[], contextFor: (lang: Language) => ReplyContext): Promise<RenderedReply> {
    const blocks = [];
    for (const lang of languages) blocks.push(await this.renderOne(id, lang, contextFor(lang)));
    return { subject: blocks[0]?.subject ?? '', text: blocks.map((b) => b.text).join(LANGUAGE_SEPARATOR) + '\n', languages: [...languages] };
  }
}

/** LiquidJS's file system over a snapshot, so that `{% render "./_date.liquid" %}` resolves as on disk. */
function snapshotFs(snap: TemplateSnapshot): FS {
  const read = (file: string): string => {
    const text = snap[file];
    if (text === undefined) throw new Error(`ENOENT: ${file} is not in the templates read at start`);
    return text;
  };
  return {
    exists: async (file) => file in snap,
    existsSync: (file) => file in snap,
    readFile: async (file) => read(file),
    readFileSync: read,
    resolve: (dir, file, ext) => resolve(dir, extname(file) ? file : file + ext),
    containsSync: (root, file) => file.startsWith(resolve(root) + sep),
    contains: async (root, file) => file.startsWith(resolve(root) + sep),
    sep,
    dirname,
  };
}
