/** Who follows what in the demo: how many recent posts' subjects each follows, and how they hear of it. */
export const DEMO_FOLLOWERS: Array<{ handle: string; posts: number; organisations?: boolean; writers?: boolean; immediate?: boolean }> = [
  { handle: 'priya-natarajan', posts: 12, organisations: true, writers: true },
  { handle: 'tomas-lindqvist', posts: 8, writers: true, immediate: true },
  { handle: 'aoife-brennan', posts: 10, organisations: true },
  { handle: 'kwame-mensah', posts: 6, writers: true },
  { handle: 'lena-vogel', posts: 9, organisations: true, writers: true },
  { handle: 'marco-bellini', posts: 5 },
  { handle: 'hannah-price', posts: 7, writers: true },
  { handle: 'jordan-reyes', posts: 4 },
]

/**
 * The demo member (the first demo account) also follows two people who log practical actions, and hears of
 * posts and practical actions on the site (timeline and in-app notifications).
 */
export const DEMO_MEMBER = { handle: 'priya-natarajan', alsoFollows: ['kwame-mensah', 'hannah-price'], onTheSite: ['post', 'action'] }

/** How far back the first fan-out reads on a fresh demo: the demo's last two days of activity become notifications. */
export const DEMO_FAN_OUT_HOURS = 48
