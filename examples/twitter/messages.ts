import type { NodeId } from '@faultline/runtime';

/** What a twitter client asks a front end. */
export type Req =
  | { readonly type: 'post'; readonly user: string; readonly text: string }
  | { readonly type: 'follow'; readonly user: string; readonly whom: string }
  | { readonly type: 'timeline'; readonly user: string };

/** One post as a timeline shows it. */
export interface ShownPost {
  readonly author: string;
  readonly text: string;
}

export type Res =
  | { readonly type: 'posted' }
  | { readonly type: 'followed' }
  | { readonly type: 'timeline'; readonly user: string; readonly posts: readonly ShownPost[] }
  | { readonly type: 'error'; readonly error: string };

/**
 * Messages between front ends (the back ends' own travel in the stack's lower layer). A
 * front end that is not a founder asks a front end it knows to admit it (`join`); that one
 * records it in its generation's log in the back end, so every timeline from then on finds
 * it, and only then answers `welcome` with the front and back ends it knows of.
 */
export type FrontMsg =
  | { readonly type: 'join' }
  | { readonly type: 'welcome'; readonly frontEnds: readonly NodeId[]; readonly backEnds: readonly NodeId[] };
