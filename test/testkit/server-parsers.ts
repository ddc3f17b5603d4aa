/**
 * What the servers that do not read plain text find in a post: Hollo's
 * Markdown (markdown-it 15 set up as its src/text.ts does, with Fedify's
 * mention and hashtag plugins) and Misskey's MFM (mfm-js). Shared by the
 * markup tests and the whole-path properties.
 */
import { hashtag } from '@fedify/markdown-it-hashtag';
import { mention } from '@fedify/markdown-it-mention';
import MarkdownIt from 'markdown-it';
import * as mfm from 'mfm-js';

export interface ReadPost {
  readonly html: string;
  /** As the parser gives them: `@user@domain` for Markdown, `user@domain` or `user` for MFM. */
  readonly mentions: readonly string[];
  readonly hashtags: readonly string[];
}

const hollo = new MarkdownIt({ linkify: true, html: false }).use(mention, {}).use(hashtag, {});
hollo.linkify.set({ fuzzyLink: true, urlAuth: true });

/** Hollo's createMarkdownIt() with the plugins of its formatText(). */
export function readAsHollo(text: string): ReadPost {
  const env = { mentions: [] as string[], hashtags: [] as string[] };
  return { html: hollo.render(text, env), ...env };
}

/** The mentions and hashtags Misskey's MFM parser finds. */
export function readAsMfm(text: string): Omit<ReadPost, 'html'> & { readonly nodes: mfm.MfmNode[] } {
  const nodes = mfm.parse(text);
  const mentions: string[] = [];
  const hashtags: string[] = [];
  const walk = (list: mfm.MfmNode[]) => {
    for (const node of list) {
      if (node.type === 'mention') mentions.push(node.props.acct);
      if (node.type === 'hashtag') hashtags.push(node.props.hashtag);
      if (node.children) walk(node.children);
    }
  };
  walk(nodes);
  return { nodes, mentions, hashtags };
}
