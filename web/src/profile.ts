/** With `?profile` in the URL, the console leaves performance marks for bench/console.sh; otherwise it marks nothing. */
export const profiling = typeof location !== "undefined" && new URLSearchParams(location.search).has("profile");
