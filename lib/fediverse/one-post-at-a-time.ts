import type { Fediverse } from './fediverse.ts';

/**
 * The server with its posts sent one after another, for servers that must
 * not get two at once (InstanceFacts.postsOneAtATime): answers and watch
 * replies share the one queue. A failed post does not hold up the next.
 */
export function postingOneAtATime<F extends Pick<Fediverse, 'postReply'>>(fediverse: F): F {
  let posting: Promise<unknown> = Promise.resolve();
  const postReply: Fediverse['postReply'] = (reply) => {
    const posted = posting.then(() => fediverse.postReply(reply));
    posting = posted.catch(() => {});
    return posted;
  };
  return Object.assign(Object.create(fediverse) as F, { postReply });
}
