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

/** Messages between front ends (the back ends' own travel in the stack's lower layer). */
export type FrontMsg = never;
