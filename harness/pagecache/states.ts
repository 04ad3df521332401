// The page-cache states a run can start in (machine.page_cache_state): the one list that the
// experiment schema, the runner and the results share.

export const PAGE_CACHE_STATES = ["cold", "warm", "as-is"] as const;
export type PageCacheState = (typeof PAGE_CACHE_STATES)[number];
