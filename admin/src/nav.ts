/** Hash routes: `#/streams/user/42` is the view `streams` with the parts `user` and `42`. */

/** The current route as decoded segments. */
export function route(): string[] {
  const parts = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  return parts.length === 0 ? ['overview'] : parts;
}

/** The href of a route. */
export function href(...parts: string[]): string {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

/** Goes to a route: `go('streams', 'user', id)`. */
export function go(...parts: string[]): void {
  location.hash = href(...parts);
}
