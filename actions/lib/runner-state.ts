/**
 * The state a bundle saves in main to know, when the runner starts it again for post, that it is
 * post. Its own module so the root dispatcher can read it without loading @actions/core.
 */
export const IS_POST_STATE = 'isPost';
